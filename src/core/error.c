/* Error values, built in the caller's arena. */
#include "core/error.h"

#include <stdarg.h>

#include "core/arena.h"

void error_init(struct error *e, struct arena *a)
{
    e->kind = ERR_NONE;
    e->detail = NULL;
    e->nfields = 0;
    e->arena = a;
    e->retry = false;
    e->rule = NULL;
}

int error_rule(struct error *e, const char *rule)
{
    e->rule = rule;
    return -1;
}

void error_reset(struct error *e)
{
    error_init(e, e->arena);
}

int error_set(struct error *e, enum err_kind kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    e->kind = kind;
    /* Without an arena the caller does not read the detail (e.g. a best-effort rollback). */
    e->detail = e->arena ? arena_vprintf(e->arena, fmt, ap) : "(details not kept)";
    va_end(ap);
    return -1;
}

static void add(struct error *e, enum err_kind kind, const char *pointer, const char *param,
                const char *fmt, va_list ap)
{
    if (e->kind == ERR_NONE)
        e->kind = kind;
    if (e->nfields == ERROR_MAX_FIELDS || e->arena == NULL)
        return;
    struct field_error *f = &e->fields[e->nfields++];
    f->pointer = pointer ? arena_strdup(e->arena, pointer) : NULL;
    f->param = param ? arena_strdup(e->arena, param) : NULL;
    f->detail = arena_vprintf(e->arena, fmt, ap);
}

int error_field(struct error *e, enum err_kind kind, const char *pointer, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(e, kind, pointer, NULL, fmt, ap);
    va_end(ap);
    return -1;
}

int error_param(struct error *e, const char *param, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(e, ERR_INVALID, NULL, param, fmt, ap);
    va_end(ap);
    return -1;
}

const char *err_kind_name(enum err_kind k)
{
    static const char *const names[ERR__MAX] = {
        [ERR_NONE] = "none",
        [ERR_INVALID] = "invalid",
        [ERR_NOT_FOUND] = "not-found",
        [ERR_CONFLICT] = "conflict",
        [ERR_RULE] = "rule",
        [ERR_UNAVAILABLE] = "unavailable",
        [ERR_INTERNAL] = "internal",
        [ERR_METHOD] = "method-not-allowed",
        [ERR_TOO_LARGE] = "too-large",
        [ERR_MEDIA_TYPE] = "unsupported-media-type",
        [ERR_UNAUTHENTICATED] = "unauthenticated",
        [ERR_FORBIDDEN] = "forbidden",
        [ERR_TOO_MANY] = "too-many-attempts",
    };
    return k < ERR__MAX ? names[k] : "internal";
}
