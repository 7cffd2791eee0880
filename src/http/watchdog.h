/*
 * Deadlines that libmicrohttpd 0.9.75 does not keep: its --timeout is an idle timeout,
 * and a client that sends one byte of its request every few seconds is never idle
 * (slowloris). The watchdog bounds the time from the first byte of a request to the end
 * of its head (header_s), and to the end of its body (request_s); a connection that
 * misses its deadline is shut down, and libmicrohttpd then closes it as a client that
 * went away.
 *
 * Each connection has one struct watch, registered when libmicrohttpd accepts it and
 * removed when it closes (before libmicrohttpd closes the socket, so the watchdog never
 * touches a descriptor that was closed and reused). Between requests a connection waits:
 * no deadline runs, only libmicrohttpd's idle timeout; the watchdog notices the first
 * byte of the next request from the kernel's count of bytes received on the socket.
 */
#ifndef LOUYU_HTTP_WATCHDOG_H
#define LOUYU_HTTP_WATCHDOG_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

enum watch_state {
    WATCH_WAITING,  /* between requests: no deadline of ours */
    WATCH_HEAD,     /* receiving a request head: header_s from its first byte */
    WATCH_BODY,     /* receiving a body: request_s from the request's first byte */
    WATCH_ANSWER,   /* the handler runs, or the answer is being sent: no deadline */
    WATCH_SHUT_DOWN /* missed its deadline; libmicrohttpd will close it */
};

/* A worker thread of libmicrohttpd, busy while it runs a handler. Each connection is
 * served by one thread, which reads nothing of its other connections meanwhile: their
 * deadlines stand still then, since they wait for the server, not for their client (a
 * request queued behind a booking that waits for a lock is not a slowloris). */
struct watch_thread {
    atomic_bool busy;
};

struct watch {
    struct watch *prev, *next;   /* in the watchdog's list, under its lock */
    struct watch_thread *thread; /* the thread that serves the connection */
    int fd;
    enum watch_state state;
    int64_t since_ms;  /* when the current request began (WATCH_HEAD, WATCH_BODY) */
    uint64_t baseline; /* bytes received when it began waiting (WATCH_WAITING) */
};

struct watchdog;

/* Starts the watchdog's thread; header_s and request_s are in seconds. */
struct watchdog *watchdog_start(unsigned header_s, unsigned request_s);

/* Stops the thread and frees the watchdog; every watch must have been removed. */
void watchdog_stop(struct watchdog *wd);

/* A new connection on socket fd, served by the calling thread: it waits for its first
 * request. */
void watch_add(struct watchdog *wd, struct watch *w, int fd);

/* The calling thread starts (true) or ends (false) running a handler. */
void watch_thread_busy(bool busy);

/* The connection is closing: the watchdog forgets it (and its descriptor). */
void watch_remove(struct watchdog *wd, struct watch *w);

/* The request line arrived: the head's deadline runs, if it did not already. */
void watch_head_begun(struct watchdog *wd, struct watch *w);

/* The head is complete: the request's deadline runs until the body is in. */
void watch_head_done(struct watchdog *wd, struct watch *w);

/* The body is in (or there is none): no deadline while the answer is made and sent. */
void watch_body_done(struct watchdog *wd, struct watch *w);

/* The answer was sent and the connection is kept: it waits for the next request. */
void watch_request_done(struct watchdog *wd, struct watch *w);

#endif
