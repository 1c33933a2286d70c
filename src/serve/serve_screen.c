/*
 * serve_screen.c: every registration screened while the traveller waits.
 * The screener of the current watch lists is shared by every connection
 * under a read lock; a thread looks for a new list version every second,
 * builds its screener aside and swaps it in, so a registration sees the
 * old lists or the new, never a mix. The hits never stop the crossing:
 * they are stored with it (screenings), in the same commit, and an
 * officer records a decision on them; both go to the audit trail.
 * SPDX-License-Identifier: MIT
 */
#include "serve_int.h"
#include "date.h"
#include "watchlist.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { RQ_PERMIT = 4, RQ_LAST_ENTRY = 5, RQ_SCREENING = 6 };

static const char *const decisions[] = { "cleared", "referred", "refused" };

static int build(struct server *sv, sqlite3 *db, struct err *err)
{
	struct wl_set *set = NULL;
	struct screener *sc, *old;
	int rc;

	if ((rc = watchlist_read(db, &set, err)))
		return rc;
	sc = screener_new(set);
	pthread_rwlock_wrlock(&sv->sc_lock);
	old = sv->sc;
	sv->sc = sc;
	pthread_rwlock_unlock(&sv->sc_lock);
	screener_free(old);
	return 0;
}

/* Every second: a new version of a list is built aside, then swapped in. */
static void *watcher(void *arg)
{
	struct server *sv = arg;

	for (;;) {
		struct timespec ts;
		int stop;
		uint64_t gen, have;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		pthread_mutex_lock(&sv->sc_wait);
		if (!sv->stopping_watch)
			pthread_cond_timedwait(&sv->sc_cond, &sv->sc_wait, &ts);
		stop = sv->stopping_watch;
		pthread_mutex_unlock(&sv->sc_wait);
		if (stop)
			break;
		{
			struct reader *r = rdb_take(sv);
			struct err err;

			gen = (uint64_t)watchlist_generation(r->db);
			pthread_rwlock_rdlock(&sv->sc_lock);
			have = screener_generation(sv->sc);
			pthread_rwlock_unlock(&sv->sc_lock);
			err_init(&err);
			if (gen != have && build(sv, r->db, &err))
				fprintf(stderr, "pasos serve: error: the new watch lists: %s\n", err.msg);
			else if (gen != have)
				fprintf(stderr, "pasos serve: watch lists now at version %llu\n", (unsigned long long)gen);
			rdb_give(sv, r);
		}
	}
	return NULL;
}

int screening_open(struct server *sv, struct err *err)
{
	sqlite3 *db = store_db(sv->st);
	int rc;

	if ((rc = store_exec(sv->st,
			     "CREATE TABLE IF NOT EXISTS screenings(screening_id INTEGER PRIMARY KEY, register TEXT NOT NULL,"
			     " record_id TEXT NOT NULL, at TEXT NOT NULL, lists_version INTEGER NOT NULL,"
			     " hits INTEGER NOT NULL, result TEXT NOT NULL, decision TEXT, decided_by TEXT, decided_at TEXT,"
			     " note TEXT);"
			     "CREATE UNIQUE INDEX IF NOT EXISTS screenings_record ON screenings(register, record_id);"
			     "CREATE TABLE IF NOT EXISTS screening_decisions(screening_id INTEGER NOT NULL, at TEXT NOT NULL,"
			     " user TEXT NOT NULL, decision TEXT NOT NULL, note TEXT NOT NULL);"
			     "CREATE INDEX IF NOT EXISTS reg_movements_permit ON reg_movements(minor_authorization)"
			     " WHERE minor_authorization IS NOT NULL;", err)))
		return rc;
	if (sqlite3_prepare_v3(db, "INSERT INTO screenings(register, record_id, at, lists_version, hits, result)"
			       " VALUES('movements', ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?, ?, ?)", -1,
			       SQLITE_PREPARE_PERSISTENT, &sv->put_screening, NULL) != SQLITE_OK)
		return store_error(db, "cannot prepare the screenings", err);
	/* f_nat, f_time and f_dir were found by serve.c */
	sv->f_permit = schema_field_index(sv->s, "minor_authorization");
	sv->f_birth = schema_field_index(sv->s, "birth_date");
	pthread_rwlock_init(&sv->sc_lock, NULL);
	pthread_mutex_init(&sv->sc_wait, NULL);
	pthread_cond_init(&sv->sc_cond, NULL);
	return build(sv, db, err);
}

