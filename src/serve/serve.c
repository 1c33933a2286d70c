/*
 * serve.c: the border-post service. See serve.h.
 *
 * One process owns the store. A few threads (SERVE_THREADS, each with
 * its epoll over many connections) read, authenticate and validate
 * requests, then hand what must be written to one writer thread: a
 * registration's or a read's connection is suspended meanwhile, and its
 * thread goes on with others (the rarer writes wait in their thread). The
 * writer (serve_commit.c) takes every job waiting, writes them in one
 * transaction, commits, and only then resumes their connections or wakes
 * their threads: a 201 or a 200 is on disk, and many requests share one
 * commit (group commit).
 * SPDX-License-Identifier: MIT
 */
#include "serve.h"
#include "serve_int.h"
#include "date.h"
#include "ingest.h"
#include "mrz.h"
#include "opt.h"
#include "mem.h"
#include "names.h"
#include "schema.h"
#include "sha256.h"
#include "store.h"
#include "trail.h"
#include "users.h"
#include "validate.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* the threads that answer HTTP by default (--threads): twice the cores of the machine this was measured on */
#define SERVE_THREADS 4

static void pending_free(struct pending *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < SCHEMA_MAX_FIELDS; i++)
		free(p->texts[i]);
	json_decref(p->fails);
	free(p->text);
	free(p->j.hits_json);
	json_decref(p->j.hits);
	free(p);
}

/* ==== Reads ==== */

struct reader *rdb_take(struct server *sv)
{
	struct reader *r;

	pthread_mutex_lock(&sv->rlock);
	while (!sv->n_rfree)
		pthread_cond_wait(&sv->rcond, &sv->rlock);
	r = sv->rfree[--sv->n_rfree];
	pthread_mutex_unlock(&sv->rlock);
	return r;
}

sqlite3_stmt *rdb_stmt(struct reader *r, int k, const char *sql)
{
	if (!r->stmt[k] && sqlite3_prepare_v3(r->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &r->stmt[k], NULL) != SQLITE_OK)
		return NULL;
	sqlite3_reset(r->stmt[k]);
	sqlite3_clear_bindings(r->stmt[k]);
	return r->stmt[k];
}

/*
 * BEGIN or COMMIT on a reader, prepared once: the reads of one request in
 * one snapshot, and one start of a read (its locks, and the check of the
 * reader's page cache against the log) instead of one for each statement.
 */
void rdb_tx(struct reader *r, int begin)
{
	sqlite3_stmt *q = begin ? rdb_stmt(r, RQ_TX_BEGIN, "BEGIN") : rdb_stmt(r, RQ_TX_COMMIT, "COMMIT");

	if (q) {
		sqlite3_step(q);
		sqlite3_reset(q);
	}
}

void rdb_give(struct server *sv, struct reader *r)
{
	/* no statement left open: an open read would hold its snapshot, and the log could never be checkpointed */
	for (int k = 0; k < READER_STMTS; k++)
		if (r->stmt[k] && sqlite3_stmt_busy(r->stmt[k]))
			sqlite3_reset(r->stmt[k]);
	pthread_mutex_lock(&sv->rlock);
	sv->rfree[sv->n_rfree++] = r;
	pthread_cond_signal(&sv->rcond);
	pthread_mutex_unlock(&sv->rlock);
}

static void trail_job(struct job *j, struct MHD_Connection *c, const struct user *u, const char *action,
		      const char *object, int status)
{
	memset(j, 0, sizeof(*j));
	j->kind = JOB_TRAIL;
	snprintf(j->user, sizeof(j->user), "%s", u->name);
	client_addr(c, j->addr, sizeof(j->addr));
	snprintf(j->action, sizeof(j->action), "%s", action);
	snprintf(j->object, sizeof(j->object), "%s", object);
	j->read_status = status;
}

int trail_read(struct server *sv, struct MHD_Connection *c, const struct user *u, const char *action,
	       const char *object, int status)
{
	struct job j;

	trail_job(&j, c, u, action, object, status);
	submit(sv, &j);
	return j.status == 500 ? -1 : 0;
}

static enum MHD_Result finish_traced(struct server *sv, struct MHD_Connection *c, struct pending *p)
{
	char *text = p->text;

	(void)sv;
	if (p->j.status == 500)
		return send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "the audit trail failed: nothing is shown");
	p->text = NULL;
	return send_json_text(c, p->status, text, p->len);
}

enum MHD_Result send_text_traced(struct server *sv, struct MHD_Connection *c, struct request *rq,
				 const struct user *u, const char *action, const char *object, int read_status,
				 unsigned status, char *text, size_t len)
{
	struct pending *p = xcalloc(1, sizeof(*p));

	trail_job(&p->j, c, u, action, object, read_status);
	p->text = text;
	p->len = len;
	p->status = status;
	p->finish = finish_traced;
	return submit_async(sv, c, rq, p);
}

enum MHD_Result send_json_traced(struct server *sv, struct MHD_Connection *c, struct request *rq,
				 const struct user *u, const char *action, const char *object, int read_status,
				 unsigned status, json_t *body)
{
	char *text = json_dumps(body, JSON_COMPACT);

	json_decref(body);
	return send_text_traced(sv, c, rq, u, action, object, read_status, status, text, strlen(text));
}

/* ==== HTTP ==== */


enum MHD_Result send_json(struct MHD_Connection *c, unsigned status, json_t *body)
{
	char *text = json_dumps(body, JSON_COMPACT);

	json_decref(body);
	return send_json_text(c, status, text, strlen(text));
}

enum MHD_Result send_json_text(struct MHD_Connection *c, unsigned status, char *text, size_t len)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(r, "Content-Type", "application/json");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

enum MHD_Result send_error(struct MHD_Connection *c, unsigned status, const char *msg)
{
	return send_json(c, status, json_pack("{s:s}", "error", msg));
}

