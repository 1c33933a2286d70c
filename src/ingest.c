/*
 * ingest.c: the read -> validate -> store pipeline for one file, committed
 * in chunks. Each chunk's rows and the batch's resume point go in one
 * transaction: a kill loses at most the chunk in flight, and the rerun
 * continues from the last committed record boundary.
 * SPDX-License-Identifier: MIT
 */
#include "ingest.h"
#include "csv.h"
#include "mem.h"
#include "sha256.h"
#include "validate.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * FNV-1a over the values with their lengths, so that ("ab","c") and
 * ("a","bc") differ. 64 bits: two different records with the same id and
 * the same hash (read as duplicates) have odds of 2^-64.
 */
uint64_t ingest_hash(const struct csv_field *vals, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i, k;

	for (i = 0; i < n; i++) {
		uint64_t len = vals[i].len;

		for (k = 0; k < 8; k++) {
			h ^= (len >> (8 * k)) & 0xff;
			h *= 0x100000001b3ULL;
		}
		for (k = 0; k < vals[i].len; k++) {
			h ^= (unsigned char)vals[i].p[k];
			h *= 0x100000001b3ULL;
		}
	}
	return h;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* Map header columns to schema fields; col_of[field] = column. */
static int map_header(const struct schema *s, const struct csv_record *h, const char *path,
		      int *col_of, struct err *err)
{
	size_t i, j;

	if (h->problem != CSV_OK) {
		ERR_SET(err, ERR_DATA, "%s:%llu: header: %s", path, (unsigned long long)h->line,
			csv_problem_name(h->problem));
		err_at(err, path, h->line, 0);
		return ERR_DATA;
	}
	for (i = 0; i < s->n_fields; i++)
		col_of[i] = -1;
	for (j = 0; j < h->n_fields; j++) {
		const struct csv_field *c = &h->fields[j];
		int found = 0;

		for (i = 0; i < s->n_fields; i++) {
			if (strlen(s->fields[i].name) == c->len &&
			    memcmp(s->fields[i].name, c->p, c->len) == 0) {
				if (col_of[i] >= 0) {
					ERR_SET(err, ERR_DATA, "%s:1: column %zu: '%s' appears twice in the header",
						path, j + 1, s->fields[i].name);
					err_at(err, path, 1, (int)j + 1);
					return ERR_DATA;
				}
				col_of[i] = (int)j;
				found = 1;
			}
		}
		if (!found) {
			char name[64];

			snprintf(name, sizeof(name), "%.*s", (int)(c->len < 60 ? c->len : 60), c->p);
			ERR_SET(err, ERR_DATA, "%s:1: column %zu: '%s' is not a field of register '%s'",
				path, j + 1, validate_utf8(name, strlen(name)) ? name : "?", s->name);
			err_at(err, path, 1, (int)j + 1);
			return ERR_DATA;
		}
	}
	for (i = 0; i < s->n_fields; i++)
		if (col_of[i] < 0) {
			ERR_SET(err, ERR_DATA, "%s:1: the header lacks the field '%s' of register '%s'",
				path, s->fields[i].name, s->name);
			err_at(err, path, 1, 0);
			return ERR_DATA;
		}
	return 0;
}

/* ==== Report files ==== */

static void csv_quote(FILE *f, const char *p, size_t len)
{
	size_t i;

	fputc('"', f);
	for (i = 0; i < len; i++) {
		if (p[i] == '"')
			fputc('"', f);
		fputc(p[i], f);
	}
	fputc('"', f);
}

/*
 * Write the batch's rejects (or conflicts) from the store to a CSV, through
 * a temporary file and rename, so a kill never leaves half a report.
 */
static int export_report(struct store *st, int64_t batch, int conflicts, const char *path,
			 struct err *err)
{
	sqlite3 *db = store_db(st);
	sqlite3_stmt *q = NULL;
	char tmp[600];
	FILE *f = NULL;
	int rc = 0, step;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (sqlite3_prepare_v2(db, conflicts
			       ? "SELECT line, record_id, stored_batch_id, raw FROM conflicts WHERE batch_id=? ORDER BY line"
			       : "SELECT line, field, rule, message, raw FROM rejects WHERE batch_id=? ORDER BY line",
			       -1, &q, NULL) != SQLITE_OK)
		return store_error(db, "cannot read the report", err);
	sqlite3_bind_int64(q, 1, batch);
	f = fopen(tmp, "wb");
	if (!f) {
		rc = ERR_SET(err, ERR_IO, "cannot write '%s': %s", tmp, strerror(errno));
		goto out;
	}
	fputs(conflicts ? "line,record_id,stored_batch,record\r\n"
		       : "line,field,rule,message,record\r\n", f);
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		int ncol = conflicts ? 3 : 4, c;

		for (c = 0; c < ncol; c++) {
			const char *t = (const char *)sqlite3_column_text(q, c);

			if (c)
				fputc(',', f);
			csv_quote(f, t ? t : "", t ? (size_t)sqlite3_column_bytes(q, c) : 0);
		}
		fputc(',', f);
		csv_quote(f, sqlite3_column_blob(q, ncol), (size_t)sqlite3_column_bytes(q, ncol));
		fputs("\r\n", f);
	}
	if (step != SQLITE_DONE) {
		rc = store_error(db, "cannot read the report", err);
		goto out;
	}
	if (fflush(f) || ferror(f)) {
		rc = ERR_SET(err, ERR_IO, "cannot write '%s': %s", tmp, strerror(errno));
		goto out;
	}
	if (fclose(f)) {
		f = NULL;
		rc = ERR_SET(err, ERR_IO, "cannot write '%s': %s", tmp, strerror(errno));
		goto out;
	}
	f = NULL;
	if (rename(tmp, path))
		rc = ERR_SET(err, ERR_IO, "cannot rename '%s': %s", tmp, strerror(errno));
out:
	if (f)
		fclose(f);
	if (rc)
		remove(tmp);
	sqlite3_finalize(q);
	return rc;
}

