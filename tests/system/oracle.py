#!/usr/bin/env python3
"""Independent oracles and hostile inputs for vigil's system tests (python3 stdlib only).

  oracle.py archive-info ARCHIVE          JSON: image_id, config diff_ids, computed diff_ids, repo_tags
  oracle.py apk-installed ARCHIVE         "name version arch origin" per package of lib/apk/db/installed
                                          (last layer that has it), sorted
  oracle.py oci-info LAYOUT [TAG]         JSON: manifest_digest, layer digests, config diff_ids
  oracle.py make-hostile OUTDIR TOKEN     writes hostile docker-archives OUTDIR/<case>.tar and
                                          OUTDIR/<case>.json (facts the test checks)
"""
import gzip
import hashlib
import io
import json
import os
import sys
import tarfile
import zlib


def open_archive(path):
    return tarfile.open(path, "r:*")


def read_member(tf, name):
    f = tf.extractfile(name)
    if f is None:
        raise SystemExit(f"{name}: not a regular file in archive")
    return f.read()


def layer_stream(tf, name):
    """Uncompressed stream of a layer blob (gzip or plain)."""
    raw = read_member(tf, name)
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return raw


def archive_info(path):
    with open_archive(path) as tf:
        manifest = json.loads(read_member(tf, "manifest.json"))
        m = manifest[0]
        cfg_raw = read_member(tf, m["Config"])
        cfg = json.loads(cfg_raw)
        computed = ["sha256:" + hashlib.sha256(layer_stream(tf, l)).hexdigest() for l in m["Layers"]]
    return {
        "image_id": "sha256:" + hashlib.sha256(cfg_raw).hexdigest(),
        "diff_ids": cfg["rootfs"]["diff_ids"],
        "computed_diff_ids": computed,
        "repo_tags": m.get("RepoTags") or [],
        "layers": m["Layers"],
    }


def parse_apk_installed(text):
    pkgs, cur = [], {}
    for line in text.splitlines() + [""]:
        if not line.strip():
            if "P" in cur:
                pkgs.append(f'{cur["P"]} {cur.get("V", "")} {cur.get("A", "")} {cur.get("o", cur["P"])}')
            cur = {}
            continue
        if len(line) > 2 and line[1] == ":" and line[0] not in cur:
            cur[line[0]] = line[2:]
    return sorted(pkgs)


def apk_installed(path):
    db = None
    with open_archive(path) as tf:
        m = json.loads(read_member(tf, "manifest.json"))[0]
        for l in m["Layers"]:
            with tarfile.open(fileobj=io.BytesIO(layer_stream(tf, l))) as lt:
                for ti in lt:
                    if ti.name.lstrip("./") == "lib/apk/db/installed" and ti.isfile():
                        db = lt.extractfile(ti).read().decode()
    if db is None:
        raise SystemExit("no lib/apk/db/installed in any layer")
    return parse_apk_installed(db)


def oci_info(layout, tag="latest"):
    index = json.load(open(os.path.join(layout, "index.json")))
    desc = None
    for d in index["manifests"]:
        if (d.get("annotations") or {}).get("org.opencontainers.image.ref.name") == tag:
            desc = d
    if desc is None:
        raise SystemExit(f"tag {tag} not in {layout}/index.json")

    def blob(digest):
        algo, hexd = digest.split(":", 1)
        return open(os.path.join(layout, "blobs", algo, hexd), "rb").read()

    man = json.loads(blob(desc["digest"]))
    cfg = json.loads(blob(man["config"]["digest"]))
    return {
        "manifest_digest": desc["digest"],
        "config_digest": man["config"]["digest"],
        "layer_digests": [l["digest"] for l in man["layers"]],
        "diff_ids": cfg["rootfs"]["diff_ids"],
    }


# ---------------------------------------------------------------------------------------------
# Hostile archives


class HashWriter:
    """File-like sink that hashes what is written (the uncompressed layer, for its diff_id)."""

    def __init__(self, inner):
        self.inner, self.h, self.n = inner, hashlib.sha256(), 0

    def write(self, b):
        self.h.update(b)
        self.n += len(b)
        return self.inner.write(b)

    def flush(self):
        pass


class Zeros(io.RawIOBase):
    def __init__(self, n):
        self.left = n

    def readable(self):
        return True

    def readinto(self, b):
        k = min(len(b), self.left)
        b[:k] = bytes(k)
        self.left -= k
        return k


OS_RELEASE = b'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.10.2\nPRETTY_NAME="Alpine Linux v3.10"\n'
APK_DB = b"P:musl\nV:1.1.22-r3\nA:x86_64\no:musl\n\nP:busybox\nV:1.30.1-r2\nA:x86_64\no:busybox\n\n"


def ti_file(name, data, mode=0o644):
    t = tarfile.TarInfo(name)
    t.size, t.mode, t.mtime = len(data), mode, 1566000000
    return t, io.BytesIO(data)


