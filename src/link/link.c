/*
 * link.c: link stage. Records are reduced to their distinct identities
 * (the same person fields written the same way), so a commuter's two
 * hundred crossings are compared once. Then: blocking rules give candidate
 * pairs (link_block.c: visited block by block, never all held), each pair
 * gets a comparison vector, kept in a scratch file, u comes from random record
 * pairs, m from EM run separately on each blocking rule's pairs (the
 * fields a rule blocks on are left out of its EM: they always agree
 * there), and clustering merges the most probable pairs first, refusing a
 * merge when the clusters hold conflicting identifiers (sex, birth dates,
 * documents of the same kind). Written by hand: it is the core of pasos
 * and must be fast on a whole country's registers.
 * SPDX-License-Identifier: MIT
 */
#include "link.h"
#include "link_int.h"
#include "mem.h"
#include "names.h"
#include "scratch.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NAME_MAX_BYTES 96

enum comparison { C_SUR, C_GIV, C_BIRTH, C_SEX, C_NAT, C_DOC, C_EXTRA };

static const char *comparison_names[LINK_MAX_COMPARISONS] = {
	"surnames", "given names", "birth date", "sex", "nationality", "document number",
	"extra 1", "extra 2", "extra 3", "extra 4", "extra 5", "extra 6"
};
static const int n_levels_of[LINK_MAX_COMPARISONS] = { 5, 4, 5, 2, 2, 3, 3, 3, 3, 3, 3, 3 };
static const char *level_names[LINK_MAX_COMPARISONS][MAX_LEVELS] = {
	{ "different", "similar (Jaro-Winkler >= 0.9)", "first equal, second differs (or similar first, second equal)",
	  "first equal and other missing, or swapped", "both surnames equal" },
	{ "different", "similar (Jaro-Winkler >= 0.88)", "first name equal or shortened", "equal" },
	{ "different", "same year or two edits", "one digit off", "day and month swapped", "equal" },
	{ "different", "equal" }, { "different", "equal" },
	{ "different", "one edit apart", "equal" },
	{ "different", "similar", "equal" }, { "different", "similar", "equal" },
	{ "different", "similar", "equal" }, { "different", "similar", "equal" },
	{ "different", "similar", "equal" }, { "different", "similar", "equal" },
};

/* ==== Interned strings ==== */

static uint64_t hash_bytes(const void *p, size_t n, uint64_t h)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= s[i];
		h *= 0x100000001b3ULL;
	}
	return h ^ (h >> 29);
}


static void pool_grow_tbl(struct pool *pl)
{
	size_t cap = pl->tbl_cap ? pl->tbl_cap * 2 : 1024, i;
	uint32_t *t = xcalloc(cap, sizeof(*t));

	for (i = 1; i < pl->n; i++) {
		uint64_t h = hash_bytes(link_pool_str(pl, (uint32_t)i), pl->slen[i], 0xcbf29ce484222325ULL);
		size_t k = h & (cap - 1);

		while (t[k])
			k = (k + 1) & (cap - 1);
		t[k] = (uint32_t)i;
	}
	free(pl->tbl);
	pl->tbl = t;
	pl->tbl_cap = cap;
}

uint32_t link_intern(struct pool *pl, const char *s, size_t n)
{
	uint64_t h;
	size_t k;

	if (n == 0)
		return 0;
	if (pl->n == 0) {
		pl->n_cap = 1024;
		pl->off = xcalloc(pl->n_cap, sizeof(*pl->off));
		pl->slen = xcalloc(pl->n_cap, sizeof(*pl->slen));
		pl->tf_sur = xcalloc(pl->n_cap, sizeof(*pl->tf_sur));
		pl->tf_giv = xcalloc(pl->n_cap, sizeof(*pl->tf_giv));
		pl->cap = 1 << 16;
		pl->p = xmalloc(pl->cap);
		pl->p[0] = '\0';
		pl->len = 1;
		pl->n = 1;
	}
	if (pl->n * 2 >= pl->tbl_cap)
		pool_grow_tbl(pl);
	h = hash_bytes(s, n, 0xcbf29ce484222325ULL);
	for (k = h & (pl->tbl_cap - 1); pl->tbl[k]; k = (k + 1) & (pl->tbl_cap - 1)) {
		uint32_t id = pl->tbl[k];

		if (pl->slen[id] == n && memcmp(link_pool_str(pl, id), s, n) == 0)
			return id;
	}
	if (pl->n == pl->n_cap) {
		pl->n_cap *= 2;
		pl->off = xrealloc(pl->off, st_mult(pl->n_cap, sizeof(*pl->off)));
		pl->slen = xrealloc(pl->slen, st_mult(pl->n_cap, sizeof(*pl->slen)));
		pl->tf_sur = xrealloc(pl->tf_sur, st_mult(pl->n_cap, sizeof(*pl->tf_sur)));
		pl->tf_giv = xrealloc(pl->tf_giv, st_mult(pl->n_cap, sizeof(*pl->tf_giv)));
	}
	while (pl->len + n + 1 > pl->cap) {
		pl->cap *= 2;
		pl->p = xrealloc(pl->p, pl->cap);
	}
	memcpy(pl->p + pl->len, s, n);
	pl->p[pl->len + n] = '\0';
	pl->off[pl->n] = (uint32_t)pl->len;
	pl->slen[pl->n] = (uint32_t)n;
	pl->tf_sur[pl->n] = pl->tf_giv[pl->n] = 0;
	pl->len += n + 1;
	pl->tbl[k] = (uint32_t)pl->n;
	return (uint32_t)pl->n++;
}

void link_pool_release(struct pool *pl)
{
	free(pl->p);
	free(pl->off);
	free(pl->slen);
	free(pl->tf_sur);
	free(pl->tf_giv);
	free(pl->tbl);
}

/* ==== Identities ==== */



struct cinfo {           /* what a cluster holds, for merge constraints */
	int32_t birth[4];
	uint32_t doc[4], dockind[4];
	uint8_t nb, nd;
	char sex;
	char pad;
};


void link_opts_init(struct link_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->threshold = 0.999;
	o->em_iterations = 25;
	o->u_samples = 400000;
	o->seed = 1;
	o->max_block = 2000;
}

struct linker *link_new(const struct link_opts *o)
{
	struct linker *lk = xcalloc(1, sizeof(*lk));

	lk->o = *o;
	return lk;
}

void link_free(struct linker *lk)
{
	int r;

	if (!lk)
		return;
	link_pool_release(&lk->names);
	free(lk->rec_sig);
	free(lk->rec_src);
	free(lk->rec_id_off);
	free(lk->ids);
	free(lk->sig);
	free(lk->sig_n);
	free(lk->sig_first);
	free(lk->sig_tbl);
	free(lk->cands);
	free(lk->keys);
	for (r = 0; r < LINK_N_RULES; r++)
		free(lk->block_ent[r]);
	for (r = 0; r < (int)lk->n_cand_files; r++)
		fclose(lk->cand_file[r]);
	free(lk->parent);
	free(lk->person);
	free(lk->id_tbl);
	free(lk);
}

