#!/usr/bin/env bash
# Run a command with the Acreto API simulator up on a free loopback port.
#
#   hack/with-simulator.sh [--integration-config FILE] [--] COMMAND [ARGS...]
#
# The command sees ACRETO_SIM_URL (base URL), ACRETO_ENDPOINT (<base>/v2), ACRETO_USERNAME and
# ACRETO_PASSWORD. With --integration-config, FILE is written for ansible-test integration.
# Environment: ACRETO_SIM_PASSWORD (default: random), ACRETO_SIM_ARGS (extra simulator flags),
# ACRETO_SIM (simulator command, default acreto-sim), ACRETO_SIM_START_TIMEOUT (seconds, default 30).
# The simulator is stopped when this script exits, whatever the command did; the exit code is the command's.
set -euo pipefail

integration_config=""
while [ "$#" -gt 0 ]; do
    case "$1" in
        --integration-config) integration_config="$2"; shift 2 ;;
        --) shift; break ;;
        -*) echo "with-simulator.sh: unknown option $1" >&2; exit 2 ;;
        *) break ;;
    esac
done
if [ "$#" -eq 0 ]; then
    echo "usage: $0 [--integration-config FILE] [--] COMMAND [ARGS...]" >&2
    exit 2
fi

sim="${ACRETO_SIM:-acreto-sim}"
if ! command -v "$sim" >/dev/null 2>&1; then
    echo "with-simulator.sh: '$sim' not found; run 'make venv' and use the venv (.venv/bin on PATH)" >&2
    exit 1
fi

workdir="$(mktemp -d "${TMPDIR:-/tmp}/acreto-sim.XXXXXX")"
url_file="$workdir/url"
log_file="$workdir/simulator.log"
sim_pid=""

stop_simulator() {
    local rc=$?
    if [ -n "$sim_pid" ] && kill -0 "$sim_pid" 2>/dev/null; then
        kill "$sim_pid" 2>/dev/null || true
        for _ in $(seq 50); do
            kill -0 "$sim_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$sim_pid" 2>/dev/null || true
        wait "$sim_pid" 2>/dev/null || true
    fi
    if [ "$rc" -ne 0 ] && [ -s "$log_file" ]; then
        echo "--- simulator log (last 40 lines) ---" >&2
        tail -n 40 "$log_file" >&2
        echo "---" >&2
    fi
    rm -rf "$workdir"
    exit "$rc"
}
trap stop_simulator EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

password="${ACRETO_SIM_PASSWORD:-$(head -c 18 /dev/urandom | base64 | tr '+/' 'xy')}"
read -r -a extra_args <<< "${ACRETO_SIM_ARGS:-}"

# The password goes through the environment, not the command line that `ps` shows.
ACRETO_SIM_PASSWORD="$password" "$sim" --host 127.0.0.1 --port 0 --url-file "$url_file" \
    "${extra_args[@]}" >"$log_file" 2>&1 &
sim_pid=$!

timeout="${ACRETO_SIM_START_TIMEOUT:-30}"
deadline=$((SECONDS + timeout))
until [ -s "$url_file" ]; do
    if ! kill -0 "$sim_pid" 2>/dev/null; then
        echo "with-simulator.sh: the simulator exited before it was ready" >&2
        exit 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
        echo "with-simulator.sh: the simulator did not report its URL within ${timeout}s" >&2
        exit 1
    fi
    sleep 0.1
done

ACRETO_SIM_URL="$(head -n 1 "$url_file")"
export ACRETO_SIM_URL
export ACRETO_ENDPOINT="$ACRETO_SIM_URL/v2"
export ACRETO_USERNAME="${ACRETO_SIM_USERNAME:-someone@somedomain.com}"
export ACRETO_PASSWORD="$password"
echo "with-simulator.sh: simulator at $ACRETO_SIM_URL (pid $sim_pid)" >&2

if [ -n "$integration_config" ]; then
    mkdir -p "$(dirname "$integration_config")"
    cat >"$integration_config" <<EOF
---
acreto_endpoint: '$ACRETO_ENDPOINT'
acreto_sim_url: '$ACRETO_SIM_URL'
acreto_username: '$ACRETO_USERNAME'
acreto_password: '$ACRETO_PASSWORD'
EOF
fi

# Under set -e a failing command ends the script with its exit code; the EXIT trap keeps that code.
"$@"
