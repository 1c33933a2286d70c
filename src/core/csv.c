/*
 * csv.c: read stage, the streaming RFC 4180 reader.
 * Written by hand because it is the hot loop of every ingest and must keep
 * raw bytes, line numbers and byte offsets for rejects and crash recovery,
 * which general CSV libraries do not give. One pass per byte, bounded memory:
 * a record longer than max_record is skipped to its end and reported.
 * SPDX-License-Identifier: MIT
 */
#include "csv.h"
#include "mem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define READ_CHUNK (1u << 20)
#define TRUNC_KEEP 4096  /* bytes of an over-long record kept for the reject report */

struct field_ref {
	uint32_t off;     /* from record start, or into scratch */
	uint32_t len;
	int in_scratch;
};

struct csv_reader {
	int fd;            /* -1 for a memory reader */
	char *data;        /* data[0..end) holds unconsumed bytes */
	size_t cap, end, pos;
	uint64_t base;     /* file offset of data[0] */
	int eof;
	uint64_t line;     /* line number of data[pos] */
	uint64_t blank;
	size_t max_record;
	struct field_ref *refs;
	struct csv_field *fields;
	char *scratch;     /* unescaped quoted fields, at most max_record bytes */
	size_t scratch_len;
	char *trunc;       /* first bytes of an over-long record */
};

enum state { S_START, S_UNQ, S_Q, S_QQ, S_QQCR };

static struct csv_reader *reader_new(size_t max_record)
{
	struct csv_reader *r = xcalloc(1, sizeof(*r));

	r->max_record = max_record ? max_record : CSV_MAX_RECORD;
	r->fd = -1;
	r->line = 1;
	r->refs = xcalloc(CSV_MAX_FIELDS, sizeof(*r->refs));
	r->fields = xcalloc(CSV_MAX_FIELDS, sizeof(*r->fields));
	r->scratch = xmalloc(r->max_record + 1);
	r->trunc = xmalloc(TRUNC_KEEP);
	return r;
}

static void skip_bom(struct csv_reader *r)
{
	if (r->base == 0 && r->pos == 0 && r->end >= 3 &&
	    memcmp(r->data, "\xEF\xBB\xBF", 3) == 0)
		r->pos = 3;
}

/* Move data[keep..end) to the front and read more. Returns bytes read, 0 at EOF. */
static int refill(struct csv_reader *r, size_t keep, size_t *n_read, struct err *err)
{
	ssize_t n;

	*n_read = 0;
	if (r->fd < 0 || r->eof)
		return 0;
	if (keep > 0) {
		memmove(r->data, r->data + keep, r->end - keep);
		r->end -= keep;
		r->pos -= keep;
		r->base += keep;
	}
	if (r->end == r->cap)
		return 0; /* caller checks record length before this happens */
	do {
		n = read(r->fd, r->data + r->end, r->cap - r->end);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return ERR_SET(err, ERR_IO, "cannot read: %s", strerror(errno));
	if (n == 0)
		r->eof = 1;
	r->end += (size_t)n;
	*n_read = (size_t)n;
	return 0;
}

int csv_reader_open(struct csv_reader **out, const char *path, size_t max_record,
		    struct err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	*out = NULL;
	if (fd < 0)
		return ERR_SET(err, ERR_IO, "cannot open '%s': %s", path, strerror(errno));
	return csv_reader_open_fd(out, fd, path, max_record, err);
}

int csv_reader_open_fd(struct csv_reader **out, int fd, const char *path, size_t max_record,
		       struct err *err)
{
	struct csv_reader *r;
	size_t n;
	int rc;

	*out = NULL;
	if (lseek(fd, 0, SEEK_SET) == (off_t)-1) {
		rc = ERR_SET(err, ERR_IO, "cannot read '%s': %s", path, strerror(errno));
		close(fd);
		return rc;
	}
	r = reader_new(max_record);
	r->fd = fd;
	r->cap = r->max_record + READ_CHUNK;
	r->data = xmalloc(r->cap);
	rc = refill(r, 0, &n, err);
	if (rc) {
		csv_reader_free(r);
		return rc;
	}
	skip_bom(r);
	*out = r;
	return 0;
}

struct csv_reader *csv_reader_new_mem(const char *p, size_t len, size_t max_record)
{
	struct csv_reader *r = reader_new(max_record);

	r->data = xmemdup0(p, len);
	r->cap = r->end = len;
	r->eof = 1;
	skip_bom(r);
	return r;
}

void csv_reader_free(struct csv_reader *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	free(r->data);
	free(r->refs);
	free(r->fields);
	free(r->scratch);
	free(r->trunc);
	free(r);
}

int csv_reader_seek(struct csv_reader *r, uint64_t offset, uint64_t line, struct err *err)
{
	size_t n;

	if (r->fd < 0) {
		if (offset > r->end)
			return ERR_SET(err, ERR_USAGE, "seek past the end");
		r->pos = (size_t)offset;
		r->line = line;
		r->blank = 0;
		return 0;
	}
	if (lseek(r->fd, (off_t)offset, SEEK_SET) == (off_t)-1)
		return ERR_SET(err, ERR_IO, "cannot seek: %s", strerror(errno));
	r->base = offset;
	r->end = r->pos = 0;
	r->eof = 0;
	r->line = line;
	r->blank = 0;
	return refill(r, 0, &n, err);
}

int csv_reader_resync(struct csv_reader *r, const struct csv_record *rec, struct err *err)
{
	uint64_t blank = r->blank;
	int rc;

	if (!rec->first_line_end)
		return 0;
	rc = csv_reader_seek(r, rec->first_line_end, rec->line + 1, err);
	r->blank = blank;
	return rc;
}

int csv_reader_fd(const struct csv_reader *r)
{
	return r->fd;
}

uint64_t csv_reader_offset(const struct csv_reader *r)
{
	return r->base + r->pos;
}

uint64_t csv_reader_line(const struct csv_reader *r)
{
	return r->line;
}

uint64_t csv_reader_blank_lines(const struct csv_reader *r)
{
	return r->blank;
}

int csv_column(const struct csv_record *header, const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < header->n_fields; i++)
		if (header->fields[i].len == n && memcmp(header->fields[i].p, name, n) == 0)
			return (int)i;
	return -1;
}

