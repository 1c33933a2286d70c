/*
 * protect.c: cell suppression. Primary: a cell of 1 to k-1 distinct
 * persons. Secondary, written by hand because the off-the-shelf methods
 * (tau-Argus Modular, sdcTable) take hours at a million cells: for each
 * unsafe cell not yet protected, the balanced move through it with the
 * fewest new cells that can go up and down by the interval (move.h); its
 * cells are suppressed and every unsafe cell in it is protected. Then the
 * audit, which checks the moves instead of trusting them; a cell it
 * cannot prove gets more complements (its move, its hypercube, the best
 * partner over its relations) until the audit passes. What no move
 * protects falls back on closing every relation that holds one
 * suppressed cell. The hypercube baseline suppresses, for each primary
 * cell, the corners of a box made of one sibling per dimension, the way
 * GHMITER does.
 * SPDX-License-Identifier: MIT
 */
#include "protect.h"
#include "cellkey.h"
#include "progress.h"
#include "relations.h"
#include "mem.h"
#include "move.h"
#include "schema.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_ROUNDS 12   /* audit and repair rounds; what is still unsafe after them is reported */

int protect_wide_enough(double width, int interval)
{
	return width >= interval - 1e-6 && width > 1e-9;
}

void protect_opts_init(struct protect_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->method = PROTECT_SUPPRESSION;
	o->k = 3;
	o->interval = 2;
	o->max_noise = 3;
	o->variance = 2.0;
}

int protect_opts_parse(struct protect_opts *o, char **w, int n, struct err *err)
{
	int i;

	for (i = 0; i < n; i++) {
		const char *v;
		char *end;

		if (!strcmp(w[i], "suppression"))
			o->method = PROTECT_SUPPRESSION;
		else if (!strcmp(w[i], "hypercube"))
			o->method = PROTECT_HYPERCUBE;
		else if (!strcmp(w[i], "cellkey"))
			o->method = PROTECT_CELLKEY;
		else if ((v = schema_attr(w[i], "k"))) {
			o->k = (int)strtol(v, &end, 10);
			if (*end || o->k < 1 || o->k > 1000)
				return ERR_SET(err, ERR_USAGE, "protect: k must be a whole number from 1 to 1000, not '%s'", v);
		} else if ((v = schema_attr(w[i], "interval"))) {
			o->interval = (int)strtol(v, &end, 10);
			if (*end || o->interval < 0 || o->interval > 1000000)
				return ERR_SET(err, ERR_USAGE, "protect: interval must be a whole number from 0, not '%s'", v);
		} else if ((v = schema_attr(w[i], "search"))) {
			o->search = (int)strtol(v, &end, 10);
			if (*end || o->search < 0 || o->search > 1000000)
				return ERR_SET(err, ERR_USAGE, "protect: search must be a whole number from 0, not '%s'", v);
		} else if ((v = schema_attr(w[i], "D"))) {
			o->max_noise = (int)strtol(v, &end, 10);
			if (*end || o->max_noise < 1 || o->max_noise > 100)
				return ERR_SET(err, ERR_USAGE, "protect: D must be a whole number from 1 to 100, not '%s'", v);
		} else if ((v = schema_attr(w[i], "V"))) {
			o->variance = strtod(v, &end);
			if (*end || !(o->variance > 0) || o->variance > 10000)
				return ERR_SET(err, ERR_USAGE, "protect: V must be a number above 0, not '%s'", v);
		} else {
			return ERR_SET(err, ERR_USAGE, "protect: unknown word '%s' (suppression, hypercube, cellkey, k=, interval=, search=, D=, V=)", w[i]);
		}
	}
	if (o->method == PROTECT_CELLKEY && o->max_noise < o->k - 1)
		return ERR_SET(err, ERR_USAGE, "protect: the cell key method needs D >= k-1 (D=%d, k=%d), or a small cell could not move to 0 or k",
			       o->max_noise, o->k);
	return 0;
}

void protect_describe(const struct protection *p, char *buf, size_t len)
{
	if (p->o.method == PROTECT_CELLKEY)
		snprintf(buf, len, "cell key method, k=%d, D=%d, V=%g", p->o.k, p->o.max_noise, p->o.variance);
	else
		snprintf(buf, len, "%s, k=%d, interval %d", p->o.method == PROTECT_HYPERCUBE ? "hypercube suppression" : "cell suppression",
			 p->o.k, p->o.interval);
}

