/*
 * synth_registers.c: the other registers of the seed, written from the same
 * lives as the border register, so that they agree with it the way real
 * registers do: a repatriated woman enters on the day and at the post of
 * her repatriation; a placed job seeker leaves within weeks of the
 * placement; a consular registrant lives abroad when registered; the
 * census counts emigrants whose departures the register saw, and others
 * (before the period, or through no post) it did not. Registers with
 * persons get their truth in truth_records.csv; the census in
 * truth_census.csv. Nameless registers (trafficking cases and victims,
 * offers, agencies) are drawn with realistic shares and no truth of person.
 * SPDX-License-Identifier: MIT
 */
#include "date.h"
#include "mem.h"
#include "synth_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const synth_other_names[SO_N] = {
	"employment_agencies", "job_offers_abroad", "job_seekers", "placements",
	"consular_registrations", "repatriations", "trafficking_cases", "trafficking_victims",
	"training_enrolments", "census_emigrants",
};

static const char *const headers[SO_N] = {
	"agency_id,name,licence_number,licensed_on,expires_on,department,status",
	"offer_id,posted_on,agency_id,destination,occupation,vacancies,closes_on",
	"seeker_id,registered_on,surname_1,surname_2,given_names,sex,birth_date,nationality,"
	"document_type,document_number,document_country,department,occupation,education",
	"placement_id,placed_on,offer_id,seeker_id,destination,occupation,starts_on",
	"registration_id,registered_on,consulate_country,consulate_city,surname_1,surname_2,"
	"given_names,sex,birth_date,nationality,document_type,document_number,document_country,"
	"country_of_residence,city_of_residence,occupation,biometrics_captured,civil_event,"
	"civil_event_date",
	"event_id,case_id,event,event_date,consulate_country,person_kind,surname_1,surname_2,"
	"given_names,sex,birth_date,nationality,violence,border_post",
	"event_id,case_id,stage,event_date,department,crime,exploitation,scope",
	"victim_id,case_id,recorded_on,sex,age,nationality,programme,started_on,ended_on,outcome",
	"enrolment_id,started_on,surname_1,surname_2,given_names,sex,birth_date,document_type,"
	"document_number,country_of_residence,specialty,status,ended_on",
	"record_id,household_department,sex,age_at_departure,year_of_departure,destination",
};

#define VLEN 128
#define MAXV 20
#define NO_PERSON UINT32_MAX

struct offer {
	long posted, closes;
	char dest[4];
	const char *occ;
	int vacancies, used, agency;
};

struct gen {
	const struct synth_opts *o;
	long sd, ed;
	uint64_t s;                /* every draw of this pass, in a fixed order */
	struct out f[SO_N];
	struct out census_truth;
	struct out *truth;
	struct synth_stats *st;
	uint64_t seq[SO_N];        /* ids handed out */
	struct offer *offers;
	size_t n_offers, cap_offers;
	int n_agencies;
};

/* A row whose fields are v[0..nv); v[0] is its record id. */
struct rec {
	char v[MAXV][VLEN];
	int nv;
};

static void rec_start(struct rec *r, int nv)
{
	memset(r, 0, sizeof(*r));
	r->nv = nv;
}

static void set(struct rec *r, int i, const char *v)
{
	snprintf(r->v[i], VLEN, "%s", v ? v : "");
}

static void set_day(struct rec *r, int i, long d)
{
	date_format(d, r->v[i]);
}

static void set_int(struct rec *r, int i, long n)
{
	snprintf(r->v[i], VLEN, "%ld", n);
}

/* A person as a record writes them: surnames, given names, sex, birth date from field at. */
static void set_person(struct rec *r, int at, const struct rec_ident *ri, char sex)
{
	set(r, at, ri->s1);
	set(r, at + 1, ri->s2);
	set(r, at + 2, ri->given);
	snprintf(r->v[at + 3], VLEN, "%c", sex);
	set(r, at + 4, ri->birth);
}

/* The first fields of a case's event k: event id, case id, what happened, the day. */
static void case_event(struct rec *r, int nv, const char *case_id, int k, const char *what, long day)
{
	rec_start(r, nv);
	snprintf(r->v[0], VLEN, "%s-%d", case_id, k + 1);
	set(r, 1, case_id);
	set(r, 2, what);
	set_day(r, 3, day);
}

