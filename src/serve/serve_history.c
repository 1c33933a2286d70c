/*
 * serve_history.c: a traveller's history for the officer: the person of a
 * document, the crossings in order with their 12/16-month result, the stay
 * of a foreigner now in Bolivia, and travellers found by name.
 *
 * The history is the answer an officer waits for at the post, and the
 * route that carries the most reads: its JSON is written straight into
 * one buffer (a commuter has hundreds of crossings; an object tree built
 * and then serialised cost more than the reads in the store).
 * SPDX-License-Identifier: MIT
 */
#include "serve_int.h"
#include "date.h"
#include "names.h"
#include "opt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the reader's statements of this file (serve_screen.c and serve_link.c keep 4 to 6 and 8 to 9) */
enum { RQ_DOC_PERSON = 0, RQ_HISTORY_CLASSIFIED = 1, RQ_HISTORY = 2, RQ_BY_NAME = 3, RQ_HAS_CLASSIFIED = 7 };

int64_t reader_doc_person(struct reader *r, const struct csv_field doc[3])
{
	sqlite3_stmt *q = rdb_stmt(r, RQ_DOC_PERSON, "SELECT person_id FROM person_documents WHERE document_type = ?"
				   " AND document_country = ? AND document_number = ? LIMIT 1");
	int64_t p = 0;

	if (q) {
		for (int k = 0; k < 3; k++)
			sqlite3_bind_text(q, k + 1, doc[k].p, (int)doc[k].len, SQLITE_STATIC);
		if (sqlite3_step(q) == SQLITE_ROW)
			p = sqlite3_column_int64(q, 0);
		sqlite3_reset(q);
	}
	return p;
}

static int64_t doc_person(struct reader *r, const char *dt, const char *dc, const char *dn)
{
	const struct csv_field doc[3] = { { dt, strlen(dt) }, { dc, strlen(dc) }, { dn, strlen(dn) } };

	return reader_doc_person(r, doc);
}

static const char *col_text(sqlite3_stmt *q, int k)
{
	return (const char *)sqlite3_column_text(q, k);
}

long history_each(struct server *sv, int64_t *person, const char *const doc[3], crossing_fn fn, void *ctx,
		  struct stay *stay)
{
	struct reader *r = rdb_take(sv);
	sqlite3_stmt *has, *q;
	int classified;
	long n = 0;

	memset(stay, 0, sizeof(*stay));
	/* the document's person and the history in one snapshot (and one start of a read, not two) */
	rdb_tx(r, 1);
	if (doc)
		*person = doc_person(r, doc[0], doc[1], doc[2]);
	if (!*person) {
		rdb_tx(r, 0);
		rdb_give(sv, r);
		return 0;
	}
	has = rdb_stmt(r, RQ_HAS_CLASSIFIED, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND"
		       " name = 'classified_crossings'");
	classified = has && sqlite3_step(has) == SQLITE_ROW;
	if (has)
		sqlite3_reset(has);
	/*
	 * classify may create its table while the service runs: the statement
	 * that reads it is chosen at each read. A result counts for the person
	 * classify saw: once the links change, until classify runs again, the
	 * crossing shows none.
	 */
	q = classified ? rdb_stmt(r, RQ_HISTORY_CLASSIFIED,
				  "SELECT h.movement_id, h.direction, h.event_time, h.border_post, h.nationality,"
				  " h.permitted_stay_days, c.res_after, c.long_term_migration, c.provisional"
				  " FROM person_crossings h LEFT JOIN classified_crossings c ON c.person_id = h.person_id"
				  " AND c.movement_rowid = h.movement_rowid WHERE h.person_id = ?"
				  " ORDER BY h.event_time, h.movement_rowid")
		       : rdb_stmt(r, RQ_HISTORY,
				  "SELECT movement_id, direction, event_time, border_post, nationality, permitted_stay_days,"
				  " NULL, NULL, NULL FROM person_crossings WHERE person_id = ?"
				  " ORDER BY event_time, movement_rowid");
	if (!q) {
		rdb_tx(r, 0);
		rdb_give(sv, r);
		return -1;
	}
	sqlite3_bind_int64(q, 1, *person);
	while (sqlite3_step(q) == SQLITE_ROW) {
		struct crossing x = {
			col_text(q, 0), col_text(q, 1), col_text(q, 2), col_text(q, 3), col_text(q, 4),
			sqlite3_column_type(q, 5) == SQLITE_NULL ? NULL : col_text(q, 5),
			sqlite3_column_type(q, 6) != SQLITE_NULL, sqlite3_column_int(q, 6), sqlite3_column_int(q, 7),
			sqlite3_column_int(q, 8),
		};

		fn(ctx, &x);
		n++;
		/* the stay so far of a foreigner whose last crossing is an entry */
		stay->known = 0;
		if (x.direction && x.event_time && x.nationality && strcmp(x.nationality, "BOL") &&
		    !strcmp(x.direction, "ENTRY")) {
			long day = date_parse(x.event_time, strlen(x.event_time));

			if (day != DATE_INVALID) {
				stay->known = 1;
				stay->days = sv->today - day;
				stay->permitted = x.permitted ? sqlite3_column_int(q, 5) : -1;
			}
		}
	}
	sqlite3_reset(q);
	rdb_tx(r, 0);
	rdb_give(sv, r);
	return n;
}

