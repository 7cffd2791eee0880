/*
 * Who signed up for and came to the generated activities, and the attendees table
 * that adds it up. One enumeration of each activity's people (attend()) serves three
 * passes, since a bulk load on PostgreSQL holds its connection to itself: sign-ups,
 * then check-ins (which name the sign-ups by the same ids), then attendees.
 *
 * Of those who may attend (the host branch's members, or all of the committee's), a
 * held activity gets its share of the check-ins, nine in ten members and the rest
 * guests; some who signed up stay away. An activity to come has sign-ups only.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/activity_rules.h"
#include "domain/scale_world.h"

#define GUESTS_PER_COMMITTEE 400

struct visit {
    int64_t member; /* index of the member, or -1 for a guest */
    int64_t phone;  /* a guest's */
    bool registered, came;
    const char *method;
    int64_t at;
    uint64_t h;
};

struct tally {
    int64_t org, person; /* person: a member's id, or minus a guest's phone; org 0: empty */
    int64_t times, minutes;
};

struct tallies {
    struct tally *t;
    size_t cap, n;
};

struct pass {
    struct world *w;
    const struct plan *plans;
    int n;
    int *checkins;        /* per activity: how many check in */
    int64_t reg, checkin; /* the last ids given */
    struct bulk *b;
    int (*visit)(struct pass *, const struct plan *, const struct visit *, struct error *);
    struct tallies year, all;
    int64_t year_of;
};

/* ---- the people of an activity ---- */

static void pool(const struct world *w, const struct plan *p, int64_t *first, int64_t *count)
{
    int from = p->branch >= 0 ? p->branch : w->branch_first[p->committee];
    int to = p->branch >= 0 ? p->branch + 1 : w->branch_first[p->committee + 1];
    *first = w->member_first[from];
    *count = w->member_first[to] - *first;
}

static int64_t gcd(int64_t a, int64_t b)
{
    while (b) {
        int64_t t = a % b;
        a = b, b = t;
    }
    return a;
}

static const char *method(const struct plan *p, uint64_t h, bool guest)
{
    unsigned u = (unsigned)(h % 100);
    if (guest)
        return p->walk_ins ? "walk_in" : "desk";
    if (p->walk_ins)
        return u < 55 ? "scan" : u < 70 ? "desk" : "walk_in";
    return u < 75 ? "scan" : "desk";
}

static int attend(struct pass *x, int i, struct error *err)
{
    const struct plan *p = &x->plans[i];
    struct world *w = x->w;
    int64_t first, count;
    pool(w, p, &first, &count);
    if (p->status == PLAN_CANCELLED || count == 0)
        return 0;
    uint64_t h = sc_hash(w, R_ATTEND, (uint64_t)p->id);
    int64_t stride = 1 + (int64_t)((h >> 8) % (uint64_t)count);
    while (gcd(stride, count) != 1)
        stride++;
    int64_t came = 0, stayed = 0, guests = 0, offset = (int64_t)(h % (uint64_t)count);
    if (p->status == PLAN_HELD) {
        int64_t n = x->checkins[i];
        came = n * 92 / 100 < count ? n * 92 / 100 : count;
        guests = n - came;
        /* no-shows: as many as the places the others left, of those who may come */
        stayed = came * 8 / 100 < count - came ? came * 8 / 100 : count - came;
        if (stayed > p->capacity - came - guests)
            stayed = p->capacity - came - guests > 0 ? p->capacity - came - guests : 0;
    } else {
        stayed = p->capacity * (20 + (int64_t)((h >> 40) % 70)) / 100;
        stayed = stayed < count ? stayed : count;
    }
    for (int64_t k = 0; k < came + stayed + guests; k++) {
        uint64_t hk = sc_hash(w, R_REG, (uint64_t)p->id << 12 ^ (uint64_t)k);
        bool guest = k >= came + stayed;
        struct visit v = {
            .member = guest ? -1 : first + (offset + k * stride) % count,
            .phone = guest ? 15000000000LL + p->committee * 1000LL +
                                 (int64_t)(((h >> 20) + (uint64_t)k) % GUESTS_PER_COMMITTEE)
                           : 0,
            .came = k < came || guest,
            .at = p->start - 600 + 60 * (int64_t)((hk >> 8) % 40),
            .h = hk,
        };
        v.method = v.came ? method(p, hk, guest) : NULL;
        v.registered = !v.came || strcmp(v.method, "walk_in") != 0;
        if (x->visit(x, p, &v, err) != 0)
            return -1;
    }
    return 0;
}

/* Shares the check-ins out over the held activities by weight, exactly, none over its
 * capacity (what one cannot take passes to the next). */
