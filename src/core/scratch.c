/*
 * scratch.c: private scratch files (see scratch.h).
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE  /* O_TMPFILE */
#include "scratch.h"

#include <errno.h>
#include <fcntl.h>
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
	/*
	 * A file with no name: nothing is left behind even by a kill between
	 * creating a named one and unlinking it (t4004 caught one such). A file
	 * system without O_TMPFILE gets a named one, unlinked at once.
	 */
	if ((fd = open(dir, O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600)) >= 0)
		return fd;
	snprintf(path, sizeof(path), "%s/pasos-XXXXXX", dir);
	if ((fd = mkstemp(path)) < 0)
		return ERR_SET(err, ERR_IO, "cannot create a temporary file in %s: %s", dir, strerror(errno));
	unlink(path);
	return fd;
}
