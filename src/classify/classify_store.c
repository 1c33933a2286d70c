/*
 * classify_store.c: the classify stage over the store. Reads every linked
 * movement once into an external sort by person and time (compact items,
 * bounded memory), then goes over the persons twice: the first pass
 * learns how closed windows came out (classify_estimate.c), the second
 * classifies, estimates and writes the results back in one transaction.
 * SPDX-License-Identifier: MIT
 */
#include "classify_store.h"
#include "classify_int.h"
#include "csv.h"
#include "date.h"
#include "extsort.h"
#include "mem.h"
#include "truth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One cell of the derived figures: month, direction, nationality, sex, age group. */
struct flow {
	uint64_t key;
	double final, estimated;
};

static int cmp_flow(const void *x, const void *y)
{
	uint64_t a = ((const struct flow *)x)->key, b = ((const struct flow *)y)->key;

	return a < b ? -1 : a > b;
}

static uint16_t pack_nat(const char *s)
{
	if (!s || strlen(s) != 3)
		return 0;
	return (uint16_t)(((s[0] - 'A') & 31) << 10 | ((s[1] - 'A') & 31) << 5 | ((s[2] - 'A') & 31));
}

static void unpack_nat(uint16_t v, char out[4])
{
	out[0] = (char)('A' + (v >> 10 & 31));
	out[1] = (char)('A' + (v >> 5 & 31));
	out[2] = (char)('A' + (v & 31));
	out[3] = '\0';
}

static int nat_group(const char *nat)
{
	static const char *neighbours[] = { "ARG", "PER", "CHL", "BRA", "PRY", NULL };
	int i;

	if (!nat || !strcmp(nat, "BOL"))
		return 0;
	for (i = 0; neighbours[i]; i++)
		if (!strcmp(nat, neighbours[i]))
			return 1;
	return 2;
}

static int age_group(int32_t birth, int32_t d)
{
	int years;

	if (birth == DATE_INVALID)
		return 2;
	years = (int)((d - birth) / 365.25);
	return years < 18 ? 0 : years < 30 ? 1 : years < 45 ? 2 : years < 65 ? 3 : 4;
}

static int cmp_item(const void *x, const void *y)
{
	const struct classify_item *a = x, *b = y;

	if (a->person != b->person)
		return a->person < b->person ? -1 : 1;
	if (a->date != b->date)
		return a->date < b->date ? -1 : 1;
	if (a->time != b->time)
		return a->time < b->time ? -1 : 1;
	return a->rowid < b->rowid ? -1 : a->rowid > b->rowid;
}

static int cmp_i32(const void *x, const void *y)
{
	int32_t a = *(const int32_t *)x, b = *(const int32_t *)y;

	return a < b ? -1 : a > b;
}

/*
 * The list of known residents: document_type,document_country,
 * document_number,initial_status[,initial_status_finalised], as a
 * population register would give it.
 */
static int load_residents(struct store *st, const char *path, struct err *err)
{
	sqlite3 *db = store_db(st);
	struct csv_reader *r = NULL;
	struct csv_record rec;
	sqlite3_stmt *q = NULL;
	int col[5] = { -1, -1, -1, -1, -1 }, rc;
	static const char *names[5] = { "document_type", "document_country", "document_number",
		"initial_status", "initial_status_finalised" };
	size_t k;

	if ((rc = store_exec(st, "DROP TABLE IF EXISTS temp.residents;"
		       "CREATE TEMP TABLE residents(doc_type TEXT, doc_country TEXT, doc_number TEXT, status INTEGER,"
		       " finalised TEXT, PRIMARY KEY(doc_type, doc_country, doc_number)) WITHOUT ROWID; BEGIN", err)))
		return rc;
	if ((rc = csv_reader_open(&r, path, 0, err)))
		goto out;
	if (csv_reader_next(r, &rec, err) != 1) {
		rc = ERR_SET(err, ERR_DATA, "'%s' is empty", path);
		goto out;
	}
	for (k = 0; k < 5; k++)
		col[k] = csv_column(&rec, names[k]);
	if (col[0] < 0 || col[1] < 0 || col[2] < 0 || col[3] < 0) {
		rc = ERR_SET(err, ERR_DATA, "%s:1: a list of residents needs document_type, document_country,"
			     " document_number and initial_status", path);
		goto out;
	}
	if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO residents VALUES(?,?,?,?,?)", -1, &q, NULL) != SQLITE_OK) {
		rc = store_error(db, "residents", err);
		goto out;
	}
	while (csv_reader_next(r, &rec, err) == 1) {
		if (rec.n_fields <= (size_t)col[3] || rec.fields[col[3]].len != 1 ||
		    (rec.fields[col[3]].p[0] != '0' && rec.fields[col[3]].p[0] != '1')) {
			rc = ERR_SET(err, ERR_DATA, "%s:%llu: field 'initial_status': 0 or 1", path,
				     (unsigned long long)rec.line);
			goto out;
		}
		for (k = 0; k < 3; k++)
			sqlite3_bind_text(q, (int)k + 1, rec.fields[col[k]].p, (int)rec.fields[col[k]].len, SQLITE_STATIC);
		sqlite3_bind_int(q, 4, rec.fields[col[3]].p[0] == '1');
		if (col[4] >= 0 && (size_t)col[4] < rec.n_fields && rec.fields[col[4]].len)
			sqlite3_bind_text(q, 5, rec.fields[col[4]].p, (int)rec.fields[col[4]].len, SQLITE_STATIC);
		else
			sqlite3_bind_null(q, 5);
		sqlite3_step(q);
		sqlite3_reset(q);
	}
