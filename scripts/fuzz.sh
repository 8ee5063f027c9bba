#!/usr/bin/env bash
# fuzz.sh [SECONDS] — build the libFuzzer targets with clang and run each for
# SECONDS (default 60), starting from fuzz/corpus/<name>; new inputs go to
# build/fuzz/corpus/<name>, crashes to build/fuzz/crashes/. Fails on a crash.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-60}
"$root/scripts/build.sh" fuzz
status=0
mkdir -p "$root/build/fuzz/crashes"
for bin in "$root"/build/fuzz/bin/hearth-fuzz-*; do
	name=${bin##*/hearth-fuzz-}
	work="$root/build/fuzz/corpus/$name"
	mkdir -p "$work"
	echo "== fuzz $name for ${secs}s"
	if ! "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=4096 \
		-print_final_stats=1 -artifact_prefix="$root/build/fuzz/crashes/$name-" \
		"$work" "$root/fuzz/corpus/$name" 2>&1 | grep -E '^(#|==|stat::|INFO: (seed|-max)|.*(ERROR|BINGO|crash))' | tail -n 12; then
		:
	fi
	if [ "${PIPESTATUS[0]}" -ne 0 ]; then
		echo "fuzz $name: FAILED (see build/fuzz/crashes/)"
		status=1
	fi
done
exit $status
