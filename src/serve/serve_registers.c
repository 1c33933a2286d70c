/*
 * serve_registers.c: the other institutions' registers through the
 * service: consulates, the protection of victims, labour intermediation,
 * training. Every register whose definition names roles ('access ROLE...')
 * is served with no C of its own: POST /api/v1/registers/NAME takes one
 * JSON object whose keys are the definition's fields, checked as ingest
 * checks them (its rules, its code lists, and the records it refers to in
 * the store), written by the writer in its group commit; GET
 * /api/v1/registers/NAME/ID reads a record back. Only the roles the
 * definition names may do either, and every write and read goes to the
 * audit trail.
 * SPDX-License-Identifier: MIT
 */
#include "serve_int.h"
#include "mem.h"
#include "refers.h"
#include "validate.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int by_name(const void *a, const void *b)
{
	return strcmp((*(struct served *const *)a)->s->name, (*(struct served *const *)b)->s->name);
}

int registers_open(struct server *sv, struct err *err)
{
	char path[4096], *slash;
	DIR *d;
	struct dirent *e;
	int rc = 0;

	/* the registers' folder is the one that holds the movements' definition */
	if ((rc = schema_definition_path("registers", "movements", ".reg", path, sizeof(path), err)))
		return rc;
	if ((slash = strrchr(path, '/')))
		*slash = '\0';
	if (!(d = opendir(path)))
		return 0;
	while (!rc && (e = readdir(d))) {
		size_t n = strlen(e->d_name);
		char file[4352];
		struct schema *s = NULL;
		struct served *r;

		if (n < 5 || strcmp(e->d_name + n - 4, ".reg"))
			continue;
		snprintf(file, sizeof(file), "%s/%s", path, e->d_name);
		if ((rc = schema_load(&s, file, err)))
			break;
		if (!s->n_access || !strcmp(s->name, "movements") || sv->n_served == SERVED_MAX) {
			schema_free(s);
			continue;
		}
		r = xcalloc(1, sizeof(*r));
		r->s = s;
		sv->served[sv->n_served++] = r;
		rc = store_table_open(sv->st, s, &r->t, err);
	}
	closedir(d);
	qsort(sv->served, sv->n_served, sizeof(sv->served[0]), by_name);
	/* every table first: a rule may refer to a register read later */
	for (size_t i = 0; i < sv->n_served && !rc; i++)
		if (!(rc = refers_open(sv->st, sv->served[i]->s, &sv->served[i]->rf, err)))
			rc = serve_batch_start(sv, sv->served[i]->s->name, &sv->served[i]->batch, err);
	return rc;
}

void registers_close(struct server *sv)
{
	for (size_t i = 0; i < sv->n_served; i++) {
		refers_free(sv->served[i]->rf);
		store_table_free(sv->served[i]->t);
		schema_free(sv->served[i]->s);
		free(sv->served[i]);
	}
	sv->n_served = 0;
}

/* ==== In the writer ==== */

int registers_write_job(struct server *sv, struct job *j, struct err *err)
{
	struct served *r = j->reg;
	enum store_put put;
	int rc;

	/* the records it names are in the store, or in this group before it */
	if (r->rf) {
		rc = refers_check(r->rf, j->vals, &j->fail_rule, &j->fail_field, j->fail_msg, sizeof(j->fail_msg), err);
		if (rc < 0)
			return rc;
		if (rc == 1) {
			j->status = 422;
			return 0;
		}
	}
	r->dirty = 1;
	if ((rc = serve_put_record(sv, r->t, r->s, &r->batch, j, &put, err)))
		return rc;
	return serve_trail_record(sv, j, r->s->name, r->s->id_field, err);
}

int registers_save(struct server *sv, struct err *err)
{
	int rc = 0;

	for (size_t i = 0; i < sv->n_served && !rc; i++)
		if (sv->served[i]->dirty) {
			rc = store_batch_save(sv->st, &sv->served[i]->batch, err);
			sv->served[i]->dirty = 0;
		}
	return rc;
}

