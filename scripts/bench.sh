#!/usr/bin/env bash
# bench.sh NAME — run bench/NAME/run.sh against the release build. Each
# benchmark prints our figures beside its peer's (BEAM, V8, native C) from
# the same run, and the ratio.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
name=${1:?usage: bench.sh runtime|wasm|procs}
runner="$root/bench/$name/run.sh"
if [ ! -x "$runner" ]; then
	echo "bench.sh: no benchmark '$name' yet ($runner)" >&2
	exit 1
fi
exec "$runner" "$root/build/release"
