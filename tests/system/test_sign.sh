#!/usr/bin/env bash
# Cosign-compatible keys and signatures, with real components:
#  - the real cosign signatures in $VIGIL_FIXTURES/signatures/cosign (dir: copies written by containers/image):
#    the valid ones verify with cosign.pub (cosign2.pub for the rekor one); a modified manifest, a schema-1
#    manifest whose digest cannot be computed, a foreign key and a foreign identity each fail with their own reason
#  - keys: generate -> encrypt -> decrypt; the private key is opened by an independent implementation (Python:
#    hashlib.scrypt + PyNaCl SecretBox + cryptography's PKCS#8 parser) and a key sealed by that implementation
#    with cosign's current scrypt parameters is opened by vigil; wrong passphrase / corrupt file are clear errors
#  - Debian's docker-registry on 127.0.0.1: an image pushed with skopeo is signed by vigil; `openssl dgst`
#    verifies the pushed signature over the pushed payload; vigil verify passes; signing again appends;
#    skopeo (use-sigstore-attachments) copies the signature to another repository and to a dir: copy with the
#    same payload and annotations; tampering (another image's signatures at the tag, a flipped signature byte,
#    another repository's identity, no signatures at all) fails with the matching reason
#  - vigil image --verify-key scans a verified image and refuses (exit 3, the reason) the others
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
require_vigil
require_fixture signatures/cosign/cosign.pub
require_cmd openssl base64

SIG=$VIGIL_FIXTURES/signatures/cosign
# The Python with Debian's python3-nacl / python3-cryptography (a pyenv python3 on PATH may lack them).
PY=/usr/bin/python3
unset COSIGN_PASSWORD VIGIL_KEY_PASSWORD VIGIL_USERNAME VIGIL_PASSWORD

# verify_fails WHAT REASON ARGS...: vigil verify exits 1 with one error line starting with the reason.
verify_fails() {
  local what=$1 reason=$2
  shift 2
  run_vigil verify "$@"
  expect_rc 1 "$what"
  assert_eq 1 "$(wc -l <"$ERR")" "$what: lines on stderr ($(cat "$ERR"))"
  assert_contains "$(cat "$ERR")" ": $reason: " "$what: reason"
  [[ ! -s $OUT ]] || fail "$what: printed a payload although nothing verified"
}

# ---- the real cosign fixtures ------------------------------------------------------------------
for d in dir-img-cosign-valid dir-img-cosign-valid-2 dir-img-cosign-valid-with-tag; do
  run_vigil verify --key "$SIG/cosign.pub" --dir "$SIG/$d"
  expect_rc 0 "$d"
  n=$(ls "$SIG/$d"/signature-* | wc -l)
  assert_eq "$n" "$(wc -l <"$OUT")" "$d: one payload line per signature"
  # The printed payloads are the signed bytes: the same as base64 -d of each envelope's payload.
  for s in "$SIG/$d"/signature-*; do
    tail -c +16 "$s" >"$TEST_TMP/env.json"
    json_eval "$TEST_TMP/env.json" 'd["payload"]' | base64 -d >"$TEST_TMP/payload"
    grep -qxF "$(cat "$TEST_TMP/payload")" "$OUT" || fail "$d: payload of $s not printed"
  done
done
run_vigil verify --key "$SIG/cosign.pub" "dir:$SIG/dir-img-cosign-valid"
expect_rc 0 "dir: prefix"
run_vigil verify --key "$SIG/cosign2.pub" --dir "$SIG/dir-img-cosign-key-rekor-valid"
expect_rc 0 "rekor-valid with cosign2.pub"
run_vigil verify --key "$SIG/cosign.pub" --dir "$SIG/dir-img-cosign-valid" \
  --identity 192.168.64.2:5000/cosign-signed-single-sample:anytag
expect_rc 0 "identity given with a tag"

verify_fails "modified manifest" "digest mismatch" --key "$SIG/cosign.pub" --dir "$SIG/dir-img-cosign-modified-manifest"
verify_fails "schema 1 manifest" "manifest digest error" --key "$SIG/cosign.pub" \
  --dir "$SIG/dir-img-cosign-manifest-digest-error"
verify_fails "other key" "signature mismatch" --key "$SIG/cosign2.pub" --dir "$SIG/dir-img-cosign-valid"
mkdir "$TEST_TMP/unknown"
cp "$SIG/dir-img-cosign-valid/manifest.json" "$TEST_TMP/unknown/"
cp "$SIG/unknown-cosign-key.signature" "$TEST_TMP/unknown/signature-1"
verify_fails "unknown key" "signature mismatch" --key "$SIG/cosign.pub" --dir "$TEST_TMP/unknown"
verify_fails "identity" "identity mismatch" --key "$SIG/cosign.pub" --dir "$SIG/dir-img-cosign-valid" \
  --identity 192.168.64.2:5000/someone-else