int screening_start(struct server *sv)
{
	if (pthread_create(&sv->sc_thread, NULL, watcher, sv))
		return -1;
	sv->sc_started = 1;
	return 0;
}

void screening_close(struct server *sv)
{
	if (sv->sc_started) {
		pthread_mutex_lock(&sv->sc_wait);
		sv->stopping_watch = 1;
		pthread_cond_signal(&sv->sc_cond);
		pthread_mutex_unlock(&sv->sc_wait);
		pthread_join(sv->sc_thread, NULL);
		sv->sc_started = 0;
	}
	sqlite3_finalize(sv->put_screening);
	sv->put_screening = NULL;
	screener_free(sv->sc);
	sv->sc = NULL;
}

/* The value of field i (an index found once at start), or none when the register lacks it. */
static struct csv_field field(const struct csv_field *v, int i)
{
	struct csv_field none = { "", 0 };

	return i >= 0 ? v[i] : none;
}

static long day_of(struct csv_field f)
{
	return f.len >= 10 ? date_parse(f.p, 10) : DATE_INVALID;
}

/* The rules that need the store: a permit used before, the last entry's stay. */
static size_t history_rules(struct server *sv, const struct csv_field *v, int entry, struct screen_hit *hits,
			    size_t n, size_t max)
{
	struct csv_field permit = field(v, sv->f_permit), id = v[sv->s->id_field];
	struct csv_field nat = field(v, sv->f_nat);
	long day = day_of(field(v, sv->f_time)), birth = day_of(field(v, sv->f_birth));
	struct reader *r;
	sqlite3_stmt *q;
	int used = 0;

	if (entry || day == DATE_INVALID || n >= max)
		return n;
	r = rdb_take(sv);
	if (birth != DATE_INVALID && permit.len &&
	    (q = rdb_stmt(r, RQ_PERMIT, "SELECT 1 FROM reg_movements WHERE minor_authorization = ? AND movement_id <> ?"
			  " LIMIT 1"))) {
		sqlite3_bind_text(q, 1, permit.p, (int)permit.len, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, id.p, (int)id.len, SQLITE_STATIC);
		used = sqlite3_step(q) == SQLITE_ROW;
		sqlite3_reset(q);
	}
	if (birth != DATE_INVALID && screen_minor(birth, day, 0, permit.len, used, &hits[n]))
		n++;
	if (n < max && nat.len && !(nat.len == 3 && !memcmp(nat.p, "BOL", 3)) &&
	    /*
	     * the latest entry with this document: among the crossings of its
	     * persons (person_documents), latest first, the first entry that
	     * was made with it
	     */
	    (q = rdb_stmt(r, RQ_LAST_ENTRY, "SELECT substr(c.event_time, 1, 10), c.permitted_stay_days"
			  " FROM person_documents d CROSS JOIN person_crossings c ON c.person_id = d.person_id"
			  " CROSS JOIN reg_movements m ON m.rowid = c.movement_rowid"
			  " WHERE d.document_type = ?1 AND d.document_country = ?2 AND d.document_number = ?3"
			  " AND c.direction = 'ENTRY' AND c.movement_id <> ?4 AND m.document_type = ?1"
			  " AND m.document_country = ?2 AND m.document_number = ?3 ORDER BY c.event_time DESC LIMIT 1"))) {
		sqlite3_bind_text(q, 1, v[sv->doc_type].p, (int)v[sv->doc_type].len, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, v[sv->doc_country].p, (int)v[sv->doc_country].len, SQLITE_STATIC);
		sqlite3_bind_text(q, 3, v[sv->doc_number].p, (int)v[sv->doc_number].len, SQLITE_STATIC);
		sqlite3_bind_text(q, 4, id.p, (int)id.len, SQLITE_STATIC);
		if (sqlite3_step(q) == SQLITE_ROW) {
			const char *t = (const char *)sqlite3_column_text(q, 0);
			long in = t ? date_parse(t, strlen(t)) : DATE_INVALID;

			if (in != DATE_INVALID &&
			    screen_overstay(in, sqlite3_column_int(q, 1), day, &hits[n]))
				n++;
		}
		sqlite3_reset(q);
	}
	rdb_give(sv, r);
	return n;
}

