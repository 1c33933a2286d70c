/*
 * cmd/synth.c: pasos synth: synthetic registers with ground truth.
 * SPDX-License-Identifier: MIT
 */
#include "cli.h"
#include "date.h"
#include "opt.h"
#include "outfile.h"
#include "progress.h"
#include "synth.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void help(FILE *f)
{
	fprintf(f,
		"usage: pasos synth [options]\n\n"
		"Write synthetic registers made by a seeded population living out stories,\n"
		"with the errors real registers have, and the truth beside them. The border\n"
		"register (movements.csv) and the regularisations (regularizations.csv), and\n"
		"from the same lives every other register of registers/: consular\n"
		"registrations, repatriations (the woman enters on the day and at the post\n"
		"of her repatriation), trafficking cases and victims, employment agencies, job\n"
		"offers abroad, job seekers and placements (the placed seeker leaves within\n"
		"weeks), distance training, and the census module on emigrants (taken on the\n"
		"last day: emigrants the register saw, and others it did not). Each file is\n"
		"named after its register. The truth: truth_records.csv (each record's person\n"
		"and injected error), truth_persons.csv, truth_residence.csv (where each\n"
		"person lived, from which date to which, as the story decided) and\n"
		"truth_census.csv (each census record's person, if any, and whether the\n"
		"register saw the departure).\n\n"
		"options:\n"
		"  --out DIR           output directory, created if missing (default .)\n"
		"  --seed N            random seed (default 1); same seed, same files\n"
		"  --movements N       about how many movements (default 500000)\n"
		"  --start YYYY-MM-DD  first day (default 2023-01-01)\n"
		"  --months N          length of the period (default 24)\n"
		"  --noise X           multiply the rates of typos and other errors (default 1; 0: none)\n"
		"  --invalid-rate X    share of rows made invalid (default 0.004)\n"
		"  --dup-rate X        share of rows sent twice (default 0.001)\n"
		"  --conflict-rate X   share of rows sent again with another content (default 0.0003)\n"
		"  --watchlist N       also watchlist.csv with N entries (persons of the population\n"
		"                      under variants of their names, their lost documents, and\n"
		"                      persons who never travel) and truth_watchlist.csv\n\n"
		"example:\n"
		"  pasos synth --out data --movements 100000 --seed 7\n");
}

int cmd_synth(struct app *app, int argc, char **argv)
{
	struct synth_opts o;
	struct synth_stats st;
	int k;
	struct progress bar;
	struct err err;
	long long seed, movements, months, watchlist = 0;
	int32_t start;
	int rc;

	synth_opts_init(&o);
	seed = (long long)o.seed;
	movements = (long long)o.movements;
	months = o.months;
	start = (int32_t)o.start_day;
	{
		const struct opt_spec spec[] = {
			{ "out", 0, OPT_STR, &o.out_dir, 0, 0 },
			{ "seed", 0, OPT_INT, &seed, 0, 9e18 },
			{ "movements", 0, OPT_INT, &movements, 1, 1e10 },
			{ "months", 0, OPT_INT, &months, 1, 600 },
			{ "start", 0, OPT_DATE, &start, 0, 0 },
			{ "noise", 0, OPT_REAL, &o.noise, 0, 10 },
			{ "invalid-rate", 0, OPT_REAL, &o.invalid_rate, 0, 1 },
			{ "dup-rate", 0, OPT_REAL, &o.dup_rate, 0, 1 },
			{ "conflict-rate", 0, OPT_REAL, &o.conflict_rate, 0, 1 },
			{ "watchlist", 0, OPT_INT, &watchlist, 0, 1e8 },
		};

		if ((rc = opt_parse("synth", argc, argv, spec, sizeof(spec) / sizeof(spec[0]), help, NULL)))
			return rc < 0 ? EXIT_OK : rc;
	}
	o.seed = (uint64_t)seed;
	o.movements = (uint64_t)movements;
	o.months = (int)months;
	o.watchlist = (uint64_t)watchlist;
	o.start_day = start;
	err_init(&err);
	if (outfile_mkdir(o.out_dir, 0700, &err))
		return cli_report("synth", &err);
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
	for (k = 0; k < SO_N; k++)
		printf("%s: %llu rows (%llu made invalid, %llu sent twice)\n", synth_other_names[k],
		       (unsigned long long)st.other[k].rows, (unsigned long long)st.other[k].invalid,
		       (unsigned long long)st.other[k].duplicates);
	printf("written to %s/\n", o.out_dir);
	return EXIT_OK;
}
