#!/usr/bin/env python3
"""Writes vigil's bundled demo image: a small two-layer docker-archive shaped
like alpine:3.10 with a package added in the second layer.

The package names, versions and origins are those of Alpine 3.10's real
packages (public facts); file contents are written here, nothing is copied
from an image. Deterministic: the same bytes every run.

usage: make-demo-image.py OUT.tar
"""
import hashlib
import io
import json
import sys
import tarfile

MTIME = 1566331140  # 2019-08-20, when alpine:3.10.2 was built

BASE = [
    # name, version, arch, origin, license
    ("musl", "1.1.22-r3", "x86_64", "musl", "MIT"),
    ("busybox", "1.30.1-r2", "x86_64", "busybox", "GPL-2.0"),
    ("alpine-baselayout", "3.1.2-r0", "x86_64", "alpine-baselayout", "GPL-2.0"),
    ("alpine-keys", "2.1-r2", "x86_64", "alpine-keys", "MIT"),
    ("libcrypto1.1", "1.1.1c-r0", "x86_64", "openssl", "OpenSSL"),
    ("libssl1.1", "1.1.1c-r0", "x86_64", "openssl", "OpenSSL"),
    ("ca-certificates-cacert", "20190108-r0", "x86_64", "ca-certificates", "MPL-2.0 GPL-2.0-or-later"),
    ("libtls-standalone", "2.9.1-r0", "x86_64", "libtls-standalone", "ISC"),
    ("ssl_client", "1.30.1-r2", "x86_64", "busybox", "GPL-2.0"),
    ("zlib", "1.2.11-r1", "x86_64", "zlib", "Zlib"),
    ("apk-tools", "2.10.4-r2", "x86_64", "apk-tools", "GPL-2.0"),
    ("scanelf", "1.2.3-r0", "x86_64", "pax-utils", "GPL-2.0"),
    ("musl-utils", "1.1.22-r3", "x86_64", "musl", "MIT BSD GPL2+"),
    ("libc-utils", "0.7.1-r0", "x86_64", "libc-dev", "BSD"),
]
ADDED = [
    ("nghttp2-libs", "1.39.2-r0", "x86_64", "nghttp2", "MIT"),
    ("libcurl", "7.65.1-r0", "x86_64", "curl", "MIT"),
    ("curl", "7.65.1-r0", "x86_64", "curl", "MIT"),
]


def installed_db(pkgs):
    out = []
    for name, ver, arch, origin, lic in pkgs:
        out.append(f"P:{name}\nV:{ver}\nA:{arch}\nL:{lic}\no:{origin}\nm:Natanael Copa <ncopa@alpinelinux.org>\n"
                   f"F:usr/share/doc/{name}\nR:README\n")
    return ("\n".join(out) + "\n").encode()


def add(tar, path, data=b"", mode=0o644, kind=tarfile.REGTYPE, link=""):
    ti = tarfile.TarInfo(path)
    ti.mtime = MTIME
    ti.mode = mode
    ti.type = kind
    ti.linkname = link
    ti.uname = ti.gname = "root"
    if kind == tarfile.REGTYPE:
        ti.size = len(data)
        tar.addfile(ti, io.BytesIO(data))
    else:
        tar.addfile(ti)


def layer(entries):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for e in entries:
            add(tar, *e)
    return buf.getvalue()


def main():
    os_release = (b'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.10.2\n'
                  b'PRETTY_NAME="Alpine Linux v3.10"\nHOME_URL="https://alpinelinux.org/"\n')
    base = layer([
        ("etc", b"", 0o755, tarfile.DIRTYPE),
        ("etc/alpine-release", b"3.10.2\n"),
        ("etc/os-release", os_release),
        ("lib", b"", 0o755, tarfile.DIRTYPE),
        ("lib/apk", b"", 0o755, tarfile.DIRTYPE),
        ("lib/apk/db", b"", 0o755, tarfile.DIRTYPE),
        ("lib/apk/db/installed", installed_db(BASE)),
        ("bin", b"", 0o755, tarfile.DIRTYPE),
        ("bin/busybox", b"\x7fELF demo", 0o755),
        ("bin/sh", b"", 0o777, tarfile.SYMTYPE, "/bin/busybox"),
    ])
    top = layer([
        ("lib/apk/db/installed", installed_db(BASE + ADDED)),
        ("usr", b"", 0o755, tarfile.DIRTYPE),
        ("usr/bin", b"", 0o755, tarfile.DIRTYPE),
        ("usr/bin/curl", b"\x7fELF demo", 0o755),
    ])
    layers = [base, top]
    diff_ids = ["sha256:" + hashlib.sha256(l).hexdigest() for l in layers]
    config = {
        "architecture": "amd64",
        "os": "linux",
        "created": "2019-08-20T20:19:55Z",
        "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
                   "Cmd": ["/bin/sh"]},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [
            {"created": "2019-08-20T20:19:55Z", "created_by": "/bin/sh -c #(nop) ADD file:demo in / "},
            {"created": "2019-08-20T20:19:55Z", "created_by": "/bin/sh -c #(nop)  CMD [\"/bin/sh\"]",
             "empty_layer": True},
            {"created": "2019-08-20T20:20:10Z", "created_by": "/bin/sh -c apk add --no-cache curl"},
        ],
    }
    cfg = json.dumps(config, separators=(",", ":")).encode()
    cfg_name = hashlib.sha256(cfg).hexdigest() + ".json"
    layer_names = [hashlib.sha256(l).hexdigest() + "/layer.tar" for l in layers]
    manifest = json.dumps([{"Config": cfg_name, "RepoTags": ["vigil-demo/alpine-curl:3.10"],
                            "Layers": layer_names}]).encode()
    with tarfile.open(sys.argv[1], "w", format=tarfile.PAX_FORMAT) as out:
        for name, data in zip(layer_names, layers):
            add(out, name, data)
        add(out, cfg_name, cfg)
        add(out, "manifest.json", manifest)


if __name__ == "__main__":
    main()
