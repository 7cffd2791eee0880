/*
 * A connection's life: libmicrohttpd accepts it and we give it a struct conn, which the
 * watchdog keeps an eye on (the deadlines of a request's head and body) until it closes.
 *
 * A request's life: the URI-log callback sees the request target as received; the first
 * access-handler call (headers only) creates the request and its arena, and checks the
 * head, framing and size; the calls with body bytes collect them; the last call routes
 * and answers; the completion callback writes the access-log line and frees the arena.
 *
 * Responses are queued only after the first access-handler call: on 0.9.75,
 * a response queued in the first call turns keep-alive off. Error answers to
 * bad framing are the exception, and close the connection on purpose.
 */
#include "http/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api/exchange.h"
#include "api/session.h"
#include "api/webapp.h"
#include "core/arena.h"
#include "core/buf.h"
#include "http/accesslog.h"
#include "http/headcheck.h"
#include "http/router.h"
#include "http/watchdog.h"
#include "store/pool.h"

struct server {
    struct MHD_Daemon *daemon;
    struct server_config cfg;
    struct db_pool *pool;
    struct watchdog *watchdog;
    atomic_uint_fast64_t next_id;
    atomic_int in_flight;
};

/* Per connection (libmicrohttpd's socket context), from accept to close. */
struct conn {
    struct watch watch;
    size_t target_len; /* of the current request's target as received; 0 before it */
    bool target_clean; /* ... and it has no space or control character */
};

struct request {
    struct exchange ex;
    struct server *srv;
    uint64_t id;
    struct timespec start;
    unsigned calls;   /* access-handler calls so far */
    bool too_large;   /* the body passed max_body: answer 413 at the end */
    size_t discarded; /* body bytes dropped after too_large */
    struct buf body;
    size_t sent_bytes;
};

/* Per connection: the request line and headers must fit (past it, libmicrohttpd answers
 * 431 by itself), with the read buffer. libmicrohttpd clears the pool between requests,
 * so a bigger pool costs every request, and all of it stays resident on a kept-alive
 * connection: 10,000 idle ones hold 480 MiB (tests/abuse). A smaller pool answers
 * nothing at all, instead of 4xx, to a request line with hundreds of query parameters
 * (600 at 32 KiB: libmicrohttpd has no room left to write its error). */
#define CONNECTION_MEMORY (48u << 10)

/* Beyond this many bytes of an oversized body the connection is just closed. */
#define DISCARD_MAX (16u << 20)

/* The request's state, created at the first access-handler call. Not earlier: libmicrohttpd
 * calls the completion callback only for requests that reached the access handler, so
 * anything made in the URI-log callback would leak when it answers by itself (431). */
static struct request *request_new(struct server *srv)
{
    struct arena *a = arena_new(8192);
    struct request *rq = arena_zalloc(a, sizeof(*rq));
    rq->ex.arena = a;
    rq->srv = srv;
    rq->id = atomic_fetch_add(&srv->next_id, 1);
    clock_gettime(CLOCK_MONOTONIC, &rq->start);
    atomic_fetch_add(&srv->in_flight, 1);
    return rq;
}

static struct conn *conn_of(struct MHD_Connection *con)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(con, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info ? info->socket_context : NULL;
}

static void on_connection(void *cls, struct MHD_Connection *con, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    struct server *srv = cls;
    struct conn *c = *socket_context;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *info =
            MHD_get_connection_info(con, MHD_CONNECTION_INFO_CONNECTION_FD);
        c = calloc(1, sizeof(*c));
        if (c == NULL || info == NULL) {
            free(c);
            return;
        }
        watch_add(srv->watchdog, &c->watch, info->connect_fd);
        *socket_context = c;
    } else if (c) {
        watch_remove(srv->watchdog, &c->watch);
        free(c);
        *socket_context = NULL;
    }
}

