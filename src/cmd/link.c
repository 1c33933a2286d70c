/*
 * cmd/link.c: pasos link: the same person across documents and registers,
 * over the store or over CSV files described by a schema.
 * SPDX-License-Identifier: MIT
 */
#include "cli.h"
#include "opt.h"
#include "outfile.h"
#include "csv.h"
#include "link.h"
#include "link_model.h"
#include "mem.h"
#include "progress.h"
#include "schema.h"
#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_SOURCES 8

static void help(FILE *f)
{
	fprintf(f,
		"usage: pasos [--db PATH] link [options]\n"
		"       pasos link --schema FILE A.csv [B.csv] -o OUT.csv [options]\n\n"
		"Recognise the same person across documents and registers: documents\n"
		"first, then the Fellegi-Sunter model (u from random pairs, m by EM per\n"
		"blocking rule, term-frequency adjustment), then clustering that does not\n"
		"chain people with conflicting identifiers together.\n\n"
		"Without --schema it links every register in the store and stores a person\n"
		"id for every record (table person_links). With --schema it reads CSV files:\n"
		"for one file it writes record_id,person_id for every record; for two, it\n"
		"writes id_a,id_b,match_probability for every pair judged a match.\n\n"
		"options:\n"
		"  --schema FILE        register definition of the CSV files (roles say which\n"
		"                       fields are names, birth date, documents...)\n"
		"  -o, --out FILE       output CSV (file mode; default: standard output)\n"
		"  --threshold P        match probability needed to link (default 0.999)\n"
		"  --truth FILE         true persons: a CSV with record_id and person_id\n"
		"                       (and register, in store mode); prints precision, recall, F1\n"
		"  --truth-id-parts N   the true person is the first N '-'-separated parts of the\n"
		"                       record id (FEBRL: rec-12-dup-0 is person rec-12: N=2)\n"
		"  --explain ID1 ID2    each field's comparison level and weight, and the match\n"
		"                       probability of two records (REGISTER:ID in store mode;\n"
		"                       in two-file mode ID1 is in A and ID2 in B)\n"
		"  --seed N             seed of the random pairs for u (default 1)\n"
		"  --threads N          threads comparing candidate pairs (default: the\n"
		"                       processors online, at most 8); the links are the same\n\n"
		"examples:\n"
		"  pasos link --truth data/truth_records.csv\n"
		"  pasos link --schema registers/febrl.reg febrl1.csv -o persons.csv --truth-id-parts 2\n"
		"  pasos link --explain movements:M0000000001 regularizations:DS4576-0000001\n");
}

struct opts {
	const char *schema, *out, *truth, *explain[2];
	int truth_parts;
	const char *files[MAX_SOURCES];
	int n_files;
	struct link_opts lo;
};

/* ==== Loading ==== */

struct loader {
	struct linker *lk;
	int source;
	int idx[9 + LINK_MAX_EXTRA];
	size_t n_extra;
	int id_field;
};

static int add_record(void *ctx, const struct csv_field *vals)
{
	struct loader *ld = ctx;
	struct link_view v;
	struct csv_field id = vals[ld->id_field];

	while (id.len && id.p[0] == ' ') {
		id.p++;
		id.len--;
	}
	link_view_from(&v, vals, ld->idx, ld->n_extra);
	link_add(ld->lk, ld->source, id.p, id.len, &v);
	return 0;
}

struct id_line {
	const char *id;  /* as the linker keeps it */
	uint64_t line;
};

static int by_id(const void *x, const void *y)
{
	const struct id_line *a = x, *b = y;
	int c = strcmp(a->id, b->id);

	return c ? c : a->line < b->line ? -1 : a->line > b->line;
}

/*
 * A record id twice in one file would make the output ambiguous: the
 * records first..first+n of the linker, read from lines[], sorted by id,
 * and the first pair of equal neighbours reported with both lines.
 */