void protection_release(struct protection *p)
{
	int m;

	FREE_AND_NULL(p->status);
	for (m = 0; m < TABLE_MAX_MEASURES; m++)
		FREE_AND_NULL(p->value[m]);
	audit_result_release(&p->audit);
}

/* The measure the rule counts: distinct persons when the table has them. */
static int rule_measure(const struct table *t)
{
	size_t m;

	for (m = 0; m < t->n_measures; m++)
		if (t->measures[m].kind == MEASURE_PERSONS)
			return (int)m;
	return 0;
}

/* The measure whose suppressed total is kept small: the first count. */
static int cost_measure(const struct table *t)
{
	size_t m;

	for (m = 0; m < t->n_measures; m++)
		if (t->measures[m].kind == MEASURE_COUNT)
			return (int)m;
	return rule_measure(t);
}

struct suppress {
	const struct tab_result *res;
	struct relations r;
	uint8_t *status, *dirty;
	const uint32_t *need_v, *cost_v;
	int interval;
	size_t *queue, n_queue, cap_queue;
	struct rel_ref *refs;
	size_t *mem;
	size_t n_secondary;
	struct move_ctx mx;        /* the search for moves that prove */
	uint8_t *proved;           /* per cell: a primary cell in a move that proves it */
	struct move_cert *certs;   /* the moves made, for the audit to check */
	size_t n_certs, cap_certs, n_certs_audited;
};

/* A suppressed cell whose relations are still to be closed. */
static void push(struct suppress *s, size_t c)
{
	if (s->n_queue == s->cap_queue) {
		s->cap_queue = s->cap_queue ? s->cap_queue * 2 : 1024;
		s->queue = xrealloc(s->queue, st_mult(s->cap_queue, sizeof(size_t)));
	}
	s->queue[s->n_queue++] = c;
}

static void suppress_cell(struct suppress *s, size_t c)
{
	if (s->status[c])
		return;
	s->status[c] = CELL_SECONDARY;
	s->dirty[c] = 1;
	s->n_secondary++;
	push(s, c);
}

/*
 * The best partner among mem[0..nm): a published cell that can exist,
 * with at least `need` persons if any has, the cheapest such; otherwise
 * the biggest. Returns SIZE_MAX when there is none.
 */
static size_t partner(const struct suppress *s, const size_t *mem, size_t nm, uint32_t need)
{
	size_t k, best = SIZE_MAX, big = SIZE_MAX;

	for (k = 0; k < nm; k++) {
		size_t c = mem[k];

		if (s->status[c] || !s->res->possible[c])
			continue;
		if (s->need_v[c] >= need) {
			if (best == SIZE_MAX || s->cost_v[c] < s->cost_v[best])
				best = c;
		} else if (big == SIZE_MAX || s->need_v[c] > s->need_v[big] ||
			   (s->need_v[c] == s->need_v[big] && s->cost_v[c] < s->cost_v[big])) {
			big = c;
		}
	}
	return best != SIZE_MAX ? best : big;
}

/*
 * Until no relation holds exactly one suppressed cell, and no relation
 * whose total is published holds an unsafe cell with less than the
 * interval in its suppressed cells (the unsafe cell can be no bigger than
 * their sum, so its interval could be no wider).
 */
static void close_relations(struct suppress *s)
{
	while (s->n_queue) {
		size_t x = s->queue[--s->n_queue], nr, j, k;

		nr = relations_of_cell(&s->r, x, s->refs);
		for (j = 0; j < nr; j++) {
			for (;;) {
				size_t nm = relations_members(&s->r, &s->refs[j], s->mem), n_sup = 0, p;
				uint64_t sum = 0;
				int primary = 0;
				uint32_t need;

				for (k = 0; k < nm; k++)
					if (s->status[s->mem[k]] && s->res->possible[s->mem[k]]) {
						n_sup++;
						sum += s->need_v[s->mem[k]];
						primary |= k > 0 && s->status[s->mem[k]] == CELL_PRIMARY;
					}
				if (n_sup == 1)
					need = s->need_v[x] >= (uint32_t)s->interval ? 1 : (uint32_t)s->interval - s->need_v[x];
				else if (primary && !s->status[s->mem[0]] && sum < (uint64_t)s->interval)
					need = (uint32_t)((uint64_t)s->interval - sum);
				else
					break;
				p = partner(s, s->mem, nm, need);
				if (p == SIZE_MAX)
					break;
				suppress_cell(s, p);
			}
		}
	}
}

