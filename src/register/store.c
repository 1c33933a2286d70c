/*
 * store.c: store stage. SQLite schema, prepared statements, transactions.
 * Crash safety comes from SQLite's journal: a batch's rows and its resume
 * point are committed in the same transaction, so a killed ingest leaves
 * a store that a rerun continues exactly where the last commit ended.
 * SPDX-License-Identifier: MIT
 */
#include "store.h"
#include "mem.h"
#include "validate.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/file.h>

#include <sodium.h>

struct store {
	char *path;
	int lock_fd;  /* the ingest lock, -1 until taken */
	sqlite3 *db;
	sqlite3_stmt *put_reject, *put_conflict, *put_dup, *batch_save;
};

struct store_table {
	struct store *st;
	const struct schema *s;
	sqlite3_stmt *insert, *lookup;
};

static const char *ddl =
	"CREATE TABLE IF NOT EXISTS registers("
	" name TEXT PRIMARY KEY, fields TEXT NOT NULL, definition_sha TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS batches("
	" batch_id INTEGER PRIMARY KEY, register TEXT NOT NULL, file_name TEXT NOT NULL,"
	" sha256 TEXT NOT NULL, bytes INTEGER NOT NULL,"
	" status TEXT NOT NULL CHECK(status IN ('running','done')),"
	" rows_read INTEGER NOT NULL DEFAULT 0, accepted INTEGER NOT NULL DEFAULT 0,"
	" rejected INTEGER NOT NULL DEFAULT 0, duplicates INTEGER NOT NULL DEFAULT 0,"
	" conflicts INTEGER NOT NULL DEFAULT 0, blank_lines INTEGER NOT NULL DEFAULT 0,"
	" resume_offset INTEGER NOT NULL DEFAULT 0, resume_line INTEGER NOT NULL DEFAULT 0,"
	" started_at TEXT NOT NULL, finished_at TEXT, UNIQUE(register, sha256));"
	"CREATE TABLE IF NOT EXISTS rejects("
	" batch_id INTEGER NOT NULL, line INTEGER NOT NULL, field TEXT NOT NULL,"
	" rule TEXT NOT NULL, message TEXT NOT NULL, raw BLOB NOT NULL,"
	" PRIMARY KEY(batch_id, line));"
	"CREATE TABLE IF NOT EXISTS conflicts("
	" batch_id INTEGER NOT NULL, line INTEGER NOT NULL, record_id TEXT NOT NULL,"
	" stored_batch_id INTEGER NOT NULL, raw BLOB NOT NULL, PRIMARY KEY(batch_id, line));"
	"CREATE TABLE IF NOT EXISTS duplicates("
	" batch_id INTEGER NOT NULL, line INTEGER NOT NULL, record_id TEXT NOT NULL,"
	" stored_batch_id INTEGER NOT NULL, PRIMARY KEY(batch_id, line));";

int store_error(sqlite3 *db, const char *what, struct err *err)
{
	return ERR_SET(err, ERR_STORE, "%s: %s", what, db ? sqlite3_errmsg(db) : "no database");
}

static int exec(sqlite3 *db, const char *sql, struct err *err)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		ERR_SET(err, ERR_STORE, "%s", msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return ERR_STORE;
	}
	return 0;
}

static int prepare(sqlite3 *db, const char *sql, sqlite3_stmt **out, struct err *err)
{
	if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL) != SQLITE_OK)
		return store_error(db, "cannot prepare a statement", err);
	return 0;
}

