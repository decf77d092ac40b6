/* source: where image bytes come from. Every source presents the image as a
 * "bundle" — named members, some small JSON documents (manifest.json,
 * index.json, configs), some layer blobs — and image/resolve.c decides the
 * layout from the members it finds. Sources:
 *   - a tar archive (docker save, plain or compressed; an OCI layout in a tar),
 *     read in ONE pass: JSON members are kept, layer members are walked as
 *     they stream by (see walk/layer.h);
 *   - a directory (OCI layout or unpacked docker-archive): members read on
 *     demand, layers walked in parallel threads;
 *   - the Docker Engine: GET /images/{name}/get streamed into the tar reader;
 *   - a registry: manifests fetched, layers streamed over HTTP into the walk. */
#ifndef VIGIL_SOURCE_BUNDLE_H
#define VIGIL_SOURCE_BUNDLE_H

#include "util/strmap.h"
#include "walk/layer.h"

struct bundle;

struct bundle_ops {
	/* The bytes of a small member (JSON), or NULL with e set. */
	const struct buf *(*member)(struct bundle *b, const char *path, struct err *e);
	/* Walk results for the layer members at paths[0..n), in that order (a
	 * path may repeat). The bundle owns the results. Returns 0 or -1. */
	int (*layers)(struct bundle *b, const char *const *paths, size_t n, struct layer_result **out,
		      struct err *e);
	/* True when the member exists (JSON or layer). */
	bool (*has)(struct bundle *b, const char *path);
	void (*free)(struct bundle *b);
};

struct bundle {
	const struct bundle_ops *ops;
	char *name; /* for messages: the file or directory */
	const struct walk_limits *limits;
	int threads; /* parallel layer walks (directory bundles) */
};

/* Member sizes kept in memory (configs, manifests). */
enum { BUNDLE_MAX_JSON = 32 << 20 };

/* Read a tar archive (path, or fd >= 0 for a stream such as a pipe; name
 * names it in messages). Returns NULL with e set when it is not readable. */
struct bundle *bundle_open_tar(const char *name, int fd, const struct walk_limits *lim, int threads,
			       struct err *e);
/* A directory holding an OCI layout or an unpacked docker-archive. */
struct bundle *bundle_open_dir(const char *dir, const struct walk_limits *lim, int threads, struct err *e);
/* The Docker Engine at DOCKER_HOST (unix socket): streams GET /images/{name}/get. */
struct bundle *bundle_open_daemon(const char *image_name, const struct walk_limits *lim, struct err *e);
/* True when the Docker Engine at DOCKER_HOST answers and has image_name. */
bool bundle_daemon_has_image(const char *image_name);
/* An image in a registry (HOST[:PORT]/REPO[:TAG|@sha256:…], or a Docker Hub
 * short name), as an OCI layout whose layers are streamed (registry/registry.h).
 * platform picks from an index (NULL: this host's). *repo_digest (optional)
 * receives "NAME@sha256:…" of what the reference named. */
struct registry_opts;
struct bundle *bundle_open_registry(const char *reference, const struct registry_opts *ro, const char *platform,
				    const struct walk_limits *lim, int threads, char **repo_digest, struct err *e);

static inline void bundle_free(struct bundle *b)
{
	if (b)
		b->ops->free(b);
}

#endif
