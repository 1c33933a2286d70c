/*
 * publish.c: publish stage writers. Written through a temporary file and a
 * rename, so a reader never sees half a table.
 * SPDX-License-Identifier: MIT
 */
#include "publish.h"
#include "csv.h"
#include "mem.h"
#include "outfile.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

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

/*
 * Stage DIR/NAME+ext in o (a private temporary beside it, with mode): the
 * caller puts the table's files in place together (outfile_place_all).
 */
static FILE *open_out(struct outfile *o, const char *dir, const char *name, const char *ext, mode_t mode,
		      struct err *err)
{
	char file[OUTFILE_PATH_MAX];

	if ((size_t)snprintf(file, sizeof(file), "%s%s", name, ext) >= sizeof(file)) {
		ERR_SET(err, ERR_USAGE, "the table name is too long");
		return NULL;
	}
	return outfile_open(o, dir, file, mode, err) ? NULL : o->f;
}

static void put_codes(FILE *f, const struct table *t, const struct tab_result *res, size_t c)
{
	size_t d;

	for (d = 0; d < t->n_dims; d++) {
		csv_put(f, t->dims[d].codes[tab_cell_code(t, res, c, d)].code);
		fputc(',', f);
	}
}

/* The value a cell is published with, and whether it is published at all. */
static int published(const struct tab_result *res, const struct protection *prot, size_t m, size_t c,
		     uint32_t *v)
{
	if (prot && prot->status[c])
		return 0;
	*v = prot && prot->value[m] ? prot->value[m][c] : res->values[m][c];
	return 1;
}

/*
 * What the public sees of a cell's confidentiality: F (free) or C
 * (confidential), one code for every suppressed cell. Telling a primary
 * cell (1 to k-1 persons) from a complement would hand a reader a bound the
 * audit does not give them: a C then says "at least 1, at most k-1", a D
 * "0 or at least k", and with the table's relations that recovers most
 * primary cells exactly. Only confidential/NAME.audit.csv tells them apart.
 */
static const char *conf_public(const struct protection *prot, size_t c)
{
	return !prot || !prot->status[c] ? "F" : "C";
}

static const char *conf_internal(const struct protection *prot, size_t c)
{
	return !prot->status[c] ? "F" : prot->status[c] == CELL_PRIMARY ? "C" : "D";
}

int publish_tidy_csv(const struct table *t, const struct tab_result *res, const struct protection *prot,
		     const char *dir, struct outfile *o, struct err *err)
{
	char how[256];
	FILE *f = open_out(o, dir, t->name, prot ? ".csv" : ".exact.csv", prot ? OUTFILE_PUBLIC : OUTFILE_PRIVATE, err);
	size_t c, d, m;

	if (!f)
		return ERR_IO;
	if (prot)
		protect_describe(prot, how, sizeof(how));
	for (d = 0; d < t->n_dims; d++) {
		csv_put(f, t->dims[d].id);
		fputc(',', f);
	}
	fputs(prot ? "MEASURE,value,status,confidentiality,protection\r\n" : "MEASURE,value,status\r\n", f);
	for (c = 0; c < res->n_cells; c++) {
		if (!res->possible[c])
			continue;
		for (m = 0; m < t->n_measures; m++) {
			uint32_t v;
			int shown = published(res, prot, m, c, &v);

			put_codes(f, t, res, c);
			csv_put(f, t->measures[m].id);
			fputc(',', f);
			if (shown)
				put_u32(f, v);
			fputs(!shown ? ",Q" : res->provisional && res->provisional[c] ? ",P" : ",A", f);
			if (prot) {
				fputc(',', f);
				fputs(conf_public(prot, c), f);
				fputc(',', f);
				csv_put(f, how);
			}
			fputs("\r\n", f);
		}
	}
	return outfile_finish(o, err);
}


/* ==== SDMX (2.1 structures with SDMX-CSV 1.0) ==== */

/* The time dimension of a table, or -1. */
static int time_dim(const struct table *t)
{
	size_t d;

	for (d = 0; d < t->n_dims; d++)
		if (t->dims[d].kind == DIM_MONTH)
			return (int)d;
	return -1;
}

