/* Unit tests for fair host rotation (domain/rotation.c). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "domain/rotation.h"
#include "unit.h"

#define DAY0 20454 /* 2026-01-01: the first date scheduled in each test */

/* A series being scheduled, one date a day from DAY0. */
struct series {
    struct arena *a;
    struct rotation r;
    int64_t day; /* the next date to schedule */
};

static struct series series_new(struct arena *a, const int64_t *hosts, size_t n)
{
    return (struct series){a, {hosts, n, NULL, 0}, DAY0};
}

/* Schedules the next n dates, with the absences given as (host, date index from DAY0). */
static size_t next(struct series *s, size_t n, const struct rotation_absence *absent,
                   size_t nabsent, int64_t *out)
{
    struct rotation_absence *abs = arena_alloc(s->a, (nabsent + 1) * sizeof(*abs));
    int64_t *days = arena_alloc(s->a, (n + 1) * sizeof(*days));
    for (size_t i = 0; i < nabsent; i++)
        abs[i] = (struct rotation_absence){absent[i].host, DAY0 + absent[i].day};
    for (size_t i = 0; i < n; i++)
        days[i] = s->day++;
    return rotation_assign(s->a, &s->r, days, n, abs, nabsent, out);
}

/* Whether got[0..n) is want[0..n); prints both when not. */
static bool same(const int64_t *got, const int64_t *want, size_t n)
{
    if (memcmp(got, want, n * sizeof(*got)) == 0)
        return true;
    fprintf(stderr, "rotation: got ");
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, " %lld", (long long)got[i]);
    fprintf(stderr, "\n          want");
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, " %lld", (long long)want[i]);
    fprintf(stderr, "\n");
    return false;
}

static void test_round_robin(struct arena *a)
{
    static const int64_t hosts[] = {11, 12, 13};
    int64_t out[7];
    struct series s = series_new(a, hosts, 3);
    CHECK(next(&s, 7, NULL, 0, out) == 0);
    CHECK(same(out, (int64_t[]){11, 12, 13, 11, 12, 13, 11}, 7));
    /* The state: 12 and 13 owe round 3, 11 has run it and waits at the back. */
    CHECK(s.r.nline == 3);
    CHECK(s.r.line[0].host == 12 && s.r.line[0].next_round == 3 && s.r.line[0].place == 1);
    CHECK(s.r.line[1].host == 13 && s.r.line[1].next_round == 3 && s.r.line[1].place == 2);
    CHECK(s.r.line[2].host == 11 && s.r.line[2].next_round == 4 && s.r.line[2].place == 3);

    /* Scheduling in parts, the state stored between them, gives the same. */
    struct series t = series_new(a, hosts, 3);
    CHECK(next(&t, 3, NULL, 0, out) == 0);
    CHECK(next(&t, 4, NULL, 0, out + 3) == 0);
    CHECK(same(out, (int64_t[]){11, 12, 13, 11, 12, 13, 11}, 7));
}

static void test_skipped_host_gets_next_date(struct arena *a)
{
    static const int64_t hosts[] = {1, 2, 3, 4};
    int64_t out[12];
    /* 2 cannot on the second date: 3 takes it, 2 the next; the line keeps the swap. */
    struct series s = series_new(a, hosts, 4);
    CHECK(next(&s, 8, (struct rotation_absence[]){{2, 1}}, 1, out) == 0);
    CHECK(same(out, (int64_t[]){1, 3, 2, 4, 1, 3, 2, 4}, 8));

    /* 2 cannot on dates 1-3: on date 3 nobody else owes round 1, so 1 hosts it as its turn
     * of round 2; 2 hosts its round-1 turn on date 4, and its round-2 turn in line after
     * 3 and 4. Every host hosts three times in twelve dates. */
    struct series t = series_new(a, hosts, 4);
    CHECK(next(&t, 12, (struct rotation_absence[]){{2, 1}, {2, 2}, {2, 3}}, 3, out) == 0);
    CHECK(same(out, (int64_t[]){1, 3, 4, 1, 2, 3, 4, 2, 1, 3, 4, 2}, 12));
}

