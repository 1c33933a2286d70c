/*
 * validate.h: validate stage. One record's values, in schema order, are
 * checked against the register's fields and rules. Bad data is a result:
 * findings are collected, never raised as errors. Messages never quote the
 * value, so personal data stays out of reports and logs.
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_VALIDATE_H
#define PASOS_VALIDATE_H

#include <stddef.h>
#include "csv.h"
#include "schema.h"

#define VALIDATE_MAX_FINDINGS 16

struct finding {
	int field;          /* schema field index, or -1 for the whole record */
	const char *rule;   /* rule id: static storage or owned by the schema */
	char msg[128];
};

#define VALIDATE_MAX_AGE_YEARS 130

struct validation {
	/* input: the day of ingest (date.h day number), when has_today: event
	 * dates after it and birth dates after it or more than
	 * VALIDATE_MAX_AGE_YEARS before it are rejected */
	long today;
	int has_today;
	size_t n;           /* findings kept (at most VALIDATE_MAX_FINDINGS) */
	size_t n_total;     /* findings seen */
	struct finding f[VALIDATE_MAX_FINDINGS];
};

/**
 * Check the values vals[0..s->n_fields) (schema order; len 0 is missing).
 * Fills *v; returns the number of findings (0: the record is valid).
 */
size_t validate_record(const struct schema *s, const struct csv_field *vals,
		       struct validation *v);

/** Whether rule r's condition holds for vals (a rule without one always applies). */
int validate_rule_applies(const struct schema_rule *r, const struct csv_field *vals);

/** Append a finding (used by ingest for structural problems). */
void validate_add(struct validation *v, int field, const char *rule, const char *msg);

/** 1 if p[0..len) is well-formed UTF-8 (no overlongs, no surrogates). */
int validate_utf8(const char *p, size_t len);

/** Parse a base-10 integer of len bytes; 1 on success. */
int validate_integer(const char *p, size_t len, long long *out);

#endif
