/*
 * Sign-ups: who may sign up, for what, and who gets a place. Each write locks
 * its activity first (activity_lock), so that the places counted are the
 * places there are until the transaction ends.
 */
#include "domain/registrations.h"

#include <sodium.h>
#include <stddef.h>
#include <string.h>

#include "core/arena.h"
#include "core/timefmt.h"
#include "domain/activities.h"
#include "domain/audit.h"
#include "domain/members.h"
#include "domain/orgs.h"
#include "domain/places.h"
#include "domain/users.h"

const char *const registration_statuses[] = {"registered", "waiting", "cancelled", NULL};
static const char *const registration_sources[] = {"self", "staff", "invited", NULL};

#define RO(n, T, F)                                                                                \
    {                                                                                              \
        .name = #n, .type = (T), .flags = FF_READONLY | (F),                                       \
        .offset = offsetof(struct registration, n)                                                 \
    }

static const struct field registration_fields[] = {
    ENTITY_ID_FIELD(struct registration),
    {.name = "activity_id",
     .type = FT_REF,
     .flags = FF_REQUIRED | FF_CREATE_ONLY,
     .offset = offsetof(struct registration, activity_id)},
    {.name = "member_id",
     .type = FT_REF,
     .flags = FF_NULLABLE | FF_CREATE_ONLY,
     .offset = offsetof(struct registration, member_id)},
    {.name = "name",
     .type = FT_TEXT,
     .flags = FF_NULLABLE | FF_CREATE_ONLY,
     .max_chars = 50,
     .offset = offsetof(struct registration, name)},
    {.name = "phone",
     .type = FT_TEXT,
     .flags = FF_NULLABLE | FF_CREATE_ONLY,
     .max_chars = 30,
     .charset = "0123456789+-() ",
     .offset = offsetof(struct registration, phone)},
    {.name = "slot_start",
     .type = FT_TIME,
     .flags = FF_NULLABLE | FF_CREATE_ONLY,
     .offset = offsetof(struct registration, slot_start)},
    {.name = "status",
     .type = FT_ENUM,
     .flags = FF_READONLY,
     .choices = registration_statuses,
     .offset = offsetof(struct registration, status)},
    {.name = "source",
     .type = FT_ENUM,
     .flags = FF_READONLY,
     .choices = registration_sources,
     .offset = offsetof(struct registration, source)},
    RO(user_id, FT_REF, FF_NULLABLE),
    RO(membership_years, FT_INT, FF_NULLABLE),
    RO(reason, FT_TEXT, FF_NULLABLE),
    RO(position, FT_INT, FF_NULLABLE),
    RO(start, FT_TIME, 0),
    RO(end, FT_TIME, 0),
    ENTITY_TRAILER_FIELDS(struct registration),
};

static const struct table registration_table = {registration_fields,
                                                sizeof(registration_fields) / sizeof(struct field),
                                                sizeof(struct registration)};

static bool is_null(const struct registration *r, const char *field)
{
    return fields_is_null(&registration_table, r, field);
}

/* A sign-up is governed by its activity; the person it is for may read it too. */
static int registration_target(struct db *db, struct arena *a, const void *rec, struct target *t,
                               struct error *err)
{
    const struct registration *r = rec;
    struct activity *act = entity_get(db, a, &activity_entity, r->activity_id, err);
    if (act == NULL || activity_target(db, a, act, t, err) != 0)
        return -1;
    t->unpublished = false; /* a sign-up is never public: its readers are who manage it */
    t->owner_user = is_null(r, "user_id") ? 0 : r->user_id;
    t->owner_member = is_null(r, "member_id") ? 0 : r->member_id;
    return 0;
}

static const struct filter registration_filters[] = {
    {.param = "activity_id", .type = FT_REF},
    {.param = "member_id", .type = FT_REF},
    {.param = "status", .type = FT_ENUM, .choices = registration_statuses},
};

