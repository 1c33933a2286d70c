/*
 * screen.c: screening stage. See screen.h.
 *
 * A list name becomes up to MAX_TOK words, each normalised as linkage does
 * (names.h) and interned once with its Spanish phonetic key and a
 * consonant skeleton (a Soundex-like key with the vowels dropped, so
 * "Mohammed" and "Muhammad", "Aleksandr" and "Alexander" share it).
 * Candidates come from an inverted index whose keys are every pair of a
 * name's word skeletons, and every word skeleton with the birth year: a
 * traveller reaches a listed name when two words agree roughly, or one
 * word and the year do, whatever their order or how the list wrote them.
 * Each candidate is then scored word by word (an assignment of the
 * traveller's words to the name's), and the birth date and nationality
 * move the score up or down.
 * SPDX-License-Identifier: MIT
 */
#include "screen.h"
#include "date.h"
#include "mem.h"
#include "names.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TOK 8
#define TOK_LEN 40

const char *const screen_kind_names[SCREEN_KINDS] = { "name", "document", "minor", "overstay", "ban" };

struct tok {
	uint32_t off;       /* into strs */
	uint8_t len;
	uint64_t phon, skel;
};

struct sname {
	uint32_t entry;
	uint32_t tok_off;   /* into name_toks */
	int32_t birth;      /* the entry's, with its nationality and kind: */
	char nat[3];        /* scoring a candidate reads no entry, the hits only */
	uint8_t nat_len;    /* strlen of the entry's nationality, 255 when longer */
	uint8_t ban;        /* the entry is a ban */
	uint8_t n_tok;
	uint8_t surnames;   /* bit i: word i is a surname (when roles_known) */
	uint8_t roles_known;
	uint8_t alias;      /* 0 the name, 1... the aliases */
};

struct keyed {
	uint64_t key;
	uint32_t v;
};

struct screener {
	struct wl_set *set;
	char *strs;
	size_t strs_len, strs_cap;
	struct tok *toks;
	size_t n_toks, cap_toks;
	uint32_t *tbl;      /* interning: open addressing, token index + 1 */
	size_t tbl_cap;
	uint32_t *name_toks;
	size_t n_name_toks, cap_name_toks;
	struct sname *names;
	size_t n_names, cap_names;
	uint64_t *keys;     /* sorted distinct keys ... */
	uint32_t *key_start;/* ... with their postings post[key_start[i] .. key_start[i + 1]) */
	uint32_t *slot;     /* a hash table over keys: index + 1, 0 empty (a lookup is a probe or two) */
	size_t slot_mask;
	uint32_t *post;
	int32_t *post_birth;/* beside each posting, its entry's birth (yyyymmdd, 0 none): filters without a lookup */
	size_t n_keys;
	struct keyed *docs; /* (document hash, entry), sorted */
	size_t n_docs;
};

/* ==== Words ==== */

static uint64_t hash_bytes(const void *p, size_t n, uint64_t h)
{
	const unsigned char *s = p;
	size_t i;

	h ^= 0xcbf29ce484222325ULL;
	for (i = 0; i < n; i++) {
		h ^= s[i];
		h *= 0x100000001b3ULL;
	}
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	return h ^ (h >> 32);
}

static char skel_class(char c)
{
	switch (c) {
	case 'b': case 'f': case 'p': case 'v': case 'w': return '1';
	case 'c': case 'g': case 'j': case 'k': case 'q': case 's': case 'x': case 'z': return '2';
	case 'd': case 't': return '3';
	case 'l': return '4';
	case 'm': case 'n': return '5';
	case 'r': return '6';
	default: return 0;  /* vowels, y, h and digits carry no consonant */
	}
}

/* The consonant skeleton of a normalised word: its first letter's class ('v' for a vowel), then consonant classes. */
static uint64_t skeleton(const char *w, size_t n)
{
	char out[TOK_LEN + 2];
	size_t i, k = 0;
	char last = 0;

	for (i = 0; i < n && k < TOK_LEN; i++) {
		char c = skel_class(w[i]);

		if (i == 0 && !c)
			out[k++] = 'v';
		if (c && c != last)
			out[k++] = c;
		last = c ? c : (w[i] == 'h' ? last : 0);
	}
	return hash_bytes(out, k, 0x5e);
}

static uint64_t phonetic(const char *w, size_t n)
{
	char word[TOK_LEN + 1], key[TOK_LEN + 1];
	size_t k;

	memcpy(word, w, n);
	word[n] = '\0';
	k = names_phonetic(word, key, sizeof(key));
	return hash_bytes(key, k, 0x9a);
}

/* A word of a name being split. */
struct word {
	char s[TOK_LEN + 1];
	uint8_t len;
	uint8_t surname;
	uint64_t phon, skel;
};

