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

## Fuzzes the line and timestamp parsers for FUZZ_SECONDS (make fuzz FUZZ_SECONDS=600);
## findings and the inputs it learns go to fuzz/out/. The model is compiled into the fuzzer.
## Leak checks are off: run after every input that allocates a cache, they cost 8× the speed.
FUZZ_SECONDS ?= 60
SWIFTC ?= swiftc
fuzz:
	mkdir -p .build/fuzz fuzz/out/corpus
	$(SWIFTC) -sanitize=fuzzer,address -parse-as-library -O -module-name TychoModel \
		fuzz/*.swift Sources/TychoModel/*.swift -o .build/fuzz/tycho-fuzz
	SWIFT_BACKTRACE=enable=no .build/fuzz/tycho-fuzz -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
		-detect_leaks=0 -rss_limit_mb=4096 -dict=fuzz/tycho.dict -artifact_prefix=fuzz/out/ \
		fuzz/out/corpus fuzz/corpus

clean:
	rm -rf .build
