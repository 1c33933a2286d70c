/*
 * tabulate.c: tabulate stage. Rows are read once into compact memory (one
 * code index per dimension and the person), then each row adds into its
 * cell and every ancestor cell: the cartesian product of each dimension's
 * ancestors (itself, its groups, the total). Distinct persons: a person's
 * cells are collected, sorted and counted once. Written by hand: the
 * tabulator is the core of pasos and must be exact and fast; dense arrays
 * make every margin a direct add.
 * SPDX-License-Identifier: MIT
 */
#include "tabulate.h"
#include "date.h"
#include "mem.h"
#include "schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#define MAX_CELLS (1u << 28)     /* dense cells a table may have (1 GB per measure at most) */

struct row {
	uint32_t person;             /* 0: not linked; counted as its own person */
	uint16_t code[TABLE_MAX_DIMS];
	uint32_t key;                /* the record's fixed random key (cell key method) */
	uint32_t pick;               /* the record whose key a person carries: the smallest pick */
	uint8_t provisional;         /* its classification is not final yet */
	uint8_t migration;           /* a long-term migration */
};

/* Migratory status from the classification: residence after and long-term migration. */
#define MIGRATORY_STATUS_SQL \
	"CASE WHEN c.res_after IS NULL THEN '_U' WHEN c.res_after = 1 THEN" \
	" (CASE WHEN c.long_term_migration = 1 THEN 'RES_LTM' ELSE 'RES_STM' END) ELSE" \
	" (CASE WHEN c.long_term_migration = 1 THEN 'NRES_LTM' ELSE 'NRES_STM' END) END"

static int age_code(const struct table_dim *d, const char *birth, const char *at)
{
	static const int lo[] = { 0, 12, 18, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85 };
	long b = birth ? date_parse(birth, strlen(birth)) : DATE_INVALID;
	long e = at ? date_parse(at, strlen(at)) : DATE_INVALID;
	int by, bm, bd, ey, em, ed, age, g;

	if (b == DATE_INVALID || e == DATE_INVALID || e < b)
		return table_code_index(d, "_U");
	date_to_civil(b, &by, &bm, &bd);
	date_to_civil(e, &ey, &em, &ed);
	age = ey - by - (em < bm || (em == bm && ed < bd));
	for (g = 16; g > 0 && age < lo[g]; g--)
		;
	return g;  /* the age groups are the dimension's first codes, in order */
}

static int cmp_person(const void *x, const void *y)
{
	uint32_t a = ((const struct row *)x)->person, b = ((const struct row *)y)->person;

	return a < b ? -1 : a > b;
}

static int cmp_codes(const void *x, const void *y)
{
	const struct row *a = x, *b = y;

	return memcmp(a->code, b->code, sizeof(a->code));
}

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return a < b ? -1 : a > b;
}

/* Month, quarter and year codes of a date: 2024-03 -> 2024-Q1 -> 2024. */
static int month_code(struct table_dim *d, const char *v, size_t len)
{
	char m[8], q[8], y[5];
	int mi, qi, yi, mo;

	if (len < 7 || v[4] != '-')
		return -1;
	snprintf(y, sizeof(y), "%.4s", v);
	snprintf(m, sizeof(m), "%.7s", v);
	mo = (v[5] - '0') * 10 + (v[6] - '0');
	if (mo < 1 || mo > 12)
		return -1;
	snprintf(q, sizeof(q), "%.4s-Q%d", v, (mo - 1) / 3 + 1);
	if ((mi = table_code_index(d, m)) >= 0)
		return mi;
	yi = table_code_add(d, y, NULL, NULL, 2);
	qi = table_code_add(d, q, NULL, NULL, 1);
	mi = table_code_add(d, m, NULL, NULL, 0);
	if (yi < 0 || qi < 0 || mi < 0)
		return -1;
	if (d->codes[qi].n_parents == 0)
		d->codes[qi].parents[d->codes[qi].n_parents++] = yi;
	if (d->codes[mi].n_parents == 0)
		d->codes[mi].parents[d->codes[mi].n_parents++] = qi;
	return mi;
}