static int write_reports(struct store *st, const char *path, const struct ingest_opts *o,
			 struct ingest_result *res, struct err *err)
{
	const char *dir = o->report_dir ? o->report_dir : ".";
	int rc;

	res->rejects_path[0] = res->conflicts_path[0] = '\0';
	if (res->batch.rejected) {
		snprintf(res->rejects_path, sizeof(res->rejects_path), "%s/%s.rejects.csv", dir,
			 base_name(path));
		if ((rc = export_report(st, res->batch.id, 0, res->rejects_path, err)))
			return rc;
	}
	if (res->batch.conflicts) {
		snprintf(res->conflicts_path, sizeof(res->conflicts_path), "%s/%s.conflicts.csv", dir,
			 base_name(path));
		if ((rc = export_report(st, res->batch.id, 1, res->conflicts_path, err)))
			return rc;
	}
	return 0;
}

/* ==== One record ==== */

static int reject(struct store *st, struct store_batch *b, const struct csv_record *rec,
		  const char *field, const char *rule, const char *msg, struct err *err)
{
	b->rejected++;
	return store_put_reject(st, b->id, rec->line, field, rule, msg, rec->raw, rec->raw_len, err);
}

static int take_record(struct store *st, struct store_table *t, const struct schema *s,
		       const int *col_of, size_t n_cols, struct store_batch *b,
		       const struct csv_record *rec, struct csv_field *vals, struct err *err)
{
	struct validation v;
	enum store_put put;
	int64_t first;
	char msg[256];
	size_t i;
	int rc;

	b->rows_read++;
	if (rec->problem != CSV_OK) {
		const char *field = "";
		size_t k;

		for (k = 0; k < s->n_fields; k++)
			if ((size_t)col_of[k] == rec->problem_field && rec->problem != CSV_TOO_LONG)
				field = s->fields[k].name;
		snprintf(msg, sizeof(msg), "%s%s", csv_problem_name(rec->problem),
			 rec->problem == CSV_TOO_LONG ? " (the record kept here is cut)" : "");
		return reject(st, b, rec, field, csv_problem_rule(rec->problem), msg, err);
	}
	if (rec->n_fields != n_cols) {
		snprintf(msg, sizeof(msg), "has %zu fields, the header has %zu", rec->n_fields, n_cols);
		return reject(st, b, rec, "", "csv.columns", msg, err);
	}
	for (i = 0; i < s->n_fields; i++)
		vals[i] = rec->fields[col_of[i]];
	memset(&v, 0, sizeof(v));
	if (validate_record(s, vals, &v)) {
		size_t off;

		off = (size_t)snprintf(msg, sizeof(msg), "%s", v.f[0].msg);
		if (v.n_total > 1)
			off += (size_t)snprintf(msg + off, sizeof(msg) - off, " (and %zu more:", v.n_total - 1);
		for (i = 1; i < v.n && off < sizeof(msg); i++)
			off += (size_t)snprintf(msg + off, sizeof(msg) - off, " %s:%s",
						v.f[i].field >= 0 ? s->fields[v.f[i].field].name : "-",
						v.f[i].rule);
		if (v.n_total > 1 && off < sizeof(msg))
			snprintf(msg + off, sizeof(msg) - off, ")");
		return reject(st, b, rec, v.f[0].field >= 0 ? s->fields[v.f[0].field].name : "",
			      v.f[0].rule, msg, err);
	}
	rc = store_table_put(t, vals, ingest_hash(vals, s->n_fields), b->id, rec->line, &put,
			     &first, err);
	if (rc)
		return rc;
	switch (put) {
	case STORE_ACCEPTED:
		b->accepted++;
		break;
	case STORE_DUPLICATE:
		b->duplicates++;
		rc = store_put_duplicate(st, b->id, rec->line, vals[s->id_field].p,
					 vals[s->id_field].len, first, err);
		break;
	case STORE_CONFLICT:
		b->conflicts++;
		rc = store_put_conflict(st, b->id, rec->line, vals[s->id_field].p,
					vals[s->id_field].len, first, rec->raw, rec->raw_len, err);
		break;
	}
	return rc;
}