void link_set_progress(struct linker *lk, void (*fn)(void *ctx, uint64_t done, uint64_t total),
		       void *ctx)
{
	lk->o.progress = fn;
	lk->o.progress_ctx = ctx;
}

size_t link_count(const struct linker *lk)
{
	return lk->n_rec;
}

static uint32_t norm_intern(struct linker *lk, const struct csv_field *f)
{
	char buf[NAME_MAX_BYTES];
	size_t n = names_normalize(f->p, f->len, buf, sizeof(buf));

	return link_intern(&lk->names, buf, n);
}

static uint32_t phon_intern(struct linker *lk, uint32_t id)
{
	char buf[NAME_MAX_BYTES];
	size_t n;

	if (!id)
		return 0;
	n = names_phonetic(link_pool_str(&lk->names, id), buf, sizeof(buf));
	return link_intern(&lk->names, buf, n);
}

/* Digits of a birth date written YYYY-MM-DD or YYYYMMDD, as YYYYMMDD; 0 if unreadable. */
static int32_t parse_birth(const struct csv_field *f)
{
	int32_t v = 0;
	size_t i, nd = 0;

	for (i = 0; i < f->len; i++) {
		char c = f->p[i];

		if (c >= '0' && c <= '9') {
			v = v * 10 + (c - '0');
			nd++;
		} else if (c != '-' && c != ' ' && c != '/') {
			return 0;
		}
	}
	return nd == 8 ? v : 0;
}

/* Trim spaces (FEBRL separates fields with ", "). */
static struct csv_field trim(struct csv_field f)
{
	while (f.len && (f.p[0] == ' ' || f.p[0] == '\t')) {
		f.p++;
		f.len--;
	}
	while (f.len && (f.p[f.len - 1] == ' ' || f.p[f.len - 1] == '\t'))
		f.len--;
	return f;
}

static uint32_t upper_intern(struct linker *lk, struct csv_field f)
{
	char buf[64];
	size_t i, n = 0;

	f = trim(f);
	for (i = 0; i < f.len && n < sizeof(buf); i++) {
		char c = f.p[i];

		if (c >= 'a' && c <= 'z')
			c = (char)(c - 32);
		if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
			buf[n++] = c;
	}
	return link_intern(&lk->names, buf, n);
}

static uint32_t sig_find_or_add(struct linker *lk, const struct sig *s)
{
	uint64_t h;
	size_t k, i;

	if (lk->n_sig * 2 >= lk->sig_tbl_cap) {
		size_t cap = lk->sig_tbl_cap ? lk->sig_tbl_cap * 2 : 4096;
		uint32_t *t = xcalloc(cap, sizeof(*t));

		for (i = 0; i < lk->n_sig; i++) {
			k = hash_bytes(&lk->sig[i], sizeof(*s), 7) & (cap - 1);
			while (t[k])
				k = (k + 1) & (cap - 1);
			t[k] = (uint32_t)i + 1;
		}
		free(lk->sig_tbl);
		lk->sig_tbl = t;
		lk->sig_tbl_cap = cap;
	}
	h = hash_bytes(s, sizeof(*s), 7);
	for (k = h & (lk->sig_tbl_cap - 1); lk->sig_tbl[k]; k = (k + 1) & (lk->sig_tbl_cap - 1))
		if (memcmp(&lk->sig[lk->sig_tbl[k] - 1], s, sizeof(*s)) == 0)
			return lk->sig_tbl[k] - 1;
	if (lk->n_sig == lk->sig_cap) {
		lk->sig_cap = lk->sig_cap ? lk->sig_cap * 2 : 4096;
		lk->sig = xrealloc(lk->sig, st_mult(lk->sig_cap, sizeof(*lk->sig)));
		lk->sig_n = xrealloc(lk->sig_n, st_mult(lk->sig_cap, sizeof(*lk->sig_n)));
		lk->sig_first = xrealloc(lk->sig_first, st_mult(lk->sig_cap, sizeof(*lk->sig_first)));
	}
	lk->sig[lk->n_sig] = *s;
	lk->sig_n[lk->n_sig] = 0;
	lk->sig_first[lk->n_sig] = (uint32_t)lk->n_rec;
	lk->sig_tbl[k] = (uint32_t)lk->n_sig + 1;
	return (uint32_t)lk->n_sig++;
}

size_t link_add(struct linker *lk, int source, const char *id, size_t id_len,
		const struct link_view *v)
{
	struct sig s;
	struct csv_field sx;
	size_t i, n_id;
	uint32_t k;
	const char *sp;

	memset(&s, 0, sizeof(s));
	s.s1 = norm_intern(lk, &v->surname1);
	s.s2 = norm_intern(lk, &v->surname2);
	if (!s.s1 && s.s2) {
		s.s1 = s.s2;
		s.s2 = 0;
	}
	/* "Quispe Mamani" in one field: split into the two surnames */
	if (s.s1 && !s.s2 && (sp = strchr(link_pool_str(&lk->names, s.s1), ' ')) != NULL) {
		const char *full = link_pool_str(&lk->names, s.s1);
		size_t l1 = (size_t)(sp - full);

		if (!strchr(sp + 1, ' ')) {
			char a[NAME_MAX_BYTES], b[NAME_MAX_BYTES];

			memcpy(a, full, l1);
			a[l1] = '\0';
			snprintf(b, sizeof(b), "%s", sp + 1);
			s.s1 = link_intern(&lk->names, a, l1);
			s.s2 = link_intern(&lk->names, b, strlen(b));
		}
	}
	s.g = norm_intern(lk, &v->given);
	if (s.g) {
		const char *g = link_pool_str(&lk->names, s.g), *space = strchr(g, ' ');

		s.g1 = space ? link_intern(&lk->names, g, (size_t)(space - g)) : s.g;
	}
	s.ph_s1 = phon_intern(lk, s.s1);
	s.ph_s2 = phon_intern(lk, s.s2);
	s.ph_g1 = phon_intern(lk, s.g1);
	s.birth = parse_birth(&v->birth);
	sx = trim(v->sex);
	s.sex = sx.len == 1 && (sx.p[0] == 'F' || sx.p[0] == 'M' || sx.p[0] == 'f' || sx.p[0] == 'm')
		? (char)(sx.p[0] & ~32) : 0;
	s.nat = upper_intern(lk, v->nationality);
	s.doc = upper_intern(lk, v->doc_number);
	s.doct = upper_intern(lk, v->doc_type);
	s.docc = upper_intern(lk, v->doc_country);
	for (i = 0; i < v->n_extra && i < LINK_MAX_EXTRA; i++)
		s.extra[i] = norm_intern(lk, &v->extra[i]);
	if (v->n_extra > lk->n_extra)
		lk->n_extra = v->n_extra < LINK_MAX_EXTRA ? v->n_extra : LINK_MAX_EXTRA;
	{
		int any = s.s1 || s.g || s.birth || s.doc;

		for (i = 0; i < LINK_MAX_EXTRA; i++)
			any |= s.extra[i] != 0;
		if (!any)
			s.solo = (uint32_t)lk->n_rec + 1;  /* nothing to say who it is: alone */
	}
	if (lk->n_rec == lk->rec_cap) {
		lk->rec_cap = lk->rec_cap ? lk->rec_cap * 2 : 4096;
		lk->rec_sig = xrealloc(lk->rec_sig, st_mult(lk->rec_cap, sizeof(*lk->rec_sig)));
		lk->rec_src = xrealloc(lk->rec_src, lk->rec_cap);
		lk->rec_id_off = xrealloc(lk->rec_id_off, st_mult(lk->rec_cap, sizeof(*lk->rec_id_off)));
	}
	k = sig_find_or_add(lk, &s);
	lk->sig_n[k]++;
	if (s.s1)
		lk->names.tf_sur[s.s1]++;
	if (s.s2)
		lk->names.tf_sur[s.s2]++;
	lk->sur_total += (s.s1 != 0) + (s.s2 != 0);
	if (s.g1) {
		lk->names.tf_giv[s.g1]++;
		lk->giv_total++;
	}
	n_id = id_len;
	while (lk->ids_len + n_id + 1 > lk->ids_cap) {
		lk->ids_cap = lk->ids_cap ? lk->ids_cap * 2 : 1 << 16;
		lk->ids = xrealloc(lk->ids, lk->ids_cap);
	}
	memcpy(lk->ids + lk->ids_len, id, n_id);
	lk->ids[lk->ids_len + n_id] = '\0';
	lk->rec_id_off[lk->n_rec] = lk->ids_len;
	lk->ids_len += n_id + 1;
	lk->rec_sig[lk->n_rec] = k;
	lk->rec_src[lk->n_rec] = (uint8_t)source;
	return lk->n_rec++;
}