int store_open(struct store **out, const char *path, unsigned flags, struct err *err)
{
	struct store *st;
	int rc;

	*out = NULL;
	/* a store must be a file that is kept: not SQLite's in-memory or temporary databases, nor a URI */
	if (!path || !path[0] || !strcmp(path, ":memory:") || !strncmp(path, "file:", 5) || path[0] == ':')
		return ERR_SET(err, ERR_USAGE, "'%s' is not a store path: give a file name (--db PATH)",
			       path ? path : "");
	if (!(flags & STORE_CREATE) && access(path, F_OK))
		return ERR_SET(err, ERR_STORE, "no store at '%s': 'pasos ingest' makes one", path);
	st = xcalloc(1, sizeof(*st));
	st->lock_fd = -1;
	st->path = xstrdup(path);
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | (flags & STORE_CREATE ? SQLITE_OPEN_CREATE : 0) |
			    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rc = ERR_SET(err, ERR_STORE, "cannot open store '%s': %s", path,
			     st->db ? sqlite3_errmsg(st->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(st->db, 10000);
	/*
	 * Rollback journal, not WAL: bulk appends then write each new page
	 * once (SQLite journals only pages that existed before the
	 * transaction). Both survive a SIGKILL at any moment.
	 */
	/*
	 * A store a running service holds in WAL mode stays in it (the mode
	 * cannot change while another process has it open): accounts, watch
	 * lists and reads work beside the service, in its mode.
	 */
	if (sqlite3_exec(st->db, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK) {
		sqlite3_stmt *q = NULL;
		int wal = sqlite3_prepare_v2(st->db, "PRAGMA journal_mode", -1, &q, NULL) == SQLITE_OK &&
			  sqlite3_step(q) == SQLITE_ROW && !strcmp((const char *)sqlite3_column_text(q, 0), "wal");

		sqlite3_finalize(q);
		if (!wal) {
			rc = store_error(st->db, "cannot open the store", err);
			goto fail;
		}
	}
	rc = exec(st->db, "PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; PRAGMA foreign_keys=ON;", err);
	if (rc)
		goto fail;
	rc = exec(st->db, ddl, err);
	if (rc)
		goto fail;
	if ((rc = prepare(st->db, "INSERT INTO rejects VALUES(?,?,?,?,?,?)", &st->put_reject, err)) ||
	    (rc = prepare(st->db, "INSERT INTO conflicts VALUES(?,?,?,?,?)", &st->put_conflict, err)) ||
	    (rc = prepare(st->db, "INSERT INTO duplicates VALUES(?,?,?,?)", &st->put_dup, err)) ||
	    (rc = prepare(st->db, "UPDATE batches SET status=?, rows_read=?, accepted=?, rejected=?,"
			  " duplicates=?, conflicts=?, blank_lines=?, resume_offset=?, resume_line=?,"
			  " finished_at=CASE WHEN ?='done' THEN strftime('%Y-%m-%dT%H:%M:%SZ','now') END"
			  " WHERE batch_id=?", &st->batch_save, err)))
		goto fail;
	*out = st;
	return 0;
fail:
	store_close(st);
	return rc;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	sqlite3_finalize(st->put_reject);
	sqlite3_finalize(st->put_conflict);
	sqlite3_finalize(st->put_dup);
	sqlite3_finalize(st->batch_save);
	sqlite3_close(st->db);
	if (st->lock_fd >= 0)
		close(st->lock_fd);
	free(st->path);
	free(st);
}

sqlite3 *store_db(struct store *st)
{
	return st->db;
}

int store_exec(struct store *st, const char *sql, struct err *err)
{
	return exec(st->db, sql, err);
}

int store_begin(struct store *st, struct err *err)
{
	return exec(st->db, "BEGIN IMMEDIATE", err);
}

int store_commit(struct store *st, struct err *err)
{
	return exec(st->db, "COMMIT", err);
}

void store_rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

int store_end(struct store *st, int rc, struct err *err)
{
	if (!rc)
		return store_commit(st, err);
	store_rollback(st);
	return rc;
}

/* ==== Register tables ==== */

static const char *sql_type(enum field_type t)
{
	return t == FT_INTEGER ? "INTEGER" : "TEXT";
}

/* "name type,name type,..." : what a register's table must look like. */
static void field_signature(const struct schema *s, struct buf *b)
{
	size_t i;

	for (i = 0; i < s->n_fields; i++)
		buf_addf(b, NULL, "%s%s %s", i ? "," : "", s->fields[i].name,
			 schema_type_name(s->fields[i].type));
}

static int ensure_table(struct store *st, const struct schema *s, struct err *err)
{
	sqlite3_stmt *q = NULL;
	struct buf sig, sql;
	size_t i;
	int rc = 0, step;

	buf_init(&sig, 1 << 16);
	buf_init(&sql, 1 << 16);
	field_signature(s, &sig);
	if ((rc = prepare(st->db, "SELECT fields FROM registers WHERE name=?", &q, err)))
		goto out;
	sqlite3_bind_text(q, 1, s->name, -1, SQLITE_STATIC);
	step = sqlite3_step(q);
	if (step == SQLITE_ROW) {
		if (strcmp((const char *)sqlite3_column_text(q, 0), sig.p) != 0)
			rc = ERR_SET(err, ERR_SCHEMA,
				     "the store holds register '%s' with other fields than '%s' declares;"
				     " use another store (--db) for the new definition", s->name, s->path);
		goto out;
	}
	if (step != SQLITE_DONE) {
		rc = store_error(st->db, "cannot read registers", err);
		goto out;
	}
	buf_addf(&sql, NULL, "BEGIN IMMEDIATE; CREATE TABLE reg_%s(", s->name);
	for (i = 0; i < s->n_fields; i++)
		buf_addf(&sql, NULL, "\"%s\" %s, ", s->fields[i].name, sql_type(s->fields[i].type));
	buf_addf(&sql, NULL, "_batch INTEGER NOT NULL, _line INTEGER NOT NULL, _hash INTEGER NOT NULL);"
		 "CREATE UNIQUE INDEX reg_%s_id ON reg_%s(\"%s\");"
		 "INSERT INTO registers VALUES('%s', '%s', '%s'); COMMIT;",
		 s->name, s->name, s->fields[s->id_field].name, s->name, sig.p, s->text_sha);
	rc = exec(st->db, sql.p, err);
	if (rc)
		store_rollback(st);
out:
	sqlite3_finalize(q);
	buf_release(&sig);
	buf_release(&sql);
	return rc;
}

int store_table_open(struct store *st, const struct schema *s, struct store_table **out,
		     struct err *err)
{
	struct store_table *t = xcalloc(1, sizeof(*t));
	struct buf sql;
	size_t i;
	int rc;

	*out = NULL;
	t->st = st;
	t->s = s;
	buf_init(&sql, 1 << 16);
	if ((rc = ensure_table(st, s, err)))
		goto fail;
	buf_addf(&sql, NULL, "INSERT INTO reg_%s VALUES(?", s->name);
	for (i = 1; i < s->n_fields + 3; i++)
		buf_adds(&sql, ",?", NULL);
	buf_addf(&sql, NULL, ") ON CONFLICT(\"%s\") DO NOTHING", s->fields[s->id_field].name);
	if ((rc = prepare(st->db, sql.p, &t->insert, err)))
		goto fail;
	buf_reset(&sql);
	buf_addf(&sql, NULL, "SELECT _hash, _batch FROM reg_%s WHERE \"%s\"=?", s->name,
		 s->fields[s->id_field].name);
	if ((rc = prepare(st->db, sql.p, &t->lookup, err)))
		goto fail;
	buf_release(&sql);
	*out = t;
	return 0;
fail:
	buf_release(&sql);
	store_table_free(t);
	return rc;
}

void store_table_free(struct store_table *t)
{
	if (!t)
		return;
	sqlite3_finalize(t->insert);
	sqlite3_finalize(t->lookup);
	free(t);
}

int store_table_put(struct store_table *t, const struct csv_field *vals, uint64_t hash,
		    int64_t batch, uint64_t line, enum store_put *res, int64_t *first_batch,
		    struct err *err)
{
	const struct schema *s = t->s;
	sqlite3 *db = t->st->db;
	size_t i;
	int col = 1, rc = 0;

	/*
	 * SQLITE_STATIC: the values live in the reader's buffer, which does not
	 * change until the statement has been stepped and reset below.
	 */
	for (i = 0; i < s->n_fields; i++, col++) {
		const struct csv_field *v = &vals[i];
		long long ll;

		if (v->len == 0)
			sqlite3_bind_null(t->insert, col);
		else if (s->fields[i].type == FT_INTEGER && validate_integer(v->p, v->len, &ll))
			sqlite3_bind_int64(t->insert, col, ll);
		else
			sqlite3_bind_text(t->insert, col, v->p, (int)v->len, SQLITE_STATIC);
	}
	sqlite3_bind_int64(t->insert, col++, batch);
	sqlite3_bind_int64(t->insert, col++, (sqlite3_int64)line);
	sqlite3_bind_int64(t->insert, col, (sqlite3_int64)hash);
	if (sqlite3_step(t->insert) != SQLITE_DONE) {
		rc = store_error(db, "cannot store a record", err);
		goto out;
	}
	*first_batch = batch;
	if (sqlite3_changes(db) == 1) {
		*res = STORE_ACCEPTED;
		goto out;
	}
	sqlite3_bind_text(t->lookup, 1, vals[s->id_field].p, (int)vals[s->id_field].len, SQLITE_STATIC);
	if (sqlite3_step(t->lookup) != SQLITE_ROW) {
		rc = store_error(db, "cannot look up a stored record", err);
		goto out;
	}
	*res = (uint64_t)sqlite3_column_int64(t->lookup, 0) == hash ? STORE_DUPLICATE : STORE_CONFLICT;
	*first_batch = sqlite3_column_int64(t->lookup, 1);
out:
	sqlite3_reset(t->insert);
	sqlite3_reset(t->lookup);
	sqlite3_clear_bindings(t->insert);
	return rc;
}

/* ==== Batches ==== */

int store_batch_find(struct store *st, const char *reg, const char *sha256,
		     struct store_batch *b, int *found, struct err *err)
{
	sqlite3_stmt *q = NULL;
	int rc = 0, step;

	*found = 0;
	if ((rc = prepare(st->db, "SELECT batch_id, file_name, bytes, status, rows_read, accepted,"
			  " rejected, duplicates, conflicts, blank_lines, resume_offset, resume_line"
			  " FROM batches WHERE register=? AND sha256=?", &q, err)))
		return rc;
	sqlite3_bind_text(q, 1, reg, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, sha256, -1, SQLITE_STATIC);
	step = sqlite3_step(q);
	if (step == SQLITE_ROW) {
		*found = 1;
		b->id = sqlite3_column_int64(q, 0);
		const char *name = (const char *)sqlite3_column_text(q, 1), *status = (const char *)sqlite3_column_text(q, 3);

		if (!name || !status) {
			sqlite3_finalize(q);
			return ERR_SET(err, ERR_STORE, "the store is damaged: batch %lld has no file name or status",
				       (long long)b->id);
		}
		snprintf(b->file_name, sizeof(b->file_name), "%s", name);
		snprintf(b->sha256, sizeof(b->sha256), "%s", sha256);
		b->bytes = (uint64_t)sqlite3_column_int64(q, 2);
		b->status = strcmp(status, "done") ? BATCH_RUNNING : BATCH_DONE;
		b->rows_read = (uint64_t)sqlite3_column_int64(q, 4);
		b->accepted = (uint64_t)sqlite3_column_int64(q, 5);
		b->rejected = (uint64_t)sqlite3_column_int64(q, 6);
		b->duplicates = (uint64_t)sqlite3_column_int64(q, 7);
		b->conflicts = (uint64_t)sqlite3_column_int64(q, 8);
		b->blank_lines = (uint64_t)sqlite3_column_int64(q, 9);
		b->resume_offset = (uint64_t)sqlite3_column_int64(q, 10);
		b->resume_line = (uint64_t)sqlite3_column_int64(q, 11);
	} else if (step != SQLITE_DONE) {
		rc = store_error(st->db, "cannot read batches", err);
	}
	sqlite3_finalize(q);
	return rc;
}

int store_batch_create(struct store *st, const char *reg, struct store_batch *b,
		       struct err *err)
{
	sqlite3_stmt *q = NULL;
	int rc;

	if ((rc = prepare(st->db, "INSERT INTO batches(register, file_name, sha256, bytes, status,"
			  " resume_offset, resume_line, started_at)"
			  " VALUES(?,?,?,?,'running',?,?,strftime('%Y-%m-%dT%H:%M:%SZ','now'))",
			  &q, err)))
		return rc;
	sqlite3_bind_text(q, 1, reg, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, b->file_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, b->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, (sqlite3_int64)b->bytes);
	/* a run killed before its first commit resumes after the header, not at byte 0 */
	sqlite3_bind_int64(q, 5, (sqlite3_int64)b->resume_offset);
	sqlite3_bind_int64(q, 6, (sqlite3_int64)b->resume_line);
	if (sqlite3_step(q) != SQLITE_DONE)
		rc = store_error(st->db, "cannot create a batch", err);
	else
		b->id = sqlite3_last_insert_rowid(st->db);
	b->status = BATCH_RUNNING;
	sqlite3_finalize(q);
	return rc;
}

int store_batch_save(struct store *st, const struct store_batch *b, struct err *err)
{
	sqlite3_stmt *q = st->batch_save;
	const char *status = b->status == BATCH_DONE ? "done" : "running";
	int rc = 0;

	sqlite3_bind_text(q, 1, status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, (sqlite3_int64)b->rows_read);
	sqlite3_bind_int64(q, 3, (sqlite3_int64)b->accepted);
	sqlite3_bind_int64(q, 4, (sqlite3_int64)b->rejected);
	sqlite3_bind_int64(q, 5, (sqlite3_int64)b->duplicates);
	sqlite3_bind_int64(q, 6, (sqlite3_int64)b->conflicts);
	sqlite3_bind_int64(q, 7, (sqlite3_int64)b->blank_lines);
	sqlite3_bind_int64(q, 8, (sqlite3_int64)b->resume_offset);
	sqlite3_bind_int64(q, 9, (sqlite3_int64)b->resume_line);
	sqlite3_bind_text(q, 10, status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 11, b->id);
	if (sqlite3_step(q) != SQLITE_DONE)
		rc = store_error(st->db, "cannot save the batch", err);
	sqlite3_reset(q);
	return rc;
}

int store_has_table(sqlite3 *db, const char *name)
{
	sqlite3_stmt *q = NULL;
	int found = 0;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", -1, &q, NULL) == SQLITE_OK) {
		sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
		found = sqlite3_step(q) == SQLITE_ROW;
	}
	sqlite3_finalize(q);
	return found;
}

int store_require_register(struct store *st, const char *reg, struct err *err)
{
	sqlite3_stmt *q = NULL;
	struct buf sql;
	int any = 0;

	buf_init(&sql, 256);
	buf_addf(&sql, NULL, "SELECT 1 FROM reg_%s LIMIT 1", reg);
	if (sqlite3_prepare_v2(st->db, sql.p, -1, &q, NULL) == SQLITE_OK)
		any = sqlite3_step(q) == SQLITE_ROW;
	sqlite3_finalize(q);
	buf_release(&sql);
	if (!any)
		return ERR_SET(err, ERR_DATA, "nothing ingested for register '%s' in the store '%s': run 'pasos ingest %s FILE' first",
			       reg, st->path, reg);
	return 0;
}

int store_verify(struct store *st, struct err *err)
{
	/* promises the schema makes that a damaged or hand-edited store may break */
	static const char *nulls =
		"SELECT (SELECT count(*) FROM registers WHERE name IS NULL OR fields IS NULL OR definition_sha IS NULL)"
		" + (SELECT count(*) FROM batches WHERE register IS NULL OR file_name IS NULL OR sha256 IS NULL"
		" OR status IS NULL OR status NOT IN ('running','done') OR bytes IS NULL OR rows_read IS NULL)";
	sqlite3_stmt *q = NULL;
	const char *res;
	int rc = 0;

	if (sqlite3_prepare_v2(st->db, "PRAGMA quick_check(1)", -1, &q, NULL) != SQLITE_OK)
		return ERR_SET(err, ERR_STORE, "the store '%s' is damaged: %s", st->path, sqlite3_errmsg(st->db));
	if (sqlite3_step(q) != SQLITE_ROW || !(res = (const char *)sqlite3_column_text(q, 0)) || strcmp(res, "ok"))
		rc = ERR_SET(err, ERR_STORE, "the store '%s' is damaged (SQLite's quick_check fails): restore it from a"
			     " copy; nothing was read", st->path);
	sqlite3_finalize(q);
	if (rc)
		return rc;
	if (sqlite3_prepare_v2(st->db, nulls, -1, &q, NULL) != SQLITE_OK)
		return ERR_SET(err, ERR_STORE, "the store '%s' is damaged: %s", st->path, sqlite3_errmsg(st->db));
	if (sqlite3_step(q) != SQLITE_ROW || sqlite3_column_int64(q, 0) != 0)
		rc = ERR_SET(err, ERR_STORE, "the store '%s' is damaged: registers or batches hold empty (NULL) values"
			     " the schema promises; nothing was read", st->path);
	sqlite3_finalize(q);
	return rc;
}

int store_lock(struct store *st, struct err *err)
{
	char lock[4096];

	if (st->lock_fd >= 0)
		return 0;
	if ((size_t)snprintf(lock, sizeof(lock), "%s.lock", st->path) >= sizeof(lock))
		return ERR_SET(err, ERR_USAGE, "the store's path is too long");
	st->lock_fd = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (st->lock_fd < 0)
		return ERR_SET(err, ERR_STORE, "cannot open the lock '%s': %s", lock, strerror(errno));
	while (flock(st->lock_fd, LOCK_EX)) {
		if (errno != EINTR) {
			close(st->lock_fd);
			st->lock_fd = -1;
			return ERR_SET(err, ERR_STORE, "cannot lock '%s': %s", lock, strerror(errno));
		}
	}
	return 0;
}

/* One number from a query with one integer parameter. */
static int query_count(sqlite3 *db, const char *sql, int64_t param, int64_t *n, struct err *err)
{
	sqlite3_stmt *q = NULL;
	int rc = 0;

	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
		return store_error(db, "cannot read batches", err);
	sqlite3_bind_int64(q, 1, param);
	if (sqlite3_step(q) == SQLITE_ROW)
		*n = sqlite3_column_int64(q, 0);
	else
		rc = store_error(db, "cannot read batches", err);
	sqlite3_finalize(q);
	return rc;
}

int store_batch_abandoned(struct store *st, const char *reg, const char *file_name, const char *sha256,
			  struct store_abandoned *out, struct err *err)
{
	sqlite3_stmt *q = NULL;
	struct buf sql;
	int64_t id, refs = 0, rows = 0;
	int rc, step;

	memset(out, 0, sizeof(*out));
	if ((rc = prepare(st->db, "SELECT batch_id FROM batches WHERE register=? AND file_name=? AND sha256<>?"
			  " AND status<>'done' ORDER BY batch_id LIMIT 1", &q, err)))
		return rc;
	sqlite3_bind_text(q, 1, reg, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, file_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, sha256, -1, SQLITE_STATIC);
	step = sqlite3_step(q);
	id = step == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
	sqlite3_finalize(q);
	if (step != SQLITE_ROW)
		return step == SQLITE_DONE ? 0 : store_error(st->db, "cannot read batches", err);
	out->id = id;
	buf_init(&sql, 256);
	/* records another batch found already stored: rolling back would lose them, so it is finished as it stands */
	if ((rc = query_count(st->db, "SELECT (SELECT count(*) FROM duplicates WHERE stored_batch_id=?1 AND batch_id<>?1)"
			      " + (SELECT count(*) FROM conflicts WHERE stored_batch_id=?1 AND batch_id<>?1)", id, &refs, err)))
		goto out;
	if ((rc = store_begin(st, err)))
		goto out;
	if (refs) {
		out->finished = 1;
		rc = query_count(st->db, "UPDATE batches SET status='done',"
				 " finished_at=strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE batch_id=? RETURNING accepted",
				 id, &rows, err);
	} else {
		buf_addf(&sql, NULL, "SELECT count(*) FROM reg_%s WHERE _batch=?", reg);
		if (!(rc = query_count(st->db, sql.p, id, &rows, err))) {
			buf_release(&sql);
			buf_init(&sql, 256);
			buf_addf(&sql, NULL, "DELETE FROM reg_%s WHERE _batch=%lld; DELETE FROM rejects WHERE batch_id=%lld;"
				 "DELETE FROM conflicts WHERE batch_id=%lld; DELETE FROM duplicates WHERE batch_id=%lld;"
				 "DELETE FROM batches WHERE batch_id=%lld;", reg, (long long)id, (long long)id,
				 (long long)id, (long long)id, (long long)id);
			rc = exec(st->db, sql.p, err);
		}
	}
	out->records = (uint64_t)rows;
	rc = store_end(st, rc, err);
out:
	buf_release(&sql);
	return rc;
}

/* ==== Rows set aside ==== */

int store_put_reject(struct store *st, int64_t batch, uint64_t line, const char *field,
		     const char *rule, const char *msg, const char *raw, size_t raw_len,
		     struct err *err)
{
	sqlite3_stmt *q = st->put_reject;
	int rc = 0;

	sqlite3_bind_int64(q, 1, batch);
	sqlite3_bind_int64(q, 2, (sqlite3_int64)line);
	sqlite3_bind_text(q, 3, field, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, rule, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 5, msg, -1, SQLITE_STATIC);
	sqlite3_bind_blob(q, 6, raw_len ? raw : "", (int)raw_len, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_DONE)
		rc = store_error(st->db, "cannot store a reject", err);
	sqlite3_reset(q);
	return rc;
}

int store_put_conflict(struct store *st, int64_t batch, uint64_t line, const char *record_id,
		       size_t id_len, int64_t first_batch, const char *raw, size_t raw_len,
		       struct err *err)
{
	sqlite3_stmt *q = st->put_conflict;
	int rc = 0;

	sqlite3_bind_int64(q, 1, batch);
	sqlite3_bind_int64(q, 2, (sqlite3_int64)line);
	sqlite3_bind_text(q, 3, record_id, (int)id_len, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, first_batch);
	sqlite3_bind_blob(q, 5, raw_len ? raw : "", (int)raw_len, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_DONE)
		rc = store_error(st->db, "cannot store a conflict", err);
	sqlite3_reset(q);
	return rc;
}

int store_put_duplicate(struct store *st, int64_t batch, uint64_t line, const char *record_id,
			size_t id_len, int64_t first_batch, struct err *err)
{
	sqlite3_stmt *q = st->put_dup;
	int rc = 0;

	sqlite3_bind_int64(q, 1, batch);
	sqlite3_bind_int64(q, 2, (sqlite3_int64)line);
	sqlite3_bind_text(q, 3, record_id, (int)id_len, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, first_batch);
	if (sqlite3_step(q) != SQLITE_DONE)
		rc = store_error(st->db, "cannot store a duplicate", err);
	sqlite3_reset(q);
	return rc;
}

/* ==== Reading back, person links ==== */

int store_scan(struct store *st, const struct schema *s,
	       int (*fn)(void *ctx, const struct csv_field *vals), void *ctx, struct err *err)
{
	struct csv_field vals[SCHEMA_MAX_FIELDS];
	sqlite3_stmt *q = NULL;
	struct buf sql;
	size_t i;
	int rc = 0, step;

	buf_init(&sql, 1 << 16);
	buf_adds(&sql, "SELECT ", NULL);
	for (i = 0; i < s->n_fields; i++)
		buf_addf(&sql, NULL, "%s\"%s\"", i ? "," : "", s->fields[i].name);
	buf_addf(&sql, NULL, " FROM reg_%s ORDER BY rowid", s->name);
	if (sqlite3_prepare_v2(st->db, sql.p, -1, &q, NULL) != SQLITE_OK) {
		rc = store_error(st->db, "cannot read a register", err);
		goto out;
	}
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		for (i = 0; i < s->n_fields; i++) {
			const char *t = (const char *)sqlite3_column_text(q, (int)i);

			vals[i].p = t ? t : "";
			vals[i].len = t ? (size_t)sqlite3_column_bytes(q, (int)i) : 0;
		}
		if ((rc = fn(ctx, vals)))
			goto out;
	}
	if (step != SQLITE_DONE)
		rc = store_error(st->db, "cannot read a register", err);
out:
	sqlite3_finalize(q);
	buf_release(&sql);
	return rc;
}

int store_registers(struct store *st, char ***names, size_t *n, struct err *err)
{
	sqlite3_stmt *q = NULL;
	size_t cap = 0;
	int step;

	*names = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(st->db, "SELECT name FROM registers ORDER BY name", -1, &q, NULL) != SQLITE_OK)
		return store_error(st->db, "cannot read registers", err);
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			*names = xrealloc(*names, st_mult(cap, sizeof(**names)));
		}
		(*names)[(*n)++] = xstrdup((const char *)sqlite3_column_text(q, 0));
	}
	sqlite3_finalize(q);
	if (step != SQLITE_DONE)
		return store_error(st->db, "cannot read registers", err);
	return 0;
}

