/* Unit tests for path matching (http/router.c). */
#include "core/arena.h"
#include "http/router.h"
#include "unit.h"

static void nop(struct exchange *ex)
{
    (void)ex;
}

static const struct route routes[] = {
    {"GET", "/healthz", nop, NULL, 0},
    {"GET", "/api/v1/rooms", nop, NULL, 0},
    {"POST", "/api/v1/rooms", nop, NULL, 0},
    {"GET", "/api/v1/rooms/{id}", nop, NULL, 0},
    {"DELETE", "/api/v1/rooms/{id}", nop, NULL, 0},
};

static enum match m(struct arena *a, const char *method, const char *path, int64_t *id,
                    const char **allow)
{
    const struct route *r = NULL;
    return router_match(a, routes, sizeof(routes) / sizeof(routes[0]), method, path, &r, id, allow);
}

void test_router(void)
{
    struct arena *a = arena_new(0);
    int64_t id = -1;
    const char *allow = NULL;
    CHECK(m(a, "GET", "/healthz", &id, &allow) == MATCH_OK && id == 0);
    CHECK(m(a, "HEAD", "/healthz", &id, &allow) == MATCH_OK);
    CHECK(m(a, "GET", "/api/v1/rooms/42", &id, &allow) == MATCH_OK && id == 42);
    CHECK(m(a, "DELETE", "/api/v1/rooms/999999999999999999", &id, &allow) == MATCH_OK &&
          id == 999999999999999999LL);
    CHECK(m(a, "GET", "/api/v1/rooms/1234567890123456789", &id, &allow) == MATCH_NO_PATH);
    CHECK(m(a, "GET", "/api/v1/rooms/0", &id, &allow) == MATCH_NO_PATH);
    CHECK(m(a, "GET", "/api/v1/rooms/007", &id, &allow) == MATCH_NO_PATH);
    CHECK(m(a, "GET", "/api/v1/rooms/-1", &id, &allow) == MATCH_NO_PATH);
    CHECK(m(a, "GET", "/api/v1/rooms/abc", &id, &allow) == MATCH_NO_PATH);
    CHECK(m(a, "GET", "/api/v1/rooms/", &id, &allow) == MATCH_NO_PATH);
    CHECK(m(a, "GET", "/api/v1/rooms/1/x", &id, &allow) == MATCH_NO_PATH);
    CHECK(m(a, "GET", "/api/v1/room", &id, &allow) == MATCH_NO_PATH);
    CHECK(m(a, "GET", "/api/v1/roomsx", &id, &allow) == MATCH_NO_PATH);
    CHECK(m(a, "GET", "", &id, &allow) == MATCH_NO_PATH);
    CHECK(m(a, "GET", "/", &id, &allow) == MATCH_NO_PATH);
    CHECK(m(a, "PUT", "/api/v1/rooms/1", &id, &allow) == MATCH_NO_METHOD);
    CHECK_STR(allow, "GET, HEAD, DELETE");
    CHECK(m(a, "DELETE", "/api/v1/rooms", &id, &allow) == MATCH_NO_METHOD);
    CHECK_STR(allow, "GET, HEAD, POST");
    arena_free(a);
}
