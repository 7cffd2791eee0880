/* A small RFC 4180 reader and writer. */
#include "core/csv.h"

#include <string.h>

void csv_init(struct csv_reader *r, const char *data, size_t n)
{
    r->p = data;
    r->end = data + n;
    r->line = 1;
    r->field_bytes = (struct buf)BUF_INIT;
}

void csv_release(struct csv_reader *r)
{
    buf_free(&r->field_bytes);
}

/* Reads one field at r->p into field_bytes; sets *last when the row ends after it. */
static int read_field(struct csv_reader *r, bool *last, const char **why)
{
    const char *p = r->p;
    if (p < r->end && *p == '"') {
        for (p++;; p++) {
            if (p >= r->end) {
                *why = "a quoted field is not closed";
                return -1;
            }
            if (*p == '"') {
                if (p + 1 < r->end && p[1] == '"') {
                    buf_putc(&r->field_bytes, '"');
                    p++;
                    continue;
                }
                p++;
                break;
            }
            if (*p == '\n')
                r->line++;
            buf_putc(&r->field_bytes, *p);
        }
        if (p < r->end && *p != ',' && *p != '\n' && *p != '\r') {
            *why = "text after a closing quote";
            return -1;
        }
    } else {
        const char *start = p;
        while (p < r->end && *p != ',' && *p != '\n' && *p != '\r') {
            if (*p == '"') {
                *why = "a quote inside an unquoted field";
                return -1;
            }
            p++;
        }
        buf_append(&r->field_bytes, start, (size_t)(p - start));
    }
    buf_putc(&r->field_bytes, '\0');
    *last = p >= r->end || *p != ',';
    if (p < r->end && *p == '\r')
        p++;
    if (p < r->end && (*p == ',' || *p == '\n'))
        p++;
    r->p = p;
    return 0;
}

int csv_next(struct csv_reader *r, struct csv_row *row, const char **why)
{
    while (r->p < r->end && (*r->p == '\n' || *r->p == '\r')) { /* blank lines */
        if (*r->p == '\n')
            r->line++;
        r->p++;
    }
    if (r->p >= r->end)
        return 0;
    buf_reset(&r->field_bytes);
    row->line = r->line;
    row->nfields = 0;
    bool last = false;
    size_t n = 0;
    while (!last) {
        if (n == CSV_MAX_FIELDS) {
            *why = "too many fields";
            return -1; /* row->nfields stays 0: a broken row has no fields to read */
        }
        r->offsets[n++] = r->field_bytes.len;
        if (read_field(r, &last, why) != 0)
            return -1;
    }
    row->nfields = n;
    r->line++;
    for (size_t i = 0; i < row->nfields; i++)
        row->fields[i] = r->field_bytes.data + r->offsets[i];
    return 1;
}

/* Text a spreadsheet would run (=, +, -, @, a tab or a carriage return first), or text
 * that already starts with the guard against that, which gets one more so that
 * csv_unguard() gives it back as it was. */
static bool needs_guard(const char *s)
{
    if (s[0] == '\'')
        return needs_guard(s + 1);
    return s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL;
}

const char *csv_unguard(const char *field)
{
    return field[0] == '\'' && needs_guard(field + 1) ? field + 1 : field;
}

void csv_put(struct buf *out, const char *field, bool first)
{
    if (!first)
        buf_putc(out, ',');
    bool formula = needs_guard(field);
    bool quote = formula || strpbrk(field, ",\"\r\n") != NULL;
    if (!quote) {
        buf_puts(out, field);
        return;
    }
    buf_putc(out, '"');
    if (formula)
        buf_putc(out, '\'');
    for (const char *p = field; *p; p++) {
        if (*p == '"')
            buf_putc(out, '"');
        buf_putc(out, *p);
    }
    buf_putc(out, '"');
}