const char *link_record_id(const struct linker *lk, size_t i, int *source)
{
	if (source)
		*source = lk->rec_src[i];
	return lk->ids + lk->rec_id_off[i];
}

uint32_t link_person(const struct linker *lk, size_t i)
{
	return lk->person ? lk->person[i] : 0;
}

long link_find(const struct linker *lk, int source, const char *id)
{
	struct linker *w = (struct linker *)lk;  /* the lookup table is a cache */
	size_t k, i;
	uint64_t h;

	if (!w->id_tbl) {
		w->id_tbl_cap = 1024;
		while (w->id_tbl_cap < lk->n_rec * 2)
			w->id_tbl_cap *= 2;
		w->id_tbl = xcalloc(w->id_tbl_cap, sizeof(*w->id_tbl));
		for (i = 0; i < lk->n_rec; i++) {
			const char *s = lk->ids + lk->rec_id_off[i];

			h = hash_bytes(s, strlen(s), lk->rec_src[i]);
			for (k = h & (w->id_tbl_cap - 1); w->id_tbl[k]; k = (k + 1) & (w->id_tbl_cap - 1))
				;
			w->id_tbl[k] = (uint32_t)i + 1;
		}
	}
	h = hash_bytes(id, strlen(id), (uint64_t)source);
	for (k = h & (w->id_tbl_cap - 1); w->id_tbl[k]; k = (k + 1) & (w->id_tbl_cap - 1)) {
		i = w->id_tbl[k] - 1;
		if (lk->rec_src[i] == source && strcmp(lk->ids + lk->rec_id_off[i], id) == 0)
			return (long)i;
	}
	return -1;
}

void link_view_fields(const struct schema *s, int idx[9 + LINK_MAX_EXTRA], size_t *n_extra)
{
	size_t i;
	int k, n_sur = 0;

	for (k = 0; k < 9 + LINK_MAX_EXTRA; k++)
		idx[k] = -1;
	*n_extra = 0;
	for (i = 0; i < s->n_fields; i++) {
		unsigned r = s->fields[i].roles;

		if ((r & ROLE_SURNAME) && n_sur < 2)
			idx[n_sur++] = (int)i;
		if ((r & ROLE_GIVEN_NAMES) && idx[2] < 0) idx[2] = (int)i;
		if ((r & ROLE_BIRTH_DATE) && idx[3] < 0) idx[3] = (int)i;
		if ((r & ROLE_SEX) && idx[4] < 0) idx[4] = (int)i;
		if ((r & ROLE_NATIONALITY) && idx[5] < 0) idx[5] = (int)i;
		if ((r & ROLE_DOCUMENT_TYPE) && idx[6] < 0) idx[6] = (int)i;
		if ((r & ROLE_DOCUMENT_NUMBER) && idx[7] < 0) idx[7] = (int)i;
		if ((r & ROLE_DOCUMENT_COUNTRY) && idx[8] < 0) idx[8] = (int)i;
		if ((r & ROLE_COMPARE) && *n_extra < LINK_MAX_EXTRA)
			idx[9 + (*n_extra)++] = (int)i;
	}
}

void link_view_from(struct link_view *v, const struct csv_field *vals, const int *idx,
		    size_t n_extra)
{
	static const struct csv_field none = { "", 0 };
	size_t i;

	memset(v, 0, sizeof(*v));
#define PICK(k) (idx[k] >= 0 ? trim(vals[idx[k]]) : none)
	v->surname1 = PICK(0);
	v->surname2 = PICK(1);
	v->given = PICK(2);
	v->birth = PICK(3);
	v->sex = PICK(4);
	v->nationality = PICK(5);
	v->doc_type = PICK(6);
	v->doc_number = PICK(7);
	v->doc_country = PICK(8);
	for (i = 0; i < n_extra; i++)
		v->extra[i] = PICK(9 + i);
	v->n_extra = n_extra;
#undef PICK
}

/* ==== Comparison vectors ==== */

static double jw_ids(const struct linker *lk, uint32_t a, uint32_t b)
{
	return names_jaro_winkler(link_pool_str(&lk->names, a), lk->names.slen[a],
				  link_pool_str(&lk->names, b), lk->names.slen[b]);
}

static int dam_ids(const struct linker *lk, uint32_t a, uint32_t b, int max)
{
	return names_damerau(link_pool_str(&lk->names, a), lk->names.slen[a],
			     link_pool_str(&lk->names, b), lk->names.slen[b], max);
}

static int birth_level(int32_t a, int32_t b)
{
	char x[9], y[9];
	int d;

	if (!a || !b)
		return NULL_LEVEL;
	if (a == b)
		return 4;
	if (a / 10000 == b / 10000 && (a % 100) == (b / 100 % 100) && (a / 100 % 100) == (b % 100))
		return 3;
	snprintf(x, sizeof(x), "%08d", (int)a);
	snprintf(y, sizeof(y), "%08d", (int)b);
	d = names_damerau(x, 8, y, 8, 2);
	if (d <= 1)
		return 2;
	if (d == 2 || a / 10000 == b / 10000)
		return 1;
	return 0;
}

