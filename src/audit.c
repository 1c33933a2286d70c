/*
 * audit.c: the LP audit of a suppression pattern. A reader knows every
 * published cell and every additive relation; the suppressed cells are
 * the unknowns (at least zero). For each suppressed cell, the smallest
 * and largest value it can take is an LP each (GLPK's simplex, warm
 * started from the previous basis). Only suppressed cells are variables,
 * and the LP splits into the groups they form through shared relations.
 * Counts add up exactly (equalities); distinct persons do not (a person
 * in two months is one person in the year), so for them a total lies
 * between its largest part and the sum of its parts (inequalities).
 * SPDX-License-Identifier: MIT
 */
#include "protect.h"
#include "progress.h"
#include "relations.h"
#include "mem.h"

#include <glpk.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static size_t uf_find(uint32_t *up, size_t i)
{
	while (up[i] != i) {
		up[i] = up[up[i]];
		i = up[i];
	}
	return i;
}

/* Open-addressing set of relation keys. */
struct keyset {
	uint64_t *slot;
	size_t cap, n;
};

static int keyset_add(struct keyset *s, uint64_t key)
{
	size_t i;

	key += 1;  /* 0 marks an empty slot */
	if (2 * (s->n + 1) > s->cap) {
		struct keyset b = { xcalloc(s->cap ? s->cap * 2 : 1024, sizeof(uint64_t)), s->cap ? s->cap * 2 : 1024, 0 };

		for (i = 0; i < s->cap; i++)
			if (s->slot[i])
				keyset_add(&b, s->slot[i] - 1);
		free(s->slot);
		*s = b;
	}
	i = (size_t)(key * 0x9E3779B97F4A7C15ull) & (s->cap - 1);
	while (s->slot[i]) {
		if (s->slot[i] == key)
			return 0;
		i = (i + 1) & (s->cap - 1);
	}
	s->slot[i] = key;
	s->n++;
	return 1;
}

struct lp_build {
	int *ia, *ja;
	double *ar;
	size_t n, cap;
	int rows;
};

static void lp_put(struct lp_build *b, int row, int col, double v)
{
	if (b->n + 2 > b->cap) {
		b->cap = b->cap ? b->cap * 2 : 4096;
		b->ia = xrealloc(b->ia, st_mult(b->cap, sizeof(int)));
		b->ja = xrealloc(b->ja, st_mult(b->cap, sizeof(int)));
		b->ar = xrealloc(b->ar, st_mult(b->cap, sizeof(double)));
	}
	b->n++;  /* GLPK's arrays start at 1 */
	b->ia[b->n] = row;
	b->ja[b->n] = col;
	b->ar[b->n] = v;
}

/*
 * The LP over the variables cells[0..n) (col_of[c] their column, -1 for
 * every other cell, which keeps its value), for one measure, and the two
 * solves of each target. Fixing the suppressed cells outside the set at
 * their true values adds constraints, so the interval found lies inside
 * the reader's: a proof of width, never an overstatement of it.
 */