/* Every month between the first and the last, so a month without data is a zero. */
static void fill_months(struct table_dim *d)
{
	int y0 = 9999, m0 = 12, y1 = 0, m1 = 1, y, m;
	size_t k, n = d->n_codes;

	for (k = 0; k < n; k++)
		if (d->codes[k].level == 0) {
			y = atoi(d->codes[k].code);
			m = atoi(d->codes[k].code + 5);
			if (y * 12 + m < y0 * 12 + m0) { y0 = y; m0 = m; }
			if (y * 12 + m > y1 * 12 + m1) { y1 = y; m1 = m; }
		}
	for (y = y0, m = m0; y * 12 + m <= y1 * 12 + m1 && y1 > 0; m = m % 12 + 1, y += m == 1) {
		char s[8];

		snprintf(s, sizeof(s), "%04d-%02d", y, m);
		month_code(d, s, 7);
	}
}

void tab_result_release(struct tab_result *res)
{
	size_t m;

	for (m = 0; m < TABLE_MAX_MEASURES; m++) {
		FREE_AND_NULL(res->values[m]);
		FREE_AND_NULL(res->keys[m]);
	}
	FREE_AND_NULL(res->possible);
	FREE_AND_NULL(res->provisional);
}

size_t tab_cell_code(const struct table *t, const struct tab_result *res, size_t c, size_t d)
{
	return (c / res->stride[d]) % t->dims[d].n_codes;
}

/* Visit every combination of ancestors of one row; calls add(cell). */
struct anc {
	int n[TABLE_MAX_DIMS];
	int idx[TABLE_MAX_DIMS][TABLE_MAX_ANCESTORS];
};

static size_t row_cells(const struct table *t, const struct tab_result *res, const struct anc *a,
			uint32_t *out)
{
	size_t n = 0, d;
	int pos[TABLE_MAX_DIMS] = { 0 };

	for (;;) {
		size_t cell = 0;

		for (d = 0; d < t->n_dims; d++)
			cell += (size_t)a->idx[d][pos[d]] * res->stride[d];
		out[n++] = (uint32_t)cell;
		for (d = 0; d < t->n_dims; d++) {
			if (++pos[d] < a->n[d])
				break;
			pos[d] = 0;
		}
		if (d == t->n_dims)
			return n;
	}
}

