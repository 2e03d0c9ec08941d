#!/usr/bin/env bash
# Builds the one abi3 wheel (cp39-abi3), installs it into a clean, throw-away venv and imports it.
#
#   bindings-python/check-wheel.sh                 debug-profile wheel (fast, ~30 s warm)
#   WHEEL_RELEASE=1 bindings-python/check-wheel.sh release wheel as published (~1.5 min clean)
#   WHEEL_PYTHONS="/path/to/python3.9 /path/to/python3.13" bindings-python/check-wheel.sh
#                                                  install and import it under each interpreter
#                                                  (default: python3)
#
# Uses maturin from the repository-root venv (.venv; run test.sh once first) or from PATH.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
MATURIN="$ROOT/.venv/bin/maturin"
[ -x "$MATURIN" ] || MATURIN="maturin"

OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
args=(build --quiet --out "$OUT/dist" --manifest-path "$HERE/Cargo.toml")
if [ "${WHEEL_RELEASE:-0}" = 1 ]; then args+=(--release); fi
(cd "$HERE" && "$MATURIN" "${args[@]}")

wheel="$(ls "$OUT"/dist/*.whl)"
echo "built $(basename "$wheel")"
case "$(basename "$wheel")" in
    duo_directory-*-cp39-abi3-*.whl) ;;
    *) echo "FAIL: not a cp39-abi3 wheel: $wheel" >&2; exit 1 ;;
esac
contents="$(python3 -m zipfile -l "$wheel")"
for f in duo_directory/__init__.py duo_directory/_native.pyi duo_directory/py.typed duo_directory/testing.py; do
    grep -q "$f" <<<"$contents" || { echo "FAIL: $f missing from the wheel" >&2; exit 1; }
done

cat > "$OUT/smoke.py" <<'PY'
import sys
import duo_directory
from duo_directory import sign_request
from duo_directory.testing import Emulator

signed = sign_request("DIWJ8X6AEYOR5OMC6TQ1", "Zh5eGmUq9zpfQnyUIu5OL9iWoMMv5ZNmk3zLJ4Ep", "GET",
                      "api-3f2a91c4.duosecurity.com", "/admin/v1/users", {"limit": "300", "offset": "0"},
                      date="Tue, 21 Aug 2012 17:29:18 -0000", sig_version=2, digest="sha1")
assert signed.authorization.endswith("ZjAxZmE2YWEzMzY2NzAzMGIxMDU4ZA=="), signed
with Emulator(users=3) as emu, emu.client() as client:
    assert len(list(client.list_users())) == 3
print("wheel OK on Python", sys.version.split()[0], "from", duo_directory.__file__)
PY

i=0
for py in ${WHEEL_PYTHONS:-python3}; do
    i=$((i + 1))
    venv="$OUT/venv-$i"
    "$py" -m venv "$venv"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check "$wheel"
    (cd "$OUT" && "$venv/bin/python" smoke.py)
done
