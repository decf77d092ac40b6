# shellcheck shell=bash
# Helpers for vigil's system tests. Source it: `. "$(dirname "$0")/lib.sh"`.
#
# Environment (set by meson, see tests/meson.build): VIGIL_BIN, VIGIL_FIXTURES, VIGIL_SOURCE_ROOT.
# Under CI=true a missing prerequisite FAILS the test; otherwise it is a skip (exit 77) with a reason.

set -euo pipefail

SYSTEST_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${VIGIL_SOURCE_ROOT:=$(cd "$SYSTEST_DIR/../.." && pwd)}"
: "${VIGIL_FIXTURES:=$VIGIL_SOURCE_ROOT/../shared/fixtures}"
: "${VIGIL_BIN:=$VIGIL_SOURCE_ROOT/build/vigil}"
: "${VIGIL_CACHE:=${HOME:-/root}/.cache/vigil-test}"
export VIGIL_SOURCE_ROOT VIGIL_FIXTURES VIGIL_BIN VIGIL_CACHE

# The docker CLI that matches Debian's dockerd (a newer client elsewhere on PATH may want buildx).
if [[ -x /usr/bin/docker ]]; then DOCKER_CLI=/usr/bin/docker; else DOCKER_CLI=docker; fi
export DOCKER_BUILDKIT=0
docker_cli() { "$DOCKER_CLI" "$@"; }

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

fail() {
  printf 'FAIL: %s\n' "$*" >&2
  exit 1
}

# skip REASON: exit 77 (meson: skipped), but under CI a missing prerequisite is a failure.
skip() {
  if [[ ${CI:-} == true ]]; then
    fail "prerequisite missing under CI: $*"
  fi
  printf 'SKIP: %s\n' "$*" >&2
  exit 77
}

require_cmd() {
  local c
  for c in "$@"; do
    command -v "$c" >/dev/null 2>&1 || skip "command '$c' not found (run scripts/install-deps)"
  done
}

require_root() {
  ((EUID == 0)) || skip "needs root (dockerd, debootstrap)"
}

require_vigil() {
  [[ -x $VIGIL_BIN ]] || skip "vigil binary not built: $VIGIL_BIN"
}

require_fixture() {
  [[ -e $VIGIL_FIXTURES/$1 ]] || skip "fixture missing: $VIGIL_FIXTURES/$1"
}

assert_eq() { # assert_eq EXPECTED ACTUAL [WHAT]
  if [[ $1 != "$2" ]]; then
    fail "${3:-value}: expected [$1], got [$2]"
  fi
}

assert_contains() { # assert_contains HAYSTACK NEEDLE [WHAT]
  if [[ $1 != *"$2"* ]]; then
    fail "${3:-output} does not contain [$2]; it was: ${1:0:2000}"
  fi
}

# assert_files_eq EXPECTED_FILE ACTUAL_FILE WHAT: equal contents, with a diff on failure.
assert_files_eq() {
  if ! diff -u "$1" "$2" >&2; then
    fail "$3: $1 and $2 differ (diff above)"
  fi
}

# run_vigil ARGS...: runs $VIGIL_BIN, stdout -> $OUT, stderr -> $ERR, exit status -> $RC. Never aborts.
OUT='' ERR='' RC=''
run_vigil() {
  OUT=$TEST_TMP/out.$$ ERR=$TEST_TMP/err.$$
  set +e
  "$VIGIL_BIN" "$@" >"$OUT" 2>"$ERR"
  RC=$?
  set -e
  return 0
}

# Print vigil's stderr (for failure context).
show_err() { sed 's/^/  vigil stderr: /' "$ERR" >&2 || true; }

# expect_rc CODE WHAT: checks $RC from the last run_vigil.
expect_rc() {
  if [[ $RC != "$1" ]]; then
    show_err
    fail "$2: exit code $RC, expected $1"
  fi
}

# ---- JSON (python3 stdlib only) -------------------------------------------------------------

# json_eval FILE EXPR: evaluates a Python expression with `d` = the parsed document; prints the result
# (strings raw, everything else as compact JSON).
json_eval() {
  python3 - "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
r = eval(sys.argv[2])
print(r if isinstance(r, str) else json.dumps(r, sort_keys=True, separators=(",", ":")))
PY
}

# json_pkgs FILE [FIELDS]: one line per package of all Results, sorted: fields separated by a space.
# FIELDS is a comma list of Package keys or dotted paths (default Name,Version,Arch).
json_pkgs() {
  python3 - "$1" "${2:-Name,Version,Arch}" <<'PY'
import json, signal, sys
signal.signal(signal.SIGPIPE, signal.SIG_DFL)
d = json.load(open(sys.argv[1], encoding="utf-8"))
fields = sys.argv[2].split(",")
def get(p, path):
    for k in path.split("."):
        p = p.get(k) if isinstance(p, dict) else None
    return "<none>" if p is None else str(p)
lines = []
for r in d.get("Results") or []:
    for p in r.get("Packages") or []:
        lines.append(" ".join(get(p, f) for f in fields))
for l in sorted(lines):
    print(l)
PY
}

# ---- temp dir ----------------------------------------------------------------------------------

TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/vigil-systest.XXXXXX")
export TEST_TMP

