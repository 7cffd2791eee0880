/*
 * louyu backup and louyu restore: a consistent copy of a live SQLite database, and
 * putting one back (store/backup.c does the work).
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "core/arena.h"
#include "store/backup.h"

struct file_args {
    const char *db;   /* --db, else $LOUYU_DB */
    const char *file; /* the one argument: where the backup goes, or comes from */
    bool force;
};

/* --db PATH [--force] FILE, in any order. Returns 0, or an exit status (-1: help shown). */
static int parse(int argc, char **argv, const struct command *cmd, struct file_args *o)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"force", no_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    o->db = getenv("LOUYU_DB");
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            o->db = optarg;
            break;
        case 'f':
            o->force = true;
            break;
        default:
            return cli_common_option(cmd->name, c, argv);
        }
    }
    if (o->db == NULL || *o->db == '\0')
        return cli_usage_error(cmd->name, "--db PATH is required");
    if (optind >= argc)
        return cli_usage_error(cmd->name, "name the %s",
                               cmd->run == cmd_backup ? "file to write the backup to"
                                                      : "backup to restore");
    if (optind + 1 < argc)
        return cli_usage_error(cmd->name, "unexpected argument '%s'", argv[optind + 1]);
    o->file = argv[optind];
    return 0;
}

/* Runs one of the two with its arguments parsed; prints what was copied. */
static int run(int argc, char **argv, bool restore)
{
    const struct command *cmd = cli_command(restore ? "restore" : "backup");
    struct file_args o = {0};
    int rc = parse(argc, argv, cmd, &o);
    if (rc)
        return rc < 0 ? 0 : rc;
    struct arena *a = arena_new(4096);
    struct error err;
    error_init(&err, a);
    struct backup_report r;
    if ((restore ? backup_restore(o.file, o.db, o.force, &r, &err)
                 : backup_copy(o.db, o.file, o.force, &r, &err)) != 0)
        rc = cli_fail(&err);
    else
        printf("louyu: %s '%s' %s '%s': %lld pages, %.1f MiB, schema version %d, in %.2f s\n",
               restore ? "restored" : "backed up", o.db, restore ? "from" : "to", o.file,
               (long long)r.pages, (double)r.bytes / (1024.0 * 1024.0), r.schema_version,
               r.seconds);
    arena_free(a);
    return rc;
}

int cmd_backup(int argc, char **argv)
{
    return run(argc, argv, false);
}

int cmd_restore(int argc, char **argv)
{
    return run(argc, argv, true);
}
