#!/usr/bin/env bash
# Builds the two libraries the lean bootstrap cannot take from the distribution as static
# archives: a libcurl with only HTTP and HTTPS (OpenSSL) and zlib, and libcjson. Both come
# from Debian's source packages (curl 7.88.1, cjson 1.7.15) with Debian's patches applied.
# Result: $LEAN_PREFIX/{include,lib} (default build/deps). Does nothing when the libraries
# exist and were built by this version of the script. One build serves every caller: `make
# package`, `make build-LookoutFunction`, the package tests of `make test` and bench/package
# all use build/deps; the build's output goes to $LEAN_PREFIX/lean-deps.log, and a line
# naming it is printed before each step.
#
# Host kinds (LEAN_HOST=debian|al2023, detected from apt-get/dnf when unset):
#   debian  fetches the sources with `apt-get source` through a private apt configuration
#           (a deb-src twin of the system's entries; the system's sources stay untouched).
#   al2023  (sam build --use-container) installs the build tools with dnf and uses the source
#           files already in $LEAN_PREFIX/src, fetched on a Debian host by `$0 --fetch-only`.
set -Eeuo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PREFIX=${LEAN_PREFIX:-$ROOT/build/deps}
JOBS=${JOBS:-2}
SRC=$PREFIX/src
STAMP=$PREFIX/lean-deps.stamp
LOG=$PREFIX/lean-deps.log
FETCH_ONLY=0
[ "${1:-}" = "--fetch-only" ] && FETCH_ONLY=1

# Patches of Debian's curl that build the GnuTLS and NSS flavours under other library names.
CURL_SKIP_PATCHES="90_gnutls.patch 99_nss.patch"
CFLAGS_LEAN="-O2 -ffunction-sections -fdata-sections"

if [ -z "${LEAN_HOST:-}" ]; then
  if command -v apt-get >/dev/null; then LEAN_HOST=debian
  elif command -v dnf >/dev/null; then LEAN_HOST=al2023
  else echo "lean-deps: neither apt-get nor dnf found; set LEAN_HOST" >&2; exit 1; fi
fi

recipe_id() { # what makes a build current: this script, the host kind and the compiler
  { cat "$0"; echo "$LEAN_HOST"; ${CC:-cc} --version | head -n1; } | sha256sum | cut -d' ' -f1
}

is_current() {
  [ -f "$PREFIX/lib/libcurl.a" ] && [ -f "$PREFIX/lib/libcjson.a" ] &&
    [ -f "$PREFIX/include/curl/curl.h" ] && [ -f "$PREFIX/include/cjson/cJSON.h" ] &&
    [ "$(cat "$STAMP" 2>/dev/null)" = "$(recipe_id)" ]
}

# Private apt state: deb-src entries derived from the system's deb entries (same mirrors,
# same keys), their own lists and cache, so the system's configuration is never changed.
apt_private() {
  local dir=$PREFIX/apt f
  mkdir -p "$dir/parts" "$dir/lists/partial" "$dir/cache/archives/partial"
  : >"$dir/sources.list"
  if [ -f /etc/apt/sources.list ]; then
    sed -nE 's/^[[:space:]]*deb[[:space:]]/deb-src /p' /etc/apt/sources.list >>"$dir/sources.list"
  fi
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && sed -E 's/^Types:.*/Types: deb-src/' "$f" >"$dir/parts/$(basename "$f")"
  done
  for f in /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] && sed -nE 's/^[[:space:]]*deb[[:space:]]/deb-src /p' "$f" >>"$dir/sources.list"
  done
  APT_OPTS=(-o "Dir::Etc::SourceList=$dir/sources.list" -o "Dir::Etc::SourceParts=$dir/parts"
            -o "Dir::State::Lists=$dir/lists" -o "Dir::Cache=$dir/cache"
            -o "APT::Sandbox::User=root" -qq)
}