const struct entity registration_entity = {
    .name = "registration",
    .plural = "registrations",
    .table = &registration_table,
    .get = Q_REGISTRATION_GET,
    .list = Q_REGISTRATION_LIST,
    .filters = registration_filters,
    .nfilters = sizeof(registration_filters) / sizeof(registration_filters[0]),
    .read_roles = ROLE_BIT(ROLE_COMMITTEE_ADMIN) | ROLE_BIT(ROLE_BRANCH_SECRETARY),
    .write_roles = ROLE_BIT(ROLE_COMMITTEE_ADMIN) | ROLE_BIT(ROLE_BRANCH_SECRETARY) |
                   ROLE_BIT(ROLE_STATION_MANAGER),
    .target = registration_target,
    .list_scoped = true,
    .owned = true,
    .searchable = true, /* the desk finds a person by name */
};

/* ---- who may come ---- */

static int refuse(struct error *err, const char *rule, const char *message)
{
    error_set(err, ERR_RULE, "%s", message);
    return error_rule(err, rule);
}

/* True when the organisation path lies in the subtree of a partner of committee_id. */
static int partner_of(struct db *db, int64_t committee_id, const char *path, struct error *err)
{
    struct db_stmt *st = db_stmt(db, Q_PARTNER_COVERS, err);
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, committee_id);
    db_bind_text(st, 2, path, strlen(path));
    enum db_step r = db_step(st, err);
    if (r == DB_FAIL)
        return -1;
    if (r == DB_ROW)
        db_step(st, err);
    return r == DB_ROW;
}

static bool within(const char *path, const char *root)
{
    return root && strncmp(path, root, strlen(root)) == 0;
}

int activity_admits(struct db *db, struct arena *a, const struct activity *act, int64_t member_id,
                    struct error *err)
{
    if (strcmp(act->audience, "anyone") == 0)
        return 0;
    if (member_id == 0)
        return refuse(err, "audience",
                      "this activity is for members of the organisations it is for: sign in with "
                      "an account that is linked to your member record");
    struct member *m = entity_get(db, a, &member_entity, member_id, err);
    struct org *branch = m ? entity_get(db, a, &org_entity, m->branch_id, err) : NULL;
    struct org *host = branch ? entity_get(db, a, &org_entity, act->host_org_id, err) : NULL;
    struct station *st = host ? entity_get(db, a, &station_entity, act->station_id, err) : NULL;
    if (st == NULL)
        return -1;
    if (!fields_is_null(member_entity.table, m, "left_as"))
        return refuse(err, "left", arena_printf(a, "%s has left the register", m->name));
    if (within(branch->path, host->path))
        return 0;
    if (strcmp(act->audience, "host") == 0)
        return refuse(err, "audience",
                      arena_printf(a, "this activity is for the members of %s", host->name));
    bool has_committee = !fields_is_null(station_entity.table, st, "org_id");
    struct org *committee = has_committee ? entity_get(db, a, &org_entity, st->org_id, err) : host;
    if (committee == NULL)
        return -1;
    if (within(branch->path, committee->path))
        return 0;
    if (strcmp(act->audience, "partners") == 0) {
        int p = partner_of(db, committee->id, branch->path, err);
        if (p != 0)
            return p > 0 ? 0 : -1;
    }
    const char *who = strcmp(act->audience, "partners") == 0
                          ? arena_printf(a, "%s and its co-building partners", committee->name)
                          : committee->name;
    return refuse(err, "audience", arena_printf(a, "this activity is for the members of %s", who));
}

int caller_person(struct db *db, struct arena *a, const struct caller *c, char *key,
                  const char **name, struct error *err)
{
    if (c == NULL || c->user_id == 0)
        return error_set(err, ERR_UNAUTHENTICATED, "sign in first");
    person_key(key, c->member_id, c->user_id, NULL);
    if (c->member_id) {
        struct member *m = entity_get(db, a, &member_entity, c->member_id, err);
        *name = m ? m->name : NULL;
        return m ? 0 : -1;
    }
    struct user *u = entity_get(db, a, &user_entity, c->user_id, err);
    if (u == NULL)
        return -1;
    *name = fields_is_null(user_entity.table, u, "display_name") ? u->username : u->display_name;
    return 0;
}

