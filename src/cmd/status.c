/*
 * cmd/status.c: pasos status: what the store holds, by register, batch and month.
 * SPDX-License-Identifier: MIT
 */
#include "cli.h"
#include "opt.h"
#include "schema.h"
#include "store.h"
#include "mem.h"

#include <stdlib.h>

#include <stdio.h>
#include <string.h>

static void help(FILE *f)
{
	fprintf(f,
		"usage: pasos [--db PATH] status [--register NAME]\n\n"
		"Print what the store holds: each register's records, its batches with\n"
		"their provenance and counts, and its records by month of the event; then\n"
		"(without --register) what linkage and classification left: records\n"
		"linked and persons, the latest classification and its migration figures.\n\n"
		"example:\n"
		"  pasos status --register movements\n");
}


/*
 * Run sql and print its rows as an aligned table under the given column
 * titles (tab-separated), numbers right-aligned. Returns rows, or < 0.
 */
static int print_table(sqlite3 *db, const char *sql, const char *bind, const char *titles,
		       struct err *err)
{
	sqlite3_stmt *q;
	char **cell = NULL;
	size_t n_cells = 0, cap = 0, i;
	int ncol, c, step, rows = 0, w[32] = { 0 }, num[32];
	char *tcopy = xstrdup(titles), *t, *save = NULL, *title[32];

	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK) {
		free(tcopy);
		return store_error(db, "cannot read the store", err);
	}
	if (bind)
		sqlite3_bind_text(q, 1, bind, -1, SQLITE_STATIC);
	ncol = sqlite3_column_count(q);
	if (ncol > 32)
		ncol = 32;
	for (c = 0, t = strtok_r(tcopy, "\t", &save); c < ncol; c++, t = strtok_r(NULL, "\t", &save)) {
		title[c] = t ? t : (char *)"";
		w[c] = (int)strlen(title[c]);
		num[c] = 1;
	}
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		for (c = 0; c < ncol; c++) {
			const char *v = (const char *)sqlite3_column_text(q, c);

			if (n_cells == cap) {
				cap = cap ? cap * 2 : 64;
				cell = xrealloc(cell, st_mult(cap, sizeof(*cell)));
			}
			char shown[300];

			/* a file name with a line end or an escape must not break the table or the terminal */
			cell[n_cells++] = xstrdup(cli_printable(v ? v : "", shown, sizeof(shown)));
			if ((int)strlen(cell[n_cells - 1]) > w[c])
				w[c] = (int)strlen(cell[n_cells - 1]);
			if (sqlite3_column_type(q, c) != SQLITE_INTEGER && sqlite3_column_type(q, c) != SQLITE_FLOAT)
				num[c] = 0;
		}
		rows++;
	}
	sqlite3_finalize(q);
	if (rows) {
		for (c = 0; c < ncol; c++)
			printf(c ? "  %*s" : "  %*s", num[c] ? w[c] : -w[c], title[c]);
		printf("\n");
		for (i = 0; i < n_cells; i++) {
			c = (int)(i % (size_t)ncol);
			printf("  %*s", num[c] ? w[c] : -w[c], cell[i]);
			if (c == ncol - 1)
				printf("\n");
		}
	}
	for (i = 0; i < n_cells; i++)
		free(cell[i]);
	free(cell);
	free(tcopy);
	if (step != SQLITE_DONE)
		return store_error(db, "cannot read the store", err);
	return rows;
}

/* What the later stages left in the store: linkage, classification and its figures. */
static int print_stages(sqlite3 *db, struct err *err)
{
	int rc = 0;

	if (store_has_table(db, "person_links")) {
		printf("\nlinkage\n");
		rc = print_table(db, "SELECT register, count(*), count(DISTINCT person_id) FROM person_links"
				 " GROUP BY register UNION ALL SELECT 'all registers', count(*), count(DISTINCT person_id)"
				 " FROM person_links", NULL, "register\trecords linked\tpersons", err);
	}
	if (rc >= 0 && store_has_table(db, "classify_runs")) {
		printf("\nclassification (the latest run)\n");
		rc = print_table(db, "SELECT as_of, window, threshold, persons, crossings, provisional, run_at"
				 " FROM classify_runs ORDER BY run_id DESC LIMIT 1", NULL,
				 "as of\twindow\tthreshold\tpersons\tcrossings\tprovisional\trun at", err);
	}
	if (rc >= 0 && store_has_table(db, "migration_figures")) {
		printf("\nlong-term migration (final, and provisional as estimated)\n");
		rc = print_table(db, "SELECT figure, coalesce(year, as_of), CAST(round(final) AS INTEGER),"
				 " round(provisional_estimated, 1) FROM migration_figures", NULL,
				 "figure\tyear\tfinal\testimated", err);
	}
	return rc;
}

int cmd_status(struct app *app, int argc, char **argv)
{
	sqlite3 *db;
	const char *only = NULL;
	sqlite3_stmt *regs = NULL;
	struct err err;
	int rc = 0;
	const struct opt_spec spec[] = { { "register", 0, OPT_STR, &only, 0, 0 } };

	if ((rc = opt_parse("status", argc, argv, spec, 1, help, NULL)))
		return rc < 0 ? EXIT_OK : rc;
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

		if (!name) {
			rc = ERR_SET(&err, ERR_STORE, "the store is damaged: a register without a name");
			break;
		}
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM reg_%s", name);
		printf("\nregister %s\n", name);
		if ((rc = print_table(db, sql, NULL, "records", &err)) < 0)
			break;
		printf("\n");
		rc = print_table(db,
			"SELECT batch_id, status, rows_read, accepted, rejected, duplicates, conflicts,"
			" file_name, substr(sha256,1,12), started_at, coalesce(finished_at,'-')"
			" FROM batches WHERE register=? ORDER BY batch_id", name,
			"batch\tstatus\tread\taccepted\trejected\tduplicates\tconflicts\tfile\tsha256\tstarted\tfinished",
			&err);
		if (rc < 0)
			break;
		/* months of the event, found through the register's definition */
		err_init(&err);
		if (schema_load_named(&s, name, &err) == 0 &&
		    (ev = schema_role_field(s, ROLE_EVENT_DATE)) >= 0) {
			snprintf(sql, sizeof(sql),
				 "SELECT substr(\"%s\",1,7) AS month, count(*) FROM reg_%s"
				 " GROUP BY month ORDER BY month", s->fields[ev].name, name);
			printf("\n");
			rc = print_table(db, sql, NULL, "month\trecords", &err);
		}
		schema_free(s);
		if (rc < 0)
			break;
		rc = 0;
	}
	sqlite3_finalize(regs);
	if (rc >= 0 && !only)
		rc = print_stages(db, &err);
	if (rc < 0)
		return cli_report("status", &err);
	return EXIT_OK;
}
