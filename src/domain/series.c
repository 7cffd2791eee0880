/*
 * Series and host absences as records, and scheduling a series' sessions by
 * its rotation. The rotation's state (each host's next round and place in
 * line) is stored per series and replaced by each scheduling, under the
 * series' row lock, so that two schedulings cannot both hand out one turn.
 */
#include "domain/series.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/timefmt.h"
#include "domain/activities.h"
#include "domain/orgs.h"
#include "domain/recurrence.h"
#include "domain/rotation.h"

static int canon_hosts(struct arena *a, const json_t *v, char **out, const char **why)
{
    return org_ids_canon(a, v, SERIES_MAX_HOSTS, out, why);
}

static const struct field series_fields[] = {
    ENTITY_ID_FIELD(struct series),
    {.name = "parent_id",
     .type = FT_REF,
     .flags = FF_NULLABLE,
     .offset = offsetof(struct series, parent_id)},
    {.name = "org_id",
     .type = FT_REF,
     .flags = FF_REQUIRED,
     .offset = offsetof(struct series, org_id)},
    {.name = "name",
     .type = FT_TEXT,
     .flags = FF_REQUIRED,
     .max_chars = 50,
     .offset = offsetof(struct series, name)},
    {.name = "description",
     .type = FT_TEXT,
     .flags = FF_NULLABLE | FF_MULTILINE,
     .max_chars = 1000,
     .offset = offsetof(struct series, description)},
    {.name = "hosts",
     .type = FT_JSON,
     .def_text = "[]",
     .canon = canon_hosts,
     .offset = offsetof(struct series, hosts)},
    ENTITY_TRAILER_FIELDS(struct series),
};

static const struct table series_table = {
    series_fields, sizeof(series_fields) / sizeof(struct field), sizeof(struct series)};

/* Two levels, a series and its sub-series; every host an organisation. */
static int check_series(struct db *db, const void *rec, struct error *err)
{
    const struct series *s = rec;
    int64_t hosts[SERIES_MAX_HOSTS];
    size_t n = org_ids_parse(s->hosts, hosts, SERIES_MAX_HOSTS);
    for (size_t i = 0; i < n; i++)
        if (entity_get(db, err->arena, &org_entity, hosts[i], err) == NULL)
            return err->kind == ERR_NOT_FOUND
                       ? (error_reset(err),
                          error_field(err, ERR_RULE, "/hosts", "no organisation with id %lld",
                                      (long long)hosts[i]))
                       : -1;
    if (fields_is_null(&series_table, s, "parent_id"))
        return 0;
    if (s->parent_id == s->id)
        return error_field(err, ERR_RULE, "/parent_id", "a series cannot be its own part");
    struct series *parent = entity_get(db, err->arena, &series_entity, s->parent_id, err);
    if (parent == NULL)
        return -1; /* the reference check has named a missing one */
    if (!fields_is_null(&series_table, parent, "parent_id"))
        return error_field(err, ERR_RULE, "/parent_id",
                           "series %lld is itself a sub-series: sub-series go one level deep",
                           (long long)parent->id);
    return 0;
}

static int series_target(struct db *db, struct arena *a, const void *rec, struct target *t,
                         struct error *err)
{
    const struct series *s = rec;
    return target_add_org(db, a, s->org_id, t, err);
}

static const struct reference series_refs[] = {
    {"org_id", Q_ORG_GET, "organisation"},
    {"parent_id", Q_SERIES_GET, "series"},
};

static const struct filter series_filters[] = {
    {.param = "org_id", .type = FT_REF},
    {.param = "parent_id", .type = FT_REF},
};

const struct entity series_entity = {
    .name = "series",
    .plural = "series",
    .table = &series_table,
    .get = Q_SERIES_GET,
    .list = Q_SERIES_LIST,
    .insert = Q_SERIES_INSERT,
    .update = Q_SERIES_UPDATE,
    .del = Q_SERIES_DELETE,
    .dependants = Q_SERIES_DEPENDANTS,
    .dependants_what = "activities, sub-series or absences",
    .refs = series_refs,
    .nrefs = 2,
    .filters = series_filters,
    .nfilters = 2,
    .check = check_series,
    .public_read = true, /* the brands are on every poster */
    .write_roles = ROLE_BIT(ROLE_COMMITTEE_ADMIN),
    .target = series_target,
    .searchable = true,
};

