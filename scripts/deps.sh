#!/usr/bin/env bash
# Installs what kvs-lookout needs on Debian 12, and does nothing when it is all present. Run as
# root (CI) or with sudo available.
#
#   scripts/deps.sh build    building: compiler, CMake, pkg-config, the five -dev libraries, and
#                            what `make package`'s lean static build uses (Debian's source
#                            packages, zip, openssl). `make build`, `make package` and
#                            `make build-LookoutFunction` (sam build) install only this.
#   scripts/deps.sh python   the Python tools of the tests, the demo and the benchmarks (below).
#   scripts/deps.sh test     both, and what only tests use: cmocka, valgrind, clang with its
#                            sanitizer and libFuzzer runtimes, ffmpeg and djpeg as independent
#                            readers of what the code writes. `make test` (the default).
#
# Python tools (boto3, botocore, moto[server] 5.x, cfn-lint 1.x, jsonschema, PyYAML, Flask,
# requests): the python3 on PATH when it imports them all; otherwise a virtual environment in
# build/venv made from the pinned tests/requirements.txt (pip never installs into the system's
# Python). Debian's python3-boto3 and -botocore are not used: Debian 12 ships neither moto nor
# cfn-lint, and its botocore (1.29) models GetImages as it was in 2022 (SamplingInterval
# required, 3000..20000 ms), which the emulators would enforce against the function's 1000 ms.
# The interpreter chosen is written to build/python3.path; scripts/python3 runs it, and CMake,
# `make demo` and bench/ go through scripts/python3.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WHAT=${1:-test}
VENV=$ROOT/build/venv
REQUIREMENTS=$ROOT/tests/requirements.txt
CHOICE=$ROOT/build/python3.path

BUILD_PACKAGES=(
  build-essential cmake pkg-config ca-certificates
  libcurl4-openssl-dev libssl-dev libcjson-dev libturbojpeg0-dev zlib1g-dev
  dpkg-dev patch zip openssl
)
TEST_PACKAGES=(
  libcmocka-dev valgrind clang libclang-rt-dev ffmpeg libjpeg-turbo-progs python3
)

say() { echo "deps: $*"; }

apt_install() { # packages...; installs those not installed
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  command -v apt-get >/dev/null || {
    echo "deps: missing Debian packages: ${missing[*]} (no apt-get here; install them by hand)" >&2
    exit 1; }
  say "installing ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  if ! { $sudo apt-get update -qq && \
         $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }; then
    echo "deps: apt-get could not install: ${missing[*]}" >&2
    echo "deps: install them (apt-get install ${missing[*]}) and run this again" >&2
    exit 1
  fi
}

# Prints what the interpreter $1 lacks, one pip name a line (with the version it has when that
# is the wrong major); exit status 0 when nothing.
python_lacks() {
  "$1" - <<'EOF' 2>/dev/null
import importlib, importlib.metadata as md, sys
# (module to import, pip name, major version required)
NEEDED = [("boto3", "boto3", None), ("botocore", "botocore", None),
          ("moto.server", "moto[server]", "5"), ("cfnlint", "cfn-lint", "1"),
          ("samtranslator", "aws-sam-translator", None), ("jsonschema", "jsonschema", None),
          ("yaml", "PyYAML", None), ("flask", "Flask", None), ("requests", "requests", None)]
lacks = []
for module, pip_name, major in NEEDED:
    try:
        importlib.import_module(module)
        if major and md.version(pip_name.split("[")[0]).split(".")[0] != major:
            lacks.append("%s %s.x (has %s)" % (pip_name, major, md.version(pip_name.split("[")[0])))
    except Exception:
        lacks.append(pip_name)
print("\n".join(lacks))
sys.exit(1 if lacks else 0)
EOF
}

choose() { # interpreter: record it
  local exe
  exe=$("$1" -c 'import sys; print(sys.executable)')
  mkdir -p "$(dirname "$CHOICE")"
  [ "$(cat "$CHOICE" 2>/dev/null)" = "$exe" ] || echo "$exe" >"$CHOICE"
}

