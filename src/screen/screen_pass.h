/*
 * screen_pass.h: the records of a register (a file, or the store's)
 * screened one after another into hits.csv: against the watch lists, and
 * the rules that need the records before: a minor's travel permit used by
 * another crossing, a foreigner's exit after the stay permitted at the
 * last entry with the same document. Those two read the records in the
 * order given, which must be time order (records out of it are counted);
 * memory holds one small slot per permit and per foreign document.
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_SCREEN_PASS_H
#define PASOS_SCREEN_PASS_H

#include <stdint.h>
#include <stdio.h>
#include "schema.h"
#include "screen.h"

struct screen_counts {
	uint64_t screened;       /* records screened */
	uint64_t records_hit;    /* records with at least one hit */
	uint64_t out_of_order;   /* records more than a day before one already seen */
	uint64_t hits[SCREEN_KINDS];
};

struct screen_pass;

/**
 * A pass over records of schema s screened by sc, writing hits as CSV
 * (record_id,kind,list,entry_id,score,reasons, its header first) to out
 * (NULL: none). Owned by the caller.
 */
struct screen_pass *screen_pass_new(const struct screener *sc, const struct schema *s, FILE *out,
				    double threshold);

/** Screen one record (values in schema order): its hits, at most max, into hits (and out). */
size_t screen_pass_record(struct screen_pass *p, const struct csv_field *vals, struct screen_hit *hits,
			  size_t max);

/** Free the pass; its counts into *counts (NULL allowed). */
void screen_pass_free(struct screen_pass *p, struct screen_counts *counts);

#endif
