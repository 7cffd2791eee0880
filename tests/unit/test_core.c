/* Unit tests for core/: arena, buf, utf8, timefmt, jsonw. */
#include <stdint.h>
#include <stdlib.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/jsonw.h"
#include "core/timefmt.h"
#include "core/utf8.h"
#include "unit.h"

static int cleanups_run;
static void count_cleanup(void *p)
{
    cleanups_run += *(int *)p;
}

void test_arena(void)
{
    struct arena *a = arena_new(0);
    char *p = arena_alloc(a, 3);
    CHECK(((uintptr_t)p & 15) == 0);
    char *q = arena_alloc(a, 5);
    CHECK(((uintptr_t)q & 15) == 0);
    CHECK(q != p);
    /* Far more than the first chunk: grows and keeps earlier memory valid. */
    memcpy(p, "ab", 3);
    for (int i = 0; i < 1000; i++)
        memset(arena_alloc(a, 100), 0x5a, 100);
    CHECK_STR(p, "ab");
    char *big = arena_alloc(a, 1 << 20);
    memset(big, 1, 1 << 20);
    CHECK(arena_used(a) >= (1u << 20) + 100000);
    CHECK_STR(arena_printf(a, "%s-%d", "西塔", 46), "西塔-46");
    CHECK_STR(arena_strndup(a, "abcdef", 3), "abc");
    int *z = arena_zalloc(a, 64 * sizeof(int));
    int zero = 1;
    for (int i = 0; i < 64; i++)
        zero &= z[i] == 0;
    CHECK(zero);
    static int one = 1, ten = 10;
    cleanups_run = 0;
    arena_defer(a, count_cleanup, &one);
    arena_defer(a, count_cleanup, &ten);
    arena_free(a);
    CHECK(cleanups_run == 11);
    arena_free(NULL);
}

void test_buf(void)
{
    struct buf b = BUF_INIT;
    buf_puts(&b, "abc");
    buf_putc(&b, '-');
    buf_printf(&b, "%d/%s", 46, "F");
    CHECK_STR(b.data, "abc-46/F");
    CHECK(b.len == 8);
    for (int i = 0; i < 10000; i++)
        buf_putc(&b, 'x');
    CHECK(b.len == 10008);
    buf_reset(&b);
    CHECK(b.len == 0 && b.data[0] == '\0');
    size_t n;
    buf_puts(&b, "owned");
    char *p = buf_release(&b, &n);
    CHECK(n == 5);
    CHECK_STR(p, "owned");
    CHECK(b.data == NULL && b.len == 0);
    free(p);
    p = buf_release(&b, &n); /* an empty buffer still gives a valid string */
    CHECK(n == 0 && p[0] == '\0');
    free(p);
    buf_free(&b);
}

void test_utf8(void)
{
    CHECK(utf8_valid("", 0));
    CHECK(utf8_valid("plain", 5));
    const char *zh = "西塔党群服务站";
    CHECK(utf8_valid(zh, strlen(zh)));
    CHECK(utf8_chars(zh, strlen(zh)) == 7);
    CHECK(utf8_valid("\xf0\x9f\x98\x80", 4));  /* U+1F600 */
    CHECK(!utf8_valid("\xc0\xaf", 2));         /* overlong '/' */
    CHECK(!utf8_valid("\xe0\x80\xaf", 3));     /* overlong, 3 bytes */
    CHECK(!utf8_valid("\xed\xa0\x80", 3));     /* surrogate U+D800 */
    CHECK(!utf8_valid("\xf4\x90\x80\x80", 4)); /* above U+10FFFF */
    CHECK(!utf8_valid("\xe8\xa5", 2));         /* truncated */
    CHECK(!utf8_valid("\x80", 1));             /* lone continuation */
    CHECK(!utf8_valid("a\0b", 3));             /* NUL */
    CHECK(!utf8_valid("\xff", 1));
}

static int64_t parse(const char *s, int *off)
{
    int64_t t = INT64_MIN;
    if (!rfc3339_parse(s, strlen(s), &t, off))
        return INT64_MIN;
    return t;
}

