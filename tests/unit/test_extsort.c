/*
 * test_extsort.c: the external sort gives every record back once, in
 * order, whether it fits in memory or spills to many runs, and again on a
 * second reading.
 * SPDX-License-Identifier: MIT
 */
#include "../harness.h"
#include "extsort.h"
#include "tests.h"

#include <stdlib.h>

struct rec {
	uint32_t key, serial;
	char pad[8];
};

static int cmp_rec(const void *x, const void *y)
{
	const struct rec *a = x, *b = y;

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return a->serial < b->serial ? -1 : a->serial > b->serial;
}

/* Sort n pseudo-random records with room for mem records; check order and that each came back once; the runs written. */
static size_t sort_and_check(size_t n, size_t mem)
{
	struct extsort *s = extsort_new(sizeof(struct rec), mem * sizeof(struct rec), cmp_rec);
	struct err err;
	unsigned char *seen = calloc(n ? n : 1, 1);
	uint64_t x = 88172645463325252ULL;
	size_t i, pass, runs;

	err_init(&err);
	for (i = 0; i < n; i++) {
		struct rec r = { 0, (uint32_t)i, { 0 } };

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		r.key = (uint32_t)(x % 1000);  /* many equal keys */
		CHECK_EQ_INT(extsort_add(s, &r, &err), 0);
	}
	CHECK(extsort_count(s) == n);
	for (pass = 0; pass < 2; pass++) {
		struct rec prev = { 0, 0, { 0 } }, r;
		size_t got = 0;
		int rc;

		CHECK_EQ_INT(extsort_rewind(s, &err), 0);
		while ((rc = extsort_next(s, &r, &err)) == 1) {
			if (got > 0)
				CHECK(cmp_rec(&prev, &r) < 0);
			CHECK(r.serial < n);
			if (r.serial < n)
				seen[r.serial] = (unsigned char)(seen[r.serial] + 1);
			prev = r;
			got++;
		}
		CHECK_EQ_INT(rc, 0);
		CHECK(got == n);
	}
	for (i = 0; i < n; i++)
		CHECK_EQ_INT(seen[i], 2);
	runs = extsort_runs(s);
	/* adding once reading has begun is refused */
	{
		struct rec r = { 1, 1, { 0 } };

		CHECK(extsort_add(s, &r, &err) < 0);
	}
	free(seen);
	extsort_free(s);
	return runs;
}

void test_extsort_in_memory(void)
{
	/* what fits in memory never touches a file */
	CHECK(sort_and_check(0, 100) == 0);
	CHECK(sort_and_check(1, 100) == 0);
	CHECK(sort_and_check(1000, 1000) == 0);
}

void test_extsort_spills_and_merges(void)
{
	CHECK(sort_and_check(1001, 1000) == 2);     /* one record over: two runs */
	CHECK(sort_and_check(50000, 997) == 51);    /* many runs, windows of 19 records */
	CHECK(sort_and_check(5000, 2) == 2500);     /* more runs than room: windows of one */
}
