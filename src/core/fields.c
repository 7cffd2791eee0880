/*
 * Decoding is strict: unknown fields, wrong types, out-of-range numbers,
 * over-long or control-character text are all reported, every one of them,
 * with the JSON pointer of the field.
 */
#include "core/fields.h"

#include <assert.h>
#include <math.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/timefmt.h"
#include "core/utf8.h"

int fields_find(const struct table *t, const char *name)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->fields[i].name, name) == 0)
            return (int)i;
    return -1;
}

bool fields_is_null(const struct table *t, const void *rec, const char *name)
{
    int i = fields_find(t, name);
    assert(i >= 0);
    return rec_is_null(rec, (size_t)i);
}

/* RFC 6901: '~' becomes "~0" and '/' becomes "~1". */
static const char *pointer_of(struct arena *a, const char *key)
{
    size_t n = strlen(key), extra = 0;
    for (size_t i = 0; i < n; i++)
        extra += key[i] == '~' || key[i] == '/';
    char *p = arena_alloc(a, n + extra + 2), *o = p;
    *o++ = '/';
    for (size_t i = 0; i < n; i++) {
        if (key[i] == '~' || key[i] == '/') {
            *o++ = '~';
            *o++ = key[i] == '~' ? '0' : '1';
        } else
            *o++ = key[i];
    }
    *o = '\0';
    return p;
}

static bool has_control(const char *s, size_t n, bool multiline)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0x7F || (c < 0x20 && !(multiline && (c == '\n' || c == '\t' || c == '\r'))))
            return true;
    }
    return false;
}

static bool blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
            return false;
    return true;
}

static const char *choices_text(struct arena *a, const char *const *c)
{
    struct buf b = BUF_INIT;
    for (size_t i = 0; c[i]; i++) {
        if (i)
            buf_puts(&b, ", ");
        buf_puts(&b, c[i]);
    }
    char *s = arena_strdup(a, b.data ? b.data : "");
    buf_free(&b);
    return s;
}

/* Checks a text value; returns the reason it is refused, or NULL. */
static const char *check_text(struct arena *a, const struct field *f, const char *s, size_t n)
{
    if (!utf8_valid(s, n))
        return "must be valid UTF-8 without NUL characters";
    if (has_control(s, n, f->flags & FF_MULTILINE))
        return "must not contain control characters";
    if ((f->flags & FF_REQUIRED) && blank(s, n))
        return "must not be blank";
    if (f->charset && n == 0)
        return "must not be empty (send null for none)";
    if (f->charset && strspn(s, f->charset) != n)
        return arena_printf(a, "may hold only these characters: %s", f->charset);
    size_t chars = utf8_chars(s, n);
    if (f->max_chars && chars > f->max_chars)
        return arena_printf(a, "must be at most %u characters (got %zu)", f->max_chars, chars);
    return NULL;
}

static const char *decode_int(const struct field *f, const json_t *v, void *rec, struct arena *a)
{
    if (!json_is_integer(v))
        return f->type == FT_INT ? "must be an integer" : "must be an integer identifier";
    json_int_t x = json_integer_value(v);
    double lo = f->type == FT_INT ? f->min : 1, hi = f->type == FT_INT ? f->max : 9.0e18;
    if ((double)x < lo || (double)x > hi)
        return f->type == FT_INT ? arena_printf(a, "must be between %.0f and %.0f", lo, hi)
                                 : "must be a positive identifier";
    *FIELD_PTR(rec, f, int64_t) = x;
    return NULL;
}

static const char *decode_double(const struct field *f, const json_t *v, void *rec, struct arena *a)
{
    if (!json_is_number(v))
        return "must be a number";
    double x = json_number_value(v);
    if (!isfinite(x) || x < f->min || x > f->max)
        return arena_printf(a, "must be between %g and %g", f->min, f->max);
    *FIELD_PTR(rec, f, double) = x;
    return NULL;
}

