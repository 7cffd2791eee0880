/*
 * Organisations keep their place in the tree as a path of ids ('/1/5/12/'),
 * so that "is X in the subtree of Y" is a prefix test and a subtree is one
 * indexed range. Moving an organisation rewrites the paths of its subtree in
 * the same transaction, and a move under its own subtree is refused.
 */
#include "domain/orgs.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"

#define PHONE_CHARS "0123456789+-() "

const char *const org_kinds[] = {"district_department",
                                 "joint_committee",
                                 "building_committee",
                                 "general_branch",
                                 "branch",
                                 "party_group",
                                 "partner",
                                 "tenant_company",
                                 NULL};

static const char *const managed_kinds[] = {"direct", "partner", NULL};

static const struct field org_fields[] = {
    ENTITY_ID_FIELD(struct org),
    {.name = "parent_id",
     .type = FT_REF,
     .flags = FF_NULLABLE,
     .offset = offsetof(struct org, parent_id)},
    {.name = "path", .type = FT_TEXT, .flags = FF_READONLY, .offset = offsetof(struct org, path)},
    {.name = "name",
     .type = FT_TEXT,
     .flags = FF_REQUIRED,
     .max_chars = 100,
     .offset = offsetof(struct org, name)},
    {.name = "kind",
     .type = FT_ENUM,
     .flags = FF_REQUIRED,
     .choices = org_kinds,
     .offset = offsetof(struct org, kind)},
    {.name = "building_id",
     .type = FT_REF,
     .flags = FF_NULLABLE,
     .offset = offsetof(struct org, building_id)},
    {.name = "managed",
     .type = FT_ENUM,
     .choices = managed_kinds,
     .def_text = "direct",
     .offset = offsetof(struct org, managed)},
    {.name = "contact_name",
     .type = FT_TEXT,
     .flags = FF_NULLABLE,
     .max_chars = 50,
     .offset = offsetof(struct org, contact_name)},
    {.name = "contact_phone",
     .type = FT_TEXT,
     .flags = FF_NULLABLE,
     .max_chars = 30,
     .charset = PHONE_CHARS,
     .offset = offsetof(struct org, contact_phone)},
    ENTITY_TRAILER_FIELDS(struct org),
};

static const struct table org_table = {org_fields, sizeof(org_fields) / sizeof(struct field),
                                       sizeof(struct org)};

static const struct reference org_refs[] = {
    {"parent_id", Q_ORG_GET, "organisation"},
    {"building_id", Q_BUILDING_GET, "building"},
};

static const struct filter org_filters[] = {
    {.param = "parent_id", .type = FT_REF},
    {.param = "within", .type = FT_REF},
    {.param = "kind", .type = FT_ENUM, .choices = org_kinds},
    {.param = "building_id", .type = FT_REF},
};

/* A parent may not be the organisation itself or anything below it. */
static int check_org(struct db *db, const void *rec, struct error *err)
{
    const struct org *o = rec;
    if (o->id == 0 || fields_is_null(&org_table, o, "parent_id"))
        return 0;
    struct arena *a = err->arena;
    struct org *parent = entity_get(db, a, &org_entity, o->parent_id, err);
    if (parent == NULL)
        return -1;
    char own[32];
    snprintf(own, sizeof(own), "/%lld/", (long long)o->id);
    if (strstr(parent->path, own))
        return error_field(err, ERR_RULE, "/parent_id",
                           "organisation %lld is inside organisation %lld: that would make a cycle",
                           (long long)o->parent_id, (long long)o->id);
    return 0;
}

/* An organisation is governed by itself once it exists, by its parent until then. */
static int org_target(struct db *db, struct arena *a, const void *rec, struct target *t,
                      struct error *err)
{
    const struct org *o = rec;
    if (o->id)
        return target_add_org(db, a, o->id, t, err);
    if (fields_is_null(&org_table, o, "parent_id"))
        return 0; /* a new root: only admins */
    return target_add_org(db, a, o->parent_id, t, err);
}

