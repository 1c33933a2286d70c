/*
 * mrz.c: ICAO Doc 9303 machine-readable zones. See mrz.h.
 * Written by hand: a fixed-position format of a page of rules, with no
 * Debian library for it.
 * SPDX-License-Identifier: MIT
 */
#include "mrz.h"
#include "date.h"

#include <stdio.h>
#include <string.h>

const char *const mrz_check_names[MRZ_CHECKS] = { "document_number", "birth_date", "expiry_date", "optional", "composite" };

const char *mrz_format_name(enum mrz_format f)
{
	static const char *names[] = { "TD1", "TD2", "TD3", "MRV-A", "MRV-B" };

	return names[f];
}

static int value(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'Z' ? c - 'A' + 10 : 0;
}

char mrz_check_digit(const char *s, size_t len)
{
	static const int w[3] = { 7, 3, 1 };
	size_t i;
	int sum = 0;

	for (i = 0; i < len; i++)
		sum += value(s[i]) * w[i % 3];
	return (char)('0' + sum % 10);
}

/* A field copied without its filler: '<' as a space, trailing ones dropped. */
static void field(char *out, size_t cap, const char *p, size_t len)
{
	size_t n = 0, i;

	for (i = 0; i < len && n + 1 < cap; i++)
		out[n++] = p[i] == '<' ? ' ' : p[i];
	while (n && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
}

/*
 * The states ICAO writes otherwise than ISO 3166 alpha-3: Germany is "D";
 * the rest (UTO for the specimens, UNO, XXA...) stay as they are written.
 */
static void state(char out[4], const char *p)
{
	field(out, 4, p, 3);
	if (!strcmp(out, "D"))
		snprintf(out, 4, "DEU");
}

/* The check of s[0..len) against the digit c: valid, invalid, or absent when the field and its digit are filler. */
static enum mrz_check check(const char *s, size_t len, char c)
{
	size_t i;
	int empty = c == '<';

	for (i = 0; i < len && empty; i++)
		empty = s[i] == '<';
	if (empty)
		return MRZ_CHECK_ABSENT;
	return mrz_check_digit(s, len) == c ? MRZ_CHECK_VALID : MRZ_CHECK_INVALID;
}


/*
 * YYMMDD as YYYY-MM-DD: a birth date in the latest century that does not
 * put it after today, an expiry date in the earliest that is not more than
 * 50 years after today. "" when it is not a date.
 */
static int date6(char out[11], const char *p, const char *today, int birth)
{
	static const int days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int yy, mm, dd, year, ty = 2000, i;
	char ymd[32];

	out[0] = '\0';
	for (i = 0; i < 6; i++)
		if (p[i] < '0' || p[i] > '9')
			return -1;
	yy = (p[0] - '0') * 10 + p[1] - '0';
	mm = (p[2] - '0') * 10 + p[3] - '0';
	dd = (p[4] - '0') * 10 + p[5] - '0';
	if (mm < 1 || mm > 12 || dd < 1 || dd > days[mm - 1])
		return -1;
	if (today && strlen(today) >= 4 && strspn(today, "0123456789") >= 4)
		ty = (today[0] - '0') * 1000 + (today[1] - '0') * 100 + (today[2] - '0') * 10 + today[3] - '0';
	year = (ty / 100) * 100 + yy;
	if (birth) {
		date_format(date_from_civil(year, mm, dd), ymd);
		if (today && strcmp(ymd, today) > 0)
			year -= 100;
	} else {
		if (year < ty - 50)
			year += 100;
		if (year > ty + 50)
			year -= 100;
	}
	if (mm == 2 && dd == 29 && !(year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)))
		return -1;
	if (year < 0 || year > 9999)
		return -1;
	date_format(date_from_civil(year, mm, dd), ymd);
	memcpy(out, ymd, 11);
	return 0;
}

static void names(struct mrz *m, const char *p, size_t len)
{
	char buf[64];
	const char *sep;
	size_t n = len < sizeof(buf) - 1 ? len : sizeof(buf) - 1;

	memcpy(buf, p, n);
	buf[n] = '\0';
	sep = strstr(buf, "<<");
	if (sep) {
		field(m->surnames, sizeof(m->surnames), buf, (size_t)(sep - buf));
		field(m->given_names, sizeof(m->given_names), sep + 2, strlen(sep + 2));
	} else {
		field(m->surnames, sizeof(m->surnames), buf, n);
		m->given_names[0] = '\0';
	}
}

