# The third-party libraries, as one interface target. The usual build links Debian's shared
# libraries; LOOKOUT_LEAN links the static, trimmed libcurl and cJSON built from Debian's
# sources plus Debian's static OpenSSL, TurboJPEG and zlib (see scripts/lean-deps.sh).
add_library(lookout_deps INTERFACE)
if(LOOKOUT_LEAN)
  # Everything but glibc is linked statically; unused sections are dropped. The result must
  # need no GLIBC_ symbol newer than 2.34 (Lambda provided.al2023): tests/package checks it.
  set(P ${LOOKOUT_LEAN_PREFIX})
  if(NOT EXISTS ${P}/lib/libcurl.a OR NOT EXISTS ${P}/lib/libcjson.a)
    message(FATAL_ERROR "LOOKOUT_LEAN: no static libcurl/libcjson in ${P}; run scripts/lean-deps.sh")
  endif()
  target_include_directories(lookout_deps SYSTEM INTERFACE ${P}/include)
  target_compile_definitions(lookout_deps INTERFACE CURL_STATICLIB)
  target_compile_options(lookout_deps INTERFACE -ffunction-sections -fdata-sections)
  # Position-dependent by default: it skips the start-up relocation of the static OpenSSL
  # (docs/packaging.md has the numbers); LOOKOUT_LEAN_PIE=ON keeps a PIE.
  option(LOOKOUT_LEAN_PIE "Link the lean bootstrap as a position-independent executable" OFF)
  if(NOT LOOKOUT_LEAN_PIE)
    set(CMAKE_POSITION_INDEPENDENT_CODE OFF)
    target_compile_options(lookout_deps INTERFACE -fno-pie)
    target_link_options(lookout_deps INTERFACE -no-pie)
  endif()
  target_link_options(lookout_deps INTERFACE -static-libgcc -Wl,--gc-sections -Wl,-O1
    -Wl,--as-needed -Wl,--hash-style=gnu)
  find_library(TJ_STATIC NAMES libturbojpeg.a REQUIRED)
  find_library(SSL_STATIC NAMES libssl.a REQUIRED)
  find_library(CRYPTO_STATIC NAMES libcrypto.a REQUIRED)
  find_library(Z_STATIC NAMES libz.a REQUIRED)
  target_link_libraries(lookout_deps INTERFACE
    ${P}/lib/libcurl.a ${P}/lib/libcjson.a ${TJ_STATIC} ${SSL_STATIC} ${CRYPTO_STATIC} ${Z_STATIC}
    pthread dl m)
else()
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(DEPS REQUIRED IMPORTED_TARGET libcurl libcjson libturbojpeg zlib openssl)
  target_link_libraries(lookout_deps INTERFACE PkgConfig::DEPS m)
endif()
