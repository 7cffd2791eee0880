/*
 * Members and applicants. The stage is never stored: it is the furthest stage with a
 * day. A person is registered with the days known (an old member's early stages may be
 * unknown); afterwards the stage moves only by member_advance(), one stage at a time,
 * after the rules of the road. Readers who do not manage a person see the phone, the
 * date of birth and the ID number masked; those who do are recorded in the audit log.
 */
#include "domain/members.h"

#include <stddef.h>
#include <string.h>

#include "core/arena.h"
#include "core/timefmt.h"
#include "domain/audit.h"

static const char *const genders[] = {"female", "male", NULL};
static const char *const kinds[] = {"regular", "mobile", "partner_vip", NULL};
static const char *const leavings[] = {"transferred_out", "deceased", NULL};

#define DAY_FIELD(n, F)                                                                            \
    {                                                                                              \
        .name = #n, .type = FT_DATE, .flags = (F), .offset = offsetof(struct member, n)            \
    }

static const struct field member_fields[] = {
    ENTITY_ID_FIELD(struct member),
    {.name = "name",
     .type = FT_TEXT,
     .flags = FF_REQUIRED,
     .max_chars = 50,
     .offset = offsetof(struct member, name)},
    {.name = "gender",
     .type = FT_ENUM,
     .flags = FF_NULLABLE,
     .choices = genders,
     .offset = offsetof(struct member, gender)},
    DAY_FIELD(born_on, FF_NULLABLE),
    {.name = "phone",
     .type = FT_TEXT,
     .flags = FF_NULLABLE,
     .max_chars = 20,
     .charset = "0123456789+",
     .offset = offsetof(struct member, phone)},
    {.name = "id_number",
     .type = FT_TEXT,
     .flags = FF_NULLABLE,
     .max_chars = 30,
     .charset = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-",
     .offset = offsetof(struct member, id_number)},
    {.name = "external_id",
     .type = FT_TEXT,
     .flags = FF_NULLABLE,
     .max_chars = 64,
     .offset = offsetof(struct member, external_id)},
    {.name = "employer_id",
     .type = FT_REF,
     .flags = FF_NULLABLE,
     .offset = offsetof(struct member, employer_id)},
    {.name = "branch_id",
     .type = FT_REF,
     .flags = FF_REQUIRED,
     .offset = offsetof(struct member, branch_id)},
    {.name = "kind",
     .type = FT_ENUM,
     .choices = kinds,
     .def_text = "regular",
     .offset = offsetof(struct member, kind)},
    {.name = "stage",
     .type = FT_ENUM,
     .flags = FF_READONLY,
     .choices = stage_names,
     .offset = offsetof(struct member, stage)},
    DAY_FIELD(applied_on, FF_NULLABLE | FF_CREATE_ONLY),
    DAY_FIELD(activist_on, FF_NULLABLE | FF_CREATE_ONLY),
    DAY_FIELD(target_on, FF_NULLABLE | FF_CREATE_ONLY),
    DAY_FIELD(admitted_on, FF_NULLABLE | FF_CREATE_ONLY),
    DAY_FIELD(full_on, FF_NULLABLE | FF_CREATE_ONLY),
    {.name = "left_as",
     .type = FT_ENUM,
     .flags = FF_NULLABLE | FF_CREATE_ONLY,
     .choices = leavings,
     .offset = offsetof(struct member, left_as)},
    DAY_FIELD(left_on, FF_NULLABLE | FF_CREATE_ONLY),
    DAY_FIELD(last_report_on, FF_NULLABLE | FF_READONLY),
    ENTITY_TRAILER_FIELDS(struct member),
};

static const struct table member_table = {
    member_fields, sizeof(member_fields) / sizeof(struct field), sizeof(struct member)};

static int64_t day_of(const struct member *m, const char *field, const char *value)
{
    int64_t day = NO_DAY;
    if (!fields_is_null(&member_table, m, field) && value)
        date_parse(value, strlen(value), &day);
    return day;
}

