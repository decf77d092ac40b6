/* Image references, parsed like docker's reference package (a strict subset:
 * sha256 digests only), and the loopback test --insecure depends on. */
#include "registry/registry.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { NAME_MAX_LEN = 255, TAG_MAX_LEN = 128 };

static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool registry_digest_valid(const char *d)
{
	if (!d || strncmp(d, "sha256:", 7) != 0 || strlen(d) != 71)
		return false;
	for (const char *p = d + 7; *p; p++)
		if (!isdigit((unsigned char)*p) && !(*p >= 'a' && *p <= 'f'))
			return false;
	return true;
}

/* [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)* over [p, p+n) */
static bool path_component_ok(const char *p, size_t n)
{
	if (n == 0 || !is_lower_alnum(p[0]) || !is_lower_alnum(p[n - 1]))
		return false;
	for (size_t i = 0; i < n;) {
		if (is_lower_alnum(p[i])) {
			i++;
			continue;
		}
		/* a separator run: ".", "_", "__" or "-"+, then alnum */
		size_t j = i;
		if (p[i] == '.') {
			j++;
		} else if (p[i] == '_') {
			j++;
			if (j < n && p[j] == '_')
				j++;
		} else if (p[i] == '-') {
			while (j < n && p[j] == '-')
				j++;
		} else {
			return false;
		}
		if (j >= n || !is_lower_alnum(p[j]))
			return false;
		i = j;
	}
	return true;
}

/* domain components ([A-Za-z0-9] with inner '-') joined by '.', or [IPv6],
 * then an optional :port. */
static bool domain_ok(const char *d, size_t n)
{
	size_t i = 0;
	if (n && d[0] == '[') {
		const char *close = memchr(d, ']', n);
		if (!close || close == d + 1)
			return false;
		size_t alen = (size_t)(close - d - 1);
		char addr[INET6_ADDRSTRLEN + 1];
		unsigned char bin[16];
		if (alen >= sizeof addr)
			return false;
		memcpy(addr, d + 1, alen);
		addr[alen] = 0;
		if (inet_pton(AF_INET6, addr, bin) != 1)
			return false;
		i = alen + 2;
	} else {
		bool comp_start = true;
		for (; i < n && d[i] != ':'; i++) {
			char c = d[i];
			if (isalnum((unsigned char)c)) {
				comp_start = false;
			} else if (c == '-' && !comp_start) {
				if (i + 1 >= n || d[i + 1] == '.' || d[i + 1] == ':')
					return false;
			} else if (c == '.' && !comp_start) {
				comp_start = true;
			} else {
				return false;
			}
		}
		if (i == 0 || comp_start)
			return false;
	}
	if (i == n)
		return true;
	if (d[i] != ':' || i + 1 == n || n - i - 1 > 5)
		return false;
	for (size_t k = i + 1; k < n; k++)
		if (!isdigit((unsigned char)d[k]))
			return false;
	return true;
}

static bool tag_ok(const char *t)
{
	size_t n = strlen(t);
	if (n == 0 || n > TAG_MAX_LEN)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = t[i];
		bool word = isalnum((unsigned char)c) || c == '_';
		if (!word && (i == 0 || (c != '.' && c != '-')))
			return false;
	}
	return true;
}

void registry_ref_free(struct registry_ref *r)
{
	free(r->host);
	free(r->repository);
	free(r->tag);
	free(r->digest);
	memset(r, 0, sizeof *r);
}

