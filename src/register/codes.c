/*
 * codes.c: code lists, sorted arrays searched by bisection.
 * SPDX-License-Identifier: MIT
 */
#include "codes.h"
#include "csv.h"
#include "mem.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CODELIST_MAX_FILE (64 << 20)

#define ISO3166_DEFAULT "/usr/share/iso-codes/json/iso_3166-1.json"

struct entry {
	char *code;
	char *label;
};

struct codelist {
	char *name;
	struct entry *e;
	size_t n, cap;
};

struct codelist *codelist_new(const char *name)
{
	struct codelist *cl = xcalloc(1, sizeof(*cl));

	cl->name = xstrdup(name);
	return cl;
}

void codelist_free(struct codelist *cl)
{
	size_t i;

	if (!cl)
		return;
	for (i = 0; i < cl->n; i++) {
		free(cl->e[i].code);
		free(cl->e[i].label);
	}
	free(cl->e);
	free(cl->name);
	free(cl);
}

void codelist_add(struct codelist *cl, const char *code, const char *label)
{
	if (cl->n == cl->cap) {
		cl->cap = cl->cap ? cl->cap * 2 : 16;
		cl->e = xrealloc(cl->e, st_mult(cl->cap, sizeof(*cl->e)));
	}
	cl->e[cl->n].code = xstrdup(code);
	cl->e[cl->n].label = xstrdup(label ? label : "");
	cl->n++;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->code, ((const struct entry *)b)->code);
}

int codelist_seal(struct codelist *cl, struct err *err)
{
	size_t i;

	if (cl->n)
		qsort(cl->e, cl->n, sizeof(*cl->e), cmp_entry);
	for (i = 1; i < cl->n; i++)
		if (strcmp(cl->e[i - 1].code, cl->e[i].code) == 0)
			return ERR_SET(err, ERR_SCHEMA, "code list '%s' has the code '%s' twice",
				       cl->name, cl->e[i].code);
	return 0;
}

long codelist_find(const struct codelist *cl, const char *p, size_t len)
{
	size_t lo = 0, hi = cl->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *c = cl->e[mid].code;
		int d = strncmp(c, p, len);

		if (d == 0)
			d = c[len] ? 1 : 0;
		if (d == 0)
			return (long)mid;
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

const char *codelist_name(const struct codelist *cl) { return cl->name; }
size_t codelist_count(const struct codelist *cl) { return cl->n; }
const char *codelist_code(const struct codelist *cl, size_t i) { return cl->e[i].code; }
const char *codelist_label(const struct codelist *cl, size_t i) { return cl->e[i].label; }

int codelist_load_iso3166(struct codelist **out, const char *name, const char *path,
			  struct err *err)
{
	const char *env = getenv("PASOS_ISO_CODES");
	json_error_t jerr;
	json_t *root, *arr, *item;
	struct codelist *cl;
	size_t i;
	int rc;

	*out = NULL;
	if (!path)
		path = env && *env ? env : ISO3166_DEFAULT;
	root = json_load_file(path, 0, &jerr);
	if (!root)
		return ERR_SET(err, ERR_SCHEMA,
			       "cannot read ISO 3166-1 codes from '%s' (install iso-codes): %s",
			       path, jerr.text);
	arr = json_object_get(root, "3166-1");
	if (!json_is_array(arr)) {
		json_decref(root);
		return ERR_SET(err, ERR_SCHEMA, "'%s' has no \"3166-1\" array", path);
	}
	cl = codelist_new(name);
	json_array_foreach(arr, i, item) {
		const char *a3 = json_string_value(json_object_get(item, "alpha_3"));
		const char *nm = json_string_value(json_object_get(item, "name"));

		if (a3)
			codelist_add(cl, a3, nm);
	}
	json_decref(root);
	rc = codelist_seal(cl, err);
	if (rc) {
		codelist_free(cl);
		return rc;
	}
	*out = cl;
	return 0;
}

int codelist_load_csv(struct codelist **out, const char *name, const char *path,
		      const char *code_col, const char *label_col, struct err *err)
{
	struct csv_reader *r = NULL;
	struct csv_record rec;
	struct codelist *cl = NULL;
	long ci = -1, li = -1;
	struct stat sb;
	int rc;

	*out = NULL;
	if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size > CODELIST_MAX_FILE)
		return ERR_SET(err, ERR_SCHEMA, "code list file '%s' is not a readable file of at most %d MB",
			       path, CODELIST_MAX_FILE >> 20);
	rc = csv_reader_open(&r, path, 0, err);
	if (rc)
		return rc;
	rc = csv_reader_next(r, &rec, err);
	if (rc <= 0) {
		if (rc == 0)
			rc = ERR_SET(err, ERR_SCHEMA, "code list file '%s' is empty", path);
		goto out;
	}
	ci = csv_column(&rec, code_col);
	li = label_col ? csv_column(&rec, label_col) : -1;
	if (ci < 0) {
		rc = ERR_SET(err, ERR_SCHEMA, "code list file '%s' has no column '%s'", path, code_col);
		goto out;
	}
	cl = codelist_new(name);
	while ((rc = csv_reader_next(r, &rec, err)) == 1) {
		char *code, *label;

		if ((size_t)ci >= rec.n_fields || rec.fields[ci].len == 0) {
			rc = ERR_SET(err, ERR_SCHEMA, "code list file '%s' line %llu: no code",
				     path, (unsigned long long)rec.line);
			goto out;
		}
		code = xmemdup0(rec.fields[ci].p, rec.fields[ci].len);
		label = (li >= 0 && (size_t)li < rec.n_fields)
			? xmemdup0(rec.fields[li].p, rec.fields[li].len) : xstrdup("");
		codelist_add(cl, code, label);
		free(code);
		free(label);
	}
	if (rc < 0)
		goto out;
	rc = codelist_seal(cl, err);
	if (rc)
		goto out;
	*out = cl;
	cl = NULL;
out:
	codelist_free(cl);
	csv_reader_free(r);
	return rc < 0 ? rc : 0;
}
