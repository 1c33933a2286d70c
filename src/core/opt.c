/*
 * opt.c: typed, range-checked options over getopt_long. See opt.h.
 * SPDX-License-Identifier: MIT
 */
#include "opt.h"
#include "date.h"
#include "mem.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int opt_int(const char *text, long long lo, long long hi, long long *out)
{
	char *end;
	long long v;

	if (!text || !*text || strchr(" \t\n", text[0]))
		return -1;
	errno = 0;
	v = strtoll(text, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int opt_real(const char *text, double lo, double hi, double *out)
{
	char *end;
	double v;

	if (!text || !*text || strchr(" \t\n", text[0]))
		return -1;
	errno = 0;
	v = strtod(text, &end);
	if (errno || *end || !isfinite(v) || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int bad(const char *cmd, const struct opt_spec *s, void (*help)(FILE *))
{
	switch (s->kind) {
	case OPT_INT:
		fprintf(stderr, "pasos %s: error: --%s needs a whole number from %.0f to %.0f\n", cmd, s->name, s->lo, s->hi);
		break;
	case OPT_REAL:
		fprintf(stderr, "pasos %s: error: --%s needs a number from %g to %g\n", cmd, s->name, s->lo, s->hi);
		break;
	case OPT_DATE:
		fprintf(stderr, "pasos %s: error: --%s needs a date YYYY-MM-DD\n", cmd, s->name);
		break;
	default:
		fprintf(stderr, "pasos %s: error: --%s needs a value\n", cmd, s->name);
	}
	help(stderr);
	return 2;
}

int opt_parse(const char *cmd, int argc, char **argv, const struct opt_spec *spec, size_t n,
	      void (*help)(FILE *), int *n_rest)
{
	struct option *lo = xcalloc(n + 2, sizeof(*lo));
	/* ":" first: a missing value is reported as such; no "+": options may follow operands */
	char shorts[128] = ":h";
	size_t i, k = 2;
	int c, idx, rc = 0;

	for (i = 0; i < n; i++) {
		lo[i].name = spec[i].name;
		lo[i].has_arg = spec[i].kind == OPT_FLAG ? no_argument : required_argument;
		lo[i].val = 256 + (int)i;
		if (spec[i].short_name && k + 3 < sizeof(shorts)) {
			shorts[k++] = (char)spec[i].short_name;
			if (spec[i].kind != OPT_FLAG)
				shorts[k++] = ':';
		}
	}
	shorts[k] = '\0';
	lo[n].name = "help";
	lo[n].val = 'h';
	opterr = 0;
	optind = 0;  /* glibc: a full reset, so a second parse in one process starts afresh */
	while ((c = getopt_long(argc, argv, shorts, lo, &idx)) != -1) {
		const struct opt_spec *s = NULL;

		if (c == 'h') {
			help(stdout);
			rc = -1;
			goto out;
		}
		if (c >= 256)
			s = &spec[c - 256];
		else
			for (i = 0; i < n && !s; i++)
				if (spec[i].short_name && spec[i].short_name == c)
					s = &spec[i];
		if (c == '?' || c == ':' || !s) {
			const char *what = optind > 0 && optind <= argc ? argv[optind - 1] : "?";

			if (c == ':')
				fprintf(stderr, "pasos %s: error: option '%.60s' needs a value\n", cmd, what);
			else if (optopt && optopt < 256)
				fprintf(stderr, "pasos %s: error: unknown option '-%c'\n", cmd, optopt);
			else
				fprintf(stderr, "pasos %s: error: unknown option '%.60s'\n", cmd, what);
			help(stderr);
			rc = 2;
			goto out;
		}
		switch (s->kind) {
		case OPT_FLAG:
			*(int *)s->dest = 1;
			break;
		case OPT_STR:
			if (!optarg[0]) {
				rc = bad(cmd, s, help);
				goto out;
			}
			*(const char **)s->dest = optarg;
			break;
		case OPT_INT:
			if (opt_int(optarg, (long long)s->lo, (long long)s->hi, (long long *)s->dest)) {
				rc = bad(cmd, s, help);
				goto out;
			}
			break;
		case OPT_REAL:
			if (opt_real(optarg, s->lo, s->hi, (double *)s->dest)) {
				rc = bad(cmd, s, help);
				goto out;
			}
			break;
		case OPT_DATE: {
			long d = date_parse(optarg, strlen(optarg));

			if (strlen(optarg) != 10 || d == DATE_INVALID) {
				rc = bad(cmd, s, help);
				goto out;
			}
			*(int32_t *)s->dest = (int32_t)d;
			break;
		}
		}
	}
	/* the operands, in their order, after the command name */
	if (!n_rest && optind < argc) {
		fprintf(stderr, "pasos %s: error: unexpected argument (options only)\n", cmd);  /* never echoed */
		help(stderr);
		rc = 2;
		goto out;
	}
	if (n_rest) {
		*n_rest = argc - optind;
		memmove(argv + 1, argv + optind, (size_t)*n_rest * sizeof(char *));
	}
out:
	free(lo);
	return rc;
}