static const char *decode_string(const struct field *f, const json_t *v, void *rec, struct arena *a)
{
    if (!json_is_string(v))
        return "must be a string";
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (f->type == FT_ENUM) {
        for (size_t i = 0; f->choices[i]; i++)
            if (strlen(f->choices[i]) == n && memcmp(f->choices[i], s, n) == 0) {
                *FIELD_PTR(rec, f, char *) = arena_strndup(a, s, n);
                return NULL;
            }
        return arena_printf(a, "must be one of: %s", choices_text(a, f->choices));
    }
    if (f->type == FT_DATE) {
        int64_t day;
        if (!date_parse(s, n, &day))
            return "must be a date like 2017-07-01";
        *FIELD_PTR(rec, f, char *) = arena_strndup(a, s, n);
        return NULL;
    }
    if (f->type == FT_TIME) {
        int64_t t;
        if (!rfc3339_parse(s, n, &t, NULL))
            return "must be an RFC 3339 time with an offset, e.g. 2026-12-01T19:00:00+08:00";
        *FIELD_PTR(rec, f, int64_t) = t;
        return NULL;
    }
    const char *why = check_text(a, f, s, n);
    if (why == NULL)
        *FIELD_PTR(rec, f, char *) = arena_strndup(a, s, n);
    return why;
}

/* Decodes one present, non-null value; returns NULL or why it is refused. */
static const char *decode_value(struct arena *a, const struct field *f, const json_t *v, void *rec)
{
    switch (f->type) {
    case FT_ID:
    case FT_REF:
    case FT_INT:
        return decode_int(f, v, rec, a);
    case FT_DOUBLE:
        return decode_double(f, v, rec, a);
    case FT_BOOL:
        if (!json_is_boolean(v))
            return "must be true or false";
        *FIELD_PTR(rec, f, bool) = json_is_true(v);
        return NULL;
    case FT_TEXT:
    case FT_ENUM:
    case FT_TIME:
    case FT_DATE:
        return decode_string(f, v, rec, a);
    case FT_JSON: {
        const char *why = "is invalid";
        return f->canon(a, v, FIELD_PTR(rec, f, char *), &why) == 0 ? NULL : why;
    }
    }
    return "has an unknown type";
}

static void set_default(struct arena *a, const struct field *f, void *rec, size_t i)
{
    if (f->flags & FF_NULLABLE) {
        rec_set_null(rec, i, true);
        return;
    }
    switch (f->type) {
    case FT_INT:
    case FT_REF:
    case FT_ID:
    case FT_TIME:
        *FIELD_PTR(rec, f, int64_t) = (int64_t)f->def;
        break;
    case FT_DOUBLE:
        *FIELD_PTR(rec, f, double) = f->def;
        break;
    case FT_BOOL:
        *FIELD_PTR(rec, f, bool) = f->def != 0;
        break;
    case FT_TEXT:
    case FT_ENUM:
    case FT_JSON:
    case FT_DATE:
        *FIELD_PTR(rec, f, char *) = arena_strdup(a, f->def_text ? f->def_text : "");
        break;
    }
}

static bool writable(const struct field *f, enum decode_mode mode)
{
    if (f->flags & FF_VERSION)
        return mode == DECODE_PATCH;
    if (f->flags & FF_CREATE_ONLY)
        return mode == DECODE_CREATE;
    return !(f->flags & FF_READONLY);
}

static void decode_member(struct arena *a, const struct table *t, const char *key, const json_t *v,
                          void *rec, enum decode_mode mode, struct error *err)
{
    int i = fields_find(t, key);
    if (i < 0) {
        error_field(err, ERR_INVALID, pointer_of(a, key), "unknown field");
        return;
    }
    const struct field *f = &t->fields[i];
    if (!writable(f, mode)) {
        error_field(err, ERR_INVALID, pointer_of(a, key),
                    (f->flags & FF_CREATE_ONLY) ? "is given when creating; it cannot be changed"
                                                : "is read-only");
        return;
    }
    ((struct rec *)rec)->set |= (uint64_t)1 << i;
    if (json_is_null(v)) {
        if (f->flags & FF_NULLABLE)
            rec_set_null(rec, (size_t)i, true);
        else
            error_field(err, ERR_INVALID, pointer_of(a, key), "must not be null");
        return;
    }
    const char *why = decode_value(a, f, v, rec);
    if (why)
        error_field(err, ERR_INVALID, pointer_of(a, key), "%s", why);
}