static void solve_set(const struct relations *r, const struct tab_result *res, const size_t *cells, size_t n,
		      const int *col_of, const uint8_t *target, int measure, int additive, struct audit_result *a)
{
	const uint32_t *v = res->values[measure];
	struct rel_ref *refs = xmalloc(st_mult((size_t)r->max_refs, sizeof(*refs)));
	size_t *mem = xmalloc(st_mult((size_t)r->max_members, sizeof(*mem)));
	struct keyset seen = { 0 };
	double *lb = xcalloc(n + 1, sizeof(double)), *ub = xmalloc((n + 1) * sizeof(double));
	struct lp_build b = { 0 };
	double *rhs = NULL;
	char *kind = NULL;
	size_t rcap = 0, i, j, k, nm, nr;
	glp_prob *lp = glp_create_prob();
	glp_smcp parm;

	for (i = 0; i < n; i++)
		ub[i] = HUGE_VAL;
#define NEW_ROW(value, type) do { \
		if ((size_t)b.rows + 1 >= rcap) { \
			rcap = rcap ? rcap * 2 : 1024; \
			rhs = xrealloc(rhs, rcap * sizeof(double)); \
			kind = xrealloc(kind, rcap); \
		} \
		b.rows++; rhs[b.rows] = (value); kind[b.rows] = (type); \
	} while (0)

	for (i = 0; i < n; i++) {
		nr = relations_of_cell(r, cells[i], refs);
		for (j = 0; j < nr; j++) {
			double c = 0;
			int any = 0;

			if (!keyset_add(&seen, relations_key(r, &refs[j])))
				continue;
			nm = relations_members(r, &refs[j], mem);
			if (additive) {
				/* parent - sum(children) = 0, the published part on the right */
				for (k = 0; k < nm; k++) {
					double sign = k == 0 ? 1.0 : -1.0;

					if (!res->possible[mem[k]])
						continue;
					if ((col_of[mem[k]] >= 0))
						any = 1;
					else
						c -= sign * v[mem[k]];
				}
				if (!any)
					continue;
				NEW_ROW(c, 'E');
				for (k = 0; k < nm; k++)
					if (res->possible[mem[k]] && (col_of[mem[k]] >= 0))
						lp_put(&b, b.rows, col_of[mem[k]] + 1, k == 0 ? 1.0 : -1.0);
				continue;
			}
			/* persons: parent <= sum(children), and each child <= parent */
			for (k = 0; k < nm; k++) {
				if (!res->possible[mem[k]])
					continue;
				if ((col_of[mem[k]] >= 0))
					any = 1;
				else
					c -= (k == 0 ? 1.0 : -1.0) * v[mem[k]];
			}
			if (!any)
				continue;
			NEW_ROW(c, 'U');
			for (k = 0; k < nm; k++)
				if (res->possible[mem[k]] && (col_of[mem[k]] >= 0))
					lp_put(&b, b.rows, col_of[mem[k]] + 1, k == 0 ? 1.0 : -1.0);
			/* a child is at most its parent: a bound when one side is published, a row when neither is */
			for (k = 1; k < nm; k++) {
				int pv = col_of[mem[0]] >= 0, cv;

				if (!res->possible[mem[k]])
					continue;
				cv = col_of[mem[k]] >= 0;
				if (pv && cv) {
					NEW_ROW(0.0, 'U');
					lp_put(&b, b.rows, col_of[mem[k]] + 1, 1.0);
					lp_put(&b, b.rows, col_of[mem[0]] + 1, -1.0);
				} else if (cv && v[mem[0]] < ub[col_of[mem[k]]]) {
					ub[col_of[mem[k]]] = v[mem[0]];
				} else if (pv && v[mem[k]] > lb[col_of[mem[0]]]) {
					lb[col_of[mem[0]]] = v[mem[k]];
				}
			}
		}
	}
#undef NEW_ROW
	glp_add_cols(lp, (int)n);
	for (i = 0; i < n; i++)
		glp_set_col_bnds(lp, (int)i + 1, ub[i] == HUGE_VAL ? GLP_LO : ub[i] == lb[i] ? GLP_FX : GLP_DB, lb[i], ub[i]);
	if (b.rows) {
		glp_add_rows(lp, b.rows);
		for (i = 1; i <= (size_t)b.rows; i++)
			glp_set_row_bnds(lp, (int)i, kind[i] == 'E' ? GLP_FX : GLP_UP, rhs[i], rhs[i]);
		glp_load_matrix(lp, (int)b.n, b.ia, b.ja, b.ar);
	}
	glp_init_smcp(&parm);
	parm.msg_lev = GLP_MSG_OFF;
	parm.presolve = GLP_OFF;
	glp_term_out(GLP_OFF);
	glp_adv_basis(lp, 0);
	for (i = 0; i < n; i++) {
		int dir;

		if (!target[i])
			continue;
		glp_set_obj_coef(lp, (int)i + 1, 1.0);
		for (dir = 0; dir < 2; dir++) {
			double x;
			int st;

			glp_set_obj_dir(lp, dir ? GLP_MAX : GLP_MIN);
			if (glp_simplex(lp, &parm) != 0) {
				glp_std_basis(lp);
				glp_simplex(lp, &parm);
			}
			a->n_lps++;
			st = glp_get_status(lp);
			x = st == GLP_UNBND ? HUGE_VAL : st == GLP_OPT ? glp_get_obj_val(lp) : NAN;
			if (dir)
				a->hi[measure][cells[i]] = x;
			else
				a->lo[measure][cells[i]] = x;
		}
		glp_set_obj_coef(lp, (int)i + 1, 0.0);
	}
	glp_delete_prob(lp);
	free(b.ia);
	free(b.ja);
	free(b.ar);
	free(rhs);
	free(kind);
	free(seen.slot);
	free(lb);
	free(ub);
	free(refs);
	free(mem);
}

void audit_result_release(struct audit_result *a)
{
	int m;

	for (m = 0; m < TABLE_MAX_MEASURES; m++) {
		FREE_AND_NULL(a->lo[m]);
		FREE_AND_NULL(a->hi[m]);
	}
	FREE_AND_NULL(a->whole);
	memset(a, 0, sizeof(*a));
}

static const size_t caps[] = { 24, 96 };

/*
 * Audit cell i (and its unaudited close neighbours) for one measure: the LP
 * over the suppressed cells within reach of it, breadth first, at most a
 * cap of them; the rest keep their values. A primary cell whose interval
 * is still too narrow is tried again with a larger cap; when the reach
 * covers its whole group the interval is exact.
 */
