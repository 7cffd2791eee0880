/* A thread that sweeps the calendars, waking early only to stop. */
#include "cli/sweeper.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/arena.h"
#include "domain/activities.h"
#include "domain/bookings.h"
#include "domain/session.h"
#include "store/pool.h"

struct sweeper {
    struct db_pool *pool;
    unsigned seconds;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stopping;
};

static void sweep_once(struct db_pool *pool)
{
    struct arena *a = arena_new(16384);
    struct error err;
    error_init(&err, a);
    size_t released = 0, expired = 0;
    struct db *db = db_pool_acquire(pool, &err);
    if (db) {
        size_t held;
        int64_t purged;
        if (bookings_sweep(db, a, &released, &expired, &err) != 0 ||
            activities_sweep(db, &held, &err) != 0 ||
            session_purge_failures(db, &purged, &err) != 0)
            fprintf(stderr, "louyu: sweep: %s\n", err.detail ? err.detail : "failed");
        db_pool_release(pool, db);
    } else {
        fprintf(stderr, "louyu: sweep: %s\n", err.detail ? err.detail : "no database");
    }
    if (released || expired)
        fprintf(stderr, "louyu: sweep: released %zu no-shows, %zu offers or waits lapsed\n",
                released, expired);
    arena_free(a);
}

static void *run(void *arg)
{
    struct sweeper *s = arg;
    pthread_mutex_lock(&s->lock);
    while (!s->stopping) {
        pthread_mutex_unlock(&s->lock);
        sweep_once(s->pool);
        pthread_mutex_lock(&s->lock);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += s->seconds;
        while (!s->stopping && pthread_cond_timedwait(&s->wake, &s->lock, &until) == 0)
            ;
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

struct sweeper *sweeper_start(struct db_pool *pool, unsigned seconds)
{
    struct sweeper *s = calloc(1, sizeof(*s));
    if (s == NULL)
        return NULL;
    s->pool = pool;
    s->seconds = seconds;
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->wake, NULL);
    if (pthread_create(&s->thread, NULL, run, s) != 0) {
        free(s);
        return NULL;
    }
    return s;
}

void sweeper_stop(struct sweeper *s)
{
    if (s == NULL)
        return;
    pthread_mutex_lock(&s->lock);
    s->stopping = true;
    pthread_cond_signal(&s->wake);
    pthread_mutex_unlock(&s->lock);
    pthread_join(s->thread, NULL);
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->wake);
    free(s);
}