/* SDMX's frequency of a period code: A (2023), Q (2023-Q1), M (2023-01). */
static const char *freq_of(const char *period)
{
	size_t n = strlen(period);

	return n == 4 ? "A" : n == 7 && period[5] == 'Q' ? "Q" : "M";
}

/* A code as SDMX writes it: sex "other" is _O in SDMX's CL_SEX. */
static const char *sdmx_code(const struct table_dim *dim, const char *code)
{
	return !strcmp(dim->id, "SEX") && !strcmp(code, "X") ? "_O" : code;
}

/* The order the SDMX dimensions go in: FREQ (when there is time), the others, MEASURE, time last. */
static size_t sdmx_order(const struct table *t, int *order)
{
	int td = time_dim(t);
	size_t d, n = 0;

	for (d = 0; d < t->n_dims; d++)
		if ((int)d != td)
			order[n++] = (int)d;
	order[n++] = -1;  /* MEASURE */
	if (td >= 0)
		order[n++] = td;
	return n;
}

int publish_sdmx_csv(const struct table *t, const struct tab_result *res, const struct protection *prot,
		     const char *dir, struct outfile *o, struct err *err)
{
	char sid[256], how[256];
	FILE *f = open_out(o, dir, t->name, ".sdmx.csv", OUTFILE_PUBLIC, err);
	int order[TABLE_MAX_DIMS + 2], td = time_dim(t);
	size_t c, k, m, n_order = sdmx_order(t, order);

	if (!f)
		return ERR_IO;
	protect_describe(prot, how, sizeof(how));
	/* SDMX-CSV 1.0, which goes with SDMX 2.1 structures: the dataflow, then the dimensions in the DSD's order */
	snprintf(sid, sizeof(sid), "%s:DF_%s(1.0)", PUBLISH_AGENCY, t->name);
	fputs("DATAFLOW,", f);
	if (td >= 0)
		fputs("FREQ,", f);
	for (k = 0; k < n_order; k++) {
		csv_put(f, order[k] < 0 ? "MEASURE" : t->dims[order[k]].id);
		fputc(',', f);
	}
	fputs("OBS_VALUE,OBS_STATUS,CONF_STATUS,UNIT_MEASURE,COMMENT_DSET\r\n", f);
	for (c = 0; c < res->n_cells; c++) {
		if (!res->possible[c])
			continue;
		for (m = 0; m < t->n_measures; m++) {
			uint32_t v;
			int shown = published(res, prot, m, c, &v);

			csv_put(f, sid);
			fputc(',', f);
			if (td >= 0) {
				fputs(freq_of(t->dims[td].codes[tab_cell_code(t, res, c, (size_t)td)].code), f);
				fputc(',', f);
			}
			for (k = 0; k < n_order; k++) {
				if (order[k] < 0) {
					csv_put(f, t->measures[m].id);
				} else {
					const struct table_dim *dim = &t->dims[order[k]];

					csv_put(f, sdmx_code(dim, dim->codes[tab_cell_code(t, res, c, (size_t)order[k])].code));
				}
				fputc(',', f);
			}
			if (shown)
				put_u32(f, v);
			fputs(!shown ? ",Q," : res->provisional && res->provisional[c] ? ",P," : ",A,", f);
			fputs(conf_public(prot, c), f);
			fputc(',', f);
			csv_put(f, t->measures[m].unit);
			fputc(',', f);
			csv_put(f, how);
			fputs("\r\n", f);
		}
	}
	return outfile_finish(o, err);
}

/* A bound without the locale: whole numbers as digits, no bound as "inf". */
static void put_bound(FILE *f, double x)
{
	if (x == HUGE_VAL) {
		fputs("inf", f);
		return;
	}
	if (!(x == x)) {
		fputs("nan", f);
		return;
	}
	x = floor(x * 1000 + 0.5) / 1000;
	if (x < 0 && x > -0.0005)
		x = 0;
	if (x >= 0 && x < 4294967295.0 && x == floor(x)) {
		put_u32(f, (uint32_t)x);
		return;
	}
	{
		/* three decimals, by hand: no printf, so no locale */
		double w = floor(fabs(x));
		uint32_t frac = (uint32_t)floor((fabs(x) - w) * 1000 + 0.5);

		if (x < 0)
			fputc('-', f);
		put_u32(f, (uint32_t)w);
		fputc('.', f);
		fputc((char)('0' + frac / 100), f);
		fputc((char)('0' + frac / 10 % 10), f);
		fputc((char)('0' + frac % 10), f);
	}
}

