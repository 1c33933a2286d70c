/*
 * sha256.h: file and buffer digests for provenance (OpenSSL's libcrypto,
 * which uses the CPU's SHA instructions where it has them).
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_SHA256_H
#define PASOS_SHA256_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"

#define SHA256_HEX_LEN 64

/**
 * SHA-256 of the whole file open on fd (read with pread from offset 0, so
 * the same descriptor can then be parsed: what is recorded is what is
 * read), and its size. path is for messages. Errors: ERR_IO.
 */
int sha256_fd(int fd, const char *path, char hex[SHA256_HEX_LEN + 1], uint64_t *n_bytes, struct err *err);

/** Hex SHA-256 of len bytes at p into hex[65]. */
void sha256_buf(const void *p, size_t len, char hex[SHA256_HEX_LEN + 1]);

#endif
