/*
 * serve_explore.c: the public table explorer. The tables 'pasos protect'
 * published in --public DIR are read once at start into memory (each
 * cell's codes as small numbers), and a reader picks a table, a measure,
 * the dimension for the rows (and one for the columns), and a code for
 * each other dimension (its total by default). The page shows the slice
 * and a chart; the same slice downloads as CSV or SDMX-CSV. The URL holds
 * the selection (a plain GET form: no script). The numbers are those of
 * the published files, cell for cell: nothing is computed, so nothing can
 * be recovered that the files do not show.
 * SPDX-License-Identifier: MIT
 */
#include "serve_int.h"
#include "csv.h"
#include "opt.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#define EX_DIMS 8
#define EX_TABLES 16
#define EX_MAX_OUT 2000   /* cells a selection shows at most */

struct ex_dim {
	char name[32];
	char **codes, **es, **en;  /* codes in the order first seen; labels from the structure file */
	int *level;
	size_t n, cap;
};

struct ex_cell {
	uint16_t code[EX_DIMS];
	uint8_t measure;
	char status, conf;
	double value;
	int empty;
};

struct ex_table {
	char name[64];
	size_t n_dims;
	struct ex_dim dims[EX_DIMS];
	struct ex_dim measures;
	char how[160];
	struct ex_cell *cells;
	size_t n_cells, cap;
};

struct explorer {
	struct ex_table t[EX_TABLES];
	size_t n;
};

static int dim_code(struct ex_dim *d, const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (strlen(d->codes[i]) == len && !memcmp(d->codes[i], p, len))
			return (int)i;
	if (d->n >= 65535)
		return -1;
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 32;
		d->codes = xrealloc(d->codes, st_mult(d->cap, sizeof(char *)));
		d->es = xrealloc(d->es, st_mult(d->cap, sizeof(char *)));
		d->en = xrealloc(d->en, st_mult(d->cap, sizeof(char *)));
		d->level = xrealloc(d->level, st_mult(d->cap, sizeof(int)));
	}
	d->codes[d->n] = xmemdup0(p, len);
	d->es[d->n] = d->en[d->n] = NULL;
	d->level[d->n] = 0;
	return (int)d->n++;
}

static int find_code(const struct ex_dim *d, const char *code)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (!strcmp(d->codes[i], code))
			return (int)i;
	return -1;
}

static int fis(const struct csv_field *f, const char *s)
{
	return f->len == strlen(s) && !memcmp(f->p, s, f->len);
}

