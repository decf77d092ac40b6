#!/usr/bin/env bash
# Language packages (node-pkg, python-pkg) against real components:
#  - real Debian python3-* and node-* packages (apt-get download, dpkg-deb -x) unpacked into a root:
#    `vigil rootfs` lists exactly the distributions Python's importlib.metadata finds in dist-packages
#    (name, version, metadata file), and the npm packages node's JSON.parse reads from usr/share/nodejs
#  - a node_modules tree (nested and scoped) made of the same packages: exactly the packages node's own
#    module lookup (Module._nodeModulePaths) finds from the app's dependencies down, by name, version and path,
#    and (when npm is installed) exactly what `npm ls --json --all --long` reports, offline
#  - with OSV npm/PyPI records imported, each finding is in its language's result with its PkgPath
#  - an image built by a real dockerd on top of vigil-test/debian-multi: the packages in their own layers,
#    a package whose files a later layer deletes is absent, one a later layer rewrites belongs to that layer;
#    oracles run on the image's exported filesystem; the Results are Trivy's (Node.js/node-pkg,
#    Python/python-pkg, Class lang-pkgs) with FilePath
# Symlinked package.json files (Debian's lodash-es -> lodash) are not followed, as Trivy does not: the
# oracles leave them out.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
require_vigil
require_cmd dpkg-deb apt-get node
PY=/usr/bin/python3
[[ -x $PY ]] || skip "Debian's python3 not installed"

PY_DEBS=(python3-requests python3-urllib3 python3-idna python3-certifi python3-chardet)
NODE_DEBS=(node-lodash node-minimist node-semver node-ms node-debug)
DEBS=$VIGIL_CACHE/lang-debs-1
mkdir -p "$VIGIL_CACHE"
exec 9>"$VIGIL_CACHE/lang-debs.lock"
flock -w 600 9 || fail "timed out waiting for $VIGIL_CACHE/lang-debs.lock"
if [[ ! -f $DEBS/DONE ]]; then
  rm -rf "$DEBS.tmp" && mkdir -p "$DEBS.tmp"
  log "apt-get download ${PY_DEBS[*]} ${NODE_DEBS[*]}"
  (cd "$DEBS.tmp" && apt-get download -q -o APT::Sandbox::User=root "${PY_DEBS[@]}" "${NODE_DEBS[@]}") \
    >"$TEST_TMP/download.log" 2>&1 || { cat "$TEST_TMP/download.log" >&2; skip "apt-get download failed (offline?)"; }
  touch "$DEBS.tmp/DONE"
  rm -rf "$DEBS" && mv "$DEBS.tmp" "$DEBS"
fi
exec 9>&-

