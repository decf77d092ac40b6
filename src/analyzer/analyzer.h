/* analyzer: the registry of analyzers and the contract between them and the
 * layer walk. An analyzer names the files it wants (by normalised path); the
 * walk hands it those files' bytes, capped at max_bytes, one file at a time,
 * in every layer that contains them. It turns bytes into an `analysis`; it
 * never sees the archive, other files, or the disk.
 *
 * Parsers here read bytes from strangers: they must accept any input without
 * crashing, and fail with a short reason in `err` rather than guessing. */
#ifndef VIGIL_ANALYZER_H
#define VIGIL_ANALYZER_H

#include "inventory/pkg.h"
#include "util/util.h"

#include <stdbool.h>
#include <stddef.h>

struct analyzer_input {
	const char *path; /* normalised, no leading '/': "var/lib/dpkg/status" */
	const unsigned char *data;
	size_t size;
	bool truncated; /* the file was larger than the analyzer's cap */
};

/* What one analyzer made of one file. */
struct analysis {
	/* OS release files: the raw key/value facts, decided on later by the
	 * inventory stage from all release files of the final view. */
	char *release_text; /* the file's text (small) */
	/* Package databases. */
	struct pkg_list pkgs;
	/* dpkg info/<pkg>.list: the files one package owns. */
	char *owner;    /* package name ("libc6", arch suffix removed) */
	char **files;   /* normalised paths */
	size_t nfiles;
	char *text; /* passwd/group/shadow: the file's text (misconf image checks) */
};
void analysis_clear(struct analysis *a);

struct analyzer {
	const char *name;
	/* True when this analyzer wants the file at normalised path `path`. */
	bool (*match)(const char *path);
	size_t max_bytes;
	/* Parse one file into out (zeroed by the caller). Return 0, or -1 with a
	 * reason in e (the caller prefixes the path and layer). */
	int (*parse)(const struct analyzer_input *in, struct analysis *out, struct err *e);
};

/* All analyzers, NULL-terminated. */
extern const struct analyzer *const analyzers[];

/* The analyzers that want path, written to out (at most ARRAY_LEN of the
 * registry); returns how many. */
size_t analyzers_matching(const char *path, const struct analyzer **out, size_t max);

/* Individual analyzers (each in its own file). */
extern const struct analyzer analyzer_os_release;
extern const struct analyzer analyzer_apk;
extern const struct analyzer analyzer_dpkg_status;
extern const struct analyzer analyzer_dpkg_list;
extern const struct analyzer analyzer_rpm;
extern const struct analyzer analyzer_passwd;
/* Language packages: installed npm packages and Python distributions. */
extern const struct analyzer analyzer_npm;
extern const struct analyzer analyzer_python;

#endif