int store_save_persons(struct store *st,
		       int (*next)(void *ctx, const char **reg, const char **id, int64_t *person),
		       void *ctx, struct err *err)
{
	sqlite3_stmt *q = NULL;
	const char *reg, *id;
	int64_t person;
	int rc;

	if ((rc = exec(st->db, "BEGIN IMMEDIATE;"
		       "CREATE TABLE IF NOT EXISTS person_links(register TEXT NOT NULL,"
		       " record_id TEXT NOT NULL, person_id INTEGER NOT NULL,"
		       " PRIMARY KEY(register, record_id)) WITHOUT ROWID;"
		       "DELETE FROM person_links;", err)))
		goto fail;
	if ((rc = prepare(st->db, "INSERT OR REPLACE INTO person_links VALUES(?,?,?)", &q, err)))
		goto fail;
	while (next(ctx, &reg, &id, &person)) {
		sqlite3_bind_text(q, 1, reg, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 3, person);
		if (sqlite3_step(q) != SQLITE_DONE) {
			rc = store_error(st->db, "cannot store person links", err);
			goto fail;
		}
		sqlite3_reset(q);
	}
	sqlite3_finalize(q);
	q = NULL;
	if ((rc = store_person_tables_build(st->db, err)))
		goto fail;
	return exec(st->db, "COMMIT", err);
fail:
	sqlite3_finalize(q);
	store_rollback(st);
	return rc;
}

