/*
 * progress.c: terminal progress bar (stderr, TTY only).
 * SPDX-License-Identifier: MIT
 */
#include "progress.h"

#include <stdio.h>
#include <time.h>

double progress_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_init(struct progress *p, const char *label, int enabled)
{
	p->label = label;
	p->enabled = enabled;
	p->start = progress_now();
	p->last = 0;
}

void progress_update(struct progress *p, uint64_t done, uint64_t total)
{
	double now, frac, el;
	int i, fill;

	if (!p->enabled)
		return;
	now = progress_now();
	if (done < total && now - p->last < 0.1)
		return;
	p->last = now;
	frac = total ? (double)done / (double)total : 1.0;
	if (frac > 1)
		frac = 1;
	fill = (int)(frac * 30);
	el = now - p->start;
	fprintf(stderr, "\r%s [", p->label);
	for (i = 0; i < 30; i++)
		fputc(i < fill ? '#' : '.', stderr);
	/* elapsed and left: the same for bytes, cells or records */
	fprintf(stderr, "] %5.1f%%  %.0f s", frac * 100, el);
	if (frac > 0.01 && frac < 1)
		fprintf(stderr, ", ~%.0f s left", el * (1 - frac) / frac);
	fputs("    ", stderr);
	fflush(stderr);
}

void progress_done(struct progress *p)
{
	if (p->enabled)
		fprintf(stderr, "\r%70s\r", "");
}

void progress_cb(void *ctx, uint64_t done, uint64_t total)
{
	progress_update(ctx, done, total);
}