static int read_rows(struct store *st, struct table *t, const struct schema *s, int persons,
		     const unsigned char *secret, struct row **rows_out, size_t *n_out, struct tab_result *res, struct err *err)
{
	sqlite3 *db = store_db(st);
	sqlite3_stmt *q = NULL;
	struct buf sql;
	struct row *rows = NULL;
	size_t n = 0, cap = 0, d;
	int rc = 0, step, col[TABLE_MAX_DIMS], ncol = 0;

	buf_init(&sql, 1 << 14);
	buf_adds(&sql, "SELECT ", NULL);
	for (d = 0; d < t->n_dims; d++) {
		const struct table_dim *dim = &t->dims[d];

		col[d] = ncol;
		if (!strcmp(dim->field, "migratory_status")) {
			if (!t->join_classified) {
				rc = ERR_SET(err, ERR_SCHEMA, "dimension '%s': migratory_status needs 'join classified'", dim->id);
				goto out;
			}
			buf_adds(&sql, MIGRATORY_STATUS_SQL ", ", NULL);
			ncol++;
			continue;
		}
		if (!strcmp(dim->field, "departure_destination")) {
			/* where a departure went, as the classification found it (the next arrival's residence) */
			if (!t->join_classified) {
				rc = ERR_SET(err, ERR_SCHEMA, "dimension '%s': departure_destination needs 'join classified'",
					     dim->id);
				goto out;
			}
			buf_adds(&sql, "c.destination, ", NULL);
			ncol++;
			continue;
		}
		if (schema_field_index(s, dim->field) < 0 || (dim->at && schema_field_index(s, dim->at) < 0)) {
			rc = ERR_SET(err, ERR_SCHEMA, "dimension '%s': register '%s' has no field '%s'",
				     dim->id, s->name, schema_field_index(s, dim->field) < 0 ? dim->field : dim->at);
			goto out;
		}
		buf_addf(&sql, NULL, "m.\"%s\", ", dim->field);
		ncol++;
		if (dim->kind == DIM_AGE) {
			buf_addf(&sql, NULL, "m.\"%s\", ", dim->at);
			ncol++;
		}
	}
	buf_addf(&sql, NULL, "%s, %s, %s, m.\"%s\", %s FROM reg_%s m", persons ? "l.person_id" : "NULL",
		 t->join_classified ? "c.provisional" : "0", t->join_classified ? "c.long_term_migration" : "0",
		 s->fields[s->id_field].name, t->join_classified ? "c.movement_rowid IS NULL" : "0", s->name);
	if (persons)
		buf_addf(&sql, NULL, " LEFT JOIN person_links l ON l.register = '%s' AND l.record_id = m.\"%s\"",
			 s->name, s->fields[s->id_field].name);
	if (t->join_classified)
		buf_adds(&sql, " LEFT JOIN classified_crossings c ON c.movement_rowid = m.rowid", NULL);
	if (t->current_only) {
		/* each entity's latest version: by the order field, then the record id (one sort, no index needed) */
		if (s->versions_key < 0) {
			rc = ERR_SET(err, ERR_SCHEMA, "table '%s': register '%s' keeps no versions ('versions KEY ORDER'),"
				     " so it has no current records", t->name, s->name);
			goto out;
		}
		buf_addf(&sql, NULL, " WHERE m.rowid IN (SELECT r FROM (SELECT rowid AS r, row_number() OVER (PARTITION BY"
			 " \"%s\" ORDER BY \"%s\" DESC, \"%s\" DESC) AS n FROM reg_%s) WHERE n = 1)",
			 s->fields[s->versions_key].name, s->fields[s->versions_order].name,
			 s->fields[s->id_field].name, s->name);
	}
	if (sqlite3_prepare_v2(db, sql.p, -1, &q, NULL) != SQLITE_OK) {
		rc = persons && strstr(sqlite3_errmsg(db), "person_links")
			? ERR_SET(err, ERR_USAGE, "table '%s' counts persons: run 'pasos link' first", t->name)
			: strstr(sqlite3_errmsg(db), "classified_crossings")
			? ERR_SET(err, ERR_USAGE, "table '%s' needs the classification: run 'pasos classify' first", t->name)
			: store_error(db, "cannot read the source", err);
		goto out;
	}
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		struct row *r;

		if (n == cap) {
			cap = cap ? cap * 2 : 1 << 16;
			rows = xrealloc(rows, st_mult(cap, sizeof(*rows)));
		}
		r = &rows[n];
		memset(r, 0, sizeof(*r));  /* unused dimensions compare equal */
		r->person = sqlite3_column_type(q, ncol) == SQLITE_NULL
			? 0 : (uint32_t)sqlite3_column_int64(q, ncol) + 1;
		r->provisional = (uint8_t)(sqlite3_column_int(q, ncol + 1) != 0);
		r->migration = (uint8_t)(sqlite3_column_int(q, ncol + 2) != 0);
		res->unlinked += persons && r->person == 0;
		res->unclassified += sqlite3_column_int(q, ncol + 4) != 0;
		if (secret) {
			/* a keyed hash of the record id: random to whoever lacks the store's secret, fixed for the record */
			const unsigned char *id = sqlite3_column_text(q, ncol + 3);
			unsigned char h[crypto_shorthash_BYTES];

			crypto_shorthash(h, id ? id : (const unsigned char *)"", (unsigned long long)sqlite3_column_bytes(q, ncol + 3), secret);
			memcpy(&r->key, h, 4);
			memcpy(&r->pick, h + 4, 4);
		}
		for (d = 0; d < t->n_dims; d++) {
			struct table_dim *dim = &t->dims[d];
			const char *v = (const char *)sqlite3_column_text(q, col[d]);
			int c;

			if (dim->kind == DIM_AGE) {
				r->code[d] = (uint16_t)age_code(dim, v, (const char *)sqlite3_column_text(q, col[d] + 1));
				continue;
			}
			if (!v)
				v = "_Z";  /* not applicable: SDMX's code for a missing value */
			if (dim->raw) {
				int ri = table_code_index(dim->raw, v);

				c = ri >= 0 && dim->raw->codes[ri].n_parents ? dim->raw->codes[ri].parents[0] : -1;
			} else {
				c = dim->kind == DIM_MONTH ? month_code(dim, v, strlen(v)) : table_code_index(dim, v);
			}
			if (c < 0 && dim->kind == DIM_CODE) {
				c = table_code_add(dim, v, NULL, NULL, 0);
				if (c >= 0 && dim->total >= 0)
					dim->codes[c].parents[dim->codes[c].n_parents++] = dim->total;
				res->unknown_codes++;
			}
			if (c < 0) {
				rc = ERR_SET(err, ERR_NOMEM, "dimension '%s': more than %d codes, or a value that is not a date",
					     dim->id, TABLE_MAX_CODES);
				goto out;
			}
			r->code[d] = (uint16_t)c;
		}
		n++;
	}
	if (step != SQLITE_DONE)
		rc = store_error(db, "cannot read the source", err);
