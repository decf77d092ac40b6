/* inventory/pkg.h: what vigil knows about one installed package and about the
 * operating system. Analyzers produce these; the inventory stage attributes them
 * to layers; matchers and reports read them. */
#ifndef VIGIL_PKG_H
#define VIGIL_PKG_H

#include <stddef.h>

enum pkg_type {
	PKG_APK,
	PKG_DPKG,
	PKG_RPM,
	/* Language packages (not of the OS): an installed npm package (its
	 * package.json under node_modules) and an installed Python
	 * distribution (*.dist-info/METADATA, *.egg-info/PKG-INFO). Their
	 * inventory_pkg.db_path is that file. */
	PKG_NPM,
	PKG_PYPI,
};

/* Every string is owned by the package (free with pkg_clear). Unknown → NULL. */
struct pkg {
	enum pkg_type type;
	char *name;
	/* The version as the package manager's own query tool prints it:
	 *   apk  "1.1.22-r3"          (apk info)
	 *   dpkg "1:2.36-9+deb12u4"   (dpkg-query ${Version}, epoch included)
	 *   rpm  "2.34-1.cm2"         (%{VERSION}-%{RELEASE}; epoch kept apart below) */
	char *version;
	int epoch; /* rpm only: %{EPOCH}, -1 when the header has none */
	char *arch;
	/* Source package: apk origin; dpkg Source (defaults to name/version);
	 * rpm name and version-release parsed from %{SOURCERPM}. */
	char *src_name;
	char *src_version;
	char *sourcerpm; /* rpm: the raw %{SOURCERPM} */
	char *license;
	char *maintainer;
	char *vendor;           /* rpm */
	char *modularity_label; /* rpm */
	char *checksum;         /* apk: "Q1..." from C: */
	char **files;           /* installed files, normalised paths without leading '/' */
	size_t nfiles;
};

void pkg_clear(struct pkg *p);
/* Deep copy. */
void pkg_copy(struct pkg *dst, const struct pkg *src);

/* A growable list of packages. */
struct pkg_list {
	struct pkg *v;
	size_t len, cap;
};
/* Appends a zeroed package (epoch -1) and returns it. */
struct pkg *pkg_list_add(struct pkg_list *l);
void pkg_list_free(struct pkg_list *l);

const char *pkg_type_name(enum pkg_type t); /* "apk", "dpkg", "rpm", "npm", "pypi" */
/* True for the language package types (PKG_NPM, PKG_PYPI). */
static inline int pkg_type_is_lang(enum pkg_type t)
{
	return t == PKG_NPM || t == PKG_PYPI;
}

/* The operating system of an image. family: "alpine", "debian", "ubuntu",
 * "centos", "rocky", "alma", "redhat", "fedora", "amazon", "cbl-mariner",
 * "azurelinux", "oracle", "sles", "opensuse-leap", "opensuse-tumbleweed",
 * "photon", "wolfi", "chainguard", "distroless" (no OS files but packages), or
 * NULL when nothing identifies it. */
struct os_info {
	char *family;
	char *name;   /* version, e.g. "3.10.2", "12.5", "22.04", "2.0" */
	char *pretty; /* PRETTY_NAME when known */
};
void os_info_clear(struct os_info *os);

#endif