static int unique_ids(const struct linker *lk, size_t first, size_t n, const uint64_t *lines, const char *path,
		      const char *field, struct err *err)
{
	struct id_line *v = xmalloc(st_mult(n ? n : 1, sizeof(*v)));
	size_t k;
	int rc = 0;

	for (k = 0; k < n; k++) {
		v[k].id = link_record_id(lk, first + k, NULL);
		v[k].line = lines[k];
	}
	qsort(v, n, sizeof(*v), by_id);
	for (k = 1; k < n && !rc; k++)
		if (!strcmp(v[k - 1].id, v[k].id))
			rc = ERR_SET(err, ERR_DATA, "%s:%llu: field '%s' repeats the record id of line %llu: record ids"
				     " must be unique in a file", path, (unsigned long long)v[k].line, field,
				     (unsigned long long)v[k - 1].line);
	free(v);
	return rc;
}

static int load_csv(struct loader *ld, const struct schema *s, const char *path, struct err *err)
{
	size_t first = link_count(ld->lk), n = 0, cap = 0;
	uint64_t *lines = NULL;  /* each record's line, for the message on a repeated id */
	struct csv_reader *r = NULL;
	struct csv_record rec;
	struct csv_field vals[SCHEMA_MAX_FIELDS];
	int col_of[SCHEMA_MAX_FIELDS];
	size_t i, j;
	int rc;

	if ((rc = csv_reader_open(&r, path, 0, err)))
		return rc;
	rc = csv_reader_next(r, &rec, err);
	if (rc <= 0) {
		if (rc == 0)
			rc = ERR_SET(err, ERR_DATA, "%s: the file is empty", path);
		goto out;
	}
	for (i = 0; i < s->n_fields; i++) {
		col_of[i] = -1;
		for (j = 0; j < rec.n_fields; j++) {
			struct csv_field h = rec.fields[j];

			while (h.len && h.p[0] == ' ') {
				h.p++;
				h.len--;
			}
			if (strlen(s->fields[i].name) == h.len && !memcmp(s->fields[i].name, h.p, h.len))
				col_of[i] = (int)j;
		}
		if (col_of[i] < 0 && (s->fields[i].required || (int)i == s->id_field)) {
			rc = ERR_SET(err, ERR_DATA, "%s:1: the header lacks the field '%s'", path, s->fields[i].name);
			goto out;
		}
	}
	while ((rc = csv_reader_next(r, &rec, err)) == 1) {
		if (rec.problem != CSV_OK) {
			rc = ERR_SET(err, ERR_DATA, "%s:%llu: %s", path, (unsigned long long)rec.line,
				     csv_problem_name(rec.problem));
			goto out;
		}
		for (i = 0; i < s->n_fields; i++) {
			if (col_of[i] >= 0 && (size_t)col_of[i] < rec.n_fields)
				vals[i] = rec.fields[col_of[i]];
			else
				vals[i].p = "", vals[i].len = 0;
		}
		if (vals[s->id_field].len == 0) {
			rc = ERR_SET(err, ERR_DATA, "%s:%llu: the record has no '%s'", path,
				     (unsigned long long)rec.line, s->fields[s->id_field].name);
			goto out;
		}
		if (n == cap) {
			cap = cap ? 2 * cap : 1024;
			lines = xrealloc(lines, st_mult(cap, sizeof(*lines)));
		}
		lines[n++] = rec.line;
		add_record(ld, vals);
	}
	if (rc == 0)
		rc = unique_ids(ld->lk, first, n, lines, path, s->fields[s->id_field].name, err);
out:
	free(lines);
	csv_reader_free(r);
	return rc < 0 ? rc : 0;
}

/* ==== Truth ==== */

