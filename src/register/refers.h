/*
 * refers.h: the rules by which a record names a record of a register
 * (`rule ID refers FIELD REGISTER.FIELD [when ...]`): a victim's case, a
 * case event's case, a placement's offer and seeker. Checked at ingest
 * against the store, rows earlier in the same file included.
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_REFERS_H
#define PASOS_REFERS_H

#include <stddef.h>
#include "csv.h"
#include "err.h"
#include "schema.h"

struct store;
struct refers;

/**
 * Prepare the checks of s's refers rules in st (*out NULL when there are
 * none), indexing each field referred to. Errors: ERR_STORE.
 */
int refers_open(struct store *st, const struct schema *s, struct refers **out, struct err *err);

/**
 * Check vals (schema order): 0 when every rule that applies holds;
 * otherwise 1 with *rule the rule's id, *field the field, and msg saying what is missing
 * (never a value of the record). Errors (negative): ERR_STORE.
 */
int refers_check(struct refers *rf, const struct csv_field *vals, const char **rule, const char **field, char *msg,
		 size_t len, struct err *err);

void refers_free(struct refers *rf);

#endif