/* One published table: TABLE.csv with its TABLE.structure.csv. 0, or -1 when it is no such table. */
static int load_table(struct ex_table *t, const char *dir, const char *name)
{
	char path[4096];
	struct csv_reader *r = NULL;
	struct csv_record rec;
	struct err err;
	int cols[EX_DIMS], c_measure = -1, c_value = -1, c_status = -1, c_conf = -1, c_prot = -1;
	size_t i;

	err_init(&err);
	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "%s", name);
	snprintf(path, sizeof(path), "%s/%s.csv", dir, name);
	if (csv_reader_open(&r, path, 0, &err) || csv_reader_next(r, &rec, &err) <= 0) {
		csv_reader_free(r);
		return -1;
	}
	for (i = 0; i < rec.n_fields; i++) {
		const struct csv_field *f = &rec.fields[i];

		if (fis(f, "MEASURE"))
			c_measure = (int)i;
		else if (fis(f, "value"))
			c_value = (int)i;
		else if (fis(f, "status"))
			c_status = (int)i;
		else if (fis(f, "confidentiality"))
			c_conf = (int)i;
		else if (fis(f, "protection"))
			c_prot = (int)i;
		else if (c_measure < 0 && t->n_dims < EX_DIMS) {
			snprintf(t->dims[t->n_dims].name, sizeof(t->dims[0].name), "%.*s", (int)f->len, f->p);
			cols[t->n_dims++] = (int)i;
		}
	}
	if (c_measure < 0 || c_value < 0 || c_conf < 0 || !t->n_dims) {
		csv_reader_free(r);
		return -1;
	}
	while (csv_reader_next(r, &rec, &err) > 0) {
		struct ex_cell *c;
		char num[40];
		int k;

		if (rec.problem != CSV_OK || rec.n_fields <= (size_t)c_conf)
			continue;
		if (t->n_cells == t->cap) {
			t->cap = t->cap ? t->cap * 2 : 1 << 16;
			t->cells = xrealloc(t->cells, st_mult(t->cap, sizeof(*t->cells)));
		}
		c = &t->cells[t->n_cells];
		memset(c, 0, sizeof(*c));
		for (i = 0; i < t->n_dims; i++) {
			if ((k = dim_code(&t->dims[i], rec.fields[cols[i]].p, rec.fields[cols[i]].len)) < 0)
				break;
			c->code[i] = (uint16_t)k;
		}
		if (i < t->n_dims || (k = dim_code(&t->measures, rec.fields[c_measure].p, rec.fields[c_measure].len)) < 0 ||
		    k > 255)
			continue;
		c->measure = (uint8_t)k;
		c->empty = rec.fields[c_value].len == 0;
		snprintf(num, sizeof(num), "%.*s", (int)(rec.fields[c_value].len < 39 ? rec.fields[c_value].len : 39),
			 rec.fields[c_value].p);
		c->value = c->empty ? 0 : strtod(num, NULL);
		c->status = c_status >= 0 && rec.fields[c_status].len ? rec.fields[c_status].p[0] : 'A';
		c->conf = rec.fields[c_conf].len ? rec.fields[c_conf].p[0] : 'F';
		if (!t->how[0] && c_prot >= 0 && (size_t)c_prot < rec.n_fields)
			snprintf(t->how, sizeof(t->how), "%.*s", (int)rec.fields[c_prot].len, rec.fields[c_prot].p);
		t->n_cells++;
	}
	csv_reader_free(r);
	/* labels */
	snprintf(path, sizeof(path), "%s/%s.structure.csv", dir, name);
	r = NULL;
	if (!csv_reader_open(&r, path, 0, &err)) {
		csv_reader_next(r, &rec, &err);
		while (csv_reader_next(r, &rec, &err) > 0) {
			char dn[32], code[64];
			int x;

			if (rec.problem != CSV_OK || rec.n_fields < 6)
				continue;
			snprintf(dn, sizeof(dn), "%.*s", (int)rec.fields[0].len, rec.fields[0].p);
			snprintf(code, sizeof(code), "%.*s", (int)rec.fields[1].len, rec.fields[1].p);
			for (i = 0; i < t->n_dims; i++)
				if (!strcmp(t->dims[i].name, dn) && (x = find_code(&t->dims[i], code)) >= 0 && !t->dims[i].es[x]) {
					char lv[8];

					t->dims[i].es[x] = xmemdup0(rec.fields[4].p, rec.fields[4].len);
					t->dims[i].en[x] = xmemdup0(rec.fields[5].p, rec.fields[5].len);
					snprintf(lv, sizeof(lv), "%.*s", (int)(rec.fields[2].len < 7 ? rec.fields[2].len : 7),
						 rec.fields[2].p);
					t->dims[i].level[x] = atoi(lv);
				}
		}
		csv_reader_free(r);
	}
	return 0;
}

static void free_dim(struct ex_dim *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->codes[i]);
		free(d->es[i]);
		free(d->en[i]);
	}
	free(d->codes);
	free(d->es);
	free(d->en);
	free(d->level);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct explorer *explorer_load(const char *dir, size_t *cells)
{
	struct explorer *ex = xcalloc(1, sizeof(*ex));
	DIR *d = opendir(dir);
	struct dirent *e;
	char *names[EX_TABLES];
	size_t n = 0, i;

	*cells = 0;
	if (!d)
		return ex;
	while ((e = readdir(d)) && n < EX_TABLES) {
		size_t l = strlen(e->d_name);

		if (l > 14 && !strcmp(e->d_name + l - 14, ".structure.csv") && l - 14 < 60)
			names[n++] = xmemdup0(e->d_name, l - 14);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(names[0]), cmp_str);
	for (i = 0; i < n; i++) {
		if (!load_table(&ex->t[ex->n], dir, names[i])) {
			*cells += ex->t[ex->n].n_cells;
			ex->n++;
		}
		free(names[i]);
	}
	return ex;
}

