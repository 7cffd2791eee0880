/*
 * Importing the register from the files secretaries keep: CSV as Excel saves it (UTF-8
 * with or without BOM, GB18030/GBK, Big5), with Chinese or English column headers.
 */
#ifndef LOUYU_DOMAIN_IMPORT_H
#define LOUYU_DOMAIN_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"

struct arena;
struct caller;
struct db;

struct import_options {
    bool dry_run;         /* report what would happen; change nothing */
    bool partial;         /* import the good rows, hand back the rejected ones */
    const char *encoding; /* "utf-8", "gb18030", "big5", or NULL to detect */
    bool rejects_only;    /* the report keeps only the refused rows (for big files) */
    /* Called now and then with rows done and rows in all (for a progress bar). */
    void (*progress)(size_t done, size_t total, void *ctx);
    void *progress_ctx;
};

enum import_action { IMPORT_CREATE, IMPORT_UPDATE, IMPORT_UNCHANGED, IMPORT_REJECT };

extern const char *const import_action_names[]; /* "create", "update", "unchanged", "reject" */

struct import_row {
    size_t line; /* in the file, 1-based */
    enum import_action action;
    int64_t member_id;  /* 0 when rejected */
    const char *reason; /* why rejected, else NULL */
};

struct import_report {
    const char *encoding;    /* the encoding read */
    struct import_row *rows; /* one per data row (or per refused one), in file order;
                               malloc'd: import_report_free() */
    size_t nrows, cap_rows;
    size_t data_rows;        /* rows read, kept or not */
    size_t count[4];         /* per import_action */
    bool committed;          /* false after a dry run or a refused file */
    struct buf rejected_csv; /* the header and the rejected rows, with a reason column */
};

/* Imports members. Without 'partial', one rejected row rejects the file (ERR_RULE naming
 * the first, nothing changed) but the report still lists every row. Importing the same
 * file twice changes nothing the second time: a row is matched to the register by its
 * external id, else its phone. The caller must be allowed to manage each row's branch. */
int import_members(struct db *db, struct arena *a, const struct caller *c, const char *data,
                   size_t n, const struct import_options *o, struct import_report *rep,
                   struct error *err);

/* Frees what the report holds (not the report itself). */
void import_report_free(struct import_report *rep);

#endif
