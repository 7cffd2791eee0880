/*
 * The shared life cycle of records. Every write runs in one write
 * transaction that also re-reads what it checks, so a rule checked here
 * cannot be broken by a concurrent writer between the check and the commit;
 * the access policy is asked inside that transaction too, and the audit
 * record is written in it.
 */
#include "domain/entity.h"

#include <string.h>

#include "core/arena.h"
#include "core/timefmt.h"
#include "domain/audit.h"

static int redact_all(struct db *db, struct arena *a, const struct caller *c,
                      const struct entity *e, void **recs, size_t n, struct error *err);

const struct caller entity_cli_caller = {.user_id = 0, .username = "cli", .admin = true};

static const struct field *field_named(const struct table *t, const char *name)
{
    int i = fields_find(t, name);
    return i < 0 ? NULL : &t->fields[i];
}

int64_t entity_id(const struct entity *e, const void *rec)
{
    return *FIELD_CPTR(rec, field_named(e->table, "id"), int64_t);
}

int64_t entity_version(const struct entity *e, const void *rec)
{
    return *FIELD_CPTR(rec, field_named(e->table, "version"), int64_t);
}

void *entity_get(struct db *db, struct arena *a, const struct entity *e, int64_t id,
                 struct error *err)
{
    struct db_stmt *st = db_stmt(db, e->get, err);
    if (st == NULL)
        return NULL;
    db_bind_int(st, 1, id);
    enum db_step r = db_step(st, err);
    if (r == DB_FAIL)
        return NULL;
    if (r == DB_DONE) {
        error_set(err, ERR_NOT_FOUND, "no %s with id %lld", e->name, (long long)id);
        return NULL;
    }
    void *rec = arena_alloc(a, e->table->size);
    rows_read(st, a, e->table, rec);
    db_step(st, err); /* finishes the statement so it holds no read lock */
    return rec;
}

/* Asks the policy about rec; 0 when allowed, else -1 with err filled. */
static int allowed(struct db *db, struct arena *a, const struct caller *c, const struct entity *e,
                   enum action act, const void *rec, int64_t id, struct target *t,
                   struct error *err)
{
    memset(t, 0, sizeof(*t));
    if (e->target && e->target(db, a, rec, t, err) != 0)
        return -1;
    enum verdict v = policy_decide(c, e, act, t);
    /* Nothing exists yet whose existence could leak: a refused create is a plain 403. */
    if (act == ACT_CREATE && v == DENY_HIDDEN)
        v = DENY;
    return policy_refuse(v, e, id, err);
}

/* Records read in full by someone who is a person (not the command line). */
struct views {
    struct arena *a;
    const struct caller *c;
    const struct entity *e;
    void **recs;
    size_t n;
};

static int views_txn(struct db *db, void *ctx, struct error *err)
{
    struct views *v = ctx;
    for (size_t i = 0; i < v->n; i++) {
        struct target t;
        memset(&t, 0, sizeof(t));
        if (v->e->target(db, v->a, v->recs[i], &t, err) != 0 ||
            audit_record(db, v->a, v->c, v->e, entity_id(v->e, v->recs[i]), "view", &t, NULL, NULL,
                         err) != 0)
            return -1;
    }
    return 0;
}

/* Redacts each record the caller does not manage, and records the views of the others. */
static int redact_all(struct db *db, struct arena *a, const struct caller *c,
                      const struct entity *e, void **recs, size_t n, struct error *err)
{
    if (e->redact == NULL)
        return 0;
    struct views v = {a, c, e, arena_alloc(a, sizeof(void *) * (n ? n : 1)), 0};
    for (size_t i = 0; i < n; i++) {
        struct target t;
        memset(&t, 0, sizeof(t));
        if (e->target && e->target(db, a, recs[i], &t, err) != 0)
            return -1;
        if (policy_decide(c, e, ACT_UPDATE, &t) != ALLOW)
            e->redact(recs[i]);
        else
            v.recs[v.n++] = recs[i];
    }
    if (v.n == 0 || c == NULL || c->user_id == 0)
        return 0;
    return db_transact(db, DB_WRITE, views_txn, &v, err);
}

