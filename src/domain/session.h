/*
 * Sessions: signing in and out, and finding the caller of a request. A
 * session token is 256 random bits, given to the client once; the database
 * keeps only its hash, so a leaked database holds no usable token.
 */
#ifndef LOUYU_DOMAIN_SESSION_H
#define LOUYU_DOMAIN_SESSION_H

#include <stdint.h>

#include "domain/access.h"

#define SESSION_LIFETIME_S     (12 * 3600) /* a session ends this long after sign-in... */
#define SESSION_IDLE_S         (2 * 3600)  /* ...or after this long without a request */
#define SIGNIN_WINDOW_S        (15 * 60)
#define SIGNIN_MAX_PER_USER    5  /* failed sign-ins per user per window */
#define SIGNIN_MAX_PER_ADDRESS 20 /* failed sign-ins per client address per window */

struct session {
    const char *token; /* only right after sign-in: the client's secret */
    const char *csrf_token;
    int64_t expires_at;
    struct caller caller;
};

/* Signs in. Wrong username and wrong password fail alike (ERR_UNAUTHENTICATED, and about
 * the same time); too many failures for the user or the address fail with ERR_TOO_MANY
 * and *retry_after set, before the password is even looked at. */
int session_signin(struct db *db, struct arena *a, const char *username, const char *password,
                   const char *address, struct session *out, int *retry_after, struct error *err);

/* The session of a token: 0 and out filled; ERR_UNAUTHENTICATED when the token is unknown,
 * expired, idle too long, or its user disabled. */
int session_find(struct db *db, struct arena *a, const char *token, struct session *out,
                 struct error *err);

/* Ends a session. */
int session_end(struct db *db, int64_t session_id, struct error *err);

/* Forgets the counts of failed sign-ins whose window has passed (they count for nothing
 * any more): a spray of sign-ins under ever new usernames would otherwise grow the table
 * without end. Sets *purged to how many went. */
int session_purge_failures(struct db *db, int64_t *purged, struct error *err);

#endif
