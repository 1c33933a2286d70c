/*
 * truth.h: the generator's story, for checking pasos against it: which true
 * person made each stored movement (truth_records.csv, loaded into the
 * temporary table truth_rec(record_id, person) for joins) and where each
 * true person lived when (truth_residence.csv). Only `pasos synth` writes
 * these files; real registers have no truth.
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_TRUTH_H
#define PASOS_TRUTH_H

#include <stdint.h>
#include "err.h"
#include "store.h"

struct truth;

/**
 * Load DIR's truth: the movements' true persons into temp.truth_rec, the
 * residence spells into *out (owned by the caller; truth_free).
 * Errors: ERR_IO (a file missing or unreadable), ERR_STORE.
 */
int truth_load(struct store *st, const char *dir, struct truth **out, struct err *err);

/*
 * True persons are numbered from their ids: P00000041 is 42 (0: none),
 * the number temp.truth_rec.person holds.
 */

/** Where true person `person` lived on day `day`: 1 Bolivia, 0 abroad, -1 not known. */
int truth_lived(const struct truth *t, uint32_t person, int32_t day);

/** Whether the story moves the person to Bolivia (bolivia 1) or abroad (0) in (day, day + within]. */
int truth_moves(const struct truth *t, uint32_t person, int32_t day, int32_t within, int bolivia);

/** How many movement records the generator wrote for true person `person` (each once). */
uint32_t truth_records(const struct truth *t, uint32_t person);

void truth_free(struct truth *t);

#endif
