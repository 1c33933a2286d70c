/*
 * serve_vfs.c: the service's files, opened by SQLite's own VFS, with one
 * rule added: the store's log (its -wal file) is never written again from
 * its start, cut or removed before the store itself is on disk.
 *
 * Why: a checkpoint copies committed pages from the log into the store,
 * and SQLite fsyncs the log before and the store after, so that the log
 * may start again. Done at every small checkpoint (one every 5 ms, see
 * serve_commit.c), those two fsyncs landed among the commits' own, which
 * queued behind them: on 10 million movements p99 of registrations was 9
 * to 13 ms with them, 6.5 to 7.3 ms without (bench/serve.sh). The
 * service's checkpoints make none (synchronous=OFF on their connection):
 * the commits are on disk in the log already (the writer's
 * synchronous=FULL), and the copies in the store need to be on disk only
 * before the log that holds them is overwritten, which begins with a
 * write of the log's header at offset 0 (the log starts again, at the
 * writer's first commit after the log was copied whole), or before the
 * log is cut or removed. Those are caught here, and the store fsynced
 * first; the checkpoints' thread fsyncs it itself before it restarts the
 * log, so that little is left for the writer's. Nothing else is changed:
 * every other call goes to the default VFS as it is.
 * SPDX-License-Identifier: MIT
 */
#include "serve_int.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

struct guarded {
	sqlite3_file base;  /* methods: guarded_io */
	int store_fd;       /* a log's: its store, for fdatasync (-1: not a log) */
	sqlite3_file *real; /* the default VFS's file, just after this struct */
};

static sqlite3_vfs guard_vfs;
static sqlite3_vfs *real_vfs;

/* path's store, if path names a log ("STORE-wal"), opened for fdatasync; -1 if not a log */
static int store_of_log(const char *path)
{
	size_t n = path ? strlen(path) : 0;
	char store[4096];

	if (n <= 4 || n - 4 >= sizeof(store) || strcmp(path + n - 4, "-wal"))
		return -1;
	memcpy(store, path, n - 4);
	store[n - 4] = '\0';
	return open(store, O_RDONLY | O_CLOEXEC);
}

#define REAL(f) (((struct guarded *)(f))->real)

/* a log's store on disk, before the log is overwritten or cut (g_write, g_truncate) */
static int store_synced(sqlite3_file *f)
{
	int fd = ((struct guarded *)f)->store_fd;

	return fd < 0 || !fdatasync(fd);
}

static int g_close(sqlite3_file *f)
{
	if (((struct guarded *)f)->store_fd >= 0)
		close(((struct guarded *)f)->store_fd);
	return REAL(f)->pMethods->xClose(REAL(f));
}

static int g_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	return REAL(f)->pMethods->xRead(REAL(f), buf, n, off);
}

static int g_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	/* a log's header written: the log starts again, over pages the store may hold only in memory */
	if (off == 0 && !store_synced(f))
		return SQLITE_IOERR_FSYNC;
	return REAL(f)->pMethods->xWrite(REAL(f), buf, n, off);
}

static int g_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	if (!store_synced(f))
		return SQLITE_IOERR_FSYNC;
	return REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int g_sync(sqlite3_file *f, int flags)
{
	return REAL(f)->pMethods->xSync(REAL(f), flags);
}

static int g_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int g_lock(sqlite3_file *f, int level)
{
	return REAL(f)->pMethods->xLock(REAL(f), level);
}

static int g_unlock(sqlite3_file *f, int level)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), level);
}

static int g_reserved(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int g_control(sqlite3_file *f, int op, void *arg)
{
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int g_sector(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int g_caps(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int g_shm_map(sqlite3_file *f, int pg, int size, int extend, void volatile **p)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), pg, size, extend, p);
}

static int g_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), off, n, flags);
}

static void g_shm_barrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int g_shm_unmap(sqlite3_file *f, int del)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

static int g_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **p)
{
	return REAL(f)->pMethods->xFetch(REAL(f), off, n, p);
}

static int g_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	return REAL(f)->pMethods->xUnfetch(REAL(f), off, p);
}

/*
 * The same calls at each version: a file is given the version its own
 * methods have (g_open), so SQLite calls no method the file lacks and
 * loses none it has (a version 2 file keeps its shared memory: the log).
 */
#define GUARDED_IO(v) { v, g_close, g_read, g_write, g_truncate, g_sync, g_size, g_lock, g_unlock, g_reserved, \
			g_control, g_sector, g_caps, g_shm_map, g_shm_lock, g_shm_barrier, g_shm_unmap, g_fetch, g_unfetch }
