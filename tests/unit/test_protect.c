/*
 * test_protect.c: the perturbation table's promises, checked by counting
 * over every key: zeros stay zero, no result between 1 and k-1, changes of
 * at most D, mean change 0 and variance V where the support allows it.
 * SPDX-License-Identifier: MIT
 */
#include "../harness.h"
#include "tests.h"
#include "../../src/cellkey.h"

#include <math.h>

/* The distribution of ptable_apply(v, key) over an even grid of keys. */
static void moments(const struct ptable *pt, uint32_t v, double *mean, double *var, uint32_t *lo, uint32_t *hi,
		    int *small)
{
	const uint32_t steps = 1u << 16;
	double s = 0, s2 = 0;
	uint32_t i;

	*lo = UINT32_MAX;
	*hi = 0;
	*small = 0;
	for (i = 0; i < steps; i++) {
		uint32_t key = i * (UINT32_MAX / steps) + (UINT32_MAX / steps / 2);
		uint32_t out = ptable_apply(pt, v, key);
		double d = (double)out - (double)v;

		s += d;
		s2 += d * d;
		*lo = out < *lo ? out : *lo;
		*hi = out > *hi ? out : *hi;
		*small |= out >= 1 && out < (uint32_t)pt->k;
	}
	*mean = s / steps;
	*var = s2 / steps - *mean * *mean;
}

void test_protect_ptable_promises(void)
{
	struct ptable pt;
	struct err err;
	double mean, var;
	uint32_t v, lo, hi;
	int small;

	err_init(&err);
	CHECK_EQ_INT(ptable_init(&pt, 3, 3, 2.0, &err), 0);
	for (v = 0; v < 40; v++) {
		moments(&pt, v, &mean, &var, &lo, &hi, &small);
		CHECK(!small);
		CHECK(hi <= v + 3 && lo + 3 >= v);
		if (v == 0)
			CHECK(lo == 0 && hi == 0);
		/* unbiased everywhere; variance V once every change is allowed */
		CHECK(fabs(mean) < 0.01);
		if (v >= 6)
			CHECK(fabs(var - 2.0) < 0.02);
	}
	/* a 1 can only go to 0 or to 3 (or 4): unbiased means mostly 0 */
	moments(&pt, 1, &mean, &var, &lo, &hi, &small);
	CHECK(lo == 0 && hi >= 3);
	ptable_release(&pt);
	/* D below k-1 cannot keep small cells out */
	CHECK(ptable_init(&pt, 5, 2, 1.0, &err) == ERR_USAGE);
}

void test_protect_opts(void)
{
	struct protect_opts o;
	struct err err;
	char w1[] = "cellkey", w2[] = "k=5", w3[] = "D=4", w4[] = "V=1.5", bad[] = "k=0", nope[] = "D=2";
	char *words[] = { w1, w2, w3, w4 }, *b[] = { bad }, *n2[] = { w1, w2, nope };

	err_init(&err);
	protect_opts_init(&o);
	CHECK_EQ_INT(o.method, PROTECT_SUPPRESSION);
	CHECK_EQ_INT(protect_opts_parse(&o, words, 4, &err), 0);
	CHECK_EQ_INT(o.method, PROTECT_CELLKEY);
	CHECK_EQ_INT(o.k, 5);
	CHECK_EQ_INT(o.max_noise, 4);
	CHECK(o.variance == 1.5);
	CHECK(protect_opts_parse(&o, b, 1, &err) == ERR_USAGE);
	protect_opts_init(&o);
	CHECK(protect_opts_parse(&o, n2, 3, &err) == ERR_USAGE);
}
