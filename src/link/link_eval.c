/*
 * link_eval.c: link stage, evaluation against true persons: pairwise
 * precision, recall and F1, persons found exactly, and the true pairs each
 * blocking rule reaches.
 * SPDX-License-Identifier: MIT
 */
#include "link.h"
#include "link_int.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>


static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

/* For the rules' recall: a candidate pair of one true person counts for each rule that made it. */
struct rule_truth {
	const uint32_t *sig_truth;
	struct link_stats *st;
};

static void count_true_pair(void *ctx, uint32_t a, uint32_t b, unsigned rules)
{
	struct rule_truth *rt = ctx;
	uint32_t ta = rt->sig_truth[a], tb = rt->sig_truth[b];
	int r;

	if (ta && ta == tb)
		for (r = 0; r < LINK_N_RULES; r++)
			if (rules & (1u << r))
				rt->st->rules[r].true_pairs++;
}

static uint64_t pairs_of(uint64_t n)
{
	return n * (n - 1) / 2;
}

void link_evaluate(const struct linker *lk, const char *const *truth, struct link_eval *ev,
		   struct link_stats *st)
{
	struct pool tp;
	uint32_t *tid = xcalloc(lk->n_rec + 1, sizeof(*tid));
	uint64_t *v = xmalloc(st_mult(lk->n_rec + 1, sizeof(*v)));
	uint32_t *sig_truth = xcalloc(lk->n_sig + 1, sizeof(*sig_truth));
	size_t i, j, n = 0;

	memset(ev, 0, sizeof(*ev));
	memset(&tp, 0, sizeof(tp));
	for (i = 0; i < lk->n_rec; i++)
		tid[i] = truth[i] ? link_intern(&tp, truth[i], strlen(truth[i])) : 0;
	/* pairs that agree on (predicted, true); then predicted alone; then true alone */
	for (i = 0; i < lk->n_rec; i++)
		if (tid[i])
			v[n++] = ((uint64_t)lk->person[i] << 32) | tid[i];
	qsort(v, n, sizeof(*v), cmp_u64);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && v[j] == v[i]; j++)
			;
		ev->true_positive_pairs += pairs_of(j - i);
	}
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && v[j] >> 32 == v[i] >> 32; j++)
			;
		ev->predicted_pairs += pairs_of(j - i);
		ev->predicted_persons++;
	}
	/* a true person is found exactly when its records make one predicted cluster, alone */
	{
		uint64_t *w = xmalloc(st_mult(n + 1, sizeof(*w)));
		uint32_t max_p = 0;
		uint8_t *pure;
		size_t a, b;

		for (i = 0; i < n; i++)
			if ((uint32_t)(v[i] >> 32) > max_p)
				max_p = (uint32_t)(v[i] >> 32);
		pure = xcalloc((size_t)max_p + 2, 1);
		for (i = 0; i < n; i = j) {  /* v is sorted by (predicted, true) */
			for (j = i + 1; j < n && v[j] >> 32 == v[i] >> 32; j++)
				;
			pure[v[i] >> 32] = (v[j - 1] & 0xFFFFFFFFu) == (v[i] & 0xFFFFFFFFu);
		}
		for (i = 0; i < n; i++)
			w[i] = ((v[i] & 0xFFFFFFFFu) << 32) | (v[i] >> 32);
		qsort(w, n, sizeof(*w), cmp_u64);
		for (a = 0; a < n; a = b) {
			uint32_t p = (uint32_t)w[a];
			int one = 1;

			for (b = a + 1; b < n && w[b] >> 32 == w[a] >> 32; b++)
				if ((uint32_t)w[b] != p)
					one = 0;
			ev->true_pairs += pairs_of(b - a);
			ev->true_persons++;
			if (one && pure[p])
				ev->exact_clusters++;
		}
		free(pure);
		free(w);
	}
	ev->cluster_precision = ev->predicted_persons ? (double)ev->exact_clusters / (double)ev->predicted_persons : 1;
	ev->cluster_recall = ev->true_persons ? (double)ev->exact_clusters / (double)ev->true_persons : 1;
	ev->cluster_f1 = ev->cluster_precision + ev->cluster_recall > 0
		? 2 * ev->cluster_precision * ev->cluster_recall / (ev->cluster_precision + ev->cluster_recall) : 0;
	ev->precision = ev->predicted_pairs ? (double)ev->true_positive_pairs / (double)ev->predicted_pairs : 1;
	ev->recall = ev->true_pairs ? (double)ev->true_positive_pairs / (double)ev->true_pairs : 1;
	ev->f1 = ev->precision + ev->recall > 0 ? 2 * ev->precision * ev->recall / (ev->precision + ev->recall) : 0;
	/* rule recall at identity level: true identity pairs each rule produced */
	if (st) {
		for (i = 0; i < lk->n_rec; i++)
			if (tid[i] && !sig_truth[lk->rec_sig[i]])
				sig_truth[lk->rec_sig[i]] = tid[i];
		struct rule_truth rt = { sig_truth, st };

		link_each_candidate(lk, count_true_pair, &rt);
	}
	free(sig_truth);
	free(tid);
	free(v);
	link_pool_release(&tp);
}