/* A Bolivian's nationality and document as a record writes them, from field at. */
static void set_document(struct rec *r, int at, int passport, const struct rec_ident *ri)
{
	set(r, at, "BOL");
	set(r, at + 1, passport ? "PASSPORT" : "ID_CARD");
	set(r, at + 2, ri->doc);
	set(r, at + 3, "BOL");
}

/* How a record of a register is made invalid: one field, one value, the fault's name. */
struct breakage {
	int field;
	const char *value, *fault;
};

static const struct breakage breakages[SO_N] = {
	[SO_AGENCIES] = { 4, "2023-02-30", "invalid:expires_on" },
	[SO_OFFERS] = { 5, "0", "invalid:vacancies" },
	[SO_SEEKERS] = { 6, "1990-13-01", "invalid:birth_date" },
	[SO_PLACEMENTS] = { 1, "2023-02-30", "invalid:placed_on" },
	[SO_CONSULAR] = { 17, "ADOPTION", "invalid:civil_event" },
	[SO_REPATRIATIONS] = { 9, "Q", "invalid:sex" },
	[SO_CASES] = { 4, "BO-Z", "invalid:department" },
	[SO_VICTIMS] = { 4, "130", "invalid:age" },
	[SO_TRAINING] = { 10, "MINING", "invalid:specialty" },
	[SO_CENSUS] = { 3, "130", "invalid:age_at_departure" },
};

/*
 * Write one record: made invalid now and then (when nothing refers to it),
 * sent twice now and then; with its person's truth when it has one.
 */
static void emit(struct gen *g, enum synth_other r, struct rec *rc, uint32_t person,
		 const char *faults, int breakable)
{
	const struct breakage *b = &breakages[r];
	const char *fault = NULL;
	struct row row;
	int i;

	if (breakable && chance(&g->s, g->o->invalid_rate)) {
		set(rc, b->field, b->value);
		fault = b->fault;
		g->st->other[r].invalid++;
	}
	synth_row_reset(&row);
	for (i = 0; i < rc->nv; i++)
		synth_row_add(&row, rc->v[i]);
	synth_out_row(&g->f[r], &row);
	g->st->other[r].rows++;
	if (person != NO_PERSON) {
		fprintf(g->truth->f, "%s,%s,P%08u,%llu,%s\r\n", synth_other_names[r], rc->v[0], person,
			(unsigned long long)g->f[r].line, fault ? fault : faults);
		g->truth->line++;
	}
	if (!fault && chance(&g->s, g->o->dup_rate)) {
		synth_out_row(&g->f[r], &row);
		g->st->other[r].rows++;
		g->st->other[r].duplicates++;
		if (person != NO_PERSON) {
			fprintf(g->truth->f, "%s,%s,P%08u,%llu,duplicate\r\n", synth_other_names[r],
				rc->v[0], person, (unsigned long long)g->f[r].line);
			g->truth->line++;
		}
	}
}

static int age_on(long birth, long day)
{
	int by, bm, bd, y, m, d;

	date_to_civil(birth, &by, &bm, &bd);
	date_to_civil(day, &y, &m, &d);
	return y - by - (m < bm || (m == bm && d < bd));
}

/* The days of the period the person lives abroad as a Bolivian, [from, to); 0 if none. */
static int abroad_window(const struct gen *g, const struct synth_life *l, long *from, long *to)
{
	long a = g->sd, b = g->ed;

	switch ((enum kind)l->kind) {
	case K_DIASPORA:
		break;
	case K_EMIGRANT:
		a = l->move_day + 30 > a ? l->move_day + 30 : a;
		if (l->return_day != NO_DAY && l->return_day < b)
			b = l->return_day;
		break;
	case K_RETURNER:
		b = l->move_day - 30;
		break;
	default:
		return 0;
	}
	*from = a;
	*to = b;
	return b - a >= 30;
}

static const struct weighted occupations[] = {
	{ "91", 20 }, { "71", 15 }, { "92", 12 }, { "75", 10 }, { "53", 10 }, { "51", 8 },
	{ "83", 8 }, { "52", 7 }, { "72", 5 }, { "22", 3 }, { "61", 2 },
};
#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ==== Consular registrations (RC-BIO) ==== */

