/*
 * synth_data.c: name and flow tables for synthetic registers.
 * Frequent Bolivian surnames (Mamani, Quispe, Condori...) carry high
 * weights on purpose: they make linkage as hard as real registers do.
 * SPDX-License-Identifier: MIT
 */
#include "synth_data.h"

#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct weighted andean_surnames[] = {
	{ "Mamani", 120 }, { "Quispe", 100 }, { "Condori", 70 }, { "Choque", 55 },
	{ "Flores", 60 }, { "Gutiérrez", 30 }, { "Rodríguez", 30 }, { "Vargas", 35 },
	{ "López", 30 }, { "Fernández", 25 }, { "Huanca", 35 }, { "Ticona", 30 },
	{ "Apaza", 30 }, { "Pérez", 25 }, { "García", 25 }, { "Rojas", 30 },
	{ "Morales", 20 }, { "Torrez", 20 }, { "Cruz", 20 }, { "Gómez", 18 },
	{ "Álvarez", 12 }, { "Vásquez", 12 }, { "Limachi", 15 }, { "Chambi", 12 },
	{ "Callisaya", 12 }, { "Colque", 15 }, { "Poma", 12 }, { "Yujra", 8 },
	{ "Villca", 10 }, { "Ramírez", 12 }, { "Sánchez", 12 }, { "Méndez", 8 },
	{ "Suárez", 10 }, { "Castro", 8 }, { "Ortiz", 8 }, { "Jiménez", 6 },
	{ "Peña", 5 }, { "Aguilar", 8 }, { "Salazar", 6 }, { "Ibáñez", 4 },
	{ "Céspedes", 4 }, { "Añez", 3 }, { "Zárate", 4 }, { "Paz", 5 },
	{ "de la Cruz", 3 }, { "del Castillo", 2 }, { "Quiroga", 5 }, { "Herrera", 5 },
	{ "Nina", 8 }, { "Laura", 6 }, { "Cussi", 3 }, { "Copa", 6 },
	{ "Alanoca", 3 }, { "Tarqui", 3 }, { "Guarachi", 2 }, { "Sirpa", 3 },
};

static const struct weighted hispanic_surnames[] = {
	{ "González", 40 }, { "Rodríguez", 35 }, { "Gómez", 30 }, { "Fernández", 30 },
	{ "López", 30 }, { "Díaz", 25 }, { "Martínez", 30 }, { "Pérez", 25 },
	{ "García", 30 }, { "Sánchez", 20 }, { "Romero", 15 }, { "Sosa", 12 },
	{ "Torres", 15 }, { "Álvarez", 12 }, { "Ruiz", 12 }, { "Ramírez", 12 },
	{ "Flores", 15 }, { "Benítez", 8 }, { "Acosta", 8 }, { "Medina", 8 },
	{ "Herrera", 8 }, { "Suárez", 8 }, { "Aguirre", 6 }, { "Giménez", 6 },
	{ "Gutiérrez", 8 }, { "Pereyra", 6 }, { "Rojas", 10 }, { "Molina", 6 },
	{ "Castro", 8 }, { "Ortiz", 6 }, { "Silva", 6 }, { "Núñez", 6 },
	{ "Luna", 5 }, { "Cabrera", 5 }, { "Ríos", 5 }, { "Morales", 8 },
	{ "Vargas", 6 }, { "Castillo", 6 }, { "Chávez", 6 }, { "Huamán", 8 },
	{ "Mendoza", 8 }, { "Salazar", 5 }, { "Vega", 5 }, { "Muñoz", 8 },
	{ "de la Fuente", 2 }, { "del Valle", 2 }, { "Espinoza", 6 }, { "Paredes", 5 },
};

static const struct weighted portuguese_surnames[] = {
	{ "Silva", 50 }, { "Santos", 40 }, { "Oliveira", 30 }, { "Souza", 30 },
	{ "Lima", 20 }, { "Pereira", 20 }, { "Costa", 18 }, { "Rodrigues", 18 },
	{ "Almeida", 15 }, { "Nascimento", 12 }, { "Araújo", 12 }, { "Ferreira", 15 },
	{ "Carvalho", 12 }, { "Gomes", 12 }, { "Martins", 12 }, { "Rocha", 10 },
	{ "Ribeiro", 10 }, { "Barbosa", 10 }, { "Conceição", 6 }, { "Sá", 4 },
};

