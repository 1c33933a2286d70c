/*
 * synth.h: synthetic registers with ground truth. A seeded population of
 * persons lives out stories (residents who travel, frontier commuters,
 * tourists, emigrants and returners, settlers and those who regularise);
 * their crossings and applications are written in time order, with the
 * errors real registers have, and the truth beside them.
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_SYNTH_H
#define PASOS_SYNTH_H

#include <stdint.h>
#include "err.h"

struct synth_opts {
	uint64_t seed;
	long start_day;            /* first day of the period (day number) */
	int months;                /* length of the period */
	uint64_t movements;        /* about how many movements to write */
	const char *out_dir;       /* directory for the files (must exist) */
	double noise;              /* multiplier of the error rates; 0: clean records */
	double invalid_rate;       /* share of rows made invalid */
	double dup_rate;           /* share of rows sent twice */
	double conflict_rate;      /* share of rows sent again with other content */
	uint64_t watchlist;        /* entries of watchlist.csv and its truth (0: none) */
	void (*progress)(void *ctx, uint64_t done, uint64_t total);
	void *progress_ctx;
};

struct synth_counts {
	uint64_t rows, invalid, duplicates, conflicts;
};

/* The other registers, in the order they are ingested (a register before those that refer to it). */
enum synth_other { SO_AGENCIES, SO_OFFERS, SO_SEEKERS, SO_PLACEMENTS, SO_CONSULAR, SO_REPATRIATIONS,
		   SO_CASES, SO_VICTIMS, SO_TRAINING, SO_CENSUS, SO_N };

/* Their register names (each written as NAME.csv). */
extern const char *const synth_other_names[SO_N];

struct synth_stats {
	uint64_t persons;
	struct synth_counts movements, regularizations;
	struct synth_counts other[SO_N];
};

/** Defaults: seed 1, 2023-01-01, 24 months, 500,000 movements, usual error rates. */
void synth_opts_init(struct synth_opts *o);

/**
 * Write movements.csv, regularizations.csv, truth_persons.csv,
 * truth_residence.csv and truth_records.csv into o->out_dir.
 * Memory grows with the number of persons, never with the movements
 * written. Errors: ERR_IO, ERR_USAGE.
 */
int synth_run(const struct synth_opts *o, struct synth_stats *stats, struct err *err);

#endif
