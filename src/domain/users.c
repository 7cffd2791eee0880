/*
 * Users and their grants. A user's password hash never leaves this file's
 * statements: it is no field of struct user, so no response, list or audit
 * record can carry it.
 */
#include "domain/users.h"

#include <stddef.h>
#include <string.h>

#include "core/arena.h"
#include "core/timefmt.h"
#include "domain/audit.h"
#include "domain/members.h"

/* ---- users ---- */

const char *const user_locales[] = {"zh-CN", "en", "zh-TW", NULL};

static const struct field user_fields[] = {
    ENTITY_ID_FIELD(struct user),
    {.name = "username",
     .type = FT_TEXT,
     .flags = FF_REQUIRED,
     .max_chars = 50,
     .charset = "abcdefghijklmnopqrstuvwxyz0123456789_.-",
     .offset = offsetof(struct user, username)},
    {.name = "display_name",
     .type = FT_TEXT,
     .flags = FF_NULLABLE,
     .max_chars = 50,
     .offset = offsetof(struct user, display_name)},
    {.name = "disabled", .type = FT_BOOL, .offset = offsetof(struct user, disabled)},
    {.name = "member_id",
     .type = FT_REF,
     .flags = FF_NULLABLE,
     .offset = offsetof(struct user, member_id)},
    /* the user's own choice (PATCH /api/v1/session), nobody else's to make */
    {.name = "locale",
     .type = FT_ENUM,
     .flags = FF_NULLABLE | FF_READONLY,
     .choices = user_locales,
     .offset = offsetof(struct user, locale)},
    ENTITY_TRAILER_FIELDS(struct user),
};

static const struct table user_table = {user_fields, sizeof(user_fields) / sizeof(struct field),
                                        sizeof(struct user)};

/* A disabled user is signed out everywhere at once. */
static int end_sessions_if_disabled(struct db *db, struct arena *a, const void *before,
                                    const void *after, struct error *err)
{
    (void)a, (void)before;
    const struct user *u = after;
    if (!u->disabled)
        return 0;
    struct db_stmt *st = db_stmt(db, Q_SESSION_DELETE_USER, err);
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, u->id);
    return db_exec(st, err);
}

/* A member has one account at most (a unique index says so too). */
static const struct reference user_refs[] = {
    {"member_id", Q_MEMBER_GET, "member"},
};

static const struct filter user_filters[] = {
    {.param = "disabled", .type = FT_INT, .min = 0, .max = 1},
};

const struct entity user_entity = {
    .searchable = true,
    .name = "user",
    .plural = "users",
    .table = &user_table,
    .get = Q_USER_GET,
    .list = Q_USER_LIST,
    .insert = Q_USER_INSERT,
    .update = Q_USER_UPDATE,
    .del = Q_USER_DELETE,
    .dependants = Q_USER_DEPENDANTS,
    .dependants_what = "grants",
    .refs = user_refs,
    .nrefs = 1,
    .filters = user_filters,
    .nfilters = 1,
    .after_write = end_sessions_if_disabled,
};

struct user *user_find(struct db *db, struct arena *a, const char *username, struct error *err)
{
    struct db_stmt *st = db_stmt(db, Q_USER_BY_NAME, err);
    if (st == NULL)
        return NULL;
    db_bind_text(st, 1, username, strlen(username));
    enum db_step r = db_step(st, err);
    if (r != DB_ROW) {
        if (r == DB_DONE)
            error_set(err, ERR_NOT_FOUND, "no user named '%s'", username);
        return NULL;
    }
    int64_t id = db_col_int(st, 0);
    db_step(st, err);
    return entity_get(db, a, &user_entity, id, err);
}

struct new_user {
    struct arena *a;
    const struct caller *c;
    const char *username, *display_name;
    const char *hash;
    bool disabled;
    int64_t member_id;
    struct user *stored;
};

static int add_txn(struct db *db, void *ctx, struct error *err)
{
    struct new_user *n = ctx;
    if (policy_refuse(policy_decide(n->c, &user_entity, ACT_CREATE, NULL), &user_entity, 0, err) !=
        0)
        return -1;
    if (n->member_id && entity_get(db, n->a, &member_entity, n->member_id, err) == NULL)
        return err->kind == ERR_NOT_FOUND
                   ? (error_reset(err),
                      error_field(err, ERR_RULE, "/member_id", "no member with id %lld",
                                  (long long)n->member_id))
                   : -1;
    struct db_stmt *st = db_stmt(db, Q_USER_INSERT, err);
    if (st == NULL)
        return -1;
    db_bind_text(st, 1, n->username, strlen(n->username));
    if (n->display_name)
        db_bind_text(st, 2, n->display_name, strlen(n->display_name));
    else
        db_bind_null(st, 2);
    db_bind_int(st, 3, n->disabled ? 1 : 0);
    if (n->member_id)
        db_bind_int(st, 4, n->member_id);
    else
        db_bind_null(st, 4);
    db_bind_int(st, 5, time_now());
    db_bind_text(st, 6, n->hash, strlen(n->hash));
    if (db_step(st, err) != DB_ROW) {
        if (err->kind == ERR_CONFLICT) {
            error_set(err, ERR_CONFLICT,
                      "the username '%s' is taken, or the member has an account already",
                      n->username);
        }
        return -1;
    }
    int64_t id = db_col_int(st, 0);
    if (db_exec(st, err) != 0 || (n->stored = entity_get(db, n->a, &user_entity, id, err)) == NULL)
        return -1;
    return audit_record(db, n->a, n->c, &user_entity, id, "create", NULL, NULL, n->stored, err);
}

