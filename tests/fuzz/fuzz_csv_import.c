/*
 * Importing the register from a file (domain/import.c) and the readers under it: the
 * encodings (core/textenc.c: UTF-8 with or without BOM, GB18030, Big5), CSV
 * (core/csv.c), the values people type (domain/import_values.c), and the whole import
 * against the demo database, as an admin or a branch secretary, inside a transaction that
 * is rolled back (harness.h).
 *
 * Properties beyond the sanitizers': text converted to UTF-8 is valid UTF-8 without a BOM;
 * every CSV row read, written back with csv_put and read again, gives the same fields; a
 * date the importer normalises is a real date written YYYY-MM-DD, a gender or a kind one
 * louyu knows; the import answers with its report or an error a person can act on (never
 * an internal one), its counts add up, and its file of refused rows reads back as CSV with
 * one row per refusal after the header, each with the header's columns.
 *
 * Input: one byte of options (bits 0-1 the encoding asked for: detect, UTF-8, GBK, Big5;
 * bit 2 partial; bit 3 dry run; bit 4 the secretary zhongke instead of admin), then the
 * file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/csv.h"
#include "core/textenc.h"
#include "core/timefmt.h"
#include "core/utf8.h"
#include "domain/import.h"
#include "domain/import_values.h"
#include "domain/session.h"
#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_utf8(const char *data, size_t n, const char *enc)
{
    struct buf out = BUF_INIT;
    const char *used = NULL;
    struct error err;
    struct arena *a = arena_new(1024);
    error_init(&err, a);
    if (textenc_to_utf8(data, n, enc, &out, &used, &err) == 0) {
        if (!utf8_valid(out.data ? out.data : "", out.len))
            fuzz_fail("%s to UTF-8 (as %s): not valid UTF-8", enc ? enc : "detected", used);
        if (out.len >= 3 && memcmp(out.data, "\xEF\xBB\xBF", 3) == 0)
            fuzz_fail("%s to UTF-8 (as %s): starts with a BOM", enc ? enc : "detected", used);
    } else if (err.kind != ERR_INVALID)
        fuzz_fail("%s to UTF-8: failed as %s", enc ? enc : "detected", err_kind_name(err.kind));
    buf_free(&out);
    arena_free(a);
}

static void check_values(struct arena *a, const char *v)
{
    (void)import_field_of_header(v);
    const char *d = import_normal_date(a, v);
    int64_t day;
    if (d && (strlen(d) != 10 || !date_parse(d, 10, &day)))
        fuzz_fail("'%s' taken as the date '%s'", v, d);
    const char *g = import_normal_gender(v), *k = import_normal_kind(v);
    if (g && strcmp(g, "male") != 0 && strcmp(g, "female") != 0)
        fuzz_fail("'%s' taken as the gender '%s'", v, g);
    if (k && strcmp(k, "regular") != 0 && strcmp(k, "mobile") != 0 && strcmp(k, "partner_vip") != 0)
        fuzz_fail("'%s' taken as the kind '%s'", v, k);
}

/* The row written with csv_put and read back: the same fields (one apostrophe fewer where
 * csv_put guarded a formula). A row of one empty field is written as a blank line, which
 * the reader skips: it has nothing to give back. */
static void check_row_round_trip(const struct csv_row *row)
{
    if (row->nfields == 1 && row->fields[0][0] == '\0')
        return;
    struct buf b = BUF_INIT;
    for (size_t i = 0; i < row->nfields; i++)
        csv_put(&b, row->fields[i], i == 0);
    buf_puts(&b, "\r\n");
    struct csv_reader r;
    struct csv_row again;
    const char *why = NULL;
    csv_init(&r, b.data, b.len);
    if (csv_next(&r, &again, &why) != 1 || again.nfields != row->nfields)
        fuzz_fail("a row of %zu fields, written as '%s', reads back as %zu (%s)", row->nfields,
                  b.data, again.nfields, why ? why : "no error");
    for (size_t i = 0; i < row->nfields; i++)
        if (strcmp(csv_unguard(again.fields[i]), row->fields[i]) != 0)
            fuzz_fail("field '%s', written as '%s', reads back as '%s'", row->fields[i], b.data,
                      again.fields[i]);
    if (csv_next(&r, &again, &why) != 0)
        fuzz_fail("one row written as '%s' reads back as more", b.data);
    csv_release(&r);
    buf_free(&b);
}

