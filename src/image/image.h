/* image: the model of one container image as vigil reports it — identity
 * (image ID = sha256 of the config bytes), the ordered layers with their
 * digests and diff IDs, and the parsed config. Sources build it; the layer
 * walk verifies it; reports print it. */
#ifndef VIGIL_IMAGE_H
#define VIGIL_IMAGE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct image_layer {
	char *digest;     /* "sha256:…" of the blob as stored (compressed or not) */
	char *diff_id;    /* "sha256:…" of the uncompressed tar, as computed */
	char *media_type; /* may be NULL (docker-archive) */
	char *created_by; /* history line that made it, when known */
	int64_t size;     /* stored blob size, -1 when unknown */
};

struct image {
	char *name;     /* what the user asked for: a path or a reference */
	char *type;     /* "container_image" or "filesystem" */
	char *id;       /* "sha256:…" of the config bytes; NULL for a rootfs */
	char *manifest_digest; /* OCI layout / registry; NULL otherwise */
	char **repo_tags;
	size_t nrepo_tags;
	char **repo_digests;
	size_t nrepo_digests;
	char *os, *architecture, *variant;
	json_t *config; /* parsed config (owned), NULL for a rootfs */
	struct image_layer *layers;
	size_t nlayers;
};

void image_free(struct image *img);
/* Appends an empty layer (size -1) and returns it. */
struct image_layer *image_add_layer(struct image *img);
void image_add_repo_tag(struct image *img, const char *tag);

#endif
