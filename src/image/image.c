#include "image/image.h"

#include "util/util.h"

#include <stdlib.h>
#include <string.h>

void image_free(struct image *img)
{
	free(img->name);
	free(img->type);
	free(img->id);
	free(img->manifest_digest);
	for (size_t i = 0; i < img->nrepo_tags; i++)
		free(img->repo_tags[i]);
	free(img->repo_tags);
	for (size_t i = 0; i < img->nrepo_digests; i++)
		free(img->repo_digests[i]);
	free(img->repo_digests);
	free(img->os);
	free(img->architecture);
	free(img->variant);
	if (img->config)
		json_decref(img->config);
	for (size_t i = 0; i < img->nlayers; i++) {
		free(img->layers[i].digest);
		free(img->layers[i].diff_id);
		free(img->layers[i].media_type);
		free(img->layers[i].created_by);
	}
	free(img->layers);
	memset(img, 0, sizeof *img);
}

struct image_layer *image_add_layer(struct image *img)
{
	img->layers = xrealloc(img->layers, (img->nlayers + 1) * sizeof *img->layers);
	struct image_layer *l = &img->layers[img->nlayers++];
	memset(l, 0, sizeof *l);
	l->size = -1;
	return l;
}

void image_add_repo_tag(struct image *img, const char *tag)
{
	img->repo_tags = xrealloc(img->repo_tags, (img->nrepo_tags + 1) * sizeof *img->repo_tags);
	img->repo_tags[img->nrepo_tags++] = xstrdup(tag);
}
