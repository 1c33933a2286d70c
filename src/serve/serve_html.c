/*
 * serve_html.c: the officers' pages. Login with a password (Argon2id),
 * a session in an HttpOnly SameSite=Strict cookie (Secure over HTTPS), a
 * CSRF token on every form, throttling after failed logins; then the
 * registration form, drawn from the register's definition (a field added
 * to movements.reg appears here with no change in C), and a traveller's
 * history. No script runs on these pages (Content-Security-Policy).
 * SPDX-License-Identifier: MIT
 */
#include "serve_int.h"
#include "codes.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SESSIONS 1024
#define SESSION_TTL (8 * 3600)
#define THROTTLE_SLOTS 1024
#define THROTTLE_FAILS 5          /* failed logins allowed ... */
#define THROTTLE_WINDOW (15 * 60) /* ... in this many seconds, then refused for as long */

struct session {
	char id[65], csrf[65];
	struct user u;
	time_t expires;
};

struct throttle {
	char key[96];
	int fails;
	time_t first;
};

static struct session sessions[SESSIONS];
static struct throttle throttles[THROTTLE_SLOTS];
static pthread_mutex_t html_lock = PTHREAD_MUTEX_INITIALIZER;

static void random_hex(char out[65])
{
	unsigned char r[32];

	randombytes_buf(r, sizeof(r));
	sodium_bin2hex(out, 65, r, sizeof(r));
}

static size_t slot_of(const char *s, size_t n)
{
	unsigned char h[8];

	crypto_generichash(h, sizeof(h), (const unsigned char *)s, strlen(s), NULL, 0);
	return (size_t)(h[0] | h[1] << 8 | (unsigned)h[2] << 16) % n;
}

/* The session of this request's cookie, copied into *out; 0 when there is none or it expired. */
static int session_of(struct MHD_Connection *c, struct session *out)
{
	const char *id = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "pasos_session");
	struct session *s;
	int ok = 0;

	if (!id || strlen(id) != 64)
		return 0;
	pthread_mutex_lock(&html_lock);
	s = &sessions[slot_of(id, SESSIONS)];
	if (s->id[0] && sodium_memcmp(s->id, id, 64) == 0 && s->expires > time(NULL)) {
		*out = *s;
		ok = 1;
	}
	pthread_mutex_unlock(&html_lock);
	return ok;
}

/* 1 when key has failed too often lately; counts a failure when fail is set, forgets it on success. */
static int throttled(const char *key, int fail, int success)
{
	struct throttle *t;
	time_t now = time(NULL);
	int blocked;

	pthread_mutex_lock(&html_lock);
	t = &throttles[slot_of(key, THROTTLE_SLOTS)];
	if (strcmp(t->key, key) || now - t->first > THROTTLE_WINDOW) {
		snprintf(t->key, sizeof(t->key), "%s", key);
		t->fails = 0;
		t->first = now;
	}
	if (fail)
		t->fails++;
	if (success)
		t->fails = 0;
	blocked = t->fails >= THROTTLE_FAILS;
	pthread_mutex_unlock(&html_lock);
	return blocked;
}

/* ==== Forms ==== */

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The value of name in an application/x-www-form-urlencoded body, decoded; NULL when absent. Caller frees. */
char *serve_form_get(const char *body, size_t len, const char *name)
{
	size_t nl = strlen(name), i = 0;

	while (body && i < len) {
		size_t end = i, eq;

		while (end < len && body[end] != '&')
			end++;
		for (eq = i; eq < end && body[eq] != '='; eq++)
			;
		if (eq - i == nl && !memcmp(body + i, name, nl)) {
			char *out = xmalloc(end - eq + 1);
			size_t k = 0, j;

			for (j = eq + 1; j < end; j++) {
				if (body[j] == '+') {
					out[k++] = ' ';
				} else if (body[j] == '%' && j + 2 < end && hexval(body[j + 1]) >= 0 &&
					   hexval(body[j + 2]) >= 0) {
					out[k++] = (char)(hexval(body[j + 1]) * 16 + hexval(body[j + 2]));
					j += 2;
				} else {
					out[k++] = body[j];
				}
			}
			out[k] = '\0';
			return out;
		}
		i = end + 1;
	}
	return NULL;
}

