# Developer commands. `make demo` and `make test` are the whole set-up on a fresh Debian 12
# machine: both install what is missing first (scripts/deps.sh).
BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=

.PHONY: all deps build test demo package bench fuzz format clean

all: build

deps:
	@scripts/deps.sh

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

test: deps
	scripts/test.sh

demo: build
	python3 tests/emulator/demo.py --build-dir $(BUILD)

package: deps
	scripts/package.sh

bench: build
	bench/run

fuzz: deps
	scripts/fuzz.sh

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-*
