/*
 * serve.h: the border-post service. An HTTP server (libmicrohttpd) in the
 * same program and over the same store: officers register crossings as
 * they happen, checked by the register's definition exactly as ingest
 * checks a file, linked to their person at once, and acknowledged only
 * once on disk; every write and every read of personal data goes to the
 * audit trail (trail.h).
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_SERVE_H
#define PASOS_SERVE_H

#include "err.h"

struct serve_opts {
	const char *db_path;   /* the store: this process owns it while it serves */
	const char *listen;    /* "127.0.0.1:8080" */
	unsigned threads;      /* threads answering HTTP, each over many connections; 0: 4 */
	const char *tls_cert;  /* PEM files: HTTPS when both are given */
	const char *tls_key;
	const char *public_dir; /* the protected tables 'pasos protect' wrote, served to anyone; NULL: none */
};

/**
 * Serve until SIGTERM or SIGINT, then stop cleanly: requests in flight are
 * answered, the last commit made. Prints "listening on ADDR" once ready.
 * Errors: ERR_USAGE (an address that is not IPv4 address:port), ERR_IO
 * (cannot listen), ERR_STORE, ERR_SCHEMA.
 */
int serve_run(const struct serve_opts *o, struct err *err);

#endif
