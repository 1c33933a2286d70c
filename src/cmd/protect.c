/*
 * cmd/protect.c: pasos protect TABLE: tabulate, protect, publish. The only
 * command that writes tables for the public.
 * SPDX-License-Identifier: MIT
 */
#include "cli.h"
#include "opt.h"
#include "mem.h"
#include "progress.h"
#include "protect.h"
#include "publish.h"
#include "table.h"
#include "tabulate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WORDS 16

static void help(FILE *f)
{
	fprintf(f,
		"usage: pasos [--db PATH] protect [--out DIR] [--confidential CDIR] [--method M]\n"
		"                              [--k N] [--interval N] [--search N] [--D N] [--V X]\n"
		"                              [--audit]\n"
		"                              [--dry-run] TABLE...\n\n"
		"Tabulate each table from the store, protect it, and write it for the public:\n"
		"  DIR/TABLE.csv            tidy CSV: dimensions, MEASURE, value, status (A, P\n"
		"                           provisional, Q suppressed), confidentiality (F free,\n"
		"                           C suppressed: one flag for primary and complement,\n"
		"                           which are told apart only in CDIR), protection\n"
		"  DIR/TABLE.sdmx.csv       SDMX-CSV 1.0: a suppressed cell has an empty OBS_VALUE,\n"
		"                           CONF_STATUS C and OBS_STATUS Q; COMMENT_DSET says\n"
		"                           how the table was protected\n"
		"  DIR/TABLE.csv.gz, DIR/TABLE.sdmx.csv.gz   the same, compressed (gzip)\n"
		"  DIR/TABLE.structure.csv, DIR/TABLE.structure.xml   codes and labels (es, en)\n"
		"  CDIR/TABLE.audit.csv     (suppression) each suppressed cell's interval as the\n"
		"                           audit proved it: not for the public (an interval found\n"
		"                           with other cells at their true values tells of them)\n\n"
		"Primary rule: a cell counting 1 to k-1 distinct persons is unsafe. Methods:\n"
		"  suppression  for each unsafe cell, the cells of a balanced move through it\n"
		"               that can go up and down by the interval, so that no unsafe\n"
		"               cell can be computed or narrowed below the interval from the\n"
		"               published cells and every margin of every hierarchy; the\n"
		"               audit checks each move against every relation, and solves\n"
		"               by LP (GLPK) what moves do not prove\n"
		"  hypercube    the simple baseline: for each unsafe cell, every corner of a box\n"
		"               of one sibling per dimension (then audited, not repaired)\n"
		"  cellkey      the cell key method: each cell moved by at most D, variance V,\n"
		"               chosen by the keys of the persons (records) in it; zeros stay\n"
		"               zero, nothing published between 1 and k-1, the same cell gets\n"
		"               the same value in every table\n"
		"The table's 'protect' line gives its method and parameters; options override.\n\n"
		"options:\n"
		"  --out DIR       output directory (default out)\n"
		"  --confidential CDIR  directory for the audit (default confidential)\n"
		"  --method M      suppression, hypercube or cellkey\n"
		"  --k N           least number of persons in a published cell (default 3)\n"
		"  --interval N    least width of an unsafe cell's feasible interval (default 2)\n"
		"  --search N      choose the moves for interval N first and leave the rest to the\n"
		"                  audit's repair rounds (default: the interval, then one more,\n"
		"                  the smaller pattern kept)\n"
		"  --D N, --V X    cell key: largest change and its variance (default 3 and 2)\n"
		"  --audit         print the audit: every suppressed cell's interval, a verdict\n"
		"  --dry-run       protect and report, write nothing (for measuring)\n"
		"  --allow-stale   count records ingested after the last link or classify as\n"
		"                  they stand (refused otherwise)\n\n"
		"examples:\n"
		"  pasos protect ine_monthly gcm_objective1\n"
		"  pasos protect --method cellkey --audit ine_monthly\n");
}