fetch_debian() {
  [ -n "$(ls "$SRC"/curl_*.dsc 2>/dev/null)" ] && [ -n "$(ls "$SRC"/cjson_*.dsc 2>/dev/null)" ] && return
  command -v dpkg-source >/dev/null || {
    echo "lean-deps: dpkg-source missing (apt-get install dpkg-dev)" >&2; exit 1; }
  step "fetching Debian's curl and cjson source packages (apt-get source)"
  apt_private
  apt-get "${APT_OPTS[@]}" update >>"$LOG" 2>&1
  mkdir -p "$SRC"
  (cd "$SRC" && apt-get "${APT_OPTS[@]}" source --download-only --only-source curl cjson) >>"$LOG" 2>&1
}

install_tools_al2023() {
  local need=(gcc make cmake tar gzip xz patch findutils openssl-devel zlib-devel zlib-static
              libjpeg-turbo-devel)
  # Static OpenSSL and TurboJPEG archives, where the release ships them.
  local maybe=(openssl-static libjpeg-turbo-static)
  dnf install -y -q "${need[@]}"
  local p
  for p in "${maybe[@]}"; do dnf install -y -q "$p" || echo "lean-deps: no $p on this host"; done
}

# Unpacks a .dsc without its patches; the caller applies the ones it wants.
unpack() { # dsc-glob dir
  local dsc
  dsc=$(ls "$SRC"/$1 | sort -V | tail -n1)
  rm -rf "$2"; mkdir -p "$(dirname "$2")"
  if command -v dpkg-source >/dev/null; then
    dpkg-source --no-check --skip-patches -x "$dsc" "$2" >>"$LOG" 2>&1
  else # no dpkg on Amazon Linux: the .dsc names an orig tarball and a debian tarball
    local name orig deb
    name=$(basename "$dsc"); name=${name%%_*}
    orig=$(ls "$SRC/$name"_*.orig.tar.* | grep -v '\.asc$' | head -n1)
    deb=$(ls "${dsc%.dsc}".debian.tar.*)
    mkdir -p "$2"
    tar -xf "$orig" -C "$2" --strip-components=1
    tar -xf "$deb" -C "$2"
  fi
}

apply_series() { # dir skip-list
  local dir=$1 skip=" $2 " p
  [ -f "$dir/debian/patches/series" ] || return 0
  while read -r p _; do
    case "$p" in ''|'#'*) continue ;; esac
    case "$skip" in *" $p "*) continue ;; esac
    patch -d "$dir" -p1 -s -N <"$dir/debian/patches/$p"
  done <"$dir/debian/patches/series"
}

# One line of progress on stderr, naming the log the step writes to.
step() {
  echo "lean-deps: $* (log: ${LOG#"$ROOT"/})" >&2
}

build_curl() {
  local dir=$PREFIX/work/curl
  step "building static libcurl (HTTP and HTTPS only), about a minute on 2 cores"
  unpack 'curl_*.dsc' "$dir"
  apply_series "$dir" "$CURL_SKIP_PATCHES"
  # curl's CMake build ignores configure.ac/Makefile.am, which some packaging patches touch
  # (with autotools those would need a full autoreconf).
  cmake -S "$dir" -B "$dir/_build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$PREFIX" \
    -DCMAKE_INSTALL_LIBDIR=lib -DCMAKE_C_FLAGS="$CFLAGS_LEAN" -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
    -DBUILD_SHARED_LIBS=OFF -DBUILD_CURL_EXE=OFF -DBUILD_TESTING=OFF -DENABLE_MANUAL=OFF \
    -DCURL_USE_OPENSSL=ON -DCURL_ZLIB=ON -DHTTP_ONLY=ON -DENABLE_THREADED_RESOLVER=ON \
    -DCURL_USE_LIBPSL=OFF -DUSE_LIBIDN2=OFF -DUSE_NGHTTP2=OFF -DCURL_BROTLI=OFF -DCURL_ZSTD=OFF \
    -DCURL_USE_LIBSSH2=OFF -DCURL_USE_LIBSSH=OFF -DCURL_USE_GSSAPI=OFF -DENABLE_ARES=OFF \
    -DCURL_DISABLE_LDAP=ON -DCURL_DISABLE_LDAPS=ON -DCURL_DISABLE_NTLM=ON \
    -DCURL_DISABLE_COOKIES=ON -DCURL_DISABLE_ALTSVC=ON -DCURL_DISABLE_HSTS=ON \
    -DCURL_DISABLE_NETRC=ON -DCURL_DISABLE_MIME=ON -DCURL_DISABLE_DOH=ON \
    -DCURL_DISABLE_OPENSSL_AUTO_LOAD_CONFIG=ON -DENABLE_UNIX_SOCKETS=OFF \
    -DCURL_CA_BUNDLE=none -DCURL_CA_PATH=none >>"$LOG" 2>&1
  cmake --build "$dir/_build" -j "$JOBS" >>"$LOG" 2>&1
  cmake --install "$dir/_build" >>"$LOG"
}

