/*
 * iCalendar (RFC 5545) output: a VCALENDAR of events that calendar programs
 * subscribe to. libical builds the text, so escaping, UTF-8-safe line folding
 * and CRLF line ends are its and not ours.
 */
#ifndef LOUYU_CORE_ICAL_H
#define LOUYU_CORE_ICAL_H

#include <stddef.h>
#include <stdint.h>

struct buf;

struct ical_event {
    const char *uid;         /* globally unique, e.g. "booking-42@louyu" */
    int64_t start, end;      /* epoch seconds; written as UTC (…Z) */
    int64_t stamp;           /* DTSTAMP / LAST-MODIFIED: the record's updated_at */
    const char *summary;     /* UTF-8 */
    const char *location;    /* may be NULL */
    const char *description; /* may be NULL */
    const char *status;      /* "CONFIRMED", "TENTATIVE" or "CANCELLED" */
    int64_t sequence;        /* the record's version, so that calendars take updates */
};

/* Appends to b a VCALENDAR named 'name' (X-WR-CALNAME, PRODID "-//louyu//louyu//ZH",
 * VERSION 2.0, CALSCALE GREGORIAN, METHOD PUBLISH, X-WR-TIMEZONE Asia/Shanghai) holding
 * the n events of ev, in order. Strings are borrowed for the call. A status other than
 * the three above is a programmer's mistake (assertion). Cannot fail. */
void ical_write(struct buf *b, const char *name, const struct ical_event *ev, size_t n);

#endif
