/*
 * The generated calendar: the activities (planned first, since each takes a room), then
 * every room's bookings day by day, the activities' own among them, then the activities.
 *
 * A room's day has five slots (09:00, 10:45, 14:00, 15:45 and 19:00, at most 90 minutes
 * each), so that bookings of a room never overlap and keep inside the stations' hours
 * (08:30 to 21:30). The activities of a building committee and its branches fall on
 * distinct days, so that nobody who may attend them is signed up twice at one time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timefmt.h"
#include "domain/activity_rules.h"
#include "domain/scale_world.h"

static const int slot_minute[SLOTS_PER_DAY] = {9 * 60, 10 * 60 + 45, 14 * 60, 15 * 60 + 45,
                                               19 * 60};

/* The activities' kinds, by share, with a title for each. */
static const struct {
    const char *kind;
    int percent;
    const char *title;
} kinds[] = {
    {"party_lesson", 25, "专题党课"},          {"theme_party_day", 20, "主题党日活动"},
    {"volunteer_service", 10, "楼宇志愿服务"}, {"study", 25, "支部理论学习"},
    {"sharing", 15, "青年读书分享会"},         {"other", 5, "党建联建交流会"},
};

static const char *const booking_titles[] = {"支部理论学习", "三会一课",   "主题党日",
                                             "党课",         "青年读书会", "共建联席会",
                                             "志愿服务培训", "谈心谈话"};

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct cal {
    struct world *w;
    struct plan *plans;
    int n;
    int nrooms;
    int32_t *head;   /* per room-day (day-major): its first activity, -1 */
    uint8_t *taken;  /* per room-day: the slots its activities take, as bits */
    int64_t booking; /* the last booking id given */
};

static size_t roomday(const struct cal *c, int64_t day, int room)
{
    return (size_t)(day - c->w->day0) * (size_t)c->nrooms + (size_t)room;
}

static int kind_of(uint64_t h)
{
    int u = (int)(h % 100), k = 0;
    while (u >= kinds[k].percent && k + 1 < (int)N(kinds))
        u -= kinds[k++].percent;
    return k;
}

/* A free slot for activity p on its day in one of the two larger rooms of its station,
 * or on a later day of its committee's spell (days [first, last)). */
static int place(struct cal *c, struct plan *p, uint64_t h, int64_t first, int64_t last)
{
    int station = p->committee / c->w->step;
    int span = (int)(last - first);
    for (int d = 0; d < span; d++) {
        int64_t day = first + (p->day - first + d) % span;
        for (int r = 0; r < 2; r++) {
            int room = station * ROOMS_PER_STATION + (r + (int)((h >> 20) % 2)) % 2;
            uint8_t *t = &c->taken[roomday(c, day, room)];
            for (int k = 0; k < SLOTS_PER_DAY; k++) {
                int s = (k + (int)((h >> 24) % SLOTS_PER_DAY)) % SLOTS_PER_DAY;
                if (*t & 1u << s)
                    continue;
                *t |= (uint8_t)(1u << s);
                p->day = (int)day, p->room = room, p->slot = s;
                return 0;
            }
        }
    }
    return -1;
}

static void plan_one(struct cal *c, struct plan *p, int committee, int j, int count)
{
    struct world *w = c->w;
    uint64_t h = sc_hash(w, R_ACTIVITY, (uint64_t)committee << 20 | (uint64_t)j);
    int64_t first = w->day0 + (int64_t)j * w->ndays / count;
    int64_t last = w->day0 + (int64_t)(j + 1) * w->ndays / count;
    int nb = w->branch_first[committee + 1] - w->branch_first[committee];
    p->committee = committee;
    p->branch =
        (h >> 8) % 3 == 0 ? -1 : w->branch_first[committee] + (int)((h >> 12) % (uint64_t)nb);
    p->host_org = p->branch < 0 ? committee_org(w, committee) : branch_org(w, p->branch);
    p->day = (int)(first + (int64_t)((h >> 28) % (uint64_t)(last - first)));
    int kind = kind_of(h >> 36);
    p->kind = kinds[kind].kind;
    p->title = kinds[kind].title;
    p->walk_ins = (h >> 44) % 10 < 7;
    p->next = -1;
    if (place(c, p, h, first, last) != 0) {
        p->status = -1; /* no room free in its whole spell: not held at all */
        return;
    }
    p->start = day_start(p->day) + slot_minute[p->slot] * 60;
    p->end = p->start + (60 + 15 * (int64_t)((h >> 48) % 3)) * 60;
    p->capacity = scale_room_capacity(p->room);
    bool cancelled = (h >> 52) % 100 < 3;
    p->status = cancelled ? PLAN_CANCELLED : p->end <= w->now ? PLAN_HELD : PLAN_PUBLISHED;
}

