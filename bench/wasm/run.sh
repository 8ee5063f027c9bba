#!/usr/bin/env bash
# run.sh BUILD_DIR — `make bench-wasm`: each C workload of this folder built
# natively (gcc -O2) and for wasm32-wasi (clang -O2), run natively, in our
# engine with fuel metering on and off (hearth-wasm), and in Node's V8, all
# in this run on this machine. Prints best-of-RUNS times, the ratios to
# native, their geometric means, the fuel overhead, instantiate time and
# resident memory per idle instance (ours beside V8's), each against the
# issue's target.
#   RUNS=5 ONLY=fib,sieve SLICE=100000 bench/wasm/run.sh build/release
# Times: native is the whole process; ours and V8 are instantiate + run of
# the program (`--time`: the module is compiled before the clock starts).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:?usage: run.sh BUILD_DIR}" && pwd)
runs=${RUNS:-3}
slice=${SLICE:-100000}
hw="$build/bin/hearth-wasm"
[ -x "$hw" ] || { echo "run.sh: build $hw first (make bench-wasm)" >&2; exit 1; }
command -v node >/dev/null || { echo "run.sh: node not found (scripts/deps.sh bench)" >&2; exit 1; }
wcc=$(command -v clang-14 || command -v clang)
node=(node --experimental-wasi-unstable-preview1 --no-warnings)
works=(fib sieve sha256 matmul mixed)
if [ -n "${ONLY:-}" ]; then IFS=, read -r -a works <<<"$ONLY"; fi

out="$build/bench-wasm"
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for w in "${works[@]}"; do
	gcc -O2 -o "$out/$w.native" "$here/$w.c" -lm
	"$wcc" --target=wasm32-wasi -O2 -o "$out/$w.wasm" "$here/$w.c"
done

now_ns() { date +%s%N; }

# time_of KIND WORKLOAD RUN: run one, keep its stdout, print seconds.
time_of() {
	local kind=$1 w=$2 r=$3 t0 t1 o
	o="$tmp/$w.$kind.$r"
	case $kind in
	native)
		t0=$(now_ns)
		"$out/$w.native" >"$o.out"
		t1=$(now_ns)
		awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.6f\n", (b - a) / 1e9}'
		;;
	fuel)
		"$hw" run --time --fuel-slice "$slice" "$out/$w.wasm" >"$o.out" 2>"$o.err"
		sed -nE 's/^hearth-wasm: time: run ([0-9.]+) s.*/\1/p' "$o.err"
		;;
	nofuel)
		"$hw" run --time --no-fuel "$out/$w.wasm" >"$o.out" 2>"$o.err"
		sed -nE 's/^hearth-wasm: time: run ([0-9.]+) s.*/\1/p' "$o.err"
		;;
	v8)
		"${node[@]}" "$here/node-wasi.js" --time "$out/$w.wasm" >"$o.out" 2>"$o.err"
		sed -nE 's/^node: time: run ([0-9.]+) s.*/\1/p' "$o.err"
		;;
	esac
}

echo "bench-wasm: best of $runs runs, fuel slice $slice, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "  $(gcc --version | head -1); $($wcc --version | head -1); node $(node --version)"
for r in $(seq "$runs"); do
	for w in "${works[@]}"; do
		for k in native fuel nofuel v8; do
			t=$(time_of "$k" "$w" "$r")
			[ -n "$t" ] || { echo "run.sh: $w ($k) failed:" >&2; cat "$tmp/$w.$k.$r.err" >&2 2>/dev/null; exit 1; }
			echo "$w $k $t" >>"$tmp/times"
		done
		# every engine must print what the native program printed
		for k in fuel nofuel v8; do
			if ! cmp -s "$tmp/$w.native.$r.out" "$tmp/$w.$k.$r.out"; then
				echo "run.sh: $w: $k output differs from native:" >&2
				diff "$tmp/$w.native.$r.out" "$tmp/$w.$k.$r.out" >&2 || true
				exit 1
			fi
		done
	done
	echo "  run $r done"
done

echo
awk -v works="${works[*]}" '
	{ if (!(($1, $2) in best) || $3 < best[$1, $2]) best[$1, $2] = $3 }
	END {
		n = split(works, W, " ")
		printf "%-8s %10s %12s %8s %12s %8s %10s %8s\n", "workload", "native s",
			"hearth s", "x nat", "no-fuel s", "fuel +", "V8 s", "x nat"
		lo = 0; lf = 0; lv = 0
		for (i = 1; i <= n; i++) {
			w = W[i]; na = best[w, "native"]; f = best[w, "fuel"]
			nf = best[w, "nofuel"]; v = best[w, "v8"]
			printf "%-8s %10.3f %12.3f %7.1fx %12.3f %7.1f%% %10.3f %7.1fx\n",
				w, na, f, f / na, nf, (f / nf - 1) * 100, v, v / na
			lo += log(f / na); lf += log(f / nf); lv += log(v / na)
		}
		go = exp(lo / n); gf = (exp(lf / n) - 1) * 100; gv = exp(lv / n)
		printf "%-8s %10s %12s %7.1fx %12s %7.1f%% %10s %7.1fx\n",
			"geomean", "", "", go, "", gf, "", gv
		printf "\ntarget: hearth with fuel <= 15x native (geometric mean): %.1fx  %s\n",
			go, go <= 15 ? "MET" : "MISSED"
		printf "target: fuel metering costs <= 10%% (geometric mean): %.1f%%  %s\n",
			gf, gf <= 10 ? "MET" : "MISSED"
		printf "peer:   V8 (Node) %.1fx native\n", gv
	}' "$tmp/times"

# Instantiate time and idle memory, ours beside V8's, on the mixed workload
# (or the first one run).
probe="$out/mixed.wasm"
[ -f "$probe" ] || probe="$out/${works[0]}.wasm"
echo
echo "instantiate and idle memory ($(basename "$probe")):"
printf '  hearth: %s\n' "$("$hw" instantiate-bench "$probe" 20000)"
printf '  V8:     %s\n' "$("${node[@]}" "$here/node-wasi.js" --instantiate-bench "$probe" 2000)"
printf '  hearth: %s\n' "$("$hw" idle-rss "$probe" 10000)"
printf '  V8:     %s\n' "$("${node[@]}" --expose-gc "$here/node-wasi.js" --idle-rss "$probe" 2000)"
