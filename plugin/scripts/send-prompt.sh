#!/bin/sh
# Seed-compatible wrapper: send a prompt to a worker without waiting for the reply (`toolgate send --queue`).
#   send-prompt.sh <tmux-name> [<session-id>] <prompt>
# Like the seed, a prompt sent mid-turn is queued by Claude Code rather than refused.
set -eu
TOOLGATE="$(dirname "$0")/../../bin/toolgate.js"
case $# in
  2) worker=$1 prompt=$2 ;;
  3) worker=$2 prompt=$3 ;;   # the session id names the worker exactly
  *) echo "usage: send-prompt.sh <tmux-name> [<session-id>] <prompt>" >&2; exit 2 ;;
esac
exec node "$TOOLGATE" send "$worker" --queue -- "$prompt"
