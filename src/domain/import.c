/*
 * Importing members. The whole file runs in one write transaction, each row under its
 * own savepoint: a rejected row is undone alone, and then either the file is refused (the
 * transaction rolls back: nothing changed) or, when asked, the good rows are kept. A dry
 * run does all the work and rolls back, so its report is exactly what a real run does.
 */
#include "domain/import.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/csv.h"
#include "core/jsonw.h"
#include "core/textenc.h"
#include "core/timefmt.h"
#include "core/xlsx.h"
#include "domain/import_values.h"
#include "domain/members.h"
#include "store/db.h"

const char *const import_action_names[] = {"create", "update", "unchanged", "reject", NULL};

/* ---- the import ---- */

struct job {
    struct arena *a;   /* what the report keeps */
    struct arena *row; /* what one row needs: freed after each, so memory stays flat */
    const struct caller *c;
    const struct import_options *o;
    struct import_report *rep;
    const char *text;
    size_t len;
    const char *fields[CSV_MAX_FIELDS]; /* the member field of each column, or "#" */
    size_t ncols;
    size_t total; /* data rows, for progress */
    /* The natural keys seen so far, as 64-bit hashes with their lines, for duplicates
     * within the file: 16 bytes a row whatever the keys' length. */
    struct seen {
        uint64_t hash; /* 0: an empty slot */
        size_t line;
    } * seen;
    size_t nseen, cap_seen;
};

/* Sets one value of the row's JSON, normalising what people type; NULL or why not. */
static const char *put_value(struct db *db, struct job *j, json_t *obj, const char *field,
                             const char *v, struct error *err)
{
    if (textenc_garbled(v))
        return arena_printf(j->row,
                            "%s looks garbled (mojibake): was the file saved in another "
                            "encoding?",
                            field);
    if (strcmp(field, "gender") == 0 || strcmp(field, "kind") == 0) {
        const char *w =
            strcmp(field, "gender") == 0 ? import_normal_gender(v) : import_normal_kind(v);
        if (w == NULL)
            return arena_printf(j->row, "%s '%s' is not one louyu knows", field, v);
        json_object_set_new(obj, field, json_string(w));
    } else if (strstr(field, "_on")) {
        const char *d = import_normal_date(j->row, v);
        if (d == NULL)
            return arena_printf(j->row, "%s '%s' is not a date (e.g. 2017-07-01)", field, v);
        json_object_set_new(obj, field, json_string(d));
    } else if (strcmp(field, "branch") == 0) {
        struct db_stmt *st = db_stmt(db, Q_ORG_BY_NAME, err);
        if (st == NULL)
            return "the database failed";
        db_bind_text(st, 1, v, strlen(v));
        int64_t id = 0;
        int found = 0;
        while (db_step(st, err) == DB_ROW)
            id = db_col_int(st, 0), found++;
        if (found != 1)
            return arena_printf(j->row,
                                found ? "more than one organisation is named '%s': use branch_id"
                                      : "no organisation is named '%s'",
                                v);
        json_object_set_new(obj, "branch_id", json_integer(id));
    } else if (strcmp(field, "branch_id") == 0) {
        char *end;
        long long id = strtoll(v, &end, 10);
        if (*end || id < 1)
            return arena_printf(j->row, "branch_id '%s' is not an id", v);
        json_object_set_new(obj, field, json_integer(id));
    } else if (strcmp(field, "phone") == 0) {
        char *p = arena_strdup(j->row, v), *o = p;
        for (const char *s = v; *s; s++)
            if (*s != ' ' && *s != '-')
                *o++ = *s;
        *o = '\0';
        json_object_set_new(obj, field, json_string(p));
    } else
        json_object_set_new(obj, field, json_string(v));
    return NULL;
}

static void free_json(void *p)
{
    json_decref(p);
}

/* FNV-1a, never 0 (0 marks an empty slot). */
static uint64_t key_hash(const char *s)
{
    uint64_t h = 14695981039346656037ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h ? h : 1;
}

