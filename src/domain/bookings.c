/*
 * Bookings and closures as records, and making bookings: one, or a series by
 * an RRULE, each occurrence checked against every rule in the order a person
 * would want to hear about them (the time, the room, the calendar, the quota).
 */
#include "domain/bookings.h"

#include <stddef.h>
#include <string.h>

#include "core/arena.h"
#include "core/timefmt.h"
#include "domain/audit.h"
#include "domain/calendar.h"
#include "domain/recurrence.h"

const char *const booking_statuses[] = {"waiting",  "offered",   "pending",  "confirmed",
                                        "rejected", "cancelled", "released", "declined",
                                        "expired",  NULL};

#define RO(n, T, F)                                                                                \
    {                                                                                              \
        .name = #n, .type = (T), .flags = FF_READONLY | (F), .offset = offsetof(struct booking, n) \
    }

static const struct field booking_fields[] = {
    ENTITY_ID_FIELD(struct booking),
    {.name = "room_id",
     .type = FT_REF,
     .flags = FF_REQUIRED | FF_CREATE_ONLY,
     .offset = offsetof(struct booking, room_id)},
    {.name = "org_id",
     .type = FT_REF,
     .flags = FF_REQUIRED | FF_CREATE_ONLY,
     .offset = offsetof(struct booking, org_id)},
    {.name = "start",
     .type = FT_TIME,
     .flags = FF_REQUIRED | FF_CREATE_ONLY,
     .offset = offsetof(struct booking, start)},
    {.name = "end",
     .type = FT_TIME,
     .flags = FF_REQUIRED | FF_CREATE_ONLY,
     .offset = offsetof(struct booking, end)},
    {.name = "title",
     .type = FT_TEXT,
     .flags = FF_REQUIRED,
     .max_chars = 100,
     .offset = offsetof(struct booking, title)},
    {.name = "purpose",
     .type = FT_TEXT,
     .flags = FF_NULLABLE | FF_MULTILINE,
     .max_chars = 1000,
     .offset = offsetof(struct booking, purpose)},
    {.name = "attendance",
     .type = FT_INT,
     .flags = FF_REQUIRED,
     .min = 1,
     .max = 10000,
     .offset = offsetof(struct booking, attendance)},
    {.name = "contact_name",
     .type = FT_TEXT,
     .flags = FF_NULLABLE,
     .max_chars = 50,
     .offset = offsetof(struct booking, contact_name)},
    {.name = "contact_phone",
     .type = FT_TEXT,
     .flags = FF_NULLABLE,
     .max_chars = 30,
     .charset = "0123456789+-() ",
     .offset = offsetof(struct booking, contact_phone)},
    {.name = "status",
     .type = FT_ENUM,
     .flags = FF_READONLY,
     .choices = booking_statuses,
     .offset = offsetof(struct booking, status)},
    RO(reason, FT_TEXT, FF_NULLABLE),
    RO(series_id, FT_REF, FF_NULLABLE),
    RO(flag, FT_TEXT, FF_NULLABLE),
    RO(checked_in_at, FT_TIME, FF_NULLABLE),
    RO(offer_expires_at, FT_TIME, FF_NULLABLE),
    RO(station_id, FT_REF, 0),
    RO(created_by, FT_REF, FF_NULLABLE),
    RO(org_name, FT_TEXT, 0),
    ENTITY_TRAILER_FIELDS(struct booking),
};

static const struct table booking_table = {
    booking_fields, sizeof(booking_fields) / sizeof(struct field), sizeof(struct booking)};

static bool is_active(const char *status)
{
    return strcmp(status, "offered") == 0 || strcmp(status, "pending") == 0 ||
           strcmp(status, "confirmed") == 0;
}

/* A patch changes the title, purpose, attendance or contact of a booking still to come. */
static int check_booking(struct db *db, const void *rec, struct error *err)
{
    const struct booking *b = rec;
    if (!is_active(b->status) && strcmp(b->status, "waiting") != 0)
        return error_set(err, ERR_CONFLICT, "the booking is %s: it can no longer be changed",
                         b->status);
    struct room *room = entity_get(db, err->arena, &room_entity, b->room_id, err);
    return room ? rule_check_capacity(b->attendance, room->capacity, err) : -1;
}