build_cjson() {
  local dir=$PREFIX/work/cjson
  step "building static libcjson"
  unpack 'cjson_*.dsc' "$dir"
  apply_series "$dir" ""
  cmake -S "$dir" -B "$dir/_build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$PREFIX" \
    -DCMAKE_INSTALL_LIBDIR=lib -DCMAKE_C_FLAGS="$CFLAGS_LEAN" -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
    -DBUILD_SHARED_LIBS=OFF -DBUILD_SHARED_AND_STATIC_LIBS=OFF -DENABLE_CJSON_TEST=OFF \
    -DENABLE_CJSON_UTILS=OFF -DENABLE_CUSTOM_COMPILER_FLAGS=OFF >>"$LOG" 2>&1
  cmake --build "$dir/_build" -j "$JOBS" >>"$LOG" 2>&1
  cmake --install "$dir/_build" >>"$LOG"
}

main() {
  mkdir -p "$PREFIX"
  # Concurrent callers (parallel tests) wait for one build instead of racing it.
  if command -v flock >/dev/null; then
    exec 9>"$PREFIX/.lock"
    if ! flock -n 9; then
      echo "lean-deps: waiting for another build into ${PREFIX#"$ROOT"/} (log: ${LOG#"$ROOT"/})" >&2
      flock 9
    fi
  fi
  trap 'echo "lean-deps: failed; the end of $LOG:" >&2; tail -n 30 "$LOG" >&2' ERR
  if [ "$FETCH_ONLY" = 1 ]; then
    [ "$LEAN_HOST" = debian ] || { echo "lean-deps: --fetch-only needs apt-get" >&2; exit 1; }
    fetch_debian
    return
  fi
  is_current && return
  : >"$LOG"
  echo "lean-deps: building static libcurl and libcjson into ${PREFIX#"$ROOT"/} ($LEAN_HOST), once for make package and make test" >&2
  case "$LEAN_HOST" in
    debian) fetch_debian ;;
    al2023)
      install_tools_al2023
      [ -n "$(ls "$SRC"/curl_*.dsc 2>/dev/null)" ] || {
        echo "lean-deps: no sources in $SRC: run 'scripts/lean-deps.sh --fetch-only' on a Debian host" >&2
        exit 1; } ;;
    *) echo "lean-deps: unknown LEAN_HOST $LEAN_HOST" >&2; exit 1 ;;
  esac
  rm -rf "$PREFIX/include" "$PREFIX/lib" "$STAMP"
  build_curl
  build_cjson
  [ -n "${LEAN_KEEP_WORK:-}" ] || rm -rf "$PREFIX/work"
  recipe_id >"$STAMP"
  echo "lean-deps: done: ${PREFIX#"$ROOT"/}/lib/libcurl.a, libcjson.a" >&2
}

main
