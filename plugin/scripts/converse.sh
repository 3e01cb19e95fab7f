#!/bin/sh
# Seed-compatible wrapper: send a prompt, wait for the end of the turn, print the reply (`toolgate converse`).
#   converse.sh <tmux-name> <session-id> <prompt> [timeout=120]
#   converse.sh <session-id> <prompt> [timeout=120]
#   converse.sh [--with-turn] <worker> <prompt> [timeout=120]      (worker = name or session id)
# Exit 0 replied; 1 failed or timed out (toolgate's 124 becomes 1, as in the seed); 2 usage error.
set -eu
TOOLGATE="$(dirname "$0")/../../bin/toolgate.js"
usage() {
  echo "usage: converse.sh [--with-turn] <worker> <prompt> [timeout=120]" >&2
  echo "       converse.sh <tmux-name> <session-id> <prompt> [timeout=120]" >&2
  exit 2
}
turn=""
if [ "${1:-}" = "--with-turn" ]; then turn="--with-turn"; shift; fi
is_uuid() {
  printf '%s' "$1" | grep -Eqi '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
}
if [ $# -ge 3 ] && is_uuid "$2"; then
  worker=$2 prompt=$3 timeout=${4:-120}      # <tmux-name> <session-id> <prompt> [timeout]
  [ $# -le 4 ] || usage
else
  [ $# -ge 2 ] && [ $# -le 3 ] || usage
  worker=$1 prompt=$2 timeout=${3:-120}
fi
rc=0
node "$TOOLGATE" converse "$worker" --timeout "$timeout" $turn -- "$prompt" || rc=$?
[ "$rc" -eq 124 ] && exit 1
exit "$rc"
