/* The fuzzers' shared harness (see harness.h). */
#include "harness.h"

#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/timefmt.h"
#include "domain/demo.h"
#include "domain/session.h"
#include "store/db.h"

const char *const fuzz_users[] = {"admin", "xita", "xita_station", "zhongke", "member", "fuli"};
const size_t fuzz_nusers = sizeof(fuzz_users) / sizeof(fuzz_users[0]);

static struct db *demo;
static struct arena *keep; /* the sessions' memory */
static struct session sessions[sizeof(fuzz_users) / sizeof(fuzz_users[0])];
static char dir[4096];
static int64_t signed_in_at;

void fuzz_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("fuzz: property broken: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

char *fuzz_string(const uint8_t *data, size_t n)
{
    char *s = malloc(n + 1);
    if (s == NULL)
        abort();
    if (n)
        memcpy(s, data, n);
    s[n] = '\0';
    return s;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static void cleanup(void)
{
    db_close(demo);
    demo = NULL;
    if (dir[0])
        nftw(dir, remove_one, 8, FTW_DEPTH | FTW_PHYS);
}

static void setup_failed(const char *what, const struct error *err)
{
    fprintf(stderr, "fuzz: cannot set up the demo database: %s: %s\n", what,
            err->detail ? err->detail : "(no detail)");
    exit(2); /* not a finding: the harness itself is broken */
}

/* Signs every demo user in. A session ends after SESSION_IDLE_S without a request, and
 * the requests' touches are rolled back with everything else: a long run signs in anew
 * every hour. */
static void sign_in(void)
{
    struct error err;
    error_init(&err, keep);
    for (size_t i = 0; i < fuzz_nusers; i++) {
        int retry = 0;
        if (session_signin(demo, keep, fuzz_users[i], DEMO_PASSWORD, "127.0.0.1", &sessions[i],
                           &retry, &err) != 0)
            setup_failed(fuzz_users[i], &err);
    }
    signed_in_at = time_now();
}

struct db *fuzz_demo_db(void)
{
    if (demo)
        return demo;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof(dir), "%s/louyu-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL) {
        perror("fuzz: mkdtemp");
        exit(2);
    }
    atexit(cleanup);
    char path[4200];
    snprintf(path, sizeof(path), "%s/demo.db", dir);
    keep = arena_new(1 << 16);
    struct error err;
    error_init(&err, keep);
    struct db_options opt = {.synchronous = "NORMAL"};
    demo = db_open(path, true, &opt, &err);
    if (demo == NULL)
        setup_failed("open", &err);
    if (db_migrate(demo, &err) != 0)
        setup_failed("migrate", &err);
    if (demo_load(demo, keep, DEMO_PASSWORD, &err) != 0)
        setup_failed("demo", &err);
    sign_in();
    return demo;
}

const struct session *fuzz_session(size_t user)
{
    fuzz_demo_db();
    return &sessions[user % fuzz_nusers];
}

void fuzz_begin(void)
{
    struct db *db = fuzz_demo_db();
    if (time_now() - signed_in_at > 3600)
        sign_in();
    struct error err;
    error_init(&err, keep);
    if (db_begin(db, DB_WRITE, &err) != 0)
        setup_failed("begin", &err);
}

void fuzz_end(void)
{
    db_rollback(demo);
}
