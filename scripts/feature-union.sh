#!/usr/bin/env bash
# Lists the crates that the builds of scripts/test.sh would compile more than once because cargo
# resolved different features for them (see workspace-hack/Cargo.toml). Compares each build's unit
# graph with that of `cargo test --workspace`; a unit is the same when its package, features,
# profile and (recursively) its dependencies are. Prints nothing under a build that shares
# everything but its own crate. A diagnostic for developers, not run in CI: `--unit-graph` is
# unstable, hence RUSTC_BOOTSTRAP=1 for these dry runs only (nothing is built).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
graph() { local name=$1; shift; RUSTC_BOOTSTRAP=1 cargo "$@" --unit-graph -Zunstable-options >"$dir/$name.json"; }
graph test test --workspace --no-run
graph emulator build -p duo-directory-emulator --bin duo-emulator
graph python build -p duo-directory-python --lib
graph node build -p duo-directory-node --lib
graph uniffi build -p duo-directory-uniffi --features bindgen --lib --bin uniffi-bindgen
python3 - "$dir" <<'PY'
import hashlib, json, sys
def units(path):
    g = json.load(open(path))["units"]
    memo = {}
    def h(i):
        if i not in memo:
            u = g[i]
            key = [u["pkg_id"], u["target"]["name"], u["target"]["kind"], sorted(u["features"]), u["mode"],
                   u["profile"]["opt_level"], str(u["profile"].get("debuginfo")), sorted(h(d["index"]) for d in u["dependencies"])]
            memo[i] = hashlib.sha1(json.dumps(key).encode()).hexdigest()
        return memo[i]
    out = {}
    for i, u in enumerate(g):
        if u["mode"] == "build":
            out.setdefault((u["pkg_id"].split("#")[-1], u["target"]["name"]), set()).add(h(i))
    return out
base = units(f"{sys.argv[1]}/test.json")
for name in ["emulator", "python", "node", "uniffi"]:
    extra = sorted(k for k, v in units(f"{sys.argv[1]}/{name}.json").items() if not v <= base.get(k, set()))
    print(f"{name}: {len(extra)} units not shared with the test build")
    for pkg, target in extra:
        print(f"    {pkg} ({target})")
PY
