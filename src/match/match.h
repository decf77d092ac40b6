/* match: the installed OS packages of an inventory against the local
 * vulnerability database (src/db).
 *
 * The OS picks the namespace (alpine 3.10.2 → "alpine:3.10", debian 12.5 →
 * "debian:12", ubuntu 22.04 → "ubuntu:22.04") and the version scheme (apk,
 * dpkg). Each package is looked up by its source name (apk origin, dpkg
 * Source) and compared by the version the feeds speak of: apk the installed
 * version, dpkg the source version.
 *
 * Per (package, vulnerability id) one finding at most. When several
 * advisories speak of the same id:
 *   - an explicit not_affected (Alpine secdb "0", Debian tracker fixed
 *     version "0") suppresses the id for that package, whatever other
 *     sources of the same distribution release say: it is the
 *     distribution's own statement that its build is not vulnerable;
 *   - under_investigation (Debian "undetermined") is not reported, as in
 *     Trivy;
 *   - otherwise the package is affected when any advisory says so; the
 *     reported fix is the highest fixed version among them (the version
 *     that satisfies them all), and without a fix the most specific status
 *     (will_not_fix, fix_deferred, end_of_life, then affected).
 * Severity: the distribution's rating (Debian urgency, Ubuntu priority, an
 * OSV record's ecosystem rating); else NVD's CVSS v3 score, then v2 score
 * (score bands); else an OSV record's CVSS vector score; else UNKNOWN.
 */
#ifndef VIGIL_MATCH_H
#define VIGIL_MATCH_H

#include "inventory/inventory.h"
#include "match/finding.h"
#include "util/util.h"
#include "version/version.h"

#include <stddef.h>

/* Opens the database read-only and fills out (zeroed here). Returns 0, or
 * -1 with e set ("no vulnerability database at PATH; create one with …"
 * when the file is missing). An OS vigil cannot match, or one the database
 * has no advisories for, gives a notice in out->notices, never silently no
 * findings. */
int match_inventory(const char *db_path, const struct inventory *inv, struct findings *out, struct err *e);

/* Namespace and version scheme of an OS: 0, or -1 when vigil has no
 * matcher for it (family unknown or version unreadable). */
int match_namespace(const struct os_info *os, char *ns, size_t n, enum version_scheme *scheme);

/* One advisory's verdict for an installed version under scheme s: true when
 * affected, with *fixed (borrowed from a, may be NULL) the version that
 * fixes it. Exposed for tests. */
struct vdb_advisory;
bool match_advisory(const struct vdb_advisory *a, enum version_scheme s, const char *installed,
		    const char **fixed);

#endif
