/*
 * Errors as values. Every layer reports failure by filling a struct error and
 * returning -1; the HTTP layer turns the kind into a status and the whole
 * thing into application/problem+json, the CLI into a message on stderr.
 */
#ifndef LOUYU_CORE_ERROR_H
#define LOUYU_CORE_ERROR_H

#include <stdbool.h>
#include <stddef.h>

struct arena;

enum err_kind {
    ERR_NONE = 0,
    ERR_INVALID,         /* malformed or invalid input: 400 */
    ERR_NOT_FOUND,       /* 404 */
    ERR_CONFLICT,        /* stale version, dependants, duplicates: 409 */
    ERR_RULE,            /* well-formed but against a rule of the domain: 422 */
    ERR_UNAVAILABLE,     /* the database is not answering: 503 */
    ERR_INTERNAL,        /* a bug or an I/O failure: 500 */
    ERR_METHOD,          /* the path exists, the method does not: 405 */
    ERR_TOO_LARGE,       /* body over the limit: 413 */
    ERR_MEDIA_TYPE,      /* body not JSON: 415 */
    ERR_UNAUTHENTICATED, /* nobody signed in, or a bad session: 401 */
    ERR_FORBIDDEN,       /* signed in, but not allowed: 403 */
    ERR_TOO_MANY,        /* too many attempts: 429 */
    ERR__MAX
};

struct field_error {
    const char *pointer; /* RFC 6901 pointer into the body ("/name"), or NULL */
    const char *param;   /* query parameter name, or NULL */
    const char *detail;
};

#define ERROR_MAX_FIELDS 32

struct error {
    enum err_kind kind;
    const char *detail; /* one sentence for a person, lower case, no final period */
    struct field_error fields[ERROR_MAX_FIELDS];
    size_t nfields;
    struct arena *arena; /* where detail strings live */
    bool retry;          /* a conflict between transactions that retrying cures */
    const char *rule;    /* the rule of the domain that was broken ("overlap"), or NULL */
};

/* a may be NULL when the details will not be read. */
void error_init(struct error *e, struct arena *a);

/* Forgets everything but the arena. */
void error_reset(struct error *e);

/* Sets kind and detail (printf-style, copied into the arena); returns -1 so that
 * callers can write 'return error_set(...)'. */
int error_set(struct error *e, enum err_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Adds a field error (detail copied into the arena); sets the kind to 'kind' when no
 * kind was set yet. Past ERROR_MAX_FIELDS further errors are dropped. Returns -1. */
int error_field(struct error *e, enum err_kind kind, const char *pointer, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int error_param(struct error *e, const char *param, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Names the broken rule (a static string) and returns -1, after error_set() or
 * error_field(). */
int error_rule(struct error *e, const char *rule);

/* Stable short name of a kind, e.g. "invalid" (used in problem type URIs). */
const char *err_kind_name(enum err_kind k);

#endif
