#include "image/resolve.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#define OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"

const char *host_platform(void)
{
	struct utsname u;
	if (uname(&u) != 0)
		return "linux/amd64";
	if (!strcmp(u.machine, "aarch64"))
		return "linux/arm64";
	if (!strncmp(u.machine, "armv7", 5))
		return "linux/arm/v7";
	if (!strncmp(u.machine, "armv6", 5))
		return "linux/arm/v6";
	if (!strcmp(u.machine, "i686") || !strcmp(u.machine, "i386"))
		return "linux/386";
	if (!strcmp(u.machine, "s390x"))
		return "linux/s390x";
	if (!strcmp(u.machine, "ppc64le"))
		return "linux/ppc64le";
	if (!strcmp(u.machine, "riscv64"))
		return "linux/riscv64";
	return "linux/amd64";
}

void split_input_ref(const char *spec, char **path, char **ref, char **digest)
{
	*path = xstrdup(spec);
	*ref = *digest = NULL;
	struct stat st;
	if (stat(spec, &st) == 0)
		return;
	/* The path is the shortest prefix before ':' or '@' that exists, so that
	 * "img.tar:repo/app:1.0" splits after "img.tar". */
	for (char *p = *path; *p; p++) {
		if (*p != ':' && *p != '@')
			continue;
		char c = *p;
		*p = 0;
		if (p != *path && stat(*path, &st) == 0) {
			if (c == '@')
				*digest = xstrdup(p + 1);
			else
				*ref = xstrdup(p + 1);
			return;
		}
		*p = c;
	}
}

static json_t *parse_json(const struct buf *b, const char *what, struct err *e)
{
	json_error_t je;
	json_t *j = json_loadb((const char *)b->data, b->len, JSON_REJECT_DUPLICATES, &je);
	if (!j)
		err_set(e, "%s: invalid JSON at line %d: %s", what, je.line, je.text);
	return j;
}

static json_t *load_member(struct bundle *b, const char *path, struct err *e)
{
	const struct buf *buf = b->ops->member(b, path, e);
	if (!buf)
		return NULL;
	char *what = xasprintf("%s: %s", b->name, path);
	json_t *j = parse_json(buf, what, e);
	free(what);
	return j;
}

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool valid_digest(const char *d)
{
	if (!d || strncmp(d, "sha256:", 7) != 0 || strlen(d) != 71)
		return false;
	for (const char *p = d + 7; *p; p++)
		if (!isxdigit((unsigned char)*p) || isupper((unsigned char)*p))
			return false;
	return true;
}

static char *blob_path(const char *digest)
{
	return xasprintf("blobs/sha256/%s", digest + 7);
}

/* Reads a blob and checks its bytes hash to digest. */
static const struct buf *verified_blob(struct bundle *b, const char *digest, const char *what, struct err *e)
{
	if (!valid_digest(digest)) {
		err_set(e, "%s: %s has an invalid or unsupported digest '%s'", b->name, what, digest ? digest : "");
		return NULL;
	}
	char *path = blob_path(digest);
	const struct buf *buf = b->ops->member(b, path, e);
	free(path);
	if (!buf)
		return NULL;
	char got[72];
	sha256_digest_of(buf->data, buf->len, got);
	if (strcmp(got, digest) != 0) {
		err_set(e, "%s: %s digest mismatch: expected %s, content hashes to %s", b->name, what, digest, got);
		return NULL;
	}
	return buf;
}

/* Fills the parts of img that come from the config. */
static int take_config(struct bundle *b, const struct buf *cfg, struct image *img, struct err *e)
{
	char id[72];
	sha256_digest_of(cfg->data, cfg->len, id);
	img->id = xstrdup(id);
	char *what = xasprintf("%s: image config", b->name);
	img->config = parse_json(cfg, what, e);
	free(what);
	if (!img->config)
		return -1;
	if (!json_is_object(img->config)) {
		err_set(e, "%s: image config is not a JSON object", b->name);
		return -1;
	}
	const char *s;
	if ((s = jstr(img->config, "os")))
		img->os = xstrdup(s);
	if ((s = jstr(img->config, "architecture")))
		img->architecture = xstrdup(s);
	if ((s = jstr(img->config, "variant")))
		img->variant = xstrdup(s);
	return 0;
}

/* Walks the layers and checks them against the manifest's blob digests
 * (when known) and the config's diff IDs. */
