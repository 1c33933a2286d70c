/*
 * fuzz_schema.c: the register definition parser on arbitrary text.
 * SPDX-License-Identifier: MIT
 */
#include "schema.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct schema *s = NULL;
	struct err err;

	err_init(&err);
	if (schema_parse(&s, (const char *)data, size, "fuzz.reg", &err) == 0 && s->id_field < 0)
		abort();
	schema_free(s);
	return 0;
}