static const struct filter booking_filters[] = {
    {.param = "room_id", .type = FT_REF},
    {.param = "station_id", .type = FT_REF},
    {.param = "org_id", .type = FT_REF},
    {.param = "status", .type = FT_ENUM, .choices = booking_statuses},
    {.param = "from", .type = FT_TIME},
    {.param = "to", .type = FT_TIME},
    {.param = "series_id", .type = FT_REF},
};

const struct entity booking_entity = {
    .name = "booking",
    .plural = "bookings",
    .table = &booking_table,
    .get = Q_BOOKING_GET,
    .list = Q_BOOKING_LIST,
    .insert = Q_BOOKING_INSERT,
    .update = Q_BOOKING_UPDATE,
    /* never deleted: a booking is cancelled, and stays in the organisation's record */
    .filters = booking_filters,
    .nfilters = sizeof(booking_filters) / sizeof(booking_filters[0]),
    .check = check_booking,
    .read_roles = ROLES_SCOPED_TO_ORG,
    .write_roles = ROLE_BIT(ROLE_COMMITTEE_ADMIN) | ROLE_BIT(ROLE_BRANCH_SECRETARY) |
                   ROLE_BIT(ROLE_STATION_MANAGER),
    .target = booking_target,
    .list_scoped = true,
};

/* ---- closures ---- */

static const char *const closure_effects[] = {"refuse", "flag", NULL};

static const struct field closure_fields[] = {
    ENTITY_ID_FIELD(struct closure),
    {.name = "station_id",
     .type = FT_REF,
     .flags = FF_REQUIRED,
     .offset = offsetof(struct closure, station_id)},
    {.name = "room_id",
     .type = FT_REF,
     .flags = FF_NULLABLE,
     .offset = offsetof(struct closure, room_id)},
    {.name = "start",
     .type = FT_TIME,
     .flags = FF_REQUIRED,
     .offset = offsetof(struct closure, start)},
    {.name = "end", .type = FT_TIME, .flags = FF_REQUIRED, .offset = offsetof(struct closure, end)},
    {.name = "reason",
     .type = FT_TEXT,
     .flags = FF_REQUIRED,
     .max_chars = 100,
     .offset = offsetof(struct closure, reason)},
    {.name = "effect",
     .type = FT_ENUM,
     .choices = closure_effects,
     .def_text = "refuse",
     .offset = offsetof(struct closure, effect)},
    ENTITY_TRAILER_FIELDS(struct closure),
};

static const struct table closure_table = {
    closure_fields, sizeof(closure_fields) / sizeof(struct field), sizeof(struct closure)};

static int check_closure(struct db *db, const void *rec, struct error *err)
{
    const struct closure *c = rec;
    if (c->end <= c->start)
        return error_field(err, ERR_RULE, "/end", "must be later than start");
    if (fields_is_null(&closure_table, c, "room_id"))
        return 0;
    struct room *room = entity_get(db, err->arena, &room_entity, c->room_id, err);
    if (room == NULL)
        return err->kind == ERR_NOT_FOUND
                   ? (error_reset(err), error_field(err, ERR_RULE, "/room_id", "no such room"))
                   : -1;
    if (room->station_id != c->station_id)
        return error_field(err, ERR_RULE, "/room_id", "the room is not in station %lld",
                           (long long)c->station_id);
    return 0;
}

/* A closure is the station's to set. */
static int closure_target(struct db *db, struct arena *a, const void *rec, struct target *t,
                          struct error *err)
{
    const struct closure *c = rec;
    struct station *s = entity_get(db, a, &station_entity, c->station_id, err);
    if (s == NULL && err->kind == ERR_NOT_FOUND) {
        error_reset(err); /* the reference check says so */
        return 0;
    }
    return s ? station_target(db, a, s, t, err) : -1;
}

/* Bookings already made for a time the station now closes are flagged (not cancelled:
 * the staff decide with the booker), so that the calendar shows them. */
