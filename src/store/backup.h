/*
 * Backing up a live SQLite database and restoring it (louyu backup, louyu
 * restore). PostgreSQL has its own tools (pg_dump, pg_restore): both calls
 * refuse a postgresql:// target and say so.
 */
#ifndef LOUYU_STORE_BACKUP_H
#define LOUYU_STORE_BACKUP_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"

struct backup_report {
    int64_t pages;      /* database pages copied */
    int64_t bytes;      /* size of the copy in bytes */
    int schema_version; /* louyu's schema version in the copy */
    double seconds;     /* wall time of the whole operation */
};

/* Copies the SQLite database 'db' (which a server may hold open and keep writing) to
 * 'out': the database as it was at one instant, written to 'out'.tmp, checked with
 * PRAGMA integrity_check, made durable and only then renamed to 'out'. Refuses an
 * existing 'out' unless 'force'. Returns 0 and fills *r, or -1 with err naming the file
 * and what to do; a failed backup leaves no 'out' and no 'out'.tmp behind. */
int backup_copy(const char *db, const char *out, bool force, struct backup_report *r,
                struct error *err);

/* Replaces the SQLite database 'db' with the backup 'from', after checking the backup
 * (integrity, a louyu schema not newer than this binary). Refuses an existing 'db' unless
 * 'force', and a 'db' that another process holds open (a server: stop it first). The
 * copy is made next to 'db', made durable, and renamed over it; the old database's -wal,
 * -shm and -journal files go first, since SQLite would replay them into the new file.
 * Returns 0 and fills *r, or -1 with err. */
int backup_restore(const char *from, const char *db, bool force, struct backup_report *r,
                   struct error *err);

#endif
