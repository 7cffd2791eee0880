/*
 * Paths are compared segment by segment. "{id}" takes a decimal identifier
 * (1 to 18 digits, no sign, no leading zero): anything else there is simply
 * a path that does not exist.
 */
#include "http/router.h"

#include <stdbool.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"

static bool take_id(const char *s, size_t n, int64_t *id)
{
    if (n == 0 || n > 18 || s[0] == '0')
        return false;
    int64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *id = v;
    return true;
}

bool route_fits(const char *pattern, const char *path, int64_t *id)
{
    const char *p = pattern, *q = path;
    *id = 0;
    while (*p && *q) {
        size_t pn = strcspn(p + 1, "/") + 1, qn = strcspn(q + 1, "/") + 1;
        if (pn == 5 && memcmp(p, "/{id}", 5) == 0) {
            if (q[0] != '/' || !take_id(q + 1, qn - 1, id))
                return false;
        } else if (pn != qn || memcmp(p, q, pn) != 0)
            return false;
        p += pn;
        q += qn;
    }
    return *p == '\0' && *q == '\0';
}

enum match router_match(struct arena *a, const struct route *routes, size_t n, const char *method,
                        const char *path, const struct route **route, int64_t *id,
                        const char **allow)
{
    const char *want = strcmp(method, "HEAD") == 0 ? "GET" : method;
    struct buf methods = BUF_INIT;
    enum match result = MATCH_NO_PATH;
    for (size_t i = 0; i < n; i++) {
        int64_t got;
        if (!route_fits(routes[i].pattern, path, &got))
            continue;
        if (strcmp(routes[i].method, want) == 0) {
            *route = &routes[i];
            *id = got;
            buf_free(&methods);
            return MATCH_OK;
        }
        buf_printf(&methods, "%s%s", methods.len ? ", " : "", routes[i].method);
        if (strcmp(routes[i].method, "GET") == 0)
            buf_puts(&methods, ", HEAD");
        result = MATCH_NO_METHOD;
    }
    if (result == MATCH_NO_METHOD)
        *allow = arena_strndup(a, methods.data, methods.len);
    buf_free(&methods);
    return result;
}
