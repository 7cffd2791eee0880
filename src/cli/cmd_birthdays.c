/* louyu birthdays schedule: the month's political birthday gathering of a committee. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/arena.h"
#include "core/timefmt.h"
#include "domain/activities.h"
#include "domain/birthdays.h"
#include "store/db.h"

static int parse_number(const char *s, int64_t *out)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < 1)
        return -1;
    *out = v;
    return 0;
}

/* Options after "schedule"; 0, or an exit status (-1: help shown). */
static int parse(int argc, char **argv, struct birthday_request *rq, const char **db)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},    {"org", required_argument, NULL, 'o'},
        {"month", required_argument, NULL, 'm'}, {"room", required_argument, NULL, 'r'},
        {"start", required_argument, NULL, 's'}, {"minutes", required_argument, NULL, 'n'},
        {"help", no_argument, NULL, 'h'},        {0, 0, 0, 0},
    };
    const char *cmd = "birthdays";
    *db = getenv("LOUYU_DB");
    int c, which = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", opts, &which)) != -1) {
        switch (c) {
        case 'd':
            *db = optarg;
            break;
        case 'm':
            rq->month = optarg;
            break;
        case 'o':
        case 'r':
        case 'n':
            if (parse_number(optarg, c == 'o'   ? &rq->org_id
                                     : c == 'r' ? &rq->room_id
                                                : &rq->minutes) != 0)
                return cli_usage_error(cmd, "--%s takes a positive number, not '%s'",
                                       opts[which].name, optarg);
            break;
        case 's':
            if (!rfc3339_parse(optarg, strlen(optarg), &rq->start, NULL))
                return cli_usage_error(cmd,
                                       "--start takes a time like 2027-03-18T19:00:00+08:00, "
                                       "not '%s'",
                                       optarg);
            break;
        default:
            return cli_common_option(cmd, c, argv);
        }
    }
    if (optind < argc)
        return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (rq->org_id == 0 || rq->month == NULL)
        return cli_usage_error(cmd, "--org ID and --month YYYY-MM are required");
    if (*db == NULL || **db == '\0')
        return cli_usage_error(cmd, "--db PATH is required");
    return 0;
}

int cmd_birthdays(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(cli_command("birthdays")->usage, stdout);
        return 0;
    }
    if (argc < 2 || strcmp(argv[1], "schedule") != 0)
        return cli_usage_error("birthdays", "the only subcommand is 'schedule'");
    struct birthday_request rq = {0};
    const char *path;
    int rc = parse(argc - 1, argv + 1, &rq, &path);
    if (rc)
        return rc < 0 ? 0 : rc;
    struct arena *a = arena_new(65536);
    struct error err;
    error_init(&err, a);
    struct birthday_result r;
    struct db *db = cli_open_db(path, &err);
    if (db == NULL || birthday_schedule(db, a, &entity_cli_caller, &rq, &r, &err) != 0)
        rc = cli_fail(&err);
    else
        printf("louyu: %s \"%s\" (activity %lld) at %s; invited %zu members, %zu already were\n",
               r.created ? "scheduled" : "completed", r.activity->title, (long long)r.activity->id,
               rfc3339_local(a, r.activity->start), r.invited, r.already);
    db_close(db);
    arena_free(a);
    return rc;
}
