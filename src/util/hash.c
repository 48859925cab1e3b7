#include "lookout/hash.h"

#include <openssl/evp.h>

#include "lookout/error.h"

int hash_sha256(const void *data, size_t len, unsigned char out[HASH_SHA256_BYTES])
{
    unsigned int md_len = 0;
    if (EVP_Digest(data, len, out, &md_len, EVP_sha256(), NULL) != 1 || md_len != HASH_SHA256_BYTES)
        return LK_IO;
    return LK_OK;
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
