#!/usr/bin/env bash
# AlmaLinux 9 vulnerability matching on a real rpmdb:
#  - tiny binary rpms built by rpmbuild, named and versioned like the real EL9 packages (openssl-libs
#    1:3.0.7-24.el9 from openssl's source rpm, glibc 2.34-60.el9_2.6, …), installed into an SQLite rpmdb
#    (var/lib/rpm/rpmdb.sqlite, as EL9 keeps it) by rpm itself (--justdb), under AlmaLinux 9.3's os-release
#  - the OSV errata of tests/data/feeds/osv-rpm (real ALSA/RLSA advisories) fetched by
#    `vigil db update --osv 'AlmaLinux,Rocky Linux'` from a file:// bucket laid out as OSV's (Rocky%20Linux)
#  - `vigil rootfs --format json`: exactly the expected findings (binary package names, epochs compared as
#    rpm compares them, installed versions on both sides of each fix); as Rocky Linux 9.3, a notice
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
require_vigil
require_cmd rpm rpmbuild python3

TOP=$TEST_TMP/rpmbuild ROOT=$TEST_TMP/root DB=$TEST_TMP/vigil.db
mkdir -p "$TOP/SPECS" "$ROOT/etc" "$ROOT/var/lib/rpm"

# spec NAME EPOCH VERSION RELEASE MAIN(0|1) SUBPACKAGE...: a source package whose binary packages have no
# files; "-n NAME" subpackages are spelled "=NAME". Epoch "-" means none.
spec() {
  local name=$1 epoch=$2 version=$3 release=$4 main=$5 f
  shift 5
  f=$TOP/SPECS/$name-$release.spec
  {
    echo "Name: $name"
    [[ $epoch == - ]] || echo "Epoch: $epoch"
    echo "Version: $version"
    echo "Release: $release"
    echo "Summary: vigil test package"
    echo "License: MIT"
    echo "BuildArch: noarch"
    echo "%description"
    echo "vigil test package"
    for sub in "$@"; do
      if [[ $sub == =* ]]; then echo "%package -n ${sub#=}"; else echo "%package $sub"; fi
      echo "Summary: vigil test subpackage"
      if [[ $sub == =* ]]; then echo "%description -n ${sub#=}"; else echo "%description $sub"; fi
      echo "vigil test subpackage"
    done
    ((main)) && echo "%files"
    for sub in "$@"; do
      if [[ $sub == =* ]]; then echo "%files -n ${sub#=}"; else echo "%files $sub"; fi
    done
  } >"$f"
  rpmbuild --quiet --define "_topdir $TOP" --define 'debug_package %{nil}' -bb "$f" \
    >>"$TEST_TMP/rpmbuild.log" 2>&1 || { cat "$TEST_TMP/rpmbuild.log" >&2; fail "rpmbuild $f"; }
}

log "rpmbuild: openssl, glibc, curl packages"
spec openssl 1 3.0.7 24.el9 0 libs            # openssl-libs 1:3.0.7-24.el9: below the fix
spec openssl 1 3.0.7 25.el9_3 1               # openssl 1:3.0.7-25.el9_3: the fix itself
spec openssl 1 3.0.7 27.el9 0 devel           # openssl-devel 1:3.0.7-27.el9: above it
spec glibc - 2.34 60.el9_2.6 1 gconv-extra    # glibc + glibc-gconv-extra (not in the erratum's list)
spec glibc - 2.34 60.el9_2.7 0 common         # glibc-common: the fix
spec curl - 7.76.1 26.el9 0 =libcurl          # no advisory

