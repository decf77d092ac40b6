/* npm: installed Node.js packages, one per package.json, as Trivy's node-pkg
 * analyzer reports them for images.
 *
 * Which package.json files are installed packages: the one directly inside
 * node_modules/<name>/ or node_modules/@scope/<name>/ at any depth (npm,
 * yarn, pnpm's .pnpm/<id>/node_modules/<name>/ included), and Debian's
 * global module directories usr/share/nodejs, usr/lib/nodejs and
 * usr/lib/<triplet>/nodejs (node-* packages). An application's own
 * package.json (app/package.json) or one deeper inside a package
 * (node_modules/x/lib/package.json) is not an installed package.
 *
 * From the file we keep name, version and license, like Trivy's packagejson
 * parser: a file without name or version is no package (no error), a name
 * npm would not publish is refused. Parsed with jansson, never by hand. */
#include "analyzer/analyzer.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* Real package.json files are a few KiB; old npm versions copied the README
 * into a "readme" field, which reaches a few hundred KiB. 4 MiB keeps every
 * real one and bounds what a hostile file makes us parse. */
#define NPM_JSON_MAX (4u * 1024u * 1024u)
/* Longest version/license string kept: real ones are tens of bytes. */
#define NPM_FIELD_MAX 1024u

/* The component of path ending right before `end` ('/' or the string's end). */
static const char *component_start(const char *path, const char *end)
{
	const char *s = end;
	while (s > path && s[-1] != '/')
		s--;
	return s;
}

static bool slice_is(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

/* True when dir[0..n) is a directory node resolves packages in: any
 * node_modules, or one of Debian's global module directories. */
static bool is_module_root(const char *dir, size_t n)
{
	const char *last = component_start(dir, dir + n);
	if (slice_is(last, (size_t)(dir + n - last), "node_modules"))
		return true;
	if (slice_is(dir, n, "usr/share/nodejs") || slice_is(dir, n, "usr/lib/nodejs"))
		return true;
	/* usr/lib/<multiarch triplet>/nodejs: exactly one component between */
	static const char lib[] = "usr/lib/", tail[] = "/nodejs";
	size_t nl = sizeof lib - 1, nt = sizeof tail - 1;
	if (n > nl + nt && memcmp(dir, lib, nl) == 0 && memcmp(dir + n - nt, tail, nt) == 0) {
		const char *mid = dir + nl;
		size_t mid_len = n - nl - nt;
		return mid_len > 0 && !memchr(mid, '/', mid_len);
	}
	return false;
}

static bool npm_match(const char *path)
{
	static const char file[] = "/package.json";
	size_t n = strlen(path), nf = sizeof file - 1;
	if (n <= nf || strcmp(path + n - nf, file) != 0)
		return false;
	const char *name_end = path + n - nf;
	const char *name = component_start(path, name_end);
	/* A package directory is neither hidden (.bin, .pnpm) nor a scope. */
	if (name == name_end || name[0] == '.' || name[0] == '@' || name == path)
		return false;
	size_t parent_len = (size_t)(name - 1 - path);
	if (is_module_root(path, parent_len))
		return true;
	const char *scope = component_start(path, path + parent_len);
	if (scope[0] != '@' || scope + 1 == path + parent_len || scope == path)
		return false;
	return is_module_root(path, (size_t)(scope - 1 - path));
}

/* npm's rule for names (Trivy's packagejson.IsValidName): URL-safe
 * characters, optionally one "@scope/" prefix. */
static bool valid_name(const char *s)
{
	const char *p = s;
	if (*p == '@') {
		const char *slash = strchr(p, '/');
		if (!slash || slash == p + 1)
			return false;
		for (const char *q = p + 1; q < slash; q++)
			if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._", *q))
				return false;
		p = slash + 1;
	}
	if (!*p)
		return false;
	for (; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._", *p))
			return false;
	return true;
}

/* A string field fit to keep: short, no control characters (jansson has
 * already checked it is UTF-8 without NUL). */
static bool printable(const char *s)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++, n++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return n <= NPM_FIELD_MAX;
}

/* One license entry: "MIT", or the legacy {"type": "MIT", "url": …}. */
static const char *license_word(const json_t *v)
{
	if (json_is_object(v))
		v = json_object_get(v, "type");
	const char *s = json_string_value(v);
	return s && *s && printable(s) ? s : NULL;
}

/* license (string, or the legacy object), else the legacy licenses[] array
 * (of strings or objects). npm's documentation replaces such an array by
 * "(A OR B)", so several entries are joined with " OR ". */
static char *license_of(const json_t *root)
{
	const json_t *lic = json_object_get(root, "license");
	const char *one = license_word(lic);
	if (one)
		return xstrdup(one);
	const json_t *arr = json_is_array(lic) ? lic : json_object_get(root, "licenses");
	if (!json_is_array(arr))
		return NULL;
	struct buf b = {0};
	size_t i;
	const json_t *v;
	json_array_foreach(arr, i, v) {
		const char *w = license_word(v);
		if (!w || b.len + strlen(w) > NPM_FIELD_MAX)
			continue;
		if (b.len)
			buf_append(&b, " OR ", 4);
		buf_append(&b, w, strlen(w));
	}
	if (b.len)
		return buf_steal(&b);
	buf_free(&b);
	return NULL;
}

static int npm_parse(const struct analyzer_input *in, struct analysis *out, struct err *e)
{
	if (in->truncated) {
		err_set(e, "file exceeds the %u-byte cap for package.json", NPM_JSON_MAX);
		return -1;
	}
	const char *data = (const char *)in->data;
	size_t size = in->size;
	/* node and npm strip a UTF-8 byte order mark before JSON.parse. */
	if (size >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
		data += 3;
		size -= 3;
	}
	json_error_t je;
	json_t *root = json_loadb(data ? data : "", size, JSON_DECODE_ANY, &je);
	if (!root) {
		err_set(e, "not JSON: %s (line %d)", je.text, je.line);
		return -1;
	}
	int rc = -1;
	if (!json_is_object(root)) {
		err_set(e, "not a JSON object");
		goto done;
	}
	const json_t *jn = json_object_get(root, "name"), *jv = json_object_get(root, "version");
	if ((jn && !json_is_string(jn) && !json_is_null(jn)) || (jv && !json_is_string(jv) && !json_is_null(jv))) {
		err_set(e, "\"%s\" is not a string", jn && !json_is_string(jn) && !json_is_null(jn) ? "name" : "version");
		goto done;
	}
	const char *name = json_string_value(jn), *version = json_string_value(jv);
	if (name && *name && !valid_name(name)) {
		err_set(e, "package name with characters npm does not allow");
		goto done;
	}
	if (version && *version && !printable(version)) {
		err_set(e, "version with control characters or over %u bytes", NPM_FIELD_MAX);
		goto done;
	}
	rc = 0;
	/* Name and version are optional in package.json; without both there is
	 * nothing to identify (Trivy skips such files too). */
	if (!name || !*name || !version || !*version)
		goto done;
	struct pkg *p = pkg_list_add(&out->pkgs);
	p->type = PKG_NPM;
	p->name = xstrdup(name);
	p->version = xstrdup(version);
	p->license = license_of(root);
done:
	json_decref(root);
	return rc;
}

const struct analyzer analyzer_npm = {
	.name = "npm",
	.match = npm_match,
	.max_bytes = NPM_JSON_MAX,
	.parse = npm_parse,
};
