/*
 * cmd/mrz.c: pasos mrz [FILE]: travel documents read from their MRZ.
 * SPDX-License-Identifier: MIT
 */
#include "cli.h"
#include "csv.h"
#include "date.h"
#include "ingest.h"
#include "mrz.h"
#include "opt.h"

#include <stdio.h>
#include <string.h>

static void help(FILE *f)
{
	fprintf(f,
		"usage: pasos mrz [FILE]\n\n"
		"Read machine-readable zones of travel documents (ICAO Doc 9303: TD1 ID cards,\n"
		"TD2, TD3 passports, MRV-A and MRV-B visas) from FILE or standard input: the\n"
		"lines of one document together, a blank line between documents. Writes CSV,\n"
		"one row a document in input order: format, valid, the fields (dates ISO 8601,\n"
		"six-digit dates given their century: a birth date is not in the future, an\n"
		"expiry at most 50 years ahead), then each check digit valid, invalid or\n"
		"absent. A document that is no MRZ is reported on standard error with its\n"
		"line, and the command exits 3 once every other document is written.\n\n"
		"example:\n"
		"  pasos mrz passports.txt > documents.csv\n");
}

static const char *check_word(enum mrz_check c)
{
	return c == MRZ_CHECK_VALID ? "valid" : c == MRZ_CHECK_INVALID ? "invalid" : "absent";
}

/* One document of n lines that started at line first: its CSV row, or an error. */
static int document(char lines[][64], size_t n, unsigned long first, const char *path, const char *today)
{
	const char *ls[4];
	struct mrz m;
	char why[160];
	size_t i;

	for (i = 0; i < n && i < 4; i++)
		ls[i] = lines[i];
	if (n > 3 || mrz_parse(ls, n, today, &m, why, sizeof(why))) {
		if (n > 3)
			snprintf(why, sizeof(why), "line 1: %zu lines: an MRZ has 2 or 3", n);
		fprintf(stderr, "pasos mrz: error: %s:%lu: the document starting here: %s\n", path, first, why);
		return -1;
	}
	fputs(mrz_format_name(m.format), stdout);
	fputs(m.valid ? ",true," : ",false,", stdout);
	{
		const char *f[] = { m.document_type, m.issuing_state, m.surnames, m.given_names, m.document_number,
				    m.nationality, m.birth_date, m.sex, m.expiry_date, m.optional1, m.optional2 };

		for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
			csv_put_cell(stdout, f[i], strlen(f[i]), 0);
			fputc(',', stdout);
		}
	}
	for (i = 0; i < MRZ_CHECKS; i++) {
		fputs(check_word(m.checks[i]), stdout);
		fputs(i + 1 < MRZ_CHECKS ? "," : "\r\n", stdout);
	}
	return 0;
}

int cmd_mrz(struct app *app, int argc, char **argv)
{
	char lines[4][64], buf[256], today[11];
	size_t n = 0, i;
	unsigned long line = 0, first = 0;
	int rc, k, bad = 0;
	FILE *in = stdin;
	const char *path = "(standard input)";

	(void)app;
	if ((rc = opt_parse("mrz", argc, argv, NULL, 0, help, &k)))
		return rc < 0 ? EXIT_OK : rc;
	if (k > 1) {
		help(stderr);
		return EXIT_USAGE;
	}
	if (k == 1 && strcmp(argv[1], "-")) {
		path = argv[1];
		if (!(in = fopen(path, "rb"))) {
			fprintf(stderr, "pasos mrz: error: cannot read '%s'\n", path);
			return EXIT_IO;
		}
	}
	date_format(ingest_today(), today);
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	printf("format,valid,document_type,issuing_state,surnames,given_names,document_number,nationality,"
	       "birth_date,sex,expiry_date,optional1,optional2");
	for (i = 0; i < MRZ_CHECKS; i++)
		printf(",check_%s", mrz_check_names[i]);
	printf("\r\n");
	for (;;) {
		int eof = !fgets(buf, sizeof(buf), in);
		size_t len = eof ? 0 : strlen(buf);

		if (!eof) {
			line++;
			if (len && buf[len - 1] != '\n' && !feof(in)) {
				/* longer than any MRZ line: the rest is skipped, what is kept is still too long */
				int c;

				while ((c = fgetc(in)) != EOF && c != '\n')
					;
			}
			while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r' || buf[len - 1] == ' ' || buf[len - 1] == '\t'))
				buf[--len] = '\0';
		}
		if (eof || len == 0) {
			if (n)
				bad |= document(lines, n, first, path, today) != 0;
			n = 0;
			if (eof)
				break;
			continue;
		}
		if (!n)
			first = line;
		/* at most 61 characters: no MRZ line has more, so a longer one stays wrong */
		if (n < 4)
			snprintf(lines[n], sizeof(lines[n]), "%.61s", buf);
		n++;
	}
	if (in != stdin)
		fclose(in);
	return bad ? EXIT_DATA : EXIT_OK;
}
