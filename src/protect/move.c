/*
 * move.c: balanced moves (see move.h). Written by hand: it is the core of
 * how pasos finds and proves protection at a million cells. The chains
 * (a code and all it adds into) come from relations, made once per table.
 * SPDX-License-Identifier: MIT
 */
#include "move.h"

#include "mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int holds(const int *set, size_t n, size_t code)
{
	size_t k;

	for (k = 0; k < n; k++)
		if ((size_t)set[k] == code)
			return 1;
	return 0;
}

static int is_leaf(const struct rel_dim *rd, size_t code)
{
	return rd->own_off[code] == rd->own_off[code + 1];
}

/* The codes in one chain and not the other: how many codes the move along this dimension touches. */
static size_t difference(const int *a, size_t na, const int *b, size_t nb)
{
	size_t n = 0, k;

	for (k = 0; k < na; k++)
		n += !holds(b, nb, a[k]);
	for (k = 0; k < nb; k++)
		n += !holds(a, na, b[k]);
	return n;
}

/* Whether every cell of the move so far can exist (dimensions after d keep the cell's code). */
static int possible_so_far(const struct relations *r, const struct tab_result *res, size_t cell, struct move *m, size_t d)
{
	size_t cells[MOVE_MAX_CELLS], n, k, e, saved[TABLE_MAX_DIMS];
	int ok = 1;

	for (e = d + 1; e < r->n_dims; e++) {
		saved[e] = m->n[e];
		m->n[e] = 1;
		m->code[e][0] = (uint16_t)relations_code(r, cell, e);
		m->sign[e][0] = 1;
	}
	n = move_cells(r, cell, m, cells, NULL);
	for (k = 0; k < n && ok; k++)
		ok = res->possible[cells[k]] != 0;
	for (e = d + 1; e < r->n_dims; e++)
		m->n[e] = saved[e];
	return ok && n > 0;
}

/* The codes along d: up along chain a, down along chain b (nb 0: up only). */
static void set_dim(struct move *m, size_t d, const int *a, size_t na, const int *b, size_t nb)
{
	size_t k;

	m->n[d] = 0;
	for (k = 0; k < na; k++)
		if (!holds(b, nb, a[k])) {
			m->code[d][m->n[d]] = (uint16_t)a[k];
			m->sign[d][m->n[d]++] = 1;
		}
	for (k = 0; k < nb; k++)
		if (!holds(a, na, b[k]) && m->n[d] < MOVE_MAX_CODES) {
			m->code[d][m->n[d]] = (uint16_t)b[k];
			m->sign[d][m->n[d]++] = -1;
		}
}

