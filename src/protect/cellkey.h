/*
 * cellkey.h: the cell key method (ABS TableBuilder; Fraser and Wooton
 * 2005, Thompson et al. 2013). Each record has a fixed random key; a
 * cell's key is the sum of the keys of the records (or of the persons)
 * in it, modulo 1; the key picks the change from a perturbation table
 * that depends only on the cell's true value. So the same cell has the
 * same published value in every table, zeros stay zero, and no cell is
 * published between 1 and k-1.
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_CELLKEY_H
#define PASOS_CELLKEY_H

#include <stdint.h>
#include "err.h"
#include "protect.h"

/* The perturbation table: for each true value up to n_rows-1 (larger ones
 * use the last row, shifted), the cumulative probability of each change
 * from -D to +D. */
struct ptable {
	int k, max_noise, n_rows;
	double variance;
	double *cum;            /* n_rows x (2D+1) */
	double *mean, *var;     /* per row: what was reached (small counts cannot always reach V) */
};

/** Build the table for k, D, V: maximum entropy, mean change 0, variance V where it can be. */
int ptable_init(struct ptable *pt, int k, int max_noise, double variance, struct err *err);
void ptable_release(struct ptable *pt);
/** The published value of true value v with cell key key (a fraction of 2^32). */
uint32_t ptable_apply(const struct ptable *pt, uint32_t v, uint32_t key);

/** Perturb every measure of res into p->value (res must carry keys). */
int cellkey_apply(const struct table *t, const struct tab_result *res, const struct protect_opts *o,
		  struct protection *p, struct err *err);

#endif
