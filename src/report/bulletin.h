/*
 * bulletin.h: report stage. The bulletin people read: one self-contained
 * HTML page (inline SVG charts and CSS, nothing from elsewhere), in Spanish
 * and in English, made from the protected tables 'pasos protect' published
 * and from the store's counts, never from a record.
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_BULLETIN_H
#define PASOS_BULLETIN_H

#include "err.h"

struct store;

struct bulletin_opts {
	const char *tables_dir;  /* where protect wrote TABLE.csv and TABLE.structure.csv */
	const char *out_dir;     /* index.html (Spanish) and index.en.html (English) */
};

struct bulletin_stats {
	int charts, tables;      /* charts drawn, and tables of figures beside them */
	unsigned long long cells_read;
};

/**
 * Write the bulletin. The published tables ine_monthly, gcm_objective1 and
 * regularizations are read when present (a section without its table says
 * so); the store gives the counts of what was ingested, linked and
 * classified. Errors: ERR_IO, ERR_DATA, ERR_STORE.
 */
int bulletin_write(struct store *st, const struct bulletin_opts *o, struct bulletin_stats *stats, struct err *err);

#endif