/* The request line is in: the target as received, before libmicrohttpd decodes it. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *con)
{
    struct server *srv = cls;
    struct conn *c = conn_of(con);
    if (c) {
        c->target_len = strlen(uri);
        c->target_clean = head_target_clean(uri);
        watch_head_begun(srv->watchdog, &c->watch);
    }
    return NULL;
}

static void on_completed(void *cls, struct MHD_Connection *con, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct server *srv = cls;
    struct request *rq = *con_cls;
    struct conn *c = conn_of(con);
    if (c) {
        watch_request_done(srv->watchdog, &c->watch);
        c->target_len = 0;
    }
    if (rq == NULL)
        return;
    if (srv->cfg.access_log_fd >= 0) {
        struct timespec end;
        clock_gettime(CLOCK_MONOTONIC, &end);
        int64_t us =
            (end.tv_sec - rq->start.tv_sec) * 1000000 + (end.tv_nsec - rq->start.tv_nsec) / 1000;
        struct access_entry e = {rq->id,          rq->ex.method,
                                 rq->ex.path,     rq->ex.status,
                                 rq->sent_bytes,  us,
                                 rq->ex.log_note, toe == MHD_REQUEST_TERMINATED_COMPLETED_OK};
        access_log_write(srv->cfg.access_log_fd, &e);
    }
    buf_free(&rq->body);
    buf_free(&rq->ex.response);
    arena_free(rq->ex.arena);
    *con_cls = NULL;
    atomic_fetch_sub(&srv->in_flight, 1);
}

static bool has_header(const struct exchange *ex, const char *name)
{
    for (size_t i = 0; i < ex->nheaders; i++)
        if (strcasecmp(ex->headers[i].key, name) == 0)
            return true;
    return false;
}

/* Builds the libmicrohttpd response from the exchange and queues it. */
static enum MHD_Result respond(struct MHD_Connection *con, struct request *rq, bool close)
{
    struct exchange *ex = &rq->ex;
    size_t len = 0;
    struct MHD_Response *r;
    if (ex->static_body) {
        len = ex->static_len;
        r = MHD_create_response_from_buffer(len, (void *)ex->static_body, MHD_RESPMEM_PERSISTENT);
    } else {
        char *body = buf_release(&ex->response, &len);
        r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
        if (r == NULL)
            free(body);
    }
    if (r == NULL)
        return MHD_NO;
    if (ex->status != 204)
        MHD_add_response_header(r, "Content-Type",
                                ex->response_type ? ex->response_type : "application/json");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    if (!has_header(ex, "Cache-Control")) /* an API answer is the caller's alone */
        MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "X-Request-Id",
                            arena_printf(ex->arena, "%llu", (unsigned long long)rq->id));
    for (size_t i = 0; i < ex->nheaders; i++)
        MHD_add_response_header(r, ex->headers[i].key, ex->headers[i].value);
    if (close)
        MHD_add_response_header(r, "Connection", "close");
    rq->sent_bytes = len;
    enum MHD_Result ok = MHD_queue_response(con, (unsigned)ex->status, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result refuse(struct MHD_Connection *con, struct request *rq, enum err_kind kind,
                              const char *detail)
{
    reply_problem(&rq->ex, kind, detail);
    return respond(con, rq, true);
}

/* What the request headers say about the body's framing. */
struct framing {
    const char *length; /* the first Content-Length value */
    bool lengths_differ;
    const char *te; /* the Transfer-Encoding value */
    bool tes_differ;
    bool expect_continue;
};

static enum MHD_Result scan_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    (void)kind;
    struct framing *f = cls;
    if (strcasecmp(key, "Content-Length") == 0) {
        if (f->length && strcmp(f->length, value ? value : "") != 0)
            f->lengths_differ = true;
        if (f->length == NULL)
            f->length = value ? value : "";
    } else if (strcasecmp(key, "Transfer-Encoding") == 0) {
        if (f->te)
            f->tes_differ = true;
        f->te = value ? value : "";
    } else if (strcasecmp(key, "Expect") == 0)
        f->expect_continue = value && strcasecmp(value, "100-continue") == 0;
    return MHD_YES;
}

static enum MHD_Result too_large(struct MHD_Connection *con, struct request *rq)
{
    return refuse(
        con, rq, ERR_TOO_LARGE,
        arena_printf(rq->ex.arena, "the body may be at most %zu bytes", rq->srv->cfg.max_body));
}

/* Refuses ambiguous framing (request smuggling) and bodies declared too large. */
static enum MHD_Result check_framing(struct MHD_Connection *con, struct request *rq)
{
    struct framing f = {0};
    MHD_get_connection_values(con, MHD_HEADER_KIND, scan_header, &f);
    if (f.lengths_differ)
        return refuse(con, rq, ERR_INVALID, "the request has conflicting Content-Length headers");
    if (f.length && f.te)
        return refuse(con, rq, ERR_INVALID,
                      "the request has both Content-Length and Transfer-Encoding");
    if (f.te && (f.tes_differ || strcasecmp(f.te, "chunked") != 0))
        return refuse(con, rq, ERR_INVALID, "the only transfer coding taken is 'chunked'");
    if (f.length == NULL)
        return MHD_YES;
    char *end;
    unsigned long long n = strtoull(f.length, &end, 10);
    if (*f.length < '0' || *f.length > '9' || *end != '\0')
        return refuse(con, rq, ERR_INVALID, "the Content-Length header is not a number");
    if (n <= rq->srv->cfg.max_body)
        return MHD_YES;
    /* Answer a client that waits for "100 Continue", or that would send far too much, at
     * once. Otherwise read and drop the body first: closing a socket with unread data
     * resets the connection, and a client still sending would never see the 413. */
    if (f.expect_continue || n > DISCARD_MAX)
        return too_large(con, rq);
    rq->too_large = true;
    return MHD_YES;
}