/* Reads the text as CSV to the end or the first broken row, checking each row. */
static size_t check_csv(struct arena *a, const char *text, size_t n)
{
    struct csv_reader r;
    struct csv_row row;
    const char *why = NULL;
    size_t rows = 0, line = 0;
    int got;
    csv_init(&r, text, n);
    while ((got = csv_next(&r, &row, &why)) == 1) {
        if (row.nfields < 1 || row.nfields > CSV_MAX_FIELDS || row.line <= line)
            fuzz_fail("row %zu: %zu fields on line %zu after line %zu", rows, row.nfields, row.line,
                      line);
        line = row.line;
        check_row_round_trip(&row);
        for (size_t i = 0; i < row.nfields; i++)
            check_values(a, row.fields[i]);
        rows++;
    }
    if (got < 0 && (why == NULL || row.nfields != 0))
        fuzz_fail("a broken row without a reason or with fields");
    csv_release(&r);
    return rows;
}

/* Every row of the file of refused rows has the header's columns, the reason last. */
static void check_columns(const char *csv, size_t n)
{
    struct csv_reader r;
    struct csv_row row;
    const char *why = NULL;
    size_t columns = 0;
    csv_init(&r, csv, n);
    while (csv_next(&r, &row, &why) == 1) {
        if (columns == 0)
            columns = row.nfields;
        else if (row.nfields != columns)
            fuzz_fail("the file of refusals has %zu columns, and a row of %zu on line %zu", columns,
                      row.nfields, row.line);
    }
    csv_release(&r);
}

static void check_import(const char *data, size_t n, uint8_t options)
{
    static const char *const encodings[] = {NULL, "utf-8", "gbk", "big5"};
    struct import_options o = {
        .encoding = encodings[options & 3], .partial = options & 4, .dry_run = options & 8};
    const struct session *s = fuzz_session(options & 16 ? 3 : 0); /* zhongke or admin */
    struct arena *a = arena_new(16384);
    struct error err;
    error_init(&err, a);
    struct import_report rep;
    fuzz_begin();
    int rc = import_members(fuzz_demo_db(), a, &s->caller, data, n, &o, &rep, &err);
    fuzz_end();
    if (getenv("FUZZ_VERBOSE")) /* to see what the seeds reach */
        fprintf(stderr, "import as %s: %d, %s; %zu create, %zu update, %zu unchanged, %zu reject\n",
                options & 16 ? "zhongke" : "admin", rc, err.detail ? err.detail : "ok",
                rep.count[0], rep.count[1], rep.count[2], rep.count[3]);
    if (getenv("FUZZ_VERBOSE") && rep.count[IMPORT_REJECT])
        fprintf(stderr, "refused rows:\n%.*s\n", (int)rep.rejected_csv.len, rep.rejected_csv.data);
    if (rc != 0 && err.kind != ERR_INVALID && err.kind != ERR_RULE)
        fuzz_fail("the import failed as %s: %s", err_kind_name(err.kind),
                  err.detail ? err.detail : "(no detail)");
    size_t sum = rep.count[0] + rep.count[1] + rep.count[2] + rep.count[3];
    if (sum != rep.nrows || rep.nrows > rep.data_rows)
        fuzz_fail("the report counts %zu rows, lists %zu, read %zu", sum, rep.nrows, rep.data_rows);
    if (rep.count[IMPORT_REJECT]) {
        size_t rows = check_csv(a, rep.rejected_csv.data, rep.rejected_csv.len);
        if (rows != rep.count[IMPORT_REJECT] + 1)
            fuzz_fail("%zu refused rows, and %zu rows in the file of refusals", rep.count[3], rows);
        check_columns(rep.rejected_csv.data, rep.rejected_csv.len);
    }
    import_report_free(&rep);
    arena_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *file = (const char *)data + 1;
    size_t n = size - 1;
    const char *enc = textenc_detect(file, n);
    check_utf8(file, n, NULL);
    if (enc)
        check_utf8(file, n, enc);

    struct arena *a = arena_new(4096);
    struct buf text = BUF_INIT;
    const char *used;
    struct error err;
    error_init(&err, a);
    if (textenc_to_utf8(file, n, NULL, &text, &used, &err) == 0)
        check_csv(a, text.data ? text.data : "", text.len);
    buf_free(&text);
    arena_free(a);

    check_import(file, n, data[0]);
    return 0;
}
