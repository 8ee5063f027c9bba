#!/usr/bin/env bash
# run.sh [hearth-server options] — what `make run` does after building:
# start hearth-server on the embedded default (data in $XDG_DATA_HOME/hearth
# or ./.hearth, loopback only) until Ctrl-C. Extra arguments go to the
# server, e.g. scripts/run.sh --exit-after 5 --schedulers 2.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/build/release/bin/hearth-server"
if [ ! -x "$bin" ]; then
	"$root/scripts/build.sh" release hearth-server
fi
cd "$root"
exec "$bin" "$@"
