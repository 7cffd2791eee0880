/*
 * iCalendar output through libical's component API. The tree is built, turned
 * into text once and freed before returning, so nothing of libical's outlives
 * the call.
 */
#include "core/ical.h"

#include <assert.h>
#include <limits.h>
#include <libical/ical.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

static const struct {
    const char *name;
    enum icalproperty_status status;
} statuses[] = {
    {"CONFIRMED", ICAL_STATUS_CONFIRMED},
    {"TENTATIVE", ICAL_STATUS_TENTATIVE},
    {"CANCELLED", ICAL_STATUS_CANCELLED},
};

static enum icalproperty_status status_of(const char *name)
{
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
        if (strcmp(statuses[i].name, name) == 0)
            return statuses[i].status;
    assert(!"an event's status is CONFIRMED, TENTATIVE or CANCELLED");
    return ICAL_STATUS_NONE;
}

/* Instants are written in UTC: a subscriber then needs no VTIMEZONE to place them. */
static struct icaltimetype utc(int64_t t)
{
    return icaltime_from_timet_with_zone((time_t)t, 0, icaltimezone_get_utc_timezone());
}

/* An extension property such as X-WR-CALNAME. libical 3 escapes backslashes and newlines
 * in an X- value but not commas or semicolons (it cannot know the value's type). */
static icalproperty *x_property(const char *name, const char *value)
{
    icalproperty *p = icalproperty_new_x(value);
    icalproperty_set_x_name(p, name);
    return p;
}

static icalcomponent *vevent(const struct ical_event *e)
{
    assert(e->uid && "an event has a UID");
    icalcomponent *c = icalcomponent_new_vevent();
    icalcomponent_add_property(c, icalproperty_new_uid(e->uid));
    icalcomponent_add_property(c, icalproperty_new_dtstamp(utc(e->stamp)));
    icalcomponent_add_property(c, icalproperty_new_lastmodified(utc(e->stamp)));
    icalcomponent_add_property(c, icalproperty_new_dtstart(utc(e->start)));
    icalcomponent_add_property(c, icalproperty_new_dtend(utc(e->end)));
    icalcomponent_add_property(c, icalproperty_new_summary(e->summary ? e->summary : ""));
    if (e->location)
        icalcomponent_add_property(c, icalproperty_new_location(e->location));
    if (e->description)
        icalcomponent_add_property(c, icalproperty_new_description(e->description));
    if (e->status)
        icalcomponent_add_property(c, icalproperty_new_status(status_of(e->status)));
    int seq = e->sequence < 0 ? 0 : e->sequence > INT_MAX ? INT_MAX : (int)e->sequence;
    icalcomponent_add_property(c, icalproperty_new_sequence(seq));
    return c;
}

void ical_write(struct buf *b, const char *name, const struct ical_event *ev, size_t n)
{
    icalcomponent *cal = icalcomponent_new_vcalendar();
    icalcomponent_add_property(cal, icalproperty_new_prodid("-//louyu//louyu//ZH"));
    icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
    icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
    icalcomponent_add_property(cal, icalproperty_new_method(ICAL_METHOD_PUBLISH));
    icalcomponent_add_property(cal, x_property("X-WR-CALNAME", name ? name : ""));
    icalcomponent_add_property(cal, x_property("X-WR-TIMEZONE", "Asia/Shanghai"));
    for (size_t i = 0; i < n; i++)
        icalcomponent_add_component(cal, vevent(&ev[i]));

    /* The _r variant hands us the string; the plain one leaves it in libical's
     * per-thread ring of temporary buffers, alive until that ring wraps around. */
    char *text = icalcomponent_as_ical_string_r(cal);
    icalcomponent_free(cal);
    if (!text)
        abort(); /* out of memory, as arena_alloc() treats it */
    buf_puts(b, text);
    icalmemory_free_buffer(text);
}