static void seen_put(struct seen *table, size_t cap, uint64_t hash, size_t line)
{
    size_t i = (size_t)hash & (cap - 1);
    while (table[i].hash)
        i = (i + 1) & (cap - 1);
    table[i] = (struct seen){hash, line};
}

/* The line of an earlier row with this key, or 0 (and the key is remembered). Two keys
 * with the same 64-bit hash would be taken for one: about one chance in 10^9 for a file
 * of 200,000 rows. */
static size_t seen_before(struct job *j, const char *key, size_t line)
{
    if (j->nseen * 2 >= j->cap_seen) {
        size_t cap = j->cap_seen ? j->cap_seen * 2 : 1024;
        struct seen *bigger = calloc(cap, sizeof(*bigger));
        for (size_t i = 0; i < j->cap_seen; i++)
            if (j->seen[i].hash)
                seen_put(bigger, cap, j->seen[i].hash, j->seen[i].line);
        free(j->seen);
        j->seen = bigger, j->cap_seen = cap;
    }
    uint64_t h = key_hash(key);
    for (size_t i = (size_t)h & (j->cap_seen - 1); j->seen[i].hash; i = (i + 1) & (j->cap_seen - 1))
        if (j->seen[i].hash == h)
            return j->seen[i].line;
    seen_put(j->seen, j->cap_seen, h, line);
    j->nseen++;
    return 0;
}

/* The id of the member with this row's natural key, 0 if none; -1 on a database error. */
static int64_t existing(struct db *db, json_t *obj, struct error *err)
{
    json_t *ext = json_object_get(obj, "external_id");
    json_t *phone = json_object_get(obj, "phone");
    struct db_stmt *st = db_stmt(db, ext ? Q_MEMBER_BY_EXTERNAL : Q_MEMBER_BY_PHONE, err);
    if (st == NULL)
        return -1;
    const char *key = json_string_value(ext ? ext : phone);
    db_bind_text(st, 1, key, strlen(key));
    enum db_step r = db_step(st, err);
    if (r == DB_FAIL)
        return -1;
    int64_t id = r == DB_ROW ? db_col_int(st, 0) : 0;
    db_step(st, err);
    return id;
}

/* Compares the values the row gives (a column the file lacks, or an empty cell, changes
 * nothing) with the stored member: 0 unchanged, 1 patch filled, -1 the stage days differ
 * (which only the stage route changes). */
static int compare(struct arena *a, const struct member *row, const struct member *stored,
                   struct member *patch)
{
    const struct table *t = member_entity.table;
    uint64_t changed = 0;
    for (size_t i = 0; i < t->n; i++) {
        const struct field *f = &t->fields[i];
        if (!((row->rec.set >> i) & 1u) || (f->flags & (FF_READONLY | FF_VERSION)))
            continue;
        if (strcmp(fields_value_json(a, f, row, i), fields_value_json(a, f, stored, i)) == 0)
            continue;
        if (f->flags & FF_CREATE_ONLY)
            return -1;
        changed |= (uint64_t)1 << i;
    }
    struct member given = *row;
    given.rec.set = changed;
    memset(patch, 0, sizeof(*patch));
    patch->rec.set = changed;
    fields_overlay(t, patch, &given);
    return changed != 0;
}

/* Why err failed, in one line. */
static const char *reason(struct arena *a, const struct error *err)
{
    struct buf b = BUF_INIT;
    if (err->detail && err->nfields == 0)
        buf_puts(&b, err->detail);
    for (size_t i = 0; i < err->nfields; i++) {
        const char *p = err->fields[i].pointer ? err->fields[i].pointer : "";
        buf_printf(&b, "%s%s: %s", i ? "; " : "", *p == '/' ? p + 1 : p, err->fields[i].detail);
    }
    char *s = arena_strndup(a, b.data ? b.data : "rejected", b.len);
    buf_free(&b);
    return s;
}

/* Decides and does one row; fills r. Returns -1 with rowerr filled when the row is
 * refused, or when the database fails (ERR_UNAVAILABLE, ERR_INTERNAL: the import stops). */