/* ==== Pages ==== */

static void page_start(struct buf *b, const char *title)
{
	buf_adds(b, "<!doctype html><html lang=\"es\"><head><meta charset=\"utf-8\"><title>", NULL);
	html_text(b, title);
	buf_adds(b, "</title></head><body><h1>", NULL);
	html_text(b, title);
	buf_adds(b, "</h1>\n", NULL);
}

static enum MHD_Result send_page(struct MHD_Connection *c, unsigned status, struct buf *b, const char *cookie,
				 const char *location)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	buf_adds(b, "</body></html>\n", NULL);
	r = MHD_create_response_from_buffer(b->len, b->p, MHD_RESPMEM_MUST_COPY);
	buf_release(b);
	MHD_add_response_header(r, "Content-Type", "text/html; charset=utf-8");
	MHD_add_response_header(r, "Content-Security-Policy",
				"default-src 'none'; form-action 'self'; frame-ancestors 'none'");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	if (cookie)
		MHD_add_response_header(r, "Set-Cookie", cookie);
	if (location)
		MHD_add_response_header(r, "Location", location);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static void hidden_csrf(struct buf *b, const char *csrf)
{
	buf_adds(b, "<input type=\"hidden\" name=\"csrf\" value=\"", NULL);
	html_text(b, csrf);
	buf_adds(b, "\">", NULL);
}

static enum MHD_Result login_page(struct server *sv, struct MHD_Connection *c, unsigned status, const char *note)
{
	struct buf b;
	char csrf[65], cookie[160];

	/* the login form's CSRF token: the same random value in a cookie and in the form */
	random_hex(csrf);
	snprintf(cookie, sizeof(cookie), "pasos_csrf=%s; Path=/; HttpOnly; SameSite=Strict%s", csrf,
		 sv->tls ? "; Secure" : "");
	buf_init(&b, 1 << 20);
	page_start(&b, "pasos: ingreso / sign in");
	if (note) {
		buf_adds(&b, "<p role=\"alert\" id=\"note\">", NULL);
		html_text(&b, note);
		buf_adds(&b, "</p>", NULL);
	}
	buf_adds(&b, "<form method=\"post\" action=\"/login\"><label>Cuenta / account <input name=\"name\" id=\"name\""
		 " autocomplete=\"username\" required></label><br><label>Contraseña / password <input type=\"password\""
		 " name=\"password\" id=\"password\" autocomplete=\"current-password\" required></label><br>", NULL);
	hidden_csrf(&b, csrf);
	buf_adds(&b, "<button type=\"submit\" id=\"login\">Ingresar / sign in</button></form>", NULL);
	return send_page(c, status, &b, cookie, NULL);
}

/* Whether some register served names the account's role. */
static int keeps_registers(struct server *sv, const struct user *u)
{
	for (size_t i = 0; i < sv->n_served; i++)
		if (registers_allowed(sv->served[i], u))
			return 1;
	return 0;
}

