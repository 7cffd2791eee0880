/*
 * The router (http/router.c) over the real route table (api/routes.c), against an oracle
 * written here the plain way (split on '/', compare segment by segment): for any method
 * and path both must agree on the route, the {id}, and the Allow list of a path that
 * exists under other methods. A matched path must also be exactly its pattern with the id
 * written in (no leading zeros, no sign, no second spelling of one resource).
 *
 * The input is "METHOD PATH": the method up to the first space, the path after it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/routes.h"
#include "core/arena.h"
#include "core/buf.h"
#include "harness.h"
#include "http/router.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* {id}: 1 to 18 decimal digits, the first not 0. */
static bool oracle_id(const char *s, size_t n, int64_t *id)
{
    if (n < 1 || n > 18 || s[0] == '0' || strspn(s, "0123456789") < n)
        return false;
    *id = strtoll(s, NULL, 10);
    return true;
}

static bool oracle_fits(const char *pattern, const char *path, int64_t *id)
{
    *id = 0;
    const char *p = pattern, *q = path;
    while (*p) {
        if (*p != '/' || *q != '/')
            return false;
        p++, q++;
        size_t pn = strcspn(p, "/"), qn = strcspn(q, "/");
        if (pn == 4 && memcmp(p, "{id}", 4) == 0) {
            if (!oracle_id(q, qn, id))
                return false;
        } else if (pn != qn || memcmp(p, q, pn) != 0)
            return false;
        p += pn, q += qn;
    }
    return *q == '\0';
}

/* What the router must answer, found by trying every route in order. */
static enum match oracle(const char *method, const char *path, const struct route **route,
                         int64_t *id, struct buf *allow)
{
    const char *want = strcmp(method, "HEAD") == 0 ? "GET" : method;
    enum match m = MATCH_NO_PATH;
    for (size_t i = 0; i < api_nroutes; i++) {
        int64_t got;
        if (!oracle_fits(api_routes[i].pattern, path, &got))
            continue;
        if (strcmp(api_routes[i].method, want) == 0) {
            *route = &api_routes[i];
            *id = got;
            return MATCH_OK;
        }
        buf_printf(allow, "%s%s%s", allow->len ? ", " : "", api_routes[i].method,
                   strcmp(api_routes[i].method, "GET") == 0 ? ", HEAD" : "");
        m = MATCH_NO_METHOD;
    }
    return m;
}

/* The path that the route and id name: the pattern with the id written in. */
static void check_spelling(const struct route *r, int64_t id, const char *path)
{
    struct buf b = BUF_INIT;
    const char *hole = strstr(r->pattern, "{id}");
    if (hole)
        buf_printf(&b, "%.*s%lld%s", (int)(hole - r->pattern), r->pattern, (long long)id, hole + 4);
    else
        buf_puts(&b, r->pattern);
    if (strcmp(b.data, path) != 0)
        fuzz_fail("'%s' matched %s %s (id %lld), which is spelt '%s'", path, r->method, r->pattern,
                  (long long)id, b.data);
    buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_string(data, size);
    char *space = strchr(text, ' ');
    const char *method = text, *path = space ? space + 1 : "";
    if (space)
        *space = '\0';

    struct arena *a = arena_new(1024);
    const struct route *route = NULL, *want_route = NULL;
    int64_t id = -1, want_id = -1;
    const char *allow = NULL;
    struct buf want_allow = BUF_INIT;
    enum match got = router_match(a, api_routes, api_nroutes, method, path, &route, &id, &allow);
    enum match want = oracle(method, path, &want_route, &want_id, &want_allow);
    if (got != want)
        fuzz_fail("%s '%s': the router answers %d, the oracle %d", method, path, got, want);
    if (got == MATCH_OK && (route != want_route || id != want_id))
        fuzz_fail("%s '%s': the router picks %s %s (id %lld), the oracle %s %s (id %lld)", method,
                  path, route->method, route->pattern, (long long)id, want_route->method,
                  want_route->pattern, (long long)want_id);
    if (got == MATCH_OK)
        check_spelling(route, id, path);
    if (got == MATCH_NO_METHOD && (allow == NULL || strcmp(allow, want_allow.data) != 0))
        fuzz_fail("%s '%s': Allow '%s', the oracle's '%s'", method, path, allow ? allow : "(none)",
                  want_allow.data);
    /* route_fits agrees with the oracle on every pattern, not only on the first match. */
    for (size_t i = 0; i < api_nroutes; i++) {
        int64_t fit_id, oracle_fit_id;
        bool fit = route_fits(api_routes[i].pattern, path, &fit_id);
        if (fit != oracle_fits(api_routes[i].pattern, path, &oracle_fit_id) ||
            (fit && fit_id != oracle_fit_id))
            fuzz_fail("'%s' against %s: route_fits says %d (id %lld)", path, api_routes[i].pattern,
                      fit, (long long)fit_id);
    }
    buf_free(&want_allow);
    arena_free(a);
    free(text);
    return 0;
}
