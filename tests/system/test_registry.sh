#!/usr/bin/env bash
# vigil image from registries, all on 127.0.0.1:
#  - Debian's docker-registry (plain HTTP, --insecure): the alpine fixtures pushed with skopeo read by tag and by
#    digest give the same OS, image ID, diff IDs and packages as `vigil image --input` of the archive; an OCI
#    index and a Docker manifest list (built here from both alpine fixtures) pick by --platform; the built
#    Debian image (docker-archive and OCI pushes) equals its archive / OCI layout, package for package
#  - source order: the Docker daemon first when it has the image, else the registry; --image-src; --offline
#  - docker-registry with htpasswd (Basic): no / wrong credentials are one clear error; flags, VIGIL_USERNAME/
#    VIGIL_PASSWORD, $DOCKER_CONFIG/config.json and ~/.docker/config.json work
#  - docker-registry with "auth: token" and token_server.py (Bearer, RS256 tokens signed with a cert made here)
#  - fake_registry.py: wrong blob digests, blobs longer than stated, huge manifests, a 401 loop, stalls,
#    schema 1, 5xx/429 retries, a redirect to storage on another address (Authorization must not follow),
#    a redirect to plain HTTP off loopback: each one clear error line, exit 3, nothing left behind
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
require_vigil
require_cmd python3 docker-registry htpasswd skopeo openssl gzip
require_fixture images/alpine-310.tar.gz
require_fixture images/alpine-39.tar.gz

A310=$VIGIL_FIXTURES/images/alpine-310.tar.gz
A39=$VIGIL_FIXTURES/images/alpine-39.tar.gz
FULL=Name,Version,Arch,SrcName,SrcVersion,Layer.DiffID
unset VIGIL_IMAGE_SRC VIGIL_USERNAME VIGIL_PASSWORD DOCKER_CONFIG VIGIL_REGISTRY_TIMEOUT
# Until a daemon is started below, the daemon source finds no socket and passes quickly.
export DOCKER_HOST=unix://$TEST_TMP/no-docker.sock
# vigil must leave nothing in TMPDIR, failed pulls included.
VTMP=$TEST_TMP/vigil-tmp
mkdir -p "$VTMP"

PIDS=()
_registry_cleanup() {
  local rc=$? p
  for p in "${PIDS[@]}"; do
    _stop_pid "$p"
    wait "$p" 2>/dev/null || true
  done
  set +e # so that the status below reaches _systest_cleanup instead of ending this handler
  (exit "$rc")
  _systest_cleanup
}
trap _registry_cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_http URL PID WHAT: until URL answers anything over HTTP (401 included), at most 20 s.
wait_http() {
  local i
  for ((i = 0; i < 100; i++)); do
    _pid_alive "$2" || fail "$3 exited during startup"
    if python3 - "$1" <<'PY' 2>/dev/null; then return 0; fi
import sys, urllib.error, urllib.request
try:
    urllib.request.urlopen(sys.argv[1], timeout=2)
except urllib.error.HTTPError:
    pass
PY
    sleep 0.2
  done
  fail "$3 did not answer at $1 within 20 s"
}

# wait_file FILE PID WHAT: until a helper wrote its port file.
wait_file() {
  local i
  for ((i = 0; i < 100; i++)); do
    [[ -s $1 ]] && return 0
    _pid_alive "$2" || fail "$3 exited during startup"
    sleep 0.2
  done
  fail "$3 wrote no $1 within 20 s"
}

# start_registry NAME [AUTH_YAML]: docker-registry on 127.0.0.1:free port with filesystem storage in the test
# dir; sets PORT. Stopped by pid at exit.
start_registry() {
  local name=$1 auth=${2:-} dir=$TEST_TMP/$1
  mkdir -p "$dir/data"
  PORT=$(free_port)
  cat >"$dir/config.yml" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $dir/data
http:
  addr: 127.0.0.1:$PORT
  secret: vigil-test-$name
$auth
EOF
  docker-registry serve "$dir/config.yml" </dev/null >"$dir/registry.log" 2>&1 &
  PIDS+=($!)
  wait_http "http://127.0.0.1:$PORT/v2/" $! "docker-registry $name"
  log "docker-registry $name on 127.0.0.1:$PORT (pid ${PIDS[-1]})"
}