/* Is the shorter given name the start (in words) of the longer? "maria" in "maria luisa". */
static int word_prefix(const char *a, size_t la, const char *b, size_t lb)
{
	if (la > lb) {
		const char *t = a;
		size_t tl = la;

		a = b; la = lb; b = t; lb = tl;
	}
	return la > 0 && memcmp(a, b, la) == 0 && (la == lb || b[la] == ' ');
}

void link_compare(const struct linker *lk, const struct sig *a, const struct sig *b, uint8_t *g)
{
	size_t k;

	/* surnames, paternal and maternal, either missing or swapped */
	if (!a->s1 || !b->s1)
		g[C_SUR] = NULL_LEVEL;
	else if (a->s1 == b->s1 && a->s2 && a->s2 == b->s2)
		g[C_SUR] = 4;
	else if ((a->s1 == b->s1 && (!a->s2 || !b->s2)) ||
		 (a->s2 && b->s2 && a->s1 == b->s2 && a->s2 == b->s1) ||
		 (!a->s2 && b->s2 && a->s1 == b->s2) || (!b->s2 && a->s2 && b->s1 == a->s2))
		g[C_SUR] = 3;
	else if (a->s1 == b->s1 || (a->s2 && a->s2 == b->s2 && jw_ids(lk, a->s1, b->s1) >= 0.9))
		g[C_SUR] = 2;
	else if (jw_ids(lk, a->s1, b->s1) >= 0.9 && (!a->s2 || !b->s2 || jw_ids(lk, a->s2, b->s2) >= 0.9))
		g[C_SUR] = 1;
	else
		g[C_SUR] = 0;  /* a surname shared across positions alone says little */
	/* given names: compound, shortened */
	if (!a->g || !b->g)
		g[C_GIV] = NULL_LEVEL;
	else if (a->g == b->g)
		g[C_GIV] = 3;
	else if (a->g1 == b->g1 || word_prefix(link_pool_str(&lk->names, a->g), lk->names.slen[a->g],
					      link_pool_str(&lk->names, b->g), lk->names.slen[b->g]))
		g[C_GIV] = 2;
	else if (jw_ids(lk, a->g, b->g) >= 0.88 || jw_ids(lk, a->g1, b->g1) >= 0.9)
		g[C_GIV] = 1;
	else
		g[C_GIV] = 0;
	g[C_BIRTH] = (uint8_t)birth_level(a->birth, b->birth);
	g[C_SEX] = !a->sex || !b->sex ? NULL_LEVEL : a->sex == b->sex;
	g[C_NAT] = !a->nat || !b->nat ? NULL_LEVEL : a->nat == b->nat;
	if (!a->doc || !b->doc || (a->doct && b->doct && a->doct != b->doct) ||
	    (a->docc && b->docc && a->docc != b->docc))
		g[C_DOC] = NULL_LEVEL;
	else if (a->doc == b->doc)
		g[C_DOC] = 2;
	else
		g[C_DOC] = dam_ids(lk, a->doc, b->doc, 1) <= 1;
	for (k = 0; k < lk->n_extra; k++) {
		uint32_t x = a->extra[k], y = b->extra[k];

		if (!x || !y)
			g[C_EXTRA + k] = NULL_LEVEL;
		else if (x == y)
			g[C_EXTRA + k] = 2;
		else
			g[C_EXTRA + k] = lk->names.slen[x] <= 5 || lk->names.slen[y] <= 5
				? dam_ids(lk, x, y, 1) <= 1 : jw_ids(lk, x, y) >= 0.9;
	}
}

size_t link_n_comparisons(const struct linker *lk)
{
	return C_EXTRA + lk->n_extra;
}

static uint64_t pack(const uint8_t *g, size_t n)
{
	uint64_t v = 0;
	size_t k;

	for (k = 0; k < n; k++)
		v |= (uint64_t)g[k] << (4 * k);
	return v;
}

static void unpack(uint64_t v, uint8_t *g, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++)
		g[k] = (uint8_t)((v >> (4 * k)) & 15);
}

/* ==== Candidate pairs (blocking is in link_block.c) ==== */

/* Comparisons each rule blocks on, in the order of link_block.c's rules: left out of that rule's EM. */
static const unsigned rule_fields[LINK_N_RULES] = {
	1u << C_DOC, 1u << C_BIRTH, (1u << C_SUR) | (1u << C_GIV), (1u << C_GIV) | (1u << C_BIRTH),
	1u << C_BIRTH, (1u << C_SUR) | (1u << C_BIRTH), (1u << C_EXTRA) | (1u << (C_EXTRA + 1))
};

static int cmp_cand(const void *x, const void *y)
{
	const struct cand *a = x, *b = y;

	if (a->a != b->a)
		return a->a < b->a ? -1 : 1;
	return a->b < b->b ? -1 : a->b > b->b;
}

/*
 * The candidates, once compared, go to an unlinked temporary file (16
 * bytes each: the two identities, the comparison levels and the rules),
 * read back for scoring and evaluation instead of compared again.
 */
struct cand_rec {
	uint32_t a, b;
	uint64_t g;   /* comparison levels, 4 bits each (48 bits at most); the rules from bit 56 */
};

#define CAND_RULES_SHIFT 56

/* ==== Model: u from random pairs, m by EM per blocking rule ==== */

