/*
 * Attendance adds up: random check-ins, repeated check-ins and undos of one
 * activity, on a real SQLite file, and after every step the attendees table
 * (what the committees' figures are read from) says exactly what counting the
 * live check-ins says, for the host and every committee above it.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/timefmt.h"
#include "domain/activity_rules.h"
#include "domain/attendance.h"
#include "domain/checkins.h"
#include "domain/demo.h"
#include "store/db.h"
#include "unit.h"

static int64_t one(sqlite3 *s, const char *sql)
{
    sqlite3_stmt *st;
    int64_t v = -1;
    if (sqlite3_prepare_v2(s, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* A published volunteer hour of branch 4 (/1/2/3/4/) at station 1, starting in ten
 * minutes, so that check-in is open; written straight into the tables. */
static int64_t open_activity(sqlite3 *s, int64_t now)
{
    char sql[1024];
    snprintf(sql, sizeof(sql),
             "INSERT INTO bookings (room_id, org_id, start_at, end_at, title, attendance, status, "
             "station_id, version, created_at, updated_at) VALUES (2, 4, %lld, %lld, 't', 5, "
             "'confirmed', 1, 1, %lld, %lld);"
             "INSERT INTO activities (title, kind, host_org_id, co_organisers, room_id, start_at, "
             "end_at, capacity, audience, walk_ins, booking_id, status, station_id, host_path, "
             "version, created_at, updated_at) VALUES ('公益', 'volunteer_service', 4, '[]', 2, "
             "%lld, %lld, 5, 'anyone', 1, last_insert_rowid(), 'published', 1, '/1/2/3/4/', 1, "
             "%lld, %lld);",
             (long long)(now + 600), (long long)(now + 4200), (long long)now, (long long)now,
             (long long)(now + 600), (long long)(now + 4200), (long long)now, (long long)now);
    CHECK(sqlite3_exec(s, sql, NULL, NULL, NULL) == SQLITE_OK);
    return one(s, "SELECT max(id) FROM activities");
}

/* The attendees table against a count of the live check-ins, for org and period. */
static bool adds_up(sqlite3 *s, int64_t org, int64_t period)
{
    char sql[512];
    snprintf(sql, sizeof(sql),
             "SELECT (SELECT count(*) FROM attendees WHERE org_id = %lld AND period = %lld) = "
             "(SELECT count(DISTINCT person) FROM checkins WHERE undone_at IS NULL) AND "
             "(SELECT COALESCE(sum(times), 0) FROM attendees WHERE org_id = %lld AND period = "
             "%lld) = (SELECT count(*) FROM checkins WHERE undone_at IS NULL) AND "
             "(SELECT COALESCE(sum(volunteer_minutes), 0) FROM attendees WHERE org_id = %lld AND "
             "period = %lld) = 60 * (SELECT count(*) FROM checkins WHERE undone_at IS NULL) AND "
             "(SELECT count(*) FROM attendees WHERE times <= 0) = 0",
             (long long)org, (long long)period, (long long)org, (long long)period, (long long)org,
             (long long)period);
    return one(s, sql) == 1;
}

static uint64_t state = 7;
static int64_t pick(int64_t n)
{
    state = state * 6364136223846793005u + 1442695040888963407u;
    return (int64_t)((state >> 33) % (uint64_t)n);
}

static void random_steps(struct db *db, sqlite3 *s, struct arena *a, int64_t act, int64_t year)
{
    bool ok = true, again_once = true;
    int64_t live_before, made = 0, undone = 0;
    for (int step = 0; step < 300 && ok; step++) {
        struct error err;
        error_init(&err, a);
        struct checkin_request rq = {.activity_id = act};
        int64_t what = pick(10);
        live_before = one(s, "SELECT count(*) FROM checkins WHERE undone_at IS NULL");
        if (what < 6) { /* a member at the desk, perhaps again */
            rq.member_id = 1 + pick(30);
            bool again = false;
            struct checkin *k = checkin_create(db, a, &entity_cli_caller, &rq, &again, &err);
            ok = k != NULL;
            int64_t after = one(s, "SELECT count(*) FROM checkins WHERE undone_at IS NULL");
            again_once = again_once && (again ? after == live_before : after == live_before + 1);
            made += !again;
        } else if (what < 8) { /* a guest at the door, known by phone or not */
            rq.guest_name = "访客";
            rq.phone = pick(2) ? arena_printf(a, "1390000%04lld", (long long)pick(20)) : NULL;
            bool again = false;
            ok = checkin_create(db, a, &entity_cli_caller, &rq, &again, &err) != NULL;
            made += !again;
        } else { /* a mistake undone */
            int64_t id = one(s, "SELECT id FROM checkins WHERE undone_at IS NULL "
                                "ORDER BY (id * 7919) % 101 LIMIT 1");
            if (id > 0) {
                ok = checkin_undo(db, a, &entity_cli_caller, id, &err) != NULL;
                undone++;
            }
        }
        for (int64_t org = 1; org <= 4 && ok; org++)
            ok = adds_up(s, org, year) && adds_up(s, org, 0);
        if (!ok)
            fprintf(stderr, "attendance: step %d (op %lld) broke the count: %s\n", step,
                    (long long)what, err.detail ? err.detail : "");
    }
    CHECK(ok);
    CHECK(again_once);
    CHECK(made > 100 && undone > 20);
    CHECK(one(s, "SELECT count(*) FROM attendees WHERE org_id = 5") == 0); /* not above */
}

/* What the API answers is what the table holds. */
static void summary_agrees(struct db *db, sqlite3 *s, struct arena *a, int64_t year)
{
    struct error err;
    error_init(&err, a);
    struct attendance t;
    CHECK(attendance_of_org(db, a, &entity_cli_caller, 3, year, &t, &err) == 0);
    CHECK(t.person_times == one(s, "SELECT count(*) FROM checkins WHERE undone_at IS NULL"));
    CHECK(t.people == one(s, "SELECT count(DISTINCT person) FROM checkins WHERE undone_at IS "
                             "NULL"));
    CHECK(t.members == one(s, "SELECT count(DISTINCT person) FROM checkins WHERE undone_at IS "
                              "NULL AND person LIKE 'm:%'"));
    CHECK(t.volunteer_minutes == 60 * t.person_times);
    CHECK(t.activities >= 1);
}

void test_attendance(void)
{
    char path[] = "/tmp/louyu-unit-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    unlink(path);
    struct arena *a = arena_new(0);
    struct error err;
    error_init(&err, a);
    struct db *db = db_open(path, true, NULL, &err);
    CHECK(db && db_migrate(db, &err) == 0 && demo_load(db, a, DEMO_PASSWORD, &err) == 0);
    sqlite3 *s = NULL;
    CHECK(sqlite3_open(path, &s) == SQLITE_OK);
    if (db && s) {
        sqlite3_busy_timeout(s, 5000);
        int64_t now = time_now(), act = open_activity(s, now);
        random_steps(db, s, a, act, local_year(now + 600));
        summary_agrees(db, s, a, local_year(now + 600));
    }
    sqlite3_close(s);
    db_close(db);
    arena_free(a);
    char side[64];
    unlink(path);
    snprintf(side, sizeof(side), "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof(side), "%s-shm", path);
    unlink(side);
}
