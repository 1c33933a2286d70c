/*
 * synth.c: synthetic registers with ground truth.
 * A discrete-event simulation: every person has one pending event in a
 * binary heap keyed by time, so rows come out in time order and memory
 * holds one small state per person, never the movements. A person's
 * identity is recomputed from (seed, person) whenever it is needed.
 * The truth (who each record is, where each person lived when) is written
 * from the story the generator decides, never derived from crossings.
 * SPDX-License-Identifier: MIT
 */
#include "synth.h"
#include "csv.h"
#include "date.h"
#include "mem.h"
#include "synth_data.h"
#include "synth_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double expo(uint64_t *s, double mean)
{
	return -mean * log(1.0 - unif(s));
}

/* Log-normal with the given median, clamped to [lo, hi]. */
static double lognorm(uint64_t *s, double median, double sigma, double lo, double hi)
{
	double u1 = unif(s), u2 = unif(s), z, v;

	if (u1 < 1e-12)
		u1 = 1e-12;
	z = sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
	v = median * exp(sigma * z);
	return v < lo ? lo : v > hi ? hi : v;
}

/* Pick from "CODE:weight,CODE:weight"; out gets the code. */
static void pick_spec(uint64_t *s, const char *spec, char out[8])
{
	unsigned total = 0, r;
	const char *p;

	for (p = spec; *p; p++)
		if (*p == ':')
			total += (unsigned)strtoul(p + 1, NULL, 10);
	r = (unsigned)(rnd(s) % (total ? total : 1));
	for (p = spec; *p;) {
		const char *colon = strchr(p, ':');
		unsigned w = (unsigned)strtoul(colon + 1, NULL, 10);
		const char *comma = strchr(colon, ',');

		if (r < w || !comma) {
			snprintf(out, 8, "%.*s", (int)(colon - p), p);
			return;
		}
		r -= w;
		p = comma + 1;
	}
	snprintf(out, 8, "VLZ");
}

/* ==== Persons ==== */


static const char *kind_names[N_KINDS] = {
	"resident_traveller", "frontier_commuter_bolivian", "frontier_commuter_foreign",
	"tourist", "bolivian_abroad_visitor", "emigrant", "returning_emigrant", "settler",
	"irregular_settler"
};

/* Share of movements each kind makes, and its crossings per person-year (calibration). */
static const double kind_share[N_KINDS] = { 25, 15, 15, 29, 5, 4, 2, 5, 0 };
static const double kind_rate[N_KINDS] = { 2.3, 95, 96, 1.3, 1.9, 2.1, 2.4, 1.45, 0 };

struct person {
	uint64_t rng;
	int64_t next;        /* local seconds of the next crossing, or NEVER */
	int32_t move_day;    /* emigration, settlement or return; NO_DAY */
	int32_t return_day;  /* an emigrant's return; NO_DAY */
	int32_t reg_day;     /* regularisation submitted; NO_DAY */
	uint32_t heap_pos;
	uint8_t kind;
	uint8_t abroad;      /* where the person is now */
	uint8_t trip_post;   /* index of the post of the outbound crossing */
	uint8_t trip_doc;    /* document of the current trip: 0 ID card, 1 passport */
	uint8_t trip_dest;   /* index in synth_trip_dest, for Bolivian travellers */
	uint8_t overstay;
};


static const char *posts[] = {
	"LPB", "VVI", "CBB", "VLZ", "DSG", "BMJ", "YCB", "KAS", "PSG", "TQM", "AVR",
	"PSZ", "PQJ", "SMT", "GYA", "CIJ", "PRY"
};
#define N_POSTS (sizeof(posts) / sizeof(posts[0]))

static int post_index(const char *code)
{
	size_t i;

	for (i = 0; i < N_POSTS; i++)
		if (!strcmp(posts[i], code))
			return (int)i;
	return 0;
}

static uint64_t mix(uint64_t a, uint64_t b)
{
	uint64_t s = a * 0x9E3779B97F4A7C15ULL ^ (b + 0x632BE59BD9B4E019ULL);

	return rnd(&s);
}

static int is_bolivian(enum kind k)
{
	return k == K_RESIDENT || k == K_COMMUTER_BO || k == K_DIASPORA || k == K_EMIGRANT ||
	       k == K_RETURNER;
}

static void make_digits(uint64_t *s, char *out, size_t n, char first_min)
{
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = (char)('0' + (i == 0 ? range(s, first_min - '0', 9) : range(s, 0, 9)));
	out[n] = '\0';
}

/* A person's identity, the same every time for (seed, id). */
void synth_identity(uint64_t seed, uint32_t id, enum kind k, long start_day, struct ident *p)
{
	uint64_t s = mix(seed, id);
	const struct name_tables *nt;
	const struct nation *nation;
	int age, lang;

	memset(p, 0, sizeof(*p));
	if (is_bolivian(k)) {
		snprintf(p->nat, 4, "BOL");
	} else if (k == K_TOURIST) {
		snprintf(p->nat, 4, "%s", pick(&s, synth_tourist_nat, synth_n_tourist_nat));
	} else if (k == K_COMMUTER_FOREIGN) {
		static const struct weighted cn[] = { { "PER", 55 }, { "ARG", 35 }, { "BRA", 10 } };

		snprintf(p->nat, 4, "%s", pick(&s, cn, 3));
	} else {
		snprintf(p->nat, 4, "%s", pick(&s, synth_settler_nat, synth_n_settler_nat));
	}
	nation = synth_nation(p->nat);
	if (is_bolivian(k))
		snprintf(p->abroad_country, 4, "%s", pick(&s, synth_emigrant_dest, synth_n_emigrant_dest));
	else
		snprintf(p->abroad_country, 4, "%s", p->nat);
	p->sex = chance(&s, 0.001) ? 'X' : chance(&s, 0.5) ? 'F' : 'M';
	switch (k) {
	case K_COMMUTER_BO:
	case K_COMMUTER_FOREIGN: age = (int)range(&s, 20, 62); break;
	case K_EMIGRANT: age = (int)range(&s, 18, 45); break;
	case K_SETTLER:
	case K_IRREGULAR: age = chance(&s, 0.15) ? (int)range(&s, 2, 17) : (int)range(&s, 18, 55); break;
	default: age = chance(&s, 0.12) ? (int)range(&s, 1, 17) : (int)range(&s, 18, 80); break;
	}
	p->birth_day = start_day - (long)age * 365 - (long)(age / 4) - range(&s, 0, 364);
	lang = nation->lang;
	nt = synth_names((enum name_lang)lang);
	p->s1 = pick(&s, nt->surnames, nt->n_surnames);
	p->s2 = chance(&s, nt->two_surnames / 100.0) ? pick(&s, nt->surnames, nt->n_surnames) : "";
	{
		const struct weighted *g = p->sex == 'F' || (p->sex == 'X' && chance(&s, 0.5))
			? nt->female : nt->male;
		size_t ng = g == nt->female ? nt->n_female : nt->n_male;
		const char *g1 = pick(&s, g, ng), *g2 = g1;

		if (chance(&s, nt->compound_given / 100.0))
			while (g2 == g1)
				g2 = pick(&s, g, ng);
		if (g2 != g1)
			snprintf(p->given, sizeof(p->given), "%s %s", g1, g2);
		else
			snprintf(p->given, sizeof(p->given), "%s", g1);
	}
	/* documents: national ID card where it is a travel document, passports otherwise */
	p->has_id_card = nation->id_card_ok;
	if (!strcmp(p->nat, "BOL"))
		make_digits(&s, p->id_card, (size_t)range(&s, 6, 8), '1');
	else if (!strcmp(p->nat, "CHL")) {
		make_digits(&s, p->id_card, 8, '1');
		p->id_card[8] = '-';
		p->id_card[9] = "0123456789K"[range(&s, 0, 10)];
		p->id_card[10] = '\0';
	} else
		make_digits(&s, p->id_card, !strcmp(p->nat, "BRA") ? 9 : 8, '1');
	p->has_passport = !p->has_id_card || k == K_DIASPORA || k == K_EMIGRANT ||
			  k == K_RETURNER || chance(&s, 0.35);
	p->passport[0] = (char)('A' + range(&s, 0, 25));
	if (!strcmp(p->nat, "USA"))
		make_digits(&s, p->passport, 9, '1');
	else {
		p->passport[1] = (char)('A' + range(&s, 0, 25));
		make_digits(&s, p->passport + 2, 7, '0');
	}
}

