#!/usr/bin/env bash
# Runs one fuzz target for a few seconds with one worker (make fuzz runs three at a time). On failure it prints the fuzzer's whole
# output and any new crasher the fuzzer kept in the package's testdata/fuzz/. A failure with no
# crasher (the fuzzing engine itself stopping, which a loaded machine can cause) is tried once
# more, and reported as such if it happens again.
set -uo pipefail
go=$1 pkg=$2 target=$3
dir=$("$go" list -f '{{.Dir}}' "$pkg")
corpus="$dir/testdata/fuzz/$target"
echo "fuzz $pkg $target"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for try in 1 2; do
  before=$(ls "$corpus" 2>/dev/null | sort)
  if "$go" test -vet=off -ldflags=-w -run '^$' -fuzz "^${target}\$" -fuzztime 3s -parallel 1 "$pkg" >"$log" 2>&1; then
    exit 0
  fi
  after=$(ls "$corpus" 2>/dev/null | sort)
  new=$(comm -13 <(echo "$before") <(echo "$after") | grep -v '^$' || true)
  echo "--- $target failed (try $try); fuzzer output:"
  cat "$log"
  if [ -n "$new" ]; then
    for f in $new; do
      echo "--- crasher kept in $corpus/$f (go test $pkg replays it):"
      cat "$corpus/$f"
    done
    exit 1
  fi
  echo "--- no crasher was written: the fuzzing engine stopped; trying once more"
done
exit 1
