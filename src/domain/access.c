/*
 * The access policy. Three questions decide everything:
 *   - is the record public to read (the station network is: it is there for everyone)?
 *   - is the caller an admin?
 *   - does one of the caller's grants cover the record: an organisation-bound grant
 *     whose organisation's subtree holds the record (or holds a committee that the
 *     record's organisation is a partner of), or a station-bound grant for the
 *     record's station?
 * Which roles may read and which may write each kind of record is data, in the
 * record's struct entity (places.c, orgs.c, users.c).
 *
 * What the caller may not read answers 404, never 403, so that its existence does
 * not leak; what the caller may read but not change answers 403.
 */
#include "domain/access.h"

#include <string.h>

#include "core/arena.h"
#include "domain/entity.h"
#include "store/db.h"

const char *const role_names[] = {
    "admin", "committee_admin", "station_manager", "branch_secretary", "member", NULL};

int role_parse(const char *name)
{
    for (int i = 0; role_names[i]; i++)
        if (strcmp(role_names[i], name) == 0)
            return i;
    return -1;
}

static bool path_within(const char *path, const char *root)
{
    return path && root && strncmp(path, root, strlen(root)) == 0;
}

bool caller_covers(const struct caller *c, unsigned roles, const struct target *t)
{
    for (size_t i = 0; i < c->ngrants; i++) {
        const struct grant *g = &c->grants[i];
        if (!(roles & ROLE_BIT(g->role)))
            continue;
        if (g->station_id && g->station_id == t->station_id)
            return true;
        for (size_t k = 0; g->path && k < t->npaths; k++)
            if (path_within(t->paths[k], g->path))
                return true;
    }
    return false;
}

static bool holds_any(const struct caller *c, unsigned roles)
{
    for (size_t i = 0; i < c->ngrants; i++)
        if (roles & ROLE_BIT(c->grants[i].role))
            return true;
    return false;
}

enum verdict policy_decide(const struct caller *c, const struct entity *e, enum action a,
                           const struct target *t)
{
    bool public = e->public_read && !(t && t->unpublished);
    if (a == ACT_READ && public)
        return ALLOW;
    if (c && c->admin) /* also the command line, which acts as an admin with no user */
        return ALLOW;
    /* a record of a public kind that is not public (a draft): not there, for the anonymous */
    if (a == ACT_READ && e->public_read && (c == NULL || c->user_id == 0) && t)
        return DENY_HIDDEN;
    if (c == NULL || c->user_id == 0)
        return DENY_SIGN_IN;
    unsigned writers = e->write_roles | (a == ACT_UPDATE ? e->edit_roles : 0);
    unsigned readers = e->read_roles | e->write_roles | e->edit_roles;
    if (t == NULL) /* the collection as a whole: its list is filtered to the caller's scope */
        return (a == ACT_READ && e->owned) || holds_any(c, a == ACT_READ ? readers : writers)
                   ? ALLOW
                   : DENY;
    bool own = (t->owner_user && t->owner_user == c->user_id) ||
               (t->owner_member && t->owner_member == c->member_id);
    bool can_read = public || own || caller_covers(c, readers, t);
    if (a == ACT_READ)
        return can_read ? ALLOW : DENY_HIDDEN;
    if (caller_covers(c, writers, t))
        return ALLOW;
    return can_read ? DENY : DENY_HIDDEN;
}

int policy_refuse(enum verdict v, const struct entity *e, int64_t id, struct error *err)
{
    switch (v) {
    case ALLOW:
        return 0;
    case DENY_SIGN_IN:
        return error_set(err, ERR_UNAUTHENTICATED, "sign in first");
    case DENY:
        if (id)
            return error_set(err, ERR_FORBIDDEN, "you may not change %s %lld", e->name,
                             (long long)id);
        return error_set(err, ERR_FORBIDDEN, "you may not do this to %s records here", e->name);
    case DENY_HIDDEN:
        return error_set(err, ERR_NOT_FOUND, "no %s with id %lld", e->name, (long long)id);
    }
    return -1;
}

int target_add_org(struct db *db, struct arena *a, int64_t org_id, struct target *t,
                   struct error *err)
{
    if (org_id == 0)
        return 0;
    if (t->org_id == 0)
        t->org_id = org_id;
    struct db_stmt *st = db_stmt(db, Q_ORG_SCOPE_PATHS, err);
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, org_id);
    enum db_step r;
    while ((r = db_step(st, err)) == DB_ROW)
        if (t->npaths < TARGET_MAX_PATHS)
            t->paths[t->npaths++] = arena_strdup(a, db_col_text(st, 0, NULL));
    return r == DB_FAIL ? -1 : 0;
}