/* Per record: its true person, from a truth file or from the id. Caller frees. */
static char **load_truth(const struct linker *lk, const struct opts *o, char **src_names,
			 int n_src, struct err *err)
{
	size_t n = link_count(lk), i;
	char **truth = xcalloc(n + 1, sizeof(*truth));
	struct csv_reader *r = NULL;
	struct csv_record rec;
	int c_reg = -1, c_id = -1, c_person = -1;

	if (o->truth_parts > 0) {
		for (i = 0; i < n; i++) {
			const char *id = link_record_id(lk, i, NULL), *p = id;
			int parts = 0;

			while (*p && !(*p == '-' && ++parts == o->truth_parts))
				p++;
			truth[i] = xmemdup0(id, (size_t)(p - id));
		}
		return truth;
	}
	if (csv_reader_open(&r, o->truth, 0, err) || csv_reader_next(r, &rec, err) != 1) {
		if (!err->code)
			ERR_SET(err, ERR_DATA, "'%s' is empty", o->truth);
		goto fail;
	}
	c_reg = csv_column(&rec, "register");
	c_id = csv_column(&rec, "record_id");
	c_person = csv_column(&rec, "person_id");
	if (c_id < 0 || c_person < 0) {
		ERR_SET(err, ERR_DATA, "%s:1: a truth file needs the columns record_id and person_id", o->truth);
		goto fail;
	}
	while (csv_reader_next(r, &rec, err) == 1) {
		char *id, *reg = NULL;
		int src = 0, s;
		long k;

		if ((size_t)c_id >= rec.n_fields || (size_t)c_person >= rec.n_fields)
			continue;
		if (c_reg >= 0 && (size_t)c_reg < rec.n_fields) {
			reg = xmemdup0(rec.fields[c_reg].p, rec.fields[c_reg].len);
			src = -1;
			for (s = 0; s < n_src; s++)
				if (!strcmp(src_names[s], reg))
					src = s;
			free(reg);
			if (src < 0)
				continue;
		}
		id = xmemdup0(rec.fields[c_id].p, rec.fields[c_id].len);
		k = link_find(lk, src, id);
		if (k >= 0 && !truth[k])
			truth[k] = xmemdup0(rec.fields[c_person].p, rec.fields[c_person].len);
		free(id);
	}
	csv_reader_free(r);
	return truth;
fail:
	csv_reader_free(r);
	free(truth);
	return NULL;
}

/* ==== Printing ==== */

static void print_stats(const struct link_stats *st, const struct link_eval *ev)
{
	size_t r;

	printf("records: %llu, distinct identities: %llu\n", (unsigned long long)st->records,
	       (unsigned long long)st->identities);
	printf("candidate pairs (union of blocking rules): %llu\n", (unsigned long long)st->candidate_pairs);
	for (r = 0; r < st->n_rules; r++) {
		printf("  %-58s %10llu pairs", st->rules[r].name, (unsigned long long)st->rules[r].pairs);
		if (ev)
			printf(", %llu true", (unsigned long long)st->rules[r].true_pairs);
		if (st->rules[r].skipped_blocks)
			printf(", %llu blocks too large skipped", (unsigned long long)st->rules[r].skipped_blocks);
		printf("\n");
	}
	printf("prior match probability of a candidate pair: %.4f\n", st->lambda);
	printf("merges: %llu, %llu of them by the same document (refused as conflicting: %llu)\n",
	       (unsigned long long)st->matches, (unsigned long long)st->deterministic,
	       (unsigned long long)st->refused_merges);
	printf("persons: %llu\n", (unsigned long long)st->persons);
	if (ev) {
		printf("evaluation against the truth:\n");
		printf("  pairwise: precision %.4f, recall %.4f, F1 %.4f (true pairs %llu, found %llu, right %llu)\n",
		       ev->precision, ev->recall, ev->f1, (unsigned long long)ev->true_pairs,
		       (unsigned long long)ev->predicted_pairs, (unsigned long long)ev->true_positive_pairs);
		printf("  persons:  precision %.4f, recall %.4f, F1 %.4f (true %llu, found %llu, exactly right %llu)\n",
		       ev->cluster_precision, ev->cluster_recall, ev->cluster_f1,
		       (unsigned long long)ev->true_persons, (unsigned long long)ev->predicted_persons,
		       (unsigned long long)ev->exact_clusters);
	}
}

