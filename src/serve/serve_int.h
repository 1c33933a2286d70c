/*
 * serve_int.h: what the service's files share: the server, the writer's
 * jobs, and the helpers every route uses. Not for use outside src/serve*.c.
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_SERVE_INT_H
#define PASOS_SERVE_INT_H

#include "csv.h"
#include "mem.h"
#include "link.h"
#include "link_model.h"
#include "schema.h"
#include "screen.h"
#include "store.h"
#include "trail.h"
#include "users.h"

#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <semaphore.h>

#define BODY_MAX (64 * 1024)
#define READ_POOL 64
#define READER_STMTS 14
#define RQ_TX_BEGIN 11   /* the reader statements every file shares; the others number theirs apart from these */
#define RQ_TX_COMMIT 12

/* ==== Jobs for the writer ==== */

enum job_kind { JOB_REGISTER, JOB_TRAIL, JOB_DECISION, JOB_RECORD };

/* A register served for the institutions its definition names (serve_registers.c). */
struct served {
	struct schema *s;
	struct store_table *t;
	struct store_batch batch;  /* this run's records, as one batch */
	struct refers *rf;         /* its refers rules, or NULL */
	int dirty;                 /* the batch's counts moved in this group */
};
#define SERVED_MAX 32

struct job {
	enum job_kind kind;
	/* in: a record (schema order, pointing into text) and who asked */
	struct csv_field vals[SCHEMA_MAX_FIELDS];
	const char *raw;
	size_t raw_len;
	char user[USER_NAME_MAX + 1], addr[64], action[32], object[128];
	int read_status;          /* JOB_TRAIL: the answer's status */
	/* JOB_REGISTER: the screening, made before (hits_json for the store, hits for the answer: the asking thread's) */
	int64_t lists_version;
	int n_hits;
	char *hits_json;
	json_t *hits;
	/* JOB_DECISION: the screening, the decision in action, a note (borrowed) */
	const char *note;
	int64_t screening;        /* out for JOB_REGISTER: the screening stored */
	int64_t name_person;      /* JOB_REGISTER: the person found by name (0: none), used when the document is new */
	int64_t doc_person;       /* JOB_REGISTER: the person of the document, read before (0: never seen then) */
	int names_known;          /* JOB_REGISTER: that person's names row was stored already */
	unsigned char skeys[LINK_SURNAME_BLOB];  /* JOB_REGISTER: the surnames' keys, for person_names */
	size_t skeys_len;
	const char *linked_by;    /* out: "document", "name" or "new" */
	/* JOB_RECORD: the register; out: the refers rule that failed (status 422) */
	struct served *reg;
	const char *fail_rule, *fail_field;
	char fail_msg[160];
	/* out */
	int status;               /* 201, 200, 409, 422 (JOB_RECORD), or 500 */
	int64_t person;
	sem_t answered;           /* posted by the writer once the job is committed or failed ... */
	struct MHD_Connection *conn;  /* ... or, when set, this suspended connection resumed (submit_async) */
	struct job *next;
};

/* A read-only connection and the statements it keeps prepared. */
struct reader {
	sqlite3 *db;
	sqlite3_stmt *stmt[READER_STMTS];
};

#define TOKEN_CACHE 256
#define TOKEN_TTL 2.0  /* seconds an account is trusted without a look in the store: a disabled one stops by then */

struct token_entry {
	char token[USER_TOKEN_HEX + 1];
	struct user u;
	double at;
};

