#!/usr/bin/env bash
# --policy on the real alpine:3.10 `docker save` archive with a DB imported from the real Alpine secdb v3.10:
# a policy that passes and one that fails (exit code, JSON Policy object, table section, SARIF results, the
# stderr lines), thresholds derived from the image itself (vulnerability counts from the JSON report, size from
# the archive's layer.tar, its config's User and layer count), --exit-code next to --policy, invalid policies
# refused before scanning, a signature rule on an archive, a root filesystem, and sbom refusing --policy.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
require_vigil
require_cmd python3 openssl
require_fixture images/alpine-310.tar.gz
require_fixture images/alpine-39.tar.gz
require_fixture feeds/alpine-secdb/v3.10/main.json

A310=$VIGIL_FIXTURES/images/alpine-310.tar.gz
DB=$TEST_TMP/alpine.db
run_vigil db import --db "$DB" "$VIGIL_FIXTURES"/feeds/alpine-secdb/v3.10/*.json
expect_rc 0 "db import"

# The facts the policies are built from, read without vigil's policy code.
run_vigil image --db "$DB" --input "$A310" --format json
expect_rc 0 "plain scan"
cp "$OUT" "$TEST_TMP/plain.json"
count() { json_eval "$TEST_TMP/plain.json" "sum(1 for r in d['Results'] for v in r.get('Vulnerabilities') or [] $1)"; }
TOTAL=$(count '')
UNKNOWN=$(count "if v['Severity'] == 'UNKNOWN'")
HIGH=$(count "if v['Severity'] == 'HIGH'")
# The fixture: CVE-2019-1547, -1549 and -1563 on libcrypto1.1 and libssl1.1, all fixed in 1.1.1d-r0.
assert_eq 6 "$TOTAL" "vulnerabilities in alpine:3.10"
assert_eq '["CVE-2019-1547","CVE-2019-1549","CVE-2019-1563"]' \
  "$(json_eval "$TEST_TMP/plain.json" "sorted({v['VulnerabilityID'] for r in d['Results'] for v in r.get('Vulnerabilities') or []})")" \
  "vulnerability ids"
SIZE=$(python3 - "$A310" <<'PY'
import gzip, json, sys, tarfile
t = tarfile.open(sys.argv[1])
manifest = json.load(t.extractfile("manifest.json"))
print(sum(t.getmember(l).size for l in manifest[0]["Layers"]))
PY
)
assert_eq 1 "$(json_eval "$TEST_TMP/plain.json" 'len(d["Metadata"]["DiffIDs"])')" "layers"
assert_eq '' "$(json_eval "$TEST_TMP/plain.json" 'd["Metadata"]["ImageConfig"]["config"]["User"]')" "config User"
log "alpine:3.10: $TOTAL vulnerabilities ($UNKNOWN UNKNOWN, $HIGH HIGH), $SIZE bytes of layers"

# ---- a policy that passes: every limit at exactly what the image has ------------------------------
cat >"$TEST_TMP/pass.yaml" <<EOF
vulnerabilities:
  max: {unknown: $UNKNOWN, high: $HIGH, critical: 0}
  deny: [CVE-2000-0001]
secrets:
  max: 0
image:
  allowed-registries: ["docker.io/library/*"]
  deny-tags: [latest]
  max-size: $SIZE
  max-layers: 1
EOF
run_vigil image --db "$DB" --input "$A310" --format json --policy "$TEST_TMP/pass.yaml"
expect_rc 0 "passing policy"
j=$TEST_TMP/pass.json
cp "$OUT" "$j"
assert_eq "$TEST_TMP/pass.yaml" "$(json_eval "$j" 'd["Policy"]["File"]')" "Policy.File"
assert_eq true "$(json_eval "$j" 'd["Policy"]["Passed"]')" "Policy.Passed"
assert_eq '["vulnerabilities.max.unknown","vulnerabilities.max.high","vulnerabilities.max.critical","vulnerabilities.deny","secrets.max","image.allowed-registries","image.deny-tags","image.max-size","image.max-layers"]' \
  "$(json_eval "$j" '[r["Rule"] for r in d["Policy"]["Results"]]')" "Policy.Results rules, in file order"
assert_eq '[]' "$(json_eval "$j" '[r["Rule"] for r in d["Policy"]["Results"] if r["Passed"] is not True]')" "failed rules"
assert_eq "$UNKNOWN UNKNOWN vulnerabilities, at most $UNKNOWN allowed" \
  "$(json_eval "$j" '[r["Message"] for r in d["Policy"]["Results"] if r["Rule"] == "vulnerabilities.max.unknown"][0]')" \
  "max.unknown message"
assert_eq "allowed: docker.io/library/alpine (docker.io/library/*)" \
  "$(json_eval "$j" '[r["Message"] for r in d["Policy"]["Results"] if r["Rule"] == "image.allowed-registries"][0]')" \
  "allowed-registries message (RepoTags alpine:3.10)"
assert_contains "$(json_eval "$j" '[r["Message"] for r in d["Policy"]["Results"] if r["Rule"] == "image.max-size"][0]')" \
  "($SIZE bytes uncompressed), at most" "max-size message"
# The report itself is unchanged by the policy.
assert_eq "$(json_eval "$TEST_TMP/plain.json" 'd["Results"]')" "$(json_eval "$j" 'd["Results"]')" "Results with and without --policy"
[[ ! -s $ERR ]] || { show_err; fail "passing policy: stderr is not empty"; }

run_vigil image --db "$DB" --input "$A310" --policy "$TEST_TMP/pass.yaml"
expect_rc 0 "passing policy, table"
assert_contains "$(cat "$OUT")" "Policy $TEST_TMP/pass.yaml: PASSED (9 rules)" "table"

# --exit-code still applies to findings when the policy passes.
run_vigil image --db "$DB" --input "$A310" --policy "$TEST_TMP/pass.yaml" --exit-code 5
expect_rc 5 "passing policy with --exit-code 5 and findings"

# ---- a policy that fails: one under each real value ------------------------------------------------
cat >"$TEST_TMP/fail.yaml" <<EOF
# thresholds one below the image
vulnerabilities:
  max: {unknown: $((UNKNOWN - 1))}
image:
  max-size: $((SIZE - 1))
  max-layers: 0
  forbid-root-user: true
  allowed-registries: [registry.example.com]
  required-labels: [org.opencontainers.image.source]
EOF
run_vigil image --db "$DB" --input "$A310" --format json --policy "$TEST_TMP/fail.yaml"
expect_rc 1 "failing policy"
j=$TEST_TMP/fail.json
cp "$OUT" "$j"
assert_eq false "$(json_eval "$j" 'd["Policy"]["Passed"]')" "Policy.Passed"
msg() { json_eval "$j" "[r['Message'] for r in d['Policy']['Results'] if r['Rule'] == '$1' and r['Passed'] is False][0]"; }
assert_eq "$UNKNOWN UNKNOWN vulnerabilities, at most $((UNKNOWN - 1)) allowed" "$(msg vulnerabilities.max.unknown)" "max.unknown"
assert_contains "$(msg image.max-size)" "($SIZE bytes uncompressed), at most" "max-size"
assert_contains "$(msg image.max-size)" "($((SIZE - 1)) bytes) allowed" "max-size limit"
assert_eq "1 layer, at most 0 allowed" "$(msg image.max-layers)" "max-layers"
assert_eq "user is root (the config sets no User)" "$(msg image.forbid-root-user)" "forbid-root-user"
assert_eq "docker.io/library/alpine is not from an allowed registry" "$(msg image.allowed-registries)" "allowed-registries"
assert_eq "missing label: org.opencontainers.image.source" "$(msg image.required-labels)" "required-labels"
assert_eq 6 "$(json_eval "$j" 'sum(1 for r in d["Policy"]["Results"] if r["Passed"] is False)')" "failed rules"
# One stderr line per failed rule, naming the file.
assert_eq 6 "$(grep -c "^vigil: error: policy $TEST_TMP/fail.yaml: " "$ERR")" "stderr lines"
grep -q "policy $TEST_TMP/fail.yaml: image.forbid-root-user: user is root" "$ERR" || { show_err; fail "stderr: no forbid-root-user line"; }

run_vigil image --db "$DB" --input "$A310" --policy "$TEST_TMP/fail.yaml"
expect_rc 1 "failing policy, table"
table=$(cat "$OUT")
assert_contains "$table" "Policy $TEST_TMP/fail.yaml: FAILED (6 of 6 rules)" "table heading"
assert_contains "$table" "image.forbid-root-user" "table rule"
assert_contains "$table" "FAIL" "table result"
assert_contains "$table" "user is root (the config sets no User)" "table message"
# The policy section comes after the findings.
[[ ${table%%Policy $TEST_TMP*} == *"CVE-2019-1563"* ]] || fail "table: the policy section is not after the findings"

# A failed policy exits 1 even with --exit-code N (documented).
run_vigil image --db "$DB" --input "$A310" --policy "$TEST_TMP/fail.yaml" --exit-code 5
expect_rc 1 "failing policy with --exit-code 5"

# SARIF: one vigil-policy/RULE result per rule, kind pass/fail, at the rule's line of the policy file.
run_vigil image --db "$DB" --input "$A310" --format sarif --policy "$TEST_TMP/fail.yaml"
expect_rc 1 "failing policy, sarif"
s=$TEST_TMP/fail.sarif
cp "$OUT" "$s"
pol="[x for x in d['runs'][0]['results'] if x['ruleId'].startswith('vigil-policy/')]"
assert_eq 6 "$(json_eval "$s" "len($pol)")" "sarif policy results"
assert_eq '["error","fail",5,"'"$TEST_TMP"'/fail.yaml"]' \
  "$(json_eval "$s" "[[x['level'], x['kind'], x['locations'][0]['physicalLocation']['region']['startLine'], x['locations'][0]['physicalLocation']['artifactLocation']['uri']] for x in $pol if x['ruleId'] == 'vigil-policy/image.max-size'][0]")" \
  "sarif max-size result"
assert_eq 0 "$(json_eval "$s" "sum(1 for x in $pol if d['runs'][0]['tool']['driver']['rules'][x['ruleIndex']]['id'] != x['ruleId'])")" \
  "sarif ruleIndex pointing at another rule"
assert_eq 6 "$(json_eval "$s" "sum(1 for x in d['runs'][0]['results'] if not x['ruleId'].startswith('vigil-policy/'))")" \
  "sarif vulnerability results next to the policy's"
run_vigil image --db "$DB" --input "$A310" --format sarif --policy "$TEST_TMP/pass.yaml"
expect_rc 0 "passing policy, sarif"
assert_eq '[["none","pass"]]' \
  "$(json_eval "$OUT" "sorted({(x['level'], x['kind']) for x in d['runs'][0]['results'] if x['ruleId'].startswith('vigil-policy/')})")" \
  "sarif passing results"

# JUnit: a vigil-policy testsuite, one testcase per rule, failures for the failed ones, in the totals.
run_vigil image --db "$DB" --input "$A310" --format junit --policy "$TEST_TMP/fail.yaml"
expect_rc 1 "failing policy, junit"
# 13 tests = 6 vulnerabilities + the secrets suite's passing case + 6 rules; 12 failures.
assert_eq '[6, 6, 13, 12, ["image.allowed-registries", "image.forbid-root-user", "image.max-layers", "image.max-size", "image.required-labels", "vulnerabilities.max.unknown"]]' \
  "$(python3 - "$OUT" <<'PY'
import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suite = [s for s in root.findall("testsuite") if s.get("name") == "vigil-policy"][0]
cases = suite.findall("testcase")
print(json.dumps([int(suite.get("tests")), int(suite.get("failures")), int(root.get("tests")), int(root.get("failures")),
       sorted(c.get("name") for c in cases if c.find("failure") is not None)]))
PY
)" "junit policy suite"
# HTML: the section and its table.
run_vigil image --db "$DB" --input "$A310" --format html --policy "$TEST_TMP/pass.yaml"
expect_rc 0 "passing policy, html"
assert_contains "$(cat "$OUT")" "<h2>Policy $TEST_TMP/pass.yaml: passed (9 rules)</h2>" "html policy heading"
assert_contains "$(cat "$OUT")" "<td>image.max-layers</td>" "html policy rule"

# ---- invalid policies: exit 2, one line naming file and line, before any scanning ----------------------
printf 'image:\n  max-layers: 1\n  forbid-root: true\n' >"$TEST_TMP/typo.yaml"
# The input does not exist: a 3 would mean the scan started first.
run_vigil image --input "$TEST_TMP/missing.tar" --policy "$TEST_TMP/typo.yaml"
expect_rc 2 "policy with an unknown key"
assert_eq 1 "$(wc -l <"$ERR")" "stderr lines for a bad policy"
assert_contains "$(cat "$ERR")" "vigil: error: --policy $TEST_TMP/typo.yaml:3:3: unknown key 'forbid-root' in image" "bad policy error"
[[ ! -s $OUT ]] || fail "bad policy: something was written to stdout"
printf 'vulnerabilities:\n  max: {high: lots}\n' >"$TEST_TMP/type.yaml"
run_vigil image --db "$DB" --input "$A310" --policy "$TEST_TMP/type.yaml"
expect_rc 2 "policy with a wrong type"
assert_contains "$(cat "$ERR")" "type.yaml:2:15: vulnerabilities.max.high must be a whole number" "wrong type error"
run_vigil image --db "$DB" --input "$A310" --policy "$TEST_TMP/none.yaml"
expect_rc 2 "missing policy file"
assert_contains "$(cat "$ERR")" "$TEST_TMP/none.yaml: No such file or directory" "missing policy error"

# ---- signature rule: the key is checked at load; an archive has no registry signatures -----------------
mkdir "$TEST_TMP/keys"
openssl ecparam -name prime256v1 -genkey -noout 2>/dev/null | openssl ec -pubout -out "$TEST_TMP/keys/cosign.pub" 2>/dev/null
printf 'signature:\n  required: true\n  key: cosign.pub\nimage:\n  max-layers: 5\n' >"$TEST_TMP/keys/sig.yaml"
run_vigil image --db "$DB" --input "$A310" --format json --policy "$TEST_TMP/keys/sig.yaml"
expect_rc 1 "signature required on an archive"
assert_eq '[["signature.required",false],["image.max-layers",true]]' \
  "$(json_eval "$OUT" '[[r["Rule"], r["Passed"]] for r in d["Policy"]["Results"]]')" "signature rule results"
assert_contains "$(json_eval "$OUT" 'd["Policy"]["Results"][0]["Message"]')" "not checked: cosign signatures live in a registry" "signature message"
printf 'signature:\n  required: true\n  key: nokey.pub\n' >"$TEST_TMP/keys/nokey.yaml"
run_vigil image --db "$DB" --input "$A310" --policy "$TEST_TMP/keys/nokey.yaml"
expect_rc 2 "signature key missing"
assert_contains "$(cat "$ERR")" "nokey.yaml:3:8: signature.key: $TEST_TMP/keys/nokey.pub: No such file or directory" "missing key error"

# ---- rootfs: vulnerability rules apply, image rules cannot pass; sbom has no --policy ---------------------
mkdir -p "$TEST_TMP/root/etc"
printf 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.10.2\n' >"$TEST_TMP/root/etc/os-release"
printf 'secrets:\n  max: 0\nimage:\n  forbid-root-user: true\n' >"$TEST_TMP/rootfs.yaml"
run_vigil rootfs --db "$DB" --format json --policy "$TEST_TMP/rootfs.yaml" "$TEST_TMP/root"
expect_rc 1 "rootfs with an image rule"
assert_eq '[["secrets.max",true,"0 secrets, at most 0 allowed"],["image.forbid-root-user",false,"cannot be checked: a root filesystem has no image config"]]' \
  "$(json_eval "$OUT" '[[r["Rule"], r["Passed"], r["Message"]] for r in d["Policy"]["Results"]]')" "rootfs policy results"
run_vigil sbom --input "$A310" --policy "$TEST_TMP/pass.yaml"
expect_rc 2 "sbom --policy"

# The documented example parses, and gives one result per rule it has.
run_vigil image --db "$DB" --input "$A310" --format json --policy "$VIGIL_SOURCE_ROOT/doc/policy.example.yaml"
expect_rc 1 "doc/policy.example.yaml on alpine:3.10 (root user, no labels, old)"
assert_eq 14 "$(json_eval "$OUT" 'len(d["Policy"]["Results"])')" "doc/policy.example.yaml results"

# ---- named images in a registry: the reference, tags, and signature.required by a real cosign signature ----
require_cmd docker-registry skopeo curl
PIDS=()
_policy_cleanup() {
  local rc=$? p
  for p in "${PIDS[@]}"; do
    _stop_pid "$p"
    wait "$p" 2>/dev/null || true
  done
  (exit "$rc")
  _systest_cleanup
}
trap _policy_cleanup EXIT
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$TEST_TMP/reg/data"
cat >"$TEST_TMP/reg/config.yml" <<REGCONF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $TEST_TMP/reg/data
http:
  addr: 127.0.0.1:$PORT
  secret: vigil-test-policy
REGCONF
docker-registry serve "$TEST_TMP/reg/config.yml" </dev/null >"$TEST_TMP/reg/registry.log" 2>&1 &
PIDS+=($!)
for ((i = 0; i < 100; i++)); do
  curl -fs "http://127.0.0.1:$PORT/v2/" >/dev/null && break
  _pid_alive "${PIDS[-1]}" || fail "docker-registry exited during startup"
  sleep 0.2
done
curl -fs "http://127.0.0.1:$PORT/v2/" >/dev/null || fail "docker-registry did not answer"
R=127.0.0.1:$PORT
# Signatures are per manifest digest: the unsigned tags hold another image (alpine:3.9).
gzip -dc "$A310" >"$TEST_TMP/alpine-310.tar"
gzip -dc "$VIGIL_FIXTURES/images/alpine-39.tar.gz" >"$TEST_TMP/alpine-39.tar"
for t in 310:signed 39:unsigned 39:latest; do
  skopeo copy -q --dest-tls-verify=false "docker-archive:$TEST_TMP/alpine-${t%%:*}.tar" "docker://$R/app:${t#*:}" \
    >"$TEST_TMP/skopeo.log" 2>&1 || { cat "$TEST_TMP/skopeo.log" >&2; fail "skopeo copy to $R/app:${t#*:}"; }
done
DIGEST=$(skopeo inspect --raw --tls-verify=false "docker://$R/app:signed" | sha256sum | sed 's/^/sha256:/; s/ .*//')
(cd "$TEST_TMP/keys" && COSIGN_PASSWORD='pass phrase' "$VIGIL_BIN" key generate --output-key-prefix k1 >/dev/null 2>&1) ||
  fail "vigil key generate"
