/*
 * serve_commit.c: the group commit. One writer thread takes every job
 * waiting (registrations, the trail of reads, decisions, the other
 * registers' records), writes them in one transaction with their persons,
 * histories and audit trail, commits, and only then answers them (resumes
 * their suspended connections or wakes their threads); a thread of its
 * own copies the log into the store after commits. See serve_int.h.
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE  /* sync_file_range */
#include "serve_int.h"
#include "ingest.h"
#include "store.h"
#include "trail.h"
#include "validate.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int64_t person_of(struct server *sv, struct job *j)
{
	sqlite3_stmt *q = sv->find_person;
	int64_t p = j->doc_person;  /* read before (serve_known_person): never looked up again */

	/* the same document at once: the person of a stored crossing with it */
	if (!p) {
		sqlite3_bind_text(q, 1, j->vals[sv->doc_type].p, (int)j->vals[sv->doc_type].len, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, j->vals[sv->doc_country].p, (int)j->vals[sv->doc_country].len, SQLITE_STATIC);
		sqlite3_bind_text(q, 3, j->vals[sv->doc_number].p, (int)j->vals[sv->doc_number].len, SQLITE_STATIC);
		if (sqlite3_step(q) == SQLITE_ROW)
			p = sqlite3_column_int64(q, 0);
		sqlite3_reset(q);
	}
	j->linked_by = p ? "document" : j->name_person ? "name" : "new";
	if (!p && j->name_person)
		return j->name_person;  /* a new document, the person found by name with the model */
	return p ? p : sv->next_person++;
}

static void bind_field(sqlite3_stmt *q, int col, const struct csv_field *v)
{
	if (v->len)
		sqlite3_bind_text(q, col, v->p, (int)v->len, SQLITE_STATIC);
	else
		sqlite3_bind_null(q, col);
}

/* A registered crossing into its person's history (person_crossings, see store.h). */
static int put_crossing(struct server *sv, struct job *j, int64_t rowid, struct err *err)
{
	sqlite3_stmt *q = sv->put_crossing;
	const struct csv_field none = { "", 0 };
	long long stay;
	int rc;

	sqlite3_bind_int64(q, 1, j->person);
	sqlite3_bind_text(q, 2, j->vals[sv->f_time].p, (int)j->vals[sv->f_time].len, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, rowid);
	bind_field(q, 4, &j->vals[sv->s->id_field]);
	bind_field(q, 5, &j->vals[sv->f_dir]);
	bind_field(q, 6, &j->vals[sv->post_field]);
	bind_field(q, 7, sv->f_nat >= 0 ? &j->vals[sv->f_nat] : &none);
	if (sv->f_stay >= 0 && validate_integer(j->vals[sv->f_stay].p, j->vals[sv->f_stay].len, &stay))
		sqlite3_bind_int64(q, 8, stay);
	else
		bind_field(q, 8, sv->f_stay >= 0 ? &j->vals[sv->f_stay] : &none);
	rc = sqlite3_step(q) == SQLITE_DONE ? 0 : store_error(store_db(sv->st), "cannot add to the history", err);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return rc;
}

/*
 * The crossing's document and names into its person's (person_documents,
 * person_names, see store.c), each only if new: a returning traveller's
 * crossing adds nothing there, and what the request's thread read stored
 * already (j->doc_person, j->names_known) is not even looked for.
 */
static int put_person_keys(struct server *sv, struct job *j, int64_t rowid, struct err *err)
{
	sqlite3_stmt *d = sv->put_doc, *n = sv->put_name;
	int rc = 0, k;

	if (!j->doc_person) {
		sqlite3_bind_text(d, 1, j->vals[sv->doc_type].p, (int)j->vals[sv->doc_type].len, SQLITE_STATIC);
		sqlite3_bind_text(d, 2, j->vals[sv->doc_country].p, (int)j->vals[sv->doc_country].len, SQLITE_STATIC);
		sqlite3_bind_text(d, 3, j->vals[sv->doc_number].p, (int)j->vals[sv->doc_number].len, SQLITE_STATIC);
		sqlite3_bind_int64(d, 4, j->person);
		rc = sqlite3_step(d) == SQLITE_DONE ? 0 : store_error(store_db(sv->st), "cannot keep the document", err);
		sqlite3_reset(d);
	}
	if (rc || j->names_known)
		return rc;
	for (k = 0; k < 9; k++) {
		const struct csv_field *v = sv->f_key[k] >= 0 ? &j->vals[sv->f_key[k]] : NULL;

		/* the names, then (after person and crossing, columns 6 and 7) the sex and document */
		sqlite3_bind_text(n, k < 5 ? k + 1 : k + 3, v ? v->p : "", v ? (int)v->len : 0, SQLITE_STATIC);
	}
	sqlite3_bind_int64(n, 6, j->person);
	sqlite3_bind_int64(n, 7, rowid);
	sqlite3_bind_blob(n, 12, j->skeys, (int)j->skeys_len, SQLITE_STATIC);
	rc = sqlite3_step(n) == SQLITE_DONE ? 0 : store_error(store_db(sv->st), "cannot keep the names", err);
	sqlite3_reset(n);
	return rc;
}

