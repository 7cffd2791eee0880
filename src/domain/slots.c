/* Free time of a room, from opening hours, bookings and closures. */
#include "domain/slots.h"

#include <stdint.h>
#include <stdlib.h>

#include "core/timefmt.h"
#include "domain/hours.h"

#define LOCAL_OFFSET ((int64_t)TIME_LOCAL_OFFSET_MIN * 60)

static int64_t floor_div(int64_t a, int64_t b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

size_t slots_open(const struct week_hours *h, int64_t from, int64_t to, struct interval *out,
                  size_t cap)
{
    size_t n = 0;
    int64_t last_end = INT64_MIN; /* of the n-th interval, written or not */
    if (to <= from)
        return 0;
    int64_t first = floor_div(from + LOCAL_OFFSET, 86400),
            last = floor_div(to + LOCAL_OFFSET, 86400);
    for (int64_t day = first; day <= last; day++) {
        int64_t midnight = day * 86400 - LOCAL_OFFSET;
        int weekday = day_of_week(day);
        for (int i = 0; i < h->n; i++) {
            const struct span *s = &h->spans[i];
            if (s->day != weekday)
                continue;
            int64_t a = midnight + s->open_min * 60, b = midnight + s->close_min * 60;
            if (a < from)
                a = from;
            if (b > to)
                b = to;
            if (b <= a)
                continue;
            if (n > 0 && last_end == a) { /* open across midnight: one opening */
                if (n <= cap)
                    out[n - 1].end = b;
            } else {
                if (n < cap)
                    out[n] = (struct interval){a, b};
                n++;
            }
            last_end = b;
        }
    }
    return n;
}

size_t slots_subtract(const struct interval *open, size_t nopen, const struct interval *busy,
                      size_t nbusy, int64_t min_len, struct interval *out, size_t cap)
{
    size_t n = 0, j = 0;
    for (size_t i = 0; i < nopen; i++) {
        int64_t cur = open[i].start, end = open[i].end;
        /* busy intervals that ended before this one began matter to no later one either */
        while (j < nbusy && busy[j].end <= cur)
            j++;
        for (size_t k = j; k < nbusy && busy[k].start < end && cur < end; k++) {
            if (busy[k].end <= cur)
                continue;
            if (busy[k].start > cur && busy[k].start - cur >= min_len && n < cap)
                out[n++] = (struct interval){cur, busy[k].start};
            if (busy[k].end > cur)
                cur = busy[k].end;
        }
        if (end > cur && end - cur >= min_len && n < cap)
            out[n++] = (struct interval){cur, end};
    }
    return n;
}

size_t slots_fit(const struct interval *free, size_t n, int64_t len, int64_t step,
                 int64_t not_before, int64_t *out, size_t cap)
{
    size_t count = 0;
    for (size_t i = 0; i < n && count < cap; i++) {
        int64_t from = free[i].start > not_before ? free[i].start : not_before;
        /* the first grid point at or after 'from', the grid being laid in local time */
        int64_t t = floor_div(from + LOCAL_OFFSET + step - 1, step) * step - LOCAL_OFFSET;
        for (; t + len <= free[i].end && count < cap; t += step)
            out[count++] = t;
    }
    return count;
}

static int by_start(const void *pa, const void *pb)
{
    const struct interval *a = pa, *b = pb;
    return (a->start > b->start) - (a->start < b->start);
}

void slots_sort(struct interval *v, size_t n)
{
    if (n > 1)
        qsort(v, n, sizeof(*v), by_start);
}