static const struct weighted english_surnames[] = {
	{ "Smith", 30 }, { "Johnson", 25 }, { "Williams", 22 }, { "Brown", 20 },
	{ "Jones", 20 }, { "Miller", 15 }, { "Davis", 15 }, { "Wilson", 12 },
	{ "Anderson", 12 }, { "Taylor", 12 }, { "Thomas", 10 }, { "Moore", 10 },
	{ "Martin", 10 }, { "Jackson", 10 }, { "White", 10 }, { "Harris", 8 },
	{ "Clark", 8 }, { "Lewis", 8 }, { "O'Brien", 4 }, { "McDonald", 4 },
};

static const struct weighted other_surnames[] = {
	{ "Müller", 10 }, { "Schmidt", 8 }, { "Schneider", 6 }, { "Dubois", 6 },
	{ "Lefèvre", 4 }, { "Rossi", 8 }, { "Bianchi", 5 }, { "Ricci", 4 },
	{ "de Vries", 5 }, { "Jansen", 5 }, { "Tanaka", 6 }, { "Suzuki", 6 },
	{ "Wang", 10 }, { "Li", 10 }, { "Zhang", 8 }, { "Kim", 8 }, { "Lee", 6 },
	{ "Park", 5 }, { "Cohen", 5 }, { "Levi", 4 }, { "Novák", 3 }, { "Kowalski", 4 },
};

static const struct weighted hisp_female[] = {
	{ "María", 60 }, { "Ana", 25 }, { "Rosa", 20 }, { "Juana", 15 }, { "Carmen", 15 },
	{ "Lucía", 12 }, { "Patricia", 12 }, { "Sofía", 12 }, { "Valeria", 10 },
	{ "Daniela", 10 }, { "Gabriela", 10 }, { "Andrea", 10 }, { "Ximena", 8 },
	{ "Jhenny", 5 }, { "Mónica", 8 }, { "Silvia", 8 }, { "Verónica", 8 },
	{ "Elizabeth", 8 }, { "Beatriz", 6 }, { "Leticia", 6 }, { "Inés", 5 },
	{ "Noemí", 5 }, { "Isabel", 8 }, { "Lourdes", 6 }, { "Martha", 8 },
	{ "Luisa", 6 }, { "Elena", 6 }, { "Fernanda", 5 }, { "Teresa", 6 },
};

static const struct weighted hisp_male[] = {
	{ "Juan", 50 }, { "José", 40 }, { "Luis", 30 }, { "Carlos", 30 }, { "Jorge", 20 },
	{ "Mario", 15 }, { "Pedro", 15 }, { "Víctor", 12 }, { "Miguel", 15 },
	{ "Freddy", 8 }, { "Wilson", 6 }, { "Marco", 8 }, { "René", 8 }, { "Álvaro", 8 },
	{ "Fernando", 10 }, { "Javier", 10 }, { "Sergio", 8 }, { "Diego", 8 },
	{ "Andrés", 8 }, { "Rubén", 6 }, { "Hugo", 6 }, { "Édgar", 6 }, { "Raúl", 8 },
	{ "Ramiro", 6 }, { "Antonio", 8 }, { "Pablo", 8 }, { "Alberto", 6 }, { "Ángel", 6 },
};

static const struct weighted pt_female[] = {
	{ "Ana", 20 }, { "Maria", 30 }, { "Júlia", 12 }, { "Beatriz", 10 }, { "Camila", 10 },
	{ "Larissa", 6 }, { "Fernanda", 8 }, { "Letícia", 6 }, { "Luana", 5 }, { "Gabriela", 8 },
};