# push SRC DEST [skopeo args]: skopeo copy to a plain-HTTP registry.
push() {
  local src=$1 dst=$2
  shift 2
  skopeo copy -q --dest-tls-verify=false "$@" "$src" "docker://$dst" >"$TEST_TMP/skopeo.log" 2>&1 ||
    { cat "$TEST_TMP/skopeo.log" >&2; fail "skopeo copy $src docker://$dst"; }
}

manifest_digest() { # digest of what a tag names, by skopeo
  skopeo inspect --raw --tls-verify=false "$@" "docker://$REF_HOST_TAG" | sha256sum | sed 's/^/sha256:/; s/ .*//'
}

# scan OUTFILE ARGS...: vigil image ARGS --list-all-pkgs --format json --scanners none; must succeed.
scan() {
  local out=$1
  shift
  TMPDIR=$VTMP run_vigil image "$@" --list-all-pkgs --format json --scanners none
  expect_rc 0 "vigil image $*"
  cp "$OUT" "$out"
}

# same_image EXPECTED.json ACTUAL.json WHAT: OS, image ID, diff IDs and every package with its layer.
same_image() {
  local f
  for f in 'd["Metadata"]["OS"]' 'd["Metadata"]["ImageID"]' 'd["Metadata"]["DiffIDs"]'; do
    assert_eq "$(json_eval "$1" "$f")" "$(json_eval "$2" "$f")" "$3: $f"
  done
  assert_files_eq <(json_pkgs "$1" "$FULL") <(json_pkgs "$2" "$FULL") "$3: packages"
  (($(json_pkgs "$2" | wc -l) > 0)) || fail "$3: no packages"
}

# expect_fail WHAT NEEDLE ARGS...: exit 3, one error line naming the problem, no report left behind.
expect_fail() {
  local what=$1 needle=$2
  shift 2
  rm -f "$TEST_TMP/report.json"
  TMPDIR=$VTMP run_vigil image "$@" --format json --scanners none -q -o "$TEST_TMP/report.json"
  expect_rc 3 "$what"
  assert_eq 1 "$(wc -l <"$ERR")" "$what: lines on stderr ($(cat "$ERR"))"
  assert_contains "$(cat "$ERR")" "vigil: error: " "$what: stderr"
  assert_contains "$(cat "$ERR")" "$needle" "$what: stderr"
  [[ ! -e $TEST_TMP/report.json ]] || fail "$what: a report was written"
  [[ -z $(ls -A "$VTMP") ]] || fail "$what: left files in TMPDIR: $(ls -A "$VTMP")"
}

# live_api WHAT HOST [USER PASSWORD]: the client API itself (push a blob and a manifest, read back, list tags,
# parallel fetches through one client) — test_live_registry in the registry unit test, pointed at HOST.
UNIT=$(dirname "$VIGIL_BIN")/tests/test-registry
live_api() {
  [[ -x $UNIT ]] || fail "registry unit test not built: $UNIT"
  if ! VIGIL_TEST_REGISTRY=$2 VIGIL_TEST_REGISTRY_USER=${3:-} VIGIL_TEST_REGISTRY_PASSWORD=${4:-} \
    CMOCKA_MESSAGE_OUTPUT=STDOUT CMOCKA_TEST_ABORT=0 "$UNIT" >"$TEST_TMP/live.log" 2>&1 ||
    ! grep -q '^\[       OK \] test_live_registry' "$TEST_TMP/live.log"; then
    cat "$TEST_TMP/live.log" >&2
    fail "$1: the registry API test against $2 failed (above)"
  fi
}

