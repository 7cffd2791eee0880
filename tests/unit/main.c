/* Runs every unit-test group; the last line is "N passed, N failed". */
#include "unit.h"

#include <stdlib.h>

#include "core/timefmt.h"

int unit_passed, unit_failed;

int64_t unit_time(const char *rfc3339)
{
    int64_t t;
    int offset;
    if (!rfc3339_parse(rfc3339, strlen(rfc3339), &t, &offset))
        abort();
    return t;
}

/* One group a line, left alone by clang-format, so that adding a group is a one-line diff. */
/* clang-format off */
static const struct {
    const char *name;
    void (*fn)(void);
} groups[] = {
    {"arena", test_arena},
    {"buf", test_buf},
    {"utf8", test_utf8},
    {"timefmt", test_timefmt},
    {"jsonw", test_jsonw},
    {"jsonshape", test_jsonshape},
    {"fields", test_fields},
    {"hours", test_hours},
    {"router", test_router},
    {"store", test_store},
    {"redact", test_redact},
    {"access", test_access},
    {"membership", test_membership},
    {"text", test_text},
    {"import values", test_import_values},
    {"ical", test_ical},
    {"recurrence", test_recurrence},
    {"slots", test_slots},
    {"booking rules", test_booking_rules},
    {"qr", test_qr},
    {"checkin code", test_checkin_code},
    {"rotation", test_rotation},
    {"activity rules", test_activity_rules},
    {"attendance", test_attendance},
};
/* clang-format on */

int main(void)
{
    for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
        int before = unit_failed;
        groups[i].fn();
        printf("%s %s\n", unit_failed == before ? "ok  " : "FAIL", groups[i].name);
    }
    printf("%d passed, %d failed\n", unit_passed, unit_failed);
    return unit_failed ? 1 : 0;
}
