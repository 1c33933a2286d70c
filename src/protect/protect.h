/*
 * protect.h: protect stage. Nothing is published without it. A table is
 * protected by cell suppression (primary rule on distinct persons, then
 * complementary cells until the LP audit proves every primary cell keeps
 * its protection interval), by the simple hypercube baseline, or by the
 * cell key method (ABS): every cell perturbed by a fixed function of the
 * keys of the persons or records in it.
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_PROTECT_H
#define PASOS_PROTECT_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"
#include "move.h"
#include "table.h"
#include "tabulate.h"

enum protect_method { PROTECT_SUPPRESSION, PROTECT_HYPERCUBE, PROTECT_CELLKEY };

enum cell_status { CELL_FREE = 0, CELL_PRIMARY = 1, CELL_SECONDARY = 2 };

struct protect_opts {
	enum protect_method method;
	int k;              /* a published cell counts 0 or at least k distinct persons */
	int interval;       /* suppression: least width of a primary cell's feasible interval */
	int search;         /* suppression: the interval moves are chosen for first (0: interval, then interval + 1,
			       the smaller pattern kept); below interval, the audit's repair rounds do the rest */
	int max_noise;      /* cell key: D, the largest change */
	double variance;    /* cell key: V, the variance of the change */
};

/* Per audited measure and suppressed cell: the interval a reader can narrow it to. */
struct audit_result {
	size_t n_suppressed, n_components, largest_component, n_lps;
	size_t n_moves;                         /* balanced moves checked as proofs */
	size_t n_checked, n_failed;             /* primary cells x audited measures, and those too narrow */
	double narrowest;                       /* the smallest width over primary cells */
	int measures[TABLE_MAX_MEASURES], n_measures;
	double *lo[TABLE_MAX_MEASURES], *hi[TABLE_MAX_MEASURES];  /* per cell (suppressed ones set) */
	uint8_t *whole;                         /* per cell: the LP covered its whole group (exact interval) */
	double seconds;
};

struct protection {
	struct protect_opts o;
	int rule_measure;                       /* the measure the primary rule counts */
	uint8_t *status;                        /* per cell: enum cell_status */
	uint32_t *value[TABLE_MAX_MEASURES];    /* cell key: the published values (else NULL) */
	size_t n_possible, n_primary, n_secondary, n_changed;
	int rounds;                             /* suppression: audit and repair rounds */
	int searched;                           /* suppression: the interval the moves were chosen for */
	struct audit_result audit;              /* suppression: the last full audit */
	double seconds;
};

/** Defaults: suppression, k 3, interval 2, D 3, V 2. */
void protect_opts_init(struct protect_opts *o);
/** Parse "suppression k=3 interval=3" or "cellkey k=3 D=3 V=2" words into o. */
int protect_opts_parse(struct protect_opts *o, char **words, int n, struct err *err);

/**
 * Whether an interval this wide protects: at least the required width,
 * and never a single point (a cell computed exactly), whatever is required.
 */
int protect_wide_enough(double width, int interval);

/** Protect res (from tabulate_run) into p (owned by the caller: protection_release). */
int protect_run(const struct table *t, const struct tab_result *res, const struct protect_opts *o,
		struct protection *p, struct err *err);
void protection_release(struct protection *p);

/** How the table was protected, for the published files: "cell suppression, k=3, interval 3". */
void protect_describe(const struct protection *p, char *buf, size_t len);

/**
 * The audit: every suppressed cell's feasible interval by linear
 * programming over every additive relation of the published table, split
 * into independent groups; a primary cell passes when its interval is at
 * least o->interval wide. Also used by protect_run to repair.
 */
int protect_audit(const struct table *t, const struct tab_result *res, const uint8_t *status,
		  int interval, const uint8_t *only, const struct move_cert *certs, size_t n_certs,
		  struct audit_result *a, struct err *err);
void audit_result_release(struct audit_result *a);

#endif
