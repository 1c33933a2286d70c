/*
 * watchlist.c: watch lists in the store. See watchlist.h.
 * SPDX-License-Identifier: MIT
 */
#include "watchlist.h"
#include "csv.h"
#include "date.h"
#include "ingest.h"
#include "schema.h"
#include "sha256.h"
#include "store.h"
#include "validate.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define REPORT_MAX 20  /* problems spelled out; the rest are counted */
#define CHUNK 20000    /* rows a transaction: a service on the same store waits for no more */

const char *const wl_kind_names[WL_KINDS] = { "sought", "missing_minor", "trafficking", "ban", "lost_stolen" };

static const char *const schema_sql =
	"CREATE TABLE IF NOT EXISTS watchlist_versions(version INTEGER PRIMARY KEY, list TEXT NOT NULL,"
	" file TEXT NOT NULL, sha256 TEXT NOT NULL, loaded_at TEXT NOT NULL, entries INTEGER NOT NULL,"
	" names INTEGER NOT NULL, current INTEGER NOT NULL, status TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS watchlist_entries(version INTEGER NOT NULL, id TEXT NOT NULL,"
	" name TEXT NOT NULL, aliases TEXT NOT NULL, birth_date TEXT NOT NULL, nationality TEXT NOT NULL,"
	" document_type TEXT NOT NULL, document_country TEXT NOT NULL, document_number TEXT NOT NULL,"
	" kind TEXT NOT NULL, reason TEXT NOT NULL, PRIMARY KEY(version, id)) WITHOUT ROWID;";

/* Field order of registers/watchlist.reg, checked when it is loaded. */
enum { F_ID, F_NAME, F_ALIASES, F_BIRTH, F_NAT, F_DOCT, F_DOCC, F_DOCN, F_LIST, F_REASON, F_N };
static const char *const field_names[F_N] = { "id", "name", "aliases", "birth_date", "nationality",
					      "document_type", "document_country", "document_number",
					      "list", "reason" };

int32_t watchlist_birth(const char *p, size_t len)
{
	long y;

	if (len == 4) {
		char b[5];

		memcpy(b, p, 4);
		b[4] = '\0';
		if (strspn(b, "0123456789") != 4)
			return -1;
		y = strtol(b, NULL, 10);
		return y >= 1900 && y <= 2100 ? (int32_t)(y * 10000) : -1;
	}
	if (len == 10) {
		long d = date_parse(p, len);
		int yy, mm, dd;

		if (d == DATE_INVALID)
			return -1;
		date_to_civil(d, &yy, &mm, &dd);
		return (int32_t)(yy * 10000 + mm * 100 + dd);
	}
	return -1;
}

static int valid_list_name(const char *name)
{
	size_t n = strlen(name);

	return n > 0 && n <= 40 && strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-_") == n;
}

/* A problem of a row: counted, and spelled out while there are few. */
static void problem(struct wl_load_result *res, const char *path, uint64_t line, const char *field,
		    const char *rule, const char *msg)
{
	res->problems++;
	if (res->problems <= REPORT_MAX)
		buf_addf(&res->report, NULL, "%s:%llu: field %s: %s: %s\n", path, (unsigned long long)line,
			 field[0] ? field : "-", rule, msg);
	else if (res->problems == REPORT_MAX + 1)
		buf_addf(&res->report, NULL, "(more problems are counted, not listed)\n");
}

static size_t count_names(const struct csv_field *name, const struct csv_field *aliases)
{
	size_t n = name->len > 0, i;

	if (aliases->len) {
		n++;
		for (i = 0; i < aliases->len; i++)
			n += aliases->p[i] == '|';
	}
	return n;
}

