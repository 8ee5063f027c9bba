#!/usr/bin/env bash
# deps.sh — install the Debian bookworm packages Hearth needs, if missing.
# Usage: scripts/deps.sh [core|test|bench|all]...  (default: core test)
# Only apt-get is used; nothing is downloaded from elsewhere.
set -euo pipefail

core="build-essential cmake ninja-build pkg-config clang lld libsodium-dev libuv1-dev
      wasi-libc libclang-rt-14-dev-wasm32"
test="binaryen"
bench="erlang-base"

groups=("$@")
[ ${#groups[@]} -gt 0 ] || groups=(core test)

want=""
for g in "${groups[@]}"; do
	case "$g" in
	core) want="$want $core" ;;
	test) want="$want $core $test" ;;
	bench) want="$want $core $bench" ;;
	all) want="$want $core $test $bench" ;;
	*) echo "deps.sh: unknown group '$g'" >&2; exit 2 ;;
	esac
done

missing=""
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		case " $missing " in *" $p "*) ;; *) missing="$missing $p" ;; esac
	fi
done
# Node is the benchmark peer and the V8 side of the differential check
# (tests/wasm/diff_v8.sh); any installed node will do, else Debian's.
if [[ " ${groups[*]} " == *" bench "* || " ${groups[*]} " == *" test "* ||
	" ${groups[*]} " == *" all "* ]]; then
	command -v node >/dev/null 2>&1 || missing="$missing nodejs"
fi

[ -n "$missing" ] || exit 0

echo "deps.sh: installing:$missing"
if [ "$(id -u)" -eq 0 ]; then
	sudo=""
elif command -v sudo >/dev/null 2>&1; then
	sudo="sudo"
else
	echo "deps.sh: need root (or sudo) to install:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing
