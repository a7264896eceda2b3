# The two commands of the README: `make run` and `make test`. Each installs what is missing.
GO      ?= go
BIN     := bin/jszg
# Packages whose limits are raced by concurrent tests run under the race detector; the others
# run without it (each package's tests run once).
RACE_PKGS = jszg/server/quota jszg/server/code jszg/server/captcha jszg/server/session jszg/server/account \
	jszg/server/httpapi jszg/server/store/sqlite jszg/server/store/mongo $(shell $(GO) list ./wechat/...) \
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

## fuzz: every fuzz target for a few seconds. A failure prints the fuzzer's output; a crasher stays
## in the package's testdata/fuzz/ (and is printed), where `go test` replays it from then on.
fuzz:
	@for pkg in $$($(GO) list ./shared/... ./server/review); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "fuzz $$pkg $$f"; \
	    ./deploy/fuzz.sh "$(GO)" "$$pkg" "$$f" || exit 1; \
	  done; \
	done

## test: every test, the race detector on the quota packages, the fuzzers briefly, browser tests
test: deps-test axe web vet
	$(GO) test -count=1 $(OTHER_PKGS)
	$(GO) test -count=1 -race $(RACE_PKGS)
	$(MAKE) --no-print-directory fuzz
	@echo "make test: all passed"

## bench: speed and memory figures (see README); never asserted
bench: deps-test axe web
	$(GO) test -run '^$$' -bench . -benchtime 3s ./server/... ./app/... ./wechat/...

clean:
	rm -rf bin web/app.wasm web/app.wasm.br web/app.wasm.gz web/app.wasm.version
