/*
 * The route table: every path the server answers, with its handler. Adding
 * an endpoint is adding a row here (and its entry in docs/openapi.yaml: a
 * test compares the two).
 */
#ifndef LOUYU_API_ROUTES_H
#define LOUYU_API_ROUTES_H

#include <stddef.h>

#include "api/exchange.h"

enum {
    ROUTE_DB = 1 << 0,        /* the handler needs a database connection */
    ROUTE_SIGNED_IN = 1 << 1, /* anonymous callers get 401 */
    ROUTE_ADMIN = 1 << 2,     /* only admins (others: 401 or 403) */
    ROUTE_NO_CSRF = 1 << 3,   /* a write that needs no CSRF token (signing in) */
};

struct route {
    const char *method;  /* "GET", "POST", "PATCH", "DELETE" */
    const char *pattern; /* segments; "{id}" matches a positive integer */
    handler_fn handler;
    const void *data; /* handed to the handler as ex->route_data */
    unsigned flags;
};

/* Decides whether the request may reach the route's handler: finds the caller from the
 * session token (bearer or cookie), checks the CSRF token of cookie-authenticated writes,
 * and the route's own access flags. Record-level decisions follow in the domain, by the
 * same policy (domain/access.c). On refusal the response is filled and -1 returned. */
int api_admit(struct exchange *ex, const struct route *r);

extern const struct route api_routes[];
extern const size_t api_nroutes;

#endif
