/*
 * digits.h: whole numbers as decimal digits, written where the caller says. The hot paths
 * (signing dates, alert times, JSON numbers, SNS attribute names) write a few numbers per
 * request, and printf's parsing of a format costs more than the digits themselves.
 */
#ifndef LOOKOUT_DIGITS_H
#define LOOKOUT_DIGITS_H

#include <stddef.h>
#include <stdint.h>

/* v at p as exactly width digits, zero-padded (higher digits dropped), or as many as it
 * takes when width is 0. No NUL; returns the end. */
char *digits_put(char *p, uint64_t v, int width);

/* n with its last `decimals` digits after a point (as many leading zeros as that needs: 5
 * with 2 is "0.05"), "-" first when negative, NUL-terminated at out, which holds
 * DIGITS_SCALED_MAX bytes for decimals up to 9. Returns the length. */
#define DIGITS_SCALED_MAX 32
size_t digits_scaled(uint64_t n, int decimals, int negative, char *out);

#endif
