# The two commands of the README: `make run` and `make test`. Each installs what is missing.
GO      ?= go
BIN     := bin/jszg
# Packages whose own code is concurrent (limits, codes, captcha, sessions, the engines, WeChat)
# run under the race detector; the others without it (each package's tests run once). The HTTP
# and MongoDB-engine tests race requests too, but what they check is who wins, which needs no
# race detector, and leaving them out keeps the wire-protocol test engine uninstrumented.
RACE_PKGS = jszg/server/quota jszg/server/code jszg/server/captcha jszg/server/session \
	jszg/server/account jszg/server/store/sqlite $(shell $(GO) list ./wechat/...) \
	jszg/server/realname jszg/server/review
OTHER_PKGS = $(filter-out $(RACE_PKGS),$(shell $(GO) list ./...))

# axe-core, the accessibility checker the browser tests run on every page, from npm into an
# ignored folder (one minified file is all the tests read).
AXE_VERSION := 4.14.1
AXE_DIR     := .cache/axe-$(AXE_VERSION)
AXE_JS      := $(AXE_DIR)/node_modules/axe-core/axe.min.js

.PHONY: all run test bench deps deps-test axe web build vet fuzz clean

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

## web: build the Wasm client into web/ (with brotli and gzip copies)
web:
	$(GO) run ./app/cmd/webbuild

## build: the server binary
build: deps web
	$(GO) build -o $(BIN) ./server/cmd/jszg

## run: the whole product on http://127.0.0.1:8080, embedded store and local stand-ins
run: build
	./$(BIN)

## vet: static checks
vet:
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./shared/... ./app/...

## fuzz: every fuzz target for a few seconds, three at a time. A failure prints the fuzzer's
## output; a crasher stays in the package's testdata/fuzz/ (and is printed), where `go test`
## replays it from then on.
fuzz:
	@for pkg in $$($(GO) list ./shared/... ./server/review/normalise); do \
	  $(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' | sed "s|^|$$pkg |"; \
	done | xargs -P 3 -L 1 ./deploy/fuzz.sh "$(GO)"

## test: every test, the race detector on the quota packages, the fuzzers briefly, browser tests
test: deps-test axe web vet
	$(GO) test -count=1 $(OTHER_PKGS)
	$(GO) test -count=1 -race $(RACE_PKGS)
	$(MAKE) --no-print-directory fuzz
	@echo "make test: all passed"

## bench: speed and memory figures (see README); never asserted. Micro-benchmarks run for 3 s;
## the measurement runs (seeded stores, load over loopback, browser timings) once each.
bench: deps-test web
	$(GO) test -run '^$$' -bench . -benchtime 3s ./server/account/ ./server/captcha/ ./server/review/normalise/
	$(GO) test -run '^$$' -bench Write -benchtime 3s ./server/store/sqlite/
	$(GO) test -run '^$$' -bench LookupByDocNumber -benchtime 1x ./server/store/sqlite/
	$(GO) test -run '^$$' -bench . -benchtime 1x -timeout 30m ./server/httpapi/ ./wechat/ ./app/e2e/

clean:
	rm -rf bin web/app.wasm web/app.wasm.br web/app.wasm.gz web/app.wasm.version
