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
    ROUTE_DB = 1 << 0, /* the handler needs a database connection */
};

struct route {
    const char *method;  /* "GET", "POST", "PATCH", "DELETE" */
    const char *pattern; /* segments; "{id}" matches a positive integer */
    handler_fn handler;
    const void *data; /* handed to the handler as ex->route_data */
    unsigned flags;
};

extern const struct route api_routes[];
extern const size_t api_nroutes;

#endif
