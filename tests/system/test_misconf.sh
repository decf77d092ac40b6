#!/usr/bin/env bash
# vigil config (Dockerfile lint) through the real binary: options, formats, exit codes, located errors,
# atomic -o. Then images built by the real dockerd from corpus Dockerfiles (tests/data/dockerfiles/image-*):
# what the lint finds in the Dockerfile must be found by the image checks where the image shows it
# (user, healthcheck, history steps, ENV, build args), plus what only the image shows (setuid and
# world-writable files, accounts, volumes, attack surface), each attributed to the right layer.
#
# The image checks are read from `vigil image --input X --scanners misconfig --format json` when vigil
# knows that scanner, else from the misconf-image-dump test helper (same checks, same JSON shape).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
require_vigil
require_cmd python3
CORPUS=$VIGIL_SOURCE_ROOT/tests/data/dockerfiles

# ids FILE: "ID START" per finding of a `vigil config --format json` report, in order.
ids() {
  python3 - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for r in d["Results"]:
    for m in r["Misconfigurations"]:
        print(m["ID"], m["CauseMetadata"]["StartLine"])
PY
}

# ---- vigil config: the command line --------------------------------------------------------------------
run_vigil config --help
expect_rc 0 "config --help"
for opt in --severity --exit-code --format --output --config --ignore --list-rules 'hadolint ignore'; do
  assert_contains "$(cat "$OUT")" "$opt" "config --help"
done
run_vigil --help
assert_contains "$(cat "$OUT")" "config   lint Dockerfiles" "vigil --help"
run_vigil config --list-rules
expect_rc 0 "config --list-rules"
assert_eq 57 "$(grep -c '^VGL-' "$OUT")" "rules listed (39 Dockerfile + 18 image)"
assert_contains "$(grep '^VGL-DF-030' "$OUT")" "DL3008" "VGL-DF-030 maps DL3008"

# Findings equal the corpus expectations (the unit test checks all files; here the binary end to end).
for name in apt pipes heredocs arg-from; do
  run_vigil config --format json "$CORPUS/$name.Dockerfile"
  expect_rc 0 "config $name"
  ids "$OUT" | awk '{print $1, $2}' >"$TEST_TMP/$name.got"
  # .expected has START-END for multi-line instructions; the JSON has StartLine.
  sed 's/-[0-9]*$//' "$CORPUS/$name.expected" >"$TEST_TMP/$name.want"
  assert_files_eq "$TEST_TMP/$name.want" "$TEST_TMP/$name.got" "config $name findings"
done

# Exit codes: --exit-code with and without findings, filters.
run_vigil config --exit-code 7 "$CORPUS/apt.Dockerfile"
expect_rc 7 "config --exit-code 7 with findings"
run_vigil config --exit-code 7 "$CORPUS/good-minimal.Dockerfile"
expect_rc 0 "config --exit-code 7 on a clean file"
run_vigil config --exit-code 7 --severity CRITICAL,HIGH "$CORPUS/apt.Dockerfile"
expect_rc 0 "config --severity HIGH,CRITICAL filters apt.Dockerfile's LOW/MEDIUM findings"
run_vigil config --exit-code 7 --ignore VGL-DF-018 --ignore DL3009 --ignore DL3014 --ignore DL3015 --ignore DL3008 \
  --ignore VGL-DF-022 --ignore DL3027 "$CORPUS/apt.Dockerfile"
expect_rc 0 "config --ignore (vigil and hadolint ids) removes every apt.Dockerfile finding"
run_vigil config --format json --severity HIGH "$CORPUS/pipes.Dockerfile"
assert_eq "VGL-DF-029 2,VGL-DF-029 4,VGL-DF-029 5,VGL-DF-016 9,VGL-DF-029 9" "$(ids "$OUT" | paste -sd,)" \
  "config --severity HIGH"

# Settings file: explicit and the default .vigil.yaml of the current directory.
run_vigil config --format json --config "$CORPUS/trusted.vigil.yaml" "$CORPUS/trusted.Dockerfile"
expect_rc 0 "config --config"
assert_eq "VGL-DF-036 2,VGL-DF-002 4,VGL-DF-036 4" "$(ids "$OUT" | paste -sd,)" "trusted registries"
assert_eq CRITICAL "$(json_eval "$OUT" '[m["Severity"] for m in d["Results"][0]["Misconfigurations"] if m["ID"]=="VGL-DF-002"][0]')" \
  "severity override"
