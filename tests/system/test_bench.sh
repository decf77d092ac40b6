#!/usr/bin/env bash
# vigil bench against real dockerds.
#
# A: the classic insecure host: alpine:3.10 containers, one --privileged, one with the host root mounted
#    read-write, one running a process named sshd, and one well configured (non-root user, read-only root,
#    memory/CPU/pids limits, no-new-privileges, a health check, restart on-failure:3). vigil must flag exactly
#    the expected checks for each container (by container id, in the JSON report) and nothing for the good
#    one; the formats, check selection, --exit-code, -o and the no-daemon error are exercised on it.
# B: daemon options toggled across restarts, through daemon.json and through flags, and daemon.json's owner
#    and mode changed: icc, live-restore, userland-proxy, no-new-privileges and the log driver flip between
#    PASS and WARN both ways.
# C: a single-node swarm, with and without auto-lock, a specific listen address and secrets, then left.
#
# icc=false needs iptables, and dockerd's iptables rules must not touch the host's: the whole test runs in a
# private network namespace (the daemons only use Unix sockets and --network none).
if [[ -z ${VIGIL_BENCH_NETNS:-} && $EUID -eq 0 ]] && command -v unshare >/dev/null 2>&1 &&
  unshare --net true 2>/dev/null; then
  exec env VIGIL_BENCH_NETNS=1 unshare --net -- bash "$0" "$@"
fi
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_vigil
require_cmd python3 iptables runc ip
require_fixture images/alpine-310.tar.gz
[[ -n ${VIGIL_BENCH_NETNS:-} ]] || skip "cannot create a private network namespace (unshare --net)"

CFG=$TEST_TMP/daemon.json

# A --privileged container gets every capability the kernel knows; runc fails when this machine's bounding
# set lacks one (some VMs drop CAP_SYS_RESOURCE). This test-only OCI runtime drops exactly those from the
# bundle's config.json and execs runc: the container stays privileged for Docker and for vigil.
SHIM=$TEST_TMP/runc-shim
cat >"$SHIM" <<EOF
#!/usr/bin/env python3
import json, os, sys
args = sys.argv[1:]
if "create" in args and "--bundle" in args:
    cfg = os.path.join(args[args.index("--bundle") + 1], "config.json")
    bnd = int([l.split()[1] for l in open("/proc/self/status") if l.startswith("CapBnd:")][0], 16)
    names = ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
             "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
             "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
             "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
             "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
             "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
             "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
             "CAP_CHECKPOINT_RESTORE"]
    missing = {n for i, n in enumerate(names) if not (bnd >> i) & 1}
    with open(cfg) as f:
        c = json.load(f)
    caps = c.get("process", {}).get("capabilities", {})
    for k in caps:
        caps[k] = [x for x in caps[k] if x not in missing]
    with open(cfg, "w") as f:
        json.dump(c, f)
os.execv("$(command -v runc)", ["runc"] + args)
EOF
chmod 755 "$SHIM"

# bench_json OUT ARGS...: vigil bench -f json -o OUT ARGS..., which must exit 0.
bench_json() {
  local out=$1
  shift
  run_vigil bench --format json -o "$out" "$@"
  expect_rc 0 "vigil bench $*"
}

# result FILE ID: the result of check ID in a JSON report.
result() {
  json_eval "$1" "[r['result'] for r in d['results'] if r['id'] == '$2'][0]"
}

# expect_results FILE ID=RESULT...: each check has the result.
expect_results() {
  local f=$1 kv
  shift
  for kv in "$@"; do
    local got
    got=$(result "$f" "${kv%%=*}")
    if [[ $got != "${kv#*=}" ]]; then
      json_eval "$f" "[r for r in d['results'] if r['id'] == '${kv%%=*}'][0]" >&2
      fail "$(basename "$f"): check ${kv%%=*} is $got, expected ${kv#*=}"
    fi
  done
}

# ---- A: the insecure host ----------------------------------------------------------------------------

