#!/usr/bin/env bash
# The multi-layer Debian image built from real Debian packages (build-debian-image.sh), matched against
# a Debian-security-tracker-format feed and an equivalent OSV Debian feed written from real advisories
# (tests/data/feeds/): both feeds give the same findings; open ("unimportant", no fix) advisories are
# reported as affected on the right packages and layer; advisories fixed below the installed version,
# "0" (not affected) and "undetermined" ones are not reported.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
require_vigil
require_cmd python3
IMG_DIR=$(bash "$SYSTEST_DIR/build-debian-image.sh" | tail -n1)
ARCHIVE=$IMG_DIR/debian-multi.tar
[[ -f $ARCHIVE ]] || fail "build-debian-image.sh gave no archive in $IMG_DIR"
FEEDS=$VIGIL_SOURCE_ROOT/tests/data/feeds

run_vigil db import --db "$TEST_TMP/tracker.db" "$FEEDS/debian-tracker-sample.json"
expect_rc 0 "import the tracker feed"
run_vigil db import --db "$TEST_TMP/osv.db" "$FEEDS/osv-debian"
expect_rc 0 "import the OSV feed"

findings() { # findings DB: one line per finding, sorted
  run_vigil image --input "$ARCHIVE" --db "$1" --scanners vuln --list-all-pkgs --format json
  expect_rc 0 "scan with $1"
  python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
for r in d["Results"]:
    for v in r.get("Vulnerabilities") or []:
        print(v["PkgName"], v["VulnerabilityID"], v["Status"], v.get("FixedVersion", "-"), v["Layer"]["DiffID"])' "$OUT" | sort
  cp "$OUT" "$1.json"
}
tracker=$(findings "$TEST_TMP/tracker.db")
osv=$(findings "$TEST_TMP/osv.db")
assert_eq "$tracker" "$osv" "findings from the tracker feed vs the OSV feed"

base=$(json_eval "$TEST_TMP/tracker.db.json" 'd["Metadata"]["DiffIDs"][0]')
# Open advisories on packages of the debootstrap base layer.
for want in "libc6 CVE-2010-4756 affected - $base" "libc-bin CVE-2010-4756 affected - $base" \
  "tar CVE-2005-2541 affected - $base" "libsystemd0 CVE-2013-4392 affected - $base"; do
  grep -qxF "$want" <<<"$tracker" || fail "missing finding [$want]; got: $tracker"
done
# Fixed below what bookworm ships now, not affected ("0"), undetermined: none reported.
for cve in CVE-2024-3094 CVE-2023-4807 CVE-2023-7008 CVE-2022-37434 CVE-2023-39804; do
  if grep -q " $cve " <<<"$tracker"; then fail "$cve must not be reported: $tracker"; fi
done
# Every finding's InstalledVersion is the version of that package in the inventory.
python3 - "$TEST_TMP/tracker.db.json" <<'PY' || fail "a finding's InstalledVersion disagrees with the package list"
import json, sys
d = json.load(open(sys.argv[1]))
for r in d["Results"]:
    pkgs = {p["Name"]: p["Version"] for p in r.get("Packages") or []}
    for v in r.get("Vulnerabilities") or []:
        assert pkgs.get(v["PkgName"]) == v["InstalledVersion"], (v["PkgName"], v["InstalledVersion"])
PY
log "debian vulns: $(wc -l <<<"$tracker") findings, identical from both feeds"
