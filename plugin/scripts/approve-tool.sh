#!/bin/sh
# Seed-compatible wrapper: decide the tool call a worker's policy escalated to a person (`toolgate approve`).
#   approve-tool.sh <worker> <allow|deny> [--reason TEXT]
# Unlike the seed, only an escalated call can be decided; with several waiting, toolgate names them
# (decide one with `toolgate approve CALL allow|deny`).
set -eu
TOOLGATE="$(dirname "$0")/../../bin/toolgate.js"
if [ $# -lt 2 ] || { [ "$2" != allow ] && [ "$2" != deny ]; }; then
  echo "usage: approve-tool.sh <worker> <allow|deny> [--reason TEXT]" >&2
  exit 2
fi
exec node "$TOOLGATE" approve "$@"
