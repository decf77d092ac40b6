/* version_cmp dispatch by scheme name, and the unknown-scheme contract. */
#include "testutil.h"

#include "version/version.h"

#include <errno.h>

static void test_scheme_parse(void **state)
{
	(void)state;
	assert_int_equal(version_scheme_parse("apk"), VERSION_SCHEME_APK);
	assert_int_equal(version_scheme_parse("dpkg"), VERSION_SCHEME_DPKG);
	assert_int_equal(version_scheme_parse("rpm"), VERSION_SCHEME_RPM);
	assert_int_equal(version_scheme_parse("semver"), VERSION_SCHEME_SEMVER);
	assert_int_equal(version_scheme_parse("pep440"), VERSION_SCHEME_PEP440);
	assert_int_equal(version_scheme_parse("RPM"), VERSION_SCHEME_UNKNOWN);
	assert_int_equal(version_scheme_parse(""), VERSION_SCHEME_UNKNOWN);
	assert_int_equal(version_scheme_parse(NULL), VERSION_SCHEME_UNKNOWN);
}

static void test_dispatch(void **state)
{
	(void)state;
	/* "1.0_rc1" vs "1.0" shows the routing: to apk "_rc1" is a pre-release
	 * suffix (older); to dpkg and rpm it is extra text after "1.0" (newer). */
	errno = 0;
	assert_int_equal(version_cmp("apk", "1.0_rc1", "1.0"), -1);
	assert_int_equal(version_cmp("dpkg", "1.0_rc1", "1.0"), 1);
	assert_int_equal(version_cmp("rpm", "1.0_rc1", "1.0"), 1);
	assert_int_equal(version_cmp("dpkg", "1:1", "2"), 1);
	assert_int_equal(version_cmp("rpm", "1.0", "1.0-1"), -1);
	/* "1.0.0-rc1": a SemVer prerelease (older); PEP 440's "1.0.0rc1". */
	assert_int_equal(version_cmp("semver", "1.0.0-rc1", "1.0.0"), -1);
	assert_int_equal(version_cmp("pep440", "1.0.0-rc1", "1.0.0"), -1);
	assert_int_equal(version_cmp("pep440", "1.0-1", "1.0"), 1); /* a post-release */
	assert_int_equal(errno, 0);
	assert_int_equal(version_cmp_scheme(VERSION_SCHEME_APK, "1.2", "1.10"), -1);
	assert_int_equal(version_cmp_scheme(VERSION_SCHEME_DPKG, "1.2", "1.10"), -1);
	assert_int_equal(version_cmp_scheme(VERSION_SCHEME_RPM, "1.2", "1.10"), -1);
}

static void test_unknown_scheme(void **state)
{
	(void)state;
	errno = 0;
	assert_int_equal(version_cmp("maven", "1", "2"), 0);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(version_cmp(NULL, "1", "2"), 0);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(version_cmp_scheme(VERSION_SCHEME_UNKNOWN, "1", "2"), 0);
	assert_int_equal(version_cmp_scheme((enum version_scheme)42, "1", "2"), 0);
}

/* Hostile input: every comparator copes with odd bytes and long strings,
 * and stays antisymmetric. */
static void test_hostile(void **state)
{
	(void)state;
	static char longnum[8192];
	for (size_t i = 0; i + 1 < sizeof longnum; i++)
		longnum[i] = (char)('0' + i % 10);
	const char *const s[] = {"", " ", "\xff\xfe", "~", "^", "-", ":", "::", "--", "-r", "_", "~~~~",
				 "1:", ":1", "1-", "\t1 2\t", "01.-r", longnum};
	int (*const cmps[])(const char *, const char *) = {version_cmp_apk, version_cmp_dpkg, version_cmp_rpm,
							    version_rpmvercmp, version_cmp_semver, version_cmp_pep440};
	for (size_t c = 0; c < sizeof cmps / sizeof cmps[0]; c++)
		for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
			assert_int_equal(cmps[c](s[i], s[i]), 0);
			for (size_t j = 0; j < sizeof s / sizeof s[0]; j++) {
				int r = cmps[c](s[i], s[j]);
				assert_true(r >= -1 && r <= 1);
				assert_int_equal(cmps[c](s[j], s[i]), -r);
			}
		}
	(void)version_valid_apk(longnum);
	assert_false(version_valid_semver(longnum));
	assert_true(version_valid_pep440(longnum)); /* one release number of any length */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scheme_parse),
		cmocka_unit_test(test_dispatch),
		cmocka_unit_test(test_unknown_scheme),
		cmocka_unit_test(test_hostile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
