/*
 * fuzz_request.c: what the service makes of a request body, as JSON (the
 * registration API) and as a form (the officers' pages): the field texts,
 * the failures, then the register's checks over them. Never a crash, and
 * every failure names a field and a rule.
 * SPDX-License-Identifier: MIT
 */
#include "serve_int.h"
#include "validate.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct schema *movements;

static void check(char **texts, json_t *fails)
{
	struct csv_field vals[SCHEMA_MAX_FIELDS];
	struct validation v;
	size_t i;

	for (i = 0; i < json_array_size(fails); i++) {
		json_t *f = json_array_get(fails, i);

		if (!json_is_string(json_object_get(f, "field")) || !json_is_string(json_object_get(f, "rule")))
			abort();
	}
	for (i = 0; i < movements->n_fields; i++) {
		vals[i].p = texts[i] ? texts[i] : "";
		vals[i].len = texts[i] ? strlen(texts[i]) : 0;
	}
	memset(&v, 0, sizeof(v));
	if (validate_record(movements, vals, &v) != v.n_total)
		abort();
	for (i = 0; i < movements->n_fields; i++) {
		free(texts[i]);
		texts[i] = NULL;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *texts[SCHEMA_MAX_FIELDS] = { 0 }, *mrz = NULL;
	json_t *fails = json_array();
	struct err err;
	size_t i;

	err_init(&err);
	if (!movements && schema_load_named(&movements, "movements", &err))
		abort();
	if (serve_json_texts(movements, (const char *)data, size, texts, &mrz, fails) == 0)
		check(texts, fails);
	free(mrz);
	json_array_clear(fails);
	for (i = 0; i < movements->n_fields; i++)
		texts[i] = serve_form_get((const char *)data, size, movements->fields[i].name);
	check(texts, fails);
	json_decref(fails);
	return 0;
}
