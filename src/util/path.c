#include "util/util.h"

#include <stdlib.h>
#include <string.h>

char *path_normalize(const char *in)
{
	size_t n = strlen(in);
	char *out = xmalloc(n + 1);
	size_t o = 0;
	const char *p = in;
	while (*p) {
		while (*p == '/')
			p++;
		const char *s = p;
		while (*p && *p != '/')
			p++;
		size_t len = (size_t)(p - s);
		if (len == 0 || (len == 1 && s[0] == '.'))
			continue;
		if (len == 2 && s[0] == '.' && s[1] == '.') {
			if (o == 0) {
				free(out);
				return NULL; /* climbs above the root */
			}
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--; /* drop the separator too */
			continue;
		}
		if (o > 0)
			out[o++] = '/';
		memcpy(out + o, s, len);
		o += len;
	}
	out[o] = 0;
	return out;
}

const char *path_base(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

bool path_is_under(const char *p, const char *dir)
{
	size_t n = strlen(dir);
	if (n == 0)
		return true;
	return strncmp(p, dir, n) == 0 && (p[n] == 0 || p[n] == '/');
}

char *utf8_sanitize(const char *s)
{
	struct buf b = {0};
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		size_t need = 0;
		unsigned c = *p;
		if (c < 0x80)
			need = 1;
		else if (c >= 0xc2 && c <= 0xdf)
			need = 2;
		else if (c >= 0xe0 && c <= 0xef)
			need = 3;
		else if (c >= 0xf0 && c <= 0xf4)
			need = 4;
		bool ok = need > 0;
		for (size_t i = 1; ok && i < need; i++)
			ok = (p[i] & 0xc0) == 0x80;
		if (ok && need == 3) {
			/* reject overlongs and surrogates */
			if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] >= 0xa0))
				ok = false;
		}
		if (ok && need == 4) {
			if ((c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] >= 0x90))
				ok = false;
		}
		if (ok && need == 1 && c < 0x20 && c != '\t') {
			buf_appendf(&b, "\\x%02x", c);
			p++;
			continue;
		}
		if (ok) {
			buf_append(&b, p, need);
			p += need;
		} else {
			buf_appendf(&b, "\\x%02x", c);
			p++;
		}
	}
	return buf_steal(&b);
}