void publish_audit_print(const struct table *t, const struct tab_result *res, const struct protection *prot,
			 FILE *f)
{
	const struct audit_result *a = &prot->audit;
	size_t c, d;
	int k;

	for (d = 0; d < t->n_dims; d++) {
		csv_put(f, t->dims[d].id);
		fputc(',', f);
	}
	fputs("MEASURE,confidentiality,lower,upper,interval,required_width,verdict\r\n", f);
	for (c = 0; c < res->n_cells; c++) {
		if (!prot->status[c] || !res->possible[c])
			continue;
		for (k = 0; k < a->n_measures; k++) {
			int m = a->measures[k];
			double w = a->hi[m][c] - a->lo[m][c];

			put_codes(f, t, res, c);
			csv_put(f, t->measures[m].id);
			fputc(',', f);
			fputs(conf_internal(prot, c), f);
			fputc(',', f);
			put_bound(f, a->lo[m][c]);
			fputc(',', f);
			put_bound(f, a->hi[m][c]);
			/* exact: the LP held the whole group; otherwise the reader's interval holds this one */
			fputs(a->whole[c] ? ",exact," : ",at least,", f);
			if (prot->status[c] == CELL_PRIMARY) {
				put_u32(f, (uint32_t)prot->o.interval);
				/* too narrow: unsafe when the interval is exact, otherwise only not proved */
				fputs(protect_wide_enough(w, prot->o.interval) ? ",safe\r\n" : a->whole[c] ? ",UNSAFE\r\n" : ",unproved\r\n", f);
			} else {
				fputs(",complement\r\n", f);
			}
		}
	}
}

int publish_audit(const struct table *t, const struct tab_result *res, const struct protection *prot,
		  const char *dir, struct outfile *o, struct err *err)
{
	FILE *f = open_out(o, dir, t->name, ".audit.csv", OUTFILE_PRIVATE, err);

	if (!f)
		return ERR_IO;
	publish_audit_print(t, res, prot, f);
	return outfile_finish(o, err);
}

int publish_structure(const struct table *t, const char *dir, struct outfile *o, struct err *err)
{
	FILE *f = open_out(o, dir, t->name, ".structure.csv", OUTFILE_PUBLIC, err);
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
			csv_put(f, t->dims[d].id);
			fputc(',', f);
			csv_put(f, c->code);
			fputc(',', f);
			put_u32(f, (uint32_t)c->level);
			fputc(',', f);
			csv_put(f, parents);
			fputc(',', f);
			csv_put(f, c->label_es);
			fputc(',', f);
			csv_put(f, c->label_en);
			fputs("\r\n", f);
		}
	for (m = 0; m < t->n_measures; m++) {
		fputs("MEASURE,", f);
		csv_put(f, t->measures[m].id);
		fputs(",0,,", f);
		csv_put(f, t->measures[m].kind == MEASURE_PERSONS ? "Personas distintas"
		       : t->measures[m].kind == MEASURE_MIGRANTS ? "Migraciones de largo plazo" : "Registros");
		fputc(',', f);
		csv_put(f, t->measures[m].kind == MEASURE_PERSONS ? "Distinct persons"
		       : t->measures[m].kind == MEASURE_MIGRANTS ? "Long-term migrations" : "Records");
		fputs("\r\n", f);
	}
	return outfile_finish(o, err);
}

/* ==== SDMX-ML 2.1 structure ==== */

static void xml_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

static void xml_names(FILE *f, const char *indent, const char *es, const char *en)
{
	fprintf(f, "%s<com:Name xml:lang=\"es\">", indent);
	xml_text(f, es);
	fprintf(f, "</com:Name>\n%s<com:Name xml:lang=\"en\">", indent);
	xml_text(f, en);
	fputs("</com:Name>\n", f);
}

static void xml_ref(FILE *f, const char *indent, const char *tag, const char *id, const char *cls,
		    const char *pkg)
{
	fprintf(f, "%s<%s><Ref id=\"%s\" agencyID=\"%s\" version=\"1.0\" class=\"%s\" package=\"%s\"/></%s>\n",
		indent, tag, id, PUBLISH_AGENCY, cls, pkg, tag);
}

