/*
 * schema.c: parsing register definitions (registers/NAME.reg).
 * The format is line based; see registers/README.md.
 * SPDX-License-Identifier: MIT
 */
#include "schema.h"
#include "mem.h"
#include "sha256.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_DEF_BYTES (1u << 20)
#define MAX_TOKENS 40

#ifndef PASOS_DATADIR
#define PASOS_DATADIR "/usr/local/share/pasos"
#endif

static const struct {
	const char *name;
	unsigned role;
} role_names[] = {
	{ "record_id", ROLE_RECORD_ID },
	{ "event_date", ROLE_EVENT_DATE },
	{ "surname", ROLE_SURNAME },
	{ "given_names", ROLE_GIVEN_NAMES },
	{ "birth_date", ROLE_BIRTH_DATE },
	{ "sex", ROLE_SEX },
	{ "nationality", ROLE_NATIONALITY },
	{ "document_number", ROLE_DOCUMENT_NUMBER },
	{ "document_type", ROLE_DOCUMENT_TYPE },
	{ "document_country", ROLE_DOCUMENT_COUNTRY },
	{ "dimension", ROLE_DIMENSION },
	{ "direction", ROLE_DIRECTION },
	{ "compare", ROLE_COMPARE },
};

const char *schema_type_name(enum field_type t)
{
	switch (t) {
	case FT_TEXT: return "text";
	case FT_INTEGER: return "integer";
	case FT_DATE: return "date";
	case FT_DATETIME: return "datetime";
	case FT_CODE: return "code";
	}
	return "?";
}

void schema_free(struct schema *s)
{
	size_t i, j;

	if (!s)
		return;
	for (i = 0; i < s->n_fields; i++)
		free(s->fields[i].name);
	for (i = 0; i < s->n_rules; i++) {
		free(s->rules[i].id);
		free(s->rules[i].ref_register);
		free(s->rules[i].ref_field);
		for (j = 0; j < s->rules[i].n_values; j++)
			free(s->rules[i].values[j]);
	}
	for (i = 0; i < s->n_lists; i++)
		codelist_free(s->lists[i]);
	free(s->name);
	free(s->title);
	free(s->path);
	free(s->text_sha);
	free(s);
}

int schema_field_index(const struct schema *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n_fields; i++)
		if (strcmp(s->fields[i].name, name) == 0)
			return (int)i;
	return -1;
}

int schema_role_field(const struct schema *s, unsigned role)
{
	size_t i;

	for (i = 0; i < s->n_fields; i++)
		if (s->fields[i].roles & role)
			return (int)i;
	return -1;
}

static const struct codelist *find_list(const struct schema *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n_lists; i++)
		if (strcmp(codelist_name(s->lists[i]), name) == 0)
			return s->lists[i];
	return NULL;
}

const char *schema_attr(const char *tok, const char *key)
{
	size_t n = strlen(key);

	if (strncmp(tok, key, n) == 0 && tok[n] == '=')
		return tok + n + 1;
	return NULL;
}

