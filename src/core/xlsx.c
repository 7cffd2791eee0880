/*
 * Reading: libzip opens the archive in memory; expat reads xl/sharedStrings.xml and the
 * first sheet, xl/worksheets/sheet1.xml. Writing: libxlsxwriter.
 */
#include "core/xlsx.h"

#include <expat.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "core/csv.h"

#define XLSX_MAX_CSV (256u << 20)

bool xlsx_is(const char *data, size_t n)
{
    return n >= 4 && memcmp(data, "PK\x03\x04", 4) == 0;
}

/* ---- shared strings: <sst><si><t>..</t></si> or <si><r><t>..</t></r>..</si> ---- */

struct strings {
    struct buf all; /* each string NUL-terminated, one after another */
    size_t *offsets;
    size_t n, cap;
    bool in_t;
    struct buf cur;
};

static void sst_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
    (void)attrs;
    struct strings *s = ud;
    if (strcmp(name, "si") == 0)
        buf_reset(&s->cur);
    else if (strcmp(name, "t") == 0)
        s->in_t = true;
}

static void sst_end(void *ud, const XML_Char *name)
{
    struct strings *s = ud;
    if (strcmp(name, "t") == 0)
        s->in_t = false;
    else if (strcmp(name, "si") == 0) {
        if (s->n == s->cap) {
            s->cap = s->cap ? s->cap * 2 : 256;
            s->offsets = realloc(s->offsets, s->cap * sizeof(size_t));
        }
        s->offsets[s->n++] = s->all.len;
        buf_append(&s->all, s->cur.data ? s->cur.data : "", s->cur.len);
        buf_putc(&s->all, '\0');
    }
}

static void sst_text(void *ud, const XML_Char *text, int len)
{
    struct strings *s = ud;
    if (s->in_t)
        buf_append(&s->cur, text, (size_t)len);
}

/* ---- the sheet: <row><c r="B2" t="s"><v>3</v></c>...</row> ---- */

struct sheet {
    struct strings *sst;
    struct buf *csv;
    bool in_v, in_is_t;
    char type[16];
    unsigned col, next_col; /* column of the current cell, and the next one to write */
    struct buf value;
    bool bad;
};

/* The 0-based column of a cell reference ("B2" -> 1); UINT_MAX past Excel's last column
 * (XFD), so that a crafted reference cannot ask for millions of empty cells. */
static unsigned column_of(const char *ref)
{
    unsigned col = 0;
    for (int n = 0; *ref >= 'A' && *ref <= 'Z'; ref++, n++) {
        if (n == 3)
            return UINT_MAX;
        col = col * 26 + (unsigned)(*ref - 'A' + 1);
    }
    return col ? col - 1 : 0;
}

static void sheet_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
    struct sheet *s = ud;
    if (strcmp(name, "row") == 0)
        s->next_col = 0;
    else if (strcmp(name, "c") == 0) {
        s->type[0] = '\0';
        s->col = s->next_col;
        buf_reset(&s->value);
        for (size_t i = 0; attrs[i]; i += 2) {
            if (strcmp(attrs[i], "r") == 0)
                s->col = column_of(attrs[i + 1]);
            else if (strcmp(attrs[i], "t") == 0)
                snprintf(s->type, sizeof(s->type), "%s", attrs[i + 1]);
        }
    } else if (strcmp(name, "v") == 0)
        s->in_v = true;
    else if (strcmp(name, "t") == 0)
        s->in_is_t = true;
}

static void sheet_end(void *ud, const XML_Char *name)
{
    struct sheet *s = ud;
    if (strcmp(name, "v") == 0)
        s->in_v = false;
    else if (strcmp(name, "t") == 0)
        s->in_is_t = false;
    else if (strcmp(name, "row") == 0)
        buf_puts(s->csv, "\r\n");
    else if (strcmp(name, "c") == 0) {
        const char *text = s->value.data ? s->value.data : "";
        if (strcmp(s->type, "s") == 0) {
            size_t i = (size_t)strtoul(text, NULL, 10);
            if (i >= s->sst->n) {
                s->bad = true;
                return;
            }
            text = s->sst->all.data + s->sst->offsets[i];
        }
        /* Columns go left to right, and no further than a row of CSV can hold; the whole
         * sheet no further than XLSX_MAX_CSV bytes. */
        if (s->col >= CSV_MAX_FIELDS || s->col < s->next_col || s->csv->len > XLSX_MAX_CSV) {
            s->bad = true;
            return;
        }
        for (; s->next_col < s->col; s->next_col++)
            csv_put(s->csv, "", s->next_col == 0);
        csv_put(s->csv, text, s->col == 0);
        s->next_col = s->col + 1;
    }
}