mkdir -p "$TEST_TMP/cwd"
printf 'ignore: [VGL-DF-003, DL3002]\n' >"$TEST_TMP/cwd/.vigil.yaml"
(cd "$TEST_TMP/cwd" && "$VIGIL_BIN" config --exit-code 3 "$CORPUS/user-none.Dockerfile" >/dev/null) ||
  fail "the .vigil.yaml of the current directory was not used"
printf 'ignore: [VGL-DF-404]\n' >"$TEST_TMP/bad.yaml"
run_vigil config --config "$TEST_TMP/bad.yaml" "$CORPUS/apt.Dockerfile"
expect_rc 3 "config with an invalid settings file"
assert_contains "$(cat "$ERR")" "bad.yaml: unknown rule id 'VGL-DF-404'" "settings error"

# Located parse errors, usage errors.
run_vigil config "$CORPUS/err-unterminated-heredoc.Dockerfile"
expect_rc 3 "config on a broken Dockerfile"
assert_eq "vigil: error: $CORPUS/err-unterminated-heredoc.Dockerfile:2:1: unterminated heredoc (delimiter EOF)" \
  "$(cat "$ERR")" "located error"
[[ ! -s $OUT ]] || fail "no report is written for a Dockerfile that does not parse"
run_vigil config "$TEST_TMP/no-such-file"
expect_rc 3 "config on a missing file"
run_vigil config --format xml "$CORPUS/apt.Dockerfile"
expect_rc 2 "config --format xml"
run_vigil config --exit-code x "$CORPUS/apt.Dockerfile"
expect_rc 2 "config --exit-code x"
run_vigil config
expect_rc 2 "config without a Dockerfile"
run_vigil config --ignore NOPE-1 "$CORPUS/apt.Dockerfile"
expect_rc 2 "config --ignore unknown id"

# Directory and standard input.
mkdir -p "$TEST_TMP/ctx"
cp "$CORPUS/copy-dot.Dockerfile" "$TEST_TMP/ctx/Dockerfile"
run_vigil config --format json "$TEST_TMP/ctx"
assert_eq "VGL-DF-035 3,VGL-DF-007 5,VGL-DF-035 5" "$(ids "$OUT" | paste -sd,)" "config DIR (no .dockerignore)"
touch "$TEST_TMP/ctx/.dockerignore"
run_vigil config --format json "$TEST_TMP/ctx"
assert_eq "VGL-DF-007 5" "$(ids "$OUT" | paste -sd,)" "config DIR with a .dockerignore"
"$VIGIL_BIN" config --format json - <"$CORPUS/apt.Dockerfile" >"$TEST_TMP/stdin.json" || fail "config - (stdin)"
assert_eq "$(ids "$TEST_TMP/stdin.json" | wc -l)" 10 "config - finds apt.Dockerfile's 10 findings"

# Reports: -o is atomic, SARIF 2.1.0 shape, table.
run_vigil config --format sarif -o "$TEST_TMP/r.sarif" "$CORPUS/pipes.Dockerfile" "$CORPUS/apt.Dockerfile"
expect_rc 0 "config --format sarif -o"
[[ ! -s $OUT ]] || fail "-o FILE leaves stdout empty"
python3 - "$TEST_TMP/r.sarif" <<'PY' || fail "SARIF report is not well-formed"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["version"] == "2.1.0" and d["$schema"].endswith("sarif-2.1.0.json")
run = d["runs"][0]
rules = run["tool"]["driver"]["rules"]
ids = [r["id"] for r in rules]
assert len(ids) == len(set(ids)) == 57
for res in run["results"]:
    assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
    assert res["level"] in ("note", "warning", "error")
    loc = res["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"].endswith(("pipes.Dockerfile", "apt.Dockerfile"))
    assert 1 <= loc["region"]["startLine"] <= loc["region"]["endLine"]
assert len(run["results"]) == 18, len(run["results"])
PY
ls "$TEST_TMP" | grep -q 'r.sarif.tmp' && fail "a temporary file was left behind"
run_vigil config -o "$TEST_TMP/missing-dir/r.txt" "$CORPUS/apt.Dockerfile"
expect_rc 4 "config -o into a missing directory"
[[ ! -e $TEST_TMP/missing-dir ]] || fail "nothing is created when -o fails"
run_vigil config "$CORPUS/multi.Dockerfile"
expect_rc 0 "config table"
assert_contains "$(cat "$OUT")" "Failures: 4 (LOW: 2, MEDIUM: 2, HIGH: 0, CRITICAL: 0)" "table summary"
assert_contains "$(cat "$OUT")" "6         VGL-DF-006  MEDIUM    More than one ENTRYPOINT in a stage" "table row"