static const char *path_under(struct arena *a, const char *parent_path, int64_t id)
{
    return arena_printf(a, "%s%lld/", parent_path ? parent_path : "/", (long long)id);
}

/* Keeps the paths: a new organisation's own, and a moved subtree's. */
static int org_paths(struct db *db, struct arena *a, const void *before, const void *after,
                     struct error *err)
{
    const struct org *old = before, *now = after;
    if (old && old->parent_id == now->parent_id &&
        fields_is_null(&org_table, old, "parent_id") ==
            fields_is_null(&org_table, now, "parent_id"))
        return 0;
    const char *parent_path = NULL;
    if (!fields_is_null(&org_table, now, "parent_id")) {
        struct org *p = entity_get(db, a, &org_entity, now->parent_id, err);
        if (p == NULL)
            return -1;
        parent_path = p->path;
    }
    const char *from = old ? old->path : now->path, *to = path_under(a, parent_path, now->id);
    struct db_stmt *st = db_stmt(db, old ? Q_ORG_MOVE_SUBTREE : Q_ORG_SET_PATH, err);
    if (st == NULL)
        return -1;
    if (old) {
        db_bind_text(st, 1, to, strlen(to));
        db_bind_int(st, 2, (int64_t)strlen(from));
        db_bind_text(st, 3, from, strlen(from));
    } else {
        db_bind_text(st, 1, to, strlen(to));
        db_bind_int(st, 2, now->id);
    }
    return db_exec(st, err);
}

const struct entity org_entity = {
    .searchable = true,
    .name = "organisation",
    .plural = "orgs",
    .table = &org_table,
    .get = Q_ORG_GET,
    .list = Q_ORG_LIST,
    .insert = Q_ORG_INSERT,
    .update = Q_ORG_UPDATE,
    .del = Q_ORG_DELETE,
    .dependants = Q_ORG_DEPENDANTS,
    .dependants_what = "sub-organisations, stations, grants or partnerships",
    .refs = org_refs,
    .nrefs = sizeof(org_refs) / sizeof(org_refs[0]),
    .filters = org_filters,
    .nfilters = sizeof(org_filters) / sizeof(org_filters[0]),
    .check = check_org,
    .read_roles = ROLES_SCOPED_TO_ORG,
    .write_roles = ROLE_BIT(ROLE_COMMITTEE_ADMIN),
    .target = org_target,
    .list_scoped = true,
    .after_write = org_paths,
};

/* ---- partnerships ---- */

static const struct field partnership_fields[] = {
    ENTITY_ID_FIELD(struct partnership),
    {.name = "partner_id",
     .type = FT_REF,
     .flags = FF_REQUIRED,
     .offset = offsetof(struct partnership, partner_id)},
    {.name = "committee_id",
     .type = FT_REF,
     .flags = FF_REQUIRED,
     .offset = offsetof(struct partnership, committee_id)},
    ENTITY_TRAILER_FIELDS(struct partnership),
};

static const struct table partnership_table = {partnership_fields,
                                               sizeof(partnership_fields) / sizeof(struct field),
                                               sizeof(struct partnership)};

static const struct reference partnership_refs[] = {
    {"partner_id", Q_ORG_GET, "organisation"},
    {"committee_id", Q_ORG_GET, "organisation"},
};

static const struct filter partnership_filters[] = {
    {.param = "partner_id", .type = FT_REF},
    {.param = "committee_id", .type = FT_REF},
};

static bool is_committee(const char *kind)
{
    static const char *const committees[] = {"district_department", "joint_committee",
                                             "building_committee", "general_branch", NULL};
    for (size_t i = 0; committees[i]; i++)
        if (strcmp(kind, committees[i]) == 0)
            return true;
    return false;
}

/* A partnership takes a co-building partner (an organisation managed as a partner) into a
 * committee: never one committee into another, which would hand over its whole subtree. */
