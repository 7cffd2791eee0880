/*
 * A station's calendar inside one write transaction: its lock, its settings,
 * and the checks and changes every booking operation shares.
 */
#include "domain/calendar.h"

#include <string.h>

#include "core/arena.h"
#include "core/timefmt.h"
#include "domain/access.h"
#include "domain/audit.h"
#include "domain/orgs.h"

int calendar_lock(struct db *db, struct arena *a, int64_t station_id, struct calendar *cal,
                  struct error *err)
{
    struct db_stmt *st = db_stmt(db, Q_STATION_LOCK, err);
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, station_id);
    if (db_exec(st, err) != 0)
        return -1;
    cal->station = entity_get(db, a, &station_entity, station_id, err);
    if (cal->station == NULL)
        return -1;
    booking_rules_from_text(a, cal->station->booking_rules, &cal->rules);
    memset(&cal->target, 0, sizeof(cal->target));
    cal->org_path = NULL;
    if (station_target(db, a, cal->station, &cal->target, err) != 0)
        return -1;
    if (!fields_is_null(station_entity.table, cal->station, "org_id")) {
        struct org *own = entity_get(db, a, &org_entity, cal->station->org_id, err);
        if (own == NULL)
            return -1;
        cal->org_path = own->path;
    }
    json_t *hours = json_loads(cal->station->opening_hours, 0, NULL);
    const char *why;
    int rc = hours ? hours_parse(a, hours, &cal->hours, &why) : -1;
    json_decref(hours);
    if (rc != 0) /* canon wrote them: cannot happen */
        return error_set(err, ERR_INTERNAL, "station %lld has unreadable opening hours",
                         (long long)station_id);
    return 0;
}

int calendar_standing(struct db *db, struct arena *a, const struct calendar *cal, int64_t org_id,
                      struct standing *s, struct error *err)
{
    struct org *o = entity_get(db, a, &org_entity, org_id, err);
    if (o == NULL) {
        if (err->kind == ERR_NOT_FOUND) {
            error_reset(err);
            return error_field(err, ERR_RULE, "/org_id", "no organisation with id %lld",
                               (long long)org_id);
        }
        return -1;
    }
    s->vip = strcmp(o->managed, "partner") == 0;
    s->house = cal->org_path && cal->station->org_id == org_id;
    s->insider = cal->org_path && strncmp(o->path, cal->org_path, strlen(cal->org_path)) == 0;
    return 0;
}

bool calendar_managed_by(const struct calendar *cal, const struct caller *c)
{
    return c->admin ||
           caller_covers(c, ROLE_BIT(ROLE_STATION_MANAGER) | ROLE_BIT(ROLE_COMMITTEE_ADMIN),
                         &cal->target);
}

int calendar_target(struct db *db, struct arena *a, const struct calendar *cal, int64_t org_id,
                    struct target *t, struct error *err)
{
    memset(t, 0, sizeof(*t));
    t->station_id = cal->station->id;
    if (target_add_org(db, a, org_id, t, err) != 0)
        return -1;
    for (size_t i = 0; i < cal->target.npaths && t->npaths < TARGET_MAX_PATHS; i++)
        t->paths[t->npaths++] = cal->target.paths[i];
    return 0;
}

/* The booking organisation's people and the station's (its manager, and the committee
 * that runs it) both govern a booking: one side books, the other keeps the calendar. */
int booking_target(struct db *db, struct arena *a, const void *rec, struct target *t,
                   struct error *err)
{
    const struct booking *b = rec;
    t->station_id = b->station_id;
    if (target_add_org(db, a, b->org_id, t, err) != 0)
        return -1;
    struct station *s = entity_get(db, a, &station_entity, b->station_id, err);
    if (s == NULL)
        return err->kind == ERR_NOT_FOUND ? (error_reset(err), 0) : -1;
    if (fields_is_null(station_entity.table, s, "org_id"))
        return 0;
    return target_add_org(db, a, s->org_id, t, err);
}

int64_t calendar_conflict(struct db *db, int64_t room_id, int64_t start, int64_t end,
                          int64_t except, struct error *err)
{
    struct db_stmt *st = db_stmt(db, Q_BOOKING_CONFLICT, err);
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, room_id);
    db_bind_int(st, 2, start);
    db_bind_int(st, 3, end);
    db_bind_int(st, 4, except);
    enum db_step r = db_step(st, err);
    if (r == DB_FAIL)
        return -1;
    int64_t id = r == DB_ROW ? db_col_int(st, 0) : 0;
    return db_exec(st, err) == 0 ? id : -1;
}

/* The organisation's active bookings at the station that could share a rolling month
 * with [start, end). */
static struct held *held_near(struct db *db, struct arena *a, int64_t org_id, int64_t station_id,
                              int64_t start, int64_t end, int64_t except, size_t *n,
                              struct error *err)
{
    struct db_stmt *st = db_stmt(db, Q_BOOKING_HELD, err);
    if (st == NULL)
        return NULL;
    db_bind_int(st, 1, org_id);
    db_bind_int(st, 2, station_id);
    db_bind_int(st, 3, start - QUOTA_WINDOW_SECONDS);
    db_bind_int(st, 4, end + QUOTA_WINDOW_SECONDS);
    db_bind_int(st, 5, except);
    size_t cap = 32;
    struct held *v = arena_alloc(a, cap * sizeof(*v));
    *n = 0;
    enum db_step r;
    while ((r = db_step(st, err)) == DB_ROW) {
        if (*n == cap) {
            struct held *bigger = arena_alloc(a, 2 * cap * sizeof(*v));
            memcpy(bigger, v, cap * sizeof(*v));
            v = bigger, cap *= 2;
        }
        v[(*n)++] = (struct held){db_col_int(st, 0), db_col_int(st, 1)};
    }
    return r == DB_FAIL ? NULL : v;
}

