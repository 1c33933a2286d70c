/*
 * link_model.h: the linkage model kept in the store (link_model.c).
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_LINK_MODEL_H
#define PASOS_LINK_MODEL_H

#include <sqlite3.h>
#include "err.h"
#include "link.h"
#include "names.h"

struct store;

/** Replace the store's linkage model with m, in one transaction. Errors: ERR_STORE. */
int link_model_save(struct store *st, const struct link_model *m, struct err *err);

/** The store's linkage model into m: 1, or 0 when 'pasos link' has saved none. */
int link_model_load(sqlite3 *db, struct link_model *m);

/* Most bytes of a name's surname keys as person_names keeps them: both surnames' fingerprints. */
#define LINK_SURNAME_BLOB (2 * NAMES_SURNAME_KEYS * 4)

/**
 * The fingerprints of both surnames (names_surname_keys: surname 1's, then
 * surname 2's) into out as person_names' surname_keys keeps them, 4 bytes
 * each, least significant first. Returns the bytes written.
 */
size_t link_surname_blob(const char *s1, size_t l1, const char *s2, size_t l2, unsigned char out[LINK_SURNAME_BLOB]);

/** n fingerprints into out as link_surname_blob writes them (4 * n bytes). Returns 4 * n. */
size_t link_keys_blob(const uint32_t *keys, size_t n, unsigned char *out);

/**
 * SQL functions on db that building the person tables needs
 * (store_person_tables_build): pasos_surname_keys(surname_1, surname_2),
 * link_surname_blob's bytes. Errors: ERR_STORE.
 */
int link_sql_functions(sqlite3 *db, struct err *err);

#endif