/* Normalise text (a part of a name in one role) and append its words. */
static size_t add_words(const char *p, size_t len, int surname, struct word *w, size_t n, size_t max)
{
	char norm[512];
	size_t nl = names_normalize(p, len, norm, sizeof(norm)), i = 0;

	while (i < nl && n < max) {
		size_t j = i;

		while (j < nl && norm[j] != ' ')
			j++;
		if (j > i) {
			size_t l = j - i > TOK_LEN ? TOK_LEN : j - i;

			memcpy(w[n].s, norm + i, l);
			w[n].s[l] = '\0';
			w[n].len = (uint8_t)l;
			w[n].surname = (uint8_t)surname;
			w[n].phon = phonetic(w[n].s, l);
			w[n].skel = skeleton(w[n].s, l);
			n++;
		}
		i = j + 1;
	}
	return n;
}

/* Is this word of a list name written in capitals ("QUISPE"), as lists write surnames? */
static int capital_word(const char *p, size_t n)
{
	size_t i, letters = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c >= 'a' && c <= 'z')
			return 0;
		if (c >= 0xc3 && i + 1 < n && (unsigned char)p[i + 1] >= 0xa0 && (unsigned char)p[i + 1] <= 0xbf)
			return 0;  /* a lower case Latin-1 letter: á é í ó ú ñ ü */
		letters += (c >= 'A' && c <= 'Z') || c >= 0x80;
	}
	return letters >= 2;
}

/*
 * Split a name as a list writes it into words with their roles when the
 * writing shows them: "SURNAMES, Given names", or surnames in capitals
 * beside given names that are not. *known says whether it did.
 */
static size_t split_list_name(const char *p, size_t len, struct word *w, size_t max, int *known)
{
	const char *comma = memchr(p, ',', len);
	char sur[512], giv[512];
	size_t ns = 0, ng = 0, i = 0, n_cap = 0, n_other = 0, n;

	*known = 0;
	if (comma) {
		*known = 1;
		n = add_words(p, (size_t)(comma - p), 1, w, 0, max);
		return add_words(comma + 1, len - (size_t)(comma - p) - 1, 0, w, n, max);
	}
	while (i < len) {
		size_t j = i;

		while (j < len && p[j] != ' ')
			j++;
		if (j > i) {
			int cap = capital_word(p + i, j - i);
			char *dst = cap ? sur : giv;
			size_t *dn = cap ? &ns : &ng;

			if (*dn + (j - i) + 1 < sizeof(sur)) {
				if (*dn)
					dst[(*dn)++] = ' ';
				memcpy(dst + *dn, p + i, j - i);
				*dn += j - i;
			}
			if (cap)
				n_cap++;
			else
				n_other++;
		}
		i = j + 1;
	}
	if (n_cap && n_other) {
		*known = 1;
		n = add_words(sur, ns, 1, w, 0, max);
		return add_words(giv, ng, 0, w, n, max);
	}
	return add_words(p, len, 0, w, 0, max);
}

/* ==== Building ==== */

static uint32_t intern(struct screener *sc, const struct word *w)
{
	uint64_t h = hash_bytes(w->s, w->len, 0x11);
	size_t i, mask;
	struct tok *t;

	if (sc->n_toks * 2 >= sc->tbl_cap) {
		size_t cap = sc->tbl_cap ? sc->tbl_cap * 2 : 1 << 12, k;
		uint32_t *tbl = xcalloc(cap, sizeof(*tbl));

		for (k = 0; k < sc->n_toks; k++) {
			const struct tok *o = &sc->toks[k];
			size_t j = hash_bytes(sc->strs + o->off, o->len, 0x11) & (cap - 1);

			while (tbl[j])
				j = (j + 1) & (cap - 1);
			tbl[j] = (uint32_t)k + 1;
		}
		free(sc->tbl);
		sc->tbl = tbl;
		sc->tbl_cap = cap;
	}
	mask = sc->tbl_cap - 1;
	for (i = h & mask; sc->tbl[i]; i = (i + 1) & mask) {
		t = &sc->toks[sc->tbl[i] - 1];
		if (t->len == w->len && !memcmp(sc->strs + t->off, w->s, w->len))
			return sc->tbl[i] - 1;
	}
	if (sc->n_toks == sc->cap_toks) {
		sc->cap_toks = sc->cap_toks ? sc->cap_toks * 2 : 4096;
		sc->toks = xrealloc(sc->toks, st_mult(sc->cap_toks, sizeof(*sc->toks)));
	}
	if (sc->strs_len + w->len + 1 > sc->strs_cap) {
		sc->strs_cap = sc->strs_cap ? sc->strs_cap * 2 : 1 << 16;
		sc->strs = xrealloc(sc->strs, sc->strs_cap);
	}
	t = &sc->toks[sc->n_toks];
	t->off = (uint32_t)sc->strs_len;
	t->len = w->len;
	t->phon = w->phon;
	t->skel = w->skel;
	memcpy(sc->strs + sc->strs_len, w->s, w->len);
	sc->strs[sc->strs_len + w->len] = '\0';
	sc->strs_len += w->len + 1u;
	sc->tbl[i] = (uint32_t)++sc->n_toks;
	return (uint32_t)(sc->n_toks - 1);
}

