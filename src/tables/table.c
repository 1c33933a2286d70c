/*
 * table.c: parsing table definitions (tables/NAME.tab) and building each
 * dimension's codes and hierarchy. See tables/README.md for the format.
 * SPDX-License-Identifier: MIT
 */
#include "table.h"
#include "csv.h"
#include "mem.h"
#include "schema.h"
#include "date.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_WORDS 24

/* ==== Code lookup: open addressing over the codes' strings ==== */

struct index {
	int *slot;      /* code index + 1; 0 free */
	size_t cap;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static void index_put(struct table_dim *d, int i)
{
	struct index *x = d->index;
	size_t k;

	if (!x) {
		x = d->index = xcalloc(1, sizeof(*x));
		x->cap = 4096;  /* > 2 * TABLE_MAX_CODES: never grows */
		x->slot = xcalloc(x->cap, sizeof(*x->slot));
	}
	for (k = hash_str(d->codes[i].code) & (x->cap - 1); x->slot[k]; k = (k + 1) & (x->cap - 1))
		;
	x->slot[k] = i + 1;
}

int table_code_index(const struct table_dim *d, const char *code)
{
	const struct index *x = d->index;
	size_t k;

	if (!x)
		return -1;
	for (k = hash_str(code) & (x->cap - 1); x->slot[k]; k = (k + 1) & (x->cap - 1))
		if (!strcmp(d->codes[x->slot[k] - 1].code, code))
			return x->slot[k] - 1;
	return -1;
}

int table_ancestors(const struct table_dim *d, int code, int *out)
{
	int n = 0, i = 0, k, p;

	out[n++] = code;
	while (i < n) {
		const struct table_code *c = &d->codes[out[i++]];

		for (p = 0; p < c->n_parents; p++) {
			for (k = 0; k < n && out[k] != c->parents[p]; k++)
				;
			if (k == n && n < TABLE_MAX_ANCESTORS)
				out[n++] = c->parents[p];
		}
	}
	return n;
}

int table_code_add(struct table_dim *d, const char *code, const char *es, const char *en, int level)
{
	int i = table_code_index(d, code);
	struct table_code *c;

	if (i >= 0)
		return i;
	if (d->n_codes >= TABLE_MAX_CODES)
		return -1;
	if (d->n_codes == d->cap_codes) {
		d->cap_codes = d->cap_codes ? d->cap_codes * 2 : 64;
		d->codes = xrealloc(d->codes, st_mult(d->cap_codes, sizeof(*d->codes)));
	}
	c = &d->codes[d->n_codes];
	memset(c, 0, sizeof(*c));
	c->code = xstrdup(code);
	c->label_es = xstrdup(es ? es : code);
	c->label_en = xstrdup(en ? en : code);
	c->level = level;
	index_put(d, (int)d->n_codes);
	return (int)d->n_codes++;
}

static void add_parent(struct table_code *c, int p)
{
	int k;

	for (k = 0; k < c->n_parents; k++)
		if (c->parents[k] == p)
			return;
	if (c->n_parents < TABLE_MAX_PARENTS)
		c->parents[c->n_parents++] = p;
}

/* ==== Parsing ==== */

static void dim_release(struct table_dim *d)
{
	size_t k;

	for (k = 0; k < d->n_codes; k++) {
		free(d->codes[k].code);
		free(d->codes[k].label_es);
		free(d->codes[k].label_en);
	}
	free(d->codes);
	free(d->id);
	if (d->index)
		free(((struct index *)d->index)->slot);
	free(d->index);
}

void table_free(struct table *t)
{
	size_t i, k;

	if (!t)
		return;
	for (i = 0; i < t->n_dims; i++) {
		struct table_dim *d = &t->dims[i];

		if (d->raw) {
			dim_release(d->raw);
			free(d->raw);
		}

		for (k = 0; k < d->n_codes; k++) {
			free(d->codes[k].code);
			free(d->codes[k].label_es);
			free(d->codes[k].label_en);
		}
		if (d->constraint_value && d->constraint_dim >= 0)
			for (k = 0; k < t->dims[d->constraint_dim].n_codes; k++)
				free(d->constraint_value[k]);
		free(d->constraint_value);
		free(d->codes);
		free(d->codes_path);
		free(d->codes_key);
		free(d->at);
		free(d->opened);
		free(d->closed);
		free(d->id);
		free(d->field);
		if (d->index)
			free(((struct index *)d->index)->slot);
		free(d->index);
	}
	for (i = 0; i < t->n_measures; i++) {
		free(t->measures[i].id);
		free(t->measures[i].unit);
	}
	free(t->name);
	free(t->path);
	free(t->source);
	free(t->title_es);
	free(t->title_en);
	for (i = 0; i < (size_t)t->n_protect; i++)
		free(t->protect[i]);
	free(t->protect);
	free(t);
}

/* Split "a,b,c" into at most max parts (copied into buf). */
static int split(char *s, char **parts, int max)
{
	int n = 0;
	char *save = NULL, *t;

	for (t = strtok_r(s, ",", &save); t && n < max; t = strtok_r(NULL, ",", &save))
		parts[n++] = t;
	return n;
}

/*
 * Codes from a CSV: key column, labels, and parent columns given as
 * COL[:LABEL_ES_COL[:LABEL_EN_COL]], each a grouping that adds up to the total.
 */
static int load_codes(struct table_dim *d, const char *path, const char *key, const char *les,
		      const char *len, char **parents, int n_parents, struct err *err)
{
	struct csv_reader *r = NULL;
	struct csv_record rec;
	int ck, ces, cen, pc[TABLE_MAX_PARENTS][3], k, rc = 0;
	char *pspec[TABLE_MAX_PARENTS];

	if ((rc = csv_reader_open(&r, path, 0, err)))
		return rc;
	if (csv_reader_next(r, &rec, err) != 1) {
		rc = ERR_SET(err, ERR_SCHEMA, "code file '%s' is empty", path);
		goto out;
	}
	ck = csv_column(&rec, key);
	ces = les ? csv_column(&rec, les) : -1;
	cen = len ? csv_column(&rec, len) : -1;
	if (ck < 0 || (les && ces < 0) || (len && cen < 0)) {
		rc = ERR_SET(err, ERR_SCHEMA, "dimension '%s': '%s' lacks a column it names", d->id, path);
		goto out;
	}
	for (k = 0; k < n_parents; k++) {
		char *parts[3] = { 0 };
		int np, q;

		pspec[k] = xstrdup(parents[k]);
		np = 0;
		{
			char *save = NULL, *t;

			for (t = strtok_r(pspec[k], ":", &save); t && np < 3; t = strtok_r(NULL, ":", &save))
				parts[np++] = t;
		}
		for (q = 0; q < 3; q++) {
			pc[k][q] = parts[q] ? csv_column(&rec, parts[q]) : -1;
			if (parts[q] && pc[k][q] < 0) {
				rc = ERR_SET(err, ERR_SCHEMA, "dimension '%s': '%s' has no column '%s'", d->id, path, parts[q]);
				for (q = 0; q <= k; q++)
					free(pspec[q]);
				goto out;
			}
		}
	}
	for (k = 0; k < n_parents; k++)
		free(pspec[k]);
	while (csv_reader_next(r, &rec, err) == 1) {
		char code[128], es[256], en[256];
		int i;

#define FIELD(buf, c) snprintf(buf, sizeof(buf), "%.*s", (c) >= 0 && (size_t)(c) < rec.n_fields ? \
			       (int)rec.fields[c].len : 0, (c) >= 0 && (size_t)(c) < rec.n_fields ? rec.fields[c].p : "")
		FIELD(code, ck);
		FIELD(es, ces);
		FIELD(en, cen);
		if (!code[0])
			continue;
		i = table_code_add(d, code, ces >= 0 ? es : NULL, cen >= 0 ? en : NULL, 0);
		if (i < 0) {
			rc = ERR_SET(err, ERR_SCHEMA, "dimension '%s': more than %d codes", d->id, TABLE_MAX_CODES);
			goto out;
		}
		for (k = 0; k < n_parents; k++) {
			char pcode[128], pes[256], pen[256];
			int p;

			FIELD(pcode, pc[k][0]);
			FIELD(pes, pc[k][1]);
			FIELD(pen, pc[k][2]);
			if (!pcode[0])
				continue;
			p = table_code_add(d, pcode, pc[k][1] >= 0 ? pes : NULL, pc[k][2] >= 0 ? pen : NULL, 1);
			if (p < 0 || p == i) {
				rc = ERR_SET(err, ERR_SCHEMA, "dimension '%s': code '%s' is its own parent (a cycle)", d->id, code);
				goto out;
			}
			if (d->codes[p].level == 0) {
				/* a group must not share its code with a leaf (region NAM, country NAM) */
				rc = ERR_SET(err, ERR_SCHEMA, "dimension '%s': '%s' is both a code and a group of '%s'",
					     d->id, pcode, path);
				goto out;
			}
			add_parent(&d->codes[i], p);
		}
#undef FIELD
	}
out:
	csv_reader_free(r);
	return rc;
}

