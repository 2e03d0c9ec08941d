#!/usr/bin/env bash
# Fails, naming each file, if any artifact's version differs from [workspace.package] version in
# the root Cargo.toml (crates, Cargo.lock, pyproject, the npm packages and lock, the Maven poms).
set -euo pipefail
exec python3 "$(dirname "$0")/versions.py" check
