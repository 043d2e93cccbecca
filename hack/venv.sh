#!/usr/bin/env bash
# Create a virtual environment from pinned requirements.
#
#   hack/venv.sh DIR PYTHON REQUIREMENTS CONSTRAINTS [EXTRA PIP ARGS...]
#       (re)create DIR and install REQUIREMENTS (and the extra args) under CONSTRAINTS;
#       fails when an installed distribution is missing from CONSTRAINTS.
#   hack/venv.sh --freeze DIR PYTHON REQUIREMENTS CONSTRAINTS [EXTRA PIP ARGS...]
#       resolve without constraints in DIR, then write the full set of versions to CONSTRAINTS.
set -euo pipefail

freeze=false
if [ "${1:-}" = "--freeze" ]; then
    freeze=true
    shift
fi
if [ "$#" -lt 4 ]; then
    sed -n '2,9p' "$0" >&2
    exit 2
fi
dir="$1" python="$2" requirements="$3" constraints="$4"
shift 4

if [ -z "$python" ]; then
    echo "No Python interpreter for $dir; set PYTHON (or PYTHON_216) to a python3.X path." >&2
    exit 1
fi

pinned_set() {
    # Every installed distribution as name==version, except pip itself and editable installs.
    "$dir/bin/python" -m pip freeze --all --exclude-editable | grep -v -i '^pip==' | LC_ALL=C sort -f
}

echo "Creating $dir with $python ($("$python" -V 2>&1))"
rm -rf "$dir"
"$python" -m venv "$dir"
pip=("$dir/bin/python" -m pip install --disable-pip-version-check)

if $freeze; then
    "${pip[@]}" -r "$requirements"
    # The extra args (the simulator) build with the setuptools pinned in the requirements.
    [ "$#" -eq 0 ] || "${pip[@]}" --no-build-isolation "$@"
    {
        echo "# The full set of packages installed from $requirements, pinned; regenerate with \`make constraints\`."
        pinned_set
    } >"$constraints"
    echo "Wrote $constraints"
    exit 0
fi

"${pip[@]}" -c "$constraints" -r "$requirements"
[ "$#" -eq 0 ] || "${pip[@]}" -c "$constraints" --no-build-isolation "$@"

normalize() { tr '[:upper:]_' '[:lower:]-' | LC_ALL=C sort; }
unpinned="$(LC_ALL=C comm -23 <(pinned_set | normalize) <(grep -v '^#' "$constraints" | normalize))"
if [ -n "$unpinned" ]; then
    echo "These packages in $dir are not pinned in $constraints:" >&2
    echo "$unpinned" >&2
    echo "Run 'make constraints' to pin the full set again." >&2
    exit 1
fi
