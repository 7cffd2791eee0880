/*
 * Signing in and out, and who am I. The token is handed out twice: in the
 * body (for API clients, as a bearer token) and as an HttpOnly cookie (for
 * the web app, whose writes then also need the CSRF token from the body).
 */
#include <string.h>

#include "api/resource.h"
#include "api/session.h"
#include "core/arena.h"
#include "core/jsonw.h"
#include "core/timefmt.h"
#include "domain/session.h"
#include "domain/users.h"

#define COOKIE        "louyu_session"
#define COOKIE_SECURE "__Host-louyu_session" /* the prefix browsers enforce over HTTPS */

const char *session_cookie_name(bool secure)
{
    return secure ? COOKIE_SECURE : COOKIE;
}

static void set_cookie(struct exchange *ex, const char *value, int max_age)
{
    exchange_header(ex, "Set-Cookie",
                    arena_printf(ex->arena,
                                 "%s=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Strict%s",
                                 session_cookie_name(ex->secure), value, max_age,
                                 ex->secure ? "; Secure" : ""));
}

static void write_user(struct jsonw *w, const struct caller *c, const struct user *u)
{
    const char *display_name =
        u && !fields_is_null(user_entity.table, u, "display_name") ? u->display_name : NULL;
    jw_key(w, "user");
    jw_obj_open(w);
    jw_key(w, "id");
    jw_int(w, c->user_id);
    jw_key(w, "username");
    jw_str(w, c->username);
    jw_key(w, "display_name");
    if (display_name)
        jw_str(w, display_name);
    else
        jw_null(w);
    jw_key(w, "locale");
    jw_str_or_null(w, u && !fields_is_null(user_entity.table, u, "locale") ? u->locale : NULL);
    jw_key(w, "member_id");
    if (c->member_id)
        jw_int(w, c->member_id);
    else
        jw_null(w);
    jw_key(w, "grants");
    jw_arr_open(w);
    for (size_t i = 0; i < c->ngrants; i++) {
        const struct grant *g = &c->grants[i];
        jw_obj_open(w);
        jw_key(w, "role");
        jw_str(w, role_names[g->role]);
        jw_key(w, "org_id");
        jw_id_or_null(w, g->org_id);
        jw_key(w, "station_id");
        jw_id_or_null(w, g->station_id);
        jw_obj_close(w);
    }
    jw_arr_close(w);
    jw_obj_close(w);
}

static void reply_session(struct exchange *ex, const struct session *s, bool with_token)
{
    struct error err;
    error_init(&err, ex->arena);
    struct user *u = entity_get(ex->db, ex->arena, &user_entity, s->caller.user_id, &err);
    struct jsonw w;
    jw_init(&w, &ex->response);
    jw_obj_open(&w);
    if (with_token) {
        jw_key(&w, "token");
        jw_str(&w, s->token);
    }
    jw_key(&w, "csrf_token");
    jw_str(&w, s->csrf_token);
    jw_key(&w, "expires_at");
    jw_time(&w, s->expires_at);
    write_user(&w, &s->caller, u);
    jw_obj_close(&w);
    ex->status = 200;
}

/* {"username": "...", "password": "..."}: two strings and nothing else. */
static int decode_credentials(struct exchange *ex, const char **user, const char **pw,
                              struct error *err)
{
    json_t *body = api_parse_body(ex, err);
    if (body == NULL)
        return -1;
    json_t *u = json_object_get(body, "username"), *p = json_object_get(body, "password");
    if (!json_is_object(body))
        return error_field(err, ERR_INVALID, "", "the body must be a JSON object");
    if (!json_is_string(u))
        error_field(err, ERR_INVALID, "/username", "is required, as a string");
    if (!json_is_string(p))
        error_field(err, ERR_INVALID, "/password", "is required, as a string");
    if (json_object_size(body) != (size_t)(u != NULL) + (p != NULL))
        error_field(err, ERR_INVALID, "", "only username and password are taken");
    if (err->kind != ERR_NONE)
        return -1;
    *user = json_string_value(u);
    *pw = json_string_value(p);
    return 0;
}

