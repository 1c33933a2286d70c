/*
 * link_block.c: blocking for the link stage. Each identity gets a key per
 * rule (the same birth date and a name initial, the same phonetic names and
 * decade...); identities sharing a key form a block and are compared pair
 * by pair. The pairs are visited block by block and never all held: their
 * number grows with the square of the common names' blocks (106 million
 * for 10 million records), so memory follows the identities instead.
 * SPDX-License-Identifier: MIT
 */
#include "link_int.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>

enum rule { R_DOC, R_BIRTH, R_NAMES, R_GIVEN_MONTH, R_SWAPPED, R_SURNAME_YEAR, R_EXTRA, N_RULES };
_Static_assert(N_RULES == LINK_N_RULES, "the rule count in link_int.h");

static const char *rule_names[N_RULES] = {
	"document (type, country, number)", "birth date + a name initial",
	"surnames + first given name (phonetic) + decade of birth",
	"first given name (phonetic) + birth year, month + surname initial",
	"birth date with day and month swapped + surname initial",
	"surname (phonetic) + birth month, day + given initial", "first two extra fields"
};

struct key {
	uint64_t key;
	uint32_t sig;
	uint8_t slot;   /* which of the identity's keys (struct sig_keys) */
};

static uint64_t mix3(uint64_t r, uint64_t a, uint64_t b)
{
	uint64_t h = (r + 1) * 0x9E3779B97F4A7C15ULL;

	h ^= a + 0x632BE59BD9B4E019ULL + (h << 6) + (h >> 2);
	h *= 0xBF58476D1CE4E5B9ULL;
	h ^= b + 0x94D049BB133111EBULL + (h << 6) + (h >> 2);
	h *= 0x94D049BB133111EBULL;
	return h ^ (h >> 31);
}

/* Keys of identity s under rule r (0, 1 or 2). */
static int rule_keys(const struct linker *lk, enum rule r, const struct sig *s, uint64_t out[3])
{
	int32_t b = s->birth;

	switch (r) {
	case R_DOC:
		if (!s->doc)
			return 0;
		out[0] = mix3(r, s->doc, ((uint64_t)s->doct << 32) | s->docc);
		return 1;
	case R_BIRTH: {
		/*
		 * The birth date with the initial of a surname or of the given name:
		 * a date alone makes blocks that grow with the square of the data.
		 */
		int n = 0;

		if (!b)
			return 0;
		if (s->ph_s1)
			out[n++] = mix3(r, (uint64_t)b, 's' << 8 | (unsigned char)link_pool_str(&lk->names, s->ph_s1)[0]);
		if (s->ph_g1)
			out[n++] = mix3(r, (uint64_t)b, 'g' << 8 | (unsigned char)link_pool_str(&lk->names, s->ph_g1)[0]);
		if (!n)
			out[n++] = mix3(r, (uint64_t)b, 0);
		return n;
	}
	case R_NAMES:
		/* both surnames in either order, so swapped surnames meet */
		if (!s->ph_g1 || !s->ph_s1)
			return 0;
		/* and the decade of birth: Juan Mamani Quispe is not one block */
		out[0] = mix3(r, (s->ph_s1 < s->ph_s2 || !s->ph_s2 ? s->ph_s1 : s->ph_s2) ^ ((uint64_t)(b / 100000) << 40),
			      ((uint64_t)(s->ph_s1 < s->ph_s2 || !s->ph_s2 ? s->ph_s2 : s->ph_s1) << 32) | s->ph_g1);
		return 1;
	case R_GIVEN_MONTH: {
		/* with a surname initial, so that Maria born in 1980-05 is not one block */
		int n = 0;

		if (!s->ph_g1 || !b)
			return 0;
		if (s->ph_s1)
			out[n++] = mix3(r, s->ph_g1, (uint64_t)(b / 100) << 8 | (unsigned char)link_pool_str(&lk->names, s->ph_s1)[0]);
		if (s->ph_s2 && (!s->ph_s1 || link_pool_str(&lk->names, s->ph_s2)[0] != link_pool_str(&lk->names, s->ph_s1)[0]))
			out[n++] = mix3(r, s->ph_g1, (uint64_t)(b / 100) << 8 | (unsigned char)link_pool_str(&lk->names, s->ph_s2)[0]);
		if (!n)
			out[n++] = mix3(r, s->ph_g1, (uint64_t)(b / 100) << 8);
		return n;
	}
	case R_SWAPPED: {
		int32_t d = b % 100, m = b / 100 % 100;
		const char *sur = s->s1 ? link_pool_str(&lk->names, s->s1) : "";

		if (!b)
			return 0;
		/* both orders give the same key, so a swapped date meets its original */
		out[0] = mix3(r, (uint64_t)(b / 10000) * 10000 + (uint64_t)(d < m ? d * 100 + m : m * 100 + d),
			      (unsigned char)sur[0]);
		return 1;
	}
	case R_SURNAME_YEAR:
		/* a typo in the year and in a given name: surname and day of the year still meet */
		if (!s->ph_s1 || !b)
			return 0;
		out[0] = mix3(r, s->ph_s1, (uint64_t)(b % 10000) << 8 |
			      (s->ph_g1 ? (unsigned char)link_pool_str(&lk->names, s->ph_g1)[0] : 0));
		return 1;
	case R_EXTRA:
		if (lk->n_extra < 2 || !s->extra[0] || !s->extra[1])
			return 0;
		out[0] = mix3(r, s->extra[0], s->extra[1]);
		return 1;
	case N_RULES:
		break;
	}
	return 0;
}

static int cmp_key(const void *x, const void *y)
{
	const struct key *a = x, *b = y;

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return a->sig < b->sig ? -1 : a->sig > b->sig;
}