static int by_start(const void *a, const void *b)
{
    const struct plan *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->room < y->room ? -1 : x->room > y->room;
}

/* Each committee hosts its share of the activities, one in each spell of days. */
static int plan(struct cal *c, struct error *err)
{
    struct world *w = c->w;
    int total = w->size->activities, towers = w->size->towers;
    c->plans = calloc((size_t)total, sizeof(*c->plans));
    if (c->plans == NULL)
        return error_set(err, ERR_INTERNAL, "out of memory");
    for (int k = 0; k < towers; k++) {
        int from = (int)((int64_t)total * k / towers),
            to = (int)((int64_t)total * (k + 1) / towers);
        for (int j = from; j < to; j++) {
            plan_one(c, &c->plans[c->n], k, j - from, to - from);
            if (c->plans[c->n].status >= 0)
                c->n++;
        }
    }
    qsort(c->plans, (size_t)c->n, sizeof(*c->plans), by_start);
    for (int i = c->n - 1; i >= 0; i--) {
        struct plan *p = &c->plans[i];
        size_t rd = roomday(c, p->day, p->room);
        p->id = w->a0 + 1 + i;
        p->next = c->head[rd];
        c->head[rd] = i;
    }
    return 0;
}

/* The organisation that books, and the committee it is under: mostly the station's own
 * towers' committees and branches, sometimes another of the street's. */
static int64_t booker(const struct world *w, int station, uint64_t h, int *committee)
{
    int c = station * w->step + (int)(h % (uint64_t)w->step);
    if ((h >> 8) % 100 >= 85) {
        int s = street_of(w, c);
        int first = (int)(((int64_t)s * w->size->towers + w->size->streets - 1) / w->size->streets);
        int end =
            (int)(((int64_t)(s + 1) * w->size->towers + w->size->streets - 1) / w->size->streets);
        c = first + (int)((h >> 16) % (uint64_t)(end - first));
    }
    *committee = c;
    int nb = w->branch_first[c + 1] - w->branch_first[c];
    if ((h >> 24) % 3 == 0)
        return committee_org(w, c);
    return branch_org(w, w->branch_first[c] + (int)((h >> 28) % (uint64_t)nb));
}

struct booking {
    int64_t id, room, org, start, end, attendance, checked_in, station, by, created, updated;
    int version;
    const char *title, *status, *reason;
};

static int booking_row(struct bulk *b, const struct booking *k, struct error *err)
{
    char phone[24];
    snprintf(phone, sizeof(phone), "138%08lld", (long long)(k->id % 100000000));
    bulk_int(b, k->id);
    bulk_int(b, k->room);
    bulk_int(b, k->org);
    bulk_int(b, k->start);
    bulk_int(b, k->end);
    bulk_text(b, k->title);
    bulk_int(b, k->attendance);
    bulk_text(b, "联系人");
    bulk_text(b, phone);
    bulk_text(b, k->status);
    if (k->reason)
        bulk_text(b, k->reason);
    else
        bulk_null(b);
    bulk_id_or_null(b, k->checked_in);
    bulk_int(b, k->station);
    bulk_int(b, k->by);
    bulk_int(b, k->version);
    bulk_int(b, k->created);
    bulk_int(b, k->updated);
    return bulk_row(b, err);
}

static int64_t min64(int64_t a, int64_t b)
{
    return a < b ? a : b;
}