/* ---- absences ---- */

static const struct field absence_fields[] = {
    ENTITY_ID_FIELD(struct absence),
    {.name = "series_id",
     .type = FT_REF,
     .flags = FF_REQUIRED | FF_CREATE_ONLY,
     .offset = offsetof(struct absence, series_id)},
    {.name = "org_id",
     .type = FT_REF,
     .flags = FF_REQUIRED,
     .offset = offsetof(struct absence, org_id)},
    {.name = "day", .type = FT_DATE, .flags = FF_REQUIRED, .offset = offsetof(struct absence, day)},
    {.name = "reason",
     .type = FT_TEXT,
     .flags = FF_NULLABLE,
     .max_chars = 200,
     .offset = offsetof(struct absence, reason)},
    ENTITY_TRAILER_FIELDS(struct absence),
};

static const struct table absence_table = {
    absence_fields, sizeof(absence_fields) / sizeof(struct field), sizeof(struct absence)};

/* An absence is the series' committee's to record, or the host's own to say. */
static int absence_target(struct db *db, struct arena *a, const void *rec, struct target *t,
                          struct error *err)
{
    const struct absence *ab = rec;
    struct series *s = entity_get(db, a, &series_entity, ab->series_id, err);
    if (s == NULL)
        return err->kind == ERR_NOT_FOUND ? (error_reset(err), 0) : -1;
    return target_add_org(db, a, s->org_id, t, err) != 0
               ? -1
               : target_add_org(db, a, ab->org_id, t, err);
}

static int check_absence(struct db *db, const void *rec, struct error *err)
{
    const struct absence *ab = rec;
    struct series *s = entity_get(db, err->arena, &series_entity, ab->series_id, err);
    if (s == NULL)
        return -1;
    int64_t hosts[SERIES_MAX_HOSTS];
    size_t n = org_ids_parse(s->hosts, hosts, SERIES_MAX_HOSTS);
    for (size_t i = 0; i < n; i++)
        if (hosts[i] == ab->org_id)
            return 0;
    return error_field(err, ERR_RULE, "/org_id", "organisation %lld is no host of series %lld",
                       (long long)ab->org_id, (long long)s->id);
}

static const struct reference absence_refs[] = {
    {"series_id", Q_SERIES_GET, "series"},
    {"org_id", Q_ORG_GET, "organisation"},
};

static const struct filter absence_filters[] = {
    {.param = "series_id", .type = FT_REF},
    {.param = "org_id", .type = FT_REF},
};

const struct entity absence_entity = {
    .name = "absence",
    .plural = "host-absences",
    .table = &absence_table,
    .get = Q_ABSENCE_GET,
    .list = Q_ABSENCE_LIST,
    .insert = Q_ABSENCE_INSERT,
    .update = Q_ABSENCE_UPDATE,
    .del = Q_ABSENCE_DELETE,
    .dependants = Q_ABSENCE_DEPENDANTS,
    .dependants_what = "dependants",
    .refs = absence_refs,
    .nrefs = 2,
    .filters = absence_filters,
    .nfilters = 2,
    .check = check_absence,
    .public_read = true, /* who hosts when is no secret */
    .write_roles = ROLE_BIT(ROLE_COMMITTEE_ADMIN) | ROLE_BIT(ROLE_BRANCH_SECRETARY),
    .target = absence_target,
};

/* ---- scheduling ---- */

struct scheduling {
    struct arena *a;
    const struct caller *c;
    const struct schedule_request *rq;
    struct schedule_result *out;
    int64_t now;
    struct series *s;
};

static int64_t local_day(int64_t t)
{
    return (t + TIME_LOCAL_OFFSET_MIN * 60) / 86400;
}

static const char *date_text(struct arena *a, int64_t day)
{
    int y;
    unsigned m, d;
    civil_from_days(day, &y, &m, &d);
    return arena_printf(a, "%04d-%02u-%02u", y, m, d);
}

