/*
 * bulletin.c: report stage. See bulletin.h.
 *
 * Each figure is a slice of a published table: one dimension left free,
 * the others at their total (_T) or at a chosen code, one measure. The
 * tables are read once each, streaming, whatever their size. A suppressed
 * cell is shown as suppressed, never guessed. Charts are drawn as inline
 * SVG with their numbers in a table beside them.
 * SPDX-License-Identifier: MIT
 */
#include "bulletin.h"
#include "csv.h"
#include "mem.h"
#include "outfile.h"
#include "store.h"

#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DIMS 8
#define MAX_POINTS 512
#define MAX_FIXED 4

/* ==== Slices of a published table ==== */

struct point {
	char code[24];
	double value;
	int suppressed;
};

struct slice {
	const char *measure;
	const char *free_dim;
	const char *fixed[MAX_FIXED][2];   /* dimension, code; the rest at _T */
	int (*keep)(const char *code);     /* which codes of the free dimension (NULL: all but _T) */
	struct point p[MAX_POINTS];
	size_t n;
};

struct label {
	char dim[24], code[24], parents[48];
	char *es, *en;
	int level;
};

struct labels {
	struct label *l;
	size_t n, cap;
};

static int is_month(const char *c)
{
	return strlen(c) == 7 && c[4] == '-' && c[5] != 'Q';
}

static int is_year(const char *c)
{
	return strlen(c) == 4 && strspn(c, "0123456789") == 4;
}

