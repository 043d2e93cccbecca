#!/usr/bin/env bash
# Put every changelog fragment and new plugin into the release named by galaxy.yml's version,
# and regenerate CHANGELOG.rst (antsibull-changelog; fragments are kept, see changelogs/config.yaml).
#   hack/changelog.sh          update changelogs/changelog.yaml, changelogs/.plugin-cache.yaml and CHANGELOG.rst
#   hack/changelog.sh --check  fail when those files are not up to date
set -euo pipefail

cd "$(dirname "$0")/.."
check=false
[ "${1:-}" = "--check" ] && check=true

version="$(sed -n 's/^version: *//p' galaxy.yml)"
# Keep the date of a release once it is written; a new release gets today's date.
date="$(python - "$version" <<'EOF'
import datetime, os, sys, yaml
path = "changelogs/changelog.yaml"
release = {}
if os.path.exists(path):
    with open(path) as f:
        release = ((yaml.safe_load(f) or {}).get("releases") or {}).get(sys.argv[1]) or {}
print(release.get("release_date") or datetime.date.today().isoformat())
EOF
)"

release() {
    antsibull-changelog release --version "$version" --date "$date" --update-existing --reload-plugins
}

if ! $check; then
    release
    exit 0
fi

workdir="$(mktemp -d)"
trap 'rm -rf "$workdir"' EXIT
for path in galaxy.yml meta plugins changelogs CHANGELOG.rst; do
    [ -e "$path" ] && cp -a "$path" "$workdir/"
done
(cd "$workdir" && release >/dev/null)
stale=()
for path in changelogs/changelog.yaml CHANGELOG.rst; do
    cmp -s "$path" "$workdir/$path" 2>/dev/null || stale+=("$path")
done
if [ "${#stale[@]}" -gt 0 ]; then
    echo "Not up to date with the changelog fragments and plugins: ${stale[*]}. Run 'make changelog'." >&2
    diff -u "${stale[0]}" "$workdir/${stale[0]}" >&2 || true
    exit 1
fi
echo "changelog: ${version} in changelogs/changelog.yaml and CHANGELOG.rst is up to date"
