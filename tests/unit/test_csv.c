/*
 * test_csv.c: the RFC 4180 reader on every case and on hostile input.
 * SPDX-License-Identifier: MIT
 */
#include "../harness.h"
#include "csv.h"
#include "mem.h"
#include "tests.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Read all records of s; fields joined as "a|b|c" per record, records by "\n". */
static char *dump(const char *s, size_t len, size_t max_record)
{
	struct csv_reader *r = csv_reader_new_mem(s, len, max_record);
	struct csv_record rec;
	struct err err;
	struct buf b;
	size_t i;

	buf_init(&b, 1 << 24);
	buf_adds(&b, "", NULL);
	err_init(&err);
	while (csv_reader_next(r, &rec, &err) == 1) {
		buf_addf(&b, NULL, "%llu:", (unsigned long long)rec.line);
		if (rec.problem)
			buf_addf(&b, NULL, "[%s]", csv_problem_rule(rec.problem));
		for (i = 0; i < rec.n_fields; i++) {
			if (i)
				buf_addc(&b, '|', NULL);
			buf_add(&b, rec.fields[i].p, rec.fields[i].len, NULL);
		}
		buf_addc(&b, '\n', NULL);
	}
	csv_reader_free(r);
	return b.p;
}

#define DUMP_EQ(in, out) do { \
	char *d_ = dump(in, sizeof(in) - 1, 0); \
	CHECK_EQ_STR(d_, out); \
	free(d_); \
} while (0)

void test_csv_simple(void)
{
	DUMP_EQ("a,b,c\n1,2,3\n", "1:a|b|c\n2:1|2|3\n");
}

void test_csv_missing_final_newline(void)
{
	DUMP_EQ("a,b\n1,2", "1:a|b\n2:1|2\n");
}

void test_csv_crlf(void)
{
	DUMP_EQ("a,b\r\n1,2\r\n", "1:a|b\n2:1|2\n");
	DUMP_EQ("\"a\",\"b\"\r\n", "1:a|b\n");
}

void test_csv_bom(void)
{
	DUMP_EQ("\xEF\xBB\xBFid,x\n1,2\n", "1:id|x\n2:1|2\n");
}

void test_csv_quoted(void)
{
	DUMP_EQ("\"a,b\",\"c\"\"d\",\"\"\n", "1:a,b|c\"d|\n");
}

void test_csv_embedded_newline_counts_lines(void)
{
	DUMP_EQ("x\n\"line1\nline2\",y\nz\n", "1:x\n2:line1\nline2|y\n4:z\n");
}

void test_csv_empty_fields(void)
{
	DUMP_EQ(",,\n", "1:||\n");
	DUMP_EQ("a,\n", "1:a|\n");
}

void test_csv_blank_lines_skipped(void)
{
	struct csv_reader *r;
	struct csv_record rec;
	struct err err;
	int n = 0;

	DUMP_EQ("a\n\n\nb\n", "1:a\n4:b\n");
	r = csv_reader_new_mem("a\n\r\n\nb", 7, 0);
	while (csv_reader_next(r, &rec, &err) == 1)
		n++;
	CHECK_EQ_INT(n, 2);
	CHECK_EQ_INT(csv_reader_blank_lines(r), 2);
	csv_reader_free(r);
}

void test_csv_bad_quote(void)
{
	DUMP_EQ("a\"b,c\n", "1:[csv.quote]a\"b|c\n");
	DUMP_EQ("\"a\"b,c\n", "1:[csv.quote]\"a\"b|c\n");
}

void test_csv_unterminated(void)
{
	DUMP_EQ("a,\"b\nc", "1:[csv.unterminated]a|b\nc\n");
}

void test_csv_nul(void)
{
	struct csv_reader *r = csv_reader_new_mem("a,b\0c\nd\n", 8, 0);
	struct csv_record rec;
	struct err err;

	err_init(&err);
	CHECK_EQ_INT(csv_reader_next(r, &rec, &err), 1);
	CHECK_EQ_INT(rec.problem, CSV_NUL);
	CHECK_EQ_INT(rec.problem_field, 1);
	CHECK_EQ_INT(rec.fields[1].len, 3);
	CHECK_EQ_INT(csv_reader_next(r, &rec, &err), 1);
	CHECK(rec.problem == CSV_OK && rec.n_fields == 1 && rec.fields[0].p[0] == 'd');
	csv_reader_free(r);
}

void test_csv_too_long_skips_to_next_record(void)
{
	char *d = dump("ok\n0123456789abcdef,\"x\ny\"\nnext\n", 31, 8);

	CHECK_EQ_STR(d, "1:ok\n2:[csv.too_long]\n4:next\n");
	free(d);
}