gzip -dc "$A310" >"$TEST_TMP/alpine-310.tar"
gzip -dc "$A39" >"$TEST_TMP/alpine-39.tar"
scan "$TEST_TMP/ref310.json" --input "$A310"
scan "$TEST_TMP/ref39.json" --input "$A39"

# ---- a plain registry ------------------------------------------------------------------------------
start_registry plain
R=127.0.0.1:$PORT
push "docker-archive:$TEST_TMP/alpine-310.tar" "$R/alpine:3.10"
push "docker-archive:$TEST_TMP/alpine-39.tar" "$R/alpine:3.9"

scan "$TEST_TMP/reg310.json" "$R/alpine:3.10" --insecure
same_image "$TEST_TMP/ref310.json" "$TEST_TMP/reg310.json" "registry alpine:3.10"
REF_HOST_TAG=$R/alpine:3.10
D310=$(manifest_digest)
assert_eq "[\"$R/alpine:3.10\"]" "$(json_eval "$TEST_TMP/reg310.json" 'd["Metadata"]["RepoTags"]')" "RepoTags"
assert_eq "[\"$R/alpine@$D310\"]" "$(json_eval "$TEST_TMP/reg310.json" 'd["Metadata"]["RepoDigests"]')" "RepoDigests"
assert_eq "$R/alpine:3.10" "$(json_eval "$TEST_TMP/reg310.json" 'd["ArtifactName"]')" "ArtifactName"
[[ -z $(ls -A "$VTMP") ]] || fail "a registry scan left files in TMPDIR: $(ls -A "$VTMP")"

scan "$TEST_TMP/regdigest.json" "$R/alpine@$D310" --insecure
same_image "$TEST_TMP/ref310.json" "$TEST_TMP/regdigest.json" "registry alpine@digest"
assert_eq "[]" "$(json_eval "$TEST_TMP/regdigest.json" 'd["Metadata"]["RepoTags"]')" "RepoTags by digest"
scan "$TEST_TMP/regboth.json" "$R/alpine:3.10@$D310" --insecure --threads 1
same_image "$TEST_TMP/ref310.json" "$TEST_TMP/regboth.json" "registry alpine:tag@digest"
scan "$TEST_TMP/reg39.json" "localhost:${R#127.0.0.1:}/alpine:3.9" --insecure
same_image "$TEST_TMP/ref39.json" "$TEST_TMP/reg39.json" "registry localhost:PORT/alpine:3.9"

# vigil sbom takes the same targets.
TMPDIR=$VTMP run_vigil sbom "$R/alpine:3.10" --insecure
expect_rc 0 "vigil sbom $R/alpine:3.10"
assert_eq 14 "$(json_eval "$OUT" 'sum(1 for c in d["components"] if c.get("type") == "library")')" "sbom libraries"

expect_fail "no --insecure for a plain-HTTP registry" "needs --insecure" "$R/alpine:3.10"
expect_fail "unknown tag" "manifest alpine:9.99: 404 MANIFEST_UNKNOWN" "$R/alpine:9.99" --insecure
expect_fail "unknown repository" "manifest nothing/here:1: 404 " "$R/nothing/here:1" --insecure
expect_fail "unknown digest" "404 MANIFEST_UNKNOWN" "$R/alpine@sha256:$(printf '0%.0s' {1..64})" --insecure
expect_fail "invalid reference" "invalid image reference" "$R/Alpine:3.10" --insecure
expect_fail "--offline rules out the registry" "Docker daemon" "$R/alpine:3.10" --insecure --offline
expect_fail "no registry listening" "Couldn't connect" "127.0.0.1:$(free_port)/alpine:3.10" --insecure
TMPDIR=$VTMP run_vigil image "$R/alpine:3.10" --image-src registry,floppy
expect_rc 2 "--image-src with an unknown source"
live_api "plain registry" "$R"

