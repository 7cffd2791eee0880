/*
 * Who is asking, and what they may do. Every decision about access is made
 * by policy_decide(), from the rules in access.c: the HTTP layer asks it for
 * every route, and the record life cycle (entity.c) asks it for every record
 * it reads or writes, with the record's governing organisation.
 */
#ifndef LOUYU_DOMAIN_ACCESS_H
#define LOUYU_DOMAIN_ACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

struct arena;
struct db;
struct entity;

enum role {
    ROLE_ADMIN,            /* everything */
    ROLE_COMMITTEE_ADMIN,  /* an organisation and its whole subtree */
    ROLE_STATION_MANAGER,  /* one station and its rooms */
    ROLE_BRANCH_SECRETARY, /* an organisation and its subtree, mostly reading */
    ROLE_MEMBER,           /* own data and public information */
    ROLE__MAX
};

#define ROLE_BIT(r) (1u << (r))
#define ROLES_SCOPED_TO_ORG                                                                        \
    (ROLE_BIT(ROLE_COMMITTEE_ADMIN) | ROLE_BIT(ROLE_BRANCH_SECRETARY) | ROLE_BIT(ROLE_MEMBER))

extern const char *const role_names[]; /* NULL-terminated, in enum order */

/* "admin" -> ROLE_ADMIN; -1 when unknown. */
int role_parse(const char *name);

struct grant {
    enum role role;
    int64_t org_id;     /* 0 when the role is not bound to an organisation */
    const char *path;   /* the organisation's path ('/1/5/'), or NULL */
    int64_t station_id; /* 0 when the role is not bound to a station */
};

#define CALLER_MAX_GRANTS 32

/* The signed-in user of a request (user_id 0: nobody is signed in). */
struct caller {
    int64_t user_id;
    const char *username;
    int64_t member_id; /* the person in the register the user is; 0 for none */
    bool admin;
    struct grant grants[CALLER_MAX_GRANTS];
    size_t ngrants;
    int64_t session_id;
    bool by_cookie;         /* authenticated by the session cookie (so writes need CSRF) */
    const char *csrf_token; /* of the session */
};

/* What governs a record: the organisations whose subtree holds it, and its station. */
#define TARGET_MAX_PATHS 16
struct target {
    int64_t org_id;                      /* the record's own organisation, 0 for none */
    const char *paths[TARGET_MAX_PATHS]; /* the record's organisation, and committees it
                                            is a partner of */
    size_t npaths;
    int64_t station_id;
    bool unpublished;     /* not for everyone even where the kind of record is (a draft) */
    int64_t owner_user;   /* the user the record is about (a sign-up), who may read it; 0 */
    int64_t owner_member; /* the same for the person in the register; 0 */
};

enum action { ACT_READ, ACT_CREATE, ACT_UPDATE, ACT_DELETE };

enum verdict {
    ALLOW,
    DENY_SIGN_IN, /* 401: nobody is signed in */
    DENY,         /* 403: visible, but not to be changed by this caller */
    DENY_HIDDEN,  /* 404: the caller may not know that it exists */
};

/* The decision for caller doing 'a' on a record of e governed by t (t may be NULL for
 * a collection as a whole). */
enum verdict policy_decide(const struct caller *c, const struct entity *e, enum action a,
                           const struct target *t);

/* Fills err for a verdict other than ALLOW (naming what was refused) and returns -1. */
int policy_refuse(enum verdict v, const struct entity *e, int64_t id, struct error *err);

/* Resolves an organisation id into t's paths (its own and those of the committees it is
 * a partner of). An id of 0 adds nothing. */
int target_add_org(struct db *db, struct arena *a, int64_t org_id, struct target *t,
                   struct error *err);

/* True when the caller holds a grant (of a role in 'roles') covering t. */
bool caller_covers(const struct caller *c, unsigned roles, const struct target *t);

#endif
