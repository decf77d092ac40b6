/* image_checks: misconfiguration checks of a built image (CIS Docker
 * Benchmark section 4, dockle's checkpoints), from what the image itself
 * records — its config (User, Healthcheck, Env, Volumes), its history
 * (created_by of each step) — and from its final filesystem (the merged
 * view: setuid/setgid files, world-writable system files, tools that widen
 * the attack surface; etc/passwd, etc/group, etc/shadow as kept by the passwd
 * analyzer). */
#ifndef VIGIL_MISCONF_IMAGE_CHECKS_H
#define VIGIL_MISCONF_IMAGE_CHECKS_H

#include "image/image.h"
#include "misconf/misconf.h"
#include "walk/layer.h"
#include "walk/view.h"

/* Appends the findings for img to out (layer = index of the layer a finding
 * comes from, -1 for the config). v is the merged view of layers. Returns
 * 0; -1 only when img has no config (a root filesystem). Findings are
 * sorted. */
int misconf_check_image(const struct image *img, const struct view *v, struct layer_result *const *layers,
			size_t nlayers, struct misconf_findings *out);

/* A Dockerfile reconstructed from the image history (one instruction per
 * step, RUN for shell commands, build arguments as comments; USER and
 * HEALTHCHECK from the config when the history lacks them). New string;
 * "" for an image without history. */
char *misconf_history_dockerfile(const struct image *img);

#endif
