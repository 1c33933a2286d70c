/*
 * outfile.h: every file pasos writes appears whole or not at all. It is
 * written to a private temporary file created in the target directory
 * (mkstemp: O_CREAT|O_EXCL, so no link planted under a guessable name is
 * ever followed), flushed to disk, then renamed over the target. A path
 * that does not fit is an error, never cut short; a target that is one of
 * the run's inputs is refused. The files of one publication are put in
 * place together under a lock on their directory (outfile_place_all), so
 * two runs into one directory never interleave.
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_OUTFILE_H
#define PASOS_OUTFILE_H

#include <stdio.h>
#include <sys/types.h>
#include "err.h"

#define OUTFILE_PATH_MAX 1024

/* Modes: personal or confidential data, and tables for the public. */
#define OUTFILE_PRIVATE 0600
#define OUTFILE_PUBLIC 0644

struct outfile {
	char path[OUTFILE_PATH_MAX];  /* the target */
	char tmp[OUTFILE_PATH_MAX];   /* the temporary beside it, "" once placed or removed */
	char dir[OUTFILE_PATH_MAX];   /* the directory, for its lock */
	FILE *f;                      /* open while writing */
};

/**
 * Create the temporary for DIR/NAME (dir NULL: the current directory) with
 * mode, and open it for writing (o->f, fully buffered). Errors: ERR_USAGE
 * (the path does not fit, or names a file this run reads: see
 * outfile_guard), ERR_IO.
 */
int outfile_open(struct outfile *o, const char *dir, const char *name, mode_t mode, struct err *err);

/** Flush and sync the temporary and close it; it is whole on disk. Errors: ERR_IO (the temporary is removed). */
int outfile_finish(struct outfile *o, struct err *err);

/** Put a finished file in place. Errors: ERR_IO. */
int outfile_place(struct outfile *o, struct err *err);

/**
 * Put n finished files in place together: each directory's lock
 * (DIR/.pasos.lock, taken in turn, blocking) is held while they are
 * renamed. On error the files not yet placed are removed. Errors: ERR_IO.
 */
int outfile_place_all(struct outfile *o, size_t n, struct err *err);

/** Remove the temporary if it is still there, closing it if open; safe to call twice. */
void outfile_abort(struct outfile *o);

/**
 * Note a file this run reads: no outfile may replace it (compared by
 * device and inode, so other spellings of its path are caught too).
 * Any number; a file guarded twice is kept once.
 */
void outfile_guard(dev_t dev, ino_t ino);

/**
 * Create a directory for output with mode (0700 for confidential data,
 * 0755 for public tables); an existing one is kept as it is. Errors: ERR_IO.
 */
int outfile_mkdir(const char *dir, mode_t mode, struct err *err);

#endif