static int share_checkins(struct pass *x, struct error *err)
{
    x->checkins = calloc((size_t)x->n + 1, sizeof(*x->checkins));
    if (x->checkins == NULL)
        return error_set(err, ERR_INTERNAL, "out of memory");
    double total = 0, sum = 0;
    for (int i = 0; i < x->n; i++)
        if (x->plans[i].status == PLAN_HELD)
            total += x->plans[i].capacity *
                     (0.55 + 0.4 * sc_unit(sc_hash(x->w, R_ATTEND, (uint64_t)~x->plans[i].id)));
    int64_t want = x->w->size->checkins, given = 0, carry = 0;
    for (int i = 0; i < x->n && total > 0; i++) {
        const struct plan *p = &x->plans[i];
        if (p->status != PLAN_HELD)
            continue;
        sum += p->capacity * (0.55 + 0.4 * sc_unit(sc_hash(x->w, R_ATTEND, (uint64_t)~p->id)));
        int64_t due =
            (int64_t)((double)want * sum / total + 1e-6); /* positive: truncation is floor */
        due = due > want ? want : due;
        int64_t n = due - given + carry;
        int64_t first, count;
        pool(x->w, p, &first, &count);
        int64_t room =
            count + GUESTS_PER_COMMITTEE < p->capacity ? count + GUESTS_PER_COMMITTEE : p->capacity;
        x->checkins[i] = (int)(n < room ? n : room);
        carry = n - x->checkins[i];
        given = due;
    }
    return 0;
}

static void person(const struct world *w, const struct visit *v, char out[PERSON_KEY_MAX],
                   char phone[16])
{
    snprintf(phone, 16, "%lld", (long long)v->phone);
    person_key(out, v->member >= 0 ? w->m0 + 1 + v->member : 0, 0, v->member >= 0 ? NULL : phone);
}

static void name(const struct world *w, const struct visit *v, char *out, size_t n)
{
    if (v->member >= 0)
        scale_person_name(w, v->member, out, n);
    else
        snprintf(out, n, "访客%04lld", (long long)(v->phone % 10000));
}

/* ---- pass 1: sign-ups ---- */

static int registration(struct pass *x, const struct plan *p, const struct visit *v,
                        struct error *err)
{
    if (!v->registered)
        return 0;
    struct world *w = x->w;
    char key[PERSON_KEY_MAX], phone[16], who[32];
    person(w, v, key, phone);
    name(w, v, who, sizeof(who));
    int64_t made = p->start - 86400 * (1 + (int64_t)((v->h >> 20) % 10));
    made = made < w->now ? made : w->now - 60;
    bulk_int(x->b, ++x->reg);
    bulk_int(x->b, p->id);
    bulk_text(x->b, key);
    bulk_id_or_null(x->b, v->member >= 0 ? w->m0 + 1 + v->member : 0);
    bulk_null(x->b);
    bulk_text(x->b, who);
    if (v->member >= 0)
        bulk_null(x->b);
    else
        bulk_text(x->b, phone);
    bulk_int(x->b, p->start);
    bulk_int(x->b, p->end);
    bulk_text(x->b, "registered");
    bulk_text(x->b, v->member >= 0 ? "self" : "staff");
    bulk_int(x->b, made);
    bulk_int(x->b, made);
    return bulk_row(x->b, err);
}

/* ---- pass 2: check-ins ---- */

static int checkin(struct pass *x, const struct plan *p, const struct visit *v, struct error *err)
{
    int64_t reg = v->registered ? ++x->reg : 0;
    if (!v->came)
        return 0;
    struct world *w = x->w;
    char key[PERSON_KEY_MAX], phone[16], who[32];
    person(w, v, key, phone);
    name(w, v, who, sizeof(who));
    bulk_int(x->b, ++x->checkin);
    bulk_int(x->b, p->id);
    bulk_text(x->b, key);
    bulk_id_or_null(x->b, reg);
    bulk_id_or_null(x->b, v->member >= 0 ? w->m0 + 1 + v->member : 0);
    bulk_text(x->b, who);
    bulk_text(x->b, v->method);
    bulk_int(x->b, v->at);
    bulk_id_or_null(x->b, strcmp(v->method, "scan") == 0 ? 0 : committee_user(w, p->committee));
    bulk_int(x->b, v->at);
    bulk_int(x->b, v->at);
    return bulk_row(x->b, err);
}

/* ---- pass 3: attendees ---- */

static size_t slot_of(const struct tallies *m, int64_t org, int64_t who)
{
    uint64_t h = (uint64_t)org * 0x9E3779B97F4A7C15ull ^ (uint64_t)who * 0xBF58476D1CE4E5B9ull;
    size_t i = (size_t)(h ^ h >> 29) & (m->cap - 1);
    while (m->t[i].org != 0 && (m->t[i].org != org || m->t[i].person != who))
        i = (i + 1) & (m->cap - 1);
    return i;
}

