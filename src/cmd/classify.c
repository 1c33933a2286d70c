/*
 * cmd/classify.c: pasos classify: migrant or visitor, the 12/16-month rule
 * on every linked crossing (store), or on a CSV of crossings (--crossings).
 * SPDX-License-Identifier: MIT
 */
#include "classify.h"
#include "classify_store.h"
#include "cli.h"
#include "opt.h"
#include "outfile.h"
#include "csv.h"
#include "date.h"
#include "mem.h"
#include "progress.h"
#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void help(FILE *f)
{
	fprintf(f,
		"usage: pasos [--db PATH] classify [options]\n"
		"       pasos classify --crossings FILE.csv --as-of DATE -o OUT.csv\n\n"
		"Decide for every person and every crossing, in time order, the residence\n"
		"before and after it, whether it is a long-term migration, and the day each\n"
		"result became final (the 12/16-month rule of the ABS and Stats NZ: 365 days\n"
		"in the new state within the 487 days after a crossing). Before its final day\n"
		"a result is provisional.\n\n"
		"Without --crossings it classifies the stored movements of every linked person\n"
		"(run pasos link first) into the table classified_crossings and prints the\n"
		"migrants by year. With --crossings it reads a CSV with person,direction,date\n"
		"(direction arrival/departure or ENTRY/EXIT; a date with a time,\n"
		"YYYY-MM-DDTHH:MM:SS, orders crossings on the same day; optional\n"
		"initial_status, initial_status_finalised and birth_date) and writes it\n"
		"back with days_to_next, res_before, res_after, long_term_migration,\n"
		"res_before_known_on, res_after_known_on and ltm_known_on.\n\n"
		"A person whose history cannot be as recorded (two crossings in a row in the\n"
		"same direction, two at the same moment, only exits, a crossing before the\n"
		"birth date) keeps the status, as the reference classifier does, and is\n"
		"flagged and counted by kind.\n\n"
		"options:\n"
		"  --as-of DATE         observation day (default: the latest crossing, never\n"
		"                       the wall clock, so results are reproducible)\n"
		"  --window N           days observed after a crossing (default 487)\n"
		"  --threshold N        days in the new state that make a migration (default 365);\n"
		"                       --window 365 --threshold 274 is Stats NZ's older 9/12 rule\n"
		"  --crossings FILE     classify a CSV instead of the store\n"
		"  --person COLS        the column(s) naming the person (default person)\n"
		"  -o, --out FILE       output CSV for --crossings (default standard output)\n"
		"  --residents FILE     store mode: known residents (document_type,document_country,\n"
		"                       document_number,initial_status[,initial_status_finalised]);\n"
		"                       others start resident when their first crossing is an exit\n"
		"  --truth DIR          store mode: a synth output directory; compare the residence\n"
		"                       after each crossing with where the person really lived\n"
		"  --true-persons       with --truth: the true persons instead of linkage, to\n"
		"                       measure the rule alone\n"
		"  --allow-stale        store mode: classify even when movements were ingested\n"
		"                       after the last 'pasos link' (refused otherwise)\n\n"
		"examples:\n"
		"  pasos classify --crossings crossings.csv --as-of 2026-01-01 -o classified.csv\n"
		"  pasos classify --as-of 2024-12-31\n");
}

/* ==== File mode ==== */

struct row {
	char **f;        /* fields, owned */
	size_t n;
	char *person;    /* key, owned */
	struct crossing c;
	int32_t birth;   /* DATE_INVALID when not given */
	size_t order;
};

static int parse_direction(const char *s, uint8_t *arrival)
{
	if (!strcmp(s, "arrival") || !strcmp(s, "ENTRY") || !strcmp(s, "1")) {
		*arrival = 1;
		return 0;
	}
	if (!strcmp(s, "departure") || !strcmp(s, "EXIT") || !strcmp(s, "0")) {
		*arrival = 0;
		return 0;
	}
	return -1;
}

