#!/usr/bin/env python3
"""One version for every artifact: [workspace.package] version in the root Cargo.toml.

    scripts/versions.py check        exit 1, naming each file, where an artifact differs
    scripts/versions.py set X.Y.Z    write X.Y.Z everywhere (the Cargo.lock entries included)

Called by scripts/check-versions.sh and scripts/set-version.sh. Python 3.9+, standard library.
"""
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "bindings-node"
PLATFORM_DIRS = sorted((NODE / "npm").glob("*/package.json"))
# the poms, and the README that shows the <dependency> to paste
POMS = [ROOT / "bindings-uniffi/kotlin/pom.xml", ROOT / "bindings-uniffi/kotlin/consumer-test/pom.xml",
        ROOT / "bindings-uniffi/README.md"]
# the README's install table names the Maven coordinates
COORDINATES = re.compile(r"(com\.duosecurity\.directory:duo-directory:)([0-9A-Za-z.+-]+?)(`)")
SEMVER = re.compile(r"^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$")


def read(path):
    return path.read_text(encoding="utf-8")


def workspace_version():
    section = re.search(r"^\[workspace\.package\]\n(.*?)(?=^\[)", read(ROOT / "Cargo.toml"), re.S | re.M)
    match = section and re.search(r'^version = "([^"]+)"', section.group(1), re.M)
    if not match:
        sys.exit("Cargo.toml: no version in [workspace.package]")
    return match.group(1)


def members():
    """The workspace's crates, but workspace-hack: it keeps hakari's stub version (its Cargo.toml)."""
    text = read(ROOT / "Cargo.toml")
    listed = re.search(r"^members = \[(.*?)\]", text, re.M | re.S)
    return [m for m in re.findall(r'"([^"]+)"', listed.group(1)) if m != "workspace-hack"] if listed else []


def found():
    """(file, what, version found) for every place that must equal the workspace version."""
    cargo = read(ROOT / "Cargo.toml")
    for name in ("duo-directory", "duo-directory-emulator"):
        match = re.search(rf'^{name} = {{[^}}]*version = "([^"]+)"', cargo, re.M)
        yield "Cargo.toml", f"[workspace.dependencies] {name}", match.group(1) if match else None
    lock = read(ROOT / "Cargo.lock")
    for member in members():
        manifest = read(ROOT / member / "Cargo.toml")
        inherits = re.search(r"^version\.workspace = true$", manifest, re.M)
        yield f"{member}/Cargo.toml", "version.workspace = true", workspace_version() if inherits else "its own"
        name = re.search(r'^name = "([^"]+)"', manifest, re.M).group(1)
        locked = re.search(rf'^name = "{re.escape(name)}"\nversion = "([^"]+)"', lock, re.M)
        yield "Cargo.lock", name, locked.group(1) if locked else None
    pyproject = read(ROOT / "bindings-python/pyproject.toml")
    dynamic = re.search(r'^dynamic = \[[^\]]*"version"', pyproject, re.M) and not re.search(
        r"^version = ", pyproject, re.M
    )
    yield "bindings-python/pyproject.toml", "dynamic version (from Cargo)", workspace_version() if dynamic else "static"
    package = json.loads(read(NODE / "package.json"))
    yield "bindings-node/package.json", "version", package.get("version")
    optional = package.get("optionalDependencies", {})
    if not optional:
        yield "bindings-node/package.json", "optionalDependencies", None
    for dep, spec in optional.items():
        yield "bindings-node/package.json", f"optionalDependencies {dep}", spec
    lock_json = json.loads(read(NODE / "package-lock.json"))
    yield "bindings-node/package-lock.json", "version", lock_json.get("version")
    yield "bindings-node/package-lock.json", 'packages[""].version', lock_json["packages"][""].get("version")
    for dep in optional:
        spec = lock_json["packages"][""].get("optionalDependencies", {}).get(dep)
        yield "bindings-node/package-lock.json", f"optionalDependencies {dep}", spec
    for path in PLATFORM_DIRS:
        key = str(path.parent.relative_to(NODE))
        yield "bindings-node/package-lock.json", f'packages["{key}"].version', lock_json["packages"].get(key, {}).get("version")
    if not PLATFORM_DIRS:
        yield "bindings-node/npm/*/package.json", "platform packages", None
    for path in PLATFORM_DIRS:
        platform = json.loads(read(path))
        yield str(path.relative_to(ROOT)), "version", platform.get("version")
        if platform.get("name") not in optional:
            yield "bindings-node/package.json", f"optionalDependencies {platform.get('name')}", None
    for pom in POMS:
        text = read(pom)
        own = re.search(r"<artifactId>duo-directory</artifactId>\s*<version>([^<]+)</version>", text)
        yield str(pom.relative_to(ROOT)), "duo-directory version", own.group(1) if own else None
    coordinates = COORDINATES.search(read(ROOT / "README.md"))
    yield "README.md", "Maven coordinates", coordinates.group(2) if coordinates else None