static void sheet_text(void *ud, const XML_Char *text, int len)
{
    struct sheet *s = ud;
    if (s->in_v || s->in_is_t)
        buf_append(&s->value, text, (size_t)len);
}

/* Parses one member of the archive with expat, a chunk at a time, so that a big sheet is
 * never all in memory at once. 0, or -1 when the member is missing or not valid XML. */
static int parse_member(zip_t *z, const char *name, void *ud, XML_StartElementHandler start,
                        XML_EndElementHandler end, XML_CharacterDataHandler text, bool *missing)
{
    zip_file_t *f = zip_fopen(z, name, 0);
    *missing = f == NULL;
    if (f == NULL)
        return -1;
    XML_Parser p = XML_ParserCreate("UTF-8");
    XML_SetUserData(p, ud);
    XML_SetElementHandler(p, start, end);
    XML_SetCharacterDataHandler(p, text);
    char chunk[65536];
    zip_int64_t got;
    int ok = 1;
    while (ok && (got = zip_fread(f, chunk, sizeof(chunk))) > 0)
        ok = XML_Parse(p, chunk, (int)got, 0) == XML_STATUS_OK;
    ok = ok && XML_Parse(p, "", 0, 1) == XML_STATUS_OK;
    XML_ParserFree(p);
    zip_fclose(f);
    return ok ? 0 : -1;
}

int xlsx_to_csv(const char *data, size_t n, struct buf *csv, struct error *err)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, n, 0, &ze);
    zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
    if (z == NULL) {
        if (src)
            zip_source_free(src);
        zip_error_fini(&ze);
        return error_set(err, ERR_INVALID, "the file is not a readable .xlsx workbook");
    }
    struct strings sst = {0};
    bool missing;
    int rc = 0;
    /* A workbook of numbers alone has no shared strings: that is fine. */
    if (parse_member(z, "xl/sharedStrings.xml", &sst, sst_start, sst_end, sst_text, &missing) !=
            0 &&
        !missing)
        rc = error_set(err, ERR_INVALID, "the workbook's shared strings are not valid XML");
    struct sheet sh = {.sst = &sst, .csv = csv};
    if (rc == 0 && (parse_member(z, "xl/worksheets/sheet1.xml", &sh, sheet_start, sheet_end,
                                 sheet_text, &missing) != 0 ||
                    sh.bad))
        rc = error_set(err, ERR_INVALID,
                       missing ? "the workbook has no first worksheet"
                               : "the first worksheet is not valid .xlsx XML, or holds more "
                                 "than 64 columns or 256 MiB of cells");
    buf_free(&sh.value);
    buf_free(&sst.all);
    buf_free(&sst.cur);
    free(sst.offsets);
    zip_close(z);
    zip_error_fini(&ze);
    return rc;
}

struct xlsx_out {
    lxw_workbook *wb;
    lxw_worksheet *ws;
};

struct xlsx_out *xlsx_create(const char *path, const char *sheet, struct error *err)
{
    struct xlsx_out *x = calloc(1, sizeof(*x));
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = NULL};
    x->wb = workbook_new_opt(path, &opt);
    x->ws = x->wb ? workbook_add_worksheet(x->wb, sheet) : NULL;
    if (x->ws == NULL) {
        if (x->wb)
            workbook_close(x->wb);
        free(x);
        error_set(err, ERR_INTERNAL, "cannot create a workbook at '%s'", path);
        return NULL;
    }
    return x;
}

void xlsx_put(struct xlsx_out *x, unsigned row, unsigned col, const char *text)
{
    worksheet_write_string(x->ws, row, (lxw_col_t)col, text, NULL);
}

int xlsx_close(struct xlsx_out *x, struct error *err)
{
    lxw_error e = workbook_close(x->wb);
    free(x);
    if (e != LXW_NO_ERROR)
        return error_set(err, ERR_INTERNAL, "cannot write the workbook: %s", lxw_strerror(e));
    return 0;
}