out:
	sqlite3_finalize(q);
	csv_reader_free(r);
	return store_end(st, rc, err);
}

static void count_year(struct classify_summary *sum, int year, int arrival, int provisional, double p)
{
	size_t i;

	for (i = 0; i < sum->n_years && sum->years[i].year != year; i++)
		;
	if (i == sum->n_years) {
		if (sum->n_years == CLASSIFY_MAX_YEARS)
			return;
		memset(&sum->years[i], 0, sizeof(sum->years[i]));
		sum->years[i].year = year;
		sum->n_years++;
	}
	if (provisional) {
		if (arrival)
			sum->years[i].arrivals_est += p, sum->years[i].arrivals_prov += p >= 0.5;
		else
			sum->years[i].departures_est += p, sum->years[i].departures_prov += p >= 0.5;
	} else {
		if (arrival)
			sum->years[i].arrivals++;
		else
			sum->years[i].departures++;
	}
}

static int cmp_year(const void *x, const void *y)
{
	return ((const struct classify_year *)x)->year - ((const struct classify_year *)y)->year;
}


/* ==== One person at a time ==== */

static void person_grow(struct classify_person *p, size_t need)
{
	if (need <= p->cap)
		return;
	p->cap = need < 64 ? 64 : need * 2;
	p->it = xrealloc(p->it, st_mult(p->cap, sizeof(*p->it)));
	p->cs = xrealloc(p->cs, st_mult(p->cap, sizeof(*p->cs)));
	p->res = xrealloc(p->res, st_mult(p->cap, sizeof(*p->res)));
	p->seen = xrealloc(p->seen, st_mult(p->cap, sizeof(*p->seen)));
	p->rs = xrealloc(p->rs, st_mult(p->cap, sizeof(*p->rs)));
	p->map = xrealloc(p->map, st_mult(p->cap, sizeof(*p->map)));
	p->births = xrealloc(p->births, st_mult(p->cap, sizeof(*p->births)));
	p->cs2 = xrealloc(p->cs2, st_mult(2 * p->cap, sizeof(*p->cs2)));
	p->res2 = xrealloc(p->res2, st_mult(2 * p->cap, sizeof(*p->res2)));
	p->seen2 = xrealloc(p->seen2, st_mult(2 * p->cap, sizeof(*p->seen2)));
	p->est2 = xrealloc(p->est2, st_mult(2 * p->cap, 1));
}

static void person_release(struct classify_person *p)
{
	free(p->it);
	free(p->cs);
	free(p->res);
	free(p->seen);
	free(p->rs);
	free(p->map);
	free(p->births);
	free(p->cs2);
	free(p->res2);
	free(p->seen2);
	free(p->est2);
}

/*
 * The next person's items from the sorted stream: 1, or 0 at the end.
 * *next is the item read ahead (*have_next says whether there is one).
 */
static int person_read(struct extsort *s, struct classify_person *p, struct classify_item *next, int *have_next, struct err *err)
{
	int rc;

	p->n = 0;
	if (!*have_next)
		return 0;
	do {
		person_grow(p, p->n + 1);
		p->it[p->n++] = *next;
		if ((rc = extsort_next(s, next, err)) < 0)
			return rc;
		*have_next = rc;
	} while (*have_next && next->person == p->it[0].person);
	return 1;
}