static const char *consulate_city(uint64_t *s, const char *country)
{
	static const struct weighted arg[] = { { "Buenos Aires", 55 }, { "Córdoba", 12 },
		{ "Mendoza", 10 }, { "San Salvador de Jujuy", 10 }, { "Salta", 13 } };
	static const struct weighted esp[] = { { "Madrid", 45 }, { "Barcelona", 30 },
		{ "Valencia", 12 }, { "Murcia", 8 }, { "Sevilla", 5 } };
	static const struct weighted chl[] = { { "Santiago", 60 }, { "Iquique", 15 },
		{ "Arica", 15 }, { "Calama", 10 } };
	static const struct weighted bra[] = { { "São Paulo", 70 }, { "Rio de Janeiro", 15 },
		{ "Corumbá", 15 } };
	static const struct weighted usa[] = { { "Washington", 40 }, { "Nueva York", 20 },
		{ "Miami", 15 }, { "Los Ángeles", 15 }, { "Houston", 10 } };
	static const struct weighted ita[] = { { "Roma", 40 }, { "Milán", 45 }, { "Bérgamo", 15 } };

	if (!strcmp(country, "ARG")) return pick(s, arg, N(arg));
	if (!strcmp(country, "ESP")) return pick(s, esp, N(esp));
	if (!strcmp(country, "CHL")) return pick(s, chl, N(chl));
	if (!strcmp(country, "BRA")) return pick(s, bra, N(bra));
	if (!strcmp(country, "USA")) return pick(s, usa, N(usa));
	if (!strcmp(country, "ITA")) return pick(s, ita, N(ita));
	return "Capital";
}

static void consular(struct gen *g, uint32_t i, const struct synth_life *l)
{
	static const double share[N_KINDS] = { [K_DIASPORA] = 0.25, [K_EMIGRANT] = 0.35,
		[K_RETURNER] = 0.20 };
	static const struct weighted civil[] = { { "NONE", 85 }, { "BIRTH", 8 }, { "MARRIAGE", 6 },
		{ "DEATH", 1 } };
	uint64_t *s = &g->s;
	struct ident id;
	struct rec_ident ri;
	struct rec r;
	long from, to, day;
	int passport;
	const char *city, *ev;
	char rid[32];

	if (!abroad_window(g, l, &from, &to) || !chance(s, share[l->kind]))
		return;
	day = range(s, from, to - 1);
	passport = chance(s, 0.7);
	synth_identity(g->o->seed, i, (enum kind)l->kind, g->sd, &id);
	synth_noisy_ident(s, g->o->noise, &id, passport ? id.passport : id.id_card, 0, &ri);
	city = consulate_city(s, id.abroad_country);
	rec_start(&r, 19);
	snprintf(rid, sizeof(rid), "RCBIO-%07llu", (unsigned long long)++g->seq[SO_CONSULAR]);
	set(&r, 0, rid);
	set_day(&r, 1, day);
	set(&r, 2, id.abroad_country);
	set(&r, 3, city);
	set_person(&r, 4, &ri, id.sex);
	set_document(&r, 9, passport, &ri);
	set(&r, 13, id.abroad_country);
	set(&r, 14, chance(s, 0.7) ? city : "");
	set(&r, 15, chance(s, 0.8) ? pick(s, occupations, N(occupations)) : "");
	set(&r, 16, chance(s, 0.8) ? "YES" : "NO");
	ev = pick(s, civil, N(civil));
	set(&r, 17, ev);
	if (strcmp(ev, "NONE") != 0)
		set_day(&r, 18, day - range(s, 0, 300));
	emit(g, SO_CONSULAR, &r, i, ri.faults, 1);
}

/* ==== Repatriations: the woman or child enters where and when the case says ==== */

