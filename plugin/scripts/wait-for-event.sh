#!/bin/sh
# Seed-compatible wrapper: block until a worker event arrives and print its JSON line (`toolgate wait`).
#   wait-for-event.sh <worker> <event-type> [timeout=60] [--after-line N]
# Without --after-line the wait starts at the worker's latest prompt (its last user_prompt_submit line; the
# top of the file before the first prompt), so `send-prompt.sh` then `wait-for-event.sh ... stop` finds this
# turn's stop even if it came before the wait began, and never an older turn's.
# Exit 0 the event arrived; 1 timeout or failure (toolgate's 124 becomes 1, as in the seed); 2 usage error.
set -eu
TOOLGATE="$(dirname "$0")/../../bin/toolgate.js"
usage() { echo "usage: wait-for-event.sh <worker> <event-type> [timeout=60] [--after-line N]" >&2; exit 2; }
worker="" event="" timeout=60 after="" npos=0
while [ $# -gt 0 ]; do
  case "$1" in
    --after-line) [ $# -ge 2 ] || usage; after=$2; shift 2 ;;
    --after-line=*) after=${1#--after-line=}; shift ;;
    -*) echo "wait-for-event.sh: unknown option $1" >&2; usage ;;
    *)
      npos=$((npos + 1))
      case $npos in 1) worker=$1 ;; 2) event=$1 ;; 3) timeout=$1 ;; *) usage ;; esac
      shift
      ;;
  esac
done
[ -n "$worker" ] && [ -n "$event" ] || usage
if [ -z "$after" ]; then
  last=$(node "$TOOLGATE" events "$worker" --type user_prompt_submit --last 1 --numbered) || exit 1
  after=$(printf '%s\n' "$last" | cut -f1)
  after=${after:-0}
fi
rc=0
node "$TOOLGATE" wait "$worker" "$event" --timeout "$timeout" --after-line "$after" || rc=$?
[ "$rc" -eq 124 ] && exit 1
exit "$rc"