json_t *screening_hits_json(const struct screen_hit *hits, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:f,s:s}", "kind", screen_kind_names[hits[i].kind],
						   "list", hits[i].entry ? hits[i].entry->list : "",
						   "entry_id", hits[i].entry ? hits[i].entry->id : "",
						   "score", (double)(long)(hits[i].score * 1000 + 0.5) / 1000.0,
						   "reasons", hits[i].reasons));
	return a;
}

int screening_run(struct server *sv, struct job *j)
{
	struct screen_hit hits[SCREEN_MAX_HITS];
	struct screen_traveller t;
	int sur = 0;
	size_t i, n;
	json_t *a;
	struct csv_field dir = field(j->vals, sv->f_dir);

	memset(&t, 0, sizeof(t));
	for (i = 0; i < sv->s->n_fields; i++) {
		unsigned roles = sv->s->fields[i].roles;

		if (roles & ROLE_SURNAME) {
			if (sur == 0)
				t.surname1 = j->vals[i];
			else if (sur == 1)
				t.surname2 = j->vals[i];
			sur++;
		}
		if (roles & ROLE_GIVEN_NAMES)
			t.given = j->vals[i];
		if (roles & ROLE_BIRTH_DATE)
			t.birth = j->vals[i];
		if (roles & ROLE_NATIONALITY)
			t.nationality = j->vals[i];
	}
	t.doc_type = j->vals[sv->doc_type];
	t.doc_country = j->vals[sv->doc_country];
	t.doc_number = j->vals[sv->doc_number];
	t.entry = dir.len == 5 && !memcmp(dir.p, "ENTRY", 5);
	pthread_rwlock_rdlock(&sv->sc_lock);
	n = screen_lists(sv->sc, &t, SCREEN_DEFAULT_THRESHOLD, hits, SCREEN_MAX_HITS);
	j->lists_version = (int64_t)screener_generation(sv->sc);
	a = screening_hits_json(hits, n);  /* while the entries they point to are alive */
	pthread_rwlock_unlock(&sv->sc_lock);
	{
		size_t m = history_rules(sv, j->vals, t.entry, hits, 0, SCREEN_MAX_HITS);
		json_t *b = screening_hits_json(hits, m);

		json_array_extend(a, b);
		json_decref(b);
	}
	j->n_hits = (int)json_array_size(a);
	j->hits_json = json_dumps(a, JSON_COMPACT);
	j->hits = a;
	return j->n_hits;
}

int screening_store(struct server *sv, struct job *j, struct err *err)
{
	sqlite3_stmt *q = sv->put_screening;
	sqlite3 *db = store_db(sv->st);
	int rc;

	sqlite3_bind_text(q, 1, j->vals[sv->s->id_field].p, (int)j->vals[sv->s->id_field].len, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, j->lists_version);
	sqlite3_bind_int(q, 3, j->n_hits);
	sqlite3_bind_text(q, 4, j->hits_json ? j->hits_json : "[]", -1, SQLITE_STATIC);
	rc = sqlite3_step(q) == SQLITE_DONE ? 0 : store_error(db, "cannot store the screening", err);
	sqlite3_reset(q);
	if (rc)
		return rc;
	j->screening = sqlite3_last_insert_rowid(db);
	if (j->n_hits) {
		char object[64];

		snprintf(object, sizeof(object), "screening:%lld", (long long)j->screening);
		rc = trail_append(db, &sv->trail, j->user, j->addr, "screening-hits", object, j->n_hits, err);
	}
	return rc;
}