/* GHMITER-style: for each primary cell, a box of one other code per dimension, all its corners. */
static void hypercube(struct suppress *s, size_t x)
{
	const struct relations *r = &s->r;
	size_t alt[TABLE_MAX_DIMS], d, n_dims = r->n_dims, corner;

	for (d = 0; d < n_dims; d++) {
		const struct rel_dim *rd = &r->dims[d];
		size_t code = relations_code(r, x, d), base = x - code * r->stride[d], best = SIZE_MAX;
		const struct rel_part *p = NULL;
		int j;

		/* a sibling in the first partition it belongs to; for a top code, one of its children */
		if (rd->in_off[code] < rd->in_off[code + 1])
			p = &rd->parts[rd->in[rd->in_off[code]]];
		else if (rd->own_off[code] < rd->own_off[code + 1])
			p = &rd->parts[rd->own[rd->own_off[code]]];
		alt[d] = code;
		if (!p)
			continue;
		for (j = 0; j < p->n_child; j++) {
			size_t c = base + (size_t)p->child[j] * r->stride[d];

			if ((size_t)p->child[j] == code || !s->res->possible[c])
				continue;
			/* a zero cannot go down, so a box through zeros cannot move: non-zero siblings first */
			if (best == SIZE_MAX || (s->need_v[c] > 0) > (s->need_v[best] > 0) ||
			    ((s->need_v[c] > 0) == (s->need_v[best] > 0) && s->cost_v[c] < s->cost_v[best])) {
				best = c;
				alt[d] = (size_t)p->child[j];
			}
		}
	}
	for (corner = 1; corner < ((size_t)1 << n_dims); corner++) {
		size_t c = relations_corner(r, x, alt, corner);

		if (c != SIZE_MAX && s->res->possible[c])
			suppress_cell(s, c);
	}
}

/*
 * pasos' complement for primary cell x: the cells of a balanced move
 * through it (move.h), chosen to share the most ancestors (a country of
 * the same region and the same origin), then cells already suppressed,
 * then cells big enough to give the interval, then the cheapest. Moves
 * then share their cells, and the audit can prove each one on its own.
 * 0 when no move fits (the relations then close it).
 */
static int suppress_move(struct suppress *s, size_t x)
{
	struct move m;
	size_t cells[MOVE_MAX_CELLS], n, k;

	if (move_find(&s->r, s->res, x, s->status, s->need_v, (uint32_t)s->interval, s->cost_v, &m))
		return 0;
	n = move_cells(&s->r, x, &m, cells, NULL);
	for (k = 0; k < n; k++)
		suppress_cell(s, cells[k]);
	return 1;
}

/*
 * pasos' complement for primary cell x: the balanced move through it
 * with the fewest cells not yet suppressed that can move every audited
 * measure by the interval (move.h). Its cells are suppressed, and every
 * primary cell in it is then proved by it, so the audit only checks the
 * move. 0 when there is none within the search's budget.
 */
static int suppress_proving_move(struct suppress *s, size_t x)
{
	struct move m;
	size_t cells[MOVE_MAX_CELLS], n, k;

	if (move_search(&s->mx, x, &m, NULL))
		return 0;
	n = move_cells(&s->r, x, &m, cells, NULL);
	for (k = 0; k < n; k++) {
		suppress_cell(s, cells[k]);
		if (s->status[cells[k]] == CELL_PRIMARY)
			s->proved[cells[k]] = 1;
	}
	if (s->n_certs == s->cap_certs) {
		s->cap_certs = s->cap_certs ? 2 * s->cap_certs : 256;
		s->certs = xrealloc(s->certs, st_mult(s->cap_certs, sizeof(*s->certs)));
	}
	s->certs[s->n_certs].cell = x;
	s->certs[s->n_certs++].m = m;
	return 1;
}