int fields_decode(struct arena *a, const json_t *obj, const struct table *t, void *rec,
                  enum decode_mode mode, struct error *err)
{
    assert(t->n <= 64);
    memset(rec, 0, t->size);
    size_t before = err->nfields;
    if (!json_is_object(obj)) {
        error_field(err, ERR_INVALID, "", "the body must be a JSON object");
        return -1;
    }
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)obj, key, v) decode_member(a, t, key, v, rec, mode, err);

    const struct rec *r = rec;
    for (size_t i = 0; i < t->n; i++) {
        const struct field *f = &t->fields[i];
        bool given = (r->set >> i) & 1u;
        bool needed = mode == DECODE_CREATE ? (f->flags & FF_REQUIRED) : (f->flags & FF_VERSION);
        if (!given && needed)
            error_field(err, ERR_INVALID, pointer_of(a, f->name), "is required");
        else if (!given && mode == DECODE_CREATE && writable(f, mode))
            set_default(a, f, rec, i);
    }
    return err->nfields > before || err->kind != ERR_NONE ? -1 : 0;
}

void fields_encode_value(struct jsonw *w, const struct field *f, const void *rec)
{
    switch (f->type) {
    case FT_ID:
    case FT_REF:
    case FT_INT:
        jw_int(w, *FIELD_CPTR(rec, f, int64_t));
        break;
    case FT_DOUBLE:
        jw_double(w, *FIELD_CPTR(rec, f, double));
        break;
    case FT_BOOL:
        jw_bool(w, *FIELD_CPTR(rec, f, bool));
        break;
    case FT_TEXT:
    case FT_ENUM:
    case FT_DATE: {
        const char *s = *FIELD_CPTR(rec, f, char *);
        jw_str(w, s ? s : "");
        break;
    }
    case FT_TIME:
        jw_time(w, *FIELD_CPTR(rec, f, int64_t));
        break;
    case FT_JSON: {
        const char *s = *FIELD_CPTR(rec, f, char *);
        if (s && *s)
            jw_raw(w, s, strlen(s));
        else
            jw_null(w);
        break;
    }
    }
}

void fields_encode(struct jsonw *w, const struct table *t, const void *rec)
{
    jw_obj_open(w);
    for (size_t i = 0; i < t->n; i++) {
        const struct field *f = &t->fields[i];
        if (f->flags & FF_SECRET)
            continue;
        jw_key(w, f->name);
        if (rec_is_null(rec, i))
            jw_null(w);
        else
            fields_encode_value(w, f, rec);
    }
    jw_obj_close(w);
}

char *fields_value_json(struct arena *a, const struct field *f, const void *rec, size_t i)
{
    if (rec == NULL || rec_is_null(rec, i))
        return "null";
    struct buf b = BUF_INIT;
    struct jsonw w;
    jw_init(&w, &b);
    fields_encode_value(&w, f, rec);
    char *s = arena_strndup(a, b.data, b.len);
    buf_free(&b);
    return s;
}

static size_t value_size(const struct field *f)
{
    switch (f->type) {
    case FT_DOUBLE:
        return sizeof(double);
    case FT_BOOL:
        return sizeof(bool);
    case FT_TEXT:
    case FT_ENUM:
    case FT_JSON:
    case FT_DATE:
        return sizeof(char *);
    default:
        return sizeof(int64_t);
    }
}

void fields_overlay(const struct table *t, void *dst, const void *src)
{
    const struct rec *s = src;
    for (size_t i = 0; i < t->n; i++) {
        const struct field *f = &t->fields[i];
        if (!((s->set >> i) & 1u) || (f->flags & (FF_READONLY | FF_VERSION)))
            continue;
        memcpy((char *)dst + f->offset, (const char *)src + f->offset, value_size(f));
        rec_set_null(dst, i, rec_is_null(src, i));
    }
}
