#!/usr/bin/env bash
# Feed import benchmark: generates an NVD CVE API 2.0-shaped JSON file with
# NVD_RECORDS CVEs (default 250,000) and an OSV all.zip with OSV_RECORDS
# Debian records (default 50,000), imports each into a fresh database with
# `vigil db import`, and prints the median wall time of REPEAT runs (default
# 3), the throughput in MB/s of JSON (for the zip: its members' bytes), and
# the peak RSS (/usr/bin/time -v). The generated records are synthetic but
# shaped like the real feeds (descriptions in two languages, CVSS v3.1 and v2 metrics,
# weaknesses, CPE configurations, references; OSV ranges, aliases, severity).
#
#   bench/feeds.sh                    # uses build/vigil, writes bench/out/
#   VIGIL=/tmp/b/vigil OUT=/tmp/o NVD_RECORDS=10000 bench/feeds.sh
set -euo pipefail
cd "$(dirname "$0")/.."
vigil=${VIGIL:-build/vigil}
out=${OUT:-bench/out}
nvd_n=${NVD_RECORDS:-250000}
osv_n=${OSV_RECORDS:-50000}
[ -x "$vigil" ] || { echo "feeds.sh: $vigil is not built (set VIGIL=...)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "feeds.sh: needs /usr/bin/time (GNU time)" >&2; exit 2; }
"$vigil" db --help >/dev/null 2>&1 || { echo "feeds.sh: $vigil has no 'db' command" >&2; exit 2; }
mkdir -p "$out"

nvd=$out/nvd-$nvd_n.json
zip=$out/osv-debian-$osv_n.zip
if [ ! -s "$nvd" ] || [ ! -s "$zip" ]; then
	echo "feeds.sh: generating $nvd and $zip"
	python3 - "$nvd" "$nvd_n" "$zip" "$osv_n" <<'EOF'
import json, random, sys, zipfile
nvd_path, nvd_n, zip_path, osv_n = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
rnd = random.Random(42)
words = ("buffer overflow heap stack use-after-free integer out-of-bounds read write remote attacker "
         "crafted request denial of service memory corruption arbitrary code execution privilege "
         "escalation authentication bypass cross-site scripting injection parser library function").split()
def text(n):
    return " ".join(rnd.choice(words) for _ in range(n)).capitalize() + "."
av3 = ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H",
       "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:N/A:H"]
sc3 = [(9.8, "CRITICAL"), (7.8, "HIGH"), (6.1, "MEDIUM"), (5.9, "MEDIUM")]
av2 = [("AV:N/AC:L/Au:N/C:P/I:P/A:P", 7.5, "HIGH"), ("AV:N/AC:M/Au:N/C:N/I:P/A:N", 4.3, "MEDIUM")]
with open(nvd_path, "w") as f:
    f.write('{"resultsPerPage":%d,"startIndex":0,"totalResults":%d,"format":"NVD_CVE","version":"2.0",'
            '"timestamp":"2024-06-01T00:00:00.000","vulnerabilities":[\n' % (nvd_n, nvd_n))
    for i in range(nvd_n):
        year = 1999 + i % 26
        k = rnd.randrange(4)
        v2 = av2[i % 2]
        cve = {
            "id": "CVE-%d-%d" % (year, 10000 + i), "sourceIdentifier": "cve@mitre.org",
            "published": "%d-03-01T12:00:00.000" % year, "lastModified": "2024-01-01T00:00:00.000",
            "vulnStatus": "Analyzed",
            "descriptions": [{"lang": "en", "value": text(40)}, {"lang": "es", "value": text(30)}],
            "metrics": {
                "cvssMetricV31": [{"source": "nvd@nist.gov", "type": "Primary", "cvssData": {
                    "version": "3.1", "vectorString": av3[k], "baseScore": sc3[k][0], "baseSeverity": sc3[k][1]},
                    "exploitabilityScore": 3.9, "impactScore": 5.9}],
                "cvssMetricV2": [{"source": "nvd@nist.gov", "type": "Primary", "cvssData": {
                    "version": "2.0", "vectorString": v2[0], "baseScore": v2[1]}, "baseSeverity": v2[2],
                    "exploitabilityScore": 10.0, "impactScore": 6.4, "acInsufInfo": False}]},
            "weaknesses": [{"source": "nvd@nist.gov", "type": "Primary",
                            "description": [{"lang": "en", "value": "CWE-%d" % rnd.choice((79, 89, 120, 125, 416, 787))}]}],
            "configurations": [{"nodes": [{"operator": "OR", "negate": False, "cpeMatch": [
                {"vulnerable": True, "criteria": "cpe:2.3:a:vendor%d:product%d:*:*:*:*:*:*:*:*" % (i % 97, i % 89),
                 "versionEndExcluding": "%d.%d.%d" % (i % 7, i % 13, i % 5), "matchCriteriaId": "%032X" % i}]}]}],
            "references": [{"url": "https://example.org/advisories/%d/%d" % (i, r), "source": "cve@mitre.org",
                            "tags": ["Third Party Advisory"]} for r in range(1 + i % 6)],
        }
        f.write(json.dumps({"cve": cve}, separators=(",", ":")))
        f.write(",\n" if i + 1 < nvd_n else "\n")
    f.write("]}\n")
