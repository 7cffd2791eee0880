/* Connection pool: a stack of idle connections under one mutex. */
#include "store/pool.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct db_pool {
    pthread_mutex_t lock;
    pthread_cond_t freed;
    char *target;
    struct db_options opt;
    int size;   /* most connections ever open */
    int opened; /* connections open now, idle or taken */
    int nidle;
    struct db **idle;
};

struct db_pool *db_pool_new(const char *target, int size, const struct db_options *opt)
{
    struct db_pool *p = calloc(1, sizeof(*p));
    if (p == NULL)
        return NULL;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->freed, NULL);
    p->target = strdup(target);
    p->opt = opt ? *opt : (struct db_options){0};
    p->size = size < 1 ? 1 : size;
    p->idle = calloc((size_t)p->size, sizeof(struct db *));
    return p;
}

void db_pool_free(struct db_pool *p)
{
    if (p == NULL)
        return;
    for (int i = 0; i < p->nidle; i++)
        db_close(p->idle[i]);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->freed);
    free(p->idle);
    free(p->target);
    free(p);
}

struct db *db_pool_acquire(struct db_pool *p, struct error *err)
{
    pthread_mutex_lock(&p->lock);
    while (p->nidle == 0 && p->opened == p->size)
        pthread_cond_wait(&p->freed, &p->lock);
    if (p->nidle > 0) {
        struct db *db = p->idle[--p->nidle];
        pthread_mutex_unlock(&p->lock);
        return db;
    }
    p->opened++; /* reserve the slot, then open without holding the lock */
    pthread_mutex_unlock(&p->lock);
    struct db *db = db_open(p->target, false, &p->opt, err);
    if (db == NULL) {
        pthread_mutex_lock(&p->lock);
        p->opened--;
        pthread_cond_signal(&p->freed);
        pthread_mutex_unlock(&p->lock);
    }
    return db;
}

void db_pool_release(struct db_pool *p, struct db *db)
{
    db_rollback(db); /* a handler that forgot its transaction must not leak it */
    pthread_mutex_lock(&p->lock);
    p->idle[p->nidle++] = db;
    pthread_cond_signal(&p->freed);
    pthread_mutex_unlock(&p->lock);
}
