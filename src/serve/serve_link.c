/*
 * serve_link.c: the person of a crossing whose document the store has
 * never seen, found at once by name with the model 'pasos link' learned
 * (link_model.h): the stored crossings born the same day (or with day and
 * month swapped) whose surnames share a Spanish phonetic key are scored
 * with the model's comparisons and weights, and the best at or above its
 * threshold gives the person. A batch 'pasos link' stays the reference.
 * SPDX-License-Identifier: MIT
 */
#include "serve_int.h"
#include "link_model.h"
#include "mem.h"
#include "names.h"

#include <stdlib.h>
#include <string.h>

#define MAX_SCORED 64   /* candidate persons scored with the model at most, a registration */
#define RQ_NAME 8

int serve_link_open(struct server *sv)
{
	struct buf sql;
	size_t i;

	sv->has_model = link_model_load(store_db(sv->st), &sv->model);
	link_view_fields(sv->s, sv->lv_idx, &sv->lv_extra);
	buf_init(&sql, 1 << 14);
	buf_adds(&sql, "SELECT ", NULL);
	for (i = 0; i < sv->s->n_fields; i++)
		buf_addf(&sql, NULL, "m.\"%s\", ", sv->s->fields[i].name);
	buf_adds(&sql, "l.person_id FROM reg_movements m JOIN person_links l ON l.register = 'movements'"
		 " AND l.record_id = m.movement_id WHERE m.birth_date IN (?, ?) LIMIT 5000", NULL);
	sv->name_sql = xstrdup(sql.p);
	buf_release(&sql);
	return sv->has_model;
}

/* The phonetic keys of the words of a surname field into keys (at most max), as hashes. */
static size_t surname_keys(const struct csv_field *f, uint64_t *keys, size_t n, size_t max)
{
	char norm[256], key[64];
	size_t len, i = 0;

	if (!f->len)
		return n;
	len = names_normalize(f->p, f->len, norm, sizeof(norm));
	while (i < len && n < max) {
		size_t j = i, k, kl;
		uint64_t h = 1469598103934665603ULL;

		while (j < len && norm[j] != ' ')
			j++;
		kl = names_phonetic(norm + i, key, sizeof(key));
		for (k = 0; k < kl; k++)
			h = (h ^ (unsigned char)key[k]) * 1099511628211ULL;
		if (kl)
			keys[n++] = h;
		i = j + 1;
	}
	return n;
}

static int share_key(const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
	size_t i, j;

	for (i = 0; i < na; i++)
		for (j = 0; j < nb; j++)
			if (a[i] == b[j])
				return 1;
	return 0;
}

int64_t serve_person_by_name(struct server *sv, const struct csv_field *vals, double *prob)
{
	struct link_view nv, cv[MAX_SCORED];
	struct csv_field cvals[SCHEMA_MAX_FIELDS];
	struct csv_field birth = sv->lv_idx[3] >= 0 ? vals[sv->lv_idx[3]] : (struct csv_field){ "", 0 };
	uint64_t nk[8], ck[8];
	int64_t persons[MAX_SCORED], best = 0;
	size_t nnk = 0, n = 0, i, k;
	char b1[11], b2[11], *text[MAX_SCORED];
	struct reader *r;
	sqlite3_stmt *q;

	*prob = 0;
	if (!sv->has_model || birth.len != 10)
		return 0;
	link_view_from(&nv, vals, sv->lv_idx, sv->lv_extra);
	nnk = surname_keys(&nv.surname1, nk, 0, 8);
	nnk = surname_keys(&nv.surname2, nk, nnk, 8);
	if (!nnk)
		return 0;
	memcpy(b1, birth.p, 10);
	b1[10] = '\0';
	/* the day and month swapped, a slip linkage forgives */
	snprintf(b2, sizeof(b2), "%.4s-%.2s-%.2s", b1, b1 + 8, b1 + 5);
	r = rdb_take(sv);
	if ((q = rdb_stmt(r, RQ_NAME, sv->name_sql))) {
		sqlite3_bind_text(q, 1, b1, 10, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, b2, 10, SQLITE_STATIC);
		while (n < MAX_SCORED && sqlite3_step(q) == SQLITE_ROW) {
			int64_t person = sqlite3_column_int64(q, (int)sv->s->n_fields);
			struct buf b;
			size_t nck;

			for (k = 0; k < n && persons[k] != person; k++)
				;
			if (k < n)
				continue;  /* a person once: their first crossing speaks for them */
			for (i = 0; i < sv->s->n_fields; i++) {
				const char *t = (const char *)sqlite3_column_text(q, (int)i);

				cvals[i].p = t ? t : "";
				cvals[i].len = t ? (size_t)sqlite3_column_bytes(q, (int)i) : 0;
			}
			link_view_from(&cv[n], cvals, sv->lv_idx, sv->lv_extra);
			nck = surname_keys(&cv[n].surname1, ck, 0, 8);
			nck = surname_keys(&cv[n].surname2, ck, nck, 8);
			if (!share_key(nk, nnk, ck, nck))
				continue;
			/* the row's values live until the next step: keep a copy */
			buf_init(&b, 1 << 16);
			for (i = 0; i < sv->s->n_fields; i++)
				buf_add(&b, cvals[i].p, cvals[i].len + 1, NULL);
			text[n] = b.p;
			for (i = 0, k = 0; i < sv->s->n_fields; i++) {
				cvals[i].p = text[n] + k;
				k += cvals[i].len + 1;
			}
			link_view_from(&cv[n], cvals, sv->lv_idx, sv->lv_extra);
			persons[n++] = person;
		}
		sqlite3_reset(q);
	}
	rdb_give(sv, r);
	if (n) {
		double p;
		size_t at = link_model_best(&sv->model, &nv, cv, n, &p);

		*prob = p;
		if (at < n && p >= sv->model.threshold)
			best = persons[at];
	}
	for (i = 0; i < n; i++)
		free(text[i]);
	return best;
}
