#!/usr/bin/env bash
# Secrets in an image built by a real dockerd: layer 1 COPYs an SSH private key and the config sets
# AWS_SECRET_ACCESS_KEY; layer 2 `rm`s the key. vigil must report the key in layer 1 as removed by
# layer 2 but still extractable, the env var from the config, and never print either secret.
# The secrets are generated for this run (openssl), never real ones.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
require_vigil
require_root
require_cmd python3 openssl
require_fixture images/alpine-310.tar.gz
start_dockerd
docker_cli load -i "$VIGIL_FIXTURES/images/alpine-310.tar.gz" >/dev/null

ctx=$TEST_TMP/ctx
mkdir -p "$ctx"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$ctx/id_rsa" 2>/dev/null
# An AWS-shaped secret key: 40 characters of base64 alphabet, random for this run.
aws_secret=$(openssl rand -base64 60 | tr -dc 'A-Za-z0-9/+' | head -c 40)
[[ ${#aws_secret} == 40 ]] || fail "could not make a test secret"
key_line=$(sed -n 2p "$ctx/id_rsa") # a line of the key's base64 body
cat >"$ctx/Dockerfile" <<DOCKERFILE
FROM alpine:3.10
COPY id_rsa /root/.ssh/id_rsa
ENV AWS_SECRET_ACCESS_KEY=$aws_secret
RUN rm /root/.ssh/id_rsa
DOCKERFILE
docker_cli build --network none -q -t vigil-test/secrets "$ctx" >/dev/null
docker_cli save vigil-test/secrets -o "$TEST_TMP/secrets.tar"

for fmt in json table sarif; do
  run_vigil image --input "$TEST_TMP/secrets.tar" --scanners secret --format "$fmt"
  expect_rc 0 "vigil image --scanners secret --format $fmt"
  cp "$OUT" "$TEST_TMP/out.$fmt"
  for f in "$OUT" "$ERR"; do
    if grep -qF -- "$aws_secret" "$f" || grep -qF -- "$key_line" "$f"; then
      fail "$fmt: a secret was printed unredacted"
    fi
  done
done
J=$TEST_TMP/out.json
# layers: alpine base (0), COPY id_rsa (1), RUN rm (2); ENV makes no layer.
assert_eq 3 "$(json_eval "$J" 'len(d["Metadata"]["DiffIDs"])')" "layers in the built image"
key=$(json_eval "$J" '[s for r in d["Results"] if r.get("Class")=="secret" and r["Target"]=="root/.ssh/id_rsa" for s in r["Secrets"]]')
[[ $key != "[]" ]] || fail "the private key in layer 2 was not found: $(head -c 2000 "$J")"
assert_eq "$(json_eval "$J" 'd["Metadata"]["DiffIDs"][1]')" \
  "$(json_eval "$J" '[s for r in d["Results"] if r["Target"]=="root/.ssh/id_rsa" for s in r["Secrets"] if s["RuleID"]!="private-key-file"][0]["Layer"]["DiffID"]')" \
  "layer holding the key"
assert_eq false "$(json_eval "$J" '[s for r in d["Results"] if r["Target"]=="root/.ssh/id_rsa" for s in r["Secrets"]][0]["InFinalImage"]')" \
  "key InFinalImage"
assert_eq "$(json_eval "$J" 'd["Metadata"]["DiffIDs"][2]')" \
  "$(json_eval "$J" '[s for r in d["Results"] if r["Target"]=="root/.ssh/id_rsa" for s in r["Secrets"]][0]["RemovedInLayer"]["DiffID"]')" \
  "layer removing the key"
assert_eq true "$(json_eval "$J" '[s for r in d["Results"] if r["Target"]=="root/.ssh/id_rsa" for s in r["Secrets"]][0]["RemovedInLayer"]["Deleted"]')" \
  "the later layer deletes the key"
env_hits=$(json_eval "$J" '[s["RuleID"] for r in d["Results"] if r.get("Class")=="secret" and r["Target"].startswith("config: Env") for s in r["Secrets"]]')
grep -q aws "$env_hits" 2>/dev/null || [[ $env_hits == *aws* ]] || fail "AWS secret in ENV not reported: $env_hits"
grep -q "still extractable" "$TEST_TMP/out.table" || fail "table does not say the removed key is still extractable"
# --exit-code counts secrets
run_vigil image --input "$TEST_TMP/secrets.tar" --scanners secret --exit-code 7 --format json
expect_rc 7 "--exit-code with secrets"
# and the plain alpine image has none
run_vigil image --input "$VIGIL_FIXTURES/images/alpine-310.tar.gz" --scanners secret --exit-code 7 --format json
expect_rc 0 "alpine-310 has no secrets"
log "secrets: key in layer 2 removed by layer 3, env secret from config, nothing printed"