/*
 * A history read as one range of one table: the person's crossings lie
 * side by side in the order they are shown, where through person_links
 * each crossing was two lookups in indexes far apart. Copied from the
 * register (whose rows never change) when the links are saved; the
 * service adds a row with each crossing it registers.
 */
#define PERSON_CROSSINGS_COLUMNS \
	"person_id INTEGER NOT NULL, event_time TEXT NOT NULL, movement_rowid INTEGER NOT NULL," \
	" movement_id TEXT NOT NULL, direction TEXT, border_post TEXT, nationality TEXT, permitted_stay_days INTEGER," \
	" PRIMARY KEY(person_id, event_time, movement_rowid)"

/*
 * A person's documents and the names they were written under, once each
 * (not once a crossing): the service finds a person by document or by
 * birth date and surnames here, and a returning traveller's crossing,
 * whose document and names are known, adds no row and so writes no page
 * at a random place. movement_rowid is a crossing under that name, and
 * the sex and document are that crossing's: what the service's linkage
 * compares, read with the names and not from the crossing's row.
 * surname_keys are the surnames' phonetic keys (link_surname_blob): the
 * service's name search reads them instead of normalising every surname
 * born that day; the connection that builds the table has the function
 * that makes them (link_sql_functions).
 */
#define PERSON_DOCUMENTS_COLUMNS \
	"document_type TEXT NOT NULL, document_country TEXT NOT NULL, document_number TEXT NOT NULL," \
	" person_id INTEGER NOT NULL, PRIMARY KEY(document_type, document_country, document_number, person_id)"
