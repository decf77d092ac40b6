/* version: exact package-version ordering for the distributions vigil scans.
 *
 * This folder owns the comparators and nothing else: given two version strings
 * of one packaging scheme it says which is newer, with the same answer the
 * distribution's own tool would give, so that "installed < fixed" in a
 * vulnerability feed means exactly what it means to apk, dpkg or rpm.
 *
 *   apk  - apk-tools (Alpine) apk_version_compare / apk_version_validate, the
 *          current token grammar: digit{.digit}...{letter}{_suf{#}}...{~hash}{-r#}
 *   dpkg - dpkg --compare-versions: [epoch:]upstream[-revision], verrevcmp
 *   rpm  - rpm's EVR comparison: "[epoch:]version[-release]" split as rpm's
 *          parseEVR does, each part compared with rpmvercmp ('~' and '^' rules)
 *   semver - npm: node-semver's compare() in loose mode (SemVer 2.0.0
 *          precedence)
 *   pep440 - PyPI: packaging.version.Version ordering (PEP 440)
 *
 * Every comparator returns -1, 0 or +1 (sign like strcmp), is pure (no global
 * state, thread-safe) and accepts any byte string: the strings come from
 * hostile images and feeds, so invalid input gets a documented, deterministic,
 * antisymmetric answer instead of a crash or an error path. A NULL pointer
 * compares equal to NULL and below every non-NULL string.
 */
#ifndef VIGIL_VERSION_H
#define VIGIL_VERSION_H

#include <stdbool.h>

/* apk-tools semantics. Strings apk calls invalid still compare the way apk
 * compares them (token by token up to the first bad token; two strings that
 * both turn invalid at the same point with equal prefixes are equal, e.g.
 * "1.0bc" = "1.0bd"). Numbers wrap modulo 2^64 as in apk (uint64_t). */
int version_cmp_apk(const char *a, const char *b);
/* apk_version_validate: true when apk accepts v as a version. "" is invalid. */
bool version_valid_apk(const char *v);
/* apk's fuzzy comparison ("~" in a dependency such as "foo~1.2"): like
 * version_cmp_apk, but when every token of b matched a token of a and b ends
 * first, the result is 0 (a lies within prefix b: 1.2.3 ~ 1.2). Deliberately
 * not antisymmetric: b is the pattern. */
int version_cmp_apk_fuzzy(const char *a, const char *b);

/* dpkg --compare-versions. Leading/trailing blanks are ignored and "" is the
 * blank version, as in dpkg. Where dpkg would refuse a string outright it is
 * still compared, with these fallbacks (dpkg itself only warns about bad
 * characters or a non-digit start, and compares those as here):
 *   - an epoch dpkg rejects (empty, not a number, negative, > INT_MAX): no
 *     epoch; the colon stays part of the upstream version;
 *   - "E:" with nothing after the colon: epoch E, empty upstream;
 *   - "1.0-" (empty revision): revision "";
 *   - embedded blanks: kept, ordered like other punctuation. */
int version_cmp_dpkg(const char *a, const char *b);

/* rpm EVR order on "[epoch:]version[-release]". The epoch is the leading run
 * of digits when a ':' follows it (":1" has epoch 0; "a:1" has no epoch and
 * version "a:1"); a missing epoch is 0. The release is what follows the LAST
 * '-'. Epoch, version and release are each compared with rpmvercmp; a version
 * without a release sorts below the same version with one ("1.0" < "1.0-1",
 * as rpm's rpmverCmp and python's rpm.labelCompare do). */
int version_cmp_rpm(const char *a, const char *b);
/* rpmvercmp itself on whole strings (no epoch/release split). */
int version_rpmvercmp(const char *a, const char *b);

/* npm: node-semver 7's compare(a, b, true) — loose mode, as npm reads
 * package.json versions. SemVer 2.0.0 precedence: major.minor.patch
 * numerically, a prerelease below its release, prerelease identifiers
 * left to right (numeric ones numerically and below alphanumeric ones,
 * alphanumeric ones in ASCII order, a shorter list below a longer one it
 * prefixes), build metadata ("+…") ignored. Loose mode also accepts, as
 * node-semver does: surrounding blanks; any run of 'v', '=' and blanks
 * before the number ("v1.2.3", "=1.2.3", "v 1.2.3"); leading zeros
 * ("01.2.3" = "1.2.3", prerelease "01" = "1"); a prerelease without its
 * hyphen ("1.2.3beta" = "1.2.3-beta"). Numbers follow JavaScript: a
 * major/minor/patch above 2^53-1 is invalid; numeric prerelease
 * identifiers compare as doubles. Strings node-semver throws on (invalid,
 * longer than 256 bytes, or with any non-ASCII byte — node-semver would
 * trim Unicode blanks such as U+00A0, vigil does not) sort below every
 * valid version and among themselves by strcmp. */
int version_cmp_semver(const char *a, const char *b);
/* True when node-semver (loose) parses v; NULL is invalid. */
bool version_valid_semver(const char *v);

/* PyPI: packaging.version.Version (packaging >= 22) ordering — epoch,
 * release with implicit trailing zeros (1.0 = 1.0.0), dev < pre (a < b <
 * rc) < final < post, a dev release of each below it, local versions
 * above the same public version (numeric segments above alphanumeric ones).
 * The spellings packaging normalises are accepted the same way: case,
 * leading "v", "alpha"/"beta"/"c"/"pre"/"preview", "rev"/"r", "-N" as a
 * post-release ("1.0-1" = "1.0.post1"), separators '-', '_', '.' or none
 * around pre/post/dev labels, implicit 0 numbers ("1.0.post" =
 * "1.0.post0"), surrounding blanks. Numbers have no size limit. Strings
 * packaging calls InvalidVersion (and any with a non-ASCII byte, which
 * packaging might accept through Unicode case folding, e.g. U+017F for
 * 's') sort below every valid version and among themselves by strcmp. */
int version_cmp_pep440(const char *a, const char *b);
/* True when packaging.version.Version accepts v; NULL is invalid. */
bool version_valid_pep440(const char *v);

enum version_scheme {
	VERSION_SCHEME_UNKNOWN = 0,
	VERSION_SCHEME_APK,
	VERSION_SCHEME_DPKG,
	VERSION_SCHEME_RPM,
	VERSION_SCHEME_SEMVER,
	VERSION_SCHEME_PEP440,
};
/* "apk", "dpkg", "rpm", "semver" or "pep440" (exact, lower case); anything
 * else, NULL included, is VERSION_SCHEME_UNKNOWN. */
enum version_scheme version_scheme_parse(const char *name);
/* Compare under scheme s; VERSION_SCHEME_UNKNOWN (or an out-of-range value)
 * returns 0. */
int version_cmp_scheme(enum version_scheme s, const char *a, const char *b);
/* Dispatcher by name. For an unknown scheme it returns 0 AND sets errno to
 * EINVAL; errno is left alone on success, so a caller that cannot vouch for
 * the scheme name either checks version_scheme_parse() first (preferred) or
 * clears errno before the call. A 0 from an unknown scheme must not be read
 * as "equal". */
int version_cmp(const char *scheme, const char *a, const char *b);

#endif
