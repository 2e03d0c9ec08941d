#!/usr/bin/env bash
# Rerun the Kotlin binding vs duo_client_java benchmark (docs/benchmarks.md): release builds of the
# emulator and the cdylib, the Kotlin code generated from it, the bench jar, then run.py.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
cd "$root"
cargo build --release -p duo-directory-emulator --bin duo-emulator
cargo build --release -p duo-directory-uniffi --lib
# the generator (debug is enough: it reads the same metadata from the release library)
cargo build -p duo-directory-uniffi --features bindgen --bin uniffi-bindgen
rm -rf bindings-uniffi/kotlin/target/generated-sources/uniffi
target/debug/uniffi-bindgen generate --library target/release/libduo_directory_uniffi.so --language kotlin \
  --no-format --out-dir bindings-uniffi/kotlin/target/generated-sources/uniffi
mvn -B -q -f bindings-uniffi/kotlin/pom.xml -Pbench -Dmaven.test.skip=true package
python3 "$here/run.py"
