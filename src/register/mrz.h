/*
 * mrz.h: the machine-readable zone of travel documents (ICAO Doc 9303):
 * TD1 (ID cards, 3 lines of 30), TD2 (2 x 36), TD3 (passports, 2 x 44),
 * MRV-A (visas, 2 x 44) and MRV-B (2 x 36). Every field, every check digit
 * reported valid or not by name, six-digit dates given their century.
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_MRZ_H
#define PASOS_MRZ_H

#include <stddef.h>

enum mrz_format { MRZ_TD1, MRZ_TD2, MRZ_TD3, MRZ_MRVA, MRZ_MRVB };

enum mrz_check { MRZ_CHECK_ABSENT = 0, MRZ_CHECK_VALID, MRZ_CHECK_INVALID };

#define MRZ_CHECKS 5  /* document number, birth date, expiry date, optional data, composite */

struct mrz {
	enum mrz_format format;
	char document_type[3], issuing_state[4], nationality[4], sex[2];
	char surnames[64], given_names[64];
	char document_number[32];
	char birth_date[11], expiry_date[11];   /* YYYY-MM-DD, "" when not a date */
	char optional1[32], optional2[32];
	enum mrz_check checks[MRZ_CHECKS];
	int valid;                               /* every check present is valid, and the dates are dates */
};

/** Names of the checks, for reports: "document_number", "birth_date", ... */
extern const char *const mrz_check_names[MRZ_CHECKS];

/** "TD1", "TD2", "TD3", "MRV-A", "MRV-B". */
const char *mrz_format_name(enum mrz_format f);

/**
 * Parse the n lines of one MRZ (without line ends). today (YYYY-MM-DD)
 * gives six-digit dates their century: a birth date is not after it, an
 * expiry date at most 50 years after it. Returns 0, or -1 with why[]
 * naming the line (1-based within the document) and what is wrong: a
 * wrong number of lines or length, a character outside A-Z 0-9 <.
 */
int mrz_parse(const char *const *lines, size_t n, const char *today, struct mrz *out, char *why, size_t why_len);

/** The ICAO check digit of s[0..len) (weights 7, 3, 1; A = 10 ... Z = 35; < = 0), as a character. */
char mrz_check_digit(const char *s, size_t len);

#endif
