/*
 * fuzz_validate.c: arbitrary CSV rows validated against the movements
 * register (schema from PASOS_HOME or the build tree).
 * SPDX-License-Identifier: MIT
 */
#include "csv.h"
#include "schema.h"
#include "validate.h"

#include <stdint.h>
#include <string.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct schema *movements;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csv_reader *r;
	struct csv_record rec;
	struct csv_field vals[SCHEMA_MAX_FIELDS];
	struct validation v;
	struct err err;
	size_t i;

	err_init(&err);
	if (!movements && schema_load_named(&movements, "movements", &err))
		abort();
	r = csv_reader_new_mem((const char *)data, size, 0);
	while (csv_reader_next(r, &rec, &err) == 1) {
		for (i = 0; i < movements->n_fields; i++) {
			vals[i].p = i < rec.n_fields ? rec.fields[i].p : "";
			vals[i].len = i < rec.n_fields ? rec.fields[i].len : 0;
		}
		memset(&v, 0, sizeof(v));
		if (validate_record(movements, vals, &v) != v.n_total || v.n > VALIDATE_MAX_FINDINGS)
			abort();
	}
	csv_reader_free(r);
	return 0;
}
