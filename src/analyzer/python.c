/* python: installed Python distributions, as Trivy's python-pkg analyzer
 * reports them for images: *.dist-info/METADATA (wheels, pip),
 * *.egg-info/PKG-INFO and single-file *.egg-info (setuptools, Debian's
 * python3-* packages), anywhere (site-packages, dist-packages, venvs).
 *
 * The files are RFC 822-style headers (Core metadata specification) followed
 * by a body we never need. Only the header block is read, the way Python's
 * email parser (what importlib.metadata uses) splits it: "Key: value" lines,
 * continuation lines starting with a space or tab, and the block ends at the
 * first empty line or at the first line that is neither. Keys are
 * case-insensitive and the first occurrence wins (email.message's
 * msg["Name"]).
 *
 * License, in Trivy's order: License-Expression (PEP 639), else License,
 * else the last part of the first "Classifier: License :: …". A License that
 * is "UNKNOWN" (old setuptools' placeholder) or a whole license text (folded
 * over several lines, or long) names no license, so the classifier is used. */
#include "analyzer/analyzer.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* METADATA bodies (the long description) reach hundreds of KiB; the header
 * block we read is a few KiB, more with a license text in it. A header block
 * that does not end within 1 MiB is not metadata. */
#define PY_META_MAX (1024u * 1024u)
/* Longest License value taken as a license name rather than its text. */
#define PY_LICENSE_NAME_MAX 200u
/* Longest version kept: PEP 440 versions are tens of bytes. */
#define PY_VERSION_MAX 256u

/* True when path[0..n) ends with a component that is suffix preceded by at
 * least one character ("x.dist-info", not ".dist-info"). */
static bool ends_with_named(const char *path, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);
	return n > k && memcmp(path + n - k, suffix, k) == 0 && path[n - k - 1] != '/';
}

static bool python_match(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	size_t dir_len = slash ? (size_t)(slash - path) : 0;
	if (strcmp(base, "METADATA") == 0)
		return ends_with_named(path, dir_len, ".dist-info");
	if (strcmp(base, "PKG-INFO") == 0)
		return ends_with_named(path, dir_len, ".egg-info");
	return ends_with_named(path, strlen(path), ".egg-info");
}

/* The header being collected: its key and its unfolded value. */
struct header {
	const char *key;
	size_t key_len;
	struct buf value;
	bool folded; /* had continuation lines */
};

struct py_meta {
	char *name, *version, *license, *license_expr, *classifier_license;
	bool license_unusable; /* License present but a text or "UNKNOWN" */
};

static bool key_is(const struct header *h, const char *k)
{
	return h->key_len == strlen(k) && strncasecmp(h->key, k, h->key_len) == 0;
}

/* Trim trailing spaces, tabs and CRs in place. */
static void rtrim(struct buf *b)
{
	while (b->len && (b->data[b->len - 1] == ' ' || b->data[b->len - 1] == '\t' || b->data[b->len - 1] == '\r'))
		b->len--;
}

static char *value_copy(struct header *h)
{
	rtrim(&h->value);
	return xstrndup(h->value.data ? (const char *)h->value.data : "", h->value.len);
}

/* "License :: OSI Approved :: MIT License" -> "MIT License". */
static char *classifier_license(const char *v)
{
	static const char prefix[] = "License :: ";
	if (strncmp(v, prefix, sizeof prefix - 1) != 0)
		return NULL;
	const char *last = v, *sep;
	while ((sep = strstr(last, " :: ")))
		last = sep + 4;
	return *last ? xstrdup(last) : NULL;
}

static void finish_header(struct header *h, struct py_meta *m)
{
	if (!h->key)
		return;
	char **slot = NULL;
	if (key_is(h, "Name"))
		slot = &m->name;
	else if (key_is(h, "Version"))
		slot = &m->version;
	else if (key_is(h, "License-Expression"))
		slot = &m->license_expr;
	if (slot && !*slot) {
		*slot = value_copy(h);
	} else if (key_is(h, "License") && !m->license && !m->license_unusable) {
		char *v = value_copy(h);
		if (!*v || h->folded || strlen(v) > PY_LICENSE_NAME_MAX || strcasecmp(v, "UNKNOWN") == 0) {
			m->license_unusable = true;
			free(v);
		} else {
			m->license = v;
		}
	} else if (key_is(h, "Classifier") && !m->classifier_license) {
		char *v = value_copy(h);
		m->classifier_license = classifier_license(v);
		free(v);
	}
	h->key = NULL;
	h->value.len = 0;
	h->folded = false;
}