/* Where the person lives on day d, by the story: 0 Bolivia, 1 abroad. */
static int home_abroad(const struct person *p, long d)
{
	switch ((enum kind)p->kind) {
	case K_RESIDENT:
	case K_COMMUTER_BO: return 0;
	case K_COMMUTER_FOREIGN:
	case K_TOURIST:
	case K_DIASPORA: return 1;
	case K_EMIGRANT: return d >= p->move_day && d < p->return_day;
	case K_RETURNER:
	case K_SETTLER:
	case K_IRREGULAR: return d < p->move_day;
	case N_KINDS: break;
	}
	return 0;
}

/* ==== The simulation's context ==== */


struct ctx {
	const struct synth_opts *o;
	int64_t start, end;      /* local seconds */
	long start_day, end_day;
	struct person *p;
	uint32_t n;
	uint32_t *heap;
	uint32_t heap_n;
	uint64_t noise_rng;      /* errors and faults, drawn in event order */
	uint64_t n_movements, n_regs;
	struct out mov, reg, truth_rec;
	struct synth_stats *stats;
	uint8_t *move_entry_post; /* per person: post of the stored entry of a move, or NO_POST */
	uint8_t *move_exit_seen;  /* per person: the exit of a move is stored (valid) */
};

static int64_t reg_time(const struct person *p)
{
	return p->reg_day == NO_DAY ? NEVER : (int64_t)p->reg_day * DAY + 10 * 3600;
}

static int64_t key(const struct ctx *c, uint32_t i)
{
	int64_t a = c->p[i].next, b = reg_time(&c->p[i]);

	return a < b ? a : b;
}

static int before(const struct ctx *c, uint32_t a, uint32_t b)
{
	int64_t ka = key(c, a), kb = key(c, b);

	return ka < kb || (ka == kb && a < b);
}

static void heap_swap(struct ctx *c, uint32_t i, uint32_t j)
{
	uint32_t t = c->heap[i];

	c->heap[i] = c->heap[j];
	c->heap[j] = t;
	c->p[c->heap[i]].heap_pos = i;
	c->p[c->heap[j]].heap_pos = j;
}