static int64_t open_bookings(struct db *db, int64_t org_id, int64_t station_id, int64_t now,
                             int64_t except, struct error *err)
{
    struct db_stmt *st = db_stmt(db, Q_BOOKING_OPEN, err);
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, org_id);
    db_bind_int(st, 2, station_id);
    db_bind_int(st, 3, now);
    db_bind_int(st, 4, except);
    if (db_step(st, err) != DB_ROW)
        return -1;
    int64_t n = db_col_int(st, 0);
    return db_exec(st, err) == 0 ? n : -1;
}

int calendar_check_quota(struct db *db, const struct calendar *cal, const struct standing *s,
                         int64_t org_id, int64_t start, int64_t end, int64_t except, int64_t now,
                         struct error *err)
{
    if (s->house)
        return 0;
    size_t n;
    struct held *held =
        held_near(db, err->arena, org_id, cal->station->id, start, end, except, &n, err);
    int64_t open = held ? open_bookings(db, org_id, cal->station->id, now, except, err) : -1;
    if (open < 0)
        return -1;
    return rule_check_quota(&cal->rules, s, held, n, (size_t)open, start, end, err);
}

struct booking *booking_set_status(struct db *db, struct arena *a, const struct caller *c,
                                   const struct booking *b, const char *status, const char *reason,
                                   int64_t offer_expires_at, const char *action, struct error *err)
{
    struct db_stmt *st = db_stmt(db, Q_BOOKING_SET_STATUS, err);
    if (st == NULL)
        return NULL;
    db_bind_text(st, 1, status, strlen(status));
    if (reason)
        db_bind_text(st, 2, reason, strlen(reason));
    else
        db_bind_null(st, 2);
    if (offer_expires_at)
        db_bind_int(st, 3, offer_expires_at);
    else
        db_bind_null(st, 3);
    db_bind_int(st, 4, time_now());
    db_bind_int(st, 5, b->id);
    db_bind_int(st, 6, b->version);
    if (db_exec(st, err) != 0)
        return NULL;
    if (db_changes(st) != 1) { /* the caller read it under the station's lock: cannot be */
        error_set(err, ERR_CONFLICT, "booking %lld was changed meanwhile: try again",
                  (long long)b->id);
        return NULL;
    }
    struct booking *after = entity_get(db, a, &booking_entity, b->id, err);
    struct target t;
    memset(&t, 0, sizeof(t));
    if (after == NULL || booking_target(db, a, after, &t, err) != 0 ||
        audit_record(db, a, c, &booking_entity, b->id, action, &t, b, after, err) != 0)
        return NULL;
    return after;
}

/* Reads the room's waiting bookings that meet [start, end), oldest first. */
static struct booking **waiting(struct db *db, struct arena *a, int64_t room_id, int64_t start,
                                int64_t end, size_t *n, struct error *err)
{
    struct db_stmt *st = db_stmt(db, Q_BOOKING_WAITING, err);
    if (st == NULL)
        return NULL;
    db_bind_int(st, 1, room_id);
    db_bind_int(st, 2, start);
    db_bind_int(st, 3, end);
    size_t cap = 8;
    struct booking **v = arena_alloc(a, cap * sizeof(*v));
    *n = 0;
    enum db_step r;
    while ((r = db_step(st, err)) == DB_ROW) {
        if (*n == cap) {
            struct booking **bigger = arena_alloc(a, 2 * cap * sizeof(*v));
            memcpy(bigger, v, cap * sizeof(*v));
            v = bigger, cap *= 2;
        }
        v[*n] = arena_alloc(a, sizeof(struct booking));
        rows_read(st, a, booking_entity.table, v[(*n)++]);
    }
    return r == DB_FAIL ? NULL : v;
}

/* The calendar itself makes offers: its audit records name no person. */
static const struct caller calendar_caller = {.user_id = 0, .username = "calendar", .admin = true};

/* Offers the slot to w when it is free now and w's organisation is within its quotas;
 * else leaves w waiting. */
static int offer(struct db *db, struct arena *a, const struct calendar *cal, struct booking *w,
                 int64_t now, struct error *err)
{
    int64_t taken = calendar_conflict(db, w->room_id, w->start, w->end, w->id, err);
    if (taken != 0)
        return taken < 0 ? -1 : 0;
    struct standing s;
    struct error quota;
    error_init(&quota, a);
    if (calendar_standing(db, a, cal, w->org_id, &s, err) != 0)
        return -1;
    if (calendar_check_quota(db, cal, &s, w->org_id, w->start, w->end, w->id, now, &quota) != 0)
        return quota.kind == ERR_RULE ? 0 : (*err = quota, -1);
    /* An offer stands for the station's offer time, but never past the slot's start. */
    int64_t expires = now + (int64_t)cal->rules.offer_minutes * 60;
    if (expires > w->start)
        expires = w->start;
    return booking_set_status(db, a, &calendar_caller, w, "offered", NULL, expires, "offer", err)
               ? 0
               : -1;
}

int calendar_offer_freed(struct db *db, struct arena *a, const struct calendar *cal,
                         int64_t room_id, int64_t start, int64_t end, int64_t now,
                         struct error *err)
{
    size_t n;
    struct booking **v = waiting(db, a, room_id, start, end, &n, err);
    if (v == NULL)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (v[i]->start <= now)
            continue; /* its time has come and gone; the sweep lets it lapse */
        if (offer(db, a, cal, v[i], now, err) != 0)
            return -1;
    }
    return 0;
}