int move_find(const struct relations *r, const struct tab_result *res, size_t cell, const uint8_t *status,
	      const uint32_t *values, uint32_t need, const uint32_t *cost, struct move *m)
{
	size_t d, total = 1, k;

	memset(m, 0, sizeof(*m));
	for (d = 0; d < r->n_dims; d++) {
		const struct rel_dim *rd = &r->dims[d];
		size_t xd = relations_code(r, cell, d), base = cell - xd * r->stride[d], a, leaf = xd, other = SIZE_MAX;
		size_t best_diff = SIZE_MAX, nl, no = 0;
		const int *cl, *co = NULL, *tmp;

		/* the leaf below the cell's code with the biggest cell, then a suppressed one */
		if (!is_leaf(rd, xd)) {
			leaf = SIZE_MAX;
			for (a = 0; a < r->n_codes[d]; a++) {
				size_t c = base + a * r->stride[d], lc = leaf == SIZE_MAX ? 0 : base + leaf * r->stride[d];

				if (!is_leaf(rd, a) || !res->possible[c])
					continue;
				nl = relations_ancestors(r, d, a, &tmp);
				if (!holds(tmp, nl, xd))
					continue;
				if (leaf == SIZE_MAX || (values[c] != values[lc] ? values[c] > values[lc] : status[c] > status[lc]))
					leaf = a;
			}
			if (leaf == SIZE_MAX)
				return -1;
		}
		nl = relations_ancestors(r, d, leaf, &cl);
		/*
		 * the other leaf: outside the cell's code, sharing the most of the
		 * chain, big enough, suppressed already, cheapest; every cell so far
		 * must exist (a post has its modes of transport)
		 */
		for (a = 0; a < r->n_codes[d]; a++) {
			size_t c = base + a * r->stride[d], n, diff;

			if (!is_leaf(rd, a) || a == leaf || !res->possible[c])
				continue;
			n = relations_ancestors(r, d, a, &tmp);
			if (holds(tmp, n, xd))
				continue;
			diff = difference(cl, nl, tmp, n);
			if (other != SIZE_MAX) {
				size_t oc = base + other * r->stride[d];
				int better = diff != best_diff ? diff < best_diff
					     : (values[c] >= need) != (values[oc] >= need) ? values[c] >= need
					     : !!status[c] != !!status[oc] ? status[c] != 0
					     : cost[c] < cost[oc];

				if (!better)
					continue;
			}
			set_dim(m, d, cl, nl, tmp, n);
			if (!possible_so_far(r, res, cell, m, d))
				continue;
			other = a;
			best_diff = diff;
			co = tmp;
			no = n;
		}
		/* the codes that move: up along the leaf's chain, down along the other's (or up only) */
		set_dim(m, d, cl, nl, co, no);
		if (!possible_so_far(r, res, cell, m, d))
			return -1;
		total *= m->n[d];
		if (total > MOVE_MAX_CELLS)
			return -1;
	}
	{
		size_t cells[MOVE_MAX_CELLS], n = move_cells(r, cell, m, cells, NULL);

		for (k = 0; k < n; k++)
			if (!res->possible[cells[k]])
				return -1;
	}
	return 0;
}

size_t move_cells(const struct relations *r, size_t cell, const struct move *m, size_t *out, signed char *sign)
{
	size_t idx[TABLE_MAX_DIMS] = { 0 }, n = 0, d;

	for (d = 0; d < r->n_dims; d++) {
		if (!m->n[d])
			return 0;
		cell -= relations_code(r, cell, d) * r->stride[d];
	}
	for (;;) {
		size_t c = cell;
		int s = 1;

		for (d = 0; d < r->n_dims; d++) {
			c += (size_t)m->code[d][idx[d]] * r->stride[d];
			s *= m->sign[d][idx[d]];
		}
		if (n < MOVE_MAX_CELLS) {
			if (sign)
				sign[n] = (signed char)s;
			out[n++] = c;
		}
		for (d = 0; d < r->n_dims && ++idx[d] == m->n[d]; d++)
			idx[d] = 0;
		if (d == r->n_dims)
			return n;
	}
}

void move_ctx_init(struct move_ctx *x, const struct relations *r, const struct tab_result *res, const uint8_t *status,
		   double interval)
{
	size_t d;

	memset(x, 0, sizeof(*x));
	x->r = r;
	x->res = res;
	x->status = status;
	x->interval = interval > 0 ? interval : 1e-6;  /* never a single point */
	x->max_nodes = 4000;
	for (d = 0; d < r->n_dims; d++)
		x->opts[d] = xmalloc(MOVE_MAX_OPTS * sizeof(struct move_opt));
	for (d = 0; d <= r->n_dims; d++) {
		x->set[d] = xmalloc(MOVE_MAX_CELLS * sizeof(size_t));
		x->set_sign[d] = xmalloc(MOVE_MAX_CELLS);
	}
	x->refs = xmalloc(st_mult((size_t)r->max_refs, sizeof(*x->refs)));
	x->mem = xmalloc(st_mult((size_t)r->max_members, sizeof(size_t)));
	x->cells = xmalloc(MOVE_MAX_CELLS * sizeof(size_t));
	x->sorted = xmalloc(MOVE_MAX_CELLS * sizeof(*x->sorted));
	x->sign = xmalloc(MOVE_MAX_CELLS);
	for (x->hcap = 64; x->hcap < 2 * MOVE_MAX_CELLS * (size_t)r->max_refs; x->hcap *= 2)
		;
	x->hkey = xcalloc(x->hcap, sizeof(uint64_t));
	x->hsum = xcalloc(x->hcap, sizeof(int));
	x->hused = xmalloc(x->hcap * sizeof(size_t));
}

