/*
 * The register's own verbs beyond the shared record routes: moving a person along the
 * road, recording a thought report, the month's political birthdays, and a person's data
 * and erasure on request. Files in and out are in member_files.c.
 */
#include "api/members.h"

#include <stddef.h>
#include <string.h>

#include "api/resource.h"
#include "core/arena.h"
#include "core/jsonw.h"
#include "core/timefmt.h"
#include "domain/audit.h"
#include "domain/members.h"
#include "domain/orgs.h"

struct stage_body {
    struct rec rec;
    int64_t version;
    char *stage;
    char *on;
};

/* The fields as initialisers: a thought report's table reuses two of them, and C11 takes
 * no element of a const array as a constant (clang refuses it; gcc allows it). */
#define VERSION_FIELD                                                                              \
    {                                                                                              \
        .name = "version", .type = FT_INT, .flags = FF_REQUIRED, .min = 1, .max = 9.0e15,          \
        .offset = offsetof(struct stage_body, version)                                             \
    }
#define ON_FIELD                                                                                   \
    {                                                                                              \
        .name = "on", .type = FT_DATE, .flags = FF_REQUIRED,                                       \
        .offset = offsetof(struct stage_body, on)                                                  \
    }

static const struct field stage_fields[] = {
    VERSION_FIELD,
    {.name = "stage",
     .type = FT_ENUM,
     .flags = FF_REQUIRED,
     .choices = stage_names,
     .offset = offsetof(struct stage_body, stage)},
    ON_FIELD,
};

static const struct table stage_table = {stage_fields, 3, sizeof(struct stage_body)};
/* A thought report's body is the same without the stage. */
static const struct field report_fields[] = {VERSION_FIELD, ON_FIELD};
static const struct table report_table = {report_fields, 2, sizeof(struct stage_body)};
/* An erasure's body holds only the version. */
static const struct table erase_table = {stage_fields, 1, sizeof(struct stage_body)};

static struct stage_body *decode(struct exchange *ex, const struct table *t, struct error *err)
{
    json_t *body = api_parse_body(ex, err);
    if (body == NULL)
        return NULL;
    struct stage_body *b = arena_alloc(ex->arena, sizeof(*b));
    if (fields_decode(ex->arena, body, t, b, DECODE_CREATE, err) != 0) {
        if (err->detail == NULL)
            err->detail = "the request has invalid fields: see errors";
        return NULL;
    }
    return b;
}

static void answer(struct exchange *ex, struct member *m, struct error *err)
{
    if (m == NULL)
        reply_error(ex, err);
    else
        reply_record(ex, 200, &member_entity, m);
}

void api_member_stage(struct exchange *ex)
{
    struct error err;
    error_init(&err, ex->arena);
    struct stage_body *b = decode(ex, &stage_table, &err);
    answer(
        ex,
        b ? member_advance(ex->db, ex->arena, ex->caller, ex->id, b->version, b->stage, b->on, &err)
          : NULL,
        &err);
}

void api_member_report(struct exchange *ex)
{
    struct error err;
    error_init(&err, ex->arena);
    struct stage_body *b = decode(ex, &report_table, &err);
    answer(ex,
           b ? member_report(ex->db, ex->arena, ex->caller, ex->id, b->version, b->on, &err) : NULL,
           &err);
}

/* ?month=1..12&org_id=N, both required. */
static int birthday_query(struct exchange *ex, int64_t *month, int64_t *org, struct error *err)
{
    const char *m = exchange_query(ex, "month"), *o = exchange_query(ex, "org_id");
    for (size_t i = 0; i < ex->nquery; i++)
        if (strcmp(ex->query[i].key, "month") != 0 && strcmp(ex->query[i].key, "org_id") != 0)
            error_param(err, ex->query[i].key, "unknown parameter");
    if (m == NULL || !api_parse_int(m, month) || *month < 1 || *month > 12)
        error_param(err, "month", "is required: a month from 1 to 12");
    if (o == NULL || !api_parse_int(o, org) || *org < 1)
        error_param(err, "org_id", "is required: the organisation whose subtree to look in");
    if (err->kind != ERR_NONE && err->detail == NULL)
        err->detail = "the query has invalid parameters: see errors";
    return err->kind == ERR_NONE ? 0 : -1;
}

