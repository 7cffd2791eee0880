/* Small commands: version and routes. */
#include <stdio.h>
#include <string.h>

#include "api/routes.h"
#include "cli/cli.h"

#ifndef LOUYU_VERSION
#define LOUYU_VERSION "0.1.0-dev"
#endif

/* Commands without options still answer --help and refuse arguments. */
static int no_options(int argc, char **argv, const char *name)
{
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(cli_command(name)->usage, stdout);
        return -1;
    }
    if (argc > 1)
        return cli_usage_error(name, "unexpected argument '%s'", argv[1]);
    return 0;
}

int cmd_version(int argc, char **argv)
{
    int rc = no_options(argc, argv, "version");
    if (rc)
        return rc < 0 ? 0 : rc;
    printf("louyu %s\n", LOUYU_VERSION);
    return 0;
}

int cmd_routes(int argc, char **argv)
{
    int rc = no_options(argc, argv, "routes");
    if (rc)
        return rc < 0 ? 0 : rc;
    for (size_t i = 0; i < api_nroutes; i++)
        printf("%s %s\n", api_routes[i].method, api_routes[i].pattern);
    return 0;
}
