#!/usr/bin/env bash
# run.sh BUILD_DIR — `make bench-runtime`: the runtime's native-process
# figures beside BEAM's (Debian's erlang), measured in the same run on the
# same machine with the same number of schedulers. Each side runs RUNS
# times (default 3), alternating; the table shows the medians, the ratio
# (>1: ours is better) and the issue's target for ours.
#   RUNS=5 SCHEDULERS=2 QUICK=1 ONLY=pingpong,ring bench/runtime/run.sh build/release
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: run.sh BUILD_DIR}
runs=${RUNS:-3}
sched=${SCHEDULERS:-$(nproc)}
ours="$build/bin/hearth-bench-rt"
[ -x "$ours" ] || { echo "run.sh: build $ours first (make bench-runtime)" >&2; exit 1; }
command -v erl >/dev/null || { echo "run.sh: erl not found (scripts/deps.sh bench)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
erlc -o "$tmp" "$here/bench_rt.erl"
args=() eargs=()
[ -n "${QUICK:-}" ] && args+=(--quick) && eargs+=(quick)
if [ -n "${ONLY:-}" ]; then
	args+=(--only "$ONLY")
	[ ${#eargs[@]} -eq 0 ] && eargs+=(full)
	eargs+=("$ONLY")
fi

echo "bench-runtime: $runs runs each, $sched schedulers, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$runs"); do
	echo "  run $r: hearth ..."
	"$ours" --schedulers "$sched" "${args[@]}" >"$tmp/ours.$r"
	echo "  run $r: beam ..."
	(cd "$tmp" && erl -noshell +S "$sched:$sched" -pa "$tmp" \
		-run bench_rt main "${eargs[@]}" -s init stop) >"$tmp/beam.$r"
done

# name|label|unit|better (lo/hi)|target for ours|scale for display
cat >"$tmp/rows" <<'ROWS'
spawn_exit_ns|spawn + exit|us|lo|1|0.001
pingpong_rtt_ns|ping-pong round trip|ns|lo|250|1
senders_1_msgs_per_s|1 sender -> 1 receiver|M msg/s|hi|15|0.000001
senders_2_msgs_per_s|2 senders -> 1 receiver|M msg/s|hi|15|0.000001
senders_3_msgs_per_s|3 senders -> 1 receiver|M msg/s|hi|15|0.000001
senders_4_msgs_per_s|4 senders -> 1 receiver|M msg/s|hi|15|0.000001
ring_hop_ns|ring of 10,000, per hop|ns|lo|200|1
monitor_demonitor_ns|monitor + demonitor|ns|lo|100|1
pingpong_p99_busy_us|ping-pong p99, 2 busy loops|us|lo|40|1
busy_slice_us|(info) busy-loop slice|us|info|0|1
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
		met = (better == "lo") ? (os <= target) : (os >= target)
		tgt = sprintf("%s %g", better == "lo" ? "<=" : ">=", target)
		if (better == "info") { tgt = "-"; mt = "-" } else mt = met ? "yes" : "NO"
		printf "%-30s %12.3g %12.3g %9s %10s  %s\n", label, os, bs,
			ratio, tgt, mt
	}'
done <"$tmp/rows"
echo
echo "units: spawn us, ping-pong/ring/monitor ns, senders M msg/s, p99 and slice us;"
echo "ratio > 1 means hearth is better; 'met' compares hearth with the target."
echo "The busy-loop slice row is context for the p99: how long a busy process"
echo "runs before it is preempted (hearth: budget x one LCG step per reduction;"
echo "BEAM: context_reductions x its measured time per reduction)."