def build_layer(entries, compress=False):
    """entries: list of (TarInfo, fileobj|None). Returns (layer bytes, diff_id)."""
    out = io.BytesIO()
    if compress:
        gz = gzip.GzipFile(fileobj=out, mode="wb", compresslevel=6, mtime=0)
        hw = HashWriter(gz)
    else:
        gz, hw = None, HashWriter(out)
    # format GNU: names longer than 100 bytes and raw bytes both work; surrogateescape keeps non-UTF-8
    with tarfile.open(fileobj=hw, mode="w|", format=tarfile.GNU_FORMAT,
                      encoding="utf-8", errors="surrogateescape") as tf:
        for ti, fo in entries:
            tf.addfile(ti, fo)
    if gz:
        gz.close()
    return out.getvalue(), "sha256:" + hw.h.hexdigest()


def base_entries():
    d = tarfile.TarInfo("etc")
    d.type, d.mode = tarfile.DIRTYPE, 0o755
    l = tarfile.TarInfo("lib/apk/db")
    l.type, l.mode = tarfile.DIRTYPE, 0o755
    return [(d, None), ti_file("etc/os-release", OS_RELEASE), (l, None), ti_file("lib/apk/db/installed", APK_DB)]


def write_docker_archive(path, layers, diff_ids=None, layer_names=None, manifest_layers=None, config_name=None):
    """layers: list of (bytes, diff_id). Writes a `docker save`-style archive."""
    diff_ids = diff_ids or [d for _, d in layers]
    cfg = {
        "architecture": "amd64", "os": "linux",
        "config": {"Cmd": ["/bin/sh"]},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [{"created_by": "vigil hostile test"} for _ in layers],
    }
    cfg_raw = json.dumps(cfg, separators=(",", ":")).encode()
    cfg_hex = hashlib.sha256(cfg_raw).hexdigest()
    names = layer_names or [f"{hashlib.sha256(b).hexdigest()[:16]}{i}/layer.tar" for i, (b, _) in enumerate(layers)]
    manifest = [{"Config": config_name or cfg_hex + ".json", "RepoTags": ["vigil-hostile:latest"],
                 "Layers": manifest_layers or names}]
    with tarfile.open(path, "w", format=tarfile.GNU_FORMAT) as tf:
        for (b, _), n in zip(layers, names):
            tf.addfile(*ti_file(n, b))
        tf.addfile(*ti_file(cfg_hex + ".json", cfg_raw))
        tf.addfile(*ti_file("manifest.json", json.dumps(manifest).encode()))
    return names


