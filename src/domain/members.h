/*
 * The register of people: members of the branches (directly managed, mobile, partners'
 * VIP members) and applicants on their way in, with the day of each stage they reached
 * (domain/membership.h has the rules of the road).
 */
#ifndef LOUYU_DOMAIN_MEMBERS_H
#define LOUYU_DOMAIN_MEMBERS_H

#include "domain/entity.h"
#include "domain/membership.h"

struct member {
    ENTITY_HEAD;
    char *name;
    char *gender;        /* "female", "male"; nullable */
    char *born_on;       /* nullable; personal: masked for readers who do not manage */
    char *phone;         /* nullable, unique; personal */
    char *id_number;     /* nullable; personal */
    char *external_id;   /* nullable, unique: the key of an outside register */
    int64_t employer_id; /* the tenant company (an organisation); nullable */
    int64_t branch_id;
    char *kind;  /* "regular", "mobile" (流动党员), "partner_vip" */
    char *stage; /* derived from the days below */
    char *applied_on, *activist_on, *target_on, *admitted_on, *full_on; /* nullable */
    char *left_as; /* "transferred_out" or "deceased"; nullable */
    char *left_on;
    char *last_report_on; /* an activist's last thought report; nullable */
    ENTITY_TAIL;
};

extern const struct entity member_entity;

/* Moves a member to the next stage on 'on' ("YYYY-MM-DD"), after the rules of the road;
 * 'version' must be the stored one. Returns the stored member. */
struct member *member_advance(struct db *db, struct arena *a, const struct caller *c, int64_t id,
                              int64_t version, const char *stage, const char *on,
                              struct error *err);

/* Records that an activist handed in a thought report on 'on'. */
struct member *member_report(struct db *db, struct arena *a, const struct caller *c, int64_t id,
                             int64_t version, const char *on, struct error *err);

/* Erases a person on request: name, gender, date of birth, phone, ID number, external id
 * and employer go, and so do the personal values in the audit log's records of them; the
 * branch, kind and stage days stay, so that counts and statistics keep adding up. */
struct member *member_erase(struct db *db, struct arena *a, const struct caller *c, int64_t id,
                            int64_t version, struct error *err);

/* Everything the register holds about a person, for giving it to them: the record, in
 * full, and the audit log's records of it (*history, *n: audit_entity records). Only for
 * those who manage the person. */
struct member *member_data(struct db *db, struct arena *a, const struct caller *c, int64_t id,
                           void ***history, size_t *n, struct error *err);

/* The road of m, in days. */
void member_road(const struct member *m, struct road *r);

#endif