struct keyvec {
	struct keyed *v;
	size_t n, cap;
};

static void keyvec_add(struct keyvec *kv, uint64_t key, uint32_t v)
{
	if (kv->n == kv->cap) {
		kv->cap = kv->cap ? kv->cap * 2 : 1 << 14;
		kv->v = xrealloc(kv->v, st_mult(kv->cap, sizeof(*kv->v)));
	}
	kv->v[kv->n].key = key;
	kv->v[kv->n++].v = v;
}

static uint64_t pair_key(uint64_t a, uint64_t b)
{
	uint64_t k[2] = { a < b ? a : b, a < b ? b : a };

	return hash_bytes(k, sizeof(k), 0x77);
}

/* A key made particular to a birth year (0: an entry without one keeps the key as it is). */
static uint64_t with_year(uint64_t key, int year)
{
	uint64_t k[2] = { key, (uint64_t)year };

	return year ? hash_bytes(k, sizeof(k), 0x79) : key;
}

/* One word and a birth date (YYYYMMDD, or YYYY0000 for a year only). */
static uint64_t date_key(uint64_t skel, int32_t birth)
{
	uint64_t k[2] = { skel, (uint64_t)birth };

	return hash_bytes(k, sizeof(k), 0x7b);
}

static void add_name(struct screener *sc, struct keyvec *kv, uint32_t entry, uint8_t alias,
		     const char *p, size_t len)
{
	struct word w[MAX_TOK];
	int known;
	size_t n = split_list_name(p, len, w, MAX_TOK, &known), i, j;
	struct sname *sn;
	int32_t birth = sc->set->e[entry].birth;
	uint32_t idx;

	if (!n)
		return;
	if (sc->n_names == sc->cap_names) {
		sc->cap_names = sc->cap_names ? sc->cap_names * 2 : 4096;
		sc->names = xrealloc(sc->names, st_mult(sc->cap_names, sizeof(*sc->names)));
	}
	if (sc->n_name_toks + n > sc->cap_name_toks) {
		sc->cap_name_toks = sc->cap_name_toks ? sc->cap_name_toks * 2 : 16384;
		sc->name_toks = xrealloc(sc->name_toks, st_mult(sc->cap_name_toks, sizeof(*sc->name_toks)));
	}
	idx = (uint32_t)sc->n_names++;
	sn = &sc->names[idx];
	sn->entry = entry;
	sn->birth = birth;
	{
		const struct wl_entry *e = &sc->set->e[entry];
		size_t nl = strlen(e->nationality);

		memcpy(sn->nat, e->nationality, nl < 3 ? nl : 3);
		sn->nat_len = (uint8_t)(nl < 255 ? nl : 255);
		sn->ban = e->kind == WL_BAN;
	}
	sn->tok_off = (uint32_t)sc->n_name_toks;
	sn->n_tok = (uint8_t)n;
	sn->roles_known = (uint8_t)known;
	sn->alias = alias;
	sn->surnames = 0;
	for (i = 0; i < n; i++) {
		sc->name_toks[sc->n_name_toks++] = intern(sc, &w[i]);
		if (w[i].surname)
			sn->surnames |= (uint8_t)(1u << i);
	}
	/*
	 * Pairs of words keyed with the birth year, so that a traveller looks
	 * only at the names born within a year of them (and those without a
	 * birth date), however common the pair; a single word with the birth
	 * date, for a name with a slip in all but one word.
	 */
	for (i = 0; i < n; i++) {
		for (j = i + 1; j < n; j++)
			keyvec_add(kv, with_year(pair_key(w[i].skel, w[j].skel), birth / 10000), idx);
		if (birth)
			keyvec_add(kv, date_key(w[i].skel, birth), idx);
		if (n == 1)
			keyvec_add(kv, with_year(pair_key(w[i].skel, 0), birth / 10000), idx);
	}
}

static int cmp_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->v < y->v ? -1 : x->v > y->v;
}

size_t screen_doc_norm(const char *p, size_t len, char *out, size_t cap)
{
	size_t i, n = 0;

	for (i = 0; i < len && n + 1 < cap; i++) {
		char c = p[i];

		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
			out[n++] = c;
	}
	out[n] = '\0';
	return n;
}

static uint64_t doc_key(const char *type, size_t tl, const char *country, size_t cl, const char *num, size_t nl)
{
	char norm[64];
	size_t n = screen_doc_norm(num, nl, norm, sizeof(norm));
	uint64_t h = hash_bytes(type, tl, 0xd0);

	h = hash_bytes(country, cl, h);
	return hash_bytes(norm, n, h);
}

/* The first slot of key in the hash table over the keys. */
static size_t slot_of(const struct screener *sc, uint64_t key)
{
	return (size_t)(key ^ (key >> 29)) & sc->slot_mask;
}