void member_road(const struct member *m, struct road *r)
{
    r->born = day_of(m, "born_on", m->born_on);
    r->day[STAGE_APPLICANT] = day_of(m, "applied_on", m->applied_on);
    r->day[STAGE_ACTIVIST] = day_of(m, "activist_on", m->activist_on);
    r->day[STAGE_DEVELOPMENT_TARGET] = day_of(m, "target_on", m->target_on);
    r->day[STAGE_PROBATIONARY] = day_of(m, "admitted_on", m->admitted_on);
    r->day[STAGE_FULL_MEMBER] = day_of(m, "full_on", m->full_on);
    int64_t left = day_of(m, "left_on", m->left_on);
    bool dead = !fields_is_null(&member_table, m, "left_as") && strcmp(m->left_as, "deceased") == 0;
    r->day[STAGE_TRANSFERRED_OUT] = dead ? NO_DAY : left;
    r->day[STAGE_DECEASED] = dead ? left : NO_DAY;
}

static int64_t today(void)
{
    int64_t t = time_now() + TIME_LOCAL_OFFSET_MIN * 60;
    return t >= 0 ? t / 86400 : (t - 86399) / 86400;
}

static int check_member(struct db *db, const void *rec, struct error *err)
{
    (void)db;
    const struct member *m = rec;
    bool has_as = !fields_is_null(&member_table, m, "left_as");
    bool has_on = !fields_is_null(&member_table, m, "left_on");
    if (has_as != has_on)
        return error_field(err, ERR_RULE, has_as ? "/left_on" : "/left_as",
                           "left_as and left_on go together");
    struct road r;
    member_road(m, &r);
    return road_check_history(&r, today(), err);
}

/* A person is governed by the branch they belong to. */
static int member_target(struct db *db, struct arena *a, const void *rec, struct target *t,
                         struct error *err)
{
    const struct member *m = rec;
    return target_add_org(db, a, m->branch_id, t, err);
}

/* Masks keep a value's length, so they are written over the record's own copy (every
 * request reads its records afresh). */
static void mask(char *value, void (*fn)(const char *, char *, size_t))
{
    if (value == NULL)
        return;
    char tmp[128];
    size_t n = strlen(value);
    if (n >= sizeof(tmp)) {
        memset(value, '*', n);
        return;
    }
    fn(value, tmp, sizeof(tmp));
    memcpy(value, tmp, n);
}

static void redact_member(void *rec)
{
    struct member *m = rec;
    mask(m->phone, mask_phone);
    mask(m->born_on, mask_birth_date);
    mask(m->id_number, mask_identifier);
}

static void derive_overdue(struct arena *a, struct filter_value *v)
{
    int64_t cutoff = thought_report_cutoff(today());
    int y;
    unsigned mo, d;
    civil_from_days(cutoff, &y, &mo, &d);
    v->present = true;
    v->type = FT_TEXT;
    v->s = arena_printf(a, "%04d-%02u-%02u", y, mo, d);
}

static const struct reference member_refs[] = {
    {"branch_id", Q_ORG_GET, "organisation"},
    {"employer_id", Q_ORG_GET, "organisation"},
};

static const struct filter member_filters[] = {
    {.param = "branch_id", .type = FT_REF},
    {.param = "within", .type = FT_REF},
    {.param = "stage", .type = FT_ENUM, .choices = stage_names},
    {.param = "kind", .type = FT_ENUM, .choices = kinds},
    {.param = "admitted_month", .type = FT_INT, .min = 1, .max = 12},
    {.param = "reports_overdue", .type = FT_BOOL, .derive = derive_overdue},
};

const struct entity member_entity = {
    .name = "member",
    .plural = "members",
    .table = &member_table,
    .get = Q_MEMBER_GET,
    .list = Q_MEMBER_LIST,
    .insert = Q_MEMBER_INSERT,
    .update = Q_MEMBER_UPDATE,
    .del = Q_MEMBER_DELETE,
    .dependants = Q_MEMBER_DEPENDANTS,
    .dependants_what = "dependants",
    .refs = member_refs,
    .nrefs = sizeof(member_refs) / sizeof(member_refs[0]),
    .filters = member_filters,
    .nfilters = sizeof(member_filters) / sizeof(member_filters[0]),
    .check = check_member,
    .read_roles = ROLES_SCOPED_TO_ORG,
    .write_roles = ROLE_BIT(ROLE_COMMITTEE_ADMIN) | ROLE_BIT(ROLE_BRANCH_SECRETARY),
    .target = member_target,
    .list_scoped = true,
    .searchable = true,
    .redact = redact_member,
};

