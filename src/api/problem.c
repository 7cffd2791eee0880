/* Problem documents (RFC 9457) for every error, from one table of kinds. */
#include <string.h>

#include "api/exchange.h"
#include "core/arena.h"
#include "core/jsonw.h"

static const struct {
    int status;
    const char *title;
} kinds[ERR__MAX] = {
    [ERR_NONE] = {500, "Internal error"},
    [ERR_INVALID] = {400, "Invalid input"},
    [ERR_NOT_FOUND] = {404, "Not found"},
    [ERR_CONFLICT] = {409, "Conflict"},
    [ERR_RULE] = {422, "Against a rule"},
    [ERR_UNAVAILABLE] = {503, "Service unavailable"},
    [ERR_INTERNAL] = {500, "Internal error"},
    [ERR_METHOD] = {405, "Method not allowed"},
    [ERR_TOO_LARGE] = {413, "Request body too large"},
    [ERR_MEDIA_TYPE] = {415, "Unsupported media type"},
    [ERR_UNAUTHENTICATED] = {401, "Not signed in"},
    [ERR_FORBIDDEN] = {403, "Not allowed"},
    [ERR_TOO_MANY] = {429, "Too many attempts"},
};

int err_kind_status(enum err_kind k)
{
    return k < ERR__MAX ? kinds[k].status : 500;
}

void exchange_header(struct exchange *ex, const char *name, const char *value)
{
    if (ex->nheaders < EXCHANGE_MAX_HEADERS)
        ex->headers[ex->nheaders++] = (struct kv){name, value};
}

const char *exchange_query(const struct exchange *ex, const char *key)
{
    for (size_t i = 0; i < ex->nquery; i++)
        if (strcmp(ex->query[i].key, key) == 0)
            return ex->query[i].value;
    return NULL;
}

static void write_field_errors(struct jsonw *w, const struct error *err)
{
    jw_key(w, "errors");
    jw_arr_open(w);
    for (size_t i = 0; i < err->nfields; i++) {
        const struct field_error *f = &err->fields[i];
        jw_obj_open(w);
        if (f->pointer) {
            jw_key(w, "pointer");
            jw_str(w, f->pointer);
        }
        if (f->param) {
            jw_key(w, "parameter");
            jw_str(w, f->param);
        }
        jw_key(w, "detail");
        jw_str(w, f->detail);
        jw_obj_close(w);
    }
    jw_arr_close(w);
}

void reply_error(struct exchange *ex, const struct error *err)
{
    enum err_kind k = err->kind < ERR__MAX && err->kind != ERR_NONE ? err->kind : ERR_INTERNAL;
    const char *detail = err->detail;
    if (detail == NULL && err->nfields && k == ERR_RULE)
        detail = err->fields[0].detail; /* a broken rule names itself */
    if (detail == NULL)
        detail = err->nfields ? "the request has invalid fields: see errors" : kinds[k].title;
    /* A 500 never shows its cause to the client: it goes to the log (see http/). */
    if (k == ERR_INTERNAL) {
        ex->log_note = detail;
        detail = "an internal error occurred; it has been logged";
    }

    buf_reset(&ex->response);
    struct jsonw w;
    jw_init(&w, &ex->response);
    jw_obj_open(&w);
    jw_key(&w, "type");
    jw_str(&w, arena_printf(ex->arena, "/problems/%s", err_kind_name(k)));
    jw_key(&w, "title");
    jw_str(&w, kinds[k].title);
    jw_key(&w, "status");
    jw_int(&w, kinds[k].status);
    jw_key(&w, "detail");
    jw_str(&w, detail);
    if (err->rule) { /* for clients to tell the rules apart without reading the detail */
        jw_key(&w, "rule");
        jw_str(&w, err->rule);
    }
    if (err->nfields)
        write_field_errors(&w, err);
    jw_obj_close(&w);
    ex->status = kinds[k].status;
    ex->response_type = "application/problem+json";
    if (k == ERR_UNAUTHENTICATED) /* RFC 9110: a 401 names the scheme to use */
        exchange_header(ex, "WWW-Authenticate", "Bearer realm=\"louyu\"");
}

void reply_problem(struct exchange *ex, enum err_kind kind, const char *detail)
{
    struct error err;
    error_init(&err, ex->arena);
    err.kind = kind;
    err.detail = detail;
    reply_error(ex, &err);
}