struct screener *screener_new(struct wl_set *set)
{
	struct screener *sc = xcalloc(1, sizeof(*sc));
	struct keyvec kv = { 0 }, dv = { 0 };
	size_t i, k;

	sc->set = set;
	for (i = 0; i < set->n; i++) {
		const struct wl_entry *e = &set->e[i];

		if (e->doc_number[0])
			keyvec_add(&dv, doc_key(e->doc_type, strlen(e->doc_type), e->doc_country,
						strlen(e->doc_country), e->doc_number, strlen(e->doc_number)),
				   (uint32_t)i);
		if (e->kind == WL_LOST_STOLEN)
			continue;  /* a document, not a person */
		if (e->name[0])
			add_name(sc, &kv, (uint32_t)i, 0, e->name, strlen(e->name));
		if (e->aliases[0]) {
			const char *p = e->aliases, *q;
			uint8_t a = 1;

			for (;; p = q + 1) {
				q = strchr(p, '|');
				add_name(sc, &kv, (uint32_t)i, a < 255 ? a++ : a, p, q ? (size_t)(q - p) : strlen(p));
				if (!q)
					break;
			}
		}
	}
	if (kv.n)
		qsort(kv.v, kv.n, sizeof(*kv.v), cmp_keyed);
	sc->keys = xmalloc(st_mult(kv.n + 1, sizeof(*sc->keys)));
	sc->key_start = xmalloc(st_mult(kv.n + 1, sizeof(*sc->key_start)));
	sc->post = xmalloc(st_mult(kv.n + 1, sizeof(*sc->post)));
	sc->post_birth = xmalloc(st_mult(kv.n + 1, sizeof(*sc->post_birth)));
	for (i = 0, k = 0; i < kv.n; i++) {
		if (i > 0 && kv.v[i].key == kv.v[i - 1].key && kv.v[i].v == kv.v[i - 1].v)
			continue;
		if (i == 0 || kv.v[i].key != kv.v[i - 1].key) {
			sc->keys[sc->n_keys] = kv.v[i].key;
			sc->key_start[sc->n_keys++] = (uint32_t)k;
		}
		sc->post_birth[k] = sc->set->e[sc->names[kv.v[i].v].entry].birth;
		sc->post[k++] = kv.v[i].v;
	}
	sc->key_start[sc->n_keys] = (uint32_t)k;
	{
		size_t cap = 16;

		while (cap < sc->n_keys * 2)
			cap *= 2;
		sc->slot = xcalloc(cap, sizeof(*sc->slot));
		sc->slot_mask = cap - 1;
		for (i = 0; i < sc->n_keys; i++) {
			size_t h = slot_of(sc, sc->keys[i]);

			while (sc->slot[h])
				h = (h + 1) & sc->slot_mask;
			sc->slot[h] = (uint32_t)i + 1;
		}
	}
	free(kv.v);
	if (dv.n)
		qsort(dv.v, dv.n, sizeof(*dv.v), cmp_keyed);
	sc->docs = dv.v;
	sc->n_docs = dv.n;
	free(sc->tbl);  /* interning is over: travellers' words are compared by value */
	sc->tbl = NULL;
	return sc;
}

void screener_free(struct screener *sc)
{
	if (!sc)
		return;
	wl_set_free(sc->set);
	free(sc->strs);
	free(sc->toks);
	free(sc->tbl);
	free(sc->name_toks);
	free(sc->names);
	free(sc->keys);
	free(sc->key_start);
	free(sc->slot);
	free(sc->post);
	free(sc->post_birth);
	free(sc->docs);
	free(sc);
}

size_t screener_names(const struct screener *sc)
{
	return sc->n_names;
}

size_t screener_entries(const struct screener *sc)
{
	return sc->set->n;
}

uint64_t screener_generation(const struct screener *sc)
{
	return sc->set->generation;
}

/* ==== Screening ==== */

static const uint32_t *postings(const struct screener *sc, uint64_t key, size_t *n)
{
	size_t h = slot_of(sc, key);

	for (; sc->slot[h]; h = (h + 1) & sc->slot_mask) {
		size_t i = sc->slot[h] - 1;

		if (sc->keys[i] == key) {
			*n = sc->key_start[i + 1] - sc->key_start[i];
			return sc->post + sc->key_start[i];
		}
	}
	*n = 0;
	return NULL;
}

