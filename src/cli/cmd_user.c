/*
 * louyu user add|passwd|grant|revoke|list: managing who may sign in, from the
 * command line, through the same domain functions as the API (acting as an
 * admin named "cli" in the audit log). Passwords come from $LOUYU_PASSWORD,
 * else from the first line of standard input; they are never arguments,
 * which other users of the machine could read.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/arena.h"
#include "domain/users.h"
#include "store/db.h"

struct user_opts {
    const char *db, *role, *display_name;
    int64_t org_id, station_id, member_id;
};

static int parse_id(const char *s, int64_t *out)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < 1)
        return -1;
    *out = v;
    return 0;
}

/* Options after the subcommand's NAME; returns 0, or an exit status (-1: help shown). */
static int parse(int argc, char **argv, struct user_opts *o)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},     {"role", required_argument, NULL, 'r'},
        {"org", required_argument, NULL, 'o'},    {"station", required_argument, NULL, 's'},
        {"member", required_argument, NULL, 'm'}, {"name", required_argument, NULL, 'n'},
        {"help", no_argument, NULL, 'h'},         {0, 0, 0, 0},
    };
    int c, which = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", opts, &which)) != -1) {
        switch (c) {
        case 'd':
            o->db = optarg;
            break;
        case 'r':
            o->role = optarg;
            break;
        case 'n':
            o->display_name = optarg;
            break;
        case 'o':
        case 's':
        case 'm':
            if (parse_id(optarg, c == 'o'   ? &o->org_id
                                 : c == 's' ? &o->station_id
                                            : &o->member_id) != 0)
                return cli_usage_error("user", "--%s takes a positive id, not '%s'",
                                       opts[which].name, optarg);
            break;
        default:
            return cli_common_option("user", c, argv);
        }
    }
    if (o->db == NULL || *o->db == '\0')
        return cli_usage_error("user", "--db PATH is required");
    if (o->role && role_parse(o->role) < 0)
        return cli_usage_error("user",
                               "unknown role '%s' (admin, committee_admin, "
                               "station_manager, branch_secretary, member)",
                               o->role);
    return 0;
}

/* The new password: $LOUYU_PASSWORD, or one line of standard input. */
static const char *read_password(struct arena *a)
{
    const char *env = getenv("LOUYU_PASSWORD");
    if (env && *env)
        return env;
    if (isatty(0))
        fputs("password: ", stderr);
    char line[256];
    if (fgets(line, sizeof(line), stdin) == NULL)
        return NULL;
    line[strcspn(line, "\r\n")] = '\0';
    return arena_strdup(a, line);
}

/* The grant record of o for user u, as the API would decode it. */
static struct grant_rec *grant_of(struct arena *a, const struct user *u, const struct user_opts *o)
{
    struct grant_rec *g = arena_zalloc(a, sizeof(*g));
    const struct table *t = grant_entity.table;
    g->user_id = u->id;
    g->role = (char *)o->role;
    g->org_id = o->org_id;
    g->station_id = o->station_id;
    rec_set_null(g, (size_t)fields_find(t, "org_id"), o->org_id == 0);
    rec_set_null(g, (size_t)fields_find(t, "station_id"), o->station_id == 0);
    return g;
}

static int add(struct db *db, struct arena *a, const char *name, const struct user_opts *o,
               struct error *err)
{
    const char *pw = read_password(a);
    if (pw == NULL)
        return error_set(err, ERR_INVALID, "no password: set LOUYU_PASSWORD or pipe one line");
    struct user *u =
        user_add(db, a, &entity_cli_caller, name, o->display_name, false, o->member_id, pw, err);
    if (u == NULL)
        return -1;
    if (o->role &&
        entity_create(db, a, &entity_cli_caller, &grant_entity, grant_of(a, u, o), err) == NULL)
        return -1;
    printf("louyu: user '%s' added (id %lld)%s%s\n", name, (long long)u->id, o->role ? " as " : "",
           o->role ? o->role : "");
    return 0;
}

