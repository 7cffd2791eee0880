/*
 * Checking people in, undoing a mistake, and keeping the attendees table in
 * step with both. A check-in runs in a DB_WRITE_LOCKING transaction without
 * locking its activity: the unique index on (activity, person) of the live
 * check-ins is what makes a second check-in the first one, so a storm of
 * check-ins to one activity does not queue behind one lock on PostgreSQL.
 */
#include "domain/checkins.h"

#include <sodium.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/timefmt.h"
#include "domain/activities.h"
#include "domain/audit.h"
#include "domain/members.h"
#include "domain/orgs.h"
#include "domain/registrations.h"

static const char *const checkin_methods[] = {"scan", "desk", "walk_in", NULL};

#define RO(n, T, F)                                                                                \
    {                                                                                              \
        .name = #n, .type = (T), .flags = FF_READONLY | (F), .offset = offsetof(struct checkin, n) \
    }

static const struct field checkin_fields[] = {
    ENTITY_ID_FIELD(struct checkin),
    RO(activity_id, FT_REF, 0),
    RO(registration_id, FT_REF, FF_NULLABLE),
    RO(member_id, FT_REF, FF_NULLABLE),
    RO(user_id, FT_REF, FF_NULLABLE),
    RO(name, FT_TEXT, 0),
    {.name = "method",
     .type = FT_ENUM,
     .flags = FF_READONLY,
     .choices = checkin_methods,
     .offset = offsetof(struct checkin, method)},
    RO(at, FT_TIME, 0),
    RO(by_user, FT_REF, FF_NULLABLE),
    RO(undone_at, FT_TIME, FF_NULLABLE),
    RO(undone_by, FT_REF, FF_NULLABLE),
    ENTITY_TRAILER_FIELDS(struct checkin),
};

static const struct table checkin_table = {
    checkin_fields, sizeof(checkin_fields) / sizeof(struct field), sizeof(struct checkin)};

static int checkin_target(struct db *db, struct arena *a, const void *rec, struct target *t,
                          struct error *err)
{
    const struct checkin *k = rec;
    struct activity *act = activity_get_plain(db, a, k->activity_id, err);
    if (act == NULL || activity_target(db, a, act, t, err) != 0)
        return -1;
    t->unpublished = false;
    t->owner_user = fields_is_null(&checkin_table, k, "user_id") ? 0 : k->user_id;
    t->owner_member = fields_is_null(&checkin_table, k, "member_id") ? 0 : k->member_id;
    return 0;
}

static const struct filter checkin_filters[] = {
    {.param = "activity_id", .type = FT_REF},
    {.param = "member_id", .type = FT_REF},
};

const struct entity checkin_entity = {
    .name = "check-in",
    .plural = "checkins",
    .table = &checkin_table,
    .get = Q_CHECKIN_GET,
    .list = Q_CHECKIN_LIST,
    .filters = checkin_filters,
    .nfilters = sizeof(checkin_filters) / sizeof(checkin_filters[0]),
    .read_roles = ROLE_BIT(ROLE_COMMITTEE_ADMIN) | ROLE_BIT(ROLE_BRANCH_SECRETARY),
    .write_roles = ROLE_BIT(ROLE_COMMITTEE_ADMIN) | ROLE_BIT(ROLE_BRANCH_SECRETARY) |
                   ROLE_BIT(ROLE_STATION_MANAGER),
    .target = checkin_target,
    .list_scoped = true,
    .owned = true,
    .searchable = true,
};

/* ---- the key of the codes ---- */

static int read_key(struct db *db, unsigned char key[CHECKIN_KEY_BYTES], bool *found,
                    struct error *err)
{
    struct db_stmt *st = db_stmt(db, Q_SECRET_GET, err);
    if (st == NULL)
        return -1;
    db_bind_text(st, 1, "checkin_key", 11);
    enum db_step r = db_step(st, err);
    *found = r == DB_ROW;
    if (r != DB_ROW)
        return r == DB_FAIL ? -1 : 0;
    size_t n, len;
    const char *hex = db_col_text(st, 0, &len);
    int bad = sodium_hex2bin(key, CHECKIN_KEY_BYTES, hex, len, NULL, &n, NULL) != 0 ||
              n != CHECKIN_KEY_BYTES;
    db_step(st, err);
    return bad ? error_set(err, ERR_INTERNAL, "the stored check-in key is damaged") : 0;
}