static int is_iso3(const char *c)
{
	return strlen(c) == 3 && strspn(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == 3;
}

static int not_total(const char *c)
{
	return strcmp(c, "_T") != 0;
}

static int field_is(const struct csv_field *f, const char *s)
{
	return f->len == strlen(s) && memcmp(f->p, s, f->len) == 0;
}

/* Read path once, filling every slice. Returns 0, or an error (a missing file: ERR_IO). */
/* How a published table was protected, as its files say. */
struct protection_note {
	char how[160];
	unsigned long long cells, suppressed;
};

static int read_slices(const char *path, struct slice *sl, size_t n_sl, unsigned long long *cells,
		       struct protection_note *pn, struct err *err)
{
	struct csv_reader *r = NULL;
	struct csv_record rec;
	int dims[MAX_DIMS], n_dims = 0, c_measure = -1, c_value = -1, c_conf = -1, c_prot = -1, rc;
	char names[MAX_DIMS][32];
	size_t i, k;

	if ((rc = csv_reader_open(&r, path, 0, err)))
		return rc;
	if ((rc = csv_reader_next(r, &rec, err)) <= 0) {
		csv_reader_free(r);
		return rc < 0 ? rc : ERR_SET(err, ERR_DATA, "%s: empty", path);
	}
	for (i = 0; i < rec.n_fields; i++) {
		const struct csv_field *f = &rec.fields[i];

		if (field_is(f, "MEASURE"))
			c_measure = (int)i;
		else if (field_is(f, "value"))
			c_value = (int)i;
		else if (field_is(f, "confidentiality"))
			c_conf = (int)i;
		else if (field_is(f, "protection"))
			c_prot = (int)i;
		else if (c_measure < 0 && n_dims < MAX_DIMS) {
			snprintf(names[n_dims], sizeof(names[0]), "%.*s", (int)f->len, f->p);
			dims[n_dims++] = (int)i;
		}
	}
	if (c_measure < 0 || c_value < 0) {
		csv_reader_free(r);
		return ERR_SET(err, ERR_DATA, "%s: not a table pasos published (no MEASURE or value column)", path);
	}
	while ((rc = csv_reader_next(r, &rec, err)) > 0) {
		if (rec.problem != CSV_OK || rec.n_fields <= (size_t)c_value)
			continue;
		(*cells)++;
		pn->cells++;
		if (c_conf >= 0 && (size_t)c_conf < rec.n_fields && field_is(&rec.fields[c_conf], "C"))
			pn->suppressed++;
		if (!pn->how[0] && c_prot >= 0 && (size_t)c_prot < rec.n_fields)
			snprintf(pn->how, sizeof(pn->how), "%.*s", (int)rec.fields[c_prot].len, rec.fields[c_prot].p);
		for (k = 0; k < n_sl; k++) {
			struct slice *s = &sl[k];
			const struct csv_field *fv = NULL;
			int d, ok = field_is(&rec.fields[c_measure], s->measure);

			for (d = 0; d < n_dims && ok; d++) {
				const struct csv_field *f = &rec.fields[dims[d]];
				size_t q;

				if (!strcmp(names[d], s->free_dim)) {
					fv = f;
					continue;
				}
				for (q = 0; q < MAX_FIXED && s->fixed[q][0] && strcmp(s->fixed[q][0], names[d]); q++)
					;
				ok = field_is(f, q < MAX_FIXED && s->fixed[q][0] ? s->fixed[q][1] : "_T");
			}
			if (!ok || !fv || fv->len >= sizeof(s->p[0].code) || s->n >= MAX_POINTS)
				continue;
			{
				struct point *p = &s->p[s->n];
				const struct csv_field *v = &rec.fields[c_value];
				char num[32];

				snprintf(p->code, sizeof(p->code), "%.*s", (int)fv->len, fv->p);
				if (!(s->keep ? s->keep(p->code) : not_total(p->code)))
					continue;
				snprintf(num, sizeof(num), "%.*s", (int)(v->len < 31 ? v->len : 31), v->p);
				p->suppressed = v->len == 0 || (c_conf >= 0 && field_is(&rec.fields[c_conf], "C"));
				p->value = p->suppressed ? 0 : strtod(num, NULL);
				s->n++;
			}
		}
	}
	csv_reader_free(r);
	return rc < 0 ? rc : 0;
}

static void labels_load(struct labels *L, const char *path)
{
	struct csv_reader *r = NULL;
	struct csv_record rec;
	struct err err;

	err_init(&err);
	if (csv_reader_open(&r, path, 0, &err))
		return;
	csv_reader_next(r, &rec, &err);  /* dimension,code,level,parents,label_es,label_en */
	while (csv_reader_next(r, &rec, &err) > 0) {
		struct label *l;
		char lv[8];

		if (rec.problem != CSV_OK || rec.n_fields < 6)
			continue;
		if (L->n == L->cap) {
			L->cap = L->cap ? L->cap * 2 : 256;
			L->l = xrealloc(L->l, st_mult(L->cap, sizeof(*L->l)));
		}
		l = &L->l[L->n++];
		snprintf(l->dim, sizeof(l->dim), "%.*s", (int)rec.fields[0].len, rec.fields[0].p);
		snprintf(l->code, sizeof(l->code), "%.*s", (int)rec.fields[1].len, rec.fields[1].p);
		snprintf(lv, sizeof(lv), "%.*s", (int)(rec.fields[2].len < 7 ? rec.fields[2].len : 7), rec.fields[2].p);
		l->level = atoi(lv);
		snprintf(l->parents, sizeof(l->parents), "%.*s", (int)rec.fields[3].len, rec.fields[3].p);
		l->es = xmemdup0(rec.fields[4].p, rec.fields[4].len);
		l->en = xmemdup0(rec.fields[5].p, rec.fields[5].len);
	}
	csv_reader_free(r);
}

static void labels_free(struct labels *L)
{
	size_t i;

	for (i = 0; i < L->n; i++) {
		free(L->l[i].es);
		free(L->l[i].en);
	}
	free(L->l);
	memset(L, 0, sizeof(*L));
}

static const struct label *label_of(const struct labels *L, const char *dim, const char *code)
{
	size_t i;

	for (i = 0; i < L->n; i++)
		if (!strcmp(L->l[i].dim, dim) && !strcmp(L->l[i].code, code))
			return &L->l[i];
	return NULL;
}

static const char *name_of(const struct labels *L, const char *dim, const char *code, int en)
{
	const struct label *l = label_of(L, dim, code);

	return l ? (en ? l->en : l->es) : code;
}

/* ==== Writing ==== */

struct page {
	struct buf b;
	int en;
	struct bulletin_stats *stats;
};

#define T(pg, es, en_) ((pg)->en ? (en_) : (es))

static void put(struct page *pg, const char *s)
{
	buf_adds(&pg->b, s, NULL);
}

static void putf(struct page *pg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(struct page *pg, const char *fmt, ...)
{
	char tmp[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	put(pg, tmp);
}

static void esc(struct page *pg, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': put(pg, "&amp;"); break;
		case '<': put(pg, "&lt;"); break;
		case '>': put(pg, "&gt;"); break;
		case '"': put(pg, "&quot;"); break;
		default: buf_addc(&pg->b, *s, NULL);
		}
	}
}

/* A number in the C locale with a thin grouping of thousands, whatever the environment. */
static void number(char *out, size_t len, double v)
{
	char raw[64];
	long long x = llround(v);
	size_t n, i, o = 0;
	int neg = x < 0;

	snprintf(raw, sizeof(raw), "%lld", neg ? -x : x);
	n = strlen(raw);
	if (neg && o + 1 < len)
		out[o++] = '-';
	for (i = 0; i < n && o + 2 < len; i++) {
		out[o++] = raw[i];
		if ((n - i - 1) % 3 == 0 && i + 1 < n)
			out[o++] = ',';
	}
	out[o] = '\0';
}

static void cell(struct page *pg, const struct point *p)
{
	char num[40];

	if (p->suppressed) {
		put(pg, "<td class=n>C</td>");
		return;
	}
	number(num, sizeof(num), p->value);
	putf(pg, "<td class=n>%s</td>", num);
}

static double max_of(const struct point *p, size_t n)
{
	double m = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (!p[i].suppressed && p[i].value > m)
			m = p[i].value;
	return m > 0 ? m : 1;
}

/* Arrivals and departures by month: two lines, with their numbers beside. */
static void line_chart(struct page *pg, const struct slice *a, const struct slice *b, const char *title)
{
	double m = fmax(max_of(a->p, a->n), max_of(b->p, b->n)), W = 640, H = 240, x0 = 60, y0 = 20;
	size_t i, n = a->n < b->n ? a->n : b->n;
	const struct slice *s[2] = { a, b };
	static const char *colour[2] = { "#1b6ca8", "#d1495b" };
	int k;

	put(pg, "<div class=fig><svg viewBox=\"0 0 720 300\" role=img aria-label=\"");
	esc(pg, title);
	put(pg, "\">");
	for (k = 0; k <= 4; k++) {
		char num[40];
		double v = m * k / 4, y = y0 + H - H * k / 4;

		number(num, sizeof(num), v);
		putf(pg, "<line x1=%g y1=%.1f x2=%g y2=%.1f class=grid /><text x=%g y=%.1f class=ax text-anchor=end>%s</text>",
		     x0, y, x0 + W, y, x0 - 4, y + 4, num);
	}
	for (k = 0; k < 2; k++) {
		putf(pg, "<polyline fill=none stroke=\"%s\" stroke-width=2 points=\"", colour[k]);
		for (i = 0; i < n; i++)
			if (!s[k]->p[i].suppressed)
				putf(pg, "%.1f,%.1f ", x0 + (n > 1 ? W * (double)i / (double)(n - 1) : 0),
				     y0 + H - H * s[k]->p[i].value / m);
		put(pg, "\"/>");
	}
	for (i = 0; i < n; i += (n > 12 ? 3 : 1))
		putf(pg, "<text x=%.1f y=%g class=ax text-anchor=middle>%s</text>",
		     x0 + (n > 1 ? W * (double)i / (double)(n - 1) : 0), y0 + H + 18, a->p[i].code);
	putf(pg, "<rect x=70 y=4 width=12 height=4 fill=\"%s\"/><text x=86 y=10 class=ax>%s</text>", colour[0],
	     T(pg, "Llegadas", "Arrivals"));
	putf(pg, "<rect x=170 y=4 width=12 height=4 fill=\"%s\"/><text x=186 y=10 class=ax>%s</text>", colour[1],
	     T(pg, "Salidas", "Departures"));
	put(pg, "</svg></div><div class=tab><table><tr><th>");
	put(pg, T(pg, "Mes", "Month"));
	putf(pg, "</th><th>%s</th><th>%s</th></tr>", T(pg, "Llegadas", "Arrivals"), T(pg, "Salidas", "Departures"));
	for (i = 0; i < n; i++) {
		putf(pg, "<tr><td>%s</td>", a->p[i].code);
		cell(pg, &a->p[i]);
		cell(pg, &b->p[i]);
		put(pg, "</tr>");
	}
	put(pg, "</table></div>");
	pg->stats->charts++;
	pg->stats->tables++;
}

static int cmp_value_desc(const void *x, const void *y)
{
	const struct point *a = x, *b = y;

	if (a->value != b->value)
		return a->value < b->value ? 1 : -1;
	return strcmp(a->code, b->code);
}

/* Horizontal bars of a slice (sorted, at most top), labelled from dim's names. */
static void bar_chart(struct page *pg, struct slice *s, const struct labels *L, const char *dim, int level,
		      size_t top, const char *head)
{
	size_t i, n;
	double m;

	if (level >= 0) {
		/* only the codes of that level of the hierarchy (posts, not departments; countries, not regions) */
		for (i = 0, n = 0; i < s->n; i++) {
			const struct label *l = label_of(L, dim, s->p[i].code);

			if (l && l->level == level)
				s->p[n++] = s->p[i];
		}
		s->n = n;
	}
	qsort(s->p, s->n, sizeof(s->p[0]), cmp_value_desc);
	n = s->n < top ? s->n : top;
	m = max_of(s->p, n);
	putf(pg, "<div class=fig><svg viewBox=\"0 0 720 %zu\" role=img aria-label=\"", 10 + n * 22);
	esc(pg, head);
	put(pg, "\">");
	for (i = 0; i < n; i++) {
		double w = s->p[i].suppressed ? 0 : 360 * s->p[i].value / m, y = 8 + (double)i * 22;
		char num[40], shortname[48];
		const char *nm = name_of(L, dim, s->p[i].code, pg->en);

		number(num, sizeof(num), s->p[i].value);
		/* a long name is cut on the chart; the table beside it has it whole */
		snprintf(shortname, sizeof(shortname), "%s", nm);
		if (strlen(nm) >= 44) {
			size_t cut = 40;

			while (cut > 0 && ((unsigned char)shortname[cut] & 0xC0) == 0x80)
				cut--;
			memcpy(shortname + cut, "...", 4);
		}
		put(pg, "<text x=290 class=lab text-anchor=end y=");
		putf(pg, "%.0f>", y + 13);
		esc(pg, shortname);
		putf(pg, "</text><rect x=296 y=%.0f width=%.1f height=16 class=bar /><text x=%.1f y=%.0f class=ax>%s</text>",
		     y, w, 302 + w, y + 13, s->p[i].suppressed ? "C" : num);
	}
	put(pg, "</svg></div><div class=tab><table><tr><th>");
	esc(pg, head);
	putf(pg, "</th><th>%s</th></tr>", T(pg, "Valor", "Value"));
	for (i = 0; i < n; i++) {
		put(pg, "<tr><td>");
		esc(pg, name_of(L, dim, s->p[i].code, pg->en));
		put(pg, "</td>");
		cell(pg, &s->p[i]);
		put(pg, "</tr>");
	}
	put(pg, "</table></div>");
	pg->stats->charts++;
	pg->stats->tables++;
}

/* The age pyramid: women to the left, men to the right, youngest at the bottom. */
static void pyramid(struct page *pg, const struct slice *f, const struct slice *mm, const struct labels *L)
{
	size_t i, n = 0, idx[64];
	double m = 1;

	for (i = 0; i < f->n && n < 64; i++)
		if (label_of(L, "AGE", f->p[i].code) && label_of(L, "AGE", f->p[i].code)->level == 0 &&
		    strcmp(f->p[i].code, "_U")) {
			idx[n++] = i;
			m = fmax(m, f->p[i].value);
			if (i < mm->n)
				m = fmax(m, mm->p[i].value);
		}
	putf(pg, "<div class=fig><svg viewBox=\"0 0 720 %zu\" role=img aria-label=\"%s\">", 30 + n * 16,
	     T(pg, "Pirámide por sexo y edad", "Pyramid by sex and age"));
	putf(pg, "<text x=180 y=12 class=ax text-anchor=middle>%s</text><text x=540 y=12 class=ax text-anchor=middle>%s</text>",
	     T(pg, "Mujeres", "Women"), T(pg, "Hombres", "Men"));
	for (i = 0; i < n; i++) {
		const struct point *a = &f->p[idx[i]], *b = i < mm->n ? &mm->p[idx[i]] : NULL;
		double y = 20 + (double)(n - 1 - i) * 16, wa = a->suppressed ? 0 : 300 * a->value / m;
		double wb = b && !b->suppressed ? 300 * b->value / m : 0;

		putf(pg, "<rect x=%.1f y=%.0f width=%.1f height=13 fill=\"#d1495b\"/><rect x=400 y=%.0f width=%.1f height=13"
		     " fill=\"#1b6ca8\"/><text x=360 y=%.0f class=ax text-anchor=middle>%s</text>", 320 - wa, y, wa, y, wb,
		     y + 11, a->code);
	}
	put(pg, "</svg></div><div class=tab><table><tr><th>");
	putf(pg, "%s</th><th>%s</th><th>%s</th></tr>", T(pg, "Edad", "Age"), T(pg, "Mujeres", "Women"),
	     T(pg, "Hombres", "Men"));
	for (i = 0; i < n; i++) {
		putf(pg, "<tr><td>%s</td>", f->p[idx[i]].code);
		cell(pg, &f->p[idx[i]]);
		if (idx[i] < mm->n)
			cell(pg, &mm->p[idx[i]]);
		put(pg, "</tr>");
	}
	put(pg, "</table></div>");
	pg->stats->charts++;
	pg->stats->tables++;
}

static void section(struct page *pg, const char *id, const char *es, const char *en)
{
	putf(pg, "</section><section id=%s><h2>%s</h2>", id, T(pg, es, en));
}

static void missing(struct page *pg, const char *table)
{
	put(pg, "<p class=note>");
	put(pg, T(pg, "Esta sección necesita la tabla publicada ", "This section needs the published table "));
	esc(pg, table);
	put(pg, T(pg, " (pasos protect).</p>", " (pasos protect).</p>"));
}

/* One number from the store (0 when the query fails or the table is missing). */
static double store_number(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *q = NULL;
	double v = 0;

	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
		v = sqlite3_column_double(q, 0);
	sqlite3_finalize(q);
	return v;
}

static void kv_row(struct page *pg, const char *label, double v)
{
	char num[40];

	number(num, sizeof(num), v);
	put(pg, "<tr><td>");
	esc(pg, label);
	putf(pg, "</td><td class=n>%s</td></tr>", num);
}

static const char *const css =
	"body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1em;color:#222}"
	"h1{font-size:1.6em}h2{border-bottom:2px solid #1b6ca8;padding-bottom:.2em;margin-top:1.6em}"
	"section{display:flex;flex-wrap:wrap;gap:1em;align-items:flex-start}section>h2,section>p{flex-basis:100%}"
	".fig{flex:1 1 560px}.tab{flex:0 1 320px;max-height:420px;overflow:auto}svg{width:100%;height:auto}"
	"table{border-collapse:collapse;font-size:13px}td,th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:left}"
	"td.n{text-align:right;font-variant-numeric:tabular-nums}.grid{stroke:#ddd}.ax{font-size:11px;fill:#444}"
	".lab{font-size:12px;fill:#222}.bar{fill:#1b6ca8}.note{color:#555;font-size:13px}"
	"@media print{.tab{max-height:none;overflow:visible}section{break-inside:avoid}a{color:#222}}";

/* Everything the page says, in one language. */
/* End a table of figures with its note. */
static void table_note(struct page *pg, const char *es, const char *en)
{
	put(pg, "</table></div><p class=note>");
	put(pg, T(pg, es, en));
	put(pg, "</p>");
	pg->stats->tables++;
}

/* ==== The other registers and the census, from their published tables ==== */

/* Each other register's table and the measure its yearly totals come from. */
static const struct {
	const char *table, *measure, *es, *en;
} others[] = {
	{ "gcm_objective3", "REGISTRATIONS", "Registros consulares (RC-BIO)", "Consular registrations (RC-BIO)" },
	{ "gcm_objective6_offers", "OFFERS", "Ofertas de trabajo en el exterior", "Job offers abroad" },
	{ "gcm_objective6_seekers", "SEEKERS", "Buscadores de empleo en el exterior", "Job seekers for work abroad" },
	{ "gcm_objective6", "PLACEMENTS", "Colocaciones en el exterior", "Placements abroad" },
	{ "gcm_objective18", "ENROLMENTS", "Inscripciones en formación a distancia", "Enrolments in distance training" },
	{ "gcm_objective10_cases", "EVENTS", "Casos de trata y tráfico: eventos", "Trafficking and smuggling cases: events" },
	{ "gcm_objective10_victims", "VICTIMS", "Víctimas de trata y tráfico", "Victims of trafficking and smuggling" },
	{ "gcm_objective10_repatriations", "EVENTS", "Repatriaciones: eventos de los casos", "Repatriations: events of the cases" },
};
#define N_OTHERS (sizeof(others) / sizeof(others[0]))

struct extra {
	struct slice other[N_OTHERS];
	int have_other[N_OTHERS];
	/* the census by year of departure, and by destination for dest_year (one read of its file) */
	struct slice census[2];
	struct slice register_emigrants;  /* gcm_objective1's long-term departures of Bolivians by year */
	int have_census, have_register;
	/* the register's known destinations, for the comparison's first year */
	struct slice register_dest;
	int have_dest;
	char dest_year[8];
};

/* The value of a code (a year, a country) in a slice; -1 if absent, -2 if suppressed. */
static double code_value(const struct slice *s, const char *y)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->p[i].code, y))
			return s->p[i].suppressed ? -2 : s->p[i].value;
	return -1;
}