void explorer_free(struct explorer *ex)
{
	size_t i, k;

	if (!ex)
		return;
	for (i = 0; i < ex->n; i++) {
		for (k = 0; k < ex->t[i].n_dims; k++)
			free_dim(&ex->t[i].dims[k]);
		free_dim(&ex->t[i].measures);
		free(ex->t[i].cells);
	}
	free(ex);
}

/* ==== A selection ==== */

struct selection {
	const struct ex_table *t;
	int measure, row, col;       /* col -1: none */
	int level;                   /* only the rows of this level of their hierarchy (-1: every level) */
	int fixed[EX_DIMS];          /* code per dimension not in rows or columns */
	int en;
};

static const char *arg(struct MHD_Connection *c, const char *k)
{
	return MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, k);
}

static int dim_index(const struct ex_table *t, const char *name)
{
	size_t i;

	for (i = 0; name && i < t->n_dims; i++)
		if (!strcmp(t->dims[i].name, name))
			return (int)i;
	return -1;
}

/* The selection the URL asks for; NULL with *why when it asks for what the table has not. */
static int parse_selection(struct MHD_Connection *c, const struct ex_table *t, struct selection *s, const char **why)
{
	const char *m = arg(c, "measure"), *row = arg(c, "rows"), *col = arg(c, "cols"), *lang = arg(c, "lang");
	size_t i;

	memset(s, 0, sizeof(*s));
	s->t = t;
	s->en = lang && !strcmp(lang, "en");
	s->measure = m ? find_code(&t->measures, m) : 0;
	s->row = row ? dim_index(t, row) : 0;
	{
		const char *lv = arg(c, "level");
		long long v;

		s->level = -1;
		if (lv && lv[0]) {
			if (opt_int(lv, 0, 99, &v)) {
				*why = "level is a whole number: 0 for the most detailed codes";
				return -1;
			}
			s->level = (int)v;
		}
	}
	s->col = col && col[0] ? dim_index(t, col) : -1;
	if (s->measure < 0 || (size_t)s->measure >= t->measures.n) {
		*why = "no such measure in this table";
		return -1;
	}
	if (s->row < 0 || (col && col[0] && s->col < 0) || s->row == s->col) {
		*why = "rows and cols name two different dimensions of the table";
		return -1;
	}
	for (i = 0; i < t->n_dims; i++) {
		const char *v = arg(c, t->dims[i].name);

		s->fixed[i] = find_code(&t->dims[i], v && v[0] ? v : "_T");
		if (s->fixed[i] < 0 && (int)i != s->row && (int)i != s->col) {
			/* a dimension without a total (periods): its first code */
			if (v && v[0]) {
				*why = "a code the table does not have";
				return -1;
			}
			s->fixed[i] = 0;
		}
	}
	return 0;
}

static int matches(const struct selection *s, const struct ex_cell *c)
{
	size_t i;

	if (c->measure != s->measure)
		return 0;
	if (s->level >= 0 && s->t->dims[s->row].level[c->code[s->row]] != s->level)
		return 0;
	for (i = 0; i < s->t->n_dims; i++)
		if ((int)i != s->row && (int)i != s->col && c->code[i] != s->fixed[i])
			return 0;
	return 1;
}

static const char *label(const struct ex_dim *d, int k, int en)
{
	const char *l = en ? d->en[k] : d->es[k];

	return l && l[0] ? l : d->codes[k];
}

static void put_value(struct buf *b, const struct ex_cell *c)
{
	char num[40];

	if (c->empty || c->conf == 'C')
		buf_adds(b, "C", NULL);
	else {
		snprintf(num, sizeof(num), "%.0f", c->value);
		buf_adds(b, num, NULL);
	}
}

