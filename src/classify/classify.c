/*
 * classify.c: classify stage, the 12/16-month rule as Stats NZ's migrbc
 * applies it (its published test cases are our oracle). For a crossing in
 * the migrating direction (a non-resident arriving, a resident leaving)
 * the days after it are summed alternately in the new state and in the old
 * one, crossing by crossing: 365 days in the new state within the 487-day
 * window make a migration; more than 122 (487 - 365) in the old state make
 * it not one. A return within 244 days (twice 122) of the state being known
 * is at once not a migration. The last crossing counts as followed by the
 * whole window.
 * SPDX-License-Identifier: MIT
 */
#include "classify.h"

#include <string.h>

#define UNSET INT32_MIN

void classify_params_init(struct classify_params *p)
{
	p->window = 487;
	p->threshold = 365;
}

const char *classify_anomaly_name(enum classify_anomaly a)
{
	switch (a) {
	case ANOMALY_NONE: return "none";
	case ANOMALY_SAME_DIRECTION: return "two crossings in a row in the same direction";
	case ANOMALY_SAME_TIME: return "two crossings at the same time";
	case ANOMALY_BEFORE_BIRTH: return "a crossing before the birth date";
	case ANOMALY_ONLY_EXITS: return "only exits";
	case N_ANOMALIES: break;
	}
	return "?";
}

static int32_t max32(int32_t a, int32_t b)
{
	return a > b ? a : b;
}

static enum classify_anomaly check(const struct crossing *c, size_t n, int32_t birth)
{
	size_t i, exits = 0;

	for (i = 0; i < n; i++) {
		if (birth != UNSET && c[i].date < birth)
			return ANOMALY_BEFORE_BIRTH;
		exits += !c[i].arrival;
	}
	if (n > 1 && exits == n)
		return ANOMALY_ONLY_EXITS;
	for (i = 1; i < n; i++) {
		if (c[i].date == c[i - 1].date && c[i].time >= 0 && c[i].time == c[i - 1].time)
			return ANOMALY_SAME_TIME;
		if (c[i].arrival == c[i - 1].arrival)
			return ANOMALY_SAME_DIRECTION;
	}
	return ANOMALY_NONE;
}

/* Migrating direction: a non-resident arriving or a resident leaving. */
static int migrating(const struct crossing *c, int resident)
{
	return c->arrival ? !resident : resident;
}

static void settle_not(struct classified *o, int32_t day, int32_t rb_known)
{
	o->res_after = o->res_before;
	o->res_after_known = max32(day, rb_known);
	o->ltm = 0;
	if (o->ltm_known == UNSET)
		o->ltm_known = max32(day, rb_known);
}

enum classify_anomaly classify_person(const struct crossing *c, size_t n, int initial,
				      int32_t initial_final, int32_t as_of, int32_t birth,
				      const struct classify_params *p, struct classified *out)
{
	int tw = p->window, tm = p->threshold, tn = tw - tm, ts = 2 * tn;
	int irs, irs_final;
	enum classify_anomaly an;
	size_t i, m;

	if (n == 0)
		return ANOMALY_NONE;
	for (i = 0; i < n; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		out[i].res_before_known = out[i].res_after_known = out[i].ltm_known = UNSET;
		out[i].days_to_next = i + 1 < n ? c[i + 1].date - c[i].date : tw;
	}
	/* the initial status: supplied, or inferred from the first crossing */
	irs = initial >= 0 ? initial : !c[0].arrival;
	irs_final = irs;
	if (initial >= 0 && initial_final != UNSET && c[0].date < initial_final)
		irs = !c[0].arrival;  /* not yet known at the first crossing */
	an = check(c, n, birth);
	if (an != ANOMALY_NONE) {
		/* keep the status, flag the person (migrbc's error path) */
		for (i = 0; i < n; i++) {
			out[i].res_before = out[i].res_after = (uint8_t)irs;
			out[i].res_before_known = out[i].res_after_known = out[i].ltm_known = c[i].date;
		}
		return an;
	}
	if (n == 1) {
		out[0].res_before = (uint8_t)irs;
		out[0].res_before_known = c[0].date;
		if (!migrating(&c[0], irs)) {
			settle_not(&out[0], c[0].date, c[0].date);
		} else if (as_of - c[0].date >= tm) {
			out[0].res_after = (uint8_t)!irs;
			out[0].res_after_known = out[0].ltm_known = c[0].date + tm;
			out[0].ltm = 1;
		} else {
			settle_not(&out[0], c[0].date + tm, c[0].date);
		}
		return ANOMALY_NONE;
	}
	for (i = 0; i < n; i++) {
		struct classified *o = &out[i];
		int32_t d = c[i].date, rb_known, end = d + tw;
		int acc_mig = 0, acc_not = 0, k = 0;

		if (i == 0) {
			o->res_before = (uint8_t)irs;
			o->res_before_known = d;
		} else {
			o->res_before = out[i - 1].res_after;
			if (out[i - 1].res_after_known == UNSET) {
				o->res_before_known = d;
			} else {
				/* a supplied status is authoritative on the day it became final */
				if (initial >= 0 && initial_final != UNSET && out[i - 1].res_after_known == initial_final)
					o->res_before = (uint8_t)irs_final;
				o->res_before_known = max32(out[i - 1].res_after_known, d);
			}
		}
		rb_known = o->res_before_known;
		if (!migrating(&c[i], o->res_before)) {
			settle_not(o, d, rb_known);
			continue;
		}
		for (m = i + 1; m <= n; m++, k++) {
			int elapsed = out[m - 1].days_to_next;

			if (c[m - 1].date > end)
				break;
			if (k % 2 == 0)
				acc_mig += elapsed;
			else
				acc_not += elapsed;
			if (acc_not > tn) {
				settle_not(o, d + tn + acc_mig, rb_known);
				break;
			}
			if (acc_mig >= tm) {
				o->res_after = (uint8_t)!o->res_before;
				o->res_after_known = o->ltm_known = max32(d + tm + acc_not, rb_known);
				o->ltm = 1;
				break;
			}
			/* a return within 244 days is at once not a migration */
			if (k % 2 == 0 && m < n && c[m].date < rb_known + ts) {
				out[m].ltm = 0;
				if (out[m].ltm_known == UNSET)
					out[m].ltm_known = max32(c[m].date, rb_known);
			}
		}
	}
	return ANOMALY_NONE;
}