static void heap_up(struct ctx *c, uint32_t i)
{
	while (i > 0 && before(c, c->heap[i], c->heap[(i - 1) / 2])) {
		heap_swap(c, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void heap_down(struct ctx *c, uint32_t i)
{
	for (;;) {
		uint32_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < c->heap_n && before(c, c->heap[l], c->heap[m]))
			m = l;
		if (r < c->heap_n && before(c, c->heap[r], c->heap[m]))
			m = r;
		if (m == i)
			return;
		heap_swap(c, i, m);
		i = m;
	}
}

static void heap_push(struct ctx *c, uint32_t i)
{
	c->heap[c->heap_n] = i;
	c->p[i].heap_pos = c->heap_n;
	heap_up(c, c->heap_n++);
}

static void heap_pop(struct ctx *c)
{
	heap_swap(c, 0, --c->heap_n);
	heap_down(c, 0);
}

/* ==== Scheduling ==== */

static const double season_bo[12] = { 1.4, 1.3, 0.9, 0.8, 0.8, 0.9, 1.5, 1.0, 0.8, 0.9, 0.9, 1.5 };
static const double season_tourist[12] = { 1.3, 1.2, 0.9, 0.8, 0.8, 0.9, 1.4, 1.3, 1.0, 0.9, 0.9, 1.1 };
static const double season_visit[12] = { 1.2, 0.8, 0.6, 0.6, 0.6, 0.8, 1.2, 0.8, 0.6, 0.6, 0.8, 2.2 };

/* Next time of a seasonal Poisson process of the given mean gap (thinning). */
static int64_t seasonal(uint64_t *s, int64_t t, double mean_days, const double w[12])
{
	double wmax = 0, wsum = 0;
	int i, y, m, d;

	for (i = 0; i < 12; i++) {
		wmax = w[i] > wmax ? w[i] : wmax;
		wsum += w[i];
	}
	for (;;) {
		t += (int64_t)(expo(s, mean_days * (wsum / 12) / wmax) * DAY);
		date_to_civil((long)(t / DAY), &y, &m, &d);
		if (unif(s) * wmax < w[m - 1])
			return t;
	}
}

/* Day d at a plausible hour: airports around the clock, land posts 06:00-21:59. */
static int64_t at_hour(uint64_t *s, long d, int air)
{
	long h = air ? range(s, 0, 23) : range(s, 6, 21);

	return (int64_t)d * DAY + h * 3600 + range(s, 0, 3599);
}

static int is_air(int post)
{
	return post <= 2;
}

/* A post for crossing to or from country (ISO3); road where it is a neighbour. */
static int choose_post(uint64_t *s, const char *country, double p_road)
{
	const struct nation *n = synth_nation(country);
	char code[8];

	if (n->posts[0] && chance(s, n->neighbour ? p_road : 0.15)) {
		pick_spec(s, n->posts, code);
		return post_index(code);
	}
	return post_index(pick(s, synth_airports, synth_n_airports));
}

/* Document for this leg: ID card where it serves (land, Mercosur/CAN), else passport. */
static int choose_doc(uint64_t *s, const struct ident *id, const char *country, int post)
{
	const struct nation *n = synth_nation(country);
	int card_ok = id->has_id_card && n->id_card_ok;

	if (!id->has_passport)
		return 0;
	if (!card_ok)
		return 1;
	return chance(s, is_air(post) ? 0.35 : 0.85) ? 0 : 1;
}

static long next_move(const struct person *p, long d)
{
	if (p->move_day != NO_DAY && p->move_day > d)
		return p->move_day;
	if (p->return_day != NO_DAY && p->return_day > d)
		return p->return_day;
	return NO_DAY;
}

/* Country at the other end of the person's next trip or move. */
static const char *trip_country(const struct person *p, const struct ident *id, int home_is_abroad)
{
	return home_is_abroad ? id->abroad_country : synth_trip_dest[p->trip_dest].s;
}

/* When the person at home next leaves on a trip (from Bolivia) or visit (to Bolivia). */
static int64_t trip_start(struct person *p, int64_t t, int home)
{
	uint64_t *s = &p->rng;

	switch ((enum kind)p->kind) {
	case K_COMMUTER_BO:
	case K_COMMUTER_FOREIGN:
		return ((t / DAY) + range(s, 1, 14)) * DAY + range(s, 6, 11) * 3600 + range(s, 0, 3599);
	case K_TOURIST:
		return seasonal(s, t, 550, season_tourist);
	case K_DIASPORA:
		return seasonal(s, t, 365, season_visit);
	case K_SETTLER:
		return home ? NEVER : seasonal(s, t, 420, season_bo);
	case K_EMIGRANT:
	case K_RETURNER:
		if (home) {
			int64_t v = seasonal(s, t, 365, season_visit);
			int64_t earliest = p->kind == K_EMIGRANT ? ((int64_t)p->move_day + 150) * DAY : 0;

			return v < earliest ? earliest + (int64_t)(unif(s) * 60 * DAY) : v;
		}
		return seasonal(s, t, p->move_day != NO_DAY && t / DAY < p->move_day ? 400 : 300, season_bo);
	default:
		return seasonal(s, t, 300, season_bo);
	}
}

/* How long a trip (or visit) lasts, in seconds. */
static int64_t trip_length(struct person *p, int home)
{
	uint64_t *s = &p->rng;

	switch ((enum kind)p->kind) {
	case K_COMMUTER_BO:
		return chance(s, 0.85) ? range(s, 4, 10) * 3600 : range(s, 1, 3) * DAY;
	case K_COMMUTER_FOREIGN:
		return range(s, 3, 9) * 3600 + range(s, 0, 3599);
	case K_TOURIST:
		if (p->overstay)
			return (int64_t)(range(s, 35, 80) * DAY + range(s, 0, DAY - 1));
		return (int64_t)(lognorm(s, 8, 0.8, 1, 45) * DAY);
	case K_DIASPORA:
		return (int64_t)(lognorm(s, 18, 0.5, 5, 40) * DAY);
	case K_EMIGRANT:
	case K_RETURNER:
		if (home)
			return (int64_t)(lognorm(s, 18, 0.5, 5, 40) * DAY);
		return (int64_t)(lognorm(s, 7, 0.9, 1, 60) * DAY);
	case K_SETTLER:
		return (int64_t)(lognorm(s, 10, 0.6, 2, 25) * DAY);
	default:
		return (int64_t)(lognorm(s, 7, 0.9, 1, 60) * DAY);
	}
}

/*
 * Decide the person's next crossing after time t: its time, post and
 * document. Trips end at least 75 days before a move, so stories stay crisp.
 */
static void schedule(struct ctx *c, struct person *p, const struct ident *id, int64_t t)
{
	uint64_t *s = &p->rng;
	long d = (long)(t / DAY);
	int home = home_abroad(p, d);
	int64_t next;

	if (p->kind == K_IRREGULAR) {
		p->next = NEVER;
		return;
	}
	if (p->abroad == home) {
		long move = next_move(p, d);
		const char *country;

		next = trip_start(p, t, home);
		if (move != NO_DAY && (next == NEVER || next / DAY + 75 >= move)) {
			/* the move itself: leaving Bolivia to live abroad, or coming to live */
			country = id->abroad_country;
			p->trip_post = (uint8_t)choose_post(s, country, 0.5);
			next = at_hour(s, move, is_air(p->trip_post));
		} else {
			if (!home) {
				do
					p->trip_dest = (uint8_t)(rnd(s) % synth_n_trip_dest);
				while (!id->has_passport && !synth_nation(synth_trip_dest[p->trip_dest].s)->id_card_ok);
			}
			country = trip_country(p, id, home);
			if (p->kind == K_COMMUTER_BO)
				p->trip_post = (uint8_t)post_index(id->id_card[0] < '5' ? "DSG" : "VLZ");
			else if (p->kind == K_COMMUTER_FOREIGN)
				p->trip_post = (uint8_t)choose_post(s, id->nat, 1.0);
			else
				p->trip_post = (uint8_t)choose_post(s, country, 0.78);
			if (next != NEVER && p->kind != K_COMMUTER_BO && p->kind != K_COMMUTER_FOREIGN)
				next = at_hour(s, (long)(next / DAY), is_air(p->trip_post));
		}
		p->trip_doc = (uint8_t)choose_doc(s, id, country, p->trip_post);
		if (p->kind == K_TOURIST)
			p->overstay = (uint8_t)chance(s, 0.03);
	} else {
		/* away from home: come back, mostly through the same post */
		int64_t len = trip_length(p, home);
		const char *country = trip_country(p, id, home);

		next = t + (len < 3600 ? 3600 : len);
		if (p->kind != K_COMMUTER_BO && p->kind != K_COMMUTER_FOREIGN && !chance(s, 0.8))
			p->trip_post = (uint8_t)choose_post(s, country, 0.78);
		if (len >= DAY)
			next = at_hour(s, (long)(next / DAY), is_air(p->trip_post));
		if (!chance(s, 0.92))
			p->trip_doc = (uint8_t)choose_doc(s, id, country, p->trip_post);
	}
	if (next != NEVER && next <= t)
		next = t + range(s, 3600, 6 * 3600);  /* never back in time */
	p->next = next < c->end ? next : NEVER;
}

/* ==== Register errors ==== */

/* Accented Latin letters in UTF-8 (C3 xx) and their plain letters. */
static char plain_letter(unsigned char second)
{
	static const char map[64] =
		"AAAAAAACEEEEIIIIDNOOOOOxOUUUUYTsaaaaaaaceeeeiiiidnooooo/ouuuuyty";

	return second >= 0x80 && second <= 0xBF ? map[second - 0x80] : '?';
}

static void drop_accents(char *p)
{
	char *w = p;

	for (; *p; p++) {
		if ((unsigned char)p[0] == 0xC3 && p[1]) {
			*w++ = plain_letter((unsigned char)p[1]);
			p++;
		} else {
			*w++ = *p;
		}
	}
	*w = '\0';
}

/* Upper case for ASCII and the Latin-1 letters (C3 A0-BE -> C3 80-9E). */
static void upper(char *p)
{
	for (; *p; p++) {
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 32);
		else if ((unsigned char)p[0] == 0xC3 && (unsigned char)p[1] >= 0xA0 &&
			 (unsigned char)p[1] <= 0xBE && (unsigned char)p[1] != 0xB7) {
			p[1] = (char)((unsigned char)p[1] - 0x20);
			p++;
		}
	}
}

/* One keying error on an ASCII letter: substitution, deletion, insertion or transposition. */
static void typo(uint64_t *s, char *p, size_t cap)
{
	size_t n = strlen(p), i, tries;

	if (n < 3)
		return;
	for (tries = 0; tries < 10; tries++) {
		i = (size_t)range(s, 1, (long)n - 1);
		if (((p[i] | 32) >= 'a' && (p[i] | 32) <= 'z'))
			break;
	}
	if (tries == 10)
		return;
	switch (range(s, 0, 3)) {
	case 0: {
		char c = (char)('a' + range(s, 0, 25));

		p[i] = (p[i] >= 'A' && p[i] <= 'Z') ? (char)(c - 32) : c;
		break;
	}
	case 1:
		memmove(p + i, p + i + 1, n - i);
		break;
	case 2:
		if (n + 2 < cap) {
			memmove(p + i + 1, p + i, n - i + 1);
		}
		break;
	default:
		if (i + 1 < n && ((p[i + 1] | 32) >= 'a' && (p[i + 1] | 32) <= 'z')) {
			char t = p[i];

			p[i] = p[i + 1];
			p[i + 1] = t;
		}
		break;
	}
}


static void add_fault(struct rec_ident *r, const char *f)
{
	size_t n = strlen(r->faults);

	snprintf(r->faults + n, sizeof(r->faults) - n, "%s%s", n ? ";" : "", f);
}

/* The person's identity as this record writes it, with the usual errors. */
void synth_noisy_ident(uint64_t *s, double k, const struct ident *id, const char *doc, int upper_case,
		       struct rec_ident *r)
{
	int y, m, d;

	memset(r, 0, sizeof(*r));
	snprintf(r->s1, sizeof(r->s1), "%s", id->s1);
	snprintf(r->s2, sizeof(r->s2), "%s", id->s2);
	snprintf(r->given, sizeof(r->given), "%s", id->given);
	snprintf(r->doc, sizeof(r->doc), "%s", doc);
	date_format(id->birth_day, r->birth);
	if (k <= 0)
		return;
	if (r->s2[0] && chance(s, 0.04 * k)) {
		r->s2[0] = '\0';
		add_fault(r, "second_surname_missing");
	} else if (r->s2[0] && chance(s, 0.015 * k)) {
		char t[96];

		memcpy(t, r->s1, sizeof(t));
		memcpy(r->s1, r->s2, sizeof(t));
		memcpy(r->s2, t, sizeof(t));
		add_fault(r, "surnames_swapped");
	}
	if (strchr(r->given, ' ') && chance(s, 0.06 * k)) {
		*strchr(r->given, ' ') = '\0';
		add_fault(r, "given_names_shortened");
	}
	if (chance(s, 0.025 * k)) {
		long f = range(s, 0, 9);

		typo(s, f < 5 ? r->s1 : f < 8 ? r->given : r->s2, sizeof(r->s1));
		add_fault(r, "typo");
	}
	if (chance(s, 0.2 * k)) {
		drop_accents(r->s1);
		drop_accents(r->s2);
		drop_accents(r->given);
		add_fault(r, "accents_dropped");
	}
	date_to_civil(id->birth_day, &y, &m, &d);
	if (d <= 12 && d != m && chance(s, 0.008 * k)) {
		date_format(date_from_civil(y, d, m), r->birth);
		add_fault(r, "birth_day_month_swapped");
	} else if (chance(s, 0.003 * k)) {
		long bd = id->birth_day + (chance(s, 0.5) ? 1 : -1) * (chance(s, 0.5) ? 1 : 10);

		date_format(bd, r->birth);
		add_fault(r, "birth_date_digit");
	}
	if (chance(s, 0.005 * k) && strlen(r->doc) > 3) {
		size_t i = (size_t)range(s, 1, (long)strlen(r->doc) - 1);

		if (r->doc[i] >= '0' && r->doc[i] <= '9') {
			r->doc[i] = (char)('0' + (r->doc[i] - '0' + range(s, 1, 9)) % 10);
			add_fault(r, "document_number_typo");
		}
	}
	if (upper_case) {
		upper(r->s1);
		upper(r->s2);
		upper(r->given);
	}
}

/* ==== Writing rows ==== */


void synth_row_reset(struct row *r)
{
	r->len = 0;
	r->n = 0;
}

void synth_row_add(struct row *r, const char *v)
{
	size_t n = strlen(v), i;
	int quote = strpbrk(v, ",\"\r\n") != NULL;

	if (r->n++)
		r->p[r->len++] = ',';
	if (r->len + 2 * n + 4 >= sizeof(r->p))
		return;
	if (quote)
		r->p[r->len++] = '"';
	for (i = 0; i < n; i++) {
		if (v[i] == '"')
			r->p[r->len++] = '"';
		r->p[r->len++] = v[i];
	}
	if (quote)
		r->p[r->len++] = '"';
}

int synth_out_open(struct out *o, const char *dir, const char *name, const char *header,
		    struct err *err)
{
	snprintf(o->path, sizeof(o->path), "%s/%s", dir, name);
	o->f = fopen(o->path, "wb");
	if (!o->f)
		return ERR_SET(err, ERR_IO, "cannot write '%s': %s", o->path, strerror(errno));
	setvbuf(o->f, NULL, _IOFBF, 1 << 20);
	fputs(header, o->f);
	fputs("\r\n", o->f);
	o->line = 1;
	return 0;
}

void synth_out_row(struct out *o, const struct row *r)
{
	fwrite(r->p, 1, r->len, o->f);
	fputs("\r\n", o->f);
	o->line++;
}

int synth_out_close(struct out *o, struct err *err)
{
	int bad;

	if (!o->f)
		return 0;
	bad = fflush(o->f) != 0 || ferror(o->f);
	bad |= fclose(o->f) != 0;
	o->f = NULL;
	if (bad)
		return ERR_SET(err, ERR_IO, "cannot write '%s': %s", o->path, strerror(errno));
	return 0;
}

static void truth_record(struct ctx *c, const char *reg, const char *id, uint32_t person,
			 uint64_t line, const char *fault)
{
	fprintf(c->truth_rec.f, "%s,%s,P%08u,%llu,%s\r\n", reg, id, person,
		(unsigned long long)line, fault);
	c->truth_rec.line++;
}

static const char *pick_purpose(uint64_t *s, const struct person *p, int entry, int move)
{
	static const struct weighted tour[] = { { "TOURISM", 75 }, { "BUSINESS", 8 },
		{ "FAMILY", 10 }, { "STUDY", 2 }, { "OTHER", 5 } };
	static const struct weighted bo_exit[] = { { "TOURISM", 50 }, { "FAMILY", 25 },
		{ "BUSINESS", 10 }, { "WORK", 10 }, { "STUDY", 5 } };
	static const struct weighted emig[] = { { "WORK", 60 }, { "FAMILY", 25 }, { "STUDY", 15 } };
	static const struct weighted settle[] = { { "RESIDENCE", 40 }, { "WORK", 40 }, { "FAMILY", 20 } };
	static const struct weighted comm[] = { { "WORK", 60 }, { "FAMILY", 20 }, { "OTHER", 20 } };

	switch ((enum kind)p->kind) {
	case K_TOURIST: return entry ? pick(s, tour, 5) : "";
	case K_COMMUTER_FOREIGN: return entry ? pick(s, comm, 3) : "";
	case K_SETTLER: return entry ? (move ? pick(s, settle, 3) : "RESIDENCE") : "";
	case K_EMIGRANT: if (!entry) return move ? pick(s, emig, 3) : pick(s, bo_exit, 5); return "";
	case K_COMMUTER_BO: return entry ? "" : pick(s, comm, 3);
	case K_DIASPORA: return entry ? "FAMILY" : "";
	default: return entry ? "" : pick(s, bo_exit, 5);
	}
}

static const char *movement_header =
	"movement_id,direction,event_time,border_post,transport,document_type,document_number,"
	"document_country,nationality,surname_1,surname_2,given_names,sex,birth_date,"
	"country_of_residence,purpose,permitted_stay_days,minor_authorization";

enum { MV_ID, MV_DIR, MV_TIME, MV_POST, MV_MODE, MV_DOCT, MV_DOCN, MV_DOCC, MV_NAT, MV_S1,
       MV_S2, MV_GIVEN, MV_SEX, MV_BIRTH, MV_RES, MV_PURPOSE, MV_STAY, MV_MINOR, MV_N };

static void build_row(struct row *r, char v[][128], int n)
{
	int i;

	synth_row_reset(r);
	for (i = 0; i < n; i++)
		synth_row_add(r, v[i]);
}

/* Make one field of a movement invalid; returns the fault's name. */
static const char *break_movement(uint64_t *s, char v[][128], int *drop_last)
{
	switch (range(s, 0, 8)) {
	case 0: snprintf(v[MV_POST], 128, "XXX"); return "invalid:border_post";
	case 1: memcpy(v[MV_BIRTH] + 4, "-02-30", 6); return "invalid:birth_date";
	case 2: v[MV_GIVEN][0] = '\0'; return "invalid:given_names_missing";
	case 3:
		snprintf(v[MV_BIRTH], 128, "%04ld-01-01", strtol(v[MV_TIME], NULL, 10) + 1);
		return "invalid:birth_after_event";
	case 4: v[MV_TIME][19] = '\0'; return "invalid:event_time_offset";
	case 5: snprintf(v[MV_NAT], 128, "ZZZ"); return "invalid:nationality";
	case 6:
		if (!strcmp(v[MV_DIR], "EXIT")) {
			snprintf(v[MV_STAY], 128, "30");
			return "invalid:stay_on_exit";
		}
		v[MV_SEX][0] = 'Q';
		return "invalid:sex";
	case 7: *drop_last = 1; return "invalid:columns";
	default: {
		size_t n = strlen(v[MV_S1]);

		if (n + 1 < 128) {
			v[MV_S1][n] = (char)0xFF;
			v[MV_S1][n + 1] = '\0';
		}
		return "invalid:utf8";
	}
	}
}

static void emit_movement(struct ctx *c, struct person *p, const struct ident *id)
{
	uint64_t *s = &c->noise_rng;
	int64_t t = p->next;
	long d = (long)(t / DAY);
	int entry = p->abroad, post = p->trip_post, drop_last = 0, y, m, dd, age;
	int move = (p->move_day == d || p->return_day == d);
	const char *doc = p->trip_doc ? id->passport : id->id_card;
	const char *fault = "";
	char v[MV_N][128], faults[160];
	struct rec_ident ri;
	struct row row;
	long hh;

	memset(v, 0, sizeof(v));
	synth_noisy_ident(&c->noise_rng, c->o->noise, id, doc, !is_air(post), &ri);
	snprintf(v[MV_ID], 128, "M%010llu", (unsigned long long)++c->n_movements);
	snprintf(v[MV_DIR], 128, "%s", entry ? "ENTRY" : "EXIT");
	date_format(d, v[MV_TIME]);
	hh = (long)(t % DAY);
	snprintf(v[MV_TIME] + 10, 118, "T%02ld:%02ld:%02ld%s", hh / 3600, hh / 60 % 60, hh % 60, UTC_OFFSET);
	snprintf(v[MV_POST], 128, "%s", posts[post]);
	snprintf(v[MV_MODE], 128, "%s", synth_post_mode(posts[post]));
	snprintf(v[MV_DOCT], 128, "%s", p->trip_doc ? "PASSPORT" : "ID_CARD");
	snprintf(v[MV_DOCN], 128, "%s", ri.doc);
	snprintf(v[MV_DOCC], 128, "%s", id->nat);
	snprintf(v[MV_NAT], 128, "%s", id->nat);
	snprintf(v[MV_S1], 128, "%s", ri.s1);
	snprintf(v[MV_S2], 128, "%s", ri.s2);
	snprintf(v[MV_GIVEN], 128, "%s", ri.given);
	snprintf(v[MV_SEX], 128, "%c", id->sex);
	snprintf(v[MV_BIRTH], 128, "%s", ri.birth);
	if (!chance(s, 0.1))
		snprintf(v[MV_RES], 128, "%s", home_abroad(p, d - (entry ? 0 : 1)) ? id->abroad_country : "BOL");
	snprintf(v[MV_PURPOSE], 128, "%s", pick_purpose(s, p, entry, move));
	if (entry && strcmp(id->nat, "BOL") != 0 && !(p->kind == K_SETTLER && !move) && p->kind != K_IRREGULAR)
		snprintf(v[MV_STAY], 128, "%d", p->kind == K_COMMUTER_FOREIGN ? 3 :
			 (move || chance(s, 0.3)) ? 90 : 30);
	date_to_civil(d, &y, &m, &dd);
	{
		int by, bm, bd;

		date_to_civil(id->birth_day, &by, &bm, &bd);
		age = y - by - (m < bm || (m == bm && dd < bd));
	}
	if (!entry && age < 18 && chance(s, 0.6))
		snprintf(v[MV_MINOR], 128, "JNA-%s-%04d-%05ld", posts[post], y, range(s, 1, 99999));
	snprintf(faults, sizeof(faults), "%s", ri.faults);
	if (chance(s, c->o->invalid_rate)) {
		fault = break_movement(s, v, &drop_last);
		snprintf(faults, sizeof(faults), "%s", fault);
		c->stats->movements.invalid++;
	}
	build_row(&row, v, drop_last ? MV_N - 1 : MV_N);
	synth_out_row(&c->mov, &row);
	truth_record(c, "movements", v[MV_ID], (uint32_t)(p - c->p), c->mov.line, faults);
	if (fault[0])
		return;
	if (entry && move)
		c->move_entry_post[p - c->p] = (uint8_t)post;
	if (!entry && move)
		c->move_exit_seen[p - c->p] = 1;
	if (chance(s, c->o->dup_rate)) {
		synth_out_row(&c->mov, &row);
		truth_record(c, "movements", v[MV_ID], (uint32_t)(p - c->p), c->mov.line, "duplicate");
		c->stats->movements.duplicates++;
	} else if (chance(s, c->o->conflict_rate)) {
		/* the same id sent again with a corrected document number */
		size_t n = strlen(v[MV_DOCN]);

		v[MV_DOCN][n - 1] = v[MV_DOCN][n - 1] == '9' ? '0' : (char)(v[MV_DOCN][n - 1] + 1);
		build_row(&row, v, MV_N);
		synth_out_row(&c->mov, &row);
		truth_record(c, "movements", v[MV_ID], (uint32_t)(p - c->p), c->mov.line, "conflict");
		c->stats->movements.conflicts++;
	}
}

static const char *regularization_header =
	"application_id,submitted_on,department,surname_1,surname_2,given_names,sex,birth_date,"
	"nationality,document_type,document_number,status,decided_on";

enum { RG_ID, RG_SUB, RG_DEPT, RG_S1, RG_S2, RG_GIVEN, RG_SEX, RG_BIRTH, RG_NAT, RG_DOCT,
       RG_DOCN, RG_STATUS, RG_DEC, RG_N };

static void emit_regularization(struct ctx *c, struct person *p, const struct ident *id)
{
	uint64_t *s = &c->noise_rng;
	long d = p->reg_day, decided = d + range(s, 20, 200);
	int passport = id->has_passport && (!id->has_id_card || chance(s, 0.6));
	const char *fault = "";
	char v[RG_N][128];
	struct rec_ident ri;
	struct row row;
	double r;

	memset(v, 0, sizeof(v));
	synth_noisy_ident(&c->noise_rng, c->o->noise, id, passport ? id->passport : id->id_card, 0, &ri);
	snprintf(v[RG_ID], 128, "DS4576-%07llu", (unsigned long long)++c->n_regs);
	date_format(d, v[RG_SUB]);
	snprintf(v[RG_DEPT], 128, "%s", pick(s, synth_departments, synth_n_departments));
	snprintf(v[RG_S1], 128, "%s", ri.s1);
	snprintf(v[RG_S2], 128, "%s", ri.s2);
	snprintf(v[RG_GIVEN], 128, "%s", ri.given);
	snprintf(v[RG_SEX], 128, "%c", id->sex);
	snprintf(v[RG_BIRTH], 128, "%s", ri.birth);
	snprintf(v[RG_NAT], 128, "%s", id->nat);
	snprintf(v[RG_DOCT], 128, "%s", passport ? "PASSPORT" : "ID_CARD");
	snprintf(v[RG_DOCN], 128, "%s", ri.doc);
	r = unif(s);
	if (decided >= c->end_day || r < 0.05)
		snprintf(v[RG_STATUS], 128, "%s", r < 0.05 && decided < c->end_day ? "WITHDRAWN" : "SUBMITTED");
	else {
		snprintf(v[RG_STATUS], 128, "%s", r < 0.87 ? "APPROVED" : "REJECTED");
		date_format(decided, v[RG_DEC]);
	}
	if (chance(s, c->o->invalid_rate)) {
		switch (range(s, 0, 2)) {
		case 0:
			snprintf(v[RG_STATUS], 128, "APPROVED");
			v[RG_DEC][0] = '\0';
			fault = "invalid:decided_on_missing";
			break;
		case 1:
			snprintf(v[RG_STATUS], 128, "REJECTED");
			date_format(d - 3, v[RG_DEC]);
			fault = "invalid:decided_before_submitted";
			break;
		default:
			snprintf(v[RG_DEPT], 128, "BO-Z");
			fault = "invalid:department";
			break;
		}
		c->stats->regularizations.invalid++;
	}
	build_row(&row, v, RG_N);
	synth_out_row(&c->reg, &row);
	truth_record(c, "regularizations", v[RG_ID], (uint32_t)(p - c->p), c->reg.line,
		     fault[0] ? fault : ri.faults);
	if (!fault[0] && chance(s, c->o->dup_rate)) {
		synth_out_row(&c->reg, &row);
		truth_record(c, "regularizations", v[RG_ID], (uint32_t)(p - c->p), c->reg.line, "duplicate");
		c->stats->regularizations.duplicates++;
	}
}

/* ==== Population and truth ==== */

static void write_spell(FILE *f, uint32_t id, const char *place, long from, long to)
{
	char a[11] = "", b[11] = "";

	if (from != NO_DAY)
		date_format(from, a);
	if (to != NO_DAY)
		date_format(to, b);
	fprintf(f, "P%08u,%s,%s,%s\r\n", id, place, a, b);
}

/* Decide person i's story; write its truth; place it at the start. */
static void make_person(struct ctx *c, uint32_t i, enum kind k, FILE *tp, FILE *tr)
{
	struct person *p = &c->p[i];
	uint64_t *s = &p->rng;
	long sd = c->start_day, ed = c->end_day;
	struct ident id;
	char birth[11];

	memset(p, 0, sizeof(*p));
	p->rng = mix(c->o->seed ^ 0x5EED, i);
	p->kind = (uint8_t)k;
	p->move_day = p->return_day = p->reg_day = NO_DAY;
	synth_identity(c->o->seed, i, k, sd, &id);
	switch (k) {
	case K_EMIGRANT:
		p->move_day = (int32_t)range(s, sd - 200, ed - 20);
		if (p->move_day == sd)
			p->move_day++;
		if (chance(s, 0.25) && p->move_day + 540 < ed - 20)
			p->return_day = (int32_t)range(s, p->move_day + 540, ed - 20);
		break;
	case K_RETURNER:
		p->move_day = (int32_t)range(s, sd + 1, ed - 20);
		break;
	case K_SETTLER:
		p->move_day = (int32_t)range(s, sd - 300, ed - 20);
		if (p->move_day == sd)
			p->move_day++;
		if (chance(s, 0.4)) {
			long r = p->move_day + range(s, 30, 300);

			if (r > sd && r < ed)
				p->reg_day = (int32_t)r;
		}
		break;
	case K_IRREGULAR:
		p->move_day = (int32_t)range(s, sd - 700, ed - 90);
		p->reg_day = (int32_t)((p->move_day + 30 > sd ? p->move_day + 30 : sd) + range(s, 0, 300));
		if (p->reg_day >= ed)
			p->reg_day = (int32_t)range(s, p->move_day + 30 > sd ? p->move_day + 30 : sd + 1, ed - 1);
		break;
	default:
		break;
	}
	p->abroad = (uint8_t)home_abroad(p, sd);
	date_format(id.birth_day, birth);
	fprintf(tp, "P%08u,%s,%s,%c,%s,%s,%s,%s,%s,%s\r\n", i, kind_names[k], id.nat, id.sex, birth,
		id.s1, id.s2, id.given, id.has_id_card ? id.id_card : "",
		id.has_passport ? id.passport : "");
	/* where the person lives, from the story (never from the crossings) */
	switch (k) {
	case K_RESIDENT:
	case K_COMMUTER_BO:
		write_spell(tr, i, "BOL", NO_DAY, NO_DAY);
		break;
	case K_COMMUTER_FOREIGN:
	case K_TOURIST:
	case K_DIASPORA:
		write_spell(tr, i, id.abroad_country, NO_DAY, NO_DAY);
		break;
	case K_EMIGRANT:
		write_spell(tr, i, "BOL", NO_DAY, p->move_day);
		write_spell(tr, i, id.abroad_country, p->move_day, p->return_day);
		if (p->return_day != NO_DAY)
			write_spell(tr, i, "BOL", p->return_day, NO_DAY);
		break;
	case K_RETURNER:
		write_spell(tr, i, id.abroad_country, NO_DAY, p->move_day);
		write_spell(tr, i, "BOL", p->move_day, NO_DAY);
		break;
	case K_SETTLER:
	case K_IRREGULAR:
		write_spell(tr, i, id.abroad_country, NO_DAY, p->move_day);
		write_spell(tr, i, "BOL", p->move_day, NO_DAY);
		break;
	case N_KINDS:
		break;
	}
	schedule(c, p, &id, c->start);
}

/* ==== A watch list, with the truth of who is on it ==== */

/* A name as lists write it: "SURNAMES, Given", "Given SURNAMES", or "Given Surnames" (no cue). */
static void list_name(uint64_t *s, const char *s1, const char *s2, const char *given, char *out, size_t cap)
{
	char a[96], b[96], g[128];
	double f = unif(s);

	snprintf(a, sizeof(a), "%s", s1);
	snprintf(b, sizeof(b), "%s", s2);
	snprintf(g, sizeof(g), "%s", given);
	if (f < 0.4) {
		upper(a);
		upper(b);
		snprintf(out, cap, "%s%s%s, %s", a, b[0] ? " " : "", b, g);
	} else if (f < 0.8) {
		upper(a);
		upper(b);
		snprintf(out, cap, "%s %s%s%s", g, a, b[0] ? " " : "", b);
	} else {
		snprintf(out, cap, "%s %s%s%s", g, a, b[0] ? " " : "", b);
	}
}

/* One transliteration of a name as another alphabet gives it back: x as ks, v as w, j as kh... */
static void transliterate(uint64_t *s, char *p, size_t cap)
{
	static const char *const rules[][2] = {
		{ "x", "ks" }, { "v", "w" }, { "j", "kh" }, { "ll", "y" }, { "qu", "k" }, { "ch", "tch" },
		{ "z", "s" }, { "ñ", "ny" }, { "u", "ou" }, { "i", "y" }, { "c", "k" }, { "y", "i" },
	};
	size_t n = sizeof(rules) / sizeof(rules[0]), k, start = (size_t)range(s, 0, (long)n - 1);
	char tmp[160];

	drop_accents(p);
	for (k = 0; k < n; k++) {
		const char *from = rules[(start + k) % n][0], *to = rules[(start + k) % n][1];
		char *at = strstr(p + 1, from);  /* not the first letter: it stays as it is */

		if (at) {
			size_t l;

			snprintf(tmp, sizeof(tmp), "%.*s%s%s", (int)(at - p), p, to, at + strlen(from));
			l = strlen(tmp) < cap ? strlen(tmp) : cap - 1;
			memcpy(p, tmp, l);
			p[l] = '\0';
			return;
		}
	}
}

/* A made-up name word of two or three syllables ("Takuren"): the world's names beyond the tables. */
static void syllable_word(uint64_t *s, char *out, size_t cap)
{
	static const char *const on[] = { "b", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z",
					  "ch", "sh", "th", "kr", "tr", "dr", "br", "gr", "pl", "st", "" };
	static const char *const nu[] = { "a", "e", "i", "o", "u", "ai", "ei", "ou", "ia", "y" };
	static const char *const co[] = { "", "", "", "n", "r", "s", "l", "m", "k", "t" };
	size_t n = 0, k, parts = (size_t)range(s, 2, 3);

	for (k = 0; k < parts && n + 8 < cap; k++)
		n += (size_t)snprintf(out + n, cap - n, "%s%s%s", on[range(s, 0, 25)], nu[range(s, 0, 9)],
				      co[range(s, 0, 9)]);
	out[0] = (char)(out[0] >= 'a' && out[0] <= 'z' ? out[0] - 32 : out[0]);
}

struct made_up_name {
	char s1[32], s2[32];
};

/* Give id a made-up name (its words kept in mu). */
static void made_up(uint64_t *s, struct ident *id, struct made_up_name *mu)
{
	syllable_word(s, mu->s1, sizeof(mu->s1));
	syllable_word(s, mu->s2, sizeof(mu->s2));
	syllable_word(s, id->given, sizeof(id->given));
	id->s1 = mu->s1;
	id->s2 = chance(s, 0.5) ? mu->s2 : "";
}

static const char *const wl_variants[] = { "exact", "alias", "second_surname_dropped", "accents", "surnames_swapped",
					   "typo", "transliteration" };

/*
 * Entries of the list: about half persons of the population (sought,
 * trafficking suspects, entry bans, minors under an alert), a tenth their
 * lost or stolen documents, the rest persons who never travel. The list
 * writes each name its own way, and the truth says who each entry is.
 */
static void emit_watchlist(const struct ctx *c, FILE *wl, FILE *truth)
{
	uint64_t s = mix(c->o->seed, 0x3A7C4), e;
	/* persons of the population: 65% of a short list, at most a tenth of the population in a long one */
	double p_real = (double)c->n * 0.1 / (double)c->o->watchlist;

	if (p_real > 0.65)
		p_real = 0.65;
	/* persons who never travel: named from the population's tables up to 20,000 of them, then made-up names */
	double p_common = 20000.0 / (double)c->o->watchlist;

	if (p_common > 1.0)
		p_common = 1.0;

	for (e = 1; e <= c->o->watchlist; e++) {
		double r = unif(&s);
		uint32_t who = (uint32_t)range(&s, 0, (long)c->n - 1);
		int real = r < p_real, lost = r >= p_real * (0.55 / 0.65) && r < p_real, y, m, d, age;
		struct ident id;
		struct made_up_name mu[2];
		char s1[96], s2[96], given[128], name[320], aliases[640] = "", birth[11] = "";
		const char *variant = "exact", *kind;
		double v, b;

		if (real) {
			synth_identity(c->o->seed, who, (enum kind)c->p[who].kind, c->start_day, &id);
		} else {
			synth_identity(c->o->seed ^ 0x5EED, (uint32_t)(c->n + e), chance(&s, 0.5) ? K_RESIDENT : K_TOURIST,
				 c->start_day, &id);
			if (!chance(&s, p_common))
				made_up(&s, &id, &mu[0]);  /* most of a long list is the world's names */
		}
		date_to_civil(c->start_day - id.birth_day, &y, &m, &d);
		age = (int)((c->start_day - id.birth_day) / 365);
		if (lost) {
			int pass = id.has_passport && (!id.has_id_card || chance(&s, 0.5));

			fprintf(wl, "L%07llu,,,,,%s,%s,%s,lost_stolen,synthetic\r\n", (unsigned long long)e,
				pass ? "PASSPORT" : "ID_CARD", id.nat, pass ? id.passport : id.id_card);
			fprintf(truth, "L%07llu,P%08u,document,lost_stolen\r\n", (unsigned long long)e, who);
			continue;
		}
		snprintf(s1, sizeof(s1), "%s", id.s1);
		snprintf(s2, sizeof(s2), "%s", id.s2);
		snprintf(given, sizeof(given), "%s", id.given);
		v = unif(&s);
		if (v < 0.25) {
			variant = wl_variants[0];
		} else if (v < 0.35) {
			struct ident other;

			variant = wl_variants[1];
			synth_identity(c->o->seed ^ 0xA11A5, (uint32_t)e, K_TOURIST, c->start_day, &other);
			if (!chance(&s, p_common))
				made_up(&s, &other, &mu[1]);
			list_name(&s, s1, s2, given, aliases, sizeof(aliases));
			snprintf(s1, sizeof(s1), "%s", other.s1);
			snprintf(s2, sizeof(s2), "%s", other.s2);
			snprintf(given, sizeof(given), "%s", other.given);
		} else if (v < 0.50 && s2[0]) {
			variant = wl_variants[2];
			s2[0] = '\0';
		} else if (v < 0.60) {
			variant = wl_variants[3];
			drop_accents(s1);
			drop_accents(s2);
			drop_accents(given);
		} else if (v < 0.70 && s2[0]) {
			char t[96];

			variant = wl_variants[4];
			memcpy(t, s1, sizeof(t));
			memcpy(s1, s2, sizeof(t));
			memcpy(s2, t, sizeof(t));
		} else if (v < 0.85) {
			variant = wl_variants[5];
			typo(&s, chance(&s, 0.5) ? s1 : given, sizeof(s1));
		} else {
			variant = wl_variants[6];
			transliterate(&s, chance(&s, 0.5) ? s1 : given, sizeof(s1));
		}
		list_name(&s, s1, s2, given, name, sizeof(name));
		b = unif(&s);
		date_to_civil(id.birth_day, &y, &m, &d);
		if (b < 0.85)
			date_format(id.birth_day, birth);
		else if (b < 0.97)
			snprintf(birth, sizeof(birth), "%04d", y);
		kind = !real ? (chance(&s, 0.5) ? "sought" : chance(&s, 0.5) ? "trafficking" : "ban")
		     : age < 16 ? "missing_minor" : r < p_real * 0.38 ? "sought" : r < p_real * 0.6 ? "trafficking" : "ban";
		fprintf(wl, "P%07llu,", (unsigned long long)e);
		csv_put_cell(wl, name, strlen(name), 0);
		fputc(',', wl);
		csv_put_cell(wl, aliases, strlen(aliases), 0);
		fprintf(wl, ",%s,%s,,,,%s,synthetic\r\n", birth, chance(&s, 0.9) ? id.nat : "", kind);
		if (real)
			fprintf(truth, "P%07llu,P%08u,%s,%s\r\n", (unsigned long long)e, who, variant, kind);
		else
			fprintf(truth, "P%07llu,,%s,%s\r\n", (unsigned long long)e, variant, kind);
	}
}

void synth_opts_init(struct synth_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->seed = 1;
	o->start_day = date_from_civil(2023, 1, 1);
	o->months = 24;
	o->movements = 500000;
	o->out_dir = ".";
	o->noise = 1.0;
	o->invalid_rate = 0.004;
	o->dup_rate = 0.001;
	o->conflict_rate = 0.0003;
}

int synth_run(const struct synth_opts *o, struct synth_stats *stats, struct err *err)
{
	struct ctx c;
	uint32_t counts[N_KINDS], k, i;
	double years;
	FILE *tp = NULL, *tr = NULL;
	struct out tp_out = { 0 }, tr_out = { 0 };
	int y, m, d, rc;
	uint64_t total_persons = 0, n_events = 0;

	memset(&c, 0, sizeof(c));
	memset(stats, 0, sizeof(*stats));
	if (o->months < 1 || o->months > 600)
		return ERR_SET(err, ERR_USAGE, "--months must be between 1 and 600");
	c.o = o;
	c.stats = stats;
	c.start_day = o->start_day;
	date_to_civil(o->start_day, &y, &m, &d);
	m += o->months;
	y += (m - 1) / 12;
	m = (m - 1) % 12 + 1;
	c.end_day = date_from_civil(y, m, d);
	c.start = (int64_t)c.start_day * DAY;
	c.end = (int64_t)c.end_day * DAY;
	c.noise_rng = mix(o->seed, 0xE44035);
	years = (double)(c.end_day - c.start_day) / 365.25;
	/* persons of each kind so that the movements come out near o->movements */
	for (k = 0; k < N_KINDS; k++) {
		double n = kind_rate[k] > 0
			? (double)o->movements * kind_share[k] / 100.0 / (kind_rate[k] * years) : 0;

		counts[k] = (uint32_t)(n + 0.5);
		if (counts[k] == 0 && o->movements >= 100 && kind_share[k] > 0)
			counts[k] = 1;
	}
	counts[K_IRREGULAR] = (uint32_t)(counts[K_SETTLER] * 0.35 + 0.5);
	for (k = 0; k < N_KINDS; k++)
		total_persons += counts[k];
	if (total_persons == 0 || total_persons > UINT32_MAX / 4)
		return ERR_SET(err, ERR_USAGE, "--movements gives %llu persons: out of range",
			       (unsigned long long)total_persons);
	c.n = (uint32_t)total_persons;
	c.p = xcalloc(c.n, sizeof(*c.p));
	c.heap = xcalloc(c.n, sizeof(*c.heap));
	c.move_entry_post = xmalloc(c.n);
	memset(c.move_entry_post, NO_POST, c.n);
	c.move_exit_seen = xcalloc(c.n, 1);
	if ((rc = synth_out_open(&c.mov, o->out_dir, "movements.csv", movement_header, err)) ||
	    (rc = synth_out_open(&c.reg, o->out_dir, "regularizations.csv", regularization_header, err)) ||
	    (rc = synth_out_open(&c.truth_rec, o->out_dir, "truth_records.csv",
			   "register,record_id,person_id,line,fault", err)) ||
	    (rc = synth_out_open(&tp_out, o->out_dir, "truth_persons.csv",
			   "person_id,kind,nationality,sex,birth_date,surname_1,surname_2,given_names,id_card,passport", err)) ||
	    (rc = synth_out_open(&tr_out, o->out_dir, "truth_residence.csv",
			   "person_id,place,from,to", err)))
		goto out;
	tp = tp_out.f;
	tr = tr_out.f;
	/* kinds interleaved, so that person ids say nothing of the kind */
	{
		uint32_t left[N_KINDS];
		uint64_t s = mix(o->seed, 0xC0FFEE);

		memcpy(left, counts, sizeof(left));
		for (i = 0; i < c.n; i++) {
			uint64_t r = rnd(&s) % (c.n - i), acc = 0;

			for (k = 0; k < N_KINDS; k++) {
				acc += left[k];
				if (r < acc)
					break;
			}
			left[k]--;
			make_person(&c, i, (enum kind)k, tp, tr);
			if (key(&c, i) != NEVER)
				heap_push(&c, i);
		}
	}
	stats->persons = c.n;
	if (o->watchlist) {
		struct out wl, wt;

		memset(&wl, 0, sizeof(wl));
		memset(&wt, 0, sizeof(wt));
		if ((rc = synth_out_open(&wl, o->out_dir, "watchlist.csv", "id,name,aliases,birth_date,nationality,"
				     "document_type,document_country,document_number,list,reason", err)) ||
		    (rc = synth_out_open(&wt, o->out_dir, "truth_watchlist.csv",
				     "entry_id,person_id,variant,list", err))) {
			synth_out_close(&wl, err);
			goto out;
		}
		emit_watchlist(&c, wl.f, wt.f);
		if ((rc = synth_out_close(&wl, err)) || (rc = synth_out_close(&wt, err)))
			goto out;
	}
	while (c.heap_n > 0) {
		uint32_t top = c.heap[0];
		struct person *p = &c.p[top];
		int64_t t = key(&c, top);
		struct ident id;

		if (t >= c.end) {
			heap_pop(&c);
			continue;
		}
		synth_identity(o->seed, top, (enum kind)p->kind, c.start_day, &id);
		if (reg_time(p) <= p->next) {
			emit_regularization(&c, p, &id);
			p->reg_day = NO_DAY;
		} else {
			emit_movement(&c, p, &id);
			p->abroad = (uint8_t)!p->abroad;
			schedule(&c, p, &id, t);
		}
		if (key(&c, top) == NEVER || key(&c, top) >= c.end)
			heap_pop(&c);
		else
			heap_down(&c, 0);
		if (o->progress && (++n_events & 0xFFFF) == 0)
			o->progress(o->progress_ctx, (uint64_t)(t - c.start), (uint64_t)(c.end - c.start));
	}
	stats->movements.rows = c.mov.line - 1;
	stats->regularizations.rows = c.reg.line - 1;
	/* the other registers, from the same lives */
	{
		struct synth_life *life = xcalloc(c.n, sizeof(*life));

		for (i = 0; i < c.n; i++) {
			life[i].kind = c.p[i].kind;
			life[i].move_day = c.p[i].move_day;
			life[i].return_day = c.p[i].return_day;
			life[i].exit_seen = c.move_exit_seen[i];
			life[i].entry_post = c.move_entry_post[i] == NO_POST ? NULL : posts[c.move_entry_post[i]];
		}
		rc = synth_registers(o, c.start_day, c.end_day, life, c.n, &c.truth_rec, stats, err);
		free(life);
		if (rc)
			goto out;
	}
	rc = 0;
out:
	{
		struct err e2;
		int r2;

		err_init(&e2);
		r2 = synth_out_close(&c.mov, &e2);
		r2 = r2 ? r2 : synth_out_close(&c.reg, &e2);
		r2 = r2 ? r2 : synth_out_close(&c.truth_rec, &e2);
		r2 = r2 ? r2 : synth_out_close(&tp_out, &e2);
		r2 = r2 ? r2 : synth_out_close(&tr_out, &e2);
		if (!rc && r2) {
			*err = e2;
			rc = r2;
		}
	}
	free(c.p);
	free(c.heap);
	free(c.move_entry_post);
	free(c.move_exit_seen);
	return rc;
}