static const sqlite3_io_methods guarded_io[3] = { GUARDED_IO(1), GUARDED_IO(2), GUARDED_IO(3) };

static int g_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
	struct guarded *g = (struct guarded *)f;
	int rc, v;

	(void)vfs;
	g->real = (sqlite3_file *)(g + 1);
	g->store_fd = -1;
	if ((flags & SQLITE_OPEN_WAL) && (g->store_fd = store_of_log(name)) < 0) {
		f->pMethods = NULL;
		return SQLITE_CANTOPEN;  /* a log whose store cannot be fsynced is not written */
	}
	rc = real_vfs->xOpen(real_vfs, name, g->real, flags, out_flags);
	if (rc != SQLITE_OK || !g->real->pMethods) {
		if (g->store_fd >= 0)
			close(g->store_fd);
		f->pMethods = NULL;  /* nothing to close */
		return rc;
	}
	v = g->real->pMethods->iVersion;
	f->pMethods = &guarded_io[(v > 3 ? 3 : v < 1 ? 1 : v) - 1];
	return SQLITE_OK;
}

/* A log removed: its store on disk first. */
static int g_delete(sqlite3_vfs *vfs, const char *name, int dirsync)
{
	int fd = store_of_log(name), synced;

	(void)vfs;
	if (fd >= 0) {
		synced = !fdatasync(fd);
		close(fd);
		if (!synced)
			return SQLITE_IOERR_FSYNC;
	}
	return real_vfs->xDelete(real_vfs, name, dirsync);
}

static int g_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	(void)vfs;
	return real_vfs->xAccess(real_vfs, name, flags, out);
}

static int g_full(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	(void)vfs;
	return real_vfs->xFullPathname(real_vfs, name, n, out);
}

static void *g_dlopen(sqlite3_vfs *vfs, const char *name)
{
	(void)vfs;
	return real_vfs->xDlOpen(real_vfs, name);
}

static void g_dlerror(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	real_vfs->xDlError(real_vfs, n, out);
}

static void (*g_dlsym(sqlite3_vfs *vfs, void *h, const char *sym))(void)
{
	(void)vfs;
	return real_vfs->xDlSym(real_vfs, h, sym);
}

static void g_dlclose(sqlite3_vfs *vfs, void *h)
{
	(void)vfs;
	real_vfs->xDlClose(real_vfs, h);
}

static int g_random(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return real_vfs->xRandomness(real_vfs, n, out);
}

static int g_sleep(sqlite3_vfs *vfs, int us)
{
	(void)vfs;
	return real_vfs->xSleep(real_vfs, us);
}

static int g_time(sqlite3_vfs *vfs, double *t)
{
	(void)vfs;
	return real_vfs->xCurrentTime(real_vfs, t);
}

static int g_lasterr(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return real_vfs->xGetLastError(real_vfs, n, out);
}

static int g_time64(sqlite3_vfs *vfs, sqlite3_int64 *t)
{
	(void)vfs;
	return real_vfs->xCurrentTimeInt64(real_vfs, t);
}

int serve_vfs_register(struct err *err)
{
	if (real_vfs)
		return 0;
	if (!(real_vfs = sqlite3_vfs_find(NULL)) || real_vfs->iVersion < 2)
		return ERR_SET(err, ERR_STORE, "SQLite has no default file system to build on");
	guard_vfs = (sqlite3_vfs){ 2, (int)sizeof(struct guarded) + real_vfs->szOsFile, real_vfs->mxPathname, NULL,
				   "pasos-serve", NULL, g_open, g_delete, g_access, g_full, g_dlopen, g_dlerror,
				   g_dlsym, g_dlclose, g_random, g_sleep, g_time, g_lasterr, g_time64,
				   NULL, NULL, NULL };
	if (sqlite3_vfs_register(&guard_vfs, 1) != SQLITE_OK) {
		real_vfs = NULL;
		return ERR_SET(err, ERR_STORE, "cannot register the service's file system with SQLite");
	}
	return 0;
}

/* After every connection is closed: the default VFS SQLite's own again. */
void serve_vfs_unregister(void)
{
	if (!real_vfs)
		return;
	sqlite3_vfs_unregister(&guard_vfs);
	sqlite3_vfs_register(real_vfs, 1);
	real_vfs = NULL;
}
