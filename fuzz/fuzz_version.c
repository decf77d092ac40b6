/* libFuzzer harness for src/version: the input is two version strings
 * separated by the first NUL byte (no NUL: b is ""). Every comparator must
 * survive any bytes, return -1/0/+1, give 0 for a string against itself, and
 * be antisymmetric: cmp(a,b) == -cmp(b,a). apk's fuzzy compare is not
 * antisymmetric by design, so it is only run for crashes. */
#include "version/version.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int (*cmp)(const char *, const char *), const char *a, const char *b)
{
	int ab = cmp(a, b), ba = cmp(b, a);
	if (ab < -1 || ab > 1 || ab != -ba)
		abort();
	if (cmp(a, a) != 0 || cmp(b, b) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t alen = nul ? (size_t)(nul - data) : size;
	/* Own NUL-terminated copies, so ASan sees reads past the real end;
	 * b stops at any further NUL, as a C string would. */
	char *a = malloc(alen + 1);
	size_t brest = nul ? size - alen - 1 : 0;
	char *b = malloc(brest + 1);
	if (!a || !b)
		abort();
	memcpy(a, data, alen);
	a[alen] = '\0';
	if (brest)
		memcpy(b, nul + 1, brest);
	b[brest] = '\0';

	check(version_cmp_apk, a, b);
	check(version_cmp_dpkg, a, b);
	check(version_cmp_rpm, a, b);
	check(version_rpmvercmp, a, b);
	check(version_cmp_semver, a, b);
	check(version_cmp_pep440, a, b);
	(void)version_valid_semver(a);
	(void)version_valid_pep440(a);
	(void)version_cmp_apk_fuzzy(a, b);
	(void)version_cmp_apk_fuzzy(b, a);
	(void)version_valid_apk(a);
	(void)version_valid_apk(b);
	/* The dispatcher must route to the same answers. */
	if (version_cmp("apk", a, b) != version_cmp_apk(a, b) || version_cmp("dpkg", a, b) != version_cmp_dpkg(a, b) ||
	    version_cmp("rpm", a, b) != version_cmp_rpm(a, b) ||
	    version_cmp("semver", a, b) != version_cmp_semver(a, b) ||
	    version_cmp("pep440", a, b) != version_cmp_pep440(a, b))
		abort();

	free(a);
	free(b);
	return 0;
}
