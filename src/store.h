/*
 * store.h: store stage. SQLite is the system of record: one table per
 * register (reg_NAME), the batches with their provenance, and the rows set
 * aside (rejects, duplicates, conflicts).
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_STORE_H
#define PASOS_STORE_H

#include <sqlite3.h>
#include <stdint.h>
#include "csv.h"
#include "err.h"
#include "schema.h"

struct store;
struct store_table;

enum batch_status { BATCH_RUNNING, BATCH_DONE };

struct store_batch {
	int64_t id;
	char file_name[256];
	char sha256[65];
	uint64_t bytes;
	enum batch_status status;
	uint64_t resume_offset;   /* where the next record starts */
	uint64_t resume_line;
	uint64_t rows_read, accepted, rejected, duplicates, conflicts, blank_lines;
};

enum store_put { STORE_ACCEPTED, STORE_DUPLICATE, STORE_CONFLICT };

/** Open (creating when missing) the store at path. *out owned by the caller. Errors: ERR_STORE. */
int store_open(struct store **out, const char *path, struct err *err);
/** Close the store; NULL is allowed. */
void store_close(struct store *st);
/** The SQLite handle, for read-only reports (owned by the store). */
sqlite3 *store_db(struct store *st);

/** Run SQL statements (no results). Errors: ERR_STORE with SQLite's message. */
int store_exec(struct store *st, const char *sql, struct err *err);

int store_begin(struct store *st, struct err *err);
int store_commit(struct store *st, struct err *err);
/** Roll back an open transaction; never fails (errors are moot then). */
void store_rollback(struct store *st);
/** End the open transaction: commit it if rc is 0, else roll it back. Returns rc, or the commit's error. */
int store_end(struct store *st, int rc, struct err *err);

/**
 * Open the table of register s, creating it when missing. Errors: ERR_STORE,
 * ERR_SCHEMA when the store holds the register with other fields.
 * *out is owned by the caller (store_table_free) and must not outlive st or s.
 */
int store_table_open(struct store *st, const struct schema *s, struct store_table **out,
		     struct err *err);
void store_table_free(struct store_table *t);

/**
 * Insert one valid record (values in schema order, not copied) unless its
 * record id is there: then *res says whether the stored one has the same
 * content hash (duplicate) or not (conflict), and *first_batch its batch.
 */
int store_table_put(struct store_table *t, const struct csv_field *vals, uint64_t hash,
		    int64_t batch, uint64_t line, enum store_put *res, int64_t *first_batch,
		    struct err *err);

/** Find the batch of register with this file digest; *found 0 when none. */
int store_batch_find(struct store *st, const char *reg, const char *sha256,
		     struct store_batch *b, int *found, struct err *err);
/** Create a running batch (b's file_name, sha256, bytes, resume point); sets b->id. */
int store_batch_create(struct store *st, const char *reg, struct store_batch *b,
		       struct err *err);
/** Save b's counts and resume point (and status); call inside the chunk's transaction. */
int store_batch_save(struct store *st, const struct store_batch *b, struct err *err);

/** Keep a rejected row: its line, the field and rule broken, a message and the raw bytes. */
int store_put_reject(struct store *st, int64_t batch, uint64_t line, const char *field,
		     const char *rule, const char *msg, const char *raw, size_t raw_len,
		     struct err *err);
/** Keep a conflicting row aside (never overwrites the stored one). */
int store_put_conflict(struct store *st, int64_t batch, uint64_t line, const char *record_id,
		       size_t id_len, int64_t first_batch, const char *raw, size_t raw_len,
		       struct err *err);
/** Note a duplicate row. */
int store_put_duplicate(struct store *st, int64_t batch, uint64_t line, const char *record_id,
			size_t id_len, int64_t first_batch, struct err *err);

/**
 * Call fn for every stored record of register s, in storage order, with the
 * values in schema order (valid during the call only). fn returning non-zero
 * stops the scan with that code.
 */
int store_scan(struct store *st, const struct schema *s,
	       int (*fn)(void *ctx, const struct csv_field *vals), void *ctx, struct err *err);

/** Names of the registers the store holds, in name order (caller frees each and the array). */
int store_registers(struct store *st, char ***names, size_t *n, struct err *err);

/**
 * Replace the person links: next() yields (register, record id, person) until
 * it returns 0. Runs in one transaction.
 */
int store_save_persons(struct store *st,
		       int (*next)(void *ctx, const char **reg, const char **id, int64_t *person),
		       void *ctx, struct err *err);

/** Copy SQLite's message into err (ERR_STORE) with a context word; returns ERR_STORE. */
int store_error(sqlite3 *db, const char *what, struct err *err);

/**
 * The secret that keys every record's fixed random key (cell key method):
 * made from the system's random source the first time, then the same for
 * this store. len at most 64.
 */
int store_record_key_secret(struct store *st, unsigned char *key, size_t len, struct err *err);

#endif
