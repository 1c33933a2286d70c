/*
 * extsort.c: external merge sort of fixed-size records (see extsort.h).
 * Hand-written because nothing in Debian's C libraries sorts records
 * larger than memory: qsort runs of what fits, appended to one unlinked
 * scratch file, and a k-way merge through a binary heap of run heads,
 * each run read through its own slice of the same memory.
 * SPDX-License-Identifier: MIT
 */
#include "extsort.h"
#include "mem.h"
#include "scratch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct run {
	uint64_t first, len;   /* in records, in the file */
	uint64_t read;         /* records of it read into its window so far */
	size_t win, n, pos;    /* its window in buf (record index), records there, next one */
};

struct extsort {
	size_t rec, cap;       /* record size; records buf holds */
	int (*cmp)(const void *, const void *);
	unsigned char *buf;
	size_t n_mem;          /* records in buf, while adding */
	int sorted;            /* buf is sorted (no runs: reading straight from it) */
	size_t pos;
	uint64_t count;
	int fd;                /* the temporary file, -1 before the first run */
	struct run *runs;
	size_t n_runs, cap_runs;
	size_t *heap, n_heap;  /* runs by their next record, smallest first */
	int reading;
};

struct extsort *extsort_new(size_t rec_size, size_t mem_bytes, int (*cmp)(const void *, const void *))
{
	struct extsort *s = xcalloc(1, sizeof(*s));

	s->rec = rec_size;
	s->cap = mem_bytes / rec_size < 2 ? 2 : mem_bytes / rec_size;
	s->cmp = cmp;
	s->buf = xmalloc(st_mult(s->cap, rec_size));
	s->fd = -1;
	return s;
}

static int write_all(int fd, const unsigned char *p, size_t len, struct err *err)
{
	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return ERR_SET(err, ERR_IO, "cannot write the sort's temporary file: %s", strerror(errno));
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Sort what is in memory and append it to the file as a run. */
static int spill(struct extsort *s, struct err *err)
{
	int rc;

	if (s->fd < 0) {
		int fd = scratch_open(err);

		if (fd < 0)
			return fd;
		s->fd = fd;
	}
	qsort(s->buf, s->n_mem, s->rec, s->cmp);
	if ((rc = write_all(s->fd, s->buf, s->n_mem * s->rec, err)))
		return rc;
	if (s->n_runs == s->cap_runs) {
		s->cap_runs = s->cap_runs ? s->cap_runs * 2 : 16;
		s->runs = xrealloc(s->runs, st_mult(s->cap_runs, sizeof(*s->runs)));
	}
	s->runs[s->n_runs].first = s->n_runs ? s->runs[s->n_runs - 1].first + s->runs[s->n_runs - 1].len : 0;
	s->runs[s->n_runs++].len = s->n_mem;
	s->n_mem = 0;
	return 0;
}

int extsort_add(struct extsort *s, const void *rec, struct err *err)
{
	int rc;

	if (s->reading)
		return ERR_SET(err, ERR_INTERNAL, "extsort: a record added after reading began");
	if (s->n_mem == s->cap && (rc = spill(s, err)))
		return rc;
	memcpy(s->buf + s->n_mem * s->rec, rec, s->rec);
	s->n_mem++;
	s->count++;
	return 0;
}

/* Refill run r's window from the file. */
static int refill(struct extsort *s, struct run *r, size_t per, struct err *err)
{
	uint64_t left = r->len - r->read;
	size_t want = left < per ? (size_t)left : per, got = 0;
	unsigned char *p = s->buf + r->win * s->rec;
	off_t off = (off_t)((r->first + r->read) * s->rec);

	while (got < want * s->rec) {
		ssize_t g = pread(s->fd, p + got, want * s->rec - got, off + (off_t)got);

		if (g < 0 && errno == EINTR)
			continue;
		if (g <= 0)
			return ERR_SET(err, ERR_IO, "cannot read the sort's temporary file: %s",
				       g < 0 ? strerror(errno) : "it is shorter than written");
		got += (size_t)g;
	}
	r->read += want;
	r->n = want;
	r->pos = 0;
	return 0;
}

static const void *head(const struct extsort *s, size_t run)
{
	const struct run *r = &s->runs[run];

	return s->buf + (r->win + r->pos) * s->rec;
}

static int heap_less(const struct extsort *s, size_t a, size_t b)
{
	int c = s->cmp(head(s, a), head(s, b));

	return c < 0 || (c == 0 && a < b);
}

static void sift_down(struct extsort *s, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i, t;

		if (l < s->n_heap && heap_less(s, s->heap[l], s->heap[m]))
			m = l;
		if (l + 1 < s->n_heap && heap_less(s, s->heap[l + 1], s->heap[m]))
			m = l + 1;
		if (m == i)
			return;
		t = s->heap[i];
		s->heap[i] = s->heap[m];
		s->heap[m] = t;
		i = m;
	}
}

static size_t per_run(const struct extsort *s)
{
	return s->cap / s->n_runs;
}

int extsort_rewind(struct extsort *s, struct err *err)
{
	size_t i, per;
	int rc;

	if (!s->reading && s->n_runs > 0 && s->n_mem > 0 && (rc = spill(s, err)))
		return rc;
	s->reading = 1;
	if (s->n_runs == 0) {
		if (!s->sorted)
			qsort(s->buf, s->n_mem, s->rec, s->cmp);
		s->sorted = 1;
		s->pos = 0;
		return 0;
	}
	/* more runs than records fit: a window of one record each */
	if (s->cap < s->n_runs) {
		s->cap = s->n_runs;
		s->buf = xrealloc(s->buf, st_mult(s->cap, s->rec));
	}
	per = per_run(s);
	if (!s->heap)
		s->heap = xmalloc(st_mult(s->n_runs, sizeof(*s->heap)));
	s->n_heap = 0;
	for (i = 0; i < s->n_runs; i++) {
		struct run *r = &s->runs[i];

		r->win = i * per;
		r->read = 0;
		if ((rc = refill(s, r, per, err)))
			return rc;
		if (r->n)
			s->heap[s->n_heap++] = i;
	}
	for (i = s->n_heap / 2; i-- > 0;)
		sift_down(s, i);
	return 0;
}

int extsort_next(struct extsort *s, void *rec, struct err *err)
{
	struct run *r;
	int rc;

	if (!s->reading)
		return ERR_SET(err, ERR_INTERNAL, "extsort: reading before extsort_rewind");
	if (s->n_runs == 0) {
		if (s->pos == s->n_mem)
			return 0;
		memcpy(rec, s->buf + s->pos++ * s->rec, s->rec);
		return 1;
	}
	if (s->n_heap == 0)
		return 0;
	r = &s->runs[s->heap[0]];
	memcpy(rec, head(s, s->heap[0]), s->rec);
	if (++r->pos == r->n) {
		if (r->read == r->len) {
			s->heap[0] = s->heap[--s->n_heap];
		} else if ((rc = refill(s, r, per_run(s), err))) {
			return rc;
		}
	}
	sift_down(s, 0);
	return 1;
}

uint64_t extsort_count(const struct extsort *s)
{
	return s->count;
}

size_t extsort_runs(const struct extsort *s)
{
	return s->n_runs;
}

void extsort_free(struct extsort *s)
{
	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	free(s->buf);
	free(s->runs);
	free(s->heap);
	free(s);
}