static enum MHD_Result do_login(struct server *sv, struct MHD_Connection *c, const struct request *rq)
{
	char *name = serve_form_get(rq->body, rq->len, "name"), *pw = serve_form_get(rq->body, rq->len, "password");
	char *csrf = serve_form_get(rq->body, rq->len, "csrf"), addr[64], key_name[96], key_addr[96], cookie[200];
	const char *cookie_csrf = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "pasos_csrf");
	struct user u;
	struct session *s;
	struct buf b;
	enum MHD_Result ret;
	int ok;

	client_addr(c, addr, sizeof(addr));
	snprintf(key_name, sizeof(key_name), "name:%s", name ? name : "");
	snprintf(key_addr, sizeof(key_addr), "addr:%s", addr);
	if (!csrf || !cookie_csrf || strlen(csrf) != 64 || strcmp(csrf, cookie_csrf)) {
		ret = login_page(sv, c, MHD_HTTP_FORBIDDEN, "the form expired: sign in again");
	} else if (throttled(key_name, 0, 0) || throttled(key_addr, 0, 0)) {
		ret = login_page(sv, c, MHD_HTTP_TOO_MANY_REQUESTS, "too many failed sign-ins: wait 15 minutes");
	} else {
		struct reader *r = rdb_take(sv);

		ok = name && pw && user_by_password(r->db, name, pw, &u) &&
		     (u.role == ROLE_OFFICER || u.role == ROLE_SUPERVISOR || keeps_registers(sv, &u));
		rdb_give(sv, r);
		if (!ok) {
			throttled(key_name, 1, 0);
			throttled(key_addr, 1, 0);
			ret = login_page(sv, c, MHD_HTTP_UNAUTHORIZED, "wrong account or password");
		} else {
			struct session fresh;
			const char *home;

			throttled(key_name, 0, 1);
			memset(&fresh, 0, sizeof(fresh));
			random_hex(fresh.id);
			random_hex(fresh.csrf);
			fresh.u = u;
			fresh.expires = time(NULL) + SESSION_TTL;
			pthread_mutex_lock(&html_lock);
			s = &sessions[slot_of(fresh.id, SESSIONS)];
			*s = fresh;
			pthread_mutex_unlock(&html_lock);
			snprintf(cookie, sizeof(cookie), "pasos_session=%s; Path=/; HttpOnly; SameSite=Strict%s", fresh.id,
				 sv->tls ? "; Secure" : "");
			buf_init(&b, 1 << 16);
			page_start(&b, "pasos");
			home = u.role == ROLE_OFFICER || u.role == ROLE_SUPERVISOR ? "/officer" : "/registers";
			buf_adds(&b, "<p><a href=\"", NULL);
			buf_adds(&b, home, NULL);
			buf_adds(&b, "\">continuar / continue</a></p>", NULL);
			ret = send_page(c, MHD_HTTP_SEE_OTHER, &b, cookie, home);
		}
	}
	if (pw)
		sodium_memzero(pw, strlen(pw));
	free(name);
	free(pw);
	free(csrf);
	return ret;
}

/* One input per field of a definition (but skip), in its order: a field added to the definition appears here. */
static void field_inputs(struct buf *b, const struct schema *s, int skip)
{
	size_t i;

	for (i = 0; i < s->n_fields; i++) {
		const struct schema_field *f = &s->fields[i];

		if ((int)i == skip)
			continue;
		buf_adds(b, "<label>", NULL);
		html_text(b, f->name);
		buf_adds(b, f->required ? " * " : " ", NULL);
		buf_adds(b, "<input name=\"", NULL);
		html_text(b, f->name);
		buf_adds(b, "\" id=\"f_", NULL);
		html_text(b, f->name);
		buf_adds(b, "\"", NULL);
		if (f->type == FT_DATE)
			buf_adds(b, " placeholder=\"YYYY-MM-DD\"", NULL);
		else if (f->type == FT_DATETIME)
			buf_adds(b, " placeholder=\"YYYY-MM-DDThh:mm:ss-04:00\"", NULL);
		buf_adds(b, "></label><br>\n", NULL);
	}
}

/* The failures of a record, one item each: field, message, rule. */
static void failures_html(struct buf *b, json_t *fails)
{
	size_t k;

	buf_adds(b, "<ul id=\"failures\">", NULL);
	for (k = 0; k < json_array_size(fails); k++) {
		json_t *f = json_array_get(fails, k);

		buf_adds(b, "<li>", NULL);
		html_text(b, json_string_value(json_object_get(f, "field")));
		buf_adds(b, ": ", NULL);
		html_text(b, json_string_value(json_object_get(f, "message")));
		buf_adds(b, " (", NULL);
		html_text(b, json_string_value(json_object_get(f, "rule")));
		buf_adds(b, ")</li>", NULL);
	}
	buf_adds(b, "</ul>", NULL);
}

