#!/usr/bin/env bash
# --format junit and --format html on real input: the alpine:3.10 `docker save` archive matched against the
# real Alpine secdb v3.10 feeds. The JUnit document is parsed with python3's xml.etree and must list exactly
# the findings the JSON report lists (CVE-2019-1547, -1549, -1563 on libcrypto1.1 and libssl1.1), with
# consistent counts; the HTML page is parsed with python3's html.parser (balanced, nothing active) and its
# vulnerability table must hold the same findings. Then `vigil fs` on a directory whose file names are
# hostile (markup, quotes, a control character, invalid UTF-8) and hold a private key: both formats stay
# well-formed and inert, and the key's file is the JUnit classname.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
require_vigil
require_cmd python3 openssl
require_fixture images/alpine-310.tar.gz
require_fixture feeds/alpine-secdb/v3.10/main.json
A310=$VIGIL_FIXTURES/images/alpine-310.tar.gz
DB=$TEST_TMP/alpine.db

run_vigil db import --db "$DB" "$VIGIL_FIXTURES"/feeds/alpine-secdb/v3.10/*.json
expect_rc 0 "import the Alpine secdb v3.10 feeds"

run_vigil image --input "$A310" --db "$DB" --scanners vuln,secret,misconfig --format json -o "$TEST_TMP/r.json"
expect_rc 0 "--format json"
# One line per finding: "PKG INSTALLED [SEVERITY] ID", sorted.
python3 - "$TEST_TMP/r.json" >"$TEST_TMP/json.findings" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
rows = [f'{v["PkgName"]} {v["InstalledVersion"]} [{v["Severity"]}] {v["VulnerabilityID"]}'
        for r in d["Results"] for v in r.get("Vulnerabilities") or []]
print("\n".join(sorted(rows)))
PY
# The JSON report itself must list what the feed says about this image, or the comparison below proves little.
assert_eq "libcrypto1.1 CVE-2019-1547
libcrypto1.1 CVE-2019-1549
libcrypto1.1 CVE-2019-1563
libssl1.1 CVE-2019-1547
libssl1.1 CVE-2019-1549
libssl1.1 CVE-2019-1563" "$(awk '{print $1, $4}' "$TEST_TMP/json.findings")" "findings of the JSON report"
nmisconf=$(json_eval "$TEST_TMP/r.json" 'sum(len(r.get("Misconfigurations") or []) for r in d["Results"])')

# ---- JUnit ----
run_vigil image --input "$A310" --db "$DB" --scanners vuln,secret,misconfig --format junit -o "$TEST_TMP/r.xml"
expect_rc 0 "--format junit -o"
[[ ! -s $OUT ]] || fail "--format junit -o: report also written to stdout"
for f in "$TEST_TMP"/r.xml?*; do
  [[ -e $f ]] && fail "a temporary file was left behind: $f"
done
python3 - "$TEST_TMP/r.xml" "$TEST_TMP/junit.findings" "$nmisconf" <<'PY' || fail "JUnit report (above)"
import re, sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()  # raises on anything not well-formed
assert root.tag == "testsuites" and root.get("name") == "vigil", (root.tag, root.attrib)
suites = root.findall("testsuite")
by_class = {}
for s in suites:
    props = {p.get("name"): p.get("value") for p in s.findall("properties/property")}
    by_class[props["class"]] = (s, props)
    cases = s.findall("testcase")
    failed = [c for c in cases if c.find("failure") is not None]
    assert int(s.get("tests")) == len(cases), (s.get("name"), s.get("tests"), len(cases))
    assert int(s.get("failures")) == len(failed), (s.get("name"), s.get("failures"), len(failed))
    assert s.get("errors") == "0" and s.get("skipped") == "0", s.attrib
    for c in failed:
        assert c.find("failure").get("type") == "description"
        assert re.fullmatch(r"\[(UNKNOWN|LOW|MEDIUM|HIGH|CRITICAL)\] \S+", c.get("name")), c.get("name")
assert sorted(by_class) == ["config", "os-pkgs", "secret"], sorted(by_class)
assert int(root.get("tests")) == sum(int(s.get("tests")) for s in suites)
assert int(root.get("failures")) == sum(int(s.get("failures")) for s in suites)
vulns, props = by_class["os-pkgs"]
assert props["type"] == "alpine" and "alpine 3.10.2" in props["target"], props
rows = []
for c in vulns.findall("testcase"):
    f = c.find("failure")
    assert f is not None, "a passing testcase among 6 findings"
    rows.append(f'{c.get("classname")} {c.get("name")}')
    assert "Fixed version: 1.1.1d-r0" in f.text, f.text
    assert "URL: https://" in f.text, f.text
open(sys.argv[2], "w").write("\n".join(sorted(rows)) + "\n")
# No secret in alpine:3.10: the secret suite is one passing testcase.
secrets, _ = by_class["secret"]
assert secrets.get("tests") == "1" and secrets.get("failures") == "0", secrets.attrib
assert secrets.find("testcase/failure") is None
config, _ = by_class["config"]
assert int(config.get("failures")) == int(sys.argv[3]) > 0, (config.attrib, sys.argv[3])
PY
# classname is PKG-INSTALLED, name is [SEVERITY] ID
sed 's/ /-/' "$TEST_TMP/json.findings" >"$TEST_TMP/json.testcases"
assert_files_eq "$TEST_TMP/json.testcases" "$TEST_TMP/junit.findings" "JUnit testcases vs JSON findings"

# ---- HTML ----
run_vigil image --input "$A310" --db "$DB" --scanners vuln,secret,misconfig --format html -o "$TEST_TMP/r.html"
expect_rc 0 "--format html -o"
# check_html FILE: balanced, no active content; prints the rows of the table under each h2 as
# "HEADING<TAB>cell|cell|…" (headings without their count; white space collapsed, as a browser shows it).
cat >"$TEST_TMP/check_html.py" <<'PY'
import sys
from html.parser import HTMLParser
VOID = {"meta", "br", "hr", "img", "input", "link", "area", "base", "col", "embed", "source", "track", "wbr"}
class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.heading, self.text = [], None, None
        self.rows, self.row, self.links, self.doctype = [], None, [], None
    def handle_decl(self, decl):
        self.doctype = decl
    def handle_starttag(self, tag, attrs):
        assert tag not in ("script", "iframe", "object", "embed", "img", "link", "form", "base"), tag
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            assert name not in ("src", "srcdoc"), (tag, name)
            if name == "href":
                assert value.startswith(("https://", "http://")), value
                self.links.append(value)
        if tag not in VOID:
            self.stack.append(tag)
        if tag in ("h2", "td", "th"):
            self.text = ""
        if tag == "tr":
            self.row = []
    def handle_startendtag(self, tag, attrs):
        assert tag in VOID, f"<{tag}/> is not a void element"
        self.handle_starttag(tag, attrs)
    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()
        if tag == "h2":
            self.heading = self.text.split(" (")[0]
        if tag in ("td", "th") and self.row is not None:
            self.row.append(" ".join(self.text.split()))
        if tag in ("h2", "td", "th"):
            self.text = None
        if tag == "tr" and self.heading and self.row and self.stack[-1] == "tbody":
            self.rows.append(f"{self.heading}\t" + "|".join(self.row))
    def handle_data(self, data):
        if self.text is not None:
            self.text += data
p = Page()
p.feed(open(sys.argv[1], encoding="utf-8").read())
p.close()
assert p.doctype and p.doctype.lower() == "doctype html", p.doctype
assert not p.stack, f"unclosed: {p.stack}"
print("\n".join(p.rows))
print("\n".join("LINK\t" + l for l in p.links))
PY
python3 "$TEST_TMP/check_html.py" "$TEST_TMP/r.html" >"$TEST_TMP/html.rows" || fail "HTML report is not well-formed or not inert (above)"
# Vulnerability rows: Package|Vulnerability|Severity|Installed|Fixed|Title|Layer
awk -F'\t' '$1 == "Vulnerabilities" {split($2, c, "|"); print c[1], c[4], "[" c[3] "]", c[2]}' "$TEST_TMP/html.rows" |
  sort >"$TEST_TMP/html.findings"
assert_files_eq "$TEST_TMP/json.findings" "$TEST_TMP/html.findings" "HTML vulnerability rows vs JSON findings"
awk -F'\t' '$1 == "Vulnerabilities" {split($2, c, "|"); print c[5], c[7]}' "$TEST_TMP/html.rows" | sort -u >"$TEST_TMP/fixed"
assert_eq "1.1.1d-r0 0" "$(cat "$TEST_TMP/fixed")" "fixed version and layer of every HTML row"
assert_eq "$(json_eval "$TEST_TMP/r.json" 'sorted(set(v["PrimaryURL"] for r in d["Results"] for v in r.get("Vulnerabilities") or []))')" \
  "$(python3 -c 'import json,sys; print(json.dumps(sorted(set(l.rstrip("\n").split("\t")[1] for l in open(sys.argv[1]) if l.startswith("LINK\t"))),separators=(",",":")))' "$TEST_TMP/html.rows")" \
  "HTML links vs the JSON PrimaryURLs"
assert_eq "$nmisconf" "$(grep -c $'^Misconfigurations\t' "$TEST_TMP/html.rows" || true)" "HTML misconfiguration rows"
grep -q '<td>Alpine Linux v3.10</td>\|alpine 3.10.2' "$TEST_TMP/r.html" || fail "HTML does not name the OS"

# ---- hostile file names, through vigil fs ----
dir=$TEST_TMP/ctx
mkdir -p "$dir"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$dir/key.txt" 2>/dev/null
# A path, so "</script>" spans a directory and a file name.
hostile=$'a"\'<script>alert(1)</script>&\x01\xff.txt'
mkdir -p "$dir/${hostile%%/*}"
cp "$dir/key.txt" "$dir/$hostile"
for fmt in junit html; do
  run_vigil fs "$dir" --scanners secret --format "$fmt" -o "$TEST_TMP/fs.$fmt"
  expect_rc 0 "vigil fs --format $fmt"
  if grep -q '<script' "$TEST_TMP/fs.$fmt"; then fail "fs --format $fmt: markup from a file name reached the output"; fi
  if LC_ALL=C grep -qP '[\x01\xff]' "$TEST_TMP/fs.$fmt"; then fail "fs --format $fmt: raw control/invalid byte in the output"; fi
done
python3 - "$TEST_TMP/fs.junit" <<'PY' || fail "fs JUnit report (above)"
import sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
cases = root.findall("testsuite/testcase")
names = sorted(c.get("classname") for c in cases if c.find("failure") is not None)
want = ["a\"'<script>alert(1)</script>&\\x01\\xff.txt", "key.txt"]
assert sorted(set(names)) == want, names
assert root.get("failures") == str(len(names)), (root.attrib, names)
PY
python3 "$TEST_TMP/check_html.py" "$TEST_TMP/fs.html" >"$TEST_TMP/fs.rows" || fail "fs HTML report (above)"
grep -qF $'Secrets\ta"\'<script>alert(1)</script>&\\x01\\xff.txt|' "$TEST_TMP/fs.rows" ||
  fail "fs HTML: no secret row for the hostile file name: $(cat "$TEST_TMP/fs.rows")"

# Formats a command does not have are refused; sbom keeps its two.
run_vigil image --input "$A310" --format xml
expect_rc 2 "--format xml"
run_vigil sbom --input "$A310" --format junit
expect_rc 2 "sbom --format junit"
echo "test_report_formats: ok"
