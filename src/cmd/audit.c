/*
 * cmd/audit.c: pasos audit verify: recompute the audit trail's chain.
 * SPDX-License-Identifier: MIT
 */
#include "cli.h"
#include "opt.h"
#include "store.h"
#include "trail.h"

#include <stdio.h>
#include <string.h>

static void help(FILE *f)
{
	fprintf(f,
		"usage: pasos [--db PATH] audit verify\n\n"
		"Recompute the service's audit trail, each entry's SHA-256 over the one\n"
		"before: prints the entries read, and the first entry that was altered,\n"
		"removed or inserted (exit 1), or that the trail is whole (exit 0).\n\n"
		"example:\n"
		"  pasos --db out/demo/pasos.db audit verify\n");
}

int cmd_audit(struct app *app, int argc, char **argv)
{
	struct err err;
	int64_t bad, n;
	int rc, k;

	if ((rc = opt_parse("audit", argc, argv, NULL, 0, help, &k)))
		return rc < 0 ? EXIT_OK : rc;
	if (k != 1 || strcmp(argv[1], "verify")) {
		help(stderr);
		return EXIT_USAGE;
	}
	err_init(&err);
	if (trail_verify(store_db(app->store), &bad, &n, &err))
		return cli_report("audit", &err);
	if (bad) {
		printf("audit trail BROKEN at entry %lld (%lld entries read): an entry was altered, removed or inserted there\n",
		       (long long)bad, (long long)n);
		return EXIT_FAILURE_;
	}
	printf("audit trail whole: %lld entries, each holding the hash of the one before\n", (long long)n);
	return EXIT_OK;
}
