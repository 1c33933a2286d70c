/*
 * cmd/user.c: pasos user add|list|disable: the accounts of the service.
 * SPDX-License-Identifier: MIT
 */
#include "cli.h"
#include "opt.h"
#include "users.h"

#include <stdio.h>
#include <string.h>

static void help(FILE *f)
{
	fprintf(f,
		"usage: pasos [--db PATH] user add NAME --role ROLE [--post CODE] [--password-stdin]\n"
		"       pasos [--db PATH] user list\n"
		"       pasos [--db PATH] user disable NAME\n\n"
		"The accounts of 'pasos serve'. Roles: admin (accounts), supervisor (every post,\n"
		"read), officer (registers at their own post, reads histories), statistician\n"
		"(tables, never personal data), and the institutions' own: consular, protection,\n"
		"labour, training (write and read the registers whose definitions grant them\n"
		"with 'access ROLE'). 'add' prints the account's API token once, alone\n"
		"on the last line: it is kept only as its SHA-256. --password-stdin reads a\n"
		"password (first line of standard input), kept as an Argon2id hash.\n\n"
		"options:\n"
		"  --role ROLE       admin, supervisor, officer, statistician, consular,\n"
		"                    protection, labour or training\n"
		"  --post CODE       an officer's border post (codelists/border_posts.csv)\n"
		"  --password-stdin  read a password from standard input\n\n"
		"example:\n"
		"  pasos user add ana --role officer --post DSG\n");
}

static void print_user(void *ctx, const struct user *u)
{
	(void)ctx;
	printf("%-24s %-12s %-6s %s\n", u->name, user_role_name(u->role), u->post[0] ? u->post : "-",
	       u->disabled ? "disabled" : "enabled");
}

int cmd_user(struct app *app, int argc, char **argv)
{
	const char *role = NULL, *post = NULL;
	int from_stdin = 0, n, rc;
	const struct opt_spec spec[] = {
		{ "role", 0, OPT_STR, &role, 0, 0 },
		{ "post", 0, OPT_STR, &post, 0, 0 },
		{ "password-stdin", 0, OPT_FLAG, &from_stdin, 0, 0 },
	};
	struct err err;

	if ((rc = opt_parse("user", argc, argv, spec, sizeof(spec) / sizeof(spec[0]), help, &n)))
		return rc < 0 ? EXIT_OK : rc;
	if (n < 1 || (!strcmp(argv[1], "list") ? n != 1 : n != 2) ||
	    (strcmp(argv[1], "add") && strcmp(argv[1], "list") && strcmp(argv[1], "disable"))) {
		help(stderr);
		return EXIT_USAGE;
	}
	err_init(&err);
	if ((rc = cli_open_store(app, STORE_CREATE, &err)))
		return cli_report("user", &err);
	if (!strcmp(argv[1], "list")) {
		if (user_list(app->store, print_user, NULL, &err))
			return cli_report("user", &err);
	} else if (!strcmp(argv[1], "disable")) {
		if (user_disable(app->store, argv[2], &err))
			return cli_report("user", &err);
		printf("account '%s' disabled\n", argv[2]);
	} else {
		char password[1024] = "", token[USER_TOKEN_HEX + 1];

		if (from_stdin) {
			if (!fgets(password, sizeof(password), stdin) || !password[0] || password[0] == '\n') {
				fprintf(stderr, "pasos user: error: no password on standard input\n");
				return EXIT_USAGE;
			}
			password[strcspn(password, "\r\n")] = '\0';
		}
		rc = user_add(app->store, argv[2], user_role_parse(role), post, from_stdin ? password : NULL, token, &err);
		memset(password, 0, sizeof(password));
		if (rc)
			return cli_report("user", &err);
		printf("account '%s' added (%s%s%s); its API token, shown once:\n%s\n", argv[2], role,
		       post ? ", post " : "", post ? post : "", token);
		memset(token, 0, sizeof(token));
	}
	return EXIT_OK;
}
