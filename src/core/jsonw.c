/* Streaming JSON writer. Nesting deeper than JSONW_DEPTH is a programming error. */
#include "core/jsonw.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timefmt.h"
#include "core/utf8.h"

void jw_init(struct jsonw *w, struct buf *out)
{
    w->out = out;
    w->depth = 0;
    w->first[0] = true;
    w->after_key = false;
}

/* Separator before a value or a key. */
static void sep(struct jsonw *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (!w->first[w->depth])
        buf_putc(w->out, ',');
    w->first[w->depth] = false;
}

static void open(struct jsonw *w, char c)
{
    sep(w);
    buf_putc(w->out, c);
    assert(w->depth + 1 < JSONW_DEPTH);
    w->first[++w->depth] = true;
}

void jw_obj_open(struct jsonw *w)
{
    open(w, '{');
}

void jw_arr_open(struct jsonw *w)
{
    open(w, '[');
}

void jw_obj_close(struct jsonw *w)
{
    w->depth--;
    buf_putc(w->out, '}');
}

void jw_arr_close(struct jsonw *w)
{
    w->depth--;
    buf_putc(w->out, ']');
}

void jw_key(struct jsonw *w, const char *key)
{
    sep(w);
    json_escape(w->out, key, strlen(key));
    buf_putc(w->out, ':');
    w->after_key = true;
}

/* The length of the UTF-8 sequence at s (n bytes left) that starts with a byte >= 0x80,
 * or 0 when it is not one. */
static size_t utf8_seq(const char *s, size_t n)
{
    unsigned char c = (unsigned char)*s;
    size_t len = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 ? 4 : 0;
    return len && len <= n && utf8_valid_len(s, len) == len ? len : 0;
}

void json_escape(struct buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    buf_putc(b, '"');
    size_t run = 0; /* start of the pending run of bytes that need no escape */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        size_t seq = c >= 0x80 ? utf8_seq(s + i, n - i) : 0;
        if (seq) {
            i += seq - 1;
            continue;
        }
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\')
            continue;
        buf_append(b, s + run, i - run);
        run = i + 1;
        /* Bytes that are not UTF-8 (a parser's message quoting half a character, a query
         * parameter's name) would make the document unreadable: U+FFFD stands in for each
         * (found by tests/fuzz). */
        if (c >= 0x80) {
            buf_append(b, "\xEF\xBF\xBD", 3);
            continue;
        }
        switch (c) {
        case '"':
            buf_append(b, "\\\"", 2);
            break;
        case '\\':
            buf_append(b, "\\\\", 2);
            break;
        case '\n':
            buf_append(b, "\\n", 2);
            break;
        case '\r':
            buf_append(b, "\\r", 2);
            break;
        case '\t':
            buf_append(b, "\\t", 2);
            break;
        default: {
            char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            buf_append(b, u, 6);
        }
        }
    }
    buf_append(b, s + run, n - run);
    buf_putc(b, '"');
}

void jw_strn(struct jsonw *w, const char *s, size_t n)
{
    sep(w);
    json_escape(w->out, s, n);
}

void jw_str(struct jsonw *w, const char *s)
{
    jw_strn(w, s, strlen(s));
}

void jw_int(struct jsonw *w, int64_t v)
{
    char tmp[24];
    int n = snprintf(tmp, sizeof(tmp), "%lld", (long long)v);
    sep(w);
    buf_append(w->out, tmp, (size_t)n);
}

/* The shortest of %.15g..%.17g that reads back as the same double, so 23.1197
 * stays 23.1197 instead of 23.119700000000002. */
void jw_double(struct jsonw *w, double v)
{
    if (!isfinite(v)) {
        jw_null(w);
        return;
    }
    char tmp[32];
    int n = 0;
    for (int prec = 15; prec <= 17; prec++) {
        n = snprintf(tmp, sizeof(tmp), "%.*g", prec, v);
        if (strtod(tmp, NULL) == v)
            break;
    }
    sep(w);
    buf_append(w->out, tmp, (size_t)n);
}

void jw_bool(struct jsonw *w, bool v)
{
    sep(w);
    buf_puts(w->out, v ? "true" : "false");
}

void jw_null(struct jsonw *w)
{
    sep(w);
    buf_puts(w->out, "null");
}

void jw_raw(struct jsonw *w, const char *json, size_t n)
{
    sep(w);
    buf_append(w->out, json, n);
}

void jw_id_or_null(struct jsonw *w, int64_t id)
{
    if (id)
        jw_int(w, id);
    else
        jw_null(w);
}

void jw_str_or_null(struct jsonw *w, const char *s)
{
    if (s)
        jw_str(w, s);
    else
        jw_null(w);
}

void jw_time(struct jsonw *w, int64_t t)
{
    char s[RFC3339_MAX];
    jw_strn(w, s, rfc3339_format(t, TIME_LOCAL_OFFSET_MIN, s));
}