struct server {
	struct token_entry tokens[TOKEN_CACHE];
	int tls;
	const char *public_dir;
	struct store *st;          /* the writer's connection */
	/* reads (accounts, histories): a pool of read-only connections (WAL: they never wait for the writer) */
	struct reader readers[READ_POOL];
	struct reader *rfree[READ_POOL];
	int n_rfree;
	pthread_mutex_t rlock;     /* the pool and the token cache */
	pthread_cond_t rcond;
	struct schema *s;
	struct store_table *t;
	struct store_batch batch;
	struct trail trail;
	int64_t next_person;
	long today;
	int post_field, doc_type, doc_country, doc_number;
	sqlite3_stmt *find_person, *put_link, *put_crossing, *put_doc, *put_name;
	int f_key[9];  /* birth_date, surname_1, surname_2, given_names, nationality, then sex and document: person_names */
	int f_stay;  /* permitted_stay_days, or -1 */
	/* linking a new document by name: the model 'pasos link' saved, the view of the register's fields */
	int has_model;
	struct link_model model;
	int lv_idx[9 + LINK_MAX_EXTRA];
	size_t lv_extra;
	char *name_sql;
	int names_whole;  /* person_names holds every field the model compares: no crossing's row is read */
	/* screening: the current lists' screener, swapped whole when a list changes */
	struct screener *sc;
	pthread_rwlock_t sc_lock;
	pthread_mutex_t sc_wait;
	pthread_cond_t sc_cond;
	pthread_t sc_thread;
	int sc_started, stopping_watch;
	sqlite3_stmt *put_screening;
	int f_permit, f_nat, f_time, f_birth, f_dir;  /* the fields the screening rules read, found once */
	/* the public explorer over the published tables (NULL without --public) */
	struct explorer *ex;
	/* the other institutions' registers */
	struct served *served[SERVED_MAX];
	size_t n_served;
	/* the queue */
	pthread_mutex_t lock;
	pthread_cond_t work;
	struct job *head, *tail;
	int stopping;
	long in_flight;           /* jobs of suspended connections not answered yet; drained signalled at 0 */
	pthread_cond_t drained;
	/* checkpoints, by a thread of their own (woken after each commit, stopped with the writer, under lock) */
	sqlite3 *ckpt_db;
	pthread_cond_t ckpt_cond;
	int ckpt_due;
	int store_fd;              /* the store, for the checkpoints' writeback and fsync (serve_checkpointer) */
};


/*
 * A request whose connection waits, suspended, for its job's commit: the
 * pool thread that took it goes on with other connections, and the one
 * the writer's resume wakes calls finish to answer it.
 */
struct pending {
	struct job j;
	enum MHD_Result (*finish)(struct server *sv, struct MHD_Connection *c, struct pending *p);
	/* a registration: its texts (j.vals point into them) and failures */
	char *texts[SCHEMA_MAX_FIELDS];
	json_t *fails;
	/* a read: its answer, ready, sent once the read is in the trail */
	char *text;
	size_t len;
	unsigned status;
};

struct request {
	char *body;
	size_t len;
	int too_big;
	struct pending *pending;  /* set while the connection waits for a commit */
};

/* What a registration came to: status 201, 200, 403, 409, 422 or 500, with an error, failures or the record. */
struct reg_answer {
	int status;
	const char *error;
	json_t *failures;  /* borrowed from the caller */
	json_t *record;    /* owned by the caller when set */
	json_t *screening; /* owned by the caller when set */
	const char *linked_by; /* how the person was found: "document", "name", "new" (201 only) */
	int64_t person;
};

/**
 * The field texts of a JSON object (texts[field], each allocated, owned by
 * the caller; an "mrz" key's value into *mrz, owned by the caller), its
 * unknown fields and values of a wrong type appended to fails. -1 when body is not one JSON object. A pure function (fuzzed).
 */
int serve_json_texts(const struct schema *s, const char *body, size_t len, char **texts, char **mrz, json_t *fails);

/** The decoded value of name in an application/x-www-form-urlencoded body, or NULL. Caller frees. (fuzzed) */
char *serve_form_get(const char *body, size_t len, const char *name);

/**
 * Register one crossing from its field texts (schema order, each owned by
 * the caller or NULL; the border post is set from the officer's account)
 * and the failures already found (fails, appended to): a document's MRZ
 * (mrz, or NULL) fills the document and person fields, and a typed field
 * that disagrees with it is a failure naming the field; then checked by
 * the register's definition, then written by the writer. Returns a->status.
 */
int serve_register(struct server *sv, const struct user *u, const char *addr, char **texts, const char *mrz,
		   json_t *fails, const char *raw, size_t raw_len, struct reg_answer *a);

/** Statement k (sql) of a reader, prepared on first use, reset for reuse; NULL on error. */
sqlite3_stmt *rdb_stmt(struct reader *r, int k, const char *sql);

/** A reader from the pool (waits for one), and back. */
struct reader *rdb_take(struct server *sv);
void rdb_give(struct server *sv, struct reader *r);
/** BEGIN (begin 1) or COMMIT (0) a read transaction on reader r: a request's reads in one snapshot. */
void rdb_tx(struct reader *r, int begin);

/**
 * Append a read of personal data to the audit trail, through the writer,
 * before the answer leaves. Returns 0, or -1 when the trail failed (the
 * caller then shows nothing).
 */
int trail_read(struct server *sv, struct MHD_Connection *c, const struct user *u, const char *action,
	       const char *object, int status);

/** Hand a job to the writer and wait until it is committed (or failed). */
void submit(struct server *sv, struct job *j);

