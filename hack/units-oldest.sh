#!/usr/bin/env bash
# Run the HTTP client's unit tests with the oldest requests and urllib3 that requirements.txt allows.
#
#   hack/units-oldest.sh PYTHON COPY
#
# PYTHON is the interpreter of .venv-oldest; COPY is the collection's copy at
# .../ansible_collections/acreto/platform, whose parent of ansible_collections goes on PYTHONPATH.
# Fails when a library of requirements.txt is not installed at exactly its lower bound.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
python="${1:?usage: $0 PYTHON COPY}"
copy="$(cd "${2:?usage: $0 PYTHON COPY}" && pwd)"
tests="tests/unit/plugins/module_utils/test_client.py"

"$python" - "$here/../requirements.txt" <<'EOF'
import re
import sys
from importlib.metadata import PackageNotFoundError, version

wrong = []
with open(sys.argv[1]) as requirements:
    for line in requirements:
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)\s*>=\s*([0-9][0-9A-Za-z.]*)", line)
        if not match:
            sys.exit("requirements.txt: expected NAME>=VERSION, got %r" % line)
        name, lower = match.groups()
        try:
            installed = version(name)
        except PackageNotFoundError:
            installed = "none"
        print("units-oldest: %s %s (requirements.txt: >=%s)" % (name, installed, lower))
        if installed != lower:
            wrong.append("%s %s instead of %s" % (name, installed, lower))
if wrong:
    sys.exit("units-oldest: not the lower bounds of requirements.txt: %s; update requirements-oldest.txt and "
             "constraints-oldest.txt" % "; ".join(wrong))
EOF

# The tests import ansible_collections.acreto.platform.plugins.module_utils._client from the copy.
root="$(cd "$copy/../../.." && pwd)"
cd "$copy"
PYTHONPATH="$root" PYTHONDONTWRITEBYTECODE=1 "$python" -m pytest -p no:cacheprovider -q "$tests"