static int flag_closed(struct db *db, struct arena *a, const void *before, const void *after,
                       struct error *err)
{
    (void)before;
    const struct closure *c = after;
    struct db_stmt *st = db_stmt(db, Q_BOOKING_FLAG_CLOSED, err);
    if (st == NULL)
        return -1;
    const char *flag = arena_printf(a, "closure %lld: %s", (long long)c->id, c->reason);
    db_bind_text(st, 1, flag, strlen(flag));
    db_bind_int(st, 2, time_now());
    db_bind_int(st, 3, c->station_id);
    if (fields_is_null(&closure_table, c, "room_id"))
        db_bind_null(st, 4);
    else
        db_bind_int(st, 4, c->room_id);
    db_bind_int(st, 5, c->start);
    db_bind_int(st, 6, c->end);
    return db_exec(st, err);
}

static const struct reference closure_refs[] = {
    {"station_id", Q_STATION_GET, "station"},
};

static const struct filter closure_filters[] = {
    {.param = "station_id", .type = FT_REF},
    {.param = "room_id", .type = FT_REF},
    {.param = "from", .type = FT_TIME},
    {.param = "to", .type = FT_TIME},
};

const struct entity closure_entity = {
    .name = "closure",
    .plural = "closures",
    .table = &closure_table,
    .get = Q_CLOSURE_GET,
    .list = Q_CLOSURE_LIST,
    .insert = Q_CLOSURE_INSERT,
    .update = Q_CLOSURE_UPDATE,
    .del = Q_CLOSURE_DELETE,
    .dependants = Q_CLOSURE_DEPENDANTS,
    .dependants_what = "dependants",
    .refs = closure_refs,
    .nrefs = 1,
    .filters = closure_filters,
    .nfilters = 4,
    .check = check_closure,
    .public_read = true, /* a holiday is news for everyone who might book */
    .write_roles = ROLE_BIT(ROLE_COMMITTEE_ADMIN) | ROLE_BIT(ROLE_STATION_MANAGER),
    .target = closure_target,
    .after_write = flag_closed,
};

/* ---- making bookings ---- */

struct creation {
    struct arena *a;
    const struct caller *c;
    const struct booking_request *rq;
    struct booking_result *out;
    int64_t now;
    /* set up once per attempt */
    struct room *room;
    struct calendar cal;
    struct standing standing;
    struct target target;
    const char *status; /* what a booking that gets its slot becomes */
};

/* Closures that meet the booking: one that refuses ends it; one that flags is noted. */
static int check_closures(struct db *db, struct creation *w, struct booking *b, struct error *err)
{
    struct db_stmt *st = db_stmt(db, Q_CLOSURE_MEETING, err);
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, w->cal.station->id);
    db_bind_int(st, 2, b->room_id);
    db_bind_int(st, 3, b->start);
    db_bind_int(st, 4, b->end);
    enum db_step r;
    while ((r = db_step(st, err)) == DB_ROW) {
        const char *reason = db_col_text(st, 1, NULL);
        if (strcmp(db_col_text(st, 2, NULL), "refuse") == 0) {
            error_set(err, ERR_CONFLICT, "the station is closed from %s to %s: %s",
                      rfc3339_local(w->a, db_col_int(st, 3)),
                      rfc3339_local(w->a, db_col_int(st, 4)), reason);
            db_exec(st, NULL);
            return error_rule(err, "closure");
        }
        b->flag = arena_printf(w->a, "closure %lld: %s", (long long)db_col_int(st, 0), reason);
        rec_set_null(b, (size_t)fields_find(&booking_table, "flag"), false);
    }
    return r == DB_FAIL ? -1 : 0;
}