static void xml_concept_ref(FILE *f, const char *indent, const char *id)
{
	fprintf(f, "%s<str:ConceptIdentity><Ref id=\"%s\" maintainableParentID=\"CS_PASOS\" "
		"maintainableParentVersion=\"1.0\" agencyID=\"%s\" class=\"Concept\" package=\"conceptscheme\"/>"
		"</str:ConceptIdentity>\n", indent, id, PUBLISH_AGENCY);
}

/* Names of the concepts pasos' tables use: the cross-domain ones where SDMX has them. */
static const char *const concept_names[][3] = {
	{ "FREQ", "Frecuencia", "Frequency" },
	{ "TIME_PERIOD", "Periodo", "Time period" },
	{ "DIRECTION", "Dirección del cruce", "Direction of the crossing" },
	{ "BORDER_POST", "Paso fronterizo", "Border post" },
	{ "TRANSPORT", "Medio de transporte", "Mode of transport" },
	{ "NATIONALITY", "Nacionalidad", "Citizenship" },
	{ "SEX", "Sexo", "Sex" },
	{ "AGE", "Edad", "Age" },
	{ "MIGRATORY_STATUS", "Situación migratoria", "Migratory status" },
	{ "STATUS", "Estado de la solicitud", "Status of the application" },
	{ "MEASURE", "Medida", "Measure" },
	{ "OBS_VALUE", "Valor de la observación", "Observation value" },
	{ "OBS_STATUS", "Estado de la observación", "Observation status" },
	{ "CONF_STATUS", "Estado de confidencialidad", "Confidentiality status" },
	{ "UNIT_MEASURE", "Unidad de medida", "Unit of measure" },
	{ "COMMENT_DSET", "Comentario del conjunto de datos", "Dataset comment" },
};

static void concept_name(const char *id, const char **es, const char **en)
{
	size_t k;

	*es = *en = id;
	for (k = 0; k < sizeof(concept_names) / sizeof(concept_names[0]); k++)
		if (!strcmp(concept_names[k][0], id)) {
			*es = concept_names[k][1];
			*en = concept_names[k][2];
		}
}

/* A code list of fixed codes (SDMX's cross-domain ones pasos uses), with its urn. */
static void fixed_codelist(FILE *f, const char *id, const char *es, const char *en, const char *const (*codes)[3],
			   size_t n)
{
	size_t k;

	fprintf(f, "      <str:Codelist id=\"%s\" urn=\"urn:sdmx:org.sdmx.infomodel.codelist.Codelist=%s:%s(1.0)\""
		" agencyID=\"%s\" version=\"1.0\" isFinal=\"true\">\n", id, PUBLISH_AGENCY, id, PUBLISH_AGENCY);
	xml_names(f, "        ", es, en);
	for (k = 0; k < n; k++) {
		fprintf(f, "        <str:Code id=\"%s\" urn=\"urn:sdmx:org.sdmx.infomodel.codelist.Code=%s:%s(1.0).%s\">\n",
			codes[k][0], PUBLISH_AGENCY, id, codes[k][0]);
		xml_names(f, "          ", codes[k][1], codes[k][2]);
		fputs("        </str:Code>\n", f);
	}
	fputs("      </str:Codelist>\n", f);
}

static void coded(FILE *f, const char *cl)
{
	fputs("              <str:LocalRepresentation>\n", f);
	xml_ref(f, "                ", "str:Enumeration", cl, "Codelist", "codelist");
	fputs("              </str:LocalRepresentation>\n", f);
}

/* A code of a hierarchy: a reference to the code in the dimension's code list. */
static void hcode_open(FILE *f, const char *indent, const char *cl, const char *id)
{
	fprintf(f, "%s<str:HierarchicalCode id=\"", indent);
	xml_text(f, id);
	fprintf(f, "\">\n%s  <str:Code><Ref id=\"", indent);
	xml_text(f, id);
	fprintf(f, "\" maintainableParentID=\"%s\" agencyID=\"%s\" maintainableParentVersion=\"1.0\" class=\"Code\""
		" package=\"codelist\"/></str:Code>\n", cl, PUBLISH_AGENCY);
}

