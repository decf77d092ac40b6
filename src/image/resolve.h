/* image_resolve: decide an image's layout from the members of a bundle —
 * docker-archive (manifest.json), legacy docker-archive (repositories and
 * <id>/json), or OCI image layout (oci-layout + index.json) — select the image
 * (tag, digest, platform), verify every digest it can (manifest, config,
 * layer blobs, diff IDs), and return the walked layers in image order. */
#ifndef VIGIL_IMAGE_RESOLVE_H
#define VIGIL_IMAGE_RESOLVE_H

#include "image/image.h"
#include "source/bundle.h"

struct image_select {
	const char *ref;      /* tag or ref name ("latest", "alpine:3.10"), or NULL */
	const char *digest;   /* "sha256:…" manifest digest, or NULL */
	const char *platform; /* "os/arch[/variant]", NULL = this host's */
};

/* On success fills img (except name/type, which the caller sets) and
 * *layers (a new array of img->nlayers pointers owned by the bundle). */
int image_resolve(struct bundle *b, const struct image_select *sel, struct image *img,
		  struct layer_result ***layers, struct err *e);

/* This host's platform as "linux/amd64" (static string). */
const char *host_platform(void);

/* Split "PATH:TAG" / "PATH@sha256:HEX" when PATH exists (used for --input). */
void split_input_ref(const char *spec, char **path, char **ref, char **digest);

#endif