static uint64_t rnd64(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

#define FLOOR 1e-6

static void estimate_u(struct linker *lk)
{
	size_t nc = link_n_comparisons(lk), k, t;
	double cnt[LINK_MAX_COMPARISONS][MAX_LEVELS] = { { 0 } }, tot[LINK_MAX_COMPARISONS] = { 0 };
	uint64_t s = lk->o.seed * 0x2545F4914F6CDD1DULL + 17;
	uint8_t g[LINK_MAX_COMPARISONS];
	int l;

	for (t = 0; t < lk->o.u_samples; t++) {
		size_t i = rnd64(&s) % lk->n_rec, j = rnd64(&s) % lk->n_rec;

		if (lk->rec_sig[i] == lk->rec_sig[j])
			continue;
		link_compare(lk, &lk->sig[lk->rec_sig[i]], &lk->sig[lk->rec_sig[j]], g);
		for (k = 0; k < nc; k++)
			if (g[k] != NULL_LEVEL) {
				cnt[k][g[k]]++;
				tot[k]++;
			}
	}
	for (k = 0; k < nc; k++)
		for (l = 0; l < n_levels_of[k]; l++) {
			double u = tot[k] > 0 ? cnt[k][l] / tot[k] : 1.0 / n_levels_of[k];

			/* an agreement never seen among random pairs is still possible */
			if (u < 1.0 / (tot[k] + 1.0))
				u = 1.0 / (tot[k] + 1.0);
			lk->u[k][l] = u < FLOOR ? FLOOR : u;
		}
}

struct pattern {
	uint64_t g;
	double n;
};

static int cmp_pattern(const void *x, const void *y)
{
	const struct pattern *a = x, *b = y;

	return a->g < b->g ? -1 : a->g > b->g;
}

/*
 * Distinct comparison vectors with their counts, added up as candidates
 * come (open addressing on g; there are a few thousand at most), then
 * sorted by g for EM.
 */
struct ptable {
	struct pattern *p;
	size_t n, cap;
};

#define EMPTY_PATTERN UINT64_MAX

static void ptable_add(struct ptable *t, uint64_t g, double n)
{
	size_t i;

	if (2 * (t->n + 1) > t->cap) {
		struct ptable old = *t;

		t->cap = t->cap ? t->cap * 2 : 1024;
		t->p = xmalloc(st_mult(t->cap, sizeof(*t->p)));
		t->n = 0;
		for (i = 0; i < t->cap; i++)
			t->p[i].g = EMPTY_PATTERN;
		for (i = 0; i < old.cap; i++)
			if (old.p[i].g != EMPTY_PATTERN)
				ptable_add(t, old.p[i].g, old.p[i].n);
		free(old.p);
	}
	for (i = (size_t)((g * 0x9E3779B97F4A7C15ULL) >> 32 & (t->cap - 1)); t->p[i].g != EMPTY_PATTERN && t->p[i].g != g;
	     i = (i + 1) & (t->cap - 1))
		;
	if (t->p[i].g == EMPTY_PATTERN) {
		t->p[i].g = g;
		t->p[i].n = 0;
		t->n++;
	}
	t->p[i].n += n;
}

/* The patterns in g order (the table is emptied into the array it returns). */
static struct pattern *ptable_sorted(struct ptable *t, size_t *n_out)
{
	size_t i, w = 0;

	for (i = 0; i < t->cap; i++)
		if (t->p[i].g != EMPTY_PATTERN)
			t->p[w++] = t->p[i];
	if (w)
		qsort(t->p, w, sizeof(*t->p), cmp_pattern);
	*n_out = w;
	return t->p;
}

static void init_m(double m[LINK_MAX_COMPARISONS][MAX_LEVELS], size_t nc)
{
	size_t k;
	int l;

	for (k = 0; k < nc; k++) {
		int nl = n_levels_of[k];
		double rest = 0.1 / (nl - 1);

		for (l = 0; l < nl; l++)
			m[k][l] = l == nl - 1 ? 0.9 : rest;
	}
}

/*
 * EM over patterns (Fellegi-Sunter with conditional independence), u fixed.
 * Comparisons in skip are left out; update_m 0 estimates lambda only.
 */
static double em(const struct linker *lk, const struct pattern *p, size_t np, unsigned skip,
		 double m[LINK_MAX_COMPARISONS][MAX_LEVELS], int update_m, double lambda)
{
	size_t nc = link_n_comparisons(lk), i, k;
	unsigned it;
	uint8_t g[LINK_MAX_COMPARISONS];

	for (it = 0; it < lk->o.em_iterations; it++) {
		double acc[LINK_MAX_COMPARISONS][MAX_LEVELS] = { { 0 } }, tot[LINK_MAX_COMPARISONS] = { 0 };
		double sum_p = 0, sum_n = 0;
		int l;

		for (i = 0; i < np; i++) {
			double lm = log(lambda), lu = log(1 - lambda), pm;

			unpack(p[i].g, g, nc);
			for (k = 0; k < nc; k++) {
				if (g[k] == NULL_LEVEL || (skip & (1u << k)))
					continue;
				lm += log(m[k][g[k]]);
				lu += log(lk->u[k][g[k]]);
			}
			pm = 1.0 / (1.0 + exp(lu - lm));
			sum_p += pm * p[i].n;
			sum_n += p[i].n;
			for (k = 0; k < nc; k++)
				if (g[k] != NULL_LEVEL) {
					acc[k][g[k]] += pm * p[i].n;
					tot[k] += pm * p[i].n;
				}
		}
		if (sum_n <= 0)
			break;
		lambda = sum_p / sum_n;
		if (lambda < 1e-9)
			lambda = 1e-9;
		if (lambda > 1 - 1e-9)
			lambda = 1 - 1e-9;
		if (!update_m)
			continue;
		for (k = 0; k < nc; k++) {
			if ((skip & (1u << k)) || tot[k] <= 0)
				continue;
			for (l = 0; l < n_levels_of[k]; l++) {
				double v = acc[k][l] / tot[k];

				m[k][l] = v < FLOOR ? FLOOR : v;
			}
		}
	}
	return lambda;
}

/*
 * Anchors: candidate pairs that agree so strongly on other fields that
 * they are nearly all the same person. A_DOC: the same document (type,
 * country, number). A_NAMEBIRTH: surnames, given names and birth date all
 * equal. The m of a comparison is measured on the anchors that do not use
 * it; EM per blocking rule stands in where anchors are too few. EM alone
 * drifts on registers where common names (Mamani, Quispe) fill whole
 * blocks with non-matches, and takes them for the matching class.
 */
#define MIN_ANCHORS 30

/*
 * The anchor set for comparison k: pairs with the same document that also
 * agree strongly on another field than k (a shared document number alone
 * can be a collision between two people); for the document itself, pairs
 * equal on names and birth date. fallback: the same document alone.
 */
static int is_anchor(size_t k, int fallback, const uint8_t *g)
{
	int doc = g[C_DOC] == 2, sur = g[C_SUR] != NULL_LEVEL && g[C_SUR] >= 3;
	int giv = g[C_GIV] != NULL_LEVEL && g[C_GIV] >= 2, birth = g[C_BIRTH] == 4;

	if (k == C_DOC)
		return sur && g[C_GIV] == 3 && birth;
	if (fallback)
		return doc;
	if (k == C_BIRTH)
		return doc && sur && giv;
	if (k == C_SUR || k == C_GIV)
		return doc && birth;
	return doc && birth && sur;
}

/* What the model needs from the candidates, gathered in one pass over them. */
struct model_pass {
	size_t nc;
	struct ptable rule[LINK_N_RULES], all;   /* comparison vectors of each rule's pairs, and of all */
	double acnt[2][LINK_MAX_COMPARISONS][MAX_LEVELS], atot[2][LINK_MAX_COMPARISONS];  /* anchors */
	uint8_t *mark;                      /* identities in an anchor pair, per anchor set */
	uint64_t pairs, rule_pairs[LINK_N_RULES];
	FILE *f;                            /* the candidates, compared */
	int write_failed;
	/* the thread's share of the blocks */
	struct linker *lk;
	unsigned part, parts;
};

/* One candidate: compared, counted for EM and the anchors, and kept in the file. */
static int model_pair(struct linker *lk, uint32_t a, uint32_t b, unsigned mask, void *ctx)
{
	struct model_pass *mp = ctx;
	uint8_t g[LINK_MAX_COMPARISONS];
	/* weighted by record pairs: m is about records, not spellings */
	double w = (double)lk->sig_n[a] * (double)lk->sig_n[b];
	struct cand_rec rec;
	uint64_t gv;
	size_t k;
	int r, an;

	link_compare(lk, &lk->sig[a], &lk->sig[b], g);
	gv = pack(g, mp->nc);
	mp->pairs++;
	for (r = 0; r < LINK_N_RULES; r++)
		if (mask & (1u << r)) {
			ptable_add(&mp->rule[r], gv, 1);  /* identity pairs: frequent travellers must not swamp EM */
			mp->rule_pairs[r]++;
		}
	ptable_add(&mp->all, gv, 1);
	for (an = 0; an < 2; an++)
		for (k = 0; k < mp->nc; k++)
			if (g[k] != NULL_LEVEL && is_anchor(k, an, g)) {
				mp->acnt[an][k][g[k]] += w;
				mp->atot[an][k] += w;
				mp->mark[a] |= (uint8_t)(1u << an);
				mp->mark[b] |= (uint8_t)(1u << an);
			}
	rec.a = a;
	rec.b = b;
	rec.g = gv | (uint64_t)mask << CAND_RULES_SHIFT;
	if (fwrite(&rec, sizeof(rec), 1, mp->f) != 1) {
		mp->write_failed = 1;
		return 1;
	}
	return 0;
}

static void *model_thread(void *arg)
{
	struct model_pass *mp = arg;

	link_each_pair(mp->lk, mp->part, mp->parts, model_pair, mp);
	return NULL;
}

/* Add what thread pass b gathered into a (counts are whole numbers: the sums do not depend on the order). */
static void model_merge(struct model_pass *a, struct model_pass *b, size_t n_sig)
{
	size_t i, k;
	int r, an, l;

	for (r = 0; r < LINK_N_RULES; r++) {
		for (i = 0; i < b->rule[r].cap; i++)
			if (b->rule[r].p[i].g != EMPTY_PATTERN)
				ptable_add(&a->rule[r], b->rule[r].p[i].g, b->rule[r].p[i].n);
		a->rule_pairs[r] += b->rule_pairs[r];
	}
	for (i = 0; i < b->all.cap; i++)
		if (b->all.p[i].g != EMPTY_PATTERN)
			ptable_add(&a->all, b->all.p[i].g, b->all.p[i].n);
	for (an = 0; an < 2; an++)
		for (k = 0; k < LINK_MAX_COMPARISONS; k++) {
			for (l = 0; l < MAX_LEVELS; l++)
				a->acnt[an][k][l] += b->acnt[an][k][l];
			a->atot[an][k] += b->atot[an][k];
		}
	for (i = 0; i < n_sig; i++)
		a->mark[i] |= b->mark[i];
	a->pairs += b->pairs;
	a->write_failed |= b->write_failed;
}

static void model_release(struct model_pass *mp)
{
	int r;

	for (r = 0; r < LINK_N_RULES; r++)
		free(mp->rule[r].p);
	free(mp->all.p);
	free(mp->mark);
}

static void estimate_m(struct linker *lk, struct model_pass *mp)
{
	size_t nc = mp->nc, k, i;
	double sum[LINK_MAX_COMPARISONS][MAX_LEVELS] = { { 0 } };
	int used[LINK_MAX_COMPARISONS] = { 0 }, r, l, a;
	struct pattern *p;
	size_t np;

	for (r = 0; r < LINK_N_RULES; r++) {
		double m[LINK_MAX_COMPARISONS][MAX_LEVELS];

		p = ptable_sorted(&mp->rule[r], &np);
		if (np == 0)
			continue;
		init_m(m, nc);
		em(lk, p, np, rule_fields[r], m, 1, 0.1);
		for (k = 0; k < nc; k++) {
			if (rule_fields[r] & (1u << k))
				continue;
			for (l = 0; l < n_levels_of[k]; l++)
				sum[k][l] += m[k][l];
			used[k]++;
		}
	}
	init_m(lk->m, nc);
	for (k = 0; k < nc; k++)
		if (used[k])
			for (l = 0; l < n_levels_of[k]; l++)
				lk->m[k][l] = sum[k][l] / used[k];
	/*
	 * Anchors override EM where they are enough. The record pairs of an
	 * anchored person that share one identity agree on everything: counted
	 * too, so that m is the chance of a level for two records of one
	 * person, as the model means it.
	 */
	for (i = 0; i < lk->n_sig; i++)
		for (a = 0; a < 2; a++)
			if (mp->mark[i] & (1u << a)) {
				double self = (double)lk->sig_n[i] * (double)(lk->sig_n[i] - 1) / 2;

				for (k = 0; k < nc; k++) {
					mp->acnt[a][k][n_levels_of[k] - 1] += self;
					mp->atot[a][k] += self;
				}
			}
	for (k = 0; k < nc; k++) {
		a = mp->atot[0][k] >= MIN_ANCHORS ? 0 : (k != C_DOC && mp->atot[1][k] >= MIN_ANCHORS) ? 1 : -1;
		if (a < 0)
			continue;
		for (l = 0; l < n_levels_of[k]; l++) {
			/* add-one smoothing: a level never seen among anchors stays possible */
			double v = (mp->acnt[a][k][l] + 0.5) / (mp->atot[a][k] + 0.5 * n_levels_of[k]);

			lk->m[k][l] = v < FLOOR ? FLOOR : v;
		}
	}
	/* the prior over all candidates, with m and u fixed */
	p = ptable_sorted(&mp->all, &np);
	lk->lambda = np ? em(lk, p, np, 0, lk->m, 0, 0.1) : 0.5;
}

/* ==== Scoring ==== */

/* Term-frequency adjustment: agreeing on Mamani says less than on a rare surname. */
static double tf_adjust(const struct linker *lk, const struct sig *a, const struct sig *b,
			const uint8_t *g)
{
	double adj = 0;

	if (g[C_SUR] >= 2 && g[C_SUR] != NULL_LEVEL && lk->sur_total) {
		uint32_t v = a->s1 == b->s1 ? a->s1 : (a->s2 && a->s2 == b->s1) ? a->s2 : (b->s2 && b->s2 == a->s1) ? a->s1 : a->s2;
		double tf = (double)lk->names.tf_sur[v] / (double)lk->sur_total;

		if (tf > 0)
			adj += log2(lk->u[C_SUR][g[C_SUR]] / tf);
	}
	if (g[C_GIV] >= 2 && g[C_GIV] != NULL_LEVEL && lk->giv_total && a->g1 == b->g1) {
		double tf = (double)lk->names.tf_giv[a->g1] / (double)lk->giv_total;

		if (tf > 0)
			adj += log2(lk->u[C_GIV][g[C_GIV]] / tf);
	}
	if (adj > 8)
		adj = 8;
	if (adj < -8)
		adj = -8;
	return adj;
}

static double weight(const struct linker *lk, const uint8_t *g, size_t nc)
{
	double w = log2(lk->lambda / (1 - lk->lambda));
	size_t k;

	for (k = 0; k < nc; k++)
		if (g[k] != NULL_LEVEL)
			w += log2(lk->m[k][g[k]] / lk->u[k][g[k]]);
	return w;
}

double link_probability(double w)
{
	return 1.0 / (1.0 + exp2(-w));
}

/* ==== Clustering ==== */

static uint32_t find(uint32_t *parent, uint32_t x)
{
	while (parent[x] != x) {
		parent[x] = parent[parent[x]];
		x = parent[x];
	}
	return x;
}

static int conflicts(const struct linker *lk, const struct cinfo *a, const struct cinfo *b);

static void cinfo_init(struct cinfo *c, const struct sig *s)
{
	memset(c, 0, sizeof(*c));
	c->sex = s->sex;
	if (s->birth)
		c->birth[c->nb++] = s->birth;
	if (s->doc) {
		c->doc[c->nd] = s->doc;
		c->dockind[c->nd++] = s->doct * 2654435761u ^ s->docc;
	}
}

/*
 * Can two clusters be one person? Not with different sexes, and not with
 * both birth dates and documents in conflict; one conflict alone (a typo in
 * a birth date, another passport) needs a near-certain pair.
 */
static int compatible(const struct linker *lk, const struct cinfo *a, const struct cinfo *b, double p)
{
	int n_conflicts = conflicts(lk, a, b);

	if (n_conflicts < 0)
		return 0;
	return n_conflicts == 0 || (n_conflicts == 1 && p >= 0.99999);
}

/* Conflicting identifiers between two clusters; -1 for different sexes. */
static int conflicts(const struct linker *lk, const struct cinfo *a, const struct cinfo *b)
{
	int i, j, ok, n = 0;

	if (a->sex && b->sex && a->sex != b->sex)
		return -1;
	if (a->nb && b->nb) {
		ok = 0;
		for (i = 0; i < a->nb && !ok; i++)
			for (j = 0; j < b->nb && !ok; j++)
				if (birth_level(a->birth[i], b->birth[j]) >= 2)
					ok = 1;
		n += !ok;
	}
	for (i = 0; i < a->nd; i++) {
		int same_kind = 0;

		ok = 0;
		for (j = 0; j < b->nd; j++)
			if (a->dockind[i] == b->dockind[j]) {
				same_kind = 1;
				if (a->doc[i] == b->doc[j] || dam_ids(lk, a->doc[i], b->doc[j], 1) <= 1)
					ok = 1;
			}
		if (same_kind && !ok) {
			n++;
			break;
		}
	}
	return n;
}

static void cinfo_merge(struct cinfo *a, const struct cinfo *b)
{
	int i, j;

	if (!a->sex)
		a->sex = b->sex;
	for (i = 0; i < b->nb; i++) {
		for (j = 0; j < a->nb && a->birth[j] != b->birth[i]; j++)
			;
		if (j == a->nb && a->nb < 4)
			a->birth[a->nb++] = b->birth[i];
	}
	for (i = 0; i < b->nd; i++) {
		for (j = 0; j < a->nd && !(a->doc[j] == b->doc[i] && a->dockind[j] == b->dockind[i]); j++)
			;
		if (j == a->nd && a->nd < 4) {
			a->doc[a->nd] = b->doc[i];
			a->dockind[a->nd++] = b->dockind[i];
		}
	}
}

/* Join the clusters of roots ra and rb; the smaller root stays, so ids do not depend on order. */
static void unite(struct linker *lk, struct cinfo *ci, uint32_t ra, uint32_t rb)
{
	if (rb < ra) {
		uint32_t t = ra;

		ra = rb;
		rb = t;
	}
	lk->parent[rb] = ra;
	cinfo_merge(&ci[ra], &ci[rb]);
}

static int cmp_cand_p(const void *x, const void *y)
{
	const struct cand *a = x, *b = y;

	if (a->p != b->p)
		return a->p > b->p ? -1 : 1;
	if (a->a != b->a)
		return a->a < b->a ? -1 : 1;
	return a->b < b->b ? -1 : a->b > b->b;
}

static void cluster(struct linker *lk, struct link_stats *st)
{
	struct cinfo *ci = xmalloc(st_mult(lk->n_sig + 1, sizeof(*ci)));
	struct cand *order;
	size_t i, n = 0;

	lk->parent = xmalloc(st_mult(lk->n_sig + 1, sizeof(*lk->parent)));
	for (i = 0; i < lk->n_sig; i++) {
		lk->parent[i] = (uint32_t)i;
		cinfo_init(&ci[i], &lk->sig[i]);
	}
	order = xmalloc(st_mult(lk->n_cands + 1, sizeof(*order)));
	/*
	 * Deterministic rule first: the same document (type, issuing country,
	 * number) is the same person, unless the clusters conflict at all (a
	 * shared number between two people with other birth dates is a typo).
	 */
	for (i = 0; i < lk->n_cands; i++)
		if (lk->cands[i].same_doc) {
			uint32_t ra = find(lk->parent, lk->cands[i].a), rb = find(lk->parent, lk->cands[i].b);

			if (ra == rb)
				continue;
			if (conflicts(lk, &ci[ra], &ci[rb]) != 0) {
				lk->cands[i].same_doc = 0;  /* left to the model */
				continue;
			}
			unite(lk, ci, ra, rb);
			st->matches++;
			st->deterministic++;
		}
	for (i = 0; i < lk->n_cands; i++)
		if (lk->cands[i].p >= lk->o.threshold && !lk->cands[i].same_doc)
			order[n++] = lk->cands[i];
	qsort(order, n, sizeof(*order), cmp_cand_p);
	for (i = 0; i < n; i++) {
		uint32_t ra = find(lk->parent, order[i].a), rb = find(lk->parent, order[i].b);

		if (ra == rb)
			continue;
		if (!compatible(lk, &ci[ra], &ci[rb], order[i].p)) {
			st->refused_merges++;
			continue;
		}
		unite(lk, ci, ra, rb);
		st->matches++;
	}
	free(order);
	free(ci);
}

/* A scratch file for the candidates, as a stream. */
static FILE *temp_file(struct err *err)
{
	FILE *f;
	int fd;

	if ((fd = scratch_open(err)) < 0)
		return NULL;
	if (!(f = fdopen(fd, "w+b"))) {
		close(fd);
		ERR_SET(err, ERR_IO, "cannot open a temporary file: %s", strerror(errno));
	}
	return f;
}

/*
 * Score the compared candidates from the file; keep those the clustering
 * can use (a probability at the threshold, or the same document), in
 * identity-pair order.
 */
static int score_file(struct linker *lk, FILE *f, size_t *cap, struct err *err)
{
	size_t nc = link_n_comparisons(lk);
	uint8_t g[LINK_MAX_COMPARISONS];
	struct cand_rec rec;

	rewind(f);
	while (fread(&rec, sizeof(rec), 1, f) == 1) {
		const struct sig *a = &lk->sig[rec.a], *b = &lk->sig[rec.b];
		float p;
		int same_doc;

		unpack(rec.g, g, nc);
		p = (float)link_probability(weight(lk, g, nc) + tf_adjust(lk, a, b, g));
		same_doc = g[C_DOC] == 2 && a->doct == b->doct && a->docc == b->docc;
		if (p < lk->o.threshold && !same_doc)
			continue;
		if (lk->n_cands == *cap) {
			*cap = *cap ? *cap * 2 : 1 << 16;
			lk->cands = xrealloc(lk->cands, st_mult(*cap, sizeof(*lk->cands)));
		}
		lk->cands[lk->n_cands].a = rec.a;
		lk->cands[lk->n_cands].b = rec.b;
		lk->cands[lk->n_cands].same_doc = (uint8_t)same_doc;
		lk->cands[lk->n_cands++].p = p;
	}
	if (ferror(f))
		return ERR_SET(err, ERR_IO, "cannot read the candidates' temporary file back");
	return 0;
}

static int score(struct linker *lk, struct err *err)
{
	size_t cap = 0;
	unsigned t;
	int rc;

	for (t = 0; t < lk->n_cand_files; t++)
		if ((rc = score_file(lk, lk->cand_file[t], &cap, err)))
			return rc;
	if (lk->n_cands)
		qsort(lk->cands, lk->n_cands, sizeof(*lk->cands), cmp_cand);
	return 0;
}

void link_each_candidate(const struct linker *lk, void (*fn)(void *ctx, uint32_t a, uint32_t b, unsigned rules),
			 void *ctx)
{
	struct cand_rec rec;
	unsigned t;

	for (t = 0; t < lk->n_cand_files; t++) {
		rewind(lk->cand_file[t]);
		while (fread(&rec, sizeof(rec), 1, lk->cand_file[t]) == 1)
			fn(ctx, rec.a, rec.b, (unsigned)(rec.g >> CAND_RULES_SHIFT));
	}
}

/* Threads for comparing: as asked, else the processors online; at most LINK_MAX_THREADS. */
static unsigned n_threads(const struct linker *lk)
{
	long n = lk->o.threads ? (long)lk->o.threads : sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > LINK_MAX_THREADS ? LINK_MAX_THREADS : (unsigned)n;
}

int link_run(struct linker *lk, struct link_stats *st, struct err *err)
{
	struct model_pass *mp = NULL;
	pthread_t tid[LINK_MAX_THREADS];
	unsigned t, parts = n_threads(lk), started = 0;
	size_t i;
	uint32_t *label, next = 0;
	int rc, r;

	memset(st, 0, sizeof(*st));
	if (lk->n_rec == 0)
		return ERR_SET(err, ERR_USAGE, "there are no records to link");
	st->records = lk->n_rec;
	st->identities = lk->n_sig;
	if (lk->o.progress)
		lk->o.progress(lk->o.progress_ctx, 1, 5);
	if ((rc = link_blocks_build(lk, st, err)))
		return rc;
	for (t = 0; t < parts; t++) {
		if (!(lk->cand_file[t] = temp_file(err)))
			return err->code;
		lk->n_cand_files++;
	}
	if (lk->o.progress)
		lk->o.progress(lk->o.progress_ctx, 2, 5);
	/*
	 * every candidate compared once, the blocks shared among threads:
	 * each gathers the model's counts and writes its own file
	 */
	mp = xcalloc(parts, sizeof(*mp));
	for (t = 0; t < parts; t++) {
		mp[t].nc = link_n_comparisons(lk);
		mp[t].mark = xcalloc(lk->n_sig + 1, 1);
		mp[t].f = lk->cand_file[t];
		mp[t].lk = lk;
		mp[t].part = t;
		mp[t].parts = parts;
	}
	for (t = 1; t < parts; t++)
		if (pthread_create(&tid[t], NULL, model_thread, &mp[t]) == 0)
			started |= 1u << t;
	/* what no thread could take, this one does */
	for (t = 0; t < parts; t++)
		if (t == 0 || !(started & (1u << t)))
			model_thread(&mp[t]);
	for (t = 1; t < parts; t++)
		if (started & (1u << t))
			pthread_join(tid[t], NULL);
	for (t = 1; t < parts; t++)
		model_merge(&mp[0], &mp[t], lk->n_sig);
	for (t = 0; t < parts; t++)
		if (fflush(lk->cand_file[t]))
			mp[0].write_failed = 1;
	if (mp[0].write_failed) {
		rc = ERR_SET(err, ERR_IO, "cannot write the candidates' temporary file: %s", strerror(errno));
		goto out;
	}
	st->candidate_pairs = mp[0].pairs;
	for (r = 0; r < LINK_N_RULES; r++)
		st->rules[r].pairs = mp[0].rule_pairs[r];
	estimate_u(lk);
	estimate_m(lk, mp);
	st->lambda = lk->lambda;
	if (lk->o.progress)
		lk->o.progress(lk->o.progress_ctx, 3, 5);
	if ((rc = score(lk, err)))
		goto out;
	cluster(lk, st);
	if (lk->o.progress)
		lk->o.progress(lk->o.progress_ctx, 4, 5);
	/* persons numbered in the order of their first record: stable on a rerun */
	label = xmalloc(st_mult(lk->n_sig + 1, sizeof(*label)));
	for (i = 0; i < lk->n_sig; i++)
		label[i] = UINT32_MAX;
	lk->person = xmalloc(st_mult(lk->n_rec + 1, sizeof(*lk->person)));
	for (i = 0; i < lk->n_rec; i++) {
		uint32_t root = find(lk->parent, lk->rec_sig[i]);

		if (label[root] == UINT32_MAX)
			label[root] = next++;
		lk->person[i] = label[root];
	}
	free(label);
	st->persons = next;
	if (lk->o.progress)
		lk->o.progress(lk->o.progress_ctx, 5, 5);
out:
	if (mp) {
		for (t = 0; t < parts; t++)
			model_release(&mp[t]);
		free(mp);
	}
	return rc;
}

void link_explain(const struct linker *lk, size_t i, size_t j, struct link_explanation *e)
{
	const struct sig *a = &lk->sig[lk->rec_sig[i]], *b = &lk->sig[lk->rec_sig[j]];
	size_t nc = link_n_comparisons(lk), k;
	uint8_t g[LINK_MAX_COMPARISONS];
	double tf;

	memset(e, 0, sizeof(*e));
	link_compare(lk, a, b, g);
	e->same_identity = lk->rec_sig[i] == lk->rec_sig[j];
	e->prior_weight = log2(lk->lambda / (1 - lk->lambda));
	e->total_weight = e->prior_weight;
	tf = tf_adjust(lk, a, b, g);
	for (k = 0; k < nc; k++) {
		struct link_comparison_level *c = &e->c[e->n++];

		c->comparison = comparison_names[k];
		if (g[k] == NULL_LEVEL) {
			c->level = "null (a value is missing)";
			continue;
		}
		c->level = level_names[k][g[k]];
		c->m = lk->m[k][g[k]];
		c->u = lk->u[k][g[k]];
		c->weight = log2(c->m / c->u);
		e->total_weight += c->weight;
	}
	/* the adjustment belongs to the name comparisons; shown on surnames */
	e->c[C_SUR].tf_adjustment = tf;
	e->total_weight += tf;
	e->probability = e->same_identity ? 1.0 : link_probability(e->total_weight);
}

