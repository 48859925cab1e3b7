#include <string.h>

#include "ev_internal.h"

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (era arithmetic). */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    long long era = y / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned mp = m > 2 ? m - 3 : m + 9;
    unsigned doy = (153 * mp + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long long)doe - 719468;
}

static int days_in_month(long long y, unsigned m)
{
    static const int DAYS[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : DAYS[m - 1];
}

/* Reads exactly n digits at s[*i]. -1 when they are not all digits or run past len. */
static long long take(const char *s, size_t len, size_t *i, size_t n)
{
    if (*i + n > len)
        return -1;
    long long v = ev_parse_uint(s + *i, n, 9999);
    *i += n;
    return v;
}

static int expect(const char *s, size_t len, size_t *i, const char *any)
{
    if (*i >= len || !strchr(any, s[*i]) || s[*i] == '\0')
        return 0;
    (*i)++;
    return 1;
}

/* The offset "Z" or "+HH:MM"/"-HH:MM" at s[*i] in minutes east of UTC; 1 on success. */
static int parse_offset(const char *s, size_t len, size_t *i, long long *minutes)
{
    if (*i < len && (s[*i] == 'Z' || s[*i] == 'z')) {
        (*i)++;
        *minutes = 0;
        return 1;
    }
    if (*i >= len || (s[*i] != '+' && s[*i] != '-'))
        return 0;
    int sign = s[*i] == '-' ? -1 : 1;
    (*i)++;
    long long hh = take(s, len, i, 2);
    if (hh < 0 || hh > 23 || !expect(s, len, i, ":"))
        return 0;
    long long mm = take(s, len, i, 2);
    if (mm < 0 || mm > 59)
        return 0;
    *minutes = sign * (hh * 60 + mm);
    return 1;
}

int ev_parse_rfc3339(const char *s, size_t len, long long *ms_out, struct lk_error *err)
{
    size_t i = 0;
    long long y = take(s, len, &i, 4);
    int ok = y >= 1970 && expect(s, len, &i, "-");
    long long mo = ok ? take(s, len, &i, 2) : -1;
    ok = mo >= 1 && mo <= 12 && expect(s, len, &i, "-");
    long long d = ok ? take(s, len, &i, 2) : -1;
    ok = d >= 1 && d <= days_in_month(y, (unsigned)(mo >= 1 ? mo : 1)) && expect(s, len, &i, "Tt ");
    long long h = ok ? take(s, len, &i, 2) : -1;
    ok = h >= 0 && h <= 23 && expect(s, len, &i, ":");
    long long mi = ok ? take(s, len, &i, 2) : -1;
    ok = mi >= 0 && mi <= 59 && expect(s, len, &i, ":");
    long long sec = ok ? take(s, len, &i, 2) : -1;
    ok = sec >= 0 && sec <= 60;
    long long frac_ms = 0;
    if (ok && i < len && s[i] == '.') {
        i++;
        size_t start = i;
        long long scale = 100;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            frac_ms += (s[i] - '0') * scale;
            scale /= 10;
            i++;
        }
        ok = i > start && i - start <= 9;
    }
    long long offset_min = 0;
    ok = ok && parse_offset(s, len, &i, &offset_min) && i == len;
    if (!ok)
        return err_set(err, LK_INVALID_EVENT,
                       "not an RFC 3339 date-time (like 2026-11-24T08:00:00Z)");
    long long days = days_from_civil(y, (unsigned)mo, (unsigned)d);
    long long secs = days * 86400 + h * 3600 + mi * 60 + sec - offset_min * 60;
    if (secs < 0)
        return err_set(err, LK_INVALID_EVENT, "date-time before 1970");
    *ms_out = secs * 1000 + frac_ms;
    return LK_OK;
}
