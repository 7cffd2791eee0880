/*
 * What the fuzzers share: a failure that libFuzzer records as a crash, and, for those
 * that run the domain, the demo network in a temporary SQLite file with its users signed
 * in. Each input's writes go into one transaction that is rolled back afterwards
 * (fuzz_begin/fuzz_end), so every input meets the same database and memory stays flat.
 */
#ifndef LOUYU_TESTS_FUZZ_HARNESS_H
#define LOUYU_TESTS_FUZZ_HARNESS_H

#include <stddef.h>
#include <stdint.h>

struct db;
struct session;

/* Reports a broken property with the input's context and aborts (libFuzzer then saves the
 * input as a crash). */
void fuzz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* The demo database, made on the first call: migrated, the demo loaded. Its files live in
 * a fresh directory under $TMPDIR (or /tmp) that is removed at exit. */
struct db *fuzz_demo_db(void);

/* The demo users, admin first, each signed in once (the sessions live for the process). */
extern const char *const fuzz_users[];
extern const size_t fuzz_nusers;
const struct session *fuzz_session(size_t user);

/* Opens the transaction that an input's writes join (db_transact joins an open one), and
 * rolls it back. */
void fuzz_begin(void);
void fuzz_end(void);

/* A NUL-terminated copy of data (malloc'd): the parsers under test take C strings. */
char *fuzz_string(const uint8_t *data, size_t n);

#endif
