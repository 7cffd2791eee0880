/*
 * Password hashing. Argon2id with 19 MiB and 2 passes (OWASP's minimum)
 * costs about 30 ms of one core here. louyu runs at most one hash per two
 * cores at a time, so that sign-ins leave CPU to every other request; and a
 * sign-in takes a seat first, of which there are as many as hashes may run:
 * a sign-in finding none is told to come back instead of holding a worker
 * thread while it waits, since every connection that thread serves would
 * wait with it. The semaphore and the seats are process state by necessity:
 * they limit this process's CPU and threads, and hold nothing that another
 * server would need to see.
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <sodium.h>
#include <string.h>
#include <unistd.h>

#include "core/utf8.h"
#include "domain/users.h"

#define OPSLIMIT 2
#define MEMLIMIT (19u << 20)

static sem_t slots;
static int nslots;
static atomic_int seats, seated;
static int sodium_ok;
static char nobody[crypto_pwhash_STRBYTES]; /* a hash no password of a real user made */

static void init(void)
{
    sodium_ok = sodium_init() >= 0;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    nslots = cores >= 4 ? (int)(cores / 2) : 1;
    sem_init(&slots, 0, (unsigned)nslots);
    atomic_store(&seats, nslots);
    /* Without it, every verify fails (safely): sign-in would then be impossible, not open. */
    if (sodium_ok && crypto_pwhash_str_alg(nobody, "louyu: nobody", 13, OPSLIMIT, MEMLIMIT,
                                           crypto_pwhash_ALG_ARGON2ID13) != 0)
        sodium_ok = 0;
}

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void enter(void)
{
    pthread_once(&once, init);
    while (sem_wait(&slots) != 0)
        ;
}

static void leave(void)
{
    sem_post(&slots);
}

void password_set_seats(int n)
{
    pthread_once(&once, init);
    atomic_store(&seats, n < 1 ? 1 : n < nslots ? n : nslots);
}

bool password_seat_take(void)
{
    pthread_once(&once, init);
    if (atomic_fetch_add(&seated, 1) < atomic_load(&seats))
        return true;
    atomic_fetch_sub(&seated, 1);
    return false;
}

void password_seat_leave(void)
{
    atomic_fetch_sub(&seated, 1);
}

const char *password_problem(const char *password)
{
    size_t n = strlen(password);
    if (n > PASSWORD_MAX_BYTES)
        return "must be at most 128 bytes";
    if (!utf8_valid(password, n))
        return "must be valid UTF-8";
    if (utf8_chars(password, n) < PASSWORD_MIN_CHARS)
        return "must be at least 8 characters";
    return NULL;
}

int password_hash(const char *password, char out[128])
{
    _Static_assert(crypto_pwhash_STRBYTES <= 128, "hash buffer too small");
    enter();
    int rc = sodium_ok ? crypto_pwhash_str_alg(out, password, strlen(password), OPSLIMIT, MEMLIMIT,
                                               crypto_pwhash_ALG_ARGON2ID13)
                       : -1;
    leave();
    return rc;
}

bool password_verify(const char *hash, const char *password)
{
    enter();
    bool ok = sodium_ok &&
              crypto_pwhash_str_verify(hash ? hash : nobody, password, strlen(password)) == 0;
    leave();
    return ok && hash != NULL;
}
