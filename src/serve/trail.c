/*
 * trail.c: the hash-chained audit trail. See trail.h.
 * SPDX-License-Identifier: MIT
 */
#include "trail.h"
#include "mem.h"
#include "sha256.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *zero = "0000000000000000000000000000000000000000000000000000000000000000";

static int fail(sqlite3 *db, const char *what, struct err *err)
{
	return ERR_SET(err, ERR_STORE, "%s: %s", what, sqlite3_errmsg(db));
}

/* The hash of one entry: every field, each ended by a newline, after the previous hash. */
static void entry_hash(const char *prev, int64_t seq, const char *at, const char *user, const char *addr,
		       const char *action, const char *object, int status, char out[65])
{
	struct buf b;

	buf_init(&b, 1 << 16);
	buf_addf(&b, NULL, "%s\n%lld\n%s\n%s\n%s\n%s\n%s\n%d\n", prev, (long long)seq, at, user, addr, action, object,
		 status);
	sha256_buf(b.p, b.len, out);
	buf_release(&b);
}

int trail_open(sqlite3 *db, struct trail *t, struct err *err)
{
	sqlite3_stmt *q = NULL;

	if (sqlite3_exec(db, "CREATE TABLE IF NOT EXISTS audit_trail(seq INTEGER PRIMARY KEY, at TEXT NOT NULL,"
			 " user TEXT NOT NULL, addr TEXT NOT NULL, action TEXT NOT NULL, object TEXT NOT NULL,"
			 " status INTEGER NOT NULL, prev TEXT NOT NULL, hash TEXT NOT NULL);"
			 "CREATE TABLE IF NOT EXISTS trail_head(id INTEGER PRIMARY KEY CHECK (id = 1),"
			 " seq INTEGER NOT NULL, hash TEXT NOT NULL);", NULL, NULL, NULL) != SQLITE_OK)
		return fail(db, "cannot make the audit trail", err);
	memset(t, 0, sizeof(*t));
	snprintf(t->hash, sizeof(t->hash), "%s", zero);
	if (sqlite3_prepare_v2(db, "SELECT seq, hash FROM trail_head WHERE id = 1", -1, &q, NULL) != SQLITE_OK)
		return fail(db, "cannot read the audit trail", err);
	if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 1)) {
		t->seq = sqlite3_column_int64(q, 0);
		snprintf(t->hash, sizeof(t->hash), "%s", (const char *)sqlite3_column_text(q, 1));
	}
	t->head = t->seq;
	sqlite3_finalize(q);
	if (sqlite3_prepare_v3(db, "INSERT INTO audit_trail VALUES(?,?,?,?,?,?,?,?,?)", -1, SQLITE_PREPARE_PERSISTENT,
			       &t->add, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v3(db, "INSERT OR REPLACE INTO trail_head VALUES(1, ?, ?)", -1, SQLITE_PREPARE_PERSISTENT,
			       &t->move, NULL) != SQLITE_OK) {
		trail_close(t);
		return fail(db, "cannot prepare the audit trail", err);
	}
	return 0;
}

void trail_close(struct trail *t)
{
	sqlite3_finalize(t->add);
	sqlite3_finalize(t->move);
	t->add = t->move = NULL;
}

int trail_append(sqlite3 *db, struct trail *t, const char *user, const char *addr, const char *action,
		 const char *object, int status, struct err *err)
{
	sqlite3_stmt *q = t->add;
	char at[32], hash[65];
	time_t now = time(NULL);
	struct tm tm;
	int rc = 0;

	gmtime_r(&now, &tm);
	strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", &tm);
	entry_hash(t->hash, t->seq + 1, at, user, addr, action, object, status, hash);
	sqlite3_bind_int64(q, 1, t->seq + 1);
	sqlite3_bind_text(q, 2, at, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, user, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, addr, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 5, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 6, object, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 7, status);
	sqlite3_bind_text(q, 8, t->hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 9, hash, -1, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_DONE)
		rc = fail(db, "cannot append to the audit trail", err);
	sqlite3_reset(q);
	if (!rc) {
		t->seq++;
		memcpy(t->hash, hash, sizeof(hash));
	}
	return rc;
}

int trail_save(sqlite3 *db, struct trail *t, struct err *err)
{
	sqlite3_stmt *q = t->move;
	int rc = 0;

	/* once for a group of entries: the head row was rewritten for each, a tenth of the writer's statements */
	if (t->head == t->seq)
		return 0;
	sqlite3_bind_int64(q, 1, t->seq);
	sqlite3_bind_text(q, 2, t->hash, -1, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_DONE)
		rc = fail(db, "cannot move the audit trail's head", err);
	sqlite3_reset(q);
	if (!rc)
		t->head = t->seq;
	return rc;
}

int trail_verify(sqlite3 *db, int64_t *bad, int64_t *n, struct err *err)
{
	sqlite3_stmt *q = NULL;
	struct trail head;
	char prev[65], hash[65];
	int64_t expect = 1;
	int step, rc;

	*bad = *n = 0;
	if ((rc = trail_open(db, &head, err)))
		return rc;
	trail_close(&head);  /* only its head is read here */
	snprintf(prev, sizeof(prev), "%s", zero);
	if (sqlite3_prepare_v2(db, "SELECT seq, at, user, addr, action, object, status, prev, hash FROM audit_trail"
			       " ORDER BY seq", -1, &q, NULL) != SQLITE_OK)
		return fail(db, "cannot read the audit trail", err);
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		const char *f[9];
		int k;

		for (k = 1; k < 9; k++)
			f[k] = (const char *)sqlite3_column_text(q, k);
		for (k = 1; k < 9 && f[k]; k++)
			;
		(*n)++;
		if (k < 9 || sqlite3_column_int64(q, 0) != expect || strcmp(f[7], prev)) {
			*bad = sqlite3_column_int64(q, 0) != expect ? expect : sqlite3_column_int64(q, 0);
			break;
		}
		entry_hash(prev, expect, f[1], f[2], f[3], f[4], f[5], sqlite3_column_int(q, 6), hash);
		if (strcmp(hash, f[8])) {
			*bad = expect;
			break;
		}
		memcpy(prev, hash, sizeof(hash));
		expect++;
	}
	sqlite3_finalize(q);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return fail(db, "cannot read the audit trail", err);
	/* entries cut off the end: the head names one that is gone, or another hash */
	if (!*bad && (head.seq != expect - 1 || strcmp(head.hash, prev)))
		*bad = expect;
	return 0;
}
