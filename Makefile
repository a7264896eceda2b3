# The two commands of the README: `make run` and `make test`. Each installs what is missing.
GO      ?= go
BIN     := bin/jszg
# The tests run FerretDB (the MongoDB wire-protocol engine of the store tests) on its SQLite
# backend: leaving out its PostgreSQL backend saves compiling pgx and twenty other packages.
# A make run inside make inherits the tag: filter-out keeps a single copy.
export GOFLAGS := $(strip $(filter-out -tags=ferretdb_no_postgresql,$(GOFLAGS)) -tags=ferretdb_no_postgresql)
# The browser journeys run beside the rest (deploy/test.sh).
BROWSER_PKGS = jszg/app/e2e
OTHER_PKGS = $(filter-out $(BROWSER_PKGS),$(shell $(GO) list ./...))
# make race: the packages whose own code is concurrent (limits, codes, captcha, sessions, the
# engines, WeChat, 实名核验, 人工审核) under the race detector. make test leaves it out: compiling
# the whole dependency closure a second time, instrumented, and running it some five times slower
# would take make test past ten minutes on two cores; the races these packages must win are
# checked by outcome in make test (fifty goroutines for three slots, exactly three win).
RACE_PKGS = jszg/server/quota jszg/server/code jszg/server/captcha jszg/server/session \
	jszg/server/account jszg/server/store/sqlite $(shell $(GO) list ./wechat/...) \
	jszg/server/realname jszg/server/review

# axe-core, the accessibility checker the browser tests run on every page, from npm into an
# ignored folder (one minified file is all the tests read).
AXE_VERSION := 4.14.1
AXE_DIR     := .cache/axe-$(AXE_VERSION)
AXE_JS      := $(AXE_DIR)/node_modules/axe-core/axe.min.js

.PHONY: all run test race bench deps deps-test axe web build vet vet-host vet-wasm fuzz clean

all: build

## deps: system packages for building and running (libvips, pkg-config)
deps:
	@./deploy/install-deps.sh

## deps-test: the above plus Chromium for the browser tests
deps-test:
	@./deploy/install-deps.sh --with-browser

## axe: axe-core for the browser tests' accessibility checks
axe: $(AXE_JS)

$(AXE_JS):
	npm install --prefix $(AXE_DIR) --no-audit --no-fund --no-save --silent axe-core@$(AXE_VERSION)

## web: build the Wasm client into web/ (with brotli and gzip copies). make test compresses at
## brotli quality 5 (a second instead of half a minute; the same client, some 15 % larger);
## make run and make bench at the shipped quality.
WEBBUILD_FLAGS ?=
web:
	$(GO) run ./app/cmd/webbuild $(WEBBUILD_FLAGS)

## build: the server binary
build: deps web
	$(GO) build -o $(BIN) ./server/cmd/jszg

## run: the whole product on http://127.0.0.1:8080, embedded store and local stand-ins
run: build
	./$(BIN)

## vet: static checks (the Wasm half with the client build's -trimpath, so it reuses that build)
vet: vet-host vet-wasm

vet-host:
	$(GO) vet ./...

vet-wasm: web
	GOOS=js GOARCH=wasm $(GO) vet -trimpath ./shared/... ./app/...

## fuzz: every fuzz target for FUZZTIME with one worker, three at a time, each package's
## instrumented binary built once (deploy/fuzz.sh). A failure prints the fuzzer's output; a crasher
## stays in the package's testdata/fuzz/ (and is printed), where `go test` replays it from then on.
## For a longer hunt: make fuzz FUZZTIME=5m.
FUZZTIME ?= 2s
fuzz:
	@./deploy/fuzz.sh "$(GO)" "$(FUZZTIME)" ./shared/... ./server/review/normalise

## test: every test and the fuzzers briefly, the browser journeys in a lane beside the rest
## (deploy/test.sh); the client's build and the server's checks side by side first (each leaves
## a core idle at times)
test: deps-test axe
	@$(MAKE) --no-print-directory -j 2 web vet-host WEBBUILD_FLAGS=-brotli=5
	@$(MAKE) --no-print-directory vet-wasm WEBBUILD_FLAGS=-brotli=5
	@./deploy/test.sh "$(GO)" "$(BROWSER_PKGS)" "$(OTHER_PKGS)"
	@echo "make test: all passed"

## race: the concurrent packages' tests under the race detector (see RACE_PKGS)
race: deps
	$(GO) test -count=1 -race $(RACE_PKGS)

## bench: speed and memory figures (see README); never asserted. Micro-benchmarks run for 3 s;
## the measurement runs (seeded stores, load over loopback, browser timings) once each.
bench: deps-test web
	$(GO) test -run '^$$' -bench . -benchtime 3s ./server/account/ ./server/captcha/ ./server/review/normalise/
	$(GO) test -run '^$$' -bench Write -benchtime 3s ./server/store/sqlite/
	$(GO) test -run '^$$' -bench LookupByDocNumber -benchtime 1x ./server/store/sqlite/
	$(GO) test -run '^$$' -bench StartExistingVsUnknown -benchtime 1x ./server/passwordreset/
	$(GO) test -run '^$$' -bench . -benchtime 1x -timeout 30m ./server/httpapi/ ./wechat/ ./app/e2e/

clean:
	rm -rf bin web/app.wasm web/app.wasm.br web/app.wasm.gz web/app.wasm.version