mkdir "$TEST_TMP/nosig"
cp "$SIG/dir-img-cosign-valid/manifest.json" "$TEST_TMP/nosig/"
verify_fails "no signatures" "no signatures" --key "$SIG/cosign.pub" --dir "$TEST_TMP/nosig"
run_vigil verify --key "$TEST_TMP/missing.pub" --dir "$SIG/dir-img-cosign-valid"
expect_rc 3 "missing key file"
run_vigil verify --dir "$SIG/dir-img-cosign-valid"
expect_rc 2 "no --key"

# The fixtures' signatures themselves, by the independent oracle the README names.
for s in "$SIG/dir-img-cosign-valid"/signature-1; do
  tail -c +16 "$s" >"$TEST_TMP/env.json"
  json_eval "$TEST_TMP/env.json" 'd["payload"]' | base64 -d >"$TEST_TMP/p"
  json_eval "$TEST_TMP/env.json" 'd["annotations"]["dev.cosignproject.cosign/signature"]' | base64 -d >"$TEST_TMP/s"
  assert_eq "Verified OK" "$(openssl dgst -sha256 -verify "$SIG/cosign.pub" -signature "$TEST_TMP/s" "$TEST_TMP/p")" \
    "openssl on the fixture"
done

# ---- keys --------------------------------------------------------------------------------------
cd "$TEST_TMP"
COSIGN_PASSWORD='pass phrase' run_vigil key generate --output-key-prefix k1
expect_rc 0 "key generate"
[[ $(stat -c %a k1.key) == 600 ]] || fail "k1.key mode is $(stat -c %a k1.key), want 600"
head -1 k1.key | grep -qxF -- '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----' || fail "k1.key label"
head -1 k1.pub | grep -qxF -- '-----BEGIN PUBLIC KEY-----' || fail "k1.pub label"
VIGIL_KEY_PASSWORD='pass phrase' run_vigil key public-key --key k1.key
expect_rc 0 "public-key with VIGIL_KEY_PASSWORD"
assert_files_eq k1.pub "$OUT" "public key from the decrypted private key"
COSIGN_PASSWORD='wrong' run_vigil key public-key --key k1.key
expect_rc 3 "wrong passphrase"
assert_contains "$(cat "$ERR")" "wrong passphrase" "wrong passphrase message"
COSIGN_PASSWORD='x' run_vigil key generate --output-key-prefix k1
expect_rc 2 "generate refuses to overwrite"
# Corruptions: not PEM, PEM of garbage, valid PEM with broken JSON, a flipped ciphertext byte.
echo "not a key" >bad1.key
printf -- '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n' >bad2.key
$PY - k1.key bad3.key bad4.key <<'PY'
import base64, json, sys
t = open(sys.argv[1]).read().splitlines()
body = base64.b64decode("".join(t[1:-1]))
def pem(b, path):
    s = base64.b64encode(b).decode()
    open(path, "w").write("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n" +
        "\n".join(s[i:i+64] for i in range(0, len(s), 64)) + "\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n")
pem(body[:-9], sys.argv[2])
d = json.loads(body)
c = bytearray(base64.b64decode(d["ciphertext"])); c[20] ^= 1
d["ciphertext"] = base64.b64encode(bytes(c)).decode()
pem(json.dumps(d).encode(), sys.argv[3])
PY
for b in bad1 bad2 bad3 bad4; do
  COSIGN_PASSWORD='pass phrase' run_vigil key public-key --key $b.key
  expect_rc 3 "corrupt key $b"
  assert_eq 1 "$(wc -l <"$ERR")" "$b: one error line"
done
assert_contains "$(cat "$ERR")" "wrong passphrase, or the key file was altered" "flipped ciphertext byte"

if $PY -c 'import nacl.secret, cryptography' 2>/dev/null; then
  # An independent implementation of go-securesystemslib's format opens vigil's key ...
  $PY - k1.key k1.pub 'pass phrase' <<'PY' || fail "Python could not open vigil's encrypted key"
