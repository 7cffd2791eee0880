/*
 * A booking's life after it is made: approval, cancellation, the waiting
 * list's offers, check-in, and the sweep that releases no-shows and lets
 * lapsed offers go. Each step runs under its station's calendar lock; each
 * slot that comes free is offered to those waiting for it.
 */
#include "domain/bookings.h"

#include <string.h>

#include "core/arena.h"
#include "core/timefmt.h"
#include "domain/audit.h"
#include "domain/calendar.h"
#include "domain/orgs.h"

#define CHECK_IN_EARLY_SECONDS (30 * 60)

struct change {
    struct arena *a;
    const struct caller *c;
    int64_t id, version; /* version 0: whatever is stored */
    bool yes;            /* approve, accept; 'following' for a cancellation */
    bool for_activity;   /* a cancellation by the activity the booking serves */
    const char *reason;
    int64_t now;
    /* read under the lock */
    struct booking *b;
    struct calendar cal;
    /* the outcome */
    struct booking **done;
    size_t ndone;
};

static int stale(const struct booking *b, int64_t sent, struct error *err)
{
    return error_set(err, ERR_CONFLICT,
                     "the booking was changed by someone else (version %lld, you sent %lld): "
                     "reload it and try again",
                     (long long)b->version, (long long)sent);
}

/* Reads the booking under its station's lock, for a change the caller must be allowed. */
static int load(struct db *db, struct change *ch, struct error *err)
{
    struct booking *b = entity_get(db, ch->a, &booking_entity, ch->id, err);
    if (b == NULL || calendar_lock(db, ch->a, b->station_id, &ch->cal, err) != 0)
        return -1;
    /* read again: what was read before the lock may have changed since */
    if ((ch->b = entity_get(db, ch->a, &booking_entity, ch->id, err)) == NULL)
        return -1;
    struct target t;
    if (calendar_target(db, ch->a, &ch->cal, ch->b->org_id, &t, err) != 0 ||
        policy_refuse(policy_decide(ch->c, &booking_entity, ACT_UPDATE, &t), &booking_entity,
                      ch->id, err) != 0)
        return -1;
    return ch->version && ch->b->version != ch->version ? stale(ch->b, ch->version, err) : 0;
}

static int wrong_status(const struct booking *b, const char *wanted, struct error *err)
{
    error_set(err, ERR_CONFLICT, "the booking is %s, not %s", b->status, wanted);
    return error_rule(err, "status");
}

static bool holds_slot(const char *status)
{
    return strcmp(status, "offered") == 0 || strcmp(status, "pending") == 0 ||
           strcmp(status, "confirmed") == 0;
}

/* Moves the booking on and, when that frees its slot, offers the slot to those waiting. */
static int move(struct db *db, struct change *ch, struct booking *b, const char *status,
                const char *reason, const char *action, struct error *err)
{
    bool freed = holds_slot(b->status) && !holds_slot(status);
    struct booking *after = booking_set_status(db, ch->a, ch->c, b, status, reason, 0, action, err);
    if (after == NULL)
        return -1;
    ch->done[ch->ndone++] = after;
    if (!freed)
        return 0;
    int64_t from = b->start > ch->now ? b->start : ch->now;
    return from < b->end
               ? calendar_offer_freed(db, ch->a, &ch->cal, b->room_id, from, b->end, ch->now, err)
               : 0;
}

static int run(struct db *db, struct change *ch, int (*fn)(struct db *, void *, struct error *),
               struct error *err)
{
    ch->now = time_now();
    return db_transact(db, DB_WRITE_LOCKING, fn, ch, err);
}

/* ---- approval ---- */

static int decide_txn(struct db *db, void *ctx, struct error *err)
{
    struct change *ch = ctx;
    ch->ndone = 0;
    if (load(db, ch, err) != 0)
        return -1;
    if (!calendar_managed_by(&ch->cal, ch->c))
        return error_set(err, ERR_FORBIDDEN,
                         "only the station's managers approve or reject bookings");
    if (strcmp(ch->b->status, "pending") != 0)
        return wrong_status(ch->b, "pending", err);
    return ch->yes ? move(db, ch, ch->b, "confirmed", NULL, "approve", err)
                   : move(db, ch, ch->b, "rejected", ch->reason, "reject", err);
}