# ---- dockerd -----------------------------------------------------------------------------------

DOCKERD_PID='' DOCKERD_DIR=''

# start_dockerd: a private daemon (own data-root, exec-root, socket, pidfile, vfs storage, no network
# setup); exports DOCKER_HOST. Stopped by stop_dockerd or by the EXIT trap, by its pid.
# Optional ARGS are appended to dockerd's command line (e.g. --config-file FILE --icc=false).
start_dockerd() {
  require_root
  require_cmd dockerd "$DOCKER_CLI"
  # Short path: the unix socket path must fit in sun_path (108 bytes).
  DOCKERD_DIR=$(mktemp -d /tmp/vigil-dockerd.XXXXXX)
  dockerd --iptables=false --ip6tables=false --bridge=none --storage-driver=vfs \
    --data-root "$DOCKERD_DIR/root" --exec-root "$DOCKERD_DIR/exec" \
    -H "unix://$DOCKERD_DIR/docker.sock" --pidfile "$DOCKERD_DIR/dockerd.pid" "$@" \
    </dev/null >"$DOCKERD_DIR/dockerd.log" 2>&1 9>&- &
  DOCKERD_PID=$!
  export DOCKER_HOST="unix://$DOCKERD_DIR/docker.sock"
  local i
  for ((i = 0; i < 300; i++)); do
    if ! kill -0 "$DOCKERD_PID" 2>/dev/null; then
      tail -n 30 "$DOCKERD_DIR/dockerd.log" >&2 || true
      DOCKERD_PID=
      fail "dockerd exited during startup (log above)"
    fi
    if [[ -S $DOCKERD_DIR/docker.sock ]] && docker_cli version >/dev/null 2>&1; then
      log "dockerd pid $DOCKERD_PID ready on $DOCKER_HOST"
      return 0
    fi
    sleep 0.2
  done
  tail -n 30 "$DOCKERD_DIR/dockerd.log" >&2 || true
  fail "dockerd did not answer on $DOCKER_HOST within 60 s (log above)"
}

_pid_alive() { # true if the process exists and is not a zombie
  [[ -r /proc/$1/stat ]] || return 1
  local st
  st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ $st != Z ]]
}

_stop_pid() { # _stop_pid PID: TERM, wait up to 30 s, then KILL
  local pid=$1 i
  _pid_alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 150; i++)); do
    _pid_alive "$pid" || return 0
    sleep 0.2
  done
  log "pid $pid did not stop on TERM; killing"
  kill -KILL "$pid" 2>/dev/null || true
}

stop_dockerd() {
  [[ -n $DOCKERD_DIR ]] || return 0
  local cpid=
  cpid=$(cat "$DOCKERD_DIR/exec/containerd/containerd.pid" 2>/dev/null || true)
  # Remove containers first: dockerd leaves running ones' shims (and their processes) behind on shutdown.
  if [[ -n $DOCKERD_PID ]] && _pid_alive "$DOCKERD_PID"; then
    local ids
    ids=$(timeout 30 "$DOCKER_CLI" -H "unix://$DOCKERD_DIR/docker.sock" ps -aq 2>/dev/null || true)
    if [[ -n $ids ]]; then
      # shellcheck disable=SC2086 # one id per word
      timeout 120 "$DOCKER_CLI" -H "unix://$DOCKERD_DIR/docker.sock" rm -f $ids >/dev/null 2>&1 || true
    fi
  fi
  if [[ -n $DOCKERD_PID ]]; then
    _stop_pid "$DOCKERD_PID"
    wait "$DOCKERD_PID" 2>/dev/null || true
  fi
  # dockerd stops the containerd it started; only if that one survived (dockerd killed), end it by pid.
  if [[ -n $cpid ]] && _pid_alive "$cpid" &&
    grep -qF "$DOCKERD_DIR" "/proc/$cpid/cmdline" 2>/dev/null; then
    _stop_pid "$cpid"
  fi
  # Shims of this daemon that survived anyway (named by its containerd socket): end them by pid.
  local f p
  for f in /proc/[0-9]*/cmdline; do
    if grep -qF -- "$DOCKERD_DIR/exec/containerd/" "$f" 2>/dev/null; then
      p=${f#/proc/}
      p=${p%/cmdline}
      [[ $p == "$$" || $p == "$BASHPID" ]] || _stop_pid "$p"
    fi
  done
  # Unmount anything left below the dir (deepest first), then remove it without crossing mounts.
  local m
  while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done < <(awk -v d="$DOCKERD_DIR/" 'index($2, d) == 1 {print $2}' /proc/self/mounts | sort -r)
  rm -rf --one-file-system "$DOCKERD_DIR" 2>/dev/null || rm -rf --one-file-system "$DOCKERD_DIR" || true
  DOCKERD_PID='' DOCKERD_DIR=''
  unset DOCKER_HOST
}

_systest_cleanup() {
  local rc=$?
  trap - EXIT
  stop_dockerd || true
  if [[ -n ${TEST_TMP:-} && -d $TEST_TMP ]]; then
    chmod -R u+rwx "$TEST_TMP" 2>/dev/null || true
    rm -rf --one-file-system "$TEST_TMP" || true
  fi
  exit "$rc"
}
trap _systest_cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
