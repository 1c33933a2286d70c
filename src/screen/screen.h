/*
 * screen.h: screening stage. A traveller checked against the current watch
 * lists while they wait: names compared as linkage compares them (accents,
 * particles, surname order, compound and shortened given names, Spanish
 * phonetics, typos, transliterations) against every name and alias, with
 * the birth date and nationality raising or lowering the score; documents
 * matched exactly on type, country and number. And the rules that need
 * no list: a minor leaving without a travel permit (or with one used for
 * another trip), a foreigner leaving after the permitted stay.
 *
 * Written here rather than taken from a library: no C library matches
 * Spanish and Andean names this way, and the screener must answer in well
 * under 2 ms on a list of a million names inside a registration.
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_SCREEN_H
#define PASOS_SCREEN_H

#include <stddef.h>
#include <stdint.h>
#include "csv.h"
#include "watchlist.h"

#define SCREEN_DEFAULT_THRESHOLD 0.85
#define SCREEN_MAX_HITS 16
#define SCREEN_REASONS 200

enum screen_kind { SCREEN_NAME, SCREEN_DOCUMENT, SCREEN_MINOR, SCREEN_OVERSTAY, SCREEN_BAN, SCREEN_KINDS };

extern const char *const screen_kind_names[SCREEN_KINDS];

/* What a crossing says about its traveller (len 0: missing; not copied). */
struct screen_traveller {
	struct csv_field surname1, surname2, given, birth, nationality;
	struct csv_field doc_type, doc_country, doc_number;
	int entry;              /* 1 an entry to Bolivia, 0 an exit */
};

struct screen_hit {
	enum screen_kind kind;
	const struct wl_entry *entry;  /* the list entry (NULL for minor and overstay) */
	double score;           /* 0..1; 1 for a document or a rule */
	char reasons[SCREEN_REASONS];
};

struct screener;

/** A screener over the entries of set, which it takes and frees. */
struct screener *screener_new(struct wl_set *set);
void screener_free(struct screener *sc);

/** Names and aliases indexed; entries; the lists' generation (watchlist.h). */
size_t screener_names(const struct screener *sc);
size_t screener_entries(const struct screener *sc);
uint64_t screener_generation(const struct screener *sc);

/**
 * Screen t against the lists: at most max hits into hits, one per list
 * entry, best first. A name hit needs a score of at least threshold.
 * Entry bans are hits (kind ban) on entries only; lost and stolen
 * documents match on the document alone. Safe from many threads at once.
 */
size_t screen_lists(const struct screener *sc, const struct screen_traveller *t, double threshold,
		    struct screen_hit *hits, size_t max);

/**
 * A minor (under 18 on day event_day, birth a date.h day) leaving: a hit
 * when the permit (len 0: none) is missing or used_before. 1 with *hit
 * filled, or 0.
 */
int screen_minor(long birth, long event_day, int entry, size_t permit_len, int used_before,
		 struct screen_hit *hit);

/**
 * A foreigner leaving on exit_day whose last entry was on entry_day with a
 * permitted stay of stay days (0: none given): a hit after more days than
 * that. 1 with *hit filled, or 0.
 */
int screen_overstay(long entry_day, int stay, long exit_day, struct screen_hit *hit);

/** A document number as screening compares it: upper case, only A-Z and 0-9, into out (cap). */
size_t screen_doc_norm(const char *p, size_t len, char *out, size_t cap);

#endif