struct user *user_add(struct db *db, struct arena *a, const struct caller *c, const char *username,
                      const char *display_name, bool disabled, int64_t member_id,
                      const char *password, struct error *err)
{
    const char *why = password_problem(password);
    if (why) {
        error_field(err, ERR_INVALID, "/password", "%s", why);
        return NULL;
    }
    char *hash = arena_alloc(a, 128);
    if (password_hash(password, hash) != 0) {
        error_set(err, ERR_INTERNAL, "cannot hash the password (out of memory?)");
        return NULL;
    }
    struct new_user n = {a, c, username, display_name, hash, disabled, member_id, NULL};
    return db_transact(db, DB_WRITE, add_txn, &n, err) == 0 ? n.stored : NULL;
}

struct new_password {
    struct arena *a;
    const struct caller *c;
    int64_t user_id;
    const char *hash;
};

static int passwd_txn(struct db *db, void *ctx, struct error *err)
{
    struct new_password *p = ctx;
    struct user *u = entity_get(db, p->a, &user_entity, p->user_id, err);
    if (u == NULL)
        return -1;
    bool self = p->c && p->c->user_id == p->user_id;
    if (!self && policy_refuse(policy_decide(p->c, &user_entity, ACT_UPDATE, NULL), &user_entity,
                               p->user_id, err) != 0)
        return -1;
    struct db_stmt *st = db_stmt(db, Q_USER_SET_PASSWORD, err);
    if (st == NULL)
        return -1;
    db_bind_text(st, 1, p->hash, strlen(p->hash));
    db_bind_int(st, 2, time_now());
    db_bind_int(st, 3, p->user_id);
    if (db_exec(st, err) != 0 || (st = db_stmt(db, Q_SESSION_DELETE_USER, err)) == NULL)
        return -1;
    db_bind_int(st, 1, p->user_id);
    if (db_exec(st, err) != 0)
        return -1;
    /* The audit says that the password changed, never what to. */
    return audit_record(db, p->a, p->c, &user_entity, p->user_id, "password", NULL, u, u, err);
}

int user_set_password(struct db *db, struct arena *a, const struct caller *c, int64_t user_id,
                      const char *password, struct error *err)
{
    const char *why = password_problem(password);
    if (why)
        return error_field(err, ERR_INVALID, "/password", "%s", why);
    char *hash = arena_alloc(a, 128);
    if (password_hash(password, hash) != 0)
        return error_set(err, ERR_INTERNAL, "cannot hash the password (out of memory?)");
    struct new_password p = {a, c, user_id, hash};
    return db_transact(db, DB_WRITE, passwd_txn, &p, err);
}

int user_load_grants(struct db *db, struct arena *a, int64_t user_id, struct caller *c,
                     struct error *err)
{
    struct db_stmt *st = db_stmt(db, Q_GRANTS_OF_USER, err);
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, user_id);
    enum db_step r;
    c->ngrants = 0;
    while ((r = db_step(st, err)) == DB_ROW) {
        int role = role_parse(db_col_text(st, 0, NULL));
        if (role < 0 || c->ngrants == CALLER_MAX_GRANTS)
            continue;
        struct grant *g = &c->grants[c->ngrants++];
        g->role = (enum role)role;
        g->org_id = db_col_null(st, 1) ? 0 : db_col_int(st, 1);
        g->path = db_col_null(st, 2) ? NULL : arena_strdup(a, db_col_text(st, 2, NULL));
        g->station_id = db_col_null(st, 3) ? 0 : db_col_int(st, 3);
        c->admin = c->admin || role == ROLE_ADMIN;
    }
    return r == DB_FAIL ? -1 : 0;
}

/* ---- grants ---- */

static const struct field grant_fields[] = {
    ENTITY_ID_FIELD(struct grant_rec),
    {.name = "user_id",
     .type = FT_REF,
     .flags = FF_REQUIRED,
     .offset = offsetof(struct grant_rec, user_id)},
    {.name = "role",
     .type = FT_ENUM,
     .flags = FF_REQUIRED,
     .choices = role_names,
     .offset = offsetof(struct grant_rec, role)},
    {.name = "org_id",
     .type = FT_REF,
     .flags = FF_NULLABLE,
     .offset = offsetof(struct grant_rec, org_id)},
    {.name = "station_id",
     .type = FT_REF,
     .flags = FF_NULLABLE,
     .offset = offsetof(struct grant_rec, station_id)},
    ENTITY_TRAILER_FIELDS(struct grant_rec),
};

