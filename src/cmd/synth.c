/*
 * cmd/synth.c: pasos synth: synthetic registers with ground truth.
 * SPDX-License-Identifier: MIT
 */
#include "../cli.h"
#include "../date.h"
#include "../progress.h"
#include "../synth.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void help(FILE *f)
{
	fprintf(f,
		"usage: pasos synth [options]\n\n"
		"Write synthetic registers (movements.csv, regularizations.csv) made by a\n"
		"seeded population living out stories, with the errors real registers have,\n"
		"and the truth beside them: truth_records.csv (each record's person and\n"
		"injected error), truth_persons.csv and truth_residence.csv (where each\n"
		"person lived, from which date to which, as the story decided).\n\n"
		"options:\n"
		"  --out DIR           output directory, created if missing (default .)\n"
		"  --seed N            random seed (default 1); same seed, same files\n"
		"  --movements N       about how many movements (default 500000)\n"
		"  --start YYYY-MM-DD  first day (default 2023-01-01)\n"
		"  --months N          length of the period (default 24)\n"
		"  --noise X           multiply the rates of typos and other errors (default 1; 0: none)\n"
		"  --invalid-rate X    share of rows made invalid (default 0.004)\n"
		"  --dup-rate X        share of rows sent twice (default 0.001)\n"
		"  --conflict-rate X   share of rows sent again with another content (default 0.0003)\n\n"
		"example:\n"
		"  pasos synth --out data --movements 100000 --seed 7\n");
}

static int num(const char *opt, const char *v, double lo, double hi, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(v, &end);
	if (errno || end == v || *end || *out < lo || *out > hi) {
		fprintf(stderr, "pasos synth: error: %s needs a number from %g to %g\n", opt, lo, hi);
		return -1;
	}
	return 0;
}

int cmd_synth(struct app *app, int argc, char **argv)
{
	struct synth_opts o;
	struct synth_stats st;
	struct progress bar;
	struct err err;
	double x;
	int i;

	synth_opts_init(&o);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (cli_is_help(a)) {
			help(stdout);
			return EXIT_OK;
		}
		if (!v || a[0] != '-') {
			fprintf(stderr, "pasos synth: error: unknown or incomplete argument '%s'\n", a);
			help(stderr);
			return EXIT_USAGE;
		}
		i++;
		if (!strcmp(a, "--out")) {
			o.out_dir = v;
		} else if (!strcmp(a, "--seed")) {
			if (num(a, v, 0, 1e18, &x)) return EXIT_USAGE;
			o.seed = (uint64_t)x;
		} else if (!strcmp(a, "--movements")) {
			if (num(a, v, 1, 1e10, &x)) return EXIT_USAGE;
			o.movements = (uint64_t)x;
		} else if (!strcmp(a, "--months")) {
			if (num(a, v, 1, 600, &x)) return EXIT_USAGE;
			o.months = (int)x;
		} else if (!strcmp(a, "--start")) {
			o.start_day = date_parse(v, strlen(v));
			if (strlen(v) != 10 || o.start_day == DATE_INVALID) {
				fprintf(stderr, "pasos synth: error: --start needs a date YYYY-MM-DD\n");
				return EXIT_USAGE;
			}
		} else if (!strcmp(a, "--noise")) {
			if (num(a, v, 0, 10, &o.noise)) return EXIT_USAGE;
		} else if (!strcmp(a, "--invalid-rate")) {
			if (num(a, v, 0, 1, &o.invalid_rate)) return EXIT_USAGE;
		} else if (!strcmp(a, "--dup-rate")) {
			if (num(a, v, 0, 1, &o.dup_rate)) return EXIT_USAGE;
		} else if (!strcmp(a, "--conflict-rate")) {
			if (num(a, v, 0, 1, &o.conflict_rate)) return EXIT_USAGE;
		} else {
			fprintf(stderr, "pasos synth: error: unknown option '%s'\n", a);
			help(stderr);
			return EXIT_USAGE;
		}
	}
	if (mkdir(o.out_dir, 0777) && errno != EEXIST) {
		fprintf(stderr, "pasos synth: error: cannot create '%s': %s\n", o.out_dir, strerror(errno));
		return EXIT_IO;
	}
	err_init(&err);
	progress_init(&bar, "synth", app->progress);
	o.progress = progress_cb;
	o.progress_ctx = &bar;
	if (synth_run(&o, &st, &err)) {
		progress_done(&bar);
		return cli_report("synth", &err);
	}
	progress_done(&bar);
	printf("persons: %llu\n", (unsigned long long)st.persons);
	printf("movements: %llu rows (%llu made invalid, %llu sent twice, %llu conflicting)\n",
	       (unsigned long long)st.movements.rows, (unsigned long long)st.movements.invalid,
	       (unsigned long long)st.movements.duplicates, (unsigned long long)st.movements.conflicts);
	printf("regularizations: %llu rows (%llu made invalid, %llu sent twice)\n",
	       (unsigned long long)st.regularizations.rows,
	       (unsigned long long)st.regularizations.invalid,
	       (unsigned long long)st.regularizations.duplicates);
	printf("written to %s/\n", o.out_dir);
	return EXIT_OK;
}
