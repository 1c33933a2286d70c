/*
 * cmd/watchlist.c: pasos watchlist load|list: the watch lists screening reads.
 * SPDX-License-Identifier: MIT
 */
#include "cli.h"
#include "ingest.h"
#include "opt.h"
#include "store.h"
#include "watchlist.h"

#include <stdio.h>
#include <string.h>

static void help(FILE *f)
{
	fprintf(f,
		"usage: pasos [--db PATH] watchlist load NAME FILE.csv\n"
		"       pasos [--db PATH] watchlist list\n\n"
		"Watch lists that 'pasos screen' and 'pasos serve' check travellers against.\n"
		"'load' reads FILE.csv (registers/watchlist.reg: id, name, aliases separated by\n"
		"|, birth_date as YYYY-MM-DD or a year, nationality, document_type,\n"
		"document_country, document_number, list, reason; list is one of sought,\n"
		"missing_minor, trafficking, ban, lost_stolen) as the new version of the list\n"
		"NAME. Every row is checked first: one problem and nothing is loaded, the old\n"
		"version stays, and each problem is reported with its line and field. The new\n"
		"version replaces the old one at once; every version is kept with its file's\n"
		"SHA-256 and date. Loading the current file again changes nothing.\n"
		"'list' prints every version as CSV.\n\n"
		"example:\n"
		"  pasos watchlist load interpol notices.csv\n");
}

int cmd_watchlist(struct app *app, int argc, char **argv)
{
	struct wl_load_result res;
	struct err err;
	int n, rc;

	if ((rc = opt_parse("watchlist", argc, argv, NULL, 0, help, &n)))
		return rc < 0 ? EXIT_OK : rc;
	if (n < 1 || (!strcmp(argv[1], "list") ? n != 1 : !strcmp(argv[1], "load") ? n != 3 : 1)) {
		help(stderr);
		return EXIT_USAGE;
	}
	err_init(&err);
	if (!strcmp(argv[1], "list")) {
		if ((rc = cli_open_store(app, 0, &err)) || (rc = watchlist_print_versions(app->store, stdout, &err)))
			return cli_report("watchlist", &err);
		return EXIT_OK;
	}
	if ((rc = cli_open_store(app, STORE_CREATE, &err)))
		return cli_report("watchlist", &err);
	rc = watchlist_load(app->store, argv[2], argv[3], ingest_today(), &res, &err);
	if (res.report.len)
		fputs(res.report.p, stderr);
	buf_release(&res.report);
	if (rc)
		return cli_report("watchlist", &err);
	if (res.unchanged)
		printf("watch list '%s' unchanged: version %lld is this file already (sha256 %s)\n", argv[2],
		       (long long)res.version, res.sha256);
	else
		printf("watch list '%s' version %lld: %llu entries, %llu names and aliases (sha256 %s)\n", argv[2],
		       (long long)res.version, (unsigned long long)res.rows, (unsigned long long)res.names, res.sha256);
	return EXIT_OK;
}
