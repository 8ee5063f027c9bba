#!/usr/bin/env bash
# diff_binaryen.sh [-s] [N] — differential check of the engine against
# binaryen's interpreter: N random valid modules from `wasm-opt -ttf`
# (Wasm 2.0 features but reference types, which Debian's binaryen 108
# generates in a pre-standard form; SIMD too with -s) run in both;
# printed results (v128 as four i32 lanes in hex, as binaryen prints them),
# traps and logged values must agree. Floats compare by value and any NaN
# equals any NaN (NaN payloads are nondeterministic in the spec; a module
# that stores one to memory and reads it back as an integer can still
# differ — check such a report by hand). Needs build/release.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
simd=()
if [ "${1:-}" = -s ]; then
	simd=(--enable-simd)
	shift
fi
n=${1:-100}
bin="$root/build/release/bin/hearth-wasm-ttf"
[ -x "$bin" ] || { echo "diff_binaryen.sh: build release first" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
same=0 differ=0
for i in $(seq 1 "$n"); do
	head -c $((1000 + RANDOM % 4000)) /dev/urandom >"$work/seed"
	wasm-opt -ttf "$work/seed" --mvp-features "${simd[@]}" --enable-sign-ext \
		--enable-bulk-memory --enable-multivalue \
		--enable-nontrapping-float-to-int --enable-mutable-globals \
		-o "$work/m.wasm" 2>/dev/null || continue
	"$bin" "$work/m.wasm" >"$work/ours" 2>&1
	wasm-opt "$work/m.wasm" --all-features --fuzz-exec-before >"$work/theirs" 2>&1
	if python3 - "$work/ours" "$work/theirs" <<'PY'
import math, re, sys
def lines(path):
    out = []
    for l in open(path, errors="replace"):
        l = l.strip()
        if l.startswith("[trap"):
            out.append("[trap]")
        elif l.startswith("[fuzz-exec]") or l.startswith("[LoggingExternalInterface"):
            out.append(l)
    return out
def num(t):
    if "nan" in t:
        return float("nan")
    return float(t)
def same(a, b):
    if a == b:
        return True
    ta, tb = re.split(r"([ ,()\]])", a), re.split(r"([ ,()\]])", b)
    if len(ta) != len(tb):
        return False
    for x, y in zip(ta, tb):
        if x == y:
            continue
        try:
            fx, fy = num(x), num(y)
        except ValueError:
            return False
        if not (fx == fy or (math.isnan(fx) and math.isnan(fy))):
            return False
    return True
a, b = lines(sys.argv[1]), lines(sys.argv[2])
for x, y in zip(a, b):
    if not same(x, y):
        print("  ours:  " + x + "\n  theirs: " + y)
        sys.exit(1)
sys.exit(0 if len(a) == len(b) else 1)
PY
	then
		same=$((same + 1))
	else
		differ=$((differ + 1))
		cp "$work/m.wasm" "$root/build/diff-$i.wasm"
		echo "differs: kept as build/diff-$i.wasm"
	fi
done
echo "diff_binaryen: $same agree, $differ differ"
[ "$differ" -eq 0 ]
