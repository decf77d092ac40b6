/* Talking to a notary server (GET only: vigil reads trust data, the notary
 * client publishes it) and presenting what verified as `docker trust inspect`
 * does. A notary server is not a registry, so this is a few plain libcurl GETs
 * rather than a use of src/registry. */
#include "trust/trust.h"
#include "registry/registry.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

enum { FILE_CAP = 16u << 20 };

struct sink {
	struct buf *b;
	bool too_big;
};

static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
	struct sink *s = ctx;
	if (s->b->len + size * n > FILE_CAP) {
		s->too_big = true;
		return 0;
	}
	buf_append(s->b, p, size * n);
	return size * n;
}

/* The host of an http(s) URL, for the loopback check. */
static bool url_is_loopback(const char *url)
{
	const char *h = strstr(url, "://");
	if (!h)
		return false;
	h += 3;
	size_t n = strcspn(h, "/");
	char *host = xstrndup(h, n);
	bool r = registry_host_is_loopback(host);
	free(host);
	return r;
}

/* Returns 0, 1 for 404, -1 on error. */
static int get(const char *url, const struct trust_opts *o, struct buf *out, struct err *e)
{
	CURL *c = curl_easy_init();
	if (!c) {
		err_set(e, "cannot initialise libcurl");
		return -1;
	}
	struct sink s = {out, false};
	char errbuf[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)(o->timeout_s ? o->timeout_s : 30));
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, (long)(o->timeout_s ? o->timeout_s : 30));
	if (o->ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, o->ca_file);
	CURLcode rc = curl_easy_perform(c);
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	if (s.too_big) {
		err_set(e, "%s: larger than %u bytes", url, FILE_CAP);
		return -1;
	}
	if (rc != CURLE_OK) {
		err_set(e, "%s: %s", url, errbuf[0] ? errbuf : curl_easy_strerror(rc));
		return -1;
	}
	if (status == 404)
		return 1;
	if (status != 200) {
		err_set(e, "%s: HTTP %ld", url, status);
		return -1;
	}
	return 0;
}

int notary_fetch(const char *gun, const struct trust_opts *o, struct tuf_files *out, struct err *e)
{
	if (!o->server || (strncmp(o->server, "https://", 8) != 0 && strncmp(o->server, "http://", 7) != 0)) {
		err_set(e, "trust server '%s' is not an http(s) URL", o->server ? o->server : "");
		return -1;
	}
	/* Trust data over plain HTTP could be swapped by anyone on the path, except
	 * on this machine: allowed for loopback only (tests, local proxies). */
	if (!strncmp(o->server, "http://", 7) && !url_is_loopback(o->server)) {
		err_set(e, "trust server %s: plain HTTP is allowed to loopback addresses only", o->server);
		return -1;
	}
	size_t sl = strlen(o->server);
	while (sl && o->server[sl - 1] == '/')
		sl--;
	static const char *const base[] = {"root", "timestamp", "snapshot", "targets"};
	int rc = 0;
	for (size_t i = 0; i < ARRAY_LEN(base) && rc == 0; i++) {
		char *url = xasprintf("%.*s/v2/%s/_trust/tuf/%s.json", (int)sl, o->server, gun, base[i]);
		struct buf b = {0};
		rc = get(url, o, &b, e);
		if (rc == 1) {
			err_set(e, "%s: no trust data for %s on %s (not found)", gun, gun, o->server);
			rc = -1;
		}
		if (rc == 0)
			tuf_files_add(out, base[i], b.data ? (const char *)b.data : "", b.len);
		buf_free(&b);
		free(url);
	}
	if (rc)
		return -1;
	/* Delegations: every targets/... role the snapshot names (its hashes are
	 * checked in tuf_verify; names are only used as URL path parts here). */
	json_t *snap = json_loadb((const char *)tuf_files_get(out, "snapshot")->data.data,
				  tuf_files_get(out, "snapshot")->data.len, 0, NULL);
	const char *role;
	json_t *m;
	size_t n = 0;
	json_object_foreach(json_object_get(json_object_get(snap, "signed"), "meta"), role, m) {
		if (strncmp(role, "targets/", 8) != 0)
			continue;
		if (++n > 256 || strstr(role, "..") || strpbrk(role, "?#%\\ ")) {
			err_set(e, "snapshot.json: bad or too many delegation role names");
			rc = -1;
			break;
		}
		char *url = xasprintf("%.*s/v2/%s/_trust/tuf/%s.json", (int)sl, o->server, gun, role);
		struct buf b = {0};
		int g = get(url, o, &b, e);
		if (g == 0)
			tuf_files_add(out, role, b.data ? (const char *)b.data : "", b.len);
		else if (g < 0)
			rc = -1;
		buf_free(&b);
		free(url);
		if (rc)
			break;
	}
	json_decref(snap);
	return rc;
}

char *trust_gun(const char *image, char **tag, struct err *e)
{
	struct registry_ref r;
	if (registry_ref_parse(image, &r, e))
		return NULL;
	char *gun = xasprintf("%s/%s", r.host, r.repository);
	if (tag)
		*tag = r.tag ? xstrdup(r.tag) : NULL;
	registry_ref_free(&r);
	return gun;
}