void client_addr(struct MHD_Connection *c, char *out, size_t len)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

	snprintf(out, len, "?");
	if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, out, (socklen_t)len);
}

/*
 * The account of the Bearer token, or 0. An account found is kept for
 * TOKEN_TTL seconds (a look in the store for every request would queue
 * every officer behind the writer's commits).
 */
static int authenticate(struct server *sv, struct MHD_Connection *c, struct user *u)
{
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
	struct token_entry *e;
	size_t len, slot = 0, i;
	double t = serve_now();
	int ok;

	if (!h || strncmp(h, "Bearer ", 7) || (len = strlen(h + 7)) != USER_TOKEN_HEX)
		return 0;
	for (i = 0; i < 8; i++)
		slot = slot * 31 + (unsigned char)h[7 + i];
	e = &sv->tokens[slot % TOKEN_CACHE];
	pthread_mutex_lock(&sv->rlock);
	ok = e->token[0] && t - e->at < TOKEN_TTL && sodium_memcmp(e->token, h + 7, USER_TOKEN_HEX) == 0;
	if (ok)
		*u = e->u;
	pthread_mutex_unlock(&sv->rlock);
	if (!ok) {
		struct reader *r = rdb_take(sv);

		ok = user_by_token(r->db, h + 7, len, u);
		rdb_give(sv, r);
		if (ok) {
			pthread_mutex_lock(&sv->rlock);
			memcpy(e->token, h + 7, USER_TOKEN_HEX + 1);
			e->u = *u;
			e->at = t;
			pthread_mutex_unlock(&sv->rlock);
		}
	}
	return ok;
}

/* A JSON value as the text the register's checks read; NULL when it is neither a string nor a whole number. */
static char *value_text(json_t *v)
{
	char num[32];

	if (json_is_string(v))
		return xmemdup0(json_string_value(v), json_string_length(v));
	if (json_is_integer(v)) {
		snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
		return xstrdup(num);
	}
	if (json_is_null(v))
		return xstrdup("");
	return NULL;
}

void serve_check(const struct server *sv, const struct schema *s, char *const *texts, struct csv_field *vals,
		 json_t *fails)
{
	struct validation v;
	size_t i;

	for (i = 0; i < s->n_fields; i++) {
		vals[i].p = texts[i] ? texts[i] : "";
		vals[i].len = texts[i] ? strlen(texts[i]) : 0;
	}
	memset(&v, 0, sizeof(v));
	v.today = sv->today;
	v.has_today = 1;
	if (validate_record(s, vals, &v))
		for (i = 0; i < v.n; i++)
			fail_on(fails, v.f[i].field >= 0 ? s->fields[v.f[i].field].name : "", v.f[i].rule, v.f[i].msg);
}

json_t *serve_json_body(struct MHD_Connection *c, const struct schema *s, const struct request *rq, char **texts,
			char **mrz, enum MHD_Result *ret)
{
	const char *ctype = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
	json_t *fails;

	if (!ctype || strncmp(ctype, "application/json", 16)) {
		*ret = send_error(c, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "send application/json");
		return NULL;
	}
	if (rq->too_big) {
		*ret = send_error(c, 413, "a request is at most 64 KiB");
		return NULL;
	}
	fails = json_array();
	if (serve_json_texts(s, rq->body, rq->len, texts, mrz, fails)) {
		json_decref(fails);
		FREE_AND_NULL(*mrz);
		*ret = send_error(c, MHD_HTTP_BAD_REQUEST, "the body is not one JSON object");
		return NULL;
	}
	return fails;
}

void job_for(struct job *j, enum job_kind kind, const char *raw, size_t raw_len, const struct user *u, const char *addr)
{
	j->kind = kind;
	j->raw = raw;
	j->raw_len = raw_len;
	snprintf(j->user, sizeof(j->user), "%s", u->name);
	snprintf(j->addr, sizeof(j->addr), "%s", addr);
}

void fail_on(json_t *fails, const char *field, const char *rule, const char *msg)
{
	json_array_append_new(fails, json_pack("{s:s,s:s,s:s}", "field", field, "rule", rule, "message", msg));
}

int serve_json_texts(const struct schema *s, const char *body, size_t len, char **texts, char **mrz, json_t *fails)
{
	json_error_t jerr;
	json_t *obj = json_loadb(body ? body : "", len, JSON_REJECT_DUPLICATES, &jerr), *val;
	const char *key;

	if (!obj || !json_is_object(obj)) {
		json_decref(obj);
		return -1;
	}
	json_object_foreach(obj, key, val) {
		int f = schema_field_index(s, key);

		if (!strcmp(key, "mrz") && f < 0) {
			free(*mrz);
			*mrz = json_is_string(val) ? xstrdup(json_string_value(val)) : NULL;
			if (!*mrz)
				fail_on(fails, key, "type.json", "the MRZ's lines in one string");
			continue;
		}
		if (f < 0) {
			fail_on(fails, key, "unknown_field", "not a field of register movements");
			continue;
		}
		/* a key given twice is refused by the parser (JSON_REJECT_DUPLICATES) */
		if (!(texts[f] = value_text(val)))
			fail_on(fails, key, "type.json", "a string or a whole number");
	}
	json_decref(obj);
	return 0;
}

/*
 * A document read from its MRZ fills the document and person fields; a
 * field the officer also typed must say the same (names compared as
 * linkage compares them), or it is a failure naming the field.
 */
