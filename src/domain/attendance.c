/* Attendance figures (see attendance.h). */
#include "domain/attendance.h"

#include <string.h>

#include "core/arena.h"
#include "core/timefmt.h"
#include "domain/activities.h"
#include "domain/activity_rules.h"
#include "domain/members.h"
#include "domain/orgs.h"
#include "domain/series.h"

/* [from, to) of a local year, or of all time for year 0. */
static void period(int64_t year, int64_t *from, int64_t *to)
{
    if (year == 0) {
        *from = 0, *to = INT64_MAX / 2;
        return;
    }
    int64_t shift = TIME_LOCAL_OFFSET_MIN * 60;
    *from = days_from_civil((int)year, 1, 1) * 86400 - shift;
    *to = days_from_civil((int)year + 1, 1, 1) * 86400 - shift;
}

static int kinds(struct arena *a, struct db_stmt *st, struct attendance *out, struct error *err)
{
    size_t cap = 8;
    out->kinds = arena_alloc(a, cap * sizeof(*out->kinds));
    out->nkinds = 0, out->activities = 0;
    enum db_step r;
    while ((r = db_step(st, err)) == DB_ROW) {
        if (out->nkinds == cap) {
            struct kind_count *k = arena_alloc(a, 2 * cap * sizeof(*k));
            memcpy(k, out->kinds, cap * sizeof(*k));
            out->kinds = k, cap *= 2;
        }
        struct kind_count *k = &out->kinds[out->nkinds++];
        k->kind = arena_strdup(a, db_col_text(st, 0, NULL));
        k->activities = db_col_int(st, 1);
        out->activities += k->activities;
    }
    return r == DB_FAIL ? -1 : 0;
}

/* people, person-times, volunteer minutes, members: one row of four counts. */
static int totals(struct db_stmt *st, struct attendance *out, struct error *err)
{
    if (db_step(st, err) != DB_ROW)
        return -1;
    out->people = db_col_int(st, 0);
    out->person_times = db_col_int(st, 1);
    out->volunteer_minutes = db_col_int(st, 2);
    out->members = db_col_int(st, 3);
    out->guests = out->people - out->members;
    return db_exec(st, err);
}

struct reading {
    struct arena *a;
    int64_t id, year;
    const char *path;
    struct attendance *out;
};

static int org_txn(struct db *db, void *ctx, struct error *err)
{
    struct reading *r = ctx;
    struct db_stmt *st = db_stmt(db, Q_ATTENDANCE_ORG, err);
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, r->id);
    db_bind_int(st, 2, r->year);
    if (totals(st, r->out, err) != 0 || (st = db_stmt(db, Q_ATTENDANCE_ORG_KINDS, err)) == NULL)
        return -1;
    int64_t from, to;
    period(r->year, &from, &to);
    db_bind_text(st, 1, r->path, strlen(r->path));
    db_bind_int(st, 2, from);
    db_bind_int(st, 3, to);
    return kinds(r->a, st, r->out, err);
}

int attendance_of_org(struct db *db, struct arena *a, const struct caller *c, int64_t org_id,
                      int64_t year, struct attendance *out, struct error *err)
{
    memset(out, 0, sizeof(*out));
    out->year = year;
    struct org *o = entity_read(db, a, c, &org_entity, org_id, err);
    if (o == NULL)
        return -1;
    struct reading r = {a, org_id, year, o->path, out};
    return db_transact(db, DB_READ, org_txn, &r, err);
}

static int series_txn(struct db *db, void *ctx, struct error *err)
{
    struct reading *r = ctx;
    int64_t from, to;
    period(r->year, &from, &to);
    struct db_stmt *st = db_stmt(db, Q_ATTENDANCE_SERIES, err);
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, r->id);
    db_bind_int(st, 2, from);
    db_bind_int(st, 3, to);
    if (totals(st, r->out, err) != 0 || (st = db_stmt(db, Q_ATTENDANCE_SERIES_KINDS, err)) == NULL)
        return -1;
    db_bind_int(st, 1, r->id);
    db_bind_int(st, 2, from);
    db_bind_int(st, 3, to);
    return kinds(r->a, st, r->out, err);
}

int attendance_of_series(struct db *db, struct arena *a, const struct caller *c, int64_t series_id,
                         int64_t year, struct attendance *out, struct error *err)
{
    memset(out, 0, sizeof(*out));
    out->year = year;
    if (entity_read(db, a, c, &series_entity, series_id, err) == NULL)
        return -1;
    struct reading r = {a, series_id, year, NULL, out};
    return db_transact(db, DB_READ, series_txn, &r, err);
}