/* How much two words agree: 1 the same, less for phonetics, typos, transliterations and initials. */
static double word_sim(const struct word *a, const char *b, size_t lb, uint64_t bphon, uint64_t bskel, int *how)
{
	double jw;

	*how = 0;
	if (a->len == lb && !memcmp(a->s, b, lb))
		return 1.0;
	*how = 1;
	if (a->phon == bphon)
		return 0.95;
	*how = 2;
	if (a->len >= 4 && lb >= 4 && names_damerau(a->s, a->len, b, lb, 1) <= 1)
		return 0.9;
	if (a->s[0] != b[0] && a->skel != bskel) {
		*how = 5;
		return 0.0;  /* no shared start nor skeleton: Jaro-Winkler cannot reach 0.92 but by a typo, caught above */
	}
	jw = names_jaro_winkler(a->s, a->len, b, lb);
	*how = 3;
	if (a->skel == bskel && jw >= 0.8)
		return 0.85;
	*how = 2;
	if (jw >= 0.92)
		return 0.85;
	*how = 2;
	if (a->len == 3 && lb == 3 && a->s[0] == b[0] && names_damerau(a->s, 3, b, 3, 1) <= 1)
		return 0.7;  /* a short word with a slip: some weight, never a match alone */
	*how = 4;
	if ((a->len == 1 && lb > 1 && a->s[0] == b[0]) || (lb == 1 && a->len > 1 && b[0] == a->s[0]))
		return 0.6;
	*how = 5;
	return 0.0;
}

struct name_score {
	double score;
	int matched, exact, fuzzy, given_ok;
};

/* Each list word's agreement with the traveller's words, computed once a screening: common names share words. */
#define MEMO 256  /* on the stack: 19 KiB */
struct memo {
	uint32_t tok[MEMO];     /* token + 1, 0 free */
	double sim[MEMO][MAX_TOK];
	int8_t how[MEMO][MAX_TOK];
};

static void word_sims(const struct screener *sc, struct memo *m, uint32_t tok, const struct word *tw, size_t nt,
		      double *sim, int *how)
{
	const struct tok *t = &sc->toks[tok];
	size_t i, h = (tok * 2654435761u) & (MEMO - 1), probe;

	for (probe = 0; probe < 8; probe++, h = (h + 1) & (MEMO - 1)) {
		if (m->tok[h] == tok + 1) {
			for (i = 0; i < nt; i++) {
				sim[i] = m->sim[h][i];
				how[i] = m->how[h][i];
			}
			return;
		}
		if (!m->tok[h])
			break;
	}
	for (i = 0; i < nt; i++)
		sim[i] = word_sim(&tw[i], sc->strs + t->off, t->len, t->phon, t->skel, &how[i]);
	if (probe < 8 && !m->tok[h]) {
		m->tok[h] = tok + 1;
		for (i = 0; i < nt; i++) {
			m->sim[h][i] = sim[i];
			m->how[h][i] = (int8_t)how[i];
		}
	}
}

/* The traveller's words against a listed name: the best assignment, found greedily. */
static void score_name(const struct screener *sc, const struct sname *sn, const struct word *tw, size_t nt,
		       struct memo *memo, struct name_score *r)
{
	double sim[MAX_TOK][MAX_TOK], sum = 0;
	int how[MAX_TOK][MAX_TOK];
	unsigned used_t = 0, used_l = 0;
	size_t i, j, nl = sn->n_tok;

	memset(r, 0, sizeof(*r));
	for (j = 0; j < nl; j++) {
		double col[MAX_TOK];
		int hcol[MAX_TOK];

		word_sims(sc, memo, sc->name_toks[sn->tok_off + j], tw, nt, col, hcol);
		for (i = 0; i < nt; i++) {
			sim[i][j] = col[i];
			how[i][j] = hcol[i];
		}
	}
	for (;;) {
		double best = 0.0;
		size_t bi = 0, bj = 0;

		for (i = 0; i < nt; i++) {
			if (used_t & (1u << i))
				continue;
			for (j = 0; j < nl; j++)
				if (!(used_l & (1u << j)) && sim[i][j] > best) {
					best = sim[i][j];
					bi = i;
					bj = j;
				}
		}
		if (best <= 0.0)
			break;
		used_t |= 1u << bi;
		used_l |= 1u << bj;
		sum += best;
		if (best >= 0.85) {
			r->matched++;
			if (how[bi][bj] == 0)
				r->exact++;
			else
				r->fuzzy++;
		}
		if (!tw[bi].surname && !(sn->surnames & (1u << bj)) && best >= 0.6)
			r->given_ok = 1;
	}
	r->score = 0.5 * (sum / (double)nt) + 0.5 * (sum / (double)nl);
	if (sn->roles_known && !r->given_ok)
		r->score -= 0.10;  /* the given names agree with none of the list's */
	if (sn->roles_known && sn->surnames && tw[0].surname) {
		/* the first surname on either side agrees with no surname on the other: another family */
		size_t lf = 0;
		int meet = 0;

		while (!(sn->surnames & (1u << lf)))
			lf++;
		for (j = 0; j < nl; j++)
			meet |= (sn->surnames & (1u << j)) && sim[0][j] >= 0.85;
		for (i = 0; i < nt; i++)
			meet |= tw[i].surname && sim[i][lf] >= 0.85;
		if (!meet)
			r->score -= 0.10;
	}
}

