/*
 * timestamp.c — see timestamp.h. RFC 3339 is read by hand (strptime and
 * timegm are not in C11 or POSIX, and the local time zone must play no
 * part): the date becomes a day number by the civil-calendar formula.
 */
#include "kernel/timestamp.h"

#include <math.h>
#include <string.h>

#include "kernel/strutil.h"

/* Reads exactly n digits at *p into *v and moves past them. */
static bool digits(const char **p, int n, int *v)
{
    int x = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return false;
        x = x * 10 + (c - '0');
    }
    *p += n;
    *v = x;
    return true;
}

static bool expect(const char **p, char c)
{
    if (**p != c)
        return false;
    (*p)++;
    return true;
}

static bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(int y, int m)
{
    static const int DAYS[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : DAYS[m - 1];
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (H. Hinnant's days_from_civil). */
static long days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* ".250" after the seconds: its value, and whether there was one. */
static bool fraction(const char **p, double *frac, bool *present)
{
    *frac = 0;
    *present = false;
    if (**p != '.')
        return true;
    (*p)++;
    double scale = 0.1;
    const char *start = *p;
    for (; **p >= '0' && **p <= '9'; (*p)++, scale /= 10)
        *frac += (**p - '0') * scale;
    *present = true;
    return *p > start;
}

/* "Z", or "+HH:MM" / "-HH:MM": seconds to subtract to get UTC. None
 * (as spreadsheets export): UTC. */
static bool offset(const char **p, long *seconds)
{
    if (**p == '\0') {
        *seconds = 0;
        return true;
    }
    if (**p == 'Z' || **p == 'z') {
        (*p)++;
        *seconds = 0;
        return true;
    }
    char sign = **p;
    int h, m;
    if (sign != '+' && sign != '-')
        return false;
    (*p)++;
    if (!digits(p, 2, &h) || !expect(p, ':') || !digits(p, 2, &m) ||
        h > 23 || m > 59)
        return false;
    *seconds = (sign == '+' ? 1 : -1) * (h * 3600L + m * 60L);
    return true;
}

static bool rfc3339(const char *text, struct timestamp *out, const char **why)
{
    const char *p = text;
    int y, mo, d, h, mi, s;
    *why = "expected a date and time like 2024-05-01T12:00:00Z";
    if (!digits(&p, 4, &y) || !expect(&p, '-') || !digits(&p, 2, &mo) ||
        !expect(&p, '-') || !digits(&p, 2, &d))
        return false;
    if (*p != 'T' && *p != 't' && *p != ' ')
        return false;
    p++;
    if (!digits(&p, 2, &h) || !expect(&p, ':') || !digits(&p, 2, &mi) ||
        !expect(&p, ':') || !digits(&p, 2, &s))
        return false;
    double frac;
    bool has_frac;
    long off;
    if (!fraction(&p, &frac, &has_frac) || !offset(&p, &off)) {
        *why = "expected a time zone (Z or +HH:MM) after the seconds";
        return false;
    }
    if (*p) {
        *why = "unexpected text after the time zone";
        return false;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 ||
        mi > 59 || s > 60) {
        *why = "no such date or time";
        return false;
    }
    long day = days_from_civil(y, mo, d);
    out->seconds = (double)(day * 86400L + h * 3600L + mi * 60L + s - off) +
                   frac;
    out->form = TIMESTAMP_RFC3339;
    out->whole = !has_frac;
    return true;
}

bool timestamp_parse(const char *text, struct timestamp *out,
                     const char **why)
{
    double v;
    if (str_parse_number(text, &v)) {
        if (!isfinite(v)) {
            *why = "the number is too large";
            return false;
        }
        out->seconds = v;
        out->form = TIMESTAMP_SECONDS;
        out->whole = !strpbrk(text, ".eE") && v == floor(v);
        return true;
    }
    if (text[0] >= '0' && text[0] <= '9' && strlen(text) >= 10 &&
        text[4] == '-')
        return rfc3339(text, out, why);
    *why = "expected seconds or a date and time like 2024-05-01T12:00:00Z";
    return false;
}
