#!/usr/bin/env bash
# Docker Content Trust with real components, all on 127.0.0.1:
#  - Debian's notary-server (TLS with a certificate made here, memory storage, local trust service) and the
#    notary client publish: targets signed into "targets" (a file, a 1.5 MB file — canonical JSON numbers — and
#    the sha256 of a manifest pushed to Debian's docker-registry with skopeo), a targets/releases delegation
#    and a second delegation (alice) holding certificates (ecdsa-x509 keys)
#  - vigil trust inspect lists the same tags, digests and roles as `notary list`; vigil verify --notary
#    accepts the pushed image and refuses a tag whose signed digest is not what the registry serves
#  - a proxy (python, loopback) serving altered metadata: a changed targets.json (snapshot's hash), the same
#    with the snapshot fixed up (timestamp's hash), and the timestamp fixed up too (its signature); an unknown
#    GUN; a pinned root key; plain HTTP off loopback
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
require_vigil
require_cmd notary notary-server openssl python3 curl docker-registry skopeo
require_fixture images/alpine-310.tar.gz

PIDS=()
_notary_cleanup() {
  local rc=$? p
  for p in "${PIDS[@]}"; do
    _stop_pid "$p"
    wait "$p" 2>/dev/null || true
  done
  (exit "$rc")
  _systest_cleanup
}
trap _notary_cleanup EXIT
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
cd "$TEST_TMP"

# ---- notary-server -----------------------------------------------------------------------------
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -out server.crt -days 2 \
  -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null || fail "openssl req"
NPORT=$(free_port)
cat >server.json <<EOF
{"server": {"http_addr": "127.0.0.1:$NPORT", "tls_cert_file": "$TEST_TMP/server.crt",
  "tls_key_file": "$TEST_TMP/server.key"},
 "trust_service": {"type": "local", "hostname": "", "port": "", "key_algorithm": "ecdsa"},
 "storage": {"backend": "memory"}, "logging": {"level": "info"}}
EOF
notary-server -config server.json </dev/null >server.log 2>&1 &
PIDS+=($!)
for ((i = 0; i < 100; i++)); do
  curl -fs --cacert server.crt "https://127.0.0.1:$NPORT/_notary_server/health" >/dev/null && break
  _pid_alive "${PIDS[-1]}" || { cat server.log >&2; fail "notary-server exited during startup"; }
  sleep 0.2
done
NS=https://127.0.0.1:$NPORT
log "notary-server on $NS (pid ${PIDS[-1]})"

# ---- a registry with an image ------------------------------------------------------------------------
RPORT=$(free_port)
mkdir -p reg
printf 'version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: 127.0.0.1:%s\n  secret: vigil-notary\n' \
  "$TEST_TMP/reg" "$RPORT" >reg.yml
docker-registry serve reg.yml </dev/null >reg.log 2>&1 &
PIDS+=($!)
for ((i = 0; i < 100; i++)); do
  curl -fs "http://127.0.0.1:$RPORT/v2/" >/dev/null && break
  sleep 0.2
done
R=127.0.0.1:$RPORT
gzip -dc "$VIGIL_FIXTURES/images/alpine-310.tar.gz" >alpine.tar
skopeo copy -q --dest-tls-verify=false docker-archive:alpine.tar "docker://$R/app:3.10" >/dev/null ||
  fail "skopeo push"
skopeo inspect --raw --tls-verify=false "docker://$R/app:3.10" >manifest.json
MSIZE=$(stat -c %s manifest.json)
MHEX=$(sha256sum manifest.json | cut -d' ' -f1)

# ---- publish with the notary client -------------------------------------------------------------------
export NOTARY_ROOT_PASSPHRASE=root-pass NOTARY_TARGETS_PASSPHRASE=targets-pass
export NOTARY_SNAPSHOT_PASSPHRASE=snapshot-pass NOTARY_DELEGATION_PASSPHRASE=delegation-pass
nc() { notary -s "$NS" -d "$TEST_TMP/trust" --tlscacert "$TEST_TMP/server.crt" "$@" >>notary.log 2>&1 ||
  { tail -20 notary.log >&2; fail "notary $*"; }; }
GUN=$R/app
nc init "$GUN"
echo '{"a":1}' >small.json
head -c 1500000 /dev/urandom >big.bin
nc add "$GUN" small small.json
nc add "$GUN" big big.bin
nc addhash "$GUN" 3.10 "$MSIZE" --sha256 "$MHEX"
nc addhash "$GUN" wrong 99 --sha256 "$(printf other | sha256sum | cut -d' ' -f1)"
for who in releases alice; do
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout $who.key -out $who.crt -days 2 \
    -subj /CN=$who 2>/dev/null
  nc delegation add "$GUN" targets/$who $who.crt --all-paths
  nc key import $who.key -r targets/$who
