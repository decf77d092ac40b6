#!/usr/bin/env bash
# Runs every libFuzzer harness for a short fixed time (FUZZ_SECONDS, default
# 30) from its seed corpus. Builds build-fuzz with clang first. Fails if a
# harness finds a crash, leak or sanitizer error.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${FUZZ_SECONDS:-30}
if [ ! -d build-fuzz ]; then
	CC=clang meson setup build-fuzz -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
fi
ninja -C build-fuzz >/dev/null
fixtures=${VIGIL_FIXTURES:-../shared/fixtures}
status=0
for bin in build-fuzz/fuzz/fuzz_*; do
	[ -f "$bin" ] && [ -x "$bin" ] || continue
	name=$(basename "$bin")
	corpus=fuzz/corpus-$name
	mkdir -p "$corpus"
	seeds=()
	[ -d "fuzz/seeds/$name" ] && seeds+=("fuzz/seeds/$name")
	case $name in
	fuzz_rpmdb) [ -d "$fixtures/rpmdb" ] && seeds+=("$fixtures/rpmdb/libuuid") ;;
	esac
	echo "fuzz: $name for ${secs}s"
	if ! "$bin" -max_total_time="$secs" -max_len=1048576 -rss_limit_mb=2048 -timeout=20 \
		-print_final_stats=0 "$corpus" "${seeds[@]}" >"$corpus.log" 2>&1; then
		echo "fuzz: $name FAILED; see $corpus.log" >&2
		tail -40 "$corpus.log" >&2
		status=1
	fi
done
exit $status
