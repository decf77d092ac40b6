/* analyzer/rpm: the rpm package database, read from the bytes of one file.
 *
 * rpm keeps one header blob per installed package in one of three stores:
 *   BerkeleyDB hash  var/lib/rpm/Packages          (rpm < 4.16, RHEL/CentOS <= 8)
 *   NDB              var/lib/rpm/Packages.db       (SUSE)
 *   SQLite           var/lib/rpm/rpmdb.sqlite      (rpm >= 4.16, Fedora, RHEL 9, Mariner)
 * The same names may live under usr/lib/sysimage/rpm/. We never touch the
 * disk: the layer walk hands us the file's bytes. Every blob is then parsed
 * by our own bounds-checked reader of rpm's header format. */
#ifndef VIGIL_RPMDB_H
#define VIGIL_RPMDB_H

#include "inventory/pkg.h"
#include "util/util.h"

#include <stddef.h>

/* Read every installed package of an rpm database, in database order (the
 * order `rpm -qa` prints), appending them to out. The backend is recognised
 * from the bytes; path (may be NULL) is only a hint for the error message
 * when the bytes are not a database at all. gpg-pubkey pseudo-packages (the
 * keys `rpm --import` stores as headers) are skipped: they are not software.
 * Returns 0, or -1 with a reason in e and out left as it was. */
int rpmdb_read(const char *path, const unsigned char *data, size_t len, struct pkg_list *out,
	       struct err *e);

/* Parse one rpm header blob (the "il dl index data" form rpm stores in its
 * databases, without the 8-byte magic of package files) into out, which is
 * overwritten (its previous contents are not freed). Returns 0, or -1 with a
 * reason in e and out cleared. */
int rpm_header_parse(const unsigned char *blob, size_t len, struct pkg *out, struct err *e);

#endif
