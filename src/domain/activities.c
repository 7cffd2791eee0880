/*
 * Activities as records, and their life: made with their room's booking,
 * published, changed (more places move the waiting list up), cancelled with
 * their booking and sign-ups, held once over.
 */
#include "domain/activities.h"

#include <stddef.h>
#include <string.h>

#include "core/arena.h"
#include "core/timefmt.h"
#include "domain/audit.h"
#include "domain/bookings.h"
#include "domain/orgs.h"
#include "domain/places.h"
#include "domain/registrations.h"

#define MAX_CO_ORGANISERS 10

static int canon_orgs(struct arena *a, const json_t *v, char **out, const char **why)
{
    return org_ids_canon(a, v, MAX_CO_ORGANISERS, out, why);
}

#define RO(n, T, F)                                                                                \
    {                                                                                              \
        .name = #n, .type = (T), .flags = FF_READONLY | (F),                                       \
        .offset = offsetof(struct activity, n)                                                     \
    }
#define CREATED(n, T, F)                                                                           \
    {                                                                                              \
        .name = #n, .type = (T), .flags = FF_CREATE_ONLY | (F),                                    \
        .offset = offsetof(struct activity, n)                                                     \
    }

static const struct field activity_fields[] = {
    ENTITY_ID_FIELD(struct activity),
    CREATED(series_id, FT_REF, FF_NULLABLE),
    {.name = "title",
     .type = FT_TEXT,
     .flags = FF_REQUIRED,
     .max_chars = 100,
     .offset = offsetof(struct activity, title)},
    {.name = "description",
     .type = FT_TEXT,
     .flags = FF_NULLABLE | FF_MULTILINE,
     .max_chars = 2000,
     .offset = offsetof(struct activity, description)},
    /* given once: what a check-in counted (volunteer time) must not change under it */
    {.name = "kind",
     .type = FT_ENUM,
     .flags = FF_REQUIRED | FF_CREATE_ONLY,
     .choices = activity_kinds,
     .offset = offsetof(struct activity, kind)},
    CREATED(host_org_id, FT_REF, FF_REQUIRED),
    {.name = "co_organisers",
     .type = FT_JSON,
     .def_text = "[]",
     .canon = canon_orgs,
     .offset = offsetof(struct activity, co_organisers)},
    CREATED(room_id, FT_REF, FF_NULLABLE),
    CREATED(start, FT_TIME, FF_NULLABLE),
    CREATED(end, FT_TIME, FF_NULLABLE),
    {.name = "capacity",
     .type = FT_INT,
     .flags = FF_REQUIRED,
     .min = 1,
     .max = 10000,
     .offset = offsetof(struct activity, capacity)},
    {.name = "audience",
     .type = FT_ENUM,
     .choices = activity_audiences,
     .def_text = "committee",
     .offset = offsetof(struct activity, audience)},
    {.name = "walk_ins", .type = FT_BOOL, .def = 1, .offset = offsetof(struct activity, walk_ins)},
    {.name = "slot_minutes",
     .type = FT_INT,
     .flags = FF_NULLABLE | FF_CREATE_ONLY,
     .min = 1,
     .max = 1440,
     .offset = offsetof(struct activity, slot_minutes)},
    {.name = "slot_capacity",
     .type = FT_INT,
     .flags = FF_NULLABLE | FF_CREATE_ONLY,
     .min = 1,
     .max = 10000,
     .offset = offsetof(struct activity, slot_capacity)},
    CREATED(booking_id, FT_REF, FF_NULLABLE),
    {.name = "status",
     .type = FT_ENUM,
     .flags = FF_READONLY,
     .choices = activity_statuses,
     .offset = offsetof(struct activity, status)},
    RO(reason, FT_TEXT, FF_NULLABLE),
    RO(birthday_month, FT_TEXT, FF_NULLABLE),
    RO(station_id, FT_REF, 0),
    RO(registered, FT_INT, 0),
    RO(waiting, FT_INT, 0),
    RO(checked_in, FT_INT, 0),
    RO(created_by, FT_REF, FF_NULLABLE),
    RO(host_name, FT_TEXT, 0),
    ENTITY_TRAILER_FIELDS(struct activity),
};

static const struct table activity_table = {
    activity_fields, sizeof(activity_fields) / sizeof(struct field), sizeof(struct activity)};

