/* Canonical JSON, byte for byte what notary computes before checking a
 * signature: it decodes "signed" into map[string]interface{} (so every number
 * becomes a float64) and re-encodes it with github.com/docker/go's canonical
 * encoder: sorted keys, no whitespace, only '"' and '\\' escaped, integral
 * floats printed as Go prints them (below). */
#include "trust/trust.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put_string(struct buf *out, const char *s, size_t n)
{
	buf_append(out, "\"", 1);
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\') {
			buf_append(out, s + start, i - start);
			buf_append(out, "\\", 1);
			start = i;
		}
	}
	buf_append(out, s + start, n - start);
	buf_append(out, "\"", 1);
}

/* A float64 as Go's encoding/json (and the docker/go canonical fork notary
 * ships) writes it: ES6 number-to-string, i.e. the shortest digits that
 * round-trip, plain ('f') when 1e-6 <= |f| < 1e21, else exponent form ("1e+21").
 * Checked against notary itself: a 1500000-byte target's length is signed as
 * "1500000", not as strconv's 'g' form "1.5e+06". */
static void put_number(struct buf *out, double f)
{
	char digits[32];
	int prec;
	/* Shortest precision that round-trips. */
	for (prec = 1; prec <= 17; prec++) {
		snprintf(digits, sizeof digits, "%.*e", prec - 1, f);
		if (strtod(digits, NULL) == f)
			break;
	}
	/* digits is now "d.ddde[+-]XX" (or "de[+-]XX"): split mantissa and exponent. */
	char *ep = strchr(digits, 'e');
	int exp = atoi(ep + 1);
	char mant[24];
	size_t nm = 0;
	bool neg = digits[0] == '-';
	for (char *p = digits + neg; p < ep; p++)
		if (*p != '.')
			mant[nm++] = *p;
	mant[nm] = 0;
	if (neg)
		buf_append(out, "-", 1);
	if (f != 0 && (exp < -6 || exp >= 21)) {
		/* d[.ddd]e±XX with at least two exponent digits. */
		buf_append(out, mant, 1);
		if (nm > 1) {
			buf_append(out, ".", 1);
			buf_append(out, mant + 1, nm - 1);
		}
		buf_appendf(out, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
		return;
	}
	/* %f with exactly the shortest digits. */
	if (exp < 0) {
		buf_append(out, "0.", 2);
		for (int i = -1; i > exp; i--)
			buf_append(out, "0", 1);
		buf_append(out, mant, nm);
		return;
	}
	size_t ip = (size_t)exp + 1; /* digits before the point */
	if (nm <= ip) {
		buf_append(out, mant, nm);
		for (size_t i = nm; i < ip; i++)
			buf_append(out, "0", 1);
	} else {
		buf_append(out, mant, ip);
		buf_append(out, ".", 1);
		buf_append(out, mant + ip, nm - ip);
	}
}

static int cmp_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int encode(const json_t *v, struct buf *out, int depth, struct err *e)
{
	/* jansson itself caps nesting when parsing; this guards values built in code. */
	if (depth > 512) {
		err_set(e, "canonical JSON: nested too deeply");
		return -1;
	}
	switch (json_typeof(v)) {
	case JSON_NULL:
		buf_append(out, "null", 4);
		return 0;
	case JSON_TRUE:
		buf_append(out, "true", 4);
		return 0;
	case JSON_FALSE:
		buf_append(out, "false", 5);
		return 0;
	case JSON_STRING:
		put_string(out, json_string_value(v), json_string_length(v));
		return 0;
	case JSON_INTEGER:
	case JSON_REAL: {
		double f = json_number_value(v);
		if (!isfinite(f) || floor(f) != f) {
			err_set(e, "canonical JSON: non-integral number %g", f);
			return -1;
		}
		put_number(out, f);
		return 0;
	}
	case JSON_ARRAY: {
		buf_append(out, "[", 1);
		for (size_t i = 0; i < json_array_size(v); i++) {
			if (i)
				buf_append(out, ",", 1);
			if (encode(json_array_get(v, i), out, depth + 1, e))
				return -1;
		}
		buf_append(out, "]", 1);
		return 0;
	}
	case JSON_OBJECT: {
		size_t n = json_object_size(v), k = 0;
		const char **keys = xmalloc((n ? n : 1) * sizeof *keys);
		const char *key;
		json_t *val;
		json_object_foreach((json_t *)v, key, val)
			keys[k++] = key;
		/* strcmp on UTF-8 is Go's string order (bytewise). */
		qsort(keys, n, sizeof *keys, cmp_keys);
		buf_append(out, "{", 1);
		int rc = 0;
		for (size_t i = 0; i < n && rc == 0; i++) {
			if (i)
				buf_append(out, ",", 1);
			put_string(out, keys[i], strlen(keys[i]));
			buf_append(out, ":", 1);
			rc = encode(json_object_get(v, keys[i]), out, depth + 1, e);
		}
		free(keys);
		if (rc == 0)
			buf_append(out, "}", 1);
		return rc;
	}
	}
	err_set(e, "canonical JSON: unknown value type");
	return -1;
}

int cjson_encode(const json_t *v, struct buf *out, struct err *e)
{
	buf_append(out, "", 0);
	return encode(v, out, 0, e);
}
