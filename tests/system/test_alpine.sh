#!/usr/bin/env bash
# Real alpine:3.10 / alpine:3.9 `docker save` archives: OS, image ID, diff IDs, the full package list
# (checked against the image's own lib/apk/db/installed), layer attribution; the same image read from a
# real dockerd gives the same packages; table output lists them.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
require_vigil
require_cmd python3
require_fixture images/alpine-310.tar.gz
require_fixture images/alpine-39.tar.gz
ORACLE=$SYSTEST_DIR/oracle.py

A310=$VIGIL_FIXTURES/images/alpine-310.tar.gz
A39=$VIGIL_FIXTURES/images/alpine-39.tar.gz

# check_archive ARCHIVE OSNAME IMAGEID TAG NPKGS: scans the archive, checks everything, leaves JSON in $TEST_TMP/<TAG>.json
check_archive() {
  local archive=$1 osname=$2 image_id=$3 tag=$4 npkgs=$5 j=$TEST_TMP/$4.json
  run_vigil image --input "$archive" --list-all-pkgs --format json
  expect_rc 0 "vigil image --input $archive"
  cp "$OUT" "$j"
  json_eval "$j" 'd["SchemaVersion"]' >/dev/null || fail "$tag: output is not JSON: $(head -c 500 "$j")"
  assert_eq 2 "$(json_eval "$j" 'd["SchemaVersion"]')" "$tag SchemaVersion"
  assert_eq container_image "$(json_eval "$j" 'd["ArtifactType"]')" "$tag ArtifactType"
  assert_eq alpine "$(json_eval "$j" 'd["Metadata"]["OS"]["Family"]')" "$tag Metadata.OS.Family"
  assert_eq "$osname" "$(json_eval "$j" 'd["Metadata"]["OS"]["Name"]')" "$tag Metadata.OS.Name"
  assert_eq "$image_id" "$(json_eval "$j" 'd["Metadata"]["ImageID"]')" "$tag Metadata.ImageID"

  local info
  info=$(python3 "$ORACLE" archive-info "$archive")
  # The config's diff_ids are the real sha256 of the uncompressed layers (checked by the oracle too).
  local want_diffids
  want_diffids=$(python3 -c 'import json,sys; i=json.loads(sys.argv[1]); assert i["diff_ids"]==i["computed_diff_ids"]; print(json.dumps(i["diff_ids"],separators=(",",":")))' "$info")
  assert_eq "$want_diffids" "$(json_eval "$j" 'd["Metadata"]["DiffIDs"]')" "$tag Metadata.DiffIDs"
  assert_eq "[\"$tag\"]" "$(json_eval "$j" 'd["Metadata"].get("RepoTags")')" "$tag Metadata.RepoTags"

  assert_eq "$npkgs" "$(json_pkgs "$j" | wc -l)" "$tag number of packages"
  assert_eq 1 "$(json_eval "$j" 'len([r for r in d["Results"] if r.get("Packages")])')" "$tag results with packages"
  assert_eq os-pkgs "$(json_eval "$j" '[r for r in d["Results"] if r.get("Packages")][0]["Class"]')" "$tag Result.Class"
  assert_eq alpine "$(json_eval "$j" '[r for r in d["Results"] if r.get("Packages")][0]["Type"]')" "$tag Result.Type"

  # Every package matches the image's own apk database: name, version, arch, origin (SrcName).
  python3 "$ORACLE" apk-installed "$archive" >"$TEST_TMP/$tag.apk-expected"
  json_pkgs "$j" Name,Version,Arch,SrcName >"$TEST_TMP/$tag.apk-got"
  assert_files_eq "$TEST_TMP/$tag.apk-expected" "$TEST_TMP/$tag.apk-got" "$tag packages vs lib/apk/db/installed"
  # ID is name@version; single-layer image: every package comes from DiffIDs[0].
  assert_eq 0 "$(json_eval "$j" 'sum(1 for r in d["Results"] for p in r.get("Packages") or [] if p.get("ID") != p["Name"]+"@"+p["Version"])')" "$tag packages whose ID is not Name@Version"
  assert_eq 0 "$(json_eval "$j" 'sum(1 for r in d["Results"] for p in r.get("Packages") or [] if (p.get("Layer") or {}).get("DiffID") != d["Metadata"]["DiffIDs"][0])')" "$tag packages whose Layer.DiffID is not DiffIDs[0]"
}

