#include "lookout/digits.h"

char *digits_put(char *p, uint64_t v, int width)
{
    if (width <= 0) {
        width = 1;
        for (uint64_t rest = v / 10; rest > 0; rest /= 10)
            width++;
    }
    for (int i = width - 1; i >= 0; i--, v /= 10)
        p[i] = (char)('0' + v % 10);
    return p + width;
}

size_t digits_scaled(uint64_t n, int decimals, int negative, char *out)
{
    char digits[24];
    size_t k = 0;
    do {
        digits[k++] = (char)('0' + n % 10);
        n /= 10;
    } while (n > 0);
    while (k <= (size_t)decimals)
        digits[k++] = '0';
    size_t len = 0;
    if (negative)
        out[len++] = '-';
    while (k > 0) {
        if (k == (size_t)decimals)
            out[len++] = '.';
        out[len++] = digits[--k];
    }
    out[len] = '\0';
    return len;
}
