#!/usr/bin/env bash
# Node binding: npm ci, build the addon (napi CLI; debug unless RELEASE=1) into the repository's
# one target/ directory, check that the committed index.d.ts / binding.js are what the build
# generates, and run the node:test suite. Extra arguments go to `node --test`.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here"
npm ci --no-audit --no-fund --loglevel=error
profile=()
if [ "${RELEASE:-0}" = 1 ]; then profile=(--release); fi
# CARGO: see scripts/cargo-shared-target.sh (napi's --target would build every dependency twice)
CARGO="$here/scripts/cargo-shared-target.sh" npx napi build --platform "${profile[@]}" \
  --js binding.js --dts index.d.ts --runtime-string-enum --no-const-enum
# A debug addon carries ~130 MB of debug info; the suite (npm pack included) needs none of it.
if [ "${RELEASE:-0}" != 1 ] && command -v strip >/dev/null; then
  strip --strip-debug -o duo-directory.node.tmp duo-directory.linux-x64-gnu.node && mv duo-directory.node.tmp duo-directory.linux-x64-gnu.node
fi
git diff --exit-code -- index.d.ts binding.js || {
  echo "bindings-node: index.d.ts or binding.js differ from what the build generates; commit them" >&2; exit 1; }
node --test --test-concurrency=1 "$@" tests/
