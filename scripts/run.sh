#!/usr/bin/env bash
# run.sh [hearth-server options] — what `make run` does after building:
# start hearth-server on the embedded default (data in $XDG_DATA_HOME/hearth
# or ./.hearth, loopback only) until Ctrl-C, booting the space through the
# init guest (build/release/guests/init.wasm: it spawns and supervises the
# demo services) unless --init is given. Extra arguments go to the server,
# e.g. scripts/run.sh --exit-after 5 --schedulers 2.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/build/release/bin/hearth-server"
init="$root/build/release/guests/init.wasm"
if [ ! -x "$bin" ] || [ ! -f "$init" ]; then
	"$root/scripts/build.sh" release hearth-server guest-init
fi
args=()
case " $* " in
*" --init "* | *" --init="*) ;;
*) args+=(--init "$init") ;;
esac
cd "$root"
exec "$bin" "${args[@]}" "$@"