static int32_t traveller_birth(const struct csv_field *f)
{
	long d;
	int y, m, dd;

	if (f->len != 10 || (d = date_parse(f->p, f->len)) == DATE_INVALID)
		return 0;
	date_to_civil(d, &y, &m, &dd);
	return (int32_t)(y * 10000 + m * 100 + dd);
}

/* What the birth dates add to the score, and a word for the reasons. */
static double birth_adjust(int32_t tb, int32_t lb, const char **why)
{
	int ty = tb / 10000, ly = lb / 10000;

	*why = "";
	if (!lb) {
		*why = "no birth date on the list";
		return -0.10;  /* the name alone must carry it */
	}
	if (!tb)
		return 0.0;
	if (lb % 10000 == 0) {
		*why = ty == ly ? "birth year: same" : ty - ly == 1 || ly - ty == 1 ? "birth year: one apart"
								  : "birth year: differs";
		return ty == ly ? 0.05 : (ty - ly == 1 || ly - ty == 1) ? -0.10 : -0.40;
	}
	if (tb == lb) {
		*why = "birth date: same";
		return 0.25;
	}
	{
		char a[8], b[8];
		int swapped = ty == ly && tb / 100 % 100 == lb % 100 && tb % 100 == lb / 100 % 100, i;
		int32_t x = tb, z = lb;

		for (i = 7; i >= 0; i--, x /= 10, z /= 10) {  /* the 8 digits, as "%08d" writes them */
			a[i] = (char)('0' + x % 10);
			b[i] = (char)('0' + z % 10);
		}
		if (swapped || names_damerau(a, 8, b, 8, 1) <= 1) {
			*why = "birth date: one slip apart";
			return 0.10;
		}
	}
	*why = ty == ly ? "birth date: same year only" : "birth date: differs";
	return ty == ly ? -0.25 : -0.40;
}

/* The candidates of a screening, gathered from the postings of its keys. */
#define BATCH 64
struct gather {
	int32_t tb;          /* the traveller's birth (yyyymmdd, 0 unknown) */
	double threshold;
	uint32_t *cand;
	size_t nc, cap;
	uint64_t keys[BATCH];  /* keys waiting for their batch */
	size_t nk;
	uint32_t local[512];   /* cand while it fits: no allocation for most screenings */
};

/*
 * Append the names under the keys whose birth date leaves them a chance: a
 * name scores at most 1 and a nationality adds at most 0.05, so a birth date
 * that takes the best possible score below the threshold rules the name out
 * here, from the birth kept beside the posting, with no lookup of the name
 * (on a list of a million, those lookups were the cost of screening).
 *
 * The keys of a screening are independent, so they are looked up in stages,
 * each stage prefetching its cache lines for every key before the next reads
 * any (hash slot, key, postings): their cache misses, which were most of the
 * time of a screening, then overlap instead of following one another.
 */
static void collect_batch(const struct screener *sc, const uint64_t *keys, size_t nk, struct gather *g)
{
	const uint32_t *p[BATCH];
	size_t h[BATCH], np[BATCH], i, k;
	const char *why;

	for (i = 0; i < nk; i++) {
		h[i] = slot_of(sc, keys[i]);
		__builtin_prefetch(&sc->slot[h[i]]);
	}
	for (i = 0; i < nk; i++)
		if (sc->slot[h[i]]) {
			__builtin_prefetch(&sc->keys[sc->slot[h[i]] - 1]);
			__builtin_prefetch(&sc->key_start[sc->slot[h[i]] - 1]);
		}
	for (i = 0; i < nk; i++)
		if ((p[i] = postings(sc, keys[i], &np[i]))) {
			__builtin_prefetch(p[i]);
			__builtin_prefetch(sc->post_birth + (p[i] - sc->post));
		}
	for (i = 0; i < nk; i++) {
		const int32_t *birth = p[i] ? sc->post_birth + (p[i] - sc->post) : NULL;

		if (!np[i])
			continue;
		if (g->nc + np[i] > g->cap) {
			uint32_t *c = xmalloc(st_mult((g->nc + np[i]) * 2, sizeof(*c)));

			memcpy(c, g->cand, g->nc * sizeof(*c));
			if (g->cand != g->local)
				free(g->cand);
			g->cand = c;
			g->cap = (g->nc + np[i]) * 2;
		}
		for (k = 0; k < np[i]; k++)
			if (1.05 + birth_adjust(g->tb, birth[k], &why) >= g->threshold)
				g->cand[g->nc++] = p[i][k];
	}
}

/* Queue a key; a full batch is looked up. */
static void collect(const struct screener *sc, uint64_t key, struct gather *g)
{
	g->keys[g->nk++] = key;
	if (g->nk == BATCH) {
		collect_batch(sc, g->keys, g->nk, g);
		g->nk = 0;
	}
}

/*
 * Prefetch what scoring candidates cand[0..n) reads, level by level (the
 * name, then its words, then their text), for the same reason.
 */
