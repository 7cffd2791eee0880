/*
 * Group commit for drivers with one writer at a time (SQLite): writers of one
 * database in this process queue up; the first becomes the leader, runs every
 * queued transaction in one database transaction, each inside its own
 * savepoint (so one that fails is undone alone), commits once, and then tells
 * each writer its outcome. One fsync then makes many writes durable, and none
 * is acknowledged before it is. The others wait meanwhile, as they would have
 * for the write lock.
 */
#include "store/group.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "store/driver.h"

#define BATCH_MAX 64

struct job {
    int (*fn)(struct db *, void *, struct error *);
    void *ctx;
    struct error *err;
    int rc;
    bool done;
    struct job *next;
};

/* The queue of one database (by target): few, and kept for the life of the process. */
struct group {
    char *target;
    int members;       /* open connections of this database */
    struct db *writer; /* opened by the first leader, closed with the last member */
    pthread_mutex_t lock;
    pthread_cond_t finished;
    struct job *head, *tail;
    bool leading;
    struct group *next;
};

static pthread_mutex_t groups_lock = PTHREAD_MUTEX_INITIALIZER;
static struct group *groups;

static struct group *group_of(const char *target)
{
    pthread_mutex_lock(&groups_lock);
    struct group *g = groups;
    while (g && strcmp(g->target, target) != 0)
        g = g->next;
    if (g == NULL && (g = calloc(1, sizeof(*g))) != NULL) {
        if ((g->target = strdup(target)) == NULL) {
            free(g);
            g = NULL;
        } else {
            pthread_mutex_init(&g->lock, NULL);
            pthread_cond_init(&g->finished, NULL);
            g->next = groups;
            groups = g;
        }
    }
    pthread_mutex_unlock(&groups_lock);
    return g;
}

/* Tells every job of the batch that the commit failed, as err says. */
static void fail_all(struct job *batch, const struct error *err)
{
    for (struct job *j = batch; j; j = j->next)
        if (j->rc == 0) {
            error_set(j->err, err->kind ? err->kind : ERR_INTERNAL, "%s",
                      err->detail ? err->detail : "the transaction could not be committed");
            j->rc = -1;
        }
}

/* Runs one job inside the batch's transaction; a failed job is rolled back alone. */
static void run_job(struct db *db, struct job *j, bool alone)
{
    if (!alone && db_savepoint(db, j->err) != 0) {
        j->rc = -1;
        return;
    }
    j->rc = j->fn(db, j->ctx, j->err);
    if (alone)
        return;
    if (j->rc == 0 && db_savepoint_release(db, j->err) != 0)
        j->rc = -1; /* the savepoint is still there: undone below, as a failure */
    if (j->rc != 0)
        db_savepoint_rollback(db);
}

static void run_batch(struct db *db, struct job *batch)
{
    struct error err;
    error_init(&err, NULL);
    bool alone = batch->next == NULL;
    if (db_begin(db, DB_WRITE, batch->err) != 0) {
        batch->rc = -1;
        fail_all(batch->next, batch->err);
        return;
    }
    bool any = false;
    for (struct job *j = batch; j; j = j->next) {
        run_job(db, j, alone);
        any = any || j->rc == 0;
    }
    if (alone && batch->rc != 0) {
        db_rollback(db);
        return;
    }
    /* The commit's error is copied into each job's own error, in its own arena. */
    struct error *commit_err = any ? NULL : &err;
    for (struct job *j = batch; j && !commit_err; j = j->next)
        if (j->rc == 0)
            commit_err = j->err;
    if (db_commit(db, commit_err) != 0)
        fail_all(batch, commit_err);
}

void group_join(struct db *db)
{
    struct group *g = group_of(db->target);
    if (g == NULL)
        return;
    pthread_mutex_lock(&g->lock);
    g->members++;
    pthread_mutex_unlock(&g->lock);
}

void group_leave(struct db *db)
{
    struct group *g = group_of(db->target);
    if (g == NULL)
        return;
    pthread_mutex_lock(&g->lock);
    struct db *writer = NULL;
    if (--g->members <= 0) {
        g->members = 0;
        writer = g->writer;
        g->writer = NULL;
    }
    pthread_mutex_unlock(&g->lock);
    if (writer)
        db_close_unjoined(writer);
}

/* The connection the leader writes through: the group's own, opened like db. */
static struct db *writer_of(struct group *g, struct db *db, struct error *err)
{
    pthread_mutex_lock(&g->lock);
    struct db *w = g->writer;
    pthread_mutex_unlock(&g->lock);
    if (w == NULL && (w = db_open_unjoined(db, err)) != NULL) {
        pthread_mutex_lock(&g->lock);
        g->writer = w;
        pthread_mutex_unlock(&g->lock);
    }
    return w;
}

int group_transact(struct db *db, int (*fn)(struct db *, void *, struct error *), void *ctx,
                   struct error *err)
{
    struct group *g = group_of(db->target);
    if (g == NULL)
        return error_set(err, ERR_INTERNAL, "out of memory");
    struct job me = {fn, ctx, err, 0, false, NULL};
    pthread_mutex_lock(&g->lock);
    if (g->tail)
        g->tail->next = &me;
    else
        g->head = &me;
    g->tail = &me;
    for (;;) {
        while (!me.done && g->leading)
            pthread_cond_wait(&g->finished, &g->lock);
        if (me.done)
            break;
        /* Lead: take the queue from its head, up to a batch's worth (this job may have to
         * wait for the next batch when the queue is long). */
        g->leading = true;
        struct job *batch = g->head, *last = batch;
        for (int n = 1; n < BATCH_MAX && last->next; n++)
            last = last->next;
        g->head = last->next;
        if (g->head == NULL)
            g->tail = NULL;
        last->next = NULL;
        pthread_mutex_unlock(&g->lock);

        /* Only the leader touches the writer; members cannot leave while one of them waits
         * here, so it stays open. */
        struct db *writer = writer_of(g, db, batch->err);
        if (writer)
            run_batch(writer, batch);
        else {
            batch->rc = -1;
            fail_all(batch->next, batch->err);
        }

        pthread_mutex_lock(&g->lock);
        /* A job's owner returns once it sees done: nothing of it is touched after. */
        for (struct job *j = batch, *next; j; j = next) {
            next = j->next;
            j->done = true;
        }
        g->leading = false;
        pthread_cond_broadcast(&g->finished);
    }
    pthread_mutex_unlock(&g->lock);
    return me.rc;
}