static int grant(struct db *db, struct arena *a, const char *name, const struct user_opts *o,
                 bool revoke, struct error *err)
{
    if (o->role == NULL)
        return error_set(err, ERR_INVALID, "--role is required");
    struct user *u = user_find(db, a, name, err);
    if (u == NULL)
        return -1;
    if (!revoke) {
        if (entity_create(db, a, &entity_cli_caller, &grant_entity, grant_of(a, u, o), err) == NULL)
            return -1;
        printf("louyu: granted %s to '%s'\n", o->role, name);
        return 0;
    }
    struct caller held = {0};
    if (user_load_grants(db, a, u->id, &held, err) != 0)
        return -1;
    struct list_query lq = {.limit = 500, .nfilters = 2};
    lq.filters[0] = (struct filter_value){.present = true, .type = FT_REF, .i = u->id};
    lq.filters[1] = (struct filter_value){.type = FT_REF};
    void **items;
    size_t n;
    int64_t next;
    if (entity_list(db, a, &entity_cli_caller, &grant_entity, &lq, &items, &n, &next, err) != 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const struct grant_rec *g = items[i];
        const struct table *t = grant_entity.table;
        int64_t org = fields_is_null(t, g, "org_id") ? 0 : g->org_id;
        int64_t station = fields_is_null(t, g, "station_id") ? 0 : g->station_id;
        if (strcmp(g->role, o->role) == 0 && org == o->org_id && station == o->station_id) {
            if (entity_delete(db, a, &entity_cli_caller, &grant_entity, g->id, err) != 0)
                return -1;
            printf("louyu: revoked %s from '%s'\n", o->role, name);
            return 0;
        }
    }
    return error_set(err, ERR_NOT_FOUND, "'%s' holds no such grant", name);
}

static int list(struct db *db, struct arena *a, struct error *err)
{
    struct list_query lq = {.limit = 500, .nfilters = 1};
    lq.filters[0] = (struct filter_value){.type = FT_INT};
    void **items;
    size_t n;
    int64_t next;
    if (entity_list(db, a, &entity_cli_caller, &user_entity, &lq, &items, &n, &next, err) != 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const struct user *u = items[i];
        struct caller c = {0};
        if (user_load_grants(db, a, u->id, &c, err) != 0)
            return -1;
        printf("%-5lld %-20s%s", (long long)u->id, u->username, u->disabled ? " (disabled)" : "");
        for (size_t k = 0; k < c.ngrants; k++) {
            const struct grant *g = &c.grants[k];
            printf(" %s", role_names[g->role]);
            if (g->org_id)
                printf("@org:%lld", (long long)g->org_id);
            if (g->station_id)
                printf("@station:%lld", (long long)g->station_id);
        }
        putchar('\n');
    }
    return 0;
}

static int passwd(struct db *db, struct arena *a, const char *name, struct error *err)
{
    struct user *u = user_find(db, a, name, err);
    const char *pw = u ? read_password(a) : NULL;
    if (u && pw == NULL)
        return error_set(err, ERR_INVALID, "no password: set LOUYU_PASSWORD or pipe one line");
    if (u == NULL || user_set_password(db, a, &entity_cli_caller, u->id, pw, err) != 0)
        return -1;
    printf("louyu: password of '%s' changed; its sessions have ended\n", name);
    return 0;
}

int cmd_user(int argc, char **argv)
{
    static const char *const verbs[] = {"add", "passwd", "grant", "revoke", "list", NULL};
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(cli_command("user")->usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : 0;
    }
    const char *verb = argv[1];
    int v = 0;
    while (verbs[v] && strcmp(verbs[v], verb) != 0)
        v++;
    if (verbs[v] == NULL)
        return cli_usage_error("user", "unknown subcommand '%s'", verb);
    bool named = strcmp(verb, "list") != 0;
    if (named && (argc < 3 || argv[2][0] == '-'))
        return cli_usage_error("user", "'user %s' needs a user name", verb);
    struct user_opts o = {.db = getenv("LOUYU_DB")};
    optind = 1;
    int rc = parse(argc - (named ? 2 : 1), argv + (named ? 2 : 1), &o);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (optind < argc - (named ? 2 : 1))
        return cli_usage_error("user", "unexpected argument '%s'", argv[optind + (named ? 2 : 1)]);
    struct arena *a = arena_new(8192);
    struct error err;
    error_init(&err, a);
    struct db *db = db_open(o.db, false, NULL, &err);
    if (db && db_migrate(db, &err) == 0) {
        const char *name = named ? argv[2] : NULL;
        if (v == 0)
            rc = add(db, a, name, &o, &err);
        else if (v == 1)
            rc = passwd(db, a, name, &err);
        else if (v == 2 || v == 3)
            rc = grant(db, a, name, &o, v == 3, &err);
        else
            rc = list(db, a, &err);
    } else
        rc = -1;
    if (rc != 0)
        rc = cli_fail(&err);
    db_close(db);
    arena_free(a);
    return rc;
}