/* Classify the person's history, and repair a flagged one when the estimates need it (repair). */
static void person_classify(struct classify_person *p, const struct classify_params *params, int32_t as_of,
			    int repair)
{
	int32_t birth = DATE_INVALID, init_final = INT32_MIN;
	size_t k, best = 0, run = 0;

	p->initial = -1;
	for (k = 0; k < p->n; k++) {
		const struct classify_item *it = &p->it[k];

		if (p->initial < 0 && it->initial >= 0) {
			p->initial = it->initial;
			init_final = it->init_final;
		}
		p->cs[k].date = it->date;
		p->cs[k].time = it->time;
		p->cs[k].arrival = it->arrival;
		p->births[k] = it->birth;
		p->seen[k].date = it->date;
		p->seen[k].arrival = it->arrival;
		p->seen[k].decl = it->decl;
		p->seen[k].cell = it->cell;
	}
	/* the person's birth date: the one most of the records give */
	qsort(p->births, p->n, sizeof(*p->births), cmp_i32);
	for (k = 0; k < p->n; k++) {
		run = (k > 0 && p->births[k] == p->births[k - 1]) ? run + 1 : 1;
		if (run > best && p->births[k] != DATE_INVALID) {
			best = run;
			birth = p->births[k];
		}
	}
	p->an = classify_person(p->cs, p->n, p->initial, init_final, as_of,
				birth == DATE_INVALID ? INT32_MIN : birth, params, p->res);
	p->n2 = 0;
	if (p->an == ANOMALY_NONE || !repair)
		return;
	p->n2 = classify_repair(p->cs, p->n, p->initial, init_final, as_of, params, p->cs2, p->res2, p->map);
	for (k = 0; k < p->n2; k++) {
		p->seen2[k].date = p->cs2[k].date;
		p->seen2[k].arrival = p->cs2[k].arrival;
		p->seen2[k].decl = 2;  /* a put-back crossing declared nothing */
		p->seen2[k].cell = UINT8_MAX;
	}
	for (k = 0; k < p->n; k++)
		if (p->seen2[p->map[k]].cell == UINT8_MAX) {
			p->seen2[p->map[k]].decl = p->it[k].decl;
			p->seen2[p->map[k]].cell = p->it[k].cell;
		}
	/* the history ends with a recorded crossing: put-back ones take the cell after them */
	for (k = p->n2; k-- > 1;)
		if (p->seen2[k - 1].cell == UINT8_MAX)
			p->seen2[k - 1].cell = p->seen2[k].cell;
}

/* ==== The derived figures ==== */

/* Long-term migrations by cell, added up as they come: bounded by the cells, not the crossings. */
struct flows {
	struct flow *f;
	size_t n, cap;
};

static void flows_compact(struct flows *fl)
{
	size_t i, m = 0;

	qsort(fl->f, fl->n, sizeof(*fl->f), cmp_flow);
	for (i = 0; i < fl->n; i++) {
		if (m > 0 && fl->f[m - 1].key == fl->f[i].key) {
			fl->f[m - 1].final += fl->f[i].final;
			fl->f[m - 1].estimated += fl->f[i].estimated;
		} else {
			fl->f[m++] = fl->f[i];
		}
	}
	fl->n = m;
}

static void flows_add(struct flows *fl, uint64_t key, double final, double estimated)
{
	if (fl->n == fl->cap) {
		if (fl->cap >= 1 << 16)
			flows_compact(fl);
		if (fl->n == fl->cap || fl->n > fl->cap / 2) {
			fl->cap = fl->cap ? fl->cap * 2 : 4096;
			fl->f = xrealloc(fl->f, st_mult(fl->cap, sizeof(*fl->f)));
		}
	}
	fl->f[fl->n].key = key;
	fl->f[fl->n].final = final;
	fl->f[fl->n++].estimated = estimated;
}