static int walk_and_verify(struct bundle *b, const char *const *paths, const char *const *digests, size_t n,
			   struct image *img, struct layer_result ***out, struct err *e)
{
	json_t *diff_ids = json_object_get(json_object_get(img->config, "rootfs"), "diff_ids");
	if (diff_ids && !json_is_array(diff_ids)) {
		err_set(e, "%s: image config rootfs.diff_ids is not an array", b->name);
		return -1;
	}
	if (diff_ids && json_array_size(diff_ids) != n) {
		err_set(e, "%s: the config lists %zu diff IDs but the manifest %zu layers", b->name,
			json_array_size(diff_ids), n);
		return -1;
	}
	struct layer_result **lr = xcalloc(n ? n : 1, sizeof *lr);
	if (n && b->ops->layers(b, paths, n, lr, e) != 0) {
		free(lr);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (digests && digests[i] && strcmp(digests[i], lr[i]->digest) != 0) {
			err_set(e, "%s: layer %zu (%s): blob digest mismatch: manifest says %s, content hashes to %s",
				b->name, i + 1, paths[i], digests[i], lr[i]->digest);
			free(lr);
			return -1;
		}
		const char *want = diff_ids ? json_string_value(json_array_get(diff_ids, i)) : NULL;
		if (diff_ids && (!want || strcmp(want, lr[i]->diff_id) != 0)) {
			err_set(e, "%s: layer %zu (%s): diff ID mismatch: config says %s, uncompressed content hashes to %s",
				b->name, i + 1, paths[i], want ? want : "(not a string)", lr[i]->diff_id);
			free(lr);
			return -1;
		}
		struct image_layer *il = image_add_layer(img);
		il->digest = xstrdup(lr[i]->digest);
		il->diff_id = xstrdup(lr[i]->diff_id);
		il->size = (int64_t)lr[i]->stored_bytes;
	}
	/* history: entries without empty_layer map, in order, onto layers. */
	json_t *hist = json_object_get(img->config, "history");
	size_t li = 0, hi;
	json_t *h;
	json_array_foreach(hist, hi, h)
	{
		if (json_is_true(json_object_get(h, "empty_layer")))
			continue;
		if (li >= img->nlayers)
			break;
		const char *cb = jstr(h, "created_by");
		if (cb)
			img->layers[li].created_by = xstrdup(cb);
		li++;
	}
	*out = lr;
	return 0;
}

/* ---- docker-archive ---------------------------------------------------- */

static bool tag_matches(const char *tag, const char *want)
{
	if (!strcmp(tag, want))
		return true;
	/* "alpine:3.10" also names "docker.io/library/alpine:3.10" */
	static const char *prefixes[] = {"docker.io/library/", "docker.io/", "index.docker.io/library/"};
	for (size_t i = 0; i < ARRAY_LEN(prefixes); i++) {
		size_t n = strlen(prefixes[i]);
		if (!strncmp(want, prefixes[i], n) && !strcmp(tag, want + n))
			return true;
		if (!strncmp(tag, prefixes[i], n) && !strcmp(tag + n, want))
			return true;
	}
	/* a bare tag ("3.10") */
	const char *colon = strrchr(tag, ':');
	return colon && !strchr(want, ':') && !strchr(want, '/') && !strcmp(colon + 1, want);
}

