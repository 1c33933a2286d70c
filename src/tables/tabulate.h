/*
 * tabulate.h: tabulate stage. Every cell of a table and every margin at
 * every level of every hierarchy, exactly, in dense arrays.
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_TABULATE_H
#define PASOS_TABULATE_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"
#include "store.h"
#include "table.h"

struct tab_result {
	size_t n_cells;                         /* product of the dimensions' code counts */
	size_t stride[TABLE_MAX_DIMS];          /* dense index = sum of code index * stride */
	uint32_t *values[TABLE_MAX_MEASURES];   /* per measure, per cell */
	uint8_t *possible;                      /* per cell: 0 when the combination cannot exist */
	uint32_t *provisional;                  /* per cell: records whose classification is provisional, or NULL */
	uint32_t *keys[TABLE_MAX_MEASURES];     /* TABULATE_KEYS: per cell, the sum of the keys counted (mod 2^32) */
	uint64_t records, unlinked, unclassified, unknown_codes;
};

/**
 * Read the table's source from the store and fill *res (owned by the
 * caller: tab_result_release). Codes met in the data but missing from a
 * code list are added under the total and counted in unknown_codes.
 * Errors: ERR_STORE, ERR_USAGE (no source, persons without linkage), ERR_NOMEM.
 */
int tabulate_run(struct store *st, struct table *t, unsigned flags, struct tab_result *res, struct err *err);

/* Also sum each cell's record keys (a person's key for distinct persons), for the cell key method. */
#define TABULATE_KEYS 1u
/* Count records ingested after the last link or classify as they stand (unlinked: each its own person). */
#define TABULATE_ALLOW_STALE 2u

void tab_result_release(struct tab_result *res);

/** Code index of dimension d in cell c. */
size_t tab_cell_code(const struct table *t, const struct tab_result *res, size_t c, size_t d);

#endif
