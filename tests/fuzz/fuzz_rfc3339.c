/*
 * RFC 3339 times and dates (core/timefmt.c). Beyond not crashing, what the parser accepts
 * must come back unchanged: a time parsed, written at its own offset and parsed again is
 * the same instant, and the text written is the text read, in its canonical form ('T',
 * 'Z', no zero fraction). What the server writes (every time at +08:00) it must read back
 * too. Dates the same: parsed and written is the same text. And from the other side:
 * any instant the parser can produce, written at any offset, reads back.
 *
 * The input is the text to parse; its first ten bytes also give an instant and an offset
 * for the writing side.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timefmt.h"
#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_OFFSET_MIN (23 * 60 + 59)

/* s written as rfc3339_format() writes the instant it holds at its own offset. */
static void canonical(const char *s, size_t n, int off, char out[RFC3339_MAX])
{
    memcpy(out, s, 19);
    out[10] = 'T';
    if (off == 0)
        memcpy(out + 19, "Z", 2);
    else {
        memcpy(out + 19, s + n - 6, 6);
        out[25] = '\0';
    }
}

/* s is the input itself (n bytes, no terminator, so that ASan sees a read past its end);
 * text is a terminated copy, for messages. */
static void check_parsed(const char *s, size_t n, const char *text)
{
    int64_t t, t2;
    int off, off2;
    if (!rfc3339_parse(s, n, &t, &off))
        return;
    if (off < -MAX_OFFSET_MIN || off > MAX_OFFSET_MIN)
        fuzz_fail("'%s': offset %d minutes", text, off);
    char w[RFC3339_MAX], want[RFC3339_MAX];
    size_t wn = rfc3339_format(t, off, w);
    /* A leap second is written as the next minute's first second: at its own offset, the
     * last one of 9999 is in the year 10000 (at +08:00, below, it must not be). */
    bool leap = memcmp(s + 17, "60", 2) == 0;
    if ((!leap || w[4] == '-') && (!rfc3339_parse(w, wn, &t2, &off2) || t2 != t || off2 != off))
        fuzz_fail("'%s' read as %lld%+d, written as '%s', does not read back", text, (long long)t,
                  off, w);
    if (!leap) {
        canonical(s, n, off, want);
        if (strcmp(w, want) != 0)
            fuzz_fail("'%s' written back as '%s', not '%s'", text, w, want);
    }
    wn = rfc3339_format(t, TIME_LOCAL_OFFSET_MIN, w);
    if (!rfc3339_parse(w, wn, &t2, NULL) || t2 != t)
        fuzz_fail("'%s' is written by the server as '%s', which it does not read back", text, w);
}

static void check_date(const char *s, size_t n, const char *text)
{
    int64_t days;
    if (!date_parse(s, n, &days))
        return;
    int y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    char w[32];
    int wn = snprintf(w, sizeof(w), "%04d-%02u-%02u", y, m, d);
    if (wn != (int)n || memcmp(w, s, n) != 0)
        fuzz_fail("date '%s' is day %lld, which is '%s'", text, (long long)days, w);
    int dow = day_of_week(days);
    if (dow < 1 || dow > 7 || day_of_week(days + 1) != dow % 7 + 1)
        fuzz_fail("date '%s': day of the week %d, the next day's %d", text, dow,
                  day_of_week(days + 1));
}

/* An instant from the range the parser can give (years 0001-9999 at +08:00), at an offset
 * it can read: written, it must read back as the same instant and offset when its year at
 * that offset has four digits too. */
static void check_written(const uint8_t *data, size_t size)
{
    if (size < 10)
        return;
    uint64_t raw = 0;
    for (int i = 0; i < 8; i++)
        raw = raw << 8 | data[i];
    const int64_t local = TIME_LOCAL_OFFSET_MIN * 60;
    const int64_t lo = days_from_civil(1, 1, 1) * 86400 - local;
    const int64_t hi = days_from_civil(9999, 12, 31) * 86400 + 86399 - local;
    int64_t t = lo + (int64_t)(raw % (uint64_t)(hi - lo + 1));
    int off = (int)((data[8] << 8 | data[9]) % (2 * MAX_OFFSET_MIN + 1)) - MAX_OFFSET_MIN;
    char w[RFC3339_MAX];
    size_t wn = rfc3339_format(t, off, w);
    if (wn == 0 || wn >= RFC3339_MAX)
        fuzz_fail("%lld at %+d minutes: written in %zu bytes", (long long)t, off, wn);
    int64_t local_days = (t + off * 60 - (t + off * 60 < 0 ? 86399 : 0)) / 86400;
    int y;
    unsigned m, d;
    civil_from_days(local_days, &y, &m, &d);
    int64_t t2;
    int off2;
    bool ok = rfc3339_parse(w, wn, &t2, &off2);
    if (y >= 1 && y <= 9999 && !(ok && t2 == t && off2 == off))
        fuzz_fail("%lld at %+d minutes written as '%s' does not read back", (long long)t, off, w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_string(data, size);
    check_parsed((const char *)data, size, text);
    check_date((const char *)data, size, text);
    free(text);
    check_written(data, size);
    return 0;
}