static int activity_booking(struct cal *c, struct bulk *b, struct plan *p, struct error *err)
{
    struct world *w = c->w;
    int64_t made = min64(p->start - 14 * 86400, w->now);
    struct booking k = {
        .id = ++c->booking,
        .room = w->r0 + 1 + p->room,
        .org = p->host_org,
        .start = p->start,
        .end = p->end,
        .attendance = p->capacity,
        .station = w->s0 + 1 + p->room / ROOMS_PER_STATION,
        .by = committee_user(w, p->committee),
        .created = made,
        .updated = made,
        .version = 1,
        .title = p->title,
        .status = p->status == PLAN_CANCELLED ? "cancelled" : "confirmed",
        .reason = p->status == PLAN_CANCELLED ? "活动取消" : NULL,
    };
    if (p->status != PLAN_CANCELLED && p->start <= w->now)
        k.checked_in = p->start - 600, k.version = 2, k.updated = k.checked_in;
    p->booking_id = k.id;
    return booking_row(b, &k, err);
}

static int ordinary_booking(struct cal *c, struct bulk *b, int64_t day, int room, int slot,
                            struct error *err)
{
    struct world *w = c->w;
    int64_t id = ++c->booking;
    uint64_t h = sc_hash(w, R_BOOKING, (uint64_t)id);
    int committee, cap = scale_room_capacity(room);
    struct booking k = {
        .id = id,
        .room = w->r0 + 1 + room,
        .org = booker(w, room / ROOMS_PER_STATION, h, &committee),
        .start = day_start(day) + slot_minute[slot] * 60,
        .attendance = 2 + (int64_t)((h >> 36) % (uint64_t)(cap - 1)),
        .station = w->s0 + 1 + room / ROOMS_PER_STATION,
        .version = 1,
        .title = booking_titles[(h >> 44) % N(booking_titles)],
        .status = "confirmed",
    };
    k.end = k.start + (30 + 15 * (int64_t)((h >> 32) % 5)) * 60;
    k.by = committee_user(w, committee);
    k.created = k.updated = min64(k.start, w->now) - 86400 * (1 + (int64_t)((h >> 20) % 60));
    unsigned u = (unsigned)((h >> 50) % 100);
    if (u < 6)
        k.status = "cancelled", k.reason = "活动改期";
    else if (k.start < w->now && u < 12)
        k.status = "released", k.reason = "not checked in within 15 minutes of the start";
    else if (k.start < w->now)
        k.checked_in = k.start - 60 * (int64_t)((h >> 56) % 25);
    if (k.reason || k.checked_in) {
        k.version = 2;
        k.updated = k.checked_in ? k.checked_in : min64(k.start, w->now);
    }
    return booking_row(b, &k, err);
}

/* How busy a room-day is: weekdays more than weekends, the larger rooms more than the
 * talk room, some stations more than others. */
static double weight(const struct world *w, int64_t day, int room)
{
    static const double weekday[7] = {1.2, 1.2, 1.2, 1.2, 1.1, 0.6, 0.4}; /* Monday first */
    static const double room_kind[ROOMS_PER_STATION] = {1.2, 1.1, 0.7};
    int dow = day_of_week(day);
    uint64_t h = sc_hash(w, R_TOWER, (uint64_t)(room / ROOMS_PER_STATION) << 32);
    return weekday[(dow + 6) % 7] * room_kind[room % ROOMS_PER_STATION] * (0.5 + sc_unit(h));
}

/* One room's day: its activities' bookings and `want` others in free slots. */
static int room_day(struct cal *c, struct bulk *b, int64_t day, int room, int want,
                    struct error *err)
{
    size_t rd = roomday(c, day, room);
    uint64_t h = sc_hash(c->w, R_ROOMDAY, rd);
    uint8_t chosen = 0;
    for (int k = 0; k < SLOTS_PER_DAY && want > 0; k++) {
        int s = (k + (int)(h % SLOTS_PER_DAY)) % SLOTS_PER_DAY;
        if (!(c->taken[rd] & 1u << s))
            chosen |= (uint8_t)(1u << s), want--;
    }
    for (int s = 0; s < SLOTS_PER_DAY; s++) {
        if (c->taken[rd] & 1u << s) {
            for (int i = c->head[rd]; i >= 0; i = c->plans[i].next)
                if (c->plans[i].slot == s && activity_booking(c, b, &c->plans[i], err) != 0)
                    return -1;
        } else if (chosen & 1u << s && ordinary_booking(c, b, day, room, s, err) != 0)
            return -1;
    }
    return 0;
}

/* Every room's bookings, day by day, as they would have been made: the others share out
 * what the activities leave of the total, by weight(), exactly. */