/* ---- moving along the road ---- */

struct step {
    struct arena *a;
    const struct caller *c;
    int64_t id, version;
    const char *stage, *on;
    struct member *stored;
};

/* Reads the member for a change by the caller, at the version the caller saw. */
static struct member *for_change(struct db *db, struct step *s, struct target *t, struct error *err)
{
    struct member *m = entity_get(db, s->a, &member_entity, s->id, err);
    if (m == NULL)
        return NULL;
    memset(t, 0, sizeof(*t));
    if (member_target(db, s->a, m, t, err) != 0 ||
        policy_refuse(policy_decide(s->c, &member_entity, ACT_UPDATE, t), &member_entity, s->id,
                      err) != 0)
        return NULL;
    if (m->version != s->version) {
        error_set(err, ERR_CONFLICT,
                  "the member was changed by someone else (version %lld, you sent %lld): reload "
                  "and try again",
                  (long long)m->version, (long long)s->version);
        return NULL;
    }
    return m;
}

static int finish_step(struct db *db, struct step *s, struct db_stmt *st, const char *action,
                       const struct member *before, const struct target *t, struct error *err)
{
    if (db_exec(st, err) != 0 ||
        (s->stored = entity_get(db, s->a, &member_entity, s->id, err)) == NULL)
        return -1;
    return audit_record(db, s->a, s->c, &member_entity, s->id, action, t, before, s->stored, err);
}

static int advance_txn(struct db *db, void *ctx, struct error *err)
{
    struct step *s = ctx;
    struct target t;
    struct member *m = for_change(db, s, &t, err);
    if (m == NULL)
        return -1;
    int to = -1;
    for (int i = 0; stage_names[i]; i++)
        if (strcmp(stage_names[i], s->stage) == 0)
            to = i;
    int64_t on;
    if (to < 0)
        return error_field(err, ERR_INVALID, "/stage", "is not a stage");
    if (!date_parse(s->on, strlen(s->on), &on))
        return error_field(err, ERR_INVALID, "/on", "must be a date like 2017-07-01");
    struct road r;
    member_road(m, &r);
    if (road_check(&r, (enum stage)to, on, today(), err) != 0)
        return -1;
    struct db_stmt *st = db_stmt(db, Q_MEMBER_SET_STAGE, err);
    if (st == NULL)
        return -1;
    db_bind_text(st, 1, s->stage, strlen(s->stage));
    db_bind_text(st, 2, s->on, strlen(s->on));
    db_bind_int(st, 3, time_now());
    db_bind_int(st, 4, s->id);
    db_bind_int(st, 5, s->version);
    return finish_step(db, s, st, "stage", m, &t, err);
}

struct member *member_advance(struct db *db, struct arena *a, const struct caller *c, int64_t id,
                              int64_t version, const char *stage, const char *on, struct error *err)
{
    struct step s = {a, c, id, version, stage, on, NULL};
    return db_transact(db, DB_WRITE, advance_txn, &s, err) == 0 ? s.stored : NULL;
}

static int report_txn(struct db *db, void *ctx, struct error *err)
{
    struct step *s = ctx;
    struct target t;
    struct member *m = for_change(db, s, &t, err);
    if (m == NULL)
        return -1;
    int64_t on;
    if (!date_parse(s->on, strlen(s->on), &on))
        return error_field(err, ERR_INVALID, "/on", "must be a date like 2017-07-01");
    if (strcmp(m->stage, "activist") != 0)
        return error_set(err, ERR_RULE, "thought reports are an activist's; this person is %s",
                         m->stage);
    struct road r;
    member_road(m, &r);
    if (on > today() || on < r.day[STAGE_ACTIVIST])
        return error_field(err, ERR_RULE, "/on",
                           "a thought report is dated between becoming an activist and today");
    struct db_stmt *st = db_stmt(db, Q_MEMBER_SET_REPORT, err);
    if (st == NULL)
        return -1;
    db_bind_text(st, 1, s->on, strlen(s->on));
    db_bind_int(st, 2, time_now());
    db_bind_int(st, 3, s->id);
    db_bind_int(st, 4, s->version);
    return finish_step(db, s, st, "thought_report", m, &t, err);
}