int screening_decide_job(struct server *sv, struct job *j, struct err *err)
{
	sqlite3 *db = store_db(sv->st);
	sqlite3_stmt *q = NULL;
	char object[64];
	int rc = 0;

	if (sqlite3_prepare_v2(db, "UPDATE screenings SET decision = ?1, decided_by = ?2,"
			       " decided_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), note = ?3 WHERE screening_id = ?4;",
			       -1, &q, NULL) != SQLITE_OK)
		return store_error(db, "cannot record the decision", err);
	sqlite3_bind_text(q, 1, j->action, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, j->user, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, j->note ? j->note : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, j->screening);
	if (sqlite3_step(q) != SQLITE_DONE)
		rc = store_error(db, "cannot record the decision", err);
	sqlite3_finalize(q);
	q = NULL;
	if (!rc && sqlite3_prepare_v2(db, "INSERT INTO screening_decisions SELECT screening_id, decided_at, decided_by,"
				      " decision, note FROM screenings WHERE screening_id = ?", -1, &q, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(q, 1, j->screening);
		if (sqlite3_step(q) != SQLITE_DONE)
			rc = store_error(db, "cannot record the decision", err);
	} else if (!rc) {
		rc = store_error(db, "cannot record the decision", err);
	}
	sqlite3_finalize(q);
	if (!rc) {
		snprintf(object, sizeof(object), "screening:%lld", (long long)j->screening);
		char action[40];

		snprintf(action, sizeof(action), "decide-%s", j->action);
		rc = trail_append(db, &sv->trail, j->user, j->addr, action, object, 200, err);
	}
	j->status = rc ? 500 : 200;
	return rc;
}

/* A screening as JSON with the border post of its crossing, or NULL. */
json_t *screening_get(struct server *sv, int64_t id, char post[16])
{
	struct reader *r = rdb_take(sv);
	sqlite3_stmt *q = rdb_stmt(r, RQ_SCREENING,
				   "SELECT s.record_id, s.at, s.lists_version, s.hits, s.result, s.decision, s.decided_by,"
				   " s.decided_at, s.note, m.border_post FROM screenings s JOIN reg_movements m"
				   " ON m.movement_id = s.record_id WHERE s.screening_id = ?");
	json_t *o = NULL;

	post[0] = '\0';
	if (q) {
		sqlite3_bind_int64(q, 1, id);
		if (sqlite3_step(q) == SQLITE_ROW) {
			json_error_t je;
			json_t *hits = json_loads((const char *)sqlite3_column_text(q, 4), 0, &je);

#define TXT(k) (sqlite3_column_type(q, k) == SQLITE_NULL ? json_null() : json_string((const char *)sqlite3_column_text(q, k)))
			o = json_pack("{s:I,s:s,s:s,s:I,s:I,s:o,s:o,s:o,s:o,s:o}", "screening_id", (json_int_t)id,
				      "record_id", (const char *)sqlite3_column_text(q, 0),
				      "at", (const char *)sqlite3_column_text(q, 1),
				      "lists_version", (json_int_t)sqlite3_column_int64(q, 2),
				      "hit_count", (json_int_t)sqlite3_column_int64(q, 3),
				      "hits", hits ? hits : json_array(), "decision", TXT(5), "decided_by", TXT(6),
				      "decided_at", TXT(7), "note", TXT(8));
#undef TXT
			snprintf(post, 16, "%s", (const char *)sqlite3_column_text(q, 9));
		}
		sqlite3_reset(q);
	}
	rdb_give(sv, r);
	return o;
}

int64_t screening_of_record(struct server *sv, const char *record_id)
{
	struct reader *r = rdb_take(sv);
	sqlite3_stmt *q = rdb_stmt(r, RQ_SCREENING + 1,
				   "SELECT screening_id FROM screenings WHERE register = 'movements' AND record_id = ?");
	int64_t id = 0;

	if (q) {
		sqlite3_bind_text(q, 1, record_id, -1, SQLITE_STATIC);
		if (sqlite3_step(q) == SQLITE_ROW)
			id = sqlite3_column_int64(q, 0);
		sqlite3_reset(q);
	}
	rdb_give(sv, r);
	return id;
}

int screening_decide(struct server *sv, const struct user *u, const char *addr, int64_t id, const char *decision,
		     const char *note, const char **error)
{
	json_t *s;
	char post[16];
	struct job j;
	size_t k;

	for (k = 0; k < sizeof(decisions) / sizeof(decisions[0]) && strcmp(decision, decisions[k]); k++)
		;
	if (k == sizeof(decisions) / sizeof(decisions[0])) {
		*error = "a decision is cleared, referred or refused";
		return 422;
	}
	if (note && strlen(note) > 500) {
		*error = "a note is at most 500 bytes";
		return 422;
	}
	if (!(s = screening_get(sv, id, post))) {
		*error = "no such screening";
		return 404;
	}
	if (strcmp(post, u->post)) {
		json_decref(s);
		*error = "an officer decides on the screenings of their own border post only";
		return 403;
	}
	if (json_integer_value(json_object_get(s, "hit_count")) == 0) {
		json_decref(s);
		*error = "this screening found nothing to decide on";
		return 409;
	}
	json_decref(s);
	memset(&j, 0, sizeof(j));
	j.kind = JOB_DECISION;
	j.screening = id;
	j.note = note;
	snprintf(j.action, sizeof(j.action), "%s", decision);
	snprintf(j.user, sizeof(j.user), "%s", u->name);
	snprintf(j.addr, sizeof(j.addr), "%s", addr);
	submit(sv, &j);
	if (j.status != 200)
		*error = "not recorded: the store failed; try again";
	return j.status;
}

enum MHD_Result screening_route(struct server *sv, struct MHD_Connection *c, const struct user *u, const char *url,
				const char *method, const struct request *rq)
{
	const char *p = url + strlen("/api/v1/screenings/");
	char *end, addr[64], object[64];
	long long id = strtoll(p, &end, 10);
	int decide = !strcmp(end, "/decision");

	if (end == p || id <= 0 || (*end && !decide))
		return send_error(c, MHD_HTTP_NOT_FOUND, "no such route");
	if (u->role != ROLE_OFFICER && !(u->role == ROLE_SUPERVISOR && !decide))
		return send_error(c, MHD_HTTP_FORBIDDEN, decide ? "only an officer decides on a screening"
						       : "only officers and supervisors read screenings");
	client_addr(c, addr, sizeof(addr));
	snprintf(object, sizeof(object), "screening:%lld", id);
	if (decide) {
		json_error_t je;
		json_t *body, *d, *n;
		const char *error = NULL;
		int status;

		if (strcmp(method, "POST"))
			return send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "POST only");
		if (rq->too_big)
			return send_error(c, 413, "a request is at most 64 KiB");
		body = rq->body ? json_loadb(rq->body, rq->len, 0, &je) : NULL;
		d = json_object_get(body, "decision");
		n = json_object_get(body, "note");
		if (!json_is_object(body) || !json_is_string(d) || (n && !json_is_string(n))) {
			json_decref(body);
			return send_error(c, MHD_HTTP_BAD_REQUEST,
					  "send one JSON object: {\"decision\": \"cleared|referred|refused\", \"note\": \"...\"}");
		}
		status = screening_decide(sv, u, addr, id, json_string_value(d), n ? json_string_value(n) : NULL, &error);
		json_decref(body);
		if (status != 200)
			return send_error(c, (unsigned)status, error);
	} else if (strcmp(method, "GET")) {
		return send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "GET only");
	}
	{
		char post[16];
		json_t *s = screening_get(sv, id, post);

		if (!s)
			return send_error(c, MHD_HTTP_NOT_FOUND, "no such screening");
		if (u->role == ROLE_OFFICER && strcmp(post, u->post)) {
			json_decref(s);
			return send_error(c, MHD_HTTP_FORBIDDEN, "an officer reads the screenings of their own border post only");
		}
		if (!decide && trail_read(sv, c, u, "read-screening", object, 200)) {
			json_decref(s);
			return send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "the audit trail failed: nothing is shown");
		}
		return send_json(c, MHD_HTTP_OK, s);
	}
}