COSIGN_PASSWORD='pass phrase' run_vigil sign --key "$TEST_TMP/keys/k1.key" --insecure -q "$R/app:signed"
expect_rc 0 "vigil sign $R/app:signed"
printf 'signature: {required: true, key: k1.pub}\nimage:\n  allowed-registries: ["127.0.0.1:%s/*"]\n  deny-tags: [latest]\n' \
  "$PORT" >"$TEST_TMP/keys/reg.yaml"
REGOPTS=(--db "$DB" --insecure --image-src registry --format json --policy "$TEST_TMP/keys/reg.yaml")
run_vigil image "${REGOPTS[@]}" "$R/app:signed"
expect_rc 0 "signed image, policy with signature.required"
assert_eq '[["signature.required",true,"1 cosign signature verified with '"$TEST_TMP"'/keys/k1.pub"],["image.allowed-registries",true,"allowed: '"$R"'/app (127.0.0.1:'"$PORT"'/*)"],["image.deny-tags",true,"no denied tag"]]' \
  "$(json_eval "$OUT" '[[r["Rule"], r["Passed"], r["Message"]] for r in d["Policy"]["Results"]]')" "signed image results"
# Read by the digest that verified, as --verify-key does.
assert_contains "$(json_eval "$OUT" 'd["Metadata"]["RepoDigests"]')" "$R/app@$DIGEST" "RepoDigests of the verified image"
assert_eq 6 "$(json_eval "$OUT" 'sum(len(r.get("Vulnerabilities") or []) for r in d["Results"])')" "vulnerabilities of the signed image"