/* ==== The history as JSON text ==== */

/* s as a JSON string (the store holds checked UTF-8: only quotes, backslashes and controls are escaped) */
static void json_str(struct buf *b, const char *s, struct err *e)
{
	const char *run = s;

	buf_addc(b, '"', e);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		char esc[8];

		if (ch != '"' && ch != '\\' && ch >= 0x20)
			continue;
		buf_add(b, run, (size_t)(s - run), e);
		snprintf(esc, sizeof(esc), ch == '"' ? "\\\"" : ch == '\\' ? "\\\\" : "\\u%04x", ch);
		buf_adds(b, esc, e);
		run = s + 1;
	}
	buf_add(b, run, (size_t)(s - run), e);
	buf_addc(b, '"', e);
}

/* ,"key":value (a string, or null) */
static void json_member(struct buf *b, const char *key, const char *v, int first, struct err *e)
{
	buf_adds(b, first ? "\"" : ",\"", e);
	buf_adds(b, key, e);
	buf_adds(b, "\":", e);
	if (v)
		json_str(b, v, e);
	else
		buf_adds(b, "null", e);
}

struct json_history {
	struct buf *b;
	long n;
	struct err *e;  /* set when the buffer reached its limit */
};

static void crossing_json(void *ctx, const struct crossing *x)
{
	struct json_history *h = ctx;
	struct buf *b = h->b;
	struct err *e = h->e;

	buf_adds(b, h->n++ ? ",{" : "{", e);
	json_member(b, "movement_id", x->movement_id, 1, e);
	json_member(b, "direction", x->direction, 0, e);
	json_member(b, "event_time", x->event_time, 0, e);
	json_member(b, "border_post", x->border_post, 0, e);
	json_member(b, "nationality", x->nationality, 0, e);
	json_member(b, "permitted_stay_days", x->permitted, 0, e);
	if (x->classified)
		buf_addf(b, e, ",\"rule_12_16\":{\"residence_after\":\"%s\",\"long_term_migration\":%s,"
			 "\"provisional\":%s}", x->resident_after ? "resident" : "not resident",
			 x->long_term ? "true" : "false", x->provisional ? "true" : "false");
	buf_addc(b, '}', e);
}

/*
 * The history's JSON into b: {"crossings":[..],"stay":..,"person_id":..},
 * of *person or of the person of doc (then found in the same read);
 * the number of crossings, or -1 when the store could not be read. e is
 * set when b reached its limit.
 */