/* The registration form, one input per field of the definition; the post is the officer's. */
static void register_form(struct server *sv, struct buf *b, const struct session *s)
{
	buf_adds(b, "<h2>Registrar un cruce / register a crossing</h2><form method=\"post\" action=\"/officer/register\">"
		 "<label>MRZ <textarea name=\"mrz\" id=\"f_mrz\" rows=\"3\" cols=\"46\"></textarea></label>"
		 " (fills the document fields)<br>\n", NULL);
	field_inputs(b, sv->s, sv->post_field);
	buf_adds(b, "<p>Paso fronterizo / border post: ", NULL);
	html_text(b, s->u.post);
	buf_adds(b, "</p>", NULL);
	hidden_csrf(b, s->csrf);
	buf_adds(b, "<button type=\"submit\" id=\"register\">Registrar / register</button></form>\n", NULL);
}

static void history_form(struct buf *b)
{
	buf_adds(b, "<h2>Historial / history</h2><form method=\"get\" action=\"/officer/history\">"
		 "<label>document_type <input name=\"document_type\" id=\"h_type\"></label> "
		 "<label>document_country <input name=\"document_country\" id=\"h_country\"></label> "
		 "<label>document_number <input name=\"document_number\" id=\"h_number\"></label> "
		 "<button type=\"submit\" id=\"lookup\">Buscar / look up</button></form>\n", NULL);
}

static void logout_form(struct buf *b, const struct session *s)
{
	buf_adds(b, "<form method=\"post\" action=\"/logout\">", NULL);
	hidden_csrf(b, s->csrf);
	buf_adds(b, "<button type=\"submit\" id=\"logout\">Salir / sign out</button></form>\n", NULL);
}

static enum MHD_Result officer_page(struct server *sv, struct MHD_Connection *c, const struct session *s)
{
	struct buf b;

	buf_init(&b, 1 << 20);
	page_start(&b, "pasos: paso fronterizo / border post");
	buf_adds(&b, "<p>", NULL);
	html_text(&b, s->u.name);
	buf_adds(&b, " (", NULL);
	html_text(&b, user_role_name(s->u.role));
	buf_adds(&b, ")</p>", NULL);
	if (s->u.role == ROLE_OFFICER)
		register_form(sv, &b, s);
	history_form(&b);
	logout_form(&b, s);
	return send_page(c, MHD_HTTP_OK, &b, NULL, NULL);
}

/* The hits of a registration, and the form that records the officer's decision on them. */
static void screening_html(struct buf *b, const struct session *s, json_t *sc)
{
	json_t *hits = json_object_get(sc, "hits");
	const char *decision = json_string_value(json_object_get(sc, "decision"));
	char num[32];
	size_t k;

	if (!sc)
		return;
	if (!json_array_size(hits)) {
		buf_adds(b, "<p id=\"screening\">Sin alertas / no hits</p>", NULL);
		return;
	}
	buf_adds(b, "<h2 id=\"screening\">Alertas / hits</h2><table id=\"hits\"><tr><th>kind</th><th>list</th>"
		 "<th>entry</th><th>score</th><th>reasons</th></tr>", NULL);
	for (k = 0; k < json_array_size(hits); k++) {
		json_t *h = json_array_get(hits, k);
		static const char *cols[] = { "kind", "list", "entry_id" };
		size_t q;

		buf_adds(b, "<tr>", NULL);
		for (q = 0; q < 3; q++) {
			buf_adds(b, "<td>", NULL);
			html_text(b, json_string_value(json_object_get(h, cols[q])));
			buf_adds(b, "</td>", NULL);
		}
		snprintf(num, sizeof(num), "<td>%.3f</td><td>", json_real_value(json_object_get(h, "score")));
		buf_adds(b, num, NULL);
		html_text(b, json_string_value(json_object_get(h, "reasons")));
		buf_adds(b, "</td></tr>", NULL);
	}
	buf_adds(b, "</table>", NULL);
	if (decision) {
		buf_adds(b, "<p id=\"decision\">Decisión / decision: ", NULL);
		html_text(b, decision);
		buf_adds(b, "</p>", NULL);
	}
	if (s->u.role != ROLE_OFFICER)
		return;
	snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(json_object_get(sc, "screening_id")));
	buf_adds(b, "<form method=\"post\" action=\"/officer/decision\"><input type=\"hidden\" name=\"screening_id\""
		 " value=\"", NULL);
	buf_adds(b, num, NULL);
	buf_adds(b, "\"><label>Decisión / decision <select name=\"decision\" id=\"d_decision\">"
		 "<option value=\"referred\">derivado / referred</option><option value=\"cleared\">sin objeción / cleared"
		 "</option><option value=\"refused\">rechazado / refused</option></select></label> "
		 "<label>Nota / note <input name=\"note\" id=\"d_note\" maxlength=\"500\"></label>", NULL);
	hidden_csrf(b, s->csrf);
	buf_adds(b, "<button type=\"submit\" id=\"decide\">Registrar decisión / record decision</button></form>\n", NULL);
}

