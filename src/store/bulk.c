/*
 * The driver-independent side of bulk.h: each table's columns, the row being
 * built, and the count check. The drivers do the loading (sqlite.c, pg.c).
 */
#include "store/bulk.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "store/driver.h"

#define MAX_COLS 24

static const struct bulk_spec specs[BULK__MAX] = {
    [BULK_BUILDINGS] = {"buildings",
                        "id, name, address, latitude, longitude, grade, floors, created_at, "
                        "updated_at",
                        9, true},
    [BULK_ORGS] = {"orgs",
                   "id, parent_id, path, name, kind, building_id, managed, contact_name, "
                   "contact_phone, created_at, updated_at",
                   11, true},
    [BULK_STATIONS] = {"stations",
                       "id, building_id, name, floor, area_m2, org_id, opening_hours, services, "
                       "contact_name, contact_phone, booking_rules, created_at, updated_at",
                       13, true},
    [BULK_ROOMS] = {"rooms",
                    "id, station_id, name, kind, capacity, bookable, created_at, updated_at", 8,
                    true},
    [BULK_MEMBERS] = {"members",
                      "id, name, gender, born_on, phone, branch_id, kind, applied_on, "
                      "activist_on, target_on, admitted_on, full_on, last_report_on, created_at, "
                      "updated_at",
                      15, true},
    [BULK_USERS] = {"users",
                    "id, username, display_name, password_hash, member_id, created_at, updated_at",
                    7, true},
    [BULK_GRANTS] = {"grants", "id, user_id, role, org_id, station_id, created_at, updated_at", 7,
                     true},
    [BULK_BOOKINGS] = {"bookings",
                       "id, room_id, org_id, start_at, end_at, title, attendance, contact_name, "
                       "contact_phone, status, reason, checked_in_at, station_id, created_by, "
                       "version, created_at, updated_at",
                       17, true},
    [BULK_ACTIVITIES] = {"activities",
                         "id, series_id, title, description, kind, host_org_id, co_organisers, "
                         "room_id, start_at, end_at, capacity, audience, walk_ins, booking_id, "
                         "status, reason, station_id, host_path, created_by, created_at, "
                         "updated_at",
                         21, true},
    [BULK_REGISTRATIONS] = {"registrations",
                            "id, activity_id, person, member_id, user_id, name, phone, start_at, "
                            "end_at, status, source, created_at, updated_at",
                            13, true},
    [BULK_CHECKINS] = {"checkins",
                       "id, activity_id, person, registration_id, member_id, name, method, at, "
                       "by_user, created_at, updated_at",
                       11, true},
    [BULK_ATTENDEES] = {"attendees", "org_id, period, person, times, volunteer_minutes", 5, false},
};

struct bulk {
    struct db *db;
    const struct bulk_spec *spec;
    void *state;
    struct bulk_value v[MAX_COLS];
    int n;
    struct buf text; /* the row's text values, back to back */
    int64_t rows;
    bool failed;
};

struct bulk *bulk_open(struct db *db, enum bulk_table t, struct error *err)
{
    struct bulk *b = calloc(1, sizeof(*b));
    if (b == NULL) {
        error_set(err, ERR_INTERNAL, "out of memory");
        return NULL;
    }
    b->db = db;
    b->spec = &specs[t];
    b->state = db->ops->bulk_open(db, b->spec, err);
    if (b->state == NULL) {
        free(b);
        return NULL;
    }
    return b;
}

static struct bulk_value *next(struct bulk *b)
{
    if (b->n >= MAX_COLS) {
        b->failed = true;
        return &b->v[MAX_COLS - 1];
    }
    return &b->v[b->n++];
}

void bulk_int(struct bulk *b, int64_t v)
{
    *next(b) = (struct bulk_value){.type = BV_INT, .i = v};
}

void bulk_double(struct bulk *b, double v)
{
    *next(b) = (struct bulk_value){.type = BV_DOUBLE, .d = v};
}

/* Text is kept as an offset into b->text until the row ends: the buffer may move. */
void bulk_text(struct bulk *b, const char *s)
{
    size_t n = strlen(s);
    *next(b) = (struct bulk_value){.type = BV_TEXT, .i = (int64_t)b->text.len, .n = n};
    buf_append(&b->text, s, n + 1);
}

void bulk_null(struct bulk *b)
{
    *next(b) = (struct bulk_value){.type = BV_NULL};
}

void bulk_id_or_null(struct bulk *b, int64_t v)
{
    if (v > 0)
        bulk_int(b, v);
    else
        bulk_null(b);
}

int bulk_row(struct bulk *b, struct error *err)
{
    if (b->failed || b->n != b->spec->ncols) {
        b->failed = true;
        return error_set(err, ERR_INTERNAL, "a row for %s has %d values, not %d", b->spec->table,
                         b->n, b->spec->ncols);
    }
    for (int i = 0; i < b->n; i++)
        if (b->v[i].type == BV_TEXT)
            b->v[i].s = b->text.data + b->v[i].i;
    int rc = b->db->ops->bulk_row(b->state, b->v, b->n, err);
    b->n = 0;
    b->text.len = 0;
    if (rc != 0)
        b->failed = true;
    else
        b->rows++;
    return rc;
}

int64_t bulk_close(struct bulk *b, struct error *err)
{
    if (b == NULL)
        return -1;
    int rc = b->db->ops->bulk_close(b->state, !b->failed, err);
    int64_t rows = rc == 0 && !b->failed ? b->rows : -1;
    buf_free(&b->text);
    free(b);
    return rows;
}
