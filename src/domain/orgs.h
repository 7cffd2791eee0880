/*
 * The organisation tree: district department -> joint committee -> building
 * committee -> branches, with co-building partners that report elsewhere and
 * are linked to committees by partnerships.
 */
#ifndef LOUYU_DOMAIN_ORGS_H
#define LOUYU_DOMAIN_ORGS_H

#include "domain/entity.h"

struct org {
    ENTITY_HEAD;
    int64_t parent_id; /* nullable: a root */
    char *path;        /* '/1/5/12/': the ids from the root down; kept by the domain */
    char *name;
    char *kind;          /* one of org_kinds */
    int64_t building_id; /* the tower it sits in; nullable */
    char *managed;       /* "direct", or "partner" for a co-building partner */
    char *contact_name;
    char *contact_phone;
    ENTITY_TAIL;
};

struct partnership {
    ENTITY_HEAD;
    int64_t partner_id;   /* the partner organisation */
    int64_t committee_id; /* the committee it takes part in, as a "VIP member" */
    ENTITY_TAIL;
};

extern const char *const org_kinds[];
extern const struct entity org_entity;
extern const struct entity partnership_entity;

/* A list of organisations as a field (an activity's co-organisers, a series' hosts): a
 * JSON array of at most max distinct positive ids, in the order given, stored as its
 * canonical text in *out; else *why says what is wrong. For field tables' canon. */
int org_ids_canon(struct arena *a, const json_t *v, size_t max, char **out, const char **why);

/* The ids of such a stored list, at most max of them, into out; returns how many. */
size_t org_ids_parse(const char *text, int64_t *out, size_t max);

#endif