static void repatriation(struct gen *g, uint32_t i, const struct synth_life *l)
{
	static const struct weighted violence[] = { { "PHYSICAL", 35 }, { "PSYCHOLOGICAL", 20 },
		{ "SEXUAL", 10 }, { "ECONOMIC", 15 }, { "TRAFFICKING", 12 }, { "OTHER", 8 } };
	static const char *const events[] = { "OPENED", "ASSISTED", "REPATRIATED", "CLOSED" };
	uint64_t *s = &g->s;
	struct ident id;
	long back, day[4];
	const char *kind, *vio;
	char case_id[32];
	int e, upper_case;

	if (!l->entry_post)
		return;
	if (l->kind == K_RETURNER)
		back = l->move_day;
	else if (l->kind == K_EMIGRANT && l->return_day != NO_DAY)
		back = l->return_day;
	else
		return;
	synth_identity(g->o->seed, i, (enum kind)l->kind, g->sd, &id);
	if (id.sex != 'F' && age_on(id.birth_day, back) >= 18)
		return;
	if (!chance(s, 0.08))
		return;
	kind = age_on(id.birth_day, back) < 18 ? "CHILD" : "WOMAN";
	vio = pick(s, violence, N(violence));
	day[0] = back - range(s, 15, 120);
	day[1] = day[0] + range(s, 1, back - day[0] - 1);
	day[2] = back;
	day[3] = back + range(s, 7, 90);
	snprintf(case_id, sizeof(case_id), "REP-%06llu", (unsigned long long)++g->seq[SO_REPATRIATIONS]);
	upper_case = chance(s, 0.5);
	for (e = 0; e < 4; e++) {
		struct rec_ident ri;
		struct rec r;

		if (day[e] >= g->ed)
			break;
		if (day[e] < id.birth_day)
			continue;
		synth_noisy_ident(s, g->o->noise, &id, "", upper_case, &ri);
		case_event(&r, 14, case_id, e, events[e], day[e]);
		set(&r, 4, id.abroad_country);
		set(&r, 5, kind);
		set_person(&r, 6, &ri, id.sex);
		set(&r, 11, "BOL");
		set(&r, 12, vio);
		if (e == 2)
			set(&r, 13, l->entry_post);
		/* the opening is what later events refer to: never made invalid */
		emit(g, SO_REPATRIATIONS, &r, i, ri.faults, e == 1 || e == 3);
	}
}

/* ==== Labour intermediation: agencies, offers, seekers, placements ==== */

static const char *const educations[] = { "NONE", "PRIMARY", "SECONDARY", "TECHNICAL", "UNIVERSITY" };

static void seeker(struct gen *g, uint32_t i, const struct synth_life *l, long day, int placed,
		   char *seeker_id, size_t cap)
{
	uint64_t *s = &g->s;
	struct ident id;
	struct rec_ident ri;
	struct rec r;
	int passport;

	synth_identity(g->o->seed, i, (enum kind)l->kind, g->sd, &id);
	passport = id.has_passport && (!id.has_id_card || chance(s, 0.3));
	synth_noisy_ident(s, g->o->noise, &id, passport ? id.passport : id.id_card, 0, &ri);
	if (day < id.birth_day + 16 * 365)
		return;
	snprintf(seeker_id, cap, "SPE-%07llu", (unsigned long long)++g->seq[SO_SEEKERS]);
	rec_start(&r, 14);
	set(&r, 0, seeker_id);
	set_day(&r, 1, day);
	set_person(&r, 2, &ri, id.sex);
	set_document(&r, 7, passport, &ri);
	set(&r, 11, pick(s, synth_departments, synth_n_departments));
	set(&r, 12, chance(s, 0.8) ? pick(s, occupations, N(occupations)) : "");
	set(&r, 13, chance(s, 0.9) ? educations[range(s, 0, 4)] : "");
	/* a placed seeker is referred to by the placement: never made invalid */
	emit(g, SO_SEEKERS, &r, i, ri.faults, !placed);
}

static struct offer *new_offer(struct gen *g, long posted, const char *dest, const char *occ)
{
	uint64_t *s = &g->s;
	struct offer *f;

	if (g->n_offers == g->cap_offers) {
		g->cap_offers = g->cap_offers ? 2 * g->cap_offers : 256;
		g->offers = xrealloc(g->offers, g->cap_offers * sizeof(*g->offers));
	}
	f = &g->offers[g->n_offers++];
	f->posted = posted;
	f->closes = posted + range(s, 30, 90);
	snprintf(f->dest, sizeof(f->dest), "%s", dest);
	f->occ = occ;
	f->vacancies = (int)(chance(s, 0.5) ? range(s, 1, 5) : range(s, 5, 40));
	f->used = 0;
	f->agency = chance(s, 0.7) ? (int)range(s, 1, g->n_agencies) : 0;
	return f;
}