/* ---- signing up ---- */

struct signup {
    struct arena *a;
    const struct caller *c;
    const struct registration *in;
    int64_t now;
    struct activity *act;
    /* the person */
    char key[PERSON_KEY_MAX];
    int64_t member_id, user_id;
    const char *name, *phone;
    const char *source;
    int64_t years; /* -1: none */
    struct registration *made;
};

/* The open sign-up of the person for the activity: its id, or 0. */
static int64_t open_signup(struct db *db, int64_t activity_id, const char *key, struct error *err)
{
    struct db_stmt *st = db_stmt(db, Q_REGISTRATION_OPEN, err);
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, activity_id);
    db_bind_text(st, 2, key, strlen(key));
    enum db_step r = db_step(st, err);
    if (r == DB_FAIL)
        return -1;
    int64_t id = r == DB_ROW ? db_col_int(st, 0) : 0;
    if (r == DB_ROW)
        db_step(st, err);
    return id;
}

/* Nobody can be in two places at once: no open sign-up of the person may meet
 * [start, end). */
static int check_overlap(struct db *db, struct signup *s, int64_t start, int64_t end,
                         struct error *err)
{
    struct db_stmt *st = db_stmt(db, Q_REGISTRATION_OVERLAP, err);
    if (st == NULL)
        return -1;
    db_bind_text(st, 1, s->key, strlen(s->key));
    db_bind_int(st, 2, start);
    db_bind_int(st, 3, end);
    enum db_step r = db_step(st, err);
    if (r != DB_ROW)
        return r == DB_FAIL ? -1 : 0;
    error_set(err, ERR_CONFLICT, "%s is signed up for \"%s\" (activity %lld) at %s, which overlaps",
              s->name, db_col_text(st, 1, NULL), (long long)db_col_int(st, 0),
              rfc3339_local(s->a, db_col_int(st, 2)));
    db_exec(st, NULL);
    return error_rule(err, "overlap");
}

/* Places taken in the activity, and in the slot (when it has slots). */
static int taken(struct db *db, const struct activity *act, int64_t slot_start, int64_t *all,
                 int64_t *in_slot, struct error *err)
{
    struct db_stmt *st = db_stmt(db, Q_REGISTRATION_TAKEN, err);
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, act->id);
    db_bind_int(st, 2, slot_start);
    if (db_step(st, err) != DB_ROW)
        return -1;
    *all = db_col_int(st, 0);
    *in_slot = db_col_null(st, 1) ? 0 : db_col_int(st, 1);
    return db_exec(st, err);
}

static bool slotted(const struct activity *act)
{
    return !fields_is_null(activity_entity.table, act, "slot_minutes");
}

static int64_t insert(struct db *db, struct signup *s, int64_t slot, int64_t start, int64_t end,
                      const char *status, struct error *err)
{
    struct db_stmt *st = db_stmt(db, Q_REGISTRATION_INSERT, err);
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, s->act->id);
    db_bind_text(st, 2, s->key, strlen(s->key));
    if (s->member_id)
        db_bind_int(st, 3, s->member_id);
    else
        db_bind_null(st, 3);
    if (s->user_id)
        db_bind_int(st, 4, s->user_id);
    else
        db_bind_null(st, 4);
    db_bind_text(st, 5, s->name, strlen(s->name));
    if (s->phone)
        db_bind_text(st, 6, s->phone, strlen(s->phone));
    else
        db_bind_null(st, 6);
    if (slot)
        db_bind_int(st, 7, slot);
    else
        db_bind_null(st, 7);
    db_bind_int(st, 8, start);
    db_bind_int(st, 9, end);
    db_bind_text(st, 10, status, strlen(status));
    db_bind_text(st, 11, s->source, strlen(s->source));
    if (s->years >= 0)
        db_bind_int(st, 12, s->years);
    else
        db_bind_null(st, 12);
    db_bind_int(st, 13, s->now);
    if (db_step(st, err) != DB_ROW)
        return -1;
    int64_t id = db_col_int(st, 0);
    return db_exec(st, err) == 0 ? id : -1;
}