static void test_long_absence(struct arena *a)
{
    static const int64_t hosts[] = {1, 2, 3, 4};
    struct rotation_absence away[20];
    int64_t out[27];
    for (int i = 0; i < 20; i++)
        away[i] = (struct rotation_absence){3, i};
    /* 3 is away for 20 dates: the others go on in turn; back, 3 hosts first (its claim),
     * then its turn of the round in progress, after 4 who owes it too; never a string of
     * turns to make up the rounds it missed. */
    struct series s = series_new(a, hosts, 4);
    CHECK(next(&s, 27, away, 20, out) == 0);
    CHECK(same(out, (int64_t[]){1, 2, 4, 1, 2, 4, 1, 2, 4, 1, 2, 4, 1, 2,
                                4, 1, 2, 4, 1, 2, 3, 4, 3, 1, 2, 4, 3},
               27));
    for (size_t i = 0; i < s.r.nline; i++)
        CHECK(s.r.line[i].next_round == s.r.line[0].next_round);
}

static void test_join_and_leave(struct arena *a)
{
    static const int64_t before[] = {1, 2, 3, 4}, after[] = {1, 3, 4, 5},
                         reordered[] = {5, 4, 3, 1}, back[] = {1, 3, 4, 5, 2};
    int64_t out[5];
    struct series s = series_new(a, before, 4);
    CHECK(next(&s, 2, NULL, 0, out) == 0);
    CHECK(same(out, (int64_t[]){1, 2}, 2));
    struct rotation saved = s.r;

    /* 2 leaves and 5 joins mid-round: 5 hosts after 3 and 4, who were waiting, and before
     * 1's second turn; 2's standing is dropped. */
    s.r.hosts = after;
    CHECK(next(&s, 5, NULL, 0, out) == 0);
    CHECK(same(out, (int64_t[]){3, 4, 5, 1, 3}, 5));
    CHECK(s.r.nline == 4);
    for (size_t i = 0; i < s.r.nline; i++)
        CHECK(s.r.line[i].host != 2);

    /* The state is keyed by host id: the series' order does not move anyone in line. */
    struct series t = {a, saved, DAY0 + 2};
    t.r.hosts = reordered;
    CHECK(next(&t, 5, NULL, 0, out) == 0);
    CHECK(same(out, (int64_t[]){3, 4, 5, 1, 3}, 5));

    /* 2 comes back: new again, it joins round 2 at the back of the line. */
    s.r.hosts = back;
    s.r.n = 5;
    CHECK(next(&s, 5, NULL, 0, out) == 0);
    CHECK(same(out, (int64_t[]){4, 5, 2, 1, 3}, 5));

    /* The only host owing the round leaves: the round is over. */
    static const int64_t three[] = {1, 2, 3};
    struct series u = series_new(a, three, 3);
    CHECK(next(&u, 2, NULL, 0, out) == 0);
    u.r.n = 2;
    CHECK(next(&u, 4, NULL, 0, out) == 0);
    CHECK(same(out, (int64_t[]){1, 2, 1, 2}, 4));
}

static void test_nobody_available(struct arena *a)
{
    static const int64_t hosts[] = {1, 2, 3};
    int64_t out[5];
    /* Everyone away on date 1 (twice over, and a stranger too): no host; nobody's turn or
     * place changes. */
    struct series s = series_new(a, hosts, 3);
    CHECK(next(&s, 5, (struct rotation_absence[]){{2, 1}, {1, 1}, {3, 1}, {2, 1}, {9, 1}}, 5,
               out) == 1);
    CHECK(same(out, (int64_t[]){1, 0, 2, 3, 1}, 5));

    /* A series without hosts. */
    struct series none = series_new(a, NULL, 0);
    CHECK(next(&none, 3, NULL, 0, out) == 3);
    CHECK(same(out, (int64_t[]){0, 0, 0}, 3));
    CHECK(none.r.nline == 0);
}

#define NH 15   /* hosts */
#define ND 1000 /* dates */

static bool away[ND][NH]; /* away[d][g]: host g cannot on date d */

/*
 * The checker reads only the history (who hosted each date) and the absences; it knows
 * nothing of next rounds and places. A host's k-th turn is its turn of round k (at this
 * rate of absence no host falls a round behind the others: the spread check shows it).
 * Host g's claim comes before h's when g has had fewer turns, or as many and has waited
 * longer (its last turn earlier; never, in the series' order).
 */
struct checker {
    int turns[NH];
    long last[NH];   /* date of the last turn, -1 for none */
    bool missed[NH]; /* was skipped while unavailable and has not hosted since */
    long borrowed;   /* turns taken of a later round while a host owing the earlier was away */
    long misses;     /* hosts skipped because they were away */
    long claims;     /* hosts that hosted after being skipped */
    long bad_fill;   /* a date with a host available left empty, or given to one away */
    long bad_round;  /* a turn of a later round while an available host owed an earlier one */
    long bad_claim;  /* a skipped host available, and a host with no prior claim hosting */
    long bad_spread; /* turns of two hosts more than two apart */
};