printf '{"runtimes": {"vigil-test-runc": {"path": "%s"}}}\n' "$SHIM" >"$CFG"
chmod 644 "$CFG"
start_dockerd --config-file "$CFG"
docker_cli load -i "$VIGIL_FIXTURES/images/alpine-310.tar.gz" >/dev/null

run_ctr() { docker_cli run -d --network none "$@" >/dev/null; }
run_ctr --name priv --runtime vigil-test-runc --privileged alpine:3.10 sleep 3600
run_ctr --name hostroot -v /:/host alpine:3.10 sleep 3600
# alpine has no sshd: a script named sshd gives the process that name (ps comm).
run_ctr --name sshd alpine:3.10 sh -c 'printf "#!/bin/sh\nsleep 3600\n" >/sbin/sshd; chmod 755 /sbin/sshd; exec /sbin/sshd'
run_ctr --name good --user 1000:1000 --read-only --memory 64m --cpus 0.5 --pids-limit 64 \
  --security-opt no-new-privileges --health-cmd true --health-interval 2s --restart on-failure:3 \
  alpine:3.10 sleep 3600
for c in priv hostroot sshd good; do
  [[ $(docker_cli inspect -f '{{.State.Running}}' "$c") == true ]] || fail "container $c is not running"
done

A=$TEST_TMP/a.json
bench_json "$A"
python3 - "$A" "$DOCKER_CLI" <<'PY' || fail "per-container results differ (above)"
import json, subprocess, sys
d = json.load(open(sys.argv[1]))
ids = {}
for name in ["priv", "hostroot", "sshd", "good"]:
    ids[subprocess.check_output([sys.argv[2], "inspect", "-f", "{{.Id}}", name], text=True).strip()] = name
bad = ["priv", "hostroot", "sshd"]
expect_warn = {
    "4.1": bad, "5.4": ["priv"], "5.5": ["priv"], "5.6": ["hostroot"], "5.7": ["sshd"],
    "5.11": bad, "5.12": bad, "5.13": bad, "5.22": ["priv"], "5.26": bad, "5.27": bad,
    "5.29": bad, "5.32": ["hostroot"],
}
expect_info = {"5.18": ["priv"]}
# "If applicable": with AppArmor in the daemon a privileged container runs unconfined.
secopts = subprocess.check_output([sys.argv[2], "info", "-f", "{{json .SecurityOptions}}"], text=True)
if "name=apparmor" in secopts:
    expect_warn["5.2"] = ["priv"]
errors = []
res = {r["id"]: r for r in d["results"]}
for r in d["results"]:
    for kind, want_map in (("WARN", expect_warn), ("INFO", expect_info)):
        got = sorted(ids.get(i["id"], "?" + i["id"]) for i in r["items"]
                     if i["kind"] == "container" and i["result"] == kind)
        want = sorted(want_map.get(r["id"], []))
        if got != want:
            errors.append(f"{r['id']} {kind} containers: got {got}, want {want}")
    for i in r["items"]:
        if i["kind"] == "container" and i["id"] not in ids:
            errors.append(f"{r['id']}: unknown container id {i['id']}")
    if r["id"] in expect_warn and r["result"] != "WARN":
        errors.append(f"{r['id']} is {r['result']}, want WARN")
# Checks that must pass for these containers (nothing published, no host namespaces, restart policies fine).
for cid in ["5.1", "5.8", "5.10", "5.14", "5.15", "5.16", "5.17", "5.19", "5.20", "5.21", "5.25", "5.28",
            "5.30", "5.31"]:
    if res[cid]["result"] != "PASS":
        errors.append(f"{cid} is {res[cid]['result']}, want PASS")
# The report is complete and its score adds up.
if d["checks"] != 117 or len(d["results"]) != 117 or sum(d["summary"].values()) != 117:
    errors.append(f"checks {d['checks']}, results {len(d['results'])}, summary {d['summary']}")
score = sum((r["result"] == "PASS") - (r["result"] == "WARN") for r in d["results"] if r["scored"])
if score != d["score"]:
    errors.append(f"score {d['score']}, recomputed {score}")