void *entity_read(struct db *db, struct arena *a, const struct caller *c, const struct entity *e,
                  int64_t id, struct error *err)
{
    struct target t;
    void *rec = entity_get(db, a, e, id, err);
    if (rec == NULL || allowed(db, a, c, e, ACT_READ, rec, id, &t, err) != 0 ||
        redact_all(db, a, c, e, &rec, 1, err) != 0)
        return NULL;
    return rec;
}

int entity_list(struct db *db, struct arena *a, const struct caller *c, const struct entity *e,
                struct list_query *lq, void ***items, size_t *n, int64_t *next, struct error *err)
{
    if (policy_refuse(policy_decide(c, e, ACT_READ, NULL), e, 0, err) != 0)
        return -1;
    if (e->list_scoped) {
        /* Everyone but an admin sees what their grants cover. */
        struct filter_value *scope = &lq->filters[lq->nfilters++];
        *scope = (struct filter_value){.type = FT_REF};
        if (!(c && c->admin))
            scope->present = true, scope->i = c ? c->user_id : 0;
    }
    struct db_stmt *st = db_stmt(db, e->list, err);
    if (st == NULL)
        return -1;
    rows_bind_list(st, a, lq);
    void **out = arena_alloc(a, sizeof(void *) * ((size_t)lq->limit + 1));
    size_t count = 0;
    enum db_step r;
    while ((r = db_step(st, err)) == DB_ROW) {
        out[count] = arena_alloc(a, e->table->size);
        rows_read(st, a, e->table, out[count]);
        count++;
    }
    if (r == DB_FAIL)
        return -1;
    *next = 0;
    if (count > (size_t)lq->limit) {
        count = (size_t)lq->limit;
        *next = entity_id(e, out[count - 1]);
    }
    *items = out;
    *n = count;
    return lq->shows_nothing_personal ? 0 : redact_all(db, a, c, e, out, count, err);
}

int entity_check_refs(struct db *db, struct arena *a, const struct entity *e, const void *rec,
                      struct error *err)
{
    size_t before = err->nfields;
    for (size_t i = 0; i < e->nrefs; i++) {
        const struct reference *ref = &e->refs[i];
        int fi = fields_find(e->table, ref->field);
        if (rec_is_null(rec, (size_t)fi))
            continue;
        int64_t target = *FIELD_CPTR(rec, &e->table->fields[fi], int64_t);
        struct db_stmt *st = db_stmt(db, ref->get, err);
        if (st == NULL)
            return -1;
        db_bind_int(st, 1, target);
        enum db_step r = db_step(st, err);
        if (r == DB_FAIL)
            return -1;
        if (r == DB_DONE)
            error_field(err, ERR_RULE, arena_printf(a, "/%s", ref->field), "no %s with id %lld",
                        ref->target, (long long)target);
        else
            db_step(st, err);
    }
    if (err->nfields > before) {
        err->kind = ERR_RULE;
        err->detail = arena_printf(a, "the %s refers to something that does not exist", e->name);
        return -1;
    }
    return 0;
}

static int check_all(struct db *db, struct arena *a, const struct entity *e, const void *rec,
                     struct error *err)
{
    if (entity_check_refs(db, a, e, rec, err) != 0)
        return -1;
    return e->check ? e->check(db, rec, err) : 0;
}

/* The database's own constraints are the last line of defence: their messages name
 * tables and columns, which are no business of a client. */
static int constraint(const struct entity *e, struct error *err)
{
    if (err->kind == ERR_CONFLICT && err->nfields == 0)
        error_set(err, ERR_CONFLICT,
                  "the %s conflicts with another record: a duplicate, or something it refers to "
                  "was changed meanwhile",
                  e->name);
    return -1;
}

