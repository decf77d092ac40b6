#!/usr/bin/env bash
# Throughput of the secret scanner (src/secret) on a >= 1 GB tree of real files, next to ripgrep with the
# same rule regexes and next to plain reads (cat). Prints a table (median wall time of $BENCH_RUNS, MB/s of
# the tree's total bytes) and writes it to bench/out/secrets-<date>.txt. Never asserts.
#
#   bench/secrets.sh                      # default tree: /usr/share /usr/include /usr/lib/python3 /etc [+ more]
#   SECRET_BENCH_DIRS="/srv /opt" bench/secrets.sh
#
# The driver is tests/unit/secret/bench_secret (built with the tests): it streams every regular file in
# 64 KiB reads through one secret_scan per thread, as the layer walk does, stopping a file's reads once it
# is known to be binary (first 8 KiB) and skipping files over the 10 MiB cap. ripgrep gets the same
# treatment: --max-filesize 10M, and its default binary detection stops at the first NUL. If the
# directories hold less than 1 GiB, hard-linked copies are added under bench/out until they do.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
RUNS=${BENCH_RUNS:-3}
SLOW_RUNS=${BENCH_SLOW_RUNS:-1} # the rg rows with the full regexes take minutes
BENCH=$BUILD/tests/unit/secret/bench_secret
THREADS=$(nproc)

ninja -C "$BUILD" tests/unit/secret/bench_secret >/dev/null
command -v rg >/dev/null || { echo "bench: rg missing (scripts/install-deps)" >&2; exit 1; }

mkdir -p "$ROOT/bench/out"
RESULTS=$ROOT/bench/out/secrets-$(date -u +%Y%m%dT%H%M%SZ).txt
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/vigil-secret-bench.XXXXXX")
trap 'rm -rf --one-file-system "$SCRATCH"' EXIT

if [[ -n ${SECRET_BENCH_DIRS:-} ]]; then
  read -r -a DIRS <<<"$SECRET_BENCH_DIRS"
else
  DIRS=()
  for d in /usr/share /usr/include /usr/lib/python3 /etc /usr/lib/google-cloud-sdk /usr/lib/jvm; do
    [[ -d $d ]] && DIRS+=("$d")
  done
fi
total_bytes() { find "$@" -xdev -type f -printf '%s\n' 2>/dev/null | awk '{s += $1} END {printf "%.0f\n", s}'; }
TOTAL=$(total_bytes "${DIRS[@]}")
if ((TOTAL < 1 << 30)); then
  # Replicate (hard links: no extra disk) until the tree holds 1 GiB.
  COPIES=$ROOT/bench/out/secret-corpus
  i=0
  while ((TOTAL < 1 << 30)); do
    i=$((i + 1))
    if [[ ! -d $COPIES/copy$i ]]; then
      mkdir -p "$COPIES/copy$i"
      for d in "${DIRS[@]:0:4}"; do cp -al "$d" "$COPIES/copy$i/" 2>/dev/null || true; done
    fi
    DIRS+=("$COPIES/copy$i")
    TOTAL=$(total_bytes "${DIRS[@]}")
  done
fi
NFILES=$(find "${DIRS[@]}" -xdev -type f 2>/dev/null | wc -l)
MB=$(awk -v b="$TOTAL" 'BEGIN {printf "%.0f", b / 1e6}')

# The same regexes for ripgrep, with group names dropped (rg joins the patterns into one regex, where
# names may not repeat).
"$BENCH" --patterns | sed -E 's/\(\?P<[a-z]+>/(/g' >"$SCRATCH/patterns.txt"
"$BENCH" --prefilter-patterns | sed -E 's/\(\?P<[a-z]+>/(/g' >"$SCRATCH/prefilter.txt"

# measure LABEL CMD...: median wall time of $RUNS runs ($SLOW_RUNS for rg); prints a table row.
measure() {
  local label=$1 i t times=() n=$RUNS
  shift
  [[ $1 == rg ]] && n=$SLOW_RUNS
  for ((i = 0; i < n; i++)); do
    local s e
    s=$(date +%s.%N)
    "$@" >"$SCRATCH/out" 2>"$SCRATCH/err" || true
    e=$(date +%s.%N)
    times+=("$(awk -v s="$s" -v e="$e" 'BEGIN {printf "%.3f", e - s}')")
  done
  t=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
  printf '%-52s %8.2f s %9.0f MB/s\n' "$label" "$t" "$(awk -v m="$MB" -v t="$t" 'BEGIN {print m / t}')" |
    tee -a "$RESULTS"
}

cat_all() { find "${DIRS[@]}" -xdev -type f -print0 2>/dev/null | xargs -0 -P "$1" -n 256 cat >/dev/null 2>&1; }

{
  echo "secret scanning throughput, $(date -u +%FT%TZ), $(nproc) CPU(s), $(uname -r)"
  echo "tree: ${DIRS[*]}"
  echo "      $NFILES files, $MB MB (page cache warm; median of $RUNS runs, $SLOW_RUNS for rg;"
  echo "      MB/s = tree bytes / wall time: cat reads every byte, the engine and rg stop at binaries)"
} | tee "$RESULTS"
cat_all "$THREADS" # warm the page cache

measure "cat (read every byte), 1 process" cat_all 1
measure "cat, $THREADS processes" cat_all "$THREADS"
measure "vigil secret engine, 1 thread" "$BENCH" -q -j 1 "${DIRS[@]}"
measure "vigil secret engine, $THREADS threads" "$BENCH" -q -j "$THREADS" "${DIRS[@]}"
RG=(rg -c --no-ignore --hidden --no-messages --max-filesize 10M)
measure "rg -f (the rules' full regexes), 1 thread" "${RG[@]}" -j 1 -f "$SCRATCH/patterns.txt" "${DIRS[@]}"
measure "rg -f (the rules' full regexes), $THREADS threads" "${RG[@]}" -j "$THREADS" -f "$SCRATCH/patterns.txt" "${DIRS[@]}"
measure "rg -f (Hyperscan's prefilter patterns), 1 thread" "${RG[@]}" -j 1 -f "$SCRATCH/prefilter.txt" "${DIRS[@]}"

# What the engine saw, and the engine alone: files preloaded into memory (no open/read cost).
"$BENCH" -q -j "$THREADS" "${DIRS[@]}" 2>&1 >/dev/null | sed 's/^bench_secret: /engine, from disk: /' |
  tee -a "$RESULTS"
for t in 1 "$THREADS"; do
  "$BENCH" -q --mem -j "$t" "${DIRS[@]}" 2>&1 >/dev/null | sed 's/^bench_secret: /engine, in memory: /' |
    tee -a "$RESULTS"
done
echo "results: $RESULTS"
