/*
 * Password hashing. Argon2id with 19 MiB and 2 passes (OWASP's minimum)
 * costs about 30 ms of one core here; louyu lets at most HASHES_AT_ONCE run
 * at the same time, so that sign-ins queue behind each other instead of
 * taking every worker thread. The semaphore is process state by necessity:
 * it limits this process's CPU, and holds nothing that another server would
 * need to see.
 */
#include <pthread.h>
#include <semaphore.h>
#include <sodium.h>
#include <string.h>

#include "core/utf8.h"
#include "domain/users.h"

#define OPSLIMIT       2
#define MEMLIMIT       (19u << 20)
#define HASHES_AT_ONCE 2

static sem_t slots;
static int sodium_ok;
static char nobody[crypto_pwhash_STRBYTES]; /* a hash no password of a real user made */

static void init(void)
{
    sodium_ok = sodium_init() >= 0;
    sem_init(&slots, 0, HASHES_AT_ONCE);
    /* Without it, every verify fails (safely): sign-in would then be impossible, not open. */
    if (sodium_ok && crypto_pwhash_str_alg(nobody, "louyu: nobody", 13, OPSLIMIT, MEMLIMIT,
                                           crypto_pwhash_ALG_ARGON2ID13) != 0)
        sodium_ok = 0;
}

static void enter(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, init);
    while (sem_wait(&slots) != 0)
        ;
}

static void leave(void)
{
    sem_post(&slots);
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