def make_hostile(outdir, token):
    os.makedirs(outdir, exist_ok=True)
    facts = {}

    def case(name, layers, **kw):
        names = write_docker_archive(os.path.join(outdir, name + ".tar"), layers, **kw)
        facts[name] = {"layer_names": names, "diff_ids": kw.get("diff_ids") or [d for _, d in layers],
                       "real_diff_ids": [d for _, d in layers]}
        return facts[name]

    esc = f"vigil-escape-{token}"

    # 1. path traversal and absolute paths
    ents = base_entries()
    for n in [f"../{esc}-rel", f"../../../../../../tmp/{esc}-up", f"/tmp/{esc}-abs", f"/etc/{esc}-abs",
              f"etc/../../{esc}-mid", f"./../{esc}-dot", f"lib/apk/db/../../../../../tmp/{esc}-deep"]:
        ents.append(ti_file(n, b"escaped\n"))
    case("traversal", [build_layer(ents)])

    # 2. symlinks and hardlinks pointing outside, and files written through them
    ents = base_entries()
    s = tarfile.TarInfo("etc/passwd")
    s.type, s.linkname = tarfile.SYMTYPE, "/etc/passwd"  # absolute: must resolve inside the image
    ents.append((s, None))
    ents.append(ti_file("etc/passwd", b"pwned:x:0:0::/:/bin/sh\n"))  # written "through" the symlink
    s = tarfile.TarInfo("escape-dir")
    s.type, s.linkname = tarfile.SYMTYPE, f"../../../../../../tmp/{esc}-dir"
    ents.append((s, None))
    ents.append(ti_file(f"escape-dir/{esc}-through", b"pwned\n"))
    s = tarfile.TarInfo("abs-dir")
    s.type, s.linkname = tarfile.SYMTYPE, "/etc"
    ents.append((s, None))
    ents.append(ti_file(f"abs-dir/{esc}-through-abs", b"pwned\n"))
    h = tarfile.TarInfo("etc/shadow-hl")
    h.type, h.linkname = tarfile.LNKTYPE, "/etc/passwd"
    ents.append((h, None))
    ents.append(ti_file("etc/shadow-hl", b"pwned-through-hardlink\n"))
    h = tarfile.TarInfo("hl-up")
    h.type, h.linkname = tarfile.LNKTYPE, "../../../../../../etc/hostname"
    ents.append((h, None))
    # os-release replaced by a symlink to the host's: a scanner that follows it on the host reports Debian
    ents = [e for e in ents if e[0].name != "etc/os-release"]
    s = tarfile.TarInfo("etc/os-release")
    s.type, s.linkname = tarfile.SYMTYPE, "/etc/os-release"
    ents.append((s, None))
    s = tarfile.TarInfo("usr/lib/os-release")
    s.type, s.linkname = tarfile.SYMTYPE, "../../../../../../../etc/os-release"
    ents.append((s, None))
    case("links", [build_layer(ents)])

    # 3. device nodes and a fifo
    ents = base_entries()
    for n, t, ma, mi in [("dev/evil-null", tarfile.CHRTYPE, 1, 3), ("dev/evil-mem", tarfile.CHRTYPE, 1, 1),
                         ("dev/evil-sda", tarfile.BLKTYPE, 8, 0), (f"tmp/{esc}-fifo", tarfile.FIFOTYPE, 0, 0)]:
        d = tarfile.TarInfo(n)
        d.type, d.devmajor, d.devminor, d.mode = t, ma, mi, 0o666
        ents.append((d, None))
    # an analyzer target that is a device: reading it must not hang or read host memory
    ents = [e for e in ents if e[0].name != "lib/apk/db/installed"]
    d = tarfile.TarInfo("lib/apk/db/installed")
    d.type, d.devmajor, d.devminor = tarfile.CHRTYPE, 1, 5  # /dev/zero
    ents.append((d, None))
    case("devices", [build_layer(ents)])

    # 4. 1 GiB of zeros as the apk database, in a tiny gzip layer
    ents = base_entries()[:3]
    t = tarfile.TarInfo("lib/apk/db/installed")
    t.size, t.mode = 1 << 30, 0o644
    ents.append((t, Zeros(1 << 30)))
    t = tarfile.TarInfo("usr/share/big-zero.bin")
    t.size, t.mode = 1 << 30, 0o644
    ents.append((t, Zeros(1 << 30)))
    c = case("bomb", [build_layer(ents, compress=True)])
    c["size"] = os.path.getsize(os.path.join(outdir, "bomb.tar"))

    # 5. truncated layers (gzip and plain), config diff_id of the complete layer
    filler = os.urandom(256 * 1024)
    full, did = build_layer(base_entries() + [ti_file("usr/share/filler.bin", filler)], compress=True)
    case("truncated-gz", [(full[: len(full) // 2], did)], diff_ids=[did],
         layer_names=["truncgz0001/layer.tar"])
    full, did = build_layer(base_entries() + [ti_file("usr/share/filler.bin", filler)])
    case("truncated-tar", [(full[: len(full) // 2 + 100], did)], diff_ids=[did],
         layer_names=["trunctar0001/layer.tar"])

    # 6. duplicate entries: last one wins, as when a runtime extracts the layer
    ents = base_entries()
    ents.append(ti_file("etc/os-release", OS_RELEASE.replace(b"3.10.2", b"3.10.9")))
    ents.append(ti_file("lib/apk/db/installed", APK_DB + b"P:zlib\nV:1.2.11-r1\nA:x86_64\no:zlib\n\n"))
    case("duplicates", [build_layer(ents)])

    # 7. non-UTF-8 names (paths and a package name)
    ents = base_entries()
    ents = [e for e in ents if e[0].name != "lib/apk/db/installed"]
    ents.append(ti_file("lib/apk/db/installed", APK_DB + b"P:bad\xff\xfename\nV:1.0-r0\nA:x86_64\n\n"))
    ents.append(ti_file(b"etc/\xff\xfe-latin1-\xe9".decode("utf-8", "surrogateescape"), b"x\n"))
    ents.append(ti_file(b"usr/\xc3\x28-bad-seq/f".decode("utf-8", "surrogateescape"), b"x\n"))
    case("non-utf8", [build_layer(ents)])

    # 8. wrong diff_id in the config
    layer = build_layer(base_entries())
    wrong = "sha256:" + hashlib.sha256(b"not this layer").hexdigest()
    case("wrong-diffid", [layer], diff_ids=[wrong], layer_names=["wrongdiff0001/layer.tar"])

    # 9. manifest paths escaping the archive
    layer = build_layer(base_entries())
    case("manifest-escape", [layer], manifest_layers=["../../../../../../etc/passwd"],
         config_name="/etc/passwd")

    json.dump(facts, open(os.path.join(outdir, "facts.json"), "w"), indent=1)


def main(argv):
    if len(argv) < 3:
        raise SystemExit(__doc__)
    cmd = argv[1]
    if cmd == "archive-info":
        print(json.dumps(archive_info(argv[2])))
    elif cmd == "apk-installed":
        print("\n".join(apk_installed(argv[2])))
    elif cmd == "oci-info":
        print(json.dumps(oci_info(argv[2], *(argv[3:4] or ["latest"]))))
    elif cmd == "make-hostile":
        make_hostile(argv[2], argv[3])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