done
nc addhash "$GUN" rel 42 --sha256 "$(printf rel | sha256sum | cut -d' ' -f1)" -r targets/releases
nc addhash "$GUN" rel 42 --sha256 "$(printf rel | sha256sum | cut -d' ' -f1)" -r targets/alice
nc addhash "$GUN" alice-only 43 --sha256 "$(printf alice | sha256sum | cut -d' ' -f1)" -r targets/alice
nc publish "$GUN"
notary -s "$NS" -d "$TEST_TMP/trust" --tlscacert server.crt list "$GUN" >list.txt 2>>notary.log ||
  fail "notary list"
log "notary list: $(tr '\n' '|' <list.txt)"

# ---- vigil trust inspect == notary list ----------------------------------------------------------------
run_vigil trust inspect --trust-server "$NS" --tlscacert server.crt "$GUN"
expect_rc 0 "trust inspect"
cp "$OUT" inspect.json
# notary list rows: NAME DIGEST SIZE ROLE (after two header lines).
tail -n +3 list.txt | awk '{print $1, $2, $4}' | sort >notary.rows
json_eval inspect.json '"\n".join(sorted(t["SignedTag"] + " " + t["Digest"] for t in d[0]["SignedTags"]))' >vigil.tags
# Released tags (targets, targets/releases) are what docker trust inspect lists.
awk '$3 == "targets" || $3 == "targets/releases" {print $1, $2}' notary.rows | sort -u >notary.tags
assert_files_eq notary.tags vigil.tags "signed tags and digests (notary list vs vigil trust inspect)"
grep -qx "3.10 $MHEX" vigil.tags || fail "the pushed manifest's digest is not signed for 3.10"
grep -q "^alice-only " vigil.tags && fail "alice-only is not a released tag"
assert_eq '["alice"]' "$(json_eval inspect.json '[t["Signers"] for t in d[0]["SignedTags"] if t["SignedTag"] == "rel"][0]')" \
  "rel is signed by alice beside releases"
assert_eq '["Repo Admin"]' "$(json_eval inspect.json '[t["Signers"] for t in d[0]["SignedTags"] if t["SignedTag"] == "small"][0]')" \
  "small is signed by the repository key"
assert_eq '["alice"]' "$(json_eval inspect.json '[s["Name"] for s in d[0]["Signers"]]')" "signers (releases is not one)"
assert_eq '["Root","Repository"]' "$(json_eval inspect.json '[a["Name"] for a in d[0]["AdministrativeKeys"]]')" \
  "administrative keys"
ROOTID=$(json_eval inspect.json 'd[0]["AdministrativeKeys"][0]["Keys"][0]["ID"]')
run_vigil trust inspect --trust-server "$NS" --tlscacert server.crt "$GUN:3.10"
expect_rc 0 "trust inspect IMAGE:TAG"
assert_eq "[\"3.10\"]" "$(json_eval "$OUT" '[t["SignedTag"] for t in d[0]["SignedTags"]]')" "one tag with :TAG"
run_vigil trust inspect --trust-server "$NS" --tlscacert server.crt --root-key-id "$ROOTID" "$GUN"
expect_rc 0 "pinned root key"
run_vigil trust inspect --trust-server "$NS" --tlscacert server.crt --root-key-id "${ROOTID//?/0}" "$GUN"
expect_rc 3 "wrong pinned root key"
assert_contains "$(cat "$ERR")" "not the pinned root key" "pin message"
run_vigil trust inspect --trust-server "$NS" "$GUN"
expect_rc 3 "no CA for the self-signed server"
run_vigil trust inspect --trust-server "$NS" --tlscacert server.crt "$R/nothing"
expect_rc 3 "unknown GUN"
assert_contains "$(cat "$ERR")" "no trust data" "unknown GUN message"