struct booking *booking_decide(struct db *db, struct arena *a, const struct caller *c, int64_t id,
                               int64_t version, bool approve, const char *reason, struct error *err)
{
    struct booking *one[1];
    struct change ch = {.a = a,
                        .c = c,
                        .id = id,
                        .version = version,
                        .yes = approve,
                        .reason = reason,
                        .done = one};
    return run(db, &ch, decide_txn, err) == 0 ? one[0] : NULL;
}

/* ---- cancellation ---- */

static bool cancellable(const char *status)
{
    return holds_slot(status) || strcmp(status, "waiting") == 0;
}

/* The later occurrences of b's series that are still open, b's own id included. */
static int64_t *rest_of_series(struct db *db, struct change *ch, size_t *n, struct error *err)
{
    struct db_stmt *st = db_stmt(db, Q_BOOKING_SERIES_REST, err);
    if (st == NULL)
        return NULL;
    db_bind_int(st, 1, ch->b->series_id);
    db_bind_int(st, 2, ch->b->start);
    size_t cap = 16;
    int64_t *ids = arena_alloc(ch->a, cap * sizeof(int64_t));
    *n = 0;
    enum db_step r;
    while ((r = db_step(st, err)) == DB_ROW) {
        if (*n == cap) {
            int64_t *bigger = arena_alloc(ch->a, 2 * cap * sizeof(int64_t));
            memcpy(bigger, ids, cap * sizeof(int64_t));
            ids = bigger, cap *= 2;
        }
        ids[(*n)++] = db_col_int(st, 0);
    }
    return r == DB_FAIL ? NULL : ids;
}

/* A booking that serves an activity goes with the activity, never without it: the
 * activity's people would be left without a room. */
static int serves_activity(struct db *db, const struct booking *b, struct error *err)
{
    struct db_stmt *st = db_stmt(db, Q_ACTIVITY_OF_BOOKING, err);
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, b->id);
    enum db_step r = db_step(st, err);
    if (r != DB_ROW)
        return r == DB_FAIL ? -1 : 0;
    int64_t id = db_col_int(st, 0);
    db_step(st, err);
    error_set(err, ERR_CONFLICT,
              "booking %lld is the room of activity %lld: cancel the activity, which cancels "
              "its booking",
              (long long)b->id, (long long)id);
    return error_rule(err, "activity");
}

static int cancel_txn(struct db *db, void *ctx, struct error *err)
{
    struct change *ch = ctx;
    ch->ndone = 0;
    if (load(db, ch, err) != 0)
        return -1;
    if (!cancellable(ch->b->status))
        return wrong_status(ch->b, "open", err);
    size_t n = 1;
    int64_t *ids = &ch->b->id;
    if (ch->yes && ch->b->series_id && (ids = rest_of_series(db, ch, &n, err)) == NULL)
        return -1;
    ch->done = arena_alloc(ch->a, (n ? n : 1) * sizeof(struct booking *));
    for (size_t i = 0; i < n; i++) {
        struct booking *b =
            ids[i] == ch->b->id ? ch->b : entity_get(db, ch->a, &booking_entity, ids[i], err);
        if (b == NULL || (!ch->for_activity && serves_activity(db, b, err) != 0) ||
            move(db, ch, b, "cancelled", ch->reason, "cancel", err) != 0)
            return -1;
    }
    return 0;
}

int booking_cancel_in(struct db *db, struct arena *a, const struct caller *c, int64_t id,
                      const char *reason, int64_t now, struct error *err)
{
    struct change ch = {
        .a = a, .c = c, .id = id, .reason = reason, .now = now, .for_activity = true};
    return cancel_txn(db, &ch, err);
}

int booking_cancel(struct db *db, struct arena *a, const struct caller *c, int64_t id,
                   int64_t version, const char *reason, bool following, struct booking ***out,
                   struct error *err)
{
    struct change ch = {
        .a = a, .c = c, .id = id, .version = version, .yes = following, .reason = reason};
    if (run(db, &ch, cancel_txn, err) != 0)
        return -1;
    *out = ch.done;
    return (int)ch.ndone;
}

