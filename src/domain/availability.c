/*
 * Free time of a station's rooms: opening hours less active bookings and
 * closures that refuse, read in one snapshot. Each room's bookings are read
 * as an index range bounded in time (see MEETS in store/queries.c).
 */
#include "domain/availability.h"

#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/timefmt.h"
#include "domain/booking_rules.h"
#include "domain/hours.h"

struct snapshot {
    struct arena *a;
    const struct availability_query *q;
    struct week_hours hours;
    struct booking_rules rules;
    struct room **rooms;
    size_t nrooms;
    struct room_free *out;
    size_t n;
};

static int read_station(struct db *db, struct snapshot *s, struct error *err)
{
    struct station *st = entity_get(db, s->a, &station_entity, s->q->station_id, err);
    if (st == NULL)
        return -1;
    booking_rules_from_text(s->a, st->booking_rules, &s->rules);
    json_t *h = json_loads(st->opening_hours, 0, NULL);
    const char *why;
    int rc = h ? hours_parse(s->a, h, &s->hours, &why) : -1;
    json_decref(h);
    return rc == 0 ? 0 : error_set(err, ERR_INTERNAL, "unreadable opening hours");
}

/* The bookable rooms of the station large enough, or the one room asked for (rooms are
 * public: no policy to ask). */
static int read_rooms(struct db *db, struct snapshot *s, struct error *err)
{
    const struct availability_query *q = s->q;
    struct db_stmt *st = db_stmt(db, Q_ROOMS_OF_STATION, err);
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, q->station_id);
    size_t cap = 8;
    s->rooms = arena_alloc(s->a, cap * sizeof(struct room *));
    s->nrooms = 0;
    enum db_step r;
    while ((r = db_step(st, err)) == DB_ROW) {
        struct room *room = arena_alloc(s->a, sizeof(*room));
        rows_read(st, s->a, room_entity.table, room);
        if (!room->bookable || room->capacity < q->attendance ||
            (q->room_id != 0 && room->id != q->room_id))
            continue;
        if (s->nrooms == cap) {
            struct room **bigger = arena_alloc(s->a, 2 * cap * sizeof(struct room *));
            memcpy(bigger, s->rooms, cap * sizeof(struct room *));
            s->rooms = bigger, cap *= 2;
        }
        s->rooms[s->nrooms++] = room;
    }
    return r == DB_FAIL ? -1 : 0;
}

/* What holds the room over [from, to): active bookings and refusing closures, sorted. */
static struct interval *busy(struct db *db, struct arena *a, const struct room *r, int64_t from,
                             int64_t to, size_t *n, struct error *err)
{
    size_t cap = 64;
    struct interval *v = arena_alloc(a, cap * sizeof(*v));
    *n = 0;
    enum query qs[2] = {Q_BOOKING_BUSY, Q_CLOSURE_MEETING};
    for (int k = 0; k < 2; k++) {
        struct db_stmt *st = db_stmt(db, qs[k], err);
        if (st == NULL)
            return NULL;
        db_bind_int(st, 1, k == 0 ? r->id : r->station_id);
        db_bind_int(st, 2, k == 0 ? from : r->id);
        db_bind_int(st, 3, k == 0 ? to : from);
        if (k == 1)
            db_bind_int(st, 4, to);
        enum db_step step;
        while ((step = db_step(st, err)) == DB_ROW) {
            if (k == 1 && strcmp(db_col_text(st, 2, NULL), "refuse") != 0)
                continue; /* a closure that only flags leaves the room free */
            if (*n == cap) {
                struct interval *bigger = arena_alloc(a, 2 * cap * sizeof(*v));
                memcpy(bigger, v, cap * sizeof(*v));
                v = bigger, cap *= 2;
            }
            v[(*n)++] = k == 0 ? (struct interval){db_col_int(st, 0), db_col_int(st, 1)}
                               : (struct interval){db_col_int(st, 3), db_col_int(st, 4)};
        }
        if (step == DB_FAIL)
            return NULL;
    }
    slots_sort(v, *n);
    return v;
}

