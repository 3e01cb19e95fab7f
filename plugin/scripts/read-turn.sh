#!/bin/sh
# Seed-compatible wrapper: print the worker's last turn as markdown (`toolgate turn`).
#   read-turn.sh <worker> [--full]
set -eu
TOOLGATE="$(dirname "$0")/../../bin/toolgate.js"
[ $# -ge 1 ] || { echo "usage: read-turn.sh <worker> [--full]" >&2; exit 2; }
exec node "$TOOLGATE" turn "$@"
