/*
 * progress.h: a progress bar on stderr, drawn only when stderr is a terminal.
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_PROGRESS_H
#define PASOS_PROGRESS_H

#include <stdint.h>

struct progress {
	const char *label;
	int enabled;        /* 0: every call does nothing */
	double start, last; /* monotonic seconds */
};

/** Start a bar labelled label (not copied: must outlive the bar). */
void progress_init(struct progress *p, const char *label, int enabled);
/** Redraw with done of total units (bytes), at most ten times a second. */
void progress_update(struct progress *p, uint64_t done, uint64_t total);
/** Clear the bar's line. */
void progress_done(struct progress *p);
/** Callback shape for stages: ctx is a struct progress. */
void progress_cb(void *ctx, uint64_t done, uint64_t total);
/** Monotonic seconds. */
double progress_now(void);

#endif