/* The options: the table's line first, then the command line's. */
static int options(const struct table *t, char **cli_words, int n_cli, struct protect_opts *o, struct err *err)
{
	int rc;

	protect_opts_init(o);
	if ((rc = protect_opts_parse(o, t->protect, t->n_protect, err)))
		return rc;
	return protect_opts_parse(o, cli_words, n_cli, err);
}

static void print_summary(const struct table *t, const struct protection *p)
{
	const struct audit_result *a = &p->audit;
	char how[256];
	int k;

	protect_describe(p, how, sizeof(how));
	printf("  %s: %zu cells that can exist, %zu unsafe (1 to %d persons)", how, p->n_possible, p->n_primary, p->o.k - 1);
	if (p->o.method == PROTECT_CELLKEY) {
		printf("; %zu values changed (all measures), %.2f s\n", p->n_changed, p->seconds);
		return;
	}
	printf(", %zu complementary; %zu suppressed = %.2f%%, %.2f s", p->n_secondary, p->n_primary + p->n_secondary,
	       p->n_possible ? 100.0 * (double)(p->n_primary + p->n_secondary) / (double)p->n_possible : 0.0, p->seconds);
	if (p->o.method == PROTECT_SUPPRESSION && p->n_primary && p->searched != p->o.interval)
		printf(" (moves chosen for interval %d: fewer cells)", p->searched);
	printf("\n");
	if (!p->n_primary)
		return;
	printf("  audit: %zu groups (largest %zu cells), %zu balanced moves checked, %zu LPs, %.2f s, %d round%s; measures",
	       a->n_components, a->largest_component, a->n_moves, a->n_lps, a->seconds, p->rounds, p->rounds == 1 ? "" : "s");
	for (k = 0; k < a->n_measures; k++)
		printf(" %s", t->measures[a->measures[k]].id);
	printf("\n  audit verdict: %s: %zu of %zu unsafe-cell intervals at least %d wide (narrowest %g)\n",
	       a->n_failed ? "NOT PROVED SAFE" : "safe", a->n_checked - a->n_failed, a->n_checked, p->o.interval,
	       a->narrowest == HUGE_VAL ? INFINITY : a->narrowest);
}

struct run {
	struct app *app;
	const char *dir, *cdir;
	char **words;
	int n_words, audit, dry, stale;
};

/* One table: tabulate, protect, report, and publish unless the audit found it unsafe. */
static int protect_table(const struct run *run, const char *name, int *unsafe)
{
	struct table *t = NULL;
	struct tab_result res;
	struct protection p;
	struct protect_opts o;
	struct err err;
	struct outfile of[7];
	size_t n_of = 0, i;
	double t0 = progress_now();
	int rc = EXIT_OK, suppressed;

	err_init(&err);
	memset(&res, 0, sizeof(res));
	memset(&p, 0, sizeof(p));
	if (table_load_named(&t, name, &err) || options(t, run->words, run->n_words, &o, &err) ||
	    tabulate_run(run->app->store, t, (o.method == PROTECT_CELLKEY ? TABULATE_KEYS : 0) | (run->stale ? TABULATE_ALLOW_STALE : 0), &res, &err))
		goto fail;
	printf("%s: %llu records, tabulated in %.2f s\n", t->name, (unsigned long long)res.records,
	       progress_now() - t0);
	if (protect_run(t, &res, &o, &p, &err))
		goto fail;
	print_summary(t, &p);
	suppressed = p.o.method != PROTECT_CELLKEY && p.n_primary;
	if (run->audit && suppressed)
		publish_audit_print(t, &res, &p, stdout);
	if (suppressed && p.audit.n_failed) {
		/* the audit did not prove it safe: the public files are not written */
		fprintf(stderr, "pasos protect: error: table '%s': the audit could not prove %zu intervals wide enough; nothing written for it\n",
			t->name, p.audit.n_failed);
		*unsafe = 1;
		goto out;
	}
	if (run->dry)
		goto out;
	/* every file of the table staged first, then put in place together: all of this run or none */
	memset(of, 0, sizeof(of));
	if (publish_tidy_csv(t, &res, &p, run->dir, &of[n_of++], &err) ||
	    publish_sdmx_csv(t, &res, &p, run->dir, &of[n_of++], &err) ||
	    /* the downloads: mostly zeros, a tenth of the size or less compressed */
	    publish_gzip(&of[0], run->dir, &of[n_of++], &err) ||
	    publish_gzip(&of[1], run->dir, &of[n_of++], &err) ||
	    publish_structure(t, run->dir, &of[n_of++], &err) ||
	    publish_sdmx_structure(t, run->dir, &of[n_of++], &err) ||
	    (suppressed && publish_audit(t, &res, &p, run->cdir, &of[n_of++], &err))) {
		for (i = 0; i < n_of; i++)
			outfile_abort(&of[i]);
		goto fail;
	}
	if (outfile_place_all(of, n_of, &err))
		goto fail;
	for (i = 0; i < n_of; i++)
		printf("  %s\n", of[i].path);
	goto out;
fail:
	rc = cli_report("protect", &err);
out:
	protection_release(&p);
	tab_result_release(&res);
	table_free(t);
	return rc;
}

