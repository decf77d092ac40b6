#!/usr/bin/env bash
# The built-in secret rules' Hyperscan database is compiled at build time and embedded in vigil, so a scan with an
# empty cache compiles nothing: it finds the secret and leaves no compiled database in $XDG_CACHE_HOME/vigil/hs
# (a compile always stores one there). A rule set of the user's own is compiled and cached, and the next run reads
# the cached file (same inode).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
require_vigil

DIR=$TEST_TMP/ctx
mkdir -p "$DIR"
printf 'token = ghp_Q7mXz2LkVbW5nHr8TfYc3JdPa9SgE4uKw6Bi\n' >"$DIR/settings.ini"
export XDG_CACHE_HOME=$TEST_TMP/cache
mkdir -p "$XDG_CACHE_HOME"

run_vigil fs "$DIR" --format json
expect_rc 0 "vigil fs with the built-in rules"
grep -q '"RuleID": "github-pat"' "$OUT" || fail "the GitHub token was not found"
[[ ! -e $XDG_CACHE_HOME/vigil/hs ]] || fail "built-in rules were compiled at run time: $(ls "$XDG_CACHE_HOME/vigil/hs")"

printf 'disable-rules: [generic-password]\n' >"$TEST_TMP/rules.yaml"
run_vigil fs "$DIR" --format json --secret-config "$TEST_TMP/rules.yaml"
expect_rc 0 "vigil fs with a rule set of its own"
grep -q '"RuleID": "github-pat"' "$OUT" || fail "the GitHub token was not found with the custom rule set"
mapfile -t files < <(find "$XDG_CACHE_HOME/vigil/hs" -name '*.hsdb')
((${#files[@]} == 1)) || fail "expected one cached database for the custom rule set, found ${#files[@]}"
inode=$(stat -c %i "${files[0]}")
run_vigil fs "$DIR" --format json --secret-config "$TEST_TMP/rules.yaml"
expect_rc 0 "vigil fs with the cached custom rule set"
grep -q '"RuleID": "github-pat"' "$OUT" || fail "the GitHub token was not found from the cached database"
[[ $(stat -c %i "${files[0]}") == "$inode" ]] || fail "the cached database was rewritten instead of read"
log "ok: embedded database for the built-in rules, cache for a custom rule set"