static int64_t insert(struct db *db, const struct entity *e, const void *rec, struct error *err)
{
    struct db_stmt *st = db_stmt(db, e->insert, err);
    if (st == NULL)
        return -1;
    int idx = rows_bind(st, e->table, rec);
    db_bind_int(st, idx, time_now());
    if (db_step(st, err) != DB_ROW)
        return err->kind ? constraint(e, err)
                         : error_set(err, ERR_INTERNAL, "insert returned no id");
    int64_t id = db_col_int(st, 0);
    return db_exec(st, err) == 0 ? id : -1;
}

/* What one write transaction works on, so that db_transact() can run it again. */
struct write {
    struct arena *a;
    const struct caller *c;
    const struct entity *e;
    int64_t id;
    const void *rec; /* the record to create, or the patch to apply */
    void *stored;    /* the record as stored afterwards */
};

/* Reads back what was written, runs the after-write hook and records the audit entry. */
static int finish(struct db *db, struct write *w, const char *action, const void *before,
                  const struct target *t, struct error *err)
{
    w->stored = entity_get(db, w->a, w->e, w->id, err);
    if (w->stored == NULL)
        return -1;
    if (w->e->after_write) {
        /* The hook may change the row (an organisation's path): read it once more. */
        if (w->e->after_write(db, w->a, before, w->stored, err) != 0 ||
            (w->stored = entity_get(db, w->a, w->e, w->id, err)) == NULL)
            return -1;
    }
    return audit_record(db, w->a, w->c, w->e, w->id, action, t, before, w->stored, err);
}

static int create_txn(struct db *db, void *ctx, struct error *err)
{
    struct write *w = ctx;
    struct target t;
    /* Access first: a refused caller learns nothing about which ids exist. */
    if (allowed(db, w->a, w->c, w->e, ACT_CREATE, w->rec, 0, &t, err) != 0 ||
        check_all(db, w->a, w->e, w->rec, err) != 0 || (w->id = insert(db, w->e, w->rec, err)) < 0)
        return -1;
    return finish(db, w, "create", NULL, &t, err);
}

void *entity_create(struct db *db, struct arena *a, const struct caller *c, const struct entity *e,
                    const void *rec, struct error *err)
{
    struct write w = {a, c, e, 0, rec, NULL};
    return db_transact(db, DB_WRITE, create_txn, &w, err) == 0 ? w.stored : NULL;
}

static int stale(const struct entity *e, int64_t have, int64_t sent, struct error *err)
{
    return error_set(err, ERR_CONFLICT,
                     "the %s was changed by someone else (version %lld, you sent %lld): "
                     "reload it and apply your change again",
                     e->name, (long long)have, (long long)sent);
}

static int update(struct db *db, const struct entity *e, int64_t id, const void *rec,
                  int64_t version, struct error *err)
{
    struct db_stmt *st = db_stmt(db, e->update, err);
    if (st == NULL)
        return -1;
    int idx = rows_bind(st, e->table, rec);
    db_bind_int(st, idx++, time_now());
    db_bind_int(st, idx++, id);
    db_bind_int(st, idx, version);
    if (db_exec(st, err) != 0)
        return constraint(e, err);
    /* Another writer got in between the read and the write (possible where the database
     * does not serialise writers as SQLite does). */
    return db_changes(st) == 1 ? 0 : stale(e, version + 1, version, err);
}

/* Where rec is placed: the target it would have as a new record (its organisation, its
 * parent, its station), which is what creating it there needs. */
static int placement(struct db *db, struct arena *a, const struct entity *e, const void *rec,
                     struct target *t, struct error *err)
{
    memset(t, 0, sizeof(*t));
    if (e->target == NULL)
        return 0;
    void *copy = arena_alloc(a, e->table->size);
    memcpy(copy, rec, e->table->size);
    *FIELD_PTR(copy, field_named(e->table, "id"), int64_t) = 0;
    return e->target(db, a, copy, t, err);
}

static bool same_target(const struct target *x, const struct target *y)
{
    if (x->station_id != y->station_id || x->npaths != y->npaths)
        return false;
    for (size_t i = 0; i < x->npaths; i++)
        if (strcmp(x->paths[i], y->paths[i]) != 0)
            return false;
    return true;
}

