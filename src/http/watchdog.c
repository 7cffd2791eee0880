/*
 * The watchdog: one thread that scans every connection twice a second. All state lives
 * in the list under one lock; libmicrohttpd's threads take it for a moment at each step
 * of a request, the scan for the length of one pass (about a millisecond per thousand
 * connections).
 */
#include "http/watchdog.h"

#include <linux/tcp.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#define SCAN_MS   500
#define REPORT_MS 60000 /* at most one line a minute about connections shut down */

struct watchdog {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t thread;
    bool stopping;
    struct watch head; /* sentinel of the circular list of connections */
    int64_t header_ms, request_ms;
    int64_t last_scan_ms;
    int64_t last_report_ms;
    unsigned long shut; /* shut down since the last report */
};

static int64_t now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* The kernel's count of bytes received on the socket; false when it cannot say. */
static bool bytes_received(int fd, uint64_t *out)
{
    struct tcp_info ti;
    socklen_t len = sizeof(ti);
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0 ||
        len < offsetof(struct tcp_info, tcpi_bytes_received) + sizeof(ti.tcpi_bytes_received))
        return false;
    *out = ti.tcpi_bytes_received;
    return true;
}

static _Thread_local struct watch_thread self;

void watch_thread_busy(bool busy)
{
    atomic_store(&self.busy, busy);
}

/* One connection's step of a scan, under the lock. */
static void check(struct watchdog *wd, struct watch *w, int64_t now)
{
    int64_t limit;
    uint64_t n;
    if (w->thread && atomic_load(&w->thread->busy)) {
        /* its thread runs another's handler: the time since the last scan is not its */
        if (w->state == WATCH_HEAD || w->state == WATCH_BODY)
            w->since_ms += now - wd->last_scan_ms;
        return;
    }
    switch (w->state) {
    case WATCH_WAITING:
        /* A byte of the next request came after the last scan: count from then. Without
         * the kernel's count, assume it did, which makes the head's deadline run from now
         * on an idle connection too (nginx's rule). */
        if (bytes_received(w->fd, &n) && n == w->baseline)
            return;
        w->state = WATCH_HEAD;
        w->since_ms = wd->last_scan_ms;
        return;
    case WATCH_HEAD:
        limit = wd->header_ms;
        break;
    case WATCH_BODY:
        limit = wd->request_ms;
        break;
    default:
        return;
    }
    if (now - w->since_ms < limit)
        return;
    shutdown(w->fd, SHUT_RDWR);
    w->state = WATCH_SHUT_DOWN;
    wd->shut++;
}

static void report(struct watchdog *wd, int64_t now)
{
    if (wd->shut == 0 || now - wd->last_report_ms < REPORT_MS)
        return;
    fprintf(stderr,
            "louyu: http: closed %lu connections that did not send a request head within "
            "%lld s or a whole request within %lld s (--header-timeout, --request-timeout)\n",
            wd->shut, (long long)(wd->header_ms / 1000), (long long)(wd->request_ms / 1000));
    wd->shut = 0;
    wd->last_report_ms = now;
}

static void *run(void *arg)
{
    struct watchdog *wd = arg;
    pthread_mutex_lock(&wd->lock);
    while (!wd->stopping) {
        int64_t now = now_ms();
        for (struct watch *w = wd->head.next; w != &wd->head; w = w->next)
            check(wd, w, now);
        wd->last_scan_ms = now;
        report(wd, now);
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_nsec += SCAN_MS * 1000000L;
        until.tv_sec += until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&wd->wake, &wd->lock, &until);
    }
    pthread_mutex_unlock(&wd->lock);
    return NULL;
}

struct watchdog *watchdog_start(unsigned header_s, unsigned request_s)
{
    struct watchdog *wd = calloc(1, sizeof(*wd));
    pthread_mutex_init(&wd->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&wd->wake, &ca);
    pthread_condattr_destroy(&ca);
    wd->head.next = wd->head.prev = &wd->head;
    wd->header_ms = (int64_t)header_s * 1000;
    wd->request_ms = (int64_t)request_s * 1000;
    wd->last_scan_ms = now_ms();
    wd->last_report_ms = wd->last_scan_ms - REPORT_MS;
    pthread_create(&wd->thread, NULL, run, wd);
    return wd;
}

void watchdog_stop(struct watchdog *wd)
{
    pthread_mutex_lock(&wd->lock);
    wd->stopping = true;
    pthread_cond_signal(&wd->wake);
    pthread_mutex_unlock(&wd->lock);
    pthread_join(wd->thread, NULL);
    pthread_cond_destroy(&wd->wake);
    pthread_mutex_destroy(&wd->lock);
    free(wd);
}

void watch_add(struct watchdog *wd, struct watch *w, int fd)
{
    pthread_mutex_lock(&wd->lock);
    w->thread = &self;
    w->fd = fd;
    w->state = WATCH_WAITING;
    w->baseline = 0;
    w->next = &wd->head;
    w->prev = wd->head.prev;
    w->prev->next = w;
    wd->head.prev = w;
    pthread_mutex_unlock(&wd->lock);
}

void watch_remove(struct watchdog *wd, struct watch *w)
{
    pthread_mutex_lock(&wd->lock);
    w->prev->next = w->next;
    w->next->prev = w->prev;
    w->next = w->prev = w;
    pthread_mutex_unlock(&wd->lock);
}

/* Moves w to 'state' unless it was shut down. A request that the scan has not yet seen
 * begin (still waiting) begins now. */
static void move(struct watchdog *wd, struct watch *w, enum watch_state state)
{
    pthread_mutex_lock(&wd->lock);
    if (w->state == WATCH_WAITING)
        w->since_ms = now_ms();
    if (w->state != WATCH_SHUT_DOWN)
        w->state = state;
    pthread_mutex_unlock(&wd->lock);
}

void watch_head_begun(struct watchdog *wd, struct watch *w)
{
    move(wd, w, WATCH_HEAD);
}

void watch_head_done(struct watchdog *wd, struct watch *w)
{
    move(wd, w, WATCH_BODY);
}

void watch_body_done(struct watchdog *wd, struct watch *w)
{
    move(wd, w, WATCH_ANSWER);
}

void watch_request_done(struct watchdog *wd, struct watch *w)
{
    uint64_t n = 0;
    bool known = bytes_received(w->fd, &n);
    pthread_mutex_lock(&wd->lock);
    if (w->state != WATCH_SHUT_DOWN) {
        w->state = known ? WATCH_WAITING : WATCH_HEAD;
        w->baseline = n;
        w->since_ms = now_ms();
    }
    pthread_mutex_unlock(&wd->lock);
}
