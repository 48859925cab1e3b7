#include "lookout/hash.h"

#include <string.h>

/* SHA256_Init/Update/Final are deprecated in OpenSSL 3 in favour of EVP, but EVP frees and
 * re-allocates its digest context and looks the provider up on every digest: measured, that
 * plumbing cost more than the hashing of a signed request. The low-level calls run the same
 * block code (SHA-NI, AVX) on a context on our stack. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "lookout/error.h"

#define SHA256_BLOCK_BYTES 64

/* OpenSSL's SHA-256 functions return 1 on success. */
int hash_sha256(const void *data, size_t len, unsigned char out[HASH_SHA256_BYTES])
{
    SHA256_CTX ctx;
    int ok = SHA256_Init(&ctx) == 1 && SHA256_Update(&ctx, data, len) == 1 &&
             SHA256_Final(out, &ctx) == 1;
    OPENSSL_cleanse(&ctx, sizeof ctx);
    return ok ? LK_OK : LK_IO;
}

_Static_assert(sizeof(SHA256_CTX) <= HASH_STATE_BYTES, "hash.h: HASH_STATE_BYTES too small");

/* The SHA-256 state after one block, key XOR pad. */
static int pad_state(const unsigned char k0[SHA256_BLOCK_BYTES], unsigned char x,
                     unsigned char state[HASH_STATE_BYTES])
{
    unsigned char pad[SHA256_BLOCK_BYTES];
    SHA256_CTX ctx;
    for (size_t i = 0; i < sizeof pad; i++)
        pad[i] = k0[i] ^ x;
    int ok = SHA256_Init(&ctx) == 1 && SHA256_Update(&ctx, pad, sizeof pad) == 1;
    memcpy(state, &ctx, sizeof ctx);
    OPENSSL_cleanse(&ctx, sizeof ctx);
    OPENSSL_cleanse(pad, sizeof pad);
    return ok ? LK_OK : LK_IO;
}

int hash_hmac_key_init(struct hash_hmac_key *key, const void *secret, size_t secret_len)
{
    unsigned char k0[SHA256_BLOCK_BYTES] = {0};
    int rc = LK_OK;
    memset(key, 0, sizeof *key);
    if (secret_len > SHA256_BLOCK_BYTES)
        rc = hash_sha256(secret, secret_len, k0);
    else if (secret_len > 0)
        memcpy(k0, secret, secret_len);
    if (rc == LK_OK)
        rc = pad_state(k0, 0x36, key->inner);
    if (rc == LK_OK)
        rc = pad_state(k0, 0x5c, key->outer);
    OPENSSL_cleanse(k0, sizeof k0);
    return rc;
}

/* Continues a saved state with data and finishes it into out. */
static int finish(const unsigned char state[HASH_STATE_BYTES], const void *data, size_t len,
                  unsigned char out[HASH_SHA256_BYTES])
{
    SHA256_CTX ctx;
    memcpy(&ctx, state, sizeof ctx);
    int ok = SHA256_Update(&ctx, data, len) == 1 && SHA256_Final(out, &ctx) == 1;
    OPENSSL_cleanse(&ctx, sizeof ctx);
    return ok ? LK_OK : LK_IO;
}

int hash_hmac_keyed(const struct hash_hmac_key *key, const void *msg, size_t msg_len,
                    unsigned char out[HASH_SHA256_BYTES])
{
    unsigned char inner[HASH_SHA256_BYTES];
    int rc = finish(key->inner, msg, msg_len, inner);
    if (rc == LK_OK)
        rc = finish(key->outer, inner, sizeof inner, out);
    OPENSSL_cleanse(inner, sizeof inner);
    return rc;
}

void hash_hmac_key_cleanup(struct hash_hmac_key *key)
{
    OPENSSL_cleanse(key, sizeof *key);
}

int hash_hmac(const void *key, size_t key_len, const void *msg, size_t msg_len,
              unsigned char out[HASH_SHA256_BYTES])
{
    struct hash_hmac_key k;
    int rc = hash_hmac_key_init(&k, key, key_len);
    if (rc == LK_OK)
        rc = hash_hmac_keyed(&k, msg, msg_len, out);
    hash_hmac_key_cleanup(&k);
    return rc;
}

void hash_hex(const unsigned char *bytes, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 0xf];
    }
    out[2 * len] = '\0';
}
