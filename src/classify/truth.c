/*
 * truth.c: the generator's story (see truth.h). Loaded whole: a spell is
 * 16 bytes, a person has at most three.
 * SPDX-License-Identifier: MIT
 */
#include "truth.h"
#include "csv.h"
#include "date.h"
#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A true person's number: P00000041 -> 42 (0 is no person). */
static uint32_t person_number(const char *s)
{
	while (*s && (*s < '0' || *s > '9'))
		s++;
	return (uint32_t)strtoul(s, NULL, 10) + 1;
}

struct spell {
	uint32_t person;
	int32_t from, to;  /* INT32_MIN / INT32_MAX when open */
	uint8_t bolivia;
};

static int cmp_spell(const void *x, const void *y)
{
	const struct spell *a = x, *b = y;

	if (a->person != b->person)
		return a->person < b->person ? -1 : 1;
	return a->from < b->from ? -1 : a->from > b->from;
}

static struct spell *load_spells(const char *dir, size_t *n, struct err *err)
{
	char path[1024];
	struct csv_reader *r = NULL;
	struct csv_record rec;
	struct spell *s = NULL;
	size_t cap = 0;

	*n = 0;
	snprintf(path, sizeof(path), "%s/truth_residence.csv", dir);
	if (csv_reader_open(&r, path, 0, err))
		return NULL;
	csv_reader_next(r, &rec, err);
	while (csv_reader_next(r, &rec, err) == 1) {
		char pid[32];

		if (rec.n_fields < 4)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 1024;
			s = xrealloc(s, st_mult(cap, sizeof(*s)));
		}
		snprintf(pid, sizeof(pid), "%.*s", (int)(rec.fields[0].len < 30 ? rec.fields[0].len : 30), rec.fields[0].p);
		s[*n].person = person_number(pid);
		s[*n].bolivia = rec.fields[1].len == 3 && !memcmp(rec.fields[1].p, "BOL", 3);
		s[*n].from = rec.fields[2].len ? (int32_t)date_parse(rec.fields[2].p, rec.fields[2].len) : INT32_MIN;
		s[*n].to = rec.fields[3].len ? (int32_t)date_parse(rec.fields[3].p, rec.fields[3].len) : INT32_MAX;
		(*n)++;
	}
	csv_reader_free(r);
	if (*n)
		qsort(s, *n, sizeof(*s), cmp_spell);
	return s;
}

struct truth {
	struct spell *s;
	size_t n;
	uint32_t *records;   /* movement records of each true person, by number */
	size_t n_records;
};

/* Load truth_records.csv (movements rows) into a temporary table. */
static int load_records(struct store *st, const char *dir, struct truth *t, struct err *err)
{
	sqlite3 *db = store_db(st);
	char path[1024];
	struct csv_reader *r = NULL;
	struct csv_record rec;
	sqlite3_stmt *q = NULL;
	int rc;

	snprintf(path, sizeof(path), "%s/truth_records.csv", dir);
	if ((rc = store_exec(st, "DROP TABLE IF EXISTS temp.truth_rec;"
		       "CREATE TEMP TABLE truth_rec(record_id TEXT PRIMARY KEY, person INTEGER) WITHOUT ROWID;"
		       "BEGIN", err)))
		return rc;
	if ((rc = csv_reader_open(&r, path, 0, err)))
		goto out;
	if (sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO truth_rec VALUES(?,?)", -1, &q, NULL) != SQLITE_OK) {
		rc = store_error(db, "truth", err);
		goto out;
	}
	csv_reader_next(r, &rec, err);  /* header: register,record_id,person_id,... */
	while (csv_reader_next(r, &rec, err) == 1) {
		char pid[32];
		uint32_t person;

		if (rec.n_fields < 3 || rec.fields[0].len != 9 || memcmp(rec.fields[0].p, "movements", 9))
			continue;
		snprintf(pid, sizeof(pid), "%.*s", (int)(rec.fields[2].len < 30 ? rec.fields[2].len : 30), rec.fields[2].p);
		sqlite3_bind_text(q, 1, rec.fields[1].p, (int)rec.fields[1].len, SQLITE_STATIC);
		person = person_number(pid);
		sqlite3_bind_int64(q, 2, person);
		sqlite3_step(q);
		sqlite3_reset(q);
		if (sqlite3_changes(db) != 1)
			continue;  /* the same record again: a duplicate or a corrected copy */
		if (person >= t->n_records) {
			size_t m = t->n_records ? t->n_records : 1024;

			while (m <= person)
				m *= 2;
			t->records = xrealloc(t->records, st_mult(m, sizeof(*t->records)));
			memset(t->records + t->n_records, 0, (m - t->n_records) * sizeof(*t->records));
			t->n_records = m;
		}
		t->records[person]++;
	}
out:
	sqlite3_finalize(q);
	csv_reader_free(r);
	return store_end(st, rc, err);
}

int truth_load(struct store *st, const char *dir, struct truth **out, struct err *err)
{
	struct truth *t;
	int rc;

	*out = NULL;
	t = xcalloc(1, sizeof(*t));
	if ((rc = load_records(st, dir, t, err))) {
		truth_free(t);
		return rc;
	}
	if (!(t->s = load_spells(dir, &t->n, err))) {
		truth_free(t);
		return err->code ? err->code : ERR_SET(err, ERR_IO, "%s: no residence spells in truth_residence.csv", dir);
	}
	*out = t;
	return 0;
}

/* The index of the person's first spell (spells are sorted by person, then start). */
static size_t first_spell(const struct truth *t, uint32_t person)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (t->s[mid].person < person)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int truth_lived(const struct truth *t, uint32_t person, int32_t day)
{
	size_t i;

	for (i = first_spell(t, person); i < t->n && t->s[i].person == person; i++)
		if (t->s[i].from <= day && day < t->s[i].to)
			return t->s[i].bolivia;
	return -1;
}

int truth_moves(const struct truth *t, uint32_t person, int32_t day, int32_t within, int bolivia)
{
	size_t i;

	for (i = first_spell(t, person); i < t->n && t->s[i].person == person; i++)
		if (t->s[i].from > day && t->s[i].from - day <= within && t->s[i].bolivia == bolivia)
			return 1;
	return 0;
}

uint32_t truth_records(const struct truth *t, uint32_t person)
{
	return person < t->n_records ? t->records[person] : 0;
}

void truth_free(struct truth *t)
{
	if (t) {
		free(t->s);
		free(t->records);
		free(t);
	}
}
