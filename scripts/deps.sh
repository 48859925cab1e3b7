#!/usr/bin/env bash
# Installs what building and testing kvs-lookout needs on Debian 12, and does nothing when
# it is all present. Run as root (CI) or with sudo available.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config git zip unzip ca-certificates
  libcurl4-openssl-dev libssl-dev libcjson-dev libturbojpeg0-dev zlib1g-dev
  libcmocka-dev valgrind clang libclang-rt-dev binutils
  python3 python3-boto3 python3-botocore python3-flask python3-requests python3-yaml
  python3-jsonschema
  ffmpeg libjpeg-turbo-progs
)
# ffmpeg (ffprobe) and libjpeg-turbo-progs (djpeg, cjpeg) are for the tests only: they judge
# the time-lapse files and make synthetic frames; the function never runs them.
# Python modules the tests import, and the Debian package that provides each.
PY_MODULES=(boto3 botocore flask requests yaml jsonschema)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# The python3 on PATH may be another interpreter (pyenv) that already has the modules: then
# the Debian python3-* packages are not needed for it.
if command -v python3 >/dev/null && python3 -c "import $(IFS=,; echo "${PY_MODULES[*]}")" 2>/dev/null; then
  keep=()
  for p in "${missing[@]}"; do
    case "$p" in python3-*) ;; *) keep+=("$p") ;; esac
  done
  missing=("${keep[@]+"${keep[@]}"}")
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# moto (S3 and SNS semantics behind the local AWS emulator) and cfn-lint are not Debian 12
# packages; pip installs them where a package index is reachable.
for mod in moto:moto[server] cfnlint:cfn-lint; do
  name=${mod%%:*}; pkg=${mod#*:}
  if ! python3 -c "import $name" 2>/dev/null; then
    echo "deps: installing $pkg with pip"
    python3 -m pip install --quiet "$pkg" || {
      echo "deps: could not install $pkg (python3 -m pip install '$pkg'); the tests need it" >&2
      exit 1
    }
  fi
done