/*
 * A code has one parent in an SDMX code list; its other groupings (a
 * country into national or foreign beside its region) are hierarchies of a
 * hierarchical code list: the total, each group, and the codes in it.
 */
static void hierarchies(FILE *f, const struct table *t)
{
	size_t d, k, q;
	int g, any = 0;
	char cl[128];

	for (d = 0; d < t->n_dims; d++)
		for (k = 0; k < t->dims[d].n_codes; k++)
			any |= t->dims[d].codes[k].n_parents > 1;
	if (!any)
		return;
	fprintf(f, "    <str:HierarchicalCodelists>\n      <str:HierarchicalCodelist id=\"HCL_%s\""
		" urn=\"urn:sdmx:org.sdmx.infomodel.codelist.HierarchicalCodelist=%s:HCL_%s(1.0)\" agencyID=\"%s\""
		" version=\"1.0\" isFinal=\"true\">\n", t->name, PUBLISH_AGENCY, t->name, PUBLISH_AGENCY);
	xml_names(f, "        ", "Otras agrupaciones de los códigos", "Other groupings of the codes");
	for (d = 0; d < t->n_dims; d++) {
		const struct table_dim *dim = &t->dims[d];

		snprintf(cl, sizeof(cl), "CL_%s_%s", t->name, dim->id);
		for (g = 1; g < TABLE_MAX_PARENTS; g++) {
			int used = 0;

			for (k = 0; k < dim->n_codes; k++)
				used |= dim->codes[k].n_parents > g;
			if (!used)
				continue;
			fprintf(f, "        <str:Hierarchy id=\"%s_%d\">\n", dim->id, g + 1);
			xml_names(f, "          ", dim->id, dim->id);
			if (dim->total >= 0)
				hcode_open(f, "          ", cl, dim->codes[dim->total].code);
			/* each group of this grouping, with its codes */
			for (q = 0; q < dim->n_codes; q++) {
				int is_group = 0;

				for (k = 0; k < dim->n_codes && !is_group; k++)
					is_group = dim->codes[k].n_parents > g && dim->codes[k].parents[g] == (int)q;
				if (!is_group)
					continue;
				hcode_open(f, "            ", cl, sdmx_code(dim, dim->codes[q].code));
				for (k = 0; k < dim->n_codes; k++)
					if (dim->codes[k].n_parents > g && dim->codes[k].parents[g] == (int)q) {
						hcode_open(f, "              ", cl, sdmx_code(dim, dim->codes[k].code));
						fputs("              </str:HierarchicalCode>\n", f);
					}
				fputs("            </str:HierarchicalCode>\n", f);
			}
			if (dim->total >= 0)
				fputs("          </str:HierarchicalCode>\n", f);
			fputs("        </str:Hierarchy>\n", f);
		}
	}
	fputs("      </str:HierarchicalCodelist>\n    </str:HierarchicalCodelists>\n", f);
}