mapfile -t RPMS < <(find "$TOP/RPMS" -name '*.rpm' | sort)
((${#RPMS[@]} == 7)) || fail "expected 7 rpms, built: ${RPMS[*]}"
rpm --root "$ROOT" --dbpath /var/lib/rpm --define '_db_backend sqlite' -i --nodeps --justdb --noscripts \
  --ignorearch --ignoreos "${RPMS[@]}" >"$TEST_TMP/rpm.log" 2>&1 || { cat "$TEST_TMP/rpm.log" >&2; fail "rpm -i"; }
[[ -f $ROOT/var/lib/rpm/rpmdb.sqlite ]] || fail "rpm did not write var/lib/rpm/rpmdb.sqlite: $(ls "$ROOT/var/lib/rpm")"
# The oracle: what rpm itself says is installed.
rpm --root "$ROOT" --dbpath /var/lib/rpm --define '_db_backend sqlite' -qa \
  --qf '%{NAME} %{EPOCH}:%{VERSION}-%{RELEASE} %{SOURCERPM}\n' | sort >"$TEST_TMP/rpm-qa"
assert_contains "$(cat "$TEST_TMP/rpm-qa")" "openssl-libs 1:3.0.7-24.el9 openssl-3.0.7-24.el9.src.rpm" "rpm -qa"

# AlmaLinux 9.3's /etc/os-release.
cat >"$ROOT/etc/os-release" <<'EOF'
NAME="AlmaLinux"
VERSION="9.3 (Shamrock Pampas Cat)"
ID="almalinux"
ID_LIKE="rhel centos fedora"
VERSION_ID="9.3"
PLATFORM_ID="platform:el9"
PRETTY_NAME="AlmaLinux 9.3 (Shamrock Pampas Cat)"
ANSI_COLOR="0;34"
LOGO="fedora-logo-icon"
CPE_NAME="cpe:/o:almalinux:almalinux:9::baseos"
HOME_URL="https://almalinux.org/"
DOCUMENTATION_URL="https://wiki.almalinux.org/"
BUG_REPORT_URL="https://bugs.almalinux.org/"

ALMALINUX_MANTISBT_PROJECT="AlmaLinux-9"
ALMALINUX_MANTISBT_PROJECT_VERSION="9.3"
REDHAT_SUPPORT_PRODUCT="AlmaLinux"
REDHAT_SUPPORT_PRODUCT_VERSION="9.3"
EOF

# `vigil db update --osv 'AlmaLinux,Rocky Linux'` from a bucket laid out as OSV's (Rocky%20Linux/all.zip):
# the space in the ecosystem name must reach the URL as %20.
BUCKET=$TEST_TMP/bucket
python3 - "$VIGIL_SOURCE_ROOT/tests/data/feeds/osv-rpm" "$BUCKET" <<'PY'
import os, sys, zipfile
src, out = sys.argv[1:]
for eco, prefix in (("AlmaLinux", "ALSA-"), ("Rocky Linux", "RLSA-")):
    os.makedirs(os.path.join(out, eco))
    with zipfile.ZipFile(os.path.join(out, eco, "all.zip"), "w") as z:
        for f in sorted(os.listdir(src)):
            if f.startswith(prefix):
                z.write(os.path.join(src, f), f)
PY
run_vigil db update --db "$DB" --osv 'AlmaLinux,Rocky Linux' --osv-url "file://$BUCKET"
expect_rc 0 "db update --osv 'AlmaLinux,Rocky Linux'"
assert_contains "$(cat "$OUT")" "osv:Rocky Linux: 1 records" "db update output"
assert_contains "$(cat "$OUT")" "osv:AlmaLinux: 2 records" "db update output"
run_vigil db update --db "$TEST_TMP/other.db" --osv ' Rocky Linux' --osv-url "file://$BUCKET"
expect_rc 2 "db update with a leading space"

run_vigil rootfs "$ROOT" --db "$DB" --format json --list-all-pkgs
expect_rc 0 "rootfs scan"
cp "$OUT" "$TEST_TMP/report.json"
assert_eq "alma 9.3" "$(json_eval "$TEST_TMP/report.json" 'd["Metadata"]["OS"]["Family"] + " " + d["Metadata"]["OS"]["Name"]')" "OS"
# Every installed rpm is inventoried, with the version rpm reports.
assert_eq "$(awk '{print $1, $2}' "$TEST_TMP/rpm-qa" | sed 's/ (none):/ /' | sort)" \
  "$(json_pkgs "$TEST_TMP/report.json" Name,Epoch,Version | awk '{e = ($2 == "<none>" || $2 == "0") ? "" : $2 ":"; print $1, e $3}' | sort)" \
  "packages"

got=$(python3 - "$TEST_TMP/report.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for r in d.get("Results") or []:
    for v in r.get("Vulnerabilities") or []:
        print(v["PkgName"], v["VulnerabilityID"], v["InstalledVersion"], v.get("FixedVersion", "-"), v["Status"],
              v["Severity"], v.get("SeveritySource", "-"), v["DataSource"]["Name"])
PY
)
want="glibc CVE-2023-4527 2.34-60.el9_2.6 2.34-60.el9_2.7 fixed HIGH alma osv:AlmaLinux
glibc CVE-2023-4806 2.34-60.el9_2.6 2.34-60.el9_2.7 fixed HIGH alma osv:AlmaLinux
glibc CVE-2023-4813 2.34-60.el9_2.6 2.34-60.el9_2.7 fixed HIGH alma osv:AlmaLinux
glibc CVE-2023-4911 2.34-60.el9_2.6 2.34-60.el9_2.7 fixed HIGH alma osv:AlmaLinux
openssl-libs CVE-2023-5363 1:3.0.7-24.el9 1:3.0.7-25.el9_3 fixed MEDIUM alma osv:AlmaLinux"
assert_eq "$want" "$(sort <<<"$got")" "findings"

# The same rpmdb as Rocky Linux 9.3: the feeds hold Rocky 8 errata only, so no finding (alma:9 records do
# not apply to Rocky) and a notice that Rocky 9 has no data.
sed -i 's/^ID="almalinux"/ID="rocky"/; s/^NAME="AlmaLinux"/NAME="Rocky Linux"/' "$ROOT/etc/os-release"
run_vigil rootfs "$ROOT" --db "$DB" --format json
expect_rc 0 "rootfs scan as rocky 9.3"
assert_eq "0" "$(json_eval "$OUT" 'sum(len(r.get("Vulnerabilities") or []) for r in d.get("Results") or [])')" "rocky 9 findings"
assert_contains "$(cat "$ERR" "$OUT")" "rocky 9.3 has no advisories in the database" "rocky 9 notice"
log "ok"
