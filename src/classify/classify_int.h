/*
 * classify_int.h: what the parts of the classify stage over the store
 * share: classify_store.c (load, sort by person, two passes, write back)
 * and classify_estimate.c (the provisional results estimated).
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_CLASSIFY_INT_H
#define PASOS_CLASSIFY_INT_H

#include <stddef.h>
#include <stdint.h>
#include "classify.h"

#define CLASSIFY_NAT_GROUPS 3           /* Bolivian, neighbouring country, other */
#define CLASSIFY_AGE_GROUPS 5           /* 0-17 (Ley 548), 18-29, 30-44, 45-64, 65+ */
#define CLASSIFY_SEXES 3
#define CLASSIFY_PURPOSES 2             /* declared a stay (residence, work, study) or not */
#define CLASSIFY_BASE (CLASSIFY_PURPOSES * CLASSIFY_NAT_GROUPS * CLASSIFY_AGE_GROUPS * CLASSIFY_SEXES)  /* struct classify_item's cell */
#define CLASSIFY_HISTORY 2              /* came back before from a crossing in this direction, or not */
#define CLASSIFY_CELLS (2 * CLASSIFY_HISTORY * CLASSIFY_BASE)
#define CLASSIFY_MIN_CELL 10            /* final crossings the estimates need, all cells together */
#define CLASSIFY_STAGE_STEP 15          /* days between the stages a closed window is seen at */
#define CLASSIFY_SHRINK 5.0             /* a cell's share counts as this many crossings of its coarser cell's */
#define CLASSIFY_SOFAR 72               /* so_far's values: 3 (days back) x 2 (declared) x 2 (side now) x 6 (days away) */
#define CLASSIFY_SOFAR_SAID 12          /* what a later card declaring the new side adds to so_far's value */

/* A linked movement, as the stage keeps it (sorted by person, day, time). */
struct classify_item {
	int64_t rowid;
	uint32_t person;
	uint32_t true_person;   /* 0: unknown */
	int32_t date, time, birth;
	int32_t stay;           /* permitted_stay_days, or -1 */
	uint8_t arrival;
	uint8_t cell;           /* nationality group, age group, sex: the estimation cell */
	uint8_t bolivian;
	uint8_t decl;           /* country of residence declared: 1 Bolivia, 0 abroad, 2 none */
	uint16_t nat;           /* nationality, three letters A-Z packed in 5 bits each */
	uint16_t res_country;   /* country of residence declared, packed as nat; 0 none */
	int8_t initial;         /* from the list of known residents: 1, 0, or -1 */
	int32_t init_final;     /* the day that status became final, or INT32_MIN */
};

/* A crossing as so_far sees it: its day and the residence its card declared. */
struct classify_seen {
	int32_t date;
	uint8_t arrival;
	uint8_t decl;   /* country of residence declared: 1 Bolivia, 0 abroad, 2 none */
	uint8_t cell;   /* the estimation cell (a put-back crossing: the next crossing's) */
};

/* The result of one crossing, as written to classified_crossings. */
struct classify_result {
	int32_t rb_known, ra_known, ltm_known;
	uint8_t res_before, res_after, ltm, prov, migdir;
	uint8_t res_est;        /* the residence after, with provisional results as estimated */
	double p;               /* how likely a long-term migration: the result, or its estimate */
};

/*
 * One person's crossings, in time order, and the scratch to classify them:
 * grown to the person with the most crossings, so memory follows the
 * longest history, not the register.
 */
struct classify_person {
	struct classify_item *it;
	struct crossing *cs, *cs2;       /* the history; repaired (flagged persons) */
	struct classified *res, *res2;
	struct classify_seen *seen, *seen2;
	struct classify_result *rs;
	size_t *map;                     /* crossing k's place in the repaired history */
	uint8_t *est2;                   /* the repaired history's residence as estimated */
	int32_t *births;
	size_t n, n2, cap;
	enum classify_anomaly an;
	int initial;
};

/* Training counts: crossings that stood a way (cell, so_far), and how many turned out migrations. */
struct classify_training {
	uint64_t den[CLASSIFY_CELLS * CLASSIFY_SOFAR], num[CLASSIFY_CELLS * CLASSIFY_SOFAR];
};

/* The estimates: the share of migrations per (direction, cell, so_far); -1 where too few crossings. */
struct classify_estimates {
	double p[2][CLASSIFY_CELLS / 2][CLASSIFY_SOFAR];
};

/**
 * A flagged history repaired for the estimates: c2 gets the crossings, out
 * their results, map[k] crossing k's place; returns the repaired length.
 */
size_t classify_repair(const struct crossing *c, size_t n, int initial, int32_t init_final, int32_t as_of,
		       const struct classify_params *p, struct crossing *c2, struct classified *out, size_t *map);

/** Add what the person's closed windows say to the training counts. */
void classify_train(const struct classify_person *p, int32_t as_of, int32_t window, struct classify_training *tr);

/** The estimates from the training counts. */
void classify_estimates_make(const struct classify_training *tr, struct classify_estimates *e);

/**
 * Fill the person's results from its classification, each provisional one
 * estimated; returns how many in the migrating direction were estimated.
 */
uint64_t classify_estimate(struct classify_person *p, const struct classify_estimates *e, int32_t as_of);

#endif
