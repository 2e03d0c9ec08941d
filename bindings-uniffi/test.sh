#!/usr/bin/env bash
# The Kotlin/Swift binding's step of scripts/test.sh: builds the cdylib and this crate's own
# uniffi-bindgen (debug, in the workspace's one target dir), generates the Kotlin code into the
# Maven project, regenerates the Swift package and fails if it drifted from the committed one,
# then runs the Maven tests on the JVM (Maven fetches its plugins, JNA and the rest itself), installs
# the jar (the cdylib inside, at JNA's resource path) into the local Maven repository, and runs
# kotlin/consumer-test, a user's project that depends on it by coordinates, against the emulator.
# UPDATE_SWIFT=1 rewrites the committed Swift sources instead of checking them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
target_dir=${CARGO_TARGET_DIR:-$root/target}
out=$target_dir/${CARGO_BUILD_TARGET:+$CARGO_BUILD_TARGET/}debug

cargo build -q -p duo-directory-uniffi --features bindgen --lib --bin uniffi-bindgen
lib=$out/libduo_directory_uniffi.so
bindgen=$out/uniffi-bindgen

generated=$here/kotlin/target/generated-sources/uniffi
rm -rf "$generated"
"$bindgen" generate --library "$lib" --language kotlin --no-format --out-dir "$generated"

swift_tmp=$(mktemp -d)
trap 'rm -rf "$swift_tmp"' EXIT
"$bindgen" generate --library "$lib" --language swift --no-format --out-dir "$swift_tmp"
mkdir -p "$swift_tmp/package/Sources/DuoDirectory" "$swift_tmp/package/Sources/DuoDirectoryFFI/include"
mv "$swift_tmp/DuoDirectory.swift" "$swift_tmp/package/Sources/DuoDirectory/"
mv "$swift_tmp/DuoDirectoryFFI.h" "$swift_tmp/package/Sources/DuoDirectoryFFI/include/"
mv "$swift_tmp/DuoDirectoryFFI.modulemap" "$swift_tmp/package/Sources/DuoDirectoryFFI/include/module.modulemap"
generated_swift="DuoDirectory/DuoDirectory.swift DuoDirectoryFFI/include/DuoDirectoryFFI.h DuoDirectoryFFI/include/module.modulemap"
for file in $generated_swift; do
  if [ "${UPDATE_SWIFT:-0}" = 1 ]; then
    mkdir -p "$(dirname "$here/swift/Sources/$file")"
    cp "$swift_tmp/package/Sources/$file" "$here/swift/Sources/$file"
  else
    diff -u "$here/swift/Sources/$file" "$swift_tmp/package/Sources/$file" >/dev/null \
      || { echo "bindings-uniffi/swift/Sources/$file drifted from the library: rerun with UPDATE_SWIFT=1" >&2; exit 1; }
  fi
done

# The jar's copy of the library: JNA looks for linux-x86-64/lib<name>.so on the class path. A debug
# build carries ~100 MB of debug info that a user's process never reads.
native=$here/kotlin/target/native/linux-x86-64
mkdir -p "$native"
if command -v strip >/dev/null; then
  strip --strip-debug -o "$native/libduo_directory_uniffi.so" "$lib"
else
  cp "$lib" "$native/libduo_directory_uniffi.so"
fi

mvn -B --no-transfer-progress -f "$here/kotlin/pom.xml" -Dduo.lib.dir="$out" install
jar=$here/kotlin/target/duo-directory-$(sed -n 's|^  <version>\(.*\)</version>$|\1|p' "$here/kotlin/pom.xml" | head -1).jar
jar tf "$jar" | grep -qx 'linux-x86-64/libduo_directory_uniffi.so' \
  || { echo "bindings-uniffi: $jar lacks linux-x86-64/libduo_directory_uniffi.so" >&2; exit 1; }
mvn -B --no-transfer-progress -f "$here/kotlin/consumer-test/pom.xml" test
