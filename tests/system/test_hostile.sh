#!/usr/bin/env bash
# Hostile single-layer docker-archives made by oracle.py (python tarfile): path traversal, absolute paths,
# symlinks/hardlinks out of the image with files written through them, device nodes and a fifo, a 2 GiB
# zero-filled layer (1 GiB of it the apk database) in a 2 MB gzip, truncated layers, duplicate entries,
# non-UTF-8 names, a wrong diff_id, manifest paths out of the archive.
# vigil must: exit 0 or 3 (never crash: no signal, no ASan/UBSan abort, no timeout), stay under a memory
# bound, create no file outside (own cwd, TMPDIR, the test dir, /tmp, /etc, anywhere on /), not write
# through links (canaries bind-mounted over /etc/passwd and /etc/hostname in a private mount namespace),
# not read the host's files through links; truncated layers and a wrong diff_id: exit 3 with one error line
# naming the layer and the problem.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
require_vigil
require_cmd python3 timeout find sha256sum

TOKEN=$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')
ESC="vigil-escape-$TOKEN"
H=$TEST_TMP/hostile
WORK=$TEST_TMP/run    # vigil's cwd and TMPDIR live here; must stay empty
mkdir -p "$H" "$WORK/cwd" "$WORK/tmp" "$TEST_TMP/res"

log "generating hostile archives (token $TOKEN)"
python3 "$SYSTEST_DIR/oracle.py" make-hostile "$H" "$TOKEN"
FACTS=$H/facts.json

# Protect the host: as root, run vigil in a private mount namespace with canary copies bind-mounted over
# /etc/passwd and /etc/hostname, so a write through a link lands in the canary (and is detected).
SANDBOX=()
if ((EUID == 0)); then
  require_cmd unshare mount
  cp /etc/passwd "$TEST_TMP/canary-passwd"
  cp /etc/hostname "$TEST_TMP/canary-hostname"
  canary_sum=$(cat "$TEST_TMP/canary-passwd" "$TEST_TMP/canary-hostname" | sha256sum)
  # shellcheck disable=SC2016
  SANDBOX=(unshare --mount --propagation private bash -c
    'mount --bind "$1" /etc/passwd && mount --bind "$2" /etc/hostname && shift 2 && exec "$@"'
    sandbox "$TEST_TMP/canary-passwd" "$TEST_TMP/canary-hostname")
  "${SANDBOX[@]}" true || skip "cannot bind-mount canaries in a private mount namespace (unshare --mount)"
fi
TIME=()
if [[ -x /usr/bin/time ]]; then TIME=(/usr/bin/time -f '%M' -o "$TEST_TMP/res/rss"); fi

RSS_LIMIT_KB=$((768 * 1024))

# hostile CASE: runs vigil on $H/CASE.tar; sets RC, OUT, ERR; checks the invariants common to all cases.
hostile() {
  local c=$1
  OUT=$TEST_TMP/res/$c.out ERR=$TEST_TMP/res/$c.err
  rm -f "$TEST_TMP/res/rss"
  set +e
  (cd "$WORK/cwd" && TMPDIR=$WORK/tmp timeout -k 10 300 "${SANDBOX[@]}" "${TIME[@]}" \
    "$VIGIL_BIN" image --input "$H/$c.tar" --list-all-pkgs --format json) >"$OUT" 2>"$ERR"
  RC=$?
  set -e
  # /usr/bin/time appends "Command terminated by signal N" / "Command exited with non-zero status"; drop it
  sed -i '/^Command \(terminated by signal\|exited with non-zero status\)/d' "$ERR"
  local rss
  rss=$(tail -n1 "$TEST_TMP/res/rss" 2>/dev/null || echo '?')
  log "$c: exit $RC, peak RSS ${rss} kB, $(grep -c . "$ERR" || true) stderr line(s)"

  ((RC != 124 && RC != 137)) || { show_err; fail "$c: vigil did not finish within 300 s"; }
  ((RC < 128)) || { show_err; fail "$c: vigil crashed (exit $RC = signal $((RC - 128)))"; }
  [[ $RC == 0 || $RC == 3 ]] || { show_err; fail "$c: exit $RC (want 0, or 3 for a rejected input)"; }
  if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:|UndefinedBehaviorSanitizer' "$ERR"; then
    show_err
    fail "$c: sanitizer report"
  fi
  if [[ $rss =~ ^[0-9]+$ ]] && ((rss > RSS_LIMIT_KB)); then
    fail "$c: peak RSS $rss kB > $RSS_LIMIT_KB kB"
  fi
  if [[ $RC == 0 ]]; then
    python3 -c 'import json,sys; json.load(open(sys.argv[1], encoding="utf-8"))' "$OUT" ||
      fail "$c: exit 0 but stdout is not valid UTF-8 JSON: $(head -c 300 "$OUT" | od -c | head)"
  else
    [[ -s $ERR ]] || fail "$c: exit 3 without an error message"
  fi

  # Nothing created outside: cwd and TMPDIR empty, no token-named file anywhere.
  local left
  left=$(find "$WORK" -mindepth 2 | head -n 5)
  [[ -z $left ]] || fail "$c: vigil left files in its cwd/TMPDIR: $left"
  left=$(find / -xdev -name "*$ESC*" 2>/dev/null | head -n 5 || true)
  if [[ -z $left && -d /tmp ]]; then left=$(find /tmp /etc /var/tmp -maxdepth 3 -name "*$ESC*" 2>/dev/null | head -n 5 || true); fi
  if [[ -n $left ]]; then
    # remove what escaped, then fail
    while read -r f; do rm -rf --one-file-system "$f"; done <<<"$left"
    fail "$c: files created outside: $left"
  fi
  if [[ -n ${canary_sum:-} ]]; then
    assert_eq "$canary_sum" "$(cat "$TEST_TMP/canary-passwd" "$TEST_TMP/canary-hostname" | sha256sum)" \
      "$c: /etc/passwd or /etc/hostname written through a link (canaries changed)"
  fi
}

