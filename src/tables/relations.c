/*
 * relations.c: partitions of each aggregate code, found from the leaves
 * each code covers (so two hierarchies over the same leaves, or a leaf
 * added straight into the total, need no extra description), and the
 * relations of a cell enumerated from them without storing any.
 * SPDX-License-Identifier: MIT
 */
#include "relations.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>

#define WORDS ((TABLE_MAX_CODES + 63) / 64)

struct leafset {
	uint64_t w[WORDS];
};

static int disjoint(const struct leafset *a, const struct leafset *b)
{
	int i;

	for (i = 0; i < WORDS; i++)
		if (a->w[i] & b->w[i])
			return 0;
	return 1;
}

static void join(struct leafset *a, const struct leafset *b)
{
	int i;

	for (i = 0; i < WORDS; i++)
		a->w[i] |= b->w[i];
}

static int same(const struct leafset *a, const struct leafset *b)
{
	return !memcmp(a->w, b->w, sizeof(a->w));
}

/* Each code's leaves: a leaf marks itself in all it adds into. */
static void leaves_of(const struct table_dim *d, struct leafset *ls)
{
	size_t k;

	memset(ls, 0, d->n_codes * sizeof(*ls));
	for (k = 0; k < d->n_codes && k < TABLE_MAX_CODES; k++) {
		int stack[64], n = 0;

		if (d->codes[k].level != 0)
			continue;
		stack[n++] = (int)k;
		while (n) {
			const struct table_code *c = &d->codes[stack[--n]];
			int p;

			ls[c - d->codes].w[k / 64] |= (uint64_t)1 << (k % 64);
			for (p = 0; p < c->n_parents && n < 64; p++)
				stack[n++] = c->parents[p];
		}
	}
}

static int has_parent(const struct table_code *c, int p)
{
	int i;

	for (i = 0; i < c->n_parents; i++)
		if (c->parents[i] == p)
			return 1;
	return 0;
}

/*
 * The partitions of aggregate p: its aggregate children first-fit into
 * groups of disjoint leaf sets, then each leaf child into every group it
 * does not overlap; a group is kept when it covers exactly p's leaves.
 */
static void partitions_of(const struct table_dim *d, const struct leafset *ls, int p,
			  struct rel_dim *rd, size_t *cap)
{
	struct leafset cover[TABLE_MAX_PARENTS + 1];
	int *members[TABLE_MAX_PARENTS + 1], n_members[TABLE_MAX_PARENTS + 1];
	int n_groups = 0, g, pass;
	size_t k;

	for (pass = 0; pass < 2; pass++)
		for (k = 0; k < d->n_codes; k++) {
			const struct table_code *c = &d->codes[k];

			if (!has_parent(c, p) || (pass == 0) != (c->level != 0))
				continue;
			if (pass == 0) {
				for (g = 0; g < n_groups && !disjoint(&cover[g], &ls[k]); g++)
					;
				if (g == n_groups) {
					if (n_groups == TABLE_MAX_PARENTS + 1)
						continue;
					memset(&cover[g], 0, sizeof(cover[g]));
					members[g] = xmalloc(d->n_codes * sizeof(int));
					n_members[g] = 0;
					n_groups++;
				}
				join(&cover[g], &ls[k]);
				members[g][n_members[g]++] = (int)k;
				continue;
			}
			if (n_groups == 0) {
				memset(&cover[0], 0, sizeof(cover[0]));
				members[0] = xmalloc(d->n_codes * sizeof(int));
				n_members[0] = 0;
				n_groups = 1;
			}
			for (g = 0; g < n_groups; g++)
				if (disjoint(&cover[g], &ls[k])) {
					join(&cover[g], &ls[k]);
					members[g][n_members[g]++] = (int)k;
				}
		}
	for (g = 0; g < n_groups; g++) {
		if (same(&cover[g], &ls[p]) && n_members[g] > 0) {
			struct rel_part *rp;

			if (rd->n_parts == *cap) {
				*cap = *cap ? *cap * 2 : 16;
				rd->parts = xrealloc(rd->parts, st_mult(*cap, sizeof(*rd->parts)));
			}
			rp = &rd->parts[rd->n_parts++];
			rp->parent = p;
			rp->n_child = n_members[g];
			rp->child = members[g];
			if (rp->n_child > rd->max_child)
				rd->max_child = rp->n_child;
		} else {
			free(members[g]);
		}
	}
}

/* CSR index: for each code, the partitions where key(part) names it. */
static void index_parts(struct rel_dim *rd, size_t n_codes, int as_parent)
{
	int *off = xcalloc(n_codes + 1, sizeof(int)), *fill, *list;
	size_t i, total = 0;
	int j;

	for (i = 0; i < rd->n_parts; i++) {
		if (as_parent) {
			off[rd->parts[i].parent + 1]++;
			total++;
		} else {
			for (j = 0; j < rd->parts[i].n_child; j++)
				off[rd->parts[i].child[j] + 1]++;
			total += (size_t)rd->parts[i].n_child;
		}
	}
	for (i = 0; i < n_codes; i++)
		off[i + 1] += off[i];
	fill = xmalloc((n_codes + 1) * sizeof(int));
	memcpy(fill, off, (n_codes + 1) * sizeof(int));
	list = xmalloc((total + 1) * sizeof(int));
	for (i = 0; i < rd->n_parts; i++) {
		if (as_parent)
			list[fill[rd->parts[i].parent]++] = (int)i;
		else
			for (j = 0; j < rd->parts[i].n_child; j++)
				list[fill[rd->parts[i].child[j]]++] = (int)i;
	}
	free(fill);
	if (as_parent) {
		rd->own_off = off;
		rd->own = list;
	} else {
		rd->in_off = off;
		rd->in = list;
	}
}

