/*
 * link_model.h: the linkage model kept in the store (link_model.c).
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_LINK_MODEL_H
#define PASOS_LINK_MODEL_H

#include <sqlite3.h>
#include "err.h"
#include "link.h"

struct store;

/** Replace the store's linkage model with m, in one transaction. Errors: ERR_STORE. */
int link_model_save(struct store *st, const struct link_model *m, struct err *err);

/** The store's linkage model into m: 1, or 0 when 'pasos link' has saved none. */
int link_model_load(sqlite3 *db, struct link_model *m);

#endif