run_vigil image "${REGOPTS[@]}" "$R/app:unsigned"
expect_rc 1 "unsigned image, policy with signature.required"
assert_eq '[["signature.required",false],["image.allowed-registries",true],["image.deny-tags",true]]' \
  "$(json_eval "$OUT" '[[r["Rule"], r["Passed"]] for r in d["Policy"]["Results"]]')" "unsigned image results"
assert_contains "$(json_eval "$OUT" 'd["Policy"]["Results"][0]["Message"]')" "not verified: $R/app:unsigned: no signatures" \
  "unsigned image: signature message"
# Still scanned, so that every rule has its result.
assert_eq 3.9.4 "$(json_eval "$OUT" 'd["Metadata"]["OS"]["Name"]')" "the unsigned image was scanned"

# A reference without a tag is :latest.
printf 'image:\n  deny-tags: [latest]\n  allowed-registries: [registry.example.com]\n' >"$TEST_TMP/tags.yaml"
run_vigil image --db "$DB" --insecure --image-src registry --format json --policy "$TEST_TMP/tags.yaml" "$R/app"
expect_rc 1 "untagged reference with deny-tags latest"
assert_eq '[["image.deny-tags",false,"tag '"'latest'"' is denied ('"$R"'/app)"],["image.allowed-registries",false,"'"$R"'/app is not from an allowed registry"]]' \
  "$(json_eval "$OUT" '[[r["Rule"], r["Passed"], r["Message"]] for r in d["Policy"]["Results"]]')" "untagged reference results"

log "policy: all checks passed"