static void write_birthday(struct jsonw *w, const struct member *m, int64_t today)
{
    int64_t admitted;
    date_parse(m->admitted_on, strlen(m->admitted_on), &admitted);
    jw_obj_open(w);
    jw_key(w, "member_id");
    jw_int(w, m->id);
    jw_key(w, "name");
    jw_str(w, m->name);
    jw_key(w, "branch_id");
    jw_int(w, m->branch_id);
    jw_key(w, "admitted_on");
    jw_str(w, m->admitted_on);
    jw_key(w, "years");
    jw_int(w, years_between(admitted, today));
    jw_obj_close(w);
}

/* GET /api/v1/birthdays: the members of an organisation's subtree admitted in a month, with
 * their years of membership, for the monthly political-birthday gathering. */
void api_birthdays(struct exchange *ex)
{
    struct error err;
    error_init(&err, ex->arena);
    int64_t month, org;
    if (birthday_query(ex, &month, &org, &err) != 0 ||
        entity_read(ex->db, ex->arena, ex->caller, &org_entity, org, &err) == NULL) {
        reply_error(ex, &err);
        return;
    }
    int64_t t = time_now() + TIME_LOCAL_OFFSET_MIN * 60, today = t / 86400;
    struct jsonw w;
    jw_init(&w, &ex->response);
    jw_obj_open(&w);
    jw_key(&w, "items");
    jw_arr_open(&w);
    /* Names and admission days only: nothing personal, so no view records. */
    struct list_query lq = {
        .limit = 500, .nfilters = member_entity.nfilters, .shows_nothing_personal = true};
    for (size_t i = 0; i < lq.nfilters; i++)
        lq.filters[i].type = member_entity.filters[i].type;
    lq.filters[1] = (struct filter_value){.present = true, .type = FT_REF, .i = org};
    lq.filters[4] = (struct filter_value){.present = true, .type = FT_INT, .i = month};
    void **items;
    size_t n;
    do {
        lq.nfilters = member_entity.nfilters; /* the scope filter is added anew each page */
        if (entity_list(ex->db, ex->arena, ex->caller, &member_entity, &lq, &items, &n, &lq.after,
                        &err) != 0) {
            buf_reset(&ex->response);
            reply_error(ex, &err);
            return;
        }
        for (size_t i = 0; i < n; i++) {
            const struct member *m = items[i];
            bool member =
                strcmp(m->stage, "probationary") == 0 || strcmp(m->stage, "full_member") == 0;
            if (member)
                write_birthday(&w, m, today);
        }
    } while (lq.after != 0);
    jw_arr_close(&w);
    jw_key(&w, "next");
    jw_null(&w);
    jw_obj_close(&w);
    ex->status = 200;
}

/* POST /api/v1/members/{id}/erase {"version": N}: the person asked to be forgotten. */
void api_member_erase(struct exchange *ex)
{
    struct error err;
    error_init(&err, ex->arena);
    struct stage_body *b = decode(ex, &erase_table, &err);
    answer(ex, b ? member_erase(ex->db, ex->arena, ex->caller, ex->id, b->version, &err) : NULL,
           &err);
}

/* GET /api/v1/members/{id}/data: what the register holds about the person, to give them. */
void api_member_data(struct exchange *ex)
{
    struct error err;
    error_init(&err, ex->arena);
    void **history;
    size_t n;
    struct member *m = member_data(ex->db, ex->arena, ex->caller, ex->id, &history, &n, &err);
    if (m == NULL) {
        reply_error(ex, &err);
        return;
    }
    struct jsonw w;
    jw_init(&w, &ex->response);
    jw_obj_open(&w);
    jw_key(&w, "member");
    fields_encode(&w, member_entity.table, m);
    jw_key(&w, "history");
    jw_arr_open(&w);
    for (size_t i = 0; i < n; i++)
        fields_encode(&w, audit_entity.table, history[i]);
    jw_arr_close(&w);
    jw_obj_close(&w);
    exchange_header(
        ex, "Content-Disposition",
        arena_printf(ex->arena, "attachment; filename=\"member-%lld.json\"", (long long)ex->id));
    ex->status = 200;
}