static int bookings(struct cal *c, struct db *db, struct error *err)
{
    struct world *w = c->w;
    int64_t others = w->size->bookings - c->n, given = 0, carry = 0;
    double total = 0, sum = 0;
    for (int64_t d = w->day0; d < w->day0 + w->ndays; d++)
        for (int r = 0; r < c->nrooms; r++)
            total += weight(w, d, r);
    struct bulk *b = bulk_open(db, BULK_BOOKINGS, err);
    int rc = b ? 0 : -1;
    for (int64_t d = w->day0; rc == 0 && d < w->day0 + w->ndays; d++)
        for (int r = 0; rc == 0 && r < c->nrooms; r++) {
            sum += weight(w, d, r);
            int64_t due =
                (int64_t)((double)others * sum / total + 1e-6); /* positive: truncation is floor */
            if (due > others)
                due = others;
            int64_t want = due - given + carry;
            int free = SLOTS_PER_DAY - __builtin_popcount(c->taken[roomday(c, d, r)]);
            int n = want < free ? (int)want : free;
            carry = want - n;
            given = due;
            rc = room_day(c, b, d, r, n, err);
        }
    int64_t rows = bulk_close(b, err);
    w->counts->bookings = rows;
    return rc == 0 && rows >= 0 ? 0 : -1;
}

static int activity_row(struct cal *c, struct bulk *b, const struct plan *p, struct error *err)
{
    static const char *const status[] = {
        [PLAN_HELD] = "held", [PLAN_PUBLISHED] = "published", [PLAN_CANCELLED] = "cancelled"};
    struct world *w = c->w;
    char path[256];
    int64_t made = min64(p->start - 14 * 86400, w->now);
    scale_org_path(w, p->committee, p->branch, path, sizeof(path));
    bulk_int(b, p->id);
    bulk_null(b);
    bulk_text(b, p->title);
    bulk_text(b, "楼宇党建活动，欢迎党员群众参加");
    bulk_text(b, p->kind);
    bulk_int(b, p->host_org);
    bulk_text(b, "[]");
    bulk_int(b, w->r0 + 1 + p->room);
    bulk_int(b, p->start);
    bulk_int(b, p->end);
    bulk_int(b, p->capacity);
    bulk_text(b, p->branch < 0 ? "committee" : "host");
    bulk_int(b, p->walk_ins);
    bulk_int(b, p->booking_id);
    bulk_text(b, status[p->status]);
    if (p->status == PLAN_CANCELLED)
        bulk_text(b, "因故取消");
    else
        bulk_null(b);
    bulk_int(b, w->s0 + 1 + p->room / ROOMS_PER_STATION);
    bulk_text(b, path);
    bulk_int(b, committee_user(w, p->committee));
    bulk_int(b, made);
    bulk_int(b, p->status == PLAN_PUBLISHED ? made : min64(p->end, w->now));
    return bulk_row(b, err);
}

static int activities(struct cal *c, struct db *db, struct error *err)
{
    struct bulk *b = bulk_open(db, BULK_ACTIVITIES, err);
    int rc = b ? 0 : -1;
    for (int i = 0; rc == 0 && i < c->n; i++)
        rc = activity_row(c, b, &c->plans[i], err);
    int64_t rows = bulk_close(b, err);
    c->w->counts->activities = rows;
    return rc == 0 && rows >= 0 ? 0 : -1;
}

int scale_calendar(struct world *w, struct db *db, struct error *err)
{
    struct cal c = {.w = w, .nrooms = w->size->stations * ROOMS_PER_STATION, .booking = w->bk0};
    size_t cells = (size_t)w->ndays * (size_t)c.nrooms;
    c.head = malloc(cells * sizeof(*c.head));
    c.taken = calloc(cells, 1);
    int rc = -1;
    if (c.head == NULL || c.taken == NULL)
        error_set(err, ERR_INTERNAL, "out of memory");
    else {
        memset(c.head, 0xff, cells * sizeof(*c.head));
        rc = plan(&c, err) || bookings(&c, db, err) || activities(&c, db, err) ||
                     scale_attendance(w, db, c.plans, c.n, err)
                 ? -1
                 : 0;
    }
    free(c.plans);
    free(c.head);
    free(c.taken);
    return rc;
}