static int key_txn(struct db *db, void *ctx, struct error *err)
{
    unsigned char *key = ctx;
    unsigned char fresh[CHECKIN_KEY_BYTES];
    char hex[2 * CHECKIN_KEY_BYTES + 1];
    randombytes_buf(fresh, sizeof(fresh));
    sodium_bin2hex(hex, sizeof(hex), fresh, sizeof(fresh));
    struct db_stmt *st = db_stmt(db, Q_SECRET_ADD, err);
    if (st == NULL)
        return -1;
    db_bind_text(st, 1, "checkin_key", 11);
    db_bind_text(st, 2, hex, strlen(hex));
    bool found;
    if (db_exec(st, err) != 0 || read_key(db, key, &found, err) != 0)
        return -1;
    return found ? 0 : error_set(err, ERR_INTERNAL, "the check-in key was not stored");
}

int checkin_key(struct db *db, unsigned char key[CHECKIN_KEY_BYTES], struct error *err)
{
    bool found;
    if (read_key(db, key, &found, err) != 0)
        return -1;
    /* made once; two servers making it at once keep the first (ON CONFLICT DO NOTHING) */
    return found ? 0 : db_transact(db, DB_WRITE, key_txn, key, err);
}

int checkin_code_now(struct db *db, struct arena *a, const struct caller *c, int64_t id,
                     char code[CHECKIN_CODE_CHARS + 1], int64_t *changes_at, struct error *err)
{
    struct activity *act = entity_read(db, a, c, &activity_entity, id, err);
    if (act == NULL)
        return -1;
    if (!activity_managed_by(db, a, c, act, err))
        return err->kind != ERR_NONE
                   ? -1
                   : error_set(err, ERR_FORBIDDEN,
                               "only the activity's organisers show its check-in code");
    unsigned char key[CHECKIN_KEY_BYTES];
    if (checkin_key(db, key, err) != 0)
        return -1;
    int64_t now = time_now();
    checkin_code(key, id, now, code);
    sodium_memzero(key, sizeof(key));
    *changes_at = now + checkin_code_ttl(now);
    return 0;
}

/* ---- checking in ---- */

struct arrival {
    struct arena *a;
    const struct caller *c;
    const struct checkin_request *rq;
    int64_t now;
    struct activity *act;
    bool staff;
    /* the person */
    char key[PERSON_KEY_MAX];
    int64_t member_id, user_id, registration_id;
    const char *name;
    const char *method;
    /* the outcome */
    struct checkin *made;
    bool again;
};

static int bad_code(struct error *err)
{
    error_set(err, ERR_FORBIDDEN,
              "the check-in code is wrong or has expired (it changes every minute): scan the "
              "code on the screen again");
    return error_rule(err, "code");
}

/* The person's open sign-up for the activity: 0 with *id 0 when there is none. */
static int find_signup(struct db *db, struct arrival *v, struct error *err)
{
    struct db_stmt *st = db_stmt(db, Q_REGISTRATION_OPEN, err);
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, v->act->id);
    db_bind_text(st, 2, v->key, strlen(v->key));
    enum db_step r = db_step(st, err);
    if (r == DB_FAIL)
        return -1;
    v->registration_id = 0;
    if (r == DB_ROW && strcmp(db_col_text(st, 1, NULL), "registered") == 0)
        v->registration_id = db_col_int(st, 0);
    if (r == DB_ROW)
        db_step(st, err);
    return 0;
}

/* The sign-up the staff named, which must be an open one of this activity. */
static int by_registration(struct db *db, struct arrival *v, struct error *err)
{
    struct registration *r =
        entity_get(db, v->a, &registration_entity, v->rq->registration_id, err);
    if (r == NULL || r->activity_id != v->act->id || strcmp(r->status, "cancelled") == 0) {
        error_reset(err);
        return error_field(err, ERR_RULE, "/registration_id",
                           "no open sign-up %lld for this activity",
                           (long long)v->rq->registration_id);
    }
    bool member = !fields_is_null(registration_entity.table, r, "member_id");
    bool user = !fields_is_null(registration_entity.table, r, "user_id");
    v->member_id = member ? r->member_id : 0, v->user_id = user ? r->user_id : 0;
    v->name = r->name;
    bool phone = !fields_is_null(registration_entity.table, r, "phone");
    person_key(v->key, v->member_id, v->member_id ? 0 : v->user_id, phone ? r->phone : NULL);
    return 0;
}

