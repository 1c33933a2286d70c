/*
 * classify_estimate.c: provisional results estimated (ABS, Stats NZ): a
 * crossing whose 487-day window is still open is estimated from how
 * crossings that stood the same way came out once their windows closed.
 * SPDX-License-Identifier: MIT
 */
#include "classify_int.h"

#include <stdlib.h>

/*
 * How a crossing in the migrating direction stands on day `on`: whether
 * the person is on the new side now, how many days they have spent there
 * and back on the old side so far (the person's later crossings,
 * seen[k+1..m), alternate sides), and whether a later card declared a
 * residence on the new side (a Bolivian back on a visit who writes the
 * country they now live in). What the 12/16-month rule will say depends
 * on all of them: 365 days on the new side make a migration, 122 back
 * on the old one rule it out.
 */
static int so_far(const struct classify_seen *seen, size_t m, size_t k, int32_t on)
{
	int32_t t = seen[k].date, away = 0, back = 0;
	int side = 1, said = 0, to_bolivia = seen[k].arrival;
	size_t j;

	for (j = k + 1; j < m && seen[j].date <= on; j++) {
		if (side)
			away += seen[j].date - t;
		else
			back += seen[j].date - t;
		t = seen[j].date;
		side = !side;
		said |= seen[j].decl == to_bolivia;
	}
	if (side)
		away += on - t;
	else
		back += on - t;
	return (back < 30 ? 0 : back < 91 ? 1 : 2) * 2 * CLASSIFY_SOFAR_SAID + said * CLASSIFY_SOFAR_SAID + side * 6 +
	       (away < 14 ? 0 : away < 30 ? 1 : away < 60 ? 2 : away < 91 ? 3 : away < 183 ? 4 : 5);
}

/*
 * For the estimates only (the results themselves keep the status, as the
 * reference classifier does): a flagged person's history repaired, a
 * missed crossing put back halfway between two in the same direction,
 * the second of two at the same moment dropped, the birth date set aside,
 * and classified again. map[k] is crossing k's place in the repaired one.
 */
size_t classify_repair(const struct crossing *c, size_t n, int initial, int32_t init_final, int32_t as_of,
		     const struct classify_params *p, struct crossing *c2, struct classified *out, size_t *map)
{
	size_t k, m = 0;

	for (k = 0; k < n; k++) {
		if (m > 0 && c[k].date == c2[m - 1].date && c[k].time >= 0 && c[k].time == c2[m - 1].time) {
			map[k] = m - 1;
			continue;
		}
		if (m > 0 && c2[m - 1].arrival == c[k].arrival) {
			c2[m].date = c2[m - 1].date + (c[k].date - c2[m - 1].date) / 2;
			c2[m].time = -1;
			c2[m++].arrival = (uint8_t)!c[k].arrival;
		}
		c2[m] = c[k];
		map[k] = m++;
	}
	classify_person(c2, m, initial, init_final, as_of, INT32_MIN, p, out);
	return m;
}

static size_t training_cell(int arrival, size_t ec, int sofar)
{
	return ((size_t)arrival * (CLASSIFY_CELLS / 2) + ec) * CLASSIFY_SOFAR + (size_t)sofar;
}

/*
 * How results like today's provisional ones came out (ABS, Stats NZ):
 * every crossing in the migrating direction whose window closed before
 * today's (so that migrations and returns are equally final), seen as it
 * stood every CLASSIFY_STAGE_STEP days of its window while it was still
 * provisional: which side the person was on and for how long, and what it
 * turned out to be. Unflagged persons only.
 */
void classify_train(const struct classify_person *p, int32_t as_of, int32_t window, struct classify_training *tr)
{
	int back[2] = { 0, 0 };
	int32_t closed = as_of - window;
	size_t k;

	if (p->an != ANOMALY_NONE)
		return;
	for (k = 0; k < p->n; k++) {
		const struct classified *c = &p->res[k];
		int32_t fin = c->res_after_known > c->ltm_known ? c->res_after_known : c->ltm_known, day;
		int arrival = p->cs[k].arrival;
		int mig = arrival ? !c->res_before : c->res_before;
		size_t ec = (size_t)back[arrival] * CLASSIFY_BASE + p->it[k].cell;

		if (mig && fin <= as_of && p->cs[k].date <= closed)
			for (day = p->cs[k].date + CLASSIFY_STAGE_STEP / 2; day < fin; day += CLASSIFY_STAGE_STEP) {
				size_t cell = training_cell(arrival, ec, so_far(p->seen, p->n, k, day));

				tr->den[cell]++;
				tr->num[cell] += c->ltm;
			}
		if (fin <= as_of && mig && !c->ltm)
			back[arrival] = 1;
	}
}

