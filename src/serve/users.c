/*
 * users.c: accounts, password hashes and API tokens. See users.h.
 * SPDX-License-Identifier: MIT
 */
#include "users.h"
#include "sha256.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const char *ddl =
	"CREATE TABLE IF NOT EXISTS users(name TEXT PRIMARY KEY, role TEXT NOT NULL, post TEXT,"
	" password_hash TEXT, disabled INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS user_tokens(token_sha256 TEXT PRIMARY KEY, name TEXT NOT NULL,"
	" created_at TEXT NOT NULL);";

static const char *role_names[] = { "", "admin", "supervisor", "officer", "statistician", "consular", "protection",
				     "labour", "training" };

enum role user_role_parse(const char *s)
{
	int r;

	for (r = ROLE_ADMIN; r <= ROLE_LAST; r++)
		if (s && !strcmp(s, role_names[r]))
			return (enum role)r;
	return ROLE_NONE;
}

const char *user_role_name(enum role r)
{
	return r >= ROLE_ADMIN && r <= ROLE_LAST ? role_names[r] : "none";
}

static int valid_name(const char *s)
{
	size_t n = strlen(s), i;

	if (!n || n > USER_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || strchr("._-", s[i])))
			return 0;
	return 1;
}

int user_add(struct store *st, const char *name, enum role role, const char *post, const char *password,
	     char token[USER_TOKEN_HEX + 1], struct err *err)
{
	sqlite3 *db = store_db(st);
	sqlite3_stmt *q = NULL;
	unsigned char raw[32];
	char hash[crypto_pwhash_STRBYTES] = "", tsha[SHA256_HEX_LEN + 1];
	int rc;

	if (!valid_name(name))
		return ERR_SET(err, ERR_USAGE, "an account name is 1 to %d of a-z, 0-9, '.', '_' and '-'", USER_NAME_MAX);
	if (role == ROLE_NONE)
		return ERR_SET(err, ERR_USAGE, "the role is admin, supervisor, officer, statistician, consular, protection,"
			       " labour or training");
	if (role == ROLE_OFFICER && (!post || !post[0]))
		return ERR_SET(err, ERR_USAGE, "an officer needs a border post (--post CODE)");
	if (sodium_init() < 0)
		return ERR_SET(err, ERR_INTERNAL, "libsodium cannot start");
	if (password && crypto_pwhash_str(hash, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
					  crypto_pwhash_MEMLIMIT_INTERACTIVE))
		return ERR_SET(err, ERR_NOMEM, "not enough memory to hash the password");
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(token, USER_TOKEN_HEX + 1, raw, sizeof(raw));
	sodium_memzero(raw, sizeof(raw));
	sha256_buf(token, USER_TOKEN_HEX, tsha);
	if ((rc = store_exec(st, ddl, err)) || (rc = store_begin(st, err)))
		return rc;
	if (sqlite3_prepare_v2(db, "INSERT INTO users(name, role, post, password_hash, created_at)"
			       " VALUES(?,?,?,?,strftime('%Y-%m-%dT%H:%M:%SZ','now'))", -1, &q, NULL) != SQLITE_OK) {
		rc = store_error(db, "cannot add the account", err);
		goto out;
	}
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, user_role_name(role), -1, SQLITE_STATIC);
	if (post && post[0])
		sqlite3_bind_text(q, 3, post, -1, SQLITE_STATIC);
	if (hash[0])
		sqlite3_bind_text(q, 4, hash, -1, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_DONE) {
		rc = sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_PRIMARYKEY
			? ERR_SET(err, ERR_USAGE, "the account '%s' exists already", name)
			: store_error(db, "cannot add the account", err);
		goto out;
	}
	sqlite3_finalize(q);
	if (sqlite3_prepare_v2(db, "INSERT INTO user_tokens VALUES(?,?,strftime('%Y-%m-%dT%H:%M:%SZ','now'))",
			       -1, &q, NULL) != SQLITE_OK) {
		q = NULL;
		rc = store_error(db, "cannot add the token", err);
		goto out;
	}
	sqlite3_bind_text(q, 1, tsha, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, name, -1, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_DONE)
		rc = store_error(db, "cannot add the token", err);