/* Books the person's place (or a place on the waiting list), after the rules. */
static int place(struct db *db, struct signup *s, struct error *err)
{
    const struct activity *act = s->act;
    int64_t slot = 0, start = act->start, end = act->end;
    if (slotted(act)) {
        if (is_null(s->in, "slot_start")) {
            error_field(err, ERR_RULE, "/slot_start",
                        "this is an appointment service: choose "
                        "a slot");
            return error_rule(err, "slot");
        }
        slot = s->in->slot_start;
        if (activity_check_slot(act->start, act->end, act->slot_minutes, slot, err) != 0)
            return -1;
        start = slot, end = slot + act->slot_minutes * 60;
    } else if (!is_null(s->in, "slot_start")) {
        error_field(err, ERR_RULE, "/slot_start", "this activity has no appointment slots");
        return error_rule(err, "slot");
    }
    int64_t have = open_signup(db, act->id, s->key, err), all, in_slot;
    if (have < 0)
        return -1;
    if (have > 0) {
        error_set(err, ERR_CONFLICT, "%s is signed up already (registration %lld)", s->name,
                  (long long)have);
        return error_rule(err, "already_registered");
    }
    if (check_overlap(db, s, start, end, err) != 0 || taken(db, act, slot, &all, &in_slot, err))
        return -1;
    bool in = activity_has_place(all, act->capacity, in_slot, slot ? act->slot_capacity : 0);
    int64_t id = insert(db, s, slot, start, end, in ? "registered" : "waiting", err);
    struct target t;
    memset(&t, 0, sizeof(t));
    if (id < 0 || (s->made = entity_get(db, s->a, &registration_entity, id, err)) == NULL ||
        registration_target(db, s->a, s->made, &t, err) != 0)
        return -1;
    return audit_record(db, s->a, s->c, &registration_entity, id, "create", &t, NULL, s->made, err);
}

/* Who is signing up: someone the staff name (a member, or a guest by name), or the
 * caller. */
static int identify(struct db *db, struct signup *s, bool staff, struct error *err)
{
    const struct registration *in = s->in;
    bool other = !is_null(in, "member_id") || !is_null(in, "name");
    if (other && !staff)
        return error_set(err, ERR_FORBIDDEN,
                         "only the activity's organisers sign up others: leave out member_id "
                         "and name to sign yourself up");
    s->source = other ? "staff" : "self";
    if (!other) {
        s->member_id = s->c->member_id, s->user_id = s->c->user_id;
        return caller_person(db, s->a, s->c, s->key, &s->name, err);
    }
    if (!is_null(in, "member_id")) {
        struct member *m = entity_get(db, s->a, &member_entity, in->member_id, err);
        if (m == NULL)
            return err->kind == ERR_NOT_FOUND
                       ? (error_reset(err),
                          error_field(err, ERR_RULE, "/member_id", "no member with id %lld",
                                      (long long)in->member_id))
                       : -1;
        s->member_id = m->id, s->name = m->name;
        person_key(s->key, m->id, 0, NULL);
        return 0;
    }
    s->name = in->name, s->phone = is_null(in, "phone") ? NULL : in->phone;
    if (s->phone)
        person_key(s->key, 0, 0, s->phone);
    else { /* a guest without a phone is one person, never the same as another */
        unsigned char r[8];
        randombytes_buf(r, sizeof(r));
        char hex[17];
        sodium_bin2hex(hex, sizeof(hex), r, sizeof(r));
        snprintf(s->key, PERSON_KEY_MAX, "g:%s", hex);
    }
    return 0;
}

