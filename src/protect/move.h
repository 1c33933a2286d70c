/*
 * move.h: a balanced move of a table around one cell. Along each
 * dimension, the codes of one leaf and all it adds into go up and those
 * of another leaf go down (their common ancestors cancel); the move of
 * the table is the product of these over the dimensions. Every additive
 * relation stays balanced, so a reader who sees only the cells outside the
 * move cannot tell it happened. Cell suppression makes one for each unsafe
 * cell (its cells are suppressed) and the audit starts its proof from it.
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_MOVE_H
#define PASOS_MOVE_H

#include <stddef.h>
#include <stdint.h>
#include "relations.h"
#include "tabulate.h"

#define MOVE_MAX_CODES 24   /* codes that change along one dimension */
#define MOVE_MAX_CELLS 512  /* cells of one move */

struct move {
	size_t n[TABLE_MAX_DIMS];
	uint16_t code[TABLE_MAX_DIMS][MOVE_MAX_CODES];
	signed char sign[TABLE_MAX_DIMS][MOVE_MAX_CODES];
};

/*
 * Choose a move through cell: along each dimension the other leaf that
 * shares most of its ancestors, then one whose cell is already suppressed
 * (status non-zero), then one holding at least need (from values), then
 * the one with least cost. 0 when every cell of the move can exist and
 * there are at most MOVE_MAX_CELLS of them, -1 otherwise.
 */
int move_find(const struct relations *r, const struct tab_result *res, size_t cell, const uint8_t *status,
	      const uint32_t *values, uint32_t need, const uint32_t *cost, struct move *m);

/*
 * The search for a move that proves: through a cell, with every cell of
 * it able to exist, balanced in every relation, and able to go up and
 * down by at least the interval in every audited measure (a zero cannot
 * go down; a person total cannot fall below its largest part). Cell
 * suppression asks for the one with fewest cells not yet suppressed; the
 * audit asks for one made only of suppressed cells. Branch and bound over
 * the dimensions, each with a few choices (its own leaf up, and another
 * leaf down or none), within a budget of nodes.
 */
#define MOVE_MAX_OPTS 128   /* choices kept along one dimension (a quarter of them at first) */
#define MOVE_BIG 8          /* of them, kept for their room to go down */
#define MOVE_MAX_LEAVES 12  /* leaves tried below an aggregate code (3 at first) */

struct move_opt {
	uint16_t code[MOVE_MAX_CODES];
	signed char sign[MOVE_MAX_CODES];
	uint8_t n;
	uint32_t line_cost;     /* cells of it along the cell's line not yet suppressed */
};

/* A cell of a move and its sign. */
struct move_cell {
	size_t cell;
	int sign;
};

struct move_ctx {
	const struct relations *r;
	const struct tab_result *res;
	const uint8_t *status;              /* per cell: non-zero when suppressed */
	int n_measures;
	const uint32_t *v[TABLE_MAX_MEASURES];
	int additive[TABLE_MAX_MEASURES];   /* 0: distinct persons (a total between its largest part and their sum) */
	double interval;
	int suppressed_only;                /* the audit: only cells suppressed already */
	int wide_search;                    /* the second try: every choice kept */
	size_t max_nodes;
	/* scratch, owned */
	struct move_opt *opts[TABLE_MAX_DIMS], chain[TABLE_MAX_DIMS];
	size_t n_opts[TABLE_MAX_DIMS], order[TABLE_MAX_DIMS], choice[TABLE_MAX_DIMS];
	size_t *set[TABLE_MAX_DIMS + 1], n_set[TABLE_MAX_DIMS + 1];
	signed char *set_sign[TABLE_MAX_DIMS + 1];
	size_t best_cost, nodes;
	int found;
	struct move best;
	struct rel_ref *refs;
	size_t *mem, *cells, n_cells;       /* the last move_reach: its cells, with their signs */
	signed char *sign;
	struct move_cell *sorted;           /* the same, in order of cell */
	uint64_t *hkey;
	int *hsum;
	size_t hcap, *hused, n_hused;
};

/** Set up a search over r and res for moves at least interval wide (0: any width above none); add the measures with move_ctx_measure. Release with move_ctx_release. */
void move_ctx_init(struct move_ctx *x, const struct relations *r, const struct tab_result *res, const uint8_t *status,
		   double interval);
void move_ctx_measure(struct move_ctx *x, const uint32_t *values, int additive);
void move_ctx_release(struct move_ctx *x);

/**
 * The move through cell with the fewest cells not yet suppressed (*cost),
 * that every measure can move by the interval. 0 when found, -1 when
 * there is none within the budget.
 */
int move_search(struct move_ctx *x, size_t cell, struct move *m, size_t *cost);

/**
 * How far the move through cell can go, checked against every relation
 * (each one balanced, no cell below zero, a person part within its
 * total): up[k] and down[k] per measure, HUGE_VAL when unbounded, 0 for a
 * measure (and those after it) once the move is too narrow anyway. -1 when
 * a cell cannot exist, or (suppressed_only, as the audit asks) a relation
 * is not balanced or a cell is published; the search builds only
 * balanced moves and does not pay for the check.
 */
int move_reach(struct move_ctx *x, size_t cell, const struct move *m, double *up, double *down);

/* A move that proves cell's protection: what suppression hands the audit to check. */
struct move_cert {
	size_t cell;
	struct move m;
};

/** The cells of the move (out holds MOVE_MAX_CELLS), each with its sign if sign is not NULL. */
size_t move_cells(const struct relations *r, size_t cell, const struct move *m, size_t *out, signed char *sign);

#endif
