/*
 * The register as files: importing a secretary's spreadsheet, and exporting what the
 * caller may see as CSV or .xlsx. The domain does the work (domain/import.c, the record
 * life cycle); this file speaks HTTP for it.
 */
#include "api/members.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "api/resource.h"
#include "core/arena.h"
#include "core/csv.h"
#include "core/jsonw.h"
#include "core/xlsx.h"
#include "domain/import.h"
#include "domain/members.h"

static bool flag(struct exchange *ex, const char *name, struct error *err)
{
    const char *v = exchange_query(ex, name);
    if (v == NULL || strcmp(v, "false") == 0)
        return false;
    if (strcmp(v, "true") != 0)
        error_param(err, name, "must be true or false");
    return true;
}

static void write_report(struct jsonw *w, const struct import_report *rep)
{
    jw_key(w, "encoding");
    jw_str(w, rep->encoding ? rep->encoding : "");
    jw_key(w, "committed");
    jw_bool(w, rep->committed);
    jw_key(w, "counts");
    jw_obj_open(w);
    for (int i = 0; i < 4; i++) {
        jw_key(w, import_action_names[i]);
        jw_int(w, (int64_t)rep->count[i]);
    }
    jw_obj_close(w);
    jw_key(w, "rows");
    jw_arr_open(w);
    for (size_t i = 0; i < rep->nrows; i++) {
        const struct import_row *r = &rep->rows[i];
        jw_obj_open(w);
        jw_key(w, "line");
        jw_int(w, (int64_t)r->line);
        jw_key(w, "action");
        jw_str(w, import_action_names[r->action]);
        jw_key(w, "member_id");
        jw_id_or_null(w, r->member_id);
        jw_key(w, "reason");
        jw_str_or_null(w, r->reason);
        jw_obj_close(w);
    }
    jw_arr_close(w);
    jw_key(w, "rejected_csv");
    if (rep->count[IMPORT_REJECT])
        jw_strn(w, rep->rejected_csv.data, rep->rejected_csv.len);
    else
        jw_null(w);
}

/* POST /api/v1/members/import?dry_run=&partial=&encoding=, the file as the body. */
void api_member_import(struct exchange *ex)
{
    struct error err;
    error_init(&err, ex->arena);
    const char *ct = ex->content_type ? ex->content_type : "";
    struct import_options o = {.encoding = exchange_query(ex, "encoding")};
    o.dry_run = flag(ex, "dry_run", &err);
    o.partial = flag(ex, "partial", &err);
    if (err.kind != ERR_NONE) {
        err.detail = "the query has invalid parameters: see errors";
        reply_error(ex, &err);
        return;
    }
    static const char xlsx[] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    if (strncasecmp(ct, "text/csv", 8) != 0 &&
        strncasecmp(ct, "application/octet-stream", 24) != 0 &&
        strncasecmp(ct, xlsx, sizeof(xlsx) - 1) != 0) {
        reply_problem(ex, ERR_MEDIA_TYPE,
                      "send the file as text/csv (any encoding: say which with ?encoding=, or "
                      "let louyu detect it) or as an .xlsx workbook");
        return;
    }
    struct import_report rep;
    int rc = import_members(ex->db, ex->arena, ex->caller, ex->body, ex->body_len, &o, &rep, &err);
    if (rc != 0 && rep.nrows == 0) {
        import_report_free(&rep);
        reply_error(ex, &err);
        return;
    }
    /* Refused or not, the answer carries the report of every row. */
    struct jsonw w;
    jw_init(&w, &ex->response);
    jw_obj_open(&w);
    if (rc != 0) {
        jw_key(&w, "type");
        jw_str(&w, "/problems/rule");
        jw_key(&w, "title");
        jw_str(&w, "Against a rule");
        jw_key(&w, "status");
        jw_int(&w, 422);
        jw_key(&w, "detail");
        jw_str(&w, err.detail);
        ex->response_type = "application/problem+json";
    }
    write_report(&w, &rep);
    jw_obj_close(&w);
    ex->status = rc != 0 ? 422 : 200;
    import_report_free(&rep);
}

/* The export's columns: the importer reads the same headers back. */
static const char *const export_columns[][2] = {
    {"编号", "external_id"},
    {"姓名", "name"},
    {"性别", "gender"},
    {"出生日期", "born_on"},
    {"手机", "phone"},
    {"身份证号", "id_number"},
    {"支部编号", "branch_id"},
    {"类型", "kind"},
    {"申请入党日期", "applied_on"},
    {"确定积极分子日期", "activist_on"},
    {"确定发展对象日期", "target_on"},
    {"入党日期", "admitted_on"},
    {"转正日期", "full_on"},
};

