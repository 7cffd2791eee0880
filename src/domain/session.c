/*
 * Sign-in throttling lives in the database like everything else, so that N
 * servers behind one proxy count failures together. Counting starts at the
 * first failure of a window and is forgotten after SIGNIN_WINDOW_S.
 */
#include "domain/session.h"

#include <sodium.h>
#include <stdbool.h>
#include <string.h>

#include "core/arena.h"
#include "core/timefmt.h"
#include "domain/users.h"
#include "store/db.h"

/* 32 random bytes as unpadded base64url (43 characters). */
static char *random_token(struct arena *a)
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof(raw));
    size_t n = sodium_base64_ENCODED_LEN(sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *s = arena_alloc(a, n);
    sodium_bin2base64(s, n, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return s;
}

/* What the database keeps of a token: hex BLAKE2b-256. */
static char *token_hash(struct arena *a, const char *token)
{
    unsigned char h[32];
    crypto_generichash(h, sizeof(h), (const unsigned char *)token, strlen(token), NULL, 0);
    char *hex = arena_alloc(a, 65);
    sodium_bin2hex(hex, 65, h, sizeof(h));
    return hex;
}

/* ---- throttling ---- */

static int64_t failures(struct db *db, const char *key, int64_t now, struct error *err)
{
    struct db_stmt *st = db_stmt(db, Q_SIGNIN_FAILURES, err);
    if (st == NULL)
        return -1;
    db_bind_text(st, 1, key, strlen(key));
    db_bind_int(st, 2, now - SIGNIN_WINDOW_S);
    enum db_step r = db_step(st, err);
    if (r == DB_FAIL)
        return -1;
    int64_t n = r == DB_ROW ? db_col_int(st, 0) : 0;
    db_step(st, err);
    return n;
}

struct failure {
    const char *keys[2];
};

static int count_failure_txn(struct db *db, void *ctx, struct error *err)
{
    struct failure *f = ctx;
    int64_t now = time_now();
    for (int i = 0; i < 2; i++) {
        struct db_stmt *st = db_stmt(db, Q_SIGNIN_FAILURE_ADD, err);
        if (st == NULL)
            return -1;
        db_bind_text(st, 1, f->keys[i], strlen(f->keys[i]));
        db_bind_int(st, 2, now);
        db_bind_int(st, 3, now - SIGNIN_WINDOW_S);
        if (db_exec(st, err) != 0)
            return -1;
    }
    return 0;
}

/* Counts this attempt as a failure before the password is checked, in one write
 * transaction with the check of the limits: attempts sent in parallel then queue on the
 * counters, and none gets past the limit. A successful sign-in takes its count back. */
struct attempt {
    struct failure keys;
    int64_t by_user, by_addr;
};

static int reserve_txn(struct db *db, void *ctx, struct error *err)
{
    struct attempt *t = ctx;
    int64_t now = time_now();
    if (count_failure_txn(db, &t->keys, err) != 0 ||
        (t->by_user = failures(db, t->keys.keys[0], now, err)) < 0 ||
        (t->by_addr = failures(db, t->keys.keys[1], now, err)) < 0)
        return -1;
    return 0;
}

static int throttled(struct db *db, const char *user_key, const char *addr_key, int *retry_after,
                     struct error *err)
{
    struct attempt t = {{{user_key, addr_key}}, 0, 0};
    if (db_transact(db, DB_WRITE, reserve_txn, &t, err) != 0)
        return -1;
    if (t.by_user <= SIGNIN_MAX_PER_USER && t.by_addr <= SIGNIN_MAX_PER_ADDRESS)
        return 0;
    *retry_after = SIGNIN_WINDOW_S;
    return error_set(err, ERR_TOO_MANY, "too many failed sign-ins: try again in %d minutes",
                     SIGNIN_WINDOW_S / 60);
}

/* ---- signing in ---- */

struct signin {
    struct arena *a;
    int64_t user_id;
    const char *user_key, *addr_key;
    struct session *out;
};

static int create_txn(struct db *db, void *ctx, struct error *err)
{
    struct signin *s = ctx;
    int64_t now = time_now();
    struct db_stmt *st = db_stmt(db, Q_SIGNIN_FAILURE_CLEAR, err);
    if (st == NULL)
        return -1;
    db_bind_text(st, 1, s->user_key, strlen(s->user_key));
    if (db_exec(st, err) != 0 || (st = db_stmt(db, Q_SIGNIN_FAILURE_UNDO, err)) == NULL)
        return -1;
    db_bind_text(st, 1, s->addr_key, strlen(s->addr_key));
    if (db_exec(st, err) != 0 || (st = db_stmt(db, Q_SESSION_PURGE, err)) == NULL)
        return -1;
    db_bind_int(st, 1, now);
    db_bind_int(st, 2, now - SESSION_IDLE_S);
    if (db_exec(st, err) != 0 || (st = db_stmt(db, Q_SESSION_INSERT, err)) == NULL)
        return -1;
    const char *hash = token_hash(s->a, s->out->token);
    db_bind_text(st, 1, hash, strlen(hash));
    db_bind_text(st, 2, s->out->csrf_token, strlen(s->out->csrf_token));
    db_bind_int(st, 3, s->user_id);
    db_bind_int(st, 4, now);
    db_bind_int(st, 5, s->out->expires_at);
    if (db_step(st, err) != DB_ROW)
        return -1;
    s->out->caller.session_id = db_col_int(st, 0);
    return db_exec(st, err);
}

static int signin(struct db *db, struct arena *a, const char *username, const char *password,
                  const char *address, struct session *out, int *retry_after, struct error *err)
{
    const char *user_key = arena_printf(a, "user:%s", username);
    const char *addr_key = arena_printf(a, "address:%s", address ? address : "");
    if (throttled(db, user_key, addr_key, retry_after, err) != 0)
        return -1;
    const char *stored = NULL;
    int64_t user_id = 0, member_id = 0;
    struct db_stmt *st = db_stmt(db, Q_USER_CREDENTIALS, err);
    if (st == NULL)
        return -1;
    db_bind_text(st, 1, username, strlen(username));
    enum db_step r = db_step(st, err);
    if (r == DB_FAIL)
        return -1;
    if (r == DB_ROW) {
        user_id = db_col_int(st, 0);
        stored = arena_strdup(a, db_col_text(st, 1, NULL));
        member_id = db_col_null(st, 2) ? 0 : db_col_int(st, 2);
        db_step(st, err);
    }
    if (!password_verify(stored, password)) /* already counted as a failure */
        return error_set(err, ERR_UNAUTHENTICATED, "wrong username or password");
    memset(out, 0, sizeof(*out));
    out->token = random_token(a);
    out->csrf_token = random_token(a);
    out->expires_at = time_now() + SESSION_LIFETIME_S;
    struct signin s = {a, user_id, user_key, addr_key, out};
    if (db_transact(db, DB_WRITE, create_txn, &s, err) != 0)
        return -1;
    out->caller.user_id = user_id;
    out->caller.username = arena_strdup(a, username);
    out->caller.member_id = member_id;
    out->caller.csrf_token = out->csrf_token;
    return user_load_grants(db, a, user_id, &out->caller, err);
}

/* ---- finding the caller ---- */

static int touch(struct db *db, int64_t session_id, int64_t now, struct error *err)
{
    struct db_stmt *st = db_stmt(db, Q_SESSION_TOUCH, err);
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, now);
    db_bind_int(st, 2, session_id);
    return db_exec(st, err);
}

