/*
 * The command line: a table of subcommands, each with its own options and
 * --help. Bad usage exits 2 with a one-line reason; a failure exits 1 with a
 * message a person can act on.
 */
#ifndef LOUYU_CLI_CLI_H
#define LOUYU_CLI_CLI_H

#include "core/error.h"

#define EXIT_USAGE 2

struct command {
    const char *name;
    const char *summary;
    const char *usage; /* the full --help text */
    int (*run)(int argc, char **argv);
};

extern const struct command cli_commands[];

int cli_main(int argc, char **argv);

/* The command named 'name' (which must exist). */
const struct command *cli_command(const char *name);

/* Prints "louyu CMD: reason" and a hint to stderr; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints "louyu: detail" for err to stderr; returns 1. */
int cli_fail(const struct error *err);

/* The end of every command's getopt switch (optstring ":", --help as 'h'): --help prints
 * the usage of command 'name' and returns -1; a missing value or an unknown option is a
 * usage error (EXIT_USAGE). */
int cli_common_option(const char *name, int c, char **argv);

/* Parses the options common to commands that open a database: sets *db from --db or
 * LOUYU_DB. Returns 0, or an exit status (help printed, or a usage error). */
int cli_parse_db_only(int argc, char **argv, const struct command *cmd, const char **db);

/* Opens the database (creating an SQLite file) and brings its schema up to date; NULL
 * with err filled on failure. */
struct db *cli_open_db(const char *path, struct error *err);

int cmd_init(int argc, char **argv);
int cmd_birthdays(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_bookings(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_routes(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_restore(int argc, char **argv);

#endif