static void code_cell(struct page *pg, const struct slice *s, const char *y)
{
	double v = code_value(s, y);
	char num[40];

	if (v == -2) {
		put(pg, "<td class=n>C</td>");
		return;
	}
	number(num, sizeof(num), v < 0 ? 0 : v);
	putf(pg, "<td class=n>%s</td>", v < 0 ? "-" : num);
}

/* The years of a slice, in order (at most 8: the latest once all are in). */
static size_t years_of(const struct slice *s, char y[8][8])
{
	size_t i, j, n = 0;

	for (i = 0; i < s->n; i++) {
		for (j = 0; j < n && strcmp(y[j], s->p[i].code); j++)
			;
		if (j < n)
			continue;
		if (n == 8) {
			memmove(y[0], y[1], 7 * sizeof(y[0]));
			n--;
		}
		for (j = n++; j > 0 && strcmp(y[j - 1], s->p[i].code) > 0; j--)
			memcpy(y[j], y[j - 1], sizeof(y[0]));
		snprintf(y[j], 8, "%s", s->p[i].code);
	}
	return n;
}

static void render_extra(struct page *pg, const struct extra *x)
{
	char y[8][8];
	size_t n, i, k;

	section(pg, "registros", "Los otros registros: consulados, empleo, formación, trata y repatriaciones",
		"The other registers: consulates, employment, training, trafficking and repatriations");
	for (k = 0; k < N_OTHERS && !x->have_other[k]; k++)
		;
	if (k == N_OTHERS) {
		missing(pg, "gcm_objective3");
	} else {
		memset(y, 0, sizeof(y));
		n = 0;
		for (k = 0; k < N_OTHERS; k++)
			if (x->have_other[k] && x->other[k].n)
				n = years_of(&x->other[k], y);
		put(pg, "<div class=tab><table><tr><th>");
		put(pg, T(pg, "Registro (tabla publicada)", "Register (published table)"));
		put(pg, "</th>");
		for (i = 0; i < n; i++)
			putf(pg, "<th>%s</th>", y[i]);
		put(pg, "</tr>");
		for (k = 0; k < N_OTHERS; k++) {
			if (!x->have_other[k])
				continue;
			put(pg, "<tr><td>");
			esc(pg, pg->en ? others[k].en : others[k].es);
			putf(pg, " <small>(%s)</small></td>", others[k].table);
			for (i = 0; i < n; i++)
				code_cell(pg, &x->other[k], y[i]);
			put(pg, "</tr>");
		}
		table_note(pg, "Totales anuales de las tablas protegidas. Las víctimas de trata y las repatriaciones usan "
			      "un umbral de 10: ninguna cifra publicada cuenta entre 1 y 9.",
			   "Yearly totals of the protected tables. Victims of trafficking and repatriations use a threshold "
			  "of 10: no published figure counts 1 to 9.");
	}
	section(pg, "censo", "El censo y el registro: emigrantes por año de salida",
		"The census and the register: emigrants by year of departure");
	if (!x->have_census || !x->have_register) {
		missing(pg, x->have_census ? "gcm_objective1" : "census_emigrants");
		return;
	}
	memset(y, 0, sizeof(y));
	n = years_of(&x->register_emigrants, y);
	put(pg, "<div class=tab><table><tr><th>");
	putf(pg, "%s</th><th>%s</th><th>%s</th><th>%s</th></tr>", T(pg, "Año de salida", "Year of departure"),
	     T(pg, "Censo: emigrantes declarados por los hogares", "Census: emigrants reported by households"),
	     T(pg, "Registro: salidas de bolivianos que emigran (12/16 meses)",
	       "Register: departures of Bolivians who emigrate (12/16 months)"),
	     T(pg, "Censo / registro", "Census / register"));
	for (i = 0; i < n; i++) {
		double c = code_value(&x->census[0], y[i]), r = code_value(&x->register_emigrants, y[i]);
		char ratio[16] = "-";

		if (c >= 0 && r > 0)
			snprintf(ratio, sizeof(ratio), "%.2f", c / r);
		putf(pg, "<tr><td>%s</td>", y[i]);
		code_cell(pg, &x->census[0], y[i]);
		code_cell(pg, &x->register_emigrants, y[i]);
		putf(pg, "<td class=n>%s</td></tr>", ratio);
	}
	table_note(pg, "El censo cuenta a quienes seguían en el exterior el día del censo, si su hogar respondió; "
		      "el registro cuenta las salidas de largo plazo vistas en los pasos fronterizos, incluidas las de "
		      "quienes ya volvieron, y no ve las salidas por pasos no habilitados.",
		   "The census counts those still abroad on census day, if their household answered; the register "
		  "counts the long-term departures seen at the border posts, including those of people who have come "
		  "back, and does not see departures through unauthorised crossings.");
	if (!x->have_dest)
		return;
	/* by destination: the census's ten largest, and what the register knows of them */
	{
		const struct slice *cd = &x->census[1];
		size_t order[MAX_POINTS], m = 0, a, b;

		for (a = 0; a < cd->n && m < MAX_POINTS; a++)
			order[m++] = a;
		for (a = 1; a < m; a++)
			for (b = a; b > 0 && cd->p[order[b]].value > cd->p[order[b - 1]].value; b--) {
				size_t t = order[b];

				order[b] = order[b - 1];
				order[b - 1] = t;
			}
		put(pg, "<div class=tab><table><tr><th>");
		putf(pg, "%s %s</th><th>%s</th><th>%s</th></tr>", T(pg, "Destino, salidas de", "Destination, departures of"),
		     x->dest_year, T(pg, "Censo", "Census"), T(pg, "Registro: destino conocido", "Register: destination known"));
		for (a = 0; a < m && a < 10; a++) {
			const struct point *cp = &cd->p[order[a]];

			if (cp->value <= 0)
				break;  /* the rest are zeros (or hidden) */
			put(pg, "<tr><td>");
			esc(pg, cp->code);
			put(pg, "</td>");
			code_cell(pg, cd, cp->code);
			code_cell(pg, &x->register_dest, cp->code);
			put(pg, "</tr>");
		}
		table_note(pg, "El destino de una salida en el registro es el país de residencia que la persona declaró al "
			       "volver a entrar: quien aún no volvió de visita no tiene destino conocido.",
			   "A departure's destination in the register is the country of residence the person declared on "
			   "coming back in: someone who has not come back to visit yet has no known destination.");
	}
}

