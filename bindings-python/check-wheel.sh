#!/usr/bin/env bash
# The Python package as a user receives it:
#   1. `maturin sdist`: the source distribution (its files and its PKG-INFO metadata checked);
#   2. the one abi3 wheel (cp39-abi3) linked by zig against glibc 2.17 (ziglang from
#      requirements-dev.txt, through maturin's own `maturin zig cc` wrapper, as `--zig` does), so it
#      installs on RHEL 8 / Ubuntu 20.04 and older. Only the link uses zig: the crates are the ones
#      `maturin develop` already compiled in target/debug (`maturin build --zig` would pass
#      --target and compile every dependency again, ~15 CPU-minutes here);
#   3. `auditwheel show` must find it consistent with manylinux_2_17 (= manylinux2014), and the
#      wheel's tag must say so;
#   4. the wheel installs into a clean, throw-away venv and passes a smoke test.
#
#   bindings-python/check-wheel.sh                 debug-profile wheel (what the test run checks)
#   WHEEL_RELEASE=1 bindings-python/check-wheel.sh release wheel as published
#   SDIST_BUILD=1 bindings-python/check-wheel.sh   build the wheel FROM the sdist with pip instead
#                                                  (maturin's PEP 517 backend, --zig): what a user
#                                                  without a wheel does; a cold build, not in CI
#   WHEEL_PYTHONS="/path/to/python3.9 /path/to/python3.13" bindings-python/check-wheel.sh
#                                                  install and import it under each interpreter
#                                                  (default: python3)
#
# Uses maturin, ziglang and auditwheel from the repository-root venv (.venv; run test.sh once first).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
VERSION="$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' "$ROOT/Cargo.toml")"

OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
t0=$SECONDS

# 1. the sdist
(cd "$HERE" && "$VENV/bin/maturin" sdist --out "$OUT/sdist" >/dev/null 2>&1) || fail "maturin sdist"
sdist="$OUT/sdist/duo_directory-$VERSION.tar.gz"
[ -f "$sdist" ] || fail "no sdist for version $VERSION: $(ls "$OUT/sdist")"
"$PY" - "$sdist" "$VERSION" <<'PY'
import sys, tarfile
from email.parser import Parser
sdist, version = sys.argv[1], sys.argv[2]
top = f"duo_directory-{version}/"
with tarfile.open(sdist) as tar:
    names = set(tar.getnames())
    meta = Parser().parsestr(tar.extractfile(top + "PKG-INFO").read().decode())
for need in ["pyproject.toml", "Cargo.toml", "Cargo.lock", "LICENSE", "core/Cargo.toml", "emulator/Cargo.toml",
             "workspace-hack/Cargo.toml", "bindings-python/Cargo.toml", "bindings-python/src/lib.rs",
             "python/duo_directory/__init__.py", "python/duo_directory/_native.pyi", "python/duo_directory/py.typed"]:
    assert top + need in names, f"{need} missing from the sdist"
assert not [n for n in names if "/target/" in n or n.endswith((".so", ".whl"))], "build output in the sdist"
assert meta["Name"] == "duo-directory" and meta["Version"] == version, (meta["Name"], meta["Version"])
assert meta["License-Expression"] == "Apache-2.0" and meta["Requires-Python"] == ">=3.9"
classifiers = meta.get_all("Classifier")
for c in ["Typing :: Typed", "Programming Language :: Python :: 3 :: Only", "Operating System :: POSIX :: Linux"]:
    assert c in classifiers, f"classifier {c!r} missing"
urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL"))
assert {"Homepage", "Repository", "Issues", "Changelog", "Documentation"} <= set(urls), urls
assert meta.get_payload().startswith("# duo-directory"), "the README is not the long description"
print(f"sdist OK: {len(names)} files, metadata {meta['Metadata-Version']}")
PY

# 2. the wheel
t1=$SECONDS
if [ "${SDIST_BUILD:-0}" = 1 ]; then
    profile=(--profile dev)
    if [ "${WHEEL_RELEASE:-0}" = 1 ]; then profile=(--release); fi
    unpacked="$TARGET_DIR/sdist-check"
    rm -rf "$unpacked" && mkdir -p "$unpacked" && tar -xzf "$sdist" -C "$unpacked"
    MATURIN_PEP517_ARGS="--zig --compatibility manylinux2014 ${profile[*]}" CARGO_TARGET_DIR="$TARGET_DIR" \
      PATH="$VENV/bin:$PATH" "$PY" -m pip wheel -q --disable-pip-version-check --no-deps --no-build-isolation \
      --wheel-dir "$OUT/dist" "$unpacked/duo_directory-$VERSION"
    from="the sdist, by pip"
