/*
 * validate.c: validate stage, type checks and cross-field rules.
 * Dates are checked by hand (a few comparisons) because strptime depends
 * on the locale and does not reject 2023-02-30.
 * SPDX-License-Identifier: MIT
 */
#include "validate.h"
#include "date.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

void validate_add(struct validation *v, int field, const char *rule, const char *msg)
{
	if (v->n < VALIDATE_MAX_FINDINGS) {
		struct finding *f = &v->f[v->n++];

		f->field = field;
		f->rule = rule;
		snprintf(f->msg, sizeof(f->msg), "%s", msg);
	}
	v->n_total++;
}

int validate_utf8(const char *p, size_t len)
{
	const unsigned char *s = (const unsigned char *)p, *e = s + len;

	while (s < e) {
		unsigned c = *s;

		if (c < 0x80) {
			s++;
		} else if (c >= 0xC2 && c <= 0xDF) {
			if (e - s < 2 || (s[1] & 0xC0) != 0x80)
				return 0;
			s += 2;
		} else if (c >= 0xE0 && c <= 0xEF) {
			if (e - s < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
				return 0;
			if (c == 0xE0 && s[1] < 0xA0)
				return 0; /* overlong */
			if (c == 0xED && s[1] > 0x9F)
				return 0; /* surrogate */
			s += 3;
		} else if (c >= 0xF0 && c <= 0xF4) {
			if (e - s < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
			    (s[3] & 0xC0) != 0x80)
				return 0;
			if ((c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] > 0x8F))
				return 0;
			s += 4;
		} else {
			return 0;
		}
	}
	return 1;
}

/* Characters in valid UTF-8 text: count bytes that do not continue a sequence. */
static size_t utf8_chars(const char *p, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)p[i] & 0xC0) != 0x80)
			n++;
	return n;
}

/*
 * C0 and C1 controls (so no terminal escape sequence), and the Unicode
 * bidirectional overrides and isolates (U+202A..U+202E, U+2066..U+2069),
 * which make a name read differently from what it holds. p is valid UTF-8.
 */
static int has_control(const char *p, size_t len)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (c < 0x20 || c == 0x7F)
			return 1;
		if (c == 0xC2 && i + 1 < len && s[i + 1] >= 0x80 && s[i + 1] <= 0x9F)
			return 1;
		if (c == 0xE2 && i + 2 < len && ((s[i + 1] == 0x80 && s[i + 2] >= 0xAA && s[i + 2] <= 0xAE) ||
						 (s[i + 1] == 0x81 && s[i + 2] >= 0xA6 && s[i + 2] <= 0xA9)))
			return 1;
	}
	return 0;
}

static int blank(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != ' ' && p[i] != '\t')
			return 0;
	return 1;
}

static int digits(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	return 1;
}

static int num(const char *p, size_t n)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v * 10 + (p[i] - '0');
	return v;
}

/* YYYY-MM-DDThh:mm[:ss[.f+]](Z|+hh:mm|-hh:mm): ISO 8601 with its offset. */
static int valid_datetime(const char *p, size_t len)
{
	size_t i = 16;

	if (len < 17 || date_parse(p, 10) == DATE_INVALID || p[10] != 'T' ||
	    !digits(p + 11, 2) || p[13] != ':' || !digits(p + 14, 2))
		return 0;
	if (num(p + 11, 2) > 23 || num(p + 14, 2) > 59)
		return 0;
	/* no leap second: no register records one, and :60 is most often a typo */
	if (i < len && p[i] == ':') {
		if (len < i + 3 || !digits(p + i + 1, 2) || num(p + i + 1, 2) > 59)
			return 0;
		i += 3;
		if (i < len && p[i] == '.') {
			size_t j = ++i;

			while (i < len && p[i] >= '0' && p[i] <= '9')
				i++;
			if (i == j)
				return 0;
		}
	}
	if (i < len && p[i] == 'Z')
		return i + 1 == len;
	if (i < len && (p[i] == '+' || p[i] == '-')) {
		/* UTC offsets in use run from -12:00 to +14:00 */
		if (len != i + 6 || !digits(p + i + 1, 2) || p[i + 3] != ':' || !digits(p + i + 4, 2) ||
		    num(p + i + 4, 2) > 59 || num(p + i + 1, 2) * 60 + num(p + i + 4, 2) > 14 * 60)
			return 0;
		return 1;
	}
	return 0;
}

int validate_integer(const char *p, size_t len, long long *out)
{
	size_t i = 0;
	long long v = 0;
	int neg = 0;

	if (len && (p[0] == '-' || p[0] == '+')) {
		neg = p[0] == '-';
		i = 1;
	}
	if (i == len || len - i > 18 || !digits(p + i, len - i))
		return 0;
	for (; i < len; i++)
		v = v * 10 + (p[i] - '0');
	*out = neg ? -v : v;
	return 1;
}

/*
 * A date against the day of ingest: one typo in a year (2099 for 2019)
 * would otherwise move every "as of" computed from the latest event. The
 * local date of an event may be a day ahead of UTC's, hence the one day.
 */
static void check_day(const struct schema_field *f, size_t i, long day, struct validation *v)
{
	if (!v->has_today)
		return;
	if ((f->roles & ROLE_EVENT_DATE) && day > v->today + 1)
		validate_add(v, (int)i, "date.future", "after the day of ingest");
	if (f->roles & ROLE_BIRTH_DATE) {
		if (day > v->today)
			validate_add(v, (int)i, "date.future", "a birth date after the day of ingest");
		else if (day < v->today - (long)(VALIDATE_MAX_AGE_YEARS * 365.2425))
			validate_add(v, (int)i, "date.too_old", "a birth date more than 130 years before the day of ingest");
	}
}

