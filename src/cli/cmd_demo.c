/* louyu demo: the Tianhe CBD demo, and with --scale a generated network around it. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "core/arena.h"
#include "core/timefmt.h"
#include "domain/demo.h"
#include "domain/scale.h"
#include "store/db.h"

struct demo_opts {
    const char *db;
    const struct scale_size *scale; /* NULL: the demo alone */
    uint64_t seed;
    int64_t anchor; /* a local day */
};

static int parse(int argc, char **argv, struct demo_opts *o)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},   {"scale", required_argument, NULL, 's'},
        {"seed", required_argument, NULL, 'r'}, {"anchor", required_argument, NULL, 'a'},
        {"help", no_argument, NULL, 'h'},       {0, 0, 0, 0}};
    o->db = getenv("LOUYU_DB");
    o->seed = 1;
    o->anchor = (time_now() + TIME_LOCAL_OFFSET_MIN * 60) / 86400;
    char *end;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            o->db = optarg;
            break;
        case 's':
            if ((o->scale = scale_size_find(optarg)) == NULL)
                return cli_usage_error("demo", "--scale is town, district or city, not '%s'",
                                       optarg);
            break;
        case 'r':
            o->seed = strtoull(optarg, &end, 10);
            if (*optarg == '\0' || *optarg == '-' || *end != '\0')
                return cli_usage_error("demo", "--seed takes a whole number, not '%s'", optarg);
            break;
        case 'a':
            if (!date_parse(optarg, strlen(optarg), &o->anchor))
                return cli_usage_error("demo", "--anchor takes a date YYYY-MM-DD, not '%s'",
                                       optarg);
            break;
        default:
            return cli_common_option("demo", c, argv);
        }
    }
    if (optind < argc)
        return cli_usage_error("demo", "unexpected argument '%s'", argv[optind]);
    if (o->db == NULL || *o->db == '\0')
        return cli_usage_error("demo", "--db PATH is required");
    return 0;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void report(const struct demo_opts *o, const struct scale_counts *k, double s)
{
    char day[16];
    int y;
    unsigned m, d;
    civil_from_days(o->anchor, &y, &m, &d);
    snprintf(day, sizeof(day), "%04d-%02u-%02u", y, m, d);
    printf("louyu: generated the %s network (seed %" PRIu64 ", around %s) in %.1f s:\n"
           "       %" PRId64 " towers, %" PRId64 " organisations, %" PRId64 " stations, %" PRId64
           " rooms,\n"
           "       %" PRId64 " people, %" PRId64 " users, %" PRId64 " bookings, %" PRId64
           " activities,\n"
           "       %" PRId64 " sign-ups, %" PRId64 " check-ins, %" PRId64 " attendee rows\n"
           "louyu: generated users (same password): gen-committee-0001.., gen-station-0001..,\n"
           "       gen-member-00001..\n",
           o->scale->name, o->seed, day, s, k->buildings, k->orgs, k->stations, k->rooms,
           k->members, k->users, k->bookings, k->activities, k->registrations, k->checkins,
           k->attendees);
}

int cmd_demo(int argc, char **argv)
{
    struct demo_opts o = {0};
    int rc = parse(argc, argv, &o);
    if (rc)
        return rc < 0 ? 0 : rc;
    struct arena *a = arena_new(65536);
    struct error err;
    error_init(&err, a);
    struct db *db = cli_open_db(o.db, &err);
    const char *password = getenv("LOUYU_DEMO_PASSWORD");
    if (password == NULL || *password == '\0')
        password = DEMO_PASSWORD;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct scale_counts k;
    if (db == NULL || demo_load(db, a, password, &err) != 0 ||
        (o.scale && scale_generate(db, o.scale, o.seed, o.anchor, password, &k, &err) != 0))
        rc = cli_fail(&err);
    else {
        printf("louyu: loaded the Tianhe CBD demo into '%s'\n"
               "louyu: demo users (password '%s'): admin, xita and fuli (committee admins),\n"
               "       xita_station (station manager), zhongke (branch secretary), member\n",
               o.db, getenv("LOUYU_DEMO_PASSWORD") ? "from $LOUYU_DEMO_PASSWORD" : password);
        if (o.scale)
            report(&o, &k, seconds_since(&t0));
    }
    db_close(db);
    arena_free(a);
    return rc;
}