if [s["id"] for s in d["sections"]] != ["1", "2", "3", "4", "5", "6", "7"]:
    errors.append(f"sections {d['sections']}")
for r in d["results"]:
    if not all(k in r for k in ("id", "title", "result", "details", "items", "remediation", "section")):
        errors.append(f"{r['id']}: missing fields")
if d["daemon"]["pid"] is None:
    errors.append("dockerd not identified: " + d["daemon"]["pid_source"])
for e in errors:
    print("  " + e, file=sys.stderr)
sys.exit(1 if errors else 0)
PY
log "A: per-container findings as expected"

# Text, as docker-bench-security prints it, with remediation; SARIF and JUnit carry the same results.
PRIV=$(docker_cli inspect -f '{{.Id}}' priv)
run_vigil bench --remediation
expect_rc 0 "vigil bench (text)"
TXT=$(cat "$OUT")
assert_contains "$TXT" "[WARN] 5.5 - Ensure that privileged containers are not used (Automated)" "text report"
assert_contains "$TXT" "[WARN]      * Container running in Privileged mode: priv [${PRIV:0:12}]" "text report"
assert_contains "$TXT" "       Remediation: Do not run containers with --privileged" "text report"
assert_contains "$TXT" "[INFO] Checks: 117" "text report"
bench_json "$TEST_TMP/a.sarif" --format sarif
python3 - "$TEST_TMP/a.sarif" "$A" <<'PY' || fail "SARIF report"
import json, sys
s, d = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert s["version"] == "2.1.0", s["version"]
run = s["runs"][0]
assert len(run["tool"]["driver"]["rules"]) == 117
fails = sorted(r["ruleId"] for r in run["results"] if r["kind"] == "fail")
warns = sorted(r["id"] for r in d["results"] if r["result"] == "WARN")
assert fails == warns, (fails, warns)
assert all(r["level"] == ("warning" if r["kind"] == "fail" else "none") for r in run["results"])
PY
bench_json "$TEST_TMP/a.xml" --format junit
python3 - "$TEST_TMP/a.xml" "$A" <<'PY' || fail "JUnit report"
import json, sys, xml.etree.ElementTree as ET
root, d = ET.parse(sys.argv[1]).getroot(), json.load(open(sys.argv[2]))
cases = root.findall(".//testcase")
assert len(cases) == 117, len(cases)
failed = sorted(c.get("name").split(" - ")[0] for c in cases if c.find("failure") is not None)
warns = sorted(r["id"] for r in d["results"] if r["result"] == "WARN")
assert failed == warns, (failed, warns)
assert int(root.get("failures")) == len(warns)
PY

# Selection: sections and single checks, exclusions after inclusions, dbs-style ids; unknown ids are usage errors.
bench_json "$TEST_TMP/sel.json" -c 2,5.4 -e 2.10,check_2_11
assert_eq '["2.1","2.12","2.13","2.14","2.15","2.16","2.17","2.18","2.2","2.3","2.4","2.5","2.6","2.7","2.8","2.9","5.4"]' \
  "$(json_eval "$TEST_TMP/sel.json" 'sorted(r["id"] for r in d["results"])')" "-c 2,5.4 -e 2.10,check_2_11"
assert_eq 17 "$(json_eval "$TEST_TMP/sel.json" 'd["checks"]')" "checks counted after selection"
bench_json "$TEST_TMP/sel.json" -c 1.1 -e 1.1.3
assert_eq 17 "$(json_eval "$TEST_TMP/sel.json" 'len(d["results"])')" "-c 1.1 -e 1.1.3"
for badsel in 9 5.33 1.3 "5,,4" x; do
  run_vigil bench -c "$badsel"
  expect_rc 2 "vigil bench -c $badsel"
done
run_vigil bench -e 5.99
expect_rc 2 "vigil bench -e 5.99"

