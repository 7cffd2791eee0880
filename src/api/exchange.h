/*
 * One HTTP exchange as the API handlers see it: the request, already taken
 * apart by http/, and the response the handler fills in. Handlers never see
 * the HTTP library; http/ never sees a rule of the domain.
 */
#ifndef LOUYU_API_EXCHANGE_H
#define LOUYU_API_EXCHANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"

struct arena;
struct caller;
struct db;
struct entity;
struct session;

struct kv {
    const char *key;
    const char *value;
};

#define EXCHANGE_MAX_HEADERS 12

struct exchange {
    /* the request */
    struct arena *arena; /* lives until the response has been sent */
    struct db *db;       /* a connection for this request, or NULL for routes without one */
    const char *method;
    const char *path;
    const struct kv *query; /* decoded query parameters, in order */
    size_t nquery;
    const char *content_type; /* NULL when absent */
    const char *body;         /* NUL-terminated; body_len bytes */
    size_t body_len;
    int64_t id;                 /* the {id} of the path, 0 when the route has none */
    const void *route_data;     /* the route's data, e.g. a struct entity */
    const char *bearer;         /* the token of "Authorization: Bearer ...", or NULL */
    const char *cookie_token;   /* the session cookie's value, or NULL */
    const char *csrf_header;    /* X-CSRF-Token, or NULL */
    const char *client_address; /* the peer, or the proxy's X-Forwarded-For when trusted */
    bool secure;                /* reached over HTTPS (a trusted proxy said so) */
    const char *host;           /* the Host header, or NULL: for links back to this server */

    /* set by api_admit() before the handler runs */
    const struct caller *caller; /* never NULL; user_id 0 when nobody is signed in */
    struct session *session;     /* NULL when nobody is signed in */

    /* the response */
    int status;
    const char *response_type; /* Content-Type; "application/json" when NULL */
    struct buf response;       /* the body; handed to http/ without copying */
    const void *static_body;   /* instead, bytes that outlive the server (the web app) */
    size_t static_len;
    struct kv headers[EXCHANGE_MAX_HEADERS];
    size_t nheaders;
    const char *log_note; /* for the access log only, e.g. the cause of a 500 */
};

typedef void (*handler_fn)(struct exchange *ex);

/* Adds a response header (name and value must outlive the exchange: arena or static). */
void exchange_header(struct exchange *ex, const char *name, const char *value);

/* The value of query parameter 'key', or NULL. */
const char *exchange_query(const struct exchange *ex, const char *key);

/* Answers with an RFC 9457 problem document built from err. */
void reply_error(struct exchange *ex, const struct error *err);

/* Answers with a problem of this kind and detail (for errors found before the domain). */
void reply_problem(struct exchange *ex, enum err_kind kind, const char *detail);

/* The HTTP status of an error kind. */
int err_kind_status(enum err_kind k);

#endif
