/*
 * link_model.c: the model 'pasos link' estimated, kept in the store so
 * that 'pasos serve' links a crossing with a new document by name at
 * once, with the same comparisons and weights; and the scoring of a new
 * record against candidates with it. See link.h.
 * SPDX-License-Identifier: MIT
 */
#include "link.h"
#include "link_int.h"
#include "link_model.h"
#include "store.h"

#include <math.h>
#include <sqlite3.h>
#include <string.h>

int link_model_save(struct store *st, const struct link_model *m, struct err *err)
{
	sqlite3 *db = store_db(st);
	sqlite3_stmt *q = NULL;
	size_t k, l;
	int rc;

	if ((rc = store_exec(st, "CREATE TABLE IF NOT EXISTS link_model(comparison INTEGER NOT NULL, level INTEGER NOT NULL,"
			     " m REAL NOT NULL, u REAL NOT NULL, PRIMARY KEY(comparison, level));"
			     "CREATE TABLE IF NOT EXISTS link_model_meta(id INTEGER PRIMARY KEY CHECK (id = 1),"
			     " comparisons INTEGER NOT NULL, extra INTEGER NOT NULL, lambda REAL NOT NULL,"
			     " threshold REAL NOT NULL, saved_at TEXT NOT NULL);", err)) ||
	    (rc = store_begin(st, err)))
		return rc;
	if ((rc = store_exec(st, "DELETE FROM link_model; DELETE FROM link_model_meta;", err)))
		goto out;
	if (sqlite3_prepare_v2(db, "INSERT INTO link_model VALUES(?, ?, ?, ?)", -1, &q, NULL) != SQLITE_OK) {
		rc = store_error(db, "cannot save the linkage model", err);
		goto out;
	}
	for (k = 0; k < m->n_comparisons && !rc; k++)
		for (l = 0; l < 5 && !rc; l++) {
			sqlite3_reset(q);
			sqlite3_bind_int(q, 1, (int)k);
			sqlite3_bind_int(q, 2, (int)l);
			sqlite3_bind_double(q, 3, m->m[k][l]);
			sqlite3_bind_double(q, 4, m->u[k][l]);
			if (sqlite3_step(q) != SQLITE_DONE)
				rc = store_error(db, "cannot save the linkage model", err);
		}
	sqlite3_finalize(q);
	q = NULL;
	if (!rc && sqlite3_prepare_v2(db, "INSERT INTO link_model_meta VALUES(1, ?, ?, ?, ?,"
				      " strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))", -1, &q, NULL) == SQLITE_OK) {
		sqlite3_bind_int(q, 1, (int)m->n_comparisons);
		sqlite3_bind_int(q, 2, (int)m->n_extra);
		sqlite3_bind_double(q, 3, m->lambda);
		sqlite3_bind_double(q, 4, m->threshold);
		if (sqlite3_step(q) != SQLITE_DONE)
			rc = store_error(db, "cannot save the linkage model", err);
	} else if (!rc) {
		rc = store_error(db, "cannot save the linkage model", err);
	}
	sqlite3_finalize(q);
out:
	return store_end(st, rc, err);
}

int link_model_load(sqlite3 *db, struct link_model *m)
{
	sqlite3_stmt *q = NULL;
	int found = 0;

	memset(m, 0, sizeof(*m));
	if (!store_has_table(db, "link_model_meta"))
		return 0;
	if (sqlite3_prepare_v2(db, "SELECT comparisons, extra, lambda, threshold FROM link_model_meta", -1, &q, NULL) ==
	    SQLITE_OK && sqlite3_step(q) == SQLITE_ROW) {
		m->n_comparisons = (size_t)sqlite3_column_int(q, 0);
		m->n_extra = (size_t)sqlite3_column_int(q, 1);
		m->lambda = sqlite3_column_double(q, 2);
		m->threshold = sqlite3_column_double(q, 3);
		found = m->n_comparisons > 0 && m->n_comparisons <= LINK_MAX_COMPARISONS;
	}
	sqlite3_finalize(q);
	q = NULL;
	if (found && sqlite3_prepare_v2(db, "SELECT comparison, level, m, u FROM link_model", -1, &q, NULL) == SQLITE_OK)
		while (sqlite3_step(q) == SQLITE_ROW) {
			int k = sqlite3_column_int(q, 0), l = sqlite3_column_int(q, 1);

			if (k >= 0 && k < LINK_MAX_COMPARISONS && l >= 0 && l < 5) {
				m->m[k][l] = sqlite3_column_double(q, 2);
				m->u[k][l] = sqlite3_column_double(q, 3);
			}
		}
	sqlite3_finalize(q);
	if (!found)
		memset(m, 0, sizeof(*m));
	return found;
}

