/*
 * cellkey.c: perturbation table and its application. Each row of the
 * table is the maximum-entropy distribution over the allowed changes
 * (|x| <= D, the result 0 or at least k) with mean 0 and variance V:
 * p(x) proportional to exp(a x + b x^2), a and b found by Newton's method
 * on the convex dual. Where V cannot be reached with mean 0 (a count of 1
 * can only go to 0 or to k), the nearest variance that can is used and
 * the table says so. Applying it is one lookup per cell, so a hundred
 * million cells take seconds.
 * SPDX-License-Identifier: MIT
 */
#include "cellkey.h"
#include "mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Mean-zero variance range over the support: two-point distributions are the extremes. */
static void variance_range(const int *x, int n, double *vmin, double *vmax)
{
	int i, j, zero = 0;

	*vmin = HUGE_VAL;
	*vmax = 0;
	for (i = 0; i < n; i++) {
		zero |= x[i] == 0;
		for (j = 0; j < n; j++)
			if (x[i] < 0 && x[j] > 0) {
				double v = -(double)x[i] * x[j];

				*vmin = v < *vmin ? v : *vmin;
				*vmax = v > *vmax ? v : *vmax;
			}
	}
	if (zero)
		*vmin = 0;
	if (*vmin == HUGE_VAL)
		*vmin = 0;
}

/* p over x[0..n) with mean 0 and variance V (inside the feasible range). */
static void max_entropy(const int *x, int n, double V, double *p)
{
	double a = 0, b = 0;
	int it, i;

	for (it = 0; it < 500; it++) {
		double z = 0, m1 = 0, m2 = 0, m3 = 0, m4 = 0, g1, g2, h11, h12, h22, det, da, db, top = -HUGE_VAL;

		for (i = 0; i < n; i++)
			top = fmax(top, a * x[i] + b * x[i] * x[i]);
		for (i = 0; i < n; i++) {
			double w = exp(a * x[i] + b * x[i] * x[i] - top);

			p[i] = w;
			z += w;
		}
		for (i = 0; i < n; i++) {
			double xi = x[i];

			p[i] /= z;
			m1 += p[i] * xi;
			m2 += p[i] * xi * xi;
			m3 += p[i] * xi * xi * xi;
			m4 += p[i] * xi * xi * xi * xi;
		}
		g1 = m1;
		g2 = m2 - V;
		if (fabs(g1) < 1e-12 && fabs(g2) < 1e-12)
			break;
		h11 = m2 - m1 * m1;
		h12 = m3 - m1 * m2;
		h22 = m4 - m2 * m2;
		det = h11 * h22 - h12 * h12;
		if (!(fabs(det) > 1e-300))
			break;
		da = (h22 * g1 - h12 * g2) / det;
		db = (h11 * g2 - h12 * g1) / det;
		/* damped: never a step that moves the exponents by more than 1 */
		{
			double s = fmax(fabs(da), fabs(db)) * 10;

			if (s > 1) {
				da /= s;
				db /= s;
			}
		}
		a -= da;
		b -= db;
	}
}

int ptable_init(struct ptable *pt, int k, int max_noise, double variance, struct err *err)
{
	int w = 2 * max_noise + 1, i, n, x[256];
	double p[256];

	memset(pt, 0, sizeof(*pt));
	if (max_noise < 1 || w > 255)
		return ERR_SET(err, ERR_USAGE, "cell key: D must be from 1 to 127");
	if (max_noise < k - 1)
		return ERR_SET(err, ERR_USAGE, "cell key: D (%d) must be at least k-1 (%d)", max_noise, k - 1);
	pt->k = k;
	pt->max_noise = max_noise;
	pt->variance = variance;
	pt->n_rows = k + max_noise + 1;   /* from there on every change from -D to D is allowed */
	pt->cum = xcalloc((size_t)pt->n_rows * (size_t)w, sizeof(double));
	pt->mean = xcalloc((size_t)pt->n_rows, sizeof(double));
	pt->var = xcalloc((size_t)pt->n_rows, sizeof(double));
	for (i = 0; i < pt->n_rows; i++) {
		double *row = pt->cum + (size_t)i * (size_t)w, vmin, vmax, acc = 0;
		int d, j;

		/* the allowed changes: to 0, or to at least k; a zero only to zero */
		for (n = 0, d = -max_noise; d <= max_noise; d++)
			if (i + d == 0 || (i > 0 && i + d >= k))
				x[n++] = d;
		variance_range(x, n, &vmin, &vmax);
		if (vmax - vmin < 1e-9) {
			/* one distribution only: no change, or the two-point one between the nearest changes */
			int neg = 0, pos = 0;

			for (j = 0; j < n; j++) {
				if (x[j] < 0 && (neg == 0 || x[j] > neg)) neg = x[j];
				if (x[j] > 0 && (pos == 0 || x[j] < pos)) pos = x[j];
			}
			for (j = 0; j < n; j++)
				p[j] = neg && pos ? (x[j] == neg ? (double)pos / (pos - neg) : x[j] == pos ? (double)-neg / (pos - neg) : 0)
					: x[j] == 0;
		} else {
			/* V inside the feasible range, a little away from its ends, where the solution exists */
			double V = fmin(fmax(variance, vmin + 0.01 * (vmax - vmin)), vmax - 0.01 * (vmax - vmin));

			max_entropy(x, n, V, p);
		}
		for (j = 0; j < n; j++) {
			pt->mean[i] += p[j] * x[j];
			pt->var[i] += p[j] * x[j] * x[j];
		}
		pt->var[i] -= pt->mean[i] * pt->mean[i];
		for (d = -max_noise, j = 0; d <= max_noise; d++) {
			if (j < n && x[j] == d)
				acc += p[j++];
			row[d + max_noise] = acc;
		}
		row[w - 1] = 1.0;   /* no key can fall past the end */
	}
	return 0;
}

void ptable_release(struct ptable *pt)
{
	free(pt->cum);
	free(pt->mean);
	free(pt->var);
	memset(pt, 0, sizeof(*pt));
}

uint32_t ptable_apply(const struct ptable *pt, uint32_t v, uint32_t key)
{
	int w = 2 * pt->max_noise + 1, row = v < (uint32_t)pt->n_rows ? (int)v : pt->n_rows - 1, j;
	const double *cum = pt->cum + (size_t)row * (size_t)w;
	double u = key * (1.0 / 4294967296.0);
	int64_t out;

	if (v == 0)
		return 0;
	for (j = 0; j < w - 1 && u >= cum[j]; j++)
		;
	out = (int64_t)v + (j - pt->max_noise);
	return out < 0 ? 0 : (uint32_t)out;
}

int cellkey_apply(const struct table *t, const struct tab_result *res, const struct protect_opts *o,
		  struct protection *p, struct err *err)
{
	struct ptable pt;
	size_t m, c;
	int rc;

	if ((rc = ptable_init(&pt, o->k, o->max_noise, o->variance, err)))
		return rc;
	for (m = 0; m < t->n_measures; m++) {
		const uint32_t *v = res->values[m], *key = res->keys[m];
		uint32_t *out;

		if (!key) {
			ptable_release(&pt);
			return ERR_SET(err, ERR_USAGE, "table '%s': tabulated without record keys", t->name);
		}
		out = p->value[m] = xmalloc(st_mult(res->n_cells ? res->n_cells : 1, sizeof(uint32_t)));
		for (c = 0; c < res->n_cells; c++) {
			out[c] = ptable_apply(&pt, v[c], key[c]);
			p->n_changed += out[c] != v[c];
		}
	}
	ptable_release(&pt);
	return 0;
}
