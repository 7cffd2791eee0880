/*
 * Signing up for activities. A sign-up (registration) is a person's place at
 * an activity, or in an appointment service's slot, or on its waiting list
 * when the places are taken; a cancelled place goes to the first who waits,
 * at once. A person holds one sign-up per activity and none that overlap in
 * time. Every sign-up of an activity is made under the activity's lock, so
 * that two hundred people asking for one hundred and fifty places get one
 * hundred and fifty places.
 */
#ifndef LOUYU_DOMAIN_REGISTRATIONS_H
#define LOUYU_DOMAIN_REGISTRATIONS_H

#include <stdint.h>

#include "domain/entity.h"

struct activity;

struct registration {
    ENTITY_HEAD;
    int64_t activity_id;
    int64_t member_id;        /* nullable: someone in the register */
    char *name;               /* the member's name, or the guest's */
    char *phone;              /* nullable: a guest's; personal */
    int64_t slot_start;       /* nullable: the appointment slot */
    char *status;             /* registered, waiting, cancelled */
    char *source;             /* self, staff, invited */
    int64_t user_id;          /* nullable: the account it was made for */
    int64_t membership_years; /* nullable: at a political birthday, years in the Party */
    char *reason;             /* why it was cancelled; nullable */
    int64_t position;         /* nullable: the place on the waiting list, 1 first */
    int64_t start, end;       /* the time it holds: the slot's, or the activity's */
    ENTITY_TAIL;
};

extern const char *const registration_statuses[];
extern const struct entity registration_entity;

/* Signs a person up for in->activity_id. Who: in->member_id (someone in the register) or
 * in->name (and phone: a guest), which only the activity's managers may do for others;
 * neither, and it is the caller (as the member their account is, else as themselves).
 * Gets a place, or a place on the waiting list when none is free. */
struct registration *registration_create(struct db *db, struct arena *a, const struct caller *c,
                                         const struct registration *in, struct error *err);

/* Cancels a sign-up (the person's own, or any for the activity's managers); the place
 * goes to the first on the waiting list. */
struct registration *registration_cancel(struct db *db, struct arena *a, const struct caller *c,
                                         int64_t id, int64_t version, const char *reason,
                                         struct error *err);

/* Invites a member to act (a political birthday): a sign-up made by the staff, with the
 * member's years in the Party; none when the member has one. Inside the caller's
 * DB_WRITE_LOCKING transaction, with act locked. Returns 1 when invited, 0 when already
 * signed up, -1 on failure. */
int registration_invite(struct db *db, struct arena *a, const struct caller *c,
                        const struct activity *act, int64_t member_id, int64_t years, int64_t now,
                        struct error *err);

/* Gives free places of act (locked by the caller) to those waiting, first come first
 * served (per slot for an appointment service). */
int registrations_move_up(struct db *db, struct arena *a, const struct activity *act, int64_t now,
                          struct error *err);

/* Cancels every open sign-up of an activity (it was cancelled), with this reason. */
int registrations_end(struct db *db, int64_t activity_id, const char *reason, int64_t now,
                      struct error *err);

/* Whether the activity's audience takes this person: member_id (0 for someone not in
 * the register) must belong where the audience says (the host's subtree, the station's
 * committee, its partners too), and still be there; "anyone" takes everyone. Returns 0,
 * or -1 with a rule ("audience", "left"). */
int activity_admits(struct db *db, struct arena *a, const struct activity *act, int64_t member_id,
                    struct error *err);

/* The person the caller is, for signing up and checking in: their member record, else
 * their account. Writes the person's key (activity_rules.h), and *name; -1 with
 * ERR_UNAUTHENTICATED when nobody is signed in. */
int caller_person(struct db *db, struct arena *a, const struct caller *c, char *key,
                  const char **name, struct error *err);

#endif