static int cmp_rows(const void *x, const void *y)
{
	const struct row *a = *(struct row *const *)x, *b = *(struct row *const *)y;
	int c = strcmp(a->person, b->person);

	if (c)
		return c;
	if (a->c.date != b->c.date)
		return a->c.date < b->c.date ? -1 : 1;
	if (a->c.time != b->c.time)
		return a->c.time < b->c.time ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

static const char *result_cols[] = { "days_to_next", "res_before", "res_after", "long_term_migration",
	"res_before_known_on", "res_after_known_on", "ltm_known_on" };
#define N_RESULT 7

static int find_col(char **head, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(head[i], name))
			return (int)i;
	return -1;
}

static int classify_file(const char *path, const char *out_path, const char *person_cols, int32_t as_of,
			 int as_of_given, const struct classify_params *cp)
{
	struct csv_reader *r = NULL;
	struct csv_record rec;
	struct err err;
	struct row *rows = NULL, **sorted = NULL;
	char **head = NULL;
	size_t n_head = 0, n_rows = 0, cap = 0, i, j, k;
	int c_dir, c_date, c_init, c_final, c_birth, c_res[N_RESULT], key[16], n_key = 0, rc = EXIT_OK;
	size_t anomalies[N_ANOMALIES] = { 0 };
	struct outfile of;
	struct stat sb;
	FILE *f = NULL;

	err_init(&err);
	if (!stat(path, &sb))
		outfile_guard(sb.st_dev, sb.st_ino);  /* -o never replaces the crossings it reads */
	if (csv_reader_open(&r, path, 0, &err) || csv_reader_next(r, &rec, &err) != 1) {
		if (!err.code)
			fprintf(stderr, "pasos classify: error: '%s' is empty\n", path);
		else
			cli_report("classify", &err);
		csv_reader_free(r);
		return EXIT_DATA;
	}
	n_head = rec.n_fields;
	head = xcalloc(n_head, sizeof(*head));
	for (i = 0; i < n_head; i++)
		head[i] = xmemdup0(rec.fields[i].p, rec.fields[i].len);
	{
		char *cols = xstrdup(person_cols), *save = NULL, *t;

		for (t = strtok_r(cols, ",", &save); t && n_key < 16; t = strtok_r(NULL, ",", &save)) {
			if ((key[n_key++] = find_col(head, n_head, t)) < 0) {
				fprintf(stderr, "pasos classify: error: %s:1: no column '%s'\n", path, t);
				free(cols);
				rc = EXIT_DATA;
				goto out;
			}
		}
		free(cols);
	}
	c_dir = find_col(head, n_head, "direction");
	c_date = find_col(head, n_head, "date");
	c_init = find_col(head, n_head, "initial_status");
	c_final = find_col(head, n_head, "initial_status_finalised");
	c_birth = find_col(head, n_head, "birth_date");
	if (c_dir < 0 || c_date < 0) {
		fprintf(stderr, "pasos classify: error: %s:1: the header needs person, direction and date\n", path);
		rc = EXIT_DATA;
		goto out;
	}
	for (k = 0; k < N_RESULT; k++)
		c_res[k] = find_col(head, n_head, result_cols[k]);
	while (csv_reader_next(r, &rec, &err) == 1) {
		struct row *w;
		size_t kl = 0;

		if (rec.problem != CSV_OK || rec.n_fields != n_head) {
			fprintf(stderr, "pasos classify: error: %s:%llu: %s\n", path, (unsigned long long)rec.line,
				rec.problem != CSV_OK ? csv_problem_name(rec.problem) : "wrong number of fields");
			rc = EXIT_DATA;
			goto out;
		}
		if (n_rows == cap) {
			cap = cap ? cap * 2 : 256;
			rows = xrealloc(rows, st_mult(cap, sizeof(*rows)));
		}
		w = &rows[n_rows];
		w->n = rec.n_fields;
		w->f = xcalloc(w->n, sizeof(*w->f));
		for (i = 0; i < w->n; i++) {
			w->f[i] = xmemdup0(rec.fields[i].p, rec.fields[i].len);
			kl += rec.fields[i].len + 1;
		}
		{
			size_t total = kl + 1;

			w->person = xmalloc(total);
			w->person[0] = '\0';
			for (j = 0, kl = 0; j < (size_t)n_key; j++)
				kl += (size_t)snprintf(w->person + kl, total - kl, "%s\x1f", w->f[key[j]]);
		}
		w->order = n_rows++;
		w->c.date = (int32_t)date_parse(w->f[c_date], strlen(w->f[c_date]));
		w->c.time = date_parse_time(w->f[c_date], strlen(w->f[c_date]));
		w->birth = c_birth >= 0 && w->f[c_birth][0] ? (int32_t)date_parse(w->f[c_birth], strlen(w->f[c_birth]))
							    : DATE_INVALID;
		if (w->c.date == DATE_INVALID || parse_direction(w->f[c_dir], &w->c.arrival) ||
		    (c_birth >= 0 && w->f[c_birth][0] && w->birth == DATE_INVALID)) {
			fprintf(stderr, "pasos classify: error: %s:%llu: %s\n", path, (unsigned long long)rec.line,
				w->c.date == DATE_INVALID ? "field 'date': not a date YYYY-MM-DD"
				: w->birth == DATE_INVALID && c_birth >= 0 && w->f[c_birth][0]
				? "field 'birth_date': not a date YYYY-MM-DD"
				: "field 'direction': not arrival, departure, ENTRY or EXIT");
			rc = EXIT_DATA;
			goto out;
		}
		if (!as_of_given && w->c.date > as_of)
			as_of = w->c.date;
	}
	sorted = xmalloc(st_mult(n_rows + 1, sizeof(*sorted)));
	for (i = 0; i < n_rows; i++)
		sorted[i] = &rows[i];
	if (n_rows)
		qsort(sorted, n_rows, sizeof(*sorted), cmp_rows);
	{
		struct crossing *cs = xmalloc(st_mult(n_rows + 1, sizeof(*cs)));
		struct classified *res = xmalloc(st_mult(n_rows + 1, sizeof(*res)));
		char **out_res = xcalloc(n_rows * N_RESULT + 1, sizeof(char *));

		for (i = 0; i < n_rows; i = j) {
			int initial = -1;
			int32_t final = INT32_MIN, birth = INT32_MIN;
			enum classify_anomaly an;

			for (j = i; j < n_rows && !strcmp(sorted[j]->person, sorted[i]->person); j++) {
				cs[j - i] = sorted[j]->c;
				if (birth == INT32_MIN && sorted[j]->birth != DATE_INVALID)
					birth = sorted[j]->birth;
			}
			if (c_init >= 0 && sorted[i]->f[c_init][0]) {
				initial = sorted[i]->f[c_init][0] == '1';
				if (c_final >= 0 && sorted[i]->f[c_final][0])
					final = (int32_t)date_parse(sorted[i]->f[c_final], strlen(sorted[i]->f[c_final]));
				if (final == DATE_INVALID)
					final = INT32_MIN;
			}
			an = classify_person(cs, j - i, initial, final, as_of, birth, cp, res);
			anomalies[an]++;
			for (k = i; k < j; k++) {
				const struct classified *o = &res[k - i];
				char **v = &out_res[sorted[k]->order * N_RESULT], d[11];

				v[0] = xmalloc(16);
				snprintf(v[0], 16, "%d", (int)o->days_to_next);
				v[1] = xstrdup(o->res_before ? "1" : "0");
				v[2] = xstrdup(o->res_after ? "1" : "0");
				v[3] = xstrdup(o->ltm ? "1" : "0");
				date_format(o->res_before_known, d);
				v[4] = xstrdup(d);
				date_format(o->res_after_known, d);
				v[5] = xstrdup(d);
				date_format(o->ltm_known, d);
				v[6] = xstrdup(d);
			}
		}
		f = stdout;
		if (out_path) {
			char dir[OUTFILE_PATH_MAX];
			const char *base = cli_base_name(out_path);

			snprintf(dir, sizeof(dir), "%.*s", (int)(base - out_path), out_path);
			f = outfile_open(&of, dir[0] ? dir : ".", base, OUTFILE_PRIVATE, &err) ? NULL : of.f;
		}
		if (!f) {
			rc = cli_report("classify", &err);
		} else {
			/* the input's columns, results replaced in place or appended */
			for (i = 0; i < n_head; i++) {
				if (i)
					fputc(',', f);
				csv_put_cell(f, head[i], strlen(head[i]), 0);
			}
			for (k = 0; k < N_RESULT; k++)
				if (c_res[k] < 0) {
					fputc(',', f);
					fputs(result_cols[k], f);
				}
			fputs("\r\n", f);
			for (i = 0; i < n_rows; i++) {
				char **v = &out_res[i * N_RESULT];

				for (j = 0; j < n_head; j++) {
					const char *s = rows[i].f[j];

					for (k = 0; k < N_RESULT; k++)
						if (c_res[k] == (int)j)
							s = v[k];
					if (j)
						fputc(',', f);
					csv_put_cell(f, s, strlen(s), 0);
				}
				for (k = 0; k < N_RESULT; k++)
					if (c_res[k] < 0) {
						fputc(',', f);
						fputs(v[k], f);
					}
				fputs("\r\n", f);
			}
			if (out_path) {
				if (outfile_finish(&of, &err) || outfile_place(&of, &err))
					rc = cli_report("classify", &err);
			} else if (fflush(f) || ferror(f)) {
				fprintf(stderr, "pasos classify: error: cannot write the standard output\n");
				rc = EXIT_IO;
			}
		}
		for (i = 0; i < n_rows * N_RESULT; i++)
			free(out_res[i]);
		free(out_res);
		free(cs);
		free(res);
	}
	for (k = 1; k < N_ANOMALIES; k++)
		if (anomalies[k])
			fprintf(stderr, "pasos classify: persons flagged, status kept: %zu (%s)\n", anomalies[k],
				classify_anomaly_name((enum classify_anomaly)k));
out:
	csv_reader_free(r);
	for (i = 0; i < n_rows; i++) {
		for (j = 0; j < rows[i].n; j++)
			free(rows[i].f[j]);
		free(rows[i].f);
		free(rows[i].person);
	}
	free(rows);
	free(sorted);
	for (i = 0; i < n_head; i++)
		free(head[i]);
	free(head);
	return rc;
}