/* ==== Routes ==== */

struct served *registers_find(struct server *sv, const char *name, size_t len)
{
	for (size_t i = 0; i < sv->n_served; i++)
		if (strlen(sv->served[i]->s->name) == len && !memcmp(sv->served[i]->s->name, name, len))
			return sv->served[i];
	return NULL;
}

int registers_allowed(const struct served *r, const struct user *u)
{
	for (size_t i = 0; i < r->s->n_access; i++)
		if (!strcmp(r->s->access[i], user_role_name(u->role)))
			return 1;
	return 0;
}

int registers_put(struct server *sv, const struct user *u, const char *addr, struct served *r, char **texts,
		  json_t *fails, const char *raw, size_t raw_len, json_t **record)
{
	struct job j;
	size_t i;

	*record = NULL;
	memset(&j, 0, sizeof(j));
	serve_check(sv, r->s, texts, j.vals, fails);
	if (json_array_size(fails))
		return 422;
	job_for(&j, JOB_RECORD, raw, raw_len, u, addr);
	j.reg = r;
	submit(sv, &j);
	if (j.status == 422)
		fail_on(fails, j.fail_field ? j.fail_field : "", j.fail_rule ? j.fail_rule : "", j.fail_msg);
	if (j.status == 201 || j.status == 200) {
		*record = json_object();
		for (i = 0; i < r->s->n_fields; i++)
			json_object_set_new(*record, r->s->fields[i].name, json_stringn(j.vals[i].p, j.vals[i].len));
	}
	return j.status;
}

static enum MHD_Result write_record(struct server *sv, struct MHD_Connection *c, const struct user *u,
				    struct served *r, const struct request *rq)
{
	char *texts[SCHEMA_MAX_FIELDS] = { 0 }, *mrz = NULL, addr[64];
	enum MHD_Result ret;
	json_t *fails, *record;
	int status;
	size_t i;

	if (!(fails = serve_json_body(c, r->s, rq, texts, &mrz, &ret)))
		return ret;
	if (mrz)
		fail_on(fails, "mrz", "unknown_field", "a document's MRZ is read at the border posts only");
	free(mrz);
	client_addr(c, addr, sizeof(addr));
	status = json_array_size(fails) ? 422 : registers_put(sv, u, addr, r, texts, fails, rq->body, rq->len, &record);
	if (status == 422)
		ret = send_json(c, 422, json_pack("{s:s,s:O}", "error", "the record breaks the register's rules",
						  "failures", fails));
	else if (status == 500)
		ret = send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "not stored: the store failed; try again");
	else if (status == 409)
		ret = send_error(c, MHD_HTTP_CONFLICT, "another record has this id: kept aside as a conflict");
	else
		ret = send_json(c, (unsigned)status, json_pack("{s:s,s:o,s:s}", "register", r->s->name, "record", record,
								"result", status == 201 ? "stored" : "already stored"));
	json_decref(fails);
	for (i = 0; i < r->s->n_fields; i++)
		free(texts[i]);
	return ret;
}

/* The stored record of id as JSON (NULL: none), read by a reader. */
static json_t *read_record(struct server *sv, const struct served *r, const char *id)
{
	struct reader *rd = rdb_take(sv);
	struct buf sql;
	sqlite3_stmt *q = NULL;
	json_t *out = NULL;
	size_t i;

	buf_init(&sql, 1 << 16);
	buf_adds(&sql, "SELECT ", NULL);
	for (i = 0; i < r->s->n_fields; i++)
		buf_addf(&sql, NULL, "%s\"%s\"", i ? ", " : "", r->s->fields[i].name);
	buf_addf(&sql, NULL, " FROM \"reg_%s\" WHERE \"%s\" = ?", r->s->name, r->s->fields[r->s->id_field].name);
	if (sqlite3_prepare_v2(rd->db, sql.p, -1, &q, NULL) == SQLITE_OK) {
		sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
		if (sqlite3_step(q) == SQLITE_ROW) {
			out = json_object();
			for (i = 0; i < r->s->n_fields; i++)
				json_object_set_new(out, r->s->fields[i].name,
						    sqlite3_column_type(q, (int)i) == SQLITE_NULL ? json_null()
						    : json_string((const char *)sqlite3_column_text(q, (int)i)));
		}
	}
	sqlite3_finalize(q);
	buf_release(&sql);
	rdb_give(sv, rd);
	return out;
}

