/*
 * audit.c: the LP audit of a suppression pattern. A reader knows every
 * published cell and every additive relation; the suppressed cells are
 * the unknowns (at least zero). Counts add up exactly (equalities);
 * distinct persons do not (a person in two months is one person in the
 * year), so for them a total lies between its largest part and the sum of
 * its parts (inequalities). Only suppressed cells are variables, and the
 * LP splits into the groups they form through shared relations.
 *
 * At a million cells one group can hold tens of thousands of cells, and
 * two LPs over it per unsafe cell would take hours, so the audit proves
 * rather than measures: every feasible point of the reader's LP is a
 * table the reader cannot tell from the true one, and a cell's interval is
 * the hull of its values in all those found (an interval inside the
 * reader's). First balanced moves of suppressed cells (move.h), each
 * checked against every relation: those suppression made, then one
 * searched for each unsafe cell still too narrow. Groups of at most 64
 * cells are solved exactly. Then, for what is still unproved, a
 * neighbourhood of each unsafe cell (the balanced move suppression made
 * for it, closed over its relations, then breadth first), the other cells
 * fixed at their values; then, for what that did not prove, joint solves
 * over the whole group, up to 20,000 cells (all such cells pushed up at
 * once, then down);
 * then each one's own two solves, which give its exact interval. Proved
 * intervals stay proved when more cells are suppressed, so a repair round
 * only audits what is still too narrow. GLPK's simplex starts from the
 * true table (each variable is its value plus up minus down), which is
 * feasible, so it never needs a first phase.
 * SPDX-License-Identifier: MIT
 */
#include "protect.h"
#include "progress.h"
#include "relations.h"
#include "mem.h"
#include "move.h"

#include <glpk.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	size_t n, cap, rcap, vars;
	int rows;
};

/*
 * Variable j of an LP is its cell's true value t plus up minus down, each
 * at least zero (columns j+1 and n+j+1): every column at zero is then the
 * true table, a feasible start, so the simplex has no first phase. The
 * coefficient goes on both columns, and t to the right-hand side.
 */
static void lp_put(struct lp_build *b, size_t j, double coef, double t)
{
	if (b->n + 3 > b->cap) {
		b->cap = b->cap ? b->cap * 2 : 4096;
		b->ia = xrealloc(b->ia, st_mult(b->cap, sizeof(int)));
		b->ja = xrealloc(b->ja, st_mult(b->cap, sizeof(int)));
		b->ar = xrealloc(b->ar, st_mult(b->cap, sizeof(double)));
	}
	/* GLPK's arrays start at 1 */
	b->ia[++b->n] = b->rows;
	b->ja[b->n] = (int)j + 1;
	b->ar[b->n] = coef;
	b->ia[++b->n] = b->rows;
	b->ja[b->n] = (int)(b->vars + j) + 1;
	b->ar[b->n] = -coef;
	b->rhs[b->rows] -= coef * t;
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
	/*
	 * A cell's distinct persons are at most its records: the other measure
	 * of the pair bounds this one (its true value, so the LP stays inside
	 * the reader's), or NULL when the table has no such pair.
	 */
	const uint32_t *at_most, *at_least;
	const size_t *cells;       /* the suppressed cells that can exist */
	int *gidx;                 /* per cell: its index in cells, or -1 */
	int *lcol;                 /* per cell: its LP column, or -1 (a constant) */
	const size_t *gsize;       /* per suppressed cell: the size of its group */
	uint8_t *todo, *retry;     /* per suppressed cell: not yet proved; left to the group's LP */
	struct rel_ref *refs;      /* scratch: relations of one cell */
	size_t *mem;               /* scratch: members of one relation */
	size_t *set, *depth;       /* scratch: a neighbourhood */
	uint8_t *target;           /* scratch: per LP column, whether to solve its min and max */
	uint8_t *used[TABLE_MAX_DIMS];  /* scratch: per dimension, codes the neighbourhood holds */
};

static int wide_enough(const struct audit_ctx *x, size_t c)
{
	return x->status[c] != CELL_PRIMARY ||
	       protect_wide_enough(x->a->hi[x->measure][c] - x->a->lo[x->measure][c], x->interval);
}