/* ---- the waiting list's offers ---- */

static int answer_txn(struct db *db, void *ctx, struct error *err)
{
    struct change *ch = ctx;
    ch->ndone = 0;
    if (load(db, ch, err) != 0)
        return -1;
    if (strcmp(ch->b->status, "offered") != 0)
        return wrong_status(ch->b, "offered", err);
    if (ch->b->offer_expires_at <= ch->now) { /* the sweep has not come round to it yet */
        error_set(err, ERR_CONFLICT, "the offer lapsed; the slot goes to the next in line");
        return error_rule(err, "offer_lapsed");
    }
    if (!ch->yes)
        return move(db, ch, ch->b, "declined", NULL, "decline", err);
    struct standing s;
    if (calendar_standing(db, ch->a, &ch->cal, ch->b->org_id, &s, err) != 0)
        return -1;
    enum approval ap = ch->cal.rules.approval;
    bool asks = ap == APPROVAL_ALL || (ap == APPROVAL_OUTSIDERS && !s.insider);
    bool manager = calendar_managed_by(&ch->cal, ch->c);
    return move(db, ch, ch->b, asks && !manager ? "pending" : "confirmed", NULL, "accept", err);
}

struct booking *booking_answer(struct db *db, struct arena *a, const struct caller *c, int64_t id,
                               int64_t version, bool accept, struct error *err)
{
    struct booking *one[1];
    struct change ch = {.a = a, .c = c, .id = id, .version = version, .yes = accept, .done = one};
    return run(db, &ch, answer_txn, err) == 0 ? one[0] : NULL;
}

/* ---- check-in ---- */

static int check_in_txn(struct db *db, void *ctx, struct error *err)
{
    struct change *ch = ctx;
    ch->ndone = 0;
    if (load(db, ch, err) != 0)
        return -1;
    struct booking *b = ch->b;
    if (strcmp(b->status, "confirmed") != 0)
        return wrong_status(b, "confirmed", err);
    if (!fields_is_null(booking_entity.table, b, "checked_in_at")) {
        ch->done[ch->ndone++] = b; /* checking in twice is checking in once */
        return 0;
    }
    if (ch->now < b->start - CHECK_IN_EARLY_SECONDS || ch->now >= b->end) {
        error_set(err, ERR_RULE,
                  "check-in opens 30 minutes before the start and closes at the end");
        return error_rule(err, "check_in_window");
    }
    struct db_stmt *st = db_stmt(db, Q_BOOKING_CHECK_IN, err);
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, ch->now);
    db_bind_int(st, 2, b->id);
    db_bind_int(st, 3, b->version);
    struct booking *after;
    struct target t;
    memset(&t, 0, sizeof(t));
    if (db_exec(st, err) != 0 ||
        (after = entity_get(db, ch->a, &booking_entity, b->id, err)) == NULL ||
        booking_target(db, ch->a, after, &t, err) != 0 ||
        audit_record(db, ch->a, ch->c, &booking_entity, b->id, "check_in", &t, b, after, err) != 0)
        return -1;
    ch->done[ch->ndone++] = after;
    return 0;
}

struct booking *booking_check_in(struct db *db, struct arena *a, const struct caller *c, int64_t id,
                                 struct error *err)
{
    struct booking *one[1];
    struct change ch = {.a = a, .c = c, .id = id, .done = one};
    return run(db, &ch, check_in_txn, err) == 0 ? one[0] : NULL;
}

/* ---- the sweep ---- */

static const struct caller sweeper = {.user_id = 0, .username = "sweep", .admin = true};

enum lapse { LAPSE_OFFER, LAPSE_WAIT, LAPSE_NO_SHOW };

struct sweep_one {
    struct change ch;
    enum lapse what;
    bool done;
};

