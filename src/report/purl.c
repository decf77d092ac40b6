/* purl: Package URLs (github.com/package-url/purl-spec) for OS packages and
 * for the image, the package "ID" and the result type as Trivy prints them,
 * and two small helpers the SBOM writers share (UUIDs, timestamps).
 *
 * Purls follow Trivy's choices (pkg/purl/purl.go):
 *   apk  pkg:apk/<family>/<name>@<version>?arch=…&distro=<os version>
 *   deb  pkg:deb/<family>/<name>@<version without epoch>?arch=…&distro=<family>-<os version>&epoch=N
 *   rpm  pkg:rpm/<namespace>/<name>@<version>-<release>?arch=…&distro=<family>-<os version>&epoch=N&modularitylabel=…
 * with the rpm namespace "suse" for SLES and "opensuse" for openSUSE, the
 * epoch only when it is not 0, and no namespace or distro when the OS is
 * unknown. Components are percent-encoded as the spec says: everything but
 * ASCII letters, digits, ".-_~" and ":" is %XX (so "+" is "%2B"). Qualifiers
 * are sorted by key.
 *
 * Language packages follow the purl spec's type definitions:
 *   npm  pkg:npm/<name>@<version>, a scope as namespace with its '@' encoded
 *        (pkg:npm/%40babel/core@7.0.0); scope and name lower-cased
 *   pypi pkg:pypi/<name>@<version>, the name normalised as PEP 503 says
 *        (lower case, runs of '-', '_', '.' become one '-': PyYAML ->
 *        pyyaml, zope.interface -> zope-interface) */
#include "report/report.h"

#include "util/util.h"

#include <openssl/rand.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Append s percent-encoded; lower folds ASCII letters to lower case. */
static void pct_append(struct buf *b, const char *s, bool lower)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		unsigned char c = *p;
		if (lower && c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
			    c == '-' || c == '_' || c == '~' || c == ':';
		if (keep) {
			buf_append(b, &c, 1);
		} else {
			char e[3] = {'%', hex[c >> 4], hex[c & 15]};
			buf_append(b, e, 3);
		}
	}
}

static bool nonempty(const char *s)
{
	return s && *s;
}

/* The OS as far as purls are concerned: NULL family when unknown. */
static const char *purl_family(const struct os_info *os)
{
	if (!os || !nonempty(os->family) || strcmp(os->family, "distroless") == 0)
		return NULL;
	return os->family;
}

/* Trivy's OSType.PurlNamespace(): SUSE families share a vendor namespace. */
static const char *purl_namespace(const char *family)
{
	if (strcmp(family, "sles") == 0 || strcmp(family, "slem") == 0)
		return "suse";
	if (strcmp(family, "opensuse-leap") == 0 || strcmp(family, "opensuse-tumbleweed") == 0)
		return "opensuse";
	return family;
}

struct qualifier {
	const char *key; /* keys are added in sorted order */
	char *value;     /* owned */
};

struct purl_parts {
	const char *type;
	const char *ns; /* NULL when none */
	const char *name;
	bool lower_name;
	const char *version; /* NULL when none */
	size_t version_len;
	struct qualifier q[5];
	size_t nq;
};

static void add_q(struct purl_parts *pp, const char *key, char *value)
{
	if (!value)
		return;
	if (!*value || pp->nq == ARRAY_LEN(pp->q)) {
		free(value);
		return;
	}
	pp->q[pp->nq].key = key;
	pp->q[pp->nq].value = value;
	pp->nq++;
}

