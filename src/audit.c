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

/* An LP being built: GLPK's 1-based triplets, and each row's right-hand side and kind. */
struct lp_build {
	int *ia, *ja;
	double *ar, *rhs;
	char *kind;                /* 'E' equal to rhs, 'U' at most rhs */
	size_t n, cap, rcap;
	int rows;
};

static void lp_put(struct lp_build *b, int col, double v)
{
	if (b->n + 2 > b->cap) {
		b->cap = b->cap ? b->cap * 2 : 4096;
		b->ia = xrealloc(b->ia, st_mult(b->cap, sizeof(int)));
		b->ja = xrealloc(b->ja, st_mult(b->cap, sizeof(int)));
		b->ar = xrealloc(b->ar, st_mult(b->cap, sizeof(double)));
	}
	b->n++;  /* GLPK's arrays start at 1 */
	b->ia[b->n] = b->rows;
	b->ja[b->n] = col;
	b->ar[b->n] = v;
}

static void lp_row(struct lp_build *b, double rhs, char kind)
{
	if ((size_t)b->rows + 2 > b->rcap) {
		b->rcap = b->rcap ? b->rcap * 2 : 1024;
		b->rhs = xrealloc(b->rhs, b->rcap * sizeof(double));
		b->kind = xrealloc(b->kind, b->rcap);
	}
	b->rows++;
	b->rhs[b->rows] = rhs;
	b->kind[b->rows] = kind;
}

static void lp_build_release(struct lp_build *b)
{
	free(b->ia);
	free(b->ja);
	free(b->ar);
	free(b->rhs);
	free(b->kind);
}

/* One audit's shared state and scratch, made once. */
struct audit_ctx {
	const struct relations *r;
	const struct tab_result *res;
	const uint8_t *status;
	struct audit_result *a;
	int interval, measure, additive;
	const size_t *cells;       /* the suppressed cells that can exist */
	int *gidx;                 /* per cell: its index in cells, or -1 */
	int *lcol;                 /* per cell: its LP column, or -1 (a constant) */
	const size_t *gsize;       /* per suppressed cell: the size of its group */
	uint8_t *todo, *retry;     /* per suppressed cell: not yet proved; left to the group's LP */
	struct rel_ref *refs;      /* scratch: relations of one cell */
	size_t *mem;               /* scratch: members of one relation */
	size_t *set, *depth;       /* scratch: a neighbourhood, breadth first */
	uint8_t *target;           /* scratch: which of the LP's columns to solve */
};

static int wide_enough(const struct audit_ctx *x, size_t c)
{
	return x->status[c] != CELL_PRIMARY ||
	       x->a->hi[x->measure][c] - x->a->lo[x->measure][c] >= x->interval - 1e-6;
}

/*
 * The LP over the variables cells[0..n) (x->lcol[c] their column, -1 for
 * every other cell, which keeps its value), for one measure, and the two
 * solves of each target. Fixing the suppressed cells outside the set at
 * their true values adds constraints, so the interval found lies inside
 * the reader's: a proof of width, never an overstatement of it.
 */
