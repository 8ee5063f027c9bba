#!/usr/bin/env bash
# run.sh BUILD_DIR — `make bench-procs`: Wasm processes (real guests built
# with the SDK, bench_guest.c, in the runtime with the Wasm layer, driven by
# hearth-bench-procs) beside BEAM (Debian's erlang, bench_procs.erl),
# measured in the same run on the same machine with the same number of
# schedulers. Each side runs RUNS times (default 3), alternating; the table
# shows the medians, the ratio (>1: ours is better) and the issue's target.
#   RUNS=5 SCHEDULERS=2 QUICK=1 ONLY=pingpong,ring bench/procs/run.sh build/release
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: run.sh BUILD_DIR}
runs=${RUNS:-3}
sched=${SCHEDULERS:-$(nproc)}
ours="$build/bin/hearth-bench-procs"
guest="$build/guests/bench_guest.wasm"
[ -x "$ours" ] && [ -f "$guest" ] ||
	{ echo "run.sh: build $ours and $guest first (make bench-procs)" >&2; exit 1; }
command -v erl >/dev/null || { echo "run.sh: erl not found (scripts/deps.sh bench)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
erlc -o "$tmp" "$here/bench_procs.erl"
args=(--guest "$guest") eargs=()
[ -n "${QUICK:-}" ] && args+=(--quick) && eargs+=(quick)
if [ -n "${ONLY:-}" ]; then
	args+=(--only "$ONLY")
	[ ${#eargs[@]} -eq 0 ] && eargs+=(full)
	eargs+=("$ONLY")
fi

echo "bench-procs: $runs runs each, $sched schedulers, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$runs"); do
	echo "  run $r: hearth ..."
	"$ours" --schedulers "$sched" "${args[@]}" >"$tmp/ours.$r"
	echo "  run $r: beam ..."
	(cd "$tmp" && erl -noshell +S "$sched:$sched" -pa "$tmp" \
		-run bench_procs main "${eargs[@]}" -s init stop) >"$tmp/beam.$r"
done

# name|label|unit|better (lo/hi/info)|target for ours (- none)|scale
cat >"$tmp/rows" <<'ROWS'
spawn_first_ns|spawn -> first instruction|us|lo|5|0.001
spawn_paced_ns|(info) spawn, 20 a slice|us|info|-|0.001
spawn_service_ns|(info) spawn via the spawner|us|info|-|0.001
pingpong_rtt_ns|ping-pong round trip|ns|lo|1000|1
pingpong_raw_rtt_ns|(info) round trip, raw ABI|ns|info|-|1
ring_hop_ns|ring of 10,000, per hop|ns|lo|500|1
ring_raw_hop_ns|(info) ring hop, raw ABI|ns|info|-|1
idle_kib_per_proc|100,000 idle, memory each|KiB|lo|16|1
pingpong_p99_busy_us|ping-pong p99, 2 busy loops|us|lo|-|1
ROWS

median() { # file-glob name -> median value
	cat "$tmp"/$1.* | awk -v n="$2" '$1 == n {print $2}' | sort -g |
		awk '{v[NR] = $1} END {if (NR) print v[int((NR + 1) / 2)]}'
}

printf '\n%-30s %12s %12s %9s %10s  %s\n' "figure" "hearth" "BEAM" "ratio" "target" "met"
while IFS='|' read -r name label unit better target scale; do
	o=$(median ours "$name")
	b=$(median beam "$name")
	[ -n "$o" ] || continue
	awk -v o="$o" -v b="${b:-0}" -v unit="$unit" -v better="$better" \
		-v target="$target" -v scale="$scale" -v label="$label" 'BEGIN {
		os = o * scale; bs = b * scale
		if (b == 0 || better == "info") ratio = "-"
		else ratio = sprintf("%.2fx", better == "lo" ? b / o : o / b)
		if (better == "info" || target == "-") { tgt = "-"; mt = "-" }
		else {
			met = (better == "lo") ? (os <= target) : (os >= target)
			tgt = sprintf("%s %g", better == "lo" ? "<=" : ">=", target)
			mt = met ? "yes" : "NO"
		}
		bstr = b == 0 ? "-" : sprintf("%.3g", bs)
		printf "%-30s %12.3g %12s %9s %10s  %s\n", label, os, bstr,
			ratio, tgt, mt
	}'
done <"$tmp/rows"
echo
echo "units: spawn us, round trips and hops ns, memory KiB per process, p99 us;"
echo "ratio > 1 means hearth is better; 'met' compares hearth with the issue's"
echo "target. BEAM's figures quoted by the issue for this class of machine:"
echo "spawn 0.9 us, round trip 0.6 us, 342 ns per hop, 2.6 KiB per process."
echo "Memory is the growth of the resident set of the whole OS process (both"
echo "sides), divided by the number of processes."
