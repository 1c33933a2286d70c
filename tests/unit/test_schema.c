/*
 * test_schema.c: register definitions, the shipped ones and broken ones.
 * SPDX-License-Identifier: MIT
 */
#include "../harness.h"
#include "schema.h"
#include "tests.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int load_text(const char *text, struct err *err)
{
	char path[] = "/tmp/pasos-test-schema-XXXXXX";
	int fd = mkstemp(path), rc;
	struct schema *s = NULL;

	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return -99;
	close(fd);
	err_init(err);
	rc = schema_load(&s, path, err);
	schema_free(s);
	unlink(path);
	return rc;
}

void test_schema_shipped_registers(void)
{
	struct schema *s = NULL;
	struct err err;
	static const char *mv[] = { "movement_id", "direction", "event_time", "border_post",
		"transport", "document_type", "document_number", "document_country", "nationality",
		"surname_1", "surname_2", "given_names", "sex", "birth_date", "country_of_residence",
		"purpose", "permitted_stay_days", "minor_authorization" };
	size_t i;

	err_init(&err);
	CHECK_EQ_INT(schema_load_named(&s, "movements", &err), 0);
	if (!s)
		return;
	CHECK_EQ_INT(s->n_fields, 18);
	for (i = 0; i < 18 && i < s->n_fields; i++)
		CHECK_EQ_STR(s->fields[i].name, mv[i]);
	CHECK_EQ_INT(s->id_field, 0);
	CHECK(codelist_find(s->fields[8].codes, "BOL", 3) >= 0);
	CHECK(codelist_find(s->fields[8].codes, "ZZZ", 3) < 0);
	CHECK(codelist_count(s->fields[8].codes) >= 249);
	CHECK(codelist_find(s->fields[3].codes, "DSG", 3) >= 0);
	CHECK(s->fields[schema_role_field(s, ROLE_BIRTH_DATE)].type == FT_DATE);
	schema_free(s);
	CHECK_EQ_INT(schema_load_named(&s, "regularizations", &err), 0);
	if (s)
		CHECK_EQ_INT(s->n_rules, 3);
	schema_free(s);
}

void test_schema_errors_name_the_line(void)
{
	struct err err;

	CHECK_EQ_INT(load_text("register x\nfield id text required role=record_id\nfield y blob\n", &err), ERR_SCHEMA);
	CHECK_EQ_INT(err.data_line, 3);
	CHECK(strstr(err.msg, "unknown type 'blob'") != NULL);
	CHECK_EQ_INT(load_text("register x\nfield c code codes=nope\n", &err), ERR_SCHEMA);
	CHECK(strstr(err.msg, "code list 'nope'") != NULL);
	CHECK_EQ_INT(load_text("register x\nfield a text\n", &err), ERR_SCHEMA);
	CHECK(strstr(err.msg, "record_id") != NULL);
	CHECK_EQ_INT(load_text("register x\nfield id text required role=idd\n", &err), ERR_SCHEMA);
	CHECK(strstr(err.msg, "unknown role 'idd'") != NULL);
	CHECK_EQ_INT(load_text("register x\nfield id text required role=record_id\nrule r not_after id zz\n", &err), ERR_SCHEMA);
	CHECK(strstr(err.msg, "no field 'zz'") != NULL);
	CHECK_EQ_INT(load_text("register x\nfield id text required role=record_id\nfield id text\n", &err), ERR_SCHEMA);
	CHECK_EQ_INT(load_text("field id text\n", &err), ERR_SCHEMA);
	CHECK_EQ_INT(load_text("register x\ncodelist c values A A\n", &err), ERR_SCHEMA);
	CHECK(strstr(err.msg, "twice") != NULL);
	CHECK_EQ_INT(load_text("", &err), ERR_SCHEMA);
	CHECK_EQ_INT(load_text("# comment only\nregister x # trailing\nfield id text required role=record_id\n", &err), 0);
}

void test_schema_unknown_register(void)
{
	struct schema *s = NULL;
	struct err err;

	err_init(&err);
	CHECK_EQ_INT(schema_load_named(&s, "nosuch", &err), ERR_USAGE);
	CHECK(strstr(err.msg, "no register 'nosuch'") != NULL);
}
