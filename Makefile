# srt — see README.md. `make build` writes ./bin/srt; `make test` runs every test.
GO ?= go
export CGO_ENABLED ?= 0

.PHONY: all build demo test check vet fmt cross tidy checksums bench fuzz runtimes python-smoke clean

all: build

build:
	$(GO) build -buildvcs=auto -trimpath -o bin/srt ./cmd/srt

# The main job on the built-in default policy (no settings file): start the proxies, show an audited denial.
demo: build
	testdata/demo.sh

# All tests, with the race detector; fuzz targets run their seed corpora. -count=1: some tests look at
# files go test cannot see (go list, built binaries, external clients).
test:
	CGO_ENABLED=1 $(GO) test -race -count=1 ./...

check: vet fmt cross tidy checksums

vet:
	$(GO) vet ./...

fmt:
	@out=$$(gofmt -l cmd host proxy wasi runtimes 2>/dev/null); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

cross:
	GOOS=linux GOARCH=amd64 $(GO) build -o /dev/null ./...
	GOOS=linux GOARCH=arm64 $(GO) build -o /dev/null ./...
	GOOS=darwin GOARCH=arm64 $(GO) build -o /dev/null ./...
	GOOS=windows GOARCH=amd64 $(GO) build -o /dev/null ./...

tidy:
	@tmp=$$(mktemp -d) && cp go.mod go.sum $$tmp/ && $(GO) mod tidy && \
	if ! cmp -s go.mod $$tmp/go.mod || ! cmp -s go.sum $$tmp/go.sum; then \
		diff -u $$tmp/go.mod go.mod; cp $$tmp/go.mod $$tmp/go.sum .; rm -rf $$tmp; \
		echo "go.mod/go.sum are not tidy: run go mod tidy"; exit 1; fi; rm -rf $$tmp

checksums:
	@for f in runtimes/*/SHA256SUMS; do [ -f "$$f" ] || continue; (cd $$(dirname $$f) && sha256sum --quiet -c SHA256SUMS) || exit 1; done

# Benchmarks print ratios against peers measured in the same run (see docs/benchmarks.md).
bench: build
	testdata/bench/proxy.sh
	testdata/bench/native.sh
	testdata/bench/wasm-python.sh
	testdata/bench/wasm-js.sh
	runtimes/python/bench.sh

# Rebuild the embedded interpreters from pinned sources (slow: CPython takes 4-6 minutes; needs root for apt).
runtimes:
	runtimes/python/build.sh
	runtimes/js/fetch.sh

# A handful of CPython's own regression tests, run inside the WASM interpreter.
python-smoke:
	runtimes/python/smoke.sh

# Longer fuzzing than the seeds `make test` runs.
FUZZTIME ?= 30s
fuzz:
	$(GO) test -run='^$$' -fuzz=FuzzParsePattern -fuzztime=$(FUZZTIME) ./host/policy
	$(GO) test -run='^$$' -fuzz=FuzzDecideNetwork -fuzztime=$(FUZZTIME) ./host/policy
	$(GO) test -run='^$$' -fuzz=FuzzParseSettings -fuzztime=$(FUZZTIME) ./host/policy

clean:
	rm -rf bin