int cmd_protect(struct app *app, int argc, char **argv)
{
	char *words[MAX_WORDS], buf[MAX_WORDS][64];
	const char **names = xmalloc(st_mult((size_t)argc, sizeof(char *)));
	struct run run = { app, "out", "confidential", words, 0, 0, 0, 0 };
	int i, rc = EXIT_OK, n_tables = 0, unsafe = 0;

	{
		const char *method = NULL, *k = NULL, *interval = NULL, *search = NULL, *D = NULL, *V = NULL;
		const char **w[] = { &method, &k, &interval, &search, &D, &V };
		static const char *prefix[] = { "", "k=", "interval=", "search=", "D=", "V=" };
		const struct opt_spec spec[] = {
			{ "out", 0, OPT_STR, &run.dir, 0, 0 },
			{ "confidential", 0, OPT_STR, &run.cdir, 0, 0 },
			{ "dry-run", 0, OPT_FLAG, &run.dry, 0, 0 },
			{ "audit", 0, OPT_FLAG, &run.audit, 0, 0 },
			{ "allow-stale", 0, OPT_FLAG, &run.stale, 0, 0 },
			/* checked by protect_opts_parse, as on a table's protect line */
			{ "method", 0, OPT_STR, &method, 0, 0 },
			{ "k", 0, OPT_STR, &k, 0, 0 },
			{ "interval", 0, OPT_STR, &interval, 0, 0 },
			{ "search", 0, OPT_STR, &search, 0, 0 },
			{ "D", 0, OPT_STR, &D, 0, 0 },
			{ "V", 0, OPT_STR, &V, 0, 0 },
		};
		size_t v;

		if ((rc = opt_parse("protect", argc, argv, spec, sizeof(spec) / sizeof(spec[0]), help, &n_tables))) {
			rc = rc < 0 ? EXIT_OK : rc;
			goto out;
		}
		for (i = 0; i < n_tables; i++)
			names[i] = argv[i + 1];
		/* --method M is the word M; --k 5 the word k=5, as on a table's protect line */
		for (v = 0; v < sizeof(w) / sizeof(w[0]); v++)
			if (*w[v]) {
				snprintf(buf[run.n_words], sizeof(buf[0]), "%s%s", prefix[v], *w[v]);
				words[run.n_words] = buf[run.n_words];
				run.n_words++;
			}
	}
	if (!n_tables) {
		help(stderr);
		rc = EXIT_USAGE;
		goto out;
	}
	if (!run.dry) {
		struct err err;

		err_init(&err);
		if (outfile_mkdir(run.dir, 0755, &err) || outfile_mkdir(run.cdir, 0700, &err)) {
			rc = cli_report("protect", &err);
			goto out;
		}
	}
	for (i = 0; i < n_tables && rc == EXIT_OK; i++)
		rc = protect_table(&run, names[i], &unsafe);
	if (unsafe && rc == EXIT_OK)
		rc = EXIT_FAILURE_;
out:
	free(names);
	return rc;
}