/* Check one row beyond its definition; 0 when it may be loaded. */
static int check_row(const struct schema *s, const struct csv_field *v, long today, const char *path,
		     uint64_t line, struct wl_load_result *res)
{
	struct validation val;
	int bad = 0;
	size_t i;

	memset(&val, 0, sizeof(val));
	val.today = today;
	val.has_today = 1;
	if (validate_record(s, v, &val)) {
		for (i = 0; i < val.n; i++)
			problem(res, path, line, val.f[i].field >= 0 ? s->fields[val.f[i].field].name : "",
				val.f[i].rule, val.f[i].msg);
		return -1;
	}
	if (v[F_BIRTH].len) {
		int32_t b = watchlist_birth(v[F_BIRTH].p, v[F_BIRTH].len);
		int ty, tm, td;

		date_to_civil(today, &ty, &tm, &td);
		if (b < 0) {
			problem(res, path, line, "birth_date", "watchlist.birth_date",
				"not a date YYYY-MM-DD or a year YYYY (1900-2100)");
			bad = -1;
		} else if (b > ty * 10000 + tm * 100 + td) {
			problem(res, path, line, "birth_date", "date.future", "the birth date is after today");
			bad = -1;
		}
	}
	if (v[F_LIST].len == strlen("lost_stolen") && !memcmp(v[F_LIST].p, "lost_stolen", v[F_LIST].len)) {
		if (!v[F_DOCT].len || !v[F_DOCC].len || !v[F_DOCN].len) {
			problem(res, path, line, !v[F_DOCT].len ? "document_type" : !v[F_DOCC].len
				? "document_country" : "document_number", "watchlist.document",
				"a lost or stolen document needs its type, country and number");
			bad = -1;
		}
	} else if (!v[F_NAME].len) {
		problem(res, path, line, "name", "watchlist.name", "a person on a list needs a name");
		bad = -1;
	}
	if (v[F_DOCN].len && (!v[F_DOCT].len || !v[F_DOCC].len)) {
		problem(res, path, line, !v[F_DOCT].len ? "document_type" : "document_country",
			"watchlist.document", "a document number needs its type and country");
		bad = -1;
	}
	if (v[F_ALIASES].len) {
		const char *p = v[F_ALIASES].p, *end = p + v[F_ALIASES].len, *q;

		for (; p <= end; p = q + 1) {
			q = memchr(p, '|', (size_t)(end - p));
			if (!q)
				q = end;
			while (p < q && *p == ' ')
				p++;
			if (p == q) {
				problem(res, path, line, "aliases", "watchlist.alias", "an empty alias between '|'");
				bad = -1;
				break;
			}
		}
	}
	return bad;
}

static int bind_all(sqlite3_stmt *q, int64_t version, const struct csv_field *v)
{
	int i;

	sqlite3_reset(q);
	sqlite3_bind_int64(q, 1, version);
	for (i = 0; i < F_N; i++)
		sqlite3_bind_text(q, i + 2, v[i].len ? v[i].p : "", (int)v[i].len, SQLITE_TRANSIENT);
	return sqlite3_step(q);
}

/* Rows of the file into version: counted, checked, inserted while nothing is wrong. */
static int load_rows(struct store *st, const struct schema *s, struct csv_reader *r, const char *path,
		     int64_t version, long today, struct wl_load_result *res, struct err *err)
{
	sqlite3 *db = store_db(st);
	sqlite3_stmt *q = NULL;
	struct csv_record rec;
	struct csv_field v[F_N];
	int col_of[SCHEMA_MAX_FIELDS], rc, i;
	uint64_t inserted = 0;

	if ((rc = csv_reader_next(r, &rec, err)) < 0)
		return rc;
	if (rc == 0)
		return ERR_SET(err, ERR_DATA, "%s: the file is empty: it has no header", path);
	if ((rc = ingest_map_header(s, &rec, path, col_of, err)))
		return rc;
	if (sqlite3_prepare_v2(db, "INSERT INTO watchlist_entries VALUES(?,?,?,?,?,?,?,?,?,?,?)", -1, &q,
			       NULL) != SQLITE_OK)
		return store_error(db, "cannot add watch list entries", err);
	while ((rc = csv_reader_next(r, &rec, err)) > 0) {
		res->rows++;
		if (rec.problem != CSV_OK) {
			problem(res, path, rec.line, "", csv_problem_rule(rec.problem), csv_problem_name(rec.problem));
			continue;
		}
		if (rec.n_fields != s->n_fields) {
			char msg[80];

			snprintf(msg, sizeof(msg), "has %zu fields, the header has %zu", rec.n_fields, s->n_fields);
			problem(res, path, rec.line, "", "csv.columns", msg);
			continue;
		}
		for (i = 0; i < F_N; i++)
			v[i] = rec.fields[col_of[i]];
		if (check_row(s, v, today, path, rec.line, res))
			continue;
		res->names += count_names(&v[F_NAME], &v[F_ALIASES]);
		if (res->problems)
			continue;  /* nothing will be loaded; the rest is only checked */
		rc = bind_all(q, version, v);
		if (rc == SQLITE_CONSTRAINT) {
			problem(res, path, rec.line, "id", "watchlist.id_unique", "this id is on an earlier row too");
			continue;
		}
		if (rc != SQLITE_DONE) {
			rc = store_error(db, "cannot add watch list entries", err);
			break;
		}
		rc = 0;
		if (++inserted % CHUNK == 0 && ((rc = store_commit(st, err)) || (rc = store_begin(st, err))))
			break;
	}
	sqlite3_finalize(q);
	return rc < 0 ? rc : 0;
}

