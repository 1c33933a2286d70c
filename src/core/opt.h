/*
 * opt.h: one option parser for every command: the C library's getopt_long
 * over a table of typed options, each value converted whole and checked
 * against its range (NaN, infinities, overflow, trailing text and empty
 * values refused), so no command keeps a strcmp chain or a bare strtol.
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_OPT_H
#define PASOS_OPT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum opt_kind {
	OPT_FLAG,  /* no value: *(int *)dest = 1 */
	OPT_STR,   /* *(const char **)dest = the value (not copied) */
	OPT_INT,   /* *(long long *)dest, a whole number in [lo, hi] */
	OPT_REAL,  /* *(double *)dest, a finite number in [lo, hi] */
	OPT_DATE   /* *(int32_t *)dest, days of a date YYYY-MM-DD (date.h) */
};

struct opt_spec {
	const char *name;  /* long name, without "--" */
	int short_name;    /* a letter, or 0 */
	enum opt_kind kind;
	void *dest;
	double lo, hi;     /* OPT_INT and OPT_REAL */
};

/** text as a whole number in [lo, hi] into *out; 0, or -1 when it is not one. */
int opt_int(const char *text, long long lo, long long hi, long long *out);

/** text as a finite number in [lo, hi] into *out; 0, or -1 when it is not one. */
int opt_real(const char *text, double lo, double hi, double *out);

/**
 * Parse argv[1..argc) of command cmd: every option in spec into its dest,
 * in any order among the operands, which are moved to argv[1..1+*n_rest)
 * (n_rest NULL: the command takes no operand, and one is an error).
 * -h and --help print help(stdout) and return -1. A bad option prints
 * "pasos CMD: error: ..." naming it and its range, then help(stderr), and
 * returns 2 (EXIT_USAGE). Returns 0 when all is well.
 */
int opt_parse(const char *cmd, int argc, char **argv, const struct opt_spec *spec, size_t n,
	      void (*help)(FILE *), int *n_rest);

#endif