/*
 * Every solution of every LP here is a table the reader cannot tell from
 * the true one (the LPs only add constraints to the reader's), so each
 * cell's interval so far is the hull of its values in all of them. This
 * proves width for cells that were never a target.
 */
static void harvest(struct audit_ctx *x, glp_prob *lp, const size_t *cells, size_t n)
{
	double *lo = x->a->lo[x->measure], *hi = x->a->hi[x->measure];
	size_t j;

	for (j = 0; j < n; j++) {
		double v = x->res->values[x->measure][cells[j]] + glp_get_col_prim(lp, (int)j + 1) -
			   glp_get_col_prim(lp, (int)(n + j) + 1);

		if (v < lo[cells[j]])
			lo[cells[j]] = v;
		if (v > hi[cells[j]])
			hi[cells[j]] = v;
	}
}

/*
 * The LP over the variables cells[0..n) (x->lcol[c] their column, -1 for
 * every other cell, which keeps its value), for one measure. Fixing the
 * suppressed cells outside the set at their true values adds constraints,
 * so the interval found lies inside the reader's: a proof of width, never
 * an overstatement of it. cap > 0 also keeps each variable within cap of
 * its true value (for the joint solves, which must stay bounded).
 */
static glp_prob *build_lp(struct audit_ctx *x, const size_t *cells, size_t n, double cap)
{
	const struct tab_result *res = x->res;
	const uint32_t *v = res->values[x->measure];
	const int *col = x->lcol;
	size_t *mem = x->mem, i, j, k, nm, nr;
	struct keyset seen = { 0 };
	double *lb = xcalloc(n + 1, sizeof(double)), *ub = xmalloc((n + 1) * sizeof(double));
	struct lp_build b = { 0 };
	glp_prob *lp = glp_create_prob();

	b.vars = n;
	for (i = 0; i < n; i++) {
		ub[i] = cap > 0 ? v[cells[i]] + cap : HUGE_VAL;
		if (x->at_most && x->at_most[cells[i]] < ub[i])
			ub[i] = x->at_most[cells[i]];
		if (x->at_least)
			lb[i] = x->at_least[cells[i]];
	}
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
					lp_put(&b, (size_t)col[mem[k]], k == 0 ? 1.0 : -1.0, v[mem[k]]);
			if (x->additive)
				continue;
			/* persons: a child is at most its parent; a bound when one side is published */
			for (k = 1; k < nm; k++) {
				int pv = col[mem[0]] >= 0, cv = col[mem[k]] >= 0;

				if (!res->possible[mem[k]])
					continue;
				if (pv && cv) {
					lp_row(&b, 0.0, 'U');
					lp_put(&b, (size_t)col[mem[k]], 1.0, v[mem[k]]);
					lp_put(&b, (size_t)col[mem[0]], -1.0, v[mem[0]]);
				} else if (cv && v[mem[0]] < ub[col[mem[k]]]) {
					ub[col[mem[k]]] = v[mem[0]];
				} else if (pv && v[mem[k]] > lb[col[mem[0]]]) {
					lb[col[mem[0]]] = v[mem[k]];
				}
			}
		}
	}
	glp_add_cols(lp, (int)(2 * n));
	for (i = 0; i < n; i++) {
		double t = v[cells[i]];

		glp_set_col_bnds(lp, (int)i + 1, ub[i] == HUGE_VAL ? GLP_LO : ub[i] == t ? GLP_FX : GLP_DB, 0.0, ub[i] - t);
		glp_set_col_bnds(lp, (int)(n + i) + 1, lb[i] == t ? GLP_FX : GLP_DB, 0.0, t - lb[i]);
	}
	if (b.rows) {
		glp_add_rows(lp, b.rows);
		for (i = 1; i <= (size_t)b.rows; i++)
			glp_set_row_bnds(lp, (int)i, b.kind[i] == 'E' ? GLP_FX : GLP_UP, b.rhs[i], b.rhs[i]);
		glp_load_matrix(lp, (int)b.n, b.ia, b.ja, b.ar);
	}
	glp_std_basis(lp);
	lp_build_release(&b);
	free(seen.slot);
	free(lb);
	free(ub);
	return lp;
}

/* Variable i of n's objective coefficient. */
static void set_obj(glp_prob *lp, size_t n, size_t i, double coef)
{
	glp_set_obj_coef(lp, (int)i + 1, coef);
	glp_set_obj_coef(lp, (int)(n + i) + 1, -coef);
}

