/*
 * scratch.c: private scratch files (see scratch.h).
 * SPDX-License-Identifier: MIT
 */
#include "scratch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int scratch_open(struct err *err)
{
	const char *dir = getenv("TMPDIR");
	char path[1024];
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
	snprintf(path, sizeof(path), "%s/pasos-XXXXXX", dir);
	if ((fd = mkstemp(path)) < 0)
		return ERR_SET(err, ERR_IO, "cannot create a temporary file in %s: %s", dir, strerror(errno));
	unlink(path);
	return fd;
}