/*
 * A record into its register's table, counted in batch b, in the group's
 * transaction, as ingest puts a row: j->status 201 stored, 200 a retry
 * (recorded as a duplicate), 409 another record with its id (kept aside as a
 * conflict); *put says which. The movements and every other register alike.
 */
int serve_put_record(struct server *sv, struct store_table *t, const struct schema *s, struct store_batch *b,
		     struct job *j, enum store_put *put, struct err *err)
{
	const struct csv_field *id = &j->vals[s->id_field];
	int64_t first;
	int rc;

	b->rows_read++;
	if ((rc = store_table_put(t, j->vals, ingest_hash(j->vals, s->n_fields), b->id, b->rows_read, put, &first, err)))
		return rc;
	if (*put == STORE_ACCEPTED) {
		b->accepted++;
		j->status = 201;
		return 0;
	}
	if (*put == STORE_DUPLICATE) {
		b->duplicates++;
		j->status = 200;
		return store_put_duplicate(sv->st, b->id, b->rows_read, id->p, id->len, first, err);
	}
	b->conflicts++;
	j->status = 409;
	return store_put_conflict(sv->st, b->id, b->rows_read, id->p, id->len, first, j->raw, j->raw_len, err);
}

/* The write of a record of register name in the audit trail, with its answer's status. */
int serve_trail_record(struct server *sv, struct job *j, const char *name, int id_field, struct err *err)
{
	snprintf(j->object, sizeof(j->object), "%s:%.*s", name, (int)j->vals[id_field].len, j->vals[id_field].p);
	return trail_append(store_db(sv->st), &sv->trail, j->user, j->addr, "register", j->object, j->status, err);
}

/* One job inside the open transaction. */
static int write_job(struct server *sv, struct job *j, struct err *err)
{
	enum store_put put;
	int64_t rowid;
	int rc;

	if (j->kind == JOB_TRAIL)
		return trail_append(store_db(sv->st), &sv->trail, j->user, j->addr, j->action, j->object,
				    j->read_status, err);
	if (j->kind == JOB_DECISION)
		return screening_decide_job(sv, j, err);
	if (j->kind == JOB_RECORD)
		return registers_write_job(sv, j, err);
	if ((rc = serve_put_record(sv, sv->t, sv->s, &sv->batch, j, &put, err)))
		return rc;
	if (put == STORE_ACCEPTED) {
		rowid = sqlite3_last_insert_rowid(store_db(sv->st));
		j->person = person_of(sv, j);
		sqlite3_bind_text(sv->put_link, 1, j->vals[sv->s->id_field].p, (int)j->vals[sv->s->id_field].len, SQLITE_STATIC);
		sqlite3_bind_int64(sv->put_link, 2, j->person);
		rc = sqlite3_step(sv->put_link) == SQLITE_DONE ? 0 : store_error(store_db(sv->st), "cannot link the person", err);
		sqlite3_reset(sv->put_link);
		if (!rc)
			rc = put_crossing(sv, j, rowid, err);
		if (!rc)
			rc = put_person_keys(sv, j, rowid, err);
		if (!rc)
			rc = screening_store(sv, j, err);
	} else if (put == STORE_DUPLICATE) {
		/* a retry: the person is the one the record has */
		sqlite3_stmt *q = NULL;

		if (sqlite3_prepare_v2(store_db(sv->st), "SELECT person_id FROM person_links WHERE register = 'movements'"
				       " AND record_id = ?", -1, &q, NULL) == SQLITE_OK) {
			sqlite3_bind_text(q, 1, j->vals[sv->s->id_field].p, (int)j->vals[sv->s->id_field].len, SQLITE_STATIC);
			if (sqlite3_step(q) == SQLITE_ROW)
				j->person = sqlite3_column_int64(q, 0);
		}
		sqlite3_finalize(q);
	}
	return rc ? rc : serve_trail_record(sv, j, "movements", sv->s->id_field, err);
}