/* An open offer for this destination with a vacancy left, or a new one. */
static size_t offer_for(struct gen *g, long placed, const char *dest)
{
	size_t k, lo = g->n_offers > 400 ? g->n_offers - 400 : 0;

	for (k = g->n_offers; k-- > lo;) {
		struct offer *f = &g->offers[k];

		if (!strcmp(f->dest, dest) && f->used < f->vacancies && f->posted <= placed - 5 &&
		    f->posted >= placed - 60 && f->closes >= placed) {
			f->used++;
			return k;
		}
	}
	new_offer(g, placed - range(&g->s, 5, 40), dest, pick(&g->s, occupations, N(occupations)));
	g->offers[g->n_offers - 1].used = 1;
	return g->n_offers - 1;
}

/* An emigrant placed abroad: registered, placed in an offer, leaves within weeks. */
static void placement(struct gen *g, uint32_t i, const struct synth_life *l)
{
	uint64_t *s = &g->s;
	struct ident id;
	struct rec r;
	long placed;
	size_t k;
	char sid[32] = "", pid[32], oid[32];

	if (l->kind != K_EMIGRANT || !l->exit_seen || l->move_day < g->sd + 60 || l->move_day >= g->ed ||
	    !chance(s, 0.15))
		return;
	synth_identity(g->o->seed, i, (enum kind)l->kind, g->sd, &id);
	placed = l->move_day - range(s, 14, 56);
	seeker(g, i, l, placed - range(s, 20, 180), 1, sid, sizeof(sid));
	if (!sid[0])
		return;
	k = offer_for(g, placed, id.abroad_country);
	snprintf(oid, sizeof(oid), "OFE-%06zu", k + 1);
	snprintf(pid, sizeof(pid), "COL-%06llu", (unsigned long long)++g->seq[SO_PLACEMENTS]);
	rec_start(&r, 7);
	set(&r, 0, pid);
	set_day(&r, 1, placed);
	set(&r, 2, oid);
	set(&r, 3, sid);
	set(&r, 4, g->offers[k].dest);
	set(&r, 5, g->offers[k].occ);
	if (chance(s, 0.8))
		set_day(&r, 6, l->move_day + range(s, 1, 14));
	emit(g, SO_PLACEMENTS, &r, NO_PERSON, "", 1);
}

static void agencies(struct gen *g)
{
	static const char *const words[] = { "Andina", "del Sur", "Horizonte", "Illimani",
		"Pacífico", "Amazonia", "Altiplano", "Chiquitana", "Global", "Integral" };
	uint64_t *s = &g->s;
	int a;

	g->n_agencies = 24;
	for (a = 1; a <= g->n_agencies; a++) {
		struct rec r;
		long lic = g->sd - range(s, 30, 1000), exp = lic + (chance(s, 0.5) ? 730 : 1095);
		char b[64];
		double u = unif(s);

		rec_start(&r, 7);
		snprintf(b, sizeof(b), "AG-%03d", a);
		set(&r, 0, b);
		snprintf(b, sizeof(b), "Agencia %s de Empleo %d S.R.L.", words[a % 10], a);
		set(&r, 1, b);
		snprintf(b, sizeof(b), "RM108-%04d", 100 + a * 7);
		set(&r, 2, b);
		set_day(&r, 3, lic);
		set_day(&r, 4, exp);
		set(&r, 5, pick(s, synth_departments, synth_n_departments));
		set(&r, 6, exp < g->ed ? "EXPIRED" : u < 0.85 ? "ACTIVE" : u < 0.95 ? "SUSPENDED" : "REVOKED");
		emit(g, SO_AGENCIES, &r, NO_PERSON, "", 0);
	}
}

