#!/usr/bin/env bash
# A 3-layer Debian image built here from real Debian packages (build-debian-image.sh):
#  - docker-archive inventory == dpkg-query on the final rootfs (name, version with epoch, arch, source, source version)
#  - packages installed by the RUN layer are attributed to DiffIDs[2], the base ones to DiffIDs[0], none to the
#    COPY layer (DiffIDs[1]); the purged base package is gone
#  - daemon, docker-archive, OCI layout (path, path:tag, path@digest) give identical inventories
#  - `vigil rootfs` on the exported filesystem lists the same packages
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
require_vigil
require_root
require_cmd python3 dpkg-query

start_dockerd
CACHE=$(bash "$SYSTEST_DIR/build-debian-image.sh" | tail -n1)
[[ -f $CACHE/VERSION ]] || fail "build-debian-image.sh gave no cache dir"
log "test image: $CACHE ($(cat "$CACHE/VERSION"))"
ORACLE=$SYSTEST_DIR/oracle.py
FULL=Name,Version,Arch,SrcName,SrcVersion,Layer.DiffID

# Oracle: dpkg-query on the final filesystem (host dpkg reading the image's database).
dpkg-query --admindir="$CACHE/rootfs/var/lib/dpkg" -W \
  -f '${Package} ${Version} ${Architecture} ${source:Package} ${source:Version}\n' | LC_ALL=C sort >"$TEST_TMP/expected-src"
assert_files_eq "$CACHE/expected-final.txt" <(cut -d' ' -f1-3 "$TEST_TMP/expected-src") "cache consistency"

layers=$(docker_cli image inspect -f '{{json .RootFS.Layers}}' vigil-test/debian-multi)
image_id=$(docker_cli image inspect -f '{{.Id}}' vigil-test/debian-multi)

# ---- docker-archive -------------------------------------------------------------------------------
run_vigil image --input "$CACHE/debian-multi.tar" --list-all-pkgs --format json
expect_rc 0 "vigil image --input debian-multi.tar"
A=$TEST_TMP/archive.json
cp "$OUT" "$A"
assert_eq debian "$(json_eval "$A" 'd["Metadata"]["OS"]["Family"]')" "Metadata.OS.Family"
assert_eq "$(cat "$CACHE/rootfs/etc/debian_version")" "$(json_eval "$A" 'd["Metadata"]["OS"]["Name"]')" "Metadata.OS.Name (/etc/debian_version)"
assert_eq "$image_id" "$(json_eval "$A" 'd["Metadata"]["ImageID"]')" "Metadata.ImageID"
assert_eq "$layers" "$(json_eval "$A" 'd["Metadata"]["DiffIDs"]')" "Metadata.DiffIDs"
assert_eq '["vigil-test/debian-multi:latest"]' "$(json_eval "$A" 'd["Metadata"].get("RepoTags")')" "Metadata.RepoTags"
assert_eq debian "$(json_eval "$A" '[r for r in d["Results"] if r.get("Packages")][0]["Type"]')" "Result.Type"

assert_files_eq "$CACHE/expected-final.txt" <(json_pkgs "$A") "archive packages (name version arch) vs dpkg-query"
assert_files_eq "$TEST_TMP/expected-src" <(json_pkgs "$A" Name,Version,Arch,SrcName,SrcVersion) \
  "archive packages (with source name/version) vs dpkg-query \${source:Package} \${source:Version}"
grep -qx 'file 1:5.44-3 amd64' <(json_pkgs "$A") || fail "epoch missing: no 'file 1:5.44-3 amd64'"
if grep -q '^e2fsprogs ' <(json_pkgs "$A"); then fail "e2fsprogs was purged in layer 2 but is listed"; fi