void *serve_writer(void *arg)
{
	struct server *sv = arg;

	for (;;) {
		struct job *jobs, *j;
		struct trail saved;
		struct store_batch bsaved, served_saved[SERVED_MAX];
		int64_t psaved;
		struct err err;
		int rc;

		pthread_mutex_lock(&sv->lock);
		while (!sv->head && !sv->stopping)
			pthread_cond_wait(&sv->work, &sv->lock);
		jobs = sv->head;
		sv->head = sv->tail = NULL;
		pthread_mutex_unlock(&sv->lock);
		if (!jobs)
			break;  /* stopping, and nothing left */
		err_init(&err);
		saved = sv->trail;
		bsaved = sv->batch;
		for (size_t k = 0; k < sv->n_served; k++)
			served_saved[k] = sv->served[k]->batch;
		psaved = sv->next_person;
		rc = store_begin(sv->st, &err);
		for (j = jobs; j && !rc; j = j->next)
			rc = write_job(sv, j, &err);
		if (!rc)
			rc = store_batch_save(sv->st, &sv->batch, &err);
		if (!rc)
			rc = registers_save(sv, &err);
		if (!rc)
			rc = trail_save(store_db(sv->st), &sv->trail, &err);
		rc = store_end(sv->st, rc, &err);
		if (rc) {
			/* nothing of this group is on disk: each is told so */
			fprintf(stderr, "pasos serve: error: %s\n", err.msg);
			sv->trail = saved;
			sv->batch = bsaved;
			sv->next_person = psaved;
			for (size_t k = 0; k < sv->n_served; k++)
				sv->served[k]->batch = served_saved[k];
		}
		/* each waiting thread is woken alone: no herd of every connection at every commit */
		{
			long resumed = 0;

			for (j = jobs; j;) {
				struct job *next = j->next;  /* j belongs to its thread again once posted or resumed */
				struct MHD_Connection *c = j->conn;

				if (rc)
					j->status = 500;
				if (c) {
					MHD_resume_connection(c);
					resumed++;
				} else {
					sem_post(&j->answered);
				}
				j = next;
			}
			pthread_mutex_lock(&sv->lock);
			if (resumed && !(sv->in_flight -= resumed))
				pthread_cond_broadcast(&sv->drained);
			sv->ckpt_due = 1;  /* the log just grew: copied into the store at once */
			pthread_cond_signal(&sv->ckpt_cond);
			pthread_mutex_unlock(&sv->lock);
		}
	}
	return NULL;
}

double serve_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * The log copied into the store by a thread of its own, after a commit
 * (the writer wakes it) but no more than once every CKPT_MIN_MS, so no
 * commit waits for a checkpoint (the writer's automatic checkpoints are
 * off). Passive: it never waits for a reader or the writer. Often and
 * small: a checkpoint's writes slow the commits' fsyncs while they last,
 * and measured at 64 connections p99 of registrations went from about
 * 9 ms every 1 or 2 ms to 10 ms every 5 ms, 13 ms every 20 ms and 17 ms
 * every 50 ms (bench/serve.sh, a store of 100,000 movements; earlier,
 * 43 ms every 200 ms and 98 ms every 64 MiB of log). Not more often:
 * the histories' reads commit thousands of times a second, and every
 * 5 ms gave 23,300 histories a second at 32 connections on 10 M
 * movements, every 2 ms 19,900, after every commit 14% fewer still.
 *
 * The log starts again from its beginning only at a moment when no read
 * uses it, which under a steady flow of reads never comes: past
 * CKPT_RESTART_FRAMES, a checkpoint holds the writer and waits for the
 * reads under way to end (new ones read the store itself), but never more
 * than about 10 ms: a read thread waiting for a core could keep it, and
 * every commit, waiting for seconds. It tries again at the next turn.
 * Seldom, since each start holds the writer 3 to 10 ms: past 32 MiB of
 * log (four times a second at 13,000 registrations a second) 1.1% of the
 * registrations waited for a BEGIN held over 1 ms, past 128 MiB 0.6%.
 */
