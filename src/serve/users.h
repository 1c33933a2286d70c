/*
 * users.h: the accounts of the service. Each holds a role, a border post
 * for officers, a password hashed with Argon2id (libsodium crypto_pwhash)
 * and API tokens of 256 random bits kept only as their SHA-256: a copy of
 * the store gives no one a way in.
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_USERS_H
#define PASOS_USERS_H

#include "err.h"
#include "store.h"

/*
 * The institutions' own roles (consular, protection, labour, training) write
 * and read the registers whose definitions grant them ('access ROLE...').
 */
enum role {
	ROLE_NONE = 0, ROLE_ADMIN, ROLE_SUPERVISOR, ROLE_OFFICER, ROLE_STATISTICIAN,
	ROLE_CONSULAR, ROLE_PROTECTION, ROLE_LABOUR, ROLE_TRAINING, ROLE_LAST = ROLE_TRAINING
};

#define USER_NAME_MAX 64
#define USER_TOKEN_HEX 64  /* 32 random bytes as hex */

struct user {
	char name[USER_NAME_MAX + 1];
	enum role role;
	char post[16];  /* officers: their border post code */
	int disabled;
};

/** "admin", "supervisor", "officer", "statistician", "consular", "protection", "labour", "training"; else ROLE_NONE. */
enum role user_role_parse(const char *s);
const char *user_role_name(enum role r);

/**
 * Add an account and make its first API token, written into token (hex, 64
 * characters and a NUL): shown once, kept only hashed. password may be
 * NULL (token only). Errors: ERR_USAGE (a name that is not [a-z0-9._-],
 * taken, an officer without a post), ERR_STORE.
 */
int user_add(struct store *st, const char *name, enum role role, const char *post, const char *password,
	     char token[USER_TOKEN_HEX + 1], struct err *err);

/** Disable an account: its tokens stop working at once. Errors: ERR_USAGE (no such account), ERR_STORE. */
int user_disable(struct store *st, const char *name, struct err *err);

/** Call fn for each account, in name order. */
int user_list(struct store *st, void (*fn)(void *ctx, const struct user *u), void *ctx, struct err *err);

/**
 * The enabled account holding this API token, from db (the caller's
 * connection). Returns 1 and fills *u when found, 0 when not.
 */
int user_by_token(sqlite3 *db, const char *token, size_t len, struct user *u);

/** The enabled account of this name whose Argon2id hash matches password: 1 and *u, or 0. */
int user_by_password(sqlite3 *db, const char *name, const char *password, struct user *u);

#endif