/* The schema must be the one this file reads by position. */
static int check_schema(const struct schema *s, struct err *err)
{
	size_t i;

	if (s->n_fields != F_N)
		return ERR_SET(err, ERR_SCHEMA, "%s: a watch list has the fields %s ... %s, %d in all", s->path,
			       field_names[0], field_names[F_N - 1], F_N);
	for (i = 0; i < F_N; i++)
		if (strcmp(s->fields[i].name, field_names[i]))
			return ERR_SET(err, ERR_SCHEMA, "%s: field %zu must be '%s'", s->path, i + 1, field_names[i]);
	return 0;
}

static int current_sha(sqlite3 *db, const char *name, char sha[65], int64_t *version)
{
	sqlite3_stmt *q = NULL;
	int found = 0;

	if (sqlite3_prepare_v2(db, "SELECT sha256, version FROM watchlist_versions WHERE list = ? AND current",
			       -1, &q, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW) {
		snprintf(sha, 65, "%s", (const char *)sqlite3_column_text(q, 0));
		*version = sqlite3_column_int64(q, 1);
		found = 1;
	}
	sqlite3_finalize(q);
	return found;
}

/* Versions left 'loading' by a crash a day ago or more (not a load running now): their rows go. */
static int clean_leftovers(struct store *st, struct err *err)
{
	struct err local;

	return store_exec(st, "BEGIN IMMEDIATE; DELETE FROM watchlist_entries WHERE version IN (SELECT version FROM"
			  " watchlist_versions WHERE status = 'loading' AND loaded_at < strftime('%Y-%m-%dT%H:%M:%SZ',"
			  " 'now', '-1 day')); DELETE FROM watchlist_versions WHERE status = 'loading' AND loaded_at <"
			  " strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-1 day'); COMMIT;", err ? err : &local)
		? (store_rollback(st), -1) : 0;
}

/* This load's rows, when it is refused or failed. */
static void drop_version(struct store *st, int64_t version)
{
	struct err local;
	char sql[256];

	snprintf(sql, sizeof(sql), "BEGIN IMMEDIATE; DELETE FROM watchlist_entries WHERE version = %lld;"
		 " DELETE FROM watchlist_versions WHERE version = %lld AND status = 'loading'; COMMIT;",
		 (long long)version, (long long)version);
	if (store_exec(st, sql, &local))
		store_rollback(st);
}

int watchlist_load(struct store *st, const char *name, const char *path, long today,
		   struct wl_load_result *res, struct err *err)
{
	struct schema *s = NULL;
	struct csv_reader *r = NULL;
	sqlite3 *db = store_db(st);
	sqlite3_stmt *q = NULL;
	char cur[65], now[32];
	uint64_t bytes;
	int64_t cur_version = 0;
	int fd = -1, rc;
	time_t t = time(NULL);
	struct tm tm;

	memset(res, 0, sizeof(*res));
	buf_init(&res->report, 1 << 16);
	if (!valid_list_name(name))
		return ERR_SET(err, ERR_USAGE, "a list's name is 1 to 40 of a-z, 0-9, - and _");
	if ((rc = schema_load_named(&s, "watchlist", err)) || (rc = check_schema(s, err)))
		goto out;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		rc = ERR_SET(err, ERR_IO, "cannot open '%s': %s", path, strerror(errno));
		goto out;
	}
	if ((rc = sha256_fd(fd, path, res->sha256, &bytes, err)))
		goto out;
	if ((rc = csv_reader_open_fd(&r, fd, path, 0, err)))
		goto out_fd_owned;
	if ((rc = store_exec(st, schema_sql, err)) || (rc = clean_leftovers(st, err)))
		goto out_fd_owned;
	if (current_sha(db, name, cur, &cur_version) == 1 && !strcmp(cur, res->sha256)) {
		res->unchanged = 1;
		res->version = cur_version;
		goto out_fd_owned;
	}
	/*
	 * The new version is written in short transactions (a service on the
	 * same store keeps registering meanwhile) as 'loading', which no
	 * reader looks at, then made current in one: whole or not at all.
	 */
	gmtime_r(&t, &tm);
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (sqlite3_prepare_v2(db, "INSERT INTO watchlist_versions(list, file, sha256, loaded_at, entries, names,"
			       " current, status) VALUES(?, ?, ?, ?, 0, 0, 0, 'loading')", -1, &q, NULL) != SQLITE_OK) {
		rc = store_error(db, "cannot add a watch list version", err);
		goto out_fd_owned;
	}
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, path, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, res->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, now, -1, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_DONE) {
		rc = store_error(db, "cannot add a watch list version", err);
		goto out_fd_owned;
	}
	res->version = sqlite3_last_insert_rowid(db);
	sqlite3_finalize(q);
	q = NULL;
	if ((rc = store_begin(st, err)))
		goto out_drop;
	rc = load_rows(st, s, r, path, res->version, today, res, err);
	if (!rc && res->problems)
		rc = ERR_SET(err, ERR_DATA, "%s: %llu of %llu rows have problems: nothing was loaded, the list '%s'"
			     " is as it was", path, (unsigned long long)res->problems,
			     (unsigned long long)res->rows, name);
	if (!rc && sqlite3_prepare_v2(db, "UPDATE watchlist_versions SET current = (version = ?1),"
				      " status = CASE WHEN version = ?1 THEN 'loaded' ELSE status END,"
				      " entries = CASE WHEN version = ?1 THEN ?2 ELSE entries END,"
				      " names = CASE WHEN version = ?1 THEN ?3 ELSE names END WHERE list = ?4", -1, &q,
				      NULL) != SQLITE_OK)
		rc = store_error(db, "cannot make the watch list current", err);
	if (!rc) {
		sqlite3_bind_int64(q, 1, res->version);
		sqlite3_bind_int64(q, 2, (int64_t)res->rows);
		sqlite3_bind_int64(q, 3, (int64_t)res->names);
		sqlite3_bind_text(q, 4, name, -1, SQLITE_STATIC);
		if (sqlite3_step(q) != SQLITE_DONE)
			rc = store_error(db, "cannot make the watch list current", err);
	}
	sqlite3_finalize(q);
	q = NULL;
	rc = store_end(st, rc, err);