/* The raw values of a map= dimension, each pointing (parents[0]) at its code in d. */
static int load_map(struct table_dim *d, const char *path, const char *key, const char *to, struct err *err)
{
	struct csv_reader *r = NULL;
	struct csv_record rec;
	int ck, ct, rc = 0;

	if ((rc = csv_reader_open(&r, path, 0, err)))
		return rc;
	if (csv_reader_next(r, &rec, err) != 1 || (ck = csv_column(&rec, key)) < 0 || (ct = csv_column(&rec, to)) < 0) {
		rc = ERR_SET(err, ERR_SCHEMA, "dimension '%s': '%s' lacks the column '%s' or '%s'", d->id, path, key, to);
		goto out;
	}
	while (csv_reader_next(r, &rec, err) == 1) {
		char raw[128], mapped[128];
		int i;

		if ((size_t)ck >= rec.n_fields || (size_t)ct >= rec.n_fields)
			continue;
		snprintf(raw, sizeof(raw), "%.*s", (int)rec.fields[ck].len, rec.fields[ck].p);
		snprintf(mapped, sizeof(mapped), "%.*s", (int)rec.fields[ct].len, rec.fields[ct].p);
		i = table_code_add(d->raw, raw, NULL, NULL, 0);
		if (i < 0) {
			rc = ERR_SET(err, ERR_SCHEMA, "dimension '%s': more than %d values", d->id, TABLE_MAX_CODES);
			goto out;
		}
		d->raw->codes[i].parents[0] = table_code_index(d, mapped);
		d->raw->codes[i].n_parents = d->raw->codes[i].parents[0] >= 0;
	}
out:
	csv_reader_free(r);
	return rc;
}