out:
	sqlite3_finalize(q);
	sodium_memzero(hash, sizeof(hash));
	if (rc)
		sodium_memzero(token, USER_TOKEN_HEX + 1);
	return store_end(st, rc, err);
}

int user_disable(struct store *st, const char *name, struct err *err)
{
	sqlite3 *db = store_db(st);
	sqlite3_stmt *q = NULL;
	int rc;

	if ((rc = store_exec(st, ddl, err)))
		return rc;
	if (sqlite3_prepare_v2(db, "UPDATE users SET disabled = 1 WHERE name = ?", -1, &q, NULL) != SQLITE_OK)
		return store_error(db, "cannot disable the account", err);
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_DONE)
		rc = store_error(db, "cannot disable the account", err);
	else if (sqlite3_changes(db) == 0)
		rc = ERR_SET(err, ERR_USAGE, "no account named '%s'", name);
	sqlite3_finalize(q);
	return rc;
}

static void fill(sqlite3_stmt *q, struct user *u)
{
	const char *name = (const char *)sqlite3_column_text(q, 0), *post = (const char *)sqlite3_column_text(q, 2);

	memset(u, 0, sizeof(*u));
	snprintf(u->name, sizeof(u->name), "%s", name ? name : "");
	u->role = user_role_parse((const char *)sqlite3_column_text(q, 1));
	snprintf(u->post, sizeof(u->post), "%s", post ? post : "");
	u->disabled = sqlite3_column_int(q, 3);
}

int user_list(struct store *st, void (*fn)(void *ctx, const struct user *u), void *ctx, struct err *err)
{
	sqlite3 *db = store_db(st);
	sqlite3_stmt *q = NULL;
	struct user u;
	int rc, step;

	if ((rc = store_exec(st, ddl, err)))
		return rc;
	if (sqlite3_prepare_v2(db, "SELECT name, role, post, disabled FROM users ORDER BY name", -1, &q, NULL) != SQLITE_OK)
		return store_error(db, "cannot read the accounts", err);
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		fill(q, &u);
		fn(ctx, &u);
	}
	if (step != SQLITE_DONE)
		rc = store_error(db, "cannot read the accounts", err);
	sqlite3_finalize(q);
	return rc;
}

int user_by_token(sqlite3 *db, const char *token, size_t len, struct user *u)
{
	sqlite3_stmt *q = NULL;
	char tsha[SHA256_HEX_LEN + 1];
	int found = 0;

	if (len != USER_TOKEN_HEX)
		return 0;
	sha256_buf(token, len, tsha);
	if (sqlite3_prepare_v2(db, "SELECT u.name, u.role, u.post, u.disabled FROM user_tokens t JOIN users u"
			       " ON u.name = t.name WHERE t.token_sha256 = ? AND u.disabled = 0", -1, &q, NULL) == SQLITE_OK) {
		sqlite3_bind_text(q, 1, tsha, -1, SQLITE_STATIC);
		if (sqlite3_step(q) == SQLITE_ROW) {
			fill(q, u);
			found = u->role != ROLE_NONE;
		}
	}
	sqlite3_finalize(q);
	return found;
}

int user_by_password(sqlite3 *db, const char *name, const char *password, struct user *u)
{
	sqlite3_stmt *q = NULL;
	int found = 0;

	if (sodium_init() < 0)
		return 0;
	if (sqlite3_prepare_v2(db, "SELECT name, role, post, disabled, password_hash FROM users WHERE name = ?"
			       " AND disabled = 0 AND password_hash IS NOT NULL", -1, &q, NULL) == SQLITE_OK) {
		sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
		if (sqlite3_step(q) == SQLITE_ROW) {
			const char *hash = (const char *)sqlite3_column_text(q, 4);

			fill(q, u);
			found = hash && u->role != ROLE_NONE &&
				crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
		}
	}
	sqlite3_finalize(q);
	return found;
}