static void print_explanation(const struct link_explanation *e, const char *a, const char *b)
{
	size_t k;

	printf("%s vs %s\n", a, b);
	printf("  %-16s %-52s %9s %9s %8s\n", "comparison", "level", "m", "u", "weight");
	for (k = 0; k < e->n; k++) {
		const struct link_comparison_level *c = &e->c[k];

		if (c->m > 0)
			printf("  %-16s %-52s %9.5f %9.5f %+8.2f\n", c->comparison, c->level, c->m, c->u, c->weight);
		else
			printf("  %-16s %-52s %9s %9s %8s\n", c->comparison, c->level, "", "", "0");
		if (c->tf_adjustment != 0)
			printf("  %-16s %-52s %9s %9s %+8.2f\n", "", "term-frequency adjustment (name frequency)",
			       "", "", c->tf_adjustment);
	}
	printf("  %-16s %-52s %9s %9s %+8.2f\n", "prior", "", "", "", e->prior_weight);
	printf("  total weight %+.2f, match probability %.6f%s\n", e->total_weight, e->probability,
	       e->same_identity ? " (identical person fields)" : "");
}

static int explain(const struct linker *lk, const struct opts *o, char **src_names, int n_src, int file_mode)
{
	long idx[2];
	int k;

	for (k = 0; k < 2; k++) {
		const char *spec = o->explain[k], *colon = strchr(spec, ':');
		int s;

		idx[k] = -1;
		if (file_mode) {
			idx[k] = link_find(lk, n_src > 1 ? k : 0, spec);
		} else if (colon) {
			for (s = 0; s < n_src; s++)
				if (strlen(src_names[s]) == (size_t)(colon - spec) &&
				    !memcmp(src_names[s], spec, (size_t)(colon - spec)))
					idx[k] = link_find(lk, s, colon + 1);
		} else {
			for (s = 0; s < n_src && idx[k] < 0; s++)
				idx[k] = link_find(lk, s, spec);
		}
		if (idx[k] < 0) {
			fprintf(stderr, "pasos link: error: no record '%s'\n", spec);
			return EXIT_USAGE;
		}
	}
	{
		struct link_explanation e;

		link_explain(lk, (size_t)idx[0], (size_t)idx[1], &e);
		print_explanation(&e, o->explain[0], o->explain[1]);
		printf("  same person after clustering: %s\n",
		       link_person(lk, (size_t)idx[0]) == link_person(lk, (size_t)idx[1]) ? "yes" : "no");
	}
	return EXIT_OK;
}

/* ==== Output ==== */

struct saver {
	const struct linker *lk;
	char **src_names;
	size_t i;
};

static int next_link(void *ctx, const char **reg, const char **id, int64_t *person)
{
	struct saver *sv = ctx;
	int src;

	if (sv->i >= link_count(sv->lk))
		return 0;
	*id = link_record_id(sv->lk, sv->i, &src);
	*reg = sv->src_names[src];
	*person = link_person(sv->lk, sv->i) + 1;
	sv->i++;
	return 1;
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

/* Pairs (A record, B record) in one person, with the pair's probability. */
static void write_pairs(FILE *f, const struct linker *lk)
{
	size_t n = link_count(lk), i, j, a, b, *order = xmalloc(st_mult(n + 1, sizeof(size_t)));
	uint64_t *key = xmalloc(st_mult(n + 1, sizeof(*key)));

	/* group records by person, in record order within a person */
	for (i = 0; i < n; i++)
		key[i] = ((uint64_t)link_person(lk, i) << 32) | i;
	qsort(key, n, sizeof(*key), cmp_u64);
	for (i = 0; i < n; i++)
		order[i] = (size_t)(key[i] & 0xFFFFFFFFu);
	free(key);
	fputs("id_a,id_b,match_probability\r\n", f);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && link_person(lk, order[j]) == link_person(lk, order[i]); j++)
			;
		for (a = i; a < j; a++)
			for (b = i; b < j; b++) {
				int sa, sb;
				const char *ia = link_record_id(lk, order[a], &sa), *ib = link_record_id(lk, order[b], &sb);
				struct link_explanation e;

				if (sa != 0 || sb != 1)
					continue;
				link_explain(lk, order[a], order[b], &e);
				csv_put_cell(f, ia, strlen(ia), 0);
				fputc(',', f);
				csv_put_cell(f, ib, strlen(ib), 0);
				fprintf(f, ",%.6f\r\n", e.probability);
			}
	}
	free(order);
}