# one_error_line CASE WORDS_REGEX: exit 3, exactly one stderr line, naming the layer and the problem.
one_error_line() {
  local c=$1 problem=$2
  [[ $RC == 3 ]] || { show_err; fail "$c: exit $RC, want 3"; }
  assert_eq 1 "$(grep -c . "$ERR" || true)" "$c: number of stderr lines ($(cat "$ERR"))"
  local line names
  line=$(grep . "$ERR")
  # The layer: its path in the archive, or its diff_id (config or actual), at least 12 hex digits.
  names=$(python3 -c '
import json, sys
f = json.load(open(sys.argv[1]))[sys.argv[2]]
out = [n.split("/")[0] for n in f["layer_names"]] + [n for n in f["layer_names"]]
out += [d.split(":")[1][:12] for d in f["diff_ids"] + f["real_diff_ids"]]
print("\n".join(out))' "$FACTS" "$c")
  local ok=0 n
  while read -r n; do [[ $line == *"$n"* ]] && ok=1; done <<<"$names"
  ((ok)) || fail "$c: error line does not name the layer (one of: $(tr '\n' ' ' <<<"$names")): $line"
  grep -qiE "$problem" <<<"$line" || fail "$c: error line does not say what is wrong (/$problem/): $line"
}

hostile traversal

hostile links
if [[ $RC == 0 ]]; then
  # The OS found, and every package, must come from the image, never from the host through a link.
  found=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); os_=d["Metadata"].get("OS") or {}
print(os_.get("Family",""), os_.get("Name",""), " ".join(p["Name"] for r in d["Results"] for p in r.get("Packages") or []))' "$OUT")
  if grep -qiE 'debian|bookworm' <<<"$found"; then
    fail "links: the host's /etc/os-release or dpkg status was read through an image symlink: $found"
  fi
fi

hostile devices

hostile bomb
log "bomb: archive $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["bomb"]["size"])' "$FACTS") bytes"

hostile truncated-gz
one_error_line truncated-gz 'truncat|unexpected (end|eof)|premature|incomplete|short|eof|corrupt|damaged'
hostile truncated-tar
one_error_line truncated-tar 'truncat|unexpected (end|eof)|premature|incomplete|short|eof|corrupt|damaged'

hostile duplicates
if [[ $RC == 0 ]]; then
  # Last entry wins, as when a container runtime extracts the layer.
  assert_eq 3.10.9 "$(json_eval "$OUT" '(d.get("Metadata", {}).get("OS") or {}).get("Name")')" \
    "duplicates: OS.Name from the last etc/os-release entry"
  grep -qx 'zlib 1.2.11-r1' <(json_pkgs "$OUT" Name,Version) ||
    fail "duplicates: packages not from the last lib/apk/db/installed entry (no zlib)"
fi

hostile non-utf8

hostile wrong-diffid
one_error_line wrong-diffid 'mismatch|match|differ|wrong|verif|expected|invalid|bad|corrupt'

hostile manifest-escape
[[ $RC == 3 ]] || fail "manifest-escape: exit $RC, want 3 (manifest names files outside the archive)"
if grep -q 'root:x:0:0' "$OUT" "$ERR"; then fail "manifest-escape: host /etc/passwd content in the output"; fi

echo "test_hostile: ok"
