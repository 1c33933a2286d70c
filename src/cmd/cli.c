/*
 * cli.c: the command table, global options, help and "did you mean".
 * Adding a command: write cmd_x() in src/cmd/x.c, declare it in cli.h and
 * add one row to the table below.
 * SPDX-License-Identifier: MIT
 */
#include "cli.h"
#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#ifndef PASOS_VERSION
#define PASOS_VERSION "0.1.0"
#endif

struct command {
	const char *name;
	int (*fn)(struct app *app, int argc, char **argv);
	unsigned flags;
	const char *summary;
};

static const struct command commands[] = {
	{ "synth", cmd_synth, 0, "generate synthetic registers with ground truth" },
	{ "ingest", cmd_ingest, CLI_NEEDS_STORE | CLI_CREATES_STORE, "check and store a register's CSV files" },
	{ "link", cmd_link, CLI_STORE_UNLESS_SCHEMA, "recognise the same person across documents and registers" },
	{ "classify", cmd_classify, CLI_STORE_UNLESS_SCHEMA, "migrant or visitor: the 12/16-month rule on every crossing" },
	{ "tabulate", cmd_tabulate, CLI_NEEDS_STORE, "every cell and margin of a table, exact, for internal use" },
	{ "protect", cmd_protect, CLI_NEEDS_STORE, "disclosure control, then the public CSV and SDMX-CSV" },
	{ "report", cmd_report, 0, "the bulletin: one self-contained page with charts, in Spanish and English" },
	{ "serve", cmd_serve, CLI_CREATES_STORE, "the border-post service: HTTP registration, histories, audit trail" },
	{ "user", cmd_user, CLI_CREATES_STORE, "the service's accounts: add, list, disable" },
	{ "audit", cmd_audit, CLI_NEEDS_STORE, "verify the service's audit trail" },
	{ "mrz", cmd_mrz, 0, "travel documents read from their machine-readable zone (ICAO 9303)" },
	{ "watchlist", cmd_watchlist, CLI_CREATES_STORE, "watch lists: load a new version, list the versions" },
	{ "screen", cmd_screen, 0, "travellers checked against watch lists, minors' permits and overstays" },
	{ "status", cmd_status, CLI_NEEDS_STORE, "what the store holds, by register, batch and month" },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

int cli_is_help(const char *arg)
{
	return !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

int cli_exit_code(enum err_code code)
{
	switch (code) {
	case ERR_OK: return EXIT_OK;
	case ERR_USAGE: return EXIT_USAGE;
	case ERR_DATA:
	case ERR_SCHEMA:
	case ERR_NOMEM: return EXIT_DATA;
	case ERR_IO: return EXIT_IO;
	case ERR_STORE: return EXIT_STORE;
	case ERR_INTERNAL: return EXIT_INTERNAL;
	}
	return EXIT_INTERNAL;
}

const char *cli_printable(const char *s, char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	if (!len)
		return buf;
	for (; *p && n + 1 < len; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			buf[n++] = '?';
		} else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			buf[n++] = '?';  /* a C1 control: CSI and friends */
			p++;
		} else {
			buf[n++] = (char)*p;
		}
	}
	if (*p && len >= 4)
		memcpy(buf + len - 4, "...", 3), n = len - 1;
	buf[n] = '\0';
	return buf;
}

const char *cli_base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

int cli_open_store(struct app *app, unsigned flags, struct err *err)
{
	int rc = store_open(&app->store, app->db_path, flags, err);

	if (!rc && (rc = store_verify(app->store, err))) {
		store_close(app->store);
		app->store = NULL;
	}
	return rc;
}

int cli_report(const char *cmd, const struct err *err)
{
	char msg[ERR_MSG_MAX], file[300];

	/* every message passes here: nothing it carries reaches the terminal as a control sequence */
	cli_printable(err->msg, msg, sizeof(msg));
	if (err->data_file[0] && err->data_line && !strstr(err->msg, err->data_file))
		fprintf(stderr, "pasos %s: error: %s:%llu: %s\n", cmd, cli_printable(err->data_file, file, sizeof(file)),
			(unsigned long long)err->data_line, msg);
	else
		fprintf(stderr, "pasos %s: error: %s\n", cmd, msg);
	if (err->code == ERR_INTERNAL && err->src_file)
		fprintf(stderr, "pasos %s: (set at %s:%d)\n", cmd, err->src_file, err->src_line);
	return cli_exit_code(err->code);
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: pasos [--db PATH] <command> [options]\n\n"
		   "pasos turns Bolivia's migration registers into official statistics.\n\n"
		   "commands:\n");
	for (i = 0; i < N_COMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\noptions:\n"
		   "  --db PATH  the store (SQLite), default pasos.db\n"
		   "  --version  print the version\n"
		   "  -h, --help this help; 'pasos <command> --help' for a command\n");
}

