/*
 * classify_store.c: the classify stage over the store. Loads (person, day,
 * time, direction, birth) of every linked movement into compact memory,
 * sorts, classifies person by person and writes the results back in one
 * transaction.
 * SPDX-License-Identifier: MIT
 */
#include "classify_store.h"
#include "csv.h"
#include "date.h"
#include "mem.h"
#include "truth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct item {
	int64_t rowid;
	uint32_t person;
	uint32_t true_person;   /* 0: unknown */
	int32_t date, time, birth;
	int32_t stay;           /* permitted_stay_days, or -1 */
	uint8_t arrival;
	uint8_t cell;           /* nationality group, age group, sex: the estimation cell */
	uint8_t bolivian;
	uint8_t decl;           /* country of residence declared: 1 Bolivia, 0 abroad, 2 none */
	uint16_t nat;           /* nationality, three letters A-Z packed in 5 bits each */
	int8_t initial;         /* from the list of known residents: 1, 0, or -1 */
	int32_t init_final;     /* the day that status became final, or INT32_MIN */
};

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

/* The result of one crossing, kept until the provisional ones are estimated. */
struct result {
	int32_t rb_known, ra_known, ltm_known;
	uint8_t res_before, res_after, ltm, prov, migdir;
	uint8_t anomaly;
	uint8_t est;            /* the estimated migration flag (the result itself when final) */
	uint8_t res_est;        /* the residence after, with provisional results as estimated */
	uint8_t res_repaired;   /* a flagged person's: the residence after in the repaired history */
};

#define N_NAT_GROUPS 3   /* Bolivian, neighbouring country, other */
#define N_AGE_GROUPS 5   /* 0-17 (Ley 548), 18-29, 30-44, 45-64, 65+ */
#define N_SEXES 3
#define N_PURPOSES 2   /* declared a stay (residence, work, study) or not */
#define N_BASE (N_PURPOSES * N_NAT_GROUPS * N_AGE_GROUPS * N_SEXES)  /* struct item's cell */
#define N_HISTORY 2    /* came back before from a crossing in this direction, or not */
#define N_CELLS (2 * N_HISTORY * N_BASE)
#define MIN_CELL 10      /* final crossings the estimates need, all cells together */
#define STAGE_STEP 15    /* days between the stages a closed window is seen at */
#define SHRINK 5.0       /* a cell's share counts as this many crossings of its coarser cell's */
#define N_SOFAR 72       /* so_far's values: 3 (days back) x 2 (declared) x 2 (side now) x 6 (days away) */
#define SOFAR_SAID 12    /* what a later card declaring the new side adds to so_far's value */

/* A crossing as so_far sees it: its day and the residence its card declared. */
struct seen {
	int32_t date;
	uint8_t arrival;
	uint8_t decl;   /* country of residence declared: 1 Bolivia, 0 abroad, 2 none */
};

/*
 * How a crossing in the migrating direction stands on day `on`: whether
 * the person is on the new side now, how many days they have spent there
 * and back on the old side so far (the person's later crossings,
 * seen[k+1..m), alternate sides), and whether a later card declared a
 * residence on the new side (a Bolivian back on a visit who writes the
 * country they now live in). What the 12/16-month rule will say depends
 * on all of them: 365 days on the new side make a migration, 122 back
 * on the old one rule it out.
 */