/* The stored rotation of the series: each host's standing. */
static int read_line(struct db *db, struct scheduling *w, struct rotation_host **line, size_t *n,
                     struct error *err)
{
    struct db_stmt *st = db_stmt(db, Q_SERIES_ROTATION, err);
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, w->s->id);
    size_t cap = SERIES_MAX_HOSTS * 2;
    *line = arena_alloc(w->a, cap * sizeof(**line));
    *n = 0;
    enum db_step r;
    while ((r = db_step(st, err)) == DB_ROW && *n < cap)
        (*line)[(*n)++] =
            (struct rotation_host){db_col_int(st, 0), db_col_int(st, 1), db_col_int(st, 2)};
    if (r == DB_ROW)
        db_exec(st, NULL);
    return r == DB_FAIL ? -1 : 0;
}

static int write_line(struct db *db, struct scheduling *w, const struct rotation *rot,
                      struct error *err)
{
    struct db_stmt *st = db_stmt(db, Q_SERIES_ROTATION_CLEAR, err);
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, w->s->id);
    if (db_exec(st, err) != 0)
        return -1;
    for (size_t i = 0; i < rot->nline; i++) {
        if ((st = db_stmt(db, Q_SERIES_ROTATION_PUT, err)) == NULL)
            return -1;
        db_bind_int(st, 1, w->s->id);
        db_bind_int(st, 2, rot->line[i].host);
        db_bind_int(st, 3, rot->line[i].next_round);
        db_bind_int(st, 4, rot->line[i].place);
        if (db_exec(st, err) != 0)
            return -1;
    }
    return 0;
}

/* The days, between two, on which hosts said they cannot host. */
static int read_absences(struct db *db, struct scheduling *w, int64_t from, int64_t to,
                         struct rotation_absence **out, size_t *n, struct error *err)
{
    struct db_stmt *st = db_stmt(db, Q_ABSENCES_OF_SERIES, err);
    if (st == NULL)
        return -1;
    const char *first = date_text(w->a, from), *last = date_text(w->a, to);
    db_bind_int(st, 1, w->s->id);
    db_bind_text(st, 2, first, strlen(first));
    db_bind_text(st, 3, last, strlen(last));
    size_t cap = 16;
    *out = arena_alloc(w->a, cap * sizeof(**out));
    *n = 0;
    enum db_step r;
    while ((r = db_step(st, err)) == DB_ROW) {
        if (*n == cap) {
            struct rotation_absence *bigger = arena_alloc(w->a, 2 * cap * sizeof(**out));
            memcpy(bigger, *out, cap * sizeof(**out));
            *out = bigger, cap *= 2;
        }
        int64_t day;
        const char *text = db_col_text(st, 1, NULL);
        if (date_parse(text, strlen(text), &day))
            (*out)[(*n)++] = (struct rotation_absence){db_col_int(st, 0), day};
    }
    return r == DB_FAIL ? -1 : 0;
}

/* True when the series has a session at this start already. */
static int exists(struct db *db, struct scheduling *w, int64_t start, struct error *err)
{
    struct db_stmt *st = db_stmt(db, Q_ACTIVITY_OF_SERIES_ON, err);
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, w->s->id);
    db_bind_int(st, 2, start);
    enum db_step r = db_step(st, err);
    if (r == DB_ROW)
        db_step(st, err);
    return r == DB_FAIL ? -1 : r == DB_ROW;
}

/* The sessions' starts that the series has not got yet. */
static int new_dates(struct db *db, struct scheduling *w, int64_t **starts, size_t *n,
                     struct error *err)
{
    const struct activity *t = w->rq->tmpl;
    int64_t *all;
    size_t nall;
    if (recurrence_expand(w->a, w->rq->rrule, t->start, t->start + 2 * 366 * 86400LL, &all, &nall,
                          err) != 0)
        return -1;
    struct scheduled *items = arena_zalloc(w->a, nall * sizeof(*items));
    *starts = arena_alloc(w->a, nall * sizeof(int64_t));
    *n = 0;
    for (size_t i = 0; i < nall; i++) {
        int e = exists(db, w, all[i], err);
        if (e < 0)
            return -1;
        items[i] =
            (struct scheduled){all[i], all[i] + (t->end - t->start), 0, NULL, e ? "exists" : NULL};
        if (!e)
            (*starts)[(*n)++] = all[i];
    }
    w->out->items = items, w->out->n = nall;
    return 0;
}