static int resolve_docker_archive(struct bundle *b, const struct image_select *sel, struct image *img,
				  struct layer_result ***layers, struct err *e)
{
	json_t *m = load_member(b, "manifest.json", e);
	if (!m)
		return -1;
	int rc = -1;
	if (!json_is_array(m) || json_array_size(m) == 0) {
		err_set(e, "%s: manifest.json is not a non-empty array", b->name);
		goto out;
	}
	json_t *entry = NULL;
	size_t i;
	json_t *it;
	if (sel->ref) {
		json_array_foreach(m, i, it)
		{
			json_t *tags = json_object_get(it, "RepoTags"), *t;
			size_t k;
			json_array_foreach(tags, k, t) if (json_is_string(t) && tag_matches(json_string_value(t), sel->ref))
			{
				entry = it;
			}
			if (entry)
				break;
		}
		if (!entry) {
			err_set(e, "%s: no image tagged '%s' in manifest.json", b->name, sel->ref);
			goto out;
		}
	} else {
		if (json_array_size(m) > 1)
			report_warning("%s holds %zu images; reading the first (select one with PATH:TAG)", b->name,
				       json_array_size(m));
		entry = json_array_get(m, 0);
	}
	const char *config = jstr(entry, "Config");
	json_t *jl = json_object_get(entry, "Layers");
	if (!config || !json_is_array(jl)) {
		err_set(e, "%s: manifest.json entry lacks Config or Layers", b->name);
		goto out;
	}
	char *cfgpath = path_normalize(config);
	const struct buf *cfg = cfgpath ? b->ops->member(b, cfgpath, e) : NULL;
	if (!cfgpath)
		err_set(e, "%s: manifest.json Config path '%s' leaves the archive", b->name, config);
	free(cfgpath);
	if (!cfg || take_config(b, cfg, img, e) != 0)
		goto out;
	/* Configs named by their hash (<hex>.json, or blobs/sha256/<hex> since
	 * docker save 25) must hash to their name. */
	const char *cbase = path_base(config);
	size_t cblen = strlen(cbase);
	bool hex_named = (cblen == 64 && !strncmp(config, "blobs/sha256/", 13)) ||
			 (cblen == 69 && !strcmp(cbase + 64, ".json"));
	if (hex_named && strncmp(cbase, img->id + 7, 64) != 0) {
		err_set(e, "%s: config %s: digest mismatch, content hashes to %s", b->name, config, img->id);
		goto out;
	}
	json_t *tags = json_object_get(entry, "RepoTags"), *t;
	json_array_foreach(tags, i, t) if (json_is_string(t)) image_add_repo_tag(img, json_string_value(t));

	size_t n = json_array_size(jl);
	char **paths = xcalloc(n ? n : 1, sizeof *paths);
	char **digests = xcalloc(n ? n : 1, sizeof *digests);
	bool ok = true;
	json_array_foreach(jl, i, it)
	{
		paths[i] = json_is_string(it) ? path_normalize(json_string_value(it)) : NULL;
		if (!paths[i]) {
			err_set(e, "%s: manifest.json layer %zu is not a path inside the archive", b->name, i + 1);
			ok = false;
			break;
		}
		if (!strncmp(paths[i], "blobs/sha256/", 13))
			digests[i] = xasprintf("sha256:%s", paths[i] + 13);
	}
	if (ok)
		rc = walk_and_verify(b, (const char *const *)paths, (const char *const *)digests, n, img, layers, e);
	for (size_t k = 0; k < n; k++) {
		free(paths[k]);
		free(digests[k]);
	}
	free(paths);
	free(digests);
out:
	json_decref(m);
	return rc;
}

/* ---- legacy docker-archive (repositories + <id>/json) --------------------- */

static int resolve_legacy(struct bundle *b, const struct image_select *sel, struct image *img,
			  struct layer_result ***layers, struct err *e)
{
	json_t *repos = load_member(b, "repositories", e);
	if (!repos)
		return -1;
	int rc = -1;
	const char *top = NULL;
	const char *rname;
	json_t *tags;
	json_object_foreach(repos, rname, tags)
	{
		const char *tname;
		json_t *id;
		json_object_foreach(tags, tname, id)
		{
			char *full = xasprintf("%s:%s", rname, tname);
			if (json_is_string(id) && (!sel->ref || tag_matches(full, sel->ref))) {
				if (!top)
					top = json_string_value(id);
				image_add_repo_tag(img, full);
			}
			free(full);
		}
	}
	if (!top) {
		err_set(e, "%s: no matching image in 'repositories'", b->name);
		goto out;
	}
	/* Follow parents from the top layer to the base. */
	char **ids = NULL;
	size_t n = 0;
	char *cur = xstrdup(top);
	json_t *top_json = NULL;
	while (cur && *cur) {
		if (n >= 1000 || strchr(cur, '/') || strstr(cur, "..")) {
			err_set(e, "%s: legacy layer chain is too long or names a bad id", b->name);
			free(cur);
			goto free_ids;
		}
		char *jp = xasprintf("%s/json", cur);
		json_t *j = load_member(b, jp, e);
		free(jp);
		if (!j) {
			free(cur);
			goto free_ids;
		}
		ids = xrealloc(ids, (n + 1) * sizeof *ids);
		ids[n++] = cur;
		const char *parent = jstr(j, "parent");
		cur = parent ? xstrdup(parent) : NULL;
		if (!top_json)
			top_json = j;
		else
			json_decref(j);
	}
	if (!ids) {
		err_set(e, "%s: empty legacy layer chain", b->name);
		goto free_ids;
	}
	{
		char *jp = xasprintf("%s/json", ids[0]);
		const struct buf *cfg = b->ops->member(b, jp, e);
		free(jp);
		if (!cfg || take_config(b, cfg, img, e) != 0)
			goto free_ids;
	}
	char **paths = xcalloc(n, sizeof *paths);
	for (size_t i = 0; i < n; i++)
		paths[i] = xasprintf("%s/layer.tar", ids[n - 1 - i]);
	rc = walk_and_verify(b, (const char *const *)paths, NULL, n, img, layers, e);
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
free_ids:
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	if (top_json)
		json_decref(top_json);
out:
	json_decref(repos);
	return rc;
}