static bool is_null(const struct activity *act, const char *field)
{
    return fields_is_null(&activity_table, act, field);
}

static size_t co_organisers(const struct activity *act, int64_t out[MAX_CO_ORGANISERS])
{
    return org_ids_parse(act->co_organisers, out, MAX_CO_ORGANISERS);
}

int activity_target(struct db *db, struct arena *a, const void *rec, struct target *t,
                    struct error *err)
{
    const struct activity *act = rec;
    int64_t co[MAX_CO_ORGANISERS];
    size_t n = co_organisers(act, co);
    if (target_add_org(db, a, act->host_org_id, t, err) != 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (target_add_org(db, a, co[i], t, err) != 0)
            return -1;
    /* the committee that runs the station keeps its calendar, activities included */
    struct station *s = entity_get(db, a, &station_entity, act->station_id, err);
    if (s == NULL)
        return -1;
    if (!fields_is_null(station_entity.table, s, "org_id") &&
        target_add_org(db, a, s->org_id, t, err) != 0)
        return -1;
    t->station_id = act->station_id;
    t->unpublished = act->status && strcmp(act->status, "draft") == 0;
    return 0;
}

bool activity_managed_by(struct db *db, struct arena *a, const struct caller *c,
                         const struct activity *act, struct error *err)
{
    struct target t;
    memset(&t, 0, sizeof(t));
    if (activity_target(db, a, act, &t, err) != 0)
        return false;
    return policy_decide(c, &activity_entity, ACT_UPDATE, &t) == ALLOW;
}

struct activity *activity_lock(struct db *db, struct arena *a, int64_t id, struct error *err)
{
    struct db_stmt *st = db_stmt(db, Q_ACTIVITY_LOCK, err);
    if (st == NULL)
        return NULL;
    db_bind_int(st, 1, id);
    enum db_step r = db_step(st, err);
    if (r == DB_FAIL)
        return NULL;
    if (r == DB_ROW)
        db_step(st, err);
    return entity_get(db, a, &activity_entity, id, err);
}

struct activity *activity_get_plain(struct db *db, struct arena *a, int64_t id, struct error *err)
{
    struct db_stmt *st = db_stmt(db, Q_ACTIVITY_GET_PLAIN, err);
    if (st == NULL)
        return NULL;
    db_bind_int(st, 1, id);
    enum db_step r = db_step(st, err);
    if (r != DB_ROW) {
        if (r == DB_DONE)
            error_set(err, ERR_NOT_FOUND, "no activity with id %lld", (long long)id);
        return NULL;
    }
    struct activity *act = arena_alloc(a, sizeof(*act));
    rows_read(st, a, &activity_table, act);
    db_step(st, err);
    return act;
}

static int lock_by_id(struct db *db, int64_t id, struct error *err)
{
    struct db_stmt *st = db_stmt(db, Q_ACTIVITY_LOCK, err);
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, id);
    return db_exec(st, err);
}

/* A change keeps what was promised: no fewer places than are taken, no more than the
 * room holds; an activity that is over or cancelled is history. */
static int check_activity(struct db *db, const void *rec, struct error *err)
{
    const struct activity *act = rec;
    if (strcmp(act->status, "draft") != 0 && strcmp(act->status, "published") != 0)
        return error_set(err, ERR_CONFLICT, "the activity is %s: it can no longer be changed",
                         act->status);
    if (act->capacity < act->registered) {
        error_set(err, ERR_CONFLICT,
                  "%lld people have places already: cancel sign-ups before "
                  "lowering the capacity below that",
                  (long long)act->registered);
        error_field(err, ERR_CONFLICT, "/capacity", "is below the %lld places taken",
                    (long long)act->registered);
        return error_rule(err, "capacity");
    }
    int64_t co[MAX_CO_ORGANISERS];
    size_t n = co_organisers(act, co);
    for (size_t i = 0; i < n; i++)
        if (entity_get(db, err->arena, &org_entity, co[i], err) == NULL)
            return err->kind == ERR_NOT_FOUND
                       ? (error_reset(err),
                          error_field(err, ERR_RULE, "/co_organisers",
                                      "no organisation with id %lld", (long long)co[i]))
                       : -1;
    struct room *room = entity_get(db, err->arena, &room_entity, act->room_id, err);
    if (room == NULL)
        return -1;
    if (act->capacity > room->capacity) {
        error_field(err, ERR_RULE, "/capacity", "the room holds %lld people",
                    (long long)room->capacity);
        return error_rule(err, "capacity");
    }
    return activity_check_slots(act->start, act->end, !is_null(act, "slot_minutes"),
                                act->slot_minutes, !is_null(act, "slot_capacity"),
                                act->slot_capacity, act->capacity, err);
}

