#!/usr/bin/env bash
# Run one stage of `make test`, time it, and stop the run when it fails.
#
#   hack/stage.sh --reset           forget the times of an earlier run
#   hack/stage.sh NAME COMMAND...   run a stage
#   hack/stage.sh --summary         print every stage's wall time
set -uo pipefail

times_file="${STAGE_TIMES_FILE:-build/test-times.txt}"

summary() {
    # $1: number of failed stages (the last one listed)
    local failed="${1:-0}" total=0 count=0 name seconds
    echo "make test: wall time per stage"
    while read -r name seconds; do
        printf '  %-14s %7.1f s\n' "$name" "$seconds"
        total="$(awk -v a="$total" -v b="$seconds" 'BEGIN { print a + b }')"
        count=$((count + 1))
    done <"$times_file"
    printf '  %-14s %7.1f s\n' "total" "$total"
    echo "stages: $((count - failed)) passed, $failed failed"
}

case "${1:-}" in
    --reset)
        mkdir -p "$(dirname "$times_file")"
        : >"$times_file"
        exit 0
        ;;
    --summary)
        summary
        exit 0
        ;;
    "" | -*)
        echo "usage: $0 --reset | --summary | NAME COMMAND..." >&2
        exit 2
        ;;
esac

name="$1"
shift
mkdir -p "$(dirname "$times_file")"
touch "$times_file"

echo "=== make test: stage $name ==="
start="$(date +%s.%N)"
"$@"
rc=$?
seconds="$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')"
echo "$name $seconds" >>"$times_file"

if [ "$rc" -ne 0 ]; then
    echo
    summary 1
    echo "make test: stage $name FAILED (exit code $rc, after $seconds s)"
    exit "$rc"
fi
echo "=== make test: stage $name passed in $seconds s ==="