import base64, hashlib, json, sys
import nacl.secret
from cryptography.hazmat.primitives import serialization
t = open(sys.argv[1]).read().splitlines()
assert t[0] == "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----", t[0]
d = json.loads(base64.b64decode("".join(t[1:-1])))
assert list(d) == ["kdf", "cipher", "ciphertext"] and d["kdf"]["params"] == {"N": 32768, "r": 8, "p": 1}, d
k = d["kdf"]
key = hashlib.scrypt(sys.argv[3].encode(), salt=base64.b64decode(k["salt"]), n=32768, r=8, p=1, dklen=32,
                     maxmem=64 << 20)
der = nacl.secret.SecretBox(key).decrypt(base64.b64decode(d["ciphertext"]), base64.b64decode(d["cipher"]["nonce"]))
priv = serialization.load_der_private_key(der, None)
pub = priv.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
assert pub == open(sys.argv[2], "rb").read(), "public keys differ"
PY
  # ... and vigil opens a key sealed by it with the scrypt N current cosign writes (65536), old label.
  $PY - py.key py.pub 'other pass' <<'PY' || fail "Python could not write a key"
import base64, hashlib, json, os, sys
import nacl.secret, nacl.utils
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
priv = ec.generate_private_key(ec.SECP256R1())
der = priv.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
salt, nonce = os.urandom(32), os.urandom(24)
key = hashlib.scrypt(sys.argv[3].encode(), salt=salt, n=65536, r=8, p=1, dklen=32, maxmem=128 << 20)
c = nacl.secret.SecretBox(key).encrypt(der, nonce).ciphertext
b = base64.b64encode(json.dumps({"kdf": {"name": "scrypt", "params": {"N": 65536, "r": 8, "p": 1},
    "salt": base64.b64encode(salt).decode()}, "cipher": {"name": "nacl/secretbox",
    "nonce": base64.b64encode(nonce).decode()}, "ciphertext": base64.b64encode(c).decode()}).encode()).decode()
open(sys.argv[1], "w").write("-----BEGIN ENCRYPTED COSIGN PRIVATE KEY-----\n" +
    "\n".join(b[i:i+64] for i in range(0, len(b), 64)) + "\n-----END ENCRYPTED COSIGN PRIVATE KEY-----\n")
open(sys.argv[2], "wb").write(priv.public_key().public_bytes(serialization.Encoding.PEM,
    serialization.PublicFormat.SubjectPublicKeyInfo))
PY
  COSIGN_PASSWORD='other pass' run_vigil key public-key --key py.key
  expect_rc 0 "vigil opens a Python-sealed cosign key"
  assert_files_eq py.pub "$OUT" "public key of the Python-sealed key"
else
  skip "python3-nacl / python3-cryptography missing for /usr/bin/python3 (run scripts/install-deps)"
fi
# A plain PKCS#8 key needs no passphrase.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out plain.key 2>/dev/null
openssl pkey -in plain.key -pubout -out plain.pub 2>/dev/null
run_vigil key public-key --key plain.key
expect_rc 0 "plain PKCS#8 key"
assert_files_eq plain.pub "$OUT" "public key of the plain key"

# ---- a registry ------------------------------------------------------------------------------------
require_cmd docker-registry skopeo curl python3
require_fixture images/alpine-310.tar.gz
require_fixture images/alpine-39.tar.gz

PIDS=()
_sign_cleanup() {
  local rc=$? p
  for p in "${PIDS[@]}"; do
    _stop_pid "$p"
    wait "$p" 2>/dev/null || true
  done
  (exit "$rc")
  _systest_cleanup
}
trap _sign_cleanup EXIT

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$TEST_TMP/reg/data"
cat >"$TEST_TMP/reg/config.yml" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $TEST_TMP/reg/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$PORT
  secret: vigil-test-sign
EOF
docker-registry serve "$TEST_TMP/reg/config.yml" </dev/null >"$TEST_TMP/reg/registry.log" 2>&1 &
PIDS+=($!)
for ((i = 0; i < 100; i++)); do
  curl -fs "http://127.0.0.1:$PORT/v2/" >/dev/null && break
  _pid_alive "${PIDS[-1]}" || fail "docker-registry exited during startup"
  sleep 0.2
done
curl -fs "http://127.0.0.1:$PORT/v2/" >/dev/null || fail "docker-registry did not answer"
R=127.0.0.1:$PORT
log "docker-registry on $R (pid ${PIDS[-1]})"

