/*
 * bench/commit-rate: SQLite's own rate of durable single-row commits, the yardstick for
 * booking creation through HTTP in bench/calendar.
 *
 *   cc -O2 -o commit-rate bench/commit-rate.c -lsqlite3
 *   commit-rate DIR [COMMITS] [SECONDS]
 *
 * Creates DIR/commit-rate.db (removing an old one first), sets it up as louyu sets up its
 * databases (WAL, synchronous=FULL, foreign keys on, the default WAL auto-checkpoint),
 * and times COMMITS (default 20000) transactions, each BEGIN IMMEDIATE, one INSERT of a
 * row about the size of a booking (about 200 bytes, into a table with one secondary index),
 * COMMIT; it stops early after SECONDS (default 10) so that a slow disk cannot make it run
 * long. One connection, one thread, no HTTP: the best a single writer can do on this
 * file system. Prints one machine-readable line:
 *
 *   COMMITS commits=N seconds=F rate=F
 *
 * and removes the database and its WAL files.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void die(sqlite3 *db, const char *what)
{
    fprintf(stderr, "commit-rate: %s: %s\n", what, db ? sqlite3_errmsg(db) : "cannot open");
    exit(1);
}

static void exec(sqlite3 *db, const char *sql)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        die(db, sql);
}

static void remove_db(const char *path)
{
    char p[4096];
    const char *suffix[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
        snprintf(p, sizeof(p), "%s%s", path, suffix[i]);
        unlink(p);
    }
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 4) {
        fprintf(stderr, "usage: commit-rate DIR [COMMITS] [SECONDS]\n");
        return 2;
    }
    long commits = argc > 2 ? strtol(argv[2], NULL, 10) : 20000;
    double limit = argc > 3 ? strtod(argv[3], NULL) : 10.0;
    if (commits <= 0 || limit <= 0) {
        fprintf(stderr, "commit-rate: COMMITS and SECONDS must be positive\n");
        return 2;
    }
    char path[4096];
    snprintf(path, sizeof(path), "%s/commit-rate.db", argv[1]);
    remove_db(path);

    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
        die(db, path);
    exec(db, "PRAGMA journal_mode = WAL");
    exec(db, "PRAGMA synchronous = FULL");
    exec(db, "PRAGMA foreign_keys = ON");
    exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, room_id BIGINT NOT NULL, "
             "start_at BIGINT NOT NULL, end_at BIGINT NOT NULL, title TEXT NOT NULL, "
             "contact TEXT, status TEXT NOT NULL, created_at BIGINT NOT NULL)");
    exec(db, "CREATE INDEX t_room_time ON t (room_id, start_at)");

    sqlite3_stmt *begin, *insert, *commit;
    if (sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &begin, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "INSERT INTO t (room_id, start_at, end_at, title, contact, status, "
                           "created_at) VALUES (?1, ?2, ?2 + 3600, ?3, ?4, 'confirmed', ?5)",
                           -1, &insert, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "COMMIT", -1, &commit, NULL) != SQLITE_OK)
        die(db, "prepare");

    /* ~200 bytes a row, like a booking with its title, contact and timestamps */
    const char *title = "支部理论学习：学习贯彻会议精神，交流心得体会，部署下阶段工作";
    const char *contact = "联系人 13800000000 / 020-38880000 / 西塔46楼";
    long n = 0;
    double t0 = now_s(), t1 = t0;
    for (; n < commits; n++) {
        if (sqlite3_step(begin) != SQLITE_DONE)
            die(db, "BEGIN IMMEDIATE");
        sqlite3_reset(begin);
        sqlite3_bind_int64(insert, 1, 1 + n % 1000);
        sqlite3_bind_int64(insert, 2, 1800000000 + n * 3600);
        sqlite3_bind_text(insert, 3, title, -1, SQLITE_STATIC);
        sqlite3_bind_text(insert, 4, contact, -1, SQLITE_STATIC);
        sqlite3_bind_int64(insert, 5, (sqlite3_int64)time(NULL));
        if (sqlite3_step(insert) != SQLITE_DONE)
            die(db, "INSERT");
        sqlite3_reset(insert);
        if (sqlite3_step(commit) != SQLITE_DONE)
            die(db, "COMMIT");
        sqlite3_reset(commit);
        if ((n & 63) == 63 && (t1 = now_s()) - t0 >= limit) {
            n++;
            break;
        }
    }
    t1 = now_s();
    sqlite3_finalize(begin);
    sqlite3_finalize(insert);
    sqlite3_finalize(commit);
    sqlite3_close(db);
    remove_db(path);
    double secs = t1 - t0;
    printf("COMMITS commits=%ld seconds=%.3f rate=%.1f\n", n, secs,
           secs > 0 ? (double)n / secs : 0);
    return 0;
}
