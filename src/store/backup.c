/*
 * Backup and restore of an SQLite database, with SQLite's online backup API.
 *
 * A backup reads the live database through a connection of its own, inside one read
 * transaction: the copy is the database as it was at one instant, and since louyu runs
 * SQLite in WAL mode a reader holds no writer back, and a write between two steps of
 * the copy does not restart it (as it would without the transaction). The copy goes in
 * chunks with a short pause after each, so that its burst of I/O leaves room for the
 * server's commits. It is written to OUT.tmp, checked with PRAGMA integrity_check,
 * fsync'd, and only then given its name (and the directory fsync'd): a backup that
 * failed half-way never looks like one that succeeded.
 *
 * A restore checks the backup, refuses a database another process holds open, copies
 * the backup next to the database, fsyncs it, removes the old database's -wal, -shm and
 * -journal files (SQLite would replay a leftover WAL into the new file and damage it),
 * and renames the copy over the database.
 *
 * These statements run on raw handles of files that are not (yet) louyu's open
 * databases, so they are not in the named statement table of queries.c.
 */
#include "store/backup.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/driver.h"
#include "store/migrations.h"

/* Pages per step of the copy: 4 MiB at SQLite's default page size. */
#define CHUNK_PAGES 1024
/* The pause after each step, in microseconds. */
#define CHUNK_PAUSE_US 2000
/* How long a step may find the database locked before the copy gives up. */
#define BUSY_MS  10000
#define PATH_LEN 4096

static const char *const sidecars[] = {"-wal", "-shm", "-journal"};

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void pause_us(long us)
{
    struct timespec t = {us / 1000000, (us % 1000000) * 1000};
    nanosleep(&t, NULL);
}

static bool is_url(const char *target)
{
    return strncmp(target, "postgresql://", 13) == 0 || strncmp(target, "postgres://", 11) == 0;
}

static int refuse_url(const char *target, const char *tool, struct error *err)
{
    char *shown = db_redact(target);
    error_set(err, ERR_INVALID,
              "'%s' is a PostgreSQL database: louyu backs up and restores SQLite files; use %s "
              "(see docs/deployment.md)",
              shown ? shown : "postgresql://...", tool);
    free(shown);
    return -1;
}

/* 'path' with 'suffix' appended, into out[PATH_LEN]. */
static int suffixed(const char *path, const char *suffix, char *out, struct error *err)
{
    int n = snprintf(out, PATH_LEN, "%s%s", path, suffix);
    if (n < 0 || n >= PATH_LEN)
        return error_set(err, ERR_INVALID, "the path '%s' is too long", path);
    return 0;
}

/* The directory of 'path', into out[PATH_LEN]. */
static void dir_of(const char *path, char *out)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        snprintf(out, PATH_LEN, ".");
    else if (slash == path)
        snprintf(out, PATH_LEN, "/");
    else
        snprintf(out, PATH_LEN, "%.*s", (int)(slash - path), path);
}

static int exec(sqlite3 *h, const char *sql, const char *path, struct error *err)
{
    int rc = sqlite3_exec(h, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return error_set(err, ERR_INTERNAL, "'%s': %s: %s", path, sql, sqlite3_errmsg(h));
    return 0;
}

/* Opens an existing file; NULL with err filled when it cannot. */
static sqlite3 *open_file(const char *path, bool writable, struct error *err)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        error_set(err, errno == ENOENT ? ERR_NOT_FOUND : ERR_INVALID, "cannot open '%s': %s", path,
                  errno == ENOENT ? "no such file" : strerror(errno));
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        error_set(err, ERR_INVALID, "cannot open '%s': not a file", path);
        return NULL;
    }
    sqlite3 *h = NULL;
    int flags = (writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY) | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(path, &h, flags, NULL);
    if (rc != SQLITE_OK) {
        error_set(err, ERR_INVALID, "cannot open '%s': %s", path,
                  h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
        sqlite3_close(h);
        return NULL;
    }
    sqlite3_extended_result_codes(h, 1);
    sqlite3_busy_timeout(h, BUSY_MS);
    return h;
}

