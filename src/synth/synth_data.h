/*
 * synth_data.h: the tables behind synthetic registers: names by language,
 * nationalities with their shares, border posts and destinations.
 * Shares follow shared/reference/bolivia_facts.md where it gives figures.
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_SYNTH_DATA_H
#define PASOS_SYNTH_DATA_H

#include <stddef.h>

struct weighted {
	const char *s;
	unsigned w;    /* relative weight */
};

enum name_lang { LANG_ANDEAN, LANG_HISPANIC, LANG_PORTUGUESE, LANG_ENGLISH, LANG_OTHER, N_LANGS };

struct name_tables {
	const struct weighted *surnames;
	size_t n_surnames;
	const struct weighted *female;
	size_t n_female;
	const struct weighted *male;
	size_t n_male;
	int two_surnames;   /* percent of people with a second surname */
	int compound_given; /* percent with two given names */
};

struct nation {
	const char *iso3;
	enum name_lang lang;
	int neighbour;      /* shares a border with Bolivia (road posts) */
	int id_card_ok;     /* its ID card is a travel document to Bolivia (Mercosur, CAN) */
	const char *posts;  /* road posts from that side, comma separated, with weights "VLZ:50,..." */
};

const struct name_tables *synth_names(enum name_lang lang);

/* Weighted lists of nationalities (iso3) for each kind of foreigner. */
extern const struct weighted synth_tourist_nat[];
extern const size_t synth_n_tourist_nat;
extern const struct weighted synth_settler_nat[];
extern const size_t synth_n_settler_nat;
extern const struct weighted synth_emigrant_dest[];
extern const size_t synth_n_emigrant_dest;
extern const struct weighted synth_trip_dest[];
extern const size_t synth_n_trip_dest;
extern const struct weighted synth_airports[];
extern const size_t synth_n_airports;
extern const struct weighted synth_departments[];
extern const size_t synth_n_departments;

/** Facts about a nationality; a generic overseas entry for unknown codes. */
const struct nation *synth_nation(const char *iso3);

/** Mode of transport of a border post code ("air", "road", ...). */
const char *synth_post_mode(const char *post);

#endif
