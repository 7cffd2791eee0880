/*
 * Signing up and checking in: making and cancelling a sign-up, checking a
 * person in (by the venue screen's code, or at the desk) and undoing one.
 */
#include "api/activities.h"

#include <stddef.h>
#include <string.h>

#include "api/resource.h"
#include "api/verbs.h"
#include "core/arena.h"
#include "domain/checkins.h"
#include "domain/registrations.h"

/* POST /api/v1/registrations: {"activity_id"} signs the caller up; the organisers add
 * "member_id", or "name" and "phone" for a guest; "slot_start" picks an appointment. */
void api_registration_create(struct exchange *ex)
{
    struct error err;
    error_init(&err, ex->arena);
    struct registration *in = decode_record(ex, &registration_entity, DECODE_CREATE, &err);
    if (in && fields_is_null(registration_entity.table, in, "name") &&
        !fields_is_null(registration_entity.table, in, "phone"))
        error_field(&err, ERR_INVALID, "/phone", "goes with a guest's name");
    struct registration *made = NULL;
    if (in && err.kind == ERR_NONE)
        made = registration_create(ex->db, ex->arena, ex->caller, in, &err);
    if (made == NULL) {
        if (err.detail == NULL)
            err.detail = "the sign-up has invalid fields: see errors";
        reply_error(ex, &err);
        return;
    }
    exchange_header(ex, "Location",
                    arena_printf(ex->arena, "/api/v1/registrations/%lld", (long long)made->id));
    reply_record(ex, 201, &registration_entity, made);
}

/* POST /api/v1/registrations/{id}/cancel {"version", "reason"?} */
void api_registration_cancel(struct exchange *ex)
{
    struct error err;
    error_init(&err, ex->arena);
    struct verb_body *v = api_decode_verb(ex, &verb_note_table, &err);
    struct registration *r =
        v ? registration_cancel(ex->db, ex->arena, ex->caller, ex->id, v->version, v->reason, &err)
          : NULL;
    if (r == NULL)
        reply_error(ex, &err);
    else
        reply_record(ex, 200, &registration_entity, r);
}

/* ---- check-in ---- */

struct checkin_body {
    struct rec rec;
    int64_t activity_id;
    char *code;
    int64_t registration_id, member_id;
    char *phone, *guest_name;
};

static const struct field checkin_body_fields[] = {
    {.name = "activity_id",
     .type = FT_REF,
     .flags = FF_REQUIRED,
     .offset = offsetof(struct checkin_body, activity_id)},
    {.name = "code",
     .type = FT_TEXT,
     .flags = FF_NULLABLE,
     .max_chars = 32,
     .offset = offsetof(struct checkin_body, code)},
    {.name = "registration_id",
     .type = FT_REF,
     .flags = FF_NULLABLE,
     .offset = offsetof(struct checkin_body, registration_id)},
    {.name = "member_id",
     .type = FT_REF,
     .flags = FF_NULLABLE,
     .offset = offsetof(struct checkin_body, member_id)},
    {.name = "phone",
     .type = FT_TEXT,
     .flags = FF_NULLABLE,
     .max_chars = 30,
     .charset = "0123456789+-() ",
     .offset = offsetof(struct checkin_body, phone)},
    {.name = "guest_name",
     .type = FT_TEXT,
     .flags = FF_NULLABLE,
     .max_chars = 50,
     .offset = offsetof(struct checkin_body, guest_name)},
};

static const struct table checkin_body_table = {checkin_body_fields,
                                                sizeof(checkin_body_fields) / sizeof(struct field),
                                                sizeof(struct checkin_body)};

static const char *text_or_null(const struct checkin_body *b, const char *field, const char *v)
{
    return fields_is_null(&checkin_body_table, b, field) ? NULL : v;
}

/* One way of naming the person: the code, a sign-up, a member, a phone, or a guest. */
static int read_request(struct exchange *ex, struct checkin_request *rq, struct error *err)
{
    json_t *body = api_parse_body(ex, err);
    if (body == NULL)
        return -1;
    struct checkin_body *b = arena_alloc(ex->arena, sizeof(*b));
    if (fields_decode(ex->arena, body, &checkin_body_table, b, DECODE_CREATE, err) != 0) {
        err->detail = "the check-in has invalid fields: see errors";
        return -1;
    }
    memset(rq, 0, sizeof(*rq));
    rq->activity_id = b->activity_id;
    rq->code = text_or_null(b, "code", b->code);
    rq->registration_id = text_or_null(b, "registration_id", "") ? b->registration_id : 0;
    rq->member_id = text_or_null(b, "member_id", "") ? b->member_id : 0;
    rq->phone = text_or_null(b, "phone", b->phone);
    rq->guest_name = text_or_null(b, "guest_name", b->guest_name);
    int ways = (rq->code != NULL) + (rq->registration_id != 0) + (rq->member_id != 0) +
               (rq->phone != NULL && rq->member_id == 0);
    if (ways > 1 || (rq->code && rq->guest_name))
        return error_set(err, ERR_INVALID,
                         "name the person one way: code (scanned), registration_id, member_id, "
                         "phone, or guest_name (with phone if known)");
    return 0;
}

/* POST /api/v1/checkins: 201 with the check-in, or 200 with the one made before. */
void api_checkin_create(struct exchange *ex)
{
    struct error err;
    error_init(&err, ex->arena);
    struct checkin_request rq;
    bool again = false;
    struct checkin *k = NULL;
    if (read_request(ex, &rq, &err) == 0)
        k = checkin_create(ex->db, ex->arena, ex->caller, &rq, &again, &err);
    if (k == NULL) {
        reply_error(ex, &err);
        return;
    }
    if (!again)
        exchange_header(ex, "Location",
                        arena_printf(ex->arena, "/api/v1/checkins/%lld", (long long)k->id));
    reply_record(ex, again ? 200 : 201, &checkin_entity, k);
}

/* POST /api/v1/checkins/{id}/undo: no body. */
void api_checkin_undo(struct exchange *ex)
{
    struct error err;
    error_init(&err, ex->arena);
    struct checkin *k = checkin_undo(ex->db, ex->arena, ex->caller, ex->id, &err);
    if (k == NULL)
        reply_error(ex, &err);
    else
        reply_record(ex, 200, &checkin_entity, k);
}
