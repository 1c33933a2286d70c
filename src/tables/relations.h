/*
 * relations.h: the additive relations of a tabulated table. Along each
 * dimension, an aggregate cell equals the sum of its children, once for
 * every way its children partition it (regions and origins are two ways of
 * adding countries up to the total). With every code of the other
 * dimensions at any level, these are all the equalities a reader of the
 * full table can use; protect and its audit work on them.
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_RELATIONS_H
#define PASOS_RELATIONS_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"
#include "table.h"
#include "tabulate.h"

struct rel_part {
	int parent;       /* the aggregate code */
	int n_child;
	int *child;       /* the codes that add up to it, in this partition */
};

struct rel_dim {
	size_t n_parts;
	struct rel_part *parts;
	int *own_off, *own;   /* per code: the partitions it is the parent of (CSR) */
	int *in_off, *in;     /* per code: the partitions it is a child in (CSR) */
	int *anc_off, *anc;   /* per code: itself and all it adds into (CSR, table_ancestors) */
	int max_child;
};

/* One relation: a dimension, a partition of it, and the parent cell. */
struct rel_ref {
	uint32_t dim, part;
	size_t parent_cell;
};

struct relations {
	size_t n_dims;
	size_t stride[TABLE_MAX_DIMS];
	size_t n_codes[TABLE_MAX_DIMS];
	struct rel_dim dims[TABLE_MAX_DIMS];
	int max_members;      /* parent and children of the largest relation */
	int max_refs;         /* most relations one cell takes part in */
};

/** Find every partition of every aggregate code of t, laid out as res. Release with relations_release. */
int relations_init(struct relations *r, const struct table *t, const struct tab_result *res, struct err *err);
void relations_release(struct relations *r);

/** The relations cell takes part in (as parent or child); out holds r->max_refs. */
size_t relations_of_cell(const struct relations *r, size_t cell, struct rel_ref *out);
/** The cells of one relation, parent first; out holds r->max_members. */
size_t relations_members(const struct relations *r, const struct rel_ref *ref, size_t *out);
/** The code index of dimension d in cell. */
size_t relations_code(const struct relations *r, size_t cell, size_t d);
/** Code of dimension d and all it adds into; *out points into r. */
size_t relations_ancestors(const struct relations *r, size_t d, size_t code, const int **out);
/**
 * A corner of the box of cell and one other code per dimension alt[]:
 * bit d of corner set takes alt[d] instead of the cell's code. SIZE_MAX
 * when such a dimension has no other code.
 */
size_t relations_corner(const struct relations *r, size_t cell, const size_t *alt, size_t corner);
/** A number that names the relation (for sets of relations). */
uint64_t relations_key(const struct relations *r, const struct rel_ref *ref);

#endif
