/*
 * screen_pass.c: a register's records screened one after another, in time
 * order, into hits.csv. See screen_pass.h.
 * SPDX-License-Identifier: MIT
 */
#include "screen_pass.h"
#include "csv.h"
#include "date.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>

/* A map of 64-bit keys to 64-bit values (open addressing; key 0 is free). */
struct map {
	uint64_t *k, *v;
	size_t cap, n;
};

static uint64_t *map_slot(struct map *m, uint64_t key, int add)
{
	size_t i;

	key |= 1;  /* never 0 */
	if (add && (m->n + 1) * 2 > m->cap) {
		struct map g = { 0 };
		size_t j;

		g.cap = m->cap ? m->cap * 2 : 1 << 12;
		g.k = xcalloc(g.cap, sizeof(*g.k));
		g.v = xcalloc(g.cap, sizeof(*g.v));
		for (j = 0; j < m->cap; j++)
			if (m->k[j]) {
				for (i = m->k[j] & (g.cap - 1); g.k[i]; i = (i + 1) & (g.cap - 1))
					;
				g.k[i] = m->k[j];
				g.v[i] = m->v[j];
				g.n++;
			}
		free(m->k);
		free(m->v);
		*m = g;
	}
	if (!m->cap)
		return NULL;
	for (i = key & (m->cap - 1); m->k[i]; i = (i + 1) & (m->cap - 1))
		if (m->k[i] == key)
			return &m->v[i];
	if (!add)
		return NULL;
	m->k[i] = key;
	m->n++;
	return &m->v[i];
}

static uint64_t hash_field(const struct csv_field *f, uint64_t h)
{
	size_t i;

	h ^= 0xcbf29ce484222325ULL;
	for (i = 0; i < f->len; i++) {
		h ^= (unsigned char)f->p[i];
		h *= 0x100000001b3ULL;
	}
	h ^= h >> 31;
	h *= 0x94d049bb133111ebULL;
	return h ^ (h >> 29);
}

struct screen_pass {
	const struct screener *sc;
	const struct schema *s;
	FILE *out;
	double threshold;
	int f_id, f_sur1, f_sur2, f_given, f_birth, f_nat, f_doct, f_docc, f_docn, f_dir, f_time, f_permit, f_stay;
	struct map permits;   /* permit -> the record that used it first */
	struct map entries;   /* document -> last entry's day and permitted stay */
	long latest;          /* the latest day seen */
	struct screen_counts counts;
};

struct screen_pass *screen_pass_new(const struct screener *sc, const struct schema *s, FILE *out, double threshold)
{
	struct screen_pass *p = xcalloc(1, sizeof(*p));
	size_t i;
	int n_sur = 0;

	p->sc = sc;
	p->s = s;
	p->out = out;
	p->threshold = threshold;
	p->f_sur1 = p->f_sur2 = -1;
	for (i = 0; i < s->n_fields; i++)
		if (s->fields[i].roles & ROLE_SURNAME) {
			if (n_sur == 0)
				p->f_sur1 = (int)i;
			else if (n_sur == 1)
				p->f_sur2 = (int)i;
			n_sur++;
		}
	p->f_id = s->id_field;
	p->f_given = schema_role_field(s, ROLE_GIVEN_NAMES);
	p->f_birth = schema_role_field(s, ROLE_BIRTH_DATE);
	p->f_nat = schema_role_field(s, ROLE_NATIONALITY);
	p->f_doct = schema_role_field(s, ROLE_DOCUMENT_TYPE);
	p->f_docc = schema_role_field(s, ROLE_DOCUMENT_COUNTRY);
	p->f_docn = schema_role_field(s, ROLE_DOCUMENT_NUMBER);
	p->f_dir = schema_role_field(s, ROLE_DIRECTION);
	p->f_time = schema_role_field(s, ROLE_EVENT_DATE);
	p->f_permit = schema_field_index(s, "minor_authorization");
	p->f_stay = schema_field_index(s, "permitted_stay_days");
	p->latest = DATE_INVALID;
	if (out)
		fputs("record_id,kind,list,entry_id,score,reasons\r\n", out);
	return p;
}

static struct csv_field get(const struct csv_field *v, int i)
{
	struct csv_field none = { "", 0 };

	return i >= 0 ? v[i] : none;
}