ROOT=$TEST_TMP/root
mkdir -p "$ROOT"
for d in "$DEBS"/*.deb; do dpkg-deb -x "$d" "$ROOT"; done
# The node_modules tree of an app: top-level, scoped, and nested (debug's own ms).
APP=$ROOT/app
mkdir -p "$APP/node_modules/@types" "$APP/node_modules/debug/node_modules"
cp -a "$ROOT"/usr/share/nodejs/{lodash,minimist,semver,debug} "$APP/node_modules/"
cp -a "$ROOT"/usr/share/nodejs/@types/{ms,semver} "$APP/node_modules/@types/"
cp -a "$ROOT/usr/share/nodejs/ms" "$APP/node_modules/debug/node_modules/ms"
cat >"$APP/package.json" <<'EOF'
{"name": "app", "version": "1.0.0", "dependencies": {"lodash": "*", "minimist": "*", "semver": "*", "debug": "*",
 "@types/ms": "*", "@types/semver": "*"}}
EOF

# ---- oracles -------------------------------------------------------------------------------------
# py_oracle ROOT: "name version path" of every distribution importlib.metadata finds in dist-packages.
py_oracle() {
  "$PY" - "$1" <<'PY'
import importlib.metadata as m, os, sys
root = sys.argv[1]
site = os.path.join(root, "usr/lib/python3/dist-packages")
out = []
for d in m.distributions(path=[site]):
    p = str(d._path)
    if os.path.isdir(p):
        p = os.path.join(p, "METADATA" if p.endswith(".dist-info") else "PKG-INFO")
    out.append("%s %s %s" % (d.metadata["Name"], d.version, os.path.relpath(p, root)))
print("\n".join(sorted(out)))
PY
}
# node_oracle ROOT: "name version path" of each package dir of usr/share/nodejs (and @scope/*), read with
# node's own JSON.parse; package.json symlinks skipped.
node_oracle() {
  node - "$1" <<'JS'
const fs = require('fs'), path = require('path');
const root = process.argv[2], base = path.join(root, 'usr/share/nodejs');
const out = [];
const visit = (dir) => {
  const f = path.join(dir, 'package.json');
  if (!fs.existsSync(f) || fs.lstatSync(f).isSymbolicLink()) return;
  const j = JSON.parse(fs.readFileSync(f, 'utf8'));
  if (j.name && j.version) out.push(`${j.name} ${j.version} ${path.relative(root, f)}`);
};
for (const e of fs.readdirSync(base)) {
  const d = path.join(base, e);
  if (e.startsWith('@')) for (const s of fs.readdirSync(d)) visit(path.join(d, s));
  else visit(d);
}
console.log(out.sort().join('\n'));
JS
}
# tree_oracle APPDIR ROOT: "name version path" of the packages node loads for APPDIR's dependencies,
# transitively: each dependency looked up along node's own node_modules search path of the requiring package.
tree_oracle() {
  node - "$1" "$2" <<'JS'
const fs = require('fs'), path = require('path'), Module = require('module');
const [app, root] = process.argv.slice(2);
const out = new Set(), seen = new Set();
const visit = (dir) => {
  const pj = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  for (const dep of Object.keys(pj.dependencies || {})) {
    for (const nm of Module._nodeModulePaths(dir)) {
      const d = path.join(nm, dep), f = path.join(d, 'package.json');
      if (!fs.existsSync(f)) continue;
      if (!seen.has(d)) {
        seen.add(d);
        const j = JSON.parse(fs.readFileSync(f, 'utf8'));
        if (!fs.lstatSync(f).isSymbolicLink()) out.add(`${j.name} ${j.version} ${path.relative(root, f)}`);
        visit(d);
      }
      break;
    }
  }
};
visit(app);
console.log([...out].sort().join('\n'));
JS
}
# node_tree_oracle APPDIR ROOT: tree_oracle, checked against `npm ls` when npm is installed.
node_tree_oracle() {
  tree_oracle "$1" "$2" | LC_ALL=C sort >"$TEST_TMP/tree.txt"
  if command -v npm >/dev/null 2>&1; then
    npm_oracle "$1" "$2" | LC_ALL=C sort >"$TEST_TMP/npm-ls.txt"
    assert_files_eq "$TEST_TMP/tree.txt" "$TEST_TMP/npm-ls.txt" "node's module lookup vs npm ls"
  else
    log "npm not installed: node_modules oracle is node's module lookup alone"
  fi
  cat "$TEST_TMP/tree.txt"
}
# npm_oracle APPDIR ROOT: "name version path" of every package `npm ls --all` finds in APPDIR/node_modules.
npm_oracle() {
  (cd "$1" || exit 1; npm ls --json --all --long --offline 2>/dev/null || true) | "$PY" -c '
import json, os, sys
root = sys.argv[1]
seen = set()
def walk(n):
    for k, v in (n.get("dependencies") or {}).items():
        p = v.get("path")
        if p and not os.path.islink(os.path.join(p, "package.json")):
            seen.add("%s %s %s" % (v.get("name", k), v["version"], os.path.relpath(os.path.join(p, "package.json"), root)))
        walk(v)
walk(json.load(sys.stdin))
print("\n".join(sorted(seen)))' "$2"
}
# vigil_lang FILE TYPE: "Name Version FilePath" of the packages of the result of TYPE (checking its shape).
vigil_lang() {
  "$PY" - "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
want = {"node-pkg": "Node.js", "python-pkg": "Python"}[sys.argv[2]]
rs = [r for r in d["Results"] if r.get("Type") == sys.argv[2]]
assert len(rs) == 1, "want one %s result, got %d" % (sys.argv[2], len(rs))
assert rs[0]["Target"] == want and rs[0]["Class"] == "lang-pkgs", rs[0]["Target"]
print("\n".join(sorted("%s %s %s" % (p["Name"], p["Version"], p["FilePath"]) for p in rs[0]["Packages"])))
PY
}

# ---- rootfs ----------------------------------------------------------------------------------------
run_vigil rootfs "$ROOT" --list-all-pkgs --format json --scanners vuln
expect_rc 0 "vigil rootfs (python3-* and node-* unpacked)"
J=$TEST_TMP/rootfs.json
cp "$OUT" "$J"
py_oracle "$ROOT" >"$TEST_TMP/py.expected"
[[ $(wc -l <"$TEST_TMP/py.expected") -eq ${#PY_DEBS[@]} ]] || fail "importlib found $(wc -l <"$TEST_TMP/py.expected") distributions"
assert_files_eq "$TEST_TMP/py.expected" <(vigil_lang "$J" python-pkg) "python-pkg vs importlib.metadata"
{
  node_oracle "$ROOT"
  node_tree_oracle "$APP" "$ROOT"
} | LC_ALL=C sort >"$TEST_TMP/node.expected"
grep -q '^ms 2.1.3 app/node_modules/debug/node_modules/ms/package.json$' "$TEST_TMP/node.expected" ||
  fail "npm ls did not see the nested ms: $(cat "$TEST_TMP/node.expected")"
grep -q '^@types/ms 0.7.31 app/node_modules/@types/ms/package.json$' "$TEST_TMP/node.expected" ||
  fail "npm ls did not see the scoped @types/ms"
assert_files_eq "$TEST_TMP/node.expected" <(vigil_lang "$J" node-pkg | LC_ALL=C sort) "node-pkg vs node/npm ls"
assert_eq 'pkg:npm/%40types/ms@0.7.31' \
  "$(json_eval "$J" '[p["Identifier"]["PURL"] for r in d["Results"] for p in r.get("Packages",[]) if p["Name"]=="@types/ms"][0]')" \
  "scoped npm purl"
assert_eq '[]' "$(json_eval "$J" '[r["Type"] for r in d["Results"] if r.get("Class")=="os-pkgs"]')" \
  "no OS result for language packages alone"

# ---- findings land in their language's result (OSV records as published: GHSA ranges) -------------
mkdir -p "$TEST_TMP/osv"
cat >"$TEST_TMP/osv/semver.json" <<'EOF'
{"id": "GHSA-c2qf-rxjj-qqgw", "modified": "2023-06-21T00:00:00Z", "aliases": ["CVE-2022-25883"],
 "summary": "semver vulnerable to Regular Expression Denial of Service",
 "affected": [{"package": {"ecosystem": "npm", "name": "semver"},
   "ranges": [{"type": "SEMVER", "events": [{"introduced": "7.0.0"}, {"fixed": "7.5.2"}]}]}]}
EOF
cat >"$TEST_TMP/osv/minimist.json" <<'EOF'
{"id": "GHSA-xvch-5gv4-984h", "modified": "2023-01-01T00:00:00Z", "aliases": ["CVE-2021-44906"],
 "summary": "Prototype Pollution in minimist",
 "affected": [{"package": {"ecosystem": "npm", "name": "minimist"},
   "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "0.2.4"}]},
              {"type": "SEMVER", "events": [{"introduced": "1.0.0"}, {"fixed": "1.2.6"}]}]}]}
EOF
cat >"$TEST_TMP/osv/requests.json" <<'EOF'
{"id": "GHSA-j8r2-6x86-q33q", "modified": "2023-06-01T00:00:00Z", "aliases": ["CVE-2023-32681"],
 "summary": "Unintended leak of Proxy-Authorization header in requests",
 "affected": [{"package": {"ecosystem": "PyPI", "name": "requests"},
   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "2.3.0"}, {"fixed": "2.31.0"}]}]}]}
EOF
run_vigil db import --db "$TEST_TMP/lang.db" "$TEST_TMP"/osv/*.json
expect_rc 0 "vigil db import (OSV npm and PyPI records)"
run_vigil rootfs "$ROOT" --db "$TEST_TMP/lang.db" --format json --scanners vuln
expect_rc 0 "vigil rootfs --db"
# semver 7.3.5 at two paths (usr/share/nodejs, the app's node_modules): a finding each, with its PkgPath;
# minimist 1.2.7 is past the fix (1.2.6); requests 2.28.1 in the Python result; nothing anywhere else.
want='["CVE-2022-25883 node-pkg semver 7.3.5 app/node_modules/semver/package.json",'
want+='"CVE-2022-25883 node-pkg semver 7.3.5 usr/share/nodejs/semver/package.json",'
want+='"CVE-2023-32681 python-pkg requests 2.28.1 usr/lib/python3/dist-packages/requests-2.28.1.egg-info/PKG-INFO"]'
assert_eq "$want" "$(json_eval "$OUT" 'sorted("%s %s %s %s %s" % (v["VulnerabilityID"], r["Type"], v["PkgName"],
  v["InstalledVersion"], v["PkgPath"]) for r in d["Results"] for v in r.get("Vulnerabilities") or [])')" \
  "findings, each in its language result"

# ---- image: layers, deletion, rewrite ----------------------------------------------------------
require_root
start_dockerd
CACHE=$(bash "$SYSTEST_DIR/build-debian-image.sh" | tail -n1)
[[ -f $CACHE/VERSION ]] || fail "build-debian-image.sh gave no cache dir"
CTX=$TEST_TMP/ctx
mkdir -p "$CTX"
mv "$APP" "$CTX/app"
mv "$ROOT" "$CTX/root"
cat >"$CTX/Dockerfile" <<'EOF'
FROM vigil-test/debian-multi
COPY root/ /
COPY app/ /app/
RUN rm -rf /usr/lib/python3/dist-packages/chardet-5.1.0.dist-info /usr/share/nodejs/ms \
 && sed -i 's/"version": *"1.2.7"/"version": "1.2.8"/' /app/node_modules/minimist/package.json \
 && cp /app/node_modules/semver/package.json /tmp/p && mv /tmp/p /app/node_modules/semver/package.json
EOF
log "docker build --network none -> vigil-test/lang"
docker_cli build --network none -t vigil-test/lang "$CTX" >"$TEST_TMP/build.log" 2>&1 ||
  { tail -n 40 "$TEST_TMP/build.log" >&2; fail "docker build failed (log above)"; }
docker_cli save -o "$TEST_TMP/lang.tar" vigil-test/lang
FINAL=$TEST_TMP/final
mkdir "$FINAL"
cid=$(docker_cli create vigil-test/lang /bin/true)
docker_cli export "$cid" | tar --numeric-owner -C "$FINAL" --exclude='dev/*' -x
docker_cli rm "$cid" >/dev/null

run_vigil image --input "$TEST_TMP/lang.tar" --list-all-pkgs --format json --scanners vuln
expect_rc 0 "vigil image --input lang.tar"
I=$TEST_TMP/image.json
cp "$OUT" "$I"
py_oracle "$FINAL" >"$TEST_TMP/py.final"
grep -q '^chardet ' "$TEST_TMP/py.final" && fail "oracle still sees chardet"
assert_files_eq "$TEST_TMP/py.final" <(vigil_lang "$I" python-pkg) "image python-pkg vs importlib.metadata on the final rootfs"
{
  node_oracle "$FINAL"
  node_tree_oracle "$FINAL/app" "$FINAL"
} | LC_ALL=C sort >"$TEST_TMP/node.final"
grep -q '^minimist 1.2.8 app/' "$TEST_TMP/node.final" || fail "the rewritten minimist is not 1.2.8 in the image"
assert_files_eq "$TEST_TMP/node.final" <(vigil_lang "$I" node-pkg | LC_ALL=C sort) "image node-pkg vs node/npm ls on the final rootfs"
assert_eq debian "$(json_eval "$I" '[r["Type"] for r in d["Results"] if r.get("Class")=="os-pkgs"][0]')" "OS result kept"

# Layers: 0-2 debian-multi, 3 COPY root/, 4 COPY app/, 5 RUN (rewrote minimist's and semver's package.json).
"$PY" - "$I" <<'PY' || fail "layer attribution of language packages wrong (above)"
import json, sys
d = json.load(open(sys.argv[1]))
diff = d["Metadata"]["DiffIDs"]
assert len(diff) == 6, len(diff)
bad = 0
for r in d["Results"]:
    if r.get("Class") != "lang-pkgs":
        continue
    for p in r["Packages"]:
        f = p["FilePath"]
        want = 3
        if f.startswith("app/"):
            want = 5 if f in ("app/node_modules/minimist/package.json", "app/node_modules/semver/package.json") else 4
        if p["Layer"].get("DiffID") != diff[want]:
            print("%s: layer %s, want index %d" % (f, p["Layer"].get("DiffID"), want))
            bad += 1
        if p["Identifier"]["PURL"] != ("pkg:pypi/" if r["Type"] == "python-pkg" else "pkg:npm/") + \
                p["Name"].lower().replace("@", "%40") + "@" + p["Version"]:
            print("purl %s" % p["Identifier"]["PURL"])
            bad += 1
sys.exit(1 if bad else 0)
PY
log "OK: python-pkg and node-pkg match importlib.metadata, node and npm ls; layers and deletions right"
