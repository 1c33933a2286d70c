/*
 * ingest.c: the read -> validate -> store pipeline for one file, committed
 * in chunks. Each chunk's rows and the batch's resume point go in one
 * transaction: a kill loses at most the chunk in flight, and the rerun
 * continues from the last committed record boundary.
 * SPDX-License-Identifier: MIT
 */
#include "ingest.h"
#include "refers.h"
#include "csv.h"
#include "date.h"
#include "mem.h"
#include "sha256.h"
#include "validate.h"

#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

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

int ingest_map_header(const struct schema *s, const struct csv_record *h, const char *path,
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
			/* the cell is not printed: a file without a header has personal data there */
			ERR_SET(err, ERR_DATA, "%s:1: column %zu of the header is not a field of register '%s'"
				" (is the header missing?)", path, j + 1, s->name);
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

/*
 * Write the batch's rejects (or conflicts) from the store to a CSV, through
 * a temporary file and rename, so a kill never leaves half a report.
 */
static int export_report(struct store *st, int64_t batch, int conflicts, struct outfile *o,
			 struct err *err)
{
	sqlite3 *db = store_db(st);
	sqlite3_stmt *q = NULL;
	FILE *f = o->f;
	int rc = 0, step;

	if (sqlite3_prepare_v2(db, conflicts
			       ? "SELECT line, record_id, stored_batch_id, raw FROM conflicts WHERE batch_id=? ORDER BY line"
			       : "SELECT line, field, rule, message, raw FROM rejects WHERE batch_id=? ORDER BY line",
			       -1, &q, NULL) != SQLITE_OK) {
		outfile_abort(o);
		return store_error(db, "cannot read the report", err);
	}
	sqlite3_bind_int64(q, 1, batch);
	fputs(conflicts ? "line,record_id,stored_batch,record\r\n"
		       : "line,field,rule,message,record\r\n", f);
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		int ncol = conflicts ? 3 : 4, c;

		for (c = 0; c < ncol; c++) {
			const char *t = (const char *)sqlite3_column_text(q, c);

			if (c)
				fputc(',', f);
			csv_put_cell(f, t ? t : "", t ? (size_t)sqlite3_column_bytes(q, c) : 0, 1);
		}
		fputc(',', f);
		csv_put_cell(f, sqlite3_column_blob(q, ncol), (size_t)sqlite3_column_bytes(q, ncol), 1);
		fputs("\r\n", f);
	}
	if (step != SQLITE_DONE) {
		rc = store_error(db, "cannot read the report", err);
		outfile_abort(o);
	} else if (!(rc = outfile_finish(o, err))) {
		rc = outfile_place(o, err);
	}
	sqlite3_finalize(q);
	return rc;
}

/*
 * The reports, private (0600: they hold the records as they were),
 * written whole through a temporary beside them and never over the input.
 */
static int write_reports(struct store *st, const char *path, const struct ingest_opts *o,
			 struct ingest_result *res, struct err *err)
{
	const char *name = o->report_name ? o->report_name : base_name(path);
	char file[OUTFILE_PATH_MAX];
	struct outfile of;
	int rc, k;