out:
	sqlite3_finalize(q);
	buf_release(&sql);
	if (rc) {
		free(rows);
		return rc;
	}
	*rows_out = rows;
	*n_out = n;
	return 0;
}

/* Which cells can exist: a constrained pair rolled up from its allowed leaf pairs. */
/* First and last day of a time code: 2024-03, 2024-Q1 or 2024. */
static void period_of(const char *code, int32_t *from, int32_t *to)
{
	int y = atoi(code), m0 = 1, m1 = 12, ey, em;

	if (strlen(code) == 7 && code[5] != 'Q')
		m0 = m1 = atoi(code + 5);
	else if (strlen(code) == 7)
		m0 = (code[6] - '1') * 3 + 1, m1 = m0 + 2;
	*from = (int32_t)date_from_civil(y, m0, 1);
	ey = m1 == 12 ? y + 1 : y;
	em = m1 == 12 ? 1 : m1 + 1;
	*to = (int32_t)date_from_civil(ey, em, 1) - 1;
}

/* Cells of a code outside its opening period (a post closed that month) cannot exist. */
static void mark_open(const struct table *t, struct tab_result *res, size_t d)
{
	const struct table_dim *a = &t->dims[d], *tm = &t->dims[a->period_dim];
	uint8_t *ok = xcalloc(a->n_codes * tm->n_codes + 1, 1);
	size_t i, k, c;

	for (i = 0; i < a->n_codes; i++) {
		int anc[TABLE_MAX_ANCESTORS], na, x;

		if (a->codes[i].level != 0)
			continue;
		na = table_ancestors(a, (int)i, anc);
		for (k = 0; k < tm->n_codes; k++) {
			int32_t from, to;

			period_of(tm->codes[k].code, &from, &to);
			if (i < TABLE_MAX_CODES && (a->opened[i] > to || a->closed[i] < from))
				continue;
			for (x = 0; x < na; x++)
				ok[(size_t)anc[x] * tm->n_codes + k] = 1;
		}
	}
	for (c = 0; c < res->n_cells; c++)
		if (!ok[tab_cell_code(t, res, c, d) * tm->n_codes + tab_cell_code(t, res, c, (size_t)a->period_dim)])
			res->possible[c] = 0;
	free(ok);
}