/* louyu's schema version of the database: refuses a file that is not louyu's. Inside a
 * transaction, this read is what fixes the snapshot. */
static int louyu_version(sqlite3 *h, const char *path, int *version, struct error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(h, "SELECT version FROM schema_version", -1, &s, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW)
        *version = sqlite3_column_int(s, 0);
    const char *msg = sqlite3_errmsg(h);
    if ((rc & 0xff) == SQLITE_NOTADB)
        error_set(err, ERR_INVALID, "'%s' is not a louyu database: it is not an SQLite file", path);
    else if (rc == SQLITE_DONE || (rc == SQLITE_ERROR && strstr(msg, "no such table")))
        error_set(err, ERR_INVALID,
                  "'%s' is not a louyu database: an SQLite file without louyu's schema", path);
    else if (rc != SQLITE_ROW)
        error_set(err, ERR_INTERNAL, "cannot read '%s': %s", path, msg);
    sqlite3_finalize(s);
    return rc == SQLITE_ROW ? 0 : -1;
}

static int check_integrity(sqlite3 *h, const char *path, struct error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &s, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *first = (const char *)sqlite3_column_text(s, 0);
        if (first == NULL || strcmp(first, "ok") != 0)
            error_set(err, ERR_INVALID, "'%s' is damaged (PRAGMA integrity_check: %s)", path,
                      first ? first : "no answer");
        else
            rc = SQLITE_OK;
    } else {
        error_set(err, ERR_INTERNAL, "cannot check '%s': %s", path, sqlite3_errmsg(h));
    }
    sqlite3_finalize(s);
    return rc == SQLITE_OK ? 0 : -1;
}

/* Copies every page of src into dst, a chunk at a time; *pages is how many. */
static int copy_pages(sqlite3 *src, sqlite3 *dst, const char *to, int64_t *pages, struct error *err)
{
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
    if (b == NULL)
        return error_set(err, ERR_INTERNAL, "cannot copy to '%s': %s", to, sqlite3_errmsg(dst));
    int rc;
    long waited = 0;
    for (;;) {
        rc = sqlite3_backup_step(b, CHUNK_PAGES);
        bool busy = (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
        if (rc != SQLITE_OK && !(busy && waited < BUSY_MS * 1000L))
            break;
        waited += busy ? CHUNK_PAUSE_US : 0;
        pause_us(CHUNK_PAUSE_US);
    }
    *pages = sqlite3_backup_pagecount(b);
    int fin = sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE)
        return error_set(err, ERR_INTERNAL, "cannot copy to '%s': %s", to, sqlite3_errstr(rc));
    if (fin != SQLITE_OK)
        return error_set(err, ERR_INTERNAL, "cannot copy to '%s': %s", to, sqlite3_errmsg(dst));
    return 0;
}

/* Creates the temporary file next to 'path' (exclusively: a second backup or restore to
 * the same place must not share it). */
static int create_tmp(const char *path, const char *tmp, mode_t mode, struct error *err)
{
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd >= 0)
        return close(fd), 0;
    char dir[PATH_LEN];
    dir_of(path, dir);
    if (errno == ENOENT)
        return error_set(err, ERR_NOT_FOUND, "cannot write '%s': no such directory '%s'", path,
                         dir);
    if (errno == EEXIST)
        return error_set(err, ERR_CONFLICT,
                         "'%s' exists: another backup or restore to '%s' is running or was "
                         "interrupted; remove '%s' if none is running",
                         tmp, path, tmp);
    return error_set(err, ERR_INVALID, "cannot write '%s': %s", tmp, strerror(errno));
}