static int one_row(struct db *db, struct job *j, const struct csv_row *row, struct import_row *r,
                   struct error *rowerr)
{
    json_t *obj = json_object();
    arena_defer(j->row, free_json, obj);
    for (size_t i = 0; i < row->nfields && i < j->ncols; i++) {
        const char *v = row->fields[i];
        if (*v == '\0' || strcmp(j->fields[i], "#") == 0)
            continue;
        v = csv_unguard(v); /* the guard exports put against formulas */
        const char *why = put_value(db, j, obj, j->fields[i], v, rowerr);
        if (why)
            return error_set(rowerr, ERR_INVALID, "%s", why);
    }
    if (!json_object_get(obj, "external_id") && !json_object_get(obj, "phone"))
        return error_set(rowerr, ERR_INVALID,
                         "a row needs a phone or an external id, which "
                         "tell whether the person is already registered");
    json_t *key = json_object_get(obj, "external_id");
    const char *k = arena_printf(j->row, "%s:%s", key ? "external" : "phone",
                                 json_string_value(key ? key : json_object_get(obj, "phone")));
    size_t dup = seen_before(j, k, row->line);
    if (dup)
        return error_set(rowerr, ERR_INVALID, "the same person as line %zu", dup);
    struct member *rec = arena_alloc(j->row, sizeof(*rec));
    if (fields_decode(j->row, obj, member_entity.table, rec, DECODE_CREATE, rowerr) != 0)
        return -1;
    int64_t id = existing(db, obj, rowerr);
    if (id < 0)
        return -1;
    if (id == 0) {
        struct member *m = entity_create(db, j->row, j->c, &member_entity, rec, rowerr);
        if (m == NULL && rowerr->kind == ERR_CONFLICT)
            return error_set(rowerr, ERR_CONFLICT,
                             "the phone or external id is registered to "
                             "another person");
        if (m == NULL)
            return -1;
        r->action = IMPORT_CREATE, r->member_id = m->id;
        return 0;
    }
    /* Only the people the caller manages are matched: the register says nothing about the
     * others, not even that they are unchanged. */
    struct member *stored = entity_get(db, j->row, &member_entity, id, rowerr);
    struct target t = {0};
    if (stored && (member_entity.target(db, j->row, stored, &t, rowerr) != 0 ||
                   policy_decide(j->c, &member_entity, ACT_UPDATE, &t) != ALLOW))
        return error_set(rowerr, ERR_CONFLICT,
                         "the %s is registered to a person you do not "
                         "manage",
                         json_object_get(obj, "external_id") ? "external id" : "phone");
    struct member *patch = arena_alloc(j->row, sizeof(*patch));
    int cmp = stored ? compare(j->row, rec, stored, patch) : -2;
    if (cmp == -2)
        return -1;
    if (cmp < 0)
        return error_set(rowerr, ERR_RULE,
                         "the stage days differ from the register's (member %lld): stages change "
                         "one at a time, through the register",
                         (long long)id);
    r->member_id = id;
    r->action = cmp ? IMPORT_UPDATE : IMPORT_UNCHANGED;
    patch->version = stored->version;
    if (cmp && entity_update(db, j->row, j->c, &member_entity, id, patch, rowerr) == NULL)
        return -1;
    return 0;
}

/* Adds r to the report's rows (all of them, or only the refused ones). */
static void keep(struct import_report *rep, const struct import_row *r, bool rejects_only)
{
    if (rejects_only && r->action != IMPORT_REJECT)
        return;
    if (rep->nrows == rep->cap_rows) {
        rep->cap_rows = rep->cap_rows ? rep->cap_rows * 2 : 64;
        struct import_row *bigger = realloc(rep->rows, rep->cap_rows * sizeof(*bigger));
        if (bigger == NULL)
            abort(); /* as the arena does: a few bytes a row cannot be had */
        rep->rows = bigger;
    }
    rep->rows[rep->nrows++] = *r;
}

void import_report_free(struct import_report *rep)
{
    free(rep->rows);
    rep->rows = NULL;
    rep->nrows = rep->cap_rows = 0;
    buf_free(&rep->rejected_csv);
}

