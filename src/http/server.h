/*
 * The HTTP server: libmicrohttpd with its own thread pool and epoll, and the
 * limits and checks that Debian's 0.9.75 does not make by itself (deadlines for a
 * request's head and body, a strict reading of the head). Only http/ includes
 * microhttpd.h.
 */
#ifndef LOUYU_HTTP_SERVER_H
#define LOUYU_HTTP_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

struct db_pool;
struct server;

struct server_config {
    const char *host;           /* numeric IPv4 or IPv6 address */
    unsigned port;              /* 0 picks a free port (see server_port) */
    int threads;                /* worker threads */
    unsigned max_connections;   /* in total */
    unsigned max_per_ip;        /* from one client address */
    unsigned timeout_s;         /* an idle connection is closed after this */
    unsigned header_timeout_s;  /* a request's head must arrive within this of its first byte */
    unsigned request_timeout_s; /* ... and its body within this of its first byte */
    size_t max_body;            /* bytes; larger bodies get 413 */
    int access_log_fd;          /* one JSON line per request, or -1 */
    bool trust_proxy;           /* believe X-Forwarded-For and X-Forwarded-Proto */
};

/* Starts serving; NULL with err filled (e.g. the address is taken). */
struct server *server_start(const struct server_config *cfg, struct db_pool *pool,
                            struct error *err);

/* The port actually bound. */
unsigned server_port(const struct server *s);

/* Stops accepting, lets in-flight requests finish (up to grace_ms), then stops. */
void server_stop(struct server *s, unsigned grace_ms);

#endif