/* Fill n slices from one read of a published table; *have 0 when it is not published (not an error). */
static int read_published(const char *dir, const char *table, struct slice *sl, size_t n, unsigned long long *cells,
			  int *have, struct err *err)
{
	char path[OUTFILE_PATH_MAX];
	struct protection_note pn;
	int rc;

	snprintf(path, sizeof(path), "%s/%s.csv", dir, table);
	memset(&pn, 0, sizeof(pn));
	rc = read_slices(path, sl, n, cells, &pn, err);
	*have = !rc;
	if (rc == ERR_IO) {
		err_init(err);
		return 0;
	}
	return rc;
}

/* Read the other registers' tables and the census comparison's; a table not published is left out. */
static int load_extra(const char *dir, struct extra *x, unsigned long long *cells, struct err *err)
{
	size_t k;
	int rc;

	for (k = 0; k < N_OTHERS; k++) {
		x->other[k] = (struct slice){ .measure = others[k].measure, .free_dim = "TIME_PERIOD",
					      .keep = is_year };
		if ((rc = read_published(dir, others[k].table, &x->other[k], 1, cells, &x->have_other[k], err)))
			return rc;
	}
	/* long-term departures of Bolivians: gcm_objective1's migrants, exits, nationality BOL */
	x->register_emigrants = (struct slice){ .measure = "MIGRANTS", .free_dim = "TIME_PERIOD", .keep = is_year,
						.fixed = { { "DIRECTION", "EXIT" }, { "NATIONALITY", "BOL" } } };
	if ((rc = read_published(dir, "gcm_objective1", &x->register_emigrants, 1, cells, &x->have_register, err)))
		return rc;
	/* by destination, for the comparison's first year (the register has seen most of its emigrants visit) */
	if (x->register_emigrants.n) {
		char y[8][8];

		years_of(&x->register_emigrants, y);
		snprintf(x->dest_year, sizeof(x->dest_year), "%s", y[0]);
	}
	x->census[0] = (struct slice){ .measure = "EMIGRANTS", .free_dim = "TIME_PERIOD", .keep = is_year };
	x->census[1] = (struct slice){ .measure = "EMIGRANTS", .free_dim = "DESTINATION", .keep = is_iso3,
				       .fixed = { { "TIME_PERIOD", x->dest_year } } };
	if ((rc = read_published(dir, "census_emigrants", x->census, x->dest_year[0] ? 2 : 1, cells, &x->have_census,
				 err)))
		return rc;
	if (!x->have_census || !x->dest_year[0])
		return 0;
	x->register_dest = (struct slice){ .measure = "MIGRANTS", .free_dim = "DESTINATION", .keep = is_iso3,
					   .fixed = { { "TIME_PERIOD", x->dest_year }, { "DIRECTION", "EXIT" },
						      { "ORIGIN", "NAT" } } };
	return read_published(dir, "register_emigrants", &x->register_dest, 1, cells, &x->have_dest, err);
}