static long day_of(const struct csv_field *f)
{
	return f->len >= 10 ? date_parse(f->p, 10) : DATE_INVALID;
}

static void write_hit(struct screen_pass *p, const struct csv_field *id, const struct screen_hit *h)
{
	FILE *f = p->out;

	if (!f)
		return;
	csv_put_cell(f, id->p, id->len, 0);
	fprintf(f, ",%s,", screen_kind_names[h->kind]);
	if (h->entry) {
		csv_put_cell(f, h->entry->list, strlen(h->entry->list), 0);
		fputc(',', f);
		csv_put_cell(f, h->entry->id, strlen(h->entry->id), 0);
	} else {
		fputc(',', f);
	}
	fprintf(f, ",%.3f,", h->score);
	csv_put_cell(f, h->reasons, strlen(h->reasons), 0);
	fputs("\r\n", f);
}

size_t screen_pass_record(struct screen_pass *p, const struct csv_field *v, struct screen_hit *hits, size_t max)
{
	struct screen_traveller t;
	struct csv_field id = get(v, p->f_id), dir = get(v, p->f_dir), nat = get(v, p->f_nat);
	struct csv_field permit = get(v, p->f_permit), stay = get(v, p->f_stay), tf = get(v, p->f_time);
	size_t n, i;
	long day = day_of(&tf), birth;

	p->counts.screened++;
	memset(&t, 0, sizeof(t));
	t.surname1 = get(v, p->f_sur1);
	t.surname2 = get(v, p->f_sur2);
	t.given = get(v, p->f_given);
	t.birth = get(v, p->f_birth);
	t.nationality = nat;
	t.doc_type = get(v, p->f_doct);
	t.doc_country = get(v, p->f_docc);
	t.doc_number = get(v, p->f_docn);
	t.entry = dir.len == 5 && !memcmp(dir.p, "ENTRY", 5);
	n = screen_lists(p->sc, &t, p->threshold, hits, max);
	if (day != DATE_INVALID) {
		if (p->latest != DATE_INVALID && day < p->latest - 1)
			p->counts.out_of_order++;
		if (p->latest == DATE_INVALID || day > p->latest)
			p->latest = day;
	}
	birth = day_of(&t.birth);
	/* a minor leaving: a permit, used on no other trip */
	if (n < max && !t.entry && dir.len && p->f_permit >= 0 && birth != DATE_INVALID) {
		int used = 0;

		if (permit.len) {
			uint64_t *first = map_slot(&p->permits, hash_field(&permit, 0x9e), 1);

			if (*first && *first != hash_field(&id, 0x1d))
				used = 1;
			else
				*first = hash_field(&id, 0x1d);
		}
		if (screen_minor(birth, day, 0, permit.len, used, &hits[n]))
			n++;
	}
	/* a foreigner's stay, by the document of entry and exit */
	if (p->f_stay >= 0 && t.doc_number.len && nat.len && !(nat.len == 3 && !memcmp(nat.p, "BOL", 3)) &&
	    day != DATE_INVALID && dir.len) {
		uint64_t key = hash_field(&t.doc_number, hash_field(&t.doc_country, hash_field(&t.doc_type, 0x5a)));

		if (t.entry) {
			long long s = 0;
			char buf[8];

			if (stay.len && stay.len < sizeof(buf)) {
				memcpy(buf, stay.p, stay.len);
				buf[stay.len] = '\0';
				s = atoll(buf);
			}
			*map_slot(&p->entries, key, 1) = ((uint64_t)(uint32_t)day << 16) | (uint64_t)(s & 0xffff);
		} else {
			uint64_t *e = map_slot(&p->entries, key, 0);

			if (e && *e && n < max && screen_overstay((long)(int32_t)(uint32_t)(*e >> 16), (int)(*e & 0xffff),
								  day, &hits[n]))
				n++;
			if (e)
				*e = 0;  /* the stay ended */
		}
	}
	for (i = 0; i < n; i++) {
		p->counts.hits[hits[i].kind]++;
		write_hit(p, &id, &hits[i]);
	}
	if (n)
		p->counts.records_hit++;
	return n;
}

void screen_pass_free(struct screen_pass *p, struct screen_counts *counts)
{
	if (!p)
		return;
	if (counts)
		*counts = p->counts;
	free(p->permits.k);
	free(p->permits.v);
	free(p->entries.k);
	free(p->entries.v);
	free(p);
}
