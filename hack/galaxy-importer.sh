#!/usr/bin/env bash
# Run galaxy-importer on a built collection tarball and fail on any error or warning it logs.
#   hack/galaxy-importer.sh build/acreto-platform-X.Y.Z.tar.gz
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
tarball="$(realpath "${1:?usage: $0 TARBALL}")"
workdir="$(dirname "$tarball")/importer"
rm -rf "$workdir"
mkdir -p "$workdir"
cd "$workdir"

set +e
GALAXY_IMPORTER_CONFIG="$here/galaxy-importer.cfg" python -m galaxy_importer.main "$tarball" 2>&1 | tee importer.log
rc=${PIPESTATUS[0]}
set -e

problems="$(grep -E '^(CRITICAL|ERROR|WARNING):' importer.log || true)"
if [ "$rc" -ne 0 ] || [ -n "$problems" ] || ! grep -q 'Importer processing completed successfully' importer.log; then
    echo "galaxy-importer reported problems with $(basename "$tarball") (exit code $rc):" >&2
    [ -z "$problems" ] || echo "$problems" >&2
    exit 1
fi
echo "galaxy-importer: $(basename "$tarball") imported with no errors or warnings"
