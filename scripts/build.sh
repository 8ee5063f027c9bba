#!/usr/bin/env bash
# build.sh CONFIG [TARGET...] — configure (once) and build build/CONFIG.
# CONFIG: release | asan (ASan+UBSan) | tsan | fuzz (clang + libFuzzer).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cfg=${1:?usage: build.sh release|asan|tsan|fuzz [target...]}
shift
dir="$root/build/$cfg"
args=(-G Ninja -DCMAKE_BUILD_TYPE=Release)
case "$cfg" in
release) ;;
asan) args+=(-DHEARTH_SANITIZE=address) ;;
tsan) args+=(-DHEARTH_SANITIZE=thread) ;;
fuzz) args+=(-DHEARTH_SANITIZE=fuzzer -DCMAKE_C_COMPILER=clang) ;;
*) echo "build.sh: unknown config '$cfg'" >&2; exit 2 ;;
esac
if [ ! -f "$dir/build.ninja" ]; then
	cmake -S "$root" -B "$dir" "${args[@]}" >/dev/null
fi
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build "$dir" "${targets[@]}" -- -j"$(nproc)" | { grep -Ev '^(\[|-- )' || true; }
exit "${PIPESTATUS[0]}"