int registry_ref_parse(const char *s, struct registry_ref *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	if (!s || !*s) {
		err_set(e, "empty image reference");
		return -1;
	}
	for (const char *p = s; *p; p++) {
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f) {
			err_set(e, "invalid image reference (control, space or non-ASCII character)");
			return -1;
		}
	}
	char *copy = xstrdup(s);
	char *at = strchr(copy, '@');
	if (at) {
		*at = 0;
		if (!registry_digest_valid(at + 1)) {
			err_set(e, "invalid image reference '%s': digest must be sha256: and 64 lowercase hex digits", s);
			goto fail;
		}
		out->digest = xstrdup(at + 1);
	}
	char *slash = strrchr(copy, '/');
	char *colon = strrchr(slash ? slash : copy, ':');
	if (colon) {
		*colon = 0;
		if (!tag_ok(colon + 1)) {
			err_set(e, "invalid image reference '%s': bad tag '%s'", s, colon + 1);
			goto fail;
		}
		out->tag = xstrdup(colon + 1);
	}
	if (strlen(copy) > NAME_MAX_LEN) {
		err_set(e, "invalid image reference: name longer than %d characters", NAME_MAX_LEN);
		goto fail;
	}
	/* The first component is a registry host when it looks like one. */
	char *first_slash = strchr(copy, '/');
	const char *repo = copy;
	if (first_slash) {
		size_t dn = (size_t)(first_slash - copy);
		bool has_upper = false;
		for (size_t i = 0; i < dn; i++)
			has_upper |= isupper((unsigned char)copy[i]) != 0;
		if (memchr(copy, '.', dn) || memchr(copy, ':', dn) || (dn == 9 && !strncmp(copy, "localhost", 9)) ||
		    has_upper) {
			if (!domain_ok(copy, dn)) {
				err_set(e, "invalid image reference '%s': bad registry host", s);
				goto fail;
			}
			out->host = xstrndup(copy, dn);
			repo = first_slash + 1;
		}
	}
	if (!out->host || !strcmp(out->host, "index.docker.io") || !strcmp(out->host, "registry-1.docker.io")) {
		free(out->host);
		out->host = xstrdup("docker.io");
	}
	if (!strcmp(out->host, "docker.io") && !strchr(repo, '/'))
		out->repository = xasprintf("library/%s", repo);
	else
		out->repository = xstrdup(repo);
	/* Each repository component: lowercase alphanumerics with separators. */
	for (const char *p = out->repository;;) {
		const char *end = strchr(p, '/');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (!path_component_ok(p, n)) {
			bool upper = false;
			for (size_t i = 0; i < n; i++)
				upper |= isupper((unsigned char)p[i]) != 0;
			err_set(e, "invalid image reference '%s': %s", s,
				upper ? "repository name must be lowercase"
				      : "repository name components are [a-z0-9] with '.', '_', '__' or '-' between");
			goto fail;
		}
		if (!end)
			break;
		p = end + 1;
	}
	if (!out->tag && !out->digest)
		out->tag = xstrdup("latest");
	free(copy);
	return 0;
fail:
	free(copy);
	registry_ref_free(out);
	return -1;
}

char *registry_ref_familiar(const struct registry_ref *r)
{
	if (!strcmp(r->host, "docker.io")) {
		const char *rest = r->repository + 8;
		if (!strncmp(r->repository, "library/", 8) && !strchr(rest, '/'))
			return xstrdup(rest);
		/* "docker.io/a.b/app" without its host would name host a.b. */
		size_t n = strcspn(r->repository, "/");
		if (!memchr(r->repository, '.', n) && !(n == 9 && !strncmp(r->repository, "localhost", 9)))
			return xstrdup(r->repository);
	}
	return xasprintf("%s/%s", r->host, r->repository);
}

char *registry_ref_string(const struct registry_ref *r)
{
	char *name = registry_ref_familiar(r);
	char *s = r->digest ? xasprintf("%s@%s", name, r->digest) : xasprintf("%s:%s", name, r->tag);
	free(name);
	return s;
}

const char *registry_ref_endpoint(const struct registry_ref *r)
{
	return strcmp(r->host, "docker.io") ? r->host : "registry-1.docker.io";
}

bool registry_host_is_loopback(const char *host)
{
	if (!host)
		return false;
	char addr[INET6_ADDRSTRLEN + 1];
	size_t n;
	if (host[0] == '[') {
		const char *close = strchr(host, ']');
		if (!close || (close[1] && close[1] != ':'))
			return false;
		n = (size_t)(close - host - 1);
		host++;
	} else {
		const char *c = strchr(host, ':');
		/* One colon: host:port. More: a bare IPv6 address. */
		n = c && !strchr(c + 1, ':') ? (size_t)(c - host) : strlen(host);
	}
	if (n == 0 || n >= sizeof addr)
		return false;
	memcpy(addr, host, n);
	addr[n] = 0;
	if (!strcasecmp(addr, "localhost"))
		return true;
	unsigned char bin[16];
	if (inet_pton(AF_INET, addr, bin) == 1)
		return bin[0] == 127;
	if (inet_pton(AF_INET6, addr, bin) == 1) {
		static const unsigned char lo6[16] = {[15] = 1};
		static const unsigned char v4mapped[12] = {[10] = 0xff, [11] = 0xff};
		return !memcmp(bin, lo6, 16) || (!memcmp(bin, v4mapped, 12) && bin[12] == 127);
	}
	return false;
}
