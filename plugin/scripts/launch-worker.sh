#!/bin/sh
# Seed-compatible wrapper: start a worker with `toolgate launch`.
#   launch-worker.sh --name N --workdir D [--target local] [toolgate launch options] [-- claude-args...]
#   launch-worker.sh <tmux-name> <workdir> [claude-args...]          (the old positional form)
# Prints {"session_id","tmux_name","events_file"} once the worker has started.
set -eu
TOOLGATE="$(dirname "$0")/../../bin/toolgate.js"
usage() {
  echo "usage: launch-worker.sh --name N --workdir D [--target local] [-- claude-args...]" >&2
  echo "       launch-worker.sh <tmux-name> <workdir> [claude-args...]" >&2
  exit 2
}
[ $# -gt 0 ] || usage
case "$1" in
  -*) ;;
  *) # old positional form: <tmux-name> <workdir> [claude-args...] (a leading -- is optional)
    [ $# -ge 2 ] || usage
    name=$1 workdir=$2
    shift 2
    [ "${1:-}" = "--" ] && shift
    exec node "$TOOLGATE" launch --name "$name" --workdir "$workdir" -- "$@"
    ;;
esac
# Flag form: --target is checked here; the other flags go to toolgate launch in their original order.
n=$#
while [ "$n" -gt 0 ]; do
  a=$1; shift; n=$((n - 1))
  case "$a" in
    --) set -- "$@" --; while [ "$n" -gt 0 ]; do set -- "$@" "$1"; shift; n=$((n - 1)); done ;;
    --target|--target=*)
      if [ "$a" = "--target" ]; then
        [ "$n" -gt 0 ] || usage
        target=$1; shift; n=$((n - 1))
      else
        target=${a#--target=}
      fi
      if [ "$target" != "local" ]; then
        echo "launch-worker.sh: --target $target: remote targets (ssh://, docker://) are not supported by toolgate yet; run the worker locally (omit --target)" >&2
        exit 2
      fi
      ;;
    *) set -- "$@" "$a" ;;
  esac
done
exec node "$TOOLGATE" launch "$@"