static enum MHD_Result officer_decision(struct server *sv, struct MHD_Connection *c, const struct session *s,
					const struct request *rq)
{
	char *csrf = serve_form_get(rq->body, rq->len, "csrf"), *id = serve_form_get(rq->body, rq->len, "screening_id");
	char *decision = serve_form_get(rq->body, rq->len, "decision"), *note = serve_form_get(rq->body, rq->len, "note");
	char addr[64], post[16];
	const char *error = "not recorded";
	long long sid = id ? strtoll(id, NULL, 10) : 0;
	unsigned status;
	struct buf b;

	buf_init(&b, 1 << 16);
	if (!csrf || strcmp(csrf, s->csrf)) {
		status = MHD_HTTP_FORBIDDEN;
		page_start(&b, "pasos: formulario vencido / form expired");
	} else {
		client_addr(c, addr, sizeof(addr));
		status = (unsigned)screening_decide(sv, &s->u, addr, sid, decision ? decision : "", note, &error);
		page_start(&b, status == 200 ? "Decisión registrada / decision recorded" : "No registrada / not recorded");
		if (status == 200) {
			json_t *sc = screening_get(sv, sid, post);

			screening_html(&b, s, sc);
			json_decref(sc);
		} else {
			buf_adds(&b, "<p id=\"result\">", NULL);
			html_text(&b, error);
			buf_adds(&b, "</p>", NULL);
		}
	}
	buf_adds(&b, "<p><a href=\"/officer\">volver / back</a></p>", NULL);
	free(csrf);
	free(id);
	free(decision);
	free(note);
	return send_page(c, status, &b, NULL, NULL);
}

/* A form whose CSRF token does not match the session's: nothing done. */
static enum MHD_Result expired_page(struct MHD_Connection *c, const char *back)
{
	struct buf b;

	buf_init(&b, 1 << 16);
	page_start(&b, "pasos: formulario vencido / form expired");
	buf_adds(&b, "<p><a href=\"", NULL);
	html_text(&b, back);
	buf_adds(&b, "\">volver / back</a></p>", NULL);
	return send_page(c, MHD_HTTP_FORBIDDEN, &b, NULL, NULL);
}

/*
 * A record's form posted in the session: 0 when its CSRF token is not the
 * session's (nothing read); otherwise 1, texts holding the value of each
 * field of the definition (the caller frees them).
 */
static int form_record(const struct session *s, const struct request *rq, const struct schema *def, char **texts)
{
	char *csrf = serve_form_get(rq->body, rq->len, "csrf");
	int ok = csrf && !strcmp(csrf, s->csrf);

	free(csrf);
	for (size_t i = 0; ok && i < def->n_fields; i++)
		texts[i] = serve_form_get(rq->body, rq->len, def->fields[i].name);
	return ok;
}

