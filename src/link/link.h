/*
 * link.h: link stage. The same person across documents and registers:
 * deterministic document matches, then the Fellegi-Sunter model (u from
 * random pairs, m by EM blocking rule by blocking rule, term-frequency
 * adjustment for common surnames), and clustering that refuses merges
 * between clusters with conflicting identifiers, so weak links do not
 * chain different people together.
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_LINK_H
#define PASOS_LINK_H

#include <stddef.h>
#include <stdint.h>
#include "csv.h"
#include "err.h"
#include "schema.h"

#define LINK_MAX_EXTRA 6
#define LINK_MAX_THREADS 8  /* threads comparing candidate pairs */
#define LINK_MAX_COMPARISONS (6 + LINK_MAX_EXTRA)
#define LINK_MAX_RULES 8

/* A record's person fields, by role; len 0 is missing. Not copied by the linker. */
struct link_view {
	struct csv_field surname1, surname2, given, birth, sex, nationality;
	struct csv_field doc_type, doc_number, doc_country;
	struct csv_field extra[LINK_MAX_EXTRA];
	size_t n_extra;
};

struct link_opts {
	double threshold;        /* match probability needed to link (default 0.999) */
	unsigned em_iterations;  /* default 25 */
	unsigned u_samples;      /* random record pairs for u (default 400000) */
	uint64_t seed;
	size_t max_block;        /* larger blocks are skipped and counted (default 2000) */
	unsigned threads;        /* threads comparing candidate pairs; 0: the processors online */
	void (*progress)(void *ctx, uint64_t done, uint64_t total);
	void *progress_ctx;
};

struct link_rule_stats {
	const char *name;
	uint64_t pairs;          /* candidate pairs of distinct identities it produced */
	uint64_t skipped_blocks; /* blocks over max_block */
	uint64_t true_pairs;     /* with a truth: true record pairs it reaches */
};

struct link_stats {
	uint64_t records, identities, candidate_pairs, matches, persons;
	uint64_t refused_merges;  /* merges the cluster constraints refused */
	uint64_t deterministic;   /* merges by the same document */
	size_t n_rules;
	struct link_rule_stats rules[LINK_MAX_RULES];
	double lambda;            /* prior match probability of a candidate pair */
};

struct link_comparison_level {
	const char *comparison;  /* e.g. "surnames" */
	const char *level;       /* e.g. "exact, both surnames" or "null" */
	double m, u, weight;     /* weight = log2(m/u) (+ term-frequency adjustment) */
	double tf_adjustment;
};

struct link_explanation {
	size_t n;
	struct link_comparison_level c[LINK_MAX_COMPARISONS];
	double prior_weight, total_weight, probability;
	int same_identity;       /* both records have identical person fields */
};

struct link_eval {
	uint64_t true_pairs, predicted_pairs, true_positive_pairs;
	double precision, recall, f1;
	uint64_t true_persons, predicted_persons, exact_clusters;
	double cluster_precision, cluster_recall, cluster_f1;
};

struct linker;

/* The model link_run estimated, kept to score a new record later without the records (pasos serve). */
struct link_model {
	size_t n_comparisons, n_extra;
	double m[LINK_MAX_COMPARISONS][5], u[LINK_MAX_COMPARISONS][5];
	double lambda, threshold;
};

/** Defaults for opts. */
void link_opts_init(struct link_opts *o);

/** A new linker (owned by the caller, link_free). o is copied. */
struct linker *link_new(const struct link_opts *o);
void link_free(struct linker *lk);

/**
 * Add a record of source (0, 1, ...) with its id (copied) and person fields
 * (normalised and copied). Returns its index (0, 1, ...).
 */
size_t link_add(struct linker *lk, int source, const char *id, size_t id_len,
		const struct link_view *v);

/** Map a schema's fields to roles: idx gets field indexes (-1 when absent). */
void link_view_fields(const struct schema *s, int idx[9 + LINK_MAX_EXTRA], size_t *n_extra);

/** Fill v from values in schema order using the map of link_view_fields. */
void link_view_from(struct link_view *v, const struct csv_field *vals, const int *idx,
		    size_t n_extra);

/** Report progress of link_run through fn(ctx, step, steps). */
void link_set_progress(struct linker *lk, void (*fn)(void *ctx, uint64_t done, uint64_t total),
		       void *ctx);

/** Estimate the model, score candidate pairs, cluster. Errors: ERR_USAGE (nothing to link). */
int link_run(struct linker *lk, struct link_stats *st, struct err *err);

/** Person (cluster) number of record i after link_run: 0, 1, ... in order of first record. */
uint32_t link_person(const struct linker *lk, size_t i);
/** Number of records added. */
size_t link_count(const struct linker *lk);
/** Source and id of record i (id owned by the linker, NUL-terminated). */
const char *link_record_id(const struct linker *lk, size_t i, int *source);
/** Index of the record of source with this id, or -1. */
long link_find(const struct linker *lk, int source, const char *id);

/** The model of a linker after link_run. */
void link_model_of(const struct linker *lk, struct link_model *m);

/**
 * Which of the n records cands is most likely the person of record a under
 * model m, compared as link_run compares (without the term-frequency
 * adjustment, which needs the population; 1 when their person fields are
 * the same): its index, with its probability in *best_p; n when none.
 */
size_t link_model_best(const struct link_model *m, const struct link_view *a, const struct link_view *cands, size_t n,
		       double *best_p);

/** Comparison levels, weights and probability of records i and j (after link_run). */
void link_explain(const struct linker *lk, size_t i, size_t j, struct link_explanation *e);

/**
 * Evaluate against true person labels (truth[i] for record i, NUL-terminated,
 * NULL when unknown; records without a truth are left out). Also counts the
 * true pairs each blocking rule reaches into st->rules[].true_pairs.
 */
void link_evaluate(const struct linker *lk, const char *const *truth, struct link_eval *ev,
		   struct link_stats *st);

#endif