/* One session: an activity of the series, hosted by 'host', with its room booked. */
static int make_session(struct db *db, struct scheduling *w, struct scheduled *it, int64_t host,
                        struct error *err)
{
    struct activity act = *w->rq->tmpl;
    act.start = it->start, act.end = it->end, act.host_org_id = host, act.series_id = w->s->id;
    rec_set_null(&act, (size_t)fields_find(activity_entity.table, "series_id"), false);
    if (act.title == NULL)
        act.title = w->s->name;
    struct error one;
    error_init(&one, w->a);
    it->activity = activity_make(db, w->a, w->c, &act, w->rq->publish, NULL, w->now, &one);
    if (it->activity)
        return 0;
    *err = one;
    const char *what = one.detail ? one.detail : one.nfields ? one.fields[0].detail : "refused";
    err->detail = arena_printf(w->a, "the session at %s, hosted by organisation %lld: %s",
                               rfc3339_local(w->a, it->start), (long long)host, what);
    return -1;
}

static int schedule_txn(struct db *db, void *ctx, struct error *err)
{
    struct scheduling *w = ctx;
    struct db_stmt *st = db_stmt(db, Q_SERIES_LOCK, err);
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, w->rq->series_id);
    if (db_exec(st, err) != 0 ||
        (w->s = entity_get(db, w->a, &series_entity, w->rq->series_id, err)) == NULL)
        return -1;
    struct target t;
    memset(&t, 0, sizeof(t));
    if (series_target(db, w->a, w->s, &t, err) != 0 ||
        policy_refuse(policy_decide(w->c, &series_entity, ACT_UPDATE, &t), &series_entity, w->s->id,
                      err) != 0)
        return -1;
    int64_t hosts[SERIES_MAX_HOSTS];
    struct rotation rot = {.hosts = hosts,
                           .n = org_ids_parse(w->s->hosts, hosts, SERIES_MAX_HOSTS)};
    if (rot.n == 0) {
        error_set(err, ERR_RULE, "series %lld has no hosts: give it its rotation first",
                  (long long)w->s->id);
        return error_rule(err, "no_hosts");
    }
    int64_t *starts;
    size_t n, nabsent;
    struct rotation_absence *absent;
    struct rotation_host *line;
    if (new_dates(db, w, &starts, &n, err) != 0 || n == 0 ||
        read_absences(db, w, local_day(starts[0]), local_day(starts[n - 1]), &absent, &nabsent,
                      err) != 0 ||
        read_line(db, w, &line, &rot.nline, err) != 0)
        return err->kind == ERR_NONE ? 0 : -1;
    rot.line = line;
    int64_t *days = arena_alloc(w->a, n * sizeof(int64_t)), *host = arena_alloc(w->a, n * 8);
    for (size_t i = 0; i < n; i++)
        days[i] = local_day(starts[i]);
    rotation_assign(w->a, &rot, days, n, absent, nabsent, host);
    for (size_t i = 0, k = 0; i < w->out->n; i++) {
        struct scheduled *it = &w->out->items[i];
        if (it->skipped)
            continue;
        it->host_org_id = host[k++];
        if (it->host_org_id == 0)
            it->skipped = "no_host";
        else if (!w->rq->dry_run && make_session(db, w, it, it->host_org_id, err) != 0)
            return -1;
    }
    return w->rq->dry_run ? 0 : write_line(db, w, &rot, err);
}

int series_schedule(struct db *db, struct arena *a, const struct caller *c,
                    const struct schedule_request *rq, struct schedule_result *out,
                    struct error *err)
{
    struct scheduling w = {a, c, rq, out, time_now(), NULL};
    memset(out, 0, sizeof(*out));
    /* a dry run writes nothing, but reads the rotation as a scheduling would, locked */
    return db_transact(db, DB_WRITE_LOCKING, schedule_txn, &w, err);
}