static int so_far(const struct seen *seen, size_t m, size_t k, int32_t on)
{
	int32_t t = seen[k].date, away = 0, back = 0;
	int side = 1, said = 0, to_bolivia = seen[k].arrival;
	size_t j;

	for (j = k + 1; j < m && seen[j].date <= on; j++) {
		if (side)
			away += seen[j].date - t;
		else
			back += seen[j].date - t;
		t = seen[j].date;
		side = !side;
		said |= seen[j].decl == to_bolivia;
	}
	if (side)
		away += on - t;
	else
		back += on - t;
	return (back < 30 ? 0 : back < 91 ? 1 : 2) * 2 * SOFAR_SAID + said * SOFAR_SAID + side * 6 +
	       (away < 14 ? 0 : away < 30 ? 1 : away < 60 ? 2 : away < 91 ? 3 : away < 183 ? 4 : 5);
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

/*
 * For the estimates only (the results themselves keep the status, as the
 * reference classifier does): a flagged person's history repaired, a
 * missed crossing put back halfway between two in the same direction,
 * the second of two at the same moment dropped, the birth date set aside,
 * and classified again. map[k] is crossing k's place in the repaired one.
 */
static size_t repair(const struct crossing *c, size_t n, int initial, int32_t init_final, int32_t as_of,
		     const struct classify_params *p, struct crossing *c2, struct classified *out, size_t *map)
{
	size_t k, m = 0;

	for (k = 0; k < n; k++) {
		if (m > 0 && c[k].date == c2[m - 1].date && c[k].time >= 0 && c[k].time == c2[m - 1].time) {
			map[k] = m - 1;
			continue;
		}
		if (m > 0 && c2[m - 1].arrival == c[k].arrival) {
			c2[m].date = c2[m - 1].date + (c[k].date - c2[m - 1].date) / 2;
			c2[m].time = -1;
			c2[m++].arrival = (uint8_t)!c[k].arrival;
		}
		c2[m] = c[k];
		map[k] = m++;
	}
	classify_person(c2, m, initial, init_final, as_of, INT32_MIN, p, out);
	return m;
}

/*
 * A flagged person's repaired history, kept until the estimates are known:
 * its provisional results are estimated like anyone's, not taken as the
 * rule's projection that the person stays where the last crossing left them.
 */
struct repaired {
	int32_t date;
	uint8_t arrival, prov, res_before, res_after, ltm;
	uint8_t cell;   /* the estimation cell of the crossing, or of the next one for a put-back crossing */
	int8_t sofar;   /* how it stands on the as-of day (so_far) if provisional, else -1 */
	uint8_t est;    /* the residence after, as estimated */
};

struct flagged {
	size_t item, n_items;   /* the person's crossings in the items */
	size_t rep, n_rep;      /* its repaired history in the repaired crossings */
	size_t map;             /* where each crossing went in it, in the map */
};

struct flagged_set {
	struct flagged *p;
	struct repaired *r;
	size_t *map;
	struct seen *seen;
	size_t n, cap, n_r, cap_r, n_map, cap_map, cap_seen;
};

static void keep_repaired(struct flagged_set *fs, const struct item *it, size_t item, size_t n_items,
			  const struct crossing *c2, const struct classified *res2, size_t m,
			  const size_t *map, int32_t as_of)
{
	struct flagged *g;
	size_t q, k;
	uint8_t cell;

	if (fs->n == fs->cap) {
		fs->cap = fs->cap ? fs->cap * 2 : 256;
		fs->p = xrealloc(fs->p, st_mult(fs->cap, sizeof(*fs->p)));
	}
	while (fs->n_r + m > fs->cap_r) {
		fs->cap_r = fs->cap_r ? fs->cap_r * 2 : 4096;
		fs->r = xrealloc(fs->r, st_mult(fs->cap_r, sizeof(*fs->r)));
	}
	while (fs->n_map + n_items > fs->cap_map) {
		fs->cap_map = fs->cap_map ? fs->cap_map * 2 : 4096;
		fs->map = xrealloc(fs->map, st_mult(fs->cap_map, sizeof(*fs->map)));
	}
	if (m > fs->cap_seen) {
		fs->cap_seen = m * 2;
		fs->seen = xrealloc(fs->seen, st_mult(fs->cap_seen, sizeof(*fs->seen)));
	}
	g = &fs->p[fs->n++];
	g->item = item;
	g->n_items = n_items;
	g->rep = fs->n_r;
	g->n_rep = m;
	g->map = fs->n_map;
	for (q = 0; q < m; q++) {
		fs->seen[q].date = c2[q].date;
		fs->seen[q].arrival = c2[q].arrival;
		fs->seen[q].decl = 2;
	}
	for (k = 0; k < n_items; k++)
		fs->seen[map[k]].decl = it[item + k].decl;
	for (q = 0; q < m; q++) {
		struct repaired *r = &fs->r[fs->n_r + q];

		r->date = c2[q].date;
		r->arrival = c2[q].arrival;
		r->prov = res2[q].res_after_known > as_of || res2[q].ltm_known > as_of;
		r->res_before = res2[q].res_before;
		r->res_after = res2[q].res_after;
		r->ltm = res2[q].ltm;
		r->sofar = r->prov ? (int8_t)so_far(fs->seen, m, q, as_of) : -1;
		r->cell = 0xFF;
	}
	for (k = 0; k < n_items; k++) {
		fs->map[fs->n_map + k] = map[k];
		fs->r[fs->n_r + map[k]].cell = it[item + k].cell;
	}
	for (q = m, cell = it[item + n_items - 1].cell; q-- > 0;) {
		if (fs->r[fs->n_r + q].cell == 0xFF)
			fs->r[fs->n_r + q].cell = cell;
		cell = fs->r[fs->n_r + q].cell;
	}
	fs->n_r += m;
	fs->n_map += n_items;
}

static void flagged_release(struct flagged_set *fs)
{
	free(fs->p);
	free(fs->r);
	free(fs->map);
	free(fs->seen);
}

static int cmp_item(const void *x, const void *y)
{
	const struct item *a = x, *b = y;

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

/*
 * For the comparison with the story: which true persons linkage split
 * over more than one person (split, one byte per true person number) and
 * how many of each one's crossings are in the store (stored). The items
 * are in person order.
 */
static void truth_persons(const struct item *it, size_t n, uint8_t **split, uint32_t **stored)
{
	uint32_t *first_person;
	size_t i, m = 0;

	for (i = 0; i < n; i++)
		if (it[i].true_person >= m)
			m = (size_t)it[i].true_person + 1;
	*split = xcalloc(m ? m : 1, 1);
	*stored = xcalloc(m ? m : 1, sizeof(**stored));
	first_person = xcalloc(m ? m : 1, sizeof(*first_person));
	for (i = 0; i < n; i++) {
		uint32_t tp = it[i].true_person;

		if (!tp)
			continue;
		(*stored)[tp]++;
		if (!first_person[tp])
			first_person[tp] = it[i].person ? it[i].person : UINT32_MAX;
		else if (first_person[tp] != it[i].person || !it[i].person)
			(*split)[tp] = 1;
	}
	free(first_person);
}

/* Why crossing i's residence as estimated differs from the story (see enum classify_why). */
static enum classify_why why_differs(const struct item *it, size_t n, const struct result *rs, size_t i,
				     const struct truth *t, const uint8_t *split, const uint32_t *stored,
				     int32_t window)
{
	uint32_t tp = it[i].true_person;
	size_t a = i, b = i, k;

	if (it[i].person) {
		while (a > 0 && it[a - 1].person == it[i].person)
			a--;
		while (b + 1 < n && it[b + 1].person == it[i].person)
			b++;
	}
	if (split[tp])
		return WHY_LINKAGE;
	for (k = a; k <= b; k++)
		if (it[k].true_person != tp)
			return WHY_LINKAGE;
	if (rs[i].anomaly)
		return WHY_FLAGGED;
	if (truth_moves(t, tp, it[i].date, window, rs[i].res_est))
		return WHY_RULE_EARLY;
	if (stored[tp] < truth_records(t, tp))
		return WHY_MISSING;
	return rs[i].prov ? WHY_ESTIMATE : WHY_OTHER;
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

int classify_store(struct store *st, const struct classify_run_opts *o, struct classify_summary *sum,
		   struct err *err)
{
	sqlite3 *db = store_db(st);
	sqlite3_stmt *q = NULL, *ins = NULL;
	struct item *it = NULL;
	struct truth *truth = NULL;
	uint8_t *split = NULL;
	uint32_t *stored = NULL;
	size_t n = 0, cap = 0, i, j, k;
	struct crossing *cs = NULL, *cs2 = NULL;
	struct classified *res2 = NULL;
	size_t *rmap = NULL;
	struct flagged_set fs = { 0 };
	struct classified *res = NULL;
	struct result *rs = NULL;
	struct flow *flows = NULL;
	size_t n_flows = 0, cap_flows = 0;
	struct buf sqlb;
	uint64_t tr_den[N_CELLS * N_SOFAR] = { 0 }, tr_num[N_CELLS * N_SOFAR] = { 0 };
	int32_t *births = NULL, as_of = o->as_of;
	struct seen *seen = NULL;
	int rc = 0, step, in_tx = 0;
	const char *sql;

	memset(sum, 0, sizeof(*sum));
	if (o->true_persons && !o->truth_dir)
		return ERR_SET(err, ERR_USAGE, "true persons need a truth directory");
	buf_init(&sqlb, 1 << 12);
	if (o->truth_dir && (rc = truth_load(st, o->truth_dir, &truth, err)))
		goto out;
	if (o->residents && (rc = load_residents(st, o->residents, err)))
		goto out;
	buf_adds(&sqlb, "SELECT m.rowid, ", NULL);
	buf_adds(&sqlb, o->true_persons ? "t.person" : "l.person_id", NULL);
	buf_adds(&sqlb, ", m.direction, m.event_time, m.birth_date, ", NULL);
	buf_adds(&sqlb, o->truth_dir ? "t.person" : "NULL", NULL);
	buf_adds(&sqlb, ", m.nationality, m.sex, m.permitted_stay_days, ", NULL);
	buf_adds(&sqlb, o->residents ? "r.status, r.finalised" : "NULL, NULL", NULL);
	buf_adds(&sqlb, ", m.purpose, m.country_of_residence", NULL);
	buf_adds(&sqlb, " FROM reg_movements m", NULL);
	if (o->true_persons)
		buf_adds(&sqlb, " JOIN truth_rec t ON t.record_id = m.movement_id", NULL);
	else
		buf_adds(&sqlb, " JOIN person_links l ON l.register = 'movements' AND l.record_id = m.movement_id", NULL);
	if (o->truth_dir && !o->true_persons)
		buf_adds(&sqlb, " LEFT JOIN truth_rec t ON t.record_id = m.movement_id", NULL);
	if (o->residents)
		buf_adds(&sqlb, " LEFT JOIN residents r ON r.doc_type = m.document_type AND"
			 " r.doc_country = m.document_country AND r.doc_number = m.document_number", NULL);
	sql = sqlb.p;
	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK) {
		rc = ERR_SET(err, ERR_USAGE, "no linked movements in the store (run 'pasos ingest' and 'pasos link' first): %s",
			     sqlite3_errmsg(db));
		goto out;
	}
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(q, 3), *b = (const char *)sqlite3_column_text(q, 4);
		const char *dir = (const char *)sqlite3_column_text(q, 2);

		if (n == cap) {
			cap = cap ? cap * 2 : 1 << 16;
			it = xrealloc(it, st_mult(cap, sizeof(*it)));
		}
		it[n].rowid = sqlite3_column_int64(q, 0);
		it[n].person = (uint32_t)sqlite3_column_int64(q, 1);
		it[n].true_person = (uint32_t)sqlite3_column_int64(q, 5);
		it[n].arrival = dir && dir[0] == 'E' && dir[1] == 'N';
		it[n].date = t ? (int32_t)date_parse(t, strlen(t)) : DATE_INVALID;
		it[n].time = t && strlen(t) >= 19 ? (int32_t)(atoi(t + 11) * 3600 + atoi(t + 14) * 60 + atoi(t + 17)) : -1;
		it[n].birth = b ? (int32_t)date_parse(b, strlen(b)) : DATE_INVALID;
		if (it[n].date == DATE_INVALID)
			continue;
		{
			const char *nat = (const char *)sqlite3_column_text(q, 6), *sex = (const char *)sqlite3_column_text(q, 7);
			int sx = sex && sex[0] == 'F' ? 0 : sex && sex[0] == 'M' ? 1 : 2;

			it[n].bolivian = nat && !strcmp(nat, "BOL");
			it[n].nat = pack_nat(nat);
			{
				const char *pu = (const char *)sqlite3_column_text(q, 11);
				const char *cr = (const char *)sqlite3_column_text(q, 12);
				/*
				 * declares a stay: a purpose of residence, work or study, or a
				 * country of residence on the far side of the crossing
				 */
				int stay = (pu && (!strcmp(pu, "RESIDENCE") || !strcmp(pu, "WORK") || !strcmp(pu, "STUDY"))) ||
					   (cr && *cr && (it[n].arrival ? !strcmp(cr, "BOL") : strcmp(cr, "BOL") != 0));

				it[n].decl = cr && *cr ? !strcmp(cr, "BOL") : 2;
				it[n].cell = (uint8_t)(((stay * N_NAT_GROUPS + nat_group(nat)) * N_AGE_GROUPS +
							age_group(it[n].birth, it[n].date)) * N_SEXES + sx);
			}
			it[n].stay = sqlite3_column_type(q, 8) == SQLITE_INTEGER ? sqlite3_column_int(q, 8) : -1;
			it[n].initial = sqlite3_column_type(q, 9) == SQLITE_NULL ? -1 : (int8_t)sqlite3_column_int(q, 9);
			it[n].init_final = INT32_MIN;
			if (sqlite3_column_type(q, 10) == SQLITE_TEXT) {
				const char *f = (const char *)sqlite3_column_text(q, 10);
				long fd = date_parse(f, strlen(f));

				if (fd != DATE_INVALID)
					it[n].init_final = (int32_t)fd;
			}
		}
		if (o->as_of == INT32_MIN && it[n].date > as_of)
			as_of = it[n].date;
		n++;
	}
	if (step != SQLITE_DONE) {
		rc = store_error(db, "cannot read movements", err);
		goto out;
	}
	sqlite3_finalize(q);
	q = NULL;
	if (n == 0) {
		rc = ERR_SET(err, ERR_USAGE, "no linked movements in the store (run 'pasos link' first)");
		goto out;
	}
	sum->as_of = as_of;
	qsort(it, n, sizeof(*it), cmp_item);
	cs = xmalloc(st_mult(n, sizeof(*cs)));
	cs2 = xmalloc(st_mult(2 * n, sizeof(*cs2)));
	res2 = xmalloc(st_mult(2 * n, sizeof(*res2)));
	rmap = xmalloc(st_mult(n, sizeof(*rmap)));
	res = xmalloc(st_mult(n, sizeof(*res)));
	births = xmalloc(st_mult(n, sizeof(*births)));
	seen = xmalloc(st_mult(n, sizeof(*seen)));
	if ((rc = store_exec(st, "BEGIN IMMEDIATE;"
		       "DROP TABLE IF EXISTS classified_crossings;"
		       "CREATE TABLE classified_crossings(movement_rowid INTEGER NOT NULL, person_id INTEGER NOT NULL,"
		       " res_before INTEGER NOT NULL, res_after INTEGER NOT NULL, long_term_migration INTEGER NOT NULL,"
		       " res_before_known_on TEXT, res_after_known_on TEXT, ltm_known_on TEXT,"
		       " provisional INTEGER NOT NULL, anomaly TEXT, res_after_estimated INTEGER NOT NULL);"
		       "CREATE TABLE IF NOT EXISTS classify_runs(run_id INTEGER PRIMARY KEY, as_of TEXT, window INTEGER,"
		       " threshold INTEGER, persons INTEGER, crossings INTEGER, provisional INTEGER,"
		       " run_at TEXT DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));", err)))
		goto out;
	in_tx = 1;
	if (sqlite3_prepare_v2(db, "INSERT INTO classified_crossings VALUES(?,?,?,?,?,?,?,?,?,?,?)", -1, &ins, NULL) != SQLITE_OK) {
		rc = store_error(db, "cannot prepare", err);
		goto out;
	}
	rs = xcalloc(n, sizeof(*rs));
	/* pass 1: each person's crossings in time order */
	for (i = 0; i < n; i = j) {
		int32_t birth = DATE_INVALID;
		enum classify_anomaly an;
		size_t best = 0, run = 0;
		int ever_left = 0, initial = -1;
		int32_t init_final = INT32_MIN;

		for (j = i; j < n && it[j].person == it[i].person; j++) {
			if (initial < 0 && it[j].initial >= 0) {
				initial = it[j].initial;
				init_final = it[j].init_final;
			}
			cs[j - i].date = it[j].date;
			cs[j - i].time = it[j].time;
			cs[j - i].arrival = it[j].arrival;
			births[j - i] = it[j].birth;
			seen[j - i].date = it[j].date;
			seen[j - i].arrival = it[j].arrival;
			seen[j - i].decl = it[j].decl;
		}
		/* the person's birth date: the one most of the records give */
		qsort(births, j - i, sizeof(*births), cmp_i32);
		for (k = 0; k < j - i; k++) {
			run = (k > 0 && births[k] == births[k - 1]) ? run + 1 : 1;
			if (run > best && births[k] != DATE_INVALID) {
				best = run;
				birth = births[k];
			}
		}
		an = classify_person(cs, j - i, initial, init_final, as_of, birth == DATE_INVALID ? INT32_MIN : birth,
				     &o->params, res);
		sum->known_residents += initial >= 0;
		if (an != ANOMALY_NONE) {
			size_t m2 = repair(cs, j - i, initial, init_final, as_of, &o->params, cs2, res2, rmap);

			keep_repaired(&fs, it, i, j - i, cs2, res2, m2, rmap, as_of);
		}
		/*
		 * How results like today's provisional ones came out (ABS, Stats
		 * NZ): every crossing in the migrating direction whose window
		 * closed before today's (so that migrations and returns are
		 * equally final), seen as it stood every STAGE_STEP days of its
		 * window while it was still provisional: which side the person
		 * was on and for how long, and what it turned out to be.
		 */
		if (an == ANOMALY_NONE) {
			int back[2] = { 0, 0 };
			int32_t closed = as_of - o->params.window;

			for (k = 0; k < j - i; k++) {
				const struct classified *c = &res[k];
				int32_t fin = c->res_after_known > c->ltm_known ? c->res_after_known : c->ltm_known, day;
				int mig = cs[k].arrival ? !c->res_before : c->res_before;
				size_t ec = (size_t)back[cs[k].arrival] * N_BASE + it[i + k].cell;

				if (mig && fin <= as_of && cs[k].date <= closed)
					for (day = cs[k].date + STAGE_STEP / 2; day < fin; day += STAGE_STEP) {
						size_t cell = ((size_t)cs[k].arrival * (N_CELLS / 2) + ec) * N_SOFAR +
							      (size_t)so_far(seen, j - i, k, day);

						tr_den[cell]++;
						tr_num[cell] += c->ltm;
					}
				if (fin <= as_of && mig && !c->ltm)
					back[cs[k].arrival] = 1;
			}
		}
		sum->persons++;
		sum->flagged[an] += an != ANOMALY_NONE;
		for (k = i; k < j; k++) {
			const struct classified *c = &res[k - i];
			struct result *r = &rs[k];

			r->rb_known = c->res_before_known;
			r->ra_known = c->res_after_known;
			r->ltm_known = c->ltm_known;
			r->res_before = c->res_before;
			r->res_after = c->res_after;
			r->ltm = c->ltm;
			r->anomaly = (uint8_t)an;
			r->res_repaired = an != ANOMALY_NONE ? res2[rmap[k - i]].res_after : c->res_after;
			r->prov = c->res_after_known > as_of || c->ltm_known > as_of;
			r->migdir = it[k].arrival ? !c->res_before : c->res_before;
			if (c->ltm && !it[k].arrival && c->res_before)
				ever_left = 1;
			/* a foreign visitor who stayed beyond the permitted days */
			if (it[k].arrival && !it[k].bolivian && it[k].stay > 0 && !c->res_after) {
				int32_t left = k + 1 < j ? it[k + 1].date : as_of;

				if (left - it[k].date > it[k].stay)
					sum->overstays++;
			}
		}
		/* a Bolivian abroad: left as a migrant and not back as a resident */
		if (it[i].bolivian && ever_left && !rs[j - 1].res_after)
			sum->bolivians_abroad++;
	}
	/* pass 2: each provisional result estimated from how such results came out before */
	{
		/* one estimate per (direction, cell, provisional flag); coarser cells when thin */
		double est[2][N_CELLS / 2][N_SOFAR];
		int have[2][N_CELLS / 2][N_SOFAR];
		int dir, c0, f;

		for (dir = 0; dir < 2; dir++)
			for (c0 = 0; c0 < N_CELLS / 2; c0++)
				for (f = 0; f < N_SOFAR; f++) {
					uint64_t dn[5] = { 0 }, nm[5] = { 0 };
					double p = 0;
					int level, c;

					/*
					 * the cell, its ages and sexes together, its nationality
					 * groups together, everything, and everything whatever
					 * later cards declared: each level's share pulled towards
					 * the coarser one's as far as it is thin
					 */
					for (c = 0; c < N_CELLS / 2; c++) {
						size_t cell = ((size_t)dir * (N_CELLS / 2) + (size_t)c) * N_SOFAR + (size_t)f;
						size_t other = cell - (size_t)f + (size_t)(f / SOFAR_SAID % 2 ? f - SOFAR_SAID : f + SOFAR_SAID);
						int same[4];

						same[0] = c == c0;
						same[1] = c / (N_AGE_GROUPS * N_SEXES) == c0 / (N_AGE_GROUPS * N_SEXES);
						same[2] = c / (N_NAT_GROUPS * N_AGE_GROUPS * N_SEXES) == c0 / (N_NAT_GROUPS * N_AGE_GROUPS * N_SEXES);
						same[3] = 1;
						for (level = 0; level < 4; level++)
							if (same[level]) {
								dn[level] += tr_den[cell];
								nm[level] += tr_num[cell];
							}
						dn[4] += tr_den[cell] + tr_den[other];
						nm[4] += tr_num[cell] + tr_num[other];
					}
					for (level = 4; level >= 0; level--)
						p = level == 4 ? (dn[4] ? (double)nm[4] / (double)dn[4] : 0)
							       : ((double)nm[level] + SHRINK * p) / ((double)dn[level] + SHRINK);
					have[dir][c0][f] = dn[4] >= MIN_CELL;
					est[dir][c0][f] = p;
				}
		/*
		 * a flagged person's repaired history: its final results as they
		 * are, its provisional ones estimated, each from the residence the
		 * estimates before it left; the person's crossings take theirs
		 */
		for (i = 0; i < fs.n; i++) {
			const struct flagged *g = &fs.p[i];
			struct repaired *r = fs.r + g->rep;
			int state = r[0].res_before, back[2] = { 0, 0 };
			size_t x;

			for (x = 0; x < g->n_rep; x++) {
				size_t ec = (size_t)back[r[x].arrival] * N_BASE + r[x].cell;

				if (!r[x].prov) {
					r[x].est = r[x].res_after;
					if ((r[x].arrival ? !r[x].res_before : r[x].res_before) && !r[x].ltm)
						back[r[x].arrival] = 1;
				} else {
					int mig = r[x].arrival ? !state : state;
					int yes = r[x].sofar >= 0 && have[r[x].arrival][ec][r[x].sofar]
						  ? est[r[x].arrival][ec][r[x].sofar] >= 0.5 : r[x].ltm;

					r[x].est = (uint8_t)(mig && yes ? !state : state);
				}
				state = r[x].est;
			}
			for (k = 0; k < g->n_items; k++)
				rs[g->item + k].res_repaired = r[fs.map[g->map + k]].est;
		}
		int back[2] = { 0, 0 };
		size_t first = 0, m = 0;

		for (i = 0; i < n; i++) {
			double p = rs[i].ltm, pe;
			int y, mo, dd;
			int flag;
			size_t ec;

			if (i == 0 || it[i].person != it[i - 1].person || !it[i].person) {
				back[0] = back[1] = 0;
				/* the person's crossings as so_far sees them */
				for (first = i, m = 0; i + m < n && it[i + m].person == it[i].person && (m == 0 || it[i].person); m++) {
					seen[m].date = it[i + m].date;
					seen[m].arrival = it[i + m].arrival;
					seen[m].decl = it[i + m].decl;
				}
			}
			ec = (size_t)back[it[i].arrival] * N_BASE + it[i].cell;
			if (!rs[i].prov && rs[i].migdir && !rs[i].ltm)
				back[it[i].arrival] = 1;
			flag = rs[i].prov && !rs[i].anomaly ? so_far(seen, m, i - first, as_of) : -1;
			/*
			 * every provisional crossing gets an estimate: one that is not in
			 * the migrating direction now may be once an earlier estimate
			 * has turned the person's residence
			 */
			pe = flag >= 0 && have[it[i].arrival][ec][flag] ? est[it[i].arrival][ec][flag] : -1;
			rs[i].est = pe >= 0 ? pe >= 0.5 : rs[i].ltm;
			if (rs[i].migdir && pe >= 0) {
				p = pe;
				sum->estimated++;
			}
			if (p <= 0)
				continue;
			date_to_civil(it[i].date, &y, &mo, &dd);
			count_year(sum, y, it[i].arrival, rs[i].prov, p);
			if (n_flows == cap_flows) {
				cap_flows = cap_flows ? cap_flows * 2 : 4096;
				flows = xrealloc(flows, st_mult(cap_flows, sizeof(*flows)));
			}
			flows[n_flows].key = (uint64_t)(y * 12 + mo - 1) << 24 | (uint64_t)it[i].arrival << 23 |
					     (uint64_t)it[i].nat << 8 | it[i].cell % (N_AGE_GROUPS * N_SEXES);
			flows[n_flows].final = rs[i].prov ? 0 : 1;
			flows[n_flows++].estimated = rs[i].prov ? p : 0;
		}
	}
	/*
	 * The residence after each crossing as estimated: final results as they
	 * are; a provisional one follows the estimate, and the person's later
	 * crossings follow from there.
	 */
	for (i = 0; i < n; i = j) {
		int state = rs[i].res_before;

		for (j = i; j < n && it[j].person == it[i].person; j++) {
			struct result *r = &rs[j];

			if (r->anomaly) {
				r->res_est = r->res_repaired;
			} else if (!r->prov) {
				r->res_est = r->res_after;
			} else {
				int mig = it[j].arrival ? !state : state;

				r->res_est = (uint8_t)(mig && r->est ? !state : state);
			}
			state = r->res_est;
		}
	}
	if (truth)
		truth_persons(it, n, &split, &stored);
	/*
	 * pass 3: write the results in person order into a table without a
	 * key: appends, with no random access to the items or the b-tree.
	 */
	for (i = 0; i < n; i++) {
		const struct result *c = &rs[i];
		char d1[11], d2[11], d3[11];

		date_format(c->rb_known, d1);
		date_format(c->ra_known, d2);
		date_format(c->ltm_known, d3);
		sqlite3_bind_int64(ins, 1, it[i].rowid);
		sqlite3_bind_int64(ins, 2, it[i].person);
		sqlite3_bind_int(ins, 3, c->res_before);
		sqlite3_bind_int(ins, 4, c->res_after);
		sqlite3_bind_int(ins, 5, c->ltm);
		sqlite3_bind_text(ins, 6, d1, 10, SQLITE_TRANSIENT);
		sqlite3_bind_text(ins, 7, d2, 10, SQLITE_TRANSIENT);
		sqlite3_bind_text(ins, 8, d3, 10, SQLITE_TRANSIENT);
		sqlite3_bind_int(ins, 9, c->prov);
		if (c->anomaly)
			sqlite3_bind_text(ins, 10, classify_anomaly_name((enum classify_anomaly)c->anomaly), -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(ins, 10);
		sqlite3_bind_int(ins, 11, c->res_est);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			rc = store_error(db, "cannot store a result", err);
			goto out;
		}
		sqlite3_reset(ins);
		sum->crossings++;
		sum->provisional += c->prov;
		if (truth && it[i].true_person) {
			int lived = truth_lived(truth, it[i].true_person, it[i].date);

			if (lived >= 0) {
				sum->compared++;
				sum->agree += lived == c->res_after;
				if (!c->prov) {
					sum->compared_final++;
					sum->agree_final += lived == c->res_after;
				}
				/* with provisional results as estimated */
				sum->agree_est += lived == c->res_est;
				if (lived != c->res_est)
					sum->differ[why_differs(it, n, rs, i, truth, split, stored,
								o->params.window)][it[i].arrival]++;
			}
		}
	}
	/* the derived figures: long-term migrations by month, direction, nationality, sex, age group */
	if ((rc = store_exec(st, "DROP TABLE IF EXISTS long_term_migration;"
		       "CREATE TABLE long_term_migration(month TEXT, direction TEXT, nationality TEXT, sex TEXT,"
		       " age_group TEXT, final INTEGER, provisional_estimated REAL);", err)))
		goto out;
	if (n_flows) {
		static const char *ages[] = { "Y0T17", "Y18T29", "Y30T44", "Y45T64", "Y_GE65" };
		static const char *sexes[] = { "F", "M", "_U" };
		sqlite3_stmt *fq = NULL;

		qsort(flows, n_flows, sizeof(*flows), cmp_flow);
		if (sqlite3_prepare_v2(db, "INSERT INTO long_term_migration VALUES(?,?,?,?,?,?,?)", -1, &fq, NULL) != SQLITE_OK) {
			rc = store_error(db, "cannot prepare", err);
			goto out;
		}
		for (i = 0; i < n_flows; i = j) {
			double fin = 0, est = 0;
			uint64_t key = flows[i].key;
			unsigned month = (unsigned)(key >> 24), rest = (unsigned)(key & 0xFF);
			char mon[16], nat[4];

			for (j = i; j < n_flows && flows[j].key == key; j++) {
				fin += flows[j].final;
				est += flows[j].estimated;
			}
			snprintf(mon, sizeof(mon), "%04u-%02u", month / 12, month % 12 + 1);
			unpack_nat((uint16_t)(key >> 8 & 0x7FFF), nat);
			sqlite3_bind_text(fq, 1, mon, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(fq, 2, key >> 23 & 1 ? "ENTRY" : "EXIT", -1, SQLITE_STATIC);
			sqlite3_bind_text(fq, 3, nat, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(fq, 4, sexes[rest % N_SEXES], -1, SQLITE_STATIC);
			sqlite3_bind_text(fq, 5, ages[rest / N_SEXES], -1, SQLITE_STATIC);
			sqlite3_bind_int64(fq, 6, (sqlite3_int64)fin);
			sqlite3_bind_double(fq, 7, est);
			if (sqlite3_step(fq) != SQLITE_DONE) {
				sqlite3_finalize(fq);
				rc = store_error(db, "cannot store the figures", err);
				goto out;
			}
			sqlite3_reset(fq);
		}
		sqlite3_finalize(fq);
	}
	{
		char sqlrun[256], d[11];

		date_format(as_of, d);
		snprintf(sqlrun, sizeof(sqlrun), "INSERT INTO classify_runs(as_of, window, threshold, persons, crossings, provisional)"
			 " VALUES('%s', %d, %d, %llu, %llu, %llu); COMMIT;", d, o->params.window, o->params.threshold,
			 (unsigned long long)sum->persons, (unsigned long long)sum->crossings,
			 (unsigned long long)sum->provisional);
		if ((rc = store_exec(st, sqlrun, err)))
			goto out;
		in_tx = 0;
	}
	qsort(sum->years, sum->n_years, sizeof(sum->years[0]), cmp_year);
out:
	if (in_tx)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_finalize(q);
	sqlite3_finalize(ins);
	free(it);
	free(cs);
	free(res);
	free(cs2);
	free(res2);
	free(rmap);
	flagged_release(&fs);
	free(births);
	free(seen);
	truth_free(truth);
	free(split);
	free(stored);
	free(rs);
	free(flows);
	buf_release(&sqlb);
	return rc;
}
