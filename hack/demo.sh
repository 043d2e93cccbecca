#!/usr/bin/env bash
# Run playbooks/quickstart.yml twice against $ACRETO_ENDPOINT (started by hack/with-simulator.sh
# in `make demo`); the second run must report changed=0 for every host.
set -euo pipefail

cd "$(dirname "$0")/.."
export ANSIBLE_COLLECTIONS_PATH="${ANSIBLE_COLLECTIONS_PATH:-$PWD/collections}"
export ANSIBLE_LOCALHOST_WARNING=false
export ANSIBLE_INVENTORY_UNPARSED_WARNING=false

log="$(mktemp)"
trap 'rm -f "$log"' EXIT

echo "### make demo: first run of playbooks/quickstart.yml (creates the Thing and commits)"
ansible-playbook playbooks/quickstart.yml "$@"

echo
echo "### make demo: second run of playbooks/quickstart.yml (must change nothing)"
ansible-playbook playbooks/quickstart.yml "$@" | tee "$log"

# Every host line of the PLAY RECAP must read changed=0.
if ! awk '
    /^PLAY RECAP/ { recap = 1; next }
    recap && / : ok=[0-9]+ +changed=[0-9]+/ {
        hosts++
        match($0, /changed=[0-9]+/)
        if (substr($0, RSTART + 8, RLENGTH - 8) + 0 != 0) changed++
    }
    END { exit (hosts == 0 || changed > 0) }
' "$log"; then
    echo "make demo: the second run of playbooks/quickstart.yml was not idempotent (changed != 0)" >&2
    exit 1
fi
echo
echo "### make demo: second run reported changed=0"