static long history_json(struct server *sv, int64_t *person, const char *const doc[3], struct buf *b, struct err *e)
{
	struct json_history h = { b, 0, e };
	struct stay stay;
	long n;

	buf_adds(b, "{\"crossings\":[", e);
	n = history_each(sv, person, doc, crossing_json, &h, &stay);
	buf_adds(b, "],\"stay\":", e);
	if (!stay.known)
		buf_adds(b, "null", e);
	else if (stay.permitted >= 0)
		buf_addf(b, e, "{\"days_in_bolivia\":%ld,\"permitted_stay_days\":%d,\"overstay\":%s}", stay.days,
			 stay.permitted, stay.days > stay.permitted ? "true" : "false");
	else
		buf_addf(b, e, "{\"days_in_bolivia\":%ld}", stay.days);
	buf_addf(b, e, ",\"person_id\":%lld}", (long long)*person);
	return n;
}

/* ==== Travellers by name ==== */

/* Whether two normalised words are the same name as linkage sees it: the same phonetic key, or close spelling. */
static int same_word(const char *a, size_t la, const char *b, size_t lb)
{
	char ka[64], kb[64], wa[64], wb[64];

	if (!la || !lb || la >= sizeof(wa) || lb >= sizeof(wb))
		return 0;
	memcpy(wa, a, la), wa[la] = '\0';
	memcpy(wb, b, lb), wb[lb] = '\0';
	names_phonetic(wa, ka, sizeof(ka));
	names_phonetic(wb, kb, sizeof(kb));
	return !strcmp(ka, kb) || names_jaro_winkler(wa, la, wb, lb) >= 0.92;
}

/* Whether any word of the normalised text q names one of the normalised texts r1, r2 (first words when first). */
static int names_meet(const char *q, const char *r1, const char *r2, int first)
{
	const char *w = q;

	while (*w) {
		size_t lw = strcspn(w, " ");
		const char *r[2] = { r1, r2 };
		int k;

		for (k = 0; k < 2; k++) {
			const char *x = r[k];

			while (x && *x) {
				size_t lx = strcspn(x, " ");

				if (same_word(w, lw, x, lx))
					return 1;
				x += lx;
				x += *x == ' ';
				if (first)
					break;
			}
		}
		w += lw;
		w += *w == ' ';
		if (first)
			break;
	}
	return 0;
}

/*
 * Travellers by name and birth date, matched as linkage matches names
 * (normalised, particles dropped, the Spanish phonetic key or close
 * spelling; surnames in either order; the birth date or its day and month
 * swapped): one entry per person.
 */
static json_t *search_by_name(struct server *sv, const char *surname, const char *given, const char *birth)
{
	struct reader *r;
	sqlite3_stmt *q;
	json_t *found = json_array(), *seen = json_object();
	char qs[256], qg[256], swapped[11] = "";

	names_normalize(surname, strlen(surname), qs, sizeof(qs));
	names_normalize(given ? given : "", given ? strlen(given) : 0, qg, sizeof(qg));
	if (strlen(birth) == 10)
		snprintf(swapped, sizeof(swapped), "%.4s-%.2s-%.2s", birth, birth + 8, birth + 5);
	r = rdb_take(sv);
	if ((q = rdb_stmt(r, RQ_BY_NAME, "SELECT person_id, surname_1, nullif(surname_2, ''), given_names, birth_date,"
			  " nullif(nationality, '') FROM person_names WHERE birth_date IN (?, ?)"
			  " ORDER BY person_id, movement_rowid"))) {
		sqlite3_bind_text(q, 1, birth, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, swapped, -1, SQLITE_STATIC);
		while (sqlite3_step(q) == SQLITE_ROW && json_array_size(found) < 50) {
			const char *s1 = (const char *)sqlite3_column_text(q, 1), *s2 = (const char *)sqlite3_column_text(q, 2);
			const char *g = (const char *)sqlite3_column_text(q, 3);
			char n1[256] = "", n2[256] = "", ng[256] = "", key[32];

			snprintf(key, sizeof(key), "%lld", (long long)sqlite3_column_int64(q, 0));
			if (json_object_get(seen, key))
				continue;
			names_normalize(s1 ? s1 : "", s1 ? strlen(s1) : 0, n1, sizeof(n1));
			names_normalize(s2 ? s2 : "", s2 ? strlen(s2) : 0, n2, sizeof(n2));
			names_normalize(g ? g : "", g ? strlen(g) : 0, ng, sizeof(ng));
			if (!names_meet(qs, n1, n2, 0) || (qg[0] && !names_meet(qg, ng, NULL, 1)))
				continue;
			json_object_set_new(seen, key, json_true());
			json_array_append_new(found, json_pack("{s:I,s:s?,s:s?,s:s?,s:s?,s:s?}",
				"person_id", (json_int_t)sqlite3_column_int64(q, 0), "surname_1", s1, "surname_2", s2,
				"given_names", g, "birth_date", (const char *)sqlite3_column_text(q, 4),
				"nationality", (const char *)sqlite3_column_text(q, 5)));
		}
		sqlite3_reset(q);
	}
	rdb_give(sv, r);
	json_decref(seen);
	return found;
}