static bool fatal(const struct error *err)
{
    return err->kind == ERR_UNAVAILABLE || err->kind == ERR_INTERNAL || err->retry;
}

static void reject(struct job *j, const struct csv_row *row, struct import_row *r, const char *why)
{
    r->action = IMPORT_REJECT;
    r->member_id = 0;
    r->reason = why;
    /* The row cut or padded to the header's columns (cells past them are never read), so
     * that the reason lands in the reason column and the file, mended, reads back: a short
     * row put it under another column, a row of CSV_MAX_FIELDS cells made one too many
     * (found by tests/fuzz). */
    for (size_t i = 0; i < j->ncols; i++)
        csv_put(&j->rep->rejected_csv, i < row->nfields ? row->fields[i] : "", i == 0);
    csv_put(&j->rep->rejected_csv, why, j->ncols == 0);
    buf_puts(&j->rep->rejected_csv, "\r\n");
}

/* Maps the header row; unknown columns refuse the file (a typo would lose a column). */
static int read_header(struct job *j, const struct csv_row *h, struct error *err)
{
    struct buf names = BUF_INIT;
    for (size_t i = 0; i < h->nfields; i++) {
        j->fields[i] = import_field_of_header(h->fields[i]);
        if (j->fields[i] == NULL)
            buf_printf(&names, "%s'%s'", names.len ? ", " : "", h->fields[i]);
        for (size_t k = 0; j->fields[i] && k < i; k++)
            if (j->fields[k] && strcmp(j->fields[k], j->fields[i]) == 0 &&
                strcmp(j->fields[i], "#") != 0)
                buf_printf(&names, "%s'%s' (twice)", names.len ? ", " : "", h->fields[i]);
    }
    j->ncols = h->nfields;
    if (names.len) {
        error_set(err, ERR_INVALID,
                  "line %zu: unknown columns %s (louyu reads 姓名, 性别, 出生日期, 手机, 身份证号, "
                  "编号, 支部 or 支部编号, 类型, 申请入党日期, 确定积极分子日期, "
                  "确定发展对象日期, 入党日期, 转正日期, or their English field names)",
                  h->line, names.data);
        buf_free(&names);
        return -1;
    }
    for (size_t i = 0; i < h->nfields; i++)
        csv_put(&j->rep->rejected_csv, h->fields[i], i == 0);
    csv_put(&j->rep->rejected_csv, "错误 error", h->nfields == 0);
    buf_puts(&j->rep->rejected_csv, "\r\n");
    return 0;
}

static int import_txn(struct db *db, void *ctx, struct error *err)
{
    struct job *j = ctx;
    struct import_report *rep = j->rep;
    struct csv_reader r;
    struct csv_row row = {0};
    const char *why = NULL;
    /* A retried transaction starts its report afresh. */
    rep->nrows = rep->data_rows = 0;
    memset(rep->count, 0, sizeof(rep->count));
    buf_reset(&rep->rejected_csv);
    free(j->seen);
    j->seen = NULL;
    j->nseen = j->cap_seen = 0;
    csv_init(&r, j->text, j->len);
    int got = csv_next(&r, &row, &why);
    if (got <= 0 || read_header(j, &row, err) != 0) {
        if (got <= 0)
            error_set(err, ERR_INVALID, got == 0 ? "the file is empty" : "line 1: %s", why);
        csv_release(&r);
        return -1;
    }
    while ((got = csv_next(&r, &row, &why)) != 0) {
        struct import_row ir = {.line = row.line};
        rep->data_rows++;
        if (got < 0) { /* the row's cells cannot be read: only the reason goes back */
            reject(j, &row, &ir, arena_printf(j->a, "malformed CSV: %s", why));
            keep(rep, &ir, j->o->rejects_only);
            rep->count[IMPORT_REJECT]++;
            break; /* the reader cannot find the next row after a broken one */
        }
        struct error rowerr;
        j->row = arena_new(16384);
        error_init(&rowerr, j->row);
        int failed = db_savepoint(db, err);
        if (failed == 0 && one_row(db, j, &row, &ir, &rowerr) != 0) {
            db_savepoint_rollback(db);
            if (fatal(&rowerr)) {
                error_set(err, rowerr.kind, "line %zu: %s", row.line, reason(j->a, &rowerr));
                err->retry = rowerr.retry;
                failed = -1;
            } else
                reject(j, &row, &ir, reason(j->a, &rowerr));
        } else if (failed == 0)
            failed = db_savepoint_release(db, err);
        arena_free(j->row);
        if (failed != 0)
            goto fail;
        keep(rep, &ir, j->o->rejects_only);
        rep->count[ir.action]++;
        if (j->o->progress && rep->data_rows % 500 == 0)
            j->o->progress(rep->data_rows, j->total, j->o->progress_ctx);
    }
    csv_release(&r);
    if (j->o->progress)
        j->o->progress(rep->data_rows, j->total, j->o->progress_ctx);
    if (j->o->dry_run || (rep->count[IMPORT_REJECT] && !j->o->partial))
        return error_set(err, ERR_NONE, "not committed"); /* roll back, on purpose */
    return 0;
fail:
    csv_release(&r);
    return -1;
}