# --exit-code when a check warns (and not when none does); -o replaces atomically, a failed write leaves nothing.
run_vigil bench -c 5.5 --exit-code 7 -o "$TEST_TMP/x.txt"
expect_rc 7 "vigil bench -c 5.5 --exit-code 7"
[[ -s $TEST_TMP/x.txt ]] || fail "-o $TEST_TMP/x.txt is empty"
run_vigil bench -c 5.15 --exit-code 7
expect_rc 0 "vigil bench -c 5.15 --exit-code 7 (no WARN)"
run_vigil bench -c 5.5 -o "$TEST_TMP/no/such/dir/r.json" -f json
expect_rc 4 "vigil bench -o into a missing directory"
[[ ! -e $TEST_TMP/no/such/dir ]] || fail "a failed -o left something behind"
if compgen -G "$TEST_TMP/*.tmp.*" >/dev/null; then fail "a temporary report file was left behind"; fi

# vigil's own --config-file: audit another daemon.json (3.18 compares bits: 0606 is not within 0644, though
# 606 < 644 as a number).
printf '{}\n' >"$TEST_TMP/other.json"
chmod 606 "$TEST_TMP/other.json"
bench_json "$TEST_TMP/cf.json" -c 3.17,3.18 --config-file "$TEST_TMP/other.json"
expect_results "$TEST_TMP/cf.json" 3.17=PASS 3.18=WARN
assert_contains "$(json_eval "$TEST_TMP/cf.json" 'd["results"][1]["items"][0]["detail"]')" "0606 grants 0002 beyond 0644"

# 5.28: a container whose image name now names a newer image (names with a registry port and a path).
docker_cli tag alpine:3.10 registry.local:5000/team/app:1.0
run_ctr --name stale registry.local:5000/team/app:1.0 sleep 3600
bench_json "$TEST_TMP/s1.json" -c 5.28
expect_results "$TEST_TMP/s1.json" 5.28=PASS
docker_cli commit good registry.local:5000/team/app:1.0 >/dev/null
bench_json "$TEST_TMP/s2.json" -c 5.28
expect_results "$TEST_TMP/s2.json" 5.28=INFO
assert_eq '["stale"]' "$(json_eval "$TEST_TMP/s2.json" '[i["name"] for i in d["results"][0]["items"]]')" "5.28 items"

# No daemon: a clear error and exit 3.
SAVED_HOST=$DOCKER_HOST
DOCKER_HOST=unix://$TEST_TMP/none.sock run_vigil bench
expect_rc 3 "vigil bench without a daemon"
assert_contains "$(cat "$ERR")" "cannot connect to the Docker daemon at unix://$TEST_TMP/none.sock: no such socket"
DOCKER_HOST=tcp://127.0.0.1:2375 run_vigil bench
expect_rc 3 "vigil bench with DOCKER_HOST=tcp://"
export DOCKER_HOST=$SAVED_HOST
stop_dockerd

# ---- B: daemon options across restarts -----------------------------------------------------------------

DAEMON_CHECKS=2.2,2.4,2.13,2.14,2.15,2.16,3.17,3.18,5.26

# B1: everything from daemon.json (and --iptables=true, which icc=false needs).
cat >"$CFG" <<'EOF'
{"icc": false, "live-restore": true, "userland-proxy": false, "no-new-privileges": true,
 "log-driver": "syslog", "log-opts": {"syslog-address": "udp://127.0.0.1:514"}}
EOF
chmod 644 "$CFG"
start_dockerd --config-file "$CFG" --iptables=true
docker_cli load -i "$VIGIL_FIXTURES/images/alpine-310.tar.gz" >/dev/null
# No --security-opt: the daemon's no-new-privileges default applies to it.
docker_cli run -d --network none --log-driver none --name plain alpine:3.10 sleep 3600 >/dev/null
bench_json "$TEST_TMP/b1.json" -c "$DAEMON_CHECKS"
expect_results "$TEST_TMP/b1.json" 2.2=PASS 2.4=PASS 2.13=PASS 2.14=PASS 2.15=PASS 2.16=PASS 3.17=PASS 3.18=PASS \
  5.26=PASS