void test_csv_one_megabyte_line(void)
{
	size_t n = (1u << 20) + 100, i;
	char *s = xmalloc(n + 16);
	char *d;

	memcpy(s, "h\n", 2);
	for (i = 2; i < n; i++)
		s[i] = 'x';
	memcpy(s + n, "\nlast\n", 6);
	d = dump(s, n + 6, 0);
	CHECK_EQ_STR(d, "1:h\n2:[csv.too_long]\n3:last\n");
	free(d);
	free(s);
}

void test_csv_too_many_fields(void)
{
	size_t n = CSV_MAX_FIELDS + 10, i;
	char *s = xmalloc(2 * n + 2);
	char *d;

	for (i = 0; i < n; i++) {
		s[2 * i] = 'x';
		s[2 * i + 1] = ',';
	}
	s[2 * n - 1] = '\n';
	d = dump(s, 2 * n, 0);
	CHECK(strncmp(d, "1:[csv.too_many_fields]", 23) == 0);
	free(d);
	free(s);
}

void test_csv_file_offsets_and_seek(void)
{
	char path[] = "/tmp/pasos-test-csv-XXXXXX";
	int fd = mkstemp(path);
	const char *text = "h1,h2\nr1,\"a\nb\"\nr2,c\n";
	struct csv_reader *r = NULL;
	struct csv_record rec;
	struct err err;
	uint64_t off, line;

	CHECK(fd >= 0);
	CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
	err_init(&err);
	CHECK_EQ_INT(csv_reader_open(&r, path, 0, &err), 0);
	CHECK_EQ_INT(csv_reader_next(r, &rec, &err), 1);
	CHECK_EQ_INT(csv_reader_next(r, &rec, &err), 1);
	CHECK_EQ_INT(rec.line, 2);
	CHECK_EQ_INT(rec.offset, 6);
	off = rec.end_offset;
	line = csv_reader_line(r);
	CHECK_EQ_INT(line, 4);
	csv_reader_free(r);
	/* a second reader continues at the boundary, as a resumed ingest does */
	CHECK_EQ_INT(csv_reader_open(&r, path, 0, &err), 0);
	CHECK_EQ_INT(csv_reader_seek(r, off, line, &err), 0);
	CHECK_EQ_INT(csv_reader_next(r, &rec, &err), 1);
	CHECK_EQ_INT(rec.line, 4);
	CHECK_EQ_INT(rec.n_fields, 2);
	CHECK(rec.fields[1].len == 1 && rec.fields[1].p[0] == 'c');
	CHECK_EQ_INT(csv_reader_next(r, &rec, &err), 0);
	csv_reader_free(r);
	unlink(path);
}

void test_csv_small_reads_cross_buffer(void)
{
	/* a file larger than the read chunk, with records across the boundary */
	char path[] = "/tmp/pasos-test-csv2-XXXXXX";
	int fd = mkstemp(path), ok = 1;
	FILE *f = fdopen(fd, "w");
	struct csv_reader *r = NULL;
	struct csv_record rec;
	struct err err;
	long i, n = 200000;

	for (i = 0; i < n; i++)
		fprintf(f, "%ld,\"q,%ld\"\"x\",tail\r\n", i, i);
	fclose(f);
	err_init(&err);
	CHECK_EQ_INT(csv_reader_open(&r, path, 0, &err), 0);
	for (i = 0; i < n; i++) {
		char want[64];

		if (csv_reader_next(r, &rec, &err) != 1 || rec.n_fields != 3) {
			ok = 0;
			break;
		}
		snprintf(want, sizeof(want), "q,%ld\"x", i);
		if (rec.fields[1].len != strlen(want) || memcmp(rec.fields[1].p, want, rec.fields[1].len) ||
		    strtol(rec.fields[0].p, NULL, 10) != i || rec.line != (uint64_t)i + 1) {
			ok = 0;
			break;
		}
	}
	CHECK(ok);
	CHECK_EQ_INT(csv_reader_next(r, &rec, &err), 0);
	csv_reader_free(r);
	unlink(path);
}

void test_csv_open_missing_file(void)
{
	struct csv_reader *r = NULL;
	struct err err;

	err_init(&err);
	CHECK_EQ_INT(csv_reader_open(&r, "/nonexistent/x.csv", 0, &err), ERR_IO);
	CHECK(strstr(err.msg, "/nonexistent/x.csv") != NULL);
	CHECK(r == NULL);
}