/* One more complement for x: the best over its relations. */
static void widen_one(struct suppress *s, size_t x)
{
	size_t nr = relations_of_cell(&s->r, x, s->refs), j, best = SIZE_MAX;
	uint32_t need = (uint32_t)s->interval;

	for (j = 0; j < nr; j++) {
		size_t nm = relations_members(&s->r, &s->refs[j], s->mem);
		size_t p = partner(s, s->mem, nm, need);

		if (p == SIZE_MAX)
			continue;
		if (best == SIZE_MAX ||
		    ((s->need_v[p] >= need) > (s->need_v[best] >= need)) ||
		    ((s->need_v[p] >= need) == (s->need_v[best] >= need) && s->cost_v[p] < s->cost_v[best]))
			best = p;
	}
	if (best != SIZE_MAX)
		suppress_cell(s, best);
}

/*
 * A primary cell the audit could not prove wide enough: first the cells
 * of its balanced move; when they are all suppressed already, its
 * hypercube; when that adds nothing, one more complement, the best over
 * its relations.
 */
static void widen(struct suppress *s, size_t x)
{
	size_t before = s->n_secondary;

	if (suppress_proving_move(s, x))
		return;
	suppress_move(s, x);
	if (s->n_secondary > before)
		return;
	hypercube(s, x);
	if (s->n_secondary > before)
		return;
	widen_one(s, x);
}

/* How many of cell's codes are aggregates (not leaves). */
static size_t aggregate_codes(const struct relations *r, size_t cell)
{
	size_t d, n = 0;

	for (d = 0; d < r->n_dims; d++) {
		size_t x = relations_code(r, cell, d);

		n += r->dims[d].own_off[x] < r->dims[d].own_off[x + 1];
	}
	return n;
}

/*
 * Suppress complements for p's primary cells, choosing moves that prove
 * `search` (at least the required interval), then audit and repair at the
 * required interval.
 */
static int suppression(const struct table *t, const struct tab_result *res, struct protection *p, int search,
		       struct err *err)
{
	struct suppress s;
	struct progress bar;
	size_t c;
	int rc, round, k;

	memset(&s, 0, sizeof(s));
	s.res = res;
	s.status = p->status;
	s.interval = search;
	p->searched = search;
	s.need_v = res->values[p->rule_measure];
	s.cost_v = res->values[cost_measure(t)];
	if ((rc = relations_init(&s.r, t, res, err)))
		return rc;
	s.dirty = xcalloc(res->n_cells, 1);
	s.proved = xcalloc(res->n_cells, 1);
	s.refs = xmalloc(st_mult((size_t)s.r.max_refs, sizeof(*s.refs)));
	s.mem = xmalloc(st_mult((size_t)s.r.max_members, sizeof(*s.mem)));
	move_ctx_init(&s.mx, &s.r, res, p->status, search);
	/* the measures the audit checks, the one the rule counts first */
	move_ctx_measure(&s.mx, res->values[p->rule_measure], t->measures[p->rule_measure].kind != MEASURE_PERSONS);
	for (k = 0; k < (int)t->n_measures; k++)
		if (k != p->rule_measure && t->measures[k].kind != MEASURE_MIGRANTS)
			move_ctx_measure(&s.mx, res->values[k], t->measures[k].kind != MEASURE_PERSONS);
	progress_init(&bar, "moves", isatty(2));
	{
		/*
		 * The most detailed unsafe cells first (fewest aggregate codes):
		 * their moves also cover many of the margins above them, and
		 * fewer cells are suppressed than the other way round (INE's
		 * year: 29,010 against 35,796)
		 */
		size_t *ord = xmalloc(st_mult(p->n_primary ? p->n_primary : 1, sizeof(size_t))), n_ord = 0, q, lv;
		size_t at[TABLE_MAX_DIMS + 2] = { 0 };

		for (c = 0; c < res->n_cells; c++)
			if (p->status[c] == CELL_PRIMARY)
				at[aggregate_codes(&s.r, c) + 1]++;
		for (lv = 1; lv <= s.r.n_dims + 1; lv++)
			at[lv] += at[lv - 1];
		for (c = 0; c < res->n_cells; c++)
			if (p->status[c] == CELL_PRIMARY) {
				ord[at[aggregate_codes(&s.r, c)]++] = c;
				n_ord++;
			}
		for (q = 0; q < n_ord; q++) {
			c = ord[q];
			s.dirty[c] = 1;
			if (p->o.method == PROTECT_HYPERCUBE)
				hypercube(&s, c);
			else if (!s.proved[c])
				suppress_proving_move(&s, c);
			progress_update(&bar, q + 1, n_ord);
		}
		free(ord);
	}
	progress_done(&bar);
	for (c = 0; c < res->n_cells; c++)
		if (p->status[c] == CELL_PRIMARY && !s.proved[c])
			push(&s, c);
	close_relations(&s);
	/*
	 * The repairs aim at the required interval, whatever the moves were
	 * chosen for (a narrower search leaves more to them)
	 */
	if (p->o.interval > s.interval) {
		s.interval = p->o.interval;
		s.mx.interval = (double)p->o.interval;
	}
	/* audit, widen what is too narrow, close again; only changed groups are solved again */
	for (round = 1; round <= MAX_ROUNDS; round++) {
		size_t before = s.n_secondary;

		p->rounds = round;
		rc = protect_audit(t, res, p->status, p->o.interval, round == 1 ? NULL : s.dirty, s.certs + s.n_certs_audited,
				   s.n_certs - s.n_certs_audited, &p->audit, err);
		if (rc)
			goto out;
		s.n_certs_audited = s.n_certs;
		if (p->audit.n_failed == 0 || p->o.method == PROTECT_HYPERCUBE)
			break;
		memset(s.dirty, 0, res->n_cells);
		for (c = 0; c < res->n_cells; c++) {
			if (p->status[c] != CELL_PRIMARY || !res->possible[c])
				continue;
			for (k = 0; k < p->audit.n_measures; k++) {
				int m = p->audit.measures[k];

				if (!protect_wide_enough(p->audit.hi[m][c] - p->audit.lo[m][c], p->o.interval)) {
					widen(&s, c);
					break;
				}
			}
		}
		close_relations(&s);
		if (s.n_secondary == before)
			break;  /* nothing left to add: the audit says which cells fail */
	}
	p->n_secondary = s.n_secondary;
out:
	move_ctx_release(&s.mx);
	free(s.certs);
	free(s.proved);
	free(s.dirty);
	free(s.refs);
	free(s.mem);
	free(s.queue);
	relations_release(&s.r);
	return rc;
}