int relations_init(struct relations *r, const struct table *t, const struct tab_result *res, struct err *err)
{
	size_t d, k;

	memset(r, 0, sizeof(*r));
	r->n_dims = t->n_dims;
	r->max_refs = 0;
	r->max_members = 1;
	for (d = 0; d < t->n_dims; d++) {
		const struct table_dim *td = &t->dims[d];
		struct rel_dim *rd = &r->dims[d];
		struct leafset *ls;
		size_t cap = 0;
		int most_own = 0, most_in = 0;

		if (td->n_codes > TABLE_MAX_CODES)
			return ERR_SET(err, ERR_USAGE, "dimension '%s': more than %d codes", td->id, TABLE_MAX_CODES);
		r->stride[d] = res->stride[d];
		r->n_codes[d] = td->n_codes;
		ls = xmalloc((td->n_codes + 1) * sizeof(*ls));
		leaves_of(td, ls);
		for (k = 0; k < td->n_codes; k++)
			if (td->codes[k].level != 0)
				partitions_of(td, ls, (int)k, rd, &cap);
		free(ls);
		index_parts(rd, td->n_codes, 1);
		index_parts(rd, td->n_codes, 0);
		rd->anc_off = xmalloc((td->n_codes + 1) * sizeof(int));
		rd->anc = xmalloc(st_mult(td->n_codes + 1, TABLE_MAX_ANCESTORS * sizeof(int)));
		rd->anc_off[0] = 0;
		for (k = 0; k < td->n_codes; k++)
			rd->anc_off[k + 1] = rd->anc_off[k] + table_ancestors(td, (int)k, rd->anc + rd->anc_off[k]);
		for (k = 0; k < td->n_codes; k++) {
			int o = rd->own_off[k + 1] - rd->own_off[k], i = rd->in_off[k + 1] - rd->in_off[k];

			most_own = o > most_own ? o : most_own;
			most_in = i > most_in ? i : most_in;
		}
		r->max_refs += most_own + most_in;
		if (rd->max_child + 1 > r->max_members)
			r->max_members = rd->max_child + 1;
	}
	if (r->max_refs == 0)
		r->max_refs = 1;
	return 0;
}

void relations_release(struct relations *r)
{
	size_t d, i;

	for (d = 0; d < r->n_dims; d++) {
		struct rel_dim *rd = &r->dims[d];

		for (i = 0; i < rd->n_parts; i++)
			free(rd->parts[i].child);
		free(rd->parts);
		free(rd->own_off);
		free(rd->own);
		free(rd->in_off);
		free(rd->in);
		free(rd->anc_off);
		free(rd->anc);
	}
	memset(r, 0, sizeof(*r));
}

size_t relations_code(const struct relations *r, size_t cell, size_t d)
{
	return (cell / r->stride[d]) % r->n_codes[d];
}

size_t relations_of_cell(const struct relations *r, size_t cell, struct rel_ref *out)
{
	size_t n = 0, d;
	int i;

	for (d = 0; d < r->n_dims; d++) {
		const struct rel_dim *rd = &r->dims[d];
		size_t x = relations_code(r, cell, d);

		for (i = rd->own_off[x]; i < rd->own_off[x + 1]; i++) {
			out[n].dim = (uint32_t)d;
			out[n].part = (uint32_t)rd->own[i];
			out[n++].parent_cell = cell;
		}
		for (i = rd->in_off[x]; i < rd->in_off[x + 1]; i++) {
			const struct rel_part *p = &rd->parts[rd->in[i]];

			out[n].dim = (uint32_t)d;
			out[n].part = (uint32_t)rd->in[i];
			out[n++].parent_cell = cell - x * r->stride[d] + (size_t)p->parent * r->stride[d];
		}
	}
	return n;
}

size_t relations_members(const struct relations *r, const struct rel_ref *ref, size_t *out)
{
	const struct rel_part *p = &r->dims[ref->dim].parts[ref->part];
	size_t base = ref->parent_cell - (size_t)p->parent * r->stride[ref->dim];
	int j;

	out[0] = ref->parent_cell;
	for (j = 0; j < p->n_child; j++)
		out[j + 1] = base + (size_t)p->child[j] * r->stride[ref->dim];
	return (size_t)p->n_child + 1;
}

uint64_t relations_key(const struct relations *r, const struct rel_ref *ref)
{
	const struct rel_dim *rd = &r->dims[ref->dim];
	int parent = rd->parts[ref->part].parent;
	uint64_t local = (uint64_t)(ref->part - (uint32_t)rd->own[rd->own_off[parent]]);

	return (((uint64_t)ref->parent_cell * r->n_dims + ref->dim) << 3) | (local & 7);
}

size_t relations_ancestors(const struct relations *r, size_t d, size_t code, const int **out)
{
	const struct rel_dim *rd = &r->dims[d];

	*out = rd->anc + rd->anc_off[code];
	return (size_t)(rd->anc_off[code + 1] - rd->anc_off[code]);
}

size_t relations_corner(const struct relations *r, size_t cell, const size_t *alt, size_t corner)
{
	size_t d;

	for (d = 0; d < r->n_dims; d++)
		if (corner >> d & 1) {
			size_t code = relations_code(r, cell, d);

			if (alt[d] == code)
				return SIZE_MAX;
			cell = cell - code * r->stride[d] + alt[d] * r->stride[d];
		}
	return cell;
}