/*
 * For a register of versions: the ids of the versions of the record's
 * entity in order, the current one last (NULL when the register keeps no
 * versions). Nothing is overwritten: a case that advances adds a record.
 */
static json_t *read_versions(struct server *sv, const struct served *r, const char *id)
{
	const struct schema *s = r->s;
	struct reader *rd;
	struct buf sql;
	sqlite3_stmt *q = NULL;
	json_t *out;

	if (s->versions_key < 0)
		return NULL;
	out = json_array();
	rd = rdb_take(sv);
	buf_init(&sql, 1 << 12);
	buf_addf(&sql, NULL, "SELECT \"%s\" FROM \"reg_%s\" WHERE \"%s\" = (SELECT \"%s\" FROM \"reg_%s\" WHERE \"%s\" = ?)"
		 " ORDER BY \"%s\", \"%s\" LIMIT 1000", s->fields[s->id_field].name, s->name,
		 s->fields[s->versions_key].name, s->fields[s->versions_key].name, s->name, s->fields[s->id_field].name,
		 s->fields[s->versions_order].name, s->fields[s->id_field].name);
	if (sqlite3_prepare_v2(rd->db, sql.p, -1, &q, NULL) == SQLITE_OK) {
		sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
		while (sqlite3_step(q) == SQLITE_ROW)
			json_array_append_new(out, json_string((const char *)sqlite3_column_text(q, 0)));
	}
	sqlite3_finalize(q);
	buf_release(&sql);
	rdb_give(sv, rd);
	return out;
}

enum MHD_Result registers_route(struct server *sv, struct MHD_Connection *c, const struct user *u, const char *rest,
				const char *method, const struct request *rq)
{
	const char *slash = strchr(rest, '/');
	struct served *r = registers_find(sv, rest, slash ? (size_t)(slash - rest) : strlen(rest));
	char object[160];
	json_t *rec, *versions;

	if (!r)
		return send_error(c, MHD_HTTP_NOT_FOUND, "no such register in the service");
	if (!registers_allowed(r, u))
		return send_error(c, MHD_HTTP_FORBIDDEN, "this register is for the roles its definition names");
	if (!slash)
		return strcmp(method, "POST") ? send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "POST only")
					      : write_record(sv, c, u, r, rq);
	if (strcmp(method, "GET"))
		return send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "GET only");
	if (!slash[1] || strlen(slash + 1) > 100)
		return send_error(c, MHD_HTTP_NOT_FOUND, "give a record's id");
	rec = read_record(sv, r, slash + 1);
	/* the read is in the trail before the answer leaves */
	snprintf(object, sizeof(object), "%s:%s", r->s->name, rec ? slash + 1 : "");
	if (trail_read(sv, c, u, "read record", object, rec ? MHD_HTTP_OK : MHD_HTTP_NOT_FOUND)) {
		json_decref(rec);
		return send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "the audit trail failed: nothing is shown");
	}
	if (!rec)
		return send_error(c, MHD_HTTP_NOT_FOUND, "no such record");
	if ((versions = read_versions(sv, r, slash + 1))) {
		size_t nv = json_array_size(versions);
		int current = nv && !strcmp(json_string_value(json_array_get(versions, nv - 1)), slash + 1);

		return send_json(c, MHD_HTTP_OK, json_pack("{s:s,s:o,s:b,s:o}", "register", r->s->name, "record", rec,
							   "current", current, "versions", versions));
	}
	return send_json(c, MHD_HTTP_OK, json_pack("{s:s,s:o}", "register", r->s->name, "record", rec));
}
