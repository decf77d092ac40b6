/* Fuzz the rpm database readers: arbitrary bytes as an rpm database under
 * each of the names the rpm analyzer matches (BerkeleyDB Packages, ndb
 * Packages.db, SQLite rpmdb.sqlite), and as a bare rpm header blob. Seed it
 * with the fixtures in shared/fixtures/rpmdb. Besides the sanitizers, checks
 * that the backend is chosen from the bytes alone (the name only shapes the
 * error message) and that whatever parses is a complete package. */
#include "analyzer/rpm/rpmdb.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_pkg(const struct pkg *p)
{
	if (p->type != PKG_RPM || !p->name || !p->version)
		abort();
	for (size_t i = 0; i < p->nfiles; i++)
		if (!p->files[i] || p->files[i][0] == '/' || p->files[i][0] == '\0')
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = {
		"var/lib/rpm/Packages",
		"var/lib/rpm/Packages.db",
		"usr/lib/sysimage/rpm/rpmdb.sqlite",
	};
	int first_rc = 0;
	size_t first_len = 0;
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		struct pkg_list l = {0};
		struct err e = {{0}};
		int rc = rpmdb_read(paths[i], data, size, &l, &e);
		if (rc == 0) {
			for (size_t k = 0; k < l.len; k++)
				check_pkg(&l.v[k]);
		} else if (rc != -1 || e.msg[0] == '\0' || l.len != 0) {
			abort(); /* a failure must explain itself and leave the list alone */
		}
		if (i == 0) {
			first_rc = rc;
			first_len = l.len;
		} else if (rc != first_rc || l.len != first_len) {
			abort(); /* the answer must not depend on the name */
		}
		pkg_list_free(&l);
	}

	struct pkg p;
	struct err e = {{0}};
	if (rpm_header_parse(data, size, &p, &e) == 0) {
		check_pkg(&p);
		pkg_clear(&p);
	} else if (p.name || e.msg[0] == '\0') {
		abort();
	}
	return 0;
}
