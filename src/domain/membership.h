/*
 * The road to Party membership, and what follows from the admission date
 * (shared/design/DOMAIN.md): applicant (18 or older) -> activist (at least a
 * year of cultivation) -> development target -> probationary member (a year)
 * -> full member; and, from any of those, transferred out or deceased. Each
 * rule is written here once; the register of people (the members issue)
 * applies them.
 *
 * Days are counted since 1970-01-01 (core/timefmt.h), in local time.
 */
#ifndef LOUYU_DOMAIN_MEMBERSHIP_H
#define LOUYU_DOMAIN_MEMBERSHIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

enum stage {
    STAGE_APPLICANT,          /* 入党申请人 */
    STAGE_ACTIVIST,           /* 入党积极分子 */
    STAGE_DEVELOPMENT_TARGET, /* 发展对象 */
    STAGE_PROBATIONARY,       /* 预备党员: the day of this stage is the admission date */
    STAGE_FULL_MEMBER,        /* 正式党员 */
    STAGE_TRANSFERRED_OUT,    /* 转出 */
    STAGE_DECEASED,           /* 去世 */
    STAGE__MAX
};

extern const char *const stage_names[]; /* "applicant", ...; NULL-terminated */

#define NO_DAY INT64_MIN /* a stage not reached */

/* Where a person stands: the day each stage was reached, NO_DAY where it was not. */
struct road {
    int64_t day[STAGE__MAX];
    int64_t born; /* day of birth, or NO_DAY when unknown */
};

/* The stage the person is in now: the furthest one reached; -1 when none. */
int road_current(const struct road *r);

/* Checks moving the person to stage 'to' on day 'on' (with 'today' the current day). On
 * a broken rule returns -1 with ERR_RULE and a detail that names the rule. */
int road_check(const struct road *r, enum stage to, int64_t on, int64_t today, struct error *err);

/* Checks a whole history given at once (a person registered with the stages they went
 * through before): the stages given must be dated in order, none in the future, with the
 * minimum periods between neighbouring stages where both are known, and the age rule. A
 * stage may be unknown (NO_DAY) when a later one is known: old records are incomplete. */
int road_check_history(const struct road *r, int64_t today, struct error *err);

/* The day before which an activist's last thought report (or becoming an activist) makes
 * it overdue today. */
int64_t thought_report_cutoff(int64_t today);

/* The same day n years later; 29 February becomes 1 March in a common year. */
int64_t day_add_years(int64_t day, int n);

/* Whole years from 'from' to 'to' (a birthday counts on its day). */
int years_between(int64_t from, int64_t to);

/* True when the admission day falls in 'month' (1-12): the political-birthday month. */
bool political_birthday_in(int64_t admitted, unsigned month);

/* An activist's thought report is overdue when the last one (or becoming an activist, if
 * there is none) lies more than a quarter (three months) before today. */
bool thought_report_overdue(int64_t activist_since, int64_t last_report, int64_t today);

/* Masks for people who may see that a person exists but not their details:
 * "13812345678" -> "138****5678"; a date of birth "1990-05-17" -> "1990-**-**"; an
 * ID-like string keeps its first 3 and last 2 characters. out must hold n + 1 bytes. */
void mask_phone(const char *phone, char *out, size_t n);
void mask_birth_date(const char *date, char *out, size_t n);
void mask_identifier(const char *id, char *out, size_t n);

#endif
