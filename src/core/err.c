/*
 * err.c: filling struct err. Stages never print; cmd_*.c print what is here.
 * SPDX-License-Identifier: MIT
 */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void err_init(struct err *err)
{
	memset(err, 0, sizeof(*err));
}

int err_set(struct err *err, enum err_code code, const char *src_file, int src_line,
	    const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	err->src_file = src_file;
	err->src_line = src_line;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

void err_at(struct err *err, const char *data_file, uint64_t line, int column)
{
	if (!err)
		return;
	snprintf(err->data_file, sizeof(err->data_file), "%s", data_file ? data_file : "");
	err->data_line = line;
	err->data_column = column;
}

const char *err_code_name(enum err_code code)
{
	switch (code) {
	case ERR_OK: return "ok";
	case ERR_IO: return "i/o error";
	case ERR_STORE: return "store error";
	case ERR_NOMEM: return "too large";
	case ERR_USAGE: return "usage error";
	case ERR_SCHEMA: return "schema error";
	case ERR_DATA: return "data error";
	case ERR_INTERNAL: return "internal error";
	}
	return "error";
}
