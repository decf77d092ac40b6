/* match: the installed packages of an inventory against the local
 * vulnerability database (src/db).
 *
 * The OS picks the namespace (alpine 3.10.2 → "alpine:3.10", debian 12.5 →
 * "debian:12", ubuntu 22.04 → "ubuntu:22.04") and the version scheme (apk,
 * dpkg). Each package is looked up by its source name (apk origin, dpkg
 * Source) and compared by the version the feeds speak of: apk the installed
 * version, dpkg the source version. AlmaLinux and Rocky Linux 9.3 →
 * "alma:9" / "rocky:9" (OSV's errata, per major release), scheme rpm: their
 * records list binary rpms, so packages are looked up by binary name and
 * compared as "epoch:version-release" (epoch 0 when the header has none).
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
 *
 * Language packages (PKG_NPM, PKG_PYPI) are matched whatever the OS —
 * also in a distroless image or a root filesystem without one — in their
 * ecosystem's namespace ("npm", "pypi", from OSV's npm and PyPI records) by
 * package name (npm: as package.json says, "@scope/name" included; PyPI:
 * normalised per PEP 503 on both sides, so "PyYAML" finds "pyyaml") and
 * version, compared with node-semver's order (VERSION_SCHEME_SEMVER) or
 * PEP 440's (VERSION_SCHEME_PEP440). The same per-id rules apply. An
 * installed version the scheme calls invalid is not matched (it would sort
 * below every range and report every advisory of the package): a notice
 * counts such packages. So does a database without advisories for an
 * ecosystem the inventory has packages of.
 *
 * OSV ranges (match_advisory): affected when an explicitly listed version
 * equals the installed one or any range affects it; the reported fix is
 * the lowest "fixed" event above the installed version in the range that
 * affects it (as Trivy reports it: urllib3 1.26.16 → 1.26.17, 2.0.5 →
 * 2.0.6), none for last_affected or open ranges. Ids: the CVE alias when
 * the record has one (GHSA-… and PYSEC-… copies then give one finding),
 * else the GHSA id. The severity a GHSA record carries
 * (database_specific.severity) is the vendor rating, source "ghsa".
 * Filters (.vigilignore, --severity, --ignore-unfixed) apply afterwards to
 * all findings alike (src/policy).
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