void csv_put(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* A whole number or decimal, signed or not: a spreadsheet reads it as a number, never a formula. */
static int plain_number(const char *p, size_t len)
{
	size_t i = len && (p[0] == '-' || p[0] == '+'), digits = 0, dots = 0;

	for (; i < len; i++) {
		if (p[i] >= '0' && p[i] <= '9')
			digits++;
		else if (p[i] == '.' && !dots)
			dots++;
		else
			return 0;
	}
	return digits > 0;
}

int csv_formula(const char *p, size_t len)
{
	return len && strchr("=+-@\t\r", p[0]) && p[0] != '\0' && !plain_number(p, len);
}

void csv_put_cell(FILE *f, const char *p, size_t len, int quote)
{
	size_t i;

	for (i = 0; i < len && !quote; i++)
		quote = p[i] == ',' || p[i] == '"' || p[i] == '\r' || p[i] == '\n';
	if (quote)
		fputc('"', f);
	if (csv_formula(p, len))
		fputc('\'', f);
	for (i = 0; i < len; i++) {
		if (p[i] == '"')
			fputc('"', f);
		fputc(p[i], f);
	}
	if (quote)
		fputc('"', f);
}

const char *csv_problem_name(enum csv_problem p)
{
	switch (p) {
	case CSV_OK: return "ok";
	case CSV_TOO_LONG: return "record longer than the limit";
	case CSV_TOO_MANY_FIELDS: return "too many fields";
	case CSV_BAD_QUOTE: return "misplaced double quote";
	case CSV_UNTERMINATED: return "quoted field not closed before the end of the file";
	case CSV_NUL: return "NUL byte";
	}
	return "?";
}

const char *csv_problem_rule(enum csv_problem p)
{
	switch (p) {
	case CSV_OK: return "ok";
	case CSV_TOO_LONG: return "csv.too_long";
	case CSV_TOO_MANY_FIELDS: return "csv.too_many_fields";
	case CSV_BAD_QUOTE: return "csv.quote";
	case CSV_UNTERMINATED: return "csv.unterminated";
	case CSV_NUL: return "csv.nul";
	}
	return "?";
}

/* ==== Record parsing ==== */

struct parse {
	size_t rec;       /* index in data of the record start */
	size_t fstart;    /* index of the current field's first content byte */
	int esc;          /* current quoted field has "" escapes */
	int quoted;
	size_t n_fields;
	uint64_t newlines;
	enum csv_problem problem;
	size_t problem_field;
};

static void set_problem(struct parse *ps, enum csv_problem p)
{
	if (ps->problem == CSV_OK) {
		ps->problem = p;
		ps->problem_field = ps->n_fields;
	}
}

/* Record field data[fstart..fend) of the current record. */
static void emit(struct csv_reader *r, struct parse *ps, size_t fend)
{
	struct field_ref *f;
	size_t i;

	if (ps->n_fields >= CSV_MAX_FIELDS) {
		set_problem(ps, CSV_TOO_MANY_FIELDS);
		ps->n_fields++;
		return;
	}
	f = &r->refs[ps->n_fields++];
	if (ps->quoted && ps->esc) {
		/* Collapse "" to " (RFC 4180 §2.7) into scratch. */
		f->in_scratch = 1;
		f->off = (uint32_t)r->scratch_len;
		for (i = ps->fstart; i < fend; i++) {
			r->scratch[r->scratch_len++] = r->data[i];
			if (r->data[i] == '"')
				i++;
		}
		f->len = (uint32_t)(r->scratch_len - f->off);
	} else {
		f->in_scratch = 0;
		f->off = (uint32_t)(ps->fstart - ps->rec);
		f->len = (uint32_t)(fend - ps->fstart);
	}
}

/* Skip the rest of an over-long record; i is where scanning resumes. */
static int skip_long(struct csv_reader *r, struct parse *ps, size_t i, enum state st,
		     struct csv_record *rec, struct err *err)
{
	int inq = (st == S_Q), ended = 0;
	size_t n;
	int rc;
	uint64_t start_off = r->base + ps->rec, first_nl = 0;
	size_t kept = i - ps->rec < TRUNC_KEEP ? i - ps->rec : TRUNC_KEEP;
	const char *nl = memchr(r->data + ps->rec, '\n', i - ps->rec);

	if (nl)
		first_nl = r->base + (uint64_t)(nl - r->data) + 1;
	memcpy(r->trunc, r->data + ps->rec, kept);
	for (;;) {
		if (i == r->end) {
			r->pos = i;
			rc = refill(r, i, &n, err);
			if (rc)
				return rc;
			i = r->pos;
			if (n == 0)
				break;
		}
		if (r->data[i] == '"')
			inq = !inq;
		else if (r->data[i] == '\n') {
			ps->newlines++;
			if (!first_nl)
				first_nl = r->base + i + 1;
			if (!inq) {
				i++;
				ended = 1;
				break;
			}
		}
		i++;
	}
	r->pos = i;
	rec->n_fields = 0;
	rec->fields = r->fields;
	rec->raw = r->trunc;
	rec->raw_len = kept;
	rec->line = r->line;
	rec->offset = start_off;
	rec->end_offset = r->base + i;
	rec->problem = CSV_TOO_LONG;
	rec->problem_field = 0;
	rec->n_lines = ps->newlines + !ended;
	rec->first_line_end = rec->n_lines > 1 ? first_nl : 0;
	if (rec->first_line_end) {
		/* the report keeps the first line only: the lines after it are read again */
		nl = memchr(r->trunc, '\n', kept);
		if (nl)
			rec->raw_len = (size_t)(nl - r->trunc) - (nl > r->trunc && nl[-1] == '\r');
	}
	r->line += ps->newlines;
	return 1;
}

int csv_reader_next(struct csv_reader *r, struct csv_record *rec, struct err *err)
{
	struct parse ps;
	enum state st;
	size_t i, n, k, raw_end;
	int rc, at_eof;

again:
	memset(&ps, 0, sizeof(ps));
	ps.rec = r->pos;
	r->scratch_len = 0;
	st = S_START;
	i = r->pos;
	for (;;) {
		if (i == r->end) {
			if (!r->eof && r->fd >= 0) {
				size_t old = ps.rec;

				if (i - ps.rec >= r->max_record)
					return skip_long(r, &ps, i, st, rec, err);
				r->pos = i;
				rc = refill(r, ps.rec, &n, err);
				if (rc)
					return rc;
				/* indexes shift by the kept prefix */
				i = r->pos;
				if (ps.fstart >= old)
					ps.fstart -= old;
				ps.rec = 0;
				if (n > 0 || !r->eof)
					continue;
			}
			/* end of input */
			if (st == S_START && ps.n_fields == 0 && i == ps.rec)
				return 0;
			at_eof = 1;
			break;
		}
		if (i - ps.rec > r->max_record)
			return skip_long(r, &ps, i, st, rec, err);
		{
			char c = r->data[i];

			if (c == '\0')
				set_problem(&ps, CSV_NUL);
			switch (st) {
			case S_START:
				ps.quoted = 0;
				ps.esc = 0;
				if (c == '"') {
					ps.quoted = 1;
					ps.fstart = i + 1;
					st = S_Q;
				} else if (c == ',') {
					ps.fstart = i;
					emit(r, &ps, i);
				} else if (c == '\n') {
					ps.fstart = i;
					emit(r, &ps, i);
					goto line_end;
				} else {
					ps.fstart = i;
					st = S_UNQ;
				}
				break;
			case S_UNQ:
				if (c == ',') {
					emit(r, &ps, i);
					st = S_START;
				} else if (c == '\n') {
					emit(r, &ps, (i > ps.fstart && r->data[i - 1] == '\r') ? i - 1 : i);
					goto line_end;
				} else if (c == '"') {
					set_problem(&ps, CSV_BAD_QUOTE);
				}
				break;
			case S_Q:
				if (c == '"')
					st = S_QQ;
				else if (c == '\n')
					ps.newlines++;
				break;
			case S_QQ:
				if (c == '"') {
					ps.esc = 1;
					st = S_Q;
				} else if (c == ',') {
					emit(r, &ps, i - 1);
					st = S_START;
				} else if (c == '\n') {
					emit(r, &ps, i - 1);
					goto line_end;
				} else if (c == '\r') {
					st = S_QQCR;
				} else {
					/* text after the closing quote: keep it all, literally */
					set_problem(&ps, CSV_BAD_QUOTE);
					ps.fstart--;
					ps.quoted = 0;
					st = S_UNQ;
				}
				break;
			case S_QQCR:
				if (c == '\n') {
					emit(r, &ps, i - 2);
					goto line_end;
				}
				set_problem(&ps, CSV_BAD_QUOTE);
				ps.fstart--;
				ps.quoted = 0;
				st = S_UNQ;
				break;
			}
		}
		i++;
	}
	goto finish;  /* the loop breaks only at the end of input */
line_end:
	at_eof = 0;
finish:
	if (at_eof) {
		switch (st) {
		case S_START:
			ps.fstart = i;
			emit(r, &ps, i);
			break;
		case S_UNQ:
			emit(r, &ps, (i > ps.fstart && r->data[i - 1] == '\r') ? i - 1 : i);
			break;
		case S_Q:
			set_problem(&ps, CSV_UNTERMINATED);
			emit(r, &ps, i);
			break;
		case S_QQ:
			emit(r, &ps, i - 1);
			break;
		case S_QQCR:
			emit(r, &ps, i - 2);
			break;
		}
		raw_end = i;
		r->pos = i;
	} else {
		raw_end = i;
		r->pos = i + 1;
		ps.newlines++;
	}
	if (raw_end > ps.rec && r->data[raw_end - 1] == '\r')
		raw_end--;
	if (raw_end == ps.rec && ps.problem == CSV_OK) {
		/* a blank line is not a record */
		r->blank++;
		r->line += ps.newlines;
		if (at_eof)
			return 0;
		goto again;
	}
	n = ps.n_fields < CSV_MAX_FIELDS ? ps.n_fields : CSV_MAX_FIELDS;
	for (k = 0; k < n; k++) {
		const struct field_ref *f = &r->refs[k];

		r->fields[k].p = f->in_scratch ? r->scratch + f->off : r->data + ps.rec + f->off;
		r->fields[k].len = f->len;
	}
	rec->n_fields = n;
	rec->fields = r->fields;
	rec->raw = r->data + ps.rec;
	rec->raw_len = raw_end - ps.rec;
	rec->line = r->line;
	rec->offset = r->base + ps.rec;
	rec->end_offset = r->base + r->pos;
	rec->problem = ps.problem;
	rec->problem_field = ps.problem_field;
	rec->n_lines = ps.newlines + (uint64_t)at_eof;
	rec->first_line_end = 0;
	if (rec->n_lines > 1) {
		const char *nl = memchr(rec->raw, '\n', rec->raw_len);

		if (nl)
			rec->first_line_end = rec->offset + (uint64_t)(nl - rec->raw) + 1;
	}
	r->line += ps.newlines;
	return 1;
}