static int parse_dimension(struct table *t, char **w, int n, struct err *err)
{
	struct table_dim *d;
	const char *field = NULL, *kind = "code", *codes = NULL, *key = "code", *les = NULL, *len = NULL;
	char *values = NULL, *labels_es = NULL, *labels_en = NULL, *parents[TABLE_MAX_PARENTS];
	int n_parents = 0, total = 1, i, rc = 0;
	const char *at = NULL, *map = NULL;

	if (n < 3)
		return ERR_SET(err, ERR_SCHEMA, "write 'dimension ID field=FIELD ...'");
	if (t->n_dims == TABLE_MAX_DIMS)
		return ERR_SET(err, ERR_SCHEMA, "more than %d dimensions", TABLE_MAX_DIMS);
	for (i = 0; i < (int)t->n_dims; i++)
		if (!strcmp(t->dims[i].id, w[1]))
			return ERR_SET(err, ERR_SCHEMA, "dimension '%s' declared twice", w[1]);
	for (i = 2; i < n; i++) {
		const char *v;

		if ((v = schema_attr(w[i], "field"))) field = v;
		else if ((v = schema_attr(w[i], "kind"))) kind = v;
		else if ((v = schema_attr(w[i], "codes"))) codes = v;
		else if ((v = schema_attr(w[i], "key"))) key = v;
		else if ((v = schema_attr(w[i], "label_es"))) les = v;
		else if ((v = schema_attr(w[i], "label_en"))) len = v;
		else if ((v = schema_attr(w[i], "values"))) values = (char *)v;
		else if ((v = schema_attr(w[i], "labels_es"))) labels_es = (char *)v;
		else if ((v = schema_attr(w[i], "labels_en"))) labels_en = (char *)v;
		else if ((v = schema_attr(w[i], "parent")) && n_parents < TABLE_MAX_PARENTS) parents[n_parents++] = (char *)v;
		else if ((v = schema_attr(w[i], "total"))) total = strcmp(v, "no") != 0;
		else if ((v = schema_attr(w[i], "at"))) at = v;
		else if ((v = schema_attr(w[i], "map"))) map = v;
		else
			return ERR_SET(err, ERR_SCHEMA, "dimension '%s': unknown attribute '%s'", w[1], w[i]);
	}
	if (!field)
		return ERR_SET(err, ERR_SCHEMA, "dimension '%s' names no field (field=NAME)", w[1]);
	d = &t->dims[t->n_dims];
	memset(d, 0, sizeof(*d));
	d->id = xstrdup(w[1]);
	d->field = xstrdup(field);
	d->total = -1;
	d->constraint_dim = -1;
	d->period_dim = -1;
	t->n_dims++;
	if (!strcmp(kind, "month")) {
		d->kind = DIM_MONTH;  /* months, quarters, years: added as the data shows them */
		return 0;
	}
	if (!strcmp(kind, "age")) {
		/*
		 * Age at the event: 0-11 and 12-17 (the child and adolescent groups
		 * of Ley 548), then five-year groups to 85 and over.
		 */
		static const char *groups[] = { "Y0T11", "Y12T17", "Y18T19", "Y20T24", "Y25T29", "Y30T34",
			"Y35T39", "Y40T44", "Y45T49", "Y50T54", "Y55T59", "Y60T64", "Y65T69", "Y70T74",
			"Y75T79", "Y80T84", "Y_GE85" };
		size_t g;
		int lt18, ge18, top, unk;

		if (!at)
			return ERR_SET(err, ERR_SCHEMA, "dimension '%s': an age needs at=DATE_FIELD", w[1]);
		d->kind = DIM_AGE;
		d->at = xstrdup(at);
		for (g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
			table_code_add(d, groups[g], NULL, NULL, 0);
		unk = table_code_add(d, "_U", "Desconocida", "Unknown", 0);
		lt18 = table_code_add(d, "Y_LT18", "Menores de 18", "Under 18", 1);
		ge18 = table_code_add(d, "Y_GE18", "18 y más", "18 and over", 1);
		top = table_code_add(d, TABLE_TOTAL, "Total", "Total", 9);
		d->total = top;
		for (g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
			add_parent(&d->codes[g], g < 2 ? lt18 : ge18);
		add_parent(&d->codes[unk], top);
		add_parent(&d->codes[lt18], top);
		add_parent(&d->codes[ge18], top);
		return 0;
	}
	if (strcmp(kind, "code"))
		return ERR_SET(err, ERR_SCHEMA, "dimension '%s': unknown kind '%s' (code, month, age)", w[1], kind);
	d->kind = DIM_CODE;
	if (codes && map) {
		/*
		 * map=COL[:ES:EN]: records hold the key (a country), the table
		 * shows COL (its group); the groups are this dimension's leaves.
		 */
		char *spec = xstrdup(map), *mp[3] = { 0 }, *save = NULL, *tk;
		int nm = 0;

		for (tk = strtok_r(spec, ":", &save); tk && nm < 3; tk = strtok_r(NULL, ":", &save))
			mp[nm++] = tk;
		d->codes_path = schema_beside(t->path, codes);
		d->codes_key = xstrdup(mp[0]);
		rc = load_codes(d, d->codes_path, mp[0], mp[1], mp[2], parents, n_parents, err);
		if (!rc) {
			d->raw = xcalloc(1, sizeof(*d->raw));
			d->raw->id = xstrdup(d->id);
			d->raw->total = d->raw->constraint_dim = -1;
			rc = load_map(d, d->codes_path, key, mp[0], err);
		}
		free(spec);
		if (rc)
			return rc;
	} else if (codes) {
		d->codes_path = schema_beside(t->path, codes);
		d->codes_key = xstrdup(key);
		rc = load_codes(d, d->codes_path, key, les, len, parents, n_parents, err);
		if (rc)
			return rc;
	} else if (values) {
		char *vs = xstrdup(values), *es = labels_es ? xstrdup(labels_es) : NULL;
		char *en = labels_en ? xstrdup(labels_en) : NULL, *pv[64], *pe[64], *pn[64];
		int nv = split(vs, pv, 64), ne = es ? split(es, pe, 64) : 0, nn = en ? split(en, pn, 64) : 0;

		for (i = 0; i < nv; i++)
			table_code_add(d, pv[i], i < ne ? pe[i] : NULL, i < nn ? pn[i] : NULL, 0);
		free(vs);
		free(es);
		free(en);
	} else {
		return ERR_SET(err, ERR_SCHEMA, "dimension '%s' needs codes=FILE or values=A,B,...", w[1]);
	}
	if (total) {
		int top = table_code_add(d, TABLE_TOTAL, "Total", "Total", 9);
		size_t k;

		d->total = top;
		/* every code without a parent in a grouping adds into the total */
		for (k = 0; k < d->n_codes; k++) {
			struct table_code *c = &d->codes[k];

			if ((int)k == top)
				continue;
			if (c->level == 0 && c->n_parents < n_parents + 1)
				add_parent(c, top);
			else if (c->level == 1)
				add_parent(c, top);
		}
	}
	return 0;
}

static int dim_index(const struct table *t, const char *id)
{
	size_t i;

	for (i = 0; i < t->n_dims; i++)
		if (!strcmp(t->dims[i].id, id))
			return (int)i;
	return -1;
}

/*
 * constraint DIM OTHER COLUMN: a record's DIM must equal COLUMN of its
 * OTHER code's row (a border post has one mode of transport). Other
 * combinations cannot exist and are not published as zeros.
 */
static int parse_constraint(struct table *t, char **w, int n, struct err *err)
{
	struct csv_reader *r = NULL;
	struct csv_record rec;
	struct table_dim *da, *db;
	int a, b, ck, cv, rc = 0;

	if (n != 4)
		return ERR_SET(err, ERR_SCHEMA, "write 'constraint DIM OTHER COLUMN'");
	a = dim_index(t, w[1]);
	b = dim_index(t, w[2]);
	if (a < 0 || b < 0)
		return ERR_SET(err, ERR_SCHEMA, "constraint: unknown dimension '%s'", a < 0 ? w[1] : w[2]);
	da = &t->dims[a];
	db = &t->dims[b];
	if (!db->codes_path)
		return ERR_SET(err, ERR_SCHEMA, "constraint: dimension '%s' has no code file", w[2]);
	if ((rc = csv_reader_open(&r, db->codes_path, 0, err)))
		return rc;
	if (csv_reader_next(r, &rec, err) != 1 || (ck = csv_column(&rec, db->codes_key)) < 0 ||
	    (cv = csv_column(&rec, w[3])) < 0) {
		rc = ERR_SET(err, ERR_SCHEMA, "constraint: '%s' has no column '%s'", db->codes_path, w[3]);
		goto out;
	}
	da->constraint_dim = b;
	da->constraint_value = xcalloc(db->n_codes + 1, sizeof(char *));
	while (csv_reader_next(r, &rec, err) == 1) {
		char key[128];
		int i;

		if ((size_t)ck >= rec.n_fields || (size_t)cv >= rec.n_fields)
			continue;
		snprintf(key, sizeof(key), "%.*s", (int)rec.fields[ck].len, rec.fields[ck].p);
		i = table_code_index(db, key);
		if (i >= 0 && !da->constraint_value[i])
			da->constraint_value[i] = xmemdup0(rec.fields[cv].p, rec.fields[cv].len);
	}
out:
	csv_reader_free(r);
	return rc;
}

/*
 * open DIM TIME OPENED_COL CLOSED_COL: a code (a border post) exists only
 * from the day in OPENED_COL to the day in CLOSED_COL of its code file
 * (empty: always); its cells in other periods are not published as zeros.
 */
static int parse_open(struct table *t, char **w, int n, struct err *err)
{
	struct csv_reader *r = NULL;
	struct csv_record rec;
	struct table_dim *da;
	int a, b, ck, co, cc, rc = 0;
	size_t k;

	if (n != 5)
		return ERR_SET(err, ERR_SCHEMA, "write 'open DIM TIME OPENED_COLUMN CLOSED_COLUMN'");
	a = dim_index(t, w[1]);
	b = dim_index(t, w[2]);
	if (a < 0 || b < 0)
		return ERR_SET(err, ERR_SCHEMA, "open: unknown dimension '%s'", a < 0 ? w[1] : w[2]);
	da = &t->dims[a];
	if (!da->codes_path || t->dims[b].kind != DIM_MONTH)
		return ERR_SET(err, ERR_SCHEMA, "open: '%s' needs a code file and '%s' must be a month", w[1], w[2]);
	if ((rc = csv_reader_open(&r, da->codes_path, 0, err)))
		return rc;
	if (csv_reader_next(r, &rec, err) != 1 || (ck = csv_column(&rec, da->codes_key)) < 0 ||
	    (co = csv_column(&rec, w[3])) < 0 || (cc = csv_column(&rec, w[4])) < 0) {
		rc = ERR_SET(err, ERR_SCHEMA, "open: '%s' lacks the column '%s' or '%s'", da->codes_path, w[3], w[4]);
		goto out;
	}
	da->period_dim = b;
	da->opened = xmalloc(st_mult(TABLE_MAX_CODES, sizeof(int32_t)));
	da->closed = xmalloc(st_mult(TABLE_MAX_CODES, sizeof(int32_t)));
	for (k = 0; k < TABLE_MAX_CODES; k++) {
		da->opened[k] = INT32_MIN;
		da->closed[k] = INT32_MAX;
	}
	while (csv_reader_next(r, &rec, err) == 1) {
		char key[128];
		int i;

		if ((size_t)ck >= rec.n_fields || (size_t)co >= rec.n_fields || (size_t)cc >= rec.n_fields)
			continue;
		snprintf(key, sizeof(key), "%.*s", (int)rec.fields[ck].len, rec.fields[ck].p);
		if ((i = table_code_index(da, key)) < 0)
			continue;
		if (rec.fields[co].len)
			da->opened[i] = (int32_t)date_parse(rec.fields[co].p, rec.fields[co].len);
		if (rec.fields[cc].len)
			da->closed[i] = (int32_t)date_parse(rec.fields[cc].p, rec.fields[cc].len);
		if ((rec.fields[co].len && da->opened[i] == DATE_INVALID) ||
		    (rec.fields[cc].len && da->closed[i] == DATE_INVALID)) {
			rc = ERR_SET(err, ERR_SCHEMA, "open: '%s': the dates of '%s' are not YYYY-MM-DD", da->codes_path, key);
			goto out;
		}
	}
out:
	csv_reader_free(r);
	return rc;
}

static int parse_line(struct table *t, char *line, struct err *err)
{
	char *w[MAX_WORDS], *save = NULL, *tok;
	int n = 0;

	for (tok = strtok_r(line, " \t\r\n", &save); tok; tok = strtok_r(NULL, " \t\r\n", &save)) {
		if (tok[0] == '#')
			break;
		if (n == MAX_WORDS)
			return ERR_SET(err, ERR_SCHEMA, "more than %d words on a line", MAX_WORDS);
		w[n++] = tok;
		if (n == 2 && !strcmp(w[0], "title")) {
			char *rest = save;
			char **dst;

			while (rest && (*rest == ' ' || *rest == '\t'))
				rest++;
			if (strcmp(w[1], "es") && strcmp(w[1], "en"))
				return ERR_SET(err, ERR_SCHEMA, "write 'title es TEXT' or 'title en TEXT'");
			dst = !strcmp(w[1], "es") ? &t->title_es : &t->title_en;
			free(*dst);
			*dst = xstrdup(rest ? rest : "");
			(*dst)[strcspn(*dst, "\r\n")] = '\0';
			return 0;
		}
	}
	if (n == 0)
		return 0;
	if (!strcmp(w[0], "table")) {
		if (n != 2 || t->name)
			return ERR_SET(err, ERR_SCHEMA, "write 'table NAME' once");
		t->name = xstrdup(w[1]);
		return 0;
	}
	if (!t->name)
		return ERR_SET(err, ERR_SCHEMA, "the file must start with 'table NAME'");
	if (!strcmp(w[0], "source")) {
		if (n != 2 && !(n == 3 && !strcmp(w[2], "current")))
			return ERR_SET(err, ERR_SCHEMA, "write 'source REGISTER' or 'source REGISTER current'");
		free(t->source);
		t->source = xstrdup(w[1]);
		t->current_only = n == 3;
		return 0;
	}
	if (!strcmp(w[0], "dimension"))
		return parse_dimension(t, w, n, err);
	if (!strcmp(w[0], "join")) {
		if (n != 2 || strcmp(w[1], "classified"))
			return ERR_SET(err, ERR_SCHEMA, "write 'join classified'");
		t->join_classified = 1;
		return 0;
	}
	if (!strcmp(w[0], "protect")) {
		/* kept as words: the protect stage reads them (suppression|cellkey k=3 ...) */
		int i;

		if (n < 2)
			return ERR_SET(err, ERR_SCHEMA, "write 'protect suppression|cellkey [k=N] [interval=N] [D=N] [V=X]'");
		for (i = 0; i < t->n_protect; i++)
			free(t->protect[i]);
		free(t->protect);
		t->protect = xmalloc(st_mult((size_t)n, sizeof(char *)));
		for (t->n_protect = 0; t->n_protect < n - 1; t->n_protect++)
			t->protect[t->n_protect] = xstrdup(w[t->n_protect + 1]);
		return 0;
	}
	if (!strcmp(w[0], "constraint"))
		return parse_constraint(t, w, n, err);
	if (!strcmp(w[0], "open"))
		return parse_open(t, w, n, err);
	if (!strcmp(w[0], "measure")) {
		struct table_measure *m;
		int i;

		if (n < 3)
			return ERR_SET(err, ERR_SCHEMA, "write 'measure ID count|persons [unit=U]'");
		if (t->n_measures == TABLE_MAX_MEASURES)
			return ERR_SET(err, ERR_SCHEMA, "more than %d measures", TABLE_MAX_MEASURES);
		m = &t->measures[t->n_measures];
		if (!strcmp(w[2], "count"))
			m->kind = MEASURE_COUNT;
		else if (!strcmp(w[2], "persons"))
			m->kind = MEASURE_PERSONS;
		else if (!strcmp(w[2], "migrants") && t->join_classified)
			m->kind = MEASURE_MIGRANTS;
		else if (!strcmp(w[2], "migrants"))
			return ERR_SET(err, ERR_SCHEMA, "measure '%s': migrants need 'join classified' before it", w[1]);
		else
			return ERR_SET(err, ERR_SCHEMA, "measure '%s': unknown kind '%s' (count, persons, migrants)", w[1], w[2]);
		m->id = xstrdup(w[1]);
		m->unit = xstrdup("NUMBER");
		for (i = 3; i < n; i++)
			if (schema_attr(w[i], "unit")) {
				free(m->unit);
				m->unit = xstrdup(schema_attr(w[i], "unit"));
			}
		t->n_measures++;
		return 0;
	}
	return ERR_SET(err, ERR_SCHEMA, "unknown directive '%s' (table, title, source, join, dimension, constraint, open, measure, protect)", w[0]);
}

/* A code may not reach itself through its parents. */
static int check_cycles(const struct table *t, struct err *err)
{
	size_t i, k;

	for (i = 0; i < t->n_dims; i++) {
		const struct table_dim *d = &t->dims[i];

		for (k = 0; k < d->n_codes; k++) {
			int stack[64], depth = 0, steps = 0;

			stack[depth++] = (int)k;
			while (depth > 0) {
				const struct table_code *c = &d->codes[stack[--depth]];
				int p;

				for (p = 0; p < c->n_parents; p++) {
					if (c->parents[p] == (int)k || ++steps > 10000)
						return ERR_SET(err, ERR_SCHEMA, "dimension '%s': the hierarchy has a cycle through '%s'",
							       d->id, d->codes[k].code);
					if (depth < 64)
						stack[depth++] = c->parents[p];
				}
			}
		}
	}
	return 0;
}

int table_load(struct table **out, const char *path, struct err *err)
{
	struct table *t = xcalloc(1, sizeof(*t));
	FILE *f = fopen(path, "rb");
	char line[2048];
	uint64_t lineno = 0;
	int rc = 0;

	*out = NULL;
	t->path = xstrdup(path);
	if (!f) {
		table_free(t);
		return ERR_SET(err, ERR_IO, "cannot open '%s'", path);
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if ((rc = parse_line(t, line, err))) {
			err_at(err, path, lineno, 0);
			goto fail;
		}
	}
	if (!t->name || !t->source || t->n_dims == 0 || t->n_measures == 0) {
		rc = ERR_SET(err, ERR_SCHEMA, "'%s' needs table, source, at least one dimension and one measure", path);
		goto fail;
	}
	if ((rc = check_cycles(t, err)))
		goto fail;
	fclose(f);
	if (!t->title_es)
		t->title_es = xstrdup(t->name);
	if (!t->title_en)
		t->title_en = xstrdup(t->name);
	*out = t;
	return 0;
fail:
	fclose(f);
	table_free(t);
	return rc;
}

int table_load_named(struct table **out, const char *name, struct err *err)
{
	char path[PATH_MAX + 64];
	int rc = schema_definition_path("tables", name, ".tab", path, sizeof(path), err);

	return rc ? rc : table_load(out, path, err);
}