static int free_of(struct db *db, struct snapshot *s, const struct room *r, int64_t from,
                   int64_t to, struct room_free *out, struct error *err)
{
    size_t nopen = slots_open(&s->hours, from, to, NULL, 0);
    struct interval *open = arena_alloc(s->a, (nopen ? nopen : 1) * sizeof(*open));
    slots_open(&s->hours, from, to, open, nopen);
    size_t nbusy;
    struct interval *held = busy(db, s->a, r, from, to, &nbusy, err);
    if (held == NULL)
        return -1;
    /* every busy interval splits at most one open piece in two */
    size_t cap = nopen + nbusy + 1;
    out->room = r;
    out->free = arena_alloc(s->a, cap * sizeof(struct interval));
    out->n = slots_subtract(open, nopen, held, nbusy, s->q->duration, out->free, cap);
    return 0;
}

/* No one books the past: the free time starts at the next whole minute. */
static int64_t not_before(void)
{
    int64_t now = time_now();
    return (now + 59) / 60 * 60;
}

static int rooms_txn(struct db *db, void *ctx, struct error *err)
{
    struct snapshot *s = ctx;
    if (read_station(db, s, err) != 0 || read_rooms(db, s, err) != 0)
        return -1;
    int64_t from = s->q->from > not_before() ? s->q->from : not_before();
    s->out = arena_alloc(s->a, (s->nrooms ? s->nrooms : 1) * sizeof(struct room_free));
    s->n = 0;
    for (size_t i = 0; i < s->nrooms; i++)
        if (free_of(db, s, s->rooms[i], from, s->q->to, &s->out[s->n++], err) != 0)
            return -1;
    return 0;
}

int availability_rooms(struct db *db, struct arena *a, const struct availability_query *q,
                       struct room_free **out, size_t *n, struct error *err)
{
    struct snapshot s = {.a = a, .q = q};
    if (db_transact(db, DB_READ, rooms_txn, &s, err) != 0)
        return -1;
    *out = s.out;
    *n = s.n;
    return 0;
}

static int by_time(const void *pa, const void *pb)
{
    const struct slot *x = pa, *y = pb;
    if (x->start != y->start)
        return (x->start > y->start) - (x->start < y->start);
    return (x->room->id > y->room->id) - (x->room->id < y->room->id);
}

struct search {
    struct snapshot s;
    int64_t step;
    size_t count;
    struct slot *out;
    size_t n;
};

/* Looks a week at a time, so that a busy station costs a few reads, not one per day. */
static int next_txn(struct db *db, void *ctx, struct error *err)
{
    struct search *x = ctx;
    struct snapshot *s = &x->s;
    if (read_station(db, s, err) != 0 || read_rooms(db, s, err) != 0)
        return -1;
    int64_t start = s->q->from > not_before() ? s->q->from : not_before();
    int64_t limit = time_now() + (int64_t)s->rules.vip_horizon_days * 86400;
    struct slot *week = arena_alloc(s->a, x->count * (s->nrooms ? s->nrooms : 1) * sizeof(*week));
    x->out = arena_alloc(s->a, x->count * sizeof(*x->out));
    x->n = 0;
    for (int64_t from = start; from < limit && x->n < x->count; from += 7 * 86400) {
        int64_t to = from + 7 * 86400 < limit ? from + 7 * 86400 : limit;
        size_t k = 0;
        for (size_t i = 0; i < s->nrooms; i++) {
            struct room_free rf;
            if (free_of(db, s, s->rooms[i], from, to, &rf, err) != 0)
                return -1;
            int64_t *starts = arena_alloc(s->a, x->count * sizeof(int64_t));
            size_t m = slots_fit(rf.free, rf.n, s->q->duration, x->step, from, starts, x->count);
            for (size_t j = 0; j < m; j++)
                week[k++] = (struct slot){s->rooms[i], starts[j], starts[j] + s->q->duration};
        }
        qsort(week, k, sizeof(*week), by_time);
        for (size_t j = 0; j < k && x->n < x->count; j++)
            x->out[x->n++] = week[j];
    }
    return 0;
}

int availability_next(struct db *db, struct arena *a, const struct availability_query *q,
                      int64_t step, size_t count, struct slot **out, size_t *n, struct error *err)
{
    struct search x = {.s = {.a = a, .q = q}, .step = step, .count = count};
    if (db_transact(db, DB_READ, next_txn, &x, err) != 0)
        return -1;
    *out = x.out;
    *n = x.n;
    return 0;
}
