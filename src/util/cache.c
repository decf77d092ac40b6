/* The per-user cache directory and directory creation. */
#include "util/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

char *cache_path(const char *rel)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	/* The XDG spec says a relative value is invalid and must be ignored. */
	if (xdg && xdg[0] == '/')
		return xasprintf("%s/vigil/%s", xdg, rel);
	const char *home = getenv("HOME");
	if (home && home[0])
		return xasprintf("%s/.cache/vigil/%s", home, rel);
	return NULL;
}

int mkdir_p(const char *dir, struct err *e)
{
	char *p = xstrdup(dir);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(p, 0755) != 0 && errno != EEXIST) {
			err_set(e, "%s: %s", p, strerror(errno));
			free(p);
			return -1;
		}
		*s = '/';
	}
	int rc = 0;
	if (mkdir(p, 0755) != 0 && errno != EEXIST) {
		err_set(e, "%s: %s", p, strerror(errno));
		rc = -1;
	}
	free(p);
	return rc;
}