# ---- images built by the real dockerd -------------------------------------------------------------------
require_fixture images/alpine-310.tar.gz
start_dockerd
docker_cli load -i "$VIGIL_FIXTURES/images/alpine-310.tar.gz" >/dev/null
if "$VIGIL_BIN" image --help 2>/dev/null | grep -q misconfig; then
  image_checks() { "$VIGIL_BIN" image --input "$1" --scanners misconfig --format json; }
  log "image checks through vigil image --scanners misconfig"
else
  [[ -n ${VIGIL_MISCONF_DUMP:-} && -x ${VIGIL_MISCONF_DUMP:-} ]] || skip "vigil image has no misconfig scanner and the misconf-image-dump helper is not built"
  image_checks() { "$VIGIL_MISCONF_DUMP" "$1"; }
  log "vigil image has no --scanners misconfig yet: image checks through $VIGIL_MISCONF_DUMP"
fi

# build NAME: docker build from the corpus Dockerfile in a context of its own, docker save → $TEST_TMP/NAME.tar
build() {
  local name=$1 ctx=$TEST_TMP/build-$1
  mkdir -p "$ctx"
  cp "$CORPUS/$name.Dockerfile" "$ctx/Dockerfile"
  printf 'hello\n' >"$ctx/hello.txt"
  printf '#!/bin/sh\nexec "$@"\n' >"$ctx/fake-sudo.sh"
  chmod 755 "$ctx/fake-sudo.sh"
  docker_cli build -q --network none -t "vigil-test/$name:1" "$ctx" >/dev/null || fail "docker build $name"
  docker_cli save -o "$TEST_TMP/$name.tar" "vigil-test/$name:1"
}

# found FILE: "ID LAYER MESSAGE" per image finding.
found() {
  python3 - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
rs = [r for r in d["Results"] if r.get("Class") == "config" and r.get("Type") == "image-config"]
assert len(rs) == 1, "one image-config result"
for m in rs[0]["Misconfigurations"]:
    for k in ("ID", "Title", "Severity", "Message"):
        assert m.get(k), k
    layer = m.get("Layer", {}).get("Index", -1)
    print(m["ID"], layer, m["Message"])
PY
}

# layer_of ARCHIVE TEXT: index of the layer made by the history step whose created_by contains TEXT;
# -1 when that step made no layer (the builder marks a RUN that changed nothing as empty_layer).
layer_of() {
  python3 - "$1" "$2" <<'PY'
import json, sys, tarfile
t = tarfile.open(sys.argv[1])
man = json.load(t.extractfile("manifest.json"))[0]
cfg = json.load(t.extractfile(man["Config"]))
i = 0
for h in cfg["history"]:
    if sys.argv[2] in h.get("created_by", ""):
        print(-1 if h.get("empty_layer") else i)
        break
    if not h.get("empty_layer"):
        i += 1
PY
}

build image-alpine
image_checks "$TEST_TMP/image-alpine.tar" >"$TEST_TMP/image-alpine.json" || fail "image checks on image-alpine"
found "$TEST_TMP/image-alpine.json" >"$TEST_TMP/image-alpine.found"
"$VIGIL_BIN" config --format json "$CORPUS/image-alpine.Dockerfile" >"$TEST_TMP/lint.json"
lint=$(ids "$TEST_TMP/lint.json" | awk '{print $1}' | sort -u | paste -sd' ')
assert_eq "VGL-DF-002 VGL-DF-003 VGL-DF-007 VGL-DF-016 VGL-DF-017 VGL-DF-018" "$lint" "image-alpine.Dockerfile lint"
# Each Dockerfile finding that the image can show, and the image check that shows it.
declare -A shows=(
  [VGL-DF-002]=VGL-IMG-001 [VGL-DF-003]=VGL-IMG-002 [VGL-DF-007]=VGL-IMG-004
  [VGL-DF-016]=VGL-IMG-005 [VGL-DF-018]=VGL-IMG-003
)
for df in $lint; do
  if [[ $df == VGL-DF-017 ]]; then
    grep -q '^VGL-IMG-006 -1 Env sets DB_PASSWORD$' "$TEST_TMP/image-alpine.found" || fail "ENV secret not in the image config checks"
    continue
  fi
  grep -q "^${shows[$df]} " "$TEST_TMP/image-alpine.found" || fail "$df found in the Dockerfile but ${shows[$df]} not in the image"
