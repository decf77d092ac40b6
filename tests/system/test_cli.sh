#!/usr/bin/env bash
# CLI contract: help, version, usage errors (exit 2), unreadable input (exit 3, one error line naming the path).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
require_vigil

version=$(sed -n "s/^ *version *: *'\([^']*\)'.*/\1/p" "$VIGIL_SOURCE_ROOT/meson.build" | head -n1)
[[ -n $version ]] || fail "could not read the project version from meson.build"

run_vigil --help
expect_rc 0 "vigil --help"
help=$(cat "$OUT" "$ERR")
for w in image rootfs --version --help; do assert_contains "$help" "$w" "vigil --help"; done

run_vigil --version
expect_rc 0 "vigil --version"
assert_contains "$(cat "$OUT")" "$version" "vigil --version (stdout)"

run_vigil image --help
expect_rc 0 "vigil image --help"
help=$(cat "$OUT" "$ERR")
for w in --input --list-all-pkgs --format --output --platform table json; do
  assert_contains "$help" "$w" "vigil image --help"
done

run_vigil rootfs --help
expect_rc 0 "vigil rootfs --help"
assert_contains "$(cat "$OUT" "$ERR")" "--format" "vigil rootfs --help"

run_vigil frobnicate
expect_rc 2 "unknown command"
[[ -s $ERR ]] || fail "unknown command: nothing on stderr"

run_vigil
expect_rc 2 "no command"

run_vigil image --no-such-option "$VIGIL_FIXTURES/images/alpine-310.tar.gz"
expect_rc 2 "unknown option"

run_vigil image --input "$VIGIL_FIXTURES/images/alpine-310.tar.gz" --format xml
expect_rc 2 "--format xml"

missing=/nonexistent/vigil-$$-no-such-image.tar
run_vigil image --input "$missing"
expect_rc 3 "image --input $missing"
nlines=$(grep -c . "$ERR" || true)
assert_eq 1 "$nlines" "number of error lines for a missing input (stderr: $(cat "$ERR"))"
assert_contains "$(cat "$ERR")" "$missing" "error line for a missing input"
[[ ! -s $OUT ]] || fail "missing input: unexpected output on stdout: $(head -c 500 "$OUT")"

run_vigil rootfs "$missing"
expect_rc 3 "rootfs $missing"
assert_contains "$(cat "$ERR")" "$missing" "rootfs: error for a missing dir"

echo "test_cli: ok"