int publish_sdmx_structure(const struct table *t, const char *dir, struct outfile *o, struct err *err)
{
	static const char *attrs[] = { "OBS_STATUS", "CONF_STATUS", "UNIT_MEASURE", "COMMENT_DSET" };
	/* SDMX's cross-domain code lists, the codes pasos uses of them */
	static const char *const freq[][3] = { { "A", "Anual", "Annual" }, { "Q", "Trimestral", "Quarterly" },
					       { "M", "Mensual", "Monthly" } };
	static const char *const obs[][3] = { { "A", "Valor normal", "Normal value" },
					      { "P", "Valor provisional", "Provisional value" },
					      { "Q", "Valor faltante: suprimido", "Missing value; suppressed" } };
	static const char *const conf[][3] = { { "F", "Libre", "Free" }, { "C", "Confidencial", "Confidential statistical information" } };
	char cl[128];
	FILE *f = open_out(o, dir, t->name, ".structure.xml", OUTFILE_PUBLIC, err);
	int order[TABLE_MAX_DIMS + 2], td = time_dim(t), pos = 1, lv, top;
	size_t d, k, m, n_order = sdmx_order(t, order);
	const char *es, *en;

	if (!f)
		return ERR_IO;
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	      "<mes:Structure xmlns:mes=\"http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message\""
	      " xmlns:str=\"http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure\""
	      " xmlns:com=\"http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common\">\n", f);
	fprintf(f, "  <mes:Header>\n    <mes:ID>PASOS_%s</mes:ID>\n    <mes:Test>false</mes:Test>\n"
		"    <mes:Prepared>2000-01-01T00:00:00</mes:Prepared>\n    <mes:Sender id=\"%s\"/>\n  </mes:Header>\n",
		t->name, PUBLISH_AGENCY);
	/* SDMX 2.1 orders the structures: dataflows, code lists, concepts, data structures */
	fputs("  <mes:Structures>\n    <str:Dataflows>\n", f);
	fprintf(f, "      <str:Dataflow id=\"DF_%s\" urn=\"urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow=%s:DF_%s(1.0)\""
		" agencyID=\"%s\" version=\"1.0\" isFinal=\"true\">\n", t->name, PUBLISH_AGENCY, t->name, PUBLISH_AGENCY);
	xml_names(f, "        ", t->title_es, t->title_en);
	snprintf(cl, sizeof(cl), "DSD_%s", t->name);
	xml_ref(f, "        ", "str:Structure", cl, "DataStructure", "datastructure");
	fputs("      </str:Dataflow>\n    </str:Dataflows>\n    <str:Codelists>\n", f);
	if (td >= 0)
		fixed_codelist(f, "CL_FREQ", "Frecuencia", "Frequency", freq, 3);
	fixed_codelist(f, "CL_OBS_STATUS", "Estado de la observación", "Observation status", obs, 3);
	fixed_codelist(f, "CL_CONF_STATUS", "Estado de confidencialidad", "Confidentiality status", conf, 2);
	{
		/* the units of the table's measures, named as SDMX's CL_UNIT_MEASURE names them */
		static const char *const known[][3] = { { "NUMBER", "Número", "Number" }, { "PS", "Personas", "Persons" } };
		const char *const (*units)[3] = NULL;
		const char *u[TABLE_MAX_MEASURES][3];
		size_t n = 0, q;

		for (m = 0; m < t->n_measures; m++) {
			if (!t->measures[m].unit || !t->measures[m].unit[0])
				continue;
			for (q = 0; q < n && strcmp(u[q][0], t->measures[m].unit); q++)
				;
			if (q < n)
				continue;
			u[n][0] = u[n][1] = u[n][2] = t->measures[m].unit;
			for (q = 0; q < sizeof(known) / sizeof(known[0]); q++)
				if (!strcmp(known[q][0], t->measures[m].unit)) {
					u[n][1] = known[q][1];
					u[n][2] = known[q][2];
				}
			n++;
		}
		units = (const char *const (*)[3])u;
		fixed_codelist(f, "CL_UNIT_MEASURE", "Unidad de medida", "Unit of measure", units, n);
	}
	for (d = 0; d < t->n_dims + 1; d++) {
		const struct table_dim *dim = d < t->n_dims ? &t->dims[d] : NULL;

		if (dim && (int)d == td)
			continue;  /* the time dimension is not coded */
		snprintf(cl, sizeof(cl), "CL_%s_%s", t->name, dim ? dim->id : "MEASURE");
		fprintf(f, "      <str:Codelist id=\"%s\" urn=\"urn:sdmx:org.sdmx.infomodel.codelist.Codelist=%s:%s(1.0)\""
			" agencyID=\"%s\" version=\"1.0\" isFinal=\"true\">\n", cl, PUBLISH_AGENCY, cl, PUBLISH_AGENCY);
		concept_name(dim ? dim->id : "MEASURE", &es, &en);
		xml_names(f, "        ", es, en);
		if (!dim) {
			for (m = 0; m < t->n_measures; m++) {
				fprintf(f, "        <str:Code id=\"%s\" urn=\"urn:sdmx:org.sdmx.infomodel.codelist.Code=%s:%s(1.0).%s\">\n",
					t->measures[m].id, PUBLISH_AGENCY, cl, t->measures[m].id);
				xml_names(f, "          ", t->measures[m].kind == MEASURE_PERSONS ? "Personas distintas"
					  : t->measures[m].kind == MEASURE_MIGRANTS ? "Migraciones de largo plazo" : "Registros",
					  t->measures[m].kind == MEASURE_PERSONS ? "Distinct persons"
					  : t->measures[m].kind == MEASURE_MIGRANTS ? "Long-term migrations" : "Records");
				fputs("        </str:Code>\n", f);
			}
		}
		/* parents before the codes that name them: the highest levels first */
		for (top = 0, k = 0; dim && k < dim->n_codes; k++)
			if (dim->codes[k].level > top)
				top = dim->codes[k].level;
		for (lv = top; dim && lv >= 0; lv--)
			for (k = 0; k < dim->n_codes; k++) {
				const struct table_code *c = &dim->codes[k];
				const char *id = sdmx_code(dim, c->code);

				if (c->level != lv)
					continue;
				fputs("        <str:Code id=\"", f);
				xml_text(f, id);
				fprintf(f, "\" urn=\"urn:sdmx:org.sdmx.infomodel.codelist.Code=%s:%s(1.0).", PUBLISH_AGENCY, cl);
				xml_text(f, id);
				fputs("\">\n", f);
				xml_names(f, "          ", c->label_es, c->label_en);
				/* SDMX codes have one parent in a code list: the first grouping */
				if (c->n_parents) {
					fputs("          <str:Parent><Ref id=\"", f);
					xml_text(f, sdmx_code(dim, dim->codes[c->parents[0]].code));
					fputs("\"/></str:Parent>\n", f);
				}
				fputs("        </str:Code>\n", f);
			}
		fputs("      </str:Codelist>\n", f);
	}
	fputs("    </str:Codelists>\n", f);
	hierarchies(f, t);
	fputs("    <str:Concepts>\n", f);
	fprintf(f, "      <str:ConceptScheme id=\"CS_PASOS\" urn=\"urn:sdmx:org.sdmx.infomodel.conceptscheme.ConceptScheme=%s:CS_PASOS(1.0)\""
		" agencyID=\"%s\" version=\"1.0\" isFinal=\"true\">\n", PUBLISH_AGENCY, PUBLISH_AGENCY);
	xml_names(f, "        ", "Conceptos de pasos", "pasos concepts");
	{
		const char *ids[TABLE_MAX_DIMS + 8];
		size_t n = 0;

		if (td >= 0)
			ids[n++] = "FREQ";
		for (d = 0; d < t->n_dims; d++)
			ids[n++] = t->dims[d].id;
		ids[n++] = "MEASURE";
		ids[n++] = "OBS_VALUE";
		for (k = 0; k < sizeof(attrs) / sizeof(attrs[0]); k++)
			ids[n++] = attrs[k];
		for (k = 0; k < n; k++) {
			fprintf(f, "        <str:Concept id=\"%s\" urn=\"urn:sdmx:org.sdmx.infomodel.conceptscheme.Concept=%s:CS_PASOS(1.0).%s\">\n",
				ids[k], PUBLISH_AGENCY, ids[k]);
			concept_name(ids[k], &es, &en);
			xml_names(f, "          ", es, en);
			fputs("        </str:Concept>\n", f);
		}
	}
	fputs("      </str:ConceptScheme>\n    </str:Concepts>\n    <str:DataStructures>\n", f);
	fprintf(f, "      <str:DataStructure id=\"DSD_%s\" urn=\"urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=%s:DSD_%s(1.0)\""
		" agencyID=\"%s\" version=\"1.0\" isFinal=\"true\">\n", t->name, PUBLISH_AGENCY, t->name, PUBLISH_AGENCY);
	xml_names(f, "        ", t->title_es, t->title_en);
	fputs("        <str:DataStructureComponents>\n          <str:DimensionList id=\"DimensionDescriptor\">\n", f);
	if (td >= 0) {
		fprintf(f, "            <str:Dimension id=\"FREQ\" position=\"%d\">\n", pos++);
		xml_concept_ref(f, "              ", "FREQ");
		coded(f, "CL_FREQ");
		fputs("            </str:Dimension>\n", f);
	}
	for (k = 0; k < n_order; k++) {
		const char *id = order[k] >= 0 ? t->dims[order[k]].id : "MEASURE";
		int is_time = order[k] >= 0 && order[k] == td;

		snprintf(cl, sizeof(cl), "CL_%s_%s", t->name, id);
		fprintf(f, "            <str:%s id=\"%s\" position=\"%d\">\n", is_time ? "TimeDimension" : "Dimension",
			id, pos++);
		xml_concept_ref(f, "              ", id);
		if (is_time)
			fputs("              <str:LocalRepresentation><str:TextFormat textType=\"ObservationalTimePeriod\"/>"
			      "</str:LocalRepresentation>\n", f);
		else
			coded(f, cl);
		fprintf(f, "            </str:%s>\n", is_time ? "TimeDimension" : "Dimension");
	}
	fputs("          </str:DimensionList>\n          <str:AttributeList id=\"AttributeDescriptor\">\n", f);
	for (k = 0; k < sizeof(attrs) / sizeof(attrs[0]); k++) {
		int dataset = !strcmp(attrs[k], "COMMENT_DSET");

		fprintf(f, "            <str:Attribute id=\"%s\" assignmentStatus=\"%s\">\n", attrs[k],
			dataset ? "Conditional" : "Mandatory");
		xml_concept_ref(f, "              ", attrs[k]);
		if (!strcmp(attrs[k], "OBS_STATUS"))
			coded(f, "CL_OBS_STATUS");
		else if (!strcmp(attrs[k], "CONF_STATUS"))
			coded(f, "CL_CONF_STATUS");
		else if (!strcmp(attrs[k], "UNIT_MEASURE"))
			coded(f, "CL_UNIT_MEASURE");
		/* the comment says how the whole table was protected: it belongs to the dataset */
		fputs(dataset ? "              <str:AttributeRelationship><str:None/></str:AttributeRelationship>\n"
			      : "              <str:AttributeRelationship><str:PrimaryMeasure><Ref id=\"OBS_VALUE\"/>"
				"</str:PrimaryMeasure></str:AttributeRelationship>\n", f);
		fputs("            </str:Attribute>\n", f);
	}
	fputs("          </str:AttributeList>\n          <str:MeasureList id=\"MeasureDescriptor\">\n"
	      "            <str:PrimaryMeasure id=\"OBS_VALUE\">\n", f);
	xml_concept_ref(f, "              ", "OBS_VALUE");
	fputs("            </str:PrimaryMeasure>\n          </str:MeasureList>\n"
	      "        </str:DataStructureComponents>\n      </str:DataStructure>\n    </str:DataStructures>\n"
	      "  </mes:Structures>\n</mes:Structure>\n", f);
	return outfile_finish(o, err);
}