static int render(struct page *pg, sqlite3 *db, struct slice *sl, const int *have, struct labels *L,
		  char year[4][8], const struct protection_note *pn, const struct extra *x)
{
	char num[40];
	sqlite3_stmt *q = NULL;

	put(pg, "<!DOCTYPE html><html lang=");
	put(pg, pg->en ? "en" : "es");
	put(pg, "><head><meta charset=utf-8><meta name=viewport content=\"width=device-width\"><title>");
	put(pg, T(pg, "Boletín de migración: entradas, salidas y migración de largo plazo",
		  "Migration bulletin: arrivals, departures and long-term migration"));
	putf(pg, "</title><style>%s</style></head><body><header><h1>%s</h1><p>%s <a href=\"%s\">%s</a></p></header><section>",
	     css, T(pg, "Boletín de migración", "Migration bulletin"),
	     T(pg, "Cifras protegidas de los registros administrativos (pasos). Las celdas suprimidas se muestran como C.",
	       "Protected figures from the administrative registers (pasos). Suppressed cells are shown as C."),
	     pg->en ? "index.html" : "index.en.html", pg->en ? "Versión en español" : "English version");
	/* arrivals and departures */
	section(pg, "mensual", "Llegadas y salidas por mes", "Arrivals and departures by month");
	if (have[0]) {
		line_chart(pg, &sl[0], &sl[1], T(pg, "Llegadas y salidas por mes", "Arrivals and departures by month"));
		section(pg, "pasos", "Por paso fronterizo (llegadas y salidas)", "By border post (arrivals and departures)");
		putf(pg, "<p class=note>%s %s.</p>", T(pg, "Cruces en", "Crossings in"), year[0]);
		bar_chart(pg, &sl[2], &L[0], "BORDER_POST", 0, 20, T(pg, "Paso fronterizo", "Border post"));
		section(pg, "nacionalidad", "Por nacionalidad: las diez mayores", "By nationality: the ten largest");
		bar_chart(pg, &sl[3], &L[0], "NATIONALITY", 0, 10, T(pg, "Nacionalidad", "Nationality"));
		section(pg, "regiones", "Por región de nacionalidad", "By region of nationality");
		bar_chart(pg, &sl[4], &L[0], "NATIONALITY", -1, 20, T(pg, "Región", "Region"));
		section(pg, "transporte", "Por medio de transporte", "By mode of transport");
		bar_chart(pg, &sl[5], &L[0], "TRANSPORT", -1, 10, T(pg, "Transporte", "Transport"));
		if (have[3]) {
			section(pg, "sexo", "Por sexo, y nacionales y extranjeros", "By sex, and nationals and foreigners");
			putf(pg, "<p class=note>%s %s.</p>", T(pg, "Cruces en", "Crossings in"), year[3]);
			bar_chart(pg, &sl[11], &L[3], "SEX", -1, 4, T(pg, "Sexo", "Sex"));
			bar_chart(pg, &sl[12], &L[3], "ORIGIN", -1, 3, T(pg, "Nacional o extranjero", "National or foreign"));
		}
	} else {
		missing(pg, "ine_monthly");
	}
	section(pg, "personas", "Viajeros por sexo y edad, y por situación migratoria",
		"Travellers by sex and age, and by migratory status");
	if (have[1]) {
		putf(pg, "<p class=note>%s %s.</p>", T(pg, "Personas distintas que cruzaron en", "Distinct persons who crossed in"),
		     year[1]);
		pyramid(pg, &sl[6], &sl[7], &L[1]);
		bar_chart(pg, &sl[8], &L[1], "MIGRATORY_STATUS", 0, 12, T(pg, "Situación migratoria", "Migratory status"));
	} else {
		missing(pg, "gcm_objective1");
	}
	/* long-term migration, from the store's classification */
	section(pg, "largo-plazo", "Migración de largo plazo (regla de 12/16 meses)",
		"Long-term migration (the 12/16-month rule)");
	if (store_has_table(db, "migration_figures") &&
	    sqlite3_prepare_v2(db, "SELECT figure, year, final, provisional_estimated, as_of FROM migration_figures ORDER BY figure, year",
			       -1, &q, NULL) == SQLITE_OK) {
		put(pg, "<div class=tab><table><tr><th>");
		putf(pg, "%s</th><th>%s</th><th>%s</th><th>%s</th></tr>", T(pg, "Cifra", "Figure"), T(pg, "Año", "Year"),
		     T(pg, "Final", "Final"), T(pg, "Estimada (provisional)", "Estimated (provisional)"));
		while (sqlite3_step(q) == SQLITE_ROW) {
			const char *f = (const char *)sqlite3_column_text(q, 0);
			static const char *const names[][3] = {
				{ "immigrant_arrivals", "Inmigrantes de largo plazo", "Long-term immigrants" },
				{ "emigrant_departures", "Emigrantes de largo plazo", "Long-term emigrants" },
				{ "net_migration", "Migración neta", "Net migration" },
				{ "bolivians_abroad", "Bolivianos que viven en el exterior", "Bolivians living abroad" },
				{ "overstaying_visitors", "Visitantes que excedieron su estadía", "Visitors who overstayed" },
			};
			size_t k;
			const char *nm = f;

			for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
				if (f && !strcmp(f, names[k][0]))
					nm = names[k][pg->en ? 2 : 1];
			put(pg, "<tr><td>");
			esc(pg, nm ? nm : "");
			put(pg, "</td><td>");
			esc(pg, sqlite3_column_type(q, 1) == SQLITE_NULL ? (const char *)sqlite3_column_text(q, 4)
				: (const char *)sqlite3_column_text(q, 1));
			number(num, sizeof(num), sqlite3_column_double(q, 2));
			putf(pg, "</td><td class=n>%s</td>", num);
			number(num, sizeof(num), sqlite3_column_double(q, 3));
			putf(pg, "<td class=n>%s%s</td></tr>", sqlite3_column_double(q, 3) > 0.5 ? num : "-",
			     sqlite3_column_double(q, 3) > 0.5 ? " (p)" : "");
		}
		table_note(pg, "Un cruce es final 16 meses después; antes, la parte provisional se estima (p) con las "
			      "probabilidades observadas en los cruces ya finales.",
			   "A crossing is final 16 months after it; before, the provisional part is estimated (p) from "
			  "the probabilities seen in crossings already final.");
	} else {
		put(pg, T(pg, "<p class=note>Sin clasificación en el almacén (pasos classify).</p>",
			  "<p class=note>No classification in the store (pasos classify).</p>"));
	}
	sqlite3_finalize(q);
	q = NULL;
	section(pg, "regularizaciones", "Regularizaciones (D.S. 4576) por nacionalidad y resultado",
		"Regularisations (D.S. 4576) by nationality and outcome");
	if (have[2]) {
		putf(pg, "<p class=note>%s %s.</p>", T(pg, "Solicitudes presentadas en", "Applications submitted in"), year[2]);
		bar_chart(pg, &sl[9], &L[2], "NATIONALITY", 0, 10, T(pg, "Nacionalidad", "Nationality"));
		bar_chart(pg, &sl[10], &L[2], "STATUS", -1, 6, T(pg, "Resultado", "Outcome"));
	} else {
		missing(pg, "regularizations");
	}
	render_extra(pg, x);
	/* protection and quality */
	section(pg, "proteccion", "Cómo se protegieron las cifras", "How the figures were protected");
	put(pg, "<p>");
	put(pg, T(pg, "Ninguna cifra publicada permite identificar a una persona. En las tablas protegidas con el "
		      "método de claves de celda, cada celda se movió a lo sumo D unidades y ninguna celda publicada "
		      "cuenta entre 1 y k-1 personas; los ceros siguen siendo ceros y la misma celda vale lo mismo en todas las "
		      "tablas. En la supresión de celdas, cada celda con menos de k personas se oculta junto con las "
		      "celdas que impiden deducirla de los totales, y una auditoría por programación lineal prueba que "
		      "ninguna puede acotarse a menos de su intervalo. Las sumas de celdas publicadas pueden diferir "
		      "levemente de los totales publicados.",
		  "No published figure identifies a person. In tables protected with the cell key method, each cell "
		  "moved by at most D and no published cell counts 1 to k-1 persons; zeros stay zero and the same cell "
		  "has the same value in every table. In cell suppression, each cell of fewer than k persons is hidden "
		  "with the cells that keep it from being worked out from the totals, and an audit by linear "
		  "programming proves none can be narrowed below its interval. Sums of published cells may differ "
		  "slightly from the published totals."));
	put(pg, "</p><div class=tab><table><tr><th>");
	putf(pg, "%s</th><th>%s</th><th>%s</th><th>%s</th></tr>", T(pg, "Tabla", "Table"), T(pg, "Método", "Method"),
	     T(pg, "Celdas publicadas", "Cells published"), T(pg, "Suprimidas (C)", "Suppressed (C)"));
	{
		static const char *names[4] = { "ine_monthly", "gcm_objective1", "regularizations", "ine_sex" };
		int t;

		for (t = 0; t < 4; t++) {
			if (!have[t])
				continue;
			putf(pg, "<tr><td>%s</td><td>", names[t]);
			esc(pg, pn[t].how);
			number(num, sizeof(num), (double)pn[t].cells);
			putf(pg, "</td><td class=n>%s</td>", num);
			number(num, sizeof(num), (double)pn[t].suppressed);
			putf(pg, "<td class=n>%s</td></tr>", num);
		}
	}
	put(pg, "</table></div>");
	pg->stats->tables++;
	section(pg, "calidad", "Calidad de los datos", "Data quality");
	put(pg, "<div class=tab><table>");
	kv_row(pg, T(pg, "Filas leídas", "Rows read"), store_number(db, "SELECT sum(rows_read) FROM batches"));
	kv_row(pg, T(pg, "Aceptadas", "Accepted"), store_number(db, "SELECT sum(accepted) FROM batches"));
	kv_row(pg, T(pg, "Rechazadas", "Rejected"), store_number(db, "SELECT sum(rejected) FROM batches"));
	kv_row(pg, T(pg, "Duplicadas", "Duplicates"), store_number(db, "SELECT sum(duplicates) FROM batches"));
	kv_row(pg, T(pg, "En conflicto", "Conflicts"), store_number(db, "SELECT sum(conflicts) FROM batches"));
	kv_row(pg, T(pg, "Registros vinculados a una persona", "Records linked to a person"),
	       store_number(db, "SELECT count(*) FROM person_links"));
	kv_row(pg, T(pg, "Personas", "Persons"), store_number(db, "SELECT count(DISTINCT person_id) FROM person_links"));
	if (store_has_table(db, "classified_crossings"))
		kv_row(pg, T(pg, "Historias señaladas (cruces que no alternan, solo salidas...)",
			     "Histories flagged (crossings that do not alternate, exits only...)"),
		       store_number(db, "SELECT count(DISTINCT person_id) FROM classified_crossings WHERE anomaly IS NOT NULL"));
	put(pg, "</table></div><div class=tab><table><tr><th>");
	putf(pg, "%s</th><th>%s</th></tr>", T(pg, "Regla de rechazo", "Rejection rule"), T(pg, "Filas", "Rows"));
	if (store_has_table(db, "rejects") &&
	    sqlite3_prepare_v2(db, "SELECT rule, count(*) FROM rejects GROUP BY rule ORDER BY 2 DESC, 1 LIMIT 12", -1, &q,
			       NULL) == SQLITE_OK)
		while (sqlite3_step(q) == SQLITE_ROW) {
			put(pg, "<tr><td>");
			esc(pg, (const char *)sqlite3_column_text(q, 0));
			number(num, sizeof(num), sqlite3_column_double(q, 1));
			putf(pg, "</td><td class=n>%s</td></tr>", num);
		}
	sqlite3_finalize(q);
	put(pg, "</table></div>");
	pg->stats->tables += 2;
	section(pg, "metodos", "Métodos", "Methods");
	put(pg, "<p>");
	put(pg, T(pg, "Los registros (cruces fronterizos y regularizaciones) se validan fila por fila; una fila "
		      "aceptada, rechazada con su motivo, duplicada o en conflicto suma siempre lo leído. La misma persona "
		      "se reconoce entre documentos y registros por vinculación probabilística (Fellegi-Sunter) con "
		      "apellidos, nombres, fecha de nacimiento y documento. Un viajero es migrante de largo plazo si "
		      "pasa al menos 12 de los 16 meses siguientes a su cruce en su nuevo país de residencia (regla de "
		      "12/16 meses de la ABS y Stats NZ).",
		  "The registers (border crossings and regularisations) are checked row by row; a row accepted, "
		  "rejected with its reason, a duplicate or a conflict always adds up to what was read. The same person "
		  "is recognised across documents and registers by probabilistic linkage (Fellegi-Sunter) on surnames, "
		  "given names, birth date and document. A traveller is a long-term migrant when they spend at least 12 "
		  "of the 16 months after a crossing in their new country of residence (the 12/16-month rule of the ABS "
		  "and Stats NZ)."));
	put(pg, "</p></section></body></html>\n");
	return 0;
}

