/*
 * scratch.h: private scratch files for stages that spill to disk (the
 * external sort, linkage's candidate pairs): created in $TMPDIR, else
 * /tmp, readable by the owner only (mode 0600) and with no name (O_TMPFILE;
 * where the file system lacks it, mkstemp and unlinked at once), so that
 * nothing is left behind, even by a crash.
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_SCRATCH_H
#define PASOS_SCRATCH_H

#include "err.h"

/** A new scratch file's descriptor, or a negative code. Errors: ERR_IO. */
int scratch_open(struct err *err);

#endif
