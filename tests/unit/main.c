/*
 * tests/unit/main.c: the table of unit tests and the runner.
 * SPDX-License-Identifier: MIT
 */
#include "../harness.h"
#include "tests.h"

#include <stdlib.h>

int harness_failed;

static const struct harness_test tests[] = {
#define T(name) { #name, name },
	UNIT_TESTS(T)
#undef T
};

int main(int argc, char **argv)
{
	size_t i, n = sizeof(tests) / sizeof(tests[0]);
	int passed = 0, failed = 0;

	setenv("PASOS_HOME", argc > 1 ? argv[1] : ".", 1);
	for (i = 0; i < n; i++) {
		harness_failed = 0;
		tests[i].fn();
		if (harness_failed) {
			printf("FAIL %s\n", tests[i].name);
			failed++;
		} else {
			printf("ok   %s\n", tests[i].name);
			passed++;
		}
	}
	printf("unit: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