/* Moving a record elsewhere (another organisation, parent or station) takes the right to
 * create it there, not only to edit it here. */
static int may_move(struct db *db, struct write *w, const void *before, const void *now,
                    struct error *err)
{
    struct target was, to;
    if (placement(db, w->a, w->e, before, &was, err) != 0 ||
        placement(db, w->a, w->e, now, &to, err) != 0)
        return -1;
    if (same_target(&was, &to))
        return 0;
    enum verdict v = policy_decide(w->c, w->e, ACT_CREATE, &to);
    return policy_refuse(v == DENY_HIDDEN ? DENY : v, w->e, w->id, err);
}

static int update_txn(struct db *db, void *ctx, struct error *err)
{
    struct write *w = ctx;
    struct target t;
    if (w->e->lock && w->e->lock(db, w->id, err) != 0)
        return -1;
    void *rec = entity_get(db, w->a, w->e, w->id, err);
    if (rec == NULL || allowed(db, w->a, w->c, w->e, ACT_UPDATE, rec, w->id, &t, err) != 0)
        return -1;
    int64_t have = entity_version(w->e, rec), sent = entity_version(w->e, w->rec);
    if (have != sent)
        return stale(w->e, have, sent, err);
    void *before = arena_alloc(w->a, w->e->table->size);
    memcpy(before, rec, w->e->table->size);
    fields_overlay(w->e->table, rec, w->rec);
    /* The changed record must still be the caller's to change (no moving it out of reach). */
    if (check_all(db, w->a, w->e, rec, err) != 0 || may_move(db, w, before, rec, err) != 0 ||
        allowed(db, w->a, w->c, w->e, ACT_UPDATE, rec, w->id, &t, err) != 0 ||
        update(db, w->e, w->id, rec, have, err) != 0)
        return -1;
    return finish(db, w, "update", before, &t, err);
}

void *entity_update(struct db *db, struct arena *a, const struct caller *c, const struct entity *e,
                    int64_t id, const void *patch, struct error *err)
{
    struct write w = {a, c, e, id, patch, NULL};
    enum db_txn kind = e->lock ? DB_WRITE_LOCKING : DB_WRITE;
    return db_transact(db, kind, update_txn, &w, err) == 0 ? w.stored : NULL;
}

static int64_t count_dependants(struct db *db, const struct entity *e, int64_t id,
                                struct error *err)
{
    struct db_stmt *st = db_stmt(db, e->dependants, err);
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, id);
    enum db_step r = db_step(st, err);
    if (r == DB_FAIL)
        return -1;
    int64_t n = r == DB_ROW ? db_col_int(st, 0) : 0;
    return db_exec(st, err) == 0 ? n : -1;
}

static int delete_txn(struct db *db, void *ctx, struct error *err)
{
    struct write *w = ctx;
    struct target t;
    int64_t n;
    void *rec = entity_get(db, w->a, w->e, w->id, err);
    if (rec == NULL || allowed(db, w->a, w->c, w->e, ACT_DELETE, rec, w->id, &t, err) != 0 ||
        (n = count_dependants(db, w->e, w->id, err)) < 0)
        return -1;
    if (n > 0)
        return error_set(err, ERR_CONFLICT, "%s %lld still has %lld %s: delete or move them first",
                         w->e->name, (long long)w->id, (long long)n, w->e->dependants_what);
    struct db_stmt *st = db_stmt(db, w->e->del, err);
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, w->id);
    if (db_exec(st, err) != 0)
        return -1;
    return audit_record(db, w->a, w->c, w->e, w->id, "delete", &t, rec, NULL, err);
}

int entity_delete(struct db *db, struct arena *a, const struct caller *c, const struct entity *e,
                  int64_t id, struct error *err)
{
    struct write w = {a, c, e, id, NULL, NULL};
    return db_transact(db, DB_WRITE, delete_txn, &w, err);
}