static int write_page(const char *dir, const char *name, struct page *pg, struct err *err)
{
	struct outfile of;
	int rc;

	if ((rc = outfile_open(&of, dir, name, OUTFILE_PUBLIC, err)))
		return rc;
	fwrite(pg->b.p, 1, pg->b.len, of.f);
	if ((rc = outfile_finish(&of, err)) || (rc = outfile_place(&of, err))) {
		outfile_abort(&of);
		return rc;
	}
	return 0;
}

static int keep_region(const char *c)
{
	return strncmp(c, "R_", 2) == 0 || (strlen(c) == 3 && c[0] >= '0' && c[0] <= '9');
}

int bulletin_write(struct store *st, const struct bulletin_opts *o, struct bulletin_stats *stats, struct err *err)
{
	static const char *tables[4] = { "ine_monthly", "gcm_objective1", "regularizations", "ine_sex" };
	struct slice *sl = xcalloc(13, sizeof(*sl));
	struct extra *x = xcalloc(1, sizeof(*x));
	struct labels L[4];
	int have[4] = { 0 }, rc = 0, t, lang;
	char year[4][8] = { "", "", "", "" };
	struct protection_note pn[4];
	char path[OUTFILE_PATH_MAX];

	memset(stats, 0, sizeof(*stats));
	memset(L, 0, sizeof(L));
	memset(pn, 0, sizeof(pn));
	/* ine_monthly: by month (both directions), by post, nationality, region, transport (all months) */
	sl[0] = (struct slice){ .measure = "CROSSINGS", .free_dim = "TIME_PERIOD", .keep = is_month,
				.fixed = { { "DIRECTION", "ENTRY" } } };
	sl[1] = (struct slice){ .measure = "CROSSINGS", .free_dim = "TIME_PERIOD", .keep = is_month,
				.fixed = { { "DIRECTION", "EXIT" } } };
	sl[2] = (struct slice){ .measure = "CROSSINGS", .free_dim = "BORDER_POST" };
	sl[3] = (struct slice){ .measure = "CROSSINGS", .free_dim = "NATIONALITY", .keep = is_iso3 };
	sl[4] = (struct slice){ .measure = "CROSSINGS", .free_dim = "NATIONALITY", .keep = keep_region };
	sl[5] = (struct slice){ .measure = "CROSSINGS", .free_dim = "TRANSPORT" };
	/* gcm_objective1: persons by age, women and men; by migratory status */
	sl[6] = (struct slice){ .measure = "PERSONS", .free_dim = "AGE", .fixed = { { "SEX", "F" } } };
	sl[7] = (struct slice){ .measure = "PERSONS", .free_dim = "AGE", .fixed = { { "SEX", "M" } } };
	sl[8] = (struct slice){ .measure = "PERSONS", .free_dim = "MIGRATORY_STATUS" };
	/* regularizations: by nationality, by outcome */
	sl[9] = (struct slice){ .measure = "APPLICATIONS", .free_dim = "NATIONALITY", .keep = is_iso3 };
	sl[10] = (struct slice){ .measure = "APPLICATIONS", .free_dim = "STATUS" };
	/* ine_sex: crossings by sex, and national or foreign */
	sl[11] = (struct slice){ .measure = "CROSSINGS", .free_dim = "SEX" };
	sl[12] = (struct slice){ .measure = "CROSSINGS", .free_dim = "ORIGIN" };
	for (t = 0; t < 4 && !rc; t++) {
		static const size_t from[4] = { 0, 6, 9, 11 }, to[4] = { 6, 9, 11, 13 };
		struct err e2;
		size_t i;

		err_init(&e2);
		snprintf(path, sizeof(path), "%s/%s.structure.csv", o->tables_dir, tables[t]);
		labels_load(&L[t], path);
		/* the latest year of the table: the figures that are not by month are for it */
		for (i = 0; i < L[t].n; i++)
			if (!strcmp(L[t].l[i].dim, "TIME_PERIOD") && is_year(L[t].l[i].code) &&
			    strcmp(L[t].l[i].code, year[t]) > 0)
				snprintf(year[t], sizeof(year[t]), "%s", L[t].l[i].code);
		for (i = from[t]; i < to[t]; i++)
			if (strcmp(sl[i].free_dim, "TIME_PERIOD")) {
				size_t q = 0;

				while (q < MAX_FIXED - 1 && sl[i].fixed[q][0])
					q++;
				sl[i].fixed[q][0] = "TIME_PERIOD";
				sl[i].fixed[q][1] = year[t];
			}
		snprintf(path, sizeof(path), "%s/%s.csv", o->tables_dir, tables[t]);
		rc = read_slices(path, sl + from[t], to[t] - from[t], &stats->cells_read, &pn[t], &e2);
		if (rc == ERR_IO) {
			rc = 0;  /* not published: its sections say so */
			continue;
		}
		if (rc) {
			*err = e2;
			break;
		}
		have[t] = 1;
	}
	if (!rc)
		rc = load_extra(o->tables_dir, x, &stats->cells_read, err);
	for (lang = 0; lang < 2 && !rc; lang++) {
		struct page pg;

		memset(&pg, 0, sizeof(pg));
		buf_init(&pg.b, 1u << 26);
		pg.en = lang;
		pg.stats = stats;
		render(&pg, store_db(st), sl, have, L, year, pn, x);
		rc = write_page(o->out_dir, lang ? "index.en.html" : "index.html", &pg, err);
		buf_release(&pg.b);
	}
	stats->charts /= 2;
	stats->tables /= 2;
	for (t = 0; t < 4; t++)
		labels_free(&L[t]);
	free(sl);
	free(x);
	return rc;
}