/* Refuses heads that a proxy in front might read otherwise (see headcheck.h), then
 * checks the body's framing. */
static enum MHD_Result check_head(struct MHD_Connection *con, struct request *rq,
                                  const struct conn *c, const char *method, const char *version)
{
    if (!c->target_clean)
        return refuse(con, rq, ERR_INVALID,
                      "the request target has a space or a control character: encode it");
    const char *why = head_problem(con, method, version, c->target_len);
    if (why)
        return refuse(con, rq, ERR_INVALID, why);
    return check_framing(con, rq);
}

static enum MHD_Result take_body(struct request *rq, const char *data, size_t *size)
{
    if (!rq->too_large && rq->body.len + *size > rq->srv->cfg.max_body) {
        rq->too_large = true;
        buf_free(&rq->body);
    }
    if (rq->too_large) {
        rq->discarded += *size;
        *size = 0;
        return rq->discarded > DISCARD_MAX ? MHD_NO : MHD_YES;
    }
    buf_append(&rq->body, data, *size);
    *size = 0;
    return MHD_YES;
}

static enum MHD_Result collect_query(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
    (void)kind;
    struct request *rq = cls;
    struct exchange *ex = &rq->ex;
    struct kv *q = (struct kv *)ex->query;
    q[ex->nquery].key = key;
    q[ex->nquery].value = value ? value : "";
    ex->nquery++;
    return MHD_YES;
}

/* The rightmost address of X-Forwarded-For: the one our own proxy appended. */
static const char *last_forwarded(struct arena *a, const char *xff)
{
    const char *comma = strrchr(xff, ',');
    const char *s = comma ? comma + 1 : xff;
    while (*s == ' ')
        s++;
    return arena_strndup(a, s, strcspn(s, " "));
}

/* Who is at the other end, and whether the request came over HTTPS: from the socket, or
 * from the proxy's headers when the operator said to trust them (--trust-proxy). */
static void fill_origin(struct MHD_Connection *con, struct request *rq)
{
    struct exchange *ex = &rq->ex;
    char addr[INET6_ADDRSTRLEN] = "";
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(con, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (info && info->client_addr) {
        const struct sockaddr *sa = info->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, addr, sizeof(addr));
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, addr, sizeof(addr));
    }
    ex->client_address = arena_strdup(ex->arena, addr);
    if (!rq->srv->cfg.trust_proxy)
        return;
    const char *xff = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "X-Forwarded-For");
    const char *proto = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "X-Forwarded-Proto");
    if (xff && *xff)
        ex->client_address = last_forwarded(ex->arena, xff);
    ex->secure = proto && strcasecmp(proto, "https") == 0;
}

/* Fills the request side of the exchange from the connection. */
static void fill_exchange(struct MHD_Connection *con, struct request *rq)
{
    struct exchange *ex = &rq->ex;
    int n = MHD_get_connection_values(con, MHD_GET_ARGUMENT_KIND, NULL, NULL);
    ex->query = arena_alloc(ex->arena, sizeof(struct kv) * (size_t)(n > 0 ? n : 1));
    MHD_get_connection_values(con, MHD_GET_ARGUMENT_KIND, collect_query, rq);
    ex->content_type = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Content-Type");
    ex->host = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Host");
    ex->csrf_header = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "X-CSRF-Token");
    const char *auth = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Authorization");
    if (auth && strncasecmp(auth, "Bearer ", 7) == 0)
        ex->bearer = auth + 7;
    fill_origin(con, rq);
    ex->cookie_token =
        MHD_lookup_connection_value(con, MHD_COOKIE_KIND, session_cookie_name(ex->secure));
    ex->body = rq->body.data ? rq->body.data : "";
    ex->body_len = rq->body.len;
}

/* True when the client lists gzip among its encodings (and does not refuse it). */
static bool accepts_gzip(struct MHD_Connection *con)
{
    const char *ae = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Accept-Encoding");
    const char *g = ae ? strcasestr(ae, "gzip") : NULL;
    if (g == NULL)
        return false;
    const char *q = strstr(g, "q="), *comma = strchr(g, ',');
    return q == NULL || (comma && comma < q) || strtod(q + 2, NULL) > 0;
}

