#!/usr/bin/env bash
# Benchmarks vigil on the big image from bench/build-image.sh against plain reads of the same bytes and
# against skopeo copy + umoci unpack. Prints a table of wall time (median of $BENCH_RUNS) and peak RSS
# (max over runs, /usr/bin/time -v); also writes it to bench/out/results-<date>.txt.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
VIGIL_BIN=${VIGIL_BIN:-$ROOT/build/vigil}
RUNS=${BENCH_RUNS:-3}           # vigil and plain-read rows
SLOW_RUNS=${BENCH_SLOW_RUNS:-1} # skopeo / umoci rows (tens of seconds each)
[[ -x /usr/bin/time ]] || { echo "bench: /usr/bin/time missing (apt-get install time)" >&2; exit 1; }
[[ -x $VIGIL_BIN ]] || { echo "bench: $VIGIL_BIN not built (make build)" >&2; exit 1; }
for c in skopeo umoci zcat python3; do
  command -v "$c" >/dev/null || { echo "bench: $c missing (scripts/install-deps)" >&2; exit 1; }
done

IMG=$(bash "$HERE/build-image.sh" | tail -n1)
ARCHIVE=$IMG/big.tar
OCI=$IMG/big-oci
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/vigil-bench.XXXXXX")
trap 'rm -rf --one-file-system "$SCRATCH"' EXIT
mkdir -p "$ROOT/bench/out"
RESULTS=$ROOT/bench/out/results-$(date -u +%Y%m%dT%H%M%SZ).txt

# measure LABEL CMD...: runs CMD $RUNS times (the command's own output is discarded); prints a table row.
measure() {
  local label=$1 i walls=() rss=0 r w m rc n=$RUNS
  shift
  if [[ $1 == skopeo || $1 == umoci ]]; then n=$SLOW_RUNS; fi
  for ((i = 0; i < n; i++)); do
    "${PREP[@]}"
    set +e
    /usr/bin/time -v -o "$SCRATCH/time" "$@" >/dev/null 2>"$SCRATCH/stderr"
    rc=$?
    set -e
    if ((rc != 0)); then
      printf '%-44s FAILED (exit %d): %s\n' "$label" "$rc" "$(head -c 300 "$SCRATCH/stderr")" | tee -a "$RESULTS"
      return 0
    fi
    w=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, a, ":"); s = 0; for (k = 1; k <= n; k++) s = s * 60 + a[k]; print s}' "$SCRATCH/time")
    m=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$SCRATCH/time")
    walls+=("$w")
    if ((m > rss)); then rss=$m; fi
  done
  r=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
  printf '%-44s %10.2f %12.1f\n' "$label" "$r" "$(awk -v k="$rss" 'BEGIN {print k / 1024}')" | tee -a "$RESULTS"
}
PREP=(true)

layers_archive=$(python3 -c '
import json, sys, tarfile
with tarfile.open(sys.argv[1]) as t:
    print(" ".join(json.load(t.extractfile("manifest.json"))[0]["Layers"]))' "$ARCHIVE")
mapfile -t oci_blobs < <(python3 -c '
import json, os, sys
lay = sys.argv[1]
idx = json.load(open(os.path.join(lay, "index.json")))
man = json.load(open(os.path.join(lay, "blobs", *idx["manifests"][0]["digest"].split(":"))))
for l in man["layers"]:
    print(os.path.join(lay, "blobs", *l["digest"].split(":")))' "$OCI")

npkgs=$("$VIGIL_BIN" image --input "$ARCHIVE" --list-all-pkgs --format json 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(sum(len(r.get("Packages") or []) for r in d.get("Results") or []))' 2>/dev/null || echo "?")

{
  echo "vigil bench  $(date -u +%FT%TZ)  $(uname -m), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)"
  echo "vigil $("$VIGIL_BIN" --version 2>/dev/null | head -n1)  ($VIGIL_BIN)"
  sed 's/^/image: /' "$IMG/INFO"
  echo "vigil found $npkgs packages (dpkg-query: $(wc -l <"$IMG/expected.txt"))"
  echo "runs per row: $RUNS, skopeo/umoci $SLOW_RUNS (wall: median; RSS: max); page cache warm; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  printf '%-44s %10s %12s\n' "command" "wall [s]" "peak RSS [MiB]"
  printf '%-44s %10s %12s\n' "-------" "--------" "--------------"
} | tee "$RESULTS"

cat "$ARCHIVE" >/dev/null # warm the page cache
cat "${oci_blobs[@]}" >/dev/null

echo "# docker-archive $(du -h "$ARCHIVE" | cut -f1) (uncompressed layers)" | tee -a "$RESULTS"
measure "vigil image --input big.tar" "$VIGIL_BIN" image --input "$ARCHIVE" --list-all-pkgs --format json
# shellcheck disable=SC2086 # layer names have no spaces
measure "tar -xOf big.tar <layers> (read layers)" tar -xOf "$ARCHIVE" $layers_archive
PREP=(rm -rf "$SCRATCH/oci-a")
measure "skopeo copy docker-archive: -> oci:" skopeo copy -q "docker-archive:$ARCHIVE" "oci:$SCRATCH/oci-a:latest"
PREP=(rm -rf "$SCRATCH/bundle-a")
measure "umoci unpack (of that copy)" umoci unpack --image "$SCRATCH/oci-a:latest" "$SCRATCH/bundle-a"
PREP=(true)

echo "# OCI layout $(du -sh "$OCI" | cut -f1) (gzip layers)" | tee -a "$RESULTS"
measure "vigil image --input big-oci" "$VIGIL_BIN" image --input "$OCI" --list-all-pkgs --format json
measure "zcat <layer blobs>" zcat "${oci_blobs[@]}"
PREP=(rm -rf "$SCRATCH/oci-b")
measure "skopeo copy oci: -> oci:" skopeo copy -q "oci:$OCI:latest" "oci:$SCRATCH/oci-b:latest"
PREP=(rm -rf "$SCRATCH/bundle-b")
measure "umoci unpack (of that copy)" umoci unpack --image "$SCRATCH/oci-b:latest" "$SCRATCH/bundle-b"
PREP=(true)
rm -rf --one-file-system "$SCRATCH/bundle-a" "$SCRATCH/bundle-b" "$SCRATCH/oci-a" "$SCRATCH/oci-b"

echo "results: $RESULTS"