# ---- multi-platform: an OCI index and a Docker manifest list of both fixtures -------------------------
skopeo copy -q "docker-archive:$TEST_TMP/alpine-310.tar" "oci:$TEST_TMP/multi:310"
skopeo copy -q "docker-archive:$TEST_TMP/alpine-39.tar" "oci:$TEST_TMP/multi:39"
python3 - "$TEST_TMP/multi" <<'PY'
import hashlib, json, sys
d = sys.argv[1]
idx = json.load(open(f"{d}/index.json"))
by = {m["annotations"]["org.opencontainers.image.ref.name"]: m for m in idx["manifests"]}
plats = {"310": {"os": "linux", "architecture": "amd64"},
         "39": {"os": "linux", "architecture": "arm64", "variant": "v8"}}
sub = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
       "manifests": [{"mediaType": by[t]["mediaType"], "digest": by[t]["digest"], "size": by[t]["size"],
                      "platform": plats[t]} for t in ("310", "39")]}
b = json.dumps(sub).encode()
h = hashlib.sha256(b).hexdigest()
open(f"{d}/blobs/sha256/{h}", "wb").write(b)
idx["manifests"].append({"mediaType": sub["mediaType"], "digest": "sha256:" + h, "size": len(b),
                         "annotations": {"org.opencontainers.image.ref.name": "multi"}})
json.dump(idx, open(f"{d}/index.json", "w"))
PY
push "oci:$TEST_TMP/multi:multi" "$R/multi:oci" --all
push "oci:$TEST_TMP/multi:multi" "$R/multi:docker" --all --format v2s2
skopeo inspect --raw --tls-verify=false "docker://$R/multi:docker" | grep -q manifest.list.v2 ||
  fail "skopeo did not push a Docker manifest list"
scan "$TEST_TMP/oci310.json" --input "$TEST_TMP/multi:310"
scan "$TEST_TMP/oci39.json" --input "$TEST_TMP/multi:39"
for kind in oci docker; do
  REF_HOST_TAG=$R/multi:$kind
  dindex=$(manifest_digest)
  scan "$TEST_TMP/m-amd64.json" "$R/multi:$kind" --insecure --platform linux/amd64
  scan "$TEST_TMP/m-arm64.json" "$R/multi:$kind" --insecure --platform linux/arm64
  assert_eq 3.10.2 "$(json_eval "$TEST_TMP/m-amd64.json" 'd["Metadata"]["OS"]["Name"]')" "$kind index, linux/amd64"
  assert_eq 3.9.4 "$(json_eval "$TEST_TMP/m-arm64.json" 'd["Metadata"]["OS"]["Name"]')" "$kind index, linux/arm64"
  assert_eq "[\"$R/multi@$dindex\"]" "$(json_eval "$TEST_TMP/m-arm64.json" 'd["Metadata"]["RepoDigests"]')" \
    "$kind index RepoDigests (the index digest)"
  if [[ $kind == oci ]]; then # skopeo keeps OCI configs byte for byte; --format v2s2 rewrites them
    same_image "$TEST_TMP/oci310.json" "$TEST_TMP/m-amd64.json" "OCI index, linux/amd64"
    same_image "$TEST_TMP/oci39.json" "$TEST_TMP/m-arm64.json" "OCI index, linux/arm64"
  else
    assert_files_eq <(json_pkgs "$TEST_TMP/ref39.json") <(json_pkgs "$TEST_TMP/m-arm64.json") "manifest list arm64 packages"
  fi
  expect_fail "$kind index without the platform" "no manifest for platform linux/s390x in the index (it has: linux/amd64, linux/arm64/v8)" \
    "$R/multi:$kind" --insecure --platform linux/s390x
done
if [[ $(uname -m) == x86_64 ]]; then
  scan "$TEST_TMP/m-host.json" "$R/multi:oci" --insecure
  assert_eq 3.10.2 "$(json_eval "$TEST_TMP/m-host.json" 'd["Metadata"]["OS"]["Name"]')" "index, host platform"
fi

# ---- Basic auth (htpasswd) --------------------------------------------------------------------------
htpasswd -Bbn alice 's3cr:et' >"$TEST_TMP/htpasswd" 2>/dev/null
start_registry basic "auth:
  htpasswd:
    realm: vigil-test
    path: $TEST_TMP/htpasswd"