static enum MHD_Result dispatch(struct MHD_Connection *con, struct request *rq)
{
    struct exchange *ex = &rq->ex;
    const struct route *route = NULL;
    const char *allow = NULL;
    switch (router_match(ex->arena, api_routes, api_nroutes, ex->method, ex->path, &route, &ex->id,
                         &allow)) {
    case MATCH_NO_PATH:
        if ((strcmp(ex->method, "GET") == 0 || strcmp(ex->method, "HEAD") == 0) &&
            web_answer(ex, accepts_gzip(con)))
            return respond(con, rq, false);
        reply_problem(ex, ERR_NOT_FOUND,
                      arena_printf(ex->arena, "there is nothing at %s", ex->path));
        return respond(con, rq, false);
    case MATCH_NO_METHOD:
        exchange_header(ex, "Allow", allow);
        reply_problem(ex, ERR_METHOD, arena_printf(ex->arena, "%s takes only %s", ex->path, allow));
        return respond(con, rq, false);
    case MATCH_OK:
        break;
    }
    fill_exchange(con, rq);
    ex->route_data = route->data;
    struct error err;
    error_init(&err, ex->arena);
    if (route->flags & ROUTE_DB) {
        ex->db = db_pool_acquire(rq->srv->pool, &err);
        if (ex->db == NULL) {
            reply_error(ex, &err);
            return respond(con, rq, false);
        }
    }
    if (api_admit(ex, route) == 0)
        route->handler(ex);
    if (ex->db)
        db_pool_release(rq->srv->pool, ex->db);
    ex->db = NULL;
    return respond(con, rq, false);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *con, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    struct request *rq = *con_cls;
    if (rq == NULL)
        *con_cls = rq = request_new(cls);
    struct conn *c = conn_of(con);
    if (rq->calls++ == 0) {
        rq->ex.method = arena_strdup(rq->ex.arena, method);
        rq->ex.path = arena_strdup(rq->ex.arena, url);
        if (c == NULL)
            return refuse(con, rq, ERR_UNAVAILABLE, "the server cannot take this connection");
        watch_head_done(rq->srv->watchdog, &c->watch);
        return check_head(con, rq, c, method, version);
    }
    if (*upload_data_size > 0)
        return take_body(rq, upload_data, upload_data_size);
    if (c)
        watch_body_done(rq->srv->watchdog, &c->watch);
    if (rq->too_large)
        return refuse(
            con, rq, ERR_TOO_LARGE,
            arena_printf(rq->ex.arena, "the body may be at most %zu bytes", rq->srv->cfg.max_body));
    watch_thread_busy(true);
    enum MHD_Result r = dispatch(con, rq);
    watch_thread_busy(false);
    return r;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    fputs("louyu: http: ", stderr);
    vfprintf(stderr, fmt, ap);
}

static int make_address(const struct server_config *cfg, struct sockaddr_storage *ss, bool *v6,
                        struct error *err)
{
    memset(ss, 0, sizeof(*ss));
    struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, cfg->host, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons((uint16_t)cfg->port);
        *v6 = false;
        return 0;
    }
    if (inet_pton(AF_INET6, cfg->host, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)cfg->port);
        *v6 = true;
        return 0;
    }
    return error_set(err, ERR_INVALID, "'%s' is not a numeric IPv4 or IPv6 address", cfg->host);
}

struct server *server_start(const struct server_config *cfg, struct db_pool *pool,
                            struct error *err)
{
    struct sockaddr_storage ss;
    bool v6 = false;
    if (make_address(cfg, &ss, &v6, err) != 0)
        return NULL;
    struct server *srv = calloc(1, sizeof(*srv));
    srv->cfg = *cfg;
    srv->pool = pool;
    atomic_init(&srv->next_id, 1);
    atomic_init(&srv->in_flight, 0);
    srv->watchdog = watchdog_start(cfg->header_timeout_s, cfg->request_timeout_s);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
                     MHD_USE_ERROR_LOG | (v6 ? MHD_USE_IPv6 : 0);
    srv->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned)cfg->threads, MHD_OPTION_CONNECTION_LIMIT, cfg->max_connections,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->max_per_ip, MHD_OPTION_CONNECTION_TIMEOUT,
        cfg->timeout_s, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY,
        MHD_OPTION_STRICT_FOR_CLIENT, 1, MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv, MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv,
        MHD_OPTION_END);
    if (srv->daemon == NULL) {
        watchdog_stop(srv->watchdog);
        error_set(err, ERR_UNAVAILABLE,
                  "cannot listen on %s:%u: the address is in use or not available here", cfg->host,
                  cfg->port);
        free(srv);
        return NULL;
    }
    return srv;
}

unsigned server_port(const struct server *s)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info ? info->port : 0;
}

void server_stop(struct server *s, unsigned grace_ms)
{
    MHD_quiesce_daemon(s->daemon);
    for (unsigned waited = 0; atomic_load(&s->in_flight) > 0 && waited < grace_ms; waited += 10)
        usleep(10 * 1000);
    MHD_stop_daemon(s->daemon);
    watchdog_stop(s->watchdog);
    free(s);
}