else
    cat > "$OUT/zigcc" <<SH
#!/bin/sh
export CARGO_ZIGBUILD_ZIG_COMMAND="$PY" CARGO_ZIGBUILD_ZIG_COMMAND_ARGS="-m ziglang"
exec "$VENV/bin/maturin" zig cc -- -g -fno-sanitize=all -target x86_64-linux-gnu.2.17 "\$@"
SH
    chmod +x "$OUT/zigcc"
    args=(build --quiet --out "$OUT/dist" --manifest-path "$HERE/Cargo.toml" --compatibility manylinux2014 --auditwheel check)
    if [ "${WHEEL_RELEASE:-0}" = 1 ]; then args+=(--release); fi
    (cd "$HERE" && "$VENV/bin/maturin" "${args[@]}" -- -C linker="$OUT/zigcc")
    from="the tree, linked by zig"
fi
wheel="$(ls "$OUT"/dist/*.whl)"
echo "built $(basename "$wheel") from $from ($((SECONDS - t1)) s)"
case "$(basename "$wheel")" in
    "duo_directory-$VERSION-cp39-abi3-manylinux2014_x86_64.manylinux_2_17_x86_64.whl") ;;
    "duo_directory-$VERSION-cp39-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64.whl") ;;
    *) fail "not a cp39-abi3 manylinux2014 wheel of $VERSION: $(basename "$wheel")" ;;
esac
contents="$("$PY" -m zipfile -l "$wheel")"
for f in duo_directory/__init__.py duo_directory/_native.pyi duo_directory/py.typed duo_directory/testing.py \
         "duo_directory-$VERSION.dist-info/licenses/LICENSE"; do
    grep -q "$f" <<<"$contents" || fail "$f missing from the wheel"
done

# 3. auditwheel: the oldest policy the binary satisfies must be manylinux_2_17 (it links nothing but
#    libc, libm, libgcc_s and the loader, with no symbol newer than glibc 2.17)
show="$("$VENV/bin/auditwheel" show "$wheel" | tr -s '\n ' '  ')"
grep -q 'is consistent with the following platform tag: "manylinux_2_17_x86_64"' <<<"$show" \
    || { echo "$show" >&2; fail "auditwheel does not find the wheel manylinux_2_17 (manylinux2014) compatible"; }
echo "auditwheel: manylinux_2_17_x86_64 (manylinux2014)"

# 4. a clean venv per interpreter
cat > "$OUT/smoke.py" <<'PY'
import sys
from importlib.metadata import metadata, version
import duo_directory
from duo_directory import sign_request
from duo_directory.testing import Emulator

signed = sign_request("DIWJ8X6AEYOR5OMC6TQ1", "Zh5eGmUq9zpfQnyUIu5OL9iWoMMv5ZNmk3zLJ4Ep", "GET",
                      "api-3f2a91c4.duosecurity.com", "/admin/v1/users", {"limit": "300", "offset": "0"},
                      date="Tue, 21 Aug 2012 17:29:18 -0000", sig_version=2, digest="sha1")
assert signed.authorization.endswith("ZjAxZmE2YWEzMzY2NzAzMGIxMDU4ZA=="), signed
with Emulator(users=3) as emu, emu.client() as client:
    assert len(list(client.list_users())) == 3
assert version("duo-directory") == sys.argv[1], version("duo-directory")
assert "Typing :: Typed" in metadata("duo-directory").get_all("Classifier")
assert "site-packages" in duo_directory.__file__, duo_directory.__file__
print("wheel OK on Python", sys.version.split()[0], "from", duo_directory.__file__)
PY

i=0
for py in ${WHEEL_PYTHONS:-python3}; do
    i=$((i + 1))
    venv="$OUT/venv-$i"
    "$py" -m venv "$venv"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check "$wheel"
    (cd "$OUT" && "$venv/bin/python" smoke.py "$VERSION")
done
echo "check-wheel: $((SECONDS - t0)) s"