static int sync_path(const char *path, int flags, struct error *err)
{
    int fd = open(path, flags | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return error_set(err, ERR_INTERNAL, "cannot sync '%s' to disk: %s", path, strerror(e));
    }
    close(fd);
    return 0;
}

/* Removes the -wal, -shm and -journal files of 'path'; those that do not exist are fine. */
static int remove_sidecars(const char *path, struct error *err)
{
    char side[PATH_LEN];
    for (size_t i = 0; i < sizeof(sidecars) / sizeof(sidecars[0]); i++) {
        if (suffixed(path, sidecars[i], side, err) != 0)
            return -1;
        if (unlink(side) != 0 && errno != ENOENT)
            return error_set(err, ERR_INTERNAL, "cannot remove '%s': %s", side, strerror(errno));
    }
    return 0;
}

/* Gives the finished copy its name. Without force an existing file is never replaced, not
 * even one that appeared while the copy ran: a hard link fails where rename would not. */
static int give_name(const char *tmp, const char *path, bool force, struct error *err)
{
    if (!force && link(tmp, path) == 0)
        return unlink(tmp), 0;
    if (!force && errno == EEXIST)
        return error_set(err, ERR_CONFLICT,
                         "'%s' appeared while the copy was made: nothing was replaced; choose "
                         "another name, or give --force",
                         path);
    /* a file system without hard links: the check before the copy has to do */
    if (!force && errno != EPERM && errno != ENOTSUP)
        return error_set(err, ERR_INTERNAL, "cannot name '%s': %s", path, strerror(errno));
    if (remove_sidecars(path, err) != 0)
        return -1;
    if (rename(tmp, path) != 0)
        return error_set(err, ERR_INTERNAL, "cannot rename '%s' to '%s': %s", tmp, path,
                         strerror(errno));
    return 0;
}

/* After the copy: the copy carries the source's WAL flag, which a file of its own does not
 * need (and a rollback-journal file can be read from read-only media); then the check,
 * the size, and the copy's own journal files gone. */
