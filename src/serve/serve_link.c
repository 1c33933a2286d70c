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
#define MAX_ROWS 1024   /* crossings born that day looked at, at most, a registration */
#define RQ_NAME 8
#define RQ_ROW 9
#define RQ_KNOWN 10
#define RQ_NAME_DAY 13
/* the columns a name search reads: the crossing, the person, then the link view's fields (names_columns) */
#define NAMES_READ "movement_rowid, person_id, surname_1, surname_2, given_names, birth_date, sex, nationality," \
	" document_type, document_number, document_country"

/* person_names' columns after movement_rowid and person_id, in the order of the link view's fields */
static const char *const names_columns[9] = { "surname_1", "surname_2", "given_names", "birth_date", "sex",
					      "nationality", "document_type", "document_number", "document_country" };

static void shares_key(sqlite3_context *ctx, int argc, sqlite3_value **argv);

int serve_link_open(struct server *sv)
{
	struct buf sql;
	size_t i;

	sv->has_model = link_model_load(store_db(sv->st), &sv->model);
	link_view_fields(sv->s, sv->lv_idx, &sv->lv_extra);
	/* not deterministic: it answers for the calling thread's record */
	for (i = 0; i < READ_POOL; i++)
		sqlite3_create_function_v2(sv->readers[i].db, "pasos_shares_key", 1, SQLITE_UTF8 | SQLITE_DIRECTONLY, NULL,
					   shares_key, NULL, NULL, NULL);
	buf_init(&sql, 1 << 14);
	buf_adds(&sql, "SELECT ", NULL);
	for (i = 0; i < sv->s->n_fields; i++)
		buf_addf(&sql, NULL, "%s\"%s\"", i ? ", " : "", sv->s->fields[i].name);
	buf_adds(&sql, " FROM reg_movements WHERE rowid = ?", NULL);
	sv->name_sql = xstrdup(sql.p);
	buf_release(&sql);
	/* the link view's fields (link_view_fields' order) as person_names names its columns */
	sv->names_whole = sv->lv_extra == 0;
	for (i = 0; i < 9; i++)
		if (sv->lv_idx[i] >= 0 && strcmp(sv->s->fields[sv->lv_idx[i]].name, names_columns[i]))
			sv->names_whole = 0;
	return sv->has_model;
}

/*
 * The phonetic keys of a surname as written (names_surname_keys), kept in
 * a small cache of each thread's: a border register repeats a few thousand
 * surnames, and normalising each (utf8proc) again was a good part of a
 * registration's time. One cache for every thread, behind a lock: its
 * locking was 6% of the service's samples on 10 million movements; a
 * thread's own cache is 192 KiB and takes no lock.
 */
#define KEY_CACHE 8192
struct key_entry {
	uint64_t raw;          /* hash of the written surname, 0 free */
	uint32_t n;
	uint32_t keys[NAMES_SURNAME_KEYS];
};
static _Thread_local struct key_entry key_cache[KEY_CACHE];

static size_t field_keys(const struct csv_field *f, uint32_t *keys)
{
	uint64_t raw = 1469598103934665603ULL;
	struct key_entry *e;
	size_t i;

	if (!f->len)
		return 0;
	for (i = 0; i < f->len; i++)
		raw = (raw ^ (unsigned char)f->p[i]) * 1099511628211ULL;
	raw |= 1;
	e = &key_cache[(raw >> 17) & (KEY_CACHE - 1)];
	if (e->raw != raw) {
		e->n = (uint32_t)names_surname_keys(f->p, f->len, e->keys);
		e->raw = raw;
	}
	memcpy(keys, e->keys, e->n * sizeof(keys[0]));
	return e->n;
}

size_t serve_surname_keys(const struct server *sv, const struct csv_field *vals, unsigned char *out)
{
	static const struct csv_field none = { "", 0 };
	uint32_t keys[2 * NAMES_SURNAME_KEYS];
	size_t n;

	n = field_keys(sv->f_key[1] >= 0 ? &vals[sv->f_key[1]] : &none, keys);
	n += field_keys(sv->f_key[2] >= 0 ? &vals[sv->f_key[2]] : &none, keys + n);
	return link_keys_blob(keys, n, out);  /* as person_names holds them */
}

