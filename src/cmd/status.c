/*
 * cmd/status.c: pasos status: what the store holds, by register, batch and month.
 * SPDX-License-Identifier: MIT
 */
#include "../cli.h"
#include "../schema.h"
#include "../store.h"

#include <stdio.h>
#include <string.h>

static void help(FILE *f)
{
	fprintf(f,
		"usage: pasos [--db PATH] status [--register NAME]\n\n"
		"Print what the store holds: each register's records, its batches with\n"
		"their provenance and counts, and its records by month of the event.\n\n"
		"example:\n"
		"  pasos status --register movements\n");
}

static int print_query(sqlite3 *db, const char *sql, const char *bind, const char *head,
		       const char *fmt_cols, struct err *err)
{
	sqlite3_stmt *q;
	int step, ncol, c, rows = 0;

	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
		return store_error(db, "cannot read the store", err);
	if (bind)
		sqlite3_bind_text(q, 1, bind, -1, SQLITE_STATIC);
	ncol = sqlite3_column_count(q);
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		if (!rows++ && head)
			printf("%s\n", head);
		for (c = 0; c < ncol; c++) {
			const char *t = (const char *)sqlite3_column_text(q, c);
			int w = fmt_cols[c] == 'r' ? 10 : -(int)(fmt_cols[c] - '0') * 4;

			printf(c ? " %*s" : "  %*s", w, t ? t : "");
		}
		printf("\n");
	}
	sqlite3_finalize(q);
	if (step != SQLITE_DONE)
		return store_error(db, "cannot read the store", err);
	return rows;
}

int cmd_status(struct app *app, int argc, char **argv)
{
	sqlite3 *db;
	const char *only = NULL;
	sqlite3_stmt *regs = NULL;
	struct err err;
	int i, rc = 0;

	for (i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			help(stdout);
			return EXIT_OK;
		} else if (!strcmp(argv[i], "--register") && i + 1 < argc) {
			only = argv[++i];
		} else {
			fprintf(stderr, "pasos status: error: unknown argument '%s'\n", argv[i]);
			help(stderr);
			return EXIT_USAGE;
		}
	}
	db = store_db(app->store);
	err_init(&err);
	printf("store: %s\n", app->db_path);
	if (sqlite3_prepare_v2(db, "SELECT name FROM registers WHERE ?1 IS NULL OR name=?1 ORDER BY name",
			       -1, &regs, NULL) != SQLITE_OK) {
		store_error(db, "cannot read the store", &err);
		return cli_report("status", &err);
	}
	if (only)
		sqlite3_bind_text(regs, 1, only, -1, SQLITE_STATIC);
	while (sqlite3_step(regs) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(regs, 0);
		struct schema *s = NULL;
		char sql[1024];
		int ev;

		snprintf(sql, sizeof(sql), "SELECT count(*) FROM reg_%s", name);
		printf("\nregister %s\n", name);
		if ((rc = print_query(db, sql, NULL, "  records", "r", &err)) < 0)
			break;
		rc = print_query(db,
			"SELECT batch_id, status, rows_read, accepted, rejected, duplicates, conflicts,"
			" file_name, substr(sha256,1,12), started_at, coalesce(finished_at,'-')"
			" FROM batches WHERE register=? ORDER BY batch_id", name,
			"  batches: id, status, read, accepted, rejected, duplicates, conflicts, file, sha256, started, finished",
			"rrrrrrr4356", &err);
		if (rc < 0)
			break;
		/* months of the event, found through the register's definition */
		err_init(&err);
		if (schema_load_named(&s, name, &err) == 0 &&
		    (ev = schema_role_field(s, ROLE_EVENT_DATE)) >= 0) {
			snprintf(sql, sizeof(sql),
				 "SELECT substr(\"%s\",1,7) AS month, count(*) FROM reg_%s"
				 " GROUP BY month ORDER BY month", s->fields[ev].name, name);
			rc = print_query(db, sql, NULL, "  records by month of the event", "2r", &err);
		}
		schema_free(s);
		if (rc < 0)
			break;
		rc = 0;
	}
	sqlite3_finalize(regs);
	if (rc < 0)
		return cli_report("status", &err);
	return EXIT_OK;
}