static void write_offers(struct gen *g)
{
	uint64_t *s = &g->s;
	size_t k, filled = g->n_offers;

	/* offers no placement filled, as many again as those filled */
	for (k = 0; k < filled; k++)
		new_offer(g, range(s, g->sd, g->ed - 1), pick(s, synth_emigrant_dest, synth_n_emigrant_dest),
			  pick(s, occupations, N(occupations)));
	for (k = 0; k < g->n_offers; k++) {
		const struct offer *f = &g->offers[k];
		struct rec r;
		char b[32];

		rec_start(&r, 7);
		snprintf(b, sizeof(b), "OFE-%06zu", k + 1);
		set(&r, 0, b);
		set_day(&r, 1, f->posted);
		if (f->agency) {
			snprintf(b, sizeof(b), "AG-%03d", f->agency);
			set(&r, 2, b);
		}
		set(&r, 3, f->dest);
		set(&r, 4, f->occ);
		set_int(&r, 5, f->vacancies);
		if (chance(s, 0.9))
			set_day(&r, 6, f->closes);
		emit(g, SO_OFFERS, &r, NO_PERSON, "", f->used == 0);
	}
}

/* ==== Trafficking and smuggling: cases and their victims (no names) ==== */

static void victims(struct gen *g, const char *case_id, const char *crime, long complaint)
{
	static const struct weighted nat[] = { { "BOL", 88 }, { "PER", 4 }, { "PRY", 3 },
		{ "ARG", 2 }, { "BRA", 1 }, { "COL", 1 }, { "VEN", 1 } };
	static const struct weighted prog[] = { { "SHELTER", 30 }, { "REINSERTION_WORK", 20 },
		{ "REINSERTION_SCHOOL", 20 }, { "PSYCHOLOGICAL", 15 }, { "LEGAL", 10 }, { "OTHER", 5 } };
	static const struct weighted outcome[] = { { "REINSERTED", 50 }, { "RETURNED_HOME", 30 },
		{ "DROPPED", 15 }, { "OTHER", 5 } };
	uint64_t *s = &g->s;
	int n, v;

	n = !strcmp(crime, "TRAFFICKING") ? (int)range(s, 1, 3) :
	    !strcmp(crime, "SMUGGLING") ? (int)range(s, 1, 4) : (int)range(s, 0, 1);
	for (v = 0; v < n; v++) {
		struct rec r;
		long rec_day = complaint + range(s, 0, 20), start, end;
		double u = unif(s);
		char b[32];

		if (rec_day >= g->ed)
			continue;
		rec_start(&r, 10);
		snprintf(b, sizeof(b), "VIC-%06llu", (unsigned long long)++g->seq[SO_VICTIMS]);
		set(&r, 0, b);
		set(&r, 1, case_id);
		set_day(&r, 2, rec_day);
		set(&r, 3, u < 0.72 ? "F" : u < 0.99 ? "M" : "X");
		u = unif(s);
		set_int(&r, 4, u < 0.10 ? range(s, 5, 12) : u < 0.55 ? range(s, 13, 17) :
			       u < 0.90 ? range(s, 18, 29) : range(s, 30, 50));
		set(&r, 5, pick(s, nat, N(nat)));
		if (chance(s, 0.65)) {
			set(&r, 6, pick(s, prog, N(prog)));
			start = rec_day + range(s, 0, 30);
			if (start < g->ed) {
				set_day(&r, 7, start);
				end = start + range(s, 30, 300);
				if (end < g->ed) {
					set_day(&r, 8, end);
					set(&r, 9, pick(s, outcome, N(outcome)));
				} else
					set(&r, 9, "ONGOING");
			}
		}
		emit(g, SO_VICTIMS, &r, NO_PERSON, "", 1);
	}
}