B=127.0.0.1:$PORT
push "docker-archive:$TEST_TMP/alpine-310.tar" "$B/private/alpine:3.10" --dest-creds 'alice:s3cr:et'
expect_fail "Basic: no credentials" "401 UNAUTHORIZED" "$B/private/alpine:3.10" --insecure
assert_contains "$(cat "$ERR")" "--username/--password" "Basic: no credentials hint"
expect_fail "Basic: wrong password" "authentication failed" "$B/private/alpine:3.10" --insecure --username alice --password nope
live_api "Basic auth registry" "$B" alice 's3cr:et'
scan "$TEST_TMP/basic-flags.json" "$B/private/alpine:3.10" --insecure --username alice --password 's3cr:et'
same_image "$TEST_TMP/ref310.json" "$TEST_TMP/basic-flags.json" "Basic auth, flags"
VIGIL_USERNAME=alice VIGIL_PASSWORD='s3cr:et' scan "$TEST_TMP/basic-env.json" "$B/private/alpine:3.10" --insecure
same_image "$TEST_TMP/ref310.json" "$TEST_TMP/basic-env.json" "Basic auth, VIGIL_USERNAME/VIGIL_PASSWORD"
VIGIL_USERNAME=alice VIGIL_PASSWORD=wrong scan "$TEST_TMP/basic-envflag.json" "$B/private/alpine:3.10" --insecure \
  --password 's3cr:et'
mkdir -p "$TEST_TMP/dockercfg" "$TEST_TMP/home/.docker"
printf '{"auths":{"%s":{"auth":"%s"}}}' "$B" "$(printf '%s' 'alice:s3cr:et' | base64)" >"$TEST_TMP/dockercfg/config.json"
DOCKER_CONFIG=$TEST_TMP/dockercfg scan "$TEST_TMP/basic-cfg.json" "$B/private/alpine:3.10" --insecure
same_image "$TEST_TMP/ref310.json" "$TEST_TMP/basic-cfg.json" "Basic auth, DOCKER_CONFIG/config.json"
printf '{"auths":{"http://%s/v2/":{"username":"alice","password":"s3cr:et"}}}' "$B" >"$TEST_TMP/home/.docker/config.json"
HOME=$TEST_TMP/home scan "$TEST_TMP/basic-home.json" "$B/private/alpine:3.10" --insecure
same_image "$TEST_TMP/ref310.json" "$TEST_TMP/basic-home.json" "Basic auth, ~/.docker/config.json"
printf '{"auths":' >"$TEST_TMP/dockercfg/config.json"
DOCKER_CONFIG=$TEST_TMP/dockercfg expect_fail "Basic: broken config.json" "config.json: invalid JSON" \
  "$B/private/alpine:3.10" --insecure

# ---- Bearer tokens: docker-registry "auth: token" + token_server.py ------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=vigil-test-token -keyout "$TEST_TMP/token.key" \
  -out "$TEST_TMP/token.crt" 2>/dev/null
python3 "$SYSTEST_DIR/token_server.py" --key "$TEST_TMP/token.key" --cert "$TEST_TMP/token.crt" \
  --issuer vigil-test-issuer --user 'bob:t0ken-pw' --port-file "$TEST_TMP/token.port" \
  --log "$TEST_TMP/token.log" </dev/null >"$TEST_TMP/token.out" 2>&1 &
PIDS+=($!)
wait_file "$TEST_TMP/token.port" $! token_server.py
TPORT=$(cat "$TEST_TMP/token.port")
start_registry token "auth:
  token:
    realm: http://127.0.0.1:$TPORT/token
    service: vigil-test-registry
    issuer: vigil-test-issuer
    rootcertbundle: $TEST_TMP/token.crt"