/* The co-organisers as rows too, which the lists of those who run activities read. */
static int sync_organisers(struct db *db, const struct activity *act, struct error *err)
{
    struct db_stmt *st = db_stmt(db, Q_ORGANISERS_CLEAR, err);
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, act->id);
    if (db_exec(st, err) != 0)
        return -1;
    int64_t co[MAX_CO_ORGANISERS];
    size_t n = co_organisers(act, co);
    for (size_t i = 0; i < n; i++) {
        if ((st = db_stmt(db, Q_ORGANISERS_ADD, err)) == NULL)
            return -1;
        db_bind_int(st, 1, act->id);
        db_bind_int(st, 2, co[i]);
        if (db_exec(st, err) != 0)
            return -1;
    }
    return 0;
}

/* More places: those waiting move up. */
static int after_change(struct db *db, struct arena *a, const void *before, const void *after,
                        struct error *err)
{
    const struct activity *was = before, *now = after;
    if (was && strcmp(was->co_organisers, now->co_organisers) != 0 &&
        sync_organisers(db, now, err) != 0)
        return -1;
    if (was == NULL || now->capacity <= was->capacity)
        return 0;
    return registrations_move_up(db, a, now, time_now(), err);
}

static const struct reference activity_refs[] = {
    {"host_org_id", Q_ORG_GET, "organisation"},
    {"series_id", Q_SERIES_GET, "series"},
};

static const struct filter activity_filters[] = {
    {.param = "station_id", .type = FT_REF},
    {.param = "series_id", .type = FT_REF},
    {.param = "host_org_id", .type = FT_REF},
    {.param = "kind", .type = FT_ENUM, .choices = activity_kinds},
    {.param = "status", .type = FT_ENUM, .choices = activity_statuses},
    {.param = "from", .type = FT_TIME},
    {.param = "to", .type = FT_TIME},
};

const struct entity activity_entity = {
    .name = "activity",
    .plural = "activities",
    .table = &activity_table,
    .get = Q_ACTIVITY_GET,
    .list = Q_ACTIVITY_LIST,
    .update = Q_ACTIVITY_UPDATE,
    /* never deleted: an activity is cancelled, and what was attended stays counted */
    .refs = activity_refs,
    .nrefs = 2,
    .filters = activity_filters,
    .nfilters = sizeof(activity_filters) / sizeof(activity_filters[0]),
    .check = check_activity,
    .public_read = true, /* published activities are news for everyone; drafts are not */
    .read_roles = ROLES_SCOPED_TO_ORG,
    .write_roles = ROLE_BIT(ROLE_COMMITTEE_ADMIN) | ROLE_BIT(ROLE_BRANCH_SECRETARY) |
                   ROLE_BIT(ROLE_STATION_MANAGER),
    .target = activity_target,
    .list_scoped = true,
    .searchable = true,
    .lock = lock_by_id,
    .after_write = after_change,
};

/* ---- making one ---- */

struct making {
    struct arena *a;
    const struct caller *c;
    const struct activity *in;
    bool publish;
    const char *birthday_month;
    int64_t now;
    struct activity *made;
};

static int field_missing(const char *pointer, struct error *err)
{
    error_field(err, ERR_INVALID, pointer, "is required (or give booking_id)");
    err->detail = "give room_id, start and end for a new booking, or booking_id for one made";
    return -1;
}

/* The booking the activity takes its room and time from: a new one by the host, or one
 * the host made already, which must still hold its slot and serve no other activity. */
