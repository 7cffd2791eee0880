/* The subcommand table and the dispatch to it. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#define DB_HELP "  --db PATH      the database file (default: $LOUYU_DB)\n"

const struct command cli_commands[] = {
    {"init", "create an empty database, or bring one up to date",
     "usage: louyu init --db PATH\n\n"
     "Creates the database file when it does not exist and applies the schema\n"
     "migrations it lacks. Running it again changes nothing.\n\n" DB_HELP,
     cmd_init},
    {"demo", "load the Tianhe CBD demo network into an empty database",
     "usage: louyu demo --db PATH [--scale town|district|city [--seed N] [--anchor DATE]]\n\n"
     "Creates the database when needed and loads the demo: the West Tower\n"
     "station (46/F, 558 m2) with its three rooms, the R&F towers and the\n"
     "1,000 m2 Yingkai station. Refuses a database that already holds buildings.\n\n"
     "With --scale, adds a generated network under the demo's district, in one\n"
     "transaction, for benchmarks and drills:\n"
     "  city       2,000 towers, 500 stations, 1,500 rooms, 5,000 organisations,\n"
     "             300,000 people, 1,000,000 bookings over five years, 50,000\n"
     "             activities, 3,000,000 check-ins\n"
     "  district   a tenth of that\n"
     "  town       a hundredth, for tests\n"
     "The same seed (default 1) and anchor give the same network. The five years\n"
     "are the four before the anchor (default: today, in +08:00) and the one after;\n"
     "what has happened by now follows the clock. Generated users, with the demo\n"
     "password: gen-committee-NNNN (a committee admin of each tower's committee),\n"
     "gen-station-NNNN (each station's manager), gen-member-NNNNN (members).\n\n" DB_HELP
     "  --scale SIZE   town, district or city\n"
     "  --seed N       the generator's seed (default 1)\n"
     "  --anchor DATE  YYYY-MM-DD, the day the five years are around\n",
     cmd_demo},
    {"serve", "serve the JSON API over HTTP",
     "usage: louyu serve --db PATH [--listen HOST:PORT] [options]\n\n"
     "Serves until SIGINT or SIGTERM, then finishes the requests in flight and\n"
     "exits 0.\n\n" DB_HELP
     "  --listen HOST:PORT     address to listen on (default 127.0.0.1:8080;\n"
     "                         port 0 picks a free one; IPv6 as [::1]:8080)\n"
     "  --threads N            worker threads (default 4)\n"
     "  --max-connections N    open connections in total (default 16384; fewer when\n"
     "                         the limit of open files is lower, which serve says)\n"
     "  --max-per-ip N         open connections from one address (default 256)\n"
     "  --timeout SECONDS      close connections idle this long (default 30)\n"
     "  --header-timeout SECONDS  close a connection whose request head is not in\n"
     "                         this long after its first byte (default 10)\n"
     "  --request-timeout SECONDS  ... or whose body is not (default 60)\n"
     "  --access-log PATH      where the JSON access log goes: a file, '-' for\n"
     "                         standard output (default), or 'off'\n"
     "  --synchronous MODE     SQLite durability: FULL (default; survives power\n"
     "                         loss) or NORMAL (survives a crash of louyu)\n"
     "  --trust-proxy          behind a reverse proxy: take the client address from\n"
     "                         X-Forwarded-For and HTTPS from X-Forwarded-Proto (then\n"
     "                         the session cookie is Secure and __Host- prefixed)\n"
     "  --sweep-every SECONDS  how often no-shows are released and lapsed waiting-list\n"
     "                         offers passed on (default 60)\n\n"
     "LOUYU_CLOCK_OFFSET=SECONDS moves the clock, for tests and drills only.\n",
     cmd_serve},
    {"bookings", "release no-shows and pass on lapsed waiting-list offers now",
     "usage: louyu bookings sweep --db PATH\n\n"
     "Does at once what a running server does every minute: releases confirmed\n"
     "bookings not checked in within their station's grace period (no-shows), lets\n"
     "waiting-list offers that were not taken up lapse, and offers each freed slot\n"
     "to the next organisation waiting for it.\n\n" DB_HELP,
     cmd_bookings},
    {"birthdays", "schedule a committee's political birthday gathering for a month",
     "usage: louyu birthdays schedule --org ID --month YYYY-MM [--room ID]\n"
     "                                [--start TIME] [--minutes N] --db PATH\n\n"
     "Makes the committee's political birthday gathering (政治生日会) for the month,\n"
     "with its room booked, and invites the members of the committee's subtree who\n"
     "joined the Party in that month of an earlier year, with their years in the Party.\n"
     "Run again, it invites those who have become due since and makes nothing twice.\n\n"
     "  --org ID       the committee\n"
     "  --month M      the month, e.g. 2027-03\n"
     "  --room ID      the room (default: the largest lendable room of the committee's\n"
     "                 station)\n"
     "  --start TIME   e.g. 2027-03-18T19:00:00+08:00 (default: the first weekday from\n"
     "                 the 15th on which the room is free at 19:00)\n"
     "  --minutes N    how long (default 90)\n" DB_HELP,
     cmd_birthdays},
    {"user", "manage who may sign in, and their roles",
     "usage: louyu user add NAME [--role ROLE [--org ID | --station ID]] [--name TEXT]\n"
     "                      [--member ID] --db PATH\n"
     "       louyu user passwd NAME --db PATH\n"
     "       louyu user grant NAME --role ROLE [--org ID | --station ID] --db PATH\n"
     "       louyu user revoke NAME --role ROLE [--org ID | --station ID] --db PATH\n"
     "       louyu user list --db PATH\n\n"
     "Roles: admin (everything); committee_admin, branch_secretary and member, bound to\n"
     "an organisation and its whole subtree (--org); station_manager, bound to a\n"
     "station (--station). A user may hold several grants.\n"
     "The password comes from $LOUYU_PASSWORD, else from the first line of standard\n"
     "input; at least 8 characters. Changing it ends the user's sessions.\n\n" DB_HELP
     "  --name TEXT    the user's display name\n"
     "  --member ID    the person in the register the account belongs to (so that\n"
     "                 the user signs up and checks in to activities as that person)\n",
     cmd_user},
    {"import", "import members from a CSV file (UTF-8, GB18030/GBK or Big5)",
     "usage: louyu import members FILE [--dry-run] [--partial] [--encoding ENC]\n"
     "                                 [--rejected OUT.csv] --db PATH\n\n"
     "Reads a CSV as Excel saves it, in UTF-8 (with or without BOM), GB18030/GBK or\n"
     "Big5 (detected, or said with --encoding utf-8|gb18030|big5), with Chinese or\n"
     "English headers (姓名/name, 手机/phone, 支部/branch or 支部编号/branch_id,\n"
     "入党日期/admitted_on, ...). A person is matched to the register by 编号\n"
     "(external_id), else by phone, so importing a file twice changes nothing.\n"
     "One refused row refuses the whole file, and nothing changes.\n\n" DB_HELP
     "  --dry-run         report, row by row, what would happen; change nothing\n"
     "  --partial         import the good rows; refused ones go to --rejected\n"
     "  --rejected FILE   write the refused rows, with the reason, as CSV\n",
     cmd_import},
    {"backup", "copy a live SQLite database to a backup file",
     "usage: louyu backup --db PATH [--force] OUT\n\n"
     "Copies the database to OUT while a server may keep serving it (SQLite's online\n"
     "backup API): the copy is the database as it was at one instant. It is written to\n"
     "OUT.tmp, checked (PRAGMA integrity_check), synced to disk, and only then renamed to\n"
     "OUT. Prints the pages and bytes copied, the schema version and the time taken.\n"
     "A PostgreSQL database is backed up with pg_dump (see docs/deployment.md).\n\n" DB_HELP
     "  --force        replace OUT when it exists\n",
     cmd_backup},
    {"restore", "replace an SQLite database with a backup",
     "usage: louyu restore --db PATH [--force] BACKUP\n\n"
     "Checks BACKUP (integrity, a louyu schema not newer than this louyu), copies it next\n"
     "to PATH, syncs it to disk and renames it over PATH, removing PATH's -wal and -shm\n"
     "files. Stop the server first: a restore refuses a database that another process\n"
     "holds open, as far as it can tell. 'louyu serve' brings an older schema up to date.\n"
     "A PostgreSQL database is restored with pg_restore (see docs/deployment.md).\n\n" DB_HELP
     "  --force        replace PATH when it exists\n",
     cmd_restore},
    {"routes", "list the HTTP routes the server answers",
     "usage: louyu routes\n\nPrints one 'METHOD PATH' line per route.\n", cmd_routes},
    {"version", "print the version", "usage: louyu version\n", cmd_version},
    {NULL, NULL, NULL, NULL},
};

static void print_help(FILE *f)
{
    fputs("louyu: the platform for networks of party-mass service stations\n\n"
          "usage: louyu COMMAND [options]\n\ncommands:\n",
          f);
    for (const struct command *c = cli_commands; c->name; c++)
        fprintf(f, "  %-9s %s\n", c->name, c->summary);
    fputs("\nRun 'louyu COMMAND --help' for a command's options.\n", f);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "louyu%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (try 'louyu %s%s--help')\n", cmd ? cmd : "", cmd ? " " : "");
    return EXIT_USAGE;
}

int cli_fail(const struct error *err)
{
    if (err->detail)
        fprintf(stderr, "louyu: %s\n", err->detail);
    for (size_t i = 0; i < err->nfields; i++) {
        const char *where = err->fields[i].pointer ? err->fields[i].pointer : "";
        fprintf(stderr, "%s%s: %s\n",
                err->detail ? "  " : "louyu: ", *where == '/' ? where + 1 : where,
                err->fields[i].detail);
    }
    if (err->detail == NULL && err->nfields == 0)
        fputs("louyu: failed\n", stderr);
    return 1;
}

int cli_common_option(const char *name, int c, char **argv)
{
    if (c == 'h') {
        fputs(cli_command(name)->usage, stdout);
        return -1;
    }
    if (c == ':')
        return cli_usage_error(name, "%s needs a value", argv[optind - 1]);
    return cli_usage_error(name, "unknown option '%s'", argv[optind - 1]);
}

int cli_parse_db_only(int argc, char **argv, const struct command *cmd, const char **db)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'}, {"help", no_argument, NULL, 'h'}, {0, 0, 0, 0}};
    *db = getenv("LOUYU_DB");
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            *db = optarg;
            break;
        default:
            return cli_common_option(cmd->name, c, argv);
        }
    }
    if (optind < argc)
        return cli_usage_error(cmd->name, "unexpected argument '%s'", argv[optind]);
    if (*db == NULL || **db == '\0')
        return cli_usage_error(cmd->name, "--db PATH is required");
    return 0;
}

const struct command *cli_command(const char *name)
{
    for (const struct command *c = cli_commands; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    abort();
}

int cli_main(int argc, char **argv)
{
    if (argc < 2)
        return print_help(stderr), EXIT_USAGE;
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        print_help(stdout);
        return 0;
    }
    if (strcmp(name, "--version") == 0)
        return cmd_version(1, argv + 1);
    for (const struct command *c = cli_commands; c->name; c++)
        if (strcmp(c->name, name) == 0) {
            optind = 1;
            return c->run(argc - 1, argv + 1);
        }
    return cli_usage_error(NULL, "unknown command '%s'", name);
}
