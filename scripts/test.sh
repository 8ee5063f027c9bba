#!/usr/bin/env bash
# test.sh — what `make test` and CI run: install what is missing, then build
# and run the whole suite optimised and under ASan+UBSan, the scheduler and
# mailbox tests under TSan, and replay every fuzz corpus. Ends with one line
# "make test: N passed, N failed" summing every runner's closing line.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
"$root/scripts/deps.sh" core test || exit 1

passed=0 failed=0 broken=()
t_start=$SECONDS

# run LABEL CMD...: run one runner, echo its output, add its closing counts.
run() {
	local label=$1 out line p f rc
	shift
	out=$(mktemp)
	"$@" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	line=$(grep -E '^([^ ]+: )?[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
	rm -f "$out"
	if [ -z "$line" ]; then
		echo "test.sh: $label printed no closing line (exit $rc)"
		failed=$((failed + 1))
		broken+=("$label")
		return
	fi
	p=$(sed -E 's/^([^ ]+: )?([0-9]+) passed.*/\2/' <<<"$line")
	f=$(sed -E 's/^.* ([0-9]+) failed.*/\1/' <<<"$line")
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" -eq 0 ] && [ "$rc" -ne 0 ]; then
		echo "test.sh: $label exited $rc with no failure counted"
		failed=$((failed + 1))
		broken+=("$label")
	elif [ "$f" -ne 0 ]; then
		broken+=("$label")
	fi
}

# replay BIN DIR: each fuzz target over its seed corpus, counted as one test.
replay() {
	local bin=$1 name corpus
	name=${bin##*/hearth-fuzz-}
	corpus="$root/fuzz/corpus/$name"
	[ -d "$corpus" ] || return 0
	if "$bin" "$corpus" >/dev/null 2>&1; then
		echo "ok   fuzz corpus $name"
		passed=$((passed + 1))
	else
		echo "FAIL fuzz corpus $name ($bin $corpus)"
		failed=$((failed + 1))
		broken+=("fuzz-$name")
	fi
}

stage() {
	local cfg=$1 scale=$2 bin
	echo "== $cfg: build"
	if ! "$root/scripts/build.sh" "$cfg"; then
		echo "test.sh: $cfg build failed"
		failed=$((failed + 1))
		broken+=("build-$cfg")
		return
	fi
	echo "== $cfg: run"
	export HEARTH_TEST_TIMEOUT_SCALE=$scale
	for bin in "$root/build/$cfg"/bin/hearth-test-*; do
		[ -x "$bin" ] && run "$cfg/${bin##*/}" "$bin" -q
	done
	if [ -x "$root/build/$cfg/bin/hearth-spec" ]; then
		run "$cfg/hearth-spec" "$root/build/$cfg/bin/hearth-spec" -q \
			"$root/../shared/wasm-testsuite/json"
	fi
	for bin in "$root/build/$cfg"/bin/hearth-fuzz-*; do
		[ -x "$bin" ] && replay "$bin"
	done
	unset HEARTH_TEST_TIMEOUT_SCALE
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}

stage release 1
stage asan 4

# TSan: the runners and filters listed in tests/tsan.list ("program prefixes").
mapfile -t progs < <(grep -v '^#' "$root/tests/tsan.list" | awk 'NF {print $1}' | sort -u)
if [ ${#progs[@]} -gt 0 ]; then
	echo "== tsan: build"
	if "$root/scripts/build.sh" tsan "${progs[@]}"; then
		echo "== tsan: run"
		export HEARTH_TEST_TIMEOUT_SCALE=6
		while read -r prog filter; do
			case "$prog" in ''|'#'*) continue ;; esac
			run "tsan/$prog" "$root/build/tsan/bin/$prog" -q -f "$filter"
		done <"$root/tests/tsan.list"
		unset HEARTH_TEST_TIMEOUT_SCALE
	else
		echo "test.sh: tsan build failed"
		failed=$((failed + 1))
		broken+=("build-tsan")
	fi
fi

echo
echo "test.sh: took $((SECONDS - t_start)) s"
[ ${#broken[@]} -eq 0 ] || echo "test.sh: failing: ${broken[*]}"
echo "make test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