static int create_txn(struct db *db, void *ctx, struct error *err)
{
    struct signup *s = ctx;
    s->act = activity_lock(db, s->a, s->in->activity_id, err);
    if (s->act == NULL)
        return err->kind == ERR_NOT_FOUND
                   ? (error_reset(err),
                      error_field(err, ERR_RULE, "/activity_id", "no activity with id %lld",
                                  (long long)s->in->activity_id))
                   : -1;
    bool staff = activity_managed_by(db, s->a, s->c, s->act, err);
    if (err->kind != ERR_NONE)
        return -1;
    if (strcmp(s->act->status, "draft") == 0 && !staff)
        return error_field(err, ERR_RULE, "/activity_id", "no activity with id %lld",
                           (long long)s->in->activity_id);
    if (identify(db, s, staff, err) != 0 ||
        activity_check_signup(s->act->status, s->act->end, s->now, err) != 0)
        return -1;
    /* a guest's audience is everyone; a member's is checked against the register */
    if ((s->member_id || strcmp(s->source, "self") == 0) &&
        activity_admits(db, s->a, s->act, s->member_id, err) != 0)
        return -1;
    if (!s->member_id && strcmp(s->act->audience, "anyone") != 0)
        return refuse(err, "audience",
                      "this activity is for members of the organisations it is for, not guests");
    return place(db, s, err);
}

struct registration *registration_create(struct db *db, struct arena *a, const struct caller *c,
                                         const struct registration *in, struct error *err)
{
    struct signup s = {.a = a, .c = c, .in = in, .now = time_now(), .years = -1};
    return db_transact(db, DB_WRITE_LOCKING, create_txn, &s, err) == 0 ? s.made : NULL;
}

int registration_invite(struct db *db, struct arena *a, const struct caller *c,
                        const struct activity *act, int64_t member_id, int64_t years, int64_t now,
                        struct error *err)
{
    struct registration none;
    memset(&none, 0, sizeof(none));
    none.rec.null = ~(uint64_t)0;
    struct signup s = {
        .a = a, .c = c, .in = &none, .now = now, .act = (struct activity *)act, .years = years};
    struct member *m = entity_get(db, a, &member_entity, member_id, err);
    if (m == NULL)
        return -1;
    s.member_id = m->id, s.name = m->name, s.source = "invited";
    person_key(s.key, m->id, 0, NULL);
    int64_t have = open_signup(db, act->id, s.key, err);
    if (have != 0)
        return have > 0 ? 0 : -1;
    /* one invited elsewhere at that time is told by the sign-up's refusal; skip them */
    struct error one;
    error_init(&one, a);
    if (check_overlap(db, &s, act->start, act->end, &one) != 0)
        return one.kind == ERR_CONFLICT ? 0 : (*err = one, -1);
    return place(db, &s, err) == 0 ? 1 : -1;
}

/* ---- cancelling, and the waiting list ---- */

static int set_status(struct db *db, struct arena *a, const struct caller *c,
                      const struct registration *r, const char *status, const char *reason,
                      int64_t now, const char *action, struct error *err)
{
    struct db_stmt *st = db_stmt(db, Q_REGISTRATION_SET_STATUS, err);
    if (st == NULL)
        return -1;
    db_bind_text(st, 1, status, strlen(status));
    if (reason)
        db_bind_text(st, 2, reason, strlen(reason));
    else
        db_bind_null(st, 2);
    db_bind_int(st, 3, now);
    db_bind_int(st, 4, r->id);
    struct registration *after;
    struct target t;
    memset(&t, 0, sizeof(t));
    if (db_exec(st, err) != 0 ||
        (after = entity_get(db, a, &registration_entity, r->id, err)) == NULL ||
        registration_target(db, a, after, &t, err) != 0)
        return -1;
    return audit_record(db, a, c, &registration_entity, r->id, action, &t, r, after, err);
}

static const struct caller waiting_list = {.user_id = 0, .username = "waiting list", .admin = true};