	res->rejects_path[0] = res->conflicts_path[0] = '\0';
	for (k = 0; k < 2; k++) {
		if (!(k ? res->batch.conflicts : res->batch.rejected))
			continue;
		if ((size_t)snprintf(file, sizeof(file), "%s.%s.csv", name, k ? "conflicts" : "rejects") >= sizeof(file))
			return ERR_SET(err, ERR_USAGE, "the report's name is too long");
		if ((rc = outfile_open(&of, o->report_dir, file, OUTFILE_PRIVATE, err)) ||
		    (rc = export_report(st, res->batch.id, k, &of, err)))
			return rc;
		snprintf(k ? res->conflicts_path : res->rejects_path, sizeof(res->rejects_path), "%s", of.path);
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

/*
 * A broken record that runs over several lines is most often one stray
 * quote that opened a field nobody closed: taken whole it would swallow
 * every line up to the next quote, or to the end of the file. Only its
 * first line is rejected, saying where the quote started and how many
 * lines it would have taken, and the lines after it are read again.
 */
static int reject_first_line(struct store *st, struct store_batch *b, struct csv_reader *r,
			     const struct csv_record *rec, const char *rule, const char *what, struct err *err)
{
	struct csv_record one = *rec;
	char msg[256];
	int rc;

	one.raw_len = (size_t)(rec->first_line_end - rec->offset - 1);
	if (one.raw_len > rec->raw_len)
		one.raw_len = rec->raw_len;
	if (one.raw_len && one.raw[one.raw_len - 1] == '\r')
		one.raw_len--;
	snprintf(msg, sizeof(msg), "%s: a quote opened on line %llu runs over %llu lines; only line %llu is rejected,"
		 " the lines after it are read again", what, (unsigned long long)rec->line,
		 (unsigned long long)rec->n_lines, (unsigned long long)rec->line);
	b->rows_read++;
	if ((rc = reject(st, b, &one, "", rule, msg, err)))
		return rc;
	return csv_reader_resync(r, rec, err);
}

static int take_record(struct store *st, struct store_table *t, const struct schema *s,
		       const int *col_of, size_t n_cols, struct store_batch *b, struct csv_reader *r,
		       const struct csv_record *rec, struct csv_field *vals, long today, struct refers *rf,
		       struct err *err)
{
	struct validation v;
	enum store_put put;
	int64_t first;
	char msg[256];
	size_t i;
	int rc;

	if (rec->first_line_end && (rec->problem != CSV_OK || rec->n_fields != n_cols))
		return reject_first_line(st, b, r, rec,
					 rec->problem != CSV_OK ? csv_problem_rule(rec->problem) : "csv.columns",
					 rec->problem != CSV_OK ? csv_problem_name(rec->problem) : "wrong number of fields",
					 err);
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
	v.today = today;
	v.has_today = 1;
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
	if (rf) {
		/* a record that names one of another register: the one it names must be stored */
		const char *rule = NULL, *field = "";

		if ((rc = refers_check(rf, vals, &rule, &field, msg, sizeof(msg), err)) < 0)
			return rc;
		if (rc)
			return reject(st, b, rec, field, rule, msg, err);
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

long ingest_today(void)
{
	const char *e = getenv("PASOS_TODAY");
	long d = e && strlen(e) == 10 ? date_parse(e, 10) : DATE_INVALID;

	return d != DATE_INVALID ? d : (long)(time(NULL) / 86400);
}

/*
 * Open path once, for both its digest and its records: anything but a
 * regular file (a FIFO, a device, a directory) is refused before a byte
 * is read, and the descriptor is guarded so no report can replace it.
 */
static int open_input(const char *path, int *fd_out, struct stat *sb, struct err *err)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC), e;

	*fd_out = -1;
	if (fd < 0)
		return ERR_SET(err, ERR_IO, "cannot open '%s': %s", path, strerror(errno));
	if (fstat(fd, sb) || !S_ISREG(sb->st_mode)) {
		e = errno;
		close(fd);
		if (!S_ISREG(sb->st_mode))
			return ERR_SET(err, ERR_DATA, "'%s' is not a regular file: pasos reads only files", path);
		return ERR_SET(err, ERR_IO, "cannot read '%s': %s", path, strerror(e));
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	outfile_guard(sb->st_dev, sb->st_ino);
	*fd_out = fd;
	return 0;
}

int ingest_file(struct store *st, const struct schema *s, const char *path,
		const struct ingest_opts *o, struct ingest_result *res, struct err *err)
{
	struct csv_reader *r = NULL;
	struct store_table *t = NULL;
	struct refers *rf = NULL;
	struct store_batch *b = &res->batch;
	struct csv_record rec;
	struct csv_field vals[SCHEMA_MAX_FIELDS];
	int col_of[SCHEMA_MAX_FIELDS];
	uint64_t chunk = o->chunk_rows ? o->chunk_rows : INGEST_CHUNK_ROWS, n_in_chunk = 0;
	size_t n_cols;
	uint64_t blank_base;
	struct stat before, after;
	int rc, found, in_tx = 0, fd, changed;
	long today = ingest_today();

	memset(res, 0, sizeof(*res));
	if ((rc = open_input(path, &fd, &before, err)))
		return rc;
	/* claim: one process at a time writes batches; a batch left running now was abandoned */
	if ((rc = store_lock(st, err)) || (rc = sha256_fd(fd, path, b->sha256, &b->bytes, err))) {
		close(fd);
		return rc;
	}
	rc = csv_reader_open_fd(&r, fd, path, 0, err);  /* r owns fd now */
	if (rc)
		return rc;
	if ((rc = store_batch_find(st, s->name, b->sha256, b, &found, err)))
		goto out;
	if (found && b->status == BATCH_DONE) {
		res->already = 1;
		rc = write_reports(st, path, o, res, err);
		goto out;
	}
	if (!found && (rc = store_batch_abandoned(st, s->name, base_name(path), b->sha256, &res->abandoned, err)))
		goto out;
	if ((rc = store_table_open(st, s, &t, err)) || (rc = refers_open(st, s, &rf, err)))
		goto out;
	rc = csv_reader_next(r, &rec, err);
	if (rc == 0) {
		rc = ERR_SET(err, ERR_DATA, "%s: the file is empty: it has no header", path);
		err_at(err, path, 1, 0);
		goto out;
	}
	if (rc < 0)
		goto out;
	if ((rc = ingest_map_header(s, &rec, path, col_of, err)))
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
		if ((rc = take_record(st, t, s, col_of, n_cols, b, r, &rec, vals, today, rf, err)))
			goto out;
		if (++n_in_chunk == chunk) {
			b->resume_offset = csv_reader_offset(r);
			b->resume_line = csv_reader_line(r);
			b->blank_lines = blank_base + csv_reader_blank_lines(r);
			if ((rc = store_batch_save(st, b, err)) || (rc = store_commit(st, err)))
				goto out;
			in_tx = 0;
			if (o->progress)
				o->progress(o->progress_ctx, b->resume_offset, b->bytes);
			if ((rc = store_begin(st, err)))
				goto out;
			in_tx = 1;
			n_in_chunk = 0;
		}
	}
	/* what was hashed is what was read: a file written to meanwhile is not taken as done */
	changed = fstat(csv_reader_fd(r), &after) || after.st_size != before.st_size ||
		  after.st_mtim.tv_sec != before.st_mtim.tv_sec || after.st_mtim.tv_nsec != before.st_mtim.tv_nsec ||
		  csv_reader_offset(r) != b->bytes;
	if (changed) {
		rc = ERR_SET(err, ERR_DATA, "'%s' changed while it was read; its batch is not done: ingest it again"
			     " once it is complete", path);
		goto out;
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
	refers_free(rf);
	store_table_free(t);
	if (rc > 0)
		rc = 0;
	return rc;
}
