#!/usr/bin/env bash
# Builds the Lambda artifact: the lean bootstrap (everything but glibc linked statically,
# see scripts/lean-deps.sh and cmake/deps.cmake) in its own build directory, then
#   $LAMBDA_DIR/bootstrap       stripped, mode 755
#   $LAMBDA_DIR/ca-bundle.crt   the build host's CA bundle, for hosts without one
#   $LAMBDA_DIR/ca-certs/       the same roots as an OpenSSL hashed directory (<hash>.N)
# and $PACKAGE_ZIP (skipped when empty), whose size it prints. docs/packaging.md explains why.
#
# Environment (defaults under build/): LEAN_PREFIX (build/deps), LEAN_BUILD (build/lean),
# LAMBDA_DIR (build/lambda), PACKAGE_ZIP (build/function.zip), JOBS, LEAN_HOST, CMAKE_FLAGS,
# LAMBDA_ARCH (x86_64 or arm64, default x86_64: the template's Architecture parameter).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
export LEAN_PREFIX=${LEAN_PREFIX:-$ROOT/build/deps}
LEAN_BUILD=${LEAN_BUILD:-$ROOT/build/lean}
LAMBDA_DIR=${LAMBDA_DIR:-$ROOT/build/lambda}
PACKAGE_ZIP=${PACKAGE_ZIP-$ROOT/build/function.zip}
JOBS=${JOBS:-2}
export JOBS
LEAN_BUILD=$(realpath -m "$LEAN_BUILD"); LAMBDA_DIR=$(realpath -m "$LAMBDA_DIR")
[ -z "$PACKAGE_ZIP" ] || PACKAGE_ZIP=$(realpath -m "$PACKAGE_ZIP")
LAMBDA_ARCH=${LAMBDA_ARCH:-x86_64}

# readelf -h's "Machine:" line for each Lambda architecture.
elf_machine_for() {
  case "$1" in
    x86_64) echo "Advanced Micro Devices X86-64" ;;
    arm64) echo "AArch64" ;;
    *) echo "package: LAMBDA_ARCH must be x86_64 or arm64, not '$1'" >&2; exit 1 ;;
  esac
}
WANT_MACHINE=$(elf_machine_for "$LAMBDA_ARCH")

# The compiler builds for the host: an artifact for another architecture would deploy and
# then fail at init, so it is refused here rather than found there.
check_machine() { # elf
  local got
  got=$(LC_ALL=C readelf -h "$1" | sed -n 's/^ *Machine: *//p')
  if [ "$got" != "$WANT_MACHINE" ]; then
    echo "package: $1 is built for '$got', but LAMBDA_ARCH=$LAMBDA_ARCH needs '$WANT_MACHINE'." >&2
    echo "package: build on a $LAMBDA_ARCH host (or sam build --use-container) and deploy with" \
      "Architecture=$LAMBDA_ARCH; see docs/packaging.md" >&2
    exit 1
  fi
}

# A build folder copied from another tree (sam build copies the whole source folder, build/
# included) holds a CMakeCache.txt naming that tree, which CMake refuses: start it afresh.
drop_foreign_cache() {
  local cache=$LEAN_BUILD/CMakeCache.txt home
  [ -f "$cache" ] || return 0
  home=$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$cache")
  if [ "$(realpath -m "$home")" != "$(realpath "$ROOT")" ]; then
    echo "package: $LEAN_BUILD was configured for $home; configuring it afresh for $ROOT" >&2
    rm -rf "$LEAN_BUILD"
  fi
}

# The bundle of the build host; SSL_CERT_FILE overrides it.
host_bundle() {
  local f
  for f in "${SSL_CERT_FILE:-}" /etc/pki/tls/certs/ca-bundle.crt /etc/ssl/certs/ca-certificates.crt; do
    [ -n "$f" ] && [ -s "$f" ] && { echo "$f"; return; }
  done
  echo "package: no CA bundle found on this host (set SSL_CERT_FILE)" >&2
  exit 1
}

# Splits a PEM bundle into an OpenSSL hashed directory of plain files (no symlinks, so it
# survives zip and every copy step): <subject hash>.<n>, as `openssl rehash` names them.
hashed_dir() { # bundle dir
  local bundle=$1 dir=$2 tmp pem h n
  tmp=$(mktemp -d)
  awk -v d="$tmp" '/-----BEGIN CERTIFICATE-----/ { n++; f = sprintf("%s/%04d.pem", d, n) }
                   f { print > f } /-----END CERTIFICATE-----/ { close(f); f = "" }' "$bundle"
  mkdir -p "$dir"
  for pem in "$tmp"/*.pem; do
    h=$(openssl x509 -noout -subject_hash -in "$pem")
    n=0
    while [ -e "$dir/$h.$n" ]; do n=$((n + 1)); done
    cp "$pem" "$dir/$h.$n"
  done
  rm -rf "$tmp"
}

"$ROOT/scripts/lean-deps.sh"

drop_foreign_cache
# shellcheck disable=SC2086 # CMAKE_FLAGS is a list of flags
cmake -S "$ROOT" -B "$LEAN_BUILD" -DCMAKE_BUILD_TYPE=Release -DLOOKOUT_LEAN=ON \
  -DLOOKOUT_LEAN_PREFIX="$LEAN_PREFIX" -DLOOKOUT_BUILD_TESTS=OFF -DWARNINGS_AS_ERRORS=ON \
  ${CMAKE_FLAGS:-} >/dev/null
# bench_libcurl_floor stays in $LEAN_BUILD (not in the artifact): bench/pipeline's floor for
# the lean bootstrap, linked the same way.
cmake --build "$LEAN_BUILD" -j "$JOBS" --target bootstrap bench_libcurl_floor >/dev/null
check_machine "$LEAN_BUILD/bootstrap"

rm -rf "$LAMBDA_DIR"
mkdir -p "$LAMBDA_DIR"
strip -o "$LAMBDA_DIR/bootstrap" "$LEAN_BUILD/bootstrap"
chmod 755 "$LAMBDA_DIR/bootstrap"
bundle=$(host_bundle)
cp "$bundle" "$LAMBDA_DIR/ca-bundle.crt"
hashed_dir "$bundle" "$LAMBDA_DIR/ca-certs"
chmod -R a+rX "$LAMBDA_DIR"

if [ -n "$PACKAGE_ZIP" ]; then
  rm -f "$PACKAGE_ZIP"
  mkdir -p "$(dirname "$PACKAGE_ZIP")"
  (cd "$LAMBDA_DIR" && zip -q -X -9 -r "$PACKAGE_ZIP" bootstrap ca-bundle.crt ca-certs)
  size=$(stat -c %s "$PACKAGE_ZIP")
  echo "package: $PACKAGE_ZIP $size bytes ($((size / 1024)) KiB); bootstrap $(stat -c %s "$LAMBDA_DIR/bootstrap") bytes"
else
  echo "package: $LAMBDA_DIR"
fi
