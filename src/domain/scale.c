/* The sizes of generated networks, their layout, and the one transaction that loads one
 * (see scale.h). */
#include "domain/scale.h"

#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/timefmt.h"
#include "domain/scale_world.h"
#include "domain/users.h"

/* A city: the CBD's network grown to every tower of the district (DOMAIN.md's ten-minute
 * walk: a station in every fourth tower). A district is a tenth of it, a town (for the
 * tests) a hundredth. */
static const struct scale_size sizes[] = {
    {"town", 1, 20, 5, 29, 3000, 10000, 500, 30000, 30},
    {"district", 1, 200, 50, 299, 30000, 100000, 5000, 300000, 300},
    {"city", 10, 2000, 500, 2990, 300000, 1000000, 50000, 3000000, 3000},
};

const struct scale_size *scale_size_find(const char *name)
{
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
        if (strcmp(sizes[i].name, name) == 0)
            return &sizes[i];
    return NULL;
}

/* The ids the network follows, and its root: the demo's district department. */
static int bases(struct world *w, struct db *db, struct arena *a, struct error *err)
{
    struct db_stmt *st = db_stmt(db, Q_SCALE_BASES, err);
    if (st == NULL)
        return -1;
    enum db_step s = db_step(st, err);
    if (s == DB_FAIL)
        return -1;
    if (s == DB_DONE)
        return error_set(err, ERR_INVALID,
                         "the database has no district department to add the "
                         "network under: load the demo first");
    int64_t *id[] = {&w->b0, &w->o0,  &w->s0, &w->r0,  &w->m0, &w->u0,
                     &w->g0, &w->bk0, &w->a0, &w->rg0, &w->c0, &w->root_org};
    for (int i = 0; i < (int)(sizeof(id) / sizeof(id[0])); i++)
        *id[i] = db_col_int(st, i);
    w->root_path = arena_strdup(a, db_col_text(st, 12, NULL));
    return db_exec(st, err);
}

/* Branches: the first committees get two, the rest one. Members: spread over the branches
 * by weight (40 to 160 in a branch of the city), exactly as many as the size says. */
static void layout(struct world *w, struct arena *a)
{
    const struct scale_size *z = w->size;
    w->branch_first = arena_alloc(a, sizeof(int) * (size_t)(z->towers + 1));
    w->member_first = arena_alloc(a, sizeof(int64_t) * (size_t)(z->branches + 1));
    int twos = z->branches - z->towers;
    for (int c = 0, k = 0; c <= z->towers; c++) {
        w->branch_first[c] = k;
        k += c < twos ? 2 : 1;
    }
    double total = 0, sum = 0;
    for (int k = 0; k < z->branches; k++)
        total += 0.4 + 1.2 * sc_unit(sc_hash(w, R_ORG, (uint64_t)k));
    for (int k = 0; k < z->branches; k++) {
        w->member_first[k] = (int64_t)((double)z->people * sum / total);
        sum += 0.4 + 1.2 * sc_unit(sc_hash(w, R_ORG, (uint64_t)k));
    }
    w->member_first[z->branches] = z->people;
}

struct load {
    struct world *w;
    struct arena *a;
};

static int load(struct db *db, void *ctx, struct error *err)
{
    struct load *l = ctx;
    if (bases(l->w, db, l->a, err) != 0)
        return -1;
    layout(l->w, l->a);
    if (scale_places(l->w, db, err) || scale_people(l->w, db, err) || scale_calendar(l->w, db, err))
        return -1;
    return 0;
}

int scale_generate(struct db *db, const struct scale_size *size, uint64_t seed, int64_t anchor_day,
                   const char *password, struct scale_counts *out, struct error *err)
{
    char hash[128];
    if (password_hash(password, hash) != 0)
        return error_set(err, ERR_INTERNAL, "cannot hash the password of the generated users");
    memset(out, 0, sizeof(*out));
    struct world w = {
        .size = size,
        .seed = seed,
        .now = time_now(),
        .anchor = anchor_day,
        .day0 = anchor_day - 4 * 365 - 1,
        .ndays = 5 * 365 + 1,
        .step = size->towers / size->stations,
        .password_hash = hash,
        .counts = out,
    };
    struct arena *a = arena_new(1 << 16);
    struct load l = {&w, a};
    int rc = db_transact(db, DB_WRITE, load, &l, err);
    arena_free(a);
    return rc;
}
