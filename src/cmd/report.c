/*
 * cmd/report.c: pasos report: the bulletin people read.
 * SPDX-License-Identifier: MIT
 */
#include "bulletin.h"
#include "cli.h"
#include "opt.h"
#include "outfile.h"

#include <stdio.h>

static void help(FILE *f)
{
	fprintf(f,
		"usage: pasos [--db PATH] report [--tables DIR] [--out DIR]\n\n"
		"Write the bulletin: DIR/index.html in Spanish and DIR/index.en.html in\n"
		"English, each one self-contained page (inline SVG charts and CSS, no script\n"
		"or font from elsewhere) that prints well. Its figures come from the protected\n"
		"tables 'pasos protect' wrote in --tables (ine_monthly, ine_sex,\n"
		"gcm_objective1, regularizations) and from the store's counts, never from a\n"
		"record: arrivals and departures by month, border post, nationality, region,\n"
		"transport, sex, and national or foreign;\n"
		"travellers by sex and age and by migratory status; long-term migration by\n"
		"year with provisional figures marked; regularisations by nationality and\n"
		"outcome; how the figures were protected; data quality; methods. Every chart\n"
		"has its numbers in a table beside it; suppressed cells show as C.\n\n"
		"options:\n"
		"  --tables DIR  the published tables (default out)\n"
		"  --out DIR     where the pages go (default out/bulletin)\n\n"
		"example:\n"
		"  pasos --db out/demo/pasos.db report --tables out --out out/bulletin\n");
}

int cmd_report(struct app *app, int argc, char **argv)
{
	struct bulletin_opts o = { "out", "out/bulletin" };
	const struct opt_spec spec[] = {
		{ "tables", 0, OPT_STR, &o.tables_dir, 0, 0 },
		{ "out", 0, OPT_STR, &o.out_dir, 0, 0 },
	};
	struct bulletin_stats st;
	struct err err;
	int rc;

	if ((rc = opt_parse("report", argc, argv, spec, sizeof(spec) / sizeof(spec[0]), help, NULL)))
		return rc < 0 ? EXIT_OK : rc;
	err_init(&err);
	if ((rc = cli_open_store(app, 0, &err)) || (rc = outfile_mkdir(o.out_dir, 0755, &err)) ||
	    (rc = bulletin_write(app->store, &o, &st, &err)))
		return cli_report("report", &err);
	printf("bulletin: %s/index.html (es) and %s/index.en.html (en): %d charts, %d tables of figures,"
	       " from %llu published cells\n", o.out_dir, o.out_dir, st.charts, st.tables, st.cells_read);
	return EXIT_OK;
}
