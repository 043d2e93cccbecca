#!/usr/bin/env bash
# Put hack/get_pip.py where ansible-test looks for its cached pip bootstrap script,
# for the ansible-core installed with each given Python: hack/place-get-pip.sh .venv/bin/python ...
# ansible-test names the file after the pip version it wants, which it keeps in python_requirements.py.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
cache="$HOME/.ansible/test/cache"
mkdir -p "$cache"

for python in "$@"; do
    version="$("$python" - <<'EOF'
import pathlib, re, ansible_test
source = pathlib.Path(ansible_test.__file__).parent / "_internal" / "python_requirements.py"
match = re.search(r"default_packages = dict\(\s*pip='([0-9.]+)'", source.read_text())
if not match:
    raise SystemExit(f"cannot find the pip version in {source}")
print(match.group(1))
EOF
)"
    target="$cache/get_pip_${version//./_}.py"
    if ! cmp -s "$here/get_pip.py" "$target"; then
        cp "$here/get_pip.py" "$target"
        echo "pip bootstrap for ansible-test (pip $version): $target"
    fi
done
