#!/usr/bin/env bash
# make test's run of the tests, in two lanes that keep both cores busy: the browser journeys
# (which spend much of their time waiting on Chromium) and then the fuzzers in one, the other
# packages and then the race detector's packages in the other. Each part's output is printed
# whole once it ends, so the parts never interleave; the run fails if any part failed.
#   deploy/test.sh GO BROWSER_PKGS OTHER_PKGS RACE_PKGS
set -uo pipefail
go=$1 browser=$2 other=$3 race=$4
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

# shellcheck disable=SC2086 # the package lists are word lists
{
  "$go" test -count=1 $browser >"$logs/browser" 2>&1
  echo $? >"$logs/browser.rc"
  make --no-print-directory fuzz GO="$go" >"$logs/fuzz" 2>&1
  echo $? >"$logs/fuzz.rc"
} &
lane=$!

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

wait "$lane"
for name in browser fuzz; do
  echo "== $name (beside the above)"
  cat "$logs/$name"
  if [ "$(cat "$logs/$name.rc" 2>/dev/null)" != 0 ]; then
    echo "== $name FAILED"
    failed=1
  fi
done
exit "$failed"
