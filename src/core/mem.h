/*
 * mem.h: the one allocator of pasos, and a bounded growable buffer.
 * xmalloc and friends abort with a message on exhaustion; MEM_FAIL_AT=N in
 * the environment makes the Nth allocation fail (fault-injection tests).
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_MEM_H
#define PASOS_MEM_H

#include <stddef.h>
#include "err.h"

/** Allocate n bytes; never returns NULL (aborts). Caller owns the result. */
void *xmalloc(size_t n);
/** Allocate zeroed nmemb*size bytes, overflow-checked; never NULL. */
void *xcalloc(size_t nmemb, size_t size);
/** Resize p to n bytes; never NULL. p is no longer valid afterwards. */
void *xrealloc(void *p, size_t n);
/** Copy the string s into new storage owned by the caller. */
char *xstrdup(const char *s);
/** Copy len bytes of p and a terminating NUL into new storage owned by the caller. */
char *xmemdup0(const char *p, size_t len);
/** Multiply with overflow check; aborts on overflow (git st_mult). */
size_t st_mult(size_t a, size_t b);

#define FREE_AND_NULL(p) do { free(p); (p) = NULL; } while (0)

/* Growable byte buffer with a mandatory maximum size (curl dynbuf). */
struct buf {
	char *p;     /* always NUL-terminated when len > 0 or after buf_init */
	size_t len;
	size_t cap;
	size_t max;  /* growing past this is ERR_NOMEM, never an abort */
};

/** Initialise an empty buffer that may hold at most max bytes. */
void buf_init(struct buf *b, size_t max);
/** Free the contents; b may be reused after buf_init. */
void buf_release(struct buf *b);
/** Empty the buffer, keeping its storage. */
void buf_reset(struct buf *b);
/** Make room for n more bytes without reallocating. Returns 0, or ERR_NOMEM past b->max. */
int buf_reserve(struct buf *b, size_t n, struct err *err);
/** Append len bytes (copied). Returns 0, or ERR_NOMEM past b->max. */
int buf_add(struct buf *b, const void *p, size_t len, struct err *err);
/** Append a NUL-terminated string (copied). */
int buf_adds(struct buf *b, const char *s, struct err *err);
/** Append one byte. */
int buf_addc(struct buf *b, char c, struct err *err);
/** Append printf-formatted text. */
int buf_addf(struct buf *b, struct err *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
