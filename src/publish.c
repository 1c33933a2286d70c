/*
 * publish.c: publish stage writers. Written through a temporary file and a
 * rename, so a reader never sees half a table.
 * SPDX-License-Identifier: MIT
 */
#include "publish.h"
#include "mem.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static void put(FILE *f, const char *s)
{
	if (strpbrk(s, ",\"\r\n")) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else {
		fputs(s, f);
	}
}

/* Digits of v without printf, so no locale can touch a published number. */
static void put_u32(FILE *f, uint32_t v)
{
	char b[16];
	int n = 0;

	do {
		b[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		fputc(b[--n], f);
}

static FILE *open_tmp(const char *dir, const char *name, const char *ext, char *path, size_t len,
		      char *tmp, size_t tlen, struct err *err)
{
	FILE *f;

	snprintf(path, len, "%s/%s%s", dir, name, ext);
	snprintf(tmp, tlen, "%s.tmp", path);
	f = fopen(tmp, "wb");
	if (!f)
		ERR_SET(err, ERR_IO, "cannot write '%s': %s", tmp, strerror(errno));
	else
		setvbuf(f, NULL, _IOFBF, 1 << 20);
	return f;
}

static int close_tmp(FILE *f, const char *tmp, const char *path, struct err *err)
{
	int bad = fflush(f) != 0 || ferror(f);

	bad |= fclose(f) != 0;
	if (bad || rename(tmp, path)) {
		remove(tmp);
		return ERR_SET(err, ERR_IO, "cannot write '%s': %s", path, strerror(errno));
	}
	return 0;
}

static void put_codes(FILE *f, const struct table *t, const struct tab_result *res, size_t c)
{
	size_t d;

	for (d = 0; d < t->n_dims; d++) {
		put(f, t->dims[d].codes[tab_cell_code(t, res, c, d)].code);
		fputc(',', f);
	}
}

int publish_tidy_csv(const struct table *t, const struct tab_result *res, const char *dir,
		     char *path, size_t path_len, struct err *err)
{
	char tmp[1100];
	FILE *f = open_tmp(dir, t->name, ".csv", path, path_len, tmp, sizeof(tmp), err);
	size_t c, d, m;

	if (!f)
		return ERR_IO;
	for (d = 0; d < t->n_dims; d++) {
		put(f, t->dims[d].id);
		fputc(',', f);
	}
	fputs("MEASURE,value,status\r\n", f);
	for (c = 0; c < res->n_cells; c++) {
		if (!res->possible[c])
			continue;
		for (m = 0; m < t->n_measures; m++) {
			put_codes(f, t, res, c);
			put(f, t->measures[m].id);
			fputc(',', f);
			put_u32(f, res->values[m][c]);
			fputs(res->provisional && res->provisional[c] ? ",P\r\n" : ",A\r\n", f);
		}
	}
	return close_tmp(f, tmp, path, err);
}

int publish_sdmx_csv(const struct table *t, const struct tab_result *res, const char *dir,
		     char *path, size_t path_len, struct err *err)
{
	char tmp[1100], sid[256];
	FILE *f = open_tmp(dir, t->name, ".sdmx.csv", path, path_len, tmp, sizeof(tmp), err);
	size_t c, d, m;

	if (!f)
		return ERR_IO;
	snprintf(sid, sizeof(sid), "%s:DF_%s(1.0)", PUBLISH_AGENCY, t->name);
	fputs("STRUCTURE,STRUCTURE_ID,ACTION,", f);
	for (d = 0; d < t->n_dims; d++) {
		put(f, t->dims[d].id);
		fputc(',', f);
	}
	fputs("MEASURE,OBS_VALUE,OBS_STATUS,CONF_STATUS,UNIT_MEASURE\r\n", f);
	for (c = 0; c < res->n_cells; c++) {
		if (!res->possible[c])
			continue;
		for (m = 0; m < t->n_measures; m++) {
			fputs("dataflow,", f);
			put(f, sid);
			fputs(",I,", f);
			put_codes(f, t, res, c);
			put(f, t->measures[m].id);
			fputc(',', f);
			put_u32(f, res->values[m][c]);
			fputs(res->provisional && res->provisional[c] ? ",P,F," : ",A,F,", f);
			put(f, t->measures[m].unit);
			fputs("\r\n", f);
		}
	}
	return close_tmp(f, tmp, path, err);
}

int publish_structure(const struct table *t, const char *dir, char *path, size_t path_len,
		      struct err *err)
{
	char tmp[1100];
	FILE *f = open_tmp(dir, t->name, ".structure.csv", path, path_len, tmp, sizeof(tmp), err);
	size_t d, k, m;
	int p;

	if (!f)
		return ERR_IO;
	fputs("dimension,code,level,parents,label_es,label_en\r\n", f);
	for (d = 0; d < t->n_dims; d++)
		for (k = 0; k < t->dims[d].n_codes; k++) {
			const struct table_code *c = &t->dims[d].codes[k];
			char parents[256] = "";
			size_t off = 0;

			for (p = 0; p < c->n_parents && off < sizeof(parents); p++)
				off += (size_t)snprintf(parents + off, sizeof(parents) - off, "%s%s", p ? " " : "",
							t->dims[d].codes[c->parents[p]].code);
			put(f, t->dims[d].id);
			fputc(',', f);
			put(f, c->code);
			fputc(',', f);
			put_u32(f, (uint32_t)c->level);
			fputc(',', f);
			put(f, parents);
			fputc(',', f);
			put(f, c->label_es);
			fputc(',', f);
			put(f, c->label_en);
			fputs("\r\n", f);
		}
	for (m = 0; m < t->n_measures; m++) {
		fputs("MEASURE,", f);
		put(f, t->measures[m].id);
		fputs(",0,,", f);
		put(f, t->measures[m].kind == MEASURE_PERSONS ? "Personas distintas" : "Registros");
		fputc(',', f);
		put(f, t->measures[m].kind == MEASURE_PERSONS ? "Distinct persons" : "Records");
		fputs("\r\n", f);
	}
	return close_tmp(f, tmp, path, err);
}
