#!/usr/bin/env bash
# Every test: the normal build (warnings are errors), then the C tests and the black-box
# runtime tests again under ASan+UBSan and under valgrind memcheck, then a short run of every
# fuzz target (FUZZ_SECONDS each, default 10; `make fuzz` runs them longer).
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=$(nproc 2>/dev/null || echo 2)
# Labels of the tests that also run under the sanitizers and valgrind.
CHECKED_LABELS=${CHECKED_LABELS:-'^(unit|runtime)$'}

configure_and_build() { # dir, cmake flags...
  local dir=$1; shift
  cmake -S . -B "$dir" -DWARNINGS_AS_ERRORS=ON "$@" >/dev/null
  cmake --build "$dir" -j "$JOBS" >/dev/null
}

echo "== build and test (Release)"
configure_and_build build -DCMAKE_BUILD_TYPE=Release
ctest --test-dir build --output-on-failure -j "$JOBS"

echo "== ASan + UBSan"
configure_and_build build-asan -DCMAKE_BUILD_TYPE=Debug -DENABLE_SANITIZERS=ON
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j "$JOBS" -L "$CHECKED_LABELS"

echo "== valgrind memcheck"
configure_and_build build-valgrind -DCMAKE_BUILD_TYPE=Debug -DLOOKOUT_VALGRIND=ON
ctest --test-dir build-valgrind --output-on-failure -j "$JOBS" -L "$CHECKED_LABELS"

echo "== fuzz (every parser of outside bytes, FUZZ_SECONDS each)"
FUZZ_SECONDS=${FUZZ_SECONDS:-10} FUZZ_BUILD_DIR=build-fuzz scripts/fuzz.sh

echo "== soak, short (bench/soak; the 20,000-invoke run is bench/run's)"
BENCH_SHORT=1 LOOKOUT_BUILD_DIR=build bench/soak
