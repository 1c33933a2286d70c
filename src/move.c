/*
 * move.c: balanced moves (see move.h). Written by hand: it is the core of
 * how pasos finds and proves protection at a million cells. The chains
 * (a code and all it adds into) come from relations, made once per table.
 * SPDX-License-Identifier: MIT
 */
#include "move.h"

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