/*
 * An identity's keys under every rule (at most 9: rule_keys gives one or
 * two per rule), and which of them sit in a block small enough to compare.
 */
#define MAX_KEYS 9

struct sig_keys {
	uint64_t k[MAX_KEYS];
	uint8_t first[N_RULES + 1];   /* rule r's keys are k[first[r] .. first[r + 1]) */
	uint16_t valid;               /* bit x: k[x]'s block is compared (not over max_block) */
};

/*
 * Blocking without a list of pairs: every identity's keys, and per rule
 * the identities of each block to compare, in key order (sig << 4 | slot).
 * The pairs themselves are visited block by block (link_each_pair) and
 * never all held, so memory follows the identities, not the square of
 * the largest blocks.
 */
int link_blocks_build(struct linker *lk, struct link_stats *st, struct err *err)
{
	struct key *keys;
	size_t i, j, x;
	int r;

	if (lk->n_sig >= (size_t)1 << 28)
		return ERR_SET(err, ERR_NOMEM, "more than 268 million distinct identities to link");
	keys = xmalloc(st_mult(lk->n_sig * 2 + 1, sizeof(*keys)));
	lk->keys = xmalloc(st_mult(lk->n_sig + 1, sizeof(*lk->keys)));
	for (i = 0; i < lk->n_sig; i++) {
		struct sig_keys *sk = &lk->keys[i];
		int n = 0;

		for (r = 0; r < N_RULES; r++) {
			uint64_t k[3];
			int nk = rule_keys(lk, (enum rule)r, &lk->sig[i], k), t;

			sk->first[r] = (uint8_t)n;
			for (t = 0; t < nk && n < MAX_KEYS; t++)
				sk->k[n++] = k[t];
		}
		sk->first[N_RULES] = (uint8_t)n;
		sk->valid = 0;
	}
	for (r = 0; r < N_RULES; r++) {
		size_t n_keys = 0, n_ent = 0;

		for (i = 0; i < lk->n_sig; i++)
			for (x = lk->keys[i].first[r]; x < lk->keys[i].first[r + 1]; x++) {
				keys[n_keys].key = lk->keys[i].k[x];
				keys[n_keys].sig = (uint32_t)i;
				keys[n_keys++].slot = (uint8_t)x;
			}
		qsort(keys, n_keys, sizeof(*keys), cmp_key);
		lk->block_ent[r] = xmalloc(st_mult(n_keys + 1, sizeof(*lk->block_ent[r])));
		for (i = 0; i < n_keys; i = j) {
			for (j = i + 1; j < n_keys && keys[j].key == keys[i].key; j++)
				;
			if (j - i > lk->o.max_block) {
				st->rules[r].skipped_blocks++;
				continue;
			}
			if (j - i < 2)
				continue;
			for (x = i; x < j; x++) {
				if (x > i && keys[x].sig == keys[x - 1].sig)
					continue;  /* one identity under one key twice */
				lk->keys[keys[x].sig].valid |= (uint16_t)(1u << keys[x].slot);
				lk->block_ent[r][n_ent++] = keys[x].sig << 4 | keys[x].slot;
			}
		}
		lk->n_block_ent[r] = n_ent;
		st->rules[r].name = rule_names[r];
	}
	st->n_rules = N_RULES;
	free(keys);
	return 0;
}

/*
 * The rules under which identities a and b meet in a compared block, and
 * the smallest key they meet on under the first of those rules.
 */
static unsigned pair_rules(const struct sig_keys *a, const struct sig_keys *b, uint64_t *first_key)
{
	unsigned mask = 0;
	int r, r0 = -1;
	size_t x, y;

	for (r = 0; r < N_RULES; r++)
		for (x = a->first[r]; x < a->first[r + 1]; x++)
			if (a->valid >> x & 1)
				for (y = b->first[r]; y < b->first[r + 1]; y++)
					if (a->k[x] == b->k[y]) {
						if (r0 < 0) {
							r0 = r;
							*first_key = a->k[x];
						} else if (r == r0 && a->k[x] < *first_key) {
							*first_key = a->k[x];
						}
						mask |= 1u << r;
					}
	return mask;
}

static uint64_t ent_key(const struct linker *lk, uint32_t e)
{
	return lk->keys[e >> 4].k[e & 15];
}

/*
 * Visit every candidate pair once (the union of the rules): a pair is
 * visited in the block of its first rule and smallest key only, with the
 * rules that make it. Part `part` of `parts` takes every parts-th block,
 * so that threads share the work. fn returns nonzero to stop.
 */
int link_each_pair(struct linker *lk, unsigned part, unsigned parts,
		   int (*fn)(struct linker *lk, uint32_t a, uint32_t b, unsigned mask, void *ctx), void *ctx)
{
	size_t i, j, x, y, block = 0;
	int r, rc;

	for (r = 0; r < N_RULES; r++) {
		const uint32_t *ent = lk->block_ent[r];
		size_t n = lk->n_block_ent[r];

		for (i = 0; i < n; i = j) {
			uint64_t key = ent_key(lk, ent[i]), first = 0;

			for (j = i + 1; j < n && ent_key(lk, ent[j]) == key; j++)
				;
			if (block++ % parts != part)
				continue;  /* another thread's block */
			for (x = i; x < j; x++)
				for (y = x + 1; y < j; y++) {
					uint32_t a = ent[x] >> 4, b = ent[y] >> 4;
					unsigned mask = pair_rules(&lk->keys[a], &lk->keys[b], &first);

					if ((mask & ((1u << r) - 1)) || first != key)
						continue;
					if ((rc = fn(lk, a < b ? a : b, a < b ? b : a, mask, ctx)))
						return rc;
				}
		}
	}
	return 0;
}
