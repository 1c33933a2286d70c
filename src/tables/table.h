/*
 * table.h: tables as data. A table file (tables/NAME.tab) names its source
 * register, its dimensions with their code lists and hierarchies, the
 * constraints that make combinations impossible, and its measures.
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_TABLE_H
#define PASOS_TABLE_H

#include <stddef.h>
#include "err.h"

#define TABLE_MAX_DIMS 6
#define TABLE_MAX_MEASURES 4
#define TABLE_MAX_CODES 1000   /* codes of one dimension, every level included */
#define TABLE_MAX_PARENTS 3
#define TABLE_TOTAL "_T"

enum dim_kind { DIM_CODE, DIM_MONTH, DIM_AGE };
enum measure_kind { MEASURE_COUNT, MEASURE_PERSONS, MEASURE_MIGRANTS };

struct table_code {
	char *code, *label_es, *label_en;
	int level;                       /* 0 leaf, higher for aggregates; the total is highest */
	int parents[TABLE_MAX_PARENTS];  /* indexes of the codes this one adds into */
	int n_parents;
};

struct table_dim {
	char *id, *field;
	char *at;                        /* DIM_AGE: the date field the age is taken at */
	enum dim_kind kind;
	struct table_code *codes;        /* leaves first; grown for months as data arrives */
	size_t n_codes, cap_codes;
	int total;                       /* index of _T, or -1 */
	int constraint_dim;              /* another dimension whose leaf this one's must match, or -1 */
	char **constraint_value;         /* per leaf code of constraint_dim: the allowed leaf of this one */
	void *index;                     /* code -> index lookup (owned) */
	char *codes_path, *codes_key;    /* the code file and its key column, when there is one */
	struct table_dim *raw;           /* map=: the values records hold, each with parents[0] its code here */
	int period_dim;                  /* open: the time dimension its codes' opening periods refer to, or -1 */
	int32_t *opened, *closed;        /* open: per code, first and last day (INT32_MIN/MAX: always) */
};

struct table_measure {
	char *id, *unit;
	enum measure_kind kind;
};

struct table {
	char *name, *path, *source, *title_es, *title_en;
	int join_classified;             /* rows carry their classification (pasos classify) */
	int current_only;                /* 'source REGISTER current': the current version of each entity only */
	char **protect;                  /* the protect line's words (how to publish it) */
	int n_protect;
	size_t n_dims, n_measures;
	struct table_dim dims[TABLE_MAX_DIMS];
	struct table_measure measures[TABLE_MAX_MEASURES];
};

/** Parse tables/NAME.tab (or a path). *out owned by the caller. Errors: ERR_SCHEMA with file:line, ERR_IO, ERR_USAGE. */
int table_load_named(struct table **out, const char *name, struct err *err);
/** Parse a table file. */
int table_load(struct table **out, const char *path, struct err *err);
void table_free(struct table *t);

/** Index of code (NUL-terminated) in dimension d, or -1. */
int table_code_index(const struct table_dim *d, const char *code);
/** Add a code (copied) to d if missing; returns its index, or -1 past TABLE_MAX_CODES. */
int table_code_add(struct table_dim *d, const char *code, const char *es, const char *en, int level);

#define TABLE_MAX_ANCESTORS 16
/** The code and all it adds into, each once (at most TABLE_MAX_ANCESTORS); returns how many. */
int table_ancestors(const struct table_dim *d, int code, int *out);

#endif