/** The writer's and the checkpoints' threads (serve_commit.c), started by serve_run with the server. */
void *serve_writer(void *arg);
void *serve_checkpointer(void *arg);
/* serve_vfs.c: the store fsynced before its log is overwritten, cut or removed (see there) */
int serve_vfs_register(struct err *err);
void serve_vfs_unregister(void);

/** Their waits for each other in the store (busy handlers), set once both connections are open. */
void serve_commit_waits(struct server *sv);
/** Seconds on the monotonic clock. */
double serve_now(void);
/**
 * Hand p's job to the writer and suspend c, returning at once: the writer
 * resumes c once the job is committed (or failed), and the next call of
 * the access handler for c answers with p->finish. rq owns p from here.
 */
enum MHD_Result submit_async(struct server *sv, struct MHD_Connection *c, struct request *rq, struct pending *p);
/**
 * Answer status with text (JSON, malloc'd, taken) once the read (action,
 * object, read_status) is in the audit trail, the connection suspended
 * meanwhile; if the trail fails, 500 and nothing shown.
 */
enum MHD_Result send_text_traced(struct server *sv, struct MHD_Connection *c, struct request *rq,
				 const struct user *u, const char *action, const char *object, int read_status,
				 unsigned status, char *text, size_t len);
/** send_text_traced of body (taken), as send_json is send_json_text of it. */
enum MHD_Result send_json_traced(struct server *sv, struct MHD_Connection *c, struct request *rq,
				 const struct user *u, const char *action, const char *object, int read_status,
				 unsigned status, json_t *body);

/* serve_history.c: a traveller's history */
/* One crossing of a history (the texts are the store's, valid during the call; permitted NULL when none). */
struct crossing {
	const char *movement_id, *direction, *event_time, *border_post, *nationality, *permitted;
	int classified, resident_after, long_term, provisional;  /* the 12/16-month result, when classified */
};
/* The days so far of a foreigner whose last crossing is an entry (known 0 otherwise); permitted -1 when none. */
struct stay {
	int known, permitted;
	long days;
};
typedef void (*crossing_fn)(void *ctx, const struct crossing *x);
/**
 * Call fn on each of a person's crossings in order: those of *person, or,
 * with doc (type, country, number), of the document's person, set in
 * *person. The number of crossings (0: no such person), or -1.
 */
long history_each(struct server *sv, int64_t *person, const char *const doc[3], crossing_fn fn, void *ctx,
		  struct stay *stay);
/** The person of a document (type, country, number), read on r: 0 when the store has never seen it. */
int64_t reader_doc_person(struct reader *r, const struct csv_field doc[3]);
/** GET /api/v1/persons?document_...=, ?surname=..., or /api/v1/persons/ID (id): the read in the trail first. */
enum MHD_Result person_history(struct server *sv, struct MHD_Connection *c, struct request *rq, const struct user *u,
				const char *id);

enum MHD_Result send_json(struct MHD_Connection *c, unsigned status, json_t *body);
/** Send text (malloc'd, JSON already, taken) as application/json. */
enum MHD_Result send_json_text(struct MHD_Connection *c, unsigned status, char *text, size_t len);
enum MHD_Result send_error(struct MHD_Connection *c, unsigned status, const char *msg);
void client_addr(struct MHD_Connection *c, char *out, size_t len);
/** Append s to b, escaped for HTML text and attribute values. */
void html_text(struct buf *b, const char *s);

/** The record's values from its texts (schema order, NULL: empty) into vals, its rules' failures appended to fails. */
void serve_check(const struct server *sv, const struct schema *s, char *const *texts, struct csv_field *vals,
		 json_t *fails);
/**
 * A JSON body's field texts (serve_json_texts) and a new array for the
 * failures, returned; NULL after answering a wrong content type, a body
 * too big or one that is not a JSON object (*ret the answer's result).
 */
json_t *serve_json_body(struct MHD_Connection *c, const struct schema *s, const struct request *rq, char **texts,
			char **mrz, enum MHD_Result *ret);
/** A writer's job of kind, the raw record (kept for a conflict), who asked and from where. */
void job_for(struct job *j, enum job_kind kind, const char *raw, size_t raw_len, const struct user *u, const char *addr);
/** Append {field, rule, message} to fails. */
void fail_on(json_t *fails, const char *field, const char *rule, const char *msg);
/** This run's batch of a register served (counts move with each commit). */
int serve_batch_start(struct server *sv, const char *reg, struct store_batch *b, struct err *err);