static void prefetch_candidates(const struct screener *sc, const uint32_t *cand, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++)
		__builtin_prefetch(&sc->names[cand[i]]);
	for (i = 0; i < n; i++)
		__builtin_prefetch(&sc->name_toks[sc->names[cand[i]].tok_off]);
	for (i = 0; i < n; i++) {
		const struct sname *sn = &sc->names[cand[i]];

		for (j = 0; j < sn->n_tok; j++)
			__builtin_prefetch(&sc->toks[sc->name_toks[sn->tok_off + j]]);
	}
	for (i = 0; i < n; i++) {
		const struct sname *sn = &sc->names[cand[i]];

		for (j = 0; j < sn->n_tok; j++)
			__builtin_prefetch(sc->strs + sc->toks[sc->name_toks[sn->tok_off + j]].off);
	}
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int field_is(const struct csv_field *f, const char *s)
{
	return f->len == strlen(s) && !memcmp(f->p, s, f->len);
}

/* Keep the best hit per entry, at most max, best first. */
static size_t add_hit(struct screen_hit *hits, size_t n, size_t max, const struct screen_hit *h)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (hits[i].entry == h->entry) {
			if (h->kind == SCREEN_DOCUMENT || (hits[i].kind != SCREEN_DOCUMENT && h->score > hits[i].score))
				hits[i] = *h;
			goto sort;
		}
	if (n < max)
		hits[n++] = *h;
	else if (h->score > hits[n - 1].score)
		hits[n - 1] = *h;
	else
		return n;
sort:
	for (i = 1; i < n; i++) {
		struct screen_hit t = hits[i];
		size_t j = i;

		while (j > 0 && hits[j - 1].score < t.score) {
			hits[j] = hits[j - 1];
			j--;
		}
		hits[j] = t;
	}
	return n;
}

static size_t screen_documents(const struct screener *sc, const struct screen_traveller *t,
			       struct screen_hit *hits, size_t n, size_t max)
{
	uint64_t k;
	size_t lo = 0, hi = sc->n_docs;
	char tn[64], en[64];

	if (!t->doc_number.len || !sc->n_docs)
		return n;
	k = doc_key(t->doc_type.p, t->doc_type.len, t->doc_country.p, t->doc_country.len, t->doc_number.p,
		    t->doc_number.len);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (sc->docs[mid].key < k)
			lo = mid + 1;
		else
			hi = mid;
	}
	screen_doc_norm(t->doc_number.p, t->doc_number.len, tn, sizeof(tn));
	for (; lo < sc->n_docs && sc->docs[lo].key == k; lo++) {
		const struct wl_entry *e = &sc->set->e[sc->docs[lo].v];
		struct screen_hit h;

		screen_doc_norm(e->doc_number, strlen(e->doc_number), en, sizeof(en));
		if (strcmp(tn, en) || !field_is(&t->doc_type, e->doc_type) || !field_is(&t->doc_country, e->doc_country))
			continue;  /* a hash collision */
		if (e->kind == WL_BAN && !t->entry)
			continue;
		h.kind = e->kind == WL_BAN ? SCREEN_BAN : SCREEN_DOCUMENT;
		h.entry = e;
		h.score = 1.0;
		snprintf(h.reasons, sizeof(h.reasons), "document: same type, country and number");
		n = add_hit(hits, n, max, &h);
	}
	return n;
}

size_t screen_lists(const struct screener *sc, const struct screen_traveller *t, double threshold,
		    struct screen_hit *hits, size_t max)
{
	struct word tw[MAX_TOK];
	char sur[512];
	size_t nt, ns = 0, i, j, n = 0, nc;
	uint32_t *cand;
	struct memo memo;
	int32_t tb = traveller_birth(&t->birth);
	struct gather g;