static int valid_name(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

static int parse_ll(const char *s, long long *out)
{
	char *end;

	errno = 0;
	*out = strtoll(s, &end, 10);
	return !(errno || end == s || *end);
}

char *schema_beside(const char *def_path, const char *rel)
{
	const char *slash = strrchr(def_path, '/');
	struct buf b;

	if (rel[0] == '/' || !slash)
		return xstrdup(rel);
	buf_init(&b, PATH_MAX);
	if (buf_add(&b, def_path, (size_t)(slash - def_path + 1), NULL) ||
	    buf_adds(&b, rel, NULL)) {
		buf_release(&b);
		return xstrdup(rel);
	}
	return b.p;
}

static int parse_field(struct schema *s, char **tok, int n, struct err *err)
{
	struct schema_field *f;
	int i;

	if (n < 3)
		return ERR_SET(err, ERR_SCHEMA, "'field' needs a name and a type");
	if (s->n_fields == SCHEMA_MAX_FIELDS)
		return ERR_SET(err, ERR_SCHEMA, "more than %d fields", SCHEMA_MAX_FIELDS);
	if (!valid_name(tok[1]))
		return ERR_SET(err, ERR_SCHEMA, "field name '%s' must be lower case letters, digits and _", tok[1]);
	if (schema_field_index(s, tok[1]) >= 0)
		return ERR_SET(err, ERR_SCHEMA, "field '%s' declared twice", tok[1]);
	f = &s->fields[s->n_fields];
	memset(f, 0, sizeof(*f));
	if (!strcmp(tok[2], "text")) f->type = FT_TEXT;
	else if (!strcmp(tok[2], "integer")) f->type = FT_INTEGER;
	else if (!strcmp(tok[2], "date")) f->type = FT_DATE;
	else if (!strcmp(tok[2], "datetime")) f->type = FT_DATETIME;
	else if (!strcmp(tok[2], "code")) f->type = FT_CODE;
	else
		return ERR_SET(err, ERR_SCHEMA, "field '%s': unknown type '%s' (text, integer, date, datetime, code)", tok[1], tok[2]);
	for (i = 3; i < n; i++) {
		const char *v;
		long long ll;

		if (!strcmp(tok[i], "required")) {
			f->required = 1;
		} else if (!strcmp(tok[i], "optional")) {
			f->required = 0;
		} else if ((v = schema_attr(tok[i], "max_len"))) {
			if (!parse_ll(v, &ll) || ll <= 0)
				return ERR_SET(err, ERR_SCHEMA, "field '%s': bad max_len", tok[1]);
			f->max_len = (long)ll;
		} else if ((v = schema_attr(tok[i], "min"))) {
			if (!parse_ll(v, &f->min))
				return ERR_SET(err, ERR_SCHEMA, "field '%s': bad min", tok[1]);
			f->has_min = 1;
		} else if ((v = schema_attr(tok[i], "max"))) {
			if (!parse_ll(v, &f->max))
				return ERR_SET(err, ERR_SCHEMA, "field '%s': bad max", tok[1]);
			f->has_max = 1;
		} else if ((v = schema_attr(tok[i], "codes"))) {
			f->codes = find_list(s, v);
			if (!f->codes)
				return ERR_SET(err, ERR_SCHEMA, "field '%s': code list '%s' is not declared before it", tok[1], v);
		} else if ((v = schema_attr(tok[i], "role"))) {
			char *copy = xstrdup(v), *save = NULL, *r;

			for (r = strtok_r(copy, ",", &save); r; r = strtok_r(NULL, ",", &save)) {
				size_t k;
				int found = 0;

				for (k = 0; k < sizeof(role_names) / sizeof(role_names[0]); k++)
					if (!strcmp(r, role_names[k].name)) {
						f->roles |= role_names[k].role;
						found = 1;
					}
				if (!found) {
					ERR_SET(err, ERR_SCHEMA, "field '%s': unknown role '%s'", tok[1], r);
					free(copy);
					return ERR_SCHEMA;
				}
			}
			free(copy);
		} else {
			return ERR_SET(err, ERR_SCHEMA, "field '%s': unknown attribute '%s'", tok[1], tok[i]);
		}
	}
	if (f->type == FT_CODE && !f->codes)
		return ERR_SET(err, ERR_SCHEMA, "field '%s' is a code but names no code list (codes=LIST)", tok[1]);
	if (f->type != FT_CODE && f->codes)
		return ERR_SET(err, ERR_SCHEMA, "field '%s' has a code list but is not of type code", tok[1]);
	f->name = xstrdup(tok[1]);
	s->n_fields++;
	return 0;
}

static int parse_codelist(struct schema *s, char **tok, int n, const char *path, struct err *err)
{
	struct codelist *cl = NULL;
	int i, rc;

	if (n < 3)
		return ERR_SET(err, ERR_SCHEMA, "'codelist' needs a name and a source (values, iso3166-1 or file=)");
	if (find_list(s, tok[1]))
		return ERR_SET(err, ERR_SCHEMA, "code list '%s' declared twice", tok[1]);
	if (s->n_lists == SCHEMA_MAX_FIELDS)
		return ERR_SET(err, ERR_SCHEMA, "too many code lists");
	if (!strcmp(tok[2], "values")) {
		if (n < 4)
			return ERR_SET(err, ERR_SCHEMA, "code list '%s' has no values", tok[1]);
		cl = codelist_new(tok[1]);
		for (i = 3; i < n; i++)
			codelist_add(cl, tok[i], NULL);
		rc = codelist_seal(cl, err);
		if (rc) {
			codelist_free(cl);
			return rc;
		}
	} else if (!strcmp(tok[2], "iso3166-1")) {
		rc = codelist_load_iso3166(&cl, tok[1], NULL, err);
		if (rc)
			return rc;
	} else if (schema_attr(tok[2], "file")) {
		const char *col = "code", *label = NULL;
		char *file;

		for (i = 3; i < n; i++) {
			if (schema_attr(tok[i], "column"))
				col = schema_attr(tok[i], "column");
			else if (schema_attr(tok[i], "label"))
				label = schema_attr(tok[i], "label");
			else
				return ERR_SET(err, ERR_SCHEMA, "code list '%s': unknown attribute '%s'", tok[1], tok[i]);
		}
		file = schema_beside(path, schema_attr(tok[2], "file"));
		rc = codelist_load_csv(&cl, tok[1], file, col, label, err);
		free(file);
		if (rc)
			return rc;
	} else {
		return ERR_SET(err, ERR_SCHEMA, "code list '%s': unknown source '%s'", tok[1], tok[2]);
	}
	s->lists[s->n_lists++] = cl;
	return 0;
}

static int field_arg(const struct schema *s, const char *rule, const char *name, struct err *err)
{
	int i = schema_field_index(s, name);

	if (i < 0)
		return ERR_SET(err, ERR_SCHEMA, "rule '%s': no field '%s' declared before it", rule, name);
	return i;
}

/*
 * The values tok[from..n) of a rule's condition on field r->b. Every value
 * is checked before any is copied: a rule that fails is not counted, so
 * nothing of it may stay allocated.
 */
static int cond_values(struct schema *s, struct schema_rule *r, char **tok, int from, int n, struct err *err)
{
	int i;

	if (n - from > SCHEMA_MAX_VALUES)
		return ERR_SET(err, ERR_SCHEMA, "rule '%s': too many values", tok[1]);
	for (i = from; i < n; i++) {
		const struct codelist *cl = s->fields[r->b].codes;

		if (cl && codelist_find(cl, tok[i], strlen(tok[i])) < 0)
			return ERR_SET(err, ERR_SCHEMA, "rule '%s': '%s' is not a code of '%s'", tok[1], tok[i], codelist_name(cl));
	}
	for (i = from; i < n; i++)
		r->values[r->n_values++] = xstrdup(tok[i]);
	return 0;
}

/*
 * rule ID refers FIELD REGISTER.FIELD [when COND_FIELD in|not_in VALUE...]:
 * FIELD must name a stored record of REGISTER by its FIELD (ingest checks
 * it against the store).
 */
static int parse_refers(struct schema *s, struct schema_rule *r, char **tok, int n, struct err *err)
{
	const char *dot = strchr(tok[4], '.');
	int i;

	r->kind = RULE_REFERS;
	if ((r->a = field_arg(s, tok[1], tok[3], err)) < 0)
		return r->a;
	if (!dot || dot == tok[4] || !dot[1] || strspn(tok[4], "abcdefghijklmnopqrstuvwxyz0123456789_.") != strlen(tok[4]) ||
	    strchr(dot + 1, '.'))
		return ERR_SET(err, ERR_SCHEMA, "rule '%s': refers to REGISTER.FIELD (lower case), not '%s'", tok[1], tok[4]);
	r->b = r->a;
	if (n > 5) {
		if (n < 9 || strcmp(tok[5], "when") || (strcmp(tok[7], "in") && strcmp(tok[7], "not_in")))
			return ERR_SET(err, ERR_SCHEMA, "rule '%s': write FIELD REGISTER.FIELD [when COND_FIELD in|not_in VALUE...]",
				       tok[1]);
		if ((r->b = field_arg(s, tok[1], tok[6], err)) < 0)
			return r->b;
		if ((i = cond_values(s, r, tok, 8, n, err)))
			return i;
		r->negate = !strcmp(tok[7], "not_in");
		r->has_cond = 1;
	}
	r->ref_register = xmemdup0(tok[4], (size_t)(dot - tok[4]));
	r->ref_field = xstrdup(dot + 1);
	r->id = xstrdup(tok[1]);
	s->n_rules++;
	return 0;
}

static int parse_rule(struct schema *s, char **tok, int n, struct err *err)
{
	struct schema_rule *r;
	int i;

	if (n < 5)
		return ERR_SET(err, ERR_SCHEMA, "'rule' needs an id, a kind and its fields");
	if (s->n_rules == SCHEMA_MAX_RULES)
		return ERR_SET(err, ERR_SCHEMA, "more than %d rules", SCHEMA_MAX_RULES);
	r = &s->rules[s->n_rules];
	memset(r, 0, sizeof(*r));
	if (!strcmp(tok[2], "refers"))
		return parse_refers(s, r, tok, n, err);
	if (!strcmp(tok[2], "not_after")) r->kind = RULE_NOT_AFTER;
	else if (!strcmp(tok[2], "not_before")) r->kind = RULE_NOT_BEFORE;
	else if (!strcmp(tok[2], "present_iff")) r->kind = RULE_PRESENT_IFF;
	else if (!strcmp(tok[2], "only_if")) r->kind = RULE_ONLY_IF;
	else
		return ERR_SET(err, ERR_SCHEMA, "rule '%s': unknown kind '%s' (not_after, not_before, present_iff, only_if, refers)", tok[1], tok[2]);
	if ((r->a = field_arg(s, tok[1], tok[3], err)) < 0)
		return r->a;
	if ((r->b = field_arg(s, tok[1], tok[4], err)) < 0)
		return r->b;
	if (r->kind == RULE_NOT_AFTER || r->kind == RULE_NOT_BEFORE) {
		enum field_type ta = s->fields[r->a].type, tb = s->fields[r->b].type;

		if (n != 5)
			return ERR_SET(err, ERR_SCHEMA, "rule '%s': takes two fields", tok[1]);
		if ((ta != FT_DATE && ta != FT_DATETIME) || (tb != FT_DATE && tb != FT_DATETIME))
			return ERR_SET(err, ERR_SCHEMA, "rule '%s': both fields must be dates", tok[1]);
	} else {
		if (n < 7 || (strcmp(tok[5], "in") && strcmp(tok[5], "not_in")))
			return ERR_SET(err, ERR_SCHEMA, "rule '%s': write FIELD COND_FIELD in|not_in VALUE...", tok[1]);
		r->negate = !strcmp(tok[5], "not_in");
		if ((i = cond_values(s, r, tok, 6, n, err)))
			return i;
	}
	r->id = xstrdup(tok[1]);
	s->n_rules++;
	return 0;
}

static int parse_line(struct schema *s, char *line, const char *path, struct err *err)
{
	char *tok[MAX_TOKENS];
	char *save = NULL, *t, *rest;
	int n = 0;

	for (t = strtok_r(line, " \t\r", &save); t; t = strtok_r(NULL, " \t\r", &save)) {
		if (t[0] == '#')
			break;
		if (n == MAX_TOKENS)
			return ERR_SET(err, ERR_SCHEMA, "more than %d words on a line", MAX_TOKENS);
		tok[n++] = t;
		if (n == 1 && !strcmp(t, "title")) {
			rest = save;
			while (rest && (*rest == ' ' || *rest == '\t'))
				rest++;
			free(s->title);
			s->title = xstrdup(rest ? rest : "");
			rest = strchr(s->title, '\r');
			if (rest)
				*rest = '\0';
			return 0;
		}
	}
	if (n == 0)
		return 0;
	if (!strcmp(tok[0], "register")) {
		if (n != 2 || !valid_name(tok[1]))
			return ERR_SET(err, ERR_SCHEMA, "write 'register NAME' (lower case letters, digits, _)");
		if (s->name)
			return ERR_SET(err, ERR_SCHEMA, "'register' given twice");
		s->name = xstrdup(tok[1]);
		return 0;
	}
	if (!s->name)
		return ERR_SET(err, ERR_SCHEMA, "the file must start with 'register NAME'");
	if (!strcmp(tok[0], "field"))
		return parse_field(s, tok, n, err);
	if (!strcmp(tok[0], "codelist"))
		return parse_codelist(s, tok, n, path, err);
	if (!strcmp(tok[0], "rule"))
		return parse_rule(s, tok, n, err);
	if (!strcmp(tok[0], "access")) {
		int i;

		if (n < 2 || s->n_access + (size_t)(n - 1) > SCHEMA_MAX_ACCESS)
			return ERR_SET(err, ERR_SCHEMA, "write 'access ROLE...' (at most %d roles)", SCHEMA_MAX_ACCESS);
		for (i = 1; i < n; i++) {
			if (!valid_name(tok[i]) || strlen(tok[i]) >= sizeof(s->access[0]))
				return ERR_SET(err, ERR_SCHEMA, "'%s' is not a role's name", tok[i]);
			snprintf(s->access[s->n_access++], sizeof(s->access[0]), "%s", tok[i]);
		}
		return 0;
	}
	if (!strcmp(tok[0], "versions")) {
		int k, o;

		if (n != 3 || s->versions_key >= 0)
			return ERR_SET(err, ERR_SCHEMA, "write 'versions KEY ORDER' once, after the fields");
		k = schema_field_index(s, tok[1]);
		o = schema_field_index(s, tok[2]);
		if (k < 0 || o < 0)
			return ERR_SET(err, ERR_SCHEMA, "versions: no field '%s' declared above", k < 0 ? tok[1] : tok[2]);
		if (s->fields[k].roles & ROLE_RECORD_ID)
			return ERR_SET(err, ERR_SCHEMA, "versions: '%s' is the record id; KEY names the entity the records"
				       " are versions of", tok[1]);
		s->versions_key = k;
		s->versions_order = o;
		return 0;
	}
	return ERR_SET(err, ERR_SCHEMA, "unknown directive '%s' (register, title, codelist, field, rule, access,"
		       " versions)", tok[0]);
}

static int read_all(const char *path, struct buf *b, struct err *err)
{
	FILE *f = fopen(path, "rb");
	char chunk[8192];
	size_t n;
	int rc = 0;

	if (!f)
		return ERR_SET(err, ERR_IO, "cannot open '%s': %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if ((rc = buf_add(b, chunk, n, err)))
			break;
	if (!rc && ferror(f))
		rc = ERR_SET(err, ERR_IO, "cannot read '%s'", path);
	fclose(f);
	return rc;
}

int schema_parse(struct schema **out, const char *text, size_t len, const char *path,
		 struct err *err)
{
	struct schema *s = xcalloc(1, sizeof(*s));
	char hex[SHA256_HEX_LEN + 1];
	char *copy, *line, *next;
	uint64_t lineno = 0;
	int rc;

	*out = NULL;
	s->id_field = -1;
	s->versions_key = s->versions_order = -1;
	s->path = xstrdup(path);
	copy = xmemdup0(text, len);
	if (len == 0) {
		rc = ERR_SET(err, ERR_SCHEMA, "register file '%s' is empty", path);
		goto fail;
	}
	if (memchr(text, '\0', len)) {
		rc = ERR_SET(err, ERR_SCHEMA, "register file '%s' contains a NUL byte", path);
		goto fail;
	}
	sha256_buf(text, len, hex);
	s->text_sha = xstrdup(hex);
	for (line = copy; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		rc = parse_line(s, line, path, err);
		if (rc) {
			err_at(err, path, lineno, 0);
			goto fail;
		}
	}
	if (!s->name) {
		rc = ERR_SET(err, ERR_SCHEMA, "register file '%s' has no 'register NAME' line", path);
		goto fail;
	}
	s->id_field = schema_role_field(s, ROLE_RECORD_ID);
	if (s->id_field < 0 || !s->fields[s->id_field].required) {
		rc = ERR_SET(err, ERR_SCHEMA, "register '%s' needs one required field with role=record_id", s->name);
		err_at(err, path, 0, 0);
		goto fail;
	}
	if (!s->title)
		s->title = xstrdup(s->name);
	free(copy);
	*out = s;
	return 0;
fail:
	free(copy);
	schema_free(s);
	return rc;
}

int schema_load(struct schema **out, const char *path, struct err *err)
{
	struct buf text;
	int rc;

	*out = NULL;
	buf_init(&text, MAX_DEF_BYTES);
	rc = read_all(path, &text, err);
	if (!rc)
		rc = schema_parse(out, text.p ? text.p : "", text.len, path, err);
	buf_release(&text);
	return rc;
}

const char *schema_data_dir(void)
{
	static char dir[PATH_MAX + 32];
	char exe[PATH_MAX], probe[PATH_MAX + 32];
	const char *env = getenv("PASOS_HOME");
	ssize_t n;
	char *slash;

	if (env && *env)
		return env;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(probe, sizeof(probe), "%s/registers", exe);
			if (access(probe, R_OK) == 0) {
				snprintf(dir, sizeof(dir), "%s", exe);
				return dir;
			}
			/* installed as PREFIX/bin/pasos beside PREFIX/share/pasos */
			snprintf(probe, sizeof(probe), "%s/../share/pasos/registers", exe);
			if (access(probe, R_OK) == 0) {
				snprintf(dir, sizeof(dir), "%s/../share/pasos", exe);
				return dir;
			}
		}
	}
	return PASOS_DATADIR;
}

int schema_definition_path(const char *subdir, const char *name, const char *ext, char *out,
			   size_t len, struct err *err)
{
	size_t n = strlen(name), e = strlen(ext);

	if (strchr(name, '/') || (n > e && !strcmp(name + n - e, ext))) {
		snprintf(out, len, "%s", name);
		return 0;
	}
	if (!valid_name(name))
		return ERR_SET(err, ERR_USAGE, "'%s' is not a name of %s", name, subdir);
	snprintf(out, len, "%s/%s/%s%s", schema_data_dir(), subdir, name, ext);
	if (access(out, R_OK) != 0)
		return ERR_SET(err, ERR_USAGE, "no %.*s '%s' (looked for '%s')", (int)strlen(subdir) - 1, subdir,
			       name, out);
	return 0;
}

int schema_load_named(struct schema **out, const char *name, struct err *err)
{
	char path[PATH_MAX + 64];
	int rc = schema_definition_path("registers", name, ".reg", path, sizeof(path), err);

	return rc ? rc : schema_load(out, path, err);
}
