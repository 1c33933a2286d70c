/*
 * schema.h: registers as data. A register file (registers/NAME.reg) declares
 * its fields, their types, code lists, limits and roles, and the rules
 * across fields. The format is documented in registers/README.md.
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_SCHEMA_H
#define PASOS_SCHEMA_H

#include <stddef.h>
#include "codes.h"
#include "err.h"

#define SCHEMA_MAX_FIELDS 64
#define SCHEMA_MAX_RULES 32
#define SCHEMA_MAX_VALUES 16

enum field_type { FT_TEXT, FT_INTEGER, FT_DATE, FT_DATETIME, FT_CODE };

/* Roles say what a field means to the later stages (bit mask). */
enum field_role {
	ROLE_RECORD_ID = 1 << 0,
	ROLE_EVENT_DATE = 1 << 1,
	ROLE_SURNAME = 1 << 2,
	ROLE_GIVEN_NAMES = 1 << 3,
	ROLE_BIRTH_DATE = 1 << 4,
	ROLE_SEX = 1 << 5,
	ROLE_NATIONALITY = 1 << 6,
	ROLE_DOCUMENT_NUMBER = 1 << 7,
	ROLE_DOCUMENT_TYPE = 1 << 8,
	ROLE_DOCUMENT_COUNTRY = 1 << 9,
	ROLE_DIMENSION = 1 << 10,
	ROLE_DIRECTION = 1 << 11,
	ROLE_COMPARE = 1 << 12    /* another field the linker compares (address, ...) */
};

struct schema_field {
	char *name;
	enum field_type type;
	int required;
	long max_len;         /* in characters; 0: no limit beyond the reader's */
	int has_min, has_max; /* integer range */
	long long min, max;
	const struct codelist *codes; /* for FT_CODE; owned by the schema */
	unsigned roles;
};

enum rule_kind {
	RULE_NOT_AFTER,   /* a <= b when both present (dates compared by day) */
	RULE_NOT_BEFORE,  /* a >= b when both present */
	RULE_PRESENT_IFF, /* a present exactly when cond holds */
	RULE_ONLY_IF,     /* a present only when cond holds */
	RULE_REFERS       /* a names a record of another register (or this one) by its field, when cond holds:
			     checked by ingest against the store (refers.h), not by validate_record */
};

struct schema_rule {
	char *id;
	enum rule_kind kind;
	int a, b;            /* field indexes */
	int negate;          /* cond is "b not_in values" */
	size_t n_values;
	char *values[SCHEMA_MAX_VALUES];
	int has_cond;        /* RULE_REFERS: only when b is (not) in values; the other kinds always have one */
	char *ref_register, *ref_field;  /* RULE_REFERS: what a must name */
};

#define SCHEMA_MAX_ACCESS 8

struct schema {
	char *name;
	char *title;
	char *path;
	char *text_sha;      /* hex SHA-256 of the definition file */
	size_t n_fields;
	struct schema_field fields[SCHEMA_MAX_FIELDS];
	size_t n_rules;
	struct schema_rule rules[SCHEMA_MAX_RULES];
	size_t n_lists;
	struct codelist *lists[SCHEMA_MAX_FIELDS];
	int id_field;        /* index of the record_id field */
	/*
	 * 'versions KEY ORDER': each record is a version of the entity KEY
	 * names (a case and its events); the current one is the latest by
	 * ORDER, then by record id. -1: records are not versions.
	 */
	int versions_key, versions_order;
	/* the roles of the service that may write and read the register's records ('access ROLE...') */
	size_t n_access;
	char access[SCHEMA_MAX_ACCESS][24];
};

/**
 * Parse the register file at path. Relative code list files are looked up
 * beside it. On success *out is a new schema owned by the caller
 * (schema_free). Errors: ERR_IO, ERR_SCHEMA with file:line in err.
 */
int schema_load(struct schema **out, const char *path, struct err *err);

/**
 * Parse a definition held in memory (len bytes, copied); path names it in
 * messages and anchors relative code list files.
 */
int schema_parse(struct schema **out, const char *text, size_t len, const char *path,
		 struct err *err);

/**
 * Find register name: a path to a .reg file, or NAME looked up as
 * DIR/registers/NAME.reg for each DIR of pasos' data directories.
 */
int schema_load_named(struct schema **out, const char *name, struct err *err);

/** Free the schema; NULL is allowed. */
void schema_free(struct schema *s);

/** Index of the field called name (NUL-terminated), or -1. */
int schema_field_index(const struct schema *s, const char *name);

/** Index of the first field that has role, or -1. */
int schema_role_field(const struct schema *s, unsigned role);

/** Name of a type, e.g. "date". */
const char *schema_type_name(enum field_type t);

/** Value of "key=value" in a definition word tok when the key matches, else NULL (points into tok). */
const char *schema_attr(const char *tok, const char *key);

/** rel as a path beside the definition file def_path (absolute rel kept). Caller frees. */
char *schema_beside(const char *def_path, const char *rel);

/**
 * Path of a definition: name itself when it is a path (has '/' or ends in
 * ext), else DATA_DIR/subdir/name+ext. Errors: ERR_USAGE when missing.
 */
int schema_definition_path(const char *subdir, const char *name, const char *ext, char *out,
			   size_t len, struct err *err);

/**
 * The directory holding registers/ and codelists/: PASOS_HOME, else the
 * directory of the running executable when it has registers/, else the
 * installed data directory. Returned string is static storage.
 */
const char *schema_data_dir(void);

#endif
