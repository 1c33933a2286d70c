/*
 * cmd/ingest.c: pasos ingest REGISTER FILE...
 * SPDX-License-Identifier: MIT
 */
#include "cli.h"
#include "ingest.h"
#include "opt.h"
#include "outfile.h"
#include "progress.h"
#include "schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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
		"  --report-dir DIR   where FILE.rejects.csv and FILE.conflicts.csv go, created\n"
		"                     if missing (default .)\n"
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
	int i, rc = 0, quiet = 0, n_files = 0, first_file = 2;
	long long chunk = INGEST_CHUNK_ROWS;
	const char *reg;
	const struct opt_spec spec[] = {
		{ "report-dir", 0, OPT_STR, &o.report_dir, 0, 0 },
		{ "chunk", 0, OPT_INT, &chunk, 1, 1e9 },
		{ "quiet", 'q', OPT_FLAG, &quiet, 0, 0 },
	};

	if ((rc = opt_parse("ingest", argc, argv, spec, sizeof(spec) / sizeof(spec[0]), help, &n_files)))
		return rc < 0 ? EXIT_OK : rc;
	if (n_files < 2) {
		help(stderr);
		return EXIT_USAGE;
	}
	o.chunk_rows = (uint64_t)chunk;
	reg = argv[1];
	n_files--;
	/* every input of the run is guarded from the start: no report of one file replaces another */
	for (i = 0; i < n_files; i++) {
		struct stat sb;

		if (!stat(argv[first_file + i], &sb))
			outfile_guard(sb.st_dev, sb.st_ino);
	}
	err_init(&err);
	/* the reports hold the rejected records, personal data: a private directory */
	if (o.report_dir && outfile_mkdir(o.report_dir, 0700, &err))
		return cli_report("ingest", &err);
	if ((rc = schema_load_named(&s, reg, &err)))
		return cli_report("ingest", &err);
	if ((rc = cli_open_store(app, STORE_CREATE, &err))) {
		schema_free(s);
		return cli_report("ingest", &err);
	}
	for (i = 0; i < n_files; i++) {
		const char *path = argv[first_file + i];
		struct ingest_result res;
		const struct store_batch *b = &res.batch;
		char name[300], shown[600];
		int j, same = 1;

		/* two files of one run never share a report: the second FILE gets FILE.2.rejects.csv */
		for (j = 0; j < i; j++)
			same += !strcmp(cli_base_name(argv[first_file + j]), cli_base_name(path));
		if (same > 1)
			snprintf(name, sizeof(name), "%s.%d", cli_base_name(path), same);
		else
			snprintf(name, sizeof(name), "%s", cli_base_name(path));
		o.report_name = name;
		cli_printable(path, shown, sizeof(shown));

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
		if (res.abandoned.id)
			printf("%s: batch %lld, left running by an interrupted run with other content, %s (%llu records)\n",
			       shown, (long long)res.abandoned.id,
			       res.abandoned.finished ? "closed as it stood: other batches had found its records"
						      : "rolled back", (unsigned long long)res.abandoned.records);
		if (res.already)
			printf("%s: already ingested as batch %lld; nothing added\n", shown, (long long)b->id);
		else
			printf("%s: batch %lld%s, %llu bytes, sha256 %.16s...\n", shown, (long long)b->id,
			       res.resumed ? " (continued after an interruption)" : "",
			       (unsigned long long)b->bytes, b->sha256);
		printf("  read %llu = accepted %llu + rejected %llu + duplicates %llu + conflicts %llu\n",
		       (unsigned long long)b->rows_read, (unsigned long long)b->accepted,
		       (unsigned long long)b->rejected, (unsigned long long)b->duplicates,
		       (unsigned long long)b->conflicts);
		if (b->blank_lines)
			printf("  blank lines skipped: %llu\n", (unsigned long long)b->blank_lines);
		if (res.rejects_path[0])
			printf("  rejects: %s\n", cli_printable(res.rejects_path, shown, sizeof(shown)));
		if (res.conflicts_path[0])
			printf("  conflicts: %s\n", cli_printable(res.conflicts_path, shown, sizeof(shown)));
	}
	schema_free(s);
	return rc;
}