static struct booking *book_room(struct db *db, struct making *m, struct error *err)
{
    const struct activity *in = m->in;
    if (!is_null(in, "booking_id")) {
        struct booking *b = entity_get(db, m->a, &booking_entity, in->booking_id, err);
        if (b == NULL)
            return err->kind == ERR_NOT_FOUND
                       ? (error_reset(err),
                          error_field(err, ERR_RULE, "/booking_id", "no booking with id %lld",
                                      (long long)in->booking_id),
                          NULL)
                       : NULL;
        if (b->org_id != in->host_org_id) {
            error_field(err, ERR_RULE, "/booking_id", "is a booking of another organisation");
            return NULL;
        }
        if (strcmp(b->status, "confirmed") != 0 && strcmp(b->status, "pending") != 0) {
            error_field(err, ERR_CONFLICT, "/booking_id", "the booking is %s", b->status);
            error_rule(err, "status");
            return NULL;
        }
        if (b->end <= m->now) {
            error_field(err, ERR_RULE, "/booking_id", "the booking is over");
            error_rule(err, "past");
            return NULL;
        }
        return b;
    }
    if (is_null(in, "room_id"))
        return field_missing("/room_id", err), NULL;
    if (is_null(in, "start"))
        return field_missing("/start", err), NULL;
    if (is_null(in, "end"))
        return field_missing("/end", err), NULL;
    struct booking *b = arena_zalloc(m->a, sizeof(*b));
    const struct table *bt = booking_entity.table;
    b->rec.null = ~(uint64_t)0;
    const char *set[] = {"room_id", "org_id", "start", "end", "title", "attendance"};
    for (size_t i = 0; i < sizeof(set) / sizeof(set[0]); i++)
        rec_set_null(b, (size_t)fields_find(bt, set[i]), false);
    b->room_id = in->room_id;
    b->org_id = in->host_org_id;
    b->start = in->start;
    b->end = in->end;
    b->title = in->title;
    b->attendance = in->capacity;
    struct booking_request rq = {.b = b};
    struct booking_result r;
    if (booking_create_in(db, m->a, m->c, &rq, m->now, &r, err) == 0)
        return r.made[0];
    /* the booking's refusal, in the activity's words: its attendance is our capacity */
    for (size_t i = 0; i < err->nfields; i++)
        if (err->fields[i].pointer && strcmp(err->fields[i].pointer, "/attendance") == 0)
            err->fields[i].pointer = "/capacity";
    return NULL;
}

static int64_t insert(struct db *db, struct making *m, const struct activity *act,
                      const struct booking *b, const char *host_path, struct error *err)
{
    struct db_stmt *st = db_stmt(db, Q_ACTIVITY_INSERT, err);
    if (st == NULL)
        return -1;
    int idx = rows_bind(st, &activity_table, act);
    const char *status = m->publish && strcmp(b->status, "confirmed") == 0 ? "published" : "draft";
    db_bind_text(st, idx++, status, strlen(status));
    if (m->birthday_month)
        db_bind_text(st, idx++, m->birthday_month, strlen(m->birthday_month));
    else
        db_bind_null(st, idx++);
    db_bind_int(st, idx++, b->station_id);
    db_bind_text(st, idx++, host_path, strlen(host_path));
    if (m->c->user_id)
        db_bind_int(st, idx++, m->c->user_id);
    else
        db_bind_null(st, idx++);
    db_bind_int(st, idx, m->now);
    if (db_step(st, err) != DB_ROW) {
        if (err->kind == ERR_CONFLICT && m->birthday_month)
            return error_set(err, ERR_CONFLICT, "the organisation has its gathering for %s",
                             m->birthday_month);
        if (err->kind == ERR_CONFLICT) {
            error_reset(err);
            error_set(err, ERR_CONFLICT, "booking %lld serves another activity already",
                      (long long)b->id);
            error_field(err, ERR_CONFLICT, "/booking_id", "serves another activity already");
        }
        return -1;
    }
    int64_t id = db_col_int(st, 0);
    return db_exec(st, err) == 0 ? id : -1;
}

/* Access first, before the booking says anything: the caller must be allowed to make an
 * activity of the host at the station of the room (or of the booking) it asks for. */
