/* inventory: the packages and OS of the final (merged) view of an image, each
 * package attributed to the layer that introduced its current version. Built
 * by inventory_build from the per-layer analyses the layer walk produced. */
#ifndef VIGIL_INVENTORY_H
#define VIGIL_INVENTORY_H

#include "inventory/pkg.h"

#include <stddef.h>

struct inventory_pkg {
	struct pkg pkg;
	size_t layer;  /* index into image.layers (0 for a rootfs) */
	char *db_path; /* the database file it was read from, e.g. "lib/apk/db/installed" */
};

struct inventory {
	struct os_info os;
	struct inventory_pkg *pkgs; /* sorted by type, name, version, arch */
	size_t npkgs;
	char **notices; /* things the user should know (unreadable DB, unknown OS…) */
	size_t nnotices;
};

void inventory_free(struct inventory *inv);
void inventory_add_notice(struct inventory *inv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Decide the OS from the release files of the final view. files[i] is the
 * normalised path ("etc/os-release"), texts[i] its content. When several
 * files speak, the most precise wins (debian_version's "12.5" over
 * os-release's "12"; os-release over lsb-release). Returns 0 and fills out
 * (family NULL when nothing matched). */
int os_detect(const char *const *files, const char *const *texts, size_t n, struct os_info *out);

#endif
