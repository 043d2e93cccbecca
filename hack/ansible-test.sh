#!/usr/bin/env bash
# Run ansible-test in the current directory (a copy under .../ansible_collections/acreto/platform)
# and fail when it tested nothing: ansible-test exits 0 when it skips every target.
#   hack/ansible-test.sh sanity|units|integration ARGS...
set -uo pipefail

command="${1:?usage: $0 sanity|units|integration ARGS...}"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

ansible-test "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
if [ "$rc" -ne 0 ]; then
    exit "$rc"
fi

case "$command" in
    sanity) evidence='^Running sanity test ' ;;
    units) evidence='[0-9]+ passed' ;;
    integration) evidence='^Running [^ ]+ integration test role' ;;
    *) evidence='' ;;
esac

if grep -q 'All targets skipped' "$log" || { [ -n "$evidence" ] && ! grep -Eq "$evidence" "$log"; }; then
    echo "ansible-test $command ran no test in $(pwd)" >&2
    exit 1
fi