int attendance_of_activity(struct db *db, struct arena *a, const struct caller *c, int64_t id,
                           struct activity_attendance *out, struct error *err)
{
    memset(out, 0, sizeof(*out));
    struct activity *act = entity_read(db, a, c, &activity_entity, id, err);
    struct db_stmt *st = act ? db_stmt(db, Q_ATTENDANCE_ACTIVITY, err) : NULL;
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, id);
    if (db_step(st, err) != DB_ROW)
        return -1;
    out->registered = db_col_int(st, 0);
    out->waiting = db_col_int(st, 1);
    out->cancelled = db_col_int(st, 2);
    out->checked_in = db_col_int(st, 3);
    out->members = db_col_int(st, 4);
    out->guests = out->checked_in - out->members;
    out->walk_ins = db_col_int(st, 5);
    out->scanned = db_col_int(st, 6);
    out->desk = out->checked_in - out->walk_ins - out->scanned;
    /* a sign-up checked in is one place used; the rest of the places were not */
    out->no_shows = out->registered - db_col_int(st, 7);
    if (out->no_shows < 0)
        out->no_shows = 0;
    out->volunteer_minutes =
        out->checked_in * activity_volunteer_minutes(act->kind, act->start, act->end);
    return db_exec(st, err);
}

/* The kinds of what a person attended, in the order of activity_kinds. */
static void count_kinds(struct arena *a, const struct attended *items, size_t n,
                        struct attendance *out)
{
    size_t nk = 0;
    while (activity_kinds[nk])
        nk++;
    out->kinds = arena_zalloc(a, nk * sizeof(*out->kinds));
    out->nkinds = 0;
    for (size_t k = 0; k < nk; k++) {
        int64_t count = 0;
        for (size_t i = 0; i < n; i++)
            count += strcmp(items[i].kind, activity_kinds[k]) == 0;
        if (count)
            out->kinds[out->nkinds++] = (struct kind_count){activity_kinds[k], count};
    }
}

/* The member is the caller, or one the caller may read. */
static int may_read_member(struct db *db, struct arena *a, const struct caller *c,
                           int64_t member_id, struct error *err)
{
    if (c && c->user_id && c->member_id == member_id)
        return entity_get(db, a, &member_entity, member_id, err) ? 0 : -1;
    return entity_read(db, a, c, &member_entity, member_id, err) ? 0 : -1;
}

int attendance_of_member(struct db *db, struct arena *a, const struct caller *c, int64_t member_id,
                         int64_t year, struct attended **items, size_t *n, struct attendance *out,
                         struct error *err)
{
    memset(out, 0, sizeof(*out));
    out->year = year;
    if (may_read_member(db, a, c, member_id, err) != 0)
        return -1;
    char key[PERSON_KEY_MAX];
    person_key(key, member_id, 0, NULL);
    int64_t from, to;
    period(year, &from, &to);
    struct db_stmt *st = db_stmt(db, Q_ATTENDANCE_PERSON, err);
    if (st == NULL)
        return -1;
    db_bind_text(st, 1, key, strlen(key));
    db_bind_int(st, 2, from);
    db_bind_int(st, 3, to);
    size_t cap = 32;
    *items = arena_alloc(a, cap * sizeof(**items));
    *n = 0;
    enum db_step r;
    while ((r = db_step(st, err)) == DB_ROW) {
        if (*n == cap) {
            struct attended *bigger = arena_alloc(a, 2 * cap * sizeof(*bigger));
            memcpy(bigger, *items, cap * sizeof(*bigger));
            *items = bigger, cap *= 2;
        }
        struct attended *x = &(*items)[(*n)++];
        x->activity_id = db_col_int(st, 0);
        x->title = arena_strdup(a, db_col_text(st, 1, NULL));
        x->kind = arena_strdup(a, db_col_text(st, 2, NULL));
        x->start = db_col_int(st, 3);
        x->end = db_col_int(st, 4);
        x->host_org_id = db_col_int(st, 5);
        x->host_name = arena_strdup(a, db_col_text(st, 6, NULL));
        x->at = db_col_int(st, 7);
        x->method = arena_strdup(a, db_col_text(st, 8, NULL));
        out->volunteer_minutes += activity_volunteer_minutes(x->kind, x->start, x->end);
    }
    if (r == DB_FAIL)
        return -1;
    count_kinds(a, *items, *n, out);
    out->activities = out->person_times = (int64_t)*n;
    out->people = out->members = *n ? 1 : 0;
    return 0;
}
