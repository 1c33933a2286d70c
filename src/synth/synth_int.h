/*
 * synth_int.h: what the parts of pasos synth share: random numbers, the
 * kinds of person, a person's identity and how a record writes it, and
 * the CSV files the generator writes.
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_SYNTH_INT_H
#define PASOS_SYNTH_INT_H

#include <stdint.h>
#include <stdio.h>
#include "err.h"
#include "synth.h"
#include "synth_data.h"

#define DAY 86400LL
#define NEVER INT64_MAX
#define NO_DAY INT32_MAX
#define UTC_OFFSET "-04:00"   /* Bolivia has no daylight saving time */

/* ==== Random numbers: splitmix64, one 8-byte state per stream ==== */

static inline uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static inline double unif(uint64_t *s)
{
	return (double)(rnd(s) >> 11) * (1.0 / 9007199254740992.0);
}

static inline long range(uint64_t *s, long lo, long hi) /* inclusive */
{
	return lo + (long)(rnd(s) % (uint64_t)(hi - lo + 1));
}

static inline int chance(uint64_t *s, double p)
{
	return unif(s) < p;
}

static inline const char *pick(uint64_t *s, const struct weighted *w, size_t n)
{
	unsigned total = 0, r;
	size_t i;

	for (i = 0; i < n; i++)
		total += w[i].w;
	r = (unsigned)(rnd(s) % total);
	for (i = 0; i < n; i++) {
		if (r < w[i].w)
			return w[i].s;
		r -= w[i].w;
	}
	return w[n - 1].s;
}

/* ==== Persons ==== */

enum kind {
	K_RESIDENT,          /* Bolivian resident who travels now and then */
	K_COMMUTER_BO,       /* Bolivian frontier commuter (Desaguadero, Villazón) */
	K_COMMUTER_FOREIGN,  /* Peruvian, Argentine or Brazilian frontier commuter */
	K_TOURIST,           /* foreign visitor */
	K_DIASPORA,          /* Bolivian living abroad who visits */
	K_EMIGRANT,          /* Bolivian resident who leaves to live abroad, some come back */
	K_RETURNER,          /* Bolivian abroad who comes back to live */
	K_SETTLER,           /* foreigner who comes to live in Bolivia */
	K_IRREGULAR,         /* foreigner in Bolivia, entry not recorded, who regularises */
	N_KINDS
};

struct ident {
	char nat[4];
	char abroad_country[4];  /* where the person lives (or will) abroad */
	char sex;
	long birth_day;
	const char *s1, *s2;
	char given[64];
	char id_card[20];
	char passport[20];
	int has_id_card, has_passport;
};

struct rec_ident {
	char s1[96], s2[96], given[128];
	char birth[11];
	char doc[24];
	char faults[96];
};

struct out {
	FILE *f;
	uint64_t line;  /* lines written, header included */
	char path[1024];
};

struct row {
	char p[2048];
	size_t len;
	int n;
};

#define NO_POST 0xFF

/* A person's life as the other registers need it: kind, moves, and where a move's entry was stored. */
struct synth_life {
	const char *entry_post;   /* post code of the stored entry crossing of a move, or NULL */
	int32_t move_day, return_day;
	uint8_t kind;
	uint8_t exit_seen;        /* the exit of a move is stored */
};

/**
 * Write the other registers (consulates, repatriations, trafficking cases and
 * victims, labour intermediation, training, the census module) from the
 * persons' lives, with their truth appended to truth (register,record_id,
 * person_id,line,fault) and truth_census.csv. Errors: ERR_IO.
 */
int synth_registers(const struct synth_opts *o, long start_day, long end_day,
		    const struct synth_life *life, uint32_t n, struct out *truth,
		    struct synth_stats *st, struct err *err);

/** The person's identity, the same every time for (seed, id, kind). */
void synth_identity(uint64_t seed, uint32_t id, enum kind k, long start_day, struct ident *p);

/** The identity as one record writes it, with the usual errors (k: their multiplier). */
void synth_noisy_ident(uint64_t *s, double k, const struct ident *id, const char *doc, int upper_case,
		       struct rec_ident *r);

int synth_out_open(struct out *o, const char *dir, const char *name, const char *header,
		   struct err *err);
void synth_out_row(struct out *o, const struct row *r);
int synth_out_close(struct out *o, struct err *err);
void synth_row_reset(struct row *r);
void synth_row_add(struct row *r, const char *v);

#endif