static void mrz_fill(struct server *sv, const char *text, char **texts, json_t *fails)
{
	char copy[512], *lines[4], *p, *save = NULL, why[160], today[11], s1[64] = "", *s2;
	const char *cl[4];
	size_t n = 0, i;
	struct mrz m;

	snprintf(copy, sizeof(copy), "%s", text);
	for (p = strtok_r(copy, "\r\n", &save); p; p = strtok_r(NULL, "\r\n", &save)) {
		while (*p == ' ')
			p++;
		if (*p && n < 4)
			lines[n++] = p;
	}
	for (i = 0; i < n; i++) {
		size_t l = strlen(lines[i]);

		while (l && lines[i][l - 1] == ' ')
			lines[i][--l] = '\0';
		cl[i] = lines[i];
	}
	date_format(sv->today, today);
	if (n > 3 || mrz_parse(cl, n, today, &m, why, sizeof(why))) {
		fail_on(fails, "mrz", "mrz.format", n > 3 ? "an MRZ has 2 or 3 lines" : why);
		return;
	}
	for (i = 0; i < MRZ_CHECKS; i++)
		if (m.checks[i] == MRZ_CHECK_INVALID) {
			char msg[96];

			snprintf(msg, sizeof(msg), "the check digit of %s is wrong", mrz_check_names[i]);
			fail_on(fails, "mrz", "mrz.check", msg);
		}
	if (!m.birth_date[0] || !m.expiry_date[0])
		fail_on(fails, "mrz", "mrz.date", "a date in the MRZ is not a date");
	if (json_array_size(fails))
		return;
	snprintf(s1, sizeof(s1), "%s", m.surnames);
	s2 = strchr(s1, ' ');
	if (s2)
		*s2++ = '\0';
	{
		const char *want[][2] = {
			{ "document_type", m.document_type[0] == 'P' ? "PASSPORT" : strchr("IAC", m.document_type[0]) ? "ID_CARD" : "OTHER" },
			{ "document_number", m.document_number }, { "document_country", m.issuing_state },
			{ "nationality", m.nationality }, { "birth_date", m.birth_date }, { "sex", m.sex[0] ? m.sex : "X" },
			{ "surname_1", s1 }, { "surname_2", s2 ? s2 : "" }, { "given_names", m.given_names },
		};

		for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
			int f = schema_field_index(sv->s, want[i][0]), same;
			char a[256], b[256];

			if (f < 0)
				continue;
			if (texts[f] && texts[f][0]) {
				if (strstr(want[i][0], "name")) {
					names_normalize(texts[f], strlen(texts[f]), a, sizeof(a));
					names_normalize(want[i][1], strlen(want[i][1]), b, sizeof(b));
					same = !strcmp(a, b);
				} else {
					same = !strcmp(texts[f], want[i][1]);
				}
				if (!same)
					fail_on(fails, want[i][0], "mrz.disagrees", "differs from the document's MRZ");
				continue;
			}
			free(texts[f]);
			texts[f] = xstrdup(want[i][1]);
		}
	}
}

/* Everything a registration does before its commit: 0 with j ready for the writer, or the status answered in a. */
static int register_prepare(struct server *sv, const struct user *u, const char *addr, char **texts, const char *mrz,
			    json_t *fails, const char *raw, size_t raw_len, struct job *j, struct reg_answer *a)
{
	struct reader *r;

	memset(a, 0, sizeof(*a));
	a->failures = fails;
	if (mrz)
		mrz_fill(sv, mrz, texts, fails);
	/* the border post is the officer's */
	if (texts[sv->post_field] && texts[sv->post_field][0] && strcmp(texts[sv->post_field], u->post)) {
		a->status = MHD_HTTP_FORBIDDEN;
		a->error = "an officer registers at their own border post only";
		return a->status;
	}
	free(texts[sv->post_field]);
	texts[sv->post_field] = xstrdup(u->post);
	memset(j, 0, sizeof(*j));
	serve_check(sv, sv->s, texts, j->vals, fails);
	if (json_array_size(fails)) {
		a->status = 422;
		a->error = "the record breaks the register's rules";
		return a->status;
	}
	job_for(j, JOB_REGISTER, raw, raw_len, u, addr);
	/* screened before it is written: the hits are stored with it, in the same commit */
	screening_run(sv, j);
	j->skeys_len = serve_surname_keys(sv, j->vals, j->skeys);
	/*
	 * The document's person if stored; a document the store has not seen:
	 * its person by name, with the model. One read: one snapshot, and one
	 * start of a read instead of two.
	 */
	r = rdb_take(sv);
	rdb_tx(r, 1);
	j->doc_person = serve_known_person(sv, r, j->vals, &j->names_known);
	if (!j->doc_person && sv->has_model)
		j->name_person = serve_person_by_name(sv, r, j->vals, j->skeys, j->skeys_len);
	rdb_tx(r, 0);
	rdb_give(sv, r);
	return 0;
}

/* A retry's screening: the one made when its record was first stored (NULL: none). */
static json_t *retry_screening(struct server *sv, const struct job *j)
{
	char post[16], *id = xmemdup0(j->vals[sv->s->id_field].p, j->vals[sv->s->id_field].len);
	int64_t sid = screening_of_record(sv, id);

	free(id);
	return sid ? screening_get(sv, sid, post) : NULL;
}

/* What the commit of j came to, into a (whose failures are set). */
static void register_finish(struct server *sv, struct job *j, struct reg_answer *a)
{
	size_t i;

	a->status = j->status;
	a->person = j->person;
	if (j->status == 201) {
		json_t *hits = j->hits;

		j->hits = NULL;
		a->screening = json_pack("{s:I,s:I,s:o}", "screening_id", (json_int_t)j->screening, "lists_version",
					 (json_int_t)j->lists_version, "hits", hits ? hits : json_array());
		a->linked_by = j->linked_by;
	} else if (j->status == 200) {
		a->screening = retry_screening(sv, j);
	}
	free(j->hits_json);
	j->hits_json = NULL;
	json_decref(j->hits);
	j->hits = NULL;
	if (j->status == 500) {
		a->error = "not stored: the store failed; try again";
	} else if (j->status == 409) {
		a->error = "another record has this movement_id: kept aside as a conflict";
	} else {
		a->record = json_object();
		for (i = 0; i < sv->s->n_fields; i++)
			json_object_set_new(a->record, sv->s->fields[i].name, json_stringn(j->vals[i].p, j->vals[i].len));
	}
}