/*
 * The names born that day whose surnames share a key with the new
 * record's: a filter in the scan's WHERE, pasos_shares_key(surname_keys),
 * so that only those rows are read whole (on 10 million movements some
 * 250 names are born on a day and its swap). Each row's keys were made
 * when it was stored (person_names' surname_keys), and are compared as
 * the 4-byte words both sides wrote alike. The new record's keys are the
 * calling thread's; past MAX_ROWS names looked at, the scan is ended with
 * an error the caller takes for its end.
 */
static _Thread_local struct {
	const unsigned char *keys;
	size_t len, rows;
} filter;

static void shares_key(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *ck;
	size_t ncl, i, j;

	(void)argc;
	if (++filter.rows > MAX_ROWS) {
		sqlite3_result_error(ctx, "enough names looked at", -1);
		return;
	}
	ck = sqlite3_value_blob(argv[0]);
	ncl = ck ? (size_t)sqlite3_value_bytes(argv[0]) : 0;
	for (i = 0; i + 4 <= filter.len; i += 4)
		for (j = 0; j + 4 <= ncl; j += 4)
			if (!memcmp(filter.keys + i, ck + j, 4)) {
				sqlite3_result_int(ctx, 1);
				return;
			}
	sqlite3_result_int(ctx, 0);
}

/*
 * A returning traveller's person and names, read here before the commit
 * so that the writer, the one thread every registration waits for, does
 * not look the document up again nor try to add either row: each was a
 * seek at a random place of an index far larger than its cache. Neither
 * row is removed while the service runs, and the service adds a second
 * person to no stored document, so what is read here still holds at the
 * commit; a document not found here is looked up again by the writer (a
 * registration of it may commit first).
 */
int64_t serve_known_person(struct server *sv, struct reader *r, const struct csv_field *vals, int *names_known)
{
	static const struct csv_field none = { "", 0 };
	const struct csv_field doc[3] = { vals[sv->doc_type], vals[sv->doc_country], vals[sv->doc_number] };
	sqlite3_stmt *q;
	int64_t person;
	int k;

	*names_known = 0;
	person = reader_doc_person(r, doc);
	/* the names as the writer keeps them (put_person_keys): birth date, surnames, given names, nationality */
	if (person && (q = rdb_stmt(r, RQ_KNOWN, "SELECT 1 FROM person_names WHERE birth_date = ? AND surname_1 = ?"
				    " AND surname_2 = ? AND given_names = ? AND nationality = ? AND person_id = ?"))) {
		for (k = 0; k < 5; k++) {
			const struct csv_field *v = sv->f_key[k] >= 0 ? &vals[sv->f_key[k]] : &none;

			sqlite3_bind_text(q, k + 1, v->p, (int)v->len, SQLITE_STATIC);
		}
		sqlite3_bind_int64(q, 6, person);
		*names_known = sqlite3_step(q) == SQLITE_ROW;
		sqlite3_reset(q);
	}
	return person;
}

/*
 * Columns from..from+n of q's row, copied one after the other, each ended
 * by a NUL (a row's values live only until the next step; no text in the
 * store holds a NUL: the CSV reader and the JSON parser refuse it): with
 * idx, only the columns whose link view field the register has
 * (idx[k] >= 0). Owned by the caller.
 */
static char *row_copy(sqlite3_stmt *q, int from, size_t n, const int *idx)
{
	size_t k, len = 0, at = 0;
	char *out;

	for (k = 0; k < n; k++)
		if (!idx || idx[k] >= 0)
			len += (size_t)sqlite3_column_bytes(q, from + (int)k) + 1;
	out = xmalloc(len ? len : 1);
	for (k = 0; k < n; k++) {
		const char *t;
		size_t l;

		if (idx && idx[k] < 0)
			continue;
		t = (const char *)sqlite3_column_text(q, from + (int)k);
		l = t ? (size_t)sqlite3_column_bytes(q, from + (int)k) : 0;
		memcpy(out + at, t ? t : "", l);
		out[at + l] = '\0';
		at += l + 1;
	}
	return out;
}

