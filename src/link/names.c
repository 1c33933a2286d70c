/*
 * names.c: name normalisation (utf8proc) and string similarity.
 * The similarity functions are written here because they run in the
 * linker's hot loop on short ASCII strings, where a general library's
 * allocations would dominate.
 * SPDX-License-Identifier: MIT
 */
#include "names.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

static const char *particles[] = {
	"de", "del", "la", "las", "los", "y", "e", "da", "das", "do", "dos",
	"van", "von", "der", "den", "di", "du", "le", NULL
};

static int is_particle(const char *w, size_t n)
{
	int i;

	for (i = 0; particles[i]; i++)
		if (strlen(particles[i]) == n && memcmp(particles[i], w, n) == 0)
			return 1;
	return 0;
}

/* Keep [a-z0-9], turn separators into one space; drop particle words. */
static size_t finish(const unsigned char *s, size_t len, char *out, size_t cap)
{
	size_t i, n = 0, word = 0;

	if (cap == 0)
		return 0;
	for (i = 0; i <= len && n + 1 < cap; i++) {
		unsigned char c = i < len ? s[i] : ' ';

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			out[n++] = (char)c;
		} else if (c == ' ' || c == '-' || c == '\'' || c == '.' || c == ',' || c == '\t' ||
			   c == '/') {
			if (n > word) {
				if (is_particle(out + word, n - word) && !(word == 0 && i >= len))
					n = word;  /* a particle, unless it is the whole name */
				else
					out[n++] = ' ';
			}
			word = n;
		}
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
	return n;
}

size_t names_normalize(const char *p, size_t len, char *out, size_t cap)
{
	utf8proc_uint8_t *dst = NULL;
	utf8proc_ssize_t n;
	size_t i, r;
	int ascii = 1;

	for (i = 0; i < len; i++)
		if ((unsigned char)p[i] >= 0x80) {
			ascii = 0;
			break;
		}
	if (ascii)
		return finish((const unsigned char *)p, len, out, cap);
	n = utf8proc_map((const utf8proc_uint8_t *)p, (utf8proc_ssize_t)len, &dst,
			 UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK |
			 UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
	if (n < 0) {
		/* invalid UTF-8: keep the ASCII bytes */
		r = finish((const unsigned char *)p, len, out, cap);
		return r;
	}
	r = finish(dst, (size_t)n, out, cap);
	free(dst);  /* utf8proc allocates with malloc */
	return r;
}

static int front_vowel(char c)
{
	return c == 'e' || c == 'i' || c == 'y';
}

size_t names_phonetic(const char *s, char *out, size_t cap)
{
	size_t i, n = 0;

	if (cap == 0)
		return 0;
	for (i = 0; s[i] && s[i] != ' ' && n + 2 < cap; i++) {
		char c = s[i], nx = s[i + 1], k = 0;

		switch (c) {
		case 'h':
			continue;  /* silent */
		case 'v':
		case 'w':
			k = 'b';
			break;
		case 'z':
			k = 's';
			break;
		case 'c':
			if (nx == 'h') {
				k = 'x';
				i++;
			} else {
				k = front_vowel(nx) ? 's' : 'k';
			}
			break;
		case 'q':
			k = 'k';
			if (nx == 'u')
				i++;
			break;
		case 'g':
			if (nx == 'u' && front_vowel(s[i + 2])) {
				k = 'g';
				i++;
			} else {
				k = front_vowel(nx) ? 'j' : 'g';
			}
			break;
		case 'x':
			k = i == 0 ? 'j' : 's';
			break;
		case 'l':
			if (nx == 'l') {
				k = 'y';
				i++;
			} else {
				k = 'l';
			}
			break;
		case 'y':
			k = (nx == 0 || nx == ' ') ? 'i' : 'y';
			break;
		default:
			k = c;
			break;
		}
		if (n == 0 || out[n - 1] != k)
			out[n++] = k;
	}
	out[n] = '\0';
	return n;
}

size_t names_surname_keys(const char *p, size_t len, uint32_t *keys)
{
	char norm[256], key[64];
	size_t nl, i = 0, n = 0;

	nl = names_normalize(p, len, norm, sizeof(norm));
	while (i < nl && n < NAMES_SURNAME_KEYS) {
		size_t j = i, k, kl;
		uint32_t h = 2166136261u;  /* FNV-1a */

		while (j < nl && norm[j] != ' ')
			j++;
		kl = names_phonetic(norm + i, key, sizeof(key));
		for (k = 0; k < kl; k++)
			h = (h ^ (unsigned char)key[k]) * 16777619u;
		if (kl)
			keys[n++] = h ? h : 1;
		i = j + 1;
	}
	return n;
}

double names_jaro_winkler(const char *a, size_t la, const char *b, size_t lb)
{
	unsigned char ma[64] = { 0 }, mb[64] = { 0 };
	size_t i, j, window, m = 0, t = 0, k, prefix = 0;
	double jaro;

	if (la == 0 && lb == 0)
		return 1.0;
	if (la == 0 || lb == 0)
		return 0.0;
	if (la > 64)
		la = 64;
	if (lb > 64)
		lb = 64;
	window = (la > lb ? la : lb) / 2;
	window = window > 0 ? window - 1 : 0;
	for (i = 0; i < la; i++) {
		size_t lo = i > window ? i - window : 0, hi = i + window + 1 < lb ? i + window + 1 : lb;

		for (j = lo; j < hi; j++)
			if (!mb[j] && a[i] == b[j]) {
				ma[i] = mb[j] = 1;
				m++;
				break;
			}
	}
	if (m == 0)
		return 0.0;
	for (i = 0, k = 0; i < la; i++) {
		if (!ma[i])
			continue;
		while (!mb[k])
			k++;
		if (a[i] != b[k])
			t++;
		k++;
	}
	jaro = ((double)m / (double)la + (double)m / (double)lb + ((double)m - (double)t / 2) / (double)m) / 3.0;
	while (prefix < 4 && prefix < la && prefix < lb && a[prefix] == b[prefix])
		prefix++;
	return jaro + (double)prefix * 0.1 * (1.0 - jaro);
}

static int bounded(const char *a, size_t la, const char *b, size_t lb, int max, int transpose)
{
	int row0[65], row1[65], row2[65], *pp = row0, *p = row1, *c = row2;
	size_t i, j;

	if (la > 64 || lb > 64)
		return max + 1;
	if ((la > lb ? la - lb : lb - la) > (size_t)max)
		return max + 1;
	for (j = 0; j <= lb; j++)
		p[j] = (int)j;
	for (i = 1; i <= la; i++) {
		int best;
		int *tmp;

		c[0] = (int)i;
		best = c[0];
		for (j = 1; j <= lb; j++) {
			int cost = a[i - 1] != b[j - 1], v = p[j - 1] + cost;

			if (p[j] + 1 < v)
				v = p[j] + 1;
			if (c[j - 1] + 1 < v)
				v = c[j - 1] + 1;
			if (transpose && i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			c[j] = v;
			if (v < best)
				best = v;
		}
		if (best > max)
			return max + 1;
		tmp = pp;
		pp = p;
		p = c;
		c = tmp;
	}
	return p[lb] > max ? max + 1 : p[lb];
}

int names_levenshtein(const char *a, size_t la, const char *b, size_t lb, int max)
{
	return bounded(a, la, b, lb, max, 0);
}

int names_damerau(const char *a, size_t la, const char *b, size_t lb, int max)
{
	return bounded(a, la, b, lb, max, 1);
}