int serve_register(struct server *sv, const struct user *u, const char *addr, char **texts, const char *mrz,
		   json_t *fails, const char *raw, size_t raw_len, struct reg_answer *a)
{
	struct job j;

	if (register_prepare(sv, u, addr, texts, mrz, fails, raw, raw_len, &j, a))
		return a->status;
	submit(sv, &j);
	register_finish(sv, &j, a);
	return a->status;
}

/* A registration that stored nothing: 403, 409, 422 (with its failures) or 500. */
static enum MHD_Result answer_refused(struct MHD_Connection *c, struct reg_answer *a)
{
	if (a->status == 422)
		return send_json(c, 422, json_pack("{s:s,s:O}", "error", a->error, "failures", a->failures));
	return send_error(c, (unsigned)a->status, a->error ? a->error : "not stored");
}

/* s (len bytes of valid UTF-8) as a JSON string: as jansson writes it, but \b and \f as \u escapes */
static void json_quote(struct buf *b, const char *s, size_t len)
{
	size_t i, from = 0;

	buf_addc(b, '"', NULL);
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch >= 0x20 && ch != '"' && ch != '\\')
			continue;
		buf_add(b, s + from, i - from, NULL);
		if (ch == '"' || ch == '\\')
			buf_addf(b, NULL, "\\%c", ch);
		else if (ch == '\n')
			buf_adds(b, "\\n", NULL);
		else if (ch == '\t')
			buf_adds(b, "\\t", NULL);
		else if (ch == '\r')
			buf_adds(b, "\\r", NULL);
		else
			buf_addf(b, NULL, "\\u%04X", ch);
		from = i + 1;
	}
	buf_add(b, s + from, len - from, NULL);
	buf_addc(b, '"', NULL);
}

/*
 * The answer of a record in the store, 201 stored or 200 a retry, written
 * straight as text: the record (j's values, the register's fields), its
 * person, the screening (JSON text; NULL: null) and how the person was
 * found (NULL for a retry: "stored before"). The API's only writer of this
 * answer. Building it as jansson objects and dumping them was a tenth of a
 * registration's time in its thread.
 */
static enum MHD_Result answer_record(struct server *sv, struct MHD_Connection *c, unsigned status, const struct job *j,
				     const char *screening, const char *linked_by)
{
	struct buf b;
	size_t i;

	buf_init(&b, 1 << 24);
	buf_adds(&b, "{\"record\":{", NULL);
	for (i = 0; i < sv->s->n_fields; i++) {
		if (i)
			buf_addc(&b, ',', NULL);
		json_quote(&b, sv->s->fields[i].name, strlen(sv->s->fields[i].name));
		buf_addc(&b, ':', NULL);
		json_quote(&b, j->vals[i].p, j->vals[i].len);
	}
	buf_addf(&b, NULL, "},\"person_id\":%lld,\"result\":\"%s\",\"screening\":%s,\"linked_by\":", (long long)j->person,
		 status == 201 ? "stored" : "already stored", screening ? screening : "null");
	linked_by = linked_by ? linked_by : "stored before";
	json_quote(&b, linked_by, strlen(linked_by));
	buf_addc(&b, '}', NULL);
	return send_json_text(c, status, b.p, b.len);
}

static enum MHD_Result finish_registration(struct server *sv, struct MHD_Connection *c, struct pending *p)
{
	struct reg_answer a;
	enum MHD_Result ret;

	if (p->j.status == 201) {
		/* the screening as it was stored: its hits already written */
		struct buf sc;

		buf_init(&sc, 1 << 24);
		buf_addf(&sc, NULL, "{\"screening_id\":%lld,\"lists_version\":%lld,\"hits\":%s}",
			 (long long)p->j.screening, (long long)p->j.lists_version,
			 p->j.hits_json ? p->j.hits_json : "[]");
		ret = answer_record(sv, c, 201, &p->j, sc.p, p->j.linked_by);
		buf_release(&sc);
		return ret;
	}
	if (p->j.status == 200) {
		json_t *sc = retry_screening(sv, &p->j);
		char *screening = sc ? json_dumps(sc, JSON_COMPACT) : NULL;

		ret = answer_record(sv, c, 200, &p->j, screening, NULL);
		free(screening);
		json_decref(sc);
		return ret;
	}
	/* 409 or 500: nothing stored */
	memset(&a, 0, sizeof(a));
	a.failures = p->fails;
	register_finish(sv, &p->j, &a);
	return answer_refused(c, &a);
}

/* The API's registration: checked, screened and linked here, then the connection waits suspended for its commit. */
static enum MHD_Result register_movement(struct server *sv, struct MHD_Connection *c, const struct user *u,
					 struct request *rq)
{
	struct reg_answer a;
	struct pending *p;
	char addr[64], *mrz = NULL;
	enum MHD_Result ret;

	if (u->role != ROLE_OFFICER)
		return send_error(c, MHD_HTTP_FORBIDDEN, "only an officer registers crossings");
	p = xcalloc(1, sizeof(*p));
	if (!(p->fails = serve_json_body(c, sv->s, rq, p->texts, &mrz, &ret))) {
		pending_free(p);
		return ret;
	}
	client_addr(c, addr, sizeof(addr));
	if (register_prepare(sv, u, addr, p->texts, mrz, p->fails, rq->body, rq->len, &p->j, &a)) {
		free(mrz);
		ret = answer_refused(c, &a);
		pending_free(p);
		return ret;
	}
	free(mrz);
	p->finish = finish_registration;
	return submit_async(sv, c, rq, p);
}

