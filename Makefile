# Developer commands. `make demo` and `make test` are the whole set-up on a fresh Debian 12
# machine: each installs what is missing first (scripts/deps.sh). Building (build, package,
# build-LookoutFunction) installs only the build needs; test and fuzz add the test tools; demo
# and bench add the Python tools. Python runs through scripts/python3: the python3 on PATH when
# it has the tools, else build/venv (made from tests/requirements.txt).
BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=

# The lean Lambda build runs on Debian (apt-get) or on Amazon Linux 2023 (dnf: the image of
# `sam build --use-container`); docs/packaging.md says what each needs.
LEAN_HOST ?= $(if $(shell command -v apt-get 2>/dev/null),debian,$(if $(shell command -v dnf 2>/dev/null),al2023,unknown))
LEAN_DEPS = $(if $(filter debian,$(LEAN_HOST)),deps-build)
LAMBDA_DIR ?= $(BUILD)/lambda
# The architecture the artifact is for: the template's Architecture parameter. SAM's makefile
# builder passes only ARTIFACTS_DIR, so a build for arm64 is `LAMBDA_ARCH=arm64 sam build`; the
# build refuses a bootstrap of any other machine (scripts/package.sh).
LAMBDA_ARCH ?= x86_64
LEAN_ENV = LEAN_HOST=$(LEAN_HOST) JOBS=$(JOBS) LAMBDA_DIR=$(LAMBDA_DIR) LAMBDA_ARCH=$(LAMBDA_ARCH)

.PHONY: all deps deps-build deps-python build test demo package bench fuzz format clean \
	build-LookoutFunction

all: build

# Everything: what building, testing, fuzzing, the demo and the benchmarks need.
deps:
	@scripts/deps.sh test

deps-build:
	@scripts/deps.sh build

deps-python:
	@scripts/deps.sh python

build: deps-build
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

test: deps
	scripts/test.sh

demo: build
	@scripts/deps.sh python
	scripts/python3 tests/emulator/demo.py --build-dir $(BUILD)

package: $(LEAN_DEPS)
	$(LEAN_ENV) scripts/package.sh

# What `sam build` runs for the function LookoutFunction (Metadata: BuildMethod: makefile),
# with ARTIFACTS_DIR set: the lean bootstrap and its CA roots, without the zip.
build-LookoutFunction: $(LEAN_DEPS)
	$(if $(ARTIFACTS_DIR),,$(error ARTIFACTS_DIR is not set; sam build sets it))
	$(LEAN_ENV) PACKAGE_ZIP= scripts/package.sh
	mkdir -p "$(ARTIFACTS_DIR)"
	cp -R "$(LAMBDA_DIR)/." "$(ARTIFACTS_DIR)/"
	chmod 755 "$(ARTIFACTS_DIR)/bootstrap"

# BENCH_QUICK=1: a few hundred samples each (what make test runs), not thousands.
bench: build
	@scripts/deps.sh python
	LOOKOUT_BUILD_DIR=$(BUILD) bench/run

fuzz: deps
	scripts/fuzz.sh

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-*
