#!/usr/bin/env bash
# Python binding: build it into the repository-root venv (.venv, created or reused) and run its
# pytest suite. Needs only Python 3.9+ and Rust on the machine.
#
#   bindings-python/test.sh              debug build + pytest -q
#   bindings-python/test.sh -k sign      extra arguments go to pytest
#   RELEASE=1 bindings-python/test.sh    release build (slower to build, what the benchmark uses)
#   CHECK_WHEEL=1 bindings-python/test.sh  also build the abi3 wheel and install it into a clean
#                                          venv (bindings-python/check-wheel.sh)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
VENV="$ROOT/.venv"

if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$HERE/requirements-dev.txt"

cd "$HERE"
build_args=()
if [ "${RELEASE:-0}" = 1 ]; then build_args+=(--release); fi
VIRTUAL_ENV="$VENV" PATH="$VENV/bin:$PATH" maturin develop --quiet "${build_args[@]}"

"$VENV/bin/python" -m pytest -q tests "$@"

if [ "${CHECK_WHEEL:-0}" = 1 ]; then
    bash "$HERE/check-wheel.sh"
fi