static int settle_copy(sqlite3 *dst, const char *tmp, struct backup_report *r, struct error *err)
{
    if (exec(dst, "PRAGMA journal_mode = DELETE", tmp, err) != 0 ||
        check_integrity(dst, tmp, err) != 0)
        return -1;
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(dst, "PRAGMA page_size", -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        r->bytes = r->pages * sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return 0;
}

/* The part common to backup and restore: copies the open src into a new 'dest'.tmp, checks
 * it, syncs it and names it 'dest'. */
static int copy_to(sqlite3 *src, const char *dest, mode_t mode, bool force, struct backup_report *r,
                   struct error *err)
{
    char tmp[PATH_LEN];
    if (suffixed(dest, ".tmp", tmp, err) != 0 || create_tmp(dest, tmp, mode, err) != 0)
        return -1;
    int rc = -1;
    sqlite3 *dst = open_file(tmp, true, err);
    if (dst == NULL || exec(dst, "PRAGMA journal_mode = OFF", tmp, err) != 0 ||
        copy_pages(src, dst, tmp, &r->pages, err) != 0 || settle_copy(dst, tmp, r, err) != 0)
        goto done;
    sqlite3_close(dst);
    dst = NULL;
    char dir[PATH_LEN];
    dir_of(dest, dir);
    if (sync_path(tmp, O_RDONLY, err) != 0 || give_name(tmp, dest, force, err) != 0 ||
        sync_path(dir, O_RDONLY | O_DIRECTORY, err) != 0)
        goto done;
    rc = 0;
done:
    sqlite3_close(dst);
    if (rc != 0) {
        struct error ignored; /* the first failure is the one to report */
        error_init(&ignored, NULL);
        unlink(tmp);
        remove_sidecars(tmp, &ignored);
    }
    return rc;
}

int backup_copy(const char *db, const char *out, bool force, struct backup_report *r,
                struct error *err)
{
    double t0 = now_seconds();
    memset(r, 0, sizeof(*r));
    if (is_url(db))
        return refuse_url(db, "pg_dump: pg_dump --format=custom --file OUT URL", err);
    if (is_url(out))
        return error_set(err, ERR_INVALID, "a backup goes to a file, not to '%s'", out);
    if (!force && access(out, F_OK) == 0)
        return error_set(err, ERR_CONFLICT,
                         "'%s' exists: choose another name, or give --force to replace it", out);
    /* read-write where the file allows (SQLite falls back to read-only where it does not),
     * so that on a stopped database this connection, the last, tidies the -wal and -shm */
    sqlite3 *src = open_file(db, true, err);
    if (src == NULL)
        return -1;
    /* The read transaction that makes the copy one instant: begun here, fixed by the
     * first read, ended when the copy is made. */
    int rc = exec(src, "BEGIN", db, err) != 0 ||
                     louyu_version(src, db, &r->schema_version, err) != 0 ||
                     copy_to(src, out, 0600, force, r, err) != 0
                 ? -1
                 : 0;
    sqlite3_close(src);
    r->seconds = now_seconds() - t0;
    return rc;
}

/* Whether another process holds 'path' open. In WAL mode every open connection keeps a
 * shared lock on the file, so an exclusive lock is refused at once while any does. A
 * process that has opened the file but never read it holds none: louyu reads it on
 * opening, but this is a safeguard, not a guarantee. */
static int refuse_in_use(const char *path, struct error *err)
{
    sqlite3 *h = open_file(path, true, err);
    if (h == NULL)
        return -1;
    sqlite3_busy_timeout(h, 0);
    int rc = sqlite3_exec(h, "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT", NULL, NULL,
                          NULL);
    sqlite3_close(h);
    if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
        return error_set(err, ERR_CONFLICT,
                         "'%s' is open in another process (a running louyu serve?): stop it "
                         "first",
                         path);
    /* anything else (a file that is not a database) is no sign of a user: --force was given */
    return 0;
}

/* Opens the backup and checks it: louyu's, not newer than this binary, undamaged. */
static sqlite3 *open_backup(const char *from, struct backup_report *r, struct error *err)
{
    sqlite3 *src = open_file(from, false, err);
    if (src == NULL)
        return NULL;
    size_t known = migrations_count();
    if (louyu_version(src, from, &r->schema_version, err) != 0)
        goto fail;
    if (r->schema_version > (int)known) {
        error_set(err, ERR_INVALID,
                  "'%s' has schema version %d, newer than this louyu (%zu): restore it with a "
                  "louyu at least as new as the one that made it",
                  from, r->schema_version, known);
        goto fail;
    }
    if (check_integrity(src, from, err) != 0)
        goto fail;
    return src;
fail:
    sqlite3_close(src);
    return NULL;
}

int backup_restore(const char *from, const char *db, bool force, struct backup_report *r,
                   struct error *err)
{
    double t0 = now_seconds();
    memset(r, 0, sizeof(*r));
    if (is_url(db))
        return refuse_url(db, "pg_restore: pg_restore --clean --dbname URL BACKUP", err);
    if (is_url(from))
        return error_set(err, ERR_INVALID, "a backup is a file, not '%s'", from);
    sqlite3 *src = open_backup(from, r, err);
    if (src == NULL)
        return -1;
    int rc = -1;
    struct stat st;
    bool exists = stat(db, &st) == 0;
    if (exists && !force)
        error_set(err, ERR_CONFLICT,
                  "'%s' exists: stop the server that uses it, then give --force to replace it "
                  "with the backup",
                  db);
    else if ((!exists || refuse_in_use(db, err) == 0) &&
             copy_to(src, db, exists ? (st.st_mode & 0777) : 0600, exists, r, err) == 0)
        rc = 0;
    sqlite3_close(src);
    r->seconds = now_seconds() - t0;
    return rc;
}
