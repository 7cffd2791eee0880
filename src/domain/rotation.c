/*
 * Fair host rotation (rotation.h). The line is an array of hosts, front first; each
 * date goes to the available host owing the lowest round, the first such in line. The
 * lowest next round among the hosts is the round in progress; next rounds stay within
 * two of it, so a host is at most a round ahead of the others or a round behind them.
 */
#include "domain/rotation.h"

#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"

/* A host while the saved line is read back: where it stood, and where it is in the series. */
struct entry {
    struct rotation_host h;
    bool joined; /* new to the series: no saved standing */
    size_t order;
};

static int by_place(const void *pa, const void *pb)
{
    const struct entry *a = pa, *b = pb;
    if (a->joined != b->joined)
        return a->joined ? 1 : -1;
    if (!a->joined && a->h.place != b->h.place)
        return a->h.place < b->h.place ? -1 : 1;
    return a->order < b->order ? -1 : a->order > b->order;
}

static int by_day_host(const void *pa, const void *pb)
{
    const struct rotation_absence *a = pa, *b = pb;
    if (a->day != b->day)
        return a->day < b->day ? -1 : 1;
    return a->host < b->host ? -1 : a->host > b->host;
}

static const struct rotation_host *saved_standing(const struct rotation *r, int64_t host)
{
    for (size_t i = 0; i < r->nline; i++)
        if (r->line[i].host == host)
            return &r->line[i];
    return NULL;
}

/* The hosts of the series in line order: those with a saved standing by their place, then
 * those new to the series in the series' order, joining the round in progress. */
static struct rotation_host *read_line(struct arena *a, const struct rotation *r)
{
    struct entry *e = arena_alloc(a, (r->n ? r->n : 1) * sizeof(*e));
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (size_t i = 0; i < r->n; i++) {
        assert(r->hosts[i] > 0);
        for (size_t j = 0; j < i; j++)
            assert(r->hosts[j] != r->hosts[i]);
        const struct rotation_host *s = saved_standing(r, r->hosts[i]);
        e[i] = (struct entry){{r->hosts[i], 0, 0}, s == NULL, i};
        if (s) {
            e[i].h = *s;
            lo = s->next_round < lo ? s->next_round : lo;
            hi = s->next_round > hi ? s->next_round : hi;
        }
    }
    /* The round in progress for one who joins: the lowest owed, or the one before the
     * highest when a host lagging a round behind holds the lowest. */
    int64_t joining = lo == INT64_MAX ? 1 : (hi - 1 > lo ? hi - 1 : lo);
    qsort(e, r->n, sizeof(*e), by_place);
    struct rotation_host *line = arena_alloc(a, (r->n ? r->n : 1) * sizeof(*line));
    for (size_t i = 0; i < r->n; i++) {
        line[i] = e[i].h;
        if (e[i].joined)
            line[i].next_round = joining;
        else if (line[i].next_round > lo + 2) /* not stored by us: keep the bound */
            line[i].next_round = lo + 2;
    }
    return line;
}

static bool is_absent(const struct rotation_absence *sorted, size_t n, int64_t day, int64_t host)
{
    struct rotation_absence key = {host, day};
    return n > 0 && bsearch(&key, sorted, n, sizeof(key), by_day_host) != NULL;
}

/* The host for one day, as an index into line: the available one owing the lowest round,
 * the first in line among those; -1 when nobody is available. */
static long pick(const struct rotation_host *line, size_t n, const struct rotation_absence *absent,
                 size_t nabsent, int64_t day)
{
    long best = -1;
    for (size_t i = 0; i < n; i++)
        if ((best < 0 || line[i].next_round < line[best].next_round) &&
            !is_absent(absent, nabsent, day, line[i].host))
            best = (long)i;
    return best;
}

/* Gives line[k] its turn: it owes the next round and goes to the back of the line. A turn
 * two rounds ahead of the lowest is one of the next round for the others: those owing the
 * lowest round (all unavailable) fall behind by no more than a round and lose that turn. */
static int64_t take_turn(struct rotation_host *line, size_t n, size_t k)
{
    int64_t lo = line[0].next_round;
    for (size_t i = 1; i < n; i++)
        lo = line[i].next_round < lo ? line[i].next_round : lo;
    assert(line[k].next_round <= lo + 2);
    if (line[k].next_round == lo + 2)
        for (size_t i = 0; i < n; i++)
            if (line[i].next_round == lo)
                line[i].next_round = lo + 1;
    struct rotation_host h = line[k];
    h.next_round++;
    memmove(&line[k], &line[k + 1], (n - k - 1) * sizeof(*line));
    line[n - 1] = h;
    return h.host;
}

size_t rotation_assign(struct arena *a, struct rotation *r, const int64_t *days, size_t ndays,
                       const struct rotation_absence *absent, size_t nabsent, int64_t *out)
{
    struct rotation_host *line = read_line(a, r);
    struct rotation_absence *sorted = arena_alloc(a, (nabsent ? nabsent : 1) * sizeof(*sorted));
    if (nabsent)
        memcpy(sorted, absent, nabsent * sizeof(*sorted));
    qsort(sorted, nabsent, sizeof(*sorted), by_day_host);

    size_t empty = 0;
    for (size_t i = 0; i < ndays; i++) {
        long k = pick(line, r->n, sorted, nabsent, days[i]);
        if (k < 0) {
            out[i] = 0;
            empty++;
            continue;
        }
        out[i] = take_turn(line, r->n, (size_t)k);
    }
    for (size_t i = 0; i < r->n; i++)
        line[i].place = (int64_t)i + 1;
    r->line = line;
    r->nline = r->n;
    return empty;
}