# Layer attribution: the layer that installed each package.
d0=$(json_eval "$A" 'd["Metadata"]["DiffIDs"][0]')
d2=$(json_eval "$A" 'd["Metadata"]["DiffIDs"][2]')
added_layer=$(cat "$CACHE/layer-of-added.txt")
assert_eq 2 "$added_layer" "layer of added packages"
python3 - "$A" "$CACHE/expected-added.txt" "$d0" "$d2" <<'PY' || fail "layer attribution wrong (above)"
import json, sys
d = json.load(open(sys.argv[1]))
added = {l.split()[0] for l in open(sys.argv[2]) if l.strip()}
bad = 0
for r in d["Results"]:
    for p in r.get("Packages") or []:
        want = sys.argv[4] if p["Name"] in added else sys.argv[3]
        got = (p.get("Layer") or {}).get("DiffID")
        if got != want:
            bad += 1
            print(f"{p['Name']}: Layer.DiffID {got}, expected {want} ({'added in layer 2' if p['Name'] in added else 'base layer'})", file=sys.stderr)
sys.exit(1 if bad else 0)
PY
json_pkgs "$A" "$FULL" >"$TEST_TMP/archive.full"

# ---- daemon ---------------------------------------------------------------------------------------
run_vigil image vigil-test/debian-multi --list-all-pkgs --format json
expect_rc 0 "vigil image vigil-test/debian-multi (daemon)"
assert_files_eq "$TEST_TMP/archive.full" <(json_pkgs "$OUT" "$FULL") "daemon vs archive"
assert_eq "$image_id" "$(json_eval "$OUT" 'd["Metadata"]["ImageID"]')" "daemon ImageID"

# ---- OCI layout -----------------------------------------------------------------------------------
oci=$(python3 "$ORACLE" oci-info "$CACHE/debian-multi-oci" latest)
manifest_digest=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["manifest_digest"])' "$oci")
for ref in "$CACHE/debian-multi-oci" "$CACHE/debian-multi-oci:latest" "$CACHE/debian-multi-oci@$manifest_digest"; do
  run_vigil image --input "$ref" --list-all-pkgs --format json
  expect_rc 0 "vigil image --input $ref"
  assert_files_eq "$TEST_TMP/archive.full" <(json_pkgs "$OUT" "$FULL") "OCI layout ($ref) vs archive"
  assert_eq "$layers" "$(json_eval "$OUT" 'd["Metadata"]["DiffIDs"]')" "OCI ($ref) Metadata.DiffIDs"
  # Layer.Digest is the compressed blob's digest from the manifest, in DiffID order.
  python3 - "$OUT" "$oci" <<'PY' || fail "OCI ($ref): Layer.Digest does not match the manifest (above)"
import json, sys
d, oci = json.load(open(sys.argv[1])), json.loads(sys.argv[2])
want = dict(zip(oci["diff_ids"], oci["layer_digests"]))
bad = [(p["Name"], p["Layer"]) for r in d["Results"] for p in r.get("Packages") or []
       if want.get(p["Layer"]["DiffID"]) != p["Layer"].get("Digest")]
for b in bad[:5]:
    print("bad Layer.Digest:", b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
done

run_vigil image --input "$CACHE/debian-multi-oci:no-such-tag" --list-all-pkgs --format json
expect_rc 3 "OCI layout with a tag it does not have"
assert_contains "$(cat "$ERR")" "no-such-tag" "error for a missing OCI tag"

# ---- rootfs ---------------------------------------------------------------------------------------
run_vigil rootfs "$CACHE/rootfs" --list-all-pkgs --format json
expect_rc 0 "vigil rootfs"
assert_eq filesystem "$(json_eval "$OUT" 'd["ArtifactType"]')" "rootfs ArtifactType"
assert_eq debian "$(json_eval "$OUT" 'd["Metadata"]["OS"]["Family"]')" "rootfs OS.Family"
assert_files_eq "$TEST_TMP/expected-src" <(json_pkgs "$OUT" Name,Version,Arch,SrcName,SrcVersion) "rootfs vs dpkg-query"

echo "test_debian: ok"
