#!/usr/bin/python3
"""Writes the TUF repository in data/ that test_tuf.c verifies: notary's layout and conventions, made by an
implementation independent of vigil (Python's json + the cryptography package), with one key type per role:
root ecdsa-x509 (a self-signed certificate, as notary makes), timestamp ed25519 ("eddsa"), snapshot rsa
(RSASSA-PSS), targets ecdsa, delegation targets/releases ed25519 with a path restriction.
Run by hand (/usr/bin/python3 make_tuf.py); the output is committed. Expiry: 2100."""
import base64, datetime, hashlib, json, os, sys
from cryptography import x509
from cryptography.x509.oid import NameOID
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa, utils

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
EXPIRES = "2100-01-01T00:00:00Z"
GUN = "127.0.0.1:5000/app"

def b64(b): return base64.b64encode(b).decode()
def canonical(v):
    # Canonical JSON (sorted keys, no whitespace, only " and \ escaped): json.dumps with ensure_ascii=False
    # escapes control characters too, so the data here holds none.
    return json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
def tufkey(keytype, public):
    k = {"keytype": keytype, "keyval": {"private": None, "public": b64(public)}}
    return hashlib.sha256(canonical(k)).hexdigest(), k

def spki(pub): return pub.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)

root_priv = ec.generate_private_key(ec.SECP256R1())
name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, GUN)])
cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(root_priv.public_key())
        .serial_number(1).not_valid_before(datetime.datetime(2020, 1, 1))
        .not_valid_after(datetime.datetime(2099, 12, 31)).sign(root_priv, hashes.SHA256()))
root_id, root_key = tufkey("ecdsa-x509", cert.public_bytes(serialization.Encoding.PEM))
ts_priv = ed25519.Ed25519PrivateKey.generate()
ts_id, ts_key = tufkey("ed25519", ts_priv.public_key().public_bytes(serialization.Encoding.Raw,
                                                                     serialization.PublicFormat.Raw))
snap_priv = rsa.generate_private_key(public_exponent=65537, key_size=2048)
snap_id, snap_key = tufkey("rsa", spki(snap_priv.public_key()))
tgt_priv = ec.generate_private_key(ec.SECP256R1())
tgt_id, tgt_key = tufkey("ecdsa", spki(tgt_priv.public_key()))
rel_priv = ed25519.Ed25519PrivateKey.generate()
rel_id, rel_key = tufkey("ed25519", rel_priv.public_key().public_bytes(serialization.Encoding.Raw,
                                                                       serialization.PublicFormat.Raw))

def sign(signed, keyid, priv):
    msg = canonical(signed)
    if isinstance(priv, ec.EllipticCurvePrivateKey):
        r, s = utils.decode_dss_signature(priv.sign(msg, ec.ECDSA(hashes.SHA256())))
        sig, method = r.to_bytes(32, "big") + s.to_bytes(32, "big"), "ecdsa"
    elif isinstance(priv, ed25519.Ed25519PrivateKey):
        sig, method = priv.sign(msg), "eddsa"
    else:
        sig = priv.sign(msg, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32), hashes.SHA256())
        method = "rsapss"
    return {"signed": signed, "signatures": [{"keyid": keyid, "method": method, "sig": b64(sig)}]}

def meta(body):
    return {"hashes": {"sha256": b64(hashlib.sha256(body).digest()), "sha512": b64(hashlib.sha512(body).digest())},
            "length": len(body)}
def dump(doc): return json.dumps(doc, separators=(",", ":")).encode()   # like notary: compact, Go key order
def target(content):
    return {"hashes": {"sha256": b64(hashlib.sha256(content).digest())}, "length": len(content)}

root = dump(sign({"_type": "Root", "consistent_snapshot": False, "expires": EXPIRES,
                  "keys": {root_id: root_key, ts_id: ts_key, snap_id: snap_key, tgt_id: tgt_key},
                  "roles": {"root": {"keyids": [root_id], "threshold": 1},
                            "snapshot": {"keyids": [snap_id], "threshold": 1},
                            "targets": {"keyids": [tgt_id], "threshold": 1},
                            "timestamp": {"keyids": [ts_id], "threshold": 1}},
                  "version": 1}, root_id, root_priv))
releases = dump(sign({"_type": "Targets", "delegations": {"keys": {}, "roles": []}, "expires": EXPIRES,
                      "targets": {"v1": target(b"release v1"), "v1-rc": target(b"rc"),
                                  "outside": target(b"not under the delegated paths")},
                      "version": 1}, rel_id, rel_priv))
targets = dump(sign({"_type": "Targets",
                     "delegations": {"keys": {rel_id: rel_key},
                                     "roles": [{"keyids": [rel_id], "name": "targets/releases",
                                                "paths": ["v1"], "threshold": 1}]},
                     "expires": EXPIRES,
                     "targets": {"latest": target(b"latest manifest"), "big": {"hashes": {"sha256": b64(
                         hashlib.sha256(b"x").digest())}, "length": 1500000}},
                     "version": 3}, tgt_id, tgt_priv))
snapshot = dump(sign({"_type": "Snapshot", "expires": EXPIRES,
                      "meta": {"root": meta(root), "targets": meta(targets), "targets/releases": meta(releases)},
                      "version": 3}, snap_id, snap_priv))
timestamp = dump(sign({"_type": "Timestamp", "expires": EXPIRES, "meta": {"snapshot": meta(snapshot)},
                       "version": 3}, ts_id, ts_priv))
os.makedirs(OUT, exist_ok=True)
for n, b in [("root", root), ("timestamp", timestamp), ("snapshot", snapshot), ("targets", targets),
             ("targets-releases", releases)]:
    open(os.path.join(OUT, n + ".json"), "wb").write(b)
open(os.path.join(OUT, "ids.txt"), "w").write(f"root {root_id}\ntargets {tgt_id}\nreleases {rel_id}\n")