static int grow(struct tallies *m, struct error *err)
{
    struct tallies bigger = {.cap = m->cap ? m->cap * 2 : 1 << 16};
    if ((bigger.t = calloc(bigger.cap, sizeof(*bigger.t))) == NULL)
        return error_set(err, ERR_INTERNAL, "out of memory");
    for (size_t i = 0; i < m->cap; i++)
        if (m->t[i].org != 0)
            bigger.t[slot_of(&bigger, m->t[i].org, m->t[i].person)] = m->t[i];
    bigger.n = m->n;
    free(m->t);
    *m = bigger;
    return 0;
}

static int tally(struct tallies *m, int64_t org, int64_t who, int64_t minutes, struct error *err)
{
    if (2 * (m->n + 1) > m->cap && grow(m, err) != 0)
        return -1;
    struct tally *t = &m->t[slot_of(m, org, who)];
    if (t->org == 0)
        *t = (struct tally){.org = org, .person = who}, m->n++;
    t->times++;
    t->minutes += minutes;
    return 0;
}

static int by_key(const void *a, const void *b)
{
    const struct tally *x = a, *y = b;
    if (x->org != y->org)
        return x->org < y->org ? -1 : 1;
    return x->person < y->person ? -1 : x->person > y->person;
}

/* Writes the tallies as attendees rows of the period, in key order, and empties them. */
static int flush(struct pass *x, struct tallies *m, int64_t period, struct error *err)
{
    size_t n = 0;
    for (size_t i = 0; i < m->cap; i++)
        if (m->t[i].org != 0)
            m->t[n++] = m->t[i];
    qsort(m->t, n, sizeof(*m->t), by_key);
    char key[PERSON_KEY_MAX], phone[24];
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const struct tally *t = &m->t[i];
        snprintf(phone, sizeof(phone), "%lld", (long long)-t->person);
        person_key(key, t->person > 0 ? t->person : 0, 0, t->person > 0 ? NULL : phone);
        bulk_int(x->b, t->org);
        bulk_int(x->b, period);
        bulk_text(x->b, key);
        bulk_int(x->b, t->times);
        bulk_int(x->b, t->minutes);
        rc = bulk_row(x->b, err);
    }
    memset(m->t, 0, m->cap * sizeof(*m->t));
    m->n = 0;
    return rc;
}

static int attendee(struct pass *x, const struct plan *p, const struct visit *v, struct error *err)
{
    if (!v->came)
        return 0;
    struct world *w = x->w;
    int64_t year = local_year(p->start);
    if (year != x->year_of) {
        if (x->year.n > 0 && flush(x, &x->year, x->year_of, err) != 0)
            return -1;
        x->year_of = year;
    }
    char path[256];
    int64_t orgs[16];
    scale_org_path(w, p->committee, p->branch, path, sizeof(path));
    size_t n = path_ids(path, orgs, 16);
    int64_t who = v->member >= 0 ? w->m0 + 1 + v->member : -v->phone;
    int64_t minutes = activity_volunteer_minutes(p->kind, p->start, p->end);
    for (size_t i = 0; i < n; i++)
        if (tally(&x->year, orgs[i], who, minutes, err) != 0 ||
            tally(&x->all, orgs[i], who, minutes, err) != 0)
            return -1;
    return 0;
}

/* One pass over every activity into one table. */
static int run(struct pass *x, struct db *db, enum bulk_table t,
               int (*visit)(struct pass *, const struct plan *, const struct visit *,
                            struct error *),
               int64_t *rows, struct error *err)
{
    x->b = bulk_open(db, t, err);
    x->visit = visit;
    x->reg = x->w->rg0;
    int rc = x->b ? 0 : -1;
    for (int i = 0; rc == 0 && i < x->n; i++)
        rc = attend(x, i, err);
    if (rc == 0 && t == BULK_ATTENDEES)
        rc = (x->year.n ? flush(x, &x->year, x->year_of, err) : 0) || flush(x, &x->all, 0, err);
    *rows = bulk_close(x->b, err);
    return rc == 0 && *rows >= 0 ? 0 : -1;
}

int scale_attendance(struct world *w, struct db *db, const struct plan *plans, int n,
                     struct error *err)
{
    struct pass x = {.w = w, .plans = plans, .n = n, .checkin = w->c0};
    struct scale_counts *k = w->counts;
    int rc = share_checkins(&x, err) ||
                     run(&x, db, BULK_REGISTRATIONS, registration, &k->registrations, err) ||
                     run(&x, db, BULK_CHECKINS, checkin, &k->checkins, err) || grow(&x.all, err) ||
                     run(&x, db, BULK_ATTENDEES, attendee, &k->attendees, err)
                 ? -1
                 : 0;
    free(x.checkins);
    free(x.year.t);
    free(x.all.t);
    return rc;
}
