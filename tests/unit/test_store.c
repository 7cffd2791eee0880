/*
 * Unit tests for the store and the shared record life cycle, on a real
 * SQLite file: migrations, create/read/update/delete, optimistic concurrency,
 * references, dependants, pagination and search.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "domain/demo.h"
#include "domain/entity.h"
#include "domain/places.h"
#include "store/db.h"
#include "store/driver.h"
#include "store/migrations.h"
#include "unit.h"

static struct db *fresh(char *path)
{
    int fd = mkstemp(path);
    close(fd);
    unlink(path);
    struct arena *a = arena_new(0);
    struct error err;
    error_init(&err, a);
    struct db *db = db_open(path, true, NULL, &err);
    CHECK(db != NULL);
    CHECK(db && db_migrate(db, &err) == 0);
    CHECK(db && db_migrate(db, &err) == 0); /* idempotent */
    CHECK(db && db_schema_version(db, &err) == (int)migrations_count());
    arena_free(a);
    return db;
}

static void remove_db(const char *path)
{
    char side[300];
    unlink(path);
    snprintf(side, sizeof(side), "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof(side), "%s-shm", path);
    unlink(side);
}

static struct room *room_named(struct arena *a, int64_t station, const char *name, int cap)
{
    struct room *r = arena_zalloc(a, sizeof(*r));
    r->station_id = station;
    r->name = (char *)name;
    r->kind = "meeting_room";
    r->capacity = cap;
    r->bookable = true;
    return r;
}

static void test_lifecycle(struct db *db, struct arena *a)
{
    struct error err;
    error_init(&err, a);
    CHECK(demo_load(db, a, DEMO_PASSWORD, &err) == 0);
    CHECK(demo_load(db, a, DEMO_PASSWORD, &err) != 0 && err.kind == ERR_CONFLICT);

    error_init(&err, a);
    struct room *r = entity_create(db, a, &entity_cli_caller, &room_entity,
                                   room_named(a, 1, "100%_\\'x", 8), &err);
    CHECK(r != NULL && r->version == 1 && r->created_at > 0);
    CHECK(r && strcmp(r->name, "100%_\\'x") == 0);

    /* A room in a station that does not exist: refused, naming the field. */
    error_init(&err, a);
    CHECK(entity_create(db, a, &entity_cli_caller, &room_entity, room_named(a, 999, "x", 1),
                        &err) == NULL);
    CHECK(err.kind == ERR_RULE && err.nfields == 1);
    CHECK_STR(err.fields[0].pointer, "/station_id");

    /* Optimistic concurrency: the second writer with the old version loses. */
    struct room patch = {.version = 1, .capacity = 9};
    patch.rec.set = (uint64_t)1 << (size_t)fields_find(room_entity.table, "capacity");
    error_init(&err, a);
    struct room *u = entity_update(db, a, &entity_cli_caller, &room_entity, r->id, &patch, &err);
    CHECK(u && u->version == 2 && u->capacity == 9);
    CHECK(u && strcmp(u->name, r->name) == 0);
    error_init(&err, a);
    CHECK(entity_update(db, a, &entity_cli_caller, &room_entity, r->id, &patch, &err) == NULL);
    CHECK(err.kind == ERR_CONFLICT);
    error_init(&err, a);
    CHECK(entity_update(db, a, &entity_cli_caller, &room_entity, 4242, &patch, &err) == NULL);
    CHECK(err.kind == ERR_NOT_FOUND);

    /* Dependants block deletes; a leaf goes. */
    error_init(&err, a);
    CHECK(entity_delete(db, a, &entity_cli_caller, &station_entity, 1, &err) != 0 &&
          err.kind == ERR_CONFLICT);
    error_init(&err, a);
    CHECK(entity_delete(db, a, &entity_cli_caller, &building_entity, 1, &err) != 0 &&
          err.kind == ERR_CONFLICT);
    error_init(&err, a);
    CHECK(entity_delete(db, a, &entity_cli_caller, &room_entity, r->id, &err) == 0);
    CHECK(entity_get(db, a, &room_entity, r->id, &err) == NULL && err.kind == ERR_NOT_FOUND);
}

static void test_listing(struct db *db, struct arena *a)
{
    struct error err;
    error_init(&err, a);
    /* Page through all nine demo buildings two at a time. */
    struct list_query lq = {.limit = 2};
    size_t total = 0, pages = 0;
    void **items;
    size_t n;
    int64_t next;
    do {
        CHECK(entity_list(db, a, &entity_cli_caller, &building_entity, &lq, &items, &n, &next,
                          &err) == 0);
        total += n;
        pages++;
        lq.after = next;
    } while (next && pages < 20);
    CHECK(total == 9 && pages == 5);

    struct list_query q = {.limit = 50, .name_contains = "盈"};
    CHECK(entity_list(db, a, &entity_cli_caller, &building_entity, &q, &items, &n, &next, &err) ==
          0);
    CHECK(n == 5);
    q.name_contains = "%";
    CHECK(entity_list(db, a, &entity_cli_caller, &building_entity, &q, &items, &n, &next, &err) ==
          0);
    CHECK(n == 0);

    struct list_query rooms = {.limit = 50, .nfilters = 3};
    rooms.filters[0] = (struct filter_value){.present = true, .type = FT_REF, .i = 1};
    rooms.filters[1] = (struct filter_value){.type = FT_ENUM};
    rooms.filters[2] = (struct filter_value){.present = true, .type = FT_INT, .i = 10};
    CHECK(entity_list(db, a, &entity_cli_caller, &room_entity, &rooms, &items, &n, &next, &err) ==
          0);
    CHECK(n == 2); /* the classroom (60) and the meeting room (30), not the talk room (6) */
}

/* ---- group commit: concurrent writers share commits, and a failed one is undone alone ---- */

#define WRITERS    8
#define EACH       40
#define FAIL_EVERY 5

struct writer {
    const char *path;
    int ok, failed, wrong;
};

/* Inserts a building, then fails on purpose every FAIL_EVERY-th time: its insert must go. */
static int insert_txn(struct db *db, void *ctx, struct error *err)
{
    int i = *(int *)ctx;
    struct db_stmt *st = db_stmt(db, Q_BUILDING_INSERT, err);
    if (st == NULL)
        return -1;
    db_bind_text(st, 1, "并发大厦", strlen("并发大厦"));
    db_bind_text(st, 2, "珠江东路", strlen("珠江东路"));
    db_bind_double(st, 3, 23.1);
    db_bind_double(st, 4, 113.3);
    db_bind_null(st, 5);
    db_bind_null(st, 6);
    db_bind_int(st, 7, 1);
    if (db_exec(st, err) != 0)
        return -1;
    return i % FAIL_EVERY == 0 ? error_set(err, ERR_RULE, "refused on purpose") : 0;
}

static void *write_many(void *arg)
{
    struct writer *w = arg;
    struct arena *a = arena_new(0);
    struct error err;
    error_init(&err, a);
    struct db *db = db_open(w->path, false, NULL, &err);
    for (int i = 1; db && i <= EACH; i++) {
        error_reset(&err);
        int rc = db_transact(db, DB_WRITE, insert_txn, &i, &err);
        bool meant = i % FAIL_EVERY == 0;
        if (rc == 0 && !meant)
            w->ok++;
        else if (rc != 0 && meant && err.kind == ERR_RULE)
            w->failed++;
        else
            w->wrong++;
    }
    db_close(db);
    arena_free(a);
    return NULL;
}

static void test_group_commit(const char *path)
{
    pthread_t t[WRITERS];
    struct writer w[WRITERS];
    for (int i = 0; i < WRITERS; i++) {
        w[i] = (struct writer){path, 0, 0, 0};
        pthread_create(&t[i], NULL, write_many, &w[i]);
    }
    int ok = 0, failed = 0, wrong = 0;
    for (int i = 0; i < WRITERS; i++) {
        pthread_join(t[i], NULL);
        ok += w[i].ok, failed += w[i].failed, wrong += w[i].wrong;
    }
    CHECK(wrong == 0);
    CHECK(ok == WRITERS * (EACH - EACH / FAIL_EVERY));
    CHECK(failed == WRITERS * (EACH / FAIL_EVERY));
    /* exactly the successful inserts are stored: none of the refused ones */
    struct arena *a = arena_new(0);
    struct error err;
    error_init(&err, a);
    struct db *db = db_open(path, false, NULL, &err);
    struct list_query lq = {.limit = 500};
    void **items;
    size_t n = 0;
    int64_t next = 0;
    CHECK(db && entity_list(db, a, &entity_cli_caller, &building_entity, &lq, &items, &n, &next,
                            &err) == 0);
    CHECK(n == (size_t)ok && next == 0);
    db_close(db);
    arena_free(a);
}

void test_store(void)
{
    char path[] = "/tmp/louyu-unit-XXXXXX";
    struct db *db = fresh(path);
    if (db == NULL)
        return;
    struct arena *a = arena_new(0);
    test_lifecycle(db, a);
    test_listing(db, a);
    arena_free(a);
    db_close(db);

    /* A missing file is not created unless asked, and the message names it. */
    a = arena_new(0);
    struct error err;
    error_init(&err, a);
    CHECK(db_open("/nonexistent/dir/x.db", false, NULL, &err) == NULL);
    CHECK(err.detail && strstr(err.detail, "/nonexistent/dir/x.db"));
    arena_free(a);
    remove_db(path);

    char path2[] = "/tmp/louyu-unit-XXXXXX";
    if ((db = fresh(path2)) != NULL) {
        db_close(db);
        test_group_commit(path2);
    }
    remove_db(path2);
}

void test_redact(void)
{
    char *s = db_redact("postgresql://louyu:s3cret@db:5432/louyu?sslmode=require");
    CHECK_STR(s, "postgresql://louyu:***@db:5432/louyu?sslmode=require");
    free(s);
    s = db_redact("postgresql://louyu@db/louyu");
    CHECK_STR(s, "postgresql://louyu@db/louyu");
    free(s);
    s = db_redact("/var/lib/louyu/louyu.db");
    CHECK_STR(s, "/var/lib/louyu/louyu.db");
    free(s);
    s = db_scrub("bad URI \"postgresql://u:pa:ss@[::1/x\": pa:ss", "postgresql://u:pa:ss@[::1/x");
    CHECK(strstr(s, "pa:ss") == NULL);
    CHECK(strstr(s, "u:***@") != NULL);
    free(s);
    s = db_redact("postgresql://u@h/x?sslmode=require&password=s3cret&x=1");
    CHECK_STR(s, "postgresql://u@h/x?sslmode=require&password=***&x=1");
    free(s);
    s = db_scrub("bad: password=s3cret", "postgresql://u@h/x?password=s3cret");
    CHECK_STR(s, "bad: password=***");
    free(s);
    s = db_scrub("no password here", "postgresql://u@h/x");
    CHECK_STR(s, "no password here");
    free(s);
}