assert_contains "$(json_eval "$TEST_TMP/b1.json" '[r for r in d["results"] if r["id"] == "2.2"][0]["details"][0]')" \
  "icc=false ($CFG)"
stop_dockerd

# B2: the insecure values, explicitly on the command line; daemon.json owned by nobody, mode 0606.
printf '{}\n' >"$CFG"
chown 65534:65534 "$CFG"
chmod 606 "$CFG"
start_dockerd --config-file "$CFG" --icc=true --live-restore=false --userland-proxy=true --no-new-privileges=false \
  --log-driver=json-file
docker_cli load -i "$VIGIL_FIXTURES/images/alpine-310.tar.gz" >/dev/null
docker_cli run -d --network none --name plain alpine:3.10 sleep 3600 >/dev/null
bench_json "$TEST_TMP/b2.json" -c "$DAEMON_CHECKS"
expect_results "$TEST_TMP/b2.json" 2.2=WARN 2.4=WARN 2.13=WARN 2.14=WARN 2.15=WARN 2.16=WARN 3.17=WARN 3.18=WARN \
  5.26=WARN
assert_contains "$(json_eval "$TEST_TMP/b2.json" '[r for r in d["results"] if r["id"] == "2.2"][0]["details"][0]')" \
  "icc=true (command line)"
stop_dockerd

# B3: the secure values on the command line, daemon.json back to root and 0600 (within 0644).
chown 0:0 "$CFG"
chmod 600 "$CFG"
start_dockerd --config-file "$CFG" --iptables=true --icc=false --live-restore --userland-proxy=false \
  --no-new-privileges --log-driver=syslog --log-opt syslog-address=udp://127.0.0.1:514
bench_json "$TEST_TMP/b3.json" -c "$DAEMON_CHECKS"
expect_results "$TEST_TMP/b3.json" 2.2=PASS 2.4=PASS 2.13=PASS 2.14=PASS 2.15=PASS 2.16=PASS 3.17=PASS 3.18=PASS
# No containers: section 5 says so instead of passing.
expect_results "$TEST_TMP/b3.json" 5.26=INFO
stop_dockerd
log "B: daemon options and daemon.json mode flip both ways"

# ---- C: swarm mode -----------------------------------------------------------------------------------------

# Swarm needs a loopback interface in our network namespace.
ip link set lo up
start_dockerd --iptables=true
docker_cli swarm init --advertise-addr 127.0.0.1 --listen-addr 127.0.0.1:2377 --autolock >/dev/null
echo s3cr3t | docker_cli secret create vigil-test - >/dev/null
docker_cli network create --driver overlay --opt encrypted vigil-enc >/dev/null
bench_json "$TEST_TMP/c1.json" -c 2.15,5.1,7
expect_results "$TEST_TMP/c1.json" 2.15=PASS 5.1=WARN 7.1=PASS 7.2=PASS 7.3=WARN 7.4=PASS 7.5=PASS 7.6=NOTE
assert_eq '["ingress"]' "$(json_eval "$TEST_TMP/c1.json" \
  '[i["name"] for r in d["results"] if r["id"] == "7.3" for i in r["items"]]')" "7.3: unencrypted overlay networks"
# Again on all interfaces, without auto-lock nor secrets.
docker_cli swarm leave --force >/dev/null
docker_cli swarm init --advertise-addr 127.0.0.1 >/dev/null
bench_json "$TEST_TMP/c2.json" -c 5.1,7
expect_results "$TEST_TMP/c2.json" 5.1=WARN 7.1=PASS 7.2=WARN 7.4=INFO 7.5=WARN
docker_cli swarm leave --force >/dev/null
bench_json "$TEST_TMP/c3.json" -c 5.1,7
expect_results "$TEST_TMP/c3.json" 5.1=PASS 7.1=PASS 7.2=PASS 7.3=PASS 7.4=PASS 7.5=PASS 7.6=PASS
stop_dockerd
log "C: swarm checks follow swarm mode"