# ---- vigil verify --notary ------------------------------------------------------------------------------
run_vigil verify --notary --trust-server "$NS" --tlscacert server.crt --insecure "$R/app:3.10"
expect_rc 0 "verify --notary"
skopeo copy -q --dest-tls-verify=false docker-archive:alpine.tar "docker://$R/app:wrong" >/dev/null
run_vigil verify --notary --trust-server "$NS" --tlscacert server.crt --insecure "$R/app:wrong"
expect_rc 1 "verify --notary, other digest signed"
assert_contains "$(cat "$ERR")" "digest mismatch" "notary digest mismatch"
run_vigil verify --notary --trust-server "$NS" --tlscacert server.crt --insecure "$R/app:unsigned"
expect_rc 1 "verify --notary, unsigned tag"
assert_contains "$(cat "$ERR")" "no signed trust data for tag unsigned" "unsigned tag"

# ---- altered metadata through a proxy ---------------------------------------------------------------------
cat >proxy.py <<'PY'
# Loopback HTTP proxy to the notary server that alters metadata: MODE targets = one changed hash in
# targets.json; targets+snapshot = also the snapshot's length/hashes of targets fixed up to match; all = also
# the timestamp's of the snapshot (only signatures are left to catch it).
import base64, hashlib, http.server, json, ssl, sys, urllib.request
upstream, ca, mode, portfile = sys.argv[1:5]
ctx = ssl.create_default_context(cafile=ca)
def fetch(path):
    return urllib.request.urlopen(upstream + path, context=ctx, timeout=10).read()
def altered_targets(path):
    body = fetch(path)
    d = json.loads(body)
    name = sorted(d["signed"]["targets"])[0]
    h = bytearray(base64.b64decode(d["signed"]["targets"][name]["hashes"]["sha256"])); h[0] ^= 1
    d["signed"]["targets"][name]["hashes"]["sha256"] = base64.b64encode(bytes(h)).decode()
    return json.dumps(d, separators=(",", ":")).encode()
def fixed(meta, body):
    meta.update({"length": len(body), "hashes": {
        "sha256": base64.b64encode(hashlib.sha256(body).digest()).decode(),
        "sha512": base64.b64encode(hashlib.sha512(body).digest()).decode()}})
def altered_snapshot(path):
    s = json.loads(fetch(path))
    fixed(s["signed"]["meta"]["targets"], altered_targets(path.replace("snapshot.json", "targets.json")))
    return json.dumps(s, separators=(",", ":")).encode()
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_GET(self):
        try:
            if self.path.endswith("/targets.json"):
                body = altered_targets(self.path)
            elif self.path.endswith("/snapshot.json") and mode != "targets":
                body = altered_snapshot(self.path)
            elif self.path.endswith("/timestamp.json") and mode == "all":
                t = json.loads(fetch(self.path))
                fixed(t["signed"]["meta"]["snapshot"], altered_snapshot(self.path.replace("timestamp", "snapshot")))
                body = json.dumps(t, separators=(",", ":")).encode()
            else:
                body = fetch(self.path)
            self.send_response(200)
        except urllib.error.HTTPError as e:
            body = b""
            self.send_response(e.code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
srv = http.server.HTTPServer(("127.0.0.1", 0), H)
open(portfile, "w").write(str(srv.server_address[1]))
srv.serve_forever()
PY
for mode in targets targets+snapshot all; do
  rm -f proxy.port
  python3 proxy.py "$NS" "$TEST_TMP/server.crt" "$mode" proxy.port </dev/null >proxy.log 2>&1 &
  PIDS+=($!)
  for ((i = 0; i < 100; i++)); do
    [[ -s proxy.port ]] && break
    sleep 0.1
  done
  P="http://127.0.0.1:$(cat proxy.port)"
  run_vigil trust inspect --trust-server "$P" "$GUN"
  expect_rc 3 "altered metadata ($mode)"
  assert_eq 1 "$(wc -l <"$ERR")" "$mode: one error line"
  case $mode in
  targets) assert_contains "$(cat "$ERR")" "targets.json: sha256 hash mismatch with snapshot.json" "$mode" ;;
  targets+snapshot) assert_contains "$(cat "$ERR")" "snapshot.json: sha256 hash mismatch with timestamp.json" "$mode" ;;
  all) assert_contains "$(cat "$ERR")" "timestamp.json: signature verification failed" "$mode" ;;
  esac
  run_vigil verify --notary --trust-server "$P" --insecure "$R/app:3.10"
  expect_rc 1 "verify --notary through the altering proxy ($mode)"
  _stop_pid "${PIDS[-1]}"
done
# Plain HTTP off loopback is refused before any request.
run_vigil trust inspect --trust-server http://192.0.2.1:1 "$GUN"
expect_rc 3 "plain HTTP off loopback"
assert_contains "$(cat "$ERR")" "loopback addresses only" "plain HTTP message"
echo "test_notary: all checks passed"
