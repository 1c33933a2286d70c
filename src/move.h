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

/** The cells of the move (out holds MOVE_MAX_CELLS), each with its sign if sign is not NULL. */
size_t move_cells(const struct relations *r, size_t cell, const struct move *m, size_t *out, signed char *sign);

#endif
