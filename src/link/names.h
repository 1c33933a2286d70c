/*
 * names.h: names as Bolivian and Latin American registers write them.
 * Normalisation for comparison (utf8proc: decompose, drop accents, fold
 * case), particles (de, del, de la), a Spanish phonetic key, and string
 * similarity (Jaro-Winkler, Levenshtein, Damerau).
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_NAMES_H
#define PASOS_NAMES_H

#include <stddef.h>
#include <stdint.h>

/**
 * Normalise p[0..len) for comparison into out (cap bytes, NUL-terminated):
 * compatibility decomposition, accents dropped, case folded, hyphens,
 * apostrophes and dots as spaces, only [a-z0-9 ] kept, spaces collapsed,
 * particles (de, del, la, los, las, y, da, dos, van, von...) removed.
 * Returns the length written. Invalid UTF-8 bytes are dropped.
 */
size_t names_normalize(const char *p, size_t len, char *out, size_t cap);

/**
 * Spanish phonetic key of a normalised word (up to the first space) into
 * out (cap bytes): B/V, LL/Y, silent H, C/S/Z, G/J before e and i, QU/K,
 * doubled letters collapsed. Returns its length.
 */
size_t names_phonetic(const char *s, char *out, size_t cap);

/** Most keys names_surname_keys gives a surname field (its first words'). */
#define NAMES_SURNAME_KEYS 4

/**
 * The phonetic keys of the words of a surname field p[0..len), each as a
 * 32-bit fingerprint (never 0), into keys (at most NAMES_SURNAME_KEYS).
 * Two surnames written differently meet when they share a fingerprint;
 * two keys that differ share one with odds of one in four billion, which
 * only adds a candidate for the model to score. Returns how many.
 */
size_t names_surname_keys(const char *p, size_t len, uint32_t *keys);

/** Jaro-Winkler similarity in [0,1] (prefix scale 0.1, up to 4 characters). */
double names_jaro_winkler(const char *a, size_t la, const char *b, size_t lb);

/** Levenshtein distance, or max + 1 when it is larger than max. */
int names_levenshtein(const char *a, size_t la, const char *b, size_t lb, int max);

/** Damerau (optimal string alignment) distance, or max + 1 when larger. */
int names_damerau(const char *a, size_t la, const char *b, size_t lb, int max);

#endif
