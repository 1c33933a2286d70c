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

/* The file name of the batch that holds what 'pasos serve' registered in one run. */
#define STORE_SERVE_BATCH "api:serve"

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

/* store_open flags: make the store when it is missing (only ingest does). */
#define STORE_CREATE 1u

/**
 * Open the store at path (a file: "", ":memory:" and URIs are refused with
 * ERR_USAGE). Without STORE_CREATE a missing store is an error, so a
 * command that only reads never leaves an empty store behind. New stores
 * are private: created under pasos' umask (0600). *out owned by the
 * caller. Errors: ERR_USAGE, ERR_STORE.
 */
int store_open(struct store **out, const char *path, unsigned flags, struct err *err);

/** 1 when db (any connection) has a table of this name. */
int store_has_table(sqlite3 *db, const char *name);

/**
 * The one answer, everywhere, to a result asked of a register with no
 * records: ERR_DATA "nothing ingested for register 'REG' in the store ...".
 */
int store_require_register(struct store *st, const char *reg, struct err *err);

/**
 * Check that the store is whole before it is read for a result: SQLite's
 * quick_check, and no NULL where the schema promises a value. Errors:
 * ERR_STORE, naming the store.
 */
int store_verify(struct store *st, struct err *err);

/**
 * Take the store's ingest lock (PATH.lock, flock, waiting for it): one
 * batch is claimed and written by one process at a time, so two processes
 * on the same file never both write it, and a batch left running while
 * the lock is free was abandoned. Released by store_close (or by the
 * process ending, however it ends). Errors: ERR_STORE.
 */
int store_lock(struct store *st, struct err *err);

struct store_abandoned {
	int64_t id;        /* 0: none */
	int finished;      /* 1: kept as it stands (other batches found its records); 0: rolled back */
	uint64_t records;  /* records it had stored */
};

/**
 * Under the lock: a batch of register reg for a file of this name left
 * running with other content (the file changed after a kill) is rolled
 * back (its records, rejects, duplicates and conflicts removed), or, when
 * other batches counted its records as already stored, closed as it
 * stands, so no record is counted twice nor lost. At most one a call.
 */
int store_batch_abandoned(struct store *st, const char *reg, const char *file_name, const char *sha256,
			  struct store_abandoned *out, struct err *err);
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
 * it returns 0, and rebuild the person tables from them
 * (store_person_tables_build, whose SQL function the store's connection
 * must have). Runs in one transaction.
 */
int store_save_persons(struct store *st,
		       int (*next)(void *ctx, const char **reg, const char **id, int64_t *person),
		       void *ctx, struct err *err);

/**
 * Rebuild person_crossings, the border crossings of each person in the
 * order of their times with what a history shows, and person_documents and
 * person_names, each person's documents and names once each, from
 * person_links and reg_movements (nothing when either is missing). In the
 * caller's transaction, if any. db must have the SQL function
 * pasos_surname_keys (link_sql_functions, in the link stage above).
 */
int store_person_tables_build(sqlite3 *db, struct err *err);

/** Whether any of the tables store_person_tables_build makes is missing, or is of an earlier layout. */
int store_person_tables_missing(sqlite3 *db);
/** Copy SQLite's message into err (ERR_STORE) with a context word; returns ERR_STORE. */
int store_error(sqlite3 *db, const char *what, struct err *err);

/**
 * The secret that keys every record's fixed random key (cell key method):
 * made from the system's random source the first time, then the same for
 * this store. len at most 64.
 */
int store_record_key_secret(struct store *st, unsigned char *key, size_t len, struct err *err);

#endif