static const struct weighted pt_male[] = {
	{ "João", 25 }, { "Pedro", 15 }, { "Lucas", 15 }, { "Gabriel", 12 }, { "Rafael", 10 },
	{ "Thiago", 8 }, { "Bruno", 8 }, { "Felipe", 8 }, { "Antônio", 10 }, { "Luiz", 8 },
};

static const struct weighted en_female[] = {
	{ "Mary", 15 }, { "Jennifer", 10 }, { "Linda", 8 }, { "Sarah", 12 }, { "Emily", 12 },
	{ "Jessica", 10 }, { "Emma", 10 }, { "Olivia", 10 }, { "Anne", 6 }, { "Elizabeth", 8 },
};

static const struct weighted en_male[] = {
	{ "James", 15 }, { "John", 15 }, { "Robert", 12 }, { "Michael", 15 }, { "David", 12 },
	{ "William", 10 }, { "Daniel", 10 }, { "Matthew", 8 }, { "Thomas", 8 }, { "Paul", 6 },
};

static const struct weighted ot_female[] = {
	{ "Anna", 15 }, { "Marie", 10 }, { "Giulia", 8 }, { "Sanne", 5 }, { "Yuki", 6 },
	{ "Li Na", 6 }, { "Ji-woo", 5 }, { "Noa", 5 }, { "Léa", 6 }, { "Sophie", 8 },
};

static const struct weighted ot_male[] = {
	{ "Hans", 8 }, { "Pierre", 8 }, { "Marco", 8 }, { "Jan", 8 }, { "Hiroshi", 6 },
	{ "Wei", 8 }, { "Min-jun", 5 }, { "David", 8 }, { "François", 5 }, { "Lukas", 8 },
};

static const struct name_tables tables[N_LANGS] = {
	[LANG_ANDEAN] = { andean_surnames, N(andean_surnames), hisp_female, N(hisp_female),
			  hisp_male, N(hisp_male), 95, 40 },
	[LANG_HISPANIC] = { hispanic_surnames, N(hispanic_surnames), hisp_female, N(hisp_female),
			    hisp_male, N(hisp_male), 80, 35 },
	[LANG_PORTUGUESE] = { portuguese_surnames, N(portuguese_surnames), pt_female, N(pt_female),
			      pt_male, N(pt_male), 50, 30 },
	[LANG_ENGLISH] = { english_surnames, N(english_surnames), en_female, N(en_female),
			   en_male, N(en_male), 0, 20 },
	[LANG_OTHER] = { other_surnames, N(other_surnames), ot_female, N(ot_female),
			 ot_male, N(ot_male), 0, 10 },
};

const struct name_tables *synth_names(enum name_lang lang)
{
	return &tables[lang];
}

/* Foreign visitors by nationality (2020): ARG 30.5%, PER 20.0%, BRA 8.8%, CHL 8.0%, USA 4.4%, ESP 3.1%. */
const struct weighted synth_tourist_nat[] = {
	{ "ARG", 305 }, { "PER", 200 }, { "BRA", 88 }, { "CHL", 80 }, { "USA", 44 },
	{ "ESP", 31 }, { "COL", 30 }, { "VEN", 25 }, { "MEX", 20 }, { "FRA", 25 },
	{ "DEU", 25 }, { "GBR", 18 }, { "ITA", 15 }, { "PRY", 20 }, { "ECU", 15 },
	{ "URY", 10 }, { "CAN", 10 }, { "ISR", 15 }, { "NLD", 10 }, { "JPN", 8 },
	{ "CHN", 8 }, { "KOR", 8 }, { "AUS", 8 }, { "CHE", 5 }, { "CUB", 4 },
};
const size_t synth_n_tourist_nat = N(synth_tourist_nat);

const struct weighted synth_settler_nat[] = {
	{ "VEN", 300 }, { "PER", 150 }, { "ARG", 120 }, { "BRA", 100 }, { "COL", 100 },
	{ "CHN", 50 }, { "PRY", 50 }, { "CUB", 50 }, { "ESP", 30 }, { "USA", 30 },
	{ "CHL", 30 }, { "ECU", 20 }, { "MEX", 15 }, { "KOR", 10 },
};
const size_t synth_n_settler_nat = N(synth_settler_nat);

