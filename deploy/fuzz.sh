#!/usr/bin/env bash
# make fuzz: every fuzz target of the given packages for a few seconds with one worker, three at
# a time. Each package's fuzzing binary is built once and each of its targets runs from it in
# the package's folder, as `go test -fuzz` would run it.
#
# The binary's coverage guidance comes from the project's own packages only: they are compiled
# with the compiler's fuzzing instrumentation (-d=libfuzzer, what `go test -fuzz` passes on
# amd64 and arm64), the standard library and other modules are not. `go test -fuzz` would
# instrument those too, which means compiling the standard library once more (some 50
# CPU-seconds from empty caches) and runs the targets about five times slower, for guidance
# inside strconv and unicode that the parsers under test do not need.
#
# On failure a target prints the fuzzer's whole output and any new crasher the fuzzer kept in the
# package's testdata/fuzz/, where `go test` replays it from then on. A failure with no crasher
# (the fuzzing engine itself stopping, which a loaded machine can cause) is tried once more, and
# reported as such if it happens again.
#   deploy/fuzz.sh GO FUZZTIME PKG...
#   deploy/fuzz.sh run BIN PKG DIR CACHE FUZZTIME TARGET   (one target; used by the above)
set -uo pipefail

if [ "$1" = run ]; then
  bin=$2 pkg=$3 dir=$4 cache=$5 fuzztime=$6 target=$7
  corpus="$dir/testdata/fuzz/$target"
  echo "fuzz $pkg $target"
  log=$(mktemp)
  trap 'rm -f "$log"' EXIT
  for try in 1 2; do
    before=$(ls "$corpus" 2>/dev/null | sort)
    if (cd "$dir" && "$bin" -test.run='^$' -test.fuzz="^${target}\$" -test.fuzztime="$fuzztime" \
        -test.parallel=1 -test.fuzzcachedir="$cache") >"$log" 2>&1; then
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
fi

go=$1 fuzztime=$2
shift 2
bins=$(mktemp -d)
trap 'rm -rf "$bins"' EXIT
gocache=$("$go" env GOCACHE)
module=$("$go" list -m)
jobs=$bins/jobs
: >"$jobs"
# The targets are read from the test files, which costs no build.
while read -r pkg dir; do
  targets=$(cat "$dir"/*_test.go 2>/dev/null | sed -n 's|^func \(Fuzz[A-Za-z0-9_]*\)(.*|\1|p')
  [ -n "$targets" ] || continue
  bin=$bins/$(echo "$pkg" | tr / _).test
  if ! "$go" test -c -vet=off -ldflags=-w -gcflags="$module/...=-d=libfuzzer" -o "$bin" "$pkg"; then
    echo "--- $pkg: the fuzzing binary did not build"
    exit 1
  fi
  for t in $targets; do
    # Where go test keeps the inputs the fuzzer found interesting.
    echo "$bin $pkg $dir $gocache/fuzz/$pkg $fuzztime $t" >>"$jobs"
  done
done < <("$go" list -f '{{.ImportPath}} {{.Dir}}' "$@")
xargs -P 3 -L 1 "$0" run <"$jobs"
