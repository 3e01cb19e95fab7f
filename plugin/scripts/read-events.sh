#!/bin/sh
# Seed-compatible wrapper: print a worker's events as JSON lines (`toolgate events`).
#   read-events.sh <worker> [--last N] [--type T] [--follow]
set -eu
TOOLGATE="$(dirname "$0")/../../bin/toolgate.js"
[ $# -ge 1 ] || { echo "usage: read-events.sh <worker> [--last N] [--type T] [--follow]" >&2; exit 2; }
exec node "$TOOLGATE" events "$@"
