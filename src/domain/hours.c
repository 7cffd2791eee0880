/* Opening hours and services of a station: the rules of their shape. */
#include "domain/hours.h"

#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/jsonw.h"
#include "core/timefmt.h"
#include "core/utf8.h"

#define SERVICES_MAX      30
#define SERVICE_MAX_CHARS 50

/* "HH:MM" with 00:00 <= t <= 24:00; returns minutes or -1. */
static int parse_hhmm(const json_t *v)
{
    if (!json_is_string(v) || json_string_length(v) != 5)
        return -1;
    const char *s = json_string_value(v);
    if (s[2] != ':')
        return -1;
    for (int i = 0; i < 5; i++)
        if (i != 2 && (s[i] < '0' || s[i] > '9'))
            return -1;
    int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
    if (h > 24 || m > 59 || (h == 24 && m != 0))
        return -1;
    return h * 60 + m;
}

static int span_cmp(const void *pa, const void *pb)
{
    const struct span *a = pa, *b = pb;
    if (a->day != b->day)
        return a->day - b->day;
    return a->open_min - b->open_min;
}

static const char *parse_span(struct arena *a, const json_t *item, size_t i, struct span *s)
{
    if (!json_is_object(item) || json_object_size(item) != 3)
        return arena_printf(a, "item %zu must be an object with exactly day, open and close", i);
    const json_t *day = json_object_get(item, "day");
    if (!json_is_integer(day) || json_integer_value(day) < 1 || json_integer_value(day) > 7)
        return arena_printf(a, "item %zu: day must be an integer from 1 (Monday) to 7 (Sunday)", i);
    s->day = (int)json_integer_value(day);
    s->open_min = parse_hhmm(json_object_get(item, "open"));
    s->close_min = parse_hhmm(json_object_get(item, "close"));
    if (s->open_min < 0 || s->close_min < 0)
        return arena_printf(a, "item %zu: open and close must be times like \"09:00\"", i);
    if (s->close_min <= s->open_min)
        return arena_printf(a, "item %zu: close must be later than open", i);
    if (s->open_min == 1440)
        return arena_printf(a, "item %zu: open must be before 24:00", i);
    return NULL;
}

int hours_parse(struct arena *a, const json_t *v, struct week_hours *out, const char **why)
{
    if (!json_is_array(v)) {
        *why = "must be an array of {day, open, close}";
        return -1;
    }
    if (json_array_size(v) > HOURS_MAX_SPANS) {
        *why = arena_printf(a, "must have at most %d spans", HOURS_MAX_SPANS);
        return -1;
    }
    out->n = 0;
    for (size_t i = 0; i < json_array_size(v); i++) {
        const char *bad = parse_span(a, json_array_get(v, i), i, &out->spans[out->n]);
        if (bad) {
            *why = bad;
            return -1;
        }
        out->n++;
    }
    qsort(out->spans, (size_t)out->n, sizeof(struct span), span_cmp);
    for (int i = 1; i < out->n; i++) {
        const struct span *p = &out->spans[i - 1], *s = &out->spans[i];
        if (p->day == s->day && s->open_min < p->close_min) {
            *why = arena_printf(a, "two spans of day %d overlap", s->day);
            return -1;
        }
    }
    return 0;
}

static void write_hhmm(struct jsonw *w, int minutes)
{
    char t[6] = {(char)('0' + minutes / 600),     (char)('0' + minutes / 60 % 10), ':',
                 (char)('0' + minutes % 60 / 10), (char)('0' + minutes % 10),      0};
    jw_str(w, t);
}

static char *finish(struct arena *a, struct buf *b)
{
    char *s = arena_strndup(a, b->data, b->len);
    buf_free(b);
    return s;
}

int hours_canon(struct arena *a, const json_t *v, char **out, const char **why)
{
    struct week_hours h;
    if (hours_parse(a, v, &h, why) != 0)
        return -1;
    struct buf b = BUF_INIT;
    struct jsonw w;
    jw_init(&w, &b);
    jw_arr_open(&w);
    for (int i = 0; i < h.n; i++) {
        jw_obj_open(&w);
        jw_key(&w, "day");
        jw_int(&w, h.spans[i].day);
        jw_key(&w, "open");
        write_hhmm(&w, h.spans[i].open_min);
        jw_key(&w, "close");
        write_hhmm(&w, h.spans[i].close_min);
        jw_obj_close(&w);
    }
    jw_arr_close(&w);
    *out = finish(a, &b);
    return 0;
}

/* The end of the opening span that holds instant t, or -1 when the station is closed at t. */
static int64_t open_until(const struct week_hours *h, int64_t t)
{
    int64_t local = t + TIME_LOCAL_OFFSET_MIN * 60;
    int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
    int64_t midnight = days * 86400 - TIME_LOCAL_OFFSET_MIN * 60;
    int day = day_of_week(days);
    int64_t minute = (t - midnight) / 60;
    for (int i = 0; i < h->n; i++) {
        const struct span *s = &h->spans[i];
        if (s->day == day && s->open_min <= minute && minute < s->close_min)
            return midnight + (int64_t)s->close_min * 60;
    }
    return -1;
}

/* Spans that meet (an evening open until 24:00 and the next day's from 00:00) are one
 * opening, so a booking may run across midnight when the station is open across it. */
bool hours_cover(const struct week_hours *h, int64_t start, int64_t end)
{
    if (end <= start)
        return false;
    int64_t t = start;
    for (int i = 0; i <= HOURS_MAX_SPANS && t < end; i++) {
        int64_t until = open_until(h, t);
        if (until <= t)
            return false;
        t = until;
    }
    return t >= end;
}

static const char *check_service(struct arena *a, const json_t *item, size_t i)
{
    if (!json_is_string(item))
        return arena_printf(a, "item %zu must be a string", i);
    const char *s = json_string_value(item);
    size_t n = json_string_length(item);
    if (n == 0 || !utf8_valid(s, n) || utf8_chars(s, n) > SERVICE_MAX_CHARS)
        return arena_printf(a, "item %zu must be 1 to %d characters of text", i, SERVICE_MAX_CHARS);
    for (size_t k = 0; k < n; k++)
        if ((unsigned char)s[k] < 0x20 || s[k] == 0x7f)
            return arena_printf(a, "item %zu must not contain control characters", i);
    return NULL;
}

int services_canon(struct arena *a, const json_t *v, char **out, const char **why)
{
    if (!json_is_array(v) || json_array_size(v) > SERVICES_MAX) {
        *why = arena_printf(a, "must be an array of at most %d labels", SERVICES_MAX);
        return -1;
    }
    struct buf b = BUF_INIT;
    struct jsonw w;
    jw_init(&w, &b);
    jw_arr_open(&w);
    for (size_t i = 0; i < json_array_size(v); i++) {
        const json_t *item = json_array_get(v, i);
        const char *bad = check_service(a, item, i);
        for (size_t k = 0; !bad && k < i; k++)
            if (json_equal(json_array_get(v, k), item))
                bad = arena_printf(a, "item %zu repeats item %zu", i, k);
        if (bad) {
            buf_free(&b);
            *why = bad;
            return -1;
        }
        jw_strn(&w, json_string_value(item), json_string_length(item));
    }
    jw_arr_close(&w);
    *out = finish(a, &b);
    return 0;
}
