/* Column names and values of imported files, normalised (domain/import_values.c). */
#ifndef LOUYU_DOMAIN_IMPORT_VALUES_H
#define LOUYU_DOMAIN_IMPORT_VALUES_H

struct arena;

/* The member field a column header names ("姓名", "手機", "name" -> "name"), "branch" for
 * a branch's name, "#" for a column to ignore (序号, the reason column of refused rows), or
 * NULL for a header louyu does not know. */
const char *import_field_of_header(const char *h);

/* "2017-7-1", "2017/07/01", "2017.7.1", "2017年7月1日", or Excel's day number 42917 ->
 * "2017-07-01" (in a); NULL when it is none of those or no real day. */
const char *import_normal_date(struct arena *a, const char *s);

/* 男/女/male/female/m/f -> "male"/"female"; NULL when unknown. */
const char *import_normal_gender(const char *s);

/* 正式党员, 流动党员, 共建 ... -> "regular", "mobile", "partner_vip"; NULL when unknown. */
const char *import_normal_kind(const char *s);

#endif