int mrz_parse(const char *const *lines, size_t n, const char *today, struct mrz *m, char *why, size_t why_len)
{
	size_t len = n ? strlen(lines[0]) : 0, i, k;
	const char *a, *b;
	int bad_date = 0;

	memset(m, 0, sizeof(*m));
	if (!((n == 3 && len == 30) || (n == 2 && (len == 36 || len == 44)))) {
		snprintf(why, why_len, "line 1: %zu lines of %zu characters: not TD1 (3 x 30), TD2 or MRV-B (2 x 36), TD3 or MRV-A (2 x 44)",
			 n, len);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (strlen(lines[i]) != len) {
			snprintf(why, why_len, "line %zu: %zu characters where line 1 has %zu", i + 1, strlen(lines[i]), len);
			return -1;
		}
		for (k = 0; k < len; k++) {
			char c = lines[i][k];

			if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '<')) {
				snprintf(why, why_len, "line %zu, column %zu: a character outside A-Z, 0-9 and <", i + 1, k + 1);
				return -1;
			}
		}
	}
	a = lines[0];
	b = lines[1];
	field(m->document_type, sizeof(m->document_type), a, 2);
	state(m->issuing_state, a + 2);
	if (n == 3) {
		/* TD1: the number may run on into the optional data, its check digit after it */
		m->format = MRZ_TD1;
		if (a[14] == '<' && a[15] != '<') {
			char num[32];
			size_t e = 15;

			while (e < 30 && a[e] != '<')
				e++;
			snprintf(num, sizeof(num), "%.9s%.*s", a + 5, (int)(e - 15 - 1), a + 15);
			field(m->document_number, sizeof(m->document_number), num, strlen(num));
			m->checks[0] = mrz_check_digit(num, strlen(num)) == a[e - 1] ? MRZ_CHECK_VALID : MRZ_CHECK_INVALID;
			field(m->optional1, sizeof(m->optional1), a + e, 30 - e);
		} else {
			field(m->document_number, sizeof(m->document_number), a + 5, 9);
			m->checks[0] = check(a + 5, 9, a[14]);
			field(m->optional1, sizeof(m->optional1), a + 15, 15);
		}
		bad_date |= date6(m->birth_date, b, today, 1);
		m->checks[1] = check(b, 6, b[6]);
		field(m->sex, sizeof(m->sex), b + 7, 1);
		bad_date |= date6(m->expiry_date, b + 8, today, 0);
		m->checks[2] = check(b + 8, 6, b[14]);
		state(m->nationality, b + 15);
		field(m->optional2, sizeof(m->optional2), b + 18, 11);
		{
			char comp[64];

			snprintf(comp, sizeof(comp), "%.25s%.7s%.7s%.11s", a + 5, b, b + 8, b + 18);
			m->checks[4] = mrz_check_digit(comp, strlen(comp)) == b[29] ? MRZ_CHECK_VALID : MRZ_CHECK_INVALID;
		}
		names(m, lines[2], 30);
	} else {
		/* TD2, TD3 and the visas: the name on line 1, the rest on line 2 at the same places */
		int visa = a[0] == 'V', wide = len == 44;

		m->format = wide ? (visa ? MRZ_MRVA : MRZ_TD3) : (visa ? MRZ_MRVB : MRZ_TD2);
		names(m, a + 5, len - 5);
		field(m->document_number, sizeof(m->document_number), b, 9);
		m->checks[0] = check(b, 9, b[9]);
		state(m->nationality, b + 10);
		bad_date |= date6(m->birth_date, b + 13, today, 1);
		m->checks[1] = check(b + 13, 6, b[19]);
		field(m->sex, sizeof(m->sex), b + 20, 1);
		bad_date |= date6(m->expiry_date, b + 21, today, 0);
		m->checks[2] = check(b + 21, 6, b[27]);
		if (visa) {
			field(m->optional1, sizeof(m->optional1), b + 28, len - 28);
		} else if (wide) {
			char comp[64];

			field(m->optional1, sizeof(m->optional1), b + 28, 14);
			m->checks[3] = check(b + 28, 14, b[42]);
			snprintf(comp, sizeof(comp), "%.10s%.7s%.22s", b, b + 13, b + 21);
			m->checks[4] = mrz_check_digit(comp, strlen(comp)) == b[43] ? MRZ_CHECK_VALID : MRZ_CHECK_INVALID;
		} else {
			char comp[64];

			field(m->optional1, sizeof(m->optional1), b + 28, 7);
			snprintf(comp, sizeof(comp), "%.10s%.7s%.14s", b, b + 13, b + 21);
			m->checks[4] = mrz_check_digit(comp, strlen(comp)) == b[35] ? MRZ_CHECK_VALID : MRZ_CHECK_INVALID;
		}
	}
	m->valid = !bad_date;
	for (i = 0; i < MRZ_CHECKS; i++)
		m->valid &= m->checks[i] != MRZ_CHECK_INVALID;
	return 0;
}