static bool claim_before(const struct checker *c, int g, int h)
{
    if (c->turns[g] != c->turns[h])
        return c->turns[g] < c->turns[h];
    if (c->last[g] != c->last[h])
        return c->last[g] < c->last[h];
    return g < h;
}

static void check_date(struct checker *c, const int64_t *hosts, long d, int64_t got)
{
    int h = -1;
    bool anyone = false;
    for (int g = 0; g < NH; g++) {
        anyone |= !away[d][g];
        if (hosts[g] == got)
            h = g;
    }
    if (h < 0 || away[d][h]) {
        c->bad_fill += got != 0 || anyone;
        return;
    }
    bool forced = false;
    for (int g = 0; g < NH; g++) {
        if (g == h)
            continue;
        if (c->turns[g] < c->turns[h]) { /* g owes a round before the one h takes */
            c->bad_round += !away[d][g];
            forced = true;
        }
        if (away[d][g] && claim_before(c, g, h)) {
            c->misses += !c->missed[g];
            c->missed[g] = true;
        } else if (!away[d][g] && c->missed[g] && !claim_before(c, h, g))
            c->bad_claim++;
    }
    c->borrowed += forced;
    c->claims += c->missed[h];
    c->missed[h] = false;
    c->turns[h]++;
    c->last[h] = d;
    int lo = c->turns[0], hi = c->turns[0];
    for (int g = 1; g < NH; g++) {
        lo = c->turns[g] < lo ? c->turns[g] : lo;
        hi = c->turns[g] > hi ? c->turns[g] : hi;
    }
    c->bad_spread += hi - lo > 2;
}

static void test_many_rounds(struct arena *a)
{
    int64_t hosts[NH];
    for (int g = 0; g < NH; g++)
        hosts[g] = 101 + g;
    /* About one host in five away on each date, from a fixed seed. */
    uint64_t x = 20201202;
    size_t nabsent = 0;
    struct rotation_absence *absent = arena_alloc(a, ND * NH * sizeof(*absent));
    for (long d = 0; d < ND; d++)
        for (int g = 0; g < NH; g++) {
            x = x * 6364136223846793005u + 1442695040888963407u;
            away[d][g] = (x >> 33) % 5 == 0;
            if (away[d][g])
                absent[nabsent++] = (struct rotation_absence){hosts[g], d};
        }
    CHECK(nabsent > ND * NH / 6 && nabsent < ND * NH / 4);

    static int64_t out[ND], parts[ND];
    struct series s = series_new(a, hosts, NH);
    CHECK(next(&s, ND, absent, nabsent, out) == 0);

    /* The same in parts of 1, 2, 3, ... dates, the state stored between them in reverse. */
    struct series t = series_new(a, hosts, NH);
    for (size_t done = 0, part = 1; done < ND; done += part, part++) {
        if (part > ND - done)
            part = ND - done;
        struct rotation_host *stored = arena_alloc(a, NH * sizeof(*stored));
        for (size_t i = 0; i < t.r.nline; i++)
            stored[i] = t.r.line[t.r.nline - 1 - i];
        t.r.line = stored;
        next(&t, part, absent, nabsent, parts + done);
    }
    CHECK(same(parts, out, ND));

    struct checker c = {0};
    for (int g = 0; g < NH; g++)
        c.last[g] = -1;
    for (long d = 0; d < ND; d++)
        check_date(&c, hosts, d, out[d]);
    CHECK(c.bad_fill == 0);
    CHECK(c.bad_round == 0);
    CHECK(c.bad_claim == 0);
    CHECK(c.bad_spread == 0);
    /* The test saw what it is about: rounds closed by a host from the next one, and hosts
     * skipped that later made up their turn. */
    CHECK(c.borrowed > 10);
    CHECK(c.misses > 100);
    CHECK(c.claims > 100);
    int lo = ND, hi = 0;
    for (int g = 0; g < NH; g++) {
        lo = c.turns[g] < lo ? c.turns[g] : lo;
        hi = c.turns[g] > hi ? c.turns[g] : hi;
    }
    CHECK(lo >= ND / NH - 1 && hi <= ND / NH + 2);
}

void test_rotation(void)
{
    struct arena *a = arena_new(0);
    test_round_robin(a);
    test_skipped_host_gets_next_date(a);
    test_long_absence(a);
    test_join_and_leave(a);
    test_nobody_available(a);
    test_many_rounds(a);
    arena_free(a);
}