static void mark_possible(const struct table *t, struct tab_result *res)
{
	size_t c, d;

	memset(res->possible, 1, res->n_cells);
	for (d = 0; d < t->n_dims; d++)
		if (t->dims[d].period_dim >= 0 && t->dims[d].opened)
			mark_open(t, res, d);
	for (d = 0; d < t->n_dims; d++) {
		const struct table_dim *a = &t->dims[d];
		const struct table_dim *b;
		uint8_t *ok;
		size_t i;

		if (a->constraint_dim < 0 || !a->constraint_value)
			continue;
		b = &t->dims[a->constraint_dim];
		ok = xcalloc(a->n_codes * b->n_codes + 1, 1);
		for (i = 0; i < b->n_codes; i++) {
			int ai, anc_a[TABLE_MAX_ANCESTORS], anc_b[TABLE_MAX_ANCESTORS], na, nb, x, y;

			if (b->codes[i].level != 0)
				continue;
			/* a leaf without a stated value allows everything */
			ai = a->constraint_value[i] ? table_code_index(a, a->constraint_value[i]) : -1;
			nb = table_ancestors(b, (int)i, anc_b);
			if (ai < 0) {
				size_t k;

				for (k = 0; k < a->n_codes; k++)
					for (y = 0; y < nb; y++)
						ok[k * b->n_codes + (size_t)anc_b[y]] = 1;
				continue;
			}
			na = table_ancestors(a, ai, anc_a);
			for (x = 0; x < na; x++)
				for (y = 0; y < nb; y++)
					ok[(size_t)anc_a[x] * b->n_codes + (size_t)anc_b[y]] = 1;
		}
		for (c = 0; c < res->n_cells; c++) {
			size_t ca = tab_cell_code(t, res, c, d), cb = tab_cell_code(t, res, c, (size_t)a->constraint_dim);

			if (!ok[ca * b->n_codes + cb])
				res->possible[c] = 0;
		}
		free(ok);
	}
}