	if (max == 0)
		return 0;
	g.tb = tb;
	g.threshold = threshold;
	g.cand = g.local;
	g.nc = 0;
	g.cap = sizeof(g.local) / sizeof(g.local[0]);
	g.nk = 0;
	n = screen_documents(sc, t, hits, 0, max);
	if (t->surname1.len + t->surname2.len + 2 < sizeof(sur)) {
		memcpy(sur, t->surname1.p, t->surname1.len);
		ns = t->surname1.len;
		if (t->surname2.len) {
			sur[ns++] = ' ';
			memcpy(sur + ns, t->surname2.p, t->surname2.len);
			ns += t->surname2.len;
		}
	}
	nt = add_words(sur, ns, 1, tw, 0, MAX_TOK);
	nt = add_words(t->given.p, t->given.len, 0, tw, nt, MAX_TOK);
	if (!nt || !sc->n_keys)
		return n;
	/*
	 * Candidates: the names sharing two word skeletons and born within a
	 * year (or with no birth date listed; every year when the traveller's
	 * is unknown), and those sharing one word and the birth date.
	 */
	{
		uint64_t keys[MAX_TOK * (MAX_TOK - 1) / 2 + 1];
		size_t nk = 0, y;
		int ty = tb / 10000;

		for (i = 0; i < nt; i++)
			for (j = i + 1; j < nt; j++)
				keys[nk++] = pair_key(tw[i].skel, tw[j].skel);
		if (nt == 1)
			keys[nk++] = pair_key(tw[0].skel, 0);
		for (i = 0; i < nk; i++) {
			collect(sc, keys[i], &g);
			if (tb) {
				for (y = (size_t)ty - 1; y <= (size_t)ty + 1; y++)
					collect(sc, with_year(keys[i], (int)y), &g);
			} else {
				for (y = 1900; y <= 2100; y++)
					collect(sc, with_year(keys[i], (int)y), &g);
			}
		}
		if (tb)
			for (i = 0; i < nt; i++) {
				int32_t swapped = ty * 10000 + (tb % 100) * 100 + tb / 100 % 100;

				collect(sc, date_key(tw[i].skel, tb), &g);
				collect(sc, date_key(tw[i].skel, ty * 10000), &g);
				if (swapped != tb && tb % 100 <= 12)
					collect(sc, date_key(tw[i].skel, swapped), &g);
			}
		collect_batch(sc, g.keys, g.nk, &g);
	}
	cand = g.cand;
	nc = g.nc;
	if (nc)
		qsort(cand, nc, sizeof(*cand), cmp_u32);
	if (nc)
		memset(memo.tok, 0, sizeof(memo.tok));
	for (i = 0; i < nc; i++) {
		const struct sname *sn;
		const struct wl_entry *e;
		struct name_score ns_;
		struct screen_hit h;
		const char *bwhy;
		double s, badj, nat = 0.0;

		if (i % BATCH == 0)
			prefetch_candidates(sc, cand + i, nc - i < BATCH ? nc - i : BATCH);
		if (i > 0 && cand[i] == cand[i - 1])
			continue;
		sn = &sc->names[cand[i]];
		if (sn->ban && !t->entry)
			continue;
		badj = birth_adjust(tb, sn->birth, &bwhy);
		if (t->nationality.len && sn->nat_len)
			nat = (sn->nat_len <= 3 ? t->nationality.len == sn->nat_len && !memcmp(t->nationality.p, sn->nat, sn->nat_len)
						: field_is(&t->nationality, sc->set->e[sn->entry].nationality)) ? 0.05 : -0.10;
		/* a name scores at most 1: a candidate that cannot reach the threshold is not scored */
		if (1.0 + badj + nat < threshold)
			continue;
		score_name(sc, sn, tw, nt, &memo, &ns_);
		if (ns_.matched < 2 && !(ns_.matched == 1 && (nt == 1 || sn->n_tok == 1)))
			continue;
		s = ns_.score + badj;
		s += nat;
		if (s < threshold)
			continue;
		e = &sc->set->e[sn->entry];
		h.kind = e->kind == WL_BAN ? SCREEN_BAN : SCREEN_NAME;
		h.entry = e;
		h.score = s > 1.0 ? 1.0 : s;
		snprintf(h.reasons, sizeof(h.reasons), "%s: %d of %zu words agree (%d exact, %d close) with %u;%s%s%s",
			 sn->alias ? "alias" : "name", ns_.matched, (size_t)sn->n_tok, ns_.exact, ns_.fuzzy,
			 (unsigned)nt, bwhy[0] ? " " : "", bwhy,
			 nat > 0 ? "; nationality: same" : nat < 0 ? "; nationality: differs" : "");
		n = add_hit(hits, n, max, &h);
	}
	if (cand != g.local)
		free(cand);
	return n;
}

int screen_minor(long birth, long event_day, int entry, size_t permit_len, int used_before,
		 struct screen_hit *hit)
{
	int by, bm, bd, y, m, d, age;

	if (entry || birth == DATE_INVALID || event_day == DATE_INVALID)
		return 0;
	date_to_civil(birth, &by, &bm, &bd);
	date_to_civil(event_day, &y, &m, &d);
	age = y - by - (m < bm || (m == bm && d < bd));
	if (age >= 18 || (permit_len && !used_before))
		return 0;
	memset(hit, 0, sizeof(*hit));
	hit->kind = SCREEN_MINOR;
	hit->score = 1.0;
	snprintf(hit->reasons, sizeof(hit->reasons), permit_len
		 ? "a minor (%d) leaving with a travel permit already used for another trip"
		 : "a minor (%d) leaving without a travel permit", age);
	return 1;
}

int screen_overstay(long entry_day, int stay, long exit_day, struct screen_hit *hit)
{
	long days = exit_day - entry_day;

	if (stay <= 0 || days <= stay)
		return 0;
	memset(hit, 0, sizeof(*hit));
	hit->kind = SCREEN_OVERSTAY;
	hit->score = 1.0;
	snprintf(hit->reasons, sizeof(hit->reasons), "left after %ld days; the stay permitted at entry was %d",
		 days, stay);
	return 1;
}
