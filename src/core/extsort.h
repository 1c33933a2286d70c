/*
 * extsort.h: sort fixed-size records with bounded memory. Records are
 * added one at a time; whenever the memory given is full it is sorted and
 * written to a temporary file as a run; reading merges the runs. What fits
 * in memory never touches a file. The sorted records can be read as many
 * times as needed (extsort_rewind), each time in the same order.
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_EXTSORT_H
#define PASOS_EXTSORT_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"

struct extsort;

/**
 * A sorter of records of rec_size bytes ordered by cmp (a total order:
 * equal records may come out in any order), holding at most mem_bytes of
 * them in memory at a time. Temporary files go to $TMPDIR, else /tmp, and
 * are unlinked at once.
 */
struct extsort *extsort_new(size_t rec_size, size_t mem_bytes, int (*cmp)(const void *, const void *));

/** Add a record. Errors: ERR_IO (a run could not be written). */
int extsort_add(struct extsort *s, const void *rec, struct err *err);

/** Start reading the records in order, from the first. Errors: ERR_IO. */
int extsort_rewind(struct extsort *s, struct err *err);

/** The next record into rec: 1, or 0 at the end. Errors (negative return): ERR_IO. */
int extsort_next(struct extsort *s, void *rec, struct err *err);

/** Records added, and runs written to the temporary file so far. */
uint64_t extsort_count(const struct extsort *s);
size_t extsort_runs(const struct extsort *s);

void extsort_free(struct extsort *s);

#endif
