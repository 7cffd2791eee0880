/* People who sign in, the roles they are granted, and their sessions. */
#ifndef LOUYU_DOMAIN_USERS_H
#define LOUYU_DOMAIN_USERS_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/entity.h"

struct user {
    ENTITY_HEAD;
    char *username;
    char *display_name; /* nullable */
    bool disabled;      /* a disabled user cannot sign in, and its sessions stop working */
    int64_t member_id;  /* nullable: the person in the register this account is */
    char *locale;       /* nullable: the language the user chose in the web app */
    ENTITY_TAIL;
};

struct grant_rec {
    ENTITY_HEAD;
    int64_t user_id;
    char *role;         /* one of role_names */
    int64_t org_id;     /* nullable; required for organisation-bound roles */
    int64_t station_id; /* nullable; required for station_manager */
    ENTITY_TAIL;
};

extern const struct entity user_entity;
extern const char *const user_locales[]; /* zh-CN, en, zh-TW */

/* The signed-in user's own choice of language (one of user_locales). */
struct user *user_set_locale(struct db *db, struct arena *a, const struct caller *c,
                             const char *locale, struct error *err);
extern const struct entity grant_entity;

#define PASSWORD_MIN_CHARS 8
#define PASSWORD_MAX_BYTES 128

/* Creates a user with this password (hashed here, before the transaction); member_id (0
 * for none) is the person in the register the account belongs to. */
struct user *user_add(struct db *db, struct arena *a, const struct caller *c, const char *username,
                      const char *display_name, bool disabled, int64_t member_id,
                      const char *password, struct error *err);

/* Sets a new password and ends the user's sessions. */
int user_set_password(struct db *db, struct arena *a, const struct caller *c, int64_t user_id,
                      const char *password, struct error *err);

/* The user with this username; NULL with ERR_NOT_FOUND. */
struct user *user_find(struct db *db, struct arena *a, const char *username, struct error *err);

/* The grants of a user, with their organisations' paths, into c. */
int user_load_grants(struct db *db, struct arena *a, int64_t user_id, struct caller *c,
                     struct error *err);

/* Checks a new password against the rules; NULL when acceptable, else the reason. */
const char *password_problem(const char *password);

/* Argon2id (libsodium), at least OWASP's minimum: 19 MiB of memory, 2 passes. At most a
 * few hashes run at once (the rest wait). */
int password_hash(const char *password, char out[128]);

/* Seats for checking passwords in a server, as many as hashes may run at once (at most
 * 'seats', which serve sets to its worker threads less one): a sign-in takes one before
 * anything else, and finding none is told to come back, so that no worker thread waits
 * for a turn to hash while the connections it serves wait with it. */
void password_set_seats(int seats);
bool password_seat_take(void);
void password_seat_leave(void);

/* True when password matches hash. A NULL hash (no such user) is checked against a hash
 * of nothing, so that the answer takes as long, and is false. */
bool password_verify(const char *hash, const char *password);

#endif