void test_timefmt(void)
{
    int off = -1;
    CHECK(parse("1970-01-01T00:00:00Z", &off) == 0 && off == 0);
    CHECK(parse("2026-11-29T17:30:00+08:00", &off) == 1795944600 && off == 480);
    /* The same instant written with different offsets is the same instant. */
    CHECK(parse("2026-11-29T09:30:00Z", NULL) == parse("2026-11-29T17:30:00+08:00", NULL));
    CHECK(parse("2026-11-29T04:30:00-05:00", NULL) == parse("2026-11-29T09:30:00z", NULL));
    CHECK(parse("2026-11-29t09:30:00.000Z", NULL) == parse("2026-11-29T09:30:00Z", NULL));
    /* a fraction that is not zero would not be stored as sent */
    CHECK(parse("2026-11-29T09:30:00.999Z", NULL) == INT64_MIN);
    CHECK(parse("2026-11-29T09:30:00.0001Z", NULL) == INT64_MIN);
    CHECK(parse("2024-02-29T00:00:00Z", NULL) != INT64_MIN);
    CHECK(parse("2023-02-29T00:00:00Z", NULL) == INT64_MIN); /* not a leap year */
    CHECK(parse("2026-13-01T00:00:00Z", NULL) == INT64_MIN);
    CHECK(parse("2026-11-29T24:00:00Z", NULL) == INT64_MIN);
    CHECK(parse("2026-11-29T09:30:00", NULL) == INT64_MIN); /* no offset */
    CHECK(parse("2026-11-29 09:30:00Z", NULL) == INT64_MIN);
    CHECK(parse("2026-11-29T09:30:00+0800", NULL) == INT64_MIN);
    CHECK(parse("2026-11-29T09:30:00.Z", NULL) == INT64_MIN);
    CHECK(parse("2026-11-29T09:30:00Zjunk", NULL) == INT64_MIN);
    CHECK(parse("", NULL) == INT64_MIN);

    char out[RFC3339_MAX];
    rfc3339_format(1795944600, TIME_LOCAL_OFFSET_MIN, out);
    CHECK_STR(out, "2026-11-29T17:30:00+08:00");
    rfc3339_format(0, 0, out);
    CHECK_STR(out, "1970-01-01T00:00:00Z");
    rfc3339_format(-1, -330, out);
    CHECK_STR(out, "1969-12-31T18:29:59-05:30");
    /* Round trip over many instants, including before the epoch. */
    int ok = 1;
    for (int64_t t = -5000000000LL; t < 5000000000LL; t += 12345677) {
        rfc3339_format(t, TIME_LOCAL_OFFSET_MIN, out);
        ok &= parse(out, NULL) == t;
    }
    CHECK(ok);
    int64_t days;
    CHECK(date_parse("2017-07-01", 10, &days) && days == days_from_civil(2017, 7, 1));
    CHECK(!date_parse("2017-7-1", 8, &days));
    int y;
    unsigned m, d;
    civil_from_days(days_from_civil(2000, 2, 29), &y, &m, &d);
    CHECK(y == 2000 && m == 2 && d == 29);
}

void test_jsonw(void)
{
    struct buf b = BUF_INIT;
    struct jsonw w;
    jw_init(&w, &b);
    jw_obj_open(&w);
    jw_key(&w, "s");
    jw_str(&w, "a\"b\\c\n\x01 西");
    jw_key(&w, "n");
    jw_int(&w, -42);
    jw_key(&w, "d");
    jw_double(&w, 23.1197);
    jw_key(&w, "a");
    jw_arr_open(&w);
    jw_bool(&w, true);
    jw_null(&w);
    jw_double(&w, 0.1 + 0.2);
    jw_arr_close(&w);
    jw_key(&w, "e");
    jw_obj_open(&w);
    jw_obj_close(&w);
    jw_obj_close(&w);
    CHECK_STR(b.data, "{\"s\":\"a\\\"b\\\\c\\n\\u0001 西\",\"n\":-42,\"d\":23.1197,"
                      "\"a\":[true,null,0.30000000000000004],\"e\":{}}");
    buf_free(&b);
}