done
A=$TEST_TMP/image-alpine.tar
expect_line() { # expect_line "ID LAYER MESSAGE"
  grep -qxF "$1" "$TEST_TMP/image-alpine.found" || {
    sed 's/^/  found: /' "$TEST_TMP/image-alpine.found" >&2
    fail "image-alpine: no finding [$1]"
  }
}
expect_line "VGL-IMG-003 $(layer_of "$A" 'apk update') history step $(python3 -c '
import json,sys,tarfile
t=tarfile.open(sys.argv[1]); m=json.load(t.extractfile("manifest.json"))[0]; c=json.load(t.extractfile(m["Config"]))
print([i for i,h in enumerate(c["history"]) if "apk update" in h.get("created_by","")][0])' "$A") updates the apk index without installing"
expect_line "VGL-IMG-009 $(layer_of "$A" 'chmod u+s') /usr/local/bin/bb is setuid (mode 4755)"
expect_line "VGL-IMG-010 $(layer_of "$A" 'chmod 666') /etc/app.conf is world-writable (mode 0666)"
expect_line "VGL-IMG-011 $(layer_of "$A" "toor::") /etc/shadow: account toor has an empty password"
expect_line "VGL-IMG-012 $(layer_of "$A" "toor::") /etc/passwd: UID 0 is shared by root, toor"
expect_line "VGL-IMG-008 -1 VOLUME /var/run/docker.sock"
expect_line "VGL-IMG-018 $(layer_of "$A" 'in /usr/bin/sudo') /usr/bin/sudo"
grep -q "^VGL-IMG-004 $(layer_of "$A" 'hello.txt') " "$TEST_TMP/image-alpine.found" || fail "ADD step not attributed to its layer"
grep -q "^VGL-IMG-005 $(layer_of "$A" 'sudo touch') " "$TEST_TMP/image-alpine.found" || fail "sudo step not attributed to its layer"
# The classic builder records ARG values of RUN steps in the history: the build-arg secret is there.
if python3 -c 'import json,sys,tarfile
t=tarfile.open(sys.argv[1]); m=json.load(t.extractfile("manifest.json"))[0]; c=json.load(t.extractfile(m["Config"]))
sys.exit(0 if any("NPM_TOKEN=" in h.get("created_by","") for h in c["history"]) else 1)' "$A"; then
  grep -q '^VGL-IMG-007 [-0-9]* build argument NPM_TOKEN is recorded in history step' "$TEST_TMP/image-alpine.found" ||
    fail "NPM_TOKEN is in the history but VGL-IMG-007 did not report it"
fi
# The base image's own ADD of its root filesystem is not a finding.
assert_eq 0 "$(grep -c '^VGL-IMG-004 0 ' "$TEST_TMP/image-alpine.found" || true)" "base layer ADD reported"

build image-good
image_checks "$TEST_TMP/image-good.tar" >"$TEST_TMP/image-good.json" || fail "image checks on image-good"
found "$TEST_TMP/image-good.json" | awk '{print $1, $2}' >"$TEST_TMP/image-good.found"
printf 'VGL-IMG-014 0\nVGL-IMG-015 0\nVGL-IMG-016 0\n' >"$TEST_TMP/image-good.want"
assert_files_eq "$TEST_TMP/image-good.want" "$TEST_TMP/image-good.found" "image-good: only alpine's attack surface"
"$VIGIL_BIN" config --exit-code 9 "$CORPUS/image-good.Dockerfile" >/dev/null || fail "image-good.Dockerfile has lint findings"

# The history as a Dockerfile (helper only: vigil image --show-history is wired elsewhere).
if [[ -x ${VIGIL_MISCONF_DUMP:-} ]]; then
  "$VIGIL_MISCONF_DUMP" "$A" --history >"$TEST_TMP/history.Dockerfile"
  for line in 'RUN sudo touch /etc/sudo-was-here' 'VOLUME [/var/run/docker.sock]' 'CMD ["/bin/sh"]'; do
    grep -qF "$line" "$TEST_TMP/history.Dockerfile" || { cat "$TEST_TMP/history.Dockerfile" >&2; fail "history lacks [$line]"; }
  done
fi
log "misconf: all checks passed"
