/*
 * CSV as Excel writes and reads it (RFC 4180): fields separated by commas,
 * quoted with '"' when they hold a comma, a quote or a line break, quotes
 * doubled inside; lines end with CRLF or LF.
 */
#ifndef LOUYU_CORE_CSV_H
#define LOUYU_CORE_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

#define CSV_MAX_FIELDS 64

struct csv_row {
    const char *fields[CSV_MAX_FIELDS]; /* NUL-terminated, valid until the next row */
    size_t nfields;
    size_t line; /* the line the row starts on, 1-based */
};

struct csv_reader {
    const char *p, *end;
    size_t line;
    struct buf field_bytes; /* the current row's fields, NUL-separated */
    size_t offsets[CSV_MAX_FIELDS];
};

void csv_init(struct csv_reader *r, const char *data, size_t n);
void csv_release(struct csv_reader *r);

/* The next row: 1 and *row filled, 0 at the end, -1 on a malformed row (an unclosed
 * quote, a quote in the middle of an unquoted field, more than CSV_MAX_FIELDS fields), with
 * *why set, row->line the row's line and row->nfields 0. Blank lines are skipped. */
int csv_next(struct csv_reader *r, struct csv_row *row, const char **why);

/* Appends one field to out, quoted when it must be. Formula-looking text (starting with =,
 * +, -, @, a tab or a carriage return) is prefixed with an apostrophe, so that a
 * spreadsheet shows it instead of running it; so is text already starting with an
 * apostrophe and one of those, so that the importer's stripping of one gives it back. */
void csv_put(struct buf *out, const char *field, bool first);

/* A field as it was before csv_put() guarded it: one apostrophe fewer when it has one
 * before text a spreadsheet would run. */
const char *csv_unguard(const char *field);

#endif