static void check_field(const struct schema *s, size_t i, const struct csv_field *val,
			struct validation *v)
{
	const struct schema_field *f = &s->fields[i];
	char msg[128];
	long long ll;
	int ascii = 1;
	size_t k;

	if (val->len == 0 || blank(val->p, val->len)) {
		/* a value of spaces only is no value */
		if (f->required)
			validate_add(v, (int)i, "required", "a value is required");
		return;
	}
	for (k = 0; k < val->len; k++)
		if ((unsigned char)val->p[k] >= 0x80) {
			ascii = 0;
			break;
		}
	if (!ascii && !validate_utf8(val->p, val->len)) {
		validate_add(v, (int)i, "utf8", "not valid UTF-8");
		return;
	}
	if (has_control(val->p, val->len)) {
		validate_add(v, (int)i, "control_char", "contains a control character");
		return;
	}
	switch (f->type) {
	case FT_TEXT:
		if (f->max_len && (ascii ? val->len : utf8_chars(val->p, val->len)) > (size_t)f->max_len) {
			snprintf(msg, sizeof(msg), "longer than %ld characters", f->max_len);
			validate_add(v, (int)i, "max_len", msg);
		}
		break;
	case FT_INTEGER:
		if (!validate_integer(val->p, val->len, &ll)) {
			validate_add(v, (int)i, "type.integer", "not an integer");
		} else if ((f->has_min && ll < f->min) || (f->has_max && ll > f->max)) {
			snprintf(msg, sizeof(msg), "outside %lld..%lld", f->has_min ? f->min : -1LL,
				 f->has_max ? f->max : -1LL);
			validate_add(v, (int)i, "range", msg);
		}
		break;
	case FT_DATE:
		if (val->len != 10 || date_parse(val->p, val->len) == DATE_INVALID)
			validate_add(v, (int)i, "type.date", "not a date YYYY-MM-DD (1900-2100)");
		else
			check_day(f, i, date_parse(val->p, 10), v);
		break;
	case FT_DATETIME:
		if (!valid_datetime(val->p, val->len))
			validate_add(v, (int)i, "type.datetime",
				     "not an ISO 8601 date-time with offset (YYYY-MM-DDThh:mm:ss+hh:mm)");
		else
			check_day(f, i, date_parse(val->p, 10), v);
		break;
	case FT_CODE:
		if (codelist_find(f->codes, val->p, val->len) < 0) {
			snprintf(msg, sizeof(msg), "not a code of '%s'", codelist_name(f->codes));
			validate_add(v, (int)i, "code", msg);
		}
		break;
	}
}

static int cond_holds(const struct schema_rule *r, const struct csv_field *b)
{
	size_t k;
	int in = 0;

	for (k = 0; k < r->n_values; k++)
		if (strlen(r->values[k]) == b->len && memcmp(r->values[k], b->p, b->len) == 0)
			in = 1;
	return r->negate ? !in : in;
}

static void check_rule(const struct schema *s, const struct schema_rule *r,
		       const struct csv_field *vals, struct validation *v)
{
	const struct csv_field *a = &vals[r->a], *b = &vals[r->b];
	char msg[128];
	int c;

	switch (r->kind) {
	case RULE_NOT_AFTER:
	case RULE_NOT_BEFORE:
		if (a->len < 10 || b->len < 10)
			return;
		c = memcmp(a->p, b->p, 10);
		if ((r->kind == RULE_NOT_AFTER && c > 0) || (r->kind == RULE_NOT_BEFORE && c < 0)) {
			snprintf(msg, sizeof(msg), "'%s' is %s '%s'", s->fields[r->a].name,
				 r->kind == RULE_NOT_AFTER ? "after" : "before", s->fields[r->b].name);
			validate_add(v, r->a, r->id, msg);
		}
		break;
	case RULE_PRESENT_IFF:
		c = cond_holds(r, b);
		if (c && a->len == 0) {
			snprintf(msg, sizeof(msg), "'%s' is required for this '%s'",
				 s->fields[r->a].name, s->fields[r->b].name);
			validate_add(v, r->a, r->id, msg);
		} else if (!c && a->len) {
			snprintf(msg, sizeof(msg), "'%s' must be empty for this '%s'",
				 s->fields[r->a].name, s->fields[r->b].name);
			validate_add(v, r->a, r->id, msg);
		}
		break;
	case RULE_REFERS:
		break;  /* needs the store: ingest checks it (refers.h) */
	case RULE_ONLY_IF:
		if (a->len && !cond_holds(r, b)) {
			snprintf(msg, sizeof(msg), "'%s' is not allowed for this '%s'",
				 s->fields[r->a].name, s->fields[r->b].name);
			validate_add(v, r->a, r->id, msg);
		}
		break;
	}
}

int validate_rule_applies(const struct schema_rule *r, const struct csv_field *vals)
{
	return !r->has_cond || cond_holds(r, &vals[r->b]);
}

size_t validate_record(const struct schema *s, const struct csv_field *vals,
		       struct validation *v)
{
	size_t i, n_typed;

	for (i = 0; i < s->n_fields; i++)
		check_field(s, i, &vals[i], v);
	n_typed = v->n;
	for (i = 0; i < s->n_rules; i++) {
		const struct schema_rule *r = &s->rules[i];
		size_t k;
		int bad = 0;

		/* a rule is judged only on fields that passed their own checks */
		for (k = 0; k < n_typed; k++)
			if (v->f[k].field == r->a || v->f[k].field == r->b)
				bad = 1;
		if (!bad)
			check_rule(s, r, vals, v);
	}
	return v->n_total;
}
