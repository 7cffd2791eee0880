/*
 * The rules of activities as pure functions of plain values: what kinds,
 * audiences and statuses there are, when sign-up and check-in are open, how
 * appointment slots are laid out, who gets a place and who waits, and how a
 * person is named for counting. Nothing here reads the database; the files
 * that do (activities.c, registrations.c, checkins.c) call these.
 */
#ifndef LOUYU_DOMAIN_ACTIVITY_RULES_H
#define LOUYU_DOMAIN_ACTIVITY_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

extern const char *const activity_kinds[];     /* party_lesson, ..., other */
extern const char *const activity_audiences[]; /* host, committee, partners, anyone */
extern const char *const activity_statuses[];  /* draft, published, cancelled, held */

/* Check-in opens this long before the start, as a booking's does. */
#define ACTIVITY_CHECKIN_EARLY_S (30 * 60)
/* Staff at the desk may still record (or correct) attendance this long after the end. */
#define ACTIVITY_DESK_LATE_S (2 * 86400)

/* Appointment slots: [start, end) cut into slot_minutes pieces, each for slot_capacity
 * people. Checks a slotted activity's settings (both given or neither; slots that divide
 * the time exactly; a slot's places within the capacity). has_slots: slot_minutes given. */
int activity_check_slots(int64_t start, int64_t end, bool has_slots, int64_t slot_minutes,
                         bool has_capacity, int64_t slot_capacity, int64_t capacity,
                         struct error *err);

/* The number of slots of a slotted activity. */
int64_t activity_slot_count(int64_t start, int64_t end, int64_t slot_minutes);

/* Checks that slot_start begins one of the activity's slots (pointer "/slot_start"). */
int activity_check_slot(int64_t start, int64_t end, int64_t slot_minutes, int64_t slot_start,
                        struct error *err);

/* Sign-up is open while the activity is published and has not ended: people may sign up
 * for what has begun (a lesson is joined late), not for what is over. Staff at the desk
 * may add people until the end too. Rule "status" or "signup_closed". */
int activity_check_signup(const char *status, int64_t end, int64_t now, struct error *err);

/* Check-in is open for a published (or held) activity from ACTIVITY_CHECKIN_EARLY_S
 * before its start until its end; staff at the desk may record attendance until
 * ACTIVITY_DESK_LATE_S after the end. Rule "status" or "check_in_window". */
int activity_check_checkin(const char *status, int64_t start, int64_t end, int64_t now, bool desk,
                           struct error *err);

/* Whether a new sign-up gets a place: there is room in the activity (taken of capacity)
 * and, for a slotted one, in its slot (slot_taken of slot_capacity; pass 0 and 0 for an
 * activity without slots). Those who find no room wait. */
bool activity_has_place(int64_t taken, int64_t capacity, int64_t slot_taken, int64_t slot_capacity);

/* Volunteer time a check-in adds: the activity's length in minutes for a volunteer
 * service, else 0. */
int64_t activity_volunteer_minutes(const char *kind, int64_t start, int64_t end);

/* The key that counts a person once however they came: "m:<member id>" for someone in
 * the register, "u:<user id>" for an account that is not, "p:<phone>" for a guest known
 * by phone. Written into out (at least PERSON_KEY_MAX bytes). */
#define PERSON_KEY_MAX 48
void person_key(char out[PERSON_KEY_MAX], int64_t member_id, int64_t user_id, const char *phone);

/* True when the key names someone in the register (a member or an applicant). */
bool person_is_member(const char *key);

/* The ids of the organisations on an organisation path ("/1/5/12/" gives 1, 5, 12): the
 * organisation itself and every committee above it. Returns how many were written to
 * out (at most max); a malformed path gives 0. */
size_t path_ids(const char *path, int64_t *out, size_t max);

/* The local (+08:00) calendar year of an instant: the period attendance is reported by. */
int64_t local_year(int64_t t);

/* A month "YYYY-MM" (2000-2200): its first day (days since the epoch) and the first day
 * of the next, or -1 for anything else. */
int month_days(const char *month, int64_t *first, int64_t *next);

#endif