static int64_t insert(struct db *db, struct creation *w, const struct booking *b,
                      const char *status, struct error *err)
{
    struct db_stmt *st = db_stmt(db, Q_BOOKING_INSERT, err);
    if (st == NULL)
        return -1;
    int idx = rows_bind(st, &booking_table, b);
    db_bind_text(st, idx++, status, strlen(status));
    if (b->series_id)
        db_bind_int(st, idx++, b->series_id);
    else
        db_bind_null(st, idx++);
    if (b->flag)
        db_bind_text(st, idx++, b->flag, strlen(b->flag));
    else
        db_bind_null(st, idx++);
    db_bind_null(st, idx++); /* offer_expires_at */
    db_bind_int(st, idx++, w->cal.station->id);
    if (w->c->user_id)
        db_bind_int(st, idx++, w->c->user_id);
    else
        db_bind_null(st, idx++);
    db_bind_int(st, idx, w->now);
    if (db_step(st, err) != DB_ROW)
        return -1;
    int64_t id = db_col_int(st, 0);
    return db_exec(st, err) == 0 ? id : -1;
}

/* Books one occurrence after every rule; the stored booking, or NULL. */
static struct booking *place(struct db *db, struct creation *w, struct booking *b,
                             struct error *err)
{
    const char *status = w->status;
    if (rule_check_times(&w->cal.rules, &w->standing, b->start, b->end, w->now, err) != 0 ||
        rule_check_hours(&w->cal.hours, b->start, b->end, err) != 0 ||
        rule_check_capacity(b->attendance, w->room->capacity, err) != 0 ||
        check_closures(db, w, b, err) != 0)
        return NULL;
    int64_t taken = calendar_conflict(db, b->room_id, b->start, b->end, 0, err);
    if (taken < 0)
        return NULL;
    if (taken > 0 && !w->rq->wait) {
        error_set(err, ERR_CONFLICT,
                  "the room is already booked at this time (booking %lld): choose another time "
                  "or room, or join the waiting list",
                  (long long)taken);
        error_rule(err, "overlap");
        return NULL;
    }
    if (taken > 0)
        status = "waiting"; /* quotas count what is held, and a waiting booking holds nothing */
    else if (calendar_check_quota(db, &w->cal, &w->standing, b->org_id, b->start, b->end, 0, w->now,
                                  err) != 0)
        return NULL;
    int64_t id = insert(db, w, b, status, err);
    struct booking *stored = id > 0 ? entity_get(db, w->a, &booking_entity, id, err) : NULL;
    if (stored == NULL || audit_record(db, w->a, w->c, &booking_entity, id, "create", &w->target,
                                       NULL, stored, err) != 0)
        return NULL;
    return stored;
}

/* Reads the room, locks its station's calendar and asks the policy. */
static int prepare(struct db *db, struct creation *w, struct error *err)
{
    const struct booking *b = w->rq->b;
    w->room = entity_get(db, w->a, &room_entity, b->room_id, err);
    if (w->room == NULL)
        return err->kind == ERR_NOT_FOUND
                   ? (error_reset(err), error_field(err, ERR_RULE, "/room_id",
                                                    "no room with id %lld", (long long)b->room_id))
                   : -1;
    if (calendar_lock(db, w->a, w->room->station_id, &w->cal, err) != 0 ||
        calendar_target(db, w->a, &w->cal, b->org_id, &w->target, err) != 0)
        return -1;
    /* Access first: a refused caller learns nothing about which organisations exist. */
    enum verdict v = policy_decide(w->c, &booking_entity, ACT_CREATE, &w->target);
    if (policy_refuse(v == DENY_HIDDEN ? DENY : v, &booking_entity, 0, err) != 0 ||
        calendar_standing(db, w->a, &w->cal, b->org_id, &w->standing, err) != 0)
        return -1;
    if (!w->room->bookable) {
        error_field(err, ERR_RULE, "/room_id", "this room is not lent out");
        return error_rule(err, "not_bookable");
    }
    /* Those who would approve a booking need not ask themselves. */
    bool approved = calendar_managed_by(&w->cal, w->c);
    enum approval ap = w->cal.rules.approval;
    bool asks = ap == APPROVAL_ALL || (ap == APPROVAL_OUTSIDERS && !w->standing.insider);
    w->status = asks && !approved ? "pending" : "confirmed";
    return 0;
}

/* The starts of the occurrences asked for. A rule without an end (no COUNT or UNTIL) runs
 * up to the station's horizon; one with an end is taken whole, so that an occurrence
 * beyond the horizon is refused (or skipped) by name, not dropped unseen. */
