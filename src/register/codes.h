/*
 * codes.h: code lists (ISO 3166-1 alpha-3 countries from Debian's iso-codes,
 * border posts from a reference CSV, and enumerations declared in a register).
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_CODES_H
#define PASOS_CODES_H

#include <stddef.h>
#include "err.h"

struct codelist;

/** A new empty list named name (copied). Caller owns it. */
struct codelist *codelist_new(const char *name);
/** Free the list; NULL is allowed. */
void codelist_free(struct codelist *cl);
/** Add a code and an optional label (both copied). Call codelist_seal when done. */
void codelist_add(struct codelist *cl, const char *code, const char *label);
/** Sort for lookup; rejects duplicate codes with ERR_SCHEMA. */
int codelist_seal(struct codelist *cl, struct err *err);

/**
 * Load ISO 3166-1 alpha-3 codes with English names from iso-codes' JSON
 * (path, or the Debian location when NULL; PASOS_ISO_CODES overrides).
 * On success *out is a new sealed list owned by the caller.
 */
int codelist_load_iso3166(struct codelist **out, const char *name, const char *path,
			  struct err *err);

/**
 * Load codes from column code_col (and labels from label_col, may be NULL)
 * of a CSV file with a header. *out is a new sealed list owned by the caller.
 */
int codelist_load_csv(struct codelist **out, const char *name, const char *path,
		      const char *code_col, const char *label_col, struct err *err);

/** Index of code (len bytes, not NUL-terminated) or -1. */
long codelist_find(const struct codelist *cl, const char *p, size_t len);
/** The list's name (owned by the list). */
const char *codelist_name(const struct codelist *cl);
/** Number of codes. */
size_t codelist_count(const struct codelist *cl);
/** Code i in sorted order (owned by the list). */
const char *codelist_code(const struct codelist *cl, size_t i);
/** Label of code i, or "" (owned by the list). */
const char *codelist_label(const struct codelist *cl, size_t i);

#endif
