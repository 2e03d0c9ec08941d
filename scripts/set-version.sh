#!/usr/bin/env bash
# scripts/set-version.sh X.Y.Z: one new version for every artifact (see scripts/versions.py), then
# the same check scripts/check-versions.sh runs. Add the CHANGELOG.md section yourself.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: scripts/set-version.sh X.Y.Z" >&2; exit 2; }
exec python3 "$(dirname "$0")/versions.py" set "$1"
