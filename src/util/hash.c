#include "lookout/hash.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "lookout/error.h"

int hash_sha256(const void *data, size_t len, unsigned char out[HASH_SHA256_BYTES])
{
    unsigned int md_len = 0;
    if (EVP_Digest(data, len, out, &md_len, EVP_sha256(), NULL) != 1 || md_len != HASH_SHA256_BYTES)
        return LK_IO;
    return LK_OK;
}

#define SHA256_BLOCK_BYTES 64

struct hash_engine {
    EVP_MD *md;
    EVP_MD_CTX *ctx;
};

struct hash_engine *hash_engine_new(void)
{
    struct hash_engine *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->md = EVP_MD_fetch(NULL, "SHA256", NULL);
    e->ctx = EVP_MD_CTX_new();
    if (!e->md || !e->ctx) {
        hash_engine_free(e);
        return NULL;
    }
    return e;
}

void hash_engine_free(struct hash_engine *engine)
{
    if (!engine)
        return;
    EVP_MD_CTX_free(engine->ctx);
    EVP_MD_free(engine->md);
    free(engine);
}

/* SHA-256 of a followed by b. */
static int digest2(struct hash_engine *e, const void *a, size_t a_len, const void *b, size_t b_len,
                   unsigned char out[HASH_SHA256_BYTES])
{
    unsigned int md_len = 0;
    if (EVP_DigestInit_ex(e->ctx, e->md, NULL) != 1 || EVP_DigestUpdate(e->ctx, a, a_len) != 1 ||
        EVP_DigestUpdate(e->ctx, b, b_len) != 1 || EVP_DigestFinal_ex(e->ctx, out, &md_len) != 1 ||
        md_len != HASH_SHA256_BYTES)
        return LK_IO;
    return LK_OK;
}

int hash_engine_sha256(struct hash_engine *engine, const void *data, size_t len,
                       unsigned char out[HASH_SHA256_BYTES])
{
    return digest2(engine, data, len, "", 0, out);
}

int hash_engine_hmac(struct hash_engine *engine, const void *key, size_t key_len, const void *msg,
                     size_t msg_len, unsigned char out[HASH_SHA256_BYTES])
{
    unsigned char k0[SHA256_BLOCK_BYTES] = {0}, pad[SHA256_BLOCK_BYTES], inner[HASH_SHA256_BYTES];
    int rc = LK_OK;
    if (key_len > SHA256_BLOCK_BYTES)
        rc = hash_engine_sha256(engine, key, key_len, k0);
    else if (key_len > 0)
        memcpy(k0, key, key_len);
    for (size_t i = 0; i < sizeof pad; i++)
        pad[i] = k0[i] ^ 0x36;
    if (rc == LK_OK)
        rc = digest2(engine, pad, sizeof pad, msg, msg_len, inner);
    for (size_t i = 0; i < sizeof pad; i++)
        pad[i] = k0[i] ^ 0x5c;
    if (rc == LK_OK)
        rc = digest2(engine, pad, sizeof pad, inner, sizeof inner, out);
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