static enum MHD_Result officer_register(struct server *sv, struct MHD_Connection *c, const struct session *s,
					const struct request *rq)
{
	char *texts[SCHEMA_MAX_FIELDS] = { 0 }, addr[64], *mrz;
	struct reg_answer a;
	json_t *fails;
	struct buf b;
	size_t i;
	unsigned status;

	if (!form_record(s, rq, sv->s, texts))
		return expired_page(c, "/officer");
	fails = json_array();
	client_addr(c, addr, sizeof(addr));
	mrz = serve_form_get(rq->body, rq->len, "mrz");
	serve_register(sv, &s->u, addr, texts, mrz && mrz[0] ? mrz : NULL, fails, rq->body, rq->len, &a);
	free(mrz);
	status = (unsigned)a.status;
	buf_init(&b, 1 << 20);
	if (a.status == 201 || a.status == 200) {
		char num[32];

		page_start(&b, a.status == 201 ? "Registrado / registered" : "Ya registrado / already registered");
		snprintf(num, sizeof(num), "%lld", (long long)a.person);
		buf_adds(&b, "<p id=\"result\">movement_id ", NULL);
		html_text(&b, texts[sv->s->id_field] ? texts[sv->s->id_field] : "");
		buf_adds(&b, ", persona / person ", NULL);
		buf_adds(&b, num, NULL);
		buf_adds(&b, "</p>", NULL);
		screening_html(&b, s, a.screening);
		json_decref(a.record);
		json_decref(a.screening);
	} else {
		page_start(&b, "No registrado / not registered");
		buf_adds(&b, "<p id=\"result\">", NULL);
		html_text(&b, a.error ? a.error : "not stored");
		buf_adds(&b, "</p>", NULL);
		failures_html(&b, fails);
	}
	buf_adds(&b, "<p><a href=\"/officer\">otro / another</a></p>", NULL);
	json_decref(fails);
	for (i = 0; i < sv->s->n_fields; i++)
		free(texts[i]);
	return send_page(c, status, &b, NULL, NULL);
}

/* one row of the history's table */
static void crossing_row(void *ctx, const struct crossing *x)
{
	struct buf *b = ctx;
	const char *cols[] = { x->movement_id, x->direction, x->event_time, x->border_post };
	size_t q;

	buf_adds(b, "<tr>", NULL);
	for (q = 0; q < 4; q++) {
		buf_adds(b, "<td>", NULL);
		html_text(b, cols[q] ? cols[q] : "");
		buf_adds(b, "</td>", NULL);
	}
	buf_adds(b, "<td>", NULL);
	html_text(b, !x->classified ? "-" : x->long_term ? "long-term migration" : "short-term");
	buf_adds(b, "</td></tr>\n", NULL);
}

static enum MHD_Result officer_history(struct server *sv, struct MHD_Connection *c, const struct session *s)
{
	const char *dt = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "document_type");
	const char *dc = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "document_country");
	const char *dn = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "document_number");
	int64_t person = 0;
	struct buf b, rows;
	struct stay stay = { 0 };
	char object[64];
	long n = 0;
	int trail_failed;

	buf_init(&rows, 16 << 20);
	if (dt && dc && dn)
		n = history_each(sv, &person, (const char *const[3]){ dt, dc, dn }, crossing_row, &rows, &stay);
	snprintf(object, sizeof(object), "person:%lld", (long long)(n > 0 ? person : 0));
	trail_failed = trail_read(sv, c, &s->u, "read history", object, n > 0 ? 200 : 404);
	buf_init(&b, 1 << 20);
	page_start(&b, "Historial / history");
	if (trail_failed || n <= 0) {
		buf_adds(&b, trail_failed ? "<p id=\"result\">the audit trail failed: nothing is shown</p>"
					  : "<p id=\"result\">no crossing with this document</p>", NULL);
	} else {
		char num[32];

		snprintf(num, sizeof(num), "%lld", (long long)person);
		buf_adds(&b, "<p id=\"result\">persona / person ", NULL);
		buf_adds(&b, num, NULL);
		buf_adds(&b, "</p><table id=\"crossings\"><tr><th>movement_id</th><th>direction</th><th>event_time</th>"
			 "<th>border_post</th><th>12/16</th></tr>\n", NULL);
		buf_add(&b, rows.p, rows.len, NULL);
		buf_adds(&b, "</table>", NULL);
		if (stay.known) {
			char line[160];

			snprintf(line, sizeof(line), "%ld days in Bolivia%s", stay.days,
				 stay.permitted >= 0 && stay.days > stay.permitted ? ", beyond the permitted stay" : "");
			buf_adds(&b, "<p id=\"stay\">", NULL);
			html_text(&b, line);
			buf_adds(&b, "</p>", NULL);
		}
	}
	buf_release(&rows);
	buf_adds(&b, "<p><a href=\"/officer\">volver / back</a></p>", NULL);
	return send_page(c, n > 0 ? MHD_HTTP_OK : MHD_HTTP_NOT_FOUND, &b, NULL, NULL);
}

