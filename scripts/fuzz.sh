#!/usr/bin/env bash
# Builds every libFuzzer target (tests/fuzz/fuzz_*.c) with clang and runs each for
# FUZZ_SECONDS (default 30) on its seed corpus (tests/fuzz/corpus/<target>/, when there is
# one). Fails when a target crashes, leaks, times out or fails to build.
#
#   scripts/fuzz.sh                 every target
#   scripts/fuzz.sh fuzz_png        only the named targets
#   FUZZ_SECONDS=300 FUZZ_BUILD_DIR=/tmp/fz scripts/fuzz.sh
#
# New inputs the fuzzer finds go to $FUZZ_BUILD_DIR/corpus/<target>/ and crash reproducers to
# $FUZZ_BUILD_DIR/artifacts/<target>/, never into the repository: copy a useful one to the
# seed corpus by hand.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${FUZZ_BUILD_DIR:-$ROOT/build-fuzz}
SECONDS_EACH=${FUZZ_SECONDS:-30}
JOBS=${FUZZ_JOBS:-2}

# FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION is the usual libFuzzer convention: the PNG reader
# skips CRC checks under it, so mutations reach the decoder.
CC=clang cmake -S "$ROOT" -B "$BUILD" -DENABLE_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_FLAGS="-DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION" >/dev/null

if [ $# -gt 0 ]; then
  targets=("$@")
else
  targets=()
  for src in "$ROOT"/tests/fuzz/fuzz_*.c; do
    targets+=("$(basename "$src" .c)")
  done
fi
[ ${#targets[@]} -gt 0 ] || { echo "fuzz: no targets in tests/fuzz" >&2; exit 1; }
cmake --build "$BUILD" -j "$JOBS" --target "${targets[@]}"

failed=()
for t in "${targets[@]}"; do
  work="$BUILD/corpus/$t"
  artifacts="$BUILD/artifacts/$t/"
  mkdir -p "$work" "$artifacts"
  seeds=()
  [ -d "$ROOT/tests/fuzz/corpus/$t" ] && seeds=("$ROOT/tests/fuzz/corpus/$t")
  echo "fuzz: $t for ${SECONDS_EACH}s"
  # The first corpus folder receives new inputs; the seeds are only read.
  if "$BUILD/$t" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
      -max_len=65536 -print_final_stats=1 -artifact_prefix="$artifacts" \
      "$work" "${seeds[@]+"${seeds[@]}"}" >"$BUILD/$t.log" 2>&1; then
    grep -E '^stat::(number_of_executed_units|new_units_added)' "$BUILD/$t.log" | tr '\n' ' '
    echo
  else
    echo "fuzz: $t FAILED; the last lines of $BUILD/$t.log:" >&2
    tail -n 40 "$BUILD/$t.log" >&2
    failed+=("$t")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: ${#failed[@]} target(s) failed: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} target(s) ran ${SECONDS_EACH}s each without a crash"