int session_find(struct db *db, struct arena *a, const char *token, struct session *out,
                 struct error *err)
{
    memset(out, 0, sizeof(*out));
    const char *hash = token_hash(a, token);
    struct db_stmt *st = db_stmt(db, Q_SESSION_FIND, err);
    if (st == NULL)
        return -1;
    db_bind_text(st, 1, hash, strlen(hash));
    enum db_step r = db_step(st, err);
    if (r == DB_FAIL)
        return -1;
    if (r == DB_DONE)
        return error_set(err, ERR_UNAUTHENTICATED, "the session is unknown or has ended: sign in");
    struct caller *c = &out->caller;
    c->session_id = db_col_int(st, 0);
    c->user_id = db_col_int(st, 1);
    c->username = arena_strdup(a, db_col_text(st, 2, NULL));
    out->csrf_token = c->csrf_token = arena_strdup(a, db_col_text(st, 3, NULL));
    int64_t seen = db_col_int(st, 4);
    out->expires_at = db_col_int(st, 5);
    bool disabled = db_col_int(st, 6) != 0;
    c->member_id = db_col_null(st, 7) ? 0 : db_col_int(st, 7);
    db_step(st, err);
    int64_t now = time_now();
    if (disabled || now >= out->expires_at || now - seen > SESSION_IDLE_S)
        return error_set(err, ERR_UNAUTHENTICATED, "the session has ended: sign in again");
    /* Idle time is kept to the minute: a write on every request would cost more. */
    if (now - seen >= 60 && touch(db, c->session_id, now, err) != 0)
        return -1;
    return user_load_grants(db, a, c->user_id, c, err);
}

int session_end(struct db *db, int64_t session_id, struct error *err)
{
    struct db_stmt *st = db_stmt(db, Q_SESSION_DELETE, err);
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, session_id);
    return db_exec(st, err);
}

/* A sign-in holds a seat (password_seat_take) from before its count to its session: with
 * none free, it is told to come back in a second, without a write or a hash. */
int session_signin(struct db *db, struct arena *a, const char *username, const char *password,
                   const char *address, struct session *out, int *retry_after, struct error *err)
{
    if (!password_seat_take()) {
        *retry_after = 1;
        return error_set(err, ERR_UNAVAILABLE,
                         "the server is checking as many passwords as it can at once: try "
                         "again in a second");
    }
    int rc = signin(db, a, username, password, address, out, retry_after, err);
    password_seat_leave();
    return rc;
}

static int purge_txn(struct db *db, void *ctx, struct error *err)
{
    struct db_stmt *st = db_stmt(db, Q_SIGNIN_FAILURE_PURGE, err);
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, time_now() - SIGNIN_WINDOW_S);
    if (db_exec(st, err) != 0)
        return -1;
    *(int64_t *)ctx = db_changes(st);
    return 0;
}

int session_purge_failures(struct db *db, int64_t *purged, struct error *err)
{
    *purged = 0;
    return db_transact(db, DB_WRITE, purge_txn, purged, err);
}
