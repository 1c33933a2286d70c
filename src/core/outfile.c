/*
 * outfile.c: files written whole or not at all, never through a name that
 * someone else could have planted, never over an input. See outfile.h.
 * SPDX-License-Identifier: MIT
 */
#include "outfile.h"
#include "mem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>

/* The files this run reads (a process-wide list: every output of the run is checked against it). */
static struct guard { dev_t dev; ino_t ino; } *guarded;
static size_t n_guarded, cap_guarded;

void outfile_guard(dev_t dev, ino_t ino)
{
	size_t i;

	for (i = 0; i < n_guarded; i++)
		if (guarded[i].dev == dev && guarded[i].ino == ino)
			return;
	if (n_guarded == cap_guarded) {
		cap_guarded = cap_guarded ? 2 * cap_guarded : 16;
		guarded = xrealloc(guarded, st_mult(cap_guarded, sizeof(*guarded)));
	}
	guarded[n_guarded].dev = dev;
	guarded[n_guarded].ino = ino;
	n_guarded++;
}

/* Whether path is a file this run reads. */
static int is_input(const char *path)
{
	struct stat sb;
	size_t i;

	if (stat(path, &sb))
		return 0;
	for (i = 0; i < n_guarded; i++)
		if (guarded[i].dev == sb.st_dev && guarded[i].ino == sb.st_ino)
			return 1;
	return 0;
}

static int too_long(const char *what, struct err *err)
{
	return ERR_SET(err, ERR_USAGE, "the path of %s is longer than %d bytes; choose a shorter directory",
		       what, OUTFILE_PATH_MAX - 1);
}

int outfile_open(struct outfile *o, const char *dir, const char *name, mode_t mode, struct err *err)
{
	int fd, n;

	memset(o, 0, sizeof(*o));
	if (!dir || !dir[0])
		dir = ".";
	{
		const char *sep = dir[strlen(dir) - 1] == '/' ? "" : "/";

		if ((size_t)snprintf(o->dir, sizeof(o->dir), "%s", dir) >= sizeof(o->dir) ||
		    (size_t)snprintf(o->path, sizeof(o->path), "%s%s%s", dir, sep, name) >= sizeof(o->path))
			return too_long(name, err);
		n = snprintf(o->tmp, sizeof(o->tmp), "%s%s.%s.XXXXXX", dir, sep, name);
	}
	if (n < 0 || (size_t)n >= sizeof(o->tmp)) {
		o->tmp[0] = '\0';
		return too_long(name, err);
	}
	if (is_input(o->path)) {
		o->tmp[0] = '\0';
		return ERR_SET(err, ERR_USAGE, "'%s' is a file this run reads: an output never replaces an input",
			       o->path);
	}
	{
		/* the rename would replace a device, a FIFO or a directory itself (/dev/null as root) */
		struct stat sb;

		if (lstat(o->path, &sb) == 0 && !S_ISREG(sb.st_mode) && !S_ISLNK(sb.st_mode)) {
			o->tmp[0] = '\0';
			return ERR_SET(err, ERR_USAGE, "'%s' is not a regular file: pasos writes a file whole and renames"
				       " it into place, which would replace it (leave the option out to write to"
				       " standard output where a command can)", o->path);
		}
	}
	fd = mkstemp(o->tmp);  /* O_CREAT|O_EXCL, mode 0600 */
	if (fd < 0) {
		n = errno;
		o->tmp[0] = '\0';
		return ERR_SET(err, ERR_IO, "cannot write in '%s': %s", dir, strerror(n));
	}
	if (fchmod(fd, mode) || !(o->f = fdopen(fd, "wb"))) {
		n = errno;
		close(fd);
		outfile_abort(o);
		return ERR_SET(err, ERR_IO, "cannot write '%s': %s", o->path, strerror(n));
	}
	setvbuf(o->f, NULL, _IOFBF, 1 << 20);
	return 0;
}

int outfile_finish(struct outfile *o, struct err *err)
{
	int bad, e;

	if (!o->f)
		return 0;
	bad = fflush(o->f) != 0 || ferror(o->f);
	bad |= !bad && fsync(fileno(o->f)) != 0;
	e = errno;
	bad |= fclose(o->f) != 0;
	o->f = NULL;
	if (bad) {
		if (!e)
			e = errno;
		outfile_abort(o);
		return ERR_SET(err, ERR_IO, "cannot write '%s': %s", o->path, strerror(e ? e : EIO));
	}
	return 0;
}

int outfile_place(struct outfile *o, struct err *err)
{
	int e;

	if (!o->tmp[0])
		return ERR_SET(err, ERR_INTERNAL, "'%s' was not written", o->path);
	if (is_input(o->path)) {
		outfile_abort(o);
		return ERR_SET(err, ERR_USAGE, "'%s' is a file this run reads: an output never replaces an input",
			       o->path);
	}
	if (rename(o->tmp, o->path)) {
		e = errno;
		outfile_abort(o);
		return ERR_SET(err, ERR_IO, "cannot write '%s': %s", o->path, strerror(e));
	}
	o->tmp[0] = '\0';
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int outfile_place_all(struct outfile *o, size_t n, struct err *err)
{
	const char **dirs = calloc(n ? n : 1, sizeof(*dirs));
	int *locks = calloc(n ? n : 1, sizeof(int));
	size_t i, nd = 0;
	int rc = 0;

	if (!dirs || !locks) {
		free(dirs);
		free(locks);
		for (i = 0; i < n; i++)
			outfile_abort(&o[i]);
		return ERR_SET(err, ERR_NOMEM, "out of memory");
	}
	/* each directory once, in name order, so two runs never wait on each other in a circle */
	for (i = 0; i < n; i++)
		dirs[nd++] = o[i].dir;
	qsort(dirs, nd, sizeof(*dirs), cmp_str);
	for (i = 0; i < nd; i++)
		locks[i] = -1;
	for (i = 0; i < nd && !rc; i++) {
		char lock[OUTFILE_PATH_MAX];

		if (i && !strcmp(dirs[i], dirs[i - 1]))
			continue;
		if ((size_t)snprintf(lock, sizeof(lock), "%s/.pasos.lock", dirs[i]) >= sizeof(lock)) {
			rc = too_long(".pasos.lock", err);
			break;
		}
		locks[i] = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (locks[i] < 0 || flock(locks[i], LOCK_EX))
			rc = ERR_SET(err, ERR_IO, "cannot lock '%s': %s", lock, strerror(errno));
	}
	for (i = 0; i < n; i++) {
		if (rc)
			outfile_abort(&o[i]);
		else
			rc = outfile_place(&o[i], err);
	}
	for (i = 0; i < nd; i++)
		if (locks[i] >= 0)
			close(locks[i]);  /* releases the lock */
	free(dirs);
	free(locks);
	return rc;
}

void outfile_abort(struct outfile *o)
{
	if (o->f) {
		fclose(o->f);
		o->f = NULL;
	}
	if (o->tmp[0]) {
		unlink(o->tmp);
		o->tmp[0] = '\0';
	}
}

int outfile_mkdir(const char *dir, mode_t mode, struct err *err)
{
	if (mkdir(dir, mode) == 0)
		return chmod(dir, mode) ? ERR_SET(err, ERR_IO, "cannot set the mode of '%s': %s", dir, strerror(errno)) : 0;
	if (errno == EEXIST) {
		struct stat sb;

		if (stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode))
			return 0;
		return ERR_SET(err, ERR_IO, "'%s' exists and is not a directory", dir);
	}
	return ERR_SET(err, ERR_IO, "cannot create '%s': %s", dir, strerror(errno));
}