/* Data rows, roughly (for progress): the lines after the header. */
static size_t count_lines(const char *s, size_t n)
{
    size_t lines = 0;
    for (size_t i = 0; i < n; i++)
        lines += s[i] == '\n';
    return lines + 1;
}

/* The file as UTF-8 text: the bytes themselves when they are UTF-8 already (no copy: a big
 * file is not held twice), else converted into 'converted'. */
static int as_utf8(const char *data, size_t n, const struct import_options *o,
                   struct import_report *rep, struct buf *converted, const char **text, size_t *len,
                   struct error *err)
{
    if (xlsx_is(data, n)) {
        rep->encoding = "xlsx";
        if (xlsx_to_csv(data, n, converted, err) != 0)
            return -1;
    } else {
        const char *enc = o->encoding ? textenc_name(o->encoding) : textenc_detect(data, n);
        if (enc && strcmp(enc, "utf-8") == 0) {
            rep->encoding = enc;
            return textenc_utf8_view(data, n, text, len, err);
        }
        if (textenc_to_utf8(data, n, o->encoding ? o->encoding : enc, converted, &rep->encoding,
                            err) != 0)
            return -1;
    }
    *text = converted->data ? converted->data : "";
    *len = converted->len;
    return 0;
}

int import_members(struct db *db, struct arena *a, const struct caller *c, const char *data,
                   size_t n, const struct import_options *o, struct import_report *rep,
                   struct error *err)
{
    memset(rep, 0, sizeof(*rep));
    /* Only those who register people import them. */
    if (policy_refuse(policy_decide(c, &member_entity, ACT_CREATE, NULL), &member_entity, 0, err) !=
        0)
        return -1;
    struct buf converted = BUF_INIT;
    struct job j = {.a = a, .c = c, .o = o, .rep = rep};
    if (as_utf8(data, n, o, rep, &converted, &j.text, &j.len, err) != 0) {
        buf_free(&converted);
        return -1;
    }
    j.total = count_lines(j.text, j.len);
    int rc = db_transact(db, DB_WRITE, import_txn, &j, err);
    buf_free(&converted);
    free(j.seen);
    if (rc == 0) {
        rep->committed = true;
        return 0;
    }
    if (err->kind != ERR_NONE)
        return -1; /* the file or the database failed: the report says nothing useful */
    error_reset(err);
    if (o->dry_run || rep->count[IMPORT_REJECT] == 0)
        return 0;
    for (size_t i = 0; i < rep->nrows; i++)
        if (rep->rows[i].action == IMPORT_REJECT)
            return error_set(err, ERR_RULE,
                             "line %zu: %s; %zu of %zu rows were refused, so nothing was imported "
                             "(fix them, or import the good rows alone)",
                             rep->rows[i].line, rep->rows[i].reason, rep->count[IMPORT_REJECT],
                             rep->data_rows);
    return 0;
}
