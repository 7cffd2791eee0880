/*
 * Activities beyond the shared record routes: making one (with its room's
 * booking), publishing and cancelling it, its check-in code and QR code for
 * the venue screen, and its attendance.
 */
#include "api/activities.h"

#include <string.h>

#include "api/resource.h"
#include "api/verbs.h"
#include "core/arena.h"
#include "core/jsonw.h"
#include "core/qr.h"
#include "core/timefmt.h"
#include "domain/activities.h"
#include "domain/attendance.h"
#include "domain/checkins.h"

/* POST /api/v1/activities: an activity's fields, and "publish": true to publish it at
 * once when its booking needs no approval. */
void api_activity_create(struct exchange *ex)
{
    struct error err;
    error_init(&err, ex->arena);
    json_t *body = api_parse_body(ex, &err);
    bool publish = false;
    if (body && json_is_object(body)) {
        const json_t *p = json_object_get(body, "publish");
        if (p && !json_is_boolean(p))
            error_field(&err, ERR_INVALID, "/publish", "must be true or false");
        publish = json_is_true(p);
        json_object_del(body, "publish");
    }
    struct activity *in = body ? arena_alloc(ex->arena, sizeof(*in)) : NULL;
    if (in)
        fields_decode(ex->arena, body, activity_entity.table, in, DECODE_CREATE, &err);
    struct activity *made = NULL;
    if (in && err.kind == ERR_NONE)
        made = activity_create(ex->db, ex->arena, ex->caller, in, publish, &err);
    if (made == NULL) {
        if (err.detail == NULL)
            err.detail = "the activity has invalid fields: see errors";
        reply_error(ex, &err);
        return;
    }
    exchange_header(ex, "Location",
                    arena_printf(ex->arena, "/api/v1/activities/%lld", (long long)made->id));
    reply_record(ex, 201, &activity_entity, made);
}

static void answer(struct exchange *ex, const struct activity *act, struct error *err)
{
    if (act == NULL)
        reply_error(ex, err);
    else
        reply_record(ex, 200, &activity_entity, act);
}

/* POST /api/v1/activities/{id}/publish {"version"} */
void api_activity_publish(struct exchange *ex)
{
    struct error err;
    error_init(&err, ex->arena);
    struct verb_body *v = api_decode_verb(ex, &verb_version_table, &err);
    answer(ex, v ? activity_publish(ex->db, ex->arena, ex->caller, ex->id, v->version, &err) : NULL,
           &err);
}

/* POST /api/v1/activities/{id}/cancel {"version", "reason"?} */
void api_activity_cancel(struct exchange *ex)
{
    struct error err;
    error_init(&err, ex->arena);
    struct verb_body *v = api_decode_verb(ex, &verb_note_table, &err);
    answer(ex,
           v ? activity_cancel(ex->db, ex->arena, ex->caller, ex->id, v->version, v->reason, &err)
             : NULL,
           &err);
}

/* ---- the venue screen ---- */

/* The link a phone opens from the QR code: the web app's check-in page on this server. */
static const char *checkin_link(struct exchange *ex, const char *code)
{
    const char *host =
        ex->host && *ex->host && !strpbrk(ex->host, " \"<>\\^`{|}") ? ex->host : "localhost";
    return arena_printf(ex->arena, "%s://%s/checkin?activity=%lld&code=%s",
                        ex->secure ? "https" : "http", host, (long long)ex->id, code);
}

static bool code_now(struct exchange *ex, char code[CHECKIN_CODE_CHARS + 1], int64_t *changes_at)
{
    struct error err;
    error_init(&err, ex->arena);
    if (ex->nquery) {
        error_param(&err, ex->query[0].key, "unknown parameter");
        err.detail = "the query has invalid parameters: see errors";
    }
    if (err.kind != ERR_NONE ||
        checkin_code_now(ex->db, ex->arena, ex->caller, ex->id, code, changes_at, &err) != 0) {
        reply_error(ex, &err);
        return false;
    }
    return true; /* every API answer is Cache-Control: no-store (http/server.c) */
}

/* GET /api/v1/activities/{id}/checkin-code: for the screen to draw, or to read aloud. */
void api_activity_checkin_code(struct exchange *ex)
{
    char code[CHECKIN_CODE_CHARS + 1];
    int64_t changes_at;
    if (!code_now(ex, code, &changes_at))
        return;
    struct jsonw w;
    jw_init(&w, &ex->response);
    jw_obj_open(&w);
    jw_key(&w, "activity_id");
    jw_int(&w, ex->id);
    jw_key(&w, "code");
    jw_str(&w, code);
    jw_key(&w, "url");
    jw_str(&w, checkin_link(ex, code));
    jw_key(&w, "changes_at");
    jw_time(&w, changes_at);
    jw_key(&w, "refresh_seconds");
    jw_int(&w, changes_at - time_now());
    jw_obj_close(&w);
    ex->status = 200;
}

static void qr(struct exchange *ex, bool png)
{
    char code[CHECKIN_CODE_CHARS + 1];
    int64_t changes_at;
    if (!code_now(ex, code, &changes_at))
        return;
    struct error err;
    error_init(&err, ex->arena);
    const char *link = checkin_link(ex, code);
    if ((png ? qr_png(&ex->response, link, 8, &err) : qr_svg(&ex->response, link, &err)) != 0) {
        reply_error(ex, &err);
        return;
    }
    ex->response_type = png ? "image/png" : "image/svg+xml";
    ex->status = 200;
}

/* GET /api/v1/activities/{id}/checkin-qr.svg */
void api_activity_qr_svg(struct exchange *ex)
{
    qr(ex, false);
}

/* GET /api/v1/activities/{id}/checkin-qr.png */
void api_activity_qr_png(struct exchange *ex)
{
    qr(ex, true);
}

/* ---- attendance ---- */

/* GET /api/v1/activities/{id}/attendance */
void api_activity_attendance(struct exchange *ex)
{
    struct error err;
    error_init(&err, ex->arena);
    struct activity_attendance at;
    if (ex->nquery) {
        error_param(&err, ex->query[0].key, "unknown parameter");
        err.detail = "the query has invalid parameters: see errors";
    }
    if (err.kind != ERR_NONE ||
        attendance_of_activity(ex->db, ex->arena, ex->caller, ex->id, &at, &err) != 0) {
        reply_error(ex, &err);
        return;
    }
    struct jsonw w;
    jw_init(&w, &ex->response);
    jw_obj_open(&w);
    const struct {
        const char *key;
        int64_t value;
    } counts[] = {
        {"activity_id", ex->id},       {"registered", at.registered},
        {"waiting", at.waiting},       {"cancelled", at.cancelled},
        {"checked_in", at.checked_in}, {"members", at.members},
        {"guests", at.guests},         {"walk_ins", at.walk_ins},
        {"scanned", at.scanned},       {"at_desk", at.desk},
        {"no_shows", at.no_shows},     {"volunteer_minutes", at.volunteer_minutes},
    };
    for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
        jw_key(&w, counts[i].key);
        jw_int(&w, counts[i].value);
    }
    jw_obj_close(&w);
    ex->status = 200;
}