static int fetch_verified(const char *gun, const struct trust_opts *o, struct tuf_result *res, struct err *e)
{
	struct tuf_files f = {0};
	int rc = notary_fetch(gun, o, &f, e);
	if (rc == 0)
		rc = tuf_verify(&f, time(NULL), o->root_key_id, res, e);
	tuf_files_free(&f);
	if (rc)
		err_prefix(e, "%s", gun);
	return rc;
}

static bool released(const char *role)
{
	return !strcmp(role, "targets") || !strcmp(role, "targets/releases");
}

/* docker's signer name for a role: "Repo Admin" for the released roles. */
static const char *signer_name(const char *role)
{
	return released(role) ? "Repo Admin" : role + strlen("targets/");
}

static json_t *keys_json(char *const *ids, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:s}", "ID", ids[i]));
	return a;
}

static int cmp_targets(const void *a, const void *b)
{
	const struct tuf_target *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : strcmp(x->sha256, y->sha256);
}

/* One element of docker trust inspect's array. */
static json_t *inspect_json(const char *name, const char *tag, struct tuf_result *r)
{
	qsort(r->targets, r->ntargets, sizeof *r->targets, cmp_targets);
	json_t *tags = json_array();
	/* As docker: rows are (tag, digest) pairs signed into targets or
	 * targets/releases; other delegations that signed the same pair are its
	 * signers; with none, the signer is "Repo Admin". */
	for (size_t i = 0; i < r->ntargets; i++) {
		const struct tuf_target *t = &r->targets[i];
		if (tag && strcmp(t->name, tag) != 0)
			continue;
		bool rel = false, dup = false;
		for (size_t j = 0; j < r->ntargets; j++) {
			const struct tuf_target *u = &r->targets[j];
			if (!strcmp(u->name, t->name) && !strcmp(u->sha256, t->sha256)) {
				rel |= released(u->role);
				dup |= j < i;
			}
		}
		if (!rel || dup)
			continue;
		json_t *signers = json_array();
		for (size_t j = 0; j < r->ntargets; j++) {
			const struct tuf_target *u = &r->targets[j];
			if (!strcmp(u->name, t->name) && !strcmp(u->sha256, t->sha256) && !released(u->role))
				json_array_append_new(signers, json_string(signer_name(u->role)));
		}
		if (json_array_size(signers) == 0)
			json_array_append_new(signers, json_string("Repo Admin"));
		json_array_append_new(tags, json_pack("{s:s,s:s,s:o}", "SignedTag", t->name, "Digest", t->sha256,
						      "Signers", signers));
	}
	json_t *signers = json_array();
	for (size_t i = 0; i < r->ndelegations; i++)
		if (!released(r->delegations[i].name))
			json_array_append_new(signers, json_pack("{s:s,s:o}", "Name", signer_name(r->delegations[i].name),
								 "Keys",
								 keys_json(r->delegations[i].keyids,
									   r->delegations[i].nkeyids)));
	json_t *admin = json_pack("[{s:s,s:o},{s:s,s:o}]", "Name", "Root", "Keys",
				  keys_json(r->root_keyids, r->nroot_keyids), "Name", "Repository", "Keys",
				  keys_json(r->targets_keyids, r->ntargets_keyids));
	return json_pack("{s:s,s:o,s:o,s:o}", "Name", name, "SignedTags", tags, "Signers", signers,
			 "AdministrativeKeys", admin);
}

int trust_inspect(const char *const *images, size_t n, const struct trust_opts *o, FILE *out, struct err *e)
{
	json_t *all = json_array();
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		/* "IMAGE" lists every signed tag, "IMAGE:TAG" that one (as docker). */
		bool has_tag = false;
		const char *slash = strrchr(images[i], '/');
		has_tag = strchr(slash ? slash : images[i], ':') != NULL;
		char *tag = NULL;
		char *gun = trust_gun(images[i], &tag, e);
		struct tuf_result r;
		if (!gun || fetch_verified(gun, o, &r, e))
			rc = -1;
		else {
			json_array_append_new(all, inspect_json(images[i], has_tag ? tag : NULL, &r));
			tuf_result_free(&r);
		}
		free(gun);
		free(tag);
	}
	if (rc == 0) {
		char *s = json_dumps(all, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
		if (s) {
			fprintf(out, "%s\n", s);
			free(s);
		} else {
			err_set(e, "cannot format the trust data as JSON");
			rc = -1;
		}
	}
	json_decref(all);
	return rc;
}

int trust_signed_digest(const char *image, const struct trust_opts *o, char digest[72], struct err *e)
{
	char *tag = NULL;
	char *gun = trust_gun(image, &tag, e);
	if (!gun)
		return -1;
	struct tuf_result r;
	int rc = -1;
	if (!tag)
		err_set(e, "%s: content trust needs a tag, not a digest reference", image);
	else if (fetch_verified(gun, o, &r, e) == 0) {
		/* docker pull prefers targets/releases, then targets. */
		const struct tuf_target *best = NULL;
		for (size_t i = 0; i < r.ntargets; i++)
			if (!strcmp(r.targets[i].name, tag) && released(r.targets[i].role) &&
			    (!best || !strcmp(r.targets[i].role, "targets/releases")))
				best = &r.targets[i];
		if (best) {
			snprintf(digest, 72, "sha256:%s", best->sha256);
			rc = 0;
		} else
			err_set(e, "%s: no signed trust data for tag %s (signed tags: %zu)", gun, tag, r.ntargets);
		tuf_result_free(&r);
	}
	free(gun);
	free(tag);
	return rc;
}