/* A member named by id or phone. Returns 1 when found, 0 when the phone is no member's. */
static int by_member(struct db *db, struct arrival *v, struct error *err)
{
    int64_t id = v->rq->member_id;
    if (id == 0) {
        struct db_stmt *st = db_stmt(db, Q_MEMBER_BY_PHONE, err);
        if (st == NULL)
            return -1;
        db_bind_text(st, 1, v->rq->phone, strlen(v->rq->phone));
        enum db_step r = db_step(st, err);
        if (r != DB_ROW)
            return r == DB_FAIL ? -1 : 0;
        id = db_col_int(st, 0);
        db_step(st, err);
    }
    struct member *m = entity_get(db, v->a, &member_entity, id, err);
    if (m == NULL)
        return err->kind == ERR_NOT_FOUND
                   ? (error_reset(err), error_field(err, ERR_RULE, "/member_id",
                                                    "no member with id %lld", (long long)id))
                   : -1;
    v->member_id = m->id, v->name = m->name;
    person_key(v->key, m->id, 0, NULL);
    return 1;
}

/* A guest at the door: known by phone (and so counted once), or counted as one person. */
static int as_guest(struct arrival *v, const char *phone, struct error *err)
{
    if (v->rq->guest_name == NULL)
        return error_field(err, ERR_RULE, "/phone",
                           "no member or sign-up has this phone: give guest_name to count the "
                           "person as a guest");
    v->name = v->rq->guest_name;
    if (phone) {
        person_key(v->key, 0, 0, phone);
        return 0;
    }
    unsigned char r[8];
    char hex[17];
    randombytes_buf(r, sizeof(r));
    sodium_bin2hex(hex, sizeof(hex), r, sizeof(r));
    snprintf(v->key, PERSON_KEY_MAX, "g:%s", hex);
    return 0;
}

/* Who is checking in, as the request names them. */
static int identify(struct db *db, struct arrival *v, struct error *err)
{
    const struct checkin_request *rq = v->rq;
    if (rq->code) {
        unsigned char key[CHECKIN_KEY_BYTES];
        if (checkin_key(db, key, err) != 0)
            return -1;
        bool ok = checkin_code_valid(key, v->act->id, rq->code, v->now);
        sodium_memzero(key, sizeof(key));
        if (!ok)
            return bad_code(err);
        v->member_id = v->c->member_id, v->user_id = v->c->user_id, v->method = "scan";
        return caller_person(db, v->a, v->c, v->key, &v->name, err);
    }
    if (!v->staff)
        return error_set(err, ERR_FORBIDDEN,
                         "scan the code on the venue screen to check in: only the activity's "
                         "organisers check people in at the desk");
    v->method = "desk";
    if (rq->registration_id)
        return by_registration(db, v, err);
    if (rq->member_id || rq->phone) {
        int found = by_member(db, v, err);
        if (found != 0)
            return found > 0 ? 0 : -1;
        /* a guest who signed up with this phone */
        person_key(v->key, 0, 0, rq->phone);
        if (find_signup(db, v, err) != 0)
            return -1;
        if (v->registration_id) {
            struct registration *r =
                entity_get(db, v->a, &registration_entity, v->registration_id, err);
            v->name = r ? r->name : NULL;
            return r ? 0 : -1;
        }
        return as_guest(v, rq->phone, err);
    }
    return as_guest(v, NULL, err);
}

/* Without a place, a person comes in only where walk-ins are welcome and the audience
 * takes them (guests are counted where walk-ins are welcome). */
static int admit_walk_in(struct db *db, struct arrival *v, struct error *err)
{
    if (!v->act->walk_ins) {
        error_set(err, ERR_CONFLICT,
                  "%s has no place at this activity, which takes only those "
                  "signed up",
                  v->name);
        return error_rule(err, "not_registered");
    }
    v->method = "walk_in";
    bool guest = v->member_id == 0 && (v->user_id == 0 || v->staff);
    return guest && v->staff ? 0 : activity_admits(db, v->a, v->act, v->member_id, err);
}

/* One statement of the attendees table, for one organisation, period and person. */
static int attendee(struct db *db, enum query q, int64_t org, int64_t period, const char *key,
                    int64_t minutes, struct error *err)
{
    struct db_stmt *st = db_stmt(db, q, err);
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, org);
    db_bind_int(st, 2, period);
    db_bind_text(st, 3, key, strlen(key));
    if (q != Q_ATTENDEE_PRUNE)
        db_bind_int(st, 4, minutes);
    return db_exec(st, err);
}