T=127.0.0.1:$PORT
push "docker-archive:$TEST_TMP/alpine-310.tar" "$T/team/alpine:3.10" --dest-creds 'bob:t0ken-pw'
scan "$TEST_TMP/token.json" "$T/team/alpine:3.10" --insecure --username bob --password t0ken-pw
same_image "$TEST_TMP/ref310.json" "$TEST_TMP/token.json" "Bearer token auth"
grep -q "service=\['vigil-test-registry'\] scope=\['repository:team/alpine:pull'\] user=yes" "$TEST_TMP/token.log" ||
  fail "no pull token was asked for team/alpine: $(cat "$TEST_TMP/token.log")"
expect_fail "Bearer: no credentials" "token from 127.0.0.1:$TPORT for repository:team/alpine:pull: 401 UNAUTHORIZED" \
  "$T/team/alpine:3.10" --insecure
expect_fail "Bearer: wrong password" "credentials rejected" "$T/team/alpine:3.10" --insecure --username bob --password x
live_api "token auth registry" "$T" bob t0ken-pw
# The registry's challenge lists the actions in either order (Go map iteration).
grep -qE "scope=\['repository:vigil-unit/push:(pull,push|push,pull)'\] user=yes" "$TEST_TMP/token.log" ||
  fail "no push token was asked for: $(cat "$TEST_TMP/token.log")"

# ---- a misbehaving registry ------------------------------------------------------------------------------
python3 "$SYSTEST_DIR/fake_registry.py" --layout "$TEST_TMP/multi" --port-file "$TEST_TMP/fake.port" \
  --log "$TEST_TMP/fake.log" </dev/null >"$TEST_TMP/fake.out" 2>&1 &
PIDS+=($!)
wait_file "$TEST_TMP/fake.port" $! fake_registry.py
F=127.0.0.1:$(cat "$TEST_TMP/fake.port")
export VIGIL_REGISTRY_TIMEOUT=2
scan "$TEST_TMP/fake-good.json" "$F/good:310" --insecure
same_image "$TEST_TMP/oci310.json" "$TEST_TMP/fake-good.json" "fake registry, good"
scan "$TEST_TMP/fake-flaky.json" "$F/flaky:310" --insecure
same_image "$TEST_TMP/oci310.json" "$TEST_TMP/fake-flaky.json" "fake registry, 503 then 429 then the image"
assert_eq 3 "$(grep -c 'GET /v2/flaky/manifests/310' "$TEST_TMP/fake.log")" "manifest requests to the flaky registry"
layer=$(json_eval "$TEST_TMP/fake-good.json" 'd["Metadata"]["Layers"][0]["Digest"]')
expect_fail "blob digest mismatch" "blob $layer: digest mismatch: content hashes to sha256:" "$F/baddigest:310" --insecure
expect_fail "blob longer than stated" "longer than the" "$F/longblob:310" --insecure
expect_fail "huge manifest" "manifest hugemanifest:310: larger than 4194304 bytes" "$F/hugemanifest:310" --insecure
expect_fail "huge manifest, no length" "larger than 4194304 bytes" "$F/hugechunked:310" --insecure
expect_fail "401 loop" "401 UNAUTHORIZED authentication required (authentication failed" "$F/authloop:310" --insecure
assert_eq 2 "$(grep -c 'GET /v2/authloop/manifests/310' "$TEST_TMP/fake.log")" "requests in the 401 loop"
t0=$SECONDS
expect_fail "stalled manifest" "manifest stall:310: timed out (no data for 2 s) (after 4 attempts)" "$F/stall:310" --insecure
((SECONDS - t0 < 45)) || fail "the stalled manifest took $((SECONDS - t0)) s"
expect_fail "stalled layer" "timed out (no data for 2 s)" "$F/stallblob:310" --insecure
expect_fail "schema 1" "unsupported manifest media type application/vnd.docker.distribution.manifest.v1+prettyjws" \
  "$F/schema1:310" --insecure
