/*
 * watchlist.h: watch lists in the store. A list (a NAME: "interpol",
 * "digemig-bans") is loaded whole from a CSV of registers/watchlist.reg or
 * not at all; each load is a new version kept with its file's SHA-256 and
 * date, and becomes the current one in the same transaction that retires
 * the old, so a reader sees one version or the other, never a mix.
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_WATCHLIST_H
#define PASOS_WATCHLIST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "err.h"
#include "mem.h"

struct store;
struct sqlite3;
struct wl_block;

/* Kinds of list an entry belongs to (the `list` column). */
enum wl_kind { WL_SOUGHT, WL_MISSING_MINOR, WL_TRAFFICKING, WL_BAN, WL_LOST_STOLEN, WL_KINDS };

extern const char *const wl_kind_names[WL_KINDS];

/* One entry of a current list, as the screener needs it (strings owned by the set). */
struct wl_entry {
	const char *list;       /* the list's NAME */
	const char *id;
	const char *name;       /* "" for a document alone */
	const char *aliases;    /* "a|b|c" or "" */
	const char *nationality, *doc_type, *doc_country, *doc_number;
	int32_t birth;          /* YYYYMMDD, YYYY0000 for a year only, 0 unknown */
	enum wl_kind kind;
};

/* The entries of every current list: what a screener is built from. */
struct wl_set {
	struct wl_entry *e;
	size_t n;
	struct wl_block *text;  /* every string of the entries, in blocks */
	uint64_t generation;    /* the highest version it holds */
};

struct wl_load_result {
	int64_t version;        /* the new version, or the current one when unchanged */
	int unchanged;          /* the file is the current version already: nothing loaded */
	uint64_t rows, names;   /* entries, and names + aliases */
	uint64_t problems;      /* rows refused: when > 0 nothing was loaded */
	struct buf report;      /* "FILE:LINE: field F: rule R: message\n" for the first problems */
	char sha256[65];
};

/**
 * Load the CSV at path as the new version of list name (lower case letters,
 * digits, - and _). Every row is checked (the definition's rules, a birth
 * date YYYY or YYYY-MM-DD that is a real day in the past, a name for every
 * kind but lost_stolen, a document type, country and number for
 * lost_stolen, ids once); one problem and nothing is loaded:
 * ERR_DATA with the count, and res->report lists them. The caller frees
 * res->report. Errors: ERR_IO, ERR_DATA, ERR_SCHEMA, ERR_STORE.
 */
int watchlist_load(struct store *st, const char *name, const char *path, long today,
		   struct wl_load_result *res, struct err *err);

/** Print every version (current ones marked) as CSV to f. */
int watchlist_print_versions(struct store *st, FILE *f, struct err *err);

/**
 * The entries of every current list in db (read in one transaction, so one
 * version of each list). *out is owned by the caller (wl_set_free). A store
 * without lists gives an empty set. Errors: ERR_STORE.
 */
int watchlist_read(struct sqlite3 *db, struct wl_set **out, struct err *err);

/** The highest version in db (0: none), to see a new load cheaply. */
int64_t watchlist_generation(struct sqlite3 *db);

void wl_set_free(struct wl_set *s);

/** Parse a list birth date "YYYY" or "YYYY-MM-DD" into YYYYMMDD / YYYY0000; -1 when neither. */
int32_t watchlist_birth(const char *p, size_t len);

#endif
