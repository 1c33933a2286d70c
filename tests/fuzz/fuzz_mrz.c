/*
 * fuzz_mrz.c: arbitrary lines through the MRZ parser: never a crash, every
 * check reported as one of its three values, valid only with no invalid check.
 * SPDX-License-Identifier: MIT
 */
#include "mrz.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[512], *lines[4], why[160];
	const char *cl[4];
	size_t n = 0, i;
	struct mrz m;
	char *p, *save = NULL;

	if (size >= sizeof(buf))
		size = sizeof(buf) - 1;
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (p = strtok_r(buf, "\n", &save); p && n < 4; p = strtok_r(NULL, "\n", &save))
		lines[n++] = p;
	for (i = 0; i < n; i++)
		cl[i] = lines[i];
	if (mrz_parse(cl, n, "2026-11-30", &m, why, sizeof(why)) == 0) {
		int any_bad = 0;

		for (i = 0; i < MRZ_CHECKS; i++) {
			if (m.checks[i] != MRZ_CHECK_ABSENT && m.checks[i] != MRZ_CHECK_VALID && m.checks[i] != MRZ_CHECK_INVALID)
				abort();
			any_bad |= m.checks[i] == MRZ_CHECK_INVALID;
		}
		if (m.valid && any_bad)
			abort();
	}
	return 0;
}
