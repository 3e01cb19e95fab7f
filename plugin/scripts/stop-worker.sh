#!/bin/sh
# Seed-compatible wrapper: stop a worker and clean up its state (`toolgate stop`; idempotent).
#   stop-worker.sh <tmux-name> [<session-id>]
set -eu
TOOLGATE="$(dirname "$0")/../../bin/toolgate.js"
case $# in
  1) worker=$1 ;;
  2) worker=$2 ;;   # the session id names the worker exactly
  *) echo "usage: stop-worker.sh <tmux-name> [<session-id>]" >&2; exit 2 ;;
esac
exec node "$TOOLGATE" stop "$worker"
