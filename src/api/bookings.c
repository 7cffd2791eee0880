/*
 * Bookings beyond the shared record routes: making one or a series, and the
 * verbs of a booking's life (approve, reject, cancel, accept or decline an
 * offer, check in), and an organisation's booking record.
 */
#include "api/bookings.h"

#include <stddef.h>
#include <string.h>

#include "api/resource.h"
#include "api/verbs.h"
#include "core/arena.h"
#include "core/jsonw.h"
#include "core/timefmt.h"
#include "domain/bookings.h"
#include "domain/recurrence.h"

/* "recurrence": {"rrule": "FREQ=WEEKLY;COUNT=10", "on_conflict": "fail" | "skip"} */
static void read_recurrence(const json_t *v, struct booking_request *rq, struct exchange *ex,
                            struct error *err)
{
    if (v == NULL || json_is_null(v))
        return;
    const json_t *rule = json_object_get(v, "rrule"), *mode = json_object_get(v, "on_conflict");
    if (!json_is_object(v) || json_object_size(v) > 2 || (json_object_size(v) == 2 && !mode)) {
        error_field(err, ERR_INVALID, "/recurrence",
                    "must be an object with rrule and, optionally, on_conflict");
        return;
    }
    if (!json_is_string(rule) || json_string_length(rule) == 0 || json_string_length(rule) > 300)
        error_field(err, ERR_INVALID, "/recurrence/rrule",
                    "must be an RFC 5545 RRULE such as \"FREQ=WEEKLY;COUNT=10\"");
    else
        rq->rrule = arena_strdup(ex->arena, json_string_value(rule));
    if (mode == NULL)
        return;
    const char *m = json_is_string(mode) ? json_string_value(mode) : "";
    if (strcmp(m, "skip") == 0)
        rq->skip_conflicts = true;
    else if (strcmp(m, "fail") != 0)
        error_field(err, ERR_INVALID, "/recurrence/on_conflict",
                    "must be \"fail\" (all or nothing) or \"skip\" (book what fits)");
}

static struct booking *decode_request(struct exchange *ex, struct booking_request *rq,
                                      struct error *err)
{
    json_t *body = api_parse_body(ex, err);
    if (body == NULL)
        return NULL;
    if (json_is_object(body)) {
        read_recurrence(json_object_get(body, "recurrence"), rq, ex, err);
        const json_t *wait = json_object_get(body, "wait");
        if (wait && !json_is_boolean(wait))
            error_field(err, ERR_INVALID, "/wait", "must be true or false");
        rq->wait = json_is_true(wait);
        json_object_del(body, "recurrence");
        json_object_del(body, "wait");
    }
    struct booking *b = arena_alloc(ex->arena, sizeof(*b));
    fields_decode(ex->arena, body, booking_entity.table, b, DECODE_CREATE, err);
    if (err->kind != ERR_NONE) {
        if (err->detail == NULL)
            err->detail = "the request has invalid fields: see errors";
        return NULL;
    }
    return b;
}

static void write_series(struct exchange *ex, const struct booking_result *r)
{
    struct jsonw w;
    jw_init(&w, &ex->response);
    jw_obj_open(&w);
    jw_key(&w, "series_id");
    jw_int(&w, r->series_id);
    jw_key(&w, "items");
    jw_arr_open(&w);
    for (size_t i = 0; i < r->nmade; i++)
        fields_encode(&w, booking_entity.table, r->made[i]);
    jw_arr_close(&w);
    jw_key(&w, "skipped");
    jw_arr_open(&w);
    for (size_t i = 0; i < r->nskipped; i++) {
        jw_obj_open(&w);
        jw_key(&w, "start");
        jw_time(&w, r->skipped[i].start);
        jw_key(&w, "end");
        jw_time(&w, r->skipped[i].end);
        jw_key(&w, "rule");
        jw_str_or_null(&w, r->skipped[i].rule);
        jw_key(&w, "detail");
        jw_str(&w, r->skipped[i].detail);
        jw_obj_close(&w);
    }
    jw_arr_close(&w);
    jw_obj_close(&w);
    ex->status = 201;
}

/* POST /api/v1/bookings */
void api_booking_create(struct exchange *ex)
{
    struct error err;
    error_init(&err, ex->arena);
    struct booking_request rq = {0};
    struct booking_result r;
    if ((rq.b = decode_request(ex, &rq, &err)) == NULL ||
        booking_create(ex->db, ex->arena, ex->caller, &rq, &r, &err) != 0) {
        reply_error(ex, &err);
        return;
    }
    if (rq.rrule) {
        write_series(ex, &r);
        return;
    }
    exchange_header(ex, "Location",
                    arena_printf(ex->arena, "/api/v1/bookings/%lld", (long long)r.made[0]->id));
    reply_record(ex, 201, &booking_entity, r.made[0]);
}