static void solve_set(struct audit_ctx *x, const size_t *cells, size_t n)
{
	const struct tab_result *res = x->res;
	const uint32_t *v = res->values[x->measure];
	const int *col = x->lcol;
	size_t *mem = x->mem, i, j, k, nm, nr;
	struct keyset seen = { 0 };
	double *lb = xcalloc(n + 1, sizeof(double)), *ub = xmalloc((n + 1) * sizeof(double));
	struct lp_build b = { 0 };
	glp_prob *lp = glp_create_prob();
	glp_smcp parm;

	for (i = 0; i < n; i++)
		ub[i] = HUGE_VAL;
	for (i = 0; i < n; i++) {
		nr = relations_of_cell(x->r, cells[i], x->refs);
		for (j = 0; j < nr; j++) {
			double c = 0;
			int any = 0;

			if (!keyset_add(&seen, relations_key(x->r, &x->refs[j])))
				continue;
			nm = relations_members(x->r, &x->refs[j], mem);
			/* parent - sum(children): = 0 for counts, <= 0 for distinct persons;
			 * the published part on the right */
			for (k = 0; k < nm; k++) {
				if (!res->possible[mem[k]])
					continue;
				if (col[mem[k]] >= 0)
					any = 1;
				else
					c -= (k == 0 ? 1.0 : -1.0) * v[mem[k]];
			}
			if (!any)
				continue;
			lp_row(&b, c, x->additive ? 'E' : 'U');
			for (k = 0; k < nm; k++)
				if (res->possible[mem[k]] && col[mem[k]] >= 0)
					lp_put(&b, col[mem[k]] + 1, k == 0 ? 1.0 : -1.0);
			if (x->additive)
				continue;
			/* persons: a child is at most its parent; a bound when one side is published */
			for (k = 1; k < nm; k++) {
				int pv = col[mem[0]] >= 0, cv = col[mem[k]] >= 0;

				if (!res->possible[mem[k]])
					continue;
				if (pv && cv) {
					lp_row(&b, 0.0, 'U');
					lp_put(&b, col[mem[k]] + 1, 1.0);
					lp_put(&b, col[mem[0]] + 1, -1.0);
				} else if (cv && v[mem[0]] < ub[col[mem[k]]]) {
					ub[col[mem[k]]] = v[mem[0]];
				} else if (pv && v[mem[k]] > lb[col[mem[0]]]) {
					lb[col[mem[0]]] = v[mem[k]];
				}
			}
		}
	}
	glp_add_cols(lp, (int)n);
	for (i = 0; i < n; i++)
		glp_set_col_bnds(lp, (int)i + 1, ub[i] == HUGE_VAL ? GLP_LO : ub[i] == lb[i] ? GLP_FX : GLP_DB, lb[i], ub[i]);
	if (b.rows) {
		glp_add_rows(lp, b.rows);
		for (i = 1; i <= (size_t)b.rows; i++)
			glp_set_row_bnds(lp, (int)i, b.kind[i] == 'E' ? GLP_FX : GLP_UP, b.rhs[i], b.rhs[i]);
		glp_load_matrix(lp, (int)b.n, b.ia, b.ja, b.ar);
	}
	glp_init_smcp(&parm);
	parm.msg_lev = GLP_MSG_OFF;
	parm.presolve = GLP_OFF;
	glp_term_out(GLP_OFF);
	glp_adv_basis(lp, 0);
	for (i = 0; i < n; i++) {
		int dir;

		if (!x->target[i])
			continue;
		glp_set_obj_coef(lp, (int)i + 1, 1.0);
		for (dir = 0; dir < 2; dir++) {
			double val;
			int st;

			glp_set_obj_dir(lp, dir ? GLP_MAX : GLP_MIN);
			if (glp_simplex(lp, &parm) != 0) {
				glp_std_basis(lp);
				glp_simplex(lp, &parm);
			}
			x->a->n_lps++;
			st = glp_get_status(lp);
			val = st == GLP_UNBND ? HUGE_VAL : st == GLP_OPT ? glp_get_obj_val(lp) : NAN;
			if (dir)
				x->a->hi[x->measure][cells[i]] = val;
			else
				x->a->lo[x->measure][cells[i]] = val;
		}
		glp_set_obj_coef(lp, (int)i + 1, 0.0);
	}
	glp_delete_prob(lp);
	lp_build_release(&b);
	free(seen.slot);
	free(lb);
	free(ub);
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
#define N_CAPS (sizeof(caps) / sizeof(caps[0]))

/*
 * Audit suppressed cell i (and its unproved close neighbours) for one
 * measure: the LP over the suppressed cells within reach of it, breadth
 * first, at most a cap of them; the rest keep their values. A primary
 * cell still too narrow is tried with the larger cap, then left to its
 * whole group's LP (retry); when the reach covers the group, the interval
 * is exact.
 */
static void neighbourhood(struct audit_ctx *x, size_t i)
{
	const struct tab_result *res = x->res;
	size_t level, *set = x->set, *depth = x->depth, *mem = x->mem;
	int *lcol = x->lcol;

	for (level = 0; level < N_CAPS; level++) {
		size_t n_set = 0, head = 0, k, j, nr, nm;
		int whole;

		/* breadth first from the cell: set[] holds cells, lcol[] their LP column */
		set[n_set] = x->cells[i];
		lcol[x->cells[i]] = 0;
		depth[n_set++] = 0;
		while (head < n_set && n_set < caps[level]) {
			size_t from = set[head++];

			nr = relations_of_cell(x->r, from, x->refs);
			for (j = 0; j < nr && n_set < caps[level]; j++) {
				nm = relations_members(x->r, &x->refs[j], mem);
				for (k = 0; k < nm && n_set < caps[level]; k++) {
					size_t c = mem[k];

					if (x->gidx[c] < 0 || lcol[c] >= 0 || !res->possible[c])
						continue;  /* published, already in the set, or impossible */
					lcol[c] = (int)n_set;
					set[n_set] = c;
					depth[n_set++] = depth[head - 1] + 1;
				}
			}
		}
		whole = n_set == x->gsize[i];
		for (k = 0; k < n_set; k++)
			x->target[k] = k == 0 || (level == 0 && depth[k] <= 1 && x->todo[x->gidx[set[k]]]);
		solve_set(x, set, n_set);
		for (k = 0; k < n_set; k++) {
			size_t c = set[k];

			lcol[c] = -1;
			if (x->target[k] && (k == 0 || wide_enough(x, c))) {
				x->todo[x->gidx[c]] = 0;
				x->a->whole[c] = (uint8_t)whole;
			}
		}
		if (whole || wide_enough(x, x->cells[i]))
			return;
	}
	x->retry[i] = 1;
}

int protect_audit(const struct table *t, const struct tab_result *res, const uint8_t *status,
		  int interval, const uint8_t *only, struct audit_result *a, struct err *err)
{
	struct relations r;
	struct audit_ctx x;
	size_t *cells = NULL, *order = NULL, *start = NULL, *gsize = NULL, n = 0, i, j, k, c, g, local;
	uint32_t *up = NULL;
	uint8_t *need = NULL;
	int rc, m;
	double t0 = progress_now();

	if ((rc = relations_init(&r, t, res, err)))
		return rc;
	if (!a->whole) {
		for (m = 0; m < (int)t->n_measures; m++)
			if (t->measures[m].kind != MEASURE_MIGRANTS) {
				a->measures[a->n_measures++] = m;
				a->lo[m] = xmalloc(st_mult(res->n_cells, sizeof(double)));
				a->hi[m] = xmalloc(st_mult(res->n_cells, sizeof(double)));
			}
		a->whole = xcalloc(res->n_cells ? res->n_cells : 1, 1);
		only = NULL;  /* nothing audited yet: everything */
	}
	memset(&x, 0, sizeof(x));
	x.r = &r;
	x.res = res;
	x.status = status;
	x.a = a;
	x.interval = interval;
	x.refs = xmalloc(st_mult((size_t)r.max_refs, sizeof(*x.refs)));
	x.mem = xmalloc(st_mult((size_t)r.max_members, sizeof(*x.mem)));
	for (c = 0; c < res->n_cells; c++)
		n += status[c] && res->possible[c];
	x.cells = cells = xmalloc(st_mult(n + 1, sizeof(*cells)));
	x.set = xmalloc((n + 1) * sizeof(size_t));
	x.depth = xmalloc((n + 1) * sizeof(size_t));
	x.target = xcalloc(n + 1, 1);
	x.todo = xcalloc(n + 1, 1);
	x.retry = xcalloc(n + 1, 1);
	x.gsize = gsize = xcalloc(n + 1, sizeof(size_t));
	x.gidx = xmalloc(st_mult(res->n_cells, sizeof(int)));
	x.lcol = xmalloc(st_mult(res->n_cells, sizeof(int)));
	up = xmalloc(st_mult(n + 1, sizeof(*up)));
	need = xcalloc(n + 1, 1);
	for (c = 0; c < res->n_cells; c++)
		x.gidx[c] = x.lcol[c] = -1;
	for (c = 0, n = 0; c < res->n_cells; c++)
		if (status[c] && res->possible[c]) {
			x.gidx[c] = (int)n;
			up[n] = (uint32_t)n;
			cells[n++] = c;
		}
	/* the groups: suppressed cells joined by the relations they share */
	for (i = 0; i < n; i++) {
		size_t nr = relations_of_cell(&r, cells[i], x.refs);

		for (j = 0; j < nr; j++) {
			size_t nm = relations_members(&r, &x.refs[j], x.mem);

			for (k = 0; k < nm; k++)
				if (x.gidx[x.mem[k]] >= 0) {
					size_t p = uf_find(up, i), q = uf_find(up, (size_t)x.gidx[x.mem[k]]);

					if (p != q)
						up[p > q ? p : q] = (uint32_t)(p > q ? q : p);
				}
		}
	}
	/* cells ordered by group (a counting sort on the root); the groups to audit */
	start = xcalloc(n + 2, sizeof(size_t));
	for (i = 0; i < n; i++)
		start[uf_find(up, i) + 1]++;
	a->n_components = a->largest_component = 0;
	for (g = 0; g < n; g++) {
		a->n_components += start[g + 1] > 0;
		if (start[g + 1] > a->largest_component)
			a->largest_component = start[g + 1];
		start[g + 1] += start[g];
	}
	{
		size_t *fill = xmalloc((n + 1) * sizeof(size_t));

		memcpy(fill, start, (n + 1) * sizeof(size_t));
		order = xmalloc((n + 1) * sizeof(size_t));
		for (i = 0; i < n; i++)
			order[fill[uf_find(up, i)]++] = cells[i];
		free(fill);
	}
	for (g = 0; g < n; g++) {
		int want = only == NULL;

		for (i = start[g]; i < start[g + 1] && !want; i++)
			want = only[order[i]] != 0;
		for (i = start[g]; i < start[g + 1] && want; i++) {
			need[x.gidx[order[i]]] = 1;
			gsize[x.gidx[order[i]]] = start[g + 1] - start[g];
		}
	}
	for (local = 0; local < (size_t)a->n_measures; local++) {
		x.measure = m = a->measures[local];
		x.additive = t->measures[m].kind != MEASURE_PERSONS;
		memcpy(x.todo, need, n);
		memset(x.retry, 0, n);
		for (i = 0; i < n; i++)
			if (x.todo[i])
				neighbourhood(&x, i);
		/* what the neighbourhoods could not prove: the whole group's LP, exact */
		for (g = 0; g < n; g++) {
			size_t lo = start[g], hi = start[g + 1], any = 0;

			for (i = lo; i < hi; i++)
				any |= x.retry[x.gidx[order[i]]];
			if (!any)
				continue;
			for (i = lo; i < hi; i++) {
				x.lcol[order[i]] = (int)(i - lo);
				x.target[i - lo] = x.retry[x.gidx[order[i]]];
			}
			solve_set(&x, order + lo, hi - lo);
			for (i = lo; i < hi; i++) {
				x.lcol[order[i]] = -1;
				if (x.target[i - lo])
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
	free(x.refs);
	free(x.mem);
	free(x.set);
	free(x.depth);
	free(x.target);
	free(x.todo);
	free(x.retry);
	free(x.gidx);
	free(x.lcol);
	free(cells);
	free(gsize);
	free(order);
	free(start);
	free(up);
	free(need);
	relations_release(&r);
	return 0;
}
