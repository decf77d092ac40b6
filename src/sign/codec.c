/* Base64 and PEM as Go writes them (cosign's files are written by Go), and the
 * secret holder. Decoders are strict: they read hostile files. */
#include "sign/sign.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

void secret_free(struct secret *s)
{
	if (s->p) {
		OPENSSL_cleanse(s->p, s->n);
		free(s->p);
	}
	s->p = NULL;
	s->n = 0;
}

static const char b64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *sign_b64_encode(const void *p, size_t n)
{
	const unsigned char *s = p;
	char *out = xmalloc((n + 2) / 3 * 4 + 1);
	size_t o = 0, i = 0;
	for (; i + 3 <= n; i += 3) {
		unsigned v = (unsigned)s[i] << 16 | (unsigned)s[i + 1] << 8 | s[i + 2];
		out[o++] = b64_alphabet[v >> 18 & 63];
		out[o++] = b64_alphabet[v >> 12 & 63];
		out[o++] = b64_alphabet[v >> 6 & 63];
		out[o++] = b64_alphabet[v & 63];
	}
	if (n - i == 1) {
		unsigned v = (unsigned)s[i] << 16;
		out[o++] = b64_alphabet[v >> 18 & 63];
		out[o++] = b64_alphabet[v >> 12 & 63];
		out[o++] = '=';
		out[o++] = '=';
	} else if (n - i == 2) {
		unsigned v = (unsigned)s[i] << 16 | (unsigned)s[i + 1] << 8;
		out[o++] = b64_alphabet[v >> 18 & 63];
		out[o++] = b64_alphabet[v >> 12 & 63];
		out[o++] = b64_alphabet[v >> 6 & 63];
		out[o++] = '=';
	}
	out[o] = 0;
	return out;
}

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int sign_b64_decode(const char *s, size_t n, struct buf *out)
{
	if (n % 4)
		return -1;
	/* Reserve everything up front: decoded bytes may be key material, and a
	 * realloc would leave a copy behind in freed memory. */
	void *d = out->data;
	xgrow(&d, &out->cap, out->len + n / 4 * 3 + 1, 1);
	out->data = d;
	buf_append(out, "", 0);
	for (size_t i = 0; i < n; i += 4) {
		int v[4];
		int pad = 0;
		for (int j = 0; j < 4; j++) {
			unsigned char c = (unsigned char)s[i + j];
			/* '=' only in the last quantum, only at its end. */
			if (c == '=' && i + 4 == n && j >= 2) {
				pad++;
				v[j] = 0;
				continue;
			}
			if (pad)
				return -1;
			v[j] = b64_value(c);
			if (v[j] < 0)
				return -1;
		}
		unsigned w = (unsigned)v[0] << 18 | (unsigned)v[1] << 12 | (unsigned)v[2] << 6 | (unsigned)v[3];
		unsigned char b[3] = {(unsigned char)(w >> 16), (unsigned char)(w >> 8), (unsigned char)w};
		/* Go's StdEncoding is strict about the unused bits of the last quantum too. */
		if ((pad == 1 && (w & 0xff)) || (pad == 2 && (w & 0xffff)))
			return -1;
		buf_append(out, b, (size_t)(3 - pad));
	}
	return 0;
}

int sign_pem_decode(const void *text, size_t len, char **type, struct buf *der, struct err *e)
{
	static const char begin[] = "-----BEGIN ", dashes[] = "-----";
	const char *t = text, *end = t + len;
	const char *b = memmem(t, len, begin, sizeof begin - 1);
	if (!b) {
		err_set(e, "no PEM block (no '-----BEGIN ' line)");
		return -1;
	}
	const char *label = b + sizeof begin - 1;
	const char *le = memmem(label, (size_t)(end - label), dashes, sizeof dashes - 1);
	const char *nl = memchr(label, '\n', (size_t)(end - label));
	if (!le || (nl && nl < le) || le - label > 100) {
		err_set(e, "malformed PEM BEGIN line");
		return -1;
	}
	size_t llen = (size_t)(le - label);
	char *endline = xasprintf("-----END %.*s-----", (int)llen, label);
	const char *body = le + sizeof dashes - 1;
	const char *fin = memmem(body, (size_t)(end - body), endline, strlen(endline));
	free(endline);
	if (!fin) {
		err_set(e, "PEM block '%.*s' has no matching END line", (int)llen, label);
		return -1;
	}
	/* Collect the base64 body; Go tolerates headers ("Key: value") before a blank line,
	 * cosign writes none, so a ':' in the body is an error rather than a header. */
	struct buf b64 = {0};
	void *d = NULL;
	xgrow(&d, &b64.cap, (size_t)(fin - body) + 1, 1); /* no realloc of secret text */
	b64.data = d;
	for (const char *p = body; p < fin; p++) {
		if (*p == '\n' || *p == '\r' || *p == ' ' || *p == '\t')
			continue;
		buf_append(&b64, p, 1);
	}
	int rc = sign_b64_decode(b64.data ? (const char *)b64.data : "", b64.len, der);
	OPENSSL_cleanse(b64.data, b64.len);
	buf_free(&b64);
	if (rc != 0) {
		OPENSSL_cleanse(der->data, der->len);
		buf_free(der);
		err_set(e, "PEM block '%.*s': invalid base64 body", (int)llen, label);
		return -1;
	}
	*type = xstrndup(label, llen);
	return 0;
}

char *sign_pem_encode(const char *type, const void *der, size_t n)
{
	char *b = sign_b64_encode(der, n);
	size_t bl = strlen(b);
	struct buf out = {0};
	buf_appendf(&out, "-----BEGIN %s-----\n", type);
	for (size_t i = 0; i < bl; i += 64) {
		buf_append(&out, b + i, bl - i < 64 ? bl - i : 64);
		buf_append(&out, "\n", 1);
	}
	buf_appendf(&out, "-----END %s-----\n", type);
	OPENSSL_cleanse(b, bl);
	free(b);
	return buf_steal(&out);
}