/* ==== The other institutions' registers: a form for each, from its definition ==== */

static void account_line(struct buf *b, const struct session *s)
{
	buf_adds(b, "<p>", NULL);
	html_text(b, s->u.name);
	buf_adds(b, " (", NULL);
	html_text(b, user_role_name(s->u.role));
	buf_adds(b, ")</p>", NULL);
}

/* /registers: the registers this account keeps, each a link to its form. */
static enum MHD_Result registers_page(struct server *sv, struct MHD_Connection *c, const struct session *s)
{
	struct buf b;

	buf_init(&b, 1 << 20);
	page_start(&b, "pasos: registros / registers");
	account_line(&b, s);
	buf_adds(&b, "<ul id=\"registers\">", NULL);
	for (size_t i = 0; i < sv->n_served; i++) {
		const struct schema *rs = sv->served[i]->s;

		if (!registers_allowed(sv->served[i], &s->u))
			continue;
		buf_adds(&b, "<li><a href=\"/registers/", NULL);
		html_text(&b, rs->name);
		buf_adds(&b, "\">", NULL);
		html_text(&b, rs->title ? rs->title : rs->name);
		buf_adds(&b, "</a></li>", NULL);
	}
	buf_adds(&b, "</ul>", NULL);
	logout_form(&b, s);
	return send_page(c, MHD_HTTP_OK, &b, NULL, NULL);
}

/* GET /registers/NAME: the register's form, one input per field of its definition. */
static enum MHD_Result record_form(struct MHD_Connection *c, const struct session *s, const struct served *r)
{
	struct buf b;

	buf_init(&b, 1 << 20);
	page_start(&b, r->s->title ? r->s->title : r->s->name);
	account_line(&b, s);
	buf_adds(&b, "<form method=\"post\" action=\"/registers/", NULL);
	html_text(&b, r->s->name);
	buf_adds(&b, "\">\n", NULL);
	field_inputs(&b, r->s, -1);
	hidden_csrf(&b, s->csrf);
	buf_adds(&b, "<button type=\"submit\" id=\"save\">Registrar / register</button></form>"
		 "<p><a href=\"/registers\">volver / back</a></p>", NULL);
	return send_page(c, MHD_HTTP_OK, &b, NULL, NULL);
}

/* POST /registers/NAME: the record checked and written as the API does it. */
static enum MHD_Result record_post(struct server *sv, struct MHD_Connection *c, const struct session *s,
				   struct served *r, const struct request *rq)
{
	char *texts[SCHEMA_MAX_FIELDS] = { 0 }, addr[64];
	json_t *fails, *record = NULL;
	struct buf b;
	size_t i;
	int status;

	if (!form_record(s, rq, r->s, texts))
		return expired_page(c, "/registers");
	client_addr(c, addr, sizeof(addr));
	fails = json_array();
	status = registers_put(sv, &s->u, addr, r, texts, fails, rq->body, rq->len, &record);
	buf_init(&b, 1 << 20);
	page_start(&b, status == 201 ? "Registrado / stored" : status == 200 ? "Ya registrado / already stored"
								: "No registrado / not stored");
	buf_adds(&b, "<p id=\"result\">", NULL);
	html_text(&b, r->s->fields[r->s->id_field].name);
	buf_adds(&b, " ", NULL);
	html_text(&b, texts[r->s->id_field] ? texts[r->s->id_field] : "");
	buf_adds(&b, status == 409 ? ": another record has this id (kept aside as a conflict)"
		 : status == 500 ? ": the store failed; try again" : "", NULL);
	buf_adds(&b, "</p>", NULL);
	if (status == 422)
		failures_html(&b, fails);
	buf_adds(&b, "<p><a href=\"/registers/", NULL);
	html_text(&b, r->s->name);
	buf_adds(&b, "\">otro / another</a></p>", NULL);
	json_decref(fails);
	json_decref(record);
	for (i = 0; i < r->s->n_fields; i++)
		free(texts[i]);
	return send_page(c, (unsigned)status, &b, NULL, NULL);
}

