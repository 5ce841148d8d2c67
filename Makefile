# Tycho: the two commands a new machine needs are `make run` and `make test`.
SWIFT ?= swift
DATA ?= examples/events
BENCH_CACHE ?= $(HOME)/.cache/tycho-bench

.PHONY: run build release test deps bench fuzz clean

## Build and open the browser on the example data shipped in the repo.
run: deps release
	.build/release/tycho --data $(DATA)

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product tycho

## Every test: model, command line, screen, writes, hostile input, and end to end in tmux.
## The process-level tests (tmux, 8 concurrent writers) run the release binary: what people use, and fast.
test: deps
	$(SWIFT) build
	$(SWIFT) build -c release --product tycho
	TYCHO_BIN=$(CURDIR)/.build/release/tycho $(SWIFT) test

## Installs what a fresh machine lacks (libncurses-dev, tmux), or says what to install.
deps:
	@scripts/ensure-deps

## Loader, queries and memory at 100k and 1M events beside cat and Python baselines (a few minutes;
## generates the data sets into BENCH_CACHE on first use). SwiftPM builds only the last --product.
bench: deps
	$(SWIFT) build -c release --product tycho
	$(SWIFT) build -c release --product tycho-bench
	.build/release/tycho-bench --cache $(BENCH_CACHE)

clean:
	rm -rf .build
