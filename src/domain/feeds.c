/* Bookings as calendar events. */
#include "domain/feeds.h"

#include <string.h>

#include "core/arena.h"
#include "domain/activity_rules.h"
#include "domain/bookings.h"
#include "domain/orgs.h"
#include "domain/places.h"
#include "domain/registrations.h"
#include "domain/series.h"

static const enum query feed_queries[] = {
    [FEED_ROOM] = Q_BOOKING_FEED_ROOM,
    [FEED_STATION] = Q_BOOKING_FEED_STATION,
    [FEED_ORG] = Q_BOOKING_FEED_ORG,
    [FEED_BOOKING] = Q_BOOKING_FEED_ONE,
    [FEED_STATION_ACTIVITIES] = Q_ACTIVITY_FEED_STATION,
    [FEED_SERIES_ACTIVITIES] = Q_ACTIVITY_FEED_SERIES,
    [FEED_MY_ACTIVITIES] = Q_ACTIVITY_FEED_PERSON,
};

static bool of_activities(enum feed_kind kind)
{
    return kind >= FEED_STATION_ACTIVITIES;
}

/* The feed's name, after the caller was found to be allowed to read what it is of. */
static const char *feed_name(struct db *db, struct arena *a, const struct caller *c,
                             enum feed_kind kind, int64_t id, struct error *err)
{
    switch (kind) {
    case FEED_ROOM: {
        struct room *r = entity_read(db, a, c, &room_entity, id, err);
        struct station *s = r ? entity_get(db, a, &station_entity, r->station_id, err) : NULL;
        return s ? arena_printf(a, "%s · %s", s->name, r->name) : NULL;
    }
    case FEED_STATION: {
        struct station *s = entity_read(db, a, c, &station_entity, id, err);
        return s ? s->name : NULL;
    }
    case FEED_ORG: {
        struct org *o = entity_read(db, a, c, &org_entity, id, err);
        return o ? arena_printf(a, "%s · 场地预约", o->name) : NULL;
    }
    case FEED_BOOKING: {
        struct booking *b = entity_read(db, a, c, &booking_entity, id, err);
        return b ? b->title : NULL;
    }
    case FEED_STATION_ACTIVITIES: {
        struct station *s = entity_read(db, a, c, &station_entity, id, err);
        return s ? arena_printf(a, "%s · 活动", s->name) : NULL;
    }
    case FEED_SERIES_ACTIVITIES: {
        struct series *s = entity_read(db, a, c, &series_entity, id, err);
        return s ? s->name : NULL;
    }
    case FEED_MY_ACTIVITIES:
        return c && c->user_id ? "我报名的活动"
                               : (error_set(err, ERR_UNAUTHENTICATED, "sign in first"), NULL);
    }
    return NULL;
}

static void read_event(struct db_stmt *st, struct arena *a, bool activity, struct ical_event *ev)
{
    const char *org = db_col_text(st, 7, NULL);
    ev->uid = arena_printf(a, "%s-%lld@louyu", activity ? "activity" : "booking",
                           (long long)db_col_int(st, 0));
    ev->start = db_col_int(st, 1);
    ev->end = db_col_int(st, 2);
    ev->summary = arena_printf(a, "%s（%s）", db_col_text(st, 3, NULL), org);
    const char *status = db_col_text(st, 4, NULL);
    bool open = strcmp(status, "pending") == 0 || strcmp(status, "offered") == 0 ||
                strcmp(status, "waiting") == 0;
    bool on = strcmp(status, "confirmed") == 0 || strcmp(status, "published") == 0 ||
              strcmp(status, "held") == 0;
    ev->status = on ? "CONFIRMED" : open ? "TENTATIVE" : "CANCELLED";
    ev->sequence = db_col_int(st, 5);
    ev->stamp = db_col_int(st, 6);
    ev->location = arena_printf(a, "%s · %s", db_col_text(st, 9, NULL), db_col_text(st, 8, NULL));
    ev->description = arena_printf(a, activity ? "主办：%s" : "预约单位：%s", org);
}

struct reading {
    struct arena *a;
    const struct caller *c;
    enum feed_kind kind;
    int64_t id, from, to;
    struct feed *out;
};

static int feed_txn(struct db *db, void *ctx, struct error *err)
{
    struct reading *r = ctx;
    if ((r->out->name = feed_name(db, r->a, r->c, r->kind, r->id, err)) == NULL)
        return -1;
    struct db_stmt *st = db_stmt(db, feed_queries[r->kind], err);
    if (st == NULL)
        return -1;
    char key[PERSON_KEY_MAX];
    const char *name;
    if (r->kind == FEED_MY_ACTIVITIES) {
        if (caller_person(db, r->a, r->c, key, &name, err) != 0)
            return -1;
        db_bind_text(st, 1, key, strlen(key));
    } else
        db_bind_int(st, 1, r->id);
    db_bind_int(st, 2, r->from);
    db_bind_int(st, 3, r->to);
    size_t cap = 64;
    struct ical_event *v = arena_alloc(r->a, cap * sizeof(*v));
    size_t n = 0;
    enum db_step step;
    while ((step = db_step(st, err)) == DB_ROW) {
        if (n == cap) {
            struct ical_event *bigger = arena_alloc(r->a, 2 * cap * sizeof(*v));
            memcpy(bigger, v, cap * sizeof(*v));
            v = bigger, cap *= 2;
        }
        read_event(st, r->a, of_activities(r->kind), &v[n++]);
    }
    r->out->events = v;
    r->out->n = n;
    return step == DB_FAIL ? -1 : 0;
}

int feed_read(struct db *db, struct arena *a, const struct caller *c, enum feed_kind kind,
              int64_t id, int64_t from, int64_t to, struct feed *out, struct error *err)
{
    struct reading r = {a, c, kind, id, from, to, out};
    return db_transact(db, DB_READ, feed_txn, &r, err);
}
