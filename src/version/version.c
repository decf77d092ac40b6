/* Scheme dispatch for the comparators in this folder. */
#include "version/version.h"

#include <errno.h>
#include <string.h>

enum version_scheme version_scheme_parse(const char *name)
{
	if (!name)
		return VERSION_SCHEME_UNKNOWN;
	if (strcmp(name, "apk") == 0)
		return VERSION_SCHEME_APK;
	if (strcmp(name, "dpkg") == 0)
		return VERSION_SCHEME_DPKG;
	if (strcmp(name, "rpm") == 0)
		return VERSION_SCHEME_RPM;
	if (strcmp(name, "semver") == 0)
		return VERSION_SCHEME_SEMVER;
	if (strcmp(name, "pep440") == 0)
		return VERSION_SCHEME_PEP440;
	return VERSION_SCHEME_UNKNOWN;
}

int version_cmp_scheme(enum version_scheme s, const char *a, const char *b)
{
	switch (s) {
	case VERSION_SCHEME_APK:
		return version_cmp_apk(a, b);
	case VERSION_SCHEME_DPKG:
		return version_cmp_dpkg(a, b);
	case VERSION_SCHEME_RPM:
		return version_cmp_rpm(a, b);
	case VERSION_SCHEME_SEMVER:
		return version_cmp_semver(a, b);
	case VERSION_SCHEME_PEP440:
		return version_cmp_pep440(a, b);
	case VERSION_SCHEME_UNKNOWN:
	default:
		return 0;
	}
}

int version_cmp(const char *scheme, const char *a, const char *b)
{
	enum version_scheme s = version_scheme_parse(scheme);
	if (s == VERSION_SCHEME_UNKNOWN) {
		/* errno, not a return code: every int is a valid ordering. */
		errno = EINVAL;
		return 0;
	}
	return version_cmp_scheme(s, a, b);
}