void move_ctx_measure(struct move_ctx *x, const uint32_t *values, int additive)
{
	if (x->n_measures == TABLE_MAX_MEASURES)
		return;
	x->v[x->n_measures] = values;
	x->additive[x->n_measures++] = additive;
}

void move_ctx_release(struct move_ctx *x)
{
	size_t d;

	for (d = 0; d < TABLE_MAX_DIMS; d++)
		free(x->opts[d]);
	for (d = 0; d <= TABLE_MAX_DIMS; d++) {
		free(x->set[d]);
		free(x->set_sign[d]);
	}
	free(x->refs);
	free(x->mem);
	free(x->cells);
	free(x->sorted);
	free(x->sign);
	free(x->hkey);
	free(x->hsum);
	free(x->hused);
	memset(x, 0, sizeof(*x));
}

/* The sign of cell c in the move (x->sorted holds its cells in order), 0 if not in it. */
static int sign_of(const struct move_ctx *x, size_t n, size_t c)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (x->sorted[mid].cell == c)
			return x->sorted[mid].sign;
		if (x->sorted[mid].cell < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static int by_cell(const void *a, const void *b)
{
	size_t x = ((const struct move_cell *)a)->cell, y = ((const struct move_cell *)b)->cell;

	return x < y ? -1 : x > y;
}

/* Add s to relation key's running sum (open addressing over x->hkey). */
static void rel_add(struct move_ctx *x, uint64_t key, int s)
{
	size_t i = (size_t)((key + 1) * 0x9E3779B97F4A7C15ull) & (x->hcap - 1);

	while (x->hkey[i] && x->hkey[i] != key + 1)
		i = (i + 1) & (x->hcap - 1);
	if (!x->hkey[i])
		x->hused[x->n_hused++] = i;
	x->hkey[i] = key + 1;
	x->hsum[i] += s;
}

int move_reach(struct move_ctx *x, size_t cell, const struct move *m, double *up, double *down)
{
	const struct relations *r = x->r;
	const struct tab_result *res = x->res;
	size_t n = move_cells(r, cell, m, x->cells, x->sign), i, j, k, nr;
	int q, in_order = 0;

	x->n_cells = 0;
	if (!n)
		return -1;
	for (i = 0; i < n; i++)
		if (!res->possible[x->cells[i]] || (x->suppressed_only && !x->status[x->cells[i]]))
			return -1;
	/*
	 * balanced: in every relation, the parent moves by what its parts move
	 * by together. The search builds only balanced moves and the audit
	 * checks every one it is given, so only the audit (suppressed_only)
	 * pays for this.
	 */
	x->n_hused = 0;
	for (i = 0; i < n && x->suppressed_only; i++) {
		nr = relations_of_cell(r, x->cells[i], x->refs);
		for (j = 0; j < nr; j++)
			rel_add(x, relations_key(r, &x->refs[j]), x->refs[j].parent_cell == x->cells[i] ? x->sign[i] : -x->sign[i]);
	}
	/* every relation's sum, then the table clean again for the next move */
	for (i = 0, k = 0; i < x->n_hused; i++) {
		size_t h = x->hused[i];

		k |= x->hsum[h] != 0;
		x->hkey[h] = 0;
		x->hsum[h] = 0;
	}
	if (k)
		return -1;
	for (q = 0; q < x->n_measures; q++) {
		const uint32_t *v = x->v[q];
		double u = HUGE_VAL, dn = HUGE_VAL;

		/* nothing below zero */
		for (i = 0; i < n; i++) {
			if (x->sign[i] > 0 && v[x->cells[i]] < dn)
				dn = v[x->cells[i]];
			if (x->sign[i] < 0 && v[x->cells[i]] < u)
				u = v[x->cells[i]];
		}
		/* distinct persons: every part at most its total (a sum of parts is kept by the balance) */
		if (!x->additive[q] && !in_order) {
			/* the move's cells in order, to look up the sign of a parent or a part */
			for (i = 0; i < n; i++) {
				x->sorted[i].cell = x->cells[i];
				x->sorted[i].sign = x->sign[i];
			}
			qsort(x->sorted, n, sizeof(*x->sorted), by_cell);
			in_order = 1;
		}
		for (i = 0; i < n && !x->additive[q]; i++) {
			size_t c = x->cells[i];

			if (u + dn < x->interval - 1e-9) {
				/* too narrow already: claim no reach here and after (always true) rather than go on */
				for (; q < x->n_measures; q++)
					up[q] = down[q] = 0;
				x->n_cells = n;
				return 0;
			}

			nr = relations_of_cell(r, c, x->refs);
			for (j = 0; j < nr; j++) {
				size_t p = x->refs[j].parent_cell;

				if (p != c) {
					/* c a part: v[c] + s t <= v[p] + sp t */
					int coef = x->sign[i] - sign_of(x, n, p);
					double slack = (double)v[p] - v[c];

					if (!res->possible[p])
						continue;
					if (coef > 0 && slack / coef < u)
						u = slack / coef;
					if (coef < 0 && slack / -coef < dn)
						dn = slack / -coef;
					continue;
				}
				/* c the total: the parts outside the move stay, so c cannot fall below the largest */
				{
					size_t nm = relations_members(r, &x->refs[j], x->mem);
					uint32_t big = 0;

					for (k = 1; k < nm; k++)
						if (res->possible[x->mem[k]] && v[x->mem[k]] > big && !sign_of(x, n, x->mem[k]))
							big = v[x->mem[k]];
					if (x->sign[i] < 0 && (double)v[c] - big < u)
						u = (double)v[c] - big;
					if (x->sign[i] > 0 && (double)v[c] - big < dn)
						dn = (double)v[c] - big;
				}
			}
		}
		up[q] = u < 0 ? 0 : u;
		down[q] = dn < 0 ? 0 : dn;
	}
	x->n_cells = n;
	return 0;
}

/*
 * What suppressing cell c costs: nothing when it is suppressed already;
 * otherwise a cell, plus a little for each doubling of its value, so that
 * of two moves with as many cells the one through smaller cells wins and
 * a total is hidden only when nothing smaller will do.
 */
static size_t cell_cost(const struct move_ctx *x, size_t c)
{
	uint32_t v = x->v[0][c];
	size_t bits = 0;

	if (x->status[c])
		return 0;
	while (v) {
		bits++;
		v >>= 1;
	}
	return 4 + bits;
}

/* Whether every measure can move the set by the interval (zeros cannot go down). */
static int wide(const struct move_ctx *x, const size_t *set, const signed char *sg, size_t n)
{
	int q;
	size_t i;

	for (q = 0; q < x->n_measures; q++) {
		uint32_t u = UINT32_MAX, dn = UINT32_MAX;

		for (i = 0; i < n; i++) {
			uint32_t v = x->v[q][set[i]];

			if (sg[i] > 0 && v < dn)
				dn = v;
			if (sg[i] < 0 && v < u)
				u = v;
		}
		if ((double)u + dn < x->interval - 1e-9)
			return 0;
	}
	return 1;
}

/* Put the choice along d (in m) into d's list, kept in order of cost, then size, at most cap long. */
static void insert_opt(struct move_ctx *x, size_t d, const struct move *m, size_t cost, size_t cap)
{
	struct move_opt *o;
	size_t pos;

	for (pos = x->n_opts[d]; pos > 0; pos--) {
		const struct move_opt *p = &x->opts[d][pos - 1];

		if (p->line_cost < cost || (p->line_cost == cost && p->n <= m->n[d]))
			break;
	}
	if (pos >= cap)
		return;
	if (x->n_opts[d] < cap)
		x->n_opts[d]++;
	memmove(&x->opts[d][pos + 1], &x->opts[d][pos], (x->n_opts[d] - 1 - pos) * sizeof(struct move_opt));
	o = &x->opts[d][pos];
	o->n = (uint8_t)m->n[d];
	o->line_cost = (uint32_t)cost;
	memcpy(o->code, m->code[d], m->n[d] * sizeof(uint16_t));
	memcpy(o->sign, m->sign[d], m->n[d]);
}

/* Whether d's list already holds the choice along d in m. */
static int has_opt(const struct move_ctx *x, size_t d, const struct move *m)
{
	size_t i;

	for (i = 0; i < x->n_opts[d]; i++)
		if (x->opts[d][i].n == m->n[d] && !memcmp(x->opts[d][i].code, m->code[d], m->n[d] * sizeof(uint16_t)))
			return 1;
	return 0;
}

/* The choices along dimension d: its own leaf up (or a leaf below the cell's code), another leaf down or none. */
static void options(struct move_ctx *x, size_t cell, size_t d)
{
	const struct relations *r = x->r;
	const struct rel_dim *rd = &r->dims[d];
	const uint32_t *v0 = x->v[0];
	size_t xd = relations_code(r, cell, d), base = cell - xd * r->stride[d], a, b, k, n_leaf = 0, line[MOVE_MAX_CODES];
	size_t max_opts = x->wide_search ? MOVE_MAX_OPTS : MOVE_MAX_OPTS / 4;
	struct move alone[MOVE_MAX_LEAVES], big[MOVE_BIG];
	uint32_t big_room[MOVE_BIG], room;
	size_t big_cost[MOVE_BIG], n_big = 0, pos;
	size_t alone_cost[MOVE_MAX_LEAVES], n_alone = 0;
	size_t leaf[MOVE_MAX_LEAVES], max_leaves = x->wide_search ? MOVE_MAX_LEAVES : 3;
	struct move m;
	signed char sg[MOVE_MAX_CODES];

	x->n_opts[d] = 0;
	x->chain[d].n = 0;
	if (is_leaf(rd, xd)) {
		leaf[n_leaf++] = xd;
	} else {
		/* the biggest leaves below the cell's code */
		for (a = 0; a < r->n_codes[d]; a++) {
			size_t c = base + a * r->stride[d], nl;
			const int *anc;

			if (!is_leaf(rd, a) || !x->res->possible[c] || (x->suppressed_only && !x->status[c]))
				continue;
			nl = relations_ancestors(r, d, a, &anc);
			if (!holds(anc, nl, xd))
				continue;
			if (n_leaf < max_leaves)
				leaf[n_leaf++] = a;
			else if (v0[c] > v0[base + leaf[max_leaves - 1] * r->stride[d]])
				leaf[max_leaves - 1] = a;
			else
				continue;
			for (k = n_leaf - 1; k > 0 && v0[base + leaf[k] * r->stride[d]] > v0[base + leaf[k - 1] * r->stride[d]]; k--) {
				size_t t = leaf[k];

				leaf[k] = leaf[k - 1];
				leaf[k - 1] = t;
			}
		}
	}
	for (k = 0; k < n_leaf; k++) {
		const int *ca, *cb;
		size_t na = relations_ancestors(r, d, leaf[k], &ca);

		for (b = 0; b <= r->n_codes[d]; b++) {
			size_t nb = 0, i, cost = 0;

			/* b == n_codes: no other leaf, the chain goes up alone */
			if (b < r->n_codes[d]) {
				if (!is_leaf(rd, b) || b == leaf[k] || !x->res->possible[base + b * r->stride[d]])
					continue;
				nb = relations_ancestors(r, d, b, &cb);
				if (holds(cb, nb, xd))
					continue;
			} else {
				cb = NULL;
			}
			set_dim(&m, d, ca, na, cb, nb);
			for (i = 0; i < m.n[d]; i++) {
				line[i] = base + m.code[d][i] * r->stride[d];
				sg[i] = m.sign[d][i];
				if (!x->res->possible[line[i]] || (x->suppressed_only && !x->status[line[i]]))
					break;
				cost += cell_cost(x, line[i]);
			}
			if (i < m.n[d])
				continue;
			if (k == 0 && !nb) {
				/* the chain alone: what the search falls back on */
				x->chain[d].n = (uint8_t)m.n[d];
				x->chain[d].line_cost = (uint32_t)cost;
				memcpy(x->chain[d].code, m.code[d], m.n[d] * sizeof(uint16_t));
				memcpy(x->chain[d].sign, m.sign[d], m.n[d]);
			}
			if (!wide(x, line, sg, m.n[d]))
				continue;
			/* a chain alone is always kept: it moves margins, but it moves */
			if (!nb) {
				alone[n_alone] = m;
				alone_cost[n_alone++] = cost;
			} else {
				insert_opt(x, d, &m, cost, max_opts - n_leaf - MOVE_BIG);
				/*
				 * the cheapest partners are often empty where the cell
				 * is not: also keep those with the most room to go down
				 */
				room = UINT32_MAX;
				for (i = 0; i < m.n[d]; i++)
					if (sg[i] < 0 && v0[line[i]] < room)
						room = v0[line[i]];
				for (pos = n_big; pos > 0 && big_room[pos - 1] < room; pos--)
					;
				if (pos == MOVE_BIG)
					continue;
				if (n_big < MOVE_BIG)
					n_big++;
				memmove(&big[pos + 1], &big[pos], (n_big - 1 - pos) * sizeof(big[0]));
				memmove(&big_room[pos + 1], &big_room[pos], (n_big - 1 - pos) * sizeof(big_room[0]));
				memmove(&big_cost[pos + 1], &big_cost[pos], (n_big - 1 - pos) * sizeof(big_cost[0]));
				big[pos] = m;
				big_room[pos] = room;
				big_cost[pos] = cost;
			}
		}
	}
	for (k = 0; k < n_big; k++)
		if (!has_opt(x, d, &big[k]))
			insert_opt(x, d, &big[k], big_cost[k], max_opts - n_leaf);
	for (k = 0; k < n_alone; k++)
		insert_opt(x, d, &alone[k], alone_cost[k], max_opts);
}

/* The codes along d of the move m: those of choice o. */
static void put_opt(struct move *m, size_t d, const struct move_opt *o)
{
	m->n[d] = o->n;
	memcpy(m->code[d], o->code, o->n * sizeof(uint16_t));
	memcpy(m->sign[d], o->sign, o->n);
}

/* Whether the move through cell proves it: it can go up and down by the interval in every measure. */
static int proves(struct move_ctx *x, size_t cell, const struct move *m)
{
	double up[TABLE_MAX_MEASURES], down[TABLE_MAX_MEASURES];
	int q;

	if (move_reach(x, cell, m, up, down))
		return 0;
	for (q = 0; q < x->n_measures; q++)
		if (!(up[q] + down[q] >= x->interval - 1e-9))
			return 0;
	return 1;
}

static void dfs(struct move_ctx *x, size_t cell, size_t depth, size_t cost)
{
	const struct relations *r = x->r;
	size_t d, i, j, k, n, nprev, xd, c;

	if (x->nodes++ >= x->max_nodes)
		return;
	if (depth == r->n_dims) {
		struct move m;

		memset(&m, 0, sizeof(m));
		for (d = 0; d < r->n_dims; d++)
			put_opt(&m, d, &x->opts[d][x->choice[d]]);
		if (!proves(x, cell, &m))
			return;
		x->best = m;
		x->best_cost = cost;
		x->found = 1;
		return;
	}
	d = x->order[depth];
	xd = relations_code(r, cell, d);
	nprev = x->n_set[depth];
	for (i = 0; i < x->n_opts[d]; i++) {
		const struct move_opt *o = &x->opts[d][i];
		size_t *out = x->set[depth + 1], add = 0;
		signed char *osg = x->set_sign[depth + 1];
		int ok = 1;

		if (nprev * o->n > MOVE_MAX_CELLS)
			continue;
		n = 0;
		for (k = 0; k < o->n && ok; k++)
			for (j = 0; j < nprev; j++) {
				c = x->set[depth][j] - xd * r->stride[d] + (size_t)o->code[k] * r->stride[d];
				if (o->code[k] != xd) {
					if (!x->res->possible[c] || (x->suppressed_only && !x->status[c])) {
						ok = 0;
						break;
					}
					add += cell_cost(x, c);
				}
				out[n] = c;
				osg[n++] = (signed char)(x->set_sign[depth][j] * o->sign[k]);
			}
		if (!ok || (x->found && cost + add >= x->best_cost) || !wide(x, out, osg, n))
			continue;
		x->n_set[depth + 1] = n;
		x->choice[d] = i;
		dfs(x, cell, depth + 1, cost + add);
		if (x->nodes >= x->max_nodes || (x->found && x->best_cost == 0))
			return;
	}
}

/*
 * When the search finds nothing within its budget: the cell with every
 * code it adds into, all up. Balanced, and nothing in it goes down but
 * by the cell's own value, so it always proves, at the price of margins.
 */
static void chain_move(struct move_ctx *x, size_t cell)
{
	size_t k, d;
	struct move m;

	memset(&m, 0, sizeof(m));
	for (d = 0; d < x->r->n_dims; d++) {
		if (!x->chain[d].n)
			return;
		put_opt(&m, d, &x->chain[d]);
	}
	if (!proves(x, cell, &m))
		return;
	/* move_reach left the move's cells in x->cells */
	x->best_cost = 0;
	for (k = 0; k < x->n_cells; k++)
		x->best_cost += cell_cost(x, x->cells[k]);
	x->best = m;
	x->found = 1;
}

/*
 * Every dimension's choices for cell, the dimensions with the fewest
 * first (the search narrows soonest). -1 when a dimension has none.
 */
static int prepare(struct move_ctx *x, size_t cell)
{
	size_t d, e;

	for (d = 0; d < x->r->n_dims; d++) {
		options(x, cell, d);
		if (!x->n_opts[d] && !x->chain[d].n)
			return -1;
		for (e = d; e > 0 && x->n_opts[x->order[e - 1]] > x->n_opts[d]; e--)
			x->order[e] = x->order[e - 1];
		x->order[e] = d;
	}
	x->nodes = 0;
	return 0;
}

int move_search(struct move_ctx *x, size_t cell, struct move *m, size_t *cost)
{
	if (!x->res->possible[cell] || !x->n_measures || prepare(x, cell))
		return -1;
	x->set[0][0] = cell;
	x->set_sign[0][0] = 1;
	x->n_set[0] = 1;
	x->found = 0;
	x->best_cost = SIZE_MAX;
	dfs(x, cell, 0, cell_cost(x, cell));
	if (!x->found) {
		/* again with more choices along every dimension, before falling back on margins */
		size_t saved = x->max_nodes;

		x->wide_search = 1;
		x->max_nodes = 10 * saved;
		if (!prepare(x, cell))
			dfs(x, cell, 0, cell_cost(x, cell));
		x->max_nodes = saved;
		x->wide_search = 0;
	}
	if (!x->found)
		chain_move(x, cell);
	if (!x->found)
		return -1;
	*m = x->best;
	if (cost)
		*cost = x->best_cost;
	return 0;
}