out_drop:
	if (rc)
		drop_version(st, res->version);  /* the rows of this version already written go */
out_fd_owned:
	fd = -1;
out:
	if (fd >= 0)
		close(fd);
	csv_reader_free(r);
	schema_free(s);
	return rc;
}

int watchlist_print_versions(struct store *st, FILE *f, struct err *err)
{
	sqlite3 *db = store_db(st);
	sqlite3_stmt *q = NULL;
	int rc;

	fprintf(f, "list,version,current,entries,names,loaded_at,sha256\r\n");
	if (!store_has_table(db, "watchlist_versions"))
		return 0;
	if (sqlite3_prepare_v2(db, "SELECT list, version, current, entries, names, loaded_at, sha256"
			       " FROM watchlist_versions ORDER BY list, version", -1, &q, NULL) != SQLITE_OK)
		return store_error(db, "cannot read the watch lists", err);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		fprintf(f, "%s,%lld,%s,%lld,%lld,%s,%s\r\n", (const char *)sqlite3_column_text(q, 0),
			(long long)sqlite3_column_int64(q, 1), sqlite3_column_int(q, 2) ? "true" : "false",
			(long long)sqlite3_column_int64(q, 3), (long long)sqlite3_column_int64(q, 4),
			(const char *)sqlite3_column_text(q, 5), (const char *)sqlite3_column_text(q, 6));
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : store_error(db, "cannot read the watch lists", err);
}

