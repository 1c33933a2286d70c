/*
 * classify.h: classify stage. The 12/16-month rule (ABS, Stats NZ) on each
 * person's crossings in time order: residence before and after each
 * crossing, whether it is a long-term migration, and the day each result
 * became final. Window and threshold are parameters (487/365 by default).
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_CLASSIFY_H
#define PASOS_CLASSIFY_H

#include <stddef.h>
#include <stdint.h>

struct classify_params {
	int window;     /* days observed after a crossing: 487 (16 months) */
	int threshold;  /* days in the new state that make a migration: 365 (12 months) */
};

struct crossing {
	int32_t date;       /* day number */
	int32_t time;       /* seconds into the day, or -1 when unknown */
	uint8_t arrival;    /* 1 arrival (ENTRY), 0 departure (EXIT) */
};

struct classified {
	int32_t days_to_next;   /* window for the last crossing */
	uint8_t res_before, res_after, ltm;
	int32_t res_before_known, res_after_known, ltm_known;  /* day numbers */
};

/* Histories as they really are: what makes a person's crossings unusable. */
enum classify_anomaly {
	ANOMALY_NONE,
	ANOMALY_SAME_DIRECTION,  /* two crossings in a row in the same direction (a missed record) */
	ANOMALY_SAME_TIME,       /* two crossings at the same moment */
	ANOMALY_BEFORE_BIRTH,    /* a crossing dated before the birth date */
	ANOMALY_ONLY_EXITS,      /* two or more crossings, every one an exit */
	N_ANOMALIES
};

/** Window 487, threshold 365. */
void classify_params_init(struct classify_params *p);

/** English name of an anomaly, e.g. "same direction twice". */
const char *classify_anomaly_name(enum classify_anomaly a);

/**
 * Classify one person's n crossings (sorted by date and time) into out[n].
 * initial: 1 resident, 0 not, -1 unknown (then inferred from the first
 * crossing: resident when it is a departure). initial_final: the day a
 * supplied initial status became final, or INT32_MIN. as_of: the
 * observation day, which decides a lone crossing in the migrating
 * direction. birth: day of birth or INT32_MIN. Returns the anomaly found;
 * with one, the status is kept through all crossings (as migrbc does) and
 * no crossing is a migration.
 */
enum classify_anomaly classify_person(const struct crossing *c, size_t n, int initial,
				      int32_t initial_final, int32_t as_of, int32_t birth,
				      const struct classify_params *p, struct classified *out);

#endif