expect_fail "redirect to plain HTTP off loopback" "refusing http://10.255.255.1:1" "$F/badredirect:310" --insecure
expect_fail "redirect, no credentials" "401" "$F/redirect:310" --insecure
scan "$TEST_TMP/fake-redirect.json" "$F/redirect:310" --insecure --username user --password pw
same_image "$TEST_TMP/oci310.json" "$TEST_TMP/fake-redirect.json" "fake registry, blobs redirected to storage"
grep -q '^STORAGE GET' "$TEST_TMP/fake.log" || fail "blobs were not fetched from the storage address"
if grep -q 'SAW AUTHORIZATION' "$TEST_TMP/fake.log"; then fail "Authorization was sent to the storage host"; fi
unset VIGIL_REGISTRY_TIMEOUT

# ---- with a Docker daemon: source order, and the Debian image -------------------------------------------
if ((EUID != 0)) || ! command -v dockerd >/dev/null; then
  [[ ${CI:-} != true ]] || fail "CI: the daemon and Debian parts need root and dockerd"
  log "skipping the daemon and Debian parts (need root and dockerd)"
  echo "test_registry: ok (without the daemon parts)"
  exit 0
fi
unset DOCKER_HOST
start_dockerd
docker_cli load -q -i "$A310" >/dev/null
docker_cli tag alpine:3.10 "$R/only-in-docker:1"
# Docker first: an image only the daemon has needs no --insecure; one only the registry has comes from there.
scan "$TEST_TMP/order-docker.json" "$R/only-in-docker:1"
same_image "$TEST_TMP/ref310.json" "$TEST_TMP/order-docker.json" "image in the daemon"
assert_eq "[]" "$(json_eval "$TEST_TMP/order-docker.json" 'd["Metadata"]["RepoDigests"]')" "daemon image RepoDigests"
scan "$TEST_TMP/order-reg.json" "$R/alpine:3.9" --insecure
same_image "$TEST_TMP/ref39.json" "$TEST_TMP/order-reg.json" "image only in the registry (daemon running)"
expect_fail "--image-src registry skips the daemon" "404 MANIFEST_UNKNOWN" "$R/only-in-docker:1" --insecure \
  --image-src registry
VIGIL_IMAGE_SRC=docker expect_fail "VIGIL_IMAGE_SRC=docker skips the registry" "docker daemon" "$R/alpine:3.9" --insecure
scan "$TEST_TMP/order-flag.json" "$R/alpine:3.9" --insecure --image-src registry,docker
scan "$TEST_TMP/order-remote.json" "$R/only-in-docker:1" --insecure --image-src remote,docker

CACHE=$(bash "$SYSTEST_DIR/build-debian-image.sh" | tail -n1)
[[ -f $CACHE/VERSION ]] || fail "build-debian-image.sh gave no cache dir"
push "docker-archive:$CACHE/debian-multi.tar" "$R/debian/multi:archive"
push "oci:$CACHE/debian-multi-oci:latest" "$R/debian/multi:oci"
scan "$TEST_TMP/deb-archive.json" --input "$CACHE/debian-multi.tar"
scan "$TEST_TMP/deb-oci.json" --input "$CACHE/debian-multi-oci:latest"
scan "$TEST_TMP/deb-reg-archive.json" "$R/debian/multi:archive" --insecure --threads 3
same_image "$TEST_TMP/deb-archive.json" "$TEST_TMP/deb-reg-archive.json" "Debian image pushed from its docker-archive"
scan "$TEST_TMP/deb-reg-oci.json" "$R/debian/multi:oci" --insecure
same_image "$TEST_TMP/deb-oci.json" "$TEST_TMP/deb-reg-oci.json" "Debian image pushed from its OCI layout"
assert_files_eq "$CACHE/expected-final.txt" <(json_pkgs "$TEST_TMP/deb-reg-oci.json") "Debian packages vs dpkg-query"
assert_eq 3 "$(json_eval "$TEST_TMP/deb-reg-oci.json" 'len(d["Metadata"]["DiffIDs"])')" "Debian image layers"

echo "test_registry: ok"
