/* Matching a method and path against the route table. */
#ifndef LOUYU_HTTP_ROUTER_H
#define LOUYU_HTTP_ROUTER_H

#include <stdbool.h>
#include <stdint.h>

#include "api/routes.h"

struct arena;

enum match {
    MATCH_OK,
    MATCH_NO_PATH,   /* 404 */
    MATCH_NO_METHOD, /* 405; *allow lists the methods the path has */
};

/* Finds the route for method and path. HEAD matches GET. On MATCH_OK, *route is set and
 * *id holds the {id} segment (0 when none); on MATCH_NO_METHOD *allow is set (arena). */
enum match router_match(struct arena *a, const struct route *routes, size_t n, const char *method,
                        const char *path, const struct route **route, int64_t *id,
                        const char **allow);

/* True when 'path' fits 'pattern'; stores the {id} segment in *id. */
bool route_fits(const char *pattern, const char *path, int64_t *id);

#endif