/* A code as SDMX writes it (sex "other" is _O in SDMX's CL_SEX), as the published SDMX-CSV does. */
static const char *sdmx_code(const struct ex_dim *d, const char *code)
{
	return !strcmp(d->name, "SEX") && !strcmp(code, "X") ? "_O" : code;
}

static void put_slice_row(struct buf *b, const struct ex_table *t, const struct ex_cell *cl, int sdmx, int td)
{
	size_t k;

	if (sdmx) {
		/* SDMX-CSV 1.0: DATAFLOW, FREQ, the dimensions but time, MEASURE, time */
		buf_addf(b, NULL, "BO_INE:DF_%s(1.0)", t->name);
		if (td >= 0) {
			const char *p = t->dims[td].codes[cl->code[td]];
			size_t n = strlen(p);

			buf_adds(b, n == 4 ? ",A" : n == 7 && p[5] == 'Q' ? ",Q" : ",M", NULL);
		}
		for (k = 0; k < t->n_dims; k++)
			if ((int)k != td)
				buf_addf(b, NULL, ",%s", sdmx_code(&t->dims[k], t->dims[k].codes[cl->code[k]]));
		buf_addf(b, NULL, ",%s", t->measures.codes[cl->measure]);
		if (td >= 0)
			buf_addf(b, NULL, ",%s", t->dims[td].codes[cl->code[td]]);
		buf_addc(b, ',', NULL);
	} else {
		for (k = 0; k < t->n_dims; k++)
			buf_addf(b, NULL, "%s,", t->dims[k].codes[cl->code[k]]);
		buf_addf(b, NULL, "%s,", t->measures.codes[cl->measure]);
	}
	if (!cl->empty && cl->conf != 'C')
		buf_addf(b, NULL, "%.0f", cl->value);
	buf_addf(b, NULL, ",%c,%c\r\n", cl->status ? cl->status : 'A', cl->conf ? cl->conf : 'F');
}

/* The selection's cells as CSV (tidy) or SDMX-CSV 1.0, in the published files' own shape. */
static enum MHD_Result send_slice_csv(struct MHD_Connection *c, const struct selection *s, int sdmx)
{
	const struct ex_table *t = s->t;
	int td = dim_index(t, "TIME_PERIOD");
	struct buf b;
	size_t i, k, n = 0;
	struct MHD_Response *r;
	enum MHD_Result ret;
	char disp[160];