one_line() { paste -sd, - | sed 's/,/, /g'; }

unreachable_help() { # what-lacks pip-log
  local pins=() item name
  while read -r item; do
    name=${item%% *}
    pins+=("$(grep -iE "^${name%%\[*}(\[[a-z,]+\])?==" "$REQUIREMENTS" || echo "$name")")
  done <<<"$1"
  cat >&2 <<EOF
deps: the Python tools of the tests are missing, and pip could not fetch them.
  The python3 on PATH ($(command -v python3)) lacks: $(one_line <<<"$1")
  So build/venv was to get, from tests/requirements.txt: ${pins[*]}
  (and what those need), but pip could not reach the package index (its log: ${2#"$ROOT"/}):
$(grep -oE "Failed to establish a new connection: [^']*|Read timed out[^']*|ERROR: .*" "$2" | sort -u | sed 's/^/    /')
  To get them, either:
    - let pip reach a package index (the default one, a mirror named by PIP_INDEX_URL, or a
      folder of wheels named by PIP_FIND_LINKS) and run this again: it installs the pinned
      versions of tests/requirements.txt into build/venv, nothing into the system's Python;
    - or put first on PATH a python3 that has them; this must succeed:
      python3 -c 'import boto3, botocore, moto.server, cfnlint, jsonschema, yaml, flask, requests'
EOF
}

python_tools() {
  local lacks
  if command -v python3 >/dev/null && lacks=$(python_lacks python3); then
    choose python3
    return
  fi
  lacks=${lacks:-python3}
  local stamp=$VENV/requirements.sha256 want
  want=$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)
  if [ -x "$VENV/bin/python3" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] &&
     python_lacks "$VENV/bin/python3" >/dev/null; then
    say "python3 on PATH lacks $(one_line <<<"$lacks"): using build/venv"
    choose "$VENV/bin/python3"
    return
  fi
  say "python3 on PATH lacks $(one_line <<<"$lacks"): making build/venv from tests/requirements.txt"
  command -v python3 >/dev/null || apt_install python3
  if [ ! -x "$VENV/bin/python3" ] || ! "$VENV/bin/python3" -c 'import pip' 2>/dev/null; then
    rm -rf "$VENV"
    # Debian's python3 makes virtual environments only with python3-venv (ensurepip's wheels).
    if ! python3 -m venv "$VENV" >/dev/null 2>&1; then
      rm -rf "$VENV"
      apt_install python3-venv
      python3 -m venv "$VENV"
    fi
  fi
  local log=$ROOT/build/venv-pip.log
  if ! "$VENV/bin/python3" -m pip install --require-virtualenv --disable-pip-version-check \
       --retries 1 --timeout 30 -r "$REQUIREMENTS" >"$log" 2>&1; then
    if grep -qE 'NewConnectionError|Failed to establish|Name or service not known|Temporary failure in name resolution|Network is unreachable|Max retries exceeded|ConnectTimeout|from versions: none' "$log"; then
      unreachable_help "$lacks" "$log"
    else
      echo "deps: pip could not install tests/requirements.txt into build/venv; the end of ${log#"$ROOT"/}:" >&2
      tail -n 20 "$log" >&2
    fi
    rm -f "$CHOICE"
    exit 1
  fi
  if ! lacks=$(python_lacks "$VENV/bin/python3"); then
    echo "deps: build/venv still lacks $(one_line <<<"${lacks:-its tools}") after pip; see ${log#"$ROOT"/}" >&2
    exit 1
  fi
  echo "$want" >"$stamp"
  choose "$VENV/bin/python3"
}

case "$WHAT" in
  build) apt_install "${BUILD_PACKAGES[@]}" ;;
  python) python_tools ;;
  test)
    apt_install "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
    python_tools ;;
  *) echo "usage: scripts/deps.sh build|python|test" >&2; exit 2 ;;
esac
