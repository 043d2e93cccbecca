#!/usr/bin/env bash
# Install the Debian packages that provide the given commands when a command is missing.
#   hack/ensure-debs.sh curl jq                          (the package is named like the command)
#   hack/ensure-debs.sh java=openjdk-17-jre-headless     (COMMAND=PACKAGE when it is not)
set -euo pipefail

missing=() commands=()
for arg in "$@"; do
    cmd="${arg%%=*}"
    if ! command -v "$cmd" >/dev/null 2>&1; then
        commands+=("$cmd")
        missing+=("${arg#*=}")
    fi
done
[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "Missing commands: ${commands[*]}. Install them with your package manager (Debian: apt-get install ${missing[*]})." >&2
    exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