pkgs = ["glibc", "openssl", "zlib", "tar", "systemd", "curl", "libxml2", "expat", "sqlite3", "krb5", "gnutls28",
        "perl", "python3.11", "openssh", "bash", "coreutils", "util-linux", "shadow", "pam", "ncurses"]
with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as z:
    for i in range(osv_n):
        rid = "DEBIAN-CVE-%d-%d" % (2000 + i % 25, 20000 + i)
        rec = {"schema_version": "1.6.0", "id": rid, "modified": "2024-06-01T00:00:00Z",
               "published": "2024-01-01T00:00:00Z", "upstream": [rid[len("DEBIAN-"):]],
               "details": text(30),
               "severity": [{"type": "CVSS_V3", "score": av3[i % 4]}],
               "affected": [{"package": {"ecosystem": "Debian:%d" % rel, "name": pkgs[i % len(pkgs)],
                                         "purl": "pkg:deb/debian/%s?arch=source" % pkgs[i % len(pkgs)]},
                             "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"},
                                        {"fixed": "%d.%d-%d+deb%du1" % (i % 9, i % 17, 1 + i % 3, rel)}]}],
                             "ecosystem_specific": {"urgency": rnd.choice(("low", "medium", "high", "unimportant"))}}
                            for rel in (11, 12)],
               "references": [{"type": "ADVISORY", "url": "https://security-tracker.debian.org/tracker/" + rid[7:]}]}
        z.writestr(rid + ".json", json.dumps(rec, indent=2))
EOF
fi

# JSON bytes of an input: the file itself, or the members of a zip.
json_bytes() {
	case $1 in
	*.zip) python3 -c 'import sys, zipfile; print(sum(i.file_size for i in zipfile.ZipFile(sys.argv[1]).infolist()))' "$1" ;;
	*) stat -c %s "$1" ;;
	esac
}

# Imports `input` into a fresh database REPEAT times (default 3); prints the
# median wall time, the JSON throughput at that time, and the largest peak RSS.
run() { # name input
	local name=$1 input=$2 db=$out/bench-$1.db
	local size json times="" rss=0
	size=$(stat -c %s "$input")
	json=$(json_bytes "$input")
	for _ in $(seq "${REPEAT:-3}"); do
		rm -f "$db"
		/usr/bin/time -v "$vigil" db import --db "$db" "$input" >"$out/$name.out" 2>"$out/$name.time" ||
			{ cat "$out/$name.out" "$out/$name.time" >&2; exit 1; }
		times="$times $(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s}' "$out/$name.time")"
		r=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$out/$name.time")
		[ "$r" -gt "$rss" ] && rss=$r
	done
	secs=$(echo $times | tr ' ' '\n' | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
	awk -v n="$name" -v b="$size" -v j="$json" -v s="$secs" -v all="$times" -v r="$rss" -v d="$(stat -c %s "$db")" 'BEGIN {
		printf "%-4s input %7.1f MB (JSON %7.1f MB)  median %5.2f s  %6.1f MB/s of JSON  peak RSS %6.1f MB  database %6.1f MB  (runs:%s s)\n",
			n, b / 1e6, j / 1e6, s, (s > 0 ? j / 1e6 / s : 0), r / 1024, d / 1e6, all }'
	sed 's/^/      /' "$out/$name.out"
}
run nvd "$nvd"
run osv "$zip"