/* ==== The file ==== */

int ingest_file(struct store *st, const struct schema *s, const char *path,
		const struct ingest_opts *o, struct ingest_result *res, struct err *err)
{
	struct csv_reader *r = NULL;
	struct store_table *t = NULL;
	struct store_batch *b = &res->batch;
	struct csv_record rec;
	struct csv_field vals[SCHEMA_MAX_FIELDS];
	int col_of[SCHEMA_MAX_FIELDS];
	uint64_t chunk = o->chunk_rows ? o->chunk_rows : INGEST_CHUNK_ROWS, n_in_chunk = 0;
	size_t n_cols;
	uint64_t blank_base;
	int rc, found, in_tx = 0;

	memset(res, 0, sizeof(*res));
	rc = sha256_file(path, b->sha256, &b->bytes, err);
	if (rc)
		return rc;
	if ((rc = store_batch_find(st, s->name, b->sha256, b, &found, err)))
		return rc;
	if (found && b->status == BATCH_DONE) {
		res->already = 1;
		return write_reports(st, path, o, res, err);
	}
	if ((rc = store_table_open(st, s, &t, err)))
		return rc;
	if ((rc = csv_reader_open(&r, path, 0, err)))
		goto out;
	rc = csv_reader_next(r, &rec, err);
	if (rc == 0) {
		rc = ERR_SET(err, ERR_DATA, "%s: the file is empty: it has no header", path);
		err_at(err, path, 1, 0);
		goto out;
	}
	if (rc < 0)
		goto out;
	if ((rc = map_header(s, &rec, path, col_of, err)))
		goto out;
	n_cols = rec.n_fields;
	if (!found) {
		snprintf(b->file_name, sizeof(b->file_name), "%s", base_name(path));
		b->resume_offset = csv_reader_offset(r);
		b->resume_line = csv_reader_line(r);
		if ((rc = store_batch_create(st, s->name, b, err)))
			goto out;
	} else {
		res->resumed = 1;
		if ((rc = csv_reader_seek(r, b->resume_offset, b->resume_line, err)))
			goto out;
	}
	blank_base = found ? b->blank_lines : 0;
	if ((rc = store_begin(st, err)))
		goto out;
	in_tx = 1;
	for (;;) {
		rc = csv_reader_next(r, &rec, err);
		if (rc < 0)
			goto out;
		if (rc == 0)
			break;
		if ((rc = take_record(st, t, s, col_of, n_cols, b, &rec, vals, err)))
			goto out;
		if (++n_in_chunk == chunk) {
			b->resume_offset = rec.end_offset;
			b->resume_line = csv_reader_line(r);
			b->blank_lines = blank_base + csv_reader_blank_lines(r);
			if ((rc = store_batch_save(st, b, err)) || (rc = store_commit(st, err)))
				goto out;
			in_tx = 0;
			if (o->progress)
				o->progress(o->progress_ctx, rec.end_offset, b->bytes);
			if ((rc = store_begin(st, err)))
				goto out;
			in_tx = 1;
			n_in_chunk = 0;
		}
	}
	b->resume_offset = csv_reader_offset(r);
	b->resume_line = csv_reader_line(r);
	b->blank_lines = blank_base + csv_reader_blank_lines(r);
	b->status = BATCH_DONE;
	if ((rc = store_batch_save(st, b, err)) || (rc = store_commit(st, err)))
		goto out;
	in_tx = 0;
	if (o->progress)
		o->progress(o->progress_ctx, b->bytes, b->bytes);
	rc = write_reports(st, path, o, res, err);
out:
	if (in_tx)
		store_rollback(st);
	csv_reader_free(r);
	store_table_free(t);
	if (rc > 0)
		rc = 0;
	return rc;
}