/* Main destinations of Bolivian emigrants: Argentina, Spain, Chile, Brazil, United States. */
const struct weighted synth_emigrant_dest[] = {
	{ "ARG", 40 }, { "ESP", 20 }, { "CHL", 15 }, { "BRA", 12 }, { "USA", 10 }, { "ITA", 3 },
};
const size_t synth_n_emigrant_dest = N(synth_emigrant_dest);

const struct weighted synth_trip_dest[] = {
	{ "ARG", 35 }, { "PER", 25 }, { "CHL", 12 }, { "BRA", 12 }, { "USA", 4 },
	{ "ESP", 4 }, { "PRY", 3 }, { "COL", 2 }, { "MEX", 2 }, { "PAN", 1 },
};
const size_t synth_n_trip_dest = N(synth_trip_dest);

const struct weighted synth_airports[] = {
	{ "VVI", 45 }, { "LPB", 42 }, { "CBB", 13 },
};
const size_t synth_n_airports = N(synth_airports);

/* Regularisations by department (ISO 3166-2:BO): Santa Cruz, La Paz, Cochabamba lead. */
const struct weighted synth_departments[] = {
	{ "BO-S", 40 }, { "BO-L", 25 }, { "BO-C", 18 }, { "BO-T", 5 }, { "BO-O", 3 },
	{ "BO-P", 3 }, { "BO-H", 3 }, { "BO-B", 2 }, { "BO-N", 1 },
};
const size_t synth_n_departments = N(synth_departments);

/* Road entries of foreign visitors 2023: Villazón 37.3%, Desaguadero 22.5%, Bermejo 10.0%. */
static const struct nation nations[] = {
	{ "BOL", LANG_ANDEAN, 0, 1, "" },
	{ "ARG", LANG_HISPANIC, 1, 1, "VLZ:55,BMJ:20,YCB:25" },
	{ "PER", LANG_HISPANIC, 1, 1, "DSG:70,KAS:30" },
	{ "CHL", LANG_HISPANIC, 1, 1, "PSG:60,TQM:32,AVR:8" },
	{ "BRA", LANG_PORTUGUESE, 1, 1, "PQJ:35,PSZ:25,GYA:20,CIJ:10,SMT:10" },
	{ "PRY", LANG_HISPANIC, 1, 1, "PRY:100" },
	{ "COL", LANG_HISPANIC, 0, 1, "DSG:100" },
	{ "ECU", LANG_HISPANIC, 0, 1, "DSG:100" },
	{ "URY", LANG_HISPANIC, 0, 1, "VLZ:100" },
	{ "VEN", LANG_HISPANIC, 0, 1, "DSG:80,PSG:20" },
	{ "ESP", LANG_HISPANIC, 0, 0, "" },
	{ "MEX", LANG_HISPANIC, 0, 0, "" },
	{ "CUB", LANG_HISPANIC, 0, 0, "" },
	{ "PAN", LANG_HISPANIC, 0, 0, "" },
	{ "ITA", LANG_OTHER, 0, 0, "" },
	{ "USA", LANG_ENGLISH, 0, 0, "" },
	{ "GBR", LANG_ENGLISH, 0, 0, "" },
	{ "CAN", LANG_ENGLISH, 0, 0, "" },
	{ "AUS", LANG_ENGLISH, 0, 0, "" },
};

static const struct nation overseas = { "", LANG_OTHER, 0, 0, "" };

const struct nation *synth_nation(const char *iso3)
{
	size_t i;

	for (i = 0; i < N(nations); i++)
		if (!strcmp(nations[i].iso3, iso3))
			return &nations[i];
	return &overseas;
}

const char *synth_post_mode(const char *post)
{
	if (!strcmp(post, "LPB") || !strcmp(post, "VVI") || !strcmp(post, "CBB"))
		return "air";
	if (!strcmp(post, "AVR"))
		return "rail";
	if (!strcmp(post, "GYA"))
		return "river";
	return "road";
}