int tabulate_run(struct store *st, struct table *t, unsigned flags, struct tab_result *res, struct err *err)
{
	unsigned char secret[crypto_shorthash_KEYBYTES];
	int keys = (flags & TABULATE_KEYS) != 0;
	struct schema *s = NULL;
	struct row *rows = NULL;
	uint32_t *cells = NULL, *pcells = NULL;
	size_t n = 0, i, j, d, m, per_row = 1, pcap = 0;
	int persons = 0, rc;
	struct anc a;

	memset(res, 0, sizeof(*res));
	for (m = 0; m < t->n_measures; m++)
		persons |= t->measures[m].kind == MEASURE_PERSONS;
	if ((rc = schema_load_named(&s, t->source, err)))
		return rc;
	if ((rc = store_require_register(st, s->name, err)))
		goto out;
	if (keys && (sodium_init() < 0 ||
		     (rc = store_record_key_secret(st, secret, sizeof(secret), err)))) {
		if (!rc)
			rc = ERR_SET(err, ERR_NOMEM, "libsodium cannot start");
		goto out;
	}
	if ((rc = read_rows(st, t, s, persons, keys ? secret : NULL, &rows, &n, res, err)))
		goto out;
	/* a table of today's records with yesterday's linkage or classification is refused unless asked for */
	if (!(flags & TABULATE_ALLOW_STALE) && (res->unlinked || res->unclassified)) {
		rc = ERR_SET(err, ERR_STORE, "table '%s': %llu records were ingested after the last 'pasos %s':"
			     " run it again (or --allow-stale to count them as they stand)", t->name,
			     (unsigned long long)(res->unlinked ? res->unlinked : res->unclassified),
			     res->unlinked ? "link" : "classify");
		goto out;
	}
	res->records = n;
	for (d = 0; d < t->n_dims; d++)
		if (t->dims[d].kind == DIM_MONTH)
			fill_months(&t->dims[d]);
	/* dense layout: the first dimension varies slowest */
	res->n_cells = 1;
	for (d = t->n_dims; d-- > 0;) {
		res->stride[d] = res->n_cells;
		if (t->dims[d].n_codes == 0 || res->n_cells > MAX_CELLS / t->dims[d].n_codes) {
			rc = ERR_SET(err, ERR_NOMEM, "table '%s' would have more than %u cells", t->name, MAX_CELLS);
			goto out;
		}
		res->n_cells *= t->dims[d].n_codes;
	}
	for (m = 0; m < t->n_measures; m++) {
		res->values[m] = xcalloc(res->n_cells, sizeof(uint32_t));
		if (keys)
			res->keys[m] = xcalloc(res->n_cells, sizeof(uint32_t));
	}
	if (t->join_classified)
		res->provisional = xcalloc(res->n_cells, sizeof(uint32_t));
	res->possible = xmalloc(res->n_cells);
	/* the most cells one row adds into: the product of each dimension's longest ancestry */
	for (d = 0; d < t->n_dims; d++) {
		int most = 1, anc[TABLE_MAX_ANCESTORS];
		size_t k;

		for (k = 0; k < t->dims[d].n_codes; k++) {
			int na = table_ancestors(&t->dims[d], (int)k, anc);

			most = na > most ? na : most;
		}
		per_row *= (size_t)most;
	}
	if (per_row > 1u << 16) {
		rc = ERR_SET(err, ERR_NOMEM, "table '%s': one record would add into %zu cells", t->name, per_row);
		goto out;
	}
	cells = xmalloc(st_mult(per_row, sizeof(*cells)));
	/* crossings (count): every row into its cell and every ancestor */
	if (persons && n)
		qsort(rows, n, sizeof(*rows), cmp_person);
	for (i = 0; i < n; i = j) {
		size_t np = 0, e;
		uint32_t pkey = rows[i].key, pick = rows[i].pick;

		for (e = i + 1; e < n && rows[i].person && rows[e].person == rows[i].person; e++)
			if (rows[e].pick < pick) {
				pick = rows[e].pick;
				pkey = rows[e].key;  /* a person's key: that of its record with the smallest pick */
			}
		/* a person's rows by their codes: the same cells are expanded once for persons */
		if (persons && e - i > 1)
			qsort(rows + i, e - i, sizeof(*rows), cmp_codes);
		for (j = i; j < e; j++) {
			int same = j > i && !memcmp(rows[j].code, rows[j - 1].code, sizeof(rows[j].code));
			size_t k, nc;

			for (d = 0; d < t->n_dims; d++)
				a.n[d] = table_ancestors(&t->dims[d], rows[j].code[d], a.idx[d]);
			nc = row_cells(t, res, &a, cells);
			for (m = 0; m < t->n_measures; m++)
				if (t->measures[m].kind == MEASURE_COUNT ||
				    (t->measures[m].kind == MEASURE_MIGRANTS && rows[j].migration)) {
					for (k = 0; k < nc; k++)
						res->values[m][cells[k]]++;
					if (keys)
						for (k = 0; k < nc; k++)
							res->keys[m][cells[k]] += rows[j].key;
				}
			if (res->provisional && rows[j].provisional)
				for (k = 0; k < nc; k++)
					res->provisional[cells[k]]++;
			if (persons && !same) {
				if (np + nc > pcap) {
					pcap = (np + nc) * 2;
					pcells = xrealloc(pcells, st_mult(pcap, sizeof(*pcells)));
				}
				memcpy(pcells + np, cells, nc * sizeof(*cells));
				np += nc;
			}
		}
		/* distinct persons: each of the person's cells once */
		if (persons && np) {
			size_t k;

			qsort(pcells, np, sizeof(*pcells), cmp_u32);
			for (k = 0; k < np; k++)
				if (k == 0 || pcells[k] != pcells[k - 1])
					for (m = 0; m < t->n_measures; m++)
						if (t->measures[m].kind == MEASURE_PERSONS) {
							res->values[m][pcells[k]]++;
							if (keys)
								res->keys[m][pcells[k]] += pkey;
						}
		}
	}
	mark_possible(t, res);
	/* what the data shows exists, whatever the constraints say */
	for (i = 0; i < res->n_cells; i++)
		if (!res->possible[i])
			for (m = 0; m < t->n_measures; m++)
				if (res->values[m][i])
					res->possible[i] = 1;
out:
	free(cells);
	free(pcells);
	free(rows);
	schema_free(s);
	sodium_memzero(secret, sizeof(secret));
	if (rc)
		tab_result_release(res);
	return rc;
}
