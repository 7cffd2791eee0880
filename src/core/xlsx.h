/*
 * Excel workbooks (.xlsx): the first sheet read as CSV text (so that one importer reads
 * both), and a sheet written from rows of text.
 */
#ifndef LOUYU_CORE_XLSX_H
#define LOUYU_CORE_XLSX_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/error.h"

/* True when data is a zip archive, as every .xlsx is. */
bool xlsx_is(const char *data, size_t n);

/* The first worksheet of the workbook in data, as UTF-8 CSV appended to csv (cells as
 * shown: numbers as written, shared and inline strings). Numbers in cells formatted as
 * dates stay numbers; the importer reads Excel's day numbers where it expects a date. */
int xlsx_to_csv(const char *data, size_t n, struct buf *csv, struct error *err);

struct xlsx_out;

/* A workbook with one sheet, written to 'path' when closed. */
struct xlsx_out *xlsx_create(const char *path, const char *sheet, struct error *err);

/* Writes text into a cell; always as text (a leading '=' is never a formula). */
void xlsx_put(struct xlsx_out *x, unsigned row, unsigned col, const char *text);

/* Writes the file and frees x. */
int xlsx_close(struct xlsx_out *x, struct error *err);

#endif