static void trafficking(struct gen *g)
{
	static const struct weighted crime[] = { { "TRAFFICKING", 60 }, { "SMUGGLING", 25 },
		{ "RELATED", 15 } };
	static const struct weighted exploit[] = { { "SEXUAL", 40 }, { "LABOUR", 30 },
		{ "BEGGING", 6 }, { "SERVILE_MARRIAGE", 4 }, { "CRIMINAL_ACTIVITY", 5 },
		{ "SALE", 5 }, { "DEBT_BONDAGE", 5 }, { "ADOPTION", 2 }, { "OTHER", 3 } };
	uint64_t *s = &g->s;
	uint64_t n = g->o->movements / 2500, c;

	if (n < 5)
		n = 5;
	for (c = 0; c < n; c++) {
		const char *cr = pick(s, crime, N(crime)), *ex = !strcmp(cr, "TRAFFICKING") ?
			pick(s, exploit, N(exploit)) : "";
		const char *dept = pick(s, synth_departments, synth_n_departments);
		const char *scope = chance(s, 0.4) ? "INTERNATIONAL" : "INTERNAL";
		const char *stages[6];
		long days[6], t = range(s, g->sd, g->ed - 1);
		int ns = 0, k;
		char case_id[32];

		snprintf(case_id, sizeof(case_id), "DEN-%06llu", (unsigned long long)(c + 1));
		stages[ns] = "COMPLAINT";
		days[ns++] = t;
		if (chance(s, 0.8)) {
			stages[ns] = "INVESTIGATION";
			days[ns++] = t += range(s, 5, 60);
			if (chance(s, 0.45)) {
				stages[ns] = "CHARGED";
				days[ns++] = t += range(s, 30, 200);
				if (chance(s, 0.6)) {
					stages[ns] = "TRIAL";
					days[ns++] = t += range(s, 30, 200);
					stages[ns] = chance(s, 0.8) ? "SENTENCED" : "DISMISSED";
					days[ns++] = t += range(s, 30, 150);
				}
			} else if (chance(s, 0.5)) {
				stages[ns] = "DISMISSED";
				days[ns++] = t += range(s, 30, 200);
			}
		}
		for (k = 0; k < ns && days[k] < g->ed; k++) {
			struct rec r;

			case_event(&r, 8, case_id, k, stages[k], days[k]);
			set(&r, 4, dept);
			set(&r, 5, cr);
			set(&r, 6, ex);
			set(&r, 7, scope);
			/* the complaint is what later stages and victims refer to */
			emit(g, SO_CASES, &r, NO_PERSON, "", k > 0);
		}
		victims(g, case_id, cr, days[0]);
	}
}

/* ==== Distance training for Bolivians abroad (objective 18) ==== */

static void training(struct gen *g, uint32_t i, const struct synth_life *l)
{
	static const struct weighted spec[] = { { "TEXTILE", 30 }, { "CONSTRUCTION", 25 },
		{ "EARLY_CHILDHOOD", 20 }, { "GERONTOLOGY", 10 }, { "AGRICULTURE", 15 } };
	uint64_t *s = &g->s;
	struct ident id;
	struct rec_ident ri;
	struct rec r;
	long from, to, start, end;
	int with_doc, completes;
	char b[32];

	if (!abroad_window(g, l, &from, &to) || to - from < 60 || !chance(s, 0.04))
		return;
	start = range(s, from, to - 31);
	synth_identity(g->o->seed, i, (enum kind)l->kind, g->sd, &id);
	if (age_on(id.birth_day, start) < 16)
		return;
	with_doc = chance(s, 0.6);
	synth_noisy_ident(s, g->o->noise, &id, with_doc ? id.passport : "", 0, &ri);
	rec_start(&r, 13);
	snprintf(b, sizeof(b), "FOR-%06llu", (unsigned long long)++g->seq[SO_TRAINING]);
	set(&r, 0, b);
	set_day(&r, 1, start);
	set_person(&r, 2, &ri, id.sex);
	if (with_doc) {
		set(&r, 7, "PASSPORT");
		set(&r, 8, ri.doc);
	}
	set(&r, 9, id.abroad_country);
	set(&r, 10, pick(s, spec, N(spec)));
	completes = chance(s, 0.7);
	end = start + (completes ? range(s, 60, 180) : range(s, 10, 90));
	set(&r, 11, end >= g->ed ? "ENROLLED" : completes ? "COMPLETED" : "DROPPED");
	if (end < g->ed)
		set_day(&r, 12, end);
	emit(g, SO_TRAINING, &r, i, ri.faults, 1);
}

/* ==== The census module, taken on the last day of the period ==== */

static void census_record(struct gen *g, uint32_t person, char sex, int age, int year, const char *dest,
			  int seen)
{
	uint64_t *s = &g->s;
	struct rec r;
	char b[32];

	rec_start(&r, 6);
	snprintf(b, sizeof(b), "CEN-%07llu", (unsigned long long)++g->seq[SO_CENSUS]);
	set(&r, 0, b);
	set(&r, 1, pick(s, synth_departments, synth_n_departments));
	snprintf(r.v[2], VLEN, "%c", sex);
	set_int(&r, 3, age);
	set_int(&r, 4, year);
	set(&r, 5, dest);
	if (person != NO_PERSON)
		fprintf(g->census_truth.f, "%s,P%08u,%d\r\n", b, person, seen);
	else
		fprintf(g->census_truth.f, "%s,,0\r\n", b);
	g->census_truth.line++;
	emit(g, SO_CENSUS, &r, NO_PERSON, "", 1);
}

