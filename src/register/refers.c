/*
 * refers.c: records that name records of a register. See refers.h.
 * SPDX-License-Identifier: MIT
 */
#include "refers.h"
#include "mem.h"
#include "store.h"
#include "validate.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct refers {
	const struct schema *s;
	sqlite3 *db;
	size_t n;
	int rule[SCHEMA_MAX_RULES];          /* the schema's refers rules */
	sqlite3_stmt *q[SCHEMA_MAX_RULES];   /* NULL: the register referred to holds nothing yet */
};

static int table_has_column(sqlite3 *db, const char *table, const char *col)
{
	sqlite3_stmt *q = NULL;
	char sql[256];
	int found = 0;

	snprintf(sql, sizeof(sql), "SELECT 1 FROM pragma_table_info('%s') WHERE name = ?", table);
	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK) {
		sqlite3_bind_text(q, 1, col, -1, SQLITE_STATIC);
		found = sqlite3_step(q) == SQLITE_ROW;
	}
	sqlite3_finalize(q);
	return found;
}

int refers_open(struct store *st, const struct schema *s, struct refers **out, struct err *err)
{
	struct refers *rf = NULL;
	size_t i;

	*out = NULL;
	for (i = 0; i < s->n_rules; i++) {
		const struct schema_rule *r = &s->rules[i];
		char table[160], sql[512];

		if (r->kind != RULE_REFERS)
			continue;
		if (!rf) {
			rf = xcalloc(1, sizeof(*rf));
			rf->s = s;
			rf->db = store_db(st);
		}
		rf->rule[rf->n] = (int)i;
		/* the names are checked by the schema's parser: lower case letters, digits and _ */
		snprintf(table, sizeof(table), "reg_%s", r->ref_register);
		if (store_has_table(rf->db, table)) {
			if (!table_has_column(rf->db, table, r->ref_field)) {
				refers_free(rf);
				return ERR_SET(err, ERR_SCHEMA, "rule '%s': register '%s' has no field '%s'", r->id, r->ref_register,
					       r->ref_field);
			}
			snprintf(sql, sizeof(sql), "CREATE INDEX IF NOT EXISTS \"%s_%s\" ON \"%s\"(\"%s\")", table, r->ref_field,
				 table, r->ref_field);
			if (store_exec(st, sql, err)) {
				refers_free(rf);
				return ERR_STORE;
			}
			snprintf(sql, sizeof(sql), "SELECT 1 FROM \"%s\" WHERE \"%s\" = ? LIMIT 1", table, r->ref_field);
			if (sqlite3_prepare_v2(rf->db, sql, -1, &rf->q[rf->n], NULL) != SQLITE_OK) {
				refers_free(rf);
				return store_error(store_db(st), "cannot prepare a refers rule", err);
			}
		}
		rf->n++;
	}
	*out = rf;
	return 0;
}

int refers_check(struct refers *rf, const struct csv_field *vals, const char **rule, const char **field, char *msg,
		 size_t len, struct err *err)
{
	size_t k;

	for (k = 0; rf && k < rf->n; k++) {
		const struct schema_rule *r = &rf->s->rules[rf->rule[k]];
		const struct csv_field *a = &vals[r->a];
		int found = 0, step;

		if (!a->len || !validate_rule_applies(r, vals))
			continue;
		if (rf->q[k]) {
			sqlite3_bind_text(rf->q[k], 1, a->p, (int)a->len, SQLITE_STATIC);
			step = sqlite3_step(rf->q[k]);
			found = step == SQLITE_ROW;
			sqlite3_reset(rf->q[k]);
			if (step != SQLITE_ROW && step != SQLITE_DONE)
				return store_error(rf->db, "cannot check a refers rule", err);
		}
		if (!found) {
			*rule = r->id;
			*field = rf->s->fields[r->a].name;
			snprintf(msg, len, "'%s' names no record of register '%s' by its '%s'%s", rf->s->fields[r->a].name,
				 r->ref_register, r->ref_field, rf->q[k] ? "" : " (that register holds nothing yet)");
			return 1;
		}
	}
	return 0;
}

void refers_free(struct refers *rf)
{
	size_t k;

	if (!rf)
		return;
	for (k = 0; k < rf->n; k++)
		sqlite3_finalize(rf->q[k]);
	free(rf);
}
