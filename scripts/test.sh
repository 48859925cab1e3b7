#!/usr/bin/env bash
# Every test: the normal build (warnings are errors) and every test of it, a short run of
# every benchmark (BENCH_QUICK=1, so none can rot), then the C tests and the black-box runtime
# tests again under ASan+UBSan and under valgrind memcheck, then a short run of every fuzz
# target (FUZZ_SECONDS each, default 10; `make fuzz` runs them longer). `make test` runs
# scripts/deps.sh test first.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=$(nproc 2>/dev/null || echo 2)
# Labels of the tests that also run under the sanitizers and valgrind.
CHECKED_LABELS=${CHECKED_LABELS:-'^(unit|runtime)$'}

configure_and_build() { # dir, cmake flags...
  local dir=$1; shift
  cmake -S . -B "$dir" -DWARNINGS_AS_ERRORS=ON -DLOOKOUT_REQUIRE_CMOCKA=ON "$@" >/dev/null
  cmake --build "$dir" -j "$JOBS" >/dev/null
}

# The package tests link the lean bootstrap against these; built once, here, where its
# progress shows, and shared with `make package` (build/deps).
echo "== static libcurl and libcjson for the lean build (build/deps)"
scripts/lean-deps.sh

echo "== build and test (Release)"
configure_and_build build -DCMAKE_BUILD_TYPE=Release
ctest --test-dir build --output-on-failure -j "$JOBS"

echo "== benchmarks, short (BENCH_QUICK=1; make bench runs them in full)"
BENCH_QUICK=1 LOOKOUT_BUILD_DIR=build bench/run

echo "== ASan + UBSan"
configure_and_build build-asan -DCMAKE_BUILD_TYPE=Debug -DENABLE_SANITIZERS=ON
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j "$JOBS" -L "$CHECKED_LABELS"

echo "== valgrind memcheck"
configure_and_build build-valgrind -DCMAKE_BUILD_TYPE=Debug -DLOOKOUT_VALGRIND=ON
ctest --test-dir build-valgrind --output-on-failure -j "$JOBS" -L "$CHECKED_LABELS"

echo "== fuzz (every parser of outside bytes, FUZZ_SECONDS each)"
FUZZ_SECONDS=${FUZZ_SECONDS:-10} FUZZ_BUILD_DIR=build-fuzz scripts/fuzz.sh