static char *purl_render(struct purl_parts *pp)
{
	struct buf b = {0};
	buf_appendf(&b, "pkg:%s/", pp->type);
	if (nonempty(pp->ns)) {
		pct_append(&b, pp->ns, true);
		buf_append(&b, "/", 1);
	}
	pct_append(&b, pp->name, pp->lower_name);
	if (pp->version && pp->version_len) {
		char *v = xstrndup(pp->version, pp->version_len);
		buf_append(&b, "@", 1);
		pct_append(&b, v, false);
		free(v);
	}
	/* Sort by key (a handful: insertion sort). */
	for (size_t i = 1; i < pp->nq; i++)
		for (size_t j = i; j > 0 && strcmp(pp->q[j - 1].key, pp->q[j].key) > 0; j--) {
			struct qualifier t = pp->q[j];
			pp->q[j] = pp->q[j - 1];
			pp->q[j - 1] = t;
		}
	for (size_t i = 0; i < pp->nq; i++) {
		buf_append(&b, i ? "&" : "?", 1);
		buf_appendf(&b, "%s=", pp->q[i].key);
		pct_append(&b, pp->q[i].value, false);
		free(pp->q[i].value);
	}
	pp->nq = 0;
	return buf_steal(&b);
}

/* "family-version", or just "family" when the version is unknown. */
static char *distro_of(const char *family, const struct os_info *os)
{
	return nonempty(os->name) ? xasprintf("%s-%s", family, os->name) : xstrdup(family);
}

/* PEP 503 normalised name: lower case, each run of -_. one '-'. */
static char *pep503_name(const char *name)
{
	struct buf b = {0};
	for (const char *s = name; *s; s++) {
		if (*s == '-' || *s == '_' || *s == '.') {
			if (!b.len || b.data[b.len - 1] != '-')
				buf_append(&b, "-", 1);
			continue;
		}
		char c = *s >= 'A' && *s <= 'Z' ? (char)(*s - 'A' + 'a') : *s;
		buf_append(&b, &c, 1);
	}
	return buf_steal(&b);
}

/* Language packages: no OS, no qualifiers. */
static char *lang_purl(const struct pkg *p)
{
	struct purl_parts pp = {0};
	pp.version = p->version;
	pp.version_len = p->version ? strlen(p->version) : 0;
	pp.lower_name = true;
	char *owned = NULL;
	const char *slash = p->name[0] == '@' ? strchr(p->name, '/') : NULL;
	if (p->type == PKG_NPM) {
		pp.type = "npm";
		pp.name = p->name;
		if (slash && slash[1]) {
			owned = xstrndup(p->name, (size_t)(slash - p->name));
			pp.ns = owned;
			pp.name = slash + 1;
		}
	} else {
		pp.type = "pypi";
		owned = pep503_name(p->name);
		pp.name = owned;
	}
	char *s = purl_render(&pp);
	free(owned);
	return s;
}

char *pkg_purl(const struct pkg *p, const struct os_info *os)
{
	if (!p || !nonempty(p->name))
		return NULL;
	if (pkg_type_is_lang(p->type))
		return lang_purl(p);
	const char *family = purl_family(os);
	struct purl_parts pp = {0};
	pp.name = p->name;
	pp.version = p->version;
	pp.version_len = p->version ? strlen(p->version) : 0;
	if (nonempty(p->arch))
		add_q(&pp, "arch", xstrdup(p->arch));

	switch (p->type) {
	case PKG_APK:
		pp.type = "apk";
		pp.lower_name = true;
		if (family) {
			pp.ns = family;
			if (nonempty(os->name))
				add_q(&pp, "distro", xstrdup(os->name));
		}
		break;
	case PKG_DPKG: {
		pp.type = "deb";
		pp.lower_name = true;
		/* dpkg's version carries the epoch ("1:2.36-9"); the purl keeps it
		 * apart in an epoch qualifier, as Trivy does. */
		const char *v = p->version ? p->version : "";
		size_t digits = strspn(v, "0123456789");
		if (digits && v[digits] == ':') {
			long epoch = strtol(v, NULL, 10);
			if (epoch > 0)
				add_q(&pp, "epoch", xasprintf("%ld", epoch));
			pp.version = v + digits + 1;
			pp.version_len = strlen(pp.version);
		}
		if (family) {
			pp.ns = family;
			add_q(&pp, "distro", distro_of(family, os));
		}
		break;
	}
	case PKG_RPM:
		pp.type = "rpm";
		if (p->epoch > 0)
			add_q(&pp, "epoch", xasprintf("%d", p->epoch));
		if (nonempty(p->modularity_label))
			add_q(&pp, "modularitylabel", xstrdup(p->modularity_label));
		if (family) {
			pp.ns = purl_namespace(family);
			add_q(&pp, "distro", distro_of(family, os));
		}
		break;
	default:
		for (size_t i = 0; i < pp.nq; i++)
			free(pp.q[i].value);
		return NULL;
	}
	return purl_render(&pp);
}