/* Lets one booking lapse, if it still should once its calendar is locked. */
static int lapse_txn(struct db *db, void *ctx, struct error *err)
{
    struct sweep_one *s = ctx;
    struct change *ch = &s->ch;
    ch->ndone = 0;
    s->done = false;
    if (load(db, ch, err) != 0)
        return -1;
    struct booking *b = ch->b;
    switch (s->what) {
    case LAPSE_OFFER:
        if (strcmp(b->status, "offered") != 0 || b->offer_expires_at > ch->now)
            return 0;
        s->done = true;
        return move(db, ch, b, "expired", "the offer was not taken up in time", "expire", err);
    case LAPSE_WAIT:
        if (strcmp(b->status, "waiting") != 0 || b->start > ch->now)
            return 0;
        s->done = true;
        return move(db, ch, b, "expired", "the slot did not come free", "expire", err);
    case LAPSE_NO_SHOW:
        if (strcmp(b->status, "confirmed") != 0 ||
            !fields_is_null(booking_entity.table, b, "checked_in_at") ||
            !ch->cal.rules.release_no_shows ||
            b->start + (int64_t)ch->cal.rules.grace_minutes * 60 > ch->now)
            return 0;
        s->done = true;
        return move(db, ch, b, "released",
                    arena_printf(ch->a, "not checked in within %d minutes of the start",
                                 ch->cal.rules.grace_minutes),
                    "release", err);
    }
    return 0;
}

/* The ids a sweep statement names (at most 500 a round). */
static int64_t *due(struct db *db, struct arena *a, enum query q, int64_t now, size_t *n,
                    struct error *err)
{
    struct db_stmt *st = db_stmt(db, q, err);
    if (st == NULL)
        return NULL;
    db_bind_int(st, 1, now);
    int64_t *ids = arena_alloc(a, 500 * sizeof(int64_t));
    *n = 0;
    enum db_step r;
    while ((r = db_step(st, err)) == DB_ROW && *n < 500) {
        /* a no-show's grace is its station's: those still within it are left for later */
        if (q == Q_BOOKING_DUE_RELEASE) {
            struct booking_rules rules;
            booking_rules_from_text(a, db_col_text(st, 2, NULL), &rules);
            if (!rules.release_no_shows ||
                db_col_int(st, 1) + (int64_t)rules.grace_minutes * 60 > now)
                continue;
        }
        ids[(*n)++] = db_col_int(st, 0);
    }
    if (r == DB_ROW)
        db_exec(st, err);
    return r == DB_FAIL ? NULL : ids;
}

static int sweep_kind(struct db *db, struct arena *a, enum query q, enum lapse what, size_t *count,
                      struct error *err)
{
    int64_t now = time_now();
    size_t n;
    int64_t *ids = due(db, a, q, now, &n, err);
    if (ids == NULL)
        return -1;
    for (size_t i = 0; i < n; i++) {
        struct booking *one[4];
        struct sweep_one s = {.ch = {.a = a, .c = &sweeper, .id = ids[i], .done = one},
                              .what = what};
        if (run(db, &s.ch, lapse_txn, err) != 0)
            return -1;
        *count += s.done;
    }
    return 0;
}

int bookings_sweep(struct db *db, struct arena *a, size_t *released, size_t *expired,
                   struct error *err)
{
    *released = *expired = 0;
    if (sweep_kind(db, a, Q_BOOKING_DUE_OFFERS, LAPSE_OFFER, expired, err) != 0 ||
        sweep_kind(db, a, Q_BOOKING_LAPSED_WAITS, LAPSE_WAIT, expired, err) != 0)
        return -1;
    return sweep_kind(db, a, Q_BOOKING_DUE_RELEASE, LAPSE_NO_SHOW, released, err);
}

/* ---- an organisation's record ---- */

int booking_record(struct db *db, struct arena *a, const struct caller *c, int64_t org_id,
                   int64_t from, int64_t to, struct booking_record *out, struct error *err)
{
    if (entity_read(db, a, c, &org_entity, org_id, err) == NULL)
        return -1;
    struct db_stmt *st = db_stmt(db, Q_BOOKING_RECORD, err);
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, org_id);
    db_bind_int(st, 2, from);
    db_bind_int(st, 3, to);
    if (db_step(st, err) != DB_ROW)
        return -1;
    *out = (struct booking_record){db_col_int(st, 0), db_col_int(st, 1), db_col_int(st, 2),
                                   db_col_int(st, 3)};
    return db_exec(st, err);
}