/* ==== The command ==== */

int cmd_classify(struct app *app, int argc, char **argv)
{
	struct classify_run_opts o;
	struct progress bar;
	const char *crossings = NULL, *out = NULL, *person = "person";
	struct classify_summary sum;
	struct err err;
	long long window, threshold;
	int rc;

	memset(&o, 0, sizeof(o));
	classify_params_init(&o.params);
	o.as_of = INT32_MIN;
	window = o.params.window;
	threshold = o.params.threshold;
	{
		const struct opt_spec spec[] = {
			{ "as-of", 0, OPT_DATE, &o.as_of, 0, 0 },
			/* a window of more than a century is no rule for migration, and days stay far from overflow */
			{ "window", 0, OPT_INT, &window, 2, 36525 },
			{ "threshold", 0, OPT_INT, &threshold, 1, 36524 },
			{ "crossings", 0, OPT_STR, &crossings, 0, 0 },
			{ "person", 0, OPT_STR, &person, 0, 0 },
			{ "out", 'o', OPT_STR, &out, 0, 0 },
			{ "truth", 0, OPT_STR, &o.truth_dir, 0, 0 },
			{ "residents", 0, OPT_STR, &o.residents, 0, 0 },
			{ "true-persons", 0, OPT_FLAG, &o.true_persons, 0, 0 },
			{ "allow-stale", 0, OPT_FLAG, &o.allow_stale, 0, 0 },
		};

		if ((rc = opt_parse("classify", argc, argv, spec, sizeof(spec) / sizeof(spec[0]), help, NULL)))
			return rc < 0 ? EXIT_OK : rc;
	}
	o.params.window = (int)window;
	o.params.threshold = (int)threshold;
	if (o.params.threshold >= o.params.window) {
		fprintf(stderr, "pasos classify: error: the threshold must be shorter than the window\n");
		return EXIT_USAGE;
	}
	if (crossings)
		return classify_file(crossings, out, person, o.as_of == INT32_MIN ? INT32_MIN + 1 : o.as_of,
				     o.as_of != INT32_MIN, &o.params);
	err_init(&err);
	progress_init(&bar, "classify", app->progress);
	o.progress = progress_cb;
	o.progress_ctx = &bar;
	rc = classify_store(app->store, &o, &sum, &err);
	progress_done(&bar);
	if (rc)
		return cli_report("classify", &err);
	{
		char d[11];
		size_t y, k;

		date_format(sum.as_of, d);
		printf("classified %llu crossings of %llu persons (as of %s; rule: %d days within %d)\n",
		       (unsigned long long)sum.crossings, (unsigned long long)sum.persons, d,
		       o.params.threshold, o.params.window);
		printf("provisional results (not final by %s): %llu\n", d, (unsigned long long)sum.provisional);
		if (o.residents)
			printf("persons whose initial status came from the list of residents: %llu\n",
			       (unsigned long long)sum.known_residents);
		for (k = 1; k < N_ANOMALIES; k++)
			if (sum.flagged[k])
				printf("persons flagged, status kept: %llu (%s)\n", (unsigned long long)sum.flagged[k],
				       classify_anomaly_name((enum classify_anomaly)k));
		printf("long-term migrations by year of crossing: final + provisional, estimated from how\n"
		       "crossings whose window has closed came out when they stood the same way (side now, days\n"
		       "there and back so far, residence declared since, direction, declared purpose of stay,\n"
		       "nationality group, age group, sex)\n");
		printf("  %4s %10s %12s %10s %12s %14s\n", "year", "arrivals", "(estimated)", "departures",
		       "(estimated)", "net migration");
		for (y = 0; y < sum.n_years; y++) {
			const struct classify_year *c = &sum.years[y];
			double a = (double)c->arrivals + c->arrivals_est, dep = (double)c->departures + c->departures_est;

			printf("  %4d %10.0f %12.0f %10.0f %12.0f %14.0f\n", c->year, a, c->arrivals_est, dep,
			       c->departures_est, a - dep);
		}
		printf("provisional results estimated: %llu\n", (unsigned long long)sum.estimated);
		printf("Bolivians living abroad (left as migrants, not back as residents): %llu\n",
		       (unsigned long long)sum.bolivians_abroad);
		printf("foreign visitors who stayed beyond their permitted days: %llu\n",
		       (unsigned long long)sum.overstays);
		if (sum.compared)
			printf("residence after each crossing agrees with the truth: %.2f%% of %llu crossings"
			       " (%.2f%% of %llu final ones)\n", 100.0 * (double)sum.agree / (double)sum.compared,
			       (unsigned long long)sum.compared,
			       sum.compared_final ? 100.0 * (double)sum.agree_final / (double)sum.compared_final : 0.0,
			       (unsigned long long)sum.compared_final);
		if (sum.compared) {
			static const char *why[N_WHY] = {
				[WHY_LINKAGE] = "linkage merged the person with another, or split them",
				[WHY_FLAGGED] = "the person's history is flagged (a missed or doubled crossing)",
				[WHY_MISSING] = "a crossing of the person is not in the store (rejected at ingest)",
				[WHY_RULE_EARLY] = "the story moves the person later; the rule dates the move here",
				[WHY_ESTIMATE] = "a provisional result estimated the other way",
				[WHY_OTHER] = "other",
			};
			int w;

			printf("  with provisional results replaced by their estimate: %.2f%%\n",
			       100.0 * (double)sum.agree_est / (double)sum.compared);
			printf("  %-68s %7s  %7s\n", "where those differ from the story, by cause:", "entries", "exits");
			for (w = 0; w < N_WHY; w++)
				printf("    %-66s %7llu  %7llu\n", why[w], (unsigned long long)sum.differ[w][1],
				       (unsigned long long)sum.differ[w][0]);
			printf("    %-66s %16llu\n", "all", (unsigned long long)(sum.compared - sum.agree_est));
		}
	}
	return EXIT_OK;
}
