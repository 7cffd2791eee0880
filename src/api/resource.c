/*
 * The five handlers of a collection of records (list, create, read, update,
 * delete), shared by every resource whose route carries a struct entity.
 * Each reads top to bottom: decode -> call domain -> encode.
 */
#include "api/resource.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/jsonshape.h"
#include "core/jsonw.h"
#include "core/timefmt.h"
#include "core/utf8.h"
#include "domain/entity.h"

#define LIMIT_DEFAULT    50
#define LIMIT_MAX        500
#define SEARCH_MAX_CHARS 100
/* The largest body any route takes is a few hundred values (a station's settings, a
 * series' hosts); these bounds keep a parse of the largest body allowed to a few MiB. */
#define BODY_MAX_VALUES 10000
#define BODY_MAX_DEPTH  64

/* ---- query parameters ---- */

bool api_parse_int(const char *s, int64_t *out)
{
    if (s == NULL || *s == '\0' || (*s == '0' && s[1] != '\0') || *s == '+' || *s == ' ')
        return false;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end != '\0')
        return false;
    *out = v;
    return true;
}

static bool parse_num(const char *s, double *out)
{
    if (s == NULL || *s == '\0' || *s == ' ')
        return false;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end != '\0' || v != v)
        return false;
    *out = v;
    return true;
}

bool api_parse_time(struct arena *a, const char *s, int64_t *out)
{
    /* An unencoded '+' of an offset arrives as a space: take it for what was meant. */
    char *copy = arena_strdup(a, s);
    for (char *p = copy; *p; p++)
        if (*p == ' ')
            *p = '+';
    int offset;
    return rfc3339_parse(copy, strlen(copy), out, &offset);
}

static void parse_filter(struct exchange *ex, const struct filter *f, struct filter_value *v,
                         struct error *err)
{
    const char *s = exchange_query(ex, f->param);
    v->type = f->type;
    if (s == NULL)
        return;
    v->present = true;
    switch (f->type) {
    case FT_REF:
        if (!api_parse_int(s, &v->i) || v->i < 1)
            error_param(err, f->param, "must be a positive integer identifier");
        break;
    case FT_INT:
        if (!api_parse_int(s, &v->i) || v->i < f->min || v->i > f->max)
            error_param(err, f->param, "must be an integer between %.0f and %.0f", f->min, f->max);
        break;
    case FT_DOUBLE:
        if (!parse_num(s, &v->d) || v->d < f->min || v->d > f->max)
            error_param(err, f->param, "must be a number between %g and %g", f->min, f->max);
        break;
    case FT_TIME:
        if (!api_parse_time(ex->arena, s, &v->i))
            error_param(err, f->param, "must be a time like 2027-03-01T09:00:00+08:00");
        break;
    case FT_BOOL:
        if (strcmp(s, "true") != 0 && strcmp(s, "false") != 0)
            error_param(err, f->param, "must be true or false");
        else if (strcmp(s, "true") == 0 && f->derive)
            f->derive(ex->arena, v);
        else
            v->present = false;
        break;
    default: {
        v->s = s;
        bool ok = false;
        for (size_t i = 0; f->choices && f->choices[i]; i++)
            ok = ok || strcmp(f->choices[i], s) == 0;
        if (!ok)
            error_param(err, f->param, "is not one of the allowed values");
    }
    }
}

static bool known_param(const struct entity *e, const char *key)
{
    static const char *const common[] = {"limit", "cursor", NULL};
    for (size_t i = 0; common[i]; i++)
        if (strcmp(common[i], key) == 0)
            return true;
    if (e->searchable && strcmp(key, "q") == 0)
        return true;
    for (size_t i = 0; i < e->nfilters; i++)
        if (strcmp(e->filters[i].param, key) == 0)
            return true;
    return false;
}

/* Fills lq from the query string; every bad parameter becomes an error. */
int api_list_query(struct exchange *ex, const struct entity *e, struct list_query *lq,
                   struct error *err)
{
    memset(lq, 0, sizeof(*lq));
    lq->limit = LIMIT_DEFAULT;
    for (size_t i = 0; i < ex->nquery; i++) {
        const char *key = ex->query[i].key;
        if (!known_param(e, key))
            error_param(err, key, "unknown parameter");
        else if (exchange_query(ex, key) != ex->query[i].value)
            error_param(err, key, "is given more than once");
    }
    const char *s;
    int64_t v;
    if ((s = exchange_query(ex, "limit")) != NULL) {
        if (!api_parse_int(s, &v) || v < 1 || v > LIMIT_MAX)
            error_param(err, "limit", "must be an integer from 1 to %d", LIMIT_MAX);
        else
            lq->limit = (int)v;
    }
    if ((s = exchange_query(ex, "cursor")) != NULL &&
        (!api_parse_int(s, &lq->after) || lq->after < 0))
        error_param(err, "cursor", "is not a cursor this server gave out");
    if ((s = exchange_query(ex, "q")) != NULL) {
        size_t n = strlen(s);
        if (!utf8_valid(s, n) || utf8_chars(s, n) > SEARCH_MAX_CHARS)
            error_param(err, "q", "must be valid UTF-8 of at most %d characters", SEARCH_MAX_CHARS);
        lq->name_contains = s;
    }
    lq->nfilters = e->nfilters;
    for (size_t i = 0; i < e->nfilters; i++)
        parse_filter(ex, &e->filters[i], &lq->filters[i], err);
    if (err->kind != ERR_NONE && err->detail == NULL)
        err->detail = "the query has invalid parameters: see errors";
    return err->kind == ERR_NONE ? 0 : -1;
}