/* -o FILE: private (record ids are personal data), whole or not at all, never over an input. */
static int write_output(const struct linker *lk, const struct opts *o, int n_src)
{
	struct outfile of;
	struct err err;
	FILE *f = stdout;
	size_t i;
	int rc = 0;

	err_init(&err);
	if (o->out) {
		char dir[OUTFILE_PATH_MAX];
		const char *base = cli_base_name(o->out);

		snprintf(dir, sizeof(dir), "%.*s", (int)(base - o->out), o->out);
		if (outfile_open(&of, dir[0] ? dir : ".", base, OUTFILE_PRIVATE, &err))
			return cli_report("link", &err);
		f = of.f;
	}
	if (n_src > 1) {
		write_pairs(f, lk);
	} else {
		fputs("record_id,person_id\r\n", f);
		for (i = 0; i < link_count(lk); i++) {
			const char *id = link_record_id(lk, i, NULL);

			csv_put_cell(f, id, strlen(id), 0);
			fprintf(f, ",%u\r\n", link_person(lk, i) + 1);
		}
	}
	if (o->out) {
		if ((rc = outfile_finish(&of, &err)) || (rc = outfile_place(&of, &err)))
			return cli_report("link", &err);
	} else if (fflush(f) || ferror(f)) {
		fprintf(stderr, "pasos link: error: cannot write the standard output\n");
		return EXIT_IO;
	}
	return EXIT_OK;
}

/* ==== Online decisions ==== */

/*
 * For each crossing registered through 'pasos serve' (its batch is
 * STORE_SERVE_BATCH), the records of its person, in order, into the temporary
 * table name: a decision is what person it joined, seen as that set.
 */
static void online_signatures(struct store *st, const char *name)
{
	char sql[1024];

	snprintf(sql, sizeof(sql),
		 "DROP TABLE IF EXISTS temp.%s;"
		 "CREATE TEMP TABLE %s AS SELECT a.record_id AS record_id,"
		 " (SELECT group_concat(record_id, ',') FROM (SELECT o.record_id FROM person_links o"
		 "  WHERE o.person_id = a.person_id ORDER BY o.register, o.record_id)) AS members"
		 " FROM batches b JOIN reg_movements m ON m._batch = b.batch_id"
		 " JOIN person_links a ON a.register = 'movements' AND a.record_id = m.movement_id"
		 " WHERE b.file_name = '" STORE_SERVE_BATCH "';", name, name);
	if (store_has_table(store_db(st), "person_links") && store_has_table(store_db(st), "reg_movements")) {
		sqlite3_stmt *q = NULL;
		int served = 0;

		/* a store that never served has nothing to compare: no scan */
		if (sqlite3_prepare_v2(store_db(st), "SELECT 1 FROM batches WHERE file_name = '" STORE_SERVE_BATCH "' LIMIT 1", -1, &q,
				       NULL) == SQLITE_OK)
			served = sqlite3_step(q) == SQLITE_ROW;
		sqlite3_finalize(q);
		if (served) {
			struct err err;

			err_init(&err);
			store_exec(st, sql, &err);
		}
	}
}

