/*
 * cmd/ingest.c: pasos ingest REGISTER FILE...
 * SPDX-License-Identifier: MIT
 */
#include "../cli.h"
#include "../ingest.h"
#include "../progress.h"
#include "../schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void help(FILE *f)
{
	fprintf(f,
		"usage: pasos [--db PATH] ingest [options] REGISTER FILE...\n\n"
		"Check every row of each CSV file against the register's definition\n"
		"(registers/REGISTER.reg, or a path to a .reg file) and store it.\n"
		"Each row is accepted, rejected (with line, field and rule), a duplicate\n"
		"(same record id, same content) or a conflict (same id, other content).\n"
		"A file already ingested adds nothing; an interrupted one is continued.\n\n"
		"options:\n"
		"  --db PATH          the store, default pasos.db\n"
		"  --report-dir DIR   where FILE.rejects.csv and FILE.conflicts.csv go (default .)\n"
		"  --chunk N          rows per transaction (default %d)\n"
		"  -q, --quiet        print nothing but errors\n\n"
		"example:\n"
		"  pasos ingest movements movements.csv\n", INGEST_CHUNK_ROWS);
}

int cmd_ingest(struct app *app, int argc, char **argv)
{
	struct ingest_opts o = { 0 };
	struct schema *s = NULL;
	struct progress bar;
	struct err err;
	int i, rc = 0, quiet = 0, n_files = 0, first_file = 0;
	const char *reg = NULL;
	char *end;

	for (i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			help(stdout);
			return EXIT_OK;
		} else if (!strcmp(argv[i], "--report-dir") && i + 1 < argc) {
			o.report_dir = argv[++i];
		} else if (!strcmp(argv[i], "--chunk") && i + 1 < argc) {
			o.chunk_rows = strtoull(argv[++i], &end, 10);
			if (*end || o.chunk_rows == 0) {
				fprintf(stderr, "pasos ingest: error: --chunk needs a positive number\n");
				return EXIT_USAGE;
			}
		} else if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet")) {
			quiet = 1;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "pasos ingest: error: unknown option '%s'\n", argv[i]);
			help(stderr);
			return EXIT_USAGE;
		} else if (!reg) {
			reg = argv[i];
		} else {
			if (!first_file)
				first_file = i;
			n_files++;
			argv[first_file + n_files - 1] = argv[i];
		}
	}
	if (!reg || !n_files) {
		help(stderr);
		return EXIT_USAGE;
	}
	err_init(&err);
	if ((rc = schema_load_named(&s, reg, &err)))
		return cli_report("ingest", &err);
	for (i = 0; i < n_files; i++) {
		const char *path = argv[first_file + i];
		struct ingest_result res;
		const struct store_batch *b = &res.batch;

		progress_init(&bar, "ingest", app->progress && !quiet);
		o.progress = progress_cb;
		o.progress_ctx = &bar;
		rc = ingest_file(app->store, s, path, &o, &res, &err);
		progress_done(&bar);
		if (rc) {
			rc = cli_report("ingest", &err);
			break;
		}
		if (quiet)
			continue;
		if (res.already)
			printf("%s: already ingested as batch %lld (%s); nothing added\n", path,
			       (long long)b->id, b->file_name);
		else
			printf("%s: batch %lld%s, %llu bytes, sha256 %.16s...\n", path, (long long)b->id,
			       res.resumed ? " (continued after an interruption)" : "",
			       (unsigned long long)b->bytes, b->sha256);
		printf("  read %llu = accepted %llu + rejected %llu + duplicates %llu + conflicts %llu\n",
		       (unsigned long long)b->rows_read, (unsigned long long)b->accepted,
		       (unsigned long long)b->rejected, (unsigned long long)b->duplicates,
		       (unsigned long long)b->conflicts);
		if (b->blank_lines)
			printf("  blank lines skipped: %llu\n", (unsigned long long)b->blank_lines);
		if (res.rejects_path[0])
			printf("  rejects: %s\n", res.rejects_path);
		if (res.conflicts_path[0])
			printf("  conflicts: %s\n", res.conflicts_path);
	}
	schema_free(s);
	return rc;
}
