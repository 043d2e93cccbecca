#!/usr/bin/env bash
# Print the path of the first working Python interpreter of one of the given
# versions (in order of preference), e.g. `hack/find-python.sh 3.13 3.12`.
# A name on PATH can be a pyenv shim that exits 127, so every candidate is run.
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 X.Y [X.Y ...]" >&2
    exit 2
fi

pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
if command -v pyenv >/dev/null 2>&1; then
    pyenv_root="$(pyenv root 2>/dev/null || echo "$pyenv_root")"
fi

for version in "$@"; do
    candidates=("python$version")
    for dir in "$pyenv_root"/versions/"$version".*/bin /usr/local/bin /usr/bin; do
        candidates+=("$dir/python$version")
    done
    for candidate in "${candidates[@]}"; do
        path="$(command -v "$candidate" 2>/dev/null)" || continue
        # Not a virtual environment's interpreter: `make venv` deletes and re-creates .venv with what this prints.
        if "$path" -c "import sys, venv; sys.exit(sys.version_info[:2] != tuple(map(int, '$version'.split('.'))) or sys.prefix != sys.base_prefix)" >/dev/null 2>&1; then
            # The real binary, not a wrapper that may stop working later.
            "$path" -c 'import sys; print(sys.executable)'
            exit 0
        fi
    done
done

echo "No working Python interpreter found for version(s): $*. Set PYTHON=/path/to/python3.X." >&2
exit 1
