/*
 * test_protect.c: the perturbation table's promises, checked by counting
 * over every key: zeros stay zero, no result between 1 and k-1, changes of
 * at most D, mean change 0 and variance V where the support allows it.
 * SPDX-License-Identifier: MIT
 */
#include "../harness.h"
#include "tests.h"
#include "cellkey.h"
#include "mem.h"
#include "move.h"
#include "relations.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* The codes of the 2x2 table: ENTRY, EXIT and their total; DSG, VLZ and theirs. */
struct two_by_two {
	int e, x, tot0, dsg, vlz, tot1;
	size_t n1;
};

/*
 * The 2x2 table of t5003 (ENTRY-DSG 1, ENTRY-VLZ 5, EXIT-DSG 6, EXIT-VLZ 7,
 * with margins), loaded from its definition text tab, every measure of it
 * holding those values. NULL when the table does not load.
 */
static struct table *two_by_two(const char *tab, struct tab_result *res, struct two_by_two *k)
{
	static const uint32_t inner[2][2] = { { 1, 5 }, { 6, 7 } };
	char path[] = "/tmp/pasos-unit-2x2-XXXXXX";
	int fd = mkstemp(path), a, b;
	struct table *t = NULL;
	struct err err;
	size_t m;

	err_init(&err);
	CHECK(fd >= 0 && write(fd, tab, strlen(tab)) == (ssize_t)strlen(tab));
	close(fd);
	CHECK_EQ_INT(table_load(&t, path, &err), 0);
	unlink(path);
	if (!t)
		return NULL;
	k->e = table_code_index(&t->dims[0], "ENTRY");
	k->x = table_code_index(&t->dims[0], "EXIT");
	k->tot0 = table_code_index(&t->dims[0], "_T");
	k->dsg = table_code_index(&t->dims[1], "DSG");
	k->vlz = table_code_index(&t->dims[1], "VLZ");
	k->tot1 = table_code_index(&t->dims[1], "_T");
	k->n1 = t->dims[1].n_codes;
	CHECK(k->e >= 0 && k->x >= 0 && k->tot0 >= 0 && k->dsg >= 0 && k->vlz >= 0 && k->tot1 >= 0 &&
	      t->dims[0].n_codes * k->n1 == 9);
	memset(res, 0, sizeof(*res));
	res->n_cells = t->dims[0].n_codes * k->n1;
	res->stride[0] = k->n1;
	res->stride[1] = 1;
	res->possible = xmalloc(res->n_cells);
	memset(res->possible, 1, res->n_cells);
	for (m = 0; m < t->n_measures; m++) {
		res->values[m] = xcalloc(res->n_cells, sizeof(uint32_t));
		for (a = 0; a < 2; a++)
			for (b = 0; b < 2; b++) {
				size_t di = (size_t)(a ? k->x : k->e), pi = (size_t)(b ? k->vlz : k->dsg);

				res->values[m][di * k->n1 + pi] += inner[a][b];
				res->values[m][di * k->n1 + (size_t)k->tot1] += inner[a][b];
				res->values[m][(size_t)k->tot0 * k->n1 + pi] += inner[a][b];
				res->values[m][(size_t)k->tot0 * k->n1 + (size_t)k->tot1] += inner[a][b];
			}
	}
	return t;
}

static void two_by_two_release(struct table *t, struct tab_result *res)
{
	size_t m;

	for (m = 0; m < t->n_measures; m++)
		free(res->values[m]);
	free(res->possible);
	table_free(t);
}

/*
 * The hand-solved 2x2 table of t5003 (ENTRY-DSG 1, ENTRY-VLZ 5, EXIT-DSG 6,
 * EXIT-VLZ 7, with margins): a balanced move over the four inner cells
 * reaches from 0 to 6 for ENTRY-DSG, the exact interval; a move that
 * leaves a margin unbalanced, or moves a published cell in the audit, is
 * refused; a person total that equals its part keeps the part from going up.
 */