static void neighbourhoods(const struct relations *r, const struct tab_result *res, const uint8_t *status,
			   const size_t *cells, const int *gidx, int *lcol, const size_t *gsize, uint8_t *todo,
			   uint8_t *retry, size_t i, int m, int additive, int interval, struct audit_result *a)
{
	struct rel_ref *refs = xmalloc(st_mult((size_t)r->max_refs, sizeof(*refs)));
	size_t *mem = xmalloc(st_mult((size_t)r->max_members, sizeof(*mem)));
	size_t level, cap_set = caps[sizeof(caps) / sizeof(caps[0]) - 1] + 1;
	size_t *set = xmalloc(cap_set * sizeof(size_t)), *depth = xmalloc(cap_set * sizeof(size_t));
	uint8_t *target = xmalloc(cap_set);

	for (level = 0; level < sizeof(caps) / sizeof(caps[0]); level++) {
		size_t n_set = 0, head = 0, k, j, nr, nm;
		int whole;

		/* breadth first from cell i: set[] holds cells, lcol[] their LP column */
		set[n_set] = cells[i];
		lcol[cells[i]] = 0;
		depth[n_set++] = 0;
		while (head < n_set && n_set < caps[level]) {
			size_t x = set[head++];

			nr = relations_of_cell(r, x, refs);
			for (j = 0; j < nr && n_set < caps[level]; j++) {
				nm = relations_members(r, &refs[j], mem);
				for (k = 0; k < nm && n_set < caps[level]; k++) {
					size_t c = mem[k];

					if (gidx[c] < 0 || lcol[c] >= 0 || !res->possible[c])
						continue;  /* published, already in the set, or impossible */
					lcol[c] = (int)n_set;
					set[n_set] = c;
					depth[n_set++] = depth[head - 1] + 1;
				}
			}
		}
		whole = n_set == gsize[i];
		for (k = 0; k < n_set; k++)
			target[k] = k == 0 || (level == 0 && depth[k] <= 1 && todo[gidx[set[k]]]);
		solve_set(r, res, set, n_set, lcol, target, m, additive, a);
		for (k = 0; k < n_set; k++) {
			size_t c = set[k];
			double w = a->hi[m][c] - a->lo[m][c];
			int ok = status[c] != CELL_PRIMARY || w >= interval - 1e-6;

			lcol[c] = -1;
			if (target[k] && (ok || k == 0)) {
				todo[gidx[c]] = 0;
				a->whole[c] = (uint8_t)whole;
			}
		}
		if (whole || status[cells[i]] != CELL_PRIMARY ||
		    a->hi[m][cells[i]] - a->lo[m][cells[i]] >= interval - 1e-6)
			break;
		if (level + 1 == sizeof(caps) / sizeof(caps[0]))
			retry[gidx[cells[i]]] = 1;
	}
	free(set);
	free(depth);
	free(target);
	free(refs);
	free(mem);
}