/* The attendees table: one more (or one less) time for each organisation the host was
 * under, this year and for all time; a person who attended nothing there any more goes. */
static int count(struct db *db, struct arrival *v, int sign, struct error *err)
{
    int64_t orgs[32];
    struct db_stmt *st = db_stmt(db, Q_ACTIVITY_HOST_PATH, err);
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, v->act->id);
    if (db_step(st, err) != DB_ROW)
        return -1;
    size_t n = path_ids(db_col_text(st, 0, NULL), orgs, 32);
    if (db_exec(st, err) != 0)
        return -1;
    int64_t minutes = activity_volunteer_minutes(v->act->kind, v->act->start, v->act->end);
    int64_t periods[2] = {local_year(v->act->start), 0};
    for (size_t i = 0; i < n; i++)
        for (int p = 0; p < 2; p++)
            if (attendee(db, sign > 0 ? Q_ATTENDEE_ADD : Q_ATTENDEE_REMOVE, orgs[i], periods[p],
                         v->key, minutes, err) != 0 ||
                (sign < 0 &&
                 attendee(db, Q_ATTENDEE_PRUNE, orgs[i], periods[p], v->key, 0, err) != 0))
                return -1;
    return 0;
}

/* The stored live check-in of the person: the one to return when they check in again. */
static int64_t live(struct db *db, struct arrival *v, struct error *err)
{
    struct db_stmt *st = db_stmt(db, Q_CHECKIN_LIVE, err);
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, v->act->id);
    db_bind_text(st, 2, v->key, strlen(v->key));
    return db_first_id(st, err);
}

static int64_t insert(struct db *db, struct arrival *v, struct error *err)
{
    struct db_stmt *st = db_stmt(db, Q_CHECKIN_INSERT, err);
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, v->act->id);
    db_bind_text(st, 2, v->key, strlen(v->key));
    int64_t ids[3] = {v->registration_id, v->member_id, v->user_id};
    for (int i = 0; i < 3; i++)
        if (ids[i])
            db_bind_int(st, 3 + i, ids[i]);
        else
            db_bind_null(st, 3 + i);
    db_bind_text(st, 6, v->name, strlen(v->name));
    db_bind_text(st, 7, v->method, strlen(v->method));
    db_bind_int(st, 8, v->now);
    if (strcmp(v->method, "scan") != 0 && v->c->user_id)
        db_bind_int(st, 9, v->c->user_id);
    else
        db_bind_null(st, 9);
    enum db_step r = db_step(st, err);
    if (r == DB_FAIL)
        return -1;
    if (r == DB_DONE) /* checked in already: ON CONFLICT DO NOTHING */
        return 0;
    int64_t id = db_col_int(st, 0);
    return db_exec(st, err) == 0 ? id : -1;
}

/* The room's booking is checked in with the first person, so that the sweep does not
 * release it as a no-show. */
static int booking_arrived(struct db *db, struct arrival *v, struct error *err)
{
    struct db_stmt *st = db_stmt(db, Q_BOOKING_ARRIVED, err);
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, v->now);
    db_bind_int(st, 2, v->act->booking_id);
    return db_exec(st, err);
}

static int record(struct db *db, struct arrival *v, struct error *err)
{
    int64_t id = live(db, v, err);
    if (id == 0 && (id = insert(db, v, err)) > 0) {
        struct target t;
        memset(&t, 0, sizeof(t));
        if ((v->made = entity_get(db, v->a, &checkin_entity, id, err)) == NULL ||
            count(db, v, +1, err) != 0 || booking_arrived(db, v, err) != 0 ||
            checkin_target(db, v->a, v->made, &t, err) != 0)
            return -1;
        return audit_record(db, v->a, v->c, &checkin_entity, id, "create", &t, NULL, v->made, err);
    }
    if (id == 0) /* another request checked the person in between the read and the insert */
        id = live(db, v, err);
    if (id <= 0)
        return id == 0 ? error_set(err, ERR_INTERNAL, "the check-in was neither made nor found")
                       : -1;
    v->again = true;
    return (v->made = entity_get(db, v->a, &checkin_entity, id, err)) ? 0 : -1;
}