static int flows_write(struct store *st, struct flows *fl, struct err *err)
{
	static const char *ages[] = { "Y0T17", "Y18T29", "Y30T44", "Y45T64", "Y_GE65" };
	static const char *sexes[] = { "F", "M", "_U" };
	sqlite3 *db = store_db(st);
	sqlite3_stmt *fq = NULL;
	size_t i;
	int rc;

	if ((rc = store_exec(st, "DROP TABLE IF EXISTS long_term_migration;"
		       "CREATE TABLE long_term_migration(month TEXT, direction TEXT, nationality TEXT, sex TEXT,"
		       " age_group TEXT, final INTEGER, provisional_estimated REAL);", err)))
		return rc;
	flows_compact(fl);
	if (sqlite3_prepare_v2(db, "INSERT INTO long_term_migration VALUES(?,?,?,?,?,?,?)", -1, &fq, NULL) != SQLITE_OK)
		return store_error(db, "cannot prepare", err);
	for (i = 0; i < fl->n; i++) {
		uint64_t key = fl->f[i].key;
		unsigned month = (unsigned)(key >> 24), rest = (unsigned)(key & 0xFF);
		char mon[16], nat[4];

		snprintf(mon, sizeof(mon), "%04u-%02u", month / 12, month % 12 + 1);
		unpack_nat((uint16_t)(key >> 8 & 0x7FFF), nat);
		sqlite3_bind_text(fq, 1, mon, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(fq, 2, key >> 23 & 1 ? "ENTRY" : "EXIT", -1, SQLITE_STATIC);
		sqlite3_bind_text(fq, 3, nat, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(fq, 4, sexes[rest % CLASSIFY_SEXES], -1, SQLITE_STATIC);
		sqlite3_bind_text(fq, 5, ages[rest / CLASSIFY_SEXES], -1, SQLITE_STATIC);
		sqlite3_bind_int64(fq, 6, (sqlite3_int64)fl->f[i].final);
		sqlite3_bind_double(fq, 7, fl->f[i].estimated);
		if (sqlite3_step(fq) != SQLITE_DONE) {
			rc = store_error(db, "cannot store the figures", err);
			break;
		}
		sqlite3_reset(fq);
	}
	sqlite3_finalize(fq);
	return rc;
}

/* One row of migration_figures; year < 0 for a stock on the as-of day. */
static int put_figure(sqlite3 *db, sqlite3_stmt *q, const char *figure, int year, double final, double est,
		      const char *as_of, struct err *err)
{
	sqlite3_bind_text(q, 1, figure, -1, SQLITE_STATIC);
	if (year >= 0)
		sqlite3_bind_int(q, 2, year);
	else
		sqlite3_bind_null(q, 2);
	sqlite3_bind_double(q, 3, final);
	sqlite3_bind_double(q, 4, est);
	sqlite3_bind_text(q, 5, as_of, -1, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_DONE)
		return store_error(db, "cannot store the figures", err);
	sqlite3_reset(q);
	return 0;
}

/*
 * The figures of the summary, kept for the tables: long-term immigrant
 * arrivals, emigrant departures and net migration by year (final, and
 * provisional as estimated), Bolivians living abroad and visitors who
 * overstayed on the as-of day.
 */
static int figures_write(struct store *st, const struct classify_summary *sum, struct err *err)
{
	sqlite3 *db = store_db(st);
	sqlite3_stmt *q = NULL;
	char d[11];
	size_t i;
	int rc;

	if ((rc = store_exec(st, "DROP TABLE IF EXISTS migration_figures;"
		       "CREATE TABLE migration_figures(figure TEXT NOT NULL, year INTEGER, final REAL NOT NULL,"
		       " provisional_estimated REAL NOT NULL, as_of TEXT NOT NULL);", err)))
		return rc;
	if (sqlite3_prepare_v2(db, "INSERT INTO migration_figures VALUES(?,?,?,?,?)", -1, &q, NULL) != SQLITE_OK)
		return store_error(db, "cannot prepare", err);
	date_format(sum->as_of, d);
	for (i = 0; i < sum->n_years && !rc; i++) {
		const struct classify_year *y = &sum->years[i];

		if (!(rc = put_figure(db, q, "immigrant_arrivals", y->year, (double)y->arrivals, y->arrivals_est, d, err)) &&
		    !(rc = put_figure(db, q, "emigrant_departures", y->year, (double)y->departures, y->departures_est, d, err)))
			rc = put_figure(db, q, "net_migration", y->year, (double)y->arrivals - (double)y->departures,
					y->arrivals_est - y->departures_est, d, err);
	}
	if (!rc && !(rc = put_figure(db, q, "bolivians_abroad", -1, (double)sum->bolivians_abroad, 0, d, err)))
		rc = put_figure(db, q, "overstaying_visitors", -1, (double)sum->overstays, 0, d, err);
	sqlite3_finalize(q);
	return rc;
}

/* ==== Against the story (--truth) ==== */

/*
 * Per true person: how many of its crossings are in the store, the linked
 * person the first went to, and whether linkage split it over more than
 * one person. Grown to the largest true person number.
 */
struct truth_count {
	uint32_t *stored, *first;
	uint8_t *split;
	size_t n;
};

static void truth_count_add(struct truth_count *tc, uint32_t tp, uint32_t person)
{
	if (!tp)
		return;
	if (tp >= tc->n) {
		size_t m = tc->n ? tc->n : 1024;

		while (m <= tp)
			m *= 2;
		tc->stored = xrealloc(tc->stored, st_mult(m, sizeof(*tc->stored)));
		tc->first = xrealloc(tc->first, st_mult(m, sizeof(*tc->first)));
		tc->split = xrealloc(tc->split, m);
		memset(tc->stored + tc->n, 0, (m - tc->n) * sizeof(*tc->stored));
		memset(tc->first + tc->n, 0, (m - tc->n) * sizeof(*tc->first));
		memset(tc->split + tc->n, 0, m - tc->n);
		tc->n = m;
	}
	tc->stored[tp]++;
	if (!tc->first[tp])
		tc->first[tp] = person ? person : UINT32_MAX;
	else if (tc->first[tp] != person || !person)
		tc->split[tp] = 1;
}

static void truth_count_release(struct truth_count *tc)
{
	free(tc->stored);
	free(tc->first);
	free(tc->split);
}

/* Whether linkage put records of more than one true person in this person. */
static int merged(const struct classify_person *p)
{
	size_t j;

	for (j = 1; j < p->n; j++)
		if (p->it[j].true_person != p->it[0].true_person)
			return 1;
	return 0;
}

/* Why the person's crossing k, as estimated, differs from the story; mixed: merged(p). */
static enum classify_why why_differs(const struct classify_person *p, int mixed, size_t k, const struct truth *t,
				     const struct truth_count *tc, int32_t window)
{
	uint32_t tp = p->it[k].true_person;

	if (mixed || (tp < tc->n && tc->split[tp]))
		return WHY_LINKAGE;
	if (p->an != ANOMALY_NONE)
		return WHY_FLAGGED;
	if (truth_moves(t, tp, p->it[k].date, window, p->rs[k].res_est))
		return WHY_RULE_EARLY;
	if (tp < tc->n && tc->stored[tp] < truth_records(t, tp))
		return WHY_MISSING;
	return p->rs[k].prov ? WHY_ESTIMATE : WHY_OTHER;
}

/* ==== The stage ==== */

#ifndef SORT_MEMORY
#define SORT_MEMORY (256u << 20)  /* bytes of movements sorted in memory; more spill to runs */
#endif

/* The SQL that reads every linked movement with what classification needs. */
static void movements_sql(const struct classify_run_opts *o, struct buf *b)
{
	buf_adds(b, "SELECT m.rowid, ", NULL);
	buf_adds(b, o->true_persons ? "t.person" : "l.person_id", NULL);
	buf_adds(b, ", m.direction, m.event_time, m.birth_date, ", NULL);
	buf_adds(b, o->truth_dir ? "t.person" : "NULL", NULL);
	buf_adds(b, ", m.nationality, m.sex, m.permitted_stay_days, ", NULL);
	buf_adds(b, o->residents ? "r.status, r.finalised" : "NULL, NULL", NULL);
	buf_adds(b, ", m.purpose, m.country_of_residence", NULL);
	buf_adds(b, " FROM reg_movements m", NULL);
	if (o->true_persons)
		buf_adds(b, " JOIN truth_rec t ON t.record_id = m.movement_id", NULL);
	else
		buf_adds(b, " JOIN person_links l ON l.register = 'movements' AND l.record_id = m.movement_id", NULL);
	if (o->truth_dir && !o->true_persons)
		buf_adds(b, " LEFT JOIN truth_rec t ON t.record_id = m.movement_id", NULL);
	if (o->residents)
		buf_adds(b, " LEFT JOIN residents r ON r.doc_type = m.document_type AND"
			 " r.doc_country = m.document_country AND r.doc_number = m.document_number", NULL);
}

/* About how many movements there are, for progress: the largest rowid (instant). */
static uint64_t movements_expected(sqlite3 *db)
{
	sqlite3_stmt *q = NULL;
	uint64_t n = 1;

	if (sqlite3_prepare_v2(db, "SELECT max(rowid) FROM reg_movements", -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int64(q, 0) > 0)
		n = (uint64_t)sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return n;
}

/* One row of the movements query as an item; 0 when its time is not a date. */
static int movement_item(sqlite3_stmt *q, struct classify_item *it)
{
	const char *t = (const char *)sqlite3_column_text(q, 3), *b = (const char *)sqlite3_column_text(q, 4);
	const char *dir = (const char *)sqlite3_column_text(q, 2);
	const char *nat = (const char *)sqlite3_column_text(q, 6), *sex = (const char *)sqlite3_column_text(q, 7);
	const char *pu = (const char *)sqlite3_column_text(q, 11), *cr = (const char *)sqlite3_column_text(q, 12);
	int sx = sex && sex[0] == 'F' ? 0 : sex && sex[0] == 'M' ? 1 : 2, stay;

	memset(it, 0, sizeof(*it));
	it->date = t ? (int32_t)date_parse(t, strlen(t)) : DATE_INVALID;
	if (it->date == DATE_INVALID)
		return 0;
	it->rowid = sqlite3_column_int64(q, 0);
	it->person = (uint32_t)sqlite3_column_int64(q, 1);
	it->true_person = (uint32_t)sqlite3_column_int64(q, 5);
	it->arrival = dir && dir[0] == 'E' && dir[1] == 'N';
	it->time = date_parse_time(t, strlen(t));
	it->birth = b ? (int32_t)date_parse(b, strlen(b)) : DATE_INVALID;
	it->bolivian = nat && !strcmp(nat, "BOL");
	it->nat = pack_nat(nat);
	it->res_country = pack_nat(cr);
	/*
	 * declares a stay: a purpose of residence, work or study, or a
	 * country of residence on the far side of the crossing
	 */
	stay = (pu && (!strcmp(pu, "RESIDENCE") || !strcmp(pu, "WORK") || !strcmp(pu, "STUDY"))) ||
	       (cr && *cr && (it->arrival ? !strcmp(cr, "BOL") : strcmp(cr, "BOL") != 0));
	it->decl = cr && *cr ? !strcmp(cr, "BOL") : 2;
	it->cell = (uint8_t)(((stay * CLASSIFY_NAT_GROUPS + nat_group(nat)) * CLASSIFY_AGE_GROUPS +
			      age_group(it->birth, it->date)) * CLASSIFY_SEXES + sx);
	it->stay = sqlite3_column_type(q, 8) == SQLITE_INTEGER ? sqlite3_column_int(q, 8) : -1;
	it->initial = sqlite3_column_type(q, 9) == SQLITE_NULL ? -1 : (int8_t)sqlite3_column_int(q, 9);
	it->init_final = INT32_MIN;
	if (sqlite3_column_type(q, 10) == SQLITE_TEXT) {
		const char *f = (const char *)sqlite3_column_text(q, 10);
		long fd = date_parse(f, strlen(f));

		if (fd != DATE_INVALID)
			it->init_final = (int32_t)fd;
	}
	return 1;
}

/* Bind one result to the insert statement and run it. */
static int write_result(sqlite3 *db, sqlite3_stmt *ins, const struct classify_item *it, const struct classify_result *c,
			enum classify_anomaly an, uint16_t destination, struct err *err)
{
	char d1[11], d2[11], d3[11], dest[4];

	date_format(c->rb_known, d1);
	date_format(c->ra_known, d2);
	date_format(c->ltm_known, d3);
	sqlite3_bind_int64(ins, 1, it->rowid);
	sqlite3_bind_int64(ins, 2, it->person);
	sqlite3_bind_int(ins, 3, c->res_before);
	sqlite3_bind_int(ins, 4, c->res_after);
	sqlite3_bind_int(ins, 5, c->ltm);
	sqlite3_bind_text(ins, 6, d1, 10, SQLITE_TRANSIENT);
	sqlite3_bind_text(ins, 7, d2, 10, SQLITE_TRANSIENT);
	sqlite3_bind_text(ins, 8, d3, 10, SQLITE_TRANSIENT);
	sqlite3_bind_int(ins, 9, c->prov);
	if (an != ANOMALY_NONE)
		sqlite3_bind_text(ins, 10, classify_anomaly_name(an), -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(ins, 10);
	sqlite3_bind_int(ins, 11, c->res_est);
	if (destination) {
		unpack_nat(destination, dest);
		sqlite3_bind_text(ins, 12, dest, 3, SQLITE_TRANSIENT);
	} else {
		sqlite3_bind_null(ins, 12);
	}
	if (sqlite3_step(ins) != SQLITE_DONE)
		return store_error(db, "cannot store a result", err);
	sqlite3_reset(ins);
	return 0;
}

/*
 * Everything the summary says of one person, its results written, its
 * migrations added to the figures, and, with the truth, compared.
 */
static int person_finish(struct classify_person *p, const struct classify_run_opts *o, int32_t as_of, sqlite3 *db,
			 sqlite3_stmt *ins, struct flows *fl, const struct truth *truth,
			 const struct truth_count *tc, struct classify_summary *sum, struct err *err)
{
	int ever_left = 0, mixed = truth ? merged(p) : 0, rc;
	uint16_t bol = pack_nat("BOL");
	size_t k;

	sum->persons++;
	sum->flagged[p->an] += p->an != ANOMALY_NONE;
	sum->known_residents += p->initial >= 0;
	for (k = 0; k < p->n; k++) {
		const struct classify_item *it = &p->it[k];
		const struct classify_result *r = &p->rs[k];
		uint16_t dest = 0;

		if (!it->arrival) {
			/* where a departure went: the residence abroad the person's next arrival declares */
			size_t j;

			for (j = k + 1; j < p->n && !p->it[j].arrival; j++)
				;
			if (j < p->n && p->it[j].res_country && p->it[j].res_country != bol)
				dest = p->it[j].res_country;
		}
		if ((rc = write_result(db, ins, it, r, p->an, dest, err)))
			return rc;
		sum->crossings++;
		sum->provisional += r->prov;
		if (r->ltm && !it->arrival && r->res_before)
			ever_left = 1;
		/* a foreign visitor who stayed beyond the permitted days */
		if (it->arrival && !it->bolivian && it->stay > 0 && !r->res_after) {
			int32_t left = k + 1 < p->n ? p->it[k + 1].date : as_of;

			if (left - it->date > it->stay)
				sum->overstays++;
		}
		if (r->p > 0) {
			int y, mo, dd;

			date_to_civil(it->date, &y, &mo, &dd);
			count_year(sum, y, it->arrival, r->prov, r->p);
			flows_add(fl, (uint64_t)(y * 12 + mo - 1) << 24 | (uint64_t)it->arrival << 23 |
				      (uint64_t)it->nat << 8 | it->cell % (CLASSIFY_AGE_GROUPS * CLASSIFY_SEXES),
				  r->prov ? 0 : 1, r->prov ? r->p : 0);
		}
		if (truth && it->true_person) {
			int lived = truth_lived(truth, it->true_person, it->date);

			if (lived >= 0) {
				sum->compared++;
				sum->agree += lived == r->res_after;
				if (!r->prov) {
					sum->compared_final++;
					sum->agree_final += lived == r->res_after;
				}
				/* with provisional results as estimated */
				sum->agree_est += lived == r->res_est;
				if (lived != r->res_est)
					sum->differ[why_differs(p, mixed, k, truth, tc, o->params.window)][it->arrival]++;
			}
		}
	}
	/* a Bolivian abroad: left as a migrant and not back as a resident */
	if (p->it[0].bolivian && ever_left && !p->rs[p->n - 1].res_after)
		sum->bolivians_abroad++;
	return 0;
}

/*
 * The stage: every linked movement read once from the store into an
 * external sort by person and time (bounded memory), then two passes over
 * the persons: the first learns how closed windows came out, the second
 * classifies again, estimates the provisional results and writes
 * everything back in one transaction.
 */
int classify_store(struct store *st, const struct classify_run_opts *o, struct classify_summary *sum,
		   struct err *err)
{
	sqlite3 *db = store_db(st);
	sqlite3_stmt *q = NULL, *ins = NULL;
	struct extsort *sorter = NULL;
	struct classify_person per = { 0 };
	struct classify_training *tr = NULL;
	struct classify_estimates *est = NULL;
	struct flows fl = { 0 };
	struct truth *truth = NULL;
	struct truth_count tc = { 0 };
	struct classify_item item, next;
	struct buf sqlb;
	int32_t as_of = o->as_of;
	uint64_t expected, rows, read = 0, done;
	int rc = 0, step, have_next, pass;

	memset(sum, 0, sizeof(*sum));
	if (o->true_persons && !o->truth_dir)
		return ERR_SET(err, ERR_USAGE, "true persons need a truth directory");
	buf_init(&sqlb, 1 << 12);
	if (o->truth_dir && (rc = truth_load(st, o->truth_dir, &truth, err)))
		goto out;
	if (o->residents && (rc = load_residents(st, o->residents, err)))
		goto out;
	if ((rc = store_require_register(st, "movements", err)))
		goto out;
	if (!o->true_persons && !o->allow_stale) {
		/* linkage older than the data would leave the new movements out without a word */
		sqlite3_stmt *c = NULL;
		int64_t unlinked = 0;

		if (sqlite3_prepare_v2(db, "SELECT (SELECT count(*) FROM reg_movements) -"
				       " (SELECT count(*) FROM person_links WHERE register = 'movements')", -1, &c, NULL) == SQLITE_OK &&
		    sqlite3_step(c) == SQLITE_ROW)
			unlinked = sqlite3_column_int64(c, 0);
		sqlite3_finalize(c);
		if (unlinked > 0) {
			rc = ERR_SET(err, ERR_STORE, "%lld movements were ingested after the last 'pasos link': run it again"
				     " (or --allow-stale to classify the linked ones only)", (long long)unlinked);
			goto out;
		}
	}
	movements_sql(o, &sqlb);
	if (sqlite3_prepare_v2(db, sqlb.p, -1, &q, NULL) != SQLITE_OK) {
		rc = ERR_SET(err, ERR_USAGE, "no linked movements in the store (run 'pasos ingest' and 'pasos link' first): %s",
			     sqlite3_errmsg(db));
		goto out;
	}
	expected = movements_expected(db);
	sorter = extsort_new(sizeof(struct classify_item), SORT_MEMORY, cmp_item);
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		if (o->progress && (++read & 0xFFFF) == 0)
			o->progress(o->progress_ctx, read, 3 * expected);
		if (!movement_item(q, &item))
			continue;
		if (o->as_of == INT32_MIN && item.date > as_of)
			as_of = item.date;
		if ((rc = extsort_add(sorter, &item, err)))
			goto out;
	}
	if (step != SQLITE_DONE) {
		rc = store_error(db, "cannot read movements", err);
		goto out;
	}
	sqlite3_finalize(q);
	q = NULL;
	rows = extsort_count(sorter);
	if (rows == 0) {
		rc = ERR_SET(err, ERR_USAGE, "no linked movements in the store (run 'pasos link' first)");
		goto out;
	}
	sum->as_of = as_of;
	if ((rc = store_exec(st, "BEGIN IMMEDIATE;"
		       "DROP TABLE IF EXISTS classified_crossings;"
		       "CREATE TABLE classified_crossings(movement_rowid INTEGER NOT NULL, person_id INTEGER NOT NULL,"
		       " res_before INTEGER NOT NULL, res_after INTEGER NOT NULL, long_term_migration INTEGER NOT NULL,"
		       " res_before_known_on TEXT, res_after_known_on TEXT, ltm_known_on TEXT,"
		       " provisional INTEGER NOT NULL, anomaly TEXT, res_after_estimated INTEGER NOT NULL,"
		       /* a departure's destination: the residence abroad declared at the person's next arrival */
		       " destination TEXT);"
		       "CREATE TABLE IF NOT EXISTS classify_runs(run_id INTEGER PRIMARY KEY, as_of TEXT, window INTEGER,"
		       " threshold INTEGER, persons INTEGER, crossings INTEGER, provisional INTEGER,"
		       " run_at TEXT DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));", err)))
		goto out;
	if (sqlite3_prepare_v2(db, "INSERT INTO classified_crossings VALUES(?,?,?,?,?,?,?,?,?,?,?,?)", -1, &ins, NULL) != SQLITE_OK) {
		rc = store_error(db, "cannot prepare", err);
		goto out;
	}
	tr = xcalloc(1, sizeof(*tr));
	est = xcalloc(1, sizeof(*est));
	/* pass 1 learns (and counts each true person's crossings); pass 2 estimates and writes */
	for (pass = 1; pass <= 2; pass++) {
		if ((rc = extsort_rewind(sorter, err)))
			goto out;
		if ((rc = extsort_next(sorter, &next, err)) < 0)
			goto out;
		have_next = rc;
		done = (uint64_t)pass * rows;
		while ((rc = person_read(sorter, &per, &next, &have_next, err)) == 1) {
			size_t k;

			if (o->progress && (done & ~(uint64_t)0xFFFF) != ((done + per.n) & ~(uint64_t)0xFFFF))
				o->progress(o->progress_ctx, done + per.n, 3 * rows);
			done += per.n;
			/* pass 1 learns from unflagged persons only: no repair there */
			person_classify(&per, &o->params, as_of, pass == 2);
			if (pass == 1) {
				classify_train(&per, as_of, o->params.window, tr);
				if (truth)
					for (k = 0; k < per.n; k++)
						truth_count_add(&tc, per.it[k].true_person, per.it[k].person);
				continue;
			}
			sum->estimated += classify_estimate(&per, est, as_of);
			if ((rc = person_finish(&per, o, as_of, db, ins, &fl, truth, &tc, sum, err)))
				goto out;
		}
		if (rc < 0)
			goto out;
		if (pass == 1)
			classify_estimates_make(tr, est);
	}
	if (o->progress)
		o->progress(o->progress_ctx, 3 * rows, 3 * rows);
	if ((rc = flows_write(st, &fl, err)))
		goto out;
	qsort(sum->years, sum->n_years, sizeof(sum->years[0]), cmp_year);
	if ((rc = figures_write(st, sum, err)))
		goto out;
	/*
	 * A person's results side by side, as a traveller's history reads them
	 * (serve_history.c); a table keyed so instead left tables joining by
	 * movement to scan it whole for each movement.
	 */
	if ((rc = store_exec(st, "CREATE INDEX classified_crossings_person ON classified_crossings(person_id, movement_rowid,"
			     " res_after, long_term_migration, provisional)", err)))
		goto out;
	{
		char sqlrun[256], d[11];

		date_format(as_of, d);
		snprintf(sqlrun, sizeof(sqlrun), "INSERT INTO classify_runs(as_of, window, threshold, persons, crossings, provisional)"
			 " VALUES('%s', %d, %d, %llu, %llu, %llu); COMMIT;", d, o->params.window, o->params.threshold,
			 (unsigned long long)sum->persons, (unsigned long long)sum->crossings,
			 (unsigned long long)sum->provisional);
		rc = store_exec(st, sqlrun, err);
	}
out:
	if (rc)
		store_rollback(st);  /* the results as they were: nothing half written */
	sqlite3_finalize(q);
	sqlite3_finalize(ins);
	extsort_free(sorter);
	person_release(&per);
	free(tr);
	free(est);
	free(fl.f);
	truth_free(truth);
	truth_count_release(&tc);
	buf_release(&sqlb);
	return rc;
}
