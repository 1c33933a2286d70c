/*
 * fuzz_csv.c: the CSV reader on arbitrary bytes, with a small record limit
 * so the skip path is reached. Checks the reader's own invariants.
 * SPDX-License-Identifier: MIT
 */
#include "csv.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csv_reader *r = csv_reader_new_mem((const char *)data, size, 64);
	struct csv_record rec;
	struct err err;
	uint64_t last_line = 0, last_end = 0;
	size_t i;

	err_init(&err);
	while (csv_reader_next(r, &rec, &err) == 1) {
		if (rec.line <= last_line && last_line)
			abort();
		if (rec.offset < last_end || rec.end_offset > size || rec.end_offset < rec.offset)
			abort();
		for (i = 0; i < rec.n_fields; i++)
			if (rec.fields[i].len > size)
				abort();
		last_line = rec.line;
		last_end = rec.end_offset;
	}
	csv_reader_free(r);
	return 0;
}