int protect_run(const struct table *t, const struct tab_result *res, const struct protect_opts *o,
		struct protection *p, struct err *err)
{
	const uint32_t *v;
	double t0 = progress_now();
	size_t c;
	int rc = 0;

	memset(p, 0, sizeof(*p));
	p->o = *o;
	p->rule_measure = rule_measure(t);
	v = res->values[p->rule_measure];
	p->status = xcalloc(res->n_cells ? res->n_cells : 1, 1);
	for (c = 0; c < res->n_cells; c++) {
		if (!res->possible[c])
			continue;
		p->n_possible++;
		if (v[c] >= 1 && v[c] < (uint32_t)o->k) {
			/* the cell key method moves small cells instead of hiding them */
			if (o->method != PROTECT_CELLKEY)
				p->status[c] = CELL_PRIMARY;
			p->n_primary++;
		}
	}
	if (o->method == PROTECT_CELLKEY)
		rc = cellkey_apply(t, res, o, p, err);
	else if (p->n_primary)
		rc = suppression(t, res, p, o->search ? o->search : o->interval, err);
	/*
	 * The choice of moves is greedy, and moves for a wider interval can
	 * share more cells (the regularisations table: 4,490 cells at interval
	 * 2 against 5,085 at 1). So the search runs again for one more than
	 * required, audited at what is required, and the smaller safe pattern
	 * is kept: asking for less protection never hides more than that.
	 */
	if (!rc && o->method == PROTECT_SUPPRESSION && p->n_primary && !o->search) {
		struct protection q;

		memset(&q, 0, sizeof(q));
		q.o = *o;
		q.rule_measure = p->rule_measure;
		q.n_possible = p->n_possible;
		q.n_primary = p->n_primary;
		q.status = xmalloc(res->n_cells ? res->n_cells : 1);
		for (c = 0; c < res->n_cells; c++)
			q.status[c] = p->status[c] == CELL_PRIMARY ? CELL_PRIMARY : CELL_FREE;
		/* an interval of 0 is 1: a cell is never left a single point (protect_wide_enough) */
		rc = suppression(t, res, &q, (o->interval < 1 ? 1 : o->interval) + 1, err);
		if (!rc && q.audit.n_failed <= p->audit.n_failed && q.n_secondary < p->n_secondary) {
			protection_release(p);
			*p = q;
		} else {
			protection_release(&q);
		}
	}
	p->seconds = progress_now() - t0;
	if (rc)
		protection_release(p);
	return rc;
}