/* serve_registers.c: the registers whose definitions name roles ('access ROLE...') */
/** Load every definition with access roles beside the movements' one, their tables, refers rules and batches. */
int registers_open(struct server *sv, struct err *err);
void registers_close(struct server *sv);
/** In the writer's transaction: one JOB_RECORD (its status 201, 200, 409 or 422). */
int registers_write_job(struct server *sv, struct job *j, struct err *err);
int serve_put_record(struct server *sv, struct store_table *t, const struct schema *s, struct store_batch *b,
		     struct job *j, enum store_put *put, struct err *err);
int serve_trail_record(struct server *sv, struct job *j, const char *name, int id_field, struct err *err);
/** In the writer's transaction: the batches whose counts moved. */
int registers_save(struct server *sv, struct err *err);
/** The register served under name (len bytes), or NULL. */
struct served *registers_find(struct server *sv, const char *name, size_t len);
/** Whether the account's role is one the register's definition names. */
int registers_allowed(const struct served *r, const struct user *u);
/**
 * Check and write one record of r from its field texts (schema order, NULL:
 * empty): 201, 200, 409, 422 (failures appended to fails) or 500; *record
 * the stored record as JSON on 201 and 200 (caller's).
 */
int registers_put(struct server *sv, const struct user *u, const char *addr, struct served *r, char **texts,
		  json_t *fails, const char *raw, size_t raw_len, json_t **record);
/** POST /api/v1/registers/NAME, GET /api/v1/registers/NAME/ID (rest: NAME[/ID]). */
enum MHD_Result registers_route(struct server *sv, struct MHD_Connection *c, const struct user *u, const char *rest,
				const char *method, const struct request *rq);

/* serve_link.c: a new document's person by name, with the model 'pasos link' saved */
/** Load the model and prepare; 1 when the store has one. */
int serve_link_open(struct server *sv);
/**
 * The person of the best stored crossing the model matches at its
 * threshold, or 0. keys: the record's surname keys (serve_surname_keys).
 * Read on r, in the caller's read transaction.
 */
int64_t serve_person_by_name(struct server *sv, struct reader *r, const struct csv_field *vals, const unsigned char *keys,
			     size_t keys_len);
/**
 * The person of a record's document (0: never seen), read on r before its
 * commit, and into *names_known whether that person's names row (as the
 * writer would add it) is stored already.
 */
int64_t serve_known_person(struct server *sv, struct reader *r, const struct csv_field *vals, int *names_known);
/** A record's surname keys (in schema order) into out (LINK_SURNAME_BLOB bytes) as person_names keeps them; their length. */
size_t serve_surname_keys(const struct server *sv, const struct csv_field *vals, unsigned char *out);

/* serve_screen.c: screening at registration, and the decisions on hits */
int screening_open(struct server *sv, struct err *err);
int screening_start(struct server *sv);
void screening_close(struct server *sv);
/** Screen a registration's values (j->vals): fills j->lists_version, n_hits, hits_json and hits (caller frees). */
int screening_run(struct server *sv, struct job *j);
/** In the writer's transaction: the screening of a stored crossing, and its hits to the trail. */
int screening_store(struct server *sv, struct job *j, struct err *err);
int screening_decide_job(struct server *sv, struct job *j, struct err *err);
json_t *screening_hits_json(const struct screen_hit *hits, size_t n);
/** A screening as JSON, and the border post of its crossing into post; NULL when there is none. */
json_t *screening_get(struct server *sv, int64_t id, char post[16]);
int64_t screening_of_record(struct server *sv, const char *record_id);
/** Record an officer's decision on a screening with hits: 200, or 403/404/409/422/500 with *error. */
int screening_decide(struct server *sv, const struct user *u, const char *addr, int64_t id, const char *decision,
		     const char *note, const char **error);
enum MHD_Result screening_route(struct server *sv, struct MHD_Connection *c, const struct user *u, const char *url,
				const char *method, const struct request *rq);

/* serve_explore.c: the public explorer of the published tables */
struct explorer;
/** The published tables of dir in memory (*cells: how many cells). Never NULL. */
struct explorer *explorer_load(const char *dir, size_t *cells);
void explorer_free(struct explorer *ex);
/** GET /public/explore REST: the index, a table's page, or its selection as .csv or .sdmx.csv. */
enum MHD_Result explore_route(struct explorer *ex, struct MHD_Connection *c, const char *rest);

/* serve_html.c: the officers' pages (login, registration form, history) */
enum MHD_Result html_route(struct server *sv, struct MHD_Connection *c, const char *url, const char *method,
			   const struct request *rq, int *handled);

#endif