/* Damerau-free Levenshtein distance of short ASCII words, for suggestions. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, prev[32], cur[32];

	if (la >= 31 || lb >= 31)
		return 99;
	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;

			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		memcpy(prev, cur, (lb + 1) * sizeof(size_t));
	}
	return prev[lb];
}

static int run(int argc, char **argv)
{
	struct app app = { "pasos.db", NULL, 0 };
	const struct command *cmd = NULL;
	struct err err;
	size_t i;
	int argi = 1, rc, flags_open = 0;

	while (argi < argc && argv[argi][0] == '-') {
		if (!strcmp(argv[argi], "--db") && argi + 1 < argc) {
			app.db_path = argv[argi + 1];
			argi += 2;
		} else if (!strncmp(argv[argi], "--db=", 5)) {
			app.db_path = argv[argi] + 5;
			argi++;
		} else if (cli_is_help(argv[argi])) {
			usage(stdout);
			return EXIT_OK;
		} else if (!strcmp(argv[argi], "--version")) {
			printf("pasos %s\n", PASOS_VERSION);
			return EXIT_OK;
		} else {
			fprintf(stderr, "pasos: error: unknown option '%s'\n", argv[argi]);
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argi == argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[argi], "help")) {
		if (argi + 1 < argc) {
			for (i = 0; i < N_COMMANDS; i++)
				if (!strcmp(argv[argi + 1], commands[i].name)) {
					char help[] = "--help";
					char *hargv[] = { argv[argi + 1], help, NULL };

					return commands[i].fn(&app, 2, hargv);
				}
		}
		usage(stdout);
		return EXIT_OK;
	}
	for (i = 0; i < N_COMMANDS; i++)
		if (!strcmp(argv[argi], commands[i].name))
			cmd = &commands[i];
	if (!cmd) {
		fprintf(stderr, "pasos: error: '%s' is not a pasos command\n", argv[argi]);
		for (i = 0; i < N_COMMANDS; i++)
			if (distance(argv[argi], commands[i].name) <= 2)
				fprintf(stderr, "did you mean 'pasos %s'?\n", commands[i].name);
		return EXIT_USAGE;
	}
	app.progress = isatty(2);
	argc -= argi;
	argv += argi;
	/* a command's --help needs no store */
	for (i = 1; i < (size_t)argc; i++)
		if (cli_is_help(argv[i]))
			return cmd->fn(&app, argc, argv);
	/* db option may also follow the command name */
	for (i = 1; i + 1 < (size_t)argc; i++)
		if (!strcmp(argv[i], "--db")) {
			app.db_path = argv[i + 1];
			memmove(&argv[i], &argv[i + 2], (size_t)(argc - (int)i - 2 + 1) * sizeof(char *));
			argc -= 2;
			break;
		}
	err_init(&err);
	if (cmd->flags & CLI_STORE_UNLESS_SCHEMA) {
		int files = 0;

		for (i = 1; i < (size_t)argc; i++)
			files |= !strcmp(argv[i], "--schema") || !strcmp(argv[i], "--crossings");
		if (!files)
			flags_open = 1;
	}
	/* a command that makes the store opens it itself, once its options are known to be good */
	if (((cmd->flags & CLI_NEEDS_STORE) && !(cmd->flags & CLI_CREATES_STORE)) || flags_open) {
		if (cli_open_store(&app, 0, &err))
			return cli_report(cmd->name, &err);
	}
	rc = cmd->fn(&app, argc, argv);
	store_close(app.store);
	return rc;
}

int cli_main(int argc, char **argv)
{
	int rc = run(argc, argv);

	/* every way out passes here: output that could not be written (help too) is an i/o error */
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "pasos: error: cannot write the output: %s\n", strerror(errno ? errno : EIO));
		return EXIT_IO;
	}
	return rc;
}
