/*
 * Check-in: the record that a person was there, from which every attendance
 * figure is counted. A person scans the venue screen's QR code (a link with
 * a code that changes every minute, checkin_code.h) while signed in, or the
 * staff check them in at the desk: by their sign-up, their member record,
 * their phone, or as a guest counted at the door. A person checks in to an
 * activity once, however often they try; a mistake is undone, not deleted.
 *
 * Each check-in (and each undo) also keeps the attendees table: the person's
 * attendance of what the host and each committee above it hosted, per year
 * and for all time, so that a committee's figures are read, not recounted.
 */
#ifndef LOUYU_DOMAIN_CHECKINS_H
#define LOUYU_DOMAIN_CHECKINS_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/checkin_code.h"
#include "domain/entity.h"

struct checkin {
    ENTITY_HEAD;
    int64_t activity_id;
    int64_t registration_id; /* nullable: a walk-in has none */
    int64_t member_id;       /* nullable */
    int64_t user_id;         /* nullable */
    char *name;
    char *method; /* scan, desk, walk_in */
    int64_t at;
    int64_t by_user;   /* nullable: who recorded it at the desk */
    int64_t undone_at; /* nullable */
    int64_t undone_by; /* nullable */
    ENTITY_TAIL;
};

extern const struct entity checkin_entity;

/* What a check-in names: the code scanned (the caller checks in), or for the staff one
 * of a sign-up, a member, a phone, or a guest's name (phone optional). */
struct checkin_request {
    int64_t activity_id;
    const char *code;
    int64_t registration_id, member_id;
    const char *phone;
    const char *guest_name;
};

/* Checks a person in. *again is set when they were checked in already (the stored
 * check-in is returned, and nothing changes). A wrong or expired code is ERR_FORBIDDEN
 * (rule "code"). */
struct checkin *checkin_create(struct db *db, struct arena *a, const struct caller *c,
                               const struct checkin_request *rq, bool *again, struct error *err);

/* Undoes a check-in made by mistake (the activity's managers only). */
struct checkin *checkin_undo(struct db *db, struct arena *a, const struct caller *c, int64_t id,
                             struct error *err);

/* The server-wide key of the check-in codes, made (at random) the first time it is
 * needed; the same for every server of the database. */
int checkin_key(struct db *db, unsigned char key[CHECKIN_KEY_BYTES], struct error *err);

/* The code the venue screen of activity 'id' shows now, for its managers: code, the
 * instant it stops being shown. */
int checkin_code_now(struct db *db, struct arena *a, const struct caller *c, int64_t id,
                     char code[CHECKIN_CODE_CHARS + 1], int64_t *changes_at, struct error *err);

#endif
