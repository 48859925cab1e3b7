/*
 * hash.h: SHA-256 and HMAC-SHA256 in one place, for the signer's payload hashes and
 * signatures and the pipeline's stable ids.
 *
 * Both run on a context on the caller's stack: no allocation, no state kept between calls,
 * safe from any thread. (OpenSSL 3's EVP interface re-allocates its digest context and looks
 * the provider up on every digest, which cost more than hashing a signed request; hash.c
 * uses OpenSSL's low-level SHA-256 instead, the same block code without that plumbing.)
 */
#ifndef LOOKOUT_HASH_H
#define LOOKOUT_HASH_H

#include <stddef.h>

#define HASH_SHA256_BYTES 32

/* The SHA-256 digest of data into out. LK_IO if OpenSSL fails (it does not for valid
 * arguments, but the failure is reported rather than assumed away). */
int hash_sha256(const void *data, size_t len, unsigned char out[HASH_SHA256_BYTES]);

/* HMAC-SHA256 (RFC 2104) of msg under key into out; a key longer than SHA-256's 64-byte
 * block is hashed first, as the RFC says. LK_IO if OpenSSL fails. The key's padded copies
 * are wiped before returning. */
int hash_hmac(const void *key, size_t key_len, const void *msg, size_t msg_len,
              unsigned char out[HASH_SHA256_BYTES]);

/* An HMAC-SHA256 key made ready once: the SHA-256 states after its inner and outer pads, so
 * that each MAC under it costs two SHA-256 blocks less (the signer's day key signs every
 * request). Caller storage, copyable; it is key material: wipe it with hash_hmac_key_cleanup.
 * The states are OpenSSL's, kept as bytes so that this header needs no OpenSSL. */
#define HASH_STATE_BYTES 128
struct hash_hmac_key {
    _Alignas(8) unsigned char inner[HASH_STATE_BYTES];
    _Alignas(8) unsigned char outer[HASH_STATE_BYTES];
};

/* Prepares key (any length, as hash_hmac); LK_IO if OpenSSL fails. */
int hash_hmac_key_init(struct hash_hmac_key *key, const void *secret, size_t secret_len);
/* HMAC-SHA256 of msg under a prepared key: the same bytes as hash_hmac on its secret. */
int hash_hmac_keyed(const struct hash_hmac_key *key, const void *msg, size_t msg_len,
                    unsigned char out[HASH_SHA256_BYTES]);
void hash_hmac_key_cleanup(struct hash_hmac_key *key);

/* Lower-case hex of len bytes into out, which holds 2 * len + 1 bytes (NUL-terminated). */
void hash_hex(const unsigned char *bytes, size_t len, char *out);

#endif
