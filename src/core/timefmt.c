/* RFC 3339 reading and writing; civil-date arithmetic after Howard Hinnant's
 * "chrono-Compatible Low-Level Date Algorithms". */
#include "core/timefmt.h"

#include <pthread.h>
#include <stdlib.h>

#include <stdio.h>
#include <time.h>

#include "core/arena.h"

int64_t days_from_civil(int y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned days_in_month(int y, unsigned m)
{
    static const unsigned char len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : len[m - 1];
}

/* Reads exactly 'width' decimal digits at *p. */
static bool digits(const char **p, const char *end, int width, int *out)
{
    int v = 0;
    for (int i = 0; i < width; i++) {
        if (*p >= end || **p < '0' || **p > '9')
            return false;
        v = v * 10 + (**p - '0');
        (*p)++;
    }
    *out = v;
    return true;
}

static bool expect(const char **p, const char *end, char c)
{
    if (*p >= end || **p != c)
        return false;
    (*p)++;
    return true;
}

static bool parse_date(const char **p, const char *end, int *y, int *m, int *d)
{
    if (!digits(p, end, 4, y) || !expect(p, end, '-') || !digits(p, end, 2, m) ||
        !expect(p, end, '-') || !digits(p, end, 2, d))
        return false;
    return *y >= 1 && *m >= 1 && *m <= 12 && *d >= 1 &&
           (unsigned)*d <= days_in_month(*y, (unsigned)*m);
}

bool date_parse(const char *s, size_t n, int64_t *days)
{
    const char *p = s, *end = s + n;
    int y, m, d;
    if (!parse_date(&p, end, &y, &m, &d) || p != end)
        return false;
    *days = days_from_civil(y, (unsigned)m, (unsigned)d);
    return true;
}

static bool parse_offset(const char **p, const char *end, int *offset_min)
{
    if (*p < end && (**p == 'Z' || **p == 'z')) {
        (*p)++;
        *offset_min = 0;
        return true;
    }
    if (*p >= end || (**p != '+' && **p != '-'))
        return false;
    int sign = **p == '-' ? -1 : 1;
    (*p)++;
    int oh, om;
    if (!digits(p, end, 2, &oh) || !expect(p, end, ':') || !digits(p, end, 2, &om))
        return false;
    if (oh > 23 || om > 59)
        return false;
    *offset_min = sign * (oh * 60 + om);
    return true;
}

bool rfc3339_parse(const char *s, size_t n, int64_t *out, int *offset_min)
{
    const char *p = s, *end = s + n;
    int y, mo, d, h, mi, sec, off;
    if (!parse_date(&p, end, &y, &mo, &d))
        return false;
    if (p >= end || (*p != 'T' && *p != 't'))
        return false;
    p++;
    if (!digits(&p, end, 2, &h) || !expect(&p, end, ':') || !digits(&p, end, 2, &mi) ||
        !expect(&p, end, ':') || !digits(&p, end, 2, &sec))
        return false;
    /* 60 is a leap second: accepted and folded into the next minute's first second. */
    if (h > 23 || mi > 59 || sec > 60)
        return false;
    /* louyu keeps whole seconds: a fraction is taken only when it is zero (".000", as
     * JavaScript writes), so that no time is stored other than as it was sent. */
    if (p < end && *p == '.') {
        p++;
        const char *first = p;
        while (p < end && *p == '0')
            p++;
        if (p == first || (p < end && *p >= '1' && *p <= '9'))
            return false;
    }
    if (!parse_offset(&p, end, &off) || p != end)
        return false;
    int64_t days = days_from_civil(y, (unsigned)mo, (unsigned)d);
    int64_t t = days * 86400 + h * 3600 + mi * 60 + sec - (int64_t)off * 60;
    /* Every time goes out at +08:00 (jw_time): take only those that can be written back
     * there with a year of four digits ("9999-12-31T23:00:00-05:00" cannot). */
    const int64_t local = (int64_t)TIME_LOCAL_OFFSET_MIN * 60;
    if (t < days_from_civil(1, 1, 1) * 86400 - local ||
        t > days_from_civil(9999, 12, 31) * 86400 + 86399 - local)
        return false;
    *out = t;
    if (offset_min)
        *offset_min = off;
    return true;
}

size_t rfc3339_format(int64_t t, int offset_min, char out[RFC3339_MAX])
{
    int64_t local = t + (int64_t)offset_min * 60;
    int64_t days = local / 86400, rem = local % 86400;
    if (rem < 0)
        rem += 86400, days--;
    int y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    int off = offset_min < 0 ? -offset_min : offset_min;
    int n;
    if (offset_min == 0)
        n = snprintf(out, RFC3339_MAX, "%04d-%02u-%02uT%02d:%02d:%02dZ", y, m, d, (int)(rem / 3600),
                     (int)(rem / 60 % 60), (int)(rem % 60));
    else
        n = snprintf(out, RFC3339_MAX, "%04d-%02u-%02uT%02d:%02d:%02d%c%02d:%02d", y, m, d,
                     (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60),
                     offset_min < 0 ? '-' : '+', off / 60, off % 60);
    return n < 0 ? 0 : (size_t)n;
}

static int64_t clock_offset;
static pthread_once_t clock_once = PTHREAD_ONCE_INIT;

/* LOUYU_CLOCK_OFFSET (seconds, may be negative) moves the whole program's clock: tests and
 * drills use it to see what happens tomorrow (a no-show released, an offer lapsed) today.
 * The server names it at start when it is set. */
static void read_clock_offset(void)
{
    const char *s = getenv("LOUYU_CLOCK_OFFSET");
    char *end;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (s && *s && *end == '\0' && v > -3153600000LL && v < 3153600000LL)
        clock_offset = v;
}

int64_t time_clock_offset(void)
{
    pthread_once(&clock_once, read_clock_offset);
    return clock_offset;
}

int64_t time_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec + time_clock_offset();
}

char *rfc3339_local(struct arena *a, int64_t t)
{
    char *s = arena_alloc(a, RFC3339_MAX);
    rfc3339_format(t, TIME_LOCAL_OFFSET_MIN, s);
    return s;
}

int day_of_week(int64_t days)
{
    return (int)(((days % 7) + 7 + 3) % 7) + 1; /* 1970-01-01 was a Thursday */
}
