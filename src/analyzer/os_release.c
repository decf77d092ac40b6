/* os_release: collects the text of the files that name the distribution
 * (os-release(5), lsb-release and the per-distribution *-release files).
 * Deciding what they mean needs all of them at once, from the final view of
 * the image, so this analyzer only checks that a file is text and keeps it;
 * inventory/os_detect.c reads the texts later. */
#include "analyzer/analyzer.h"

#include <string.h>

/* Real release files are a few hundred bytes; 64 KiB leaves room for
 * comment-heavy os-release files while keeping a hostile one small. */
#define OS_RELEASE_MAX (64u * 1024u)

static const char *const release_paths[] = {
	"etc/os-release",
	"usr/lib/os-release",
	"etc/alpine-release",
	"etc/debian_version",
	"etc/redhat-release",
	"etc/centos-release",
	"etc/rocky-release",
	"etc/almalinux-release",
	"etc/fedora-release",
	"etc/system-release",
	"etc/oracle-release",
	"etc/lsb-release",
	"etc/SuSE-release",
	"etc/mariner-release",
	"etc/photon-release",
};

static bool os_release_match(const char *path)
{
	for (size_t i = 0; i < ARRAY_LEN(release_paths); i++)
		if (strcmp(path, release_paths[i]) == 0)
			return true;
	return false;
}

static int os_release_parse(const struct analyzer_input *in, struct analysis *out, struct err *e)
{
	if (in->truncated) {
		/* A prefix of a release file could name the wrong version. */
		err_set(e, "file exceeds the %u-byte cap for release files", OS_RELEASE_MAX);
		return -1;
	}
	for (size_t i = 0; i < in->size; i++) {
		unsigned char c = in->data[i];
		/* Release files are text. Control bytes other than whitespace mean
		 * a binary file at a release path (or a corrupt one); keeping it
		 * would also let NUL bytes cut the text short unseen. */
		if (c == 0) {
			err_set(e, "NUL byte at offset %zu: not a text file", i);
			return -1;
		}
		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') || c == 0x7f) {
			err_set(e, "control byte 0x%02x at offset %zu: not a text file", c, i);
			return -1;
		}
	}
	/* data may be NULL for an empty file; memcpy from NULL is undefined. */
	out->release_text = in->size ? xstrndup((const char *)in->data, in->size) : xstrdup("");
	return 0;
}

const struct analyzer analyzer_os_release = {
	.name = "os-release",
	.match = os_release_match,
	.max_bytes = OS_RELEASE_MAX,
	.parse = os_release_parse,
};