int registrations_move_up(struct db *db, struct arena *a, const struct activity *act, int64_t now,
                          struct error *err)
{
    struct db_stmt *st = db_stmt(db, Q_REGISTRATION_WAITING, err);
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, act->id);
    size_t cap = 64, n = 0;
    int64_t *ids = arena_alloc(a, cap * sizeof(int64_t));
    enum db_step r;
    while ((r = db_step(st, err)) == DB_ROW && n < cap)
        ids[n++] = db_col_int(st, 0);
    if (r == DB_ROW)
        db_exec(st, NULL); /* the first 64 waiting are as many as can move up at once */
    if (r == DB_FAIL)
        return -1;
    for (size_t i = 0; i < n; i++) {
        struct registration *w = entity_get(db, a, &registration_entity, ids[i], err);
        if (w == NULL)
            return -1;
        int64_t slot = is_null(w, "slot_start") ? 0 : w->slot_start, all, in_slot;
        if (taken(db, act, slot, &all, &in_slot, err) != 0)
            return -1;
        if (all >= act->capacity)
            break;
        if (activity_has_place(all, act->capacity, in_slot, slot ? act->slot_capacity : 0) &&
            set_status(db, a, &waiting_list, w, "registered", NULL, now, "move_up", err) != 0)
            return -1;
    }
    return 0;
}

struct cancelling {
    struct arena *a;
    const struct caller *c;
    int64_t id, version;
    const char *reason;
    int64_t now;
    struct registration *done;
};

static int cancel_txn(struct db *db, void *ctx, struct error *err)
{
    struct cancelling *k = ctx;
    struct registration *r = entity_get(db, k->a, &registration_entity, k->id, err);
    struct activity *act = r ? activity_lock(db, k->a, r->activity_id, err) : NULL;
    if (act == NULL || (r = entity_get(db, k->a, &registration_entity, k->id, err)) == NULL)
        return -1;
    struct target t;
    memset(&t, 0, sizeof(t));
    if (registration_target(db, k->a, r, &t, err) != 0)
        return -1;
    bool own = (t.owner_user && t.owner_user == k->c->user_id) ||
               (t.owner_member && t.owner_member == k->c->member_id);
    if (!own && policy_refuse(policy_decide(k->c, &registration_entity, ACT_UPDATE, &t),
                              &registration_entity, k->id, err) != 0)
        return -1;
    if (r->version != k->version)
        return error_set(err, ERR_CONFLICT,
                         "the sign-up was changed meanwhile (version %lld, you sent %lld): "
                         "reload it",
                         (long long)r->version, (long long)k->version);
    if (strcmp(r->status, "cancelled") == 0) {
        error_set(err, ERR_CONFLICT, "the sign-up is cancelled already");
        return error_rule(err, "status");
    }
    if (act->end <= k->now) {
        error_set(err, ERR_CONFLICT, "the activity is over: its sign-ups are its record");
        return error_rule(err, "past");
    }
    bool freed = strcmp(r->status, "registered") == 0;
    if (set_status(db, k->a, k->c, r, "cancelled", k->reason, k->now, "cancel", err) != 0 ||
        (k->done = entity_get(db, k->a, &registration_entity, k->id, err)) == NULL)
        return -1;
    return freed ? registrations_move_up(db, k->a, act, k->now, err) : 0;
}

struct registration *registration_cancel(struct db *db, struct arena *a, const struct caller *c,
                                         int64_t id, int64_t version, const char *reason,
                                         struct error *err)
{
    struct cancelling k = {a, c, id, version, reason, time_now(), NULL};
    return db_transact(db, DB_WRITE_LOCKING, cancel_txn, &k, err) == 0 ? k.done : NULL;
}

int registrations_end(struct db *db, int64_t activity_id, const char *reason, int64_t now,
                      struct error *err)
{
    struct db_stmt *st = db_stmt(db, Q_REGISTRATION_END, err);
    if (st == NULL)
        return -1;
    db_bind_text(st, 1, reason, strlen(reason));
    db_bind_int(st, 2, now);
    db_bind_int(st, 3, activity_id);
    return db_exec(st, err);
}