	buf_init(&b, 1u << 26);
	if (sdmx) {
		buf_adds(&b, td >= 0 ? "DATAFLOW,FREQ" : "DATAFLOW", NULL);
		for (k = 0; k < t->n_dims; k++)
			if ((int)k != td)
				buf_addf(&b, NULL, ",%s", t->dims[k].name);
		buf_adds(&b, td >= 0 ? ",MEASURE,TIME_PERIOD" : ",MEASURE", NULL);
		buf_adds(&b, ",OBS_VALUE,OBS_STATUS,CONF_STATUS\r\n", NULL);
	} else {
		for (k = 0; k < t->n_dims; k++)
			buf_addf(&b, NULL, "%s,", t->dims[k].name);
		buf_adds(&b, "MEASURE,value,status,confidentiality\r\n", NULL);
	}
	for (i = 0; i < t->n_cells && n < 1000000; i++)
		if (matches(s, &t->cells[i])) {
			put_slice_row(&b, t, &t->cells[i], sdmx, td);
			n++;
		}
	r = MHD_create_response_from_buffer(b.len, b.p, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(r, "Content-Type", "text/csv; charset=utf-8");
	snprintf(disp, sizeof(disp), "attachment; filename=\"%s.selection%s.csv\"", t->name, sdmx ? ".sdmx" : "");
	MHD_add_response_header(r, "Content-Disposition", disp);
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

static void link_args(struct buf *b, const struct selection *s, const char *fmt)
{
	size_t k;

	buf_addf(b, NULL, "/public/explore/%s%s?measure=%s&amp;rows=%s", s->t->name, fmt,
		 s->t->measures.codes[s->measure], s->t->dims[s->row].name);
	if (s->col >= 0)
		buf_addf(b, NULL, "&amp;cols=%s", s->t->dims[s->col].name);
	if (s->level >= 0)
		buf_addf(b, NULL, "&amp;level=%d", s->level);
	for (k = 0; k < s->t->n_dims; k++)
		if ((int)k != s->row && (int)k != s->col)
			buf_addf(b, NULL, "&amp;%s=%s", s->t->dims[k].name, s->t->dims[k].codes[s->fixed[k]]);
	if (s->en)
		buf_adds(b, "&amp;lang=en", NULL);
}

static enum MHD_Result send_html(struct MHD_Connection *c, unsigned status, struct buf *b)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(b->len, b->p, MHD_RESPMEM_MUST_FREE);
	enum MHD_Result ret;

	MHD_add_response_header(r, "Content-Type", "text/html; charset=utf-8");
	MHD_add_response_header(r, "Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static void select_box(struct buf *b, const char *name, const struct ex_dim *d, int chosen, int en, int with_none,
		       const char *none_label)
{
	size_t i;

	buf_addf(b, NULL, "<select name=\"%s\" id=\"s_%s\">", name, name);
	if (with_none)
		buf_addf(b, NULL, "<option value=\"\"%s>%s</option>", chosen < 0 ? " selected" : "", none_label);
	for (i = 0; i < d->n; i++) {
		buf_adds(b, "<option value=\"", NULL);
		html_text(b, d->codes[i]);
		buf_addf(b, NULL, "\"%s>", (int)i == chosen ? " selected" : "");
		html_text(b, label(d, (int)i, en));
		buf_adds(b, "</option>", NULL);
	}
	buf_adds(b, "</select>", NULL);
}

static void dims_box(struct buf *b, const char *name, const struct ex_table *t, int chosen, int with_none,
		     const char *none_label)
{
	size_t i;

	buf_addf(b, NULL, "<select name=\"%s\" id=\"s_%s\">", name, name);
	if (with_none)
		buf_addf(b, NULL, "<option value=\"\"%s>%s</option>", chosen < 0 ? " selected" : "", none_label);
	for (i = 0; i < t->n_dims; i++)
		buf_addf(b, NULL, "<option%s>%s</option>", (int)i == chosen ? " selected" : "", t->dims[i].name);
	buf_adds(b, "</select>", NULL);
}

static enum MHD_Result explore_table(struct explorer *ex, struct MHD_Connection *c, const struct ex_table *t,
				     const char *fmt)
{
	struct selection s;
	const char *why = NULL;
	struct buf b;
	size_t i, k, n_out = 0;
	const struct ex_cell **grid;
	size_t nr, nc;
	double m = 1;

	(void)ex;
	if (parse_selection(c, t, &s, &why))
		return send_error(c, MHD_HTTP_BAD_REQUEST, why);
	if (!strcmp(fmt, ".csv"))
		return send_slice_csv(c, &s, 0);
	if (!strcmp(fmt, ".sdmx.csv"))
		return send_slice_csv(c, &s, 1);
	if (fmt[0])
		return send_error(c, MHD_HTTP_NOT_FOUND, "no such format (.csv or .sdmx.csv)");
	nr = t->dims[s.row].n;
	nc = s.col >= 0 ? t->dims[s.col].n : 1;
	grid = xcalloc(nr * nc, sizeof(*grid));
	for (i = 0; i < t->n_cells; i++)
		if (matches(&s, &t->cells[i])) {
			const struct ex_cell *cl = &t->cells[i];
			size_t at = (size_t)cl->code[s.row] * nc + (s.col >= 0 ? cl->code[s.col] : 0);

			grid[at] = cl;
			if (!cl->empty && cl->conf != 'C' && cl->value > m && t->dims[s.row].codes[cl->code[s.row]][0] != '_')
				m = cl->value;
		}
	buf_init(&b, 1u << 24);
	buf_addf(&b, NULL, "<!DOCTYPE html><html lang=%s><head><meta charset=utf-8><title>%s ", s.en ? "en" : "es",
		 s.en ? "Explorer:" : "Explorador:");
	html_text(&b, t->name);
	buf_adds(&b, "</title><style>body{font:14px system-ui,sans-serif;margin:1em}table{border-collapse:collapse}"
		 "td,th{border-bottom:1px solid #ddd;padding:2px 6px}td.n{text-align:right}.bar{fill:#1b6ca8}"
		 "form label{margin-right:1em;display:inline-block}select{max-width:100%}svg{width:100%;max-width:720px;height:auto}"
		 ".wide{overflow-x:auto;max-width:100%}</style>"
		 "<meta name=viewport content=\"width=device-width\"></head><body>", NULL);
	buf_addf(&b, NULL, "<p><a href=\"/public/explore%s\">%s</a></p><h1>", s.en ? "?lang=en" : "",
		 s.en ? "Tables" : "Tablas");
	html_text(&b, t->name);
	buf_addf(&b, NULL, "</h1><p>%s: ", s.en ? "Protection" : "Protección");
	html_text(&b, t->how);
	buf_addf(&b, NULL, "</p><form method=get action=\"/public/explore/%s\"><label>%s ", t->name,
		 s.en ? "Measure" : "Medida");
	select_box(&b, "measure", &t->measures, s.measure, s.en, 0, "");
	buf_addf(&b, NULL, "</label><label>%s ", s.en ? "Rows" : "Filas");
	dims_box(&b, "rows", t, s.row, 0, "");
	buf_addf(&b, NULL, "</label><label>%s <select name=level id=s_level><option value=\"\"%s>%s</option>",
		 s.en ? "Level of the rows" : "Nivel de las filas", s.level < 0 ? " selected" : "",
		 s.en ? "(all)" : "(todos)");
	{
		int lv, seen[100] = { 0 };

		for (i = 0; i < t->dims[s.row].n; i++)
			if (t->dims[s.row].level[i] >= 0 && t->dims[s.row].level[i] < 100)
				seen[t->dims[s.row].level[i]] = 1;
		for (lv = 0; lv < 100; lv++)
			if (seen[lv])
				buf_addf(&b, NULL, "<option value=%d%s>%d%s</option>", lv, lv == s.level ? " selected" : "", lv,
					 lv == 0 ? (s.en ? " (most detailed)" : " (más detallado)") : "");
	}
	buf_adds(&b, "</select>", NULL);
	buf_addf(&b, NULL, "</label><label>%s ", s.en ? "Columns" : "Columnas");
	dims_box(&b, "cols", t, s.col, 1, s.en ? "(none)" : "(ninguna)");
	buf_adds(&b, "</label><br>", NULL);
	for (k = 0; k < t->n_dims; k++) {
		if ((int)k == s.row || (int)k == s.col)
			continue;
		buf_adds(&b, "<label>", NULL);
		html_text(&b, t->dims[k].name);
		buf_adds(&b, " ", NULL);
		select_box(&b, t->dims[k].name, &t->dims[k], s.fixed[k], s.en, 0, "");
		buf_adds(&b, "</label>", NULL);
	}
	if (s.en)
		buf_adds(&b, "<input type=hidden name=lang value=en>", NULL);
	buf_addf(&b, NULL, "<button type=submit id=show>%s</button></form><p>", s.en ? "Show" : "Mostrar");
	buf_addf(&b, NULL, "<a id=dl_csv href=\"");
	link_args(&b, &s, ".csv");
	buf_addf(&b, NULL, "\">CSV</a> &middot; <a id=dl_sdmx href=\"");
	link_args(&b, &s, ".sdmx.csv");
	buf_adds(&b, "\">SDMX-CSV</a></p>", NULL);
	/* the chart: the row dimension's values (the first column when there are columns) */
	buf_addf(&b, NULL, "<svg viewBox=\"0 0 720 %zu\" role=img>", 8 + (nr < 60 ? nr : 60) * 16);
	for (i = 0, k = 0; i < nr && k < 60; i++) {
		const struct ex_cell *cl = grid[i * nc];
		double w;

		if (!cl)
			continue;
		w = cl->empty || cl->conf == 'C' ? 0 : 420 * cl->value / m;
		if (w > 420)
			w = 420;
		buf_addf(&b, NULL, "<text x=230 y=%zu font-size=11 text-anchor=end>", 18 + k * 16);
		html_text(&b, label(&t->dims[s.row], (int)i, s.en));
		buf_addf(&b, NULL, "</text><rect class=bar x=236 y=%zu width=%.1f height=12 />", 8 + k * 16, w);
		k++;
	}
	buf_adds(&b, "</svg><div class=wide><table id=slice><tr><th></th>", NULL);
	for (k = 0; k < nc; k++) {
		buf_adds(&b, "<th>", NULL);
		if (s.col >= 0)
			html_text(&b, label(&t->dims[s.col], (int)k, s.en));
		else
			html_text(&b, t->measures.codes[s.measure]);
		buf_adds(&b, "</th>", NULL);
	}
	buf_adds(&b, "</tr>", NULL);
	for (i = 0; i < nr && n_out < EX_MAX_OUT; i++) {
		int any = 0;

		for (k = 0; k < nc; k++)
			any |= grid[i * nc + k] != NULL;
		if (!any)
			continue;
		buf_adds(&b, "<tr><td data-code=\"", NULL);
		html_text(&b, t->dims[s.row].codes[i]);
		buf_adds(&b, "\">", NULL);
		html_text(&b, label(&t->dims[s.row], (int)i, s.en));
		buf_adds(&b, "</td>", NULL);
		for (k = 0; k < nc; k++) {
			buf_adds(&b, "<td class=n>", NULL);
			if (grid[i * nc + k])
				put_value(&b, grid[i * nc + k]);
			buf_adds(&b, "</td>", NULL);
			n_out++;
		}
		buf_adds(&b, "</tr>", NULL);
	}
	buf_adds(&b, "</table></div></body></html>\n", NULL);
	free(grid);
	return send_html(c, MHD_HTTP_OK, &b);
}

enum MHD_Result explore_route(struct explorer *ex, struct MHD_Connection *c, const char *rest)
{
	const char *lang = arg(c, "lang");
	int en = lang && !strcmp(lang, "en");
	struct buf b;
	size_t i;

	if (!ex || !ex->n)
		return send_error(c, MHD_HTTP_NOT_FOUND, "no table is published here");
	if (rest[0] == '/') {
		char name[64];
		const char *fmt;
		size_t len;

		rest++;
		fmt = strchr(rest, '.');
		len = fmt ? (size_t)(fmt - rest) : strlen(rest);
		if (len >= sizeof(name))
			return send_error(c, MHD_HTTP_NOT_FOUND, "no such table");
		memcpy(name, rest, len);
		name[len] = '\0';
		for (i = 0; i < ex->n; i++)
			if (!strcmp(ex->t[i].name, name))
				return explore_table(ex, c, &ex->t[i], fmt ? fmt : "");
		return send_error(c, MHD_HTTP_NOT_FOUND, "no such table");
	}
	if (rest[0])
		return send_error(c, MHD_HTTP_NOT_FOUND, "no such route");
	buf_init(&b, 1 << 16);
	buf_addf(&b, NULL, "<!DOCTYPE html><html lang=%s><head><meta charset=utf-8><title>%s</title></head><body><h1>%s</h1><ul>",
		 en ? "en" : "es", en ? "Table explorer" : "Explorador de tablas", en ? "Table explorer" : "Explorador de tablas");
	for (i = 0; i < ex->n; i++) {
		buf_addf(&b, NULL, "<li><a href=\"/public/explore/%s%s\">", ex->t[i].name, en ? "?lang=en" : "");
		html_text(&b, ex->t[i].name);
		buf_addf(&b, NULL, "</a> (%zu %s)</li>", ex->t[i].n_cells, en ? "cells" : "celdas");
	}
	buf_adds(&b, "</ul></body></html>\n", NULL);
	return send_html(c, MHD_HTTP_OK, &b);
}