#define PERSON_NAMES_COLUMNS \
	"birth_date TEXT NOT NULL, surname_1 TEXT NOT NULL, surname_2 TEXT NOT NULL, given_names TEXT NOT NULL," \
	" nationality TEXT NOT NULL, person_id INTEGER NOT NULL, movement_rowid INTEGER NOT NULL," \
	" sex TEXT NOT NULL, document_type TEXT NOT NULL, document_country TEXT NOT NULL, document_number TEXT NOT NULL," \
	" surname_keys BLOB NOT NULL, PRIMARY KEY(birth_date, surname_1, surname_2, given_names, nationality, person_id)"

int store_person_tables_build(sqlite3 *db, struct err *err)
{
	if (!store_has_table(db, "person_links") || !store_has_table(db, "reg_movements"))
		return 0;
	return exec(db, "DROP TABLE IF EXISTS person_crossings;"
		    "CREATE TABLE person_crossings(" PERSON_CROSSINGS_COLUMNS ") WITHOUT ROWID;"
		    "INSERT INTO person_crossings SELECT l.person_id, coalesce(m.event_time, ''), m.rowid, m.movement_id,"
		    " m.direction, m.border_post, m.nationality, m.permitted_stay_days FROM person_links l"
		    " JOIN reg_movements m ON m.movement_id = l.record_id WHERE l.register = 'movements' ORDER BY 1, 2, 3;"
		    "DROP TABLE IF EXISTS person_documents;"
		    "CREATE TABLE person_documents(" PERSON_DOCUMENTS_COLUMNS ") WITHOUT ROWID;"
		    "INSERT INTO person_documents SELECT coalesce(m.document_type, ''), coalesce(m.document_country, ''),"
		    " coalesce(m.document_number, ''), c.person_id FROM person_crossings c"
		    " JOIN reg_movements m ON m.rowid = c.movement_rowid GROUP BY 1, 2, 3, 4;"
		    "DROP TABLE IF EXISTS person_names;"
		    "CREATE TABLE person_names(" PERSON_NAMES_COLUMNS ") WITHOUT ROWID;"
		    "INSERT INTO person_names SELECT coalesce(m.birth_date, ''), coalesce(m.surname_1, ''),"
		    " coalesce(m.surname_2, ''), coalesce(m.given_names, ''), coalesce(m.nationality, ''), c.person_id,"
		    /* sex and document of that crossing: SQLite takes a bare column from the row of the min() */
		    " min(c.movement_rowid), coalesce(m.sex, ''), coalesce(m.document_type, ''),"
		    " coalesce(m.document_country, ''), coalesce(m.document_number, ''),"
		    " pasos_surname_keys(coalesce(m.surname_1, ''), coalesce(m.surname_2, ''))"
		    " FROM person_crossings c JOIN reg_movements m ON m.rowid = c.movement_rowid"
		    " GROUP BY 1, 2, 3, 4, 5, 6;",
		    err);
}