static int check_partnership(struct db *db, const void *rec, struct error *err)
{
    const struct partnership *p = rec;
    struct arena *a = err->arena;
    struct org *partner = entity_get(db, a, &org_entity, p->partner_id, err);
    struct org *committee = partner ? entity_get(db, a, &org_entity, p->committee_id, err) : NULL;
    if (committee == NULL)
        return -1;
    if (strcmp(partner->managed, "partner") != 0)
        return error_field(err, ERR_RULE, "/partner_id",
                           "organisation %lld is not a co-building partner (managed: %s)",
                           (long long)p->partner_id, partner->managed);
    if (!is_committee(committee->kind))
        return error_field(err, ERR_RULE, "/committee_id",
                           "organisation %lld is a %s, not a committee", (long long)p->committee_id,
                           committee->kind);
    struct db_stmt *st = db_stmt(db, Q_PARTNERSHIP_DUPLICATE, err);
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, p->partner_id);
    db_bind_int(st, 2, p->committee_id);
    db_bind_int(st, 3, p->id);
    enum db_step r = db_step(st, err);
    if (r == DB_ROW) {
        db_step(st, err);
        return error_set(err, ERR_CONFLICT, "organisation %lld is already a partner of %lld",
                         (long long)p->partner_id, (long long)p->committee_id);
    }
    return r == DB_FAIL ? -1 : 0;
}

/* A partnership belongs to the committee that takes the partner in. */
static int partnership_target(struct db *db, struct arena *a, const void *rec, struct target *t,
                              struct error *err)
{
    const struct partnership *p = rec;
    return target_add_org(db, a, p->committee_id, t, err);
}

const struct entity partnership_entity = {
    .name = "partnership",
    .plural = "partnerships",
    .table = &partnership_table,
    .get = Q_PARTNERSHIP_GET,
    .list = Q_PARTNERSHIP_LIST,
    .insert = Q_PARTNERSHIP_INSERT,
    .update = Q_PARTNERSHIP_UPDATE,
    .del = Q_PARTNERSHIP_DELETE,
    .dependants = Q_PARTNERSHIP_DEPENDANTS,
    .dependants_what = "dependants",
    .refs = partnership_refs,
    .nrefs = 2,
    .filters = partnership_filters,
    .nfilters = 2,
    .check = check_partnership,
    .read_roles = ROLES_SCOPED_TO_ORG,
    /* Only admins link: a partnership brings the partner (and the people of its
     * branch) within the committee's reach, so a committee admin could otherwise pull
     * any partner organisation in. */
    .write_roles = 0,
    .target = partnership_target,
    .list_scoped = true,
};

int org_ids_canon(struct arena *a, const json_t *v, size_t max, char **out, const char **why)
{
    if (!json_is_array(v) || json_array_size(v) > max) {
        *why = arena_printf(a, "must be an array of at most %zu organisation ids", max);
        return -1;
    }
    struct buf b = BUF_INIT;
    buf_puts(&b, "[");
    for (size_t i = 0; i < json_array_size(v); i++) {
        const json_t *x = json_array_get(v, i);
        json_int_t id = json_is_integer(x) ? json_integer_value(x) : 0;
        for (size_t k = 0; k < i && id > 0; k++)
            if (json_integer_value(json_array_get(v, k)) == id)
                id = 0;
        if (id <= 0) {
            buf_free(&b);
            *why = "must hold distinct organisation ids (positive integers)";
            return -1;
        }
        buf_printf(&b, "%s%lld", i ? "," : "", (long long)id);
    }
    buf_puts(&b, "]");
    *out = arena_strndup(a, b.data, b.len);
    buf_free(&b);
    return 0;
}

size_t org_ids_parse(const char *text, int64_t *out, size_t max)
{
    size_t n = 0;
    for (const char *p = text; p && *p && n < max; p++)
        if (*p >= '1' && *p <= '9') {
            char *end;
            out[n++] = strtoll(p, &end, 10);
            p = end - 1;
        }
    return n;
}
