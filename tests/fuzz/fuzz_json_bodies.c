/*
 * Every request body the API takes, through the real code: the route table's handler of
 * each POST and PATCH route, after api_admit(), against the demo network in SQLite, as
 * one of the demo users. Decoding and validation live in many places (fields_decode with
 * each record's table, the verbs' tables, the custom parsers of sign-in, the session's
 * PATCH, bookings' recurrence and waiting, schedules, birthday gatherings, check-ins), and
 * several of them only run once the body has reached the domain with a database behind
 * it (a room that exists, a booking's version): so the whole request runs, in-process.
 *
 * Each input runs inside one transaction that is rolled back (harness.h), so every input
 * meets the same database and memory stays flat; "now" is the clock's, so an input may
 * land differently from one day to the next, as a request would.
 *
 * Properties beyond the sanitizers': the handler answers (a status is set), never with a
 * 500 (a body is the client's mistake or fine, never the server's), and its body is
 * well-formed JSON.
 *
 * Input: a first line "METHOD PATTERN USER ID" ("POST /api/v1/bookings/{id}/cancel xita
 * 3"), then the body. A line that names no POST or PATCH route picks one by its hash (so
 * that a mutated line still reaches a route), an unknown user is admin, a missing id 1:
 * the seeds stay readable and keep their meaning when routes are added.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/routes.h"
#include "core/arena.h"
#include "domain/session.h"
#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ROUTES_MAX 128

static const struct route *body_routes[ROUTES_MAX];
static size_t nbody;

static void find_body_routes(void)
{
    for (size_t i = 0; i < api_nroutes && nbody < ROUTES_MAX; i++)
        if (strcmp(api_routes[i].method, "POST") == 0 || strcmp(api_routes[i].method, "PATCH") == 0)
            body_routes[nbody++] = &api_routes[i];
}

/* The route's pattern with {id} written in. */
static const char *path_of(struct arena *a, const struct route *r, int64_t id)
{
    const char *hole = strstr(r->pattern, "{id}");
    if (hole == NULL)
        return r->pattern;
    return arena_printf(a, "%.*s%lld%s", (int)(hole - r->pattern), r->pattern, (long long)id,
                        hole + 4);
}

static void check_answer(const struct exchange *ex, const char *user, const char *body)
{
    if (ex->status < 200 || ex->status > 599)
        fuzz_fail("%s %s as %s: status %d (body '%s')", ex->method, ex->path, user, ex->status,
                  body);
    if (ex->status >= 500)
        fuzz_fail("%s %s as %s: %d, %s (body '%s')", ex->method, ex->path, user, ex->status,
                  ex->log_note ? ex->log_note : "no note", body);
    const char *type = ex->response_type ? ex->response_type : "application/json";
    if (ex->response.len == 0 || strstr(type, "json") == NULL)
        return;
    json_error_t je;
    json_t *v = json_loadb(ex->response.data, ex->response.len, JSON_REJECT_DUPLICATES, &je);
    if (v == NULL)
        fuzz_fail("%s %s as %s: the answer is not JSON (%s): %.*s", ex->method, ex->path, user,
                  je.text, (int)ex->response.len, ex->response.data);
    json_decref(v);
}

/* FNV-1a of the first line, to pick a route for a line that names none. */
static uint32_t line_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

struct request_line {
    const struct route *route;
    size_t user;
    int64_t id;
};

/* Reads "METHOD PATTERN USER ID" (n bytes, no line break). */
static struct request_line read_line(const char *line, size_t n)
{
    char buf[256], method[16] = "", pattern[128] = "", user[32] = "";
    long long id = 1;
    snprintf(buf, sizeof(buf), "%.*s", (int)n, line);
    sscanf(buf, "%15s %127s %31s %lld", method, pattern, user, &id);
    struct request_line t = {body_routes[line_hash(line, n) % nbody], 0,
                             id >= 1 && id <= 999999 ? id : 1};
    for (size_t i = 0; i < nbody; i++)
        if (strcmp(body_routes[i]->method, method) == 0 &&
            strcmp(body_routes[i]->pattern, pattern) == 0)
            t.route = body_routes[i];
    for (size_t i = 0; i < fuzz_nusers; i++)
        if (strcmp(fuzz_users[i], user) == 0)
            t.user = i;
    return t;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct db *db = fuzz_demo_db();
    if (nbody == 0)
        find_body_routes();
    const char *text = (const char *)data;
    const char *nl = memchr(text, '\n', size);
    size_t line_len = nl ? (size_t)(nl - text) : size;
    struct request_line t = read_line(text, line_len);
    const struct route *r = t.route;
    const uint8_t *body_bytes = nl ? data + line_len + 1 : data + size;
    size_t body_len = (size_t)(data + size - body_bytes);

    struct exchange ex = {0};
    ex.arena = arena_new(16384);
    static const struct kv no_query[1];
    ex.db = r->flags & ROUTE_DB ? db : NULL;
    ex.method = r->method;
    ex.path = path_of(ex.arena, r, t.id);
    ex.query = no_query;
    ex.content_type = strstr(r->pattern, "/import") ? "text/csv" : "application/json";
    char *body = arena_alloc(ex.arena, body_len + 1); /* NUL-terminated, as http/ hands it */
    if (body_len)
        memcpy(body, body_bytes, body_len);
    body[body_len] = '\0';
    ex.body = body;
    ex.body_len = body_len;
    ex.id = strstr(r->pattern, "{id}") ? t.id : 0;
    ex.route_data = r->data;
    ex.bearer = fuzz_session(t.user)->token;
    ex.client_address = "127.0.0.1";
    ex.host = "127.0.0.1:8080";

    fuzz_begin();
    if (api_admit(&ex, r) == 0)
        r->handler(&ex);
    fuzz_end();
    if (getenv("FUZZ_VERBOSE")) /* to see what the seeds reach: FUZZ_VERBOSE=1 fuzz_... FILE */
        fprintf(stderr, "%s %s as %s: %d %.*s\n", ex.method, ex.path, fuzz_users[t.user], ex.status,
                (int)(ex.response.len < 300 ? ex.response.len : 300),
                ex.response.data ? ex.response.data : "");
    check_answer(&ex, fuzz_users[t.user], ex.body);
    buf_free(&ex.response);
    arena_free(ex.arena);
    return 0;
}
