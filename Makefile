# Hearth — thin wrapper over CMake (scripts/build.sh). Every target installs
# the Debian packages it needs first (scripts/deps.sh).
.PHONY: all build run test spec fuzz bench-runtime bench-wasm bench-procs \
        format clean

all: build

build:
	@scripts/deps.sh core
	@scripts/build.sh release

# Start a working space on the embedded default (see README).
run: build
	@scripts/run.sh

# The whole suite: optimised, ASan+UBSan, TSan; closes with N passed, N failed.
test:
	@scripts/test.sh

# The WebAssembly spec suite alone.
spec: build
	@build/release/bin/hearth-spec ../shared/wasm-testsuite/json

# A bounded libFuzzer run of every fuzz target (FUZZ_SECONDS each).
FUZZ_SECONDS ?= 60
fuzz:
	@scripts/deps.sh core
	@scripts/fuzz.sh $(FUZZ_SECONDS)

bench-runtime bench-wasm bench-procs:
	@scripts/deps.sh core bench
	@scripts/build.sh release
	@scripts/bench.sh $(@:bench-%=%)

format:
	@git ls-files '*.c' '*.h' | xargs clang-format -i

clean:
	rm -rf build