def check():
    version = workspace_version()
    bad = [(f, what, v) for f, what, v in found() if v != version]
    for f, what, v in bad:
        print(f"version mismatch: {f}: {what} is {v!r}, the workspace is {version!r}", file=sys.stderr)
    if bad:
        print("fix with: scripts/set-version.sh " + version, file=sys.stderr)
        return 1
    print(f"one version everywhere: {version}")
    return 0


def substitute(path, pattern, replacement, count=0):
    text = read(path)
    new, n = re.subn(pattern, replacement, text, count=count, flags=re.M)
    if n == 0:
        sys.exit(f"{path.relative_to(ROOT)}: nothing matched {pattern!r}")
    path.write_text(new, encoding="utf-8")


def set_version(version):
    if not SEMVER.match(version):
        sys.exit(f"not a semantic version: {version!r}")
    old = workspace_version()
    substitute(ROOT / "Cargo.toml", r'^(\[workspace\.package\]\n(?:.*\n)*?version = ")[^"]+"', rf'\g<1>{version}"', 1)
    substitute(ROOT / "Cargo.toml", r'^((?:duo-directory|duo-directory-emulator) = {[^}]*version = ")[^"]+"', rf'\g<1>{version}"')
    lock = ROOT / "Cargo.lock"
    text = read(lock)
    for member in members():
        name = re.search(r'^name = "([^"]+)"', read(ROOT / member / "Cargo.toml"), re.M).group(1)
        text = re.sub(rf'^(name = "{re.escape(name)}"\nversion = ")[^"]+"', rf'\g<1>{version}"', text, flags=re.M)
    lock.write_text(text, encoding="utf-8")
    for path in [NODE / "package.json", *PLATFORM_DIRS]:
        data = json.loads(read(path))
        data["version"] = version
        for dep in data.get("optionalDependencies", {}):
            data["optionalDependencies"][dep] = version
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    lock_path = NODE / "package-lock.json"
    data = json.loads(read(lock_path))
    data["version"] = version
    data["packages"][""]["version"] = version
    for dep in data["packages"][""].get("optionalDependencies", {}):
        data["packages"][""]["optionalDependencies"][dep] = version
    for path in PLATFORM_DIRS:
        data["packages"].setdefault(str(path.parent.relative_to(NODE)), {})["version"] = version
    lock_path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    # binding.js is napi's output (regenerated and drift-checked by bindings-node/test.sh); it
    # names the version its platform packages must have.
    binding = NODE / "binding.js"
    binding.write_text(read(binding).replace(f"'{old}'", f"'{version}'").replace(
        f"expected {old} but", f"expected {version} but"), encoding="utf-8")
    for pom in POMS:
        substitute(pom, r"(<artifactId>duo-directory</artifactId>\s*<version>)[^<]+(</version>)", rf"\g<1>{version}\g<2>")
    substitute(ROOT / "README.md", COORDINATES.pattern, rf"\g<1>{version}\g<3>")
    print(f"version {old} -> {version}; add a CHANGELOG.md section for it")
    return check()


if __name__ == "__main__":
    if sys.argv[1:2] == ["check"] and len(sys.argv) == 2:
        sys.exit(check())
    if sys.argv[1:2] == ["set"] and len(sys.argv) == 3:
        sys.exit(set_version(sys.argv[2]))
    sys.exit(__doc__)