#define EXPORT_COLUMNS (sizeof(export_columns) / sizeof(export_columns[0]))

/* The export's cells of m, as text. */
static void export_cells(struct arena *a, const struct member *m, const char *cells[EXPORT_COLUMNS])
{
    const struct table *t = member_entity.table;
    for (size_t c = 0; c < EXPORT_COLUMNS; c++) {
        int i = fields_find(t, export_columns[c][1]);
        const struct field *f = &t->fields[i];
        cells[c] = "";
        if (rec_is_null(m, (size_t)i))
            continue;
        if (f->type == FT_REF)
            cells[c] = arena_printf(a, "%lld", (long long)*FIELD_CPTR(m, f, int64_t));
        else if (*FIELD_CPTR(m, f, char *))
            cells[c] = *FIELD_CPTR(m, f, char *);
    }
}

/* Calls row(ctx, cells) for the header and every member the caller's list shows. */
static int export_all(struct exchange *ex, void (*row)(void *, unsigned, const char **), void *ctx,
                      struct error *err)
{
    struct list_query lq;
    if (api_list_query(ex, &member_entity, &lq, err) != 0)
        return -1;
    const char *cells[EXPORT_COLUMNS];
    for (size_t c = 0; c < EXPORT_COLUMNS; c++)
        cells[c] = export_columns[c][0];
    unsigned line = 0;
    row(ctx, line++, cells);
    size_t nfilters = lq.nfilters;
    lq.limit = 500;
    void **items;
    size_t n;
    do {
        lq.nfilters = nfilters; /* the scope filter is added anew each page */
        if (entity_list(ex->db, ex->arena, ex->caller, &member_entity, &lq, &items, &n, &lq.after,
                        err) != 0)
            return -1;
        for (size_t i = 0; i < n; i++) {
            export_cells(ex->arena, items[i], cells);
            row(ctx, line++, cells);
        }
    } while (lq.after != 0);
    return 0;
}

static void csv_row(void *ctx, unsigned line, const char **cells)
{
    (void)line;
    for (size_t c = 0; c < EXPORT_COLUMNS; c++)
        csv_put(ctx, cells[c], c == 0);
    buf_puts(ctx, "\r\n");
}

static void xlsx_row(void *ctx, unsigned line, const char **cells)
{
    for (size_t c = 0; c < EXPORT_COLUMNS; c++)
        xlsx_put(ctx, line, (unsigned)c, cells[c]);
}

static void attach(struct exchange *ex, struct buf *body, const char *type, const char *name)
{
    buf_free(&ex->response);
    ex->response = *body;
    ex->response_type = type;
    exchange_header(ex, "Content-Disposition",
                    arena_printf(ex->arena, "attachment; filename=\"%s\"", name));
    ex->status = 200;
}

/* GET /api/v1/members/export.csv: every member the list would show (same filters), masked
 * as the caller's role requires, as CSV that Excel opens (UTF-8 with a BOM). */
void api_member_export(struct exchange *ex)
{
    struct error err;
    error_init(&err, ex->arena);
    struct buf out = BUF_INIT;
    buf_puts(&out, "\xEF\xBB\xBF");
    if (export_all(ex, csv_row, &out, &err) != 0) {
        buf_free(&out);
        reply_error(ex, &err);
        return;
    }
    attach(ex, &out, "text/csv; charset=utf-8", "members.csv");
}

static void unlink_file(void *path)
{
    unlink(path);
}

/* GET /api/v1/members/export.xlsx: the same as a workbook. */
void api_member_export_xlsx(struct exchange *ex)
{
    struct error err;
    error_init(&err, ex->arena);
    char *path = arena_strdup(ex->arena, "/tmp/louyu-export-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0) {
        reply_problem(ex, ERR_INTERNAL, "cannot create a temporary file");
        return;
    }
    close(fd);
    arena_defer(ex->arena, unlink_file, path);
    struct xlsx_out *x = xlsx_create(path, "党员名册", &err);
    struct buf out = BUF_INIT;
    int rc = x ? export_all(ex, xlsx_row, x, &err) : -1;
    if (x && xlsx_close(x, &err) != 0)
        rc = -1;
    FILE *f = rc == 0 ? fopen(path, "rb") : NULL;
    char chunk[65536];
    size_t got;
    while (f && (got = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_append(&out, chunk, got);
    if (f)
        fclose(f);
    if (rc != 0 || f == NULL) {
        buf_free(&out);
        reply_error(ex, &err);
        return;
    }
    attach(ex, &out, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "members.xlsx");
}