/* ==== The current entries, for a screener ==== */

struct wl_block {
	struct wl_block *next;
	size_t used, cap;
	char p[];
};

static const char *arena_str(struct wl_set *set, const unsigned char *s, int n)
{
	struct wl_block *b = set->text;
	char *out;

	if (!s || n <= 0)
		return "";
	if (!b || b->used + (size_t)n + 1 > b->cap) {
		size_t cap = (size_t)n + 1 > (1u << 20) ? (size_t)n + 1 : (1u << 20);

		b = xmalloc(sizeof(*b) + cap);
		b->next = set->text;
		b->used = 0;
		b->cap = cap;
		set->text = b;
	}
	out = b->p + b->used;
	memcpy(out, s, (size_t)n);
	out[n] = '\0';
	b->used += (size_t)n + 1;
	return out;
}

static enum wl_kind kind_of(const char *s)
{
	int k;

	for (k = 0; k < WL_KINDS; k++)
		if (!strcmp(s, wl_kind_names[k]))
			return (enum wl_kind)k;
	return WL_SOUGHT;
}

#define COL(i) arena_str(set, sqlite3_column_text(q, i), sqlite3_column_bytes(q, i))

int watchlist_read(sqlite3 *db, struct wl_set **out, struct err *err)
{
	struct wl_set *set = xcalloc(1, sizeof(*set));
	sqlite3_stmt *q = NULL;
	size_t cap = 0;
	int rc;

	*out = NULL;
	if (!store_has_table(db, "watchlist_versions")) {
		*out = set;
		return 0;
	}
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT v.list, e.id, e.name, e.aliases, e.birth_date, e.nationality,"
			       " e.document_type, e.document_country, e.document_number, e.kind,"
			       " (SELECT max(version) FROM watchlist_versions WHERE status = 'loaded')"
			       " FROM watchlist_versions v JOIN watchlist_entries e ON e.version = v.version"
			       " WHERE v.current ORDER BY v.list, e.id", -1, &q, NULL) != SQLITE_OK) {
		rc = store_error(db, "cannot read the watch lists", err);
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		wl_set_free(set);
		return rc;
	}
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct wl_entry *e;
		const char *birth;

		if (set->n == cap) {
			cap = cap ? cap * 2 : 1024;
			set->e = xrealloc(set->e, st_mult(cap, sizeof(*set->e)));
		}
		e = &set->e[set->n++];
		e->list = COL(0);
		e->id = COL(1);
		e->name = COL(2);
		e->aliases = COL(3);
		birth = (const char *)sqlite3_column_text(q, 4);
		e->birth = birth && birth[0] ? watchlist_birth(birth, strlen(birth)) : 0;
		if (e->birth < 0)
			e->birth = 0;
		e->nationality = COL(5);
		e->doc_type = COL(6);
		e->doc_country = COL(7);
		e->doc_number = COL(8);
		e->kind = kind_of((const char *)sqlite3_column_text(q, 9));
		set->generation = (uint64_t)sqlite3_column_int64(q, 10);
	}
	sqlite3_finalize(q);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_DONE) {
		wl_set_free(set);
		return store_error(db, "cannot read the watch lists", err);
	}
	if (!set->n)
		set->generation = (uint64_t)watchlist_generation(db);
	*out = set;
	return 0;
}

int64_t watchlist_generation(sqlite3 *db)
{
	sqlite3_stmt *q = NULL;
	int64_t g = 0;

	if (sqlite3_prepare_v2(db, "SELECT max(version) FROM watchlist_versions WHERE status = 'loaded'", -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW)
		g = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return g;
}

void wl_set_free(struct wl_set *s)
{
	struct wl_block *b, *next;

	if (!s)
		return;
	for (b = s->text; b; b = next) {
		next = b->next;
		free(b);
	}
	free(s->e);
	free(s);
}