void link_model_of(const struct linker *lk, struct link_model *m)
{
	memset(m, 0, sizeof(*m));
	m->n_comparisons = link_n_comparisons(lk);
	m->n_extra = lk->n_extra;
	memcpy(m->m, lk->m, sizeof(m->m));
	memcpy(m->u, lk->u, sizeof(m->u));
	m->lambda = lk->lambda;
	m->threshold = lk->o.threshold;
}

size_t link_model_best(const struct link_model *m, const struct link_view *a, const struct link_view *cands, size_t n,
		       double *best_p)
{
	struct link_opts o;
	struct linker *lk;
	uint8_t g[LINK_MAX_COMPARISONS];
	size_t i, k, best = n;
	double prior;

	*best_p = 0.0;
	if (m->lambda <= 0 || m->lambda >= 1 || n == 0)
		return n;
	prior = log2(m->lambda / (1 - m->lambda));
	link_opts_init(&o);
	o.threads = 1;
	lk = link_new(&o);
	/* the records normalised and compared exactly as link_run does, in a linker of their own */
	link_add(lk, 0, "a", 1, a);
	for (i = 0; i < n; i++)
		link_add(lk, 1, "c", 1, &cands[i]);
	lk->n_extra = m->n_extra;
	for (i = 0; i < n; i++) {
		const struct sig *x = &lk->sig[lk->rec_sig[0]], *y = &lk->sig[lk->rec_sig[i + 1]];
		double w = prior, p;

		if (lk->rec_sig[0] == lk->rec_sig[i + 1]) {
			p = 1.0;
		} else {
			link_compare(lk, x, y, g);
			for (k = 0; k < m->n_comparisons; k++)
				if (g[k] != NULL_LEVEL && m->m[k][g[k]] > 0 && m->u[k][g[k]] > 0)
					w += log2(m->m[k][g[k]] / m->u[k][g[k]]);
			p = link_probability(w);
		}
		if (p > *best_p) {
			*best_p = p;
			best = i;
		}
	}
	link_free(lk);
	return best;
}

size_t link_surname_blob(const char *s1, size_t l1, const char *s2, size_t l2, unsigned char out[LINK_SURNAME_BLOB])
{
	uint32_t keys[2 * NAMES_SURNAME_KEYS];
	size_t n;

	n = names_surname_keys(s1, l1, keys);
	n += names_surname_keys(s2, l2, keys + n);
	return link_keys_blob(keys, n, out);
}

size_t link_keys_blob(const uint32_t *keys, size_t n, unsigned char *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		out[4 * i] = (unsigned char)keys[i];
		out[4 * i + 1] = (unsigned char)(keys[i] >> 8);
		out[4 * i + 2] = (unsigned char)(keys[i] >> 16);
		out[4 * i + 3] = (unsigned char)(keys[i] >> 24);
	}
	return 4 * n;
}

static void surname_keys_sql(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	unsigned char out[LINK_SURNAME_BLOB];
	const char *s1 = (const char *)sqlite3_value_text(argv[0]), *s2 = (const char *)sqlite3_value_text(argv[1]);
	size_t n;

	(void)argc;
	n = link_surname_blob(s1 ? s1 : "", s1 ? (size_t)sqlite3_value_bytes(argv[0]) : 0, s2 ? s2 : "",
			      s2 ? (size_t)sqlite3_value_bytes(argv[1]) : 0, out);
	sqlite3_result_blob(ctx, out, (int)n, SQLITE_TRANSIENT);
}

int link_sql_functions(sqlite3 *db, struct err *err)
{
	if (sqlite3_create_function_v2(db, "pasos_surname_keys", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
				       surname_keys_sql, NULL, NULL, NULL) != SQLITE_OK)
		return ERR_SET(err, ERR_STORE, "cannot add the surname keys' function: %s", sqlite3_errmsg(db));
	return 0;
}
