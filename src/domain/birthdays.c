/* The month's political birthday gathering (see birthdays.h). */
#include "domain/birthdays.h"

#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/timefmt.h"
#include "domain/activities.h"
#include "domain/members.h"
#include "domain/membership.h"
#include "domain/orgs.h"
#include "domain/places.h"
#include "domain/registrations.h"

struct scheduling {
    struct arena *a;
    const struct caller *c;
    const struct birthday_request *rq;
    struct birthday_result *out;
    int64_t now;
    int64_t first_day, next_day; /* the month, in local days */
    struct org *org;
};

/* The id of the committee's gathering for the month, 0 when there is none. */
static int64_t existing(struct db *db, struct scheduling *w, struct error *err)
{
    struct db_stmt *st = db_stmt(db, Q_ACTIVITY_BIRTHDAY, err);
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, w->rq->org_id);
    db_bind_text(st, 2, w->rq->month, strlen(w->rq->month));
    return db_first_id(st, err);
}

/* The largest lendable room of the station the committee runs. */
static int64_t default_room(struct db *db, struct scheduling *w, struct error *err)
{
    struct db_stmt *st = db_stmt(db, Q_ROOM_OF_ORG, err);
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, w->org->id);
    enum db_step r = db_step(st, err);
    if (r == DB_FAIL)
        return -1;
    if (r == DB_DONE) {
        error_set(err, ERR_RULE,
                  "%s runs no station with a room to lend: say which room (room_id) to hold "
                  "the gathering in",
                  w->org->name);
        return error_rule(err, "no_room");
    }
    int64_t id = db_col_int(st, 0);
    db_step(st, err);
    return id;
}

/* The gathering as an activity of the committee: who may come is its members. */
static struct activity *gathering(struct scheduling *w, int64_t room, int64_t start)
{
    struct activity *act = arena_zalloc(w->a, sizeof(*act));
    act->rec.null = ~(uint64_t)0;
    const char *set[] = {"title", "kind", "host_org_id", "co_organisers", "room_id",
                         "start", "end",  "capacity",    "audience",      "walk_ins"};
    for (size_t i = 0; i < sizeof(set) / sizeof(set[0]); i++)
        rec_set_null(act, (size_t)fields_find(activity_entity.table, set[i]), false);
    int y;
    unsigned m, d;
    civil_from_days(w->first_day, &y, &m, &d);
    act->title = arena_printf(w->a, "%d年%u月政治生日会", y, m);
    act->kind = "political_birthday";
    act->host_org_id = w->org->id;
    act->co_organisers = "[]";
    act->room_id = room;
    act->start = start;
    act->end = start + (w->rq->minutes ? w->rq->minutes : BIRTHDAY_MINUTES) * 60;
    act->capacity = 1; /* raised to the room's size below */
    act->audience = "committee";
    act->walk_ins = true;
    return act;
}

static int64_t room_capacity(struct db *db, struct arena *a, int64_t room, struct error *err)
{
    struct room *r = entity_get(db, a, &room_entity, room, err);
    return r ? r->capacity : -1;
}

/* Tries the days of the month from the 15th (or from tomorrow, late in the month) at
 * 19:00, weekdays only, until the room is free; each try in a savepoint. */
static struct activity *make(struct db *db, struct scheduling *w, struct error *err)
{
    int64_t room = w->rq->room_id ? w->rq->room_id : default_room(db, w, err);
    int64_t cap = room > 0 ? room_capacity(db, w->a, room, err) : -1;
    if (cap < 0)
        return err->kind == ERR_NOT_FOUND ? (error_reset(err),
                                             error_field(err, ERR_RULE, "/room_id",
                                                         "no room with id %lld", (long long)room),
                                             NULL)
                                          : NULL;
    if (w->rq->start) {
        struct activity *act = gathering(w, room, w->rq->start);
        act->capacity = cap;
        return activity_make(db, w->a, w->c, act, true, w->rq->month, w->now, err);
    }
    int64_t today = (w->now + TIME_LOCAL_OFFSET_MIN * 60) / 86400;
    int64_t day = w->first_day + BIRTHDAY_FROM_DAY - 1;
    if (day <= today)
        day = today + 1;
    struct error last;
    error_init(&last, w->a);
    for (; day < w->next_day; day++) {
        if (day_of_week(day) >= 6) /* Saturday, Sunday (1 is Monday) */
            continue;
        int64_t start = day * 86400 + BIRTHDAY_HOUR * 3600 - TIME_LOCAL_OFFSET_MIN * 60;
        struct activity *act = gathering(w, room, start);
        act->capacity = cap;
        error_init(&last, w->a);
        if (db_savepoint(db, err) != 0)
            return NULL;
        struct activity *made =
            activity_make(db, w->a, w->c, act, true, w->rq->month, w->now, &last);
        if (made)
            return db_savepoint_release(db, err) == 0 ? made : NULL;
        db_savepoint_rollback(db);
        if (last.kind != ERR_CONFLICT && last.kind != ERR_RULE) {
            *err = last; /* not the calendar: trying other days will not help */
            return NULL;
        }
    }
    if (last.kind == ERR_NONE) {
        error_set(err, ERR_RULE, "no weekday of %s is left from the %dth on: give a start",
                  w->rq->month, BIRTHDAY_FROM_DAY);
        return error_rule(err, "past"), NULL;
    }
    *err = last;
    err->detail =
        arena_printf(w->a, "no weekday evening of %s was free in room %lld: %s", w->rq->month,
                     (long long)room, last.detail ? last.detail : "refused");
    return NULL;
}

