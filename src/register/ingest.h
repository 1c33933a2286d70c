/*
 * ingest.h: the read -> validate -> store pipeline for one file.
 * Every row ends as accepted, rejected, duplicate or conflict, and the
 * counts add up: read = accepted + rejected + duplicates + conflicts.
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_INGEST_H
#define PASOS_INGEST_H

#include <stdint.h>
#include "err.h"
#include "schema.h"
#include "store.h"

#define INGEST_CHUNK_ROWS 50000

struct ingest_opts {
	uint64_t chunk_rows;      /* rows per transaction; 0: INGEST_CHUNK_ROWS */
	const char *report_dir;   /* where NAME.rejects.csv and NAME.conflicts.csv go; NULL: "." */
	const char *report_name;  /* NAME in those; NULL: the file's base name */
	/* Called now and then with bytes done and the file's size; may be NULL. */
	void (*progress)(void *ctx, uint64_t done, uint64_t total);
	void *progress_ctx;
};

struct ingest_result {
	struct store_batch batch;  /* the batch with its final counts */
	int already;               /* the file had been ingested before: nothing added */
	int resumed;               /* an interrupted batch was continued */
	char rejects_path[1024];   /* "" when there is none */
	char conflicts_path[1024];
	struct store_abandoned abandoned;  /* a batch of the same file name left running with other content */
};

/**
 * Ingest the CSV at path into register s of st. The file is opened once:
 * its digest and its records come from the same bytes, and anything but a
 * regular file is refused. The store's ingest lock is held (store_lock),
 * so a second process on the same file waits and then finds it done. A
 * file whose digest the store has seen finishes the earlier batch (or
 * reports it, when done); a batch of the same file name abandoned with
 * other content is rolled back first (store_batch_abandoned). A file that
 * changes while it is read is an error, and its batch is not done.
 * Errors: ERR_IO, ERR_STORE, ERR_DATA (not a regular file, unusable
 * header, with file:line:col), ERR_USAGE (a report path that does not fit
 * or names the input).
 */
int ingest_file(struct store *st, const struct schema *s, const char *path,
		const struct ingest_opts *o, struct ingest_result *res, struct err *err);

/**
 * The day of ingest (a date.h day number, UTC): event dates after it and
 * birth dates after it or beyond a human life before it are rejected.
 * PASOS_TODAY=YYYY-MM-DD sets it (for tests and for re-running an old day).
 */
long ingest_today(void);

/**
 * Map a header record h of the CSV at path to the fields of s:
 * col_of[field] = column. The header must name every field once and
 * nothing else. Errors: ERR_DATA naming the file, line and column.
 */
int ingest_map_header(const struct schema *s, const struct csv_record *h, const char *path,
		      int *col_of, struct err *err);

/** 64-bit content hash of a record's values (schema order). */
uint64_t ingest_hash(const struct csv_field *vals, size_t n);

#endif
