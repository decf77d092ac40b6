/* Fuzz the parsers of the registry client that see a stranger's bytes: image
 * references (command line, but also names inside indexes), WWW-Authenticate
 * challenges, docker config.json credentials, and platform selection from an
 * index. Every input goes through all of them. Properties checked beyond "no
 * crash, no leak": a parsed reference prints back to a string that parses to
 * the same reference, and parsed challenge values and credentials are
 * NUL-terminated strings of the input's own bytes. */
#include "registry/registry.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static void check_ref(const char *s)
{
	struct registry_ref r;
	struct err e = {{0}};
	if (registry_ref_parse(s, &r, &e) != 0) {
		if (!e.msg[0] || r.host || r.repository || r.tag || r.digest)
			abort();
		return;
	}
	if (!r.host || !r.repository || !*r.repository || (!r.tag && !r.digest))
		abort();
	if (r.digest && !registry_digest_valid(r.digest))
		abort();
	(void)registry_ref_endpoint(&r);
	(void)registry_host_is_loopback(r.host);
	char *str = registry_ref_string(&r);
	struct registry_ref back;
	if (registry_ref_parse(str, &back, &e) != 0)
		abort();
	if (!same(back.host, r.host) || !same(back.repository, r.repository) || !same(back.digest, r.digest) ||
	    (!r.digest && !same(back.tag, r.tag)))
		abort();
	registry_ref_free(&back);
	free(str);
	registry_ref_free(&r);
}

static void check_challenge(const char *s)
{
	struct registry_challenge c;
	int rc = registry_parse_challenge(s, &c);
	if (rc != 0) {
		if (c.realm || c.service || c.scope)
			abort();
		return;
	}
	size_t n = 0;
	if (c.realm)
		n += strlen(c.realm);
	if (c.service)
		n += strlen(c.service);
	if (c.scope)
		n += strlen(c.scope);
	if (n > strlen(s))
		abort();
	registry_challenge_free(&c);
}

static void check_config(const uint8_t *data, size_t size, const char *host)
{
	char *u = NULL, *p = NULL;
	struct err e = {{0}};
	int rc = registry_config_lookup((const char *)data, size, host, &u, &p, &e);
	if (rc == 1 && (!u || !p))
		abort();
	if (rc != 1 && (u || p))
		abort();
	if (rc < 0 && !e.msg[0])
		abort();
	free(u);
	free(p);
}

static void check_index(const uint8_t *data, size_t size, const char *platform)
{
	struct buf b = {0};
	buf_append(&b, data, size);
	char dg[72];
	char *mt = NULL;
	struct err e = {{0}};
	if (registry_pick_platform(&b, platform, dg, &mt, &e) == 0) {
		if (!registry_digest_valid(dg))
			abort();
	} else if (mt || !e.msg[0]) {
		abort();
	}
	free(mt);
	buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1 << 20)
		return 0;
	char *s = malloc(size + 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = 0; /* string parsers see the bytes up to the first NUL */
	check_ref(s);
	check_challenge(s);
	(void)registry_host_is_loopback(s);
	check_config(data, size, "docker.io");
	check_config(data, size, "127.0.0.1:5000");
	check_index(data, size, "linux/amd64");
	check_index(data, size, "linux/arm64/v8");
	free(s);
	return 0;
}
