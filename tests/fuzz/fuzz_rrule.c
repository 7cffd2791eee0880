/*
 * Recurrence rules (domain/recurrence.c, libical underneath) as the booking and series
 * routes call them: any rule text of up to 300 bytes (what the API takes), a first start
 * anywhere in the years a time may have, and the bound the caller passes: first + 10 years
 * (a rule with COUNT or UNTIL), or "now" + a horizon of up to 3660 days (a rule without an
 * end, whose first start may lie years before now: the times are checked per occurrence,
 * after the expansion). recurrence_expand must bound its own work (libFuzzer's -timeout
 * catches a runaway) and keep its promises: on success 1 to RECURRENCE_MAX starts, the
 * first being 'first', increasing, none after the bound nor past the rule's COUNT; on
 * failure an error of kind invalid or rule, about /recurrence/rrule.
 *
 * Input: 8 bytes for the first start, 2 for the span in days, 1 choosing the kind of
 * bound, then the rule.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/timefmt.h"
#include "domain/recurrence.h"
#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HEADER    11
#define RULE_MAX  300
#define DAY_S     86400
#define TEN_YEARS (10 * 366 * 86400LL)

/* A fixed "now" (2026-11-29T00:00:00+08:00), so that an input always means the same. */
#define NOW 1796400000LL

/* COUNT=n of the rule, as the fuzzer reads it: -1 when absent or not all digits. */
static long rule_count(const char *rule)
{
    for (const char *p = rule; p; p = strchr(p, ';')) {
        if (*p == ';')
            p++;
        if (strncasecmp(p, "COUNT=", 6) == 0) {
            size_t n = strcspn(p + 6, ";");
            if (n == 0 || n > 6 || strspn(p + 6, "0123456789") < n)
                return -1;
            return strtol(p + 6, NULL, 10);
        }
    }
    return -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < HEADER)
        return 0;
    uint64_t raw = 0;
    for (int i = 0; i < 8; i++)
        raw = raw << 8 | data[i];
    const int64_t local = TIME_LOCAL_OFFSET_MIN * 60;
    const int64_t lo = days_from_civil(1, 1, 1) * DAY_S - local;
    const int64_t hi = days_from_civil(9999, 12, 31) * DAY_S + DAY_S - 1 - local;
    int64_t first = lo + (int64_t)(raw % (uint64_t)(hi - lo + 1));
    unsigned span = (unsigned)(data[8] << 8 | data[9]);
    int64_t until = data[10] & 1 ? first + (int64_t)(span % 3661) * DAY_S
                                 : NOW + (int64_t)(span % 3660 + 1) * DAY_S;
    if (until > first + TEN_YEARS && data[10] & 1)
        until = first + TEN_YEARS;
    char *rule = fuzz_string(data + HEADER, size - HEADER > RULE_MAX ? RULE_MAX : size - HEADER);

    struct arena *a = arena_new(4096);
    struct error err;
    error_init(&err, a);
    int64_t *starts = NULL;
    size_t n = 0;
    int rc = recurrence_expand(a, rule, first, until, &starts, &n, &err);
    if (rc == 0) {
        long count = rule_count(rule);
        if (n < 1 || n > RECURRENCE_MAX || (count > 0 && n > (size_t)count))
            fuzz_fail("'%s' from %lld: %zu starts (COUNT %ld)", rule, (long long)first, n, count);
        if (starts[0] != first)
            fuzz_fail("'%s': the first start is %lld, not %lld", rule, (long long)starts[0],
                      (long long)first);
        for (size_t i = 1; i < n; i++)
            if (starts[i] <= starts[i - 1])
                fuzz_fail("'%s' from %lld: start %zu (%lld) after %lld", rule, (long long)first, i,
                          (long long)starts[i], (long long)starts[i - 1]);
        if (starts[n - 1] > until)
            fuzz_fail("'%s' from %lld: %lld is after the bound %lld", rule, (long long)first,
                      (long long)starts[n - 1], (long long)until);
    } else {
        if (err.kind != ERR_INVALID && err.kind != ERR_RULE)
            fuzz_fail("'%s' from %lld: refused as %s", rule, (long long)first,
                      err_kind_name(err.kind));
        if (err.nfields != 1 || err.fields[0].pointer == NULL ||
            strcmp(err.fields[0].pointer, "/recurrence/rrule") != 0)
            fuzz_fail("'%s' from %lld: the refusal does not point at the rule", rule,
                      (long long)first);
    }
    arena_free(a);
    free(rule);
    return 0;
}