/* How many online decisions there were, and how many this linkage changed. */
static void online_changes(struct store *st, int64_t *online, int64_t *changed)
{
	sqlite3_stmt *q = NULL;

	*online = *changed = 0;
	if (sqlite3_prepare_v2(store_db(st), "SELECT count(*), sum(a.members IS NOT b.members) FROM temp.online_before b"
			       " JOIN temp.online_after a USING (record_id)", -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW) {
		*online = sqlite3_column_int64(q, 0);
		*changed = sqlite3_column_int64(q, 1);
	}
	sqlite3_finalize(q);
}

/* ==== The command ==== */

static int parse(int argc, char **argv, struct opts *o)
{
	long long parts = 0, threads = 0, seed = -1;
	double threshold = -1;
	int i, n, rc;
	const struct opt_spec spec[] = {
		{ "schema", 0, OPT_STR, &o->schema, 0, 0 },
		{ "out", 'o', OPT_STR, &o->out, 0, 0 },
		{ "truth", 0, OPT_STR, &o->truth, 0, 0 },
		{ "truth-id-parts", 0, OPT_INT, &parts, 1, 16 },
		{ "threshold", 0, OPT_REAL, &threshold, 1e-9, 1 - 1e-12 },
		{ "threads", 0, OPT_INT, &threads, 1, LINK_MAX_THREADS },
		{ "seed", 0, OPT_INT, &seed, 0, 9e18 },
		{ "explain", 0, OPT_STR, &o->explain[0], 0, 0 },
	};

	memset(o, 0, sizeof(*o));
	link_opts_init(&o->lo);
	/* --explain ID1 ID2 takes two values: the second is taken out before the options are parsed */
	for (i = 1; i + 2 < argc; i++)
		if (!strcmp(argv[i], "--explain")) {
			o->explain[1] = argv[i + 2];
			memmove(argv + i + 2, argv + i + 3, (size_t)(argc - i - 3 + 1) * sizeof(char *));
			argc--;
			break;
		}
	if ((rc = opt_parse("link", argc, argv, spec, sizeof(spec) / sizeof(spec[0]), help, &n)))
		return rc;
	o->truth_parts = (int)parts;
	if (threshold >= 0)
		o->lo.threshold = threshold;
	if (threads)
		o->lo.threads = (unsigned)threads;
	if (seed >= 0)
		o->lo.seed = (uint64_t)seed;
	if (!o->explain[0] != !o->explain[1]) {
		fprintf(stderr, "pasos link: error: --explain needs two record ids\n");
		return EXIT_USAGE;
	}
	for (i = 1; i <= n; i++) {
		struct stat sb;

		if (!stat(argv[i], &sb))
			outfile_guard(sb.st_dev, sb.st_ino);
		if (o->n_files == 2) {
			fprintf(stderr, "pasos link: error: at most two files\n");
			return EXIT_USAGE;
		}
		o->files[o->n_files++] = argv[i];
	}
	if (o->n_files && !o->schema) {
		fprintf(stderr, "pasos link: error: CSV files need --schema FILE\n");
		return EXIT_USAGE;
	}
	if (o->schema && !o->n_files) {
		fprintf(stderr, "pasos link: error: --schema needs one or two CSV files\n");
		return EXIT_USAGE;
	}
	return 0;
}

/*
 * Whether a register identifies persons: a name, a document number or a
 * field to compare. Sex, nationality or age alone identify no one (the
 * victims of trafficking), and such records are never linked.
 */
static int has_person_fields(const struct schema *s)
{
	int idx[9 + LINK_MAX_EXTRA];
	size_t n_extra;

	link_view_fields(s, idx, &n_extra);
	return idx[0] >= 0 || idx[2] >= 0 || idx[7] >= 0 || n_extra > 0;
}

int cmd_link(struct app *app, int argc, char **argv)
{
	struct opts o;
	struct linker *lk = NULL;
	struct link_stats st;
	struct link_eval ev;
	struct progress bar;
	struct err err;
	char *src_names[MAX_SOURCES] = { 0 };
	char **truth = NULL;
	int n_src = 0, rc, i, file_mode;

	rc = parse(argc, argv, &o);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	file_mode = o.schema != NULL;
	err_init(&err);
	lk = link_new(&o.lo);
	if (file_mode) {
		struct schema *s = NULL;
		struct loader ld = { lk, 0, { 0 }, 0, 0 };

		if ((rc = schema_load(&s, o.schema, &err))) {
			rc = cli_report("link", &err);
			goto out;
		}
		if (!has_person_fields(s)) {
			fprintf(stderr, "pasos link: error: '%s' names no identifying fields (roles surname, "
				"given_names, document_number, compare)\n", o.schema);
			schema_free(s);
			rc = EXIT_DATA;
			goto out;
		}
		link_view_fields(s, ld.idx, &ld.n_extra);
		ld.id_field = s->id_field;
		for (i = 0; i < o.n_files; i++) {
			ld.source = i;
			src_names[n_src++] = xstrdup(o.files[i]);
			if ((rc = load_csv(&ld, s, o.files[i], &err))) {
				schema_free(s);
				rc = cli_report("link", &err);
				goto out;
			}
		}
		schema_free(s);
	} else {
		char **names = NULL;
		size_t n = 0, k;

		if (!app->store) {
			fprintf(stderr, "pasos link: error: no store\n");
			rc = EXIT_USAGE;
			goto out;
		}
		if ((rc = store_registers(app->store, &names, &n, &err))) {
			rc = cli_report("link", &err);
			goto out;
		}
		for (k = 0; k < n && !rc; k++) {
			struct schema *s = NULL;
			struct loader ld = { lk, 0, { 0 }, 0, 0 };

			/* a register whose definition cannot be read stops the run: never linked without it */
			rc = schema_load_named(&s, names[k], &err);
			if (!rc && n_src < MAX_SOURCES && has_person_fields(s)) {
				ld.source = n_src;
				link_view_fields(s, ld.idx, &ld.n_extra);
				ld.id_field = s->id_field;
				src_names[n_src++] = xstrdup(names[k]);
				rc = store_scan(app->store, s, add_record, &ld, &err);
			}
			schema_free(s);
		}
		for (k = 0; k < n; k++)
			free(names[k]);
		free(names);
		if (rc) {
			rc = cli_report("link", &err);
			goto out;
		}
	}
	if (link_count(lk) == 0) {
		if (file_mode)
			fprintf(stderr, "pasos link: error: there are no records to link in the files\n");
		else
			fprintf(stderr, "pasos link: error: nothing ingested for any register in the store '%s': there are no records to link; run 'pasos ingest REGISTER FILE' first\n",
				app->db_path);
		rc = EXIT_DATA;
		goto out;
	}
	progress_init(&bar, "link", app->progress);
	link_set_progress(lk, progress_cb, &bar);
	if ((rc = link_run(lk, &st, &err))) {
		progress_done(&bar);
		rc = cli_report("link", &err);
		goto out;
	}
	progress_done(&bar);
	if (o.truth || o.truth_parts) {
		truth = load_truth(lk, &o, src_names, n_src, &err);
		if (!truth) {
			rc = cli_report("link", &err);
			goto out;
		}
		link_evaluate(lk, (const char *const *)truth, &ev, &st);
	}
	if (o.explain[0]) {
		rc = explain(lk, &o, src_names, n_src, file_mode);
		goto out;
	}
	if (file_mode) {
		rc = write_output(lk, &o, n_src);
		if (rc)
			goto out;
		if (o.out || truth)
			print_stats(&st, truth ? &ev : NULL);
	} else {
		struct saver sv = { lk, src_names, 0 };
		int64_t online = 0, changed = 0;

		/* the persons 'pasos serve' gave at once, as sets of records, to compare after */
		online_signatures(app->store, "online_before");
		if ((rc = link_sql_functions(store_db(app->store), &err)) ||
		    (rc = store_save_persons(app->store, next_link, &sv, &err))) {
			rc = cli_report("link", &err);
			goto out;
		}
		online_signatures(app->store, "online_after");
		online_changes(app->store, &online, &changed);
		{
			/* the model, for 'pasos serve' to link a new document by name at once */
			struct link_model model;

			link_model_of(lk, &model);
			if ((rc = link_model_save(app->store, &model, &err))) {
				rc = cli_report("link", &err);
				goto out;
			}
		}
		print_stats(&st, truth ? &ev : NULL);
		printf("stored: a person id for each of %llu records (table person_links)\n",
		       (unsigned long long)st.records);
		if (online)
			printf("online decisions (crossings registered through pasos serve): %lld, %lld of them changed by this linkage\n",
			       (long long)online, (long long)changed);
	}
	rc = EXIT_OK;
out:
	if (truth) {
		size_t k;

		for (k = 0; k < link_count(lk); k++)
			free(truth[k]);
		free(truth);
	}
	for (i = 0; i < n_src; i++)
		free(src_names[i]);
	link_free(lk);
	return rc;
}
