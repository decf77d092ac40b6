#!/usr/bin/env python3
"""Writes small images in every layout vigil reads, plus broken variants, into
OUTDIR, for tests/unit/source/test_source.c. The layers carry an apk database
that changes between layers so that layer attribution can be checked:
  layer 1: alpine-release 3.18.4, packages a 1.0-r0, b 1.0-r0, and etc/doomed
  layer 2: packages a 1.0-r0, b 2.0-r0, c 1.0-r0; whiteout of etc/doomed
usage: make_layouts.py OUTDIR
"""
import gzip
import hashlib
import io
import json
import os
import sys
import tarfile

OUT = sys.argv[1]


def apkdb(pkgs):
    return "".join(f"P:{n}\nV:{v}\nA:x86_64\no:{n}\n\n" for n, v in pkgs).encode()


def tar_bytes(entries):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, data in entries:
            ti = tarfile.TarInfo(name)
            ti.mtime = 1700000000
            if data is None:
                ti.type = tarfile.DIRTYPE
                ti.mode = 0o755
                t.addfile(ti)
            else:
                ti.size = len(data)
                ti.mode = 0o644
                t.addfile(ti, io.BytesIO(data))
    return buf.getvalue()


L1 = tar_bytes([("etc", None), ("etc/alpine-release", b"3.18.4\n"), ("etc/doomed", b"x"),
                ("lib/apk/db/installed", apkdb([("a", "1.0-r0"), ("b", "1.0-r0")]))])
L2 = tar_bytes([("etc/.wh.doomed", b""),
                ("lib/apk/db/installed", apkdb([("a", "1.0-r0"), ("b", "2.0-r0"), ("c", "1.0-r0")]))])
LAYERS = [L1, L2]


def sha(b):
    return "sha256:" + hashlib.sha256(b).hexdigest()


def config(diff_ids, arch="amd64"):
    return json.dumps({"architecture": arch, "os": "linux", "rootfs": {"type": "layers", "diff_ids": diff_ids},
                       "history": [{"created_by": "ADD base"}, {"created_by": "RUN apk add c"}]}).encode()


def write_tar(path, members, compress=None):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, data in members:
            ti = tarfile.TarInfo(name)
            ti.mtime = 1700000000
            if isinstance(data, tuple):  # ("symlink", target)
                ti.type = tarfile.SYMTYPE
                ti.linkname = data[1]
                t.addfile(ti)
            else:
                ti.size = len(data)
                t.addfile(ti, io.BytesIO(data))
    data = raw.getvalue()
    if compress == "gzip":
        data = gzip.compress(data)
    with open(path, "wb") as f:
        f.write(data)


def docker_archive(path, layers=LAYERS, diff_ids=None, compress=None, dedupe=False):
    diff_ids = diff_ids or [sha(l) for l in layers]
    cfg = config(diff_ids)
    cfgname = hashlib.sha256(cfg).hexdigest() + ".json"
    names = [f"{i}{hashlib.sha256(l).hexdigest()[:12]}/layer.tar" for i, l in enumerate(layers)]
    members = [(names[0], layers[0])]
    for n, l in zip(names[1:], layers[1:]):
        members.append((n, ("symlink", "../" + names[0]) if dedupe else l))
    members += [(cfgname, cfg),
                ("manifest.json", json.dumps([{"Config": cfgname, "RepoTags": ["test/app:1.0"],
                                                "Layers": names}]).encode())]
    write_tar(path, members, compress)


def legacy_archive(path):
    ids = [hashlib.sha256(b"legacy%d" % i).hexdigest() for i in range(2)]
    members = []
    for i, (lid, layer) in enumerate(zip(ids, LAYERS)):
        j = {"id": lid, "os": "linux", "architecture": "amd64"}
        if i:
            j["parent"] = ids[i - 1]
        members += [(f"{lid}/layer.tar", layer), (f"{lid}/json", json.dumps(j).encode()), (f"{lid}/VERSION", b"1.0")]
    members.append(("repositories", json.dumps({"test/legacy": {"2.0": ids[-1]}}).encode()))
    write_tar(path, members)


def oci_members(corrupt_blob=False):
    """An OCI layout with a nested index: amd64 gets LAYERS, arm64 only L1."""
    blobs = {}

    def blob(data):
        d = hashlib.sha256(data).hexdigest()
        blobs[d] = data
        return "sha256:" + d

    def image(layers, arch):
        gz = [gzip.compress(l, mtime=0) for l in layers]
        cfg = config([sha(l) for l in layers], arch)
        m = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
             "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": blob(cfg), "size": len(cfg)},
             "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": blob(g), "size": len(g)}
                        for g in gz]}
        mb = json.dumps(m).encode()
        return {"mediaType": m["mediaType"], "digest": blob(mb), "size": len(mb),
                "platform": {"os": "linux", "architecture": arch}}

    nested = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
              "manifests": [image(LAYERS, "amd64"), image([L1], "arm64")]}
    nb = json.dumps(nested).encode()
    index = {"schemaVersion": 2, "manifests": [
        {"mediaType": "application/vnd.oci.image.index.v1+json", "digest": blob(nb), "size": len(nb),
         "annotations": {"org.opencontainers.image.ref.name": "v1"}}]}
    if corrupt_blob:
        # flip one byte of the amd64 image's second layer blob
        d = json.loads(blobs[nested["manifests"][0]["digest"][7:]])["layers"][1]["digest"][7:]
        b = bytearray(blobs[d])
        b[len(b) // 2] ^= 0xFF
        blobs[d] = bytes(b)
    members = [("oci-layout", b'{"imageLayoutVersion":"1.0.0"}'), ("index.json", json.dumps(index).encode())]
    members += [(f"blobs/sha256/{d}", data) for d, data in blobs.items()]
    return members, nested


def write_dir(root, members):
    for name, data in members:
        p = os.path.join(root, name)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data)


os.makedirs(OUT, exist_ok=True)
docker_archive(f"{OUT}/docker.tar")
docker_archive(f"{OUT}/docker.tar.gz", compress="gzip")
docker_archive(f"{OUT}/dedupe.tar", layers=[L1, L1], dedupe=True)
docker_archive(f"{OUT}/bad-diffid.tar", diff_ids=[sha(L1), sha(b"something else")])
legacy_archive(f"{OUT}/legacy.tar")
members, nested = oci_members()
write_dir(f"{OUT}/oci", members)
write_tar(f"{OUT}/oci.tar", members)
with open(f"{OUT}/amd64-digest", "w") as f:
    f.write(nested["manifests"][0]["digest"])
bad, _ = oci_members(corrupt_blob=True)
write_dir(f"{OUT}/oci-corrupt", bad)
with open(f"{OUT}/docker.tar", "rb") as f:
    whole = f.read()
with open(f"{OUT}/truncated.tar", "wb") as f:
    f.write(whole[: len(L1) // 2 + 1024])