struct member *member_report(struct db *db, struct arena *a, const struct caller *c, int64_t id,
                             int64_t version, const char *on, struct error *err)
{
    struct step s = {a, c, id, version, "activist", on, NULL};
    return db_transact(db, DB_WRITE, report_txn, &s, err) == 0 ? s.stored : NULL;
}

static int erase_txn(struct db *db, void *ctx, struct error *err)
{
    struct step *s = ctx;
    struct target t;
    struct member *m = for_change(db, s, &t, err);
    if (m == NULL)
        return -1;
    struct db_stmt *st = db_stmt(db, Q_AUDIT_ERASE, err);
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, s->id);
    if (db_exec(st, err) != 0 || (st = db_stmt(db, Q_MEMBER_ERASE, err)) == NULL)
        return -1;
    const char *name = arena_printf(s->a, "已删除 #%lld", (long long)s->id);
    db_bind_text(st, 1, name, strlen(name));
    db_bind_int(st, 2, time_now());
    db_bind_int(st, 3, s->id);
    db_bind_int(st, 4, s->version);
    if (db_exec(st, err) != 0 ||
        (s->stored = entity_get(db, s->a, &member_entity, s->id, err)) == NULL)
        return -1;
    /* The record of the erasure says only that it happened. */
    return audit_record(db, s->a, s->c, &member_entity, s->id, "erase", &t, NULL, NULL, err);
}

struct member *member_erase(struct db *db, struct arena *a, const struct caller *c, int64_t id,
                            int64_t version, struct error *err)
{
    struct step s = {a, c, id, version, NULL, NULL, NULL};
    return db_transact(db, DB_WRITE, erase_txn, &s, err) == 0 ? s.stored : NULL;
}

struct data_request {
    struct step s;
    void **history;
    size_t n;
};

static int data_txn(struct db *db, void *ctx, struct error *err)
{
    struct data_request *d = ctx;
    struct step *s = &d->s;
    struct target t;
    struct member *m = entity_get(db, s->a, &member_entity, s->id, err);
    if (m == NULL)
        return -1;
    s->version = m->version;
    if ((s->stored = for_change(db, s, &t, err)) == NULL)
        return -1;
    struct db_stmt *st = db_stmt(db, Q_AUDIT_OF_RECORD, err);
    if (st == NULL)
        return -1;
    db_bind_text(st, 1, "member", 6);
    db_bind_int(st, 2, s->id);
    size_t cap = 16;
    d->history = arena_alloc(s->a, cap * sizeof(void *));
    d->n = 0;
    enum db_step r;
    while ((r = db_step(st, err)) == DB_ROW) {
        if (d->n == cap) {
            void **bigger = arena_alloc(s->a, 2 * cap * sizeof(void *));
            memcpy(bigger, d->history, cap * sizeof(void *));
            d->history = bigger, cap *= 2;
        }
        d->history[d->n] = arena_alloc(s->a, audit_entity.table->size);
        rows_read(st, s->a, audit_entity.table, d->history[d->n++]);
    }
    if (r == DB_FAIL)
        return -1;
    return audit_record(db, s->a, s->c, &member_entity, s->id, "view", &t, NULL, NULL, err);
}

struct member *member_data(struct db *db, struct arena *a, const struct caller *c, int64_t id,
                           void ***history, size_t *n, struct error *err)
{
    struct data_request d = {{a, c, id, 0, NULL, NULL, NULL}, NULL, 0};
    if (db_transact(db, DB_WRITE, data_txn, &d, err) != 0)
        return NULL;
    *history = d.history;
    *n = d.n;
    return d.s.stored;
}
