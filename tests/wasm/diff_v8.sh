#!/usr/bin/env bash
# diff_v8.sh [N] [BIN_DIR] — differential check of the engine against V8
# (Node): N valid modules from `wasm-opt -ttf` (Wasm 2.0 features but SIMD
# and reference types) run in our engine (hearth-wasm-ttf) and in V8
# (ttf_v8.js); printed results, traps and logged values must agree (floats
# by value, any NaN equal to any NaN). NaN payloads are nondeterministic in
# the spec, and a module may turn one into an integer result
# (i32.reinterpret_f32, a store then an integer load): when a module
# disagrees, it is run again after binaryen's --denan (every NaN a float
# operation makes becomes 0); if that version agrees, the difference was
# only NaN bits, which is counted but is no failure. Seeds are deterministic (seed i for module i, from SEED_BASE,
# default 0) so a run is reproducible; SEED_BASE=random draws them from
# /dev/urandom. A module that disagrees is kept as build/v8diff-*.wasm.
# make test runs a bounded number (hearth-test-wasi); for a larger run:
#   tests/wasm/diff_v8.sh 2000
#   SEED_BASE=random tests/wasm/diff_v8.sh 500
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
n=${1:-100}
bindir=${2:-$root/build/release/bin}
base=${SEED_BASE:-0}
bin="$bindir/hearth-wasm-ttf"
[ -x "$bin" ] || { echo "diff_v8.sh: $bin missing (build first)" >&2; exit 2; }
command -v node >/dev/null || { echo "diff_v8.sh: node missing (scripts/deps.sh test)" >&2; exit 2; }
command -v wasm-opt >/dev/null || { echo "diff_v8.sh: wasm-opt missing (scripts/deps.sh test)" >&2; exit 2; }
js="$here/ttf_v8.js"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
same=0 differ=0 skipped=0 nanbits=0
for i in $(seq 1 "$n"); do
	if [ "$base" = random ]; then
		head -c $((1000 + RANDOM % 4000)) /dev/urandom >"$work/seed"
	else
		s=$((base + i))
		node "$js" seed "$s" $((1000 + (s * 7919) % 4000)) >"$work/seed"
	fi
	if ! wasm-opt -ttf "$work/seed" --mvp-features --enable-sign-ext \
		--enable-bulk-memory --enable-multivalue \
		--enable-nontrapping-float-to-int --enable-mutable-globals \
		-o "$work/m.wasm" 2>/dev/null; then
		skipped=$((skipped + 1))
		continue
	fi
	"$bin" "$work/m.wasm" >"$work/ours" 2>&1
	node --experimental-wasm-type-reflection --stack-size=2000 "$js" run \
		"$work/m.wasm" >"$work/v8" 2>&1
	if node "$js" compare "$work/ours" "$work/v8" >"$work/why"; then
		same=$((same + 1))
	elif wasm-opt "$work/m.wasm" --all-features --denan -o "$work/d.wasm" \
		2>/dev/null &&
		"$bin" "$work/d.wasm" >"$work/ours" 2>&1 &&
		node --experimental-wasm-type-reflection --stack-size=2000 \
			"$js" run "$work/d.wasm" >"$work/v8" 2>&1 &&
		node "$js" compare "$work/ours" "$work/v8" >/dev/null; then
		nanbits=$((nanbits + 1))
	else
		differ=$((differ + 1))
		keep="$root/build/v8diff-$base-$i.wasm"
		cp "$work/m.wasm" "$keep"
		echo "differs (module $i): kept as $keep"
		cat "$work/why"
	fi
done
echo "diff_v8: $same agree, $differ differ, $nanbits differ in NaN bits only, $skipped not generated"
[ "$differ" -eq 0 ]
