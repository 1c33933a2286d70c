/*
 * trail.h: an audit trail no one can rewrite unseen. Every write and every
 * read of personal data through the service is appended to the store
 * (audit_trail), each entry holding the SHA-256 of the one before, and the
 * head (trail_head) moved in the same transaction. Entries hold record and
 * person ids, never names or document numbers.
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_TRAIL_H
#define PASOS_TRAIL_H

#include <sqlite3.h>
#include <stdint.h>
#include "err.h"

struct trail {
	int64_t seq;     /* the last entry's number, 0 for none */
	char hash[65];   /* its hash (64 zeros for none) */
	int64_t head;    /* the entry trail_head names in the store */
	sqlite3_stmt *add, *move;  /* an entry, the head: prepared once, for every request */
};

/** Make the tables if missing and load the head into *t (trail_close releases it). Errors: ERR_STORE. */
int trail_open(sqlite3 *db, struct trail *t, struct err *err);
void trail_close(struct trail *t);

/**
 * Append one entry inside the caller's transaction, advancing *t (the
 * caller keeps a copy to restore if the transaction is rolled back); the
 * head moves with trail_save, before the commit. Errors: ERR_STORE.
 */
int trail_append(sqlite3 *db, struct trail *t, const char *user, const char *addr, const char *action,
		 const char *object, int status, struct err *err);

/** Move trail_head to the last entry appended, inside the same transaction (once for a group). Errors: ERR_STORE. */
int trail_save(sqlite3 *db, struct trail *t, struct err *err);

/**
 * Recompute the chain from the first entry: *bad is 0 when it is whole,
 * else the number of the first entry that was altered, removed or
 * inserted (or the head's, when entries were cut off the end); *n the
 * entries read. Errors: ERR_STORE.
 */
int trail_verify(sqlite3 *db, int64_t *bad, int64_t *n, struct err *err);

#endif