static void census_unseen(struct gen *g, int year, uint64_t count)
{
	uint64_t *s = &g->s;
	uint64_t k;

	for (k = 0; k < count; k++)
		census_record(g, NO_PERSON, chance(s, 0.5) ? 'F' : 'M', (int)range(s, 16, 45), year,
			      pick(s, synth_emigrant_dest, synth_n_emigrant_dest), 0);
}

static void census(struct gen *g, const struct synth_life *life, uint32_t n)
{
	uint64_t *s = &g->s;
	uint64_t in_period = 0;
	uint32_t i;
	int y0, y1, m, d, y;
	double years = (double)(g->ed - g->sd) / 365.25;

	date_to_civil(g->sd, &y0, &m, &d);
	date_to_civil(g->ed - 1, &y1, &m, &d);
	for (i = 0; i < n; i++) {
		const struct synth_life *l = &life[i];
		struct ident id;
		int yy;

		if (l->kind != K_EMIGRANT || l->move_day >= g->ed ||
		    (l->return_day != NO_DAY && l->return_day < g->ed))
			continue;
		in_period += l->exit_seen;
		/* the household reports its emigrant, unless it left with them or did not answer */
		if (!chance(s, 0.8))
			continue;
		synth_identity(g->o->seed, i, K_EMIGRANT, g->sd, &id);
		date_to_civil(l->move_day, &yy, &m, &d);
		census_record(g, i, id.sex,
			      age_on(id.birth_day, l->move_day), yy, id.abroad_country, l->exit_seen);
	}
	/* left through no post in the period: a tenth more */
	for (y = y0; y <= y1; y++)
		census_unseen(g, y, (uint64_t)(0.1 * (double)in_period / (double)(y1 - y0 + 1) + 0.5));
	/* left before the period: the register of those years is not in this store */
	for (y = y0 - 15; y < y0; y++)
		census_unseen(g, y, (uint64_t)(0.8 * (double)in_period / years * (0.6 + 0.6 * unif(s))));
}

/* ==== The pass ==== */

int synth_registers(const struct synth_opts *o, long start_day, long end_day,
		    const struct synth_life *life, uint32_t n, struct out *truth,
		    struct synth_stats *st, struct err *err)
{
	struct gen g;
	uint32_t i;
	int k, rc = 0;

	memset(&g, 0, sizeof(g));
	g.o = o;
	g.sd = start_day;
	g.ed = end_day;
	g.s = o->seed * 0x9E3779B97F4A7C15ULL ^ 0x0DE4E6157ULL;
	g.truth = truth;
	g.st = st;
	for (k = 0; k < SO_N && !rc; k++) {
		char name[64];

		snprintf(name, sizeof(name), "%s.csv", synth_other_names[k]);
		rc = synth_out_open(&g.f[k], o->out_dir, name, headers[k], err);
	}
	if (!rc)
		rc = synth_out_open(&g.census_truth, o->out_dir, "truth_census.csv",
				    "record_id,person_id,departure_seen", err);
	if (!rc) {
		agencies(&g);
		for (i = 0; i < n; i++) {
			const struct synth_life *l = &life[i];

			consular(&g, i, l);
			repatriation(&g, i, l);
			training(&g, i, l);
			placement(&g, i, l);
			if (l->kind == K_RESIDENT && chance(&g.s, 0.015)) {
				char sid[32];

				seeker(&g, i, l, range(&g.s, g.sd, g.ed - 1), 0, sid, sizeof(sid));
			}
		}
		write_offers(&g);
		trafficking(&g);
		census(&g, life, n);
	}
	for (k = 0; k < SO_N; k++) {
		struct err e2;

		err_init(&e2);
		if (synth_out_close(&g.f[k], &e2) && !rc) {
			*err = e2;
			rc = ERR_IO;
		}
	}
	{
		struct err e2;

		err_init(&e2);
		if (synth_out_close(&g.census_truth, &e2) && !rc) {
			*err = e2;
			rc = ERR_IO;
		}
	}
	free(g.offers);
	return rc;
}
