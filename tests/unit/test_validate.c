/*
 * test_validate.c: every validation rule with a passing and a failing case.
 * SPDX-License-Identifier: MIT
 */
#include "../harness.h"
#include "date.h"
#include "schema.h"
#include "ingest.h"
#include "validate.h"
#include "tests.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* A register with one field of each type and each kind of rule. */
static const char *def =
	"register t\n"
	"codelist yn values Y N\n"
	"codelist st values OPEN DONE\n"
	"field id text required max_len=4 role=record_id\n"
	"field n integer optional min=1 max=10\n"
	"field d date optional\n"
	"field dt datetime optional\n"
	"field c code optional codes=yn\n"
	"field s code optional codes=st\n"
	"field closed date optional\n"
	"rule d_not_after_dt not_after d dt\n"
	"rule closed_not_before_d not_before closed d\n"
	"rule closed_iff_done present_iff closed s in DONE\n"
	"rule n_only_if_y only_if n c in Y\n";

static struct schema *load_def(void)
{
	char path[] = "/tmp/pasos-test-reg-XXXXXX";
	int fd = mkstemp(path);
	struct schema *s = NULL;
	struct err err;

	if (write(fd, def, strlen(def)) != (ssize_t)strlen(def))
		return NULL;
	close(fd);
	err_init(&err);
	if (schema_load(&s, path, &err))
		fprintf(stderr, "  %s\n", err.msg);
	unlink(path);
	return s;
}

/* Validate a record given as id,n,d,dt,c,s,closed; return the first rule broken or "". */
static const char *first_rule(struct schema *s, const char *csv, const char **field)
{
	static struct validation v;
	struct csv_field vals[7];
	const char *p = csv;
	int i;

	for (i = 0; i < 7; i++) {
		const char *comma = strchr(p, ',');

		vals[i].p = p;
		vals[i].len = comma ? (size_t)(comma - p) : strlen(p);
		p = comma ? comma + 1 : p + strlen(p);
	}
	memset(&v, 0, sizeof(v));
	validate_record(s, vals, &v);
	if (field)
		*field = v.n ? (v.f[0].field >= 0 ? s->fields[v.f[0].field].name : "") : "";
	return v.n ? v.f[0].rule : "";
}

#define RULE(rec, want) CHECK_EQ_STR(first_rule(s, rec, NULL), want)

void test_validate_required_and_length(void)
{
	struct schema *s = load_def();

	CHECK(s != NULL);
	if (!s)
		return;
	RULE("a,,,,,,", "");
	RULE(",,,,,,", "required");
	RULE("abcd,,,,,,", "");
	RULE("abcde,,,,,,", "max_len");
	RULE("\xC3\xA1\xC3\xA1\xC3\xA1\xC3\xA1,,,,,,", ""); /* four characters, eight bytes */
	schema_free(s);
}

void test_validate_utf8_and_control(void)
{
	struct schema *s = load_def();

	if (!s)
		return;
	RULE("a\xFF,,,,,,", "utf8");
	RULE("\xC0\xAF,,,,,,", "utf8");       /* overlong */
	RULE("\xED\xA0\x80,,,,,,", "utf8");   /* surrogate */
	RULE("a\tb,,,,,,", "control_char");
	CHECK(validate_utf8("\xF0\x9F\x98\x80", 4));
	CHECK(!validate_utf8("\xF0\x9F\x98", 3));
	schema_free(s);
}

void test_validate_integer(void)
{
	struct schema *s = load_def();

	if (!s)
		return;
	RULE("a,5,,,Y,,", "");
	RULE("a,x,,,Y,,", "type.integer");
	RULE("a,1.5,,,Y,,", "type.integer");
	RULE("a,0,,,Y,,", "range");
	RULE("a,11,,,Y,,", "range");
	schema_free(s);
}

void test_validate_dates(void)
{
	struct schema *s = load_def();

	if (!s)
		return;
	RULE("a,,2024-02-29,,,,", "");
	RULE("a,,2023-02-29,,,,", "type.date");
	RULE("a,,2023-13-01,,,,", "type.date");
	RULE("a,,23-01-01,,,,", "type.date");
	RULE("a,,1899-12-31,,,,", "type.date");
	RULE("a,,,2024-03-01T10:00:00-04:00,,,", "");
	RULE("a,,,2024-03-01T10:00Z,,,", "");
	RULE("a,,,2024-03-01T10:00:00.25+05:30,,,", "");
	RULE("a,,,2024-03-01T10:00:00,,,", "type.datetime");
	RULE("a,,,2024-03-01 10:00:00-04:00,,,", "type.datetime");
	RULE("a,,,2024-03-01T25:00:00-04:00,,,", "type.datetime");
	schema_free(s);
}

