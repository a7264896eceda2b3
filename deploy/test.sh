#!/usr/bin/env bash
# make test's run of the tests. The browser journeys spend most of their time waiting on
# Chromium, so they run beside the rest (the other packages, then the race detector's packages,
# then the fuzzers) and the two cores stay busy. Each part's output is printed whole once it
# ends, so the parts never interleave; the run fails if any part failed.
#   deploy/test.sh GO BROWSER_PKGS OTHER_PKGS RACE_PKGS
set -uo pipefail
go=$1 browser=$2 other=$3 race=$4
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

# shellcheck disable=SC2086 # the package lists are word lists
"$go" test -count=1 $browser >"$logs/browser" 2>&1 &
browser_pid=$!

failed=0
part() {
  local name=$1; shift
  echo "== $name: $*"
  if ! "$@"; then
    echo "== $name FAILED"
    failed=1
  fi
}
# shellcheck disable=SC2086
part tests "$go" test -count=1 $other
# shellcheck disable=SC2086
part race "$go" test -count=1 -race $race
part fuzz make --no-print-directory fuzz GO="$go"

echo "== browser journeys: $go test -count=1 $browser"
if wait "$browser_pid"; then
  cat "$logs/browser"
else
  cat "$logs/browser"
  echo "== browser journeys FAILED"
  failed=1
fi
exit "$failed"
