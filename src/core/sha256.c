/*
 * sha256.c: SHA-256 digests through OpenSSL's EVP interface.
 * SPDX-License-Identifier: MIT
 */
#include "sha256.h"
#include "mem.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK (1u << 20)

static void to_hex(const unsigned char *d, char hex[SHA256_HEX_LEN + 1])
{
	static const char digits[] = "0123456789abcdef";
	int i;

	for (i = 0; i < 32; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[SHA256_HEX_LEN] = '\0';
}

int sha256_fd(int fd, const char *path, char hex[SHA256_HEX_LEN + 1], uint64_t *n_bytes, struct err *err)
{
	unsigned char d[32];
	unsigned int dlen = 0;
	EVP_MD_CTX *ctx = NULL;
	char *chunk = NULL;
	int rc = 0;
	ssize_t n;

	*n_bytes = 0;
	ctx = EVP_MD_CTX_new();
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
		rc = ERR_SET(err, ERR_INTERNAL, "cannot start SHA-256");
		goto out;
	}
	chunk = xmalloc(CHUNK);
	for (;;) {
		/* pread: the descriptor's offset stays where the caller left it */
		n = pread(fd, chunk, CHUNK, (off_t)*n_bytes);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = ERR_SET(err, ERR_IO, "cannot read '%s': %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		EVP_DigestUpdate(ctx, chunk, (size_t)n);
		*n_bytes += (uint64_t)n;
	}
	EVP_DigestFinal_ex(ctx, d, &dlen);
	to_hex(d, hex);
out:
	free(chunk);
	EVP_MD_CTX_free(ctx);
	return rc;
}

void sha256_buf(const void *p, size_t len, char hex[SHA256_HEX_LEN + 1])
{
	unsigned char d[32];
	unsigned int dlen = 0;

	EVP_Digest(p, len, d, &dlen, EVP_sha256(), NULL);
	to_hex(d, hex);
}