int protect_audit(const struct table *t, const struct tab_result *res, const uint8_t *status,
		  int interval, const uint8_t *only, struct audit_result *a, struct err *err)
{
	struct relations r;
	struct rel_ref *refs = NULL;
	size_t *mem = NULL, *cells = NULL, *order = NULL, n = 0, i, j, k, c;
	uint32_t *up = NULL;
	int *col_of = NULL, *lcol = NULL, rc, m;
	uint8_t *need = NULL, *todo = NULL, *retry = NULL, *target = NULL;
	size_t *start = NULL, g;
	size_t *gsize = NULL, local;
	double t0 = progress_now();

	if ((rc = relations_init(&r, t, res, err)))
		return rc;
	if (!a->lo[0] && !a->hi[0] && !a->n_measures) {
		for (m = 0; m < (int)t->n_measures; m++)
			if (t->measures[m].kind != MEASURE_MIGRANTS) {
				a->measures[a->n_measures++] = m;
				a->lo[m] = xmalloc(st_mult(res->n_cells, sizeof(double)));
				a->hi[m] = xmalloc(st_mult(res->n_cells, sizeof(double)));
			}
		a->whole = xcalloc(res->n_cells ? res->n_cells : 1, 1);
		only = NULL;
	}
	refs = xmalloc(st_mult((size_t)r.max_refs, sizeof(*refs)));
	mem = xmalloc(st_mult((size_t)r.max_members, sizeof(*mem)));
	for (c = 0; c < res->n_cells; c++)
		n += status[c] && res->possible[c];
	cells = xmalloc(st_mult(n + 1, sizeof(*cells)));
	up = xmalloc(st_mult(n + 1, sizeof(*up)));
	col_of = xmalloc(st_mult(res->n_cells, sizeof(int)));
	lcol = xmalloc(st_mult(res->n_cells, sizeof(int)));
	for (c = 0; c < res->n_cells; c++)
		col_of[c] = lcol[c] = -1;
	need = xcalloc(n + 1, 1);
	retry = xcalloc(n + 1, 1);
	target = xcalloc(n + 1, 1);
	todo = xcalloc(n + 1, 1);
	gsize = xcalloc(n + 1, sizeof(size_t));
	for (c = 0, n = 0; c < res->n_cells; c++)
		if (status[c] && res->possible[c]) {
			col_of[c] = (int)n;
			up[n] = (uint32_t)n;
			cells[n++] = c;
		}
	/* the groups: suppressed cells joined by the relations they share */
	for (i = 0; i < n; i++) {
		size_t nr = relations_of_cell(&r, cells[i], refs);

		for (j = 0; j < nr; j++) {
			size_t nm = relations_members(&r, &refs[j], mem);

			for (k = 0; k < nm; k++)
				if (status[mem[k]] && res->possible[mem[k]]) {
					size_t x = uf_find(up, i), y = uf_find(up, (size_t)col_of[mem[k]]);

					if (x != y)
						up[x > y ? x : y] = (uint32_t)(x > y ? y : x);
				}
		}
	}
	/* cells ordered by group: a counting sort on the root */
	{
		size_t *fill;

		start = xcalloc(n + 2, sizeof(size_t));
		for (i = 0; i < n; i++)
			start[uf_find(up, i) + 1]++;
		a->n_components = 0;
		a->largest_component = 0;
		for (g = 0; g < n; g++) {
			a->n_components += start[g + 1] > 0;
			if (start[g + 1] > a->largest_component)
				a->largest_component = start[g + 1];
			start[g + 1] += start[g];
		}
		fill = xmalloc((n + 1) * sizeof(size_t));
		memcpy(fill, start, (n + 1) * sizeof(size_t));
		order = xmalloc((n + 1) * sizeof(size_t));
		for (i = 0; i < n; i++)
			order[fill[uf_find(up, i)]++] = cells[i];
		free(fill);
		for (g = 0; g < n; g++) {
			size_t lo = start[g], hi = start[g + 1];
			int want = only == NULL;

			if (hi == lo)
				continue;
			for (i = lo; i < hi && !want; i++)
				want = only[order[i]] != 0;
			if (!want)
				continue;
			for (i = lo; i < hi; i++) {
				need[col_of[order[i]]] = 1;
				gsize[col_of[order[i]]] = hi - lo;
			}
		}
	}
	for (local = 0; local < (size_t)a->n_measures; local++) {
		m = a->measures[local];
		for (i = 0; i < n; i++)
			todo[i] = need[i];
		memset(retry, 0, n + 1);
		for (i = 0; i < n; i++)
			if (todo[i])
				neighbourhoods(&r, res, status, cells, col_of, lcol, gsize, todo, retry, i, m,
					       t->measures[m].kind != MEASURE_PERSONS, interval, a);
		/* what the neighbourhoods could not prove: the whole group's LP, exact */
		for (g = 0; g < n; g++) {
			size_t lo = start[g], hi = start[g + 1], any = 0;

			for (i = lo; i < hi; i++)
				any |= retry[col_of[order[i]]];
			if (!any)
				continue;
			for (i = lo; i < hi; i++) {
				lcol[order[i]] = (int)(i - lo);
				target[i - lo] = retry[col_of[order[i]]];
			}
			solve_set(&r, res, order + lo, hi - lo, lcol, target, m, t->measures[m].kind != MEASURE_PERSONS, a);
			for (i = lo; i < hi; i++) {
				lcol[order[i]] = -1;
				if (target[i - lo])
					a->whole[order[i]] = 1;
			}
		}
	}
	/* the verdict, over every suppressed cell */
	a->n_suppressed = n;
	a->n_checked = a->n_failed = 0;
	a->narrowest = HUGE_VAL;
	for (i = 0; i < n; i++) {
		if (status[cells[i]] != CELL_PRIMARY)
			continue;
		for (k = 0; k < (size_t)a->n_measures; k++) {
			double w = a->hi[a->measures[k]][cells[i]] - a->lo[a->measures[k]][cells[i]];

			a->n_checked++;
			if (!(w >= interval - 1e-6))
				a->n_failed++;
			if (w < a->narrowest || isnan(w))
				a->narrowest = w;
		}
	}
	a->seconds += progress_now() - t0;
	free(order);
	free(refs);
	free(mem);
	free(cells);
	free(up);
	free(col_of);
	free(lcol);
	free(need);
	free(retry);
	free(target);
	free(start);
	free(todo);
	free(gsize);
	relations_release(&r);
	return 0;
}