push() {
  skopeo copy -q --dest-tls-verify=false "$1" "docker://$2" >"$TEST_TMP/skopeo.log" 2>&1 ||
    { cat "$TEST_TMP/skopeo.log" >&2; fail "skopeo copy $1 docker://$2"; }
}
gzip -dc "$VIGIL_FIXTURES/images/alpine-310.tar.gz" >alpine-310.tar
gzip -dc "$VIGIL_FIXTURES/images/alpine-39.tar.gz" >alpine-39.tar
push docker-archive:alpine-310.tar "$R/app:3.10"
push docker-archive:alpine-39.tar "$R/app:3.9"
D310=$(skopeo inspect --raw --tls-verify=false "docker://$R/app:3.10" | sha256sum | sed 's/^/sha256:/; s/ .*//')
D39=$(skopeo inspect --raw --tls-verify=false "docker://$R/app:3.9" | sha256sum | sed 's/^/sha256:/; s/ .*//')
SIGTAG310=sha256-${D310#sha256:}.sig

verify_fails "unsigned image" "no signatures" --key k1.pub --insecure "$R/app:3.10"

COSIGN_PASSWORD='pass phrase' run_vigil sign --key k1.key -a build=42 --insecure "$R/app:3.10"
expect_rc 0 "vigil sign"
run_vigil verify --key k1.pub --insecure "$R/app:3.10"
expect_rc 0 "vigil verify after sign"
assert_eq 1 "$(wc -l <"$OUT")" "one signature"
assert_eq "$R/app" "$(json_eval "$OUT" 'd["critical"]["identity"]["docker-reference"]')" "payload identity"
assert_eq "$D310" "$(json_eval "$OUT" 'd["critical"]["image"]["docker-manifest-digest"]')" "payload digest"
assert_eq '{"build":"42"}' "$(json_eval "$OUT" 'd["optional"]')" "payload annotations"
run_vigil verify --key k1.pub --insecure "$R/app@$D310"
expect_rc 0 "verify by digest"

# What was pushed, read back with curl: cosign's layout, and `openssl dgst` accepts the signature.
curl -fs -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
  "http://$R/v2/app/manifests/$SIGTAG310" >sigman.json || fail "no $SIGTAG310 manifest"
assert_eq application/vnd.oci.image.manifest.v1+json "$(json_eval sigman.json 'd["mediaType"]')" "sig manifest type"
assert_eq application/vnd.dev.cosign.simplesigning.v1+json "$(json_eval sigman.json 'd["layers"][0]["mediaType"]')" \
  "layer media type"
LD=$(json_eval sigman.json 'd["layers"][0]["digest"]')
curl -fs "http://$R/v2/app/blobs/$LD" >payload.json || fail "payload blob"
json_eval sigman.json 'd["layers"][0]["annotations"]["dev.cosignproject.cosign/signature"]' | base64 -d >sig.der
assert_eq "Verified OK" "$(openssl dgst -sha256 -verify k1.pub -signature sig.der payload.json)" "openssl dgst oracle"
curl -fs "http://$R/v2/app/blobs/$(json_eval sigman.json 'd["config"]["digest"]')" >sigcfg.json
assert_eq "[\"$LD\"]" "$(json_eval sigcfg.json 'd["rootfs"]["diff_ids"]')" "config diff_ids"

# Signing again appends (ECDSA is randomised: a second layer, same payload).
COSIGN_PASSWORD='pass phrase' run_vigil sign --key k1.key -a build=42 --insecure -q "$R/app:3.10"
expect_rc 0 "second signature"
COSIGN_PASSWORD='other pass' run_vigil sign --key py.key --insecure -q "$R/app:3.10"
expect_rc 0 "signature by a second key"
run_vigil verify --key k1.pub --insecure "$R/app:3.10"
expect_rc 0 "verify with three layers"
assert_eq 2 "$(wc -l <"$OUT")" "k1 verifies two of three signatures"
run_vigil verify --key py.pub --insecure "$R/app:3.10"
expect_rc 0 "py.pub verifies its own"
assert_eq 1 "$(wc -l <"$OUT")" "py.key signed once"
COSIGN_PASSWORD='wrong' run_vigil sign --key k1.key --insecure "$R/app:3.10"
expect_rc 3 "sign with a wrong passphrase"

# skopeo copies the attachments (containers/image, use-sigstore-attachments) to another repository and dir:.
mkdir -p regd
printf 'docker:\n  %s:\n    use-sigstore-attachments: true\n' "$R" >regd/local.yaml
skopeo copy -q --src-tls-verify=false --dest-tls-verify=false --registries.d regd \
  "docker://$R/app:3.10" "docker://$R/copy:3.10" || fail "skopeo copy with attachments"
skopeo copy -q --src-tls-verify=false --registries.d regd "docker://$R/app:3.10" dir:copydir ||
  fail "skopeo copy to dir:"
ls copydir/signature-* >/dev/null 2>&1 || fail "skopeo wrote no signature-N files"
# The same payloads and signature annotations, in the dir: copy and in the copied repository.
for s in copydir/signature-*; do
  tail -c +16 "$s" >env.json
  json_eval env.json \
    '__import__("base64").b64decode(d["payload"]).decode() + " " + d["annotations"]["dev.cosignproject.cosign/signature"]'
done | sort >dir.pairs
curl -fs -H 'Accept: application/vnd.oci.image.manifest.v1+json' "http://$R/v2/app/manifests/$SIGTAG310" >sig3.json
for i in 0 1 2; do
  d=$(json_eval sig3.json "d['layers'][$i]['digest']")
  a=$(json_eval sig3.json "d['layers'][$i]['annotations']['dev.cosignproject.cosign/signature']")
  printf '%s %s\n' "$(curl -fs "http://$R/v2/app/blobs/$d")" "$a"
done | sort >reg.pairs
assert_files_eq reg.pairs dir.pairs "skopeo's dir: copy holds the pushed payloads and signatures"
run_vigil verify --key k1.pub --dir copydir --identity "$R/app"
expect_rc 0 "vigil verifies skopeo's dir: copy"
assert_eq 2 "$(wc -l <"$OUT")" "two k1 signatures in the dir: copy"
# In the copied repository the signatures name the original one.
verify_fails "copied repository" "identity mismatch" --key k1.pub --insecure "$R/copy:3.10"

# ---- tampering ----------------------------------------------------------------------------------------
# Another image's signatures at this image's .sig tag: the payload names the other digest.
COSIGN_PASSWORD='pass phrase' run_vigil sign --key k1.key --insecure -q "$R/app:3.9"
expect_rc 0 "sign 3.9"
skopeo copy -q --src-tls-verify=false --dest-tls-verify=false --preserve-digests \
  "docker://$R/app:sha256-${D39#sha256:}.sig" "docker://$R/app:$SIGTAG310" || fail "re-tag 3.9's signatures"
verify_fails "another image's signatures" "digest mismatch" --key k1.pub --insecure "$R/app:3.10"
# A flipped signature byte (the manifest rewritten with curl, blobs untouched).
$PY - sigman.json flipped.json <<'PY'
import base64, json, sys
m = json.load(open(sys.argv[1]))
s = bytearray(base64.b64decode(m["layers"][0]["annotations"]["dev.cosignproject.cosign/signature"]))
s[-5] ^= 0x01
m["layers"][0]["annotations"]["dev.cosignproject.cosign/signature"] = base64.b64encode(bytes(s)).decode()
open(sys.argv[2], "w").write(json.dumps(m))
PY
curl -fs -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' --data-binary @flipped.json \
  "http://$R/v2/app/manifests/$SIGTAG310" >/dev/null || fail "PUT flipped manifest"
verify_fails "flipped signature byte" "signature mismatch" --key k1.pub --insecure "$R/app:3.10"
# ---- vigil image --verify-key ---------------------------------------------------------------------------
# A verified image is scanned (by the digest that verified); an unverified one is refused with exit 3.
run_vigil image --verify-key k1.pub --insecure --scanners none --format json "$R/app:3.9"
expect_rc 0 "image --verify-key on a signed image"
assert_eq 3.9.4 "$(json_eval "$OUT" 'd["Metadata"]["OS"]["Name"]')" "the verified image was scanned"
run_vigil image --verify-key k1.pub --insecure --scanners none "$R/app:3.10"
expect_rc 3 "image --verify-key on a tampered signature"
assert_contains "$(cat "$ERR")" "refusing to scan: signature verification failed" "refusal"
assert_contains "$(cat "$ERR")" "signature mismatch" "refusal reason"
run_vigil image --verify-key py.pub --insecure --scanners none "$R/app:3.9"
expect_rc 3 "image --verify-key with a key that did not sign"
assert_contains "$(cat "$ERR")" "signature mismatch" "foreign key refusal"
run_vigil image --verify-key k1.pub --insecure --scanners none "$R/copy:3.10"
expect_rc 3 "image --verify-key, signatures for another repository"
assert_contains "$(cat "$ERR")" "identity mismatch" "identity refusal"
run_vigil image --verify-key k1.pub --input alpine-310.tar
expect_rc 3 "image --verify-key on an archive"
echo "test_sign: all checks passed"
