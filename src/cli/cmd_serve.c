/*
 * louyu serve: migrate, open the connection pool, start the HTTP server,
 * then wait for SIGINT or SIGTERM. The signals are blocked before any thread
 * starts, so only sigwait() here sees them and the workers are never
 * interrupted mid-request.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/arena.h"
#include "http/server.h"
#include "store/db.h"
#include "cli/sweeper.h"
#include "core/timefmt.h"
#include "domain/users.h"
#include "store/pool.h"

#define MAX_BODY          (1u << 20)
#define SHUTDOWN_GRACE_MS 10000
/* Descriptors kept for other things than client connections: the listening sockets,
 * epoll and signalling descriptors of each thread, database files, the access log. */
#define SPARE_FDS 64

struct serve_opts {
    const char *db;
    const char *listen;
    const char *access_log;
    const char *synchronous;
    unsigned sweep_every; /* seconds between sweeps of the calendars */
    struct server_config cfg;
};

static int parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *s == '\0' || *s == '-' || *end != '\0' || v < lo || v > hi)
        return -1;
    *out = (unsigned)v;
    return 0;
}

/* Splits "HOST:PORT" or "[V6]:PORT"; host is copied into 'host'. */
static int parse_listen(const char *s, char *host, size_t cap, unsigned *port)
{
    const char *colon = strrchr(s, ':');
    if (colon == NULL)
        return -1;
    const char *h = s;
    size_t n = (size_t)(colon - s);
    if (n >= 2 && h[0] == '[' && h[n - 1] == ']')
        h++, n -= 2;
    if (n == 0 || n >= cap)
        return -1;
    memcpy(host, h, n);
    host[n] = '\0';
    return parse_uint(colon + 1, 0, 65535, port);
}

static bool numeric_address(const char *host)
{
    unsigned char addr[sizeof(struct in6_addr)];
    return inet_pton(AF_INET, host, addr) == 1 || inet_pton(AF_INET6, host, addr) == 1;
}

static int parse_options(int argc, char **argv, struct serve_opts *o, char *host, size_t cap)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"listen", required_argument, NULL, 'l'},
        {"threads", required_argument, NULL, 't'},
        {"max-connections", required_argument, NULL, 'c'},
        {"max-per-ip", required_argument, NULL, 'p'},
        {"timeout", required_argument, NULL, 'o'},
        {"header-timeout", required_argument, NULL, 'H'},
        {"request-timeout", required_argument, NULL, 'R'},
        {"access-log", required_argument, NULL, 'a'},
        {"synchronous", required_argument, NULL, 's'},
        {"trust-proxy", no_argument, NULL, 'x'},
        {"sweep-every", required_argument, NULL, 'w'},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    const char *cmd = "serve";
    int c, which = 0;
    unsigned threads = 4;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", opts, &which)) != -1) {
        int bad = 0;
        switch (c) {
        case 'd':
            o->db = optarg;
            break;
        case 'l':
            o->listen = optarg;
            break;
        case 'a':
            o->access_log = optarg;
            break;
        case 's':
            o->synchronous = optarg;
            break;
        case 'x':
            o->cfg.trust_proxy = true;
            break;
        case 't':
            bad = parse_uint(optarg, 1, 256, &threads);
            break;
        case 'c':
            bad = parse_uint(optarg, 1, 100000, &o->cfg.max_connections);
            break;
        case 'p':
            bad = parse_uint(optarg, 1, 100000, &o->cfg.max_per_ip);
            break;
        case 'o':
            bad = parse_uint(optarg, 1, 86400, &o->cfg.timeout_s);
            break;
        case 'H':
            bad = parse_uint(optarg, 1, 3600, &o->cfg.header_timeout_s);
            break;
        case 'R':
            bad = parse_uint(optarg, 1, 86400, &o->cfg.request_timeout_s);
            break;
        case 'w':
            bad = parse_uint(optarg, 1, 3600, &o->sweep_every);
            break;
        default:
            return cli_common_option(cmd, c, argv);
        }
        if (bad)
            return cli_usage_error(cmd, "'%s' is not a valid value for --%s", optarg,
                                   opts[which].name);
    }
    if (optind < argc)
        return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (o->db == NULL || *o->db == '\0')
        return cli_usage_error(cmd, "--db PATH is required");
    if (parse_listen(o->listen, host, cap, &o->cfg.port) != 0)
        return cli_usage_error(cmd, "--listen takes HOST:PORT, e.g. 127.0.0.1:8080, not '%s'",
                               o->listen);
    if (!numeric_address(host))
        return cli_usage_error(cmd, "--listen needs a numeric IPv4 or IPv6 address, not '%s'",
                               host);
    if (o->cfg.request_timeout_s < o->cfg.header_timeout_s)
        return cli_usage_error(cmd, "--request-timeout (%u) must be at least --header-timeout (%u)",
                               o->cfg.request_timeout_s, o->cfg.header_timeout_s);
    if (strcmp(o->synchronous, "FULL") != 0 && strcmp(o->synchronous, "NORMAL") != 0)
        return cli_usage_error(cmd, "--synchronous takes FULL or NORMAL, not '%s'", o->synchronous);
    o->cfg.host = host;
    o->cfg.threads = (int)threads;
    return 0;
}