/* A header line per Python's email parser: a key of printable ASCII other
 * than ':' (no spaces), then ':'. Returns the key length, or -1. */
static long header_key_len(const char *line, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)line[i];
		if (c == ':')
			return (long)i;
		if (c < 0x21 || c > 0x7e)
			return -1;
	}
	return -1;
}

/* Reads the header block into m. Returns 0, or -1 with e set. */
static int read_headers(const char *data, size_t size, bool truncated, struct py_meta *m, struct err *e)
{
	struct header h = {0};
	size_t pos = 0;
	bool ended = false;
	while (pos < size) {
		const char *line = data + pos;
		const char *nl = memchr(line, '\n', size - pos);
		size_t len = nl ? (size_t)(nl - line) : size - pos;
		if (!nl && truncated)
			break; /* a line cut by the cap */
		pos += len + (nl ? 1 : 0);
		if (memchr(line, 0, len)) {
			err_set(e, "NUL byte in the header block: not package metadata");
			buf_free(&h.value);
			return -1;
		}
		size_t content = len;
		if (content && line[content - 1] == '\r')
			content--;
		if (content == 0) {
			ended = true;
			break;
		}
		if (line[0] == ' ' || line[0] == '\t') {
			if (!h.key)
				continue; /* a continuation with nothing to continue: ignored */
			size_t skip = 0;
			while (skip < content && (line[skip] == ' ' || line[skip] == '\t'))
				skip++;
			rtrim(&h.value);
			buf_append(&h.value, " ", 1);
			buf_append(&h.value, line + skip, content - skip);
			h.folded = true;
			continue;
		}
		long klen = header_key_len(line, content);
		if (klen < 0) {
			ended = true; /* the body starts without a blank line */
			break;
		}
		finish_header(&h, m);
		h.key = line;
		h.key_len = (size_t)klen;
		size_t v = (size_t)klen + 1;
		while (v < content && (line[v] == ' ' || line[v] == '\t'))
			v++;
		buf_append(&h.value, line + v, content - v);
	}
	if (!ended && truncated) {
		err_set(e, "header block exceeds the %u-byte cap", PY_META_MAX);
		buf_free(&h.value);
		return -1;
	}
	finish_header(&h, m);
	buf_free(&h.value);
	return 0;
}

/* PEP 508 names: ASCII letters and digits, with '.', '_', '-' inside. */
static bool valid_name(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > 256)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		bool inner = c == '.' || c == '_' || c == '-';
		if (!alnum && !(inner && i > 0 && i + 1 < n))
			return false;
	}
	return true;
}

/* A version we can carry: printable ASCII without spaces (PEP 440 and the
 * legacy versions setuptools accepted). */
static bool valid_version(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > PY_VERSION_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e)
			return false;
	return true;
}

static void meta_free(struct py_meta *m)
{
	free(m->name);
	free(m->version);
	free(m->license);
	free(m->license_expr);
	free(m->classifier_license);
}

static int python_parse(const struct analyzer_input *in, struct analysis *out, struct err *e)
{
	struct py_meta m = {0};
	int rc = -1;
	if (read_headers((const char *)in->data, in->size, in->truncated, &m, e) != 0)
		goto done;
	if (!m.name || !*m.name || !m.version || !*m.version) {
		err_set(e, "no %s header: not package metadata", !m.name || !*m.name ? "Name" : "Version");
		goto done;
	}
	if (!valid_name(m.name)) {
		err_set(e, "distribution name with characters PEP 508 does not allow");
		goto done;
	}
	if (!valid_version(m.version)) {
		err_set(e, "version with spaces, control or non-ASCII bytes, or over %u bytes", PY_VERSION_MAX);
		goto done;
	}
	struct pkg *p = pkg_list_add(&out->pkgs);
	p->type = PKG_PYPI;
	p->name = m.name;
	p->version = m.version;
	m.name = m.version = NULL;
	if (m.license_expr && *m.license_expr) {
		p->license = m.license_expr;
		m.license_expr = NULL;
	} else if (m.license) {
		p->license = m.license;
		m.license = NULL;
	} else if (m.classifier_license) {
		p->license = m.classifier_license;
		m.classifier_license = NULL;
	}
	rc = 0;
done:
	meta_free(&m);
	return rc;
}

const struct analyzer analyzer_python = {
	.name = "python",
	.match = python_match,
	.max_bytes = PY_META_MAX,
	.parse = python_parse,
};
