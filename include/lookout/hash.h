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

/* A SHA-256 engine for callers that hash often. OpenSSL 3 looks the algorithm up by name
 * (a locked table, allocations) inside every EVP_Digest and HMAC call; an engine fetches it
 * once and keeps one digest context. Owned by the caller of hash_engine_new, freed with
 * hash_engine_free (NULL is fine); one thread at a time. */
struct hash_engine;

/* NULL when memory runs out or OpenSSL cannot provide SHA-256. */
struct hash_engine *hash_engine_new(void);
void hash_engine_free(struct hash_engine *engine);

/* As hash_sha256, on the engine. */
int hash_engine_sha256(struct hash_engine *engine, const void *data, size_t len,
                       unsigned char out[HASH_SHA256_BYTES]);

/* HMAC-SHA256 (RFC 2104) of msg under key into out; LK_IO if OpenSSL fails. The key's
 * padded copies are wiped before returning. */
int hash_engine_hmac(struct hash_engine *engine, const void *key, size_t key_len, const void *msg,
                     size_t msg_len, unsigned char out[HASH_SHA256_BYTES]);

/* Lower-case hex of len bytes into out, which holds 2 * len + 1 bytes (NUL-terminated). */
void hash_hex(const unsigned char *bytes, size_t len, char *out);

#endif