/* ---- OCI image layout ------------------------------------------------------ */

static bool platform_matches(json_t *p, const char *want)
{
	if (!json_is_object(p))
		return false;
	const char *os = jstr(p, "os"), *arch = jstr(p, "architecture"), *var = jstr(p, "variant");
	char *have = xasprintf("%s/%s", os ? os : "", arch ? arch : "");
	bool ok = !strcmp(have, want);
	if (!ok && var) {
		char *full = xasprintf("%s/%s", have, var);
		ok = !strcmp(full, want);
		free(full);
	}
	free(have);
	return ok;
}

static bool ref_matches(json_t *desc, const char *ref)
{
	json_t *ann = json_object_get(desc, "annotations");
	const char *name = jstr(ann, "org.opencontainers.image.ref.name");
	if (name && (!strcmp(name, ref) || tag_matches(name, ref)))
		return true;
	const char *cname = jstr(ann, "io.containerd.image.name");
	return cname && tag_matches(cname, ref);
}

/* Picks a manifest descriptor from an index (recursing into nested indexes). */
static json_t *pick_manifest(struct bundle *b, json_t *index, const struct image_select *sel, int depth,
			     bool named, struct err *e)
{
	json_t *list = json_object_get(index, "manifests");
	if (!json_is_array(list) || json_array_size(list) == 0) {
		err_set(e, "%s: index has no manifests", b->name);
		return NULL;
	}
	if (depth > 4) {
		err_set(e, "%s: indexes nested too deeply", b->name);
		return NULL;
	}
	const char *want = sel->platform ? sel->platform : host_platform();
	size_t i;
	json_t *d, *chosen = NULL;
	/* Name or digest selection applies at the top level only; a digest may
	 * also name a manifest inside a nested index. */
	if (!named && (sel->ref || sel->digest)) {
		json_array_foreach(list, i, d)
		{
			if ((sel->digest && !strcmp(jstr(d, "digest") ? jstr(d, "digest") : "", sel->digest)) ||
			    (sel->ref && ref_matches(d, sel->ref))) {
				chosen = d;
				break;
			}
		}
		if (!chosen && sel->digest) {
			json_array_foreach(list, i, d)
			{
				const char *mt = jstr(d, "mediaType");
				if (!mt || (strcmp(mt, OCI_INDEX) && strcmp(mt, DOCKER_LIST)))
					continue;
				struct err ignore = {{0}};
				const struct buf *ib = verified_blob(b, jstr(d, "digest"), "nested index", &ignore);
				json_t *nested = ib ? parse_json(ib, "nested index", &ignore) : NULL;
				json_t *r = nested ? pick_manifest(b, nested, sel, depth + 1, false, &ignore) : NULL;
				json_decref(nested);
				if (r)
					return r;
			}
		}
		if (!chosen) {
			err_set(e, "%s: no image %s '%s' in index.json", b->name, sel->digest ? "with digest" : "named",
				sel->digest ? sel->digest : sel->ref);
			return NULL;
		}
	} else if (json_array_size(list) == 1) {
		chosen = json_array_get(list, 0);
	} else {
		json_array_foreach(list, i, d)
		{
			if (platform_matches(json_object_get(d, "platform"), want)) {
				chosen = d;
				break;
			}
		}
		if (!chosen) {
			/* Without platform info on any descriptor, the first is the image. */
			bool any_platform = false;
			json_array_foreach(list, i, d) any_platform |= json_is_object(json_object_get(d, "platform"));
			if (!any_platform && !named)
				chosen = json_array_get(list, 0);
		}
		if (!chosen) {
			err_set(e, "%s: no manifest for platform %s in the index (use --platform)", b->name, want);
			return NULL;
		}
	}
	const char *mt = jstr(chosen, "mediaType");
	if (mt && (!strcmp(mt, OCI_INDEX) || !strcmp(mt, DOCKER_LIST))) {
		const struct buf *ib = verified_blob(b, jstr(chosen, "digest"), "nested index", e);
		if (!ib)
			return NULL;
		json_t *nested = parse_json(ib, "nested index", e);
		if (!nested)
			return NULL;
		struct image_select inner = *sel;
		json_t *r = pick_manifest(b, nested, &inner, depth + 1, true, e); /* a copy */
		json_decref(nested);
		return r;
	}
	return json_deep_copy(chosen);
}

