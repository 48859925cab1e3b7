/*
 * hash.h: SHA-256 (through OpenSSL's EVP interface) in one place, for the signer's payload
 * hashes and the pipeline's stable ids.
 */
#ifndef LOOKOUT_HASH_H
#define LOOKOUT_HASH_H

#include <stddef.h>

#define HASH_SHA256_BYTES 32

/* The SHA-256 digest of data into out. LK_IO if OpenSSL fails (it does not for valid
 * arguments, but the failure is reported rather than assumed away). */
int hash_sha256(const void *data, size_t len, unsigned char out[HASH_SHA256_BYTES]);

/* Lower-case hex of len bytes into out, which holds 2 * len + 1 bytes (NUL-terminated). */
void hash_hex(const unsigned char *bytes, size_t len, char *out);

#endif