static int may_make(struct db *db, struct making *m, struct activity *act, struct target *t,
                    struct error *err)
{
    bool by_booking = !is_null(act, "booking_id"), by_room = !is_null(act, "room_id");
    if (by_booking || by_room) {
        const struct entity *e = by_booking ? &booking_entity : &room_entity;
        int64_t id = by_booking ? act->booking_id : act->room_id;
        void *rec = entity_get(db, m->a, e, id, err);
        if (rec == NULL)
            return err->kind == ERR_NOT_FOUND
                       ? (error_reset(err),
                          error_field(err, ERR_RULE, by_booking ? "/booking_id" : "/room_id",
                                      "no %s with id %lld", e->name, (long long)id))
                       : -1;
        act->station_id =
            by_booking ? ((struct booking *)rec)->station_id : ((struct room *)rec)->station_id;
    }
    memset(t, 0, sizeof(*t));
    if (act->station_id && activity_target(db, m->a, act, t, err) != 0)
        return -1;
    if (!act->station_id && target_add_org(db, m->a, act->host_org_id, t, err) != 0)
        return -1;
    enum verdict v = policy_decide(m->c, &activity_entity, ACT_CREATE, t);
    return policy_refuse(v == DENY_HIDDEN ? DENY : v, &activity_entity, 0, err);
}

static int make_txn(struct db *db, void *ctx, struct error *err)
{
    struct making *m = ctx;
    struct org *host = entity_get(db, m->a, &org_entity, m->in->host_org_id, err);
    if (host == NULL)
        return err->kind == ERR_NOT_FOUND
                   ? (error_reset(err),
                      error_field(err, ERR_RULE, "/host_org_id", "no organisation with id %lld",
                                  (long long)m->in->host_org_id))
                   : -1;
    struct activity act = *m->in;
    act.status = "draft", act.registered = 0;
    struct target t;
    struct booking *b;
    if (may_make(db, m, &act, &t, err) != 0 || (b = book_room(db, m, err)) == NULL)
        return -1;
    act.room_id = b->room_id, act.start = b->start, act.end = b->end, act.booking_id = b->id;
    act.station_id = b->station_id;
    for (const char *f = "room_id\0start\0end\0booking_id\0"; *f; f += strlen(f) + 1)
        rec_set_null(&act, (size_t)fields_find(&activity_table, f), false);
    int64_t id;
    if (entity_check_refs(db, m->a, &activity_entity, &act, err) != 0 ||
        check_activity(db, &act, err) != 0 || (id = insert(db, m, &act, b, host->path, err)) < 0 ||
        (m->made = entity_get(db, m->a, &activity_entity, id, err)) == NULL ||
        sync_organisers(db, m->made, err) != 0)
        return -1;
    return audit_record(db, m->a, m->c, &activity_entity, id, "create", &t, NULL, m->made, err);
}

struct activity *activity_make(struct db *db, struct arena *a, const struct caller *c,
                               const struct activity *in, bool publish, const char *birthday_month,
                               int64_t now, struct error *err)
{
    struct making m = {a, c, in, publish, birthday_month, now, NULL};
    return make_txn(db, &m, err) == 0 ? m.made : NULL;
}

struct activity *activity_create(struct db *db, struct arena *a, const struct caller *c,
                                 const struct activity *in, bool publish, struct error *err)
{
    struct making m = {a, c, in, publish, NULL, time_now(), NULL};
    return db_transact(db, DB_WRITE_LOCKING, make_txn, &m, err) == 0 ? m.made : NULL;
}

/* ---- publishing and cancelling ---- */

struct step {
    struct arena *a;
    const struct caller *c;
    int64_t id, version;
    const char *reason;
    int64_t now;
    struct activity *done;
};

/* Locks and reads the activity for a change by its managers. */
static struct activity *load(struct db *db, struct step *s, struct target *t, struct error *err)
{
    struct activity *act = activity_lock(db, s->a, s->id, err);
    if (act == NULL)
        return NULL;
    memset(t, 0, sizeof(*t));
    if (activity_target(db, s->a, act, t, err) != 0 ||
        policy_refuse(policy_decide(s->c, &activity_entity, ACT_UPDATE, t), &activity_entity, s->id,
                      err) != 0)
        return NULL;
    if (act->version != s->version) {
        error_set(err, ERR_CONFLICT,
                  "the activity was changed by someone else (version %lld, you sent %lld): "
                  "reload it and try again",
                  (long long)act->version, (long long)s->version);
        return NULL;
    }
    return act;
}