/* ---- the verbs ---- */

static void answer(struct exchange *ex, const struct booking *b, struct error *err)
{
    if (b == NULL)
        reply_error(ex, err);
    else
        reply_record(ex, 200, &booking_entity, b);
}

static void decide(struct exchange *ex, bool approve)
{
    struct error err;
    error_init(&err, ex->arena);
    struct verb_body *v =
        api_decode_verb(ex, approve ? &verb_version_table : &verb_reason_table, &err);
    answer(ex,
           v ? booking_decide(ex->db, ex->arena, ex->caller, ex->id, v->version, approve,
                              approve ? NULL : v->reason, &err)
             : NULL,
           &err);
}

void api_booking_approve(struct exchange *ex)
{
    decide(ex, true);
}

void api_booking_reject(struct exchange *ex)
{
    decide(ex, false);
}

static void respond_to_offer(struct exchange *ex, bool accept)
{
    struct error err;
    error_init(&err, ex->arena);
    struct verb_body *v = api_decode_verb(ex, &verb_version_table, &err);
    answer(ex,
           v ? booking_answer(ex->db, ex->arena, ex->caller, ex->id, v->version, accept, &err)
             : NULL,
           &err);
}

void api_booking_accept(struct exchange *ex)
{
    respond_to_offer(ex, true);
}

void api_booking_decline(struct exchange *ex)
{
    respond_to_offer(ex, false);
}

/* POST /api/v1/bookings/{id}/cancel: {"items": [every booking cancelled]} */
void api_booking_cancel(struct exchange *ex)
{
    struct error err;
    error_init(&err, ex->arena);
    struct verb_body *v = api_decode_verb(ex, &verb_cancel_table, &err);
    struct booking **done;
    int n = v ? booking_cancel(ex->db, ex->arena, ex->caller, ex->id, v->version, v->reason,
                               strcmp(v->scope, "following") == 0, &done, &err)
              : -1;
    if (n < 0) {
        reply_error(ex, &err);
        return;
    }
    struct jsonw w;
    jw_init(&w, &ex->response);
    jw_obj_open(&w);
    jw_key(&w, "items");
    jw_arr_open(&w);
    for (int i = 0; i < n; i++)
        fields_encode(&w, booking_entity.table, done[i]);
    jw_arr_close(&w);
    jw_obj_close(&w);
    ex->status = 200;
}

/* POST /api/v1/bookings/{id}/check-in: no body; checking in twice is checking in once. */
void api_booking_check_in(struct exchange *ex)
{
    struct error err;
    error_init(&err, ex->arena);
    answer(ex, booking_check_in(ex->db, ex->arena, ex->caller, ex->id, &err), &err);
}

/* GET /api/v1/orgs/{id}/booking-record?from=&to=: the last year unless told. */
void api_org_booking_record(struct exchange *ex)
{
    struct error err;
    error_init(&err, ex->arena);
    int64_t to = time_now(), from = to - 365 * 86400;
    for (size_t i = 0; i < ex->nquery; i++) {
        const char *k = ex->query[i].key;
        int64_t *slot = strcmp(k, "from") == 0 ? &from : strcmp(k, "to") == 0 ? &to : NULL;
        if (slot == NULL)
            error_param(&err, k, "unknown parameter");
        else if (!api_parse_time(ex->arena, ex->query[i].value, slot))
            error_param(&err, k, "must be a time like 2027-03-01T09:00:00+08:00");
    }
    struct booking_record r;
    if (err.kind == ERR_NONE && to <= from)
        error_param(&err, "to", "must be later than from");
    if (err.kind != ERR_NONE ||
        booking_record(ex->db, ex->arena, ex->caller, ex->id, from, to, &r, &err) != 0) {
        if (err.detail == NULL)
            err.detail = "the query has invalid parameters: see errors";
        reply_error(ex, &err);
        return;
    }
    struct jsonw w;
    jw_init(&w, &ex->response);
    jw_obj_open(&w);
    jw_key(&w, "org_id");
    jw_int(&w, ex->id);
    jw_key(&w, "from");
    jw_time(&w, from);
    jw_key(&w, "to");
    jw_time(&w, to);
    jw_key(&w, "bookings");
    jw_int(&w, r.bookings);
    jw_key(&w, "checked_in");
    jw_int(&w, r.checked_in);
    jw_key(&w, "no_shows");
    jw_int(&w, r.no_shows);
    jw_key(&w, "cancelled");
    jw_int(&w, r.cancelled);
    jw_obj_close(&w);
    ex->status = 200;
}