/* ---- bodies ---- */

static void free_json(void *p)
{
    json_decref(p);
}

json_t *api_parse_body(struct exchange *ex, struct error *err)
{
    const char *ct = ex->content_type;
    size_t n = strlen("application/json");
    if (ct == NULL || strncasecmp(ct, "application/json", n) != 0 ||
        (ct[n] != '\0' && ct[n] != ';' && ct[n] != ' ')) {
        error_set(err, ERR_MEDIA_TYPE, "send the body as application/json");
        return NULL;
    }
    if (strchr(ct, ';') && strcasestr(ct, "charset") && !strcasestr(ct, "charset=utf-8")) {
        error_set(err, ERR_MEDIA_TYPE, "the body must be UTF-8");
        return NULL;
    }
    if (ex->body_len == 0) {
        error_set(err, ERR_INVALID, "the request needs a JSON body");
        return NULL;
    }
    struct json_shape shape;
    json_shape(ex->body, ex->body_len, &shape);
    if (shape.values > BODY_MAX_VALUES || shape.depth > BODY_MAX_DEPTH) {
        error_set(err, ERR_INVALID,
                  "the body holds %zu values nested %zu deep: a request body may hold at most "
                  "%d values, nested at most %d deep",
                  shape.values, shape.depth, BODY_MAX_VALUES, BODY_MAX_DEPTH);
        return NULL;
    }
    json_error_t je;
    json_t *v = json_loadb(ex->body, ex->body_len, JSON_REJECT_DUPLICATES, &je);
    if (v == NULL) {
        error_set(err, ERR_INVALID, "malformed JSON at line %d, column %d: %s", je.line, je.column,
                  je.text);
        return NULL;
    }
    arena_defer(ex->arena, free_json, v);
    return v;
}

/* ---- responses ---- */

void reply_record(struct exchange *ex, int status, const struct entity *e, const void *rec)
{
    struct jsonw w;
    jw_init(&w, &ex->response);
    fields_encode(&w, e->table, rec);
    ex->status = status;
}

static void reply_page(struct exchange *ex, const struct entity *e, void **items, size_t n,
                       int64_t next)
{
    struct jsonw w;
    jw_init(&w, &ex->response);
    jw_obj_open(&w);
    jw_key(&w, "items");
    jw_arr_open(&w);
    for (size_t i = 0; i < n; i++)
        fields_encode(&w, e->table, items[i]);
    jw_arr_close(&w);
    jw_key(&w, "next");
    if (next)
        jw_str(&w, arena_printf(ex->arena, "%lld", (long long)next));
    else
        jw_null(&w);
    jw_obj_close(&w);
    ex->status = 200;
}

/* ---- handlers ---- */

void res_list(struct exchange *ex)
{
    const struct entity *e = ex->route_data;
    struct error err;
    error_init(&err, ex->arena);
    struct list_query lq;
    void **items;
    size_t n;
    int64_t next;
    if (api_list_query(ex, e, &lq, &err) != 0 ||
        entity_list(ex->db, ex->arena, ex->caller, e, &lq, &items, &n, &next, &err) != 0) {
        reply_error(ex, &err);
        return;
    }
    reply_page(ex, e, items, n, next);
}

void res_get(struct exchange *ex)
{
    const struct entity *e = ex->route_data;
    struct error err;
    error_init(&err, ex->arena);
    void *rec = entity_read(ex->db, ex->arena, ex->caller, e, ex->id, &err);
    if (rec == NULL) {
        reply_error(ex, &err);
        return;
    }
    reply_record(ex, 200, e, rec);
}

void *decode_record(struct exchange *ex, const struct entity *e, enum decode_mode mode,
                    struct error *err)
{
    json_t *body = api_parse_body(ex, err);
    if (body == NULL)
        return NULL;
    void *rec = arena_alloc(ex->arena, e->table->size);
    if (fields_decode(ex->arena, body, e->table, rec, mode, err) != 0) {
        if (err->detail == NULL)
            err->detail = arena_printf(ex->arena, "the %s has invalid fields: see errors", e->name);
        return NULL;
    }
    return rec;
}

void res_create(struct exchange *ex)
{
    const struct entity *e = ex->route_data;
    struct error err;
    error_init(&err, ex->arena);
    void *rec = decode_record(ex, e, DECODE_CREATE, &err);
    void *stored = rec ? entity_create(ex->db, ex->arena, ex->caller, e, rec, &err) : NULL;
    if (stored == NULL) {
        reply_error(ex, &err);
        return;
    }
    exchange_header(
        ex, "Location",
        arena_printf(ex->arena, "/api/v1/%s/%lld", e->plural, (long long)entity_id(e, stored)));
    reply_record(ex, 201, e, stored);
}

void res_update(struct exchange *ex)
{
    const struct entity *e = ex->route_data;
    struct error err;
    error_init(&err, ex->arena);
    void *patch = decode_record(ex, e, DECODE_PATCH, &err);
    void *stored =
        patch ? entity_update(ex->db, ex->arena, ex->caller, e, ex->id, patch, &err) : NULL;
    if (stored == NULL) {
        reply_error(ex, &err);
        return;
    }
    reply_record(ex, 200, e, stored);
}

void res_delete(struct exchange *ex)
{
    const struct entity *e = ex->route_data;
    struct error err;
    error_init(&err, ex->arena);
    if (entity_delete(ex->db, ex->arena, ex->caller, e, ex->id, &err) != 0) {
        reply_error(ex, &err);
        return;
    }
    ex->status = 204;
}
