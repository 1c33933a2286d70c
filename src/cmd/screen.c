/*
 * cmd/screen.c: pasos screen [FILE.csv] -o hits.csv: a register's crossings
 * checked against the store's watch lists, minors' permits and overstays.
 * SPDX-License-Identifier: MIT
 */
#include "cli.h"
#include "mem.h"
#include "csv.h"
#include "ingest.h"
#include "opt.h"
#include "outfile.h"
#include "progress.h"
#include "schema.h"
#include "screen_pass.h"
#include "store.h"
#include "watchlist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static void help(FILE *f)
{
	fprintf(f,
		"usage: pasos [--db PATH] screen [FILE.csv] [-o hits.csv] [--register NAME] [--threshold X]\n\n"
		"Screen crossings: those of FILE.csv (a register file, as 'pasos ingest' reads\n"
		"it), or without FILE every crossing the store holds. Each is checked against\n"
		"the store's current watch lists ('pasos watchlist load'): names as linkage\n"
		"compares them against every name and alias, the birth date and nationality\n"
		"raising or lowering the score; documents on a list matched on type, country\n"
		"and number; entry bans on entries. And without a list: a minor leaving with\n"
		"no travel permit (minor_authorization) or with one another crossing used; a\n"
		"foreigner leaving after more days than the stay permitted at the last entry\n"
		"with the same document. Those two read the crossings in time order.\n"
		"Writes one row a hit: record_id,kind,list,entry_id,score,reasons (kind: name,\n"
		"document, minor, overstay, ban); a summary goes to standard error.\n\n"
		"options:\n"
		"  -o, --output FILE  hits.csv (default: standard output); written whole or not at all\n"
		"  --register NAME    the register definition (default movements)\n"
		"  --threshold X      the score a name needs to be a hit, 0.5 to 1.5 (default 0.85)\n"
		"  --latency          also print the time each crossing took: median, p99, p99.9, max\n\n"
		"example:\n"
		"  pasos --db pasos.db screen crossings.csv -o hits.csv\n");
}

#define LAT_BUCKETS 20000  /* microseconds; slower ones in the last */

struct run {
	struct screen_pass *pass;
	struct progress bar;
	uint64_t done, total;
	uint32_t *lat;        /* --latency: a histogram of each record's screening time */
};

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* Screen one record (its time into the histogram under --latency); 1 when progress is due. */
static int one(struct run *r, const struct csv_field *vals)
{
	struct screen_hit hits[SCREEN_MAX_HITS];
	double t0 = r->lat ? now_us() : 0;

	screen_pass_record(r->pass, vals, hits, SCREEN_MAX_HITS);
	if (r->lat) {
		double us = now_us() - t0;

		r->lat[us >= LAT_BUCKETS - 1 ? LAT_BUCKETS - 1 : (size_t)us]++;
	}
	return (++r->done & 0xffff) == 0;
}

/* The store's crossings: progress by the count, the total unknown. */
static int one_stored(void *ctx, const struct csv_field *vals)
{
	struct run *r = ctx;

	if (one(r, vals))
		progress_update(&r->bar, r->done, 0);
	return 0;
}

/* The rows of a register file; rows that cannot be read are counted and named by line. */
/* The time under which a share q of the records were screened, in microseconds (bucket's upper end). */
static unsigned quantile(const uint32_t *lat, uint64_t n, double q)
{
	uint64_t want = (uint64_t)((double)n * q), seen = 0;
	unsigned i;

	for (i = 0; i < LAT_BUCKETS; i++)
		if ((seen += lat[i]) > want)
			return i + 1;
	return LAT_BUCKETS;
}

static int screen_file(const struct schema *s, const char *path, struct run *run, uint64_t *unreadable,
		       struct err *err)
{
	struct csv_reader *r = NULL;
	struct csv_record rec;
	struct csv_field vals[SCHEMA_MAX_FIELDS];
	int col_of[SCHEMA_MAX_FIELDS], rc;
	size_t i;
	struct stat sb;

	if ((rc = csv_reader_open(&r, path, 0, err)))
		return rc;
	if (fstat(csv_reader_fd(r), &sb) == 0) {
		outfile_guard(sb.st_dev, sb.st_ino);
		run->total = (uint64_t)sb.st_size;
	}
	if ((rc = csv_reader_next(r, &rec, err)) <= 0) {
		if (rc == 0)
			rc = ERR_SET(err, ERR_DATA, "%s: the file is empty: it has no header", path);
		goto out;
	}
	if ((rc = ingest_map_header(s, &rec, path, col_of, err)))
		goto out;
	while ((rc = csv_reader_next(r, &rec, err)) > 0) {
		if (rec.problem != CSV_OK || rec.n_fields != s->n_fields) {
			if (++*unreadable <= 10)
				fprintf(stderr, "pasos screen: %s:%llu: not screened: %s\n", path,
					(unsigned long long)rec.line, rec.problem != CSV_OK
					? csv_problem_name(rec.problem) : "wrong number of fields");
			continue;
		}
		for (i = 0; i < s->n_fields; i++)
			vals[i] = rec.fields[col_of[i]];
		if (one(run, vals))
			progress_update(&run->bar, csv_reader_offset(r), run->total);
	}
out:
	csv_reader_free(r);
	return rc < 0 ? rc : 0;
}

