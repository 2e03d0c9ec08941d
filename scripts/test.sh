#!/usr/bin/env bash
# Runs every test in every language. Needs only the toolchains (Rust, Python 3.9+, Node 20+, JDK 17+
# and Maven 3.8+): everything else comes from the registries (a Python venv in .venv, npm packages,
# Maven plugins and jars).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
started=$SECONDS
step() { printf '\n==> %s (%ss)\n' "$*" "$((SECONDS - started))"; }

step "Python venv .venv with the test dependencies (PyPI)"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r bindings-python/requirements-dev.txt
export DUO_DIRECTORY_ORACLE_PYTHON="$root/.venv/bin/python"

step "One version for every artifact (scripts/check-versions.sh)"
bash scripts/check-versions.sh

step "Rust: formatting and lints (unwrap/expect/panic/indexing denied outside tests)"
cargo fmt --all --check
cargo clippy --workspace --all-targets -- -D warnings

step "Rust: every crate and doctest, with the duo_client oracle property test"
cargo test --workspace -- --include-ignored

step "Artifacts: the core crate packages for crates.io; cargo install of the command, its completions and man pages"
cargo package -q -p duo-directory --no-verify --allow-dirty
bash scripts/check-cli-install.sh

step "Official clients (duo_client, @duosecurity/duo_api) against the emulator"
cargo build -q -p duo-directory-emulator --bin duo-emulator
DUO_EMULATOR_BIN="$root/target/debug/duo-emulator" PYTHON="$root/.venv/bin/python" \
  bash emulator/tests/official/run.sh

step "Python binding: maturin develop + pytest, then the abi3 wheel into a clean venv"
CHECK_WHEEL=1 PYTHON="$root/.venv/bin/python" bash bindings-python/test.sh

step "Node binding: npm ci, napi build (debug, the shared target/), typings drift check, node --test"
bash bindings-node/test.sh

step "Kotlin/Swift binding: cdylib + uniffi-bindgen, Swift drift check, Maven tests on the JVM"
bash bindings-uniffi/test.sh

step "All tests passed"
