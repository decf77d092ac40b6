/* The parsing half of registry authentication: WWW-Authenticate challenges
 * and docker config.json credentials. Pure functions over bytes, so the unit
 * tests and the fuzzer reach them without a network. */
#include "registry/registry.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* RFC 7230 tchar */
static bool is_tchar(char c)
{
	return isalnum((unsigned char)c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* A quoted-string (backslash escapes) or a run up to ',' or whitespace.
 * Returns the position after it, or NULL when a quote is not closed. */
static const char *read_value(const char *p, struct buf *out)
{
	if (*p == '"') {
		for (p++; *p != '"'; p++) {
			if (!*p)
				return NULL;
			if (*p == '\\') {
				if (!p[1])
					return NULL;
				p++;
			}
			buf_append(out, p, 1);
		}
		buf_append(out, "", 0);
		return p + 1;
	}
	const char *start = p;
	while (*p && *p != ',' && *p != ' ' && *p != '\t')
		p++;
	buf_append(out, start, (size_t)(p - start));
	return p;
}

void registry_challenge_free(struct registry_challenge *c)
{
	free(c->realm);
	free(c->service);
	free(c->scope);
	memset(c, 0, sizeof *c);
}

int registry_parse_challenge(const char *header, struct registry_challenge *out)
{
	memset(out, 0, sizeof *out);
	/* Every challenge is parsed; the first Bearer wins, else the first Basic. */
	struct registry_challenge cur = {0}, basic = {0};
	bool in_challenge = false, have_bearer = false, have_basic = false;
	const char *p = header ? header : "";
	int rc = 0;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (!*p)
			break;
		const char *tok = p;
		while (is_tchar(*p))
			p++;
		size_t toklen = (size_t)(p - tok);
		if (toklen == 0) {
			rc = -1;
			break;
		}
		p = skip_ws(p);
		if (*p == '=' && in_challenge) {
			p = skip_ws(p + 1);
			struct buf v = {0};
			p = read_value(p, &v);
			if (!p) {
				buf_free(&v);
				rc = -1;
				break;
			}
			char **slot = NULL;
			if (toklen == 5 && !strncasecmp(tok, "realm", 5))
				slot = &cur.realm;
			else if (toklen == 7 && !strncasecmp(tok, "service", 7))
				slot = &cur.service;
			else if (toklen == 5 && !strncasecmp(tok, "scope", 5))
				slot = &cur.scope;
			if (slot && !*slot)
				*slot = v.data ? buf_steal(&v) : xstrdup("");
			buf_free(&v);
			continue;
		}
		if (*p == '=') {
			/* A parameter before any scheme. */
			rc = -1;
			break;
		}
		/* A new challenge starts: keep the one that ends if it is wanted. */
		if (in_challenge) {
			if (cur.scheme == REGISTRY_AUTH_BEARER && !have_bearer) {
				*out = cur;
				have_bearer = true;
			} else if (cur.scheme == REGISTRY_AUTH_BASIC && !have_basic) {
				basic = cur;
				have_basic = true;
			} else {
				registry_challenge_free(&cur);
			}
			memset(&cur, 0, sizeof cur);
		}
		in_challenge = true;
		if (toklen == 6 && !strncasecmp(tok, "bearer", 6))
			cur.scheme = REGISTRY_AUTH_BEARER;
		else if (toklen == 5 && !strncasecmp(tok, "basic", 5))
			cur.scheme = REGISTRY_AUTH_BASIC;
		else
			cur.scheme = REGISTRY_AUTH_NONE;
	}
	if (rc == 0 && in_challenge) {
		if (cur.scheme == REGISTRY_AUTH_BEARER && !have_bearer) {
			*out = cur;
			have_bearer = true;
		} else if (cur.scheme == REGISTRY_AUTH_BASIC && !have_basic) {
			basic = cur;
			have_basic = true;
		} else {
			registry_challenge_free(&cur);
		}
	} else {
		registry_challenge_free(&cur);
	}
	if (rc != 0) {
		if (have_bearer)
			registry_challenge_free(out);
		registry_challenge_free(&basic);
		return -1;
	}
	if (!have_bearer && have_basic)
		*out = basic;
	else
		registry_challenge_free(&basic);
	return 0;
}

/* ---- docker config.json ----------------------------------------------------- */

static int b64_value(char c)
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

/* Standard base64, padding optional. NULL on a bad character or length. */
static char *b64_decode(const char *s, size_t *outlen)
{
	size_t n = strlen(s);
	while (n && s[n - 1] == '=')
		n--;
	if (n % 4 == 1)
		return NULL;
	char *out = xmalloc(n / 4 * 3 + 3);
	size_t o = 0;
	uint32_t acc = 0;
	int bits = 0;
	for (size_t i = 0; i < n; i++) {
		int v = b64_value(s[i]);
		if (v < 0) {
			free(out);
			return NULL;
		}
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)((acc >> bits) & 0xff);
		}
	}
	out[o] = 0;
	*outlen = o;
	return out;
}

