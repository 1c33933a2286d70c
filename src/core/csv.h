/*
 * csv.h: read stage. A streaming RFC 4180 reader: bytes -> records.
 * Memory is bounded by the record limit, whatever the file's size.
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_CSV_H
#define PASOS_CSV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "err.h"

#define CSV_MAX_RECORD (1u << 20)  /* 1 MiB: a longer record is reported, not held */
#define CSV_MAX_FIELDS 512

/* Structural problems of one record; the record is still returned. */
enum csv_problem {
	CSV_OK = 0,
	CSV_TOO_LONG,        /* record longer than the limit; raw holds its first bytes */
	CSV_TOO_MANY_FIELDS, /* more than CSV_MAX_FIELDS fields */
	CSV_BAD_QUOTE,       /* a quote inside an unquoted field, or text after a closing quote */
	CSV_UNTERMINATED,    /* the file ends inside a quoted field */
	CSV_NUL              /* a NUL byte */
};

struct csv_field {
	const char *p;  /* not NUL-terminated; valid until the next csv_reader_next */
	size_t len;
};

struct csv_record {
	size_t n_fields;
	const struct csv_field *fields;  /* owned by the reader */
	const char *raw;                 /* the record's bytes without its line end */
	size_t raw_len;
	uint64_t line;        /* physical line (1-based) where the record starts */
	uint64_t offset;      /* byte offset of the record's first byte */
	uint64_t end_offset;  /* byte offset just after its line end */
	enum csv_problem problem;
	size_t problem_field; /* 0-based field where the problem was seen */
	uint64_t n_lines;     /* physical lines the record spans (a quoted field may hold line ends) */
	uint64_t first_line_end; /* byte offset just after its first line end when n_lines > 1, else 0 */
};

struct csv_reader;

/**
 * Open path for reading (a UTF-8 BOM at its start is skipped). On success
 * *out is a new reader owned by the caller (free with csv_reader_free).
 * max_record 0 means CSV_MAX_RECORD. Errors: ERR_IO.
 */
int csv_reader_open(struct csv_reader **out, const char *path, size_t max_record,
		    struct err *err);

/**
 * The same over an open file descriptor, read from offset 0; the reader
 * owns fd from then on, even when this fails. path is for messages.
 */
int csv_reader_open_fd(struct csv_reader **out, int fd, const char *path, size_t max_record,
		       struct err *err);

/** A reader over len bytes at p (not copied: p must outlive the reader). */
struct csv_reader *csv_reader_new_mem(const char *p, size_t len, size_t max_record);

/** Release the reader and close its file; NULL is allowed. */
void csv_reader_free(struct csv_reader *r);

/**
 * Read the next record into *rec. Returns 1 with a record, 0 at end of
 * input, or a negative err_code (ERR_IO). Blank lines are skipped and
 * counted (csv_reader_blank_lines). Problems are reported in rec->problem.
 */
int csv_reader_next(struct csv_reader *r, struct csv_record *rec, struct err *err);

/**
 * Read again from the line after rec's first line (rec the last record
 * read, spanning several lines): for a record whose quote was never
 * closed where it should be, so that one stray quote costs one line, not
 * the rest of the file. Line numbers and the blank-line count go on.
 * Errors: ERR_IO.
 */
int csv_reader_resync(struct csv_reader *r, const struct csv_record *rec, struct err *err);

/** Continue reading at a record boundary: byte offset and its line number. */
int csv_reader_seek(struct csv_reader *r, uint64_t offset, uint64_t line, struct err *err);

/** The file descriptor read (-1 for a memory reader), owned by the reader. */
int csv_reader_fd(const struct csv_reader *r);

/** Bytes consumed so far (the offset of the next record). */
uint64_t csv_reader_offset(const struct csv_reader *r);

/** Line number of the next record. */
uint64_t csv_reader_line(const struct csv_reader *r);

/** Blank lines skipped since opening or the last seek. */
uint64_t csv_reader_blank_lines(const struct csv_reader *r);

/** Index of the field named name (NUL-terminated) in a header record, or -1. */
int csv_column(const struct csv_record *header, const char *name);

/** Write s as one CSV field (RFC 4180: quoted when it holds a comma, quote or line end). */
void csv_put(FILE *f, const char *s);

/**
 * 1 when a spreadsheet would run p[0..len) as a formula: it starts with
 * = + - @ (or a tab or CR) and is not a plain number.
 */
int csv_formula(const char *p, size_t len);

/**
 * Write p[0..len) as one CSV field (quoted when it must be, or always when
 * quote is 1) for a file people open: a cell
 * that csv_formula flags gets a leading apostrophe, which spreadsheets
 * show as text and never run. For reports and outputs holding input data;
 * the store keeps the value as it was.
 */
void csv_put_cell(FILE *f, const char *p, size_t len, int quote);

/** English name of a problem, e.g. "record too long". */
const char *csv_problem_name(enum csv_problem p);

/** Rule id of a problem for reject reports, e.g. "csv.quote". */
const char *csv_problem_rule(enum csv_problem p);

#endif