int publish_gzip(const struct outfile *src, const char *dir, struct outfile *o, struct err *err)
{
	const char *base = strrchr(src->path, '/');
	unsigned char in[1 << 16], out[1 << 16];
	FILE *f, *g;
	z_stream z;
	int flush, zr = Z_OK;

	base = base ? base + 1 : src->path;
	if (!(f = open_out(o, dir, base, ".gz", OUTFILE_PUBLIC, err)))
		return ERR_IO;
	if (!(g = fopen(src->tmp, "rb"))) {
		outfile_abort(o);
		return ERR_SET(err, ERR_IO, "cannot read back '%s'", src->tmp);
	}
	memset(&z, 0, sizeof(z));
	/* 15 + 16: a gzip header; level 6, zlib's default balance */
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		fclose(g);
		outfile_abort(o);
		return ERR_SET(err, ERR_IO, "zlib cannot start");
	}
	do {
		z.avail_in = (uInt)fread(in, 1, sizeof(in), g);
		z.next_in = in;
		flush = feof(g) || ferror(g) ? Z_FINISH : Z_NO_FLUSH;
		do {
			z.avail_out = sizeof(out);
			z.next_out = out;
			zr = deflate(&z, flush);
			fwrite(out, 1, sizeof(out) - z.avail_out, f);
		} while (z.avail_out == 0);
	} while (flush != Z_FINISH);
	deflateEnd(&z);
	if (ferror(g) || zr != Z_STREAM_END) {
		fclose(g);
		outfile_abort(o);
		return ERR_SET(err, ERR_IO, "cannot compress '%s'", src->path);
	}
	fclose(g);
	return outfile_finish(o, err);
}