static enum MHD_Result do_logout(struct MHD_Connection *c, const struct session *s, const struct request *rq)
{
	char *csrf = serve_form_get(rq->body, rq->len, "csrf");
	struct buf b;

	if (csrf && !strcmp(csrf, s->csrf)) {
		pthread_mutex_lock(&html_lock);
		memset(&sessions[slot_of(s->id, SESSIONS)], 0, sizeof(struct session));
		pthread_mutex_unlock(&html_lock);
	}
	free(csrf);
	buf_init(&b, 1 << 16);
	page_start(&b, "pasos");
	buf_adds(&b, "<p><a href=\"/login\">ingresar / sign in</a></p>", NULL);
	return send_page(c, MHD_HTTP_SEE_OTHER, &b, "pasos_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0",
			 "/login");
}

/* No session: to the sign-in page. */
static enum MHD_Result to_login(struct MHD_Connection *c)
{
	struct buf b;

	buf_init(&b, 1 << 16);
	page_start(&b, "pasos");
	buf_adds(&b, "<p><a href=\"/login\">ingresar / sign in</a></p>", NULL);
	return send_page(c, MHD_HTTP_SEE_OTHER, &b, NULL, "/login");
}

enum MHD_Result html_route(struct server *sv, struct MHD_Connection *c, const char *url, const char *method,
			   const struct request *rq, int *handled)
{
	struct session s;
	int get = !strcmp(method, "GET"), post = !strcmp(method, "POST");

	*handled = 1;
	if (!strcmp(url, "/login")) {
		if (get)
			return login_page(sv, c, MHD_HTTP_OK, NULL);
		if (post)
			return rq->too_big ? send_error(c, 413, "a request is at most 64 KiB") : do_login(sv, c, rq);
		return send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "GET or POST");
	}
	if (!strcmp(url, "/registers") || !strncmp(url, "/registers/", 11)) {
		struct served *r;

		if (!session_of(c, &s))
			return to_login(c);
		if (!strcmp(url, "/registers"))
			return get ? registers_page(sv, c, &s) : send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "GET only");
		if (!(r = registers_find(sv, url + 11, strlen(url + 11))))
			return send_error(c, MHD_HTTP_NOT_FOUND, "no such register in the service");
		if (!registers_allowed(r, &s.u))
			return send_error(c, MHD_HTTP_FORBIDDEN, "this register is for the roles its definition names");
		if (post)
			return rq->too_big ? send_error(c, 413, "a request is at most 64 KiB") : record_post(sv, c, &s, r, rq);
		return get ? record_form(c, &s, r) : send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "GET or POST");
	}
	if (strcmp(url, "/") && strcmp(url, "/officer") && strncmp(url, "/officer/", 9) && strcmp(url, "/logout")) {
		*handled = 0;
		return MHD_NO;
	}
	if (!session_of(c, &s))
		return to_login(c);
	if (!strcmp(url, "/logout"))
		return post ? do_logout(c, &s, rq) : send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "POST only");
	if (s.u.role != ROLE_OFFICER && s.u.role != ROLE_SUPERVISOR)
		return send_error(c, MHD_HTTP_FORBIDDEN, "not for this account");
	if (!strcmp(url, "/") || !strcmp(url, "/officer"))
		return get ? officer_page(sv, c, &s) : send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "GET only");
	if (!strcmp(url, "/officer/history"))
		return get ? officer_history(sv, c, &s) : send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "GET only");
	if (!strcmp(url, "/officer/register") && s.u.role == ROLE_OFFICER)
		return post ? officer_register(sv, c, &s, rq) : send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "POST only");
	if (!strcmp(url, "/officer/decision") && s.u.role == ROLE_OFFICER)
		return post ? officer_decision(sv, c, &s, rq) : send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "POST only");
	return send_error(c, MHD_HTTP_FORBIDDEN, "not for this account");
}
