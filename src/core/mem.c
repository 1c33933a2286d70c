/*
 * mem.c: allocation with one point of failure, and struct buf.
 * SPDX-License-Identifier: MIT
 */
#include "mem.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * MEM_FAIL_AT=N fails the Nth allocation (Lua ltests.c debug_realloc). It is
 * read once; the counter is process state by nature, like malloc's own.
 */
static long fail_at = -1;
static long n_calls;

static void maybe_fail(size_t n)
{
	if (fail_at < 0) {
		const char *s = getenv("MEM_FAIL_AT");
		fail_at = s ? strtol(s, NULL, 10) : 0;
	}
	if (fail_at > 0 && ++n_calls == fail_at) {
		fprintf(stderr, "pasos: fatal: out of memory allocating %zu bytes (MEM_FAIL_AT)\n", n);
		abort();
	}
}

static void die_oom(size_t n)
{
	fprintf(stderr, "pasos: fatal: out of memory allocating %zu bytes\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p;

	maybe_fail(n);
	p = malloc(n ? n : 1);
	if (!p)
		die_oom(n);
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p;

	maybe_fail(nmemb * size);
	p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		die_oom(st_mult(nmemb, size));
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q;

	maybe_fail(n);
	q = realloc(p, n ? n : 1);
	if (!q)
		die_oom(n);
	return q;
}

char *xstrdup(const char *s)
{
	return xmemdup0(s, strlen(s));
}

char *xmemdup0(const char *p, size_t len)
{
	char *q = xmalloc(len + 1);

	memcpy(q, p, len);
	q[len] = '\0';
	return q;
}

size_t st_mult(size_t a, size_t b)
{
	if (b && a > SIZE_MAX / b) {
		fprintf(stderr, "pasos: fatal: size overflow %zu * %zu\n", a, b);
		abort();
	}
	return a * b;
}

void buf_init(struct buf *b, size_t max)
{
	b->p = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void buf_release(struct buf *b)
{
	FREE_AND_NULL(b->p);
	b->len = b->cap = 0;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

static int grow(struct buf *b, size_t extra, struct err *err)
{
	size_t need, cap;

	if (extra > b->max || b->len > b->max - extra)
		return ERR_SET(err, ERR_NOMEM, "buffer would exceed its limit of %zu bytes", b->max);
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	b->p = xrealloc(b->p, cap);
	b->cap = cap;
	return 0;
}

int buf_reserve(struct buf *b, size_t n, struct err *err)
{
	return grow(b, n, err);
}

int buf_add(struct buf *b, const void *p, size_t len, struct err *err)
{
	int rc = grow(b, len, err);

	if (rc)
		return rc;
	if (len)
		memcpy(b->p + b->len, p, len);
	b->len += len;
	b->p[b->len] = '\0';
	return 0;
}

int buf_adds(struct buf *b, const char *s, struct err *err)
{
	return buf_add(b, s, strlen(s), err);
}

int buf_addc(struct buf *b, char c, struct err *err)
{
	return buf_add(b, &c, 1, err);
}

int buf_addf(struct buf *b, struct err *err, const char *fmt, ...)
{
	va_list ap;
	int n, rc;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return ERR_SET(err, ERR_INTERNAL, "bad format");
	rc = grow(b, (size_t)n, err);
	if (rc)
		return rc;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}
