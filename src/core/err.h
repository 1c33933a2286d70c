/*
 * err.h: errors as values. Every fallible function returns 0 or a negative
 * enum err_code and fills the struct err passed as its last parameter.
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_ERR_H
#define PASOS_ERR_H

#include <stdint.h>

enum err_code {
	ERR_OK = 0,
	ERR_IO = -1,       /* a file could not be opened, read or written */
	ERR_STORE = -2,    /* SQLite failed */
	ERR_NOMEM = -3,    /* a size from input went over its cap */
	ERR_USAGE = -4,    /* the caller asked for something impossible */
	ERR_SCHEMA = -5,   /* a register or code list definition is wrong */
	ERR_DATA = -6,     /* a whole file cannot be taken (bad header...) */
	ERR_INTERNAL = -7  /* a bug */
};

#define ERR_MSG_MAX 512

struct err {
	enum err_code code;
	char msg[ERR_MSG_MAX];
	const char *src_file;  /* where in pasos the error was set */
	int src_line;
	/* Where in the data, when it applies: file, line (1-based), column. */
	char data_file[256];
	uint64_t data_line;
	int data_column;
};

/** Reset to "no error". */
void err_init(struct err *err);

/** Set code and formatted message; returns code so callers can `return ERR_SET(...)`. */
int err_set(struct err *err, enum err_code code, const char *src_file, int src_line,
	    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#define ERR_SET(err, code, ...) err_set((err), (code), __FILE__, __LINE__, __VA_ARGS__)

/** Record the data position (copied) the error refers to. */
void err_at(struct err *err, const char *data_file, uint64_t line, int column);

/** A short English name for a code, e.g. "i/o error". */
const char *err_code_name(enum err_code code);

#endif