char *pkg_id(const struct pkg *p)
{
	const char *name = p->name ? p->name : "";
	const char *version = p->version ? p->version : "";
	/* Trivy: rpm "name@version-release.arch" (no epoch), dpkg and apk
	 * "name@version" with the version as the database has it. */
	if (p->type == PKG_RPM && nonempty(p->arch))
		return xasprintf("%s@%s.%s", name, version, p->arch);
	return xasprintf("%s@%s", name, version);
}

const char *report_os_type(const struct os_info *os)
{
	/* Trivy's OS types (pkg/fanal/types/const.go) are the names vigil uses
	 * for families; "distroless" (packages without release files) is not one. */
	static const char *const known[] = {
		"alpine", "debian", "ubuntu", "centos", "rocky", "alma", "redhat", "fedora", "amazon", "cbl-mariner",
		"azurelinux", "oracle", "sles", "opensuse-leap", "opensuse-tumbleweed", "photon", "wolfi", "chainguard",
	};
	if (!os || !os->family)
		return NULL;
	for (size_t i = 0; i < ARRAY_LEN(known); i++)
		if (strcmp(os->family, known[i]) == 0)
			return known[i];
	return NULL;
}

/* "repo" of a reference: drop "@digest" and a ":tag" after the last "/". */
static char *repo_of_ref(const char *ref)
{
	size_t n = strcspn(ref, "@");
	const char *slash = NULL;
	for (const char *s = ref; s < ref + n; s++)
		if (*s == '/')
			slash = s;
	const char *colon = memchr(slash ? slash : ref, ':', (size_t)(ref + n - (slash ? slash : ref)));
	if (colon)
		n = (size_t)(colon - ref);
	return xstrndup(ref, n);
}

char *image_purl(const struct image *img)
{
	const char *digest = NULL;
	char *repo = NULL;
	bool repo_known = false; /* from a real reference, not a file name */
	if (img->nrepo_digests && img->repo_digests[0]) {
		const char *at = strchr(img->repo_digests[0], '@');
		if (at && at[1]) {
			digest = at + 1;
			repo = xstrndup(img->repo_digests[0], (size_t)(at - img->repo_digests[0]));
			repo_known = true;
		}
	}
	if (!digest)
		digest = nonempty(img->manifest_digest) ? img->manifest_digest : img->id;
	if (!nonempty(digest)) {
		free(repo);
		return NULL;
	}
	if (!repo && img->nrepo_tags && img->repo_tags[0]) {
		repo = repo_of_ref(img->repo_tags[0]);
		repo_known = true;
	}
	if (!repo)
		repo = repo_of_ref(img->name ? img->name : "");
	const char *last = strrchr(repo, '/');
	last = last ? last + 1 : repo;
	struct purl_parts pp = {0};
	pp.type = "oci";
	pp.name = *last ? last : "image";
	pp.lower_name = true;
	pp.version = digest;
	pp.version_len = strlen(digest);
	if (nonempty(img->architecture))
		add_q(&pp, "arch", xstrdup(img->architecture));
	if (repo_known && *repo)
		add_q(&pp, "repository_url", xstrdup(repo));
	char *s = purl_render(&pp);
	free(repo);
	return s;
}

int report_uuid4(char out[37])
{
	unsigned char u[16];
	if (RAND_bytes(u, sizeof u) != 1)
		return -1;
	u[6] = (unsigned char)((u[6] & 0x0f) | 0x40); /* version 4 */
	u[8] = (unsigned char)((u[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	for (size_t i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[u[i] >> 4];
		out[o++] = hex[u[i] & 15];
	}
	out[o] = 0;
	return 0;
}

void report_timestamp(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
