/*
 * classify_store.h: the classify stage over the store: each linked
 * person's movements in time order, classified, written back to the table
 * classified_crossings, with the migrants by year and the persons flagged.
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_CLASSIFY_STORE_H
#define PASOS_CLASSIFY_STORE_H

#include <stdint.h>
#include "classify.h"
#include "err.h"
#include "store.h"

#define CLASSIFY_MAX_YEARS 64

struct classify_run_opts {
	struct classify_params params;
	int32_t as_of;          /* day number; INT32_MIN: the latest crossing */
	const char *truth_dir;  /* synth output with truth_records.csv, truth_residence.csv; or NULL */
	int true_persons;       /* use the truth's persons instead of linkage */
	int allow_stale;        /* classify even when movements were ingested after the last link */
	const char *residents;  /* CSV of known residents by document, or NULL */
	void (*progress)(void *ctx, uint64_t done, uint64_t total);  /* or NULL */
	void *progress_ctx;
};

struct classify_year {
	int year;
	uint64_t arrivals, departures;           /* long-term migrations, final */
	uint64_t arrivals_prov, departures_prov; /* provisional ones estimated more likely than not */
	double arrivals_est, departures_est;     /* expected migrations among the provisional ones */
};

/* Why a crossing's residence as estimated differs from the generator's story (with --truth). */
enum classify_why {
	WHY_LINKAGE,     /* linkage merged the person with another, or split them */
	WHY_FLAGGED,     /* the person's history is flagged (a missed or doubled crossing) */
	WHY_MISSING,     /* a crossing of the person is not in the store (rejected at ingest) */
	WHY_RULE_EARLY,  /* the story moves the person later: the rule dates the move at this crossing */
	WHY_ESTIMATE,    /* a provisional result estimated the other way */
	WHY_OTHER,
	N_WHY
};

struct classify_summary {
	int32_t as_of;
	uint64_t persons, crossings, provisional;
	uint64_t known_residents;               /* persons whose initial status came from the list */
	uint64_t flagged[N_ANOMALIES];          /* persons, by anomaly */
	size_t n_years;
	struct classify_year years[CLASSIFY_MAX_YEARS];
	uint64_t estimated;                     /* provisional results estimated from closed windows */
	uint64_t bolivians_abroad;              /* left as migrants, not back as residents */
	uint64_t overstays;                     /* foreign entries that stayed beyond the permitted days */
	uint64_t compared, agree, agree_final, compared_final;  /* with the truth */
	uint64_t agree_est;                     /* ... with provisional results as estimated */
	uint64_t differ[N_WHY][2];              /* crossings that do not, by cause; [1] entries, [0] exits */
};

/** Classify the store's linked movements. Errors: ERR_STORE, ERR_USAGE (not linked), ERR_IO. */
int classify_store(struct store *st, const struct classify_run_opts *o, struct classify_summary *sum,
		   struct err *err);

#endif