/* ==== The public side: the protected tables, never the store ==== */

static const char *public_kinds[][2] = {
	{ ".sdmx.csv.gz", "application/gzip" }, { ".csv.gz", "application/gzip" },
	{ ".sdmx.csv", "text/csv; charset=utf-8" }, { ".structure.csv", "text/csv; charset=utf-8" },
	{ ".structure.xml", "application/xml" }, { ".csv", "text/csv; charset=utf-8" },
};

/* The content type of a public file's name, or NULL: only what protect publishes, never exact tables or audits. */
static const char *public_type(const char *name)
{
	size_t n = strlen(name), i, k;

	if (!n || n > 200 || name[0] == '.')
		return NULL;
	for (i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
		      (name[i] >= '0' && name[i] <= '9') || strchr("._-", name[i])))
			return NULL;
	if (strstr(name, "..") || strstr(name, ".exact.") || strstr(name, ".audit."))
		return NULL;
	for (k = 0; k < sizeof(public_kinds) / sizeof(public_kinds[0]); k++) {
		size_t e = strlen(public_kinds[k][0]);

		if (n > e && !strcmp(name + n - e, public_kinds[k][0]))
			return public_kinds[k][1];
	}
	return NULL;
}

void html_text(struct buf *b, const char *s)
{
	char one[2] = { 0, 0 };

	for (; *s; s++) {
		one[0] = *s;
		buf_adds(b, *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : *s == '&' ? "&amp;" : *s == '"' ? "&quot;" : one, NULL);
	}
}

static enum MHD_Result public_file(struct server *sv, struct MHD_Connection *c, const char *name)
{
	const char *type = public_type(name);
	char path[4096];
	struct stat sb;
	struct MHD_Response *r;
	enum MHD_Result ret;
	int fd;

	if (!type || (size_t)snprintf(path, sizeof(path), "%s/%s", sv->public_dir, name) >= sizeof(path))
		return send_error(c, MHD_HTTP_NOT_FOUND, "no such public table");
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
		if (fd >= 0)
			close(fd);
		return send_error(c, MHD_HTTP_NOT_FOUND, "no such public table");
	}
	r = MHD_create_response_from_fd((uint64_t)sb.st_size, fd);  /* closes fd */
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* An HTML page listing every public table with its downloads. */
static enum MHD_Result public_index(struct server *sv, struct MHD_Connection *c)
{
	DIR *d = opendir(sv->public_dir);
	struct dirent *e;
	struct buf b;
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	struct MHD_Response *r;
	enum MHD_Result ret;

	buf_init(&b, 1 << 24);
	buf_adds(&b, "<!doctype html><html lang=\"es\"><head><meta charset=\"utf-8\"><title>pasos: cuadros publicados</title>"
		 "</head><body><h1>Cuadros publicados / Published tables</h1><ul>\n", NULL);
	while (d && (e = readdir(d))) {
		if (!public_type(e->d_name))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			names = xrealloc(names, st_mult(cap, sizeof(*names)));
		}
		names[n++] = xstrdup(e->d_name);
	}
	if (d)
		closedir(d);
	qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n; i++) {
		buf_adds(&b, "<li><a href=\"/public/", NULL);
		html_text(&b, names[i]);
		buf_adds(&b, "\">", NULL);
		html_text(&b, names[i]);
		buf_adds(&b, "</a></li>\n", NULL);
		free(names[i]);
	}
	free(names);
	buf_adds(&b, "</ul></body></html>\n", NULL);
	r = MHD_create_response_from_buffer(b.len, b.p, MHD_RESPMEM_MUST_COPY);
	buf_release(&b);
	MHD_add_response_header(r, "Content-Type", "text/html; charset=utf-8");
	MHD_add_response_header(r, "Content-Security-Policy", "default-src 'none'");
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
			      const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct server *sv = cls;
	struct request *rq = *con_cls;
	struct user u;

	(void)version;
	if (!rq) {
		*con_cls = rq = xcalloc(1, sizeof(*rq));
		return MHD_YES;
	}
	if (rq->pending) {
		/* resumed by the writer: its job is committed (or failed) */
		struct pending *p = rq->pending;
		enum MHD_Result ret;

		rq->pending = NULL;
		ret = p->finish(sv, c, p);
		pending_free(p);
		return ret;
	}
	if (*upload_size) {
		if (rq->len + *upload_size > BODY_MAX) {
			rq->too_big = 1;
		} else {
			rq->body = xrealloc(rq->body, rq->len + *upload_size + 1);
			memcpy(rq->body + rq->len, upload, *upload_size);
			rq->len += *upload_size;
			rq->body[rq->len] = '\0';
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (!strcmp(url, "/favicon.ico")) {
		/* browsers ask for it on every page: no icon, and no error in their console */
		struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
		enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_NO_CONTENT, r);

		MHD_destroy_response(r);
		return ret;
	}
	if (!strcmp(url, "/healthz"))
		return strcmp(method, "GET") ? send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "GET only")
					     : send_json(c, MHD_HTTP_OK, json_pack("{s:s}", "status", "ok"));
	if (!strncmp(url, "/public/", 8)) {
		/* the public side: no account, the published tables only */
		if (!sv->public_dir)
			return send_error(c, MHD_HTTP_NOT_FOUND, "this server publishes no tables");
		if (strcmp(method, "GET") && strcmp(method, "HEAD"))
			return send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "GET only");
		if (!strncmp(url + 8, "explore", 7))
			return explore_route(sv->ex, c, url + 15);
		return url[8] ? public_file(sv, c, url + 8) : public_index(sv, c);
	}
	if (strncmp(url, "/api/", 5)) {
		/* the officers' pages, with their own sessions */
		int handled;
		enum MHD_Result ret = html_route(sv, c, url, method, rq, &handled);

		return handled ? ret : send_error(c, MHD_HTTP_NOT_FOUND, "no such route");
	}
	if (strcmp(url, "/api/v1/registers/movements") && strcmp(url, "/api/v1/persons") &&
	    strncmp(url, "/api/v1/persons/", 16) && strncmp(url, "/api/v1/screenings/", 19) &&
	    strncmp(url, "/api/v1/registers/", 18))
		return send_error(c, MHD_HTTP_NOT_FOUND, "no such route");
	/* every route below is denied unless a role is allowed it */
	if (!authenticate(sv, c, &u))
		return send_error(c, MHD_HTTP_UNAUTHORIZED, "a valid API token is needed (Authorization: Bearer TOKEN)");
	if (!strncmp(url, "/api/v1/screenings/", 19))
		return screening_route(sv, c, &u, url, method, rq);
	if (!strcmp(url, "/api/v1/registers/movements"))
		return strcmp(method, "POST") ? send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "POST only")
					      : register_movement(sv, c, &u, rq);
	if (!strncmp(url, "/api/v1/registers/", 18))
		return registers_route(sv, c, &u, url + 18, method, rq);
	return strcmp(method, "GET") ? send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "GET only")
				     : person_history(sv, c, rq, &u, url[15] == '/' ? url + 16 : NULL);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct request *rq = *con_cls;

	(void)cls, (void)c, (void)toe;
	if (rq) {
		pending_free(rq->pending);  /* its job done: every suspended connection is resumed before the stop */
		free(rq->body);
		free(rq);
		*con_cls = NULL;
	}
}

