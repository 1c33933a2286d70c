/*
 * cmd/tabulate.c: pasos tabulate TABLE: every cell and margin of a table.
 * SPDX-License-Identifier: MIT
 */
#include "cli.h"
#include "opt.h"
#include "mem.h"
#include "progress.h"
#include "publish.h"
#include "table.h"
#include "tabulate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void help(FILE *f)
{
	fprintf(f,
		"usage: pasos [--db PATH] tabulate [--out DIR] TABLE...\n\n"
		"Compute every cell of a table (tables/TABLE.tab, or a path) and every margin\n"
		"at every level of every hierarchy, exactly, from the store, and write\n"
		"  DIR/TABLE.exact.csv      tidy CSV: one column per dimension (_T a total),\n"
		"                           MEASURE, value, status (A, or P provisional)\n"
		"The exact table is for internal use: it is not protected, and its small\n"
		"cells can identify persons. Tables for the public come from 'pasos protect'.\n"
		"A combination that had no records is a zero; one that cannot exist (a mode\n"
		"of transport a post does not have) is left out.\n\n"
		"options:\n"
		"  --out DIR      output directory (default confidential)\n"
		"  --allow-stale  count records ingested after the last link or classify as\n"
		"                 they stand (refused otherwise)\n\n"
		"example:\n"
		"  pasos tabulate ine_monthly regularizations\n");
}

int cmd_tabulate(struct app *app, int argc, char **argv)
{
	const char *dir = "confidential", **names = xmalloc(st_mult((size_t)argc, sizeof(char *)));
	struct err err;
	int i, rc = EXIT_OK, n_tables = 0, stale = 0;

	{
		const struct opt_spec spec[] = {
			{ "out", 0, OPT_STR, &dir, 0, 0 },
			{ "allow-stale", 0, OPT_FLAG, &stale, 0, 0 },
		};

		if ((rc = opt_parse("tabulate", argc, argv, spec, sizeof(spec) / sizeof(spec[0]), help, &n_tables))) {
			rc = rc < 0 ? EXIT_OK : rc;
			goto out;
		}
		for (i = 0; i < n_tables; i++)
			names[i] = argv[i + 1];
	}
	if (!n_tables) {
		help(stderr);
		rc = EXIT_USAGE;
		goto out;
	}
	err_init(&err);
	if (outfile_mkdir(dir, 0700, &err)) {  /* exact tables: confidential */
		rc = cli_report("tabulate", &err);
		goto out;
	}
	for (i = 0; i < n_tables; i++) {
		struct table *t = NULL;
		struct tab_result res;
		struct outfile of;
		size_t c, possible = 0;
		double t0 = progress_now();

		err_init(&err);
		if (table_load_named(&t, names[i], &err)) {
			rc = cli_report("tabulate", &err);
			goto out;
		}
		if (tabulate_run(app->store, t, stale ? TABULATE_ALLOW_STALE : 0, &res, &err) ||
		    publish_tidy_csv(t, &res, NULL, dir, &of, &err) || outfile_place(&of, &err)) {
			rc = cli_report("tabulate", &err);
			tab_result_release(&res);
			table_free(t);
			goto out;
		}
		for (c = 0; c < res.n_cells; c++)
			possible += res.possible[c];
		printf("%s: %llu records, %zu cells (%zu that can exist) x %zu measures, %.2f s\n", t->name,
		       (unsigned long long)res.records, res.n_cells, possible, t->n_measures, progress_now() - t0);
		if (res.unknown_codes)
			printf("  %llu records with codes missing from a code list: counted under the total\n",
			       (unsigned long long)res.unknown_codes);
		if (res.unlinked)
			printf("  %llu records not linked to a person: each counted as its own person\n",
			       (unsigned long long)res.unlinked);
		printf("  %s (exact: not for publication)\n", of.path);
		tab_result_release(&res);
		table_free(t);
	}
out:
	free(names);
	return rc;
}
