/*
 * publish.h: publish stage writers: tidy CSV, SDMX-CSV 2.0 and the
 * structure (code lists with Spanish and English labels). Numbers are
 * written without the locale.
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_PUBLISH_H
#define PASOS_PUBLISH_H

#include "err.h"
#include "table.h"
#include "tabulate.h"

#define PUBLISH_AGENCY "BO_INE"

/** DIR/NAME.csv: one row per possible cell and measure: dimensions, MEASURE, value, status. */
int publish_tidy_csv(const struct table *t, const struct tab_result *res, const char *dir,
		     char *path_out, size_t path_len, struct err *err);
/** DIR/NAME.sdmx.csv: SDMX-CSV 2.0 (STRUCTURE, STRUCTURE_ID, ACTION, dimensions, OBS_VALUE, attributes). */
int publish_sdmx_csv(const struct table *t, const struct tab_result *res, const char *dir,
		     char *path_out, size_t path_len, struct err *err);
/** DIR/NAME.structure.csv: every dimension's codes, levels, parents and labels (es, en). */
int publish_structure(const struct table *t, const char *dir, char *path_out, size_t path_len,
		      struct err *err);

/** DIR/NAME.structure.xml: SDMX-ML 2.1 structure (code lists es/en, concepts, DSD, dataflow). */
int publish_sdmx_structure(const struct table *t, const char *dir, char *path_out, size_t path_len,
			   struct err *err);

#endif
