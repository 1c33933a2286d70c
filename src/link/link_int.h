/*
 * link_int.h: the linker's internals, shared by the files of the link
 * stage (link.c: identities, model and clustering; link_block.c: blocking;
 * link_eval.c: evaluation).
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_LINK_INT_H
#define PASOS_LINK_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "link.h"

#define MAX_LEVELS 5       /* comparison levels at most */
#define NULL_LEVEL 15      /* a comparison with a value missing on either side */
_Static_assert(MAX_LEVELS == 5, "struct link_model holds 5 levels a comparison");
#define LINK_N_RULES 7     /* blocking rules */

/* Interned strings: one copy of each normalised name, with its frequency. */
struct pool {
	char *p;
	size_t len, cap;
	uint32_t *off, *slen;   /* per id; id 0 is the empty string */
	uint32_t *tf_sur, *tf_giv;
	size_t n, n_cap;
	uint32_t *tbl;          /* open addressing: ids, 0 = free */
	size_t tbl_cap;
};

/* A distinct identity: the person fields of one or more records, normalised. */
struct sig {
	uint32_t s1, s2, g, g1, ph_s1, ph_s2, ph_g1;
	uint32_t doc, doct, docc, nat;
	uint32_t extra[LINK_MAX_EXTRA];
	int32_t birth;  /* YYYYMMDD, 0 when missing or unreadable */
	char sex;       /* 'F', 'M' or 0 */
	char pad[3];
	uint32_t solo;  /* a record with no person fields: its own identity (index + 1) */
};

struct sig_keys;

/* A candidate pair of identities that clustering can use. */
struct cand {
	uint32_t a, b;
	uint8_t same_doc;  /* the same document (type, country, number): a deterministic match */
	uint8_t pad[3];
	float p;
};

struct linker {
	struct link_opts o;
	struct pool names;
	/* records */
	uint32_t *rec_sig;
	uint8_t *rec_src;
	uint64_t *rec_id_off;
	char *ids;
	size_t ids_len, ids_cap;
	size_t n_rec, rec_cap;
	/* identities */
	struct sig *sig;
	uint32_t *sig_n;        /* records per identity */
	uint32_t *sig_first;    /* first record */
	size_t n_sig, sig_cap;
	uint32_t *sig_tbl;
	size_t sig_tbl_cap;
	size_t n_extra;
	uint64_t sur_total, giv_total;
	/* model */
	double m[LINK_MAX_COMPARISONS][MAX_LEVELS], u[LINK_MAX_COMPARISONS][MAX_LEVELS];
	double lambda;
	/* blocks: every identity's keys, and per rule the identities to compare in key order */
	struct sig_keys *keys;
	uint32_t *block_ent[LINK_N_RULES];
	size_t n_block_ent[LINK_N_RULES];
	FILE *cand_file[LINK_MAX_THREADS];  /* every candidate pair, compared: one scratch file per thread */
	unsigned n_cand_files;
	/* results */
	struct cand *cands;     /* the candidates clustering uses, in identity-pair order */
	size_t n_cands;
	uint32_t *parent;       /* union-find over identities */
	uint32_t *person;       /* per record */
	uint32_t *id_tbl;       /* record lookup by id, built on demand */
	size_t id_tbl_cap;
};

/** The characters of interned string id. */
static inline const char *link_pool_str(const struct pool *pl, uint32_t id)
{
	return pl->p + pl->off[id];
}

/**
 * Blocking (link_block.c): every identity's keys under each rule, and per
 * rule the identities of each block small enough to compare; counts the
 * blocks skipped as too big and names the rules in st. Errors: ERR_NOMEM.
 */
int link_blocks_build(struct linker *lk, struct link_stats *st, struct err *err);

/**
 * Visit every candidate pair of identities once (a < b), with the mask of
 * the rules that make it; part `part` of `parts` takes every parts-th
 * block, so that threads share the work. fn returns nonzero to stop.
 */
int link_each_pair(struct linker *lk, unsigned part, unsigned parts,
		   int (*fn)(struct linker *lk, uint32_t a, uint32_t b, unsigned mask, void *ctx), void *ctx);

/** Every candidate pair of identities once, with the blocking rules that made it (after link_run). */
void link_each_candidate(const struct linker *lk, void (*fn)(void *ctx, uint32_t a, uint32_t b, unsigned rules),
			 void *ctx);
/** The comparison levels of identities a and b into g (one per comparison). */
void link_compare(const struct linker *lk, const struct sig *a, const struct sig *b, uint8_t *g);
/** Comparisons the linker makes: the six of the person fields and its extra ones. */
size_t link_n_comparisons(const struct linker *lk);
/** The match probability of a total weight (log2 odds). */
double link_probability(double w);
/** Intern n bytes of s (copied); 0 for the empty string. */
uint32_t link_intern(struct pool *pl, const char *s, size_t n);
/** Free a pool's contents. */
void link_pool_release(struct pool *pl);

#endif
