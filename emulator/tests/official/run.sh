#!/usr/bin/env bash
# Runs the official Duo clients (duo_client from PyPI, @duosecurity/duo_api from npm), unmodified,
# against the emulator binary.
#
# usage: emulator/tests/official/run.sh [path/to/duo-emulator]
#   The binary defaults to $DUO_EMULATOR_BIN, else it is built (debug) with cargo.
#   Python: $PYTHON if set (requirements.txt is installed into it), else a venv at
#   <repo>/.venv-official. npm packages go to node_modules here (npm ci, package-lock.json).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)

bin=${1:-${DUO_EMULATOR_BIN:-}}
if [ -z "$bin" ]; then
  (cd "$root" && cargo build -p duo-directory-emulator --bin duo-emulator)
  bin="${CARGO_TARGET_DIR:-$root/target}/debug/duo-emulator"
fi
[ -x "$bin" ] || { echo "run.sh: $bin is not an executable" >&2; exit 2; }
DUO_EMULATOR_BIN=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
export DUO_EMULATOR_BIN

# $PYTHON (e.g. the repo's test venv) if given, else a venv of our own
if [ -n "${PYTHON:-}" ]; then
  python=$PYTHON
else
  [ -x "$root/.venv-official/bin/python" ] || python3 -m venv "$root/.venv-official"
  python="$root/.venv-official/bin/python"
fi
"$python" -m pip install -q --disable-pip-version-check -r "$here/requirements.txt"
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)

echo "== duo_client and workos (Python) against $DUO_EMULATOR_BIN; workos's webhook verdicts"
(cd "$here" && "$python" -m pytest -q -p no:cacheprovider -W ignore::DeprecationWarning test_duo_client.py test_workos.py)
echo "== @duosecurity/duo_api (Node) against $DUO_EMULATOR_BIN; @workos-inc/node webhook verdicts"
(cd "$here" && node --test duo_api.test.mjs workos_node.test.mjs)
