/* Database commands: init and the bookings sweep. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/arena.h"
#include "domain/activities.h"
#include "domain/bookings.h"
#include "domain/session.h"
#include "store/db.h"

struct db *cli_open_db(const char *path, struct error *err)
{
    struct db *db = db_open(path, true, NULL, err);
    if (db == NULL)
        return NULL;
    if (db_migrate(db, err) != 0) {
        db_close(db);
        return NULL;
    }
    return db;
}

int cmd_init(int argc, char **argv)
{
    const char *path;
    int rc = cli_parse_db_only(argc, argv, cli_command("init"), &path);
    if (rc)
        return rc < 0 ? 0 : rc;
    struct arena *a = arena_new(4096);
    struct error err;
    error_init(&err, a);
    struct db *db = cli_open_db(path, &err);
    if (db == NULL)
        rc = cli_fail(&err);
    else
        printf("louyu: database '%s' is ready (schema version %d)\n", path,
               db_schema_version(db, &err));
    db_close(db);
    arena_free(a);
    return rc;
}

/* louyu bookings sweep: what the server does every minute, at once. */
int cmd_bookings(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "sweep") != 0) {
        if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
            fputs(cli_command("bookings")->usage, stdout);
            return 0;
        }
        return cli_usage_error("bookings", "the only subcommand is 'sweep'");
    }
    const char *path;
    int rc = cli_parse_db_only(argc - 1, argv + 1, cli_command("bookings"), &path);
    if (rc)
        return rc < 0 ? 0 : rc;
    struct arena *a = arena_new(65536);
    struct error err;
    error_init(&err, a);
    size_t released, expired;
    struct db *db = cli_open_db(path, &err);
    size_t held;
    int64_t purged;
    if (db == NULL || bookings_sweep(db, a, &released, &expired, &err) != 0 ||
        activities_sweep(db, &held, &err) != 0 || session_purge_failures(db, &purged, &err) != 0)
        rc = cli_fail(&err);
    else
        printf("louyu: released %zu no-shows; %zu waiting-list offers or waits lapsed; %zu "
               "activities over; %lld counts of failed sign-ins past their window\n",
               released, expired, held, (long long)purged);
    db_close(db);
    arena_free(a);
    return rc;
}