#define CKPT_RESTART_FRAMES 32768  /* 128 MiB of log */
#define CKPT_MIN_MS 5

/* A busy handler's patience: tries, each after a sleep of us microseconds. */
struct patience {
	int tries;
	unsigned us;
};

/*
 * The writer, kept from the store for a moment (a checkpoint starting the
 * log again holds it), tries again every 100 us for 10 s: SQLite's own
 * wait sleeps 1, 2, 5, 10 ms... and turned a 4 ms hold into an 8 ms stall
 * of every registration waiting for the next commit.
 */
static const struct patience writer_patience = { 100000, 100 };
/* a checkpoint waits for the reads under way about 10 ms at most (see above) */
static const struct patience ckpt_patience = { 40, 250 };

static int busy_wait(void *arg, int tries)
{
	const struct patience *p = arg;

	if (tries >= p->tries)
		return 0;
	usleep(p->us);
	return 1;
}

void *serve_checkpointer(void *arg)
{
	struct server *sv = arg;
	struct timespec until;
	int log = 0, done = 0;

	pthread_mutex_lock(&sv->lock);
	while (!sv->stopping) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec++;  /* and once a second, whatever happens */
		while (!sv->ckpt_due && !sv->stopping)
			if (pthread_cond_timedwait(&sv->ckpt_cond, &sv->lock, &until))
				break;
		sv->ckpt_due = 0;
		if (sv->stopping)
			break;
		pthread_mutex_unlock(&sv->lock);
		{
			double t0 = serve_now(), rest;

			/*
			 * The checkpoint fsyncs nothing (serve.c): its pages go to the disk
			 * now, without a wait or a flush of the disk's cache, and the store
			 * is fsynced here before the log starts again, so that the writer's
			 * commit that writes the log's new header is left only the pages
			 * of the last checkpoint to have on disk first (serve_vfs.c).
			 * Without sending them at once, that fsync had a second's pages
			 * to write and p99 of registrations rose to 37-59 ms.
			 */
			if (sqlite3_wal_checkpoint_v2(sv->ckpt_db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done) == SQLITE_OK) {
				sync_file_range(sv->store_fd, 0, 0, SYNC_FILE_RANGE_WRITE);
				if (log >= CKPT_RESTART_FRAMES && !fdatasync(sv->store_fd))
					sqlite3_wal_checkpoint_v2(sv->ckpt_db, NULL, SQLITE_CHECKPOINT_RESTART, &log, &done);
			}
			/* at most one every CKPT_MIN_MS: reads' small commits come by the thousand a second */
			if ((rest = CKPT_MIN_MS / 1e3 - (serve_now() - t0)) > 0)
				usleep((useconds_t)(rest * 1e6));
		}
		pthread_mutex_lock(&sv->lock);
	}
	pthread_mutex_unlock(&sv->lock);
	return NULL;
}

/* Queue j for the writer; a job of a suspended connection counts in flight until resumed. */
static void enqueue(struct server *sv, struct job *j)
{
	j->next = NULL;
	pthread_mutex_lock(&sv->lock);
	if (sv->tail)
		sv->tail->next = j;
	else
		sv->head = j;
	sv->tail = j;
	if (j->conn)
		sv->in_flight++;
	pthread_cond_signal(&sv->work);
	pthread_mutex_unlock(&sv->lock);
}

/* Hand a job to the writer and wait until it is committed (or failed). */
void submit(struct server *sv, struct job *j)
{
	sem_init(&j->answered, 0, 0);
	j->conn = NULL;
	enqueue(sv, j);
	while (sem_wait(&j->answered))
		;  /* EINTR */
	sem_destroy(&j->answered);
}

enum MHD_Result submit_async(struct server *sv, struct MHD_Connection *c, struct request *rq, struct pending *p)
{
	rq->pending = p;
	p->j.conn = c;
	MHD_suspend_connection(c);  /* before the writer can see the job, so its resume never comes first */
	enqueue(sv, &p->j);
	return MHD_YES;
}

void serve_commit_waits(struct server *sv)
{
	sqlite3_busy_handler(sv->ckpt_db, busy_wait, (void *)&ckpt_patience);
	sqlite3_busy_handler(store_db(sv->st), busy_wait, (void *)&writer_patience);
}