int64_t serve_person_by_name(struct server *sv, struct reader *r, const struct csv_field *vals, const unsigned char *keys,
			     size_t keys_len)
{
	struct link_view nv, cv[MAX_SCORED];
	struct csv_field cvals[SCHEMA_MAX_FIELDS];
	struct csv_field birth = sv->lv_idx[3] >= 0 ? vals[sv->lv_idx[3]] : (struct csv_field){ "", 0 };
	int64_t persons[MAX_SCORED], best = 0;
	size_t n = 0, i, k;
	char b1[11], b2[11], *text[MAX_SCORED];
	int swapped;
	sqlite3_stmt *q;

	if (!sv->has_model || birth.len != 10 || !keys_len)
		return 0;
	link_view_from(&nv, vals, sv->lv_idx, sv->lv_extra);
	memcpy(b1, birth.p, 10);
	b1[10] = '\0';
	/*
	 * The day and month swapped, a slip linkage forgives: only when the
	 * day could be a month and differs from it; otherwise the swapped date
	 * names no day, and looking it up cost a descent of the index for nothing.
	 */
	snprintf(b2, sizeof(b2), "%.4s-%.2s-%.2s", b1, b1 + 8, b1 + 5);
	swapped = strcmp(b1 + 8, "12") <= 0 && strcmp(b1 + 8, "01") >= 0 && memcmp(b1 + 5, b1 + 8, 2);
	/*
	 * The names born that day (person_names: each person's names once,
	 * with a crossing under them): each person once, and only those whose
	 * surnames share a phonetic key are read whole and scored.
	 */
	q = swapped ? rdb_stmt(r, RQ_NAME, "SELECT " NAMES_READ " FROM person_names WHERE birth_date IN (?, ?)"
			       " AND pasos_shares_key(surname_keys)")
		    : rdb_stmt(r, RQ_NAME_DAY, "SELECT " NAMES_READ " FROM person_names WHERE birth_date = ?"
			       " AND pasos_shares_key(surname_keys)");
	if (q) {
		int64_t rowids[MAX_SCORED];
		size_t nr = 0;

		sqlite3_bind_text(q, 1, b1, 10, SQLITE_STATIC);
		if (swapped)
			sqlite3_bind_text(q, 2, b2, 10, SQLITE_STATIC);
		filter.keys = keys;
		filter.len = keys_len;
		filter.rows = 0;
		while (nr < MAX_SCORED && sqlite3_step(q) == SQLITE_ROW) {
			int64_t person;

			person = sqlite3_column_int64(q, 1);
			for (k = 0; k < nr && persons[k] != person; k++)
				;
			if (!person || k < nr)
				continue;  /* a person once: their first name read speaks for them */
			rowids[nr] = sqlite3_column_int64(q, 0);
			persons[nr] = person;
			if (sv->names_whole)
				text[nr] = row_copy(q, 2, 9, sv->lv_idx);  /* what the model compares is all here */
			nr++;
		}
		sqlite3_reset(q);
		n = sv->names_whole ? nr : 0;
		/* the register's fields beyond those (compare=): each candidate's crossing read whole */
		for (i = 0; !sv->names_whole && i < nr && (q = rdb_stmt(r, RQ_ROW, sv->name_sql)); i++) {
			sqlite3_bind_int64(q, 1, rowids[i]);
			if (sqlite3_step(q) != SQLITE_ROW) {
				sqlite3_reset(q);
				continue;
			}
			text[n] = row_copy(q, 0, sv->s->n_fields, NULL);
			sqlite3_reset(q);
			persons[n++] = persons[i];
		}
		for (i = 0; i < n; i++) {
			/* the copies' fields, in the register's order, for the link view */
			const char *t = text[i];

			if (sv->names_whole) {
				for (k = 0; k < 9; k++)
					if (sv->lv_idx[k] >= 0) {
						cvals[sv->lv_idx[k]].p = t;
						cvals[sv->lv_idx[k]].len = strlen(t);
						t += cvals[sv->lv_idx[k]].len + 1;
					}
			} else {
				for (k = 0; k < sv->s->n_fields; k++) {
					cvals[k].p = t;
					cvals[k].len = strlen(t);
					t += cvals[k].len + 1;
				}
			}
			link_view_from(&cv[i], cvals, sv->lv_idx, sv->lv_extra);
		}
	}
	if (n) {
		double p;
		size_t at = link_model_best(&sv->model, &nv, cv, n, &p);

		if (at < n && p >= sv->model.threshold)
			best = persons[at];
	}
	for (i = 0; i < n; i++)
		free(text[i]);
	return best;
}
