/*
 * cli.h: the command table, option parsing helpers and exit codes.
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_CLI_H
#define PASOS_CLI_H

#include <stddef.h>
#include "err.h"

/* Exit codes of pasos (documented in README.md). */
enum cli_exit {
	EXIT_OK = 0,        /* done */
	EXIT_FAILURE_ = 1,  /* the command ran but found what it reports as failure */
	EXIT_USAGE = 2,     /* bad command line */
	EXIT_DATA = 3,      /* an input file or definition cannot be used */
	EXIT_IO = 4,        /* reading or writing a file failed */
	EXIT_STORE = 5,     /* the store (SQLite) failed */
	EXIT_INTERNAL = 70  /* a bug */
};

#define CLI_NEEDS_STORE 1  /* cli opens --db before calling the command */
#define CLI_STORE_UNLESS_SCHEMA 2  /* ... unless the command works on files (--schema, --crossings) */
#define CLI_CREATES_STORE 4  /* the command opens the store itself, making it when missing (only ingest) */

struct store;

struct app {
	const char *db_path;   /* --db, default pasos.db */
	struct store *store;   /* open when the command has CLI_NEEDS_STORE */
	int progress;          /* stderr is a terminal */
};

/** Run pasos with argv; returns the process exit code. */
int cli_main(int argc, char **argv);

/** Exit code for an error code. */
int cli_exit_code(enum err_code code);

/**
 * Open app->db_path into app->store (flags: store_open's) and check it is
 * whole (store_verify) before anything reads it; on error nothing is left
 * open. Every command that uses a store opens it here.
 */
int cli_open_store(struct app *app, unsigned flags, struct err *err);

/** Print "pasos: error: ..." for err to stderr and return its exit code. */
int cli_report(const char *cmd, const struct err *err);

/**
 * s made safe to print on a terminal, into buf: control characters (C0,
 * DEL, C1 as UTF-8) and so ANSI escapes become '?', and a string longer
 * than buf is cut with "...". Returns buf.
 */
const char *cli_printable(const char *s, char *buf, size_t len);

/** The last component of a path. */
const char *cli_base_name(const char *path);

/** 1 if arg is -h or --help. */
int cli_is_help(const char *arg);

/* Subcommands: one file each under src/cmd/. */
int cmd_ingest(struct app *app, int argc, char **argv);
int cmd_synth(struct app *app, int argc, char **argv);
int cmd_status(struct app *app, int argc, char **argv);
int cmd_link(struct app *app, int argc, char **argv);
int cmd_classify(struct app *app, int argc, char **argv);
int cmd_tabulate(struct app *app, int argc, char **argv);
int cmd_protect(struct app *app, int argc, char **argv);
int cmd_serve(struct app *app, int argc, char **argv);
int cmd_user(struct app *app, int argc, char **argv);
int cmd_audit(struct app *app, int argc, char **argv);
int cmd_mrz(struct app *app, int argc, char **argv);
int cmd_watchlist(struct app *app, int argc, char **argv);
int cmd_screen(struct app *app, int argc, char **argv);
int cmd_report(struct app *app, int argc, char **argv);

#endif
