#!/usr/bin/env bash
# make test's run of the tests, in two lanes that keep both cores busy: the browser journeys in
# one, the other packages and then the fuzzers in the other. Each part's output is printed whole
# once it ends, with the seconds at which it began and ended, so the parts never interleave.
# The run fails if any part failed.
#   deploy/test.sh GO BROWSER_PKGS OTHER_PKGS
# make test has run `go vet ./...` (every analyzer, test files included) before this, so the
# tests run with -vet=off: go test's own vet, a subset of the same analyzers, would vet every
# dependency again. The test binaries are linked without DWARF (-ldflags=-w): a failure's stack
# trace needs only the symbol and line tables, which stay, and the linker does some 13 % less
# work for each of the forty binaries.
set -uo pipefail
go=$1 browser=$2 other=$3
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
start=$SECONDS

# timed NAME CMD...: runs CMD, its output to $logs/NAME, its exit code to $logs/NAME.rc and
# the seconds since the start of the run at which it began and ended to $logs/NAME.time.
timed() {
  local name=$1 began=$((SECONDS - start)); shift
  "$@" >"$logs/$name" 2>&1
  echo $? >"$logs/$name.rc"
  echo "from ${began} s to $((SECONDS - start)) s" >"$logs/$name.time"
}

# shellcheck disable=SC2086 # the package lists are word lists
timed browser "$go" test -count=1 -vet=off -ldflags=-w $browser &
lane=$!

# shellcheck disable=SC2086
timed tests "$go" test -count=1 -vet=off -ldflags=-w $other
timed fuzz make --no-print-directory fuzz GO="$go"
wait "$lane"

failed=0
for name in tests browser fuzz; do
  echo "== $name ($(cat "$logs/$name.time" 2>/dev/null))"
  cat "$logs/$name"
  if [ "$(cat "$logs/$name.rc" 2>/dev/null)" != 0 ]; then
    echo "== $name FAILED"
    failed=1
  fi
done
exit "$failed"