static int checkin_txn(struct db *db, void *ctx, struct error *err)
{
    struct arrival *v = ctx;
    v->again = false, v->registration_id = 0, v->member_id = 0, v->user_id = 0;
    v->act = activity_get_plain(db, v->a, v->rq->activity_id, err);
    if (v->act == NULL)
        return err->kind == ERR_NOT_FOUND
                   ? (error_reset(err),
                      error_field(err, ERR_RULE, "/activity_id", "no activity with id %lld",
                                  (long long)v->rq->activity_id))
                   : -1;
    if (v->c->user_id == 0 && !v->c->admin) /* the command line is an admin without a user */
        return error_set(err, ERR_UNAUTHENTICATED, "sign in first, then scan the code again");
    v->staff = activity_managed_by(db, v->a, v->c, v->act, err);
    if (err->kind != ERR_NONE || identify(db, v, err) != 0 ||
        activity_check_checkin(v->act->status, v->act->start, v->act->end, v->now,
                               strcmp(v->method, "scan") != 0, err) != 0)
        return -1;
    if (v->registration_id == 0 && find_signup(db, v, err) != 0)
        return -1;
    if (v->registration_id == 0) { /* one checked in already is told so, walk-in or not */
        int64_t had = live(db, v, err);
        if (had < 0 || (had == 0 && admit_walk_in(db, v, err) != 0))
            return -1;
    }
    return record(db, v, err);
}

struct checkin *checkin_create(struct db *db, struct arena *a, const struct caller *c,
                               const struct checkin_request *rq, bool *again, struct error *err)
{
    struct arrival v = {.a = a, .c = c, .rq = rq, .now = time_now()};
    if (db_transact(db, DB_WRITE_LOCKING, checkin_txn, &v, err) != 0)
        return NULL;
    *again = v.again;
    return v.made;
}

/* ---- undoing one ---- */

static int undone_already(struct error *err)
{
    error_set(err, ERR_CONFLICT, "the check-in was undone already");
    return error_rule(err, "status");
}

static int person_of(struct db *db, int64_t id, char key[PERSON_KEY_MAX], struct error *err)
{
    struct db_stmt *st = db_stmt(db, Q_CHECKIN_PERSON, err);
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, id);
    if (db_step(st, err) != DB_ROW)
        return -1;
    snprintf(key, PERSON_KEY_MAX, "%s", db_col_text(st, 0, NULL));
    return db_exec(st, err);
}

struct undoing {
    struct arena *a;
    const struct caller *c;
    int64_t id;
    struct checkin *done;
};

static int undo_txn(struct db *db, void *ctx, struct error *err)
{
    struct undoing *u = ctx;
    struct checkin *k = entity_get(db, u->a, &checkin_entity, u->id, err);
    struct target t;
    memset(&t, 0, sizeof(t));
    if (k == NULL || checkin_target(db, u->a, k, &t, err) != 0)
        return -1;
    if (policy_refuse(policy_decide(u->c, &checkin_entity, ACT_UPDATE, &t), &checkin_entity, u->id,
                      err) != 0)
        return -1;
    if (!fields_is_null(&checkin_table, k, "undone_at"))
        return undone_already(err);
    struct arrival v = {.a = u->a, .c = u->c, .now = time_now()};
    v.act = activity_get_plain(db, u->a, k->activity_id, err);
    struct db_stmt *st = v.act ? db_stmt(db, Q_CHECKIN_UNDO, err) : NULL;
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, v.now);
    if (u->c->user_id)
        db_bind_int(st, 2, u->c->user_id);
    else
        db_bind_null(st, 2);
    db_bind_int(st, 3, k->id);
    if (db_exec(st, err) != 0)
        return -1;
    /* another undo got in between the read and the write: it did the counting */
    if (db_changes(st) != 1)
        return undone_already(err);
    if (person_of(db, k->id, v.key, err) != 0 || count(db, &v, -1, err) != 0 ||
        (u->done = entity_get(db, u->a, &checkin_entity, k->id, err)) == NULL)
        return -1;
    return audit_record(db, u->a, u->c, &checkin_entity, k->id, "undo", &t, k, u->done, err);
}

struct checkin *checkin_undo(struct db *db, struct arena *a, const struct caller *c, int64_t id,
                             struct error *err)
{
    struct undoing u = {a, c, id, NULL};
    return db_transact(db, DB_WRITE_LOCKING, undo_txn, &u, err) == 0 ? u.done : NULL;
}
