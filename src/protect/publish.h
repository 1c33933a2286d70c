/*
 * publish.h: publish stage writers: tidy CSV, SDMX-CSV 2.0 and the
 * structure (code lists with Spanish and English labels). Numbers are
 * written without the locale.
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_PUBLISH_H
#define PASOS_PUBLISH_H

#include <stdio.h>
#include "err.h"
#include "outfile.h"
#include "table.h"
#include "protect.h"
#include "tabulate.h"

#define PUBLISH_AGENCY "BO_INE"

/*
 * Each writer stages its file in *o (outfile.h): written and synced, not
 * yet in place; the caller places a table's files together
 * (outfile_place_all) or aborts them.
 */

/**
 * DIR/NAME.csv: one row per possible cell and measure: dimensions, MEASURE,
 * value (empty when suppressed), status (A, P provisional, Q suppressed),
 * confidentiality (F free, C suppressed: primary and complement alike) and how the table was
 * protected. With prot NULL: the exact table, DIR/NAME.exact.csv, for
 * internal use only (no confidentiality columns).
 */
int publish_tidy_csv(const struct table *t, const struct tab_result *res, const struct protection *prot,
		     const char *dir, struct outfile *o, struct err *err);
/** DIR/NAME.sdmx.csv: SDMX-CSV 2.0 of the protected table: empty OBS_VALUE with CONF_STATUS C and OBS_STATUS Q when suppressed. */
int publish_sdmx_csv(const struct table *t, const struct tab_result *res, const struct protection *prot,
		     const char *dir, struct outfile *o, struct err *err);
/** DIR/NAME.audit.csv: each suppressed cell's feasible interval per audited measure, and the verdict (no true values). */
int publish_audit(const struct table *t, const struct tab_result *res, const struct protection *prot,
		  const char *dir, struct outfile *o, struct err *err);
/** The same rows, written to f (pasos protect --audit). */
void publish_audit_print(const struct table *t, const struct tab_result *res, const struct protection *prot,
			 FILE *f);
/** DIR/NAME.structure.csv: every dimension's codes, levels, parents and labels (es, en). */
int publish_structure(const struct table *t, const char *dir, struct outfile *o, struct err *err);

/** DIR/NAME.structure.xml: SDMX-ML 2.1 structure (code lists es/en, concepts, DSD, dataflow). */
int publish_sdmx_structure(const struct table *t, const char *dir, struct outfile *o, struct err *err);

/**
 * Stage a gzip copy of the finished, not yet placed file src (its
 * temporary) as DIR/NAME.gz in o, to be placed with it: the download of a
 * table whose cells are mostly zeros. Errors: ERR_IO.
 */
int publish_gzip(const struct outfile *src, const char *dir, struct outfile *o, struct err *err);

#endif
