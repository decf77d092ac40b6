/* A bundle backed by a registry (OCI distribution API). It presents the
 * remote image as an OCI image layout, so image/resolve.c reads it like any
 * other and verifies every digest again:
 *   oci-layout, index.json    synthesised; index.json holds one descriptor,
 *                             the manifest chosen for the platform
 *   blobs/sha256/<manifest>   fetched at open (small, in memory)
 *   blobs/sha256/<config>     fetched when asked (small, in memory)
 *   blobs/sha256/<layer>      never stored: each layer the image uses is one
 *                             HTTP stream, copied by a thread into a socket
 *                             pair that layer_walk reads; layers in parallel.
 * Only blobs the manifest names can be read. Nothing is written to disk, so
 * a failed pull leaves nothing behind. */
#include "source/bundle.h"

#include "registry/registry.h"
#include "source/parallel.h"

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { DRAIN_MAX = 256 << 20 }; /* bytes read past a failed walk to learn the blob's digest */

struct blob_info {
	char digest[72];
	int64_t size; /* from the manifest, -1 when absent */
	bool config;
};

struct reg_bundle {
	struct bundle b;
	struct registry *client;
	struct registry_ref ref;
	struct strmap json;   /* path -> struct buf* */
	struct strmap blobs;  /* path -> struct blob_info*, the config and layers of the manifest */
	struct strmap walked; /* path -> struct layer_result* */
};

struct capped_buf {
	struct buf *b;
	size_t cap;
	const char *name;
};

static int to_buf(void *ctx, const void *p, size_t n, struct err *e)
{
	struct capped_buf *c = ctx;
	if (c->b->len + n > c->cap) {
		err_set(e, "%s: larger than %zu MiB", c->name, c->cap >> 20);
		return -1;
	}
	buf_append(c->b, p, n);
	return 0;
}

static const struct buf *rb_member(struct bundle *b, const char *path, struct err *e)
{
	struct reg_bundle *rb = (struct reg_bundle *)b;
	struct buf *cached = strmap_get(&rb->json, path);
	if (cached)
		return cached;
	struct blob_info *bi = strmap_get(&rb->blobs, path);
	if (!bi || !bi->config) {
		/* resolve asks for the manifest and config only; anything else
		 * would be a blob this image does not name. */
		err_set(e, "%s: %s: not a document of this image", b->name, path);
		return NULL;
	}
	struct buf *out = xcalloc(1, sizeof *out);
	char *name = xasprintf("%s: config %s", b->name, bi->digest);
	struct capped_buf cb = {out, BUNDLE_MAX_JSON, name};
	int rc = registry_get_blob(rb->client, &rb->ref, bi->digest, bi->size, to_buf, &cb, e);
	free(name);
	if (rc != 0) {
		buf_free(out);
		free(out);
		return NULL;
	}
	if (!out->data)
		buf_append(out, "", 0);
	*strmap_put(&rb->json, path) = out;
	return out;
}

static bool rb_has(struct bundle *b, const char *path)
{
	struct reg_bundle *rb = (struct reg_bundle *)b;
	return strmap_get(&rb->json, path) || strmap_get(&rb->blobs, path);
}

/* ---- layers: one HTTP stream each, into layer_walk ------------------------- */

struct fetch {
	struct reg_bundle *rb;
	const struct blob_info *bi;
	int fd;           /* write end */
	bool reader_gone; /* the walk stopped reading (its own error explains why) */
	int rc;
	struct err e;
};

