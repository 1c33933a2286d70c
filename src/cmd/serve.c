/*
 * cmd/serve.c: pasos serve, the border-post service.
 * SPDX-License-Identifier: MIT
 */
#include "cli.h"
#include "opt.h"
#include "serve.h"

#include <stdio.h>

static void help(FILE *f)
{
	fprintf(f,
		"usage: pasos [--db PATH] serve [--listen ADDR:PORT] [--tls-cert FILE --tls-key FILE]\n"
		"                              [--public DIR] [--threads N]\n\n"
		"Serve the store over HTTP in the foreground until SIGTERM or SIGINT. One\n"
		"process owns the store. Accounts come from 'pasos user add'.\n\n"
		"routes:\n"
		"  GET  /healthz                      ready\n"
		"  POST /api/v1/registers/movements   officer: one crossing as a JSON object whose\n"
		"                                     keys are the fields of registers/movements.reg;\n"
		"                                     201 stored, 200 already stored (a retry), 409 the\n"
		"                                     same id with other content, 422 every rule broken\n"
		"  GET  /api/v1/persons?document_type=&document_country=&document_number=\n"
		"                                     officer, supervisor: the traveller's crossings\n"
		"  POST /api/v1/registers/NAME       the roles register NAME's definition names\n"
		"                                     ('access ROLE...'): one record, checked as\n"
		"                                     ingest checks it; GET .../NAME/ID reads it back\n"
		"                                     (with its case's versions and whether it is\n"
		"                                     current, for a register of versions)\n"
		"  /login, /officer, /registers      pages: officers' form and histories; each\n"
		"                                     institution's registers, a form for each\n"
		"Every /api/ request needs 'Authorization: Bearer TOKEN'; the pages, a session.\n"
		"A 201 or 200 is on disk; every write and read of personal data is in the audit\n"
		"trail ('pasos audit verify').\n\n"
		"options:\n"
		"  --listen ADDR:PORT   IPv4 address and port (default 127.0.0.1:8080)\n"
		"  --tls-cert FILE, --tls-key FILE   serve HTTPS with this certificate and key (PEM)\n"
		"  --public DIR         serve the protected tables 'pasos protect' wrote in DIR to\n"
		"                       anyone, at /public/ (never the store)\n"
		"  --threads N          threads answering HTTP, each over many connections; a\n"
		"                       connection waiting for a commit holds none (default 4)\n\n"
		"example:\n"
		"  pasos --db out/demo/pasos.db serve --listen 127.0.0.1:8080\n");
}

int cmd_serve(struct app *app, int argc, char **argv)
{
	struct serve_opts o = { app->db_path, "127.0.0.1:8080", 0, NULL, NULL, NULL };
	long long threads = 0;
	const struct opt_spec spec[] = {
		{ "listen", 0, OPT_STR, &o.listen, 0, 0 },
		{ "tls-cert", 0, OPT_STR, &o.tls_cert, 0, 0 },
		{ "tls-key", 0, OPT_STR, &o.tls_key, 0, 0 },
		{ "public", 0, OPT_STR, &o.public_dir, 0, 0 },
		{ "threads", 0, OPT_INT, &threads, 1, 64 },
	};
	struct err err;
	int rc;

	if ((rc = opt_parse("serve", argc, argv, spec, sizeof(spec) / sizeof(spec[0]), help, NULL)))
		return rc < 0 ? EXIT_OK : rc;
	o.threads = (unsigned)threads;
	err_init(&err);
	if (serve_run(&o, &err))
		return cli_report("serve", &err);
	return EXIT_OK;
}