int store_person_tables_missing(sqlite3 *db)
{
	sqlite3_stmt *q = NULL;
	int whole = 0;

	/* person_names before it kept the crossing's sex, document and surname keys (a candidate is scored from it alone) */
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM pragma_table_info('person_names') WHERE name = 'surname_keys'",
			       -1, &q, NULL) == SQLITE_OK)
		whole = sqlite3_step(q) == SQLITE_ROW;
	sqlite3_finalize(q);
	return !store_has_table(db, "person_crossings") || !store_has_table(db, "person_documents") || !whole;
}

int store_record_key_secret(struct store *st, unsigned char *key, size_t len, struct err *err)
{
	sqlite3_stmt *q = NULL;
	unsigned char fresh[64];
	int rc = 0;

	if (len > sizeof(fresh))
		return ERR_SET(err, ERR_USAGE, "record key secret longer than %zu bytes", sizeof(fresh));
	/* made once, from the system's random source, and kept with the data it keys */
	randombytes_buf(fresh, sizeof(fresh));
	if ((rc = exec(st->db, "CREATE TABLE IF NOT EXISTS record_key_secret(id INTEGER PRIMARY KEY CHECK (id = 1),"
		       " secret BLOB NOT NULL)", err)))
		return rc;
	if (sqlite3_prepare_v2(st->db, "INSERT OR IGNORE INTO record_key_secret VALUES(1, ?)", -1, &q, NULL) != SQLITE_OK ||
	    sqlite3_bind_blob(q, 1, fresh, (int)sizeof(fresh), SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_step(q) != SQLITE_DONE) {
		rc = store_error(st->db, "cannot keep the record key secret", err);
		goto out;
	}
	sqlite3_finalize(q);
	q = NULL;
	if (sqlite3_prepare_v2(st->db, "SELECT secret FROM record_key_secret WHERE id = 1", -1, &q, NULL) != SQLITE_OK ||
	    sqlite3_step(q) != SQLITE_ROW || sqlite3_column_bytes(q, 0) < (int)len) {
		rc = store_error(st->db, "cannot read the record key secret", err);
		goto out;
	}
	memcpy(key, sqlite3_column_blob(q, 0), len);
out:
	sqlite3_finalize(q);
	sodium_memzero(fresh, sizeof(fresh));
	return rc;
}