static int resolve_oci(struct bundle *b, const struct image_select *sel, struct image *img,
		       struct layer_result ***layers, struct err *e)
{
	json_t *index = load_member(b, "index.json", e);
	if (!index)
		return -1;
	int rc = -1;
	json_t *desc = pick_manifest(b, index, sel, 0, false, e);
	json_t *manifest = NULL;
	if (!desc)
		goto out;
	const char *mdigest = jstr(desc, "digest");
	const struct buf *mb = verified_blob(b, mdigest, "manifest", e);
	if (!mb)
		goto out;
	img->manifest_digest = xstrdup(mdigest);
	manifest = parse_json(mb, "manifest", e);
	if (!manifest)
		goto out;
	const char *name = jstr(json_object_get(desc, "annotations"), "io.containerd.image.name");
	if (!name)
		name = jstr(json_object_get(desc, "annotations"), "org.opencontainers.image.ref.name");
	if (name)
		image_add_repo_tag(img, name);
	json_t *cdesc = json_object_get(manifest, "config");
	const struct buf *cfg = verified_blob(b, jstr(cdesc, "digest"), "config", e);
	if (!cfg || take_config(b, cfg, img, e) != 0)
		goto out;
	json_t *jl = json_object_get(manifest, "layers");
	if (!json_is_array(jl)) {
		err_set(e, "%s: manifest has no layers array", b->name);
		goto out;
	}
	size_t n = json_array_size(jl), i;
	json_t *l;
	char **paths = xcalloc(n ? n : 1, sizeof *paths);
	const char **digests = xcalloc(n ? n : 1, sizeof *digests);
	bool ok = true;
	json_array_foreach(jl, i, l)
	{
		digests[i] = jstr(l, "digest");
		if (!valid_digest(digests[i])) {
			err_set(e, "%s: manifest layer %zu has an invalid or unsupported digest", b->name, i + 1);
			ok = false;
			break;
		}
		paths[i] = blob_path(digests[i]);
	}
	if (ok)
		rc = walk_and_verify(b, (const char *const *)paths, digests, n, img, layers, e);
	if (rc == 0) {
		json_array_foreach(jl, i, l)
		{
			const char *mt = jstr(l, "mediaType");
			if (mt)
				img->layers[i].media_type = xstrdup(mt);
		}
	}
	for (size_t k = 0; k < n; k++)
		free(paths[k]);
	free(paths);
	free(digests);
out:
	if (desc)
		json_decref(desc);
	if (manifest)
		json_decref(manifest);
	json_decref(index);
	return rc;
}

int image_resolve(struct bundle *b, const struct image_select *sel, struct image *img,
		  struct layer_result ***layers, struct err *e)
{
	bool oci = b->ops->has(b, "oci-layout") && b->ops->has(b, "index.json");
	bool docker = b->ops->has(b, "manifest.json");
	/* docker save ≥ 25 writes both; its manifest.json is simpler and carries
	 * RepoTags, but a digest selection needs the OCI index. */
	if (docker && !(oci && sel->digest))
		return resolve_docker_archive(b, sel, img, layers, e);
	if (oci)
		return resolve_oci(b, sel, img, layers, e);
	if (b->ops->has(b, "repositories"))
		return resolve_legacy(b, sel, img, layers, e);
	err_set(e, "%s: not a container image (no manifest.json, index.json or repositories)", b->name);
	return -1;
}