int cmd_screen(struct app *app, int argc, char **argv)
{
	const char *out = NULL, *reg = "movements";
	double threshold = SCREEN_DEFAULT_THRESHOLD;
	int latency = 0;
	const struct opt_spec spec[] = {
		{ "output", 'o', OPT_STR, &out, 0, 0 },
		{ "register", 0, OPT_STR, &reg, 0, 0 },
		{ "threshold", 0, OPT_REAL, &threshold, 0.5, 1.5 },
		{ "latency", 0, OPT_FLAG, &latency, 0, 0 },
	};
	struct schema *s = NULL;
	struct wl_set *set = NULL;
	struct screener *sc = NULL;
	struct outfile of;
	struct screen_counts c;
	struct run run;
	struct err err;
	uint64_t unreadable = 0;
	FILE *f = stdout;
	int n, rc, k;
	double t_build;

	if ((rc = opt_parse("screen", argc, argv, spec, sizeof(spec) / sizeof(spec[0]), help, &n)))
		return rc < 0 ? EXIT_OK : rc;
	if (n > 1) {
		help(stderr);
		return EXIT_USAGE;
	}
	err_init(&err);
	memset(&run, 0, sizeof(run));
	memset(&of, 0, sizeof(of));
	if ((rc = cli_open_store(app, 0, &err)) || (rc = schema_load_named(&s, reg, &err)) ||
	    (!n && (rc = store_require_register(app->store, s->name, &err))) ||
	    (rc = watchlist_read(store_db(app->store), &set, &err)))
		goto fail;
	if (!set->n)
		fprintf(stderr, "pasos screen: no watch list in the store: only minors' permits and overstays are"
			" checked ('pasos watchlist load NAME FILE' loads one)\n");
	t_build = now_us();
	sc = screener_new(set);
	t_build = now_us() - t_build;
	if (latency)
		run.lat = xcalloc(LAT_BUCKETS, sizeof(*run.lat));
	if (out) {
		const char *base = cli_base_name(out);
		char dir[OUTFILE_PATH_MAX];

		snprintf(dir, sizeof(dir), "%.*s", (int)(base - out), out);
		if ((rc = outfile_open(&of, dir[0] ? dir : ".", base, OUTFILE_PRIVATE, &err)))
			goto fail;
		f = of.f;
	}
	run.pass = screen_pass_new(sc, s, f, threshold);
	progress_init(&run.bar, "screen", app->progress);
	if (n)
		rc = screen_file(s, argv[1], &run, &unreadable, &err);
	else
		rc = store_scan(app->store, s, one_stored, &run, &err);
	progress_done(&run.bar);
	screen_pass_free(run.pass, &c);
	if (rc)
		goto fail;
	if (out && ((rc = outfile_finish(&of, &err)) || (rc = outfile_place(&of, &err))))
		goto fail;
	if (!out && fflush(stdout)) {
		rc = ERR_SET(&err, ERR_IO, "cannot write the hits to standard output");
		goto fail;
	}
	fprintf(stderr, "screened %llu crossings against %zu list entries (%zu names and aliases): %llu with a hit;",
		(unsigned long long)c.screened, screener_entries(sc), screener_names(sc),
		(unsigned long long)c.records_hit);
	for (k = 0; k < SCREEN_KINDS; k++)
		fprintf(stderr, " %s %llu%s", screen_kind_names[k], (unsigned long long)c.hits[k],
			k + 1 < SCREEN_KINDS ? "," : "\n");
	if (run.lat) {
		unsigned max = LAT_BUCKETS;

		while (max > 1 && !run.lat[max - 1])
			max--;
		fprintf(stderr, "lists indexed in %.2f s; each crossing screened in: median %u us, p99 %u us, p99.9 %u us,"
			" max %s%u us\n", t_build / 1e6, quantile(run.lat, c.screened, 0.5),
			quantile(run.lat, c.screened, 0.99), quantile(run.lat, c.screened, 0.999),
			max == LAT_BUCKETS ? ">" : "", max);
	}
	free(run.lat);
	if (unreadable)
		fprintf(stderr, "pasos screen: %llu rows could not be read and were not screened\n",
			(unsigned long long)unreadable);
	if (c.out_of_order)
		fprintf(stderr, "pasos screen: warning: %llu crossings come more than a day before one already read:"
			" minors' permits and overstays are judged in the order given\n",
			(unsigned long long)c.out_of_order);
	screener_free(sc);
	schema_free(s);
	return unreadable ? EXIT_DATA : EXIT_OK;
fail:
	free(run.lat);
	if (out)
		outfile_abort(&of);
	if (sc)
		screener_free(sc);
	else
		wl_set_free(set);
	schema_free(s);
	return cli_report("screen", &err);
}