static int to_socket(void *ctx, const void *p, size_t n, struct err *e)
{
	struct fetch *f = ctx;
	const char *c = p;
	while (n) {
		/* MSG_NOSIGNAL: a reader that went away is an error, not SIGPIPE. */
		ssize_t w = send(f->fd, c, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			f->reader_gone = true;
			err_set(e, "layer reader stopped");
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

static void *fetch_run(void *p)
{
	struct fetch *f = p;
	f->rc = registry_get_blob(f->rb->client, &f->rb->ref, f->bi->digest, f->bi->size, to_socket, f, &f->e);
	/* EOF for the reader only now, after the digest was checked. */
	close(f->fd);
	return NULL;
}

static int walk_path(void *ctx, const char *path, struct layer_result *out, struct err *e)
{
	struct reg_bundle *rb = ctx;
	struct fetch f = {.rb = rb, .bi = strmap_get(&rb->blobs, path)};
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
		err_set(e, "%s: socketpair: %s", rb->b.name, strerror(errno));
		return -1;
	}
	f.fd = sv[1];
	pthread_t tid;
	if (pthread_create(&tid, NULL, fetch_run, &f) != 0) {
		err_set(e, "%s: cannot start a thread", rb->b.name);
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	char *name = xasprintf("%s: %s", rb->b.name, path);
	struct fd_source src = {.fd = sv[0], .buf = xmalloc(FD_SOURCE_BUF), .name = name};
	struct err we = {{0}};
	int wrc = layer_walk(name, fd_source_read, &src, rb->b.limits, out, &we);
	if (wrc != 0) {
		/* A corrupt stream (a flipped byte) makes the walk fail first; read
		 * on, a little, so the fetch can say whether the blob matched its
		 * digest — the better explanation when it did not. */
		uint64_t left = DRAIN_MAX;
		ssize_t n;
		while (left && (n = read(sv[0], src.buf, FD_SOURCE_BUF)) != 0) {
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				break;
			left = (uint64_t)n >= left ? 0 : left - (uint64_t)n;
		}
	}
	close(sv[0]); /* a fetch still sending fails and stops */
	pthread_join(tid, NULL);
	free(src.buf);
	free(name);
	/* The fetch's error explains a walk that saw a cut stream; a walk that
	 * gave up by itself explains the fetch's "reader stopped". */
	if (f.rc != 0 && !(wrc != 0 && f.reader_gone)) {
		*e = f.e; /* the caller frees what the walk recorded */
		return -1;
	}
	*e = we;
	return wrc;
}

static int rb_layers(struct bundle *b, const char *const *paths, size_t n, struct layer_result **out,
		     struct err *e)
{
	struct reg_bundle *rb = (struct reg_bundle *)b;
	for (size_t i = 0; i < n; i++) {
		const struct blob_info *bi = strmap_get(&rb->blobs, paths[i]);
		if (!bi || bi->config) {
			err_set(e, "%s: %s: not a layer of this image", b->name, paths[i]);
			return -1;
		}
	}
	return walk_layers_cached(&rb->walked, paths, n, b->threads, walk_path, rb, out, e);
}

static void free_buf(void *p)
{
	buf_free(p);
	free(p);
}

static void rb_free(struct bundle *b)
{
	struct reg_bundle *rb = (struct reg_bundle *)b;
	strmap_free(&rb->json, free_buf);
	strmap_free(&rb->blobs, free);
	layer_cache_free(&rb->walked);
	registry_free(rb->client);
	registry_ref_free(&rb->ref);
	free(b->name);
	free(rb);
}

static const struct bundle_ops registry_ops = {
	.member = rb_member,
	.layers = rb_layers,
	.has = rb_has,
	.free = rb_free,
};

/* ---- open -------------------------------------------------------------------- */

static void put_json(struct reg_bundle *rb, const char *path, struct buf *b)
{
	struct buf *copy = xcalloc(1, sizeof *copy);
	*copy = *b;
	memset(b, 0, sizeof *b);
	*strmap_put(&rb->json, path) = copy;
}

static int add_blob(struct reg_bundle *rb, json_t *desc, bool config, const char *what, struct err *e)
{
	const char *dg = json_string_value(json_object_get(desc, "digest"));
	json_t *size = json_object_get(desc, "size");
	if (!registry_digest_valid(dg)) {
		err_set(e, "%s: manifest %s has an invalid or unsupported digest", rb->b.name, what);
		return -1;
	}
	if (size && (!json_is_integer(size) || json_integer_value(size) < 0)) {
		err_set(e, "%s: manifest %s has an invalid size", rb->b.name, what);
		return -1;
	}
	if (config && size && json_integer_value(size) > BUNDLE_MAX_JSON) {
		err_set(e, "%s: config of %lld bytes is larger than %d MiB", rb->b.name,
			(long long)json_integer_value(size), BUNDLE_MAX_JSON >> 20);
		return -1;
	}
	char *path = xasprintf("blobs/sha256/%s", dg + 7);
	void **slot = strmap_put(&rb->blobs, path);
	free(path);
	if (*slot) /* the same blob twice (a repeated layer, or config == layer) */
		return 0;
	struct blob_info *bi = xcalloc(1, sizeof *bi);
	strcpy(bi->digest, dg);
	bi->size = size ? (int64_t)json_integer_value(size) : -1;
	bi->config = config;
	*slot = bi;
	return 0;
}

/* Records the config and layers the manifest names. */
static int take_manifest(struct reg_bundle *rb, const struct registry_manifest *m, struct err *e)
{
	json_error_t je;
	json_t *j = json_loadb((const char *)m->bytes.data, m->bytes.len, JSON_REJECT_DUPLICATES, &je);
	if (!j) {
		err_set(e, "%s: manifest: invalid JSON at line %d: %s", rb->b.name, je.line, je.text);
		return -1;
	}
	int rc = -1;
	json_t *layers = json_object_get(j, "layers");
	if (!json_is_object(json_object_get(j, "config")) || !json_is_array(layers)) {
		err_set(e, "%s: manifest has no config or no layers array", rb->b.name);
		goto out;
	}
	if (add_blob(rb, json_object_get(j, "config"), true, "config", e) != 0)
		goto out;
	size_t i;
	json_t *l;
	json_array_foreach(layers, i, l)
	{
		char what[32];
		snprintf(what, sizeof what, "layer %zu", i + 1);
		if (add_blob(rb, l, false, what, e) != 0)
			goto out;
	}
	rc = 0;
out:
	json_decref(j);
	return rc;
}

struct bundle *bundle_open_registry(const char *reference, const struct registry_opts *ro, const char *platform,
				    const struct walk_limits *lim, int threads, char **repo_digest, struct err *e)
{
	if (repo_digest)
		*repo_digest = NULL;
	struct reg_bundle *rb = xcalloc(1, sizeof *rb);
	rb->b.ops = &registry_ops;
	rb->b.name = xstrdup(reference);
	rb->b.limits = lim ? lim : &walk_default_limits;
	rb->b.threads = threads;
	if (registry_ref_parse(reference, &rb->ref, e) != 0) {
		rb_free(&rb->b);
		return NULL;
	}
	rb->client = registry_new(ro);
	struct registry_manifest m = {0}, idx = {0};
	if (registry_get_image_manifest(rb->client, &rb->ref, platform, &m, &idx, e) != 0)
		goto fail;
	if (strcmp(m.media_type, REGISTRY_OCI_MANIFEST) && strcmp(m.media_type, REGISTRY_DOCKER_MANIFEST)) {
		err_set(e, "%s: unsupported manifest media type %s", rb->b.name, m.media_type);
		goto fail;
	}
	if (take_manifest(rb, &m, e) != 0)
		goto fail;

	char *familiar = registry_ref_familiar(&rb->ref);
	json_t *desc = json_pack("{s:s, s:s, s:I}", "mediaType", m.media_type, "digest", m.digest, "size",
				 (json_int_t)m.bytes.len);
	if (rb->ref.tag) {
		/* image_resolve reports it as the RepoTag. */
		char *tagged = xasprintf("%s:%s", familiar, rb->ref.tag);
		json_object_set_new(desc, "annotations", json_pack("{s:s}", "io.containerd.image.name", tagged));
		free(tagged);
	}
	if (repo_digest)
		*repo_digest = xasprintf("%s@%s", familiar, idx.bytes.data ? idx.digest : m.digest);
	free(familiar);
	json_t *index = json_pack("{s:i, s:s, s:[o]}", "schemaVersion", 2, "mediaType", REGISTRY_OCI_INDEX,
				  "manifests", desc);
	char *text = json_dumps(index, JSON_COMPACT);
	json_decref(index);
	struct buf b = {0};
	buf_append(&b, text, strlen(text));
	free(text);
	put_json(rb, "index.json", &b);
	static const char layout[] = "{\"imageLayoutVersion\":\"1.0.0\"}";
	buf_append(&b, layout, sizeof layout - 1);
	put_json(rb, "oci-layout", &b);
	char *mpath = xasprintf("blobs/sha256/%s", m.digest + 7);
	put_json(rb, mpath, &m.bytes);
	free(mpath);
	registry_manifest_free(&m);
	registry_manifest_free(&idx);
	return &rb->b;
fail:
	registry_manifest_free(&m);
	registry_manifest_free(&idx);
	if (repo_digest) {
		free(*repo_digest);
		*repo_digest = NULL;
	}
	rb_free(&rb->b);
	return NULL;
}