/* Invites the members of the committee's subtree admitted in the month of an earlier
 * year, still in the register. */
static int invite(struct db *db, struct scheduling *w, struct activity *act, struct error *err)
{
    struct db_stmt *st = db_stmt(db, Q_BIRTHDAY_MEMBERS, err);
    if (st == NULL)
        return -1;
    char mm[3] = {w->rq->month[5], w->rq->month[6], 0};
    const char *first = arena_printf(w->a, "%.7s-01", w->rq->month);
    db_bind_text(st, 1, w->org->path, strlen(w->org->path));
    db_bind_text(st, 2, mm, 2);
    db_bind_text(st, 3, first, strlen(first));
    size_t cap = 64, n = 0;
    int64_t *ids = arena_alloc(w->a, cap * sizeof(int64_t)), *admitted = NULL;
    admitted = arena_alloc(w->a, cap * sizeof(int64_t));
    enum db_step r;
    while ((r = db_step(st, err)) == DB_ROW) {
        if (n == cap) {
            int64_t *x = arena_alloc(w->a, 2 * cap * sizeof(int64_t));
            int64_t *y = arena_alloc(w->a, 2 * cap * sizeof(int64_t));
            memcpy(x, ids, cap * sizeof(int64_t));
            memcpy(y, admitted, cap * sizeof(int64_t));
            ids = x, admitted = y, cap *= 2;
        }
        const char *day = db_col_text(st, 1, NULL);
        if (date_parse(day, strlen(day), &admitted[n]))
            ids[n++] = db_col_int(st, 0);
    }
    if (r == DB_FAIL)
        return -1;
    int64_t on = (act->start + TIME_LOCAL_OFFSET_MIN * 60) / 86400;
    for (size_t i = 0; i < n; i++) {
        int done = registration_invite(db, w->a, w->c, act, ids[i], years_between(admitted[i], on),
                                       w->now, err);
        if (done < 0)
            return -1;
        if (done)
            w->out->invited++;
        else
            w->out->already++;
    }
    return 0;
}

static int schedule_txn(struct db *db, void *ctx, struct error *err)
{
    struct scheduling *w = ctx;
    memset(w->out, 0, sizeof(*w->out));
    /* The invitations come from the committee's register: for those who keep it. */
    w->org = entity_read(db, w->a, w->c, &org_entity, w->rq->org_id, err);
    struct target t;
    memset(&t, 0, sizeof(t));
    if (w->org == NULL || target_add_org(db, w->a, w->org->id, &t, err) != 0)
        return -1;
    if (policy_decide(w->c, &member_entity, ACT_UPDATE, &t) != ALLOW)
        return error_set(err, ERR_FORBIDDEN,
                         "only those who keep %s's register of members schedule its political "
                         "birthdays",
                         w->org->name);
    int64_t id = existing(db, w, err);
    if (id < 0)
        return -1;
    struct activity *act = id ? activity_lock(db, w->a, id, err) : make(db, w, err);
    if (act == NULL)
        return -1;
    if (id && !activity_managed_by(db, w->a, w->c, act, err))
        return err->kind != ERR_NONE ? -1
                                     : error_set(err, ERR_FORBIDDEN,
                                                 "you may not change activity %lld", (long long)id);
    w->out->created = id == 0;
    if (strcmp(act->status, "published") != 0 && strcmp(act->status, "draft") != 0) {
        error_set(err, ERR_CONFLICT, "the gathering for %s (activity %lld) is %s", w->rq->month,
                  (long long)act->id, act->status);
        return error_rule(err, "status");
    }
    if (invite(db, w, act, err) != 0)
        return -1;
    w->out->activity = entity_get(db, w->a, &activity_entity, act->id, err);
    return w->out->activity ? 0 : -1;
}

int birthday_schedule(struct db *db, struct arena *a, const struct caller *c,
                      const struct birthday_request *rq, struct birthday_result *out,
                      struct error *err)
{
    struct scheduling w = {a, c, rq, out, time_now(), 0, 0, NULL};
    if (month_days(rq->month, &w.first_day, &w.next_day) != 0)
        return error_field(err, ERR_INVALID, "/month", "must be a month like 2027-03");
    if (rq->start && (rq->start < w.first_day * 86400 - TIME_LOCAL_OFFSET_MIN * 60 ||
                      rq->start >= w.next_day * 86400 - TIME_LOCAL_OFFSET_MIN * 60))
        return error_field(err, ERR_RULE, "/start", "must be in %s", rq->month);
    if (rq->minutes && (rq->minutes < 15 || rq->minutes > 480))
        return error_field(err, ERR_INVALID, "/minutes", "must be from 15 to 480");
    return db_transact(db, DB_WRITE_LOCKING, schedule_txn, &w, err);
}