static const struct table grant_table = {grant_fields, sizeof(grant_fields) / sizeof(struct field),
                                         sizeof(struct grant_rec)};

static const struct reference grant_refs[] = {
    {"user_id", Q_USER_GET, "user"},
    {"org_id", Q_ORG_GET, "organisation"},
    {"station_id", Q_STATION_GET, "station"},
};

static const struct filter grant_filters[] = {
    {.param = "user_id", .type = FT_REF},
    {.param = "org_id", .type = FT_REF},
};

/* What a role is bound to: admin to nothing, station_manager to a station, the others to
 * an organisation (and its subtree). */
static int check_grant(struct db *db, const void *rec, struct error *err)
{
    const struct grant_rec *g = rec;
    bool has_org = !fields_is_null(&grant_table, g, "org_id");
    bool has_station = !fields_is_null(&grant_table, g, "station_id");
    int role = role_parse(g->role);
    if (role == ROLE_ADMIN && (has_org || has_station))
        return error_field(err, ERR_RULE, has_org ? "/org_id" : "/station_id",
                           "admin is not bound to an organisation or a station");
    if (role == ROLE_STATION_MANAGER && (!has_station || has_org))
        return error_field(err, ERR_RULE, "/station_id",
                           "station_manager is bound to a station (and not an organisation)");
    if (role != ROLE_ADMIN && role != ROLE_STATION_MANAGER && (!has_org || has_station))
        return error_field(err, ERR_RULE, "/org_id",
                           "%s is bound to an organisation (and not a station)", g->role);
    struct db_stmt *st = db_stmt(db, Q_GRANT_DUPLICATE, err);
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, g->user_id);
    db_bind_text(st, 2, g->role, strlen(g->role));
    db_bind_int(st, 3, has_org ? g->org_id : 0);
    db_bind_int(st, 4, has_station ? g->station_id : 0);
    db_bind_int(st, 5, g->id);
    enum db_step r = db_step(st, err);
    if (r == DB_FAIL)
        return -1;
    if (r == DB_ROW) {
        db_step(st, err);
        return error_set(err, ERR_CONFLICT, "the user already holds this grant");
    }
    return 0;
}

static int grant_target(struct db *db, struct arena *a, const void *rec, struct target *t,
                        struct error *err)
{
    const struct grant_rec *g = rec;
    if (!fields_is_null(&grant_table, g, "station_id"))
        t->station_id = g->station_id;
    if (fields_is_null(&grant_table, g, "org_id"))
        return 0;
    return target_add_org(db, a, g->org_id, t, err);
}

/* A grant changes what its user may do at once: the user's sessions read grants afresh on
 * every request, so nothing else needs doing here. */
const struct entity grant_entity = {
    .name = "grant",
    .plural = "grants",
    .table = &grant_table,
    .get = Q_GRANT_GET,
    .list = Q_GRANT_LIST,
    .insert = Q_GRANT_INSERT,
    .update = Q_GRANT_UPDATE,
    .del = Q_GRANT_DELETE,
    .dependants = Q_GRANT_DEPENDANTS,
    .dependants_what = "dependants",
    .refs = grant_refs,
    .nrefs = 3,
    .filters = grant_filters,
    .nfilters = 2,
    .check = check_grant,
    .target = grant_target,
};

struct locale_change {
    struct arena *a;
    const struct caller *c;
    const char *locale;
    struct user *stored;
};

static int locale_txn(struct db *db, void *ctx, struct error *err)
{
    struct locale_change *l = ctx;
    struct user *before = entity_get(db, l->a, &user_entity, l->c->user_id, err);
    struct db_stmt *st = before ? db_stmt(db, Q_USER_SET_LOCALE, err) : NULL;
    if (st == NULL)
        return -1;
    db_bind_text(st, 1, l->locale, strlen(l->locale));
    db_bind_int(st, 2, time_now());
    db_bind_int(st, 3, l->c->user_id);
    if (db_exec(st, err) != 0 ||
        (l->stored = entity_get(db, l->a, &user_entity, l->c->user_id, err)) == NULL)
        return -1;
    return audit_record(db, l->a, l->c, &user_entity, l->c->user_id, "update", NULL, before,
                        l->stored, err);
}

struct user *user_set_locale(struct db *db, struct arena *a, const struct caller *c,
                             const char *locale, struct error *err)
{
    if (c == NULL || c->user_id == 0) {
        error_set(err, ERR_UNAUTHENTICATED, "sign in first");
        return NULL;
    }
    bool known = false;
    for (size_t i = 0; user_locales[i]; i++)
        known = known || (locale && strcmp(locale, user_locales[i]) == 0);
    if (!known) {
        error_field(err, ERR_INVALID, "/locale", "must be zh-CN, en or zh-TW");
        return NULL;
    }
    struct locale_change l = {a, c, locale, NULL};
    return db_transact(db, DB_WRITE, locale_txn, &l, err) == 0 ? l.stored : NULL;
}