void classify_estimates_make(const struct classify_training *tr, struct classify_estimates *e)
{
	int dir, c0, f;

	for (dir = 0; dir < 2; dir++)
		for (c0 = 0; c0 < CLASSIFY_CELLS / 2; c0++)
			for (f = 0; f < CLASSIFY_SOFAR; f++) {
				uint64_t dn[5] = { 0 }, nm[5] = { 0 };
				double p = 0;
				int level, c;

				/*
				 * the cell, its ages and sexes together, its nationality
				 * groups together, everything, and everything whatever
				 * later cards declared: each level's share pulled towards
				 * the coarser one's as far as it is thin
				 */
				for (c = 0; c < CLASSIFY_CELLS / 2; c++) {
					size_t cell = training_cell(dir, (size_t)c, f);
					size_t other = training_cell(dir, (size_t)c, f / CLASSIFY_SOFAR_SAID % 2 ? f - CLASSIFY_SOFAR_SAID : f + CLASSIFY_SOFAR_SAID);
					int same[4];

					same[0] = c == c0;
					same[1] = c / (CLASSIFY_AGE_GROUPS * CLASSIFY_SEXES) == c0 / (CLASSIFY_AGE_GROUPS * CLASSIFY_SEXES);
					same[2] = c / (CLASSIFY_NAT_GROUPS * CLASSIFY_AGE_GROUPS * CLASSIFY_SEXES) == c0 / (CLASSIFY_NAT_GROUPS * CLASSIFY_AGE_GROUPS * CLASSIFY_SEXES);
					same[3] = 1;
					for (level = 0; level < 4; level++)
						if (same[level]) {
							dn[level] += tr->den[cell];
							nm[level] += tr->num[cell];
						}
					dn[4] += tr->den[cell] + tr->den[other];
					nm[4] += tr->num[cell] + tr->num[other];
				}
				for (level = 4; level >= 0; level--)
					p = level == 4 ? (dn[4] ? (double)nm[4] / (double)dn[4] : 0)
						       : ((double)nm[level] + CLASSIFY_SHRINK * p) / ((double)dn[level] + CLASSIFY_SHRINK);
				e->p[dir][c0][f] = dn[4] >= CLASSIFY_MIN_CELL ? p : -1;
			}
}

/*
 * The person's results, each provisional one estimated, and the residence
 * after each crossing as estimated: final results as they are; a
 * provisional one follows its estimate, and the person's later crossings
 * follow from there. A flagged person's estimates come from the repaired
 * history; the results themselves keep the status. Returns how many
 * provisional results in the migrating direction were estimated.
 */
uint64_t classify_estimate(struct classify_person *p, const struct classify_estimates *e, int32_t as_of)
{
	int back[2] = { 0, 0 }, state;
	uint64_t estimated = 0;
	size_t k;

	for (k = 0; k < p->n; k++) {
		const struct classified *c = &p->res[k];
		struct classify_result *r = &p->rs[k];

		r->rb_known = c->res_before_known;
		r->ra_known = c->res_after_known;
		r->ltm_known = c->ltm_known;
		r->res_before = c->res_before;
		r->res_after = c->res_after;
		r->ltm = c->ltm;
		r->prov = c->res_after_known > as_of || c->ltm_known > as_of;
		r->migdir = p->it[k].arrival ? !c->res_before : c->res_before;
		r->p = c->ltm;
	}
	if (p->an != ANOMALY_NONE) {
		/* the repaired history, estimated; the person's crossings take their places' */
		state = p->res2[0].res_before;
		for (k = 0; k < p->n2; k++) {
			const struct classified *c = &p->res2[k];
			int arrival = p->cs2[k].arrival;
			int prov = c->res_after_known > as_of || c->ltm_known > as_of;

			if (!prov) {
				p->est2[k] = c->res_after;
				if ((arrival ? !c->res_before : c->res_before) && !c->ltm)
					back[arrival] = 1;
			} else {
				double pe = e->p[arrival][(size_t)back[arrival] * CLASSIFY_BASE + p->seen2[k].cell]
						[so_far(p->seen2, p->n2, k, as_of)];
				int mig = arrival ? !state : state, yes;

				yes = pe >= 0 ? pe >= 0.5 : c->ltm;
				p->est2[k] = (uint8_t)(mig && yes ? !state : state);
			}
			state = p->est2[k];
		}
		for (k = 0; k < p->n; k++)
			p->rs[k].res_est = p->est2[p->map[k]];
		return 0;
	}
	state = p->rs[0].res_before;
	for (k = 0; k < p->n; k++) {
		struct classify_result *r = &p->rs[k];
		int arrival = p->it[k].arrival, yes = r->ltm;
		size_t ec = (size_t)back[arrival] * CLASSIFY_BASE + p->it[k].cell;

		if (!r->prov && r->migdir && !r->ltm)
			back[arrival] = 1;
		if (r->prov) {
			/*
			 * every provisional crossing gets an estimate: one that is not
			 * in the migrating direction now may be once an earlier
			 * estimate has turned the person's residence
			 */
			double pe = e->p[arrival][ec][so_far(p->seen, p->n, k, as_of)];

			if (pe >= 0) {
				yes = pe >= 0.5;
				if (r->migdir) {
					r->p = pe;
					estimated++;
				}
			}
		}
		if (!r->prov)
			r->res_est = r->res_after;
		else
			r->res_est = (uint8_t)((arrival ? !state : state) && yes ? !state : state);
		state = r->res_est;
	}
	return estimated;
}