/* ==== Start and stop ==== */

static int parse_listen(const char *s, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	long port;
	char *end;

	if (!colon || (size_t)(colon - s) >= sizeof(host))
		return -1;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	port = strtol(colon + 1, &end, 10);
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	return *end || port < 1 || port > 65535 || inet_pton(AF_INET, host, &sa->sin_addr) != 1 ? -1 : 0;
}

static int prepare_store(struct server *sv, const char *db_path, struct err *err)
{
	sqlite3 *db;
	sqlite3_stmt *q = NULL;
	int rc;

	if ((rc = store_open(&sv->st, db_path, STORE_CREATE, err)) || (rc = store_verify(sv->st, err)) ||
	    (rc = store_lock(sv->st, err)) || (rc = schema_load_named(&sv->s, "movements", err)) ||
	    (rc = store_table_open(sv->st, sv->s, &sv->t, err)))
		return rc;
	db = store_db(sv->st);
	/*
	 * While it serves, the store is in WAL mode: readers (tokens,
	 * histories) never wait for the writer's commits, and a commit is one
	 * fsync of the log (synchronous=FULL: acknowledged means on disk),
	 * shared by every request in the group. Back to the rollback journal
	 * at the stop, which is what bulk ingest wants.
	 */
	if ((rc = store_exec(sv->st, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA wal_autocheckpoint=0;"
			     " PRAGMA journal_size_limit=268435456;"
			     /*
			      * the writer's pages: 8 MiB (ingest's 64 MiB made SQLite walk a
			      * 16,384-slot table of cached pages at each of the commits,
			      * 6% of the service's time with 10,000 registrations a second)
			      */
			     " PRAGMA cache_size=-8192;",
			     err)))
		return rc;
	if (sqlite3_open_v2(db_path, &sv->ckpt_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		return ERR_SET(err, ERR_STORE, "cannot open the store for checkpoints: %s", sqlite3_errmsg(sv->ckpt_db));
	serve_commit_waits(sv);
	/* a log grown long (an index built at the start) is cut back once it starts again */
	sqlite3_exec(sv->ckpt_db, "PRAGMA journal_size_limit=268435456", NULL, NULL, NULL);
	/* a first read, or the connection does not know yet that the store keeps a log */
	sqlite3_exec(sv->ckpt_db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
	/*
	 * What a log left by an earlier run holds (maybe never fsynced, if
	 * that run was killed in a commit) on disk in the log and the store,
	 * once, with SQLite's own fsyncs; from then on checkpoints make none
	 * (serve_vfs.c says why, and what keeps the log safe without them).
	 */
	if (sqlite3_exec(sv->ckpt_db, "PRAGMA synchronous=FULL; PRAGMA wal_checkpoint(PASSIVE); PRAGMA synchronous=OFF",
			 NULL, NULL, NULL) != SQLITE_OK)
		return ERR_SET(err, ERR_STORE, "cannot copy the store's log into it: %s", sqlite3_errmsg(sv->ckpt_db));
	if ((sv->store_fd = open(db_path, O_RDONLY | O_CLOEXEC)) < 0)
		return ERR_SET(err, ERR_IO, "cannot open the store '%s' for its fsyncs", db_path);
	sv->post_field = schema_field_index(sv->s, "border_post");
	sv->doc_type = schema_field_index(sv->s, "document_type");
	sv->doc_country = schema_field_index(sv->s, "document_country");
	sv->doc_number = schema_field_index(sv->s, "document_number");
	if (sv->post_field < 0 || sv->doc_type < 0 || sv->doc_country < 0 || sv->doc_number < 0)
		return ERR_SET(err, ERR_SCHEMA, "register movements lacks border_post or the document fields");
	if ((rc = store_exec(sv->st,
			     "CREATE TABLE IF NOT EXISTS person_links(register TEXT NOT NULL, record_id TEXT NOT NULL,"
			     " person_id INTEGER NOT NULL, PRIMARY KEY(register, record_id)) WITHOUT ROWID;"
			     /* a person's records are read from person_crossings: no index of links by person to keep */
			     "DROP INDEX IF EXISTS person_links_person;"
			     /*
			      * persons are found by document and by name in person_documents and
			      * person_names: indexes of every crossing by them, kept by earlier
			      * versions, cost each registration two pages at random places
			      */
			     "DROP INDEX IF EXISTS reg_movements_document;"
			     "DROP INDEX IF EXISTS reg_movements_document_id;"
			     "DROP INDEX IF EXISTS reg_movements_birth;"
			     "DROP INDEX IF EXISTS reg_movements_birth_names;", err)) ||
	    (rc = trail_open(db, &sv->trail, err)))
		return rc;
	/* a store linked before histories were kept apart gets them now (its links and register exist by here) */
	if ((rc = link_sql_functions(db, err)) ||
	    (store_person_tables_missing(db) && (rc = store_person_tables_build(db, err))))
		return rc;
	{
		static const char *const key_fields[9] = { "birth_date", "surname_1", "surname_2", "given_names",
							   "nationality", "sex", "document_type", "document_country",
							   "document_number" };

		for (int k = 0; k < 9; k++)
			sv->f_key[k] = schema_field_index(sv->s, key_fields[k]);
	}
	sv->f_stay = schema_field_index(sv->s, "permitted_stay_days");
	sv->f_time = schema_field_index(sv->s, "event_time");
	sv->f_dir = schema_field_index(sv->s, "direction");
	sv->f_nat = schema_field_index(sv->s, "nationality");
	if (sv->f_time < 0 || sv->f_dir < 0)
		return ERR_SET(err, ERR_SCHEMA, "register movements lacks event_time or direction");
	if (sqlite3_prepare_v2(db, "SELECT coalesce(max(person_id), 0) + 1 FROM person_links", -1, &q, NULL) != SQLITE_OK ||
	    sqlite3_step(q) != SQLITE_ROW) {
		sqlite3_finalize(q);
		return store_error(db, "cannot read the persons", err);
	}
	sv->next_person = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	if (sqlite3_prepare_v3(db, "SELECT person_id FROM person_documents WHERE document_type = ? AND document_country = ?"
			       " AND document_number = ? LIMIT 1", -1, SQLITE_PREPARE_PERSISTENT, &sv->find_person, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v3(db, "INSERT OR IGNORE INTO person_documents VALUES(?, ?, ?, ?)", -1,
			       SQLITE_PREPARE_PERSISTENT, &sv->put_doc, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v3(db, "INSERT OR IGNORE INTO person_names VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", -1,
			       SQLITE_PREPARE_PERSISTENT, &sv->put_name, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v3(db, "INSERT OR REPLACE INTO person_links VALUES('movements', ?, ?)", -1,
			       SQLITE_PREPARE_PERSISTENT, &sv->put_link, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v3(db, "INSERT OR REPLACE INTO person_crossings VALUES(?, ?, ?, ?, ?, ?, ?, ?)", -1,
			       SQLITE_PREPARE_PERSISTENT, &sv->put_crossing, NULL) != SQLITE_OK)
		return store_error(db, "cannot prepare the service's statements", err);
	if ((rc = serve_batch_start(sv, "movements", &sv->batch, err)) || (rc = registers_open(sv, err)))
		return rc;
	for (int k = 0; k < READ_POOL; k++) {
		struct reader *r = &sv->readers[k];

		if (sqlite3_open_v2(db_path, &r->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
			return ERR_SET(err, ERR_STORE, "cannot open the store for reading: %s", sqlite3_errmsg(r->db));
		sqlite3_busy_timeout(r->db, 10000);
		/*
		 * No memory map: SQLite drops a reader's map (and its page cache)
		 * whenever the log has changed since its last read, which under the
		 * writer's commits is at nearly every read; unmapping a map that
		 * every thread touched costs more than the reads it saved.
		 */
		sqlite3_exec(r->db, "PRAGMA cache_size=-1024", NULL, NULL, NULL);
		sv->rfree[sv->n_rfree++] = r;
	}
	serve_link_open(sv);
	return screening_open(sv, err);
}

/* This run's registrations of a register are one batch, done from the start: its counts move with each commit. */
int serve_batch_start(struct server *sv, const char *reg, struct store_batch *b, struct err *err)
{
	unsigned char r[16];
	int rc;

	memset(b, 0, sizeof(*b));
	if (sodium_init() < 0)
		return ERR_SET(err, ERR_INTERNAL, "libsodium cannot start");
	randombytes_buf(r, sizeof(r));
	sha256_buf(r, sizeof(r), b->sha256);
	snprintf(b->file_name, sizeof(b->file_name), "%s", STORE_SERVE_BATCH);
	if ((rc = store_batch_create(sv->st, reg, b, err)))
		return rc;
	b->status = BATCH_DONE;
	return store_batch_save(sv->st, b, err);
}

/* A PEM file read whole (at most 1 MiB), NUL-terminated; NULL on error. */
static char *read_pem(const char *path, struct err *err)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;

	if (!f) {
		ERR_SET(err, ERR_IO, "cannot read '%s'", path);
		return NULL;
	}
	buf = xmalloc((1u << 20) + 1);
	n = fread(buf, 1, 1u << 20, f);
	fclose(f);
	if (n == 0 || n == 1u << 20) {
		free(buf);
		ERR_SET(err, ERR_IO, "'%s' is empty or longer than 1 MiB", path);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

int serve_run(const struct serve_opts *o, struct err *err)
{
	char *cert = NULL, *key = NULL;
	/*
	 * A few threads, each waiting on its epoll for many connections, and a
	 * connection waiting for its commit suspended, not holding a thread: a
	 * thread per connection woke some thirty threads at each commit, all
	 * runnable at once on two cores, and their switches were a sixth of the
	 * time (bench/serve.sh).
	 */
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
	struct server sv;
	struct sockaddr_in sa;
	struct MHD_Daemon *d = NULL;
	pthread_t wt, ct;
	sigset_t set;
	int rc, sig, started = 0, ckpt_started = 0;

	memset(&sv, 0, sizeof(sv));
	sv.store_fd = -1;
	if (parse_listen(o->listen, &sa))
		return ERR_SET(err, ERR_USAGE, "--listen needs an IPv4 address and a port, like 127.0.0.1:8080");
	if (!o->tls_cert != !o->tls_key)
		return ERR_SET(err, ERR_USAGE, "HTTPS needs both --tls-cert and --tls-key");
	if (o->tls_cert) {
		if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
			return ERR_SET(err, ERR_USAGE, "this libmicrohttpd has no TLS");
		if (!(cert = read_pem(o->tls_cert, err)) || !(key = read_pem(o->tls_key, err))) {
			free(cert);
			return ERR_IO;
		}
		flags |= MHD_USE_TLS;
	}
	sv.tls = cert != NULL;
	sv.public_dir = o->public_dir;
	pthread_mutex_init(&sv.lock, NULL);
	pthread_mutex_init(&sv.rlock, NULL);
	pthread_cond_init(&sv.rcond, NULL);
	pthread_cond_init(&sv.work, NULL);
	pthread_cond_init(&sv.drained, NULL);
	pthread_cond_init(&sv.ckpt_cond, NULL);
	sv.today = ingest_today();
	if ((rc = serve_vfs_register(err)) || (rc = prepare_store(&sv, o->db_path, err)))
		goto out;
	if (sv.public_dir) {
		size_t cells;

		sv.ex = explorer_load(sv.public_dir, &cells);
		fprintf(stderr, "pasos serve: the explorer holds %zu published cells\n", cells);
	}
	/* the signals that stop the service are taken by this thread only */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (pthread_create(&wt, NULL, serve_writer, &sv)) {
		rc = ERR_SET(err, ERR_INTERNAL, "cannot start the writer");
		goto out;
	}
	started = 1;
	if (pthread_create(&ct, NULL, serve_checkpointer, &sv)) {
		rc = ERR_SET(err, ERR_INTERNAL, "cannot start the checkpoints' thread");
		goto out;
	}
	ckpt_started = 1;
	if (screening_start(&sv)) {
		rc = ERR_SET(err, ERR_INTERNAL, "cannot start the watch lists' thread");
		goto out;
	}
	d = cert ? MHD_start_daemon(flags, 0, NULL, NULL, handle, &sv,
				    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
				    MHD_OPTION_HTTPS_MEM_CERT, cert, MHD_OPTION_HTTPS_MEM_KEY, key,
				    MHD_OPTION_NOTIFY_COMPLETED, completed, &sv,
				    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10,
				    MHD_OPTION_CONNECTION_LIMIT, (unsigned)512,
				    MHD_OPTION_THREAD_POOL_SIZE, o->threads ? o->threads : (unsigned)SERVE_THREADS,
				    MHD_OPTION_END)
		 : MHD_start_daemon(flags, 0, NULL, NULL, handle, &sv,
			     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
			     MHD_OPTION_NOTIFY_COMPLETED, completed, &sv,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10,  /* a client sending a byte a minute is dropped */
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned)512,
			     MHD_OPTION_THREAD_POOL_SIZE, o->threads ? o->threads : (unsigned)SERVE_THREADS,
			     MHD_OPTION_END);
	if (!d) {
		rc = ERR_SET(err, ERR_IO, "cannot listen on %s", o->listen);
		goto out;
	}
	printf("listening on %s%s\n", cert ? "https://" : "http://", o->listen);
	fflush(stdout);
	sigwait(&set, &sig);
	/* no new connection; every one waiting for a commit gets it, then the rest is answered */
	{
		MHD_socket ls = MHD_quiesce_daemon(d);

		pthread_mutex_lock(&sv.lock);
		while (sv.in_flight)
			pthread_cond_wait(&sv.drained, &sv.lock);
		pthread_mutex_unlock(&sv.lock);
		MHD_stop_daemon(d);
		if (ls != MHD_INVALID_SOCKET)
			close(ls);  /* after the stop, as libmicrohttpd asks */
	}
out:
	if (started) {
		pthread_mutex_lock(&sv.lock);
		sv.stopping = 1;
		pthread_cond_signal(&sv.work);
		pthread_cond_signal(&sv.ckpt_cond);
		pthread_mutex_unlock(&sv.lock);
		pthread_join(wt, NULL);
		if (ckpt_started)
			pthread_join(ct, NULL);
	}
	sqlite3_close(sv.ckpt_db);
	if (sv.store_fd >= 0)
		close(sv.store_fd);
	if (key)
		sodium_memzero(key, strlen(key));
	free(cert);
	free(key);
	screening_close(&sv);
	registers_close(&sv);
	free(sv.name_sql);
	explorer_free(sv.ex);
	sqlite3_finalize(sv.find_person);
	sqlite3_finalize(sv.put_link);
	sqlite3_finalize(sv.put_crossing);
	sqlite3_finalize(sv.put_doc);
	sqlite3_finalize(sv.put_name);
	for (int k = 0; k < READ_POOL; k++) {
		for (int q = 0; q < READER_STMTS; q++)
			sqlite3_finalize(sv.readers[k].stmt[q]);
		sqlite3_close(sv.readers[k].db);
	}
	trail_close(&sv.trail);
	if (sv.st)
		store_exec(sv.st, "PRAGMA journal_mode=DELETE;", err);
	store_table_free(sv.t);
	store_close(sv.st);
	serve_vfs_unregister();
	schema_free(sv.s);
	if (!rc && started)
		printf("stopped; %llu registrations this run (%llu stored, %llu retries, %llu conflicts)\n",
		       (unsigned long long)sv.batch.rows_read, (unsigned long long)sv.batch.accepted,
		       (unsigned long long)sv.batch.duplicates, (unsigned long long)sv.batch.conflicts);
	return rc;
}