void test_protect_move_reach(void)
{
	static const char *tab = "table t\nsource movements\n"
				 "dimension DIRECTION field=direction kind=code values=ENTRY,EXIT\n"
				 "dimension POST field=border_post kind=code values=DSG,VLZ\n"
				 "measure CROSSINGS count\nmeasure PERSONS persons\n";
	struct two_by_two k;
	struct tab_result res;
	struct table *t = two_by_two(tab, &res, &k);
	struct relations r;
	struct move_ctx mx;
	struct move mv;
	struct err err;
	double up[TABLE_MAX_MEASURES], down[TABLE_MAX_MEASURES];
	uint8_t status[9] = { 0 };
	size_t cost, c, cells[MOVE_MAX_CELLS], n, n1 = k.n1;
	int e = k.e, x = k.x, dsg = k.dsg, vlz = k.vlz, tot1 = k.tot1;

	err_init(&err);
	if (!t)
		return;
	CHECK_EQ_INT(relations_init(&r, t, &res, &err), 0);
	status[(size_t)e * n1 + (size_t)dsg] = status[(size_t)e * n1 + (size_t)vlz] = 1;
	status[(size_t)x * n1 + (size_t)dsg] = status[(size_t)x * n1 + (size_t)vlz] = 1;
	move_ctx_init(&mx, &r, &res, status, 2.0);
	move_ctx_measure(&mx, res.values[0], 1);
	move_ctx_measure(&mx, res.values[1], 0);
	mx.suppressed_only = 1;
	c = (size_t)e * n1 + (size_t)dsg;
	/* ENTRY and DSG up, EXIT and VLZ down */
	memset(&mv, 0, sizeof(mv));
	mv.n[0] = mv.n[1] = 2;
	mv.code[0][0] = (uint16_t)e, mv.sign[0][0] = 1, mv.code[0][1] = (uint16_t)x, mv.sign[0][1] = -1;
	mv.code[1][0] = (uint16_t)dsg, mv.sign[1][0] = 1, mv.code[1][1] = (uint16_t)vlz, mv.sign[1][1] = -1;
	CHECK_EQ_INT(move_reach(&mx, c, &mv, up, down), 0);
	CHECK(up[0] == 5 && down[0] == 1);       /* [0, 6] */
	/* ENTRY alone along DIRECTION: its total does not move with it */
	mv.n[0] = 1;
	CHECK_EQ_INT(move_reach(&mx, c, &mv, up, down), -1);
	/* the search finds the four suppressed cells, at no cost */
	CHECK_EQ_INT(move_search(&mx, c, &mv, &cost), 0);
	CHECK(cost == 0);
	n = move_cells(&r, c, &mv, cells, NULL);
	CHECK(n == 4);
	/* a published cell in the move: the audit refuses it */
	status[(size_t)x * n1 + (size_t)vlz] = 0;
	mv.n[0] = 2;
	CHECK_EQ_INT(move_reach(&mx, c, &mv, up, down), -1);
	CHECK(move_search(&mx, c, &mv, &cost) != 0);
	/*
	 * one person at both posts: ENTRY's person total is 1, so neither
	 * ENTRY-DSG nor ENTRY-VLZ can go above it, and the move cannot go
	 * either way in persons (its counts are untouched)
	 */
	status[(size_t)x * n1 + (size_t)vlz] = 1;
	res.values[1][(size_t)e * n1 + (size_t)vlz] = 1;
	res.values[1][(size_t)e * n1 + (size_t)tot1] = 1;
	CHECK_EQ_INT(move_reach(&mx, c, &mv, up, down), 0);
	CHECK(up[1] == 0 && down[1] == 0 && up[0] == 5 && down[0] == 1);
	move_ctx_release(&mx);
	relations_release(&r);
	two_by_two_release(t, &res);
}

/*
 * The audit on the same 2x2 table, given patterns whose safety is known by
 * hand: with the four inner cells suppressed ENTRY-DSG ranges over [0, 6]
 * (safe at interval 2); with only the ENTRY row suppressed, the published
 * column totals and EXIT cells give ENTRY-DSG away exactly (unsafe), and a
 * certificate that is no balanced move of suppressed cells (ENTRY alone
 * along DIRECTION, or through a published cell) must not make it safe.
 */
void test_protect_audit_verdicts(void)
{
	static const char *tab = "table t\nsource movements\n"
				 "dimension DIRECTION field=direction kind=code values=ENTRY,EXIT\n"
				 "dimension POST field=border_post kind=code values=DSG,VLZ\n"
				 "measure CROSSINGS count\n";
	struct two_by_two k;
	struct tab_result res;
	struct table *t = two_by_two(tab, &res, &k);
	struct audit_result au;
	struct move_cert cert[2];
	struct err err;
	uint8_t status[9] = { 0 };
	size_t n1 = k.n1, c;
	int e = k.e, x = k.x, dsg = k.dsg, vlz = k.vlz;

	err_init(&err);
	if (!t)
		return;
	c = (size_t)e * n1 + (size_t)dsg;
	/* safe: the four inner cells, no certificate (the audit finds its own move) */
	status[c] = CELL_PRIMARY;
	status[(size_t)e * n1 + (size_t)vlz] = status[(size_t)x * n1 + (size_t)dsg] =
		status[(size_t)x * n1 + (size_t)vlz] = CELL_SECONDARY;
	memset(&au, 0, sizeof(au));
	CHECK_EQ_INT(protect_audit(t, &res, status, 2, NULL, NULL, 0, &au, &err), 0);
	CHECK(au.n_checked == 1 && au.n_failed == 0);
	CHECK(au.lo[0][c] == 0 && au.hi[0][c] == 6);
	audit_result_release(&au);
	/* unsafe: the ENTRY row alone, with two false certificates */
	status[(size_t)x * n1 + (size_t)dsg] = status[(size_t)x * n1 + (size_t)vlz] = CELL_FREE;
	memset(cert, 0, sizeof(cert));
	cert[0].cell = cert[1].cell = c;
	cert[0].m.n[0] = 1, cert[0].m.code[0][0] = (uint16_t)e, cert[0].m.sign[0][0] = 1;  /* ENTRY alone */
	cert[0].m.n[1] = 2, cert[0].m.code[1][0] = (uint16_t)dsg, cert[0].m.sign[1][0] = 1;
	cert[0].m.code[1][1] = (uint16_t)vlz, cert[0].m.sign[1][1] = -1;
	cert[1].m = cert[0].m;  /* both directions: through the published EXIT cells */
	cert[1].m.n[0] = 2, cert[1].m.code[0][1] = (uint16_t)x, cert[1].m.sign[0][1] = -1;
	memset(&au, 0, sizeof(au));
	CHECK_EQ_INT(protect_audit(t, &res, status, 2, NULL, cert, 2, &au, &err), 0);
	CHECK(au.n_checked == 1 && au.n_failed == 1);
	CHECK(au.hi[0][c] - au.lo[0][c] < 1e-9);
	audit_result_release(&au);
	two_by_two_release(t, &res);
}