static int open_access_log(const char *where)
{
    if (strcmp(where, "off") == 0)
        return -1;
    if (strcmp(where, "-") == 0)
        return STDOUT_FILENO;
    return open(where, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
}

/* Every connection takes a descriptor: raise the soft limit to the hard one, and take no
 * more connections than there are descriptors for (past that, accept() would fail and
 * new clients would wait in the backlog). */
static void fit_descriptors(struct server_config *cfg)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return;
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    rlim_t room = rl.rlim_cur > SPARE_FDS + 16 ? rl.rlim_cur - SPARE_FDS : 16;
    if (rl.rlim_cur == RLIM_INFINITY || cfg->max_connections <= room)
        return;
    fprintf(stderr,
            "louyu: taking at most %llu connections, not %u: the limit of open files is %llu "
            "(raise it with ulimit -n or systemd's LimitNOFILE=)\n",
            (unsigned long long)room, cfg->max_connections, (unsigned long long)rl.rlim_cur);
    cfg->max_connections = (unsigned)room;
}

/* Brings the schema up to date once, before any worker opens a connection. */
static int prepare_database(const char *path, const struct db_options *dbo, struct error *err)
{
    struct db *db = db_open(path, false, dbo, err);
    if (db == NULL)
        return -1;
    int rc = db_migrate(db, err);
    db_close(db);
    return rc;
}

static int wait_for_signal(const sigset_t *set)
{
    int sig = 0;
    while (sigwait(set, &sig) != 0)
        ;
    return sig;
}

static int run(struct serve_opts *o, struct error *err)
{
    struct db_options dbo = {.synchronous = o->synchronous};
    if (prepare_database(o->db, &dbo, err) != 0)
        return cli_fail(err);
    o->cfg.access_log_fd = open_access_log(o->access_log);
    if (o->cfg.access_log_fd == -1 && strcmp(o->access_log, "off") != 0) {
        fprintf(stderr, "louyu: cannot open access log '%s': %s\n", o->access_log, strerror(errno));
        return 1;
    }
    fit_descriptors(&o->cfg);
    /* one worker always free of password checks */
    password_set_seats(o->cfg.threads - 1);
    struct db_pool *pool = db_pool_new(o->db, o->cfg.threads, &dbo);
    struct server *srv = server_start(&o->cfg, pool, err);
    if (srv == NULL) {
        db_pool_free(pool);
        return cli_fail(err);
    }
    if (time_clock_offset() != 0)
        fprintf(stderr, "louyu: the clock is moved by %lld seconds (LOUYU_CLOCK_OFFSET)\n",
                (long long)time_clock_offset());
    struct sweeper *sweeper = sweeper_start(pool, o->sweep_every);
    bool v6 = strchr(o->cfg.host, ':') != NULL;
    char url[96];
    snprintf(url, sizeof(url), "http://%s%s%s:%u", v6 ? "[" : "", o->cfg.host, v6 ? "]" : "",
             server_port(srv));
    fprintf(stderr, "louyu: serving %s from '%s' (%d threads)\n", url, o->db, o->cfg.threads);
    fprintf(stderr, "louyu: the API is at %s/api/v1, e.g. %s/api/v1/stations; stop with Ctrl-C\n",
            url, url);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    int sig = wait_for_signal(&set);
    fprintf(stderr, "louyu: %s received, finishing requests in flight\n",
            sig == SIGINT ? "SIGINT" : "SIGTERM");
    server_stop(srv, SHUTDOWN_GRACE_MS);
    sweeper_stop(sweeper);
    db_pool_free(pool);
    if (o->cfg.access_log_fd > STDERR_FILENO)
        close(o->cfg.access_log_fd);
    fprintf(stderr, "louyu: stopped\n");
    return 0;
}

int cmd_serve(int argc, char **argv)
{
    struct serve_opts o = {
        .db = getenv("LOUYU_DB"),
        .listen = "127.0.0.1:8080",
        .access_log = "-",
        .synchronous = "FULL",
        .sweep_every = 60,
        .cfg = {.max_connections = 16384,
                .max_per_ip = 256,
                .timeout_s = 30,
                .header_timeout_s = 10,
                .request_timeout_s = 60,
                .max_body = MAX_BODY},
    };
    char host[64];
    int rc = parse_options(argc, argv, &o, host, sizeof(host));
    if (rc)
        return rc < 0 ? 0 : rc;

    /* Before any thread exists: workers inherit the mask, and a peer that hangs up must
     * not kill the process with SIGPIPE. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct arena *a = arena_new(4096);
    struct error err;
    error_init(&err, a);
    rc = run(&o, &err);
    arena_free(a);
    return rc;
}