static int occurrences(struct creation *w, int64_t **starts, size_t *n, struct error *err)
{
    const struct booking *b = w->rq->b;
    if (w->rq->rrule == NULL) {
        *starts = arena_alloc(w->a, sizeof(int64_t));
        (*starts)[0] = b->start;
        *n = 1;
        return 0;
    }
    int days = w->standing.vip ? w->cal.rules.vip_horizon_days : w->cal.rules.horizon_days;
    bool ends = strcasestr(w->rq->rrule, "COUNT=") || strcasestr(w->rq->rrule, "UNTIL=");
    int64_t until = ends ? b->start + 10 * 366 * 86400LL : w->now + (int64_t)days * 86400;
    return recurrence_expand(w->a, w->rq->rrule, b->start, until, starts, n, err);
}

static int64_t new_series(struct db *db, struct creation *w, struct error *err)
{
    struct db_stmt *st = db_stmt(db, Q_BOOKING_SERIES_INSERT, err);
    if (st == NULL)
        return -1;
    db_bind_text(st, 1, w->rq->rrule, strlen(w->rq->rrule));
    db_bind_int(st, 2, w->now);
    if (db_step(st, err) != DB_ROW)
        return -1;
    int64_t id = db_col_int(st, 0);
    return db_exec(st, err) == 0 ? id : -1;
}

/* A refusal of one occurrence of a series says which one. */
static int refuse_occurrence(struct creation *w, int64_t start, struct error *err)
{
    const char *what = err->detail ? err->detail : err->nfields ? err->fields[0].detail : "refused";
    err->detail = arena_printf(w->a, "the occurrence at %s: %s", rfc3339_local(w->a, start), what);
    return -1;
}

static int create_txn(struct db *db, void *ctx, struct error *err)
{
    struct creation *w = ctx;
    struct booking_result *out = w->out;
    memset(out, 0, sizeof(*out));
    int64_t *starts;
    size_t n;
    if (prepare(db, w, err) != 0 || occurrences(w, &starts, &n, err) != 0)
        return -1;
    if (w->rq->rrule && (out->series_id = new_series(db, w, err)) < 0)
        return -1;
    out->made = arena_alloc(w->a, n * sizeof(struct booking *));
    out->skipped = arena_alloc(w->a, n * sizeof(struct skipped));
    int64_t length = w->rq->b->end - w->rq->b->start;
    for (size_t i = 0; i < n; i++) {
        struct booking b = *w->rq->b;
        b.start = starts[i];
        b.end = starts[i] + length;
        b.series_id = out->series_id;
        b.flag = NULL;
        struct error one;
        error_init(&one, w->a);
        struct booking *made = place(db, w, &b, &one);
        if (made) {
            out->made[out->nmade++] = made;
            continue;
        }
        bool refused = one.kind == ERR_RULE || one.kind == ERR_CONFLICT;
        if (!refused || !w->rq->skip_conflicts || n == 1) {
            *err = one;
            return n > 1 && refused ? refuse_occurrence(w, b.start, err) : -1;
        }
        out->skipped[out->nskipped++] = (struct skipped){
            b.start, b.end, one.rule, one.detail ? one.detail : one.fields[0].detail};
    }
    if (out->nmade == 0) {
        error_set(err, ERR_CONFLICT, "none of the %zu occurrences could be booked: %s", n,
                  out->skipped[0].detail);
        return error_rule(err, out->skipped[0].rule);
    }
    return 0;
}

int booking_create(struct db *db, struct arena *a, const struct caller *c,
                   const struct booking_request *rq, struct booking_result *out, struct error *err)
{
    struct creation w = {.a = a, .c = c, .rq = rq, .out = out, .now = time_now()};
    return db_transact(db, DB_WRITE_LOCKING, create_txn, &w, err);
}

int booking_create_in(struct db *db, struct arena *a, const struct caller *c,
                      const struct booking_request *rq, int64_t now, struct booking_result *out,
                      struct error *err)
{
    struct creation w = {.a = a, .c = c, .rq = rq, .out = out, .now = now};
    return create_txn(db, &w, err);
}
