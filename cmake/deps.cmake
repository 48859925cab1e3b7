# The third-party libraries, as one interface target. The usual build links Debian's shared
# libraries; LOOKOUT_LEAN links the static, trimmed libcurl and cJSON built from Debian's
# sources plus Debian's static OpenSSL, TurboJPEG and zlib (see scripts/lean-deps.sh).
add_library(lookout_deps INTERFACE)
if(LOOKOUT_LEAN)
  set(P ${LOOKOUT_LEAN_PREFIX})
  target_include_directories(lookout_deps INTERFACE ${P}/include ${P}/include/cjson)
  target_compile_definitions(lookout_deps INTERFACE CURL_STATICLIB)
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
