/*
 * harness.h: the unit-test harness (~40 lines), so the closing line never
 * changes with a library version. Tests are registered in one table.
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_HARNESS_H
#define PASOS_HARNESS_H

#include <stdio.h>
#include <string.h>

extern int harness_failed; /* set by CHECK in the running test */

#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "  %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
		harness_failed = 1; \
	} \
} while (0)

#define CHECK_EQ_INT(a, b) do { \
	long long a_ = (long long)(a), b_ = (long long)(b); \
	if (a_ != b_) { \
		fprintf(stderr, "  %s:%d: %s == %lld, expected %lld\n", __FILE__, __LINE__, #a, a_, b_); \
		harness_failed = 1; \
	} \
} while (0)

#define CHECK_EQ_STR(a, b) do { \
	const char *a_ = (a), *b_ = (b); \
	if (!a_ || !b_ || strcmp(a_, b_)) { \
		fprintf(stderr, "  %s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #a, \
			a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
		harness_failed = 1; \
	} \
} while (0)

struct harness_test {
	const char *name;
	void (*fn)(void);
};

#endif
