/*
 * A minimal unit-test harness: CHECK records a pass or a failure with its
 * place; the runner (tests/unit/main.c) prints "N passed, N failed" last.
 */
#ifndef LOUYU_TESTS_UNIT_H
#define LOUYU_TESTS_UNIT_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

extern int unit_passed, unit_failed;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (cond)                                                                                  \
            unit_passed++;                                                                         \
        else {                                                                                     \
            unit_failed++;                                                                         \
            fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);                        \
        }                                                                                          \
    } while (0)

#define CHECK_STR(got, want)                                                                       \
    do {                                                                                           \
        const char *g_ = (got), *w_ = (want);                                                      \
        if (g_ && strcmp(g_, w_) == 0)                                                             \
            unit_passed++;                                                                         \
        else {                                                                                     \
            unit_failed++;                                                                         \
            fprintf(stderr, "FAIL %s:%d: got \"%s\", want \"%s\"\n", __FILE__, __LINE__,           \
                    g_ ? g_ : "(null)", w_);                                                       \
        }                                                                                          \
    } while (0)

/* The instant of an RFC 3339 string; aborts on a typo in a test. */
int64_t unit_time(const char *rfc3339);

void test_arena(void);
void test_buf(void);
void test_jsonshape(void);
void test_utf8(void);
void test_timefmt(void);
void test_jsonw(void);
void test_fields(void);
void test_hours(void);
void test_router(void);
void test_store(void);
void test_redact(void);
void test_access(void);
void test_membership(void);
void test_text(void);
void test_import_values(void);
void test_recurrence(void);
void test_ical(void);
void test_booking_rules(void);
void test_slots(void);
void test_rotation(void);
void test_qr(void);
void test_checkin_code(void);
void test_activity_rules(void);
void test_attendance(void);

#endif
