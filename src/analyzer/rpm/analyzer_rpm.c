/* analyzer_rpm: the installed-package database of rpm-based images. */
#include "analyzer/analyzer.h"
#include "analyzer/rpm/rpmdb.h"

#include <string.h>

static const char *const rpmdb_paths[] = {
	"var/lib/rpm/Packages",		   "var/lib/rpm/Packages.db",
	"var/lib/rpm/rpmdb.sqlite",	   "usr/lib/sysimage/rpm/Packages",
	"usr/lib/sysimage/rpm/Packages.db", "usr/lib/sysimage/rpm/rpmdb.sqlite",
};

static bool rpm_match(const char *path)
{
	for (size_t i = 0; i < ARRAY_LEN(rpmdb_paths); i++)
		if (strcmp(path, rpmdb_paths[i]) == 0)
			return true;
	return false;
}

static int rpm_parse(const struct analyzer_input *in, struct analysis *out, struct err *e)
{
	/* A cut-off database would read as a corrupt one at best, or silently
	 * miss packages at worst: refuse it outright. */
	if (in->truncated) {
		err_set(e, "rpm database larger than the %zu MiB cap, not read",
			analyzer_rpm.max_bytes >> 20);
		return -1;
	}
	return rpmdb_read(in->path, in->data, in->size, &out->pkgs, e);
}

const struct analyzer analyzer_rpm = {
	.name = "rpm",
	.match = rpm_match,
	.max_bytes = (size_t)512 << 20,
	.parse = rpm_parse,
};