/* "https://index.docker.io/v1/" -> "docker.io"; "http://h:5000/x" -> "h:5000". */
static char *normalise_host(const char *key)
{
	const char *p = key;
	if (!strncasecmp(p, "https://", 8))
		p += 8;
	else if (!strncasecmp(p, "http://", 7))
		p += 7;
	size_t n = strcspn(p, "/");
	char *h = xstrndup(p, n);
	for (char *c = h; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	if (!strcmp(h, "index.docker.io") || !strcmp(h, "registry-1.docker.io")) {
		free(h);
		h = xstrdup("docker.io");
	}
	return h;
}

static int take_entry(json_t *entry, char **user, char **password)
{
	const char *auth = json_string_value(json_object_get(entry, "auth"));
	if (auth && *auth) {
		size_t n = 0;
		char *dec = b64_decode(auth, &n);
		char *colon = dec && strlen(dec) == n ? strchr(dec, ':') : NULL;
		if (colon) {
			*colon = 0;
			*user = xstrdup(dec);
			*password = xstrdup(colon + 1);
			free(dec);
			return 1;
		}
		free(dec);
	}
	const char *u = json_string_value(json_object_get(entry, "username"));
	const char *pw = json_string_value(json_object_get(entry, "password"));
	if (u && pw) {
		*user = xstrdup(u);
		*password = xstrdup(pw);
		return 1;
	}
	return 0;
}

int registry_config_lookup(const char *json, size_t len, const char *host, char **user, char **password,
			   struct err *e)
{
	*user = *password = NULL;
	json_error_t je;
	json_t *root = json_loadb(json, len, 0, &je);
	if (!root) {
		err_set(e, "invalid JSON at line %d: %s", je.line, je.text);
		return -1;
	}
	int rc = 0;
	json_t *auths = json_object_get(root, "auths");
	if (!json_is_object(auths))
		goto out;
	/* An exact key first, then keys that name the same host as a URL. */
	json_t *exact = json_object_get(auths, host);
	if (json_is_object(exact) && (rc = take_entry(exact, user, password)) != 0)
		goto out;
	char *want = normalise_host(host);
	const char *key;
	json_t *entry;
	json_object_foreach(auths, key, entry)
	{
		if (!json_is_object(entry))
			continue;
		char *have = normalise_host(key);
		bool same = !strcmp(have, want);
		free(have);
		if (same && (rc = take_entry(entry, user, password)) != 0)
			break;
	}
	free(want);
out:
	json_decref(root);
	return rc;
}

int registry_docker_credentials(const char *dir, const char *host, char **user, char **password, struct err *e)
{
	*user = *password = NULL;
	char *path;
	const char *env = getenv("DOCKER_CONFIG");
	const char *home = getenv("HOME");
	if (dir)
		path = xasprintf("%s/config.json", dir);
	else if (env && *env)
		path = xasprintf("%s/config.json", env);
	else if (home && *home)
		path = xasprintf("%s/.docker/config.json", home);
	else
		return 0;
	if (access(path, F_OK) != 0 && errno == ENOENT) {
		free(path);
		return 0;
	}
	struct buf b = {0};
	int rc = read_file_capped(path, 1 << 20, &b, e);
	if (rc == 0) {
		rc = registry_config_lookup((const char *)b.data, b.len, host, user, password, e);
		if (rc < 0)
			err_prefix(e, "%s", path);
	}
	buf_free(&b);
	free(path);
	return rc;
}