static int set_status(struct db *db, struct step *s, struct activity *act, const char *status,
                      const char *action, const struct target *t, struct error *err)
{
    struct db_stmt *st = db_stmt(db, Q_ACTIVITY_SET_STATUS, err);
    if (st == NULL)
        return -1;
    db_bind_text(st, 1, status, strlen(status));
    if (s->reason)
        db_bind_text(st, 2, s->reason, strlen(s->reason));
    else
        db_bind_null(st, 2);
    db_bind_int(st, 3, s->now);
    db_bind_int(st, 4, act->id);
    if (db_exec(st, err) != 0 ||
        (s->done = entity_get(db, s->a, &activity_entity, act->id, err)) == NULL)
        return -1;
    return audit_record(db, s->a, s->c, &activity_entity, act->id, action, t, act, s->done, err);
}

static int wrong_status(const struct activity *act, const char *wanted, struct error *err)
{
    error_set(err, ERR_CONFLICT, "the activity is %s, not %s", act->status, wanted);
    return error_rule(err, "status");
}

static int publish_txn(struct db *db, void *ctx, struct error *err)
{
    struct step *s = ctx;
    struct target t;
    struct activity *act = load(db, s, &t, err);
    if (act == NULL)
        return -1;
    if (strcmp(act->status, "draft") != 0)
        return wrong_status(act, "a draft", err);
    if (act->end <= s->now) {
        error_set(err, ERR_CONFLICT, "the activity is over: there is nothing to publish");
        return error_rule(err, "past");
    }
    struct booking *b = entity_get(db, s->a, &booking_entity, act->booking_id, err);
    if (b == NULL)
        return -1;
    if (strcmp(b->status, "confirmed") != 0) {
        error_set(err, ERR_CONFLICT, "the room's booking %lld is %s, not confirmed%s",
                  (long long)b->id, b->status,
                  strcmp(b->status, "pending") == 0 ? ": the station has yet to approve it" : "");
        return error_rule(err, "booking_not_confirmed");
    }
    return set_status(db, s, act, "published", "publish", &t, err);
}

struct activity *activity_publish(struct db *db, struct arena *a, const struct caller *c,
                                  int64_t id, int64_t version, struct error *err)
{
    struct step s = {a, c, id, version, NULL, time_now(), NULL};
    return db_transact(db, DB_WRITE_LOCKING, publish_txn, &s, err) == 0 ? s.done : NULL;
}

static int cancel_txn(struct db *db, void *ctx, struct error *err)
{
    struct step *s = ctx;
    struct target t;
    struct activity *act = load(db, s, &t, err);
    if (act == NULL)
        return -1;
    if (strcmp(act->status, "draft") != 0 && strcmp(act->status, "published") != 0)
        return wrong_status(act, "a draft or published", err);
    struct booking *b = entity_get(db, s->a, &booking_entity, act->booking_id, err);
    if (b == NULL)
        return -1;
    const char *why = arena_printf(s->a, "activity %lld was cancelled", (long long)act->id);
    bool holds = strcmp(b->status, "confirmed") == 0 || strcmp(b->status, "pending") == 0;
    /* The activity's managers cancel its booking with the activity's authority (a
     * co-organiser may not run the host's bookings otherwise); the audit names them. */
    struct caller as = *s->c;
    as.admin = true;
    if (holds && b->end > s->now && booking_cancel_in(db, s->a, &as, b->id, why, s->now, err) != 0)
        return -1;
    return registrations_end(db, act->id, s->reason ? s->reason : "the activity was cancelled",
                             s->now, err) != 0
               ? -1
               : set_status(db, s, act, "cancelled", "cancel", &t, err);
}

struct activity *activity_cancel(struct db *db, struct arena *a, const struct caller *c, int64_t id,
                                 int64_t version, const char *reason, struct error *err)
{
    struct step s = {a, c, id, version, reason, time_now(), NULL};
    return db_transact(db, DB_WRITE_LOCKING, cancel_txn, &s, err) == 0 ? s.done : NULL;
}

static int hold_txn(struct db *db, void *ctx, struct error *err)
{
    size_t *held = ctx;
    struct db_stmt *st = db_stmt(db, Q_ACTIVITY_HOLD_ENDED, err);
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, time_now());
    if (db_exec(st, err) != 0)
        return -1;
    *held = (size_t)db_changes(st);
    return 0;
}

int activities_sweep(struct db *db, size_t *held, struct error *err)
{
    *held = 0;
    return db_transact(db, DB_WRITE, hold_txn, held, err);
}