/* One simplex solve, warm started; 0 when it found an optimum (harvested), else its status. */
static int solve(struct audit_ctx *x, glp_prob *lp, const size_t *cells, size_t n)
{
	glp_smcp parm;
	int st;

	glp_init_smcp(&parm);
	parm.msg_lev = GLP_MSG_OFF;
	parm.presolve = GLP_OFF;
	if (glp_simplex(lp, &parm) != 0) {
		glp_std_basis(lp);
		glp_simplex(lp, &parm);
	}
	x->a->n_lps++;
	st = glp_get_status(lp);
	if (st == GLP_OPT)
		harvest(x, lp, cells, n);
	return st == GLP_OPT ? 0 : st;
}

/* Each target's smallest and largest value in the LP over cells[0..n). */
static void solve_set(struct audit_ctx *x, const size_t *cells, size_t n)
{
	glp_prob *lp = build_lp(x, cells, n, 0);
	size_t i;

	for (i = 0; i < n; i++) {
		int dir;

		if (!x->target[i])
			continue;
		set_obj(lp, n, i, 1.0);
		for (dir = 0; dir < 2; dir++) {
			int st;

			glp_set_obj_dir(lp, dir ? GLP_MAX : GLP_MIN);
			st = solve(x, lp, cells, n);
			if (st == GLP_UNBND && dir)
				x->a->hi[x->measure][cells[i]] = HUGE_VAL;
			else if (st && st != GLP_UNBND)
				x->a->lo[x->measure][cells[i]] = x->a->hi[x->measure][cells[i]] = NAN;
		}
		set_obj(lp, n, i, 0.0);
	}
	glp_delete_prob(lp);
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

/* Put suppressed cell c into the neighbourhood; 0 when it is already there, published or impossible. */
static int set_add(struct audit_ctx *x, size_t *n_set, size_t c, size_t depth)
{
	size_t d;

	if (x->gidx[c] < 0 || x->lcol[c] >= 0 || !x->res->possible[c])
		return 0;
	x->lcol[c] = (int)*n_set;
	x->set[*n_set] = c;
	x->depth[(*n_set)++] = depth;
	for (d = 0; d < x->r->n_dims; d++)
		x->used[d][relations_code(x->r, c, d)] = 1;
	return 1;
}

/*
 * A neighbourhood that can move: a cell can change only if every relation
 * it is in holds another cell that changes with it. So each relation of a
 * cell in the set that holds no other one gets one more of its suppressed
 * cells, preferring a code the set already uses along that dimension (so
 * that moves close into boxes, the way a hypercube does), then the
 * largest (it has room to go down). It starts from the cell's balanced
 * move (move.h), as far as its cells are suppressed.
 */
static size_t closure(struct audit_ctx *x, size_t c0, size_t cap)
{
	const struct tab_result *res = x->res;
	const uint32_t *v = res->values[x->measure];
	size_t n_set = 0, head = 0, *mem = x->mem, i, cells[MOVE_MAX_CELLS], n;
	struct move mv;

	set_add(x, &n_set, c0, 0);
	/* the move suppression made for it, as far as its cells are suppressed */
	if (!move_find(x->r, res, c0, x->status, v, (uint32_t)x->interval, v, &mv)) {
		size_t dim;

		n = move_cells(x->r, c0, &mv, cells, NULL);
		for (i = 0; i < n && n_set < cap; i++)
			set_add(x, &n_set, cells[i], 1);
		for (dim = 0; dim < x->r->n_dims; dim++)
			for (i = 0; i < mv.n[dim]; i++)
				x->used[dim][mv.code[dim][i]] = 1;
	}
	while (head < n_set && n_set < cap) {
		size_t from = x->set[head++], nr = relations_of_cell(x->r, from, x->refs), j, k;

		for (j = 0; j < nr && n_set < cap; j++) {
			size_t nm = relations_members(x->r, &x->refs[j], mem), in = 0, best = SIZE_MAX;
			uint32_t d = x->refs[j].dim;
			int best_used = -1;

			for (k = 0; k < nm; k++) {
				size_t c = mem[k];
				int u;

				if (!res->possible[c] || x->gidx[c] < 0)
					continue;
				if (x->lcol[c] >= 0) {
					in++;
					continue;
				}
				u = x->used[d][relations_code(x->r, c, d)];
				if (u > best_used || (u == best_used && v[c] > v[best])) {
					best = c;
					best_used = u;
				}
			}
			if (in < 2 && best != SIZE_MAX)
				set_add(x, &n_set, best, x->depth[head - 1] + 1);
		}
	}
	return n_set;
}

/* Breadth first from c0 over the suppressed cells, at most cap of them. */
static size_t breadth(struct audit_ctx *x, size_t c0, size_t cap)
{
	size_t n_set = 0, head = 0, *mem = x->mem;

	set_add(x, &n_set, c0, 0);
	while (head < n_set && n_set < cap) {
		size_t from = x->set[head++], nr = relations_of_cell(x->r, from, x->refs), j, k;

		for (j = 0; j < nr && n_set < cap; j++) {
			size_t nm = relations_members(x->r, &x->refs[j], mem);

			for (k = 0; k < nm && n_set < cap; k++)
				set_add(x, &n_set, mem[k], x->depth[head - 1] + 1);
		}
	}
	return n_set;
}

#define CLOSURE_CAP 160
#define BREADTH_CAP 96
#define GROUP_LP_MAX 20000    /* the largest group solved whole */
#define EXACT_GROUP_MAX 64   /* groups this small are solved exactly for every primary cell */

/*
 * Audit primary cell i (and its unproved close neighbours) for one
 * measure: the LP over a neighbourhood of suppressed cells, first one
 * closed the way a move must be, then one breadth first; the rest keep
 * their values. A cell neither proves is left to its whole group's
 * solves (retry); when a neighbourhood covers the group, the interval is
 * exact.
 */
static void neighbourhood(struct audit_ctx *x, size_t i)
{
	size_t level, d;

	for (level = 0; level < 2; level++) {
		size_t n_set = level == 0 ? closure(x, x->cells[i], CLOSURE_CAP) : breadth(x, x->cells[i], BREADTH_CAP), k;
		int whole = n_set == x->gsize[i];

		for (k = 0; k < n_set; k++)
			x->target[k] = k == 0 || (x->depth[k] <= 1 && x->todo[x->gidx[x->set[k]]]);
		solve_set(x, x->set, n_set);
		for (d = 0; d < x->r->n_dims; d++)
			memset(x->used[d], 0, x->r->n_codes[d]);
		for (k = 0; k < n_set; k++) {
			size_t c = x->set[k];

			x->lcol[c] = -1;
			if (x->todo[x->gidx[c]] && wide_enough(x, c))
				x->todo[x->gidx[c]] = 0;
			if (x->target[k] && whole)
				x->a->whole[c] = 1;
		}
		if (whole || wide_enough(x, x->cells[i]))
			return;
	}
	x->retry[i] = 1;
}

/*
 * The cells of one group that no neighbourhood proved. One LP over the
 * whole group, with every cell kept within a few intervals of its value
 * (so that it stays bounded), solved with joint objectives: all of them
 * up, all down, then each the way it has not moved yet; each solution
 * proves the cells it moves far enough. What is left gets its own
 * solves, without the bounds, which give its exact interval.
 */
static void group(struct audit_ctx *x, const size_t *cells, size_t n)
{
	glp_prob *lp;
	size_t i, left = 0, before;
	int pass;

	for (i = 0; i < n; i++) {
		x->lcol[cells[i]] = (int)i;
		left += x->retry[x->gidx[cells[i]]];
	}
	lp = build_lp(x, cells, n, 4.0 * (x->interval > 0 ? x->interval : 1));
	for (pass = 0; pass < 8 && left; pass++) {
		const double *lo = x->a->lo[x->measure], *hi = x->a->hi[x->measure];
		const uint32_t *v = x->res->values[x->measure];

		for (i = 0; i < n; i++) {
			size_t c = cells[i];
			double s = 0;

			if (x->retry[x->gidx[c]] && !wide_enough(x, c))
				s = pass == 0 ? 1 : pass == 1 ? -1 : hi[c] - v[c] > v[c] - lo[c] ? -1 : 1;
			set_obj(lp, n, i, s);
		}
		glp_set_obj_dir(lp, GLP_MAX);
		solve(x, lp, cells, n);
		before = left;
		for (i = 0, left = 0; i < n; i++)
			left += x->retry[x->gidx[cells[i]]] && !wide_enough(x, cells[i]);
		if (pass >= 2 && left == before)
			break;
	}
	glp_delete_prob(lp);
	if (left) {
		for (i = 0; i < n; i++)
			x->target[i] = x->retry[x->gidx[cells[i]]] && !wide_enough(x, cells[i]);
		solve_set(x, cells, n);
		for (i = 0; i < n; i++)
			if (x->target[i])
				x->a->whole[cells[i]] = 1;
	}
	for (i = 0; i < n; i++)
		x->lcol[cells[i]] = -1;
}

/*
 * A move of suppressed cells, checked against every relation (move_reach),
 * is a family of tables the reader cannot tell from the true one: each of
 * its cells is proved to range over its value minus how far the move goes
 * down to its value plus how far it goes up. 1 when it checked out.
 */
static int prove_by_move(struct move_ctx *mx, struct audit_result *a, size_t cell, const struct move *m)
{
	double up[TABLE_MAX_MEASURES], down[TABLE_MAX_MEASURES];
	size_t i;
	int q;

	if (move_reach(mx, cell, m, up, down))
		return 0;
	/* move_reach left the move's cells and signs in mx */
	for (q = 0; q < a->n_measures; q++) {
		double *lo = a->lo[a->measures[q]], *hi = a->hi[a->measures[q]];

		for (i = 0; i < mx->n_cells; i++) {
			size_t c = mx->cells[i];
			int s = mx->sign[i];
			double v = mx->v[q][c], l = v - (s > 0 ? down[q] : up[q]), h = v + (s > 0 ? up[q] : down[q]);

			if (l < lo[c])
				lo[c] = l;
			if (h > hi[c])
				hi[c] = h;
		}
	}
	return 1;
}

/* Whether primary cell c is proved wide enough in every audited measure. */
static int proved(const struct audit_result *a, size_t c, int interval)
{
	int q;

	for (q = 0; q < a->n_measures; q++)
		if (!protect_wide_enough(a->hi[a->measures[q]][c] - a->lo[a->measures[q]][c], interval))
			return 0;
	return 1;
}

int protect_audit(const struct table *t, const struct tab_result *res, const uint8_t *status,
		  int interval, const uint8_t *only, const struct move_cert *certs, size_t n_certs,
		  struct audit_result *a, struct err *err)
{
	struct relations r;
	struct audit_ctx x;
	size_t *cells = NULL, *order = NULL, *start = NULL, *gsize = NULL, n = 0, i, j, k, c, g, d, local;
	uint32_t *up = NULL;
	int rc, m;
	double t0 = progress_now();
	struct progress bar;

	if ((rc = relations_init(&r, t, res, err)))
		return rc;
	glp_term_out(GLP_OFF);
	/* on a terminal only, like every long stage; a repair round can take minutes */
	progress_init(&bar, "audit", isatty(2));
	if (!a->whole) {
		/* nothing audited yet: every interval starts at the true value */
		for (m = 0; m < (int)t->n_measures; m++)
			if (t->measures[m].kind != MEASURE_MIGRANTS) {
				a->measures[a->n_measures++] = m;
				a->lo[m] = xmalloc(st_mult(res->n_cells, sizeof(double)));
				a->hi[m] = xmalloc(st_mult(res->n_cells, sizeof(double)));
				for (c = 0; c < res->n_cells; c++)
					a->lo[m][c] = a->hi[m][c] = res->values[m][c];
			}
		a->whole = xcalloc(res->n_cells ? res->n_cells : 1, 1);
		only = NULL;
	}
	memset(&x, 0, sizeof(x));
	x.r = &r;
	x.res = res;
	x.status = status;
	x.a = a;
	x.interval = interval;
	x.refs = xmalloc(st_mult((size_t)r.max_refs, sizeof(*x.refs)));
	x.mem = xmalloc(st_mult((size_t)r.max_members, sizeof(*x.mem)));
	for (d = 0; d < r.n_dims; d++)
		x.used[d] = xcalloc(r.n_codes[d] + 1, 1);
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
	/* cells ordered by group (a counting sort on the root) */
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
	/*
	 * Suppressing more only widens what a reader cannot know, so an
	 * interval proved before still holds; only "exact" is lost where a
	 * group changed.
	 */
	for (g = 0; g < n; g++) {
		int any = only == NULL;

		for (i = start[g]; i < start[g + 1] && !any; i++)
			any = only[order[i]] != 0;
		for (i = start[g]; i < start[g + 1]; i++) {
			gsize[x.gidx[order[i]]] = start[g + 1] - start[g];
			if (any)
				a->whole[order[i]] = 0;
		}
	}
	/*
	 * First the moves: those suppression made (checked here, not trusted),
	 * then, for each primary cell they leave too narrow, one searched for
	 * among the suppressed cells. No LP is needed for what they prove.
	 */
	{
		struct move_ctx mx;
		struct move mv;

		move_ctx_init(&mx, &r, res, status, interval);
		mx.suppressed_only = 1;
		mx.max_nodes = 2000;
		for (local = 0; local < (size_t)a->n_measures; local++)
			move_ctx_measure(&mx, res->values[a->measures[local]], t->measures[a->measures[local]].kind != MEASURE_PERSONS);
		for (i = 0; i < n_certs; i++)
			a->n_moves += prove_by_move(&mx, a, certs[i].cell, &certs[i].m);
		for (i = 0; i < n; i++) {
			if (status[cells[i]] != CELL_PRIMARY || proved(a, cells[i], interval))
				continue;
			if (!move_search(&mx, cells[i], &mv, NULL))
				a->n_moves += prove_by_move(&mx, a, cells[i], &mv);
		}
		move_ctx_release(&mx);
	}
	for (local = 0; local < (size_t)a->n_measures; local++) {
		x.measure = m = a->measures[local];
		x.additive = t->measures[m].kind != MEASURE_PERSONS;
		x.at_most = x.at_least = NULL;
		for (size_t o = 0; o < t->n_measures; o++) {
			if (t->measures[m].kind == MEASURE_PERSONS && t->measures[o].kind == MEASURE_COUNT)
				x.at_most = res->values[o];
			if (t->measures[m].kind == MEASURE_COUNT && t->measures[o].kind == MEASURE_PERSONS)
				x.at_least = res->values[o];
		}
		/* a small group costs little to solve exactly: its primary cells get their exact intervals */
		for (g = 0; g < n; g++) {
			size_t sz = start[g + 1] - start[g], want = 0;

			if (!sz || sz > EXACT_GROUP_MAX)
				continue;
			for (i = 0; i < sz; i++) {
				c = order[start[g] + i];
				x.lcol[c] = (int)i;
				x.target[i] = status[c] == CELL_PRIMARY && !a->whole[c];
				want += x.target[i];
			}
			if (want)
				solve_set(&x, order + start[g], sz);
			for (i = 0; i < sz; i++) {
				c = order[start[g] + i];
				x.lcol[c] = -1;
				if (x.target[i] && local + 1 == (size_t)a->n_measures)
					a->whole[c] = 1;
				x.target[i] = 0;
			}
		}
		for (i = 0; i < n; i++) {
			x.todo[i] = status[cells[i]] == CELL_PRIMARY && !wide_enough(&x, cells[i]);
			x.retry[i] = 0;
		}
		for (i = 0; i < n; i++) {
			if (x.todo[i])
				neighbourhood(&x, i);
			progress_update(&bar, i + 1, n);
		}
		/* what the neighbourhoods could not prove: solves over the whole group */
		for (g = 0; g < n; g++) {
			int any = 0;

			for (i = start[g]; i < start[g + 1] && !any; i++)
				any = x.retry[x.gidx[order[i]]];
			/* beyond this, one simplex solve over the group takes minutes: left unproved */
			if (any && start[g + 1] - start[g] <= GROUP_LP_MAX)
				group(&x, order + start[g], start[g + 1] - start[g]);
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
			if (!protect_wide_enough(w, interval))
				a->n_failed++;
			if (w < a->narrowest || isnan(w))
				a->narrowest = w;
		}
	}
	progress_done(&bar);
	a->seconds += progress_now() - t0;
	free(x.refs);
	free(x.mem);
	for (d = 0; d < r.n_dims; d++)
		free(x.used[d]);
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
	relations_release(&r);
	return 0;
}
