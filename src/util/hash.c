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

/* SHA-256 of a followed by b; OpenSSL's functions return 1 on success. */
static int digest2(const void *a, size_t a_len, const void *b, size_t b_len,
                   unsigned char out[HASH_SHA256_BYTES])
{
    SHA256_CTX ctx;
    int ok = SHA256_Init(&ctx) == 1 && SHA256_Update(&ctx, a, a_len) == 1 &&
             SHA256_Update(&ctx, b, b_len) == 1 && SHA256_Final(out, &ctx) == 1;
    OPENSSL_cleanse(&ctx, sizeof ctx);
    return ok ? LK_OK : LK_IO;
}

int hash_sha256(const void *data, size_t len, unsigned char out[HASH_SHA256_BYTES])
{
    return digest2(data, len, "", 0, out);
}

int hash_hmac(const void *key, size_t key_len, const void *msg, size_t msg_len,
              unsigned char out[HASH_SHA256_BYTES])
{
    unsigned char k0[SHA256_BLOCK_BYTES] = {0}, pad[SHA256_BLOCK_BYTES], inner[HASH_SHA256_BYTES];
    int rc = LK_OK;
    if (key_len > SHA256_BLOCK_BYTES)
        rc = hash_sha256(key, key_len, k0);
    else if (key_len > 0)
        memcpy(k0, key, key_len);
    for (size_t i = 0; i < sizeof pad; i++)
        pad[i] = k0[i] ^ 0x36;
    if (rc == LK_OK)
        rc = digest2(pad, sizeof pad, msg, msg_len, inner);
    for (size_t i = 0; i < sizeof pad; i++)
        pad[i] = k0[i] ^ 0x5c;
    if (rc == LK_OK)
        rc = digest2(pad, sizeof pad, inner, sizeof inner, out);
    OPENSSL_cleanse(k0, sizeof k0);
    OPENSSL_cleanse(pad, sizeof pad);
    OPENSSL_cleanse(inner, sizeof inner);
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