/* GET /api/v1/persons?document_...= or /api/v1/persons/ID: the history, the read in the trail first. */
enum MHD_Result person_history(struct server *sv, struct MHD_Connection *c, struct request *rq, const struct user *u,
				const char *id)
{
	const char *dt = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "document_type");
	const char *dc = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "document_country");
	const char *dn = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "document_number");
	struct buf b;
	struct err e;
	char object[128];
	int64_t person = 0;
	long long asked;
	long n = 0;

	if (u->role != ROLE_OFFICER && u->role != ROLE_SUPERVISOR)
		return send_error(c, MHD_HTTP_FORBIDDEN, "histories are for officers and supervisors");
	if (!id && MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "surname")) {
		const char *sn = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "surname");
		const char *gn = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "given_names");
		const char *bd = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "birth_date");
		json_t *found;
		size_t k;
		int off = 0;

		if (!bd || strlen(bd) != 10 || date_parse(bd, 10) == DATE_INVALID || !sn[0])
			return send_error(c, MHD_HTTP_BAD_REQUEST, "give surname, birth_date (YYYY-MM-DD) and given_names");
		found = search_by_name(sv, sn, gn, bd);
		off = snprintf(object, sizeof(object), "persons:");
		for (k = 0; k < json_array_size(found) && off < (int)sizeof(object) - 24; k++)
			off += snprintf(object + off, sizeof(object) - (size_t)off, "%s%lld", k ? "," : "",
					(long long)json_integer_value(json_object_get(json_array_get(found, k), "person_id")));
		return send_json_traced(sv, c, rq, u, "search by name", object, MHD_HTTP_OK, MHD_HTTP_OK,
					json_pack("{s:o}", "persons", found));
	}
	if (id) {
		if (opt_int(id, 1, INT64_MAX, &asked))
			return send_error(c, MHD_HTTP_NOT_FOUND, "a person is a positive number");
		person = asked;
	} else if (!dt || !dc || !dn) {
		return send_error(c, MHD_HTTP_BAD_REQUEST, "give document_type, document_country and document_number");
	}
	buf_init(&b, 64 << 20);
	err_init(&e);
	buf_reserve(&b, 16 << 10, &e);  /* a frequent traveller's history without growing it ten times */
	if ((n = history_json(sv, &person, id ? NULL : (const char *const[3]){ dt, dc, dn }, &b, &e)) < 0) {
		buf_release(&b);
		return send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "the store cannot be read");
	}
	/* the read is in the trail before the answer leaves */
	snprintf(object, sizeof(object), "person:%lld", (long long)(n ? person : 0));
	if (!n || e.code) {
		buf_release(&b);
		return send_json_traced(sv, c, rq, u, "read history", object, n ? MHD_HTTP_OK : MHD_HTTP_NOT_FOUND,
					!n ? MHD_HTTP_NOT_FOUND : MHD_HTTP_INTERNAL_SERVER_ERROR,
					json_pack("{s:s}", "error", !n ? "no such traveller" : "the history is too long to send"));
	}
	return send_text_traced(sv, c, rq, u, "read history", object, MHD_HTTP_OK, MHD_HTTP_OK, b.p, b.len);
}