void api_session_create(struct exchange *ex)
{
    struct error err;
    error_init(&err, ex->arena);
    const char *user = NULL, *pw = NULL;
    struct session *s = arena_alloc(ex->arena, sizeof(*s));
    int retry_after = 0;
    if (decode_credentials(ex, &user, &pw, &err) != 0 ||
        session_signin(ex->db, ex->arena, user, pw, ex->client_address, s, &retry_after, &err) !=
            0) {
        if (retry_after)
            exchange_header(ex, "Retry-After", arena_printf(ex->arena, "%d", retry_after));
        reply_error(ex, &err);
        return;
    }
    set_cookie(ex, s->token, SESSION_LIFETIME_S);
    reply_session(ex, s, true);
}

void api_session_get(struct exchange *ex)
{
    reply_session(ex, ex->session, false);
}

/* PATCH /api/v1/session {"locale": "zh-CN" | "en" | "zh-TW"}: the signed-in user's own
 * settings (the language of the web app), kept with the user. */
void api_session_update(struct exchange *ex)
{
    struct error err;
    error_init(&err, ex->arena);
    json_t *body = api_parse_body(ex, &err);
    const json_t *locale = body ? json_object_get(body, "locale") : NULL;
    if (body && (!json_is_object(body) || json_object_size(body) != 1 || !json_is_string(locale)))
        error_field(&err, ERR_INVALID, "/locale", "is the one field: zh-CN, en or zh-TW");
    if (err.kind != ERR_NONE ||
        user_set_locale(ex->db, ex->arena, ex->caller, json_string_value(locale), &err) == NULL) {
        if (err.detail == NULL)
            err.detail = "the settings have invalid fields: see errors";
        reply_error(ex, &err);
        return;
    }
    reply_session(ex, ex->session, false);
}

void api_session_delete(struct exchange *ex)
{
    struct error err;
    error_init(&err, ex->arena);
    if (session_end(ex->db, ex->caller->session_id, &err) != 0) {
        reply_error(ex, &err);
        return;
    }
    set_cookie(ex, "", 0);
    ex->status = 204;
}

/* POST /api/v1/users: a user with a password (which no other route takes or shows). Every
 * problem of the body is reported at once, the password's among them. */
void api_user_create(struct exchange *ex)
{
    struct error err;
    error_init(&err, ex->arena);
    json_t *body = api_parse_body(ex, &err);
    if (body == NULL || !json_is_object(body)) {
        if (body)
            error_field(&err, ERR_INVALID, "", "the body must be a JSON object");
        reply_error(ex, &err);
        return;
    }
    /* Everything but the password is an ordinary user record. */
    json_t *pw = json_object_get(body, "password");
    json_t *rest = json_deep_copy(body);
    json_object_del(rest, "password");
    struct user *rec = arena_alloc(ex->arena, sizeof(*rec));
    fields_decode(ex->arena, rest, user_entity.table, rec, DECODE_CREATE, &err);
    json_decref(rest);
    const char *why =
        json_is_string(pw) ? password_problem(json_string_value(pw)) : "is required, as a string";
    if (why)
        error_field(&err, ERR_INVALID, "/password", "%s", why);
    struct user *u = NULL;
    if (err.kind == ERR_NONE) {
        const char *name =
            fields_is_null(user_entity.table, rec, "display_name") ? NULL : rec->display_name;
        int64_t member = fields_is_null(user_entity.table, rec, "member_id") ? 0 : rec->member_id;
        u = user_add(ex->db, ex->arena, ex->caller, rec->username, name, rec->disabled, member,
                     json_string_value(pw), &err);
    }
    if (u == NULL) {
        if (err.detail == NULL)
            err.detail = "the user has invalid fields: see errors";
        reply_error(ex, &err);
        return;
    }
    exchange_header(ex, "Location",
                    arena_printf(ex->arena, "/api/v1/users/%lld", (long long)u->id));
    reply_record(ex, 201, &user_entity, u);
}
