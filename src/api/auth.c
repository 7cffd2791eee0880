/*
 * Admission of a request: who the caller is, and whether the route lets
 * them in. The rules of who may touch which record are the domain's
 * (domain/access.c); this file only establishes the caller and applies the
 * route-level flags, for every route, before any handler runs.
 */
#include <sodium.h>
#include <string.h>

#include "api/routes.h"
#include "core/arena.h"
#include "domain/session.h"

static const struct caller nobody = {0};

static bool is_write(const char *method)
{
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

static bool same_secret(const char *a, const char *b)
{
    size_t n = strlen(a);
    return n == strlen(b) && sodium_memcmp(a, b, n) == 0;
}

int api_admit(struct exchange *ex, const struct route *r)
{
    ex->caller = &nobody;
    const char *token = ex->bearer ? ex->bearer : ex->cookie_token;
    if (token && ex->db) {
        struct error err;
        error_init(&err, ex->arena);
        struct session *s = arena_alloc(ex->arena, sizeof(*s));
        if (session_find(ex->db, ex->arena, token, s, &err) == 0) {
            s->caller.by_cookie = ex->bearer == NULL;
            ex->session = s;
            ex->caller = &s->caller;
        } else if (err.kind != ERR_UNAUTHENTICATED) {
            reply_error(ex, &err);
            return -1;
        }
        /* An unknown or ended session is simply nobody: public routes still answer. */
    }
    const struct caller *c = ex->caller;
    if (c->user_id && c->by_cookie && is_write(ex->method) && !(r->flags & ROUTE_NO_CSRF) &&
        (ex->csrf_header == NULL || !same_secret(ex->csrf_header, c->csrf_token))) {
        reply_problem(ex, ERR_FORBIDDEN,
                      "a write with the session cookie needs the X-CSRF-Token header that "
                      "signing in gave");
        return -1;
    }
    /* No write is anyone's without signing in: say so before looking at the body. */
    bool needs_user = (r->flags & (ROUTE_SIGNED_IN | ROUTE_ADMIN)) ||
                      (is_write(ex->method) && !(r->flags & ROUTE_NO_CSRF));
    if (needs_user && c->user_id == 0) {
        reply_problem(ex, ERR_UNAUTHENTICATED,
                      token ? "the session is unknown or has ended: sign in again"
                            : "sign in first");
        return -1;
    }
    if ((r->flags & ROUTE_ADMIN) && !c->admin) {
        reply_problem(ex, ERR_FORBIDDEN, "only an admin may do this");
        return -1;
    }
    return 0;
}