void test_validate_codes(void)
{
	struct schema *s = load_def();

	if (!s)
		return;
	RULE("a,,,,Y,,", "");
	RULE("a,,,,y,,", "code");
	RULE("a,,,,YY,,", "code");
	schema_free(s);
}

void test_validate_cross_field_rules(void)
{
	struct schema *s = load_def();
	const char *field = NULL;

	if (!s)
		return;
	RULE("a,,2024-01-01,2024-01-01T00:00:00Z,,,", "");
	RULE("a,,2024-01-02,2024-01-01T23:00:00Z,,,", "d_not_after_dt");
	RULE("a,,2024-01-02,,,DONE,2024-01-02", "");
	RULE("a,,2024-01-02,,,DONE,2024-01-01", "closed_not_before_d");
	RULE("a,,,,,DONE,", "closed_iff_done");
	RULE("a,,,,,OPEN,2024-01-01", "closed_iff_done");
	RULE("a,,,,,OPEN,", "");
	RULE("a,3,,,N,,", "n_only_if_y");
	CHECK_EQ_STR(first_rule(s, "a,3,,,N,,", &field), "n_only_if_y");
	CHECK_EQ_STR(field, "n");
	/* a rule is not judged on a field that failed its own check */
	RULE("a,,2024-02-30,2024-01-01T00:00:00Z,,,", "type.date");
	schema_free(s);
}

void test_validate_shipped_movement_rules(void)
{
	struct schema *s = NULL;
	struct err err;
	struct csv_field vals[SCHEMA_MAX_FIELDS];
	struct validation v;
	const char *row[] = { "M1", "EXIT", "2024-03-02T10:00:00-04:00", "VLZ", "road", "ID_CARD",
		"999", "BOL", "BOL", "Flores", "", "Ana", "F", "2000-05-06", "BOL", "", "30", "" };
	size_t i;

	err_init(&err);
	CHECK_EQ_INT(schema_load_named(&s, "movements", &err), 0);
	if (!s)
		return;
	for (i = 0; i < s->n_fields; i++) {
		vals[i].p = row[i];
		vals[i].len = strlen(row[i]);
	}
	memset(&v, 0, sizeof(v));
	/* a stay on an exit of a national breaks two rules */
	CHECK_EQ_INT(validate_record(s, vals, &v), 2);
	CHECK_EQ_STR(v.f[0].rule, "stay_only_on_entries");
	CHECK_EQ_STR(v.f[1].rule, "stay_only_for_foreigners");
	vals[16].len = 0;
	memset(&v, 0, sizeof(v));
	CHECK_EQ_INT(validate_record(s, vals, &v), 0);
	schema_free(s);
}

void test_date_round_trip(void)
{
	long d;
	char out[11];
	int ok = 1;

	CHECK_EQ_INT(date_parse("1970-01-01", 10), 0);
	CHECK_EQ_INT(date_parse("2000-03-01", 10) - date_parse("2000-02-28", 10), 2);
	CHECK_EQ_INT(date_parse("2100-03-01", 10) - date_parse("2100-02-28", 10), 1);
	for (d = date_parse("1900-01-01", 10); d < date_parse("2100-12-31", 10); d += 17) {
		date_format(d, out);
		if (date_parse(out, 10) != d)
			ok = 0;
	}
	CHECK(ok);
	/* the time of day of a date-time, -1 without one */
	CHECK_EQ_INT(date_parse_time("2024-03-01T10:05:09-04:00", 25), 10 * 3600 + 5 * 60 + 9);
	CHECK_EQ_INT(date_parse_time("2024-03-01 23:59:59", 19), 86399);
	CHECK_EQ_INT(date_parse_time("2024-03-01", 10), -1);
	CHECK_EQ_INT(date_parse_time("2024-03-01T1x:00:00", 19), -1);
}

/* The content hash tells ("ab","c") from ("a","bc"): lengths are part of it. */
void test_ingest_hash_lengths(void)
{
	struct csv_field x[2] = { { "ab", 2 }, { "c", 1 } }, y[2] = { { "a", 1 }, { "bc", 2 } };
	struct csv_field z[2] = { { "ab", 2 }, { "c", 1 } };

	CHECK(ingest_hash(x, 2) != ingest_hash(y, 2));
	CHECK(ingest_hash(x, 2) == ingest_hash(z, 2));
}