check_archive "$A310" 3.10.2 sha256:961769676411f082461f9ef46626dd7a2d1e2b2a38e6a44364bcbecf51e66dd4 alpine:3.10 14
j=$TEST_TMP/alpine:3.10.json
grep -qx 'libcrypto1.1 1.1.1c-r0 openssl' <(json_pkgs "$j" Name,Version,SrcName) ||
  fail "alpine:3.10: no libcrypto1.1 1.1.1c-r0 with SrcName openssl"
grep -qx 'musl 1.1.22-r3 x86_64 musl 1.1.22-r3' <(json_pkgs "$j" Name,Version,Arch,SrcName,SrcVersion) ||
  fail "alpine:3.10: no musl 1.1.22-r3 x86_64 (SrcName musl, SrcVersion 1.1.22-r3)"
assert_contains "$(json_eval "$j" '[r["Target"] for r in d["Results"] if r.get("Packages")][0]')" "alpine 3.10.2" "alpine:3.10 Result.Target"

check_archive "$A39" 3.9.4 sha256:055936d3920576da37aa9bc460d70c5f212028bda1c08c0879aedf03d7a66ea1 alpine:3.9 \
  "$(python3 "$ORACLE" apk-installed "$A39" | wc -l)"

# --output FILE writes the same report, nothing on stdout.
run_vigil image --input "$A310" --list-all-pkgs --format json --output "$TEST_TMP/out310.json"
expect_rc 0 "--output"
[[ ! -s $OUT ]] || fail "--output: report also written to stdout"
assert_files_eq <(json_pkgs "$TEST_TMP/alpine:3.10.json" Name,Version,Arch,SrcName,SrcVersion,Layer.DiffID) \
  <(json_pkgs "$TEST_TMP/out310.json" Name,Version,Arch,SrcName,SrcVersion,Layer.DiffID) "--output file"

# Table output lists every package with its version.
run_vigil image --input "$A310" --list-all-pkgs --format table
expect_rc 0 "--format table"
json_pkgs "$TEST_TMP/alpine:3.10.json" Name,Version >"$TEST_TMP/table-expected"
python3 - "$OUT" "$TEST_TMP/table-expected" <<'PY' || fail "--format table: rows missing (above); table was: $(cat "$OUT")"
import re, sys
rows = [set(t for t in re.split(r"[\s|│┃]+", l) if t) for l in open(sys.argv[1], encoding="utf-8")]
missing = [l.strip() for l in open(sys.argv[2]) if not any(set(l.split()) <= r for r in rows)]
for m in missing:
    print("no table row with:", m, file=sys.stderr)
sys.exit(1 if missing else 0)
PY

# The same image through a real Docker daemon.
start_dockerd
docker_cli load -q -i "$A310" >/dev/null
run_vigil image alpine:3.10 --list-all-pkgs --format json
expect_rc 0 "vigil image alpine:3.10 (daemon at $DOCKER_HOST)"
cp "$OUT" "$TEST_TMP/daemon.json"
assert_files_eq <(json_pkgs "$TEST_TMP/alpine:3.10.json" Name,Version,Arch,SrcName,SrcVersion,Layer.DiffID) \
  <(json_pkgs "$TEST_TMP/daemon.json" Name,Version,Arch,SrcName,SrcVersion,Layer.DiffID) "daemon vs archive packages"
assert_eq sha256:961769676411f082461f9ef46626dd7a2d1e2b2a38e6a44364bcbecf51e66dd4 \
  "$(json_eval "$TEST_TMP/daemon.json" 'd["Metadata"]["ImageID"]')" "daemon ImageID"
assert_eq 3.10.2 "$(json_eval "$TEST_TMP/daemon.json" 'd["Metadata"]["OS"]["Name"]')" "daemon OS.Name"

# An image the daemon does not have: exit 3, naming it.
run_vigil image vigil-test/no-such-image:never --list-all-pkgs --format json
expect_rc 3 "image not in the daemon"
assert_contains "$(cat "$ERR")" "vigil-test/no-such-image" "error for an image not in the daemon"

echo "test_alpine: ok"
