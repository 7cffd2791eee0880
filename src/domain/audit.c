/*
 * Audit records are written by the record life cycle (entity.c) in the same
 * transaction as the write they describe, so there is no write without its
 * record and no record of a write that was rolled back. They are read
 * through the API like any record, by admins, and by committee admins for
 * their subtree.
 */
#include "domain/audit.h"

#include <stddef.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/jsonw.h"
#include "core/timefmt.h"
#include "domain/entity.h"

static bool recorded(const struct field *f)
{
    static const char *const skip[] = {"id", "version", "created_at", "updated_at", NULL};
    if (f->flags & FF_SECRET)
        return false;
    for (size_t i = 0; skip[i]; i++)
        if (strcmp(f->name, skip[i]) == 0)
            return false;
    return true;
}

static char *changes_json(struct arena *a, const struct table *t, const void *before,
                          const void *after)
{
    struct buf b = BUF_INIT;
    struct jsonw w;
    jw_init(&w, &b);
    jw_obj_open(&w);
    for (size_t i = 0; (before || after) && i < t->n; i++) {
        const struct field *f = &t->fields[i];
        if (!recorded(f))
            continue;
        char *old = fields_value_json(a, f, before, i), *now = fields_value_json(a, f, after, i);
        if (before && after && strcmp(old, now) == 0)
            continue;
        jw_key(&w, f->name);
        jw_arr_open(&w);
        jw_raw(&w, old, strlen(old));
        jw_raw(&w, now, strlen(now));
        jw_arr_close(&w);
    }
    jw_obj_close(&w);
    char *s = arena_strndup(a, b.data, b.len);
    buf_free(&b);
    return s;
}

int audit_record(struct db *db, struct arena *a, const struct caller *c, const struct entity *e,
                 int64_t id, const char *action, const struct target *t, const void *before,
                 const void *after, struct error *err)
{
    int64_t org_id = t ? t->org_id : 0;
    const char *path = t && t->npaths ? t->paths[0] : NULL;
    const char *changes = changes_json(a, e->table, before, after);
    struct db_stmt *st = db_stmt(db, Q_AUDIT_INSERT, err);
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, time_now());
    if (c && c->user_id)
        db_bind_int(st, 2, c->user_id);
    else
        db_bind_null(st, 2);
    const char *who = c && c->username ? c->username : "anonymous";
    db_bind_text(st, 3, who, strlen(who));
    db_bind_text(st, 4, e->name, strlen(e->name));
    db_bind_int(st, 5, id);
    db_bind_text(st, 6, action, strlen(action));
    if (org_id)
        db_bind_int(st, 7, org_id);
    else
        db_bind_null(st, 7);
    db_bind_text(st, 8, changes, strlen(changes));
    if (path)
        db_bind_text(st, 9, path, strlen(path));
    else
        db_bind_null(st, 9);
    return db_exec(st, err);
}

/* ---- reading the log ---- */

struct audit_entry {
    ENTITY_HEAD;
    int64_t at;
    int64_t user_id;
    char *username;
    char *entity;
    int64_t entity_id;
    char *action;
    int64_t org_id;
    char *changes;
};

static const char *const actions[] = {
    "create", "update",  "delete",   "password", "view",    "stage",   "thought_report",
    "erase",  "approve", "reject",   "cancel",   "accept",  "decline", "offer",
    "expire", "release", "check_in", "publish",  "move_up", "undo",    NULL};

static int canon_any(struct arena *a, const json_t *v, char **out, const char **why)
{
    (void)a, (void)v, (void)out;
    *why = "is read-only";
    return -1;
}

static const struct field audit_fields[] = {
    ENTITY_ID_FIELD(struct audit_entry),
    {.name = "at",
     .type = FT_TIME,
     .flags = FF_READONLY,
     .offset = offsetof(struct audit_entry, at)},
    {.name = "user_id",
     .type = FT_REF,
     .flags = FF_READONLY | FF_NULLABLE,
     .offset = offsetof(struct audit_entry, user_id)},
    {.name = "username",
     .type = FT_TEXT,
     .flags = FF_READONLY,
     .offset = offsetof(struct audit_entry, username)},
    {.name = "entity",
     .type = FT_TEXT,
     .flags = FF_READONLY,
     .offset = offsetof(struct audit_entry, entity)},
    {.name = "entity_id",
     .type = FT_REF,
     .flags = FF_READONLY,
     .offset = offsetof(struct audit_entry, entity_id)},
    {.name = "action",
     .type = FT_ENUM,
     .flags = FF_READONLY,
     .choices = actions,
     .offset = offsetof(struct audit_entry, action)},
    {.name = "org_id",
     .type = FT_REF,
     .flags = FF_READONLY | FF_NULLABLE,
     .offset = offsetof(struct audit_entry, org_id)},
    {.name = "changes",
     .type = FT_JSON,
     .flags = FF_READONLY,
     .canon = canon_any,
     .offset = offsetof(struct audit_entry, changes)},
};

static const struct table audit_table = {audit_fields, sizeof(audit_fields) / sizeof(struct field),
                                         sizeof(struct audit_entry)};

/* A record is governed by the path its organisation had when it was written (which
 * outlives the organisation), and by the committees the organisation is a partner of. */
static int audit_target(struct db *db, struct arena *a, const void *rec, struct target *t,
                        struct error *err)
{
    const struct audit_entry *e = rec;
    struct db_stmt *st = db_stmt(db, Q_AUDIT_PATH, err);
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, e->id);
    enum db_step r = db_step(st, err);
    if (r == DB_FAIL)
        return -1;
    if (r == DB_ROW) {
        t->paths[t->npaths++] = arena_strdup(a, db_col_text(st, 0, NULL));
        db_step(st, err);
    }
    return fields_is_null(&audit_table, e, "org_id") ? 0 : target_add_org(db, a, e->org_id, t, err);
}

static const char *const entity_names[] = {
    "building", "station", "room",    "organisation", "partnership", "user",    "grant",
    "member",   "booking", "closure", "activity",     "series",      "absence", "registration",
    "check-in", NULL};

static const struct filter audit_filters[] = {
    {.param = "entity", .type = FT_ENUM, .choices = entity_names},
    {.param = "entity_id", .type = FT_REF},
    {.param = "user_id", .type = FT_REF},
    {.param = "action", .type = FT_ENUM, .choices = actions},
    {.param = "org_id", .type = FT_REF},
};

const struct entity audit_entity = {
    .name = "audit record",
    .plural = "audit",
    .table = &audit_table,
    .get = Q_AUDIT_GET,
    .list = Q_AUDIT_LIST,
    .filters = audit_filters,
    .nfilters = sizeof(audit_filters) / sizeof(audit_filters[0]),
    .read_roles = ROLE_BIT(ROLE_COMMITTEE_ADMIN),
    .target = audit_target,
    .list_scoped = true,
};
