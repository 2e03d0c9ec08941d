"""Reconcile 10,000 directory users into an emulator with Duo's write limit: calls and wall time
of duo-directory's plan + apply (bulk_create, 100 users a call) against one-by-one creates with
`duo_client` 5.7 (`add_user`, one call per user), and the floor the limit sets for each.

Duo allows about 300 writes a minute (`../shared/reference/duo-admin-api.md` §5.1); the emulator
enforces 200 pages / 300 reads / 300 writes a minute (fixed window), with `--time-scale` making a
minute shorter (60: one second). The emulator counts one bulk request as one write (an
assumption: Duo publishes no bulk limit). Each library runs in a fresh process against a fresh
emulator. `duo_client` backs off 1, 2, 4 ... 32 s in real seconds, which the time scale does not
shorten.

Run from the repository root, after a release build of the binding:

    (cd bindings-python && ../.venv/bin/maturin develop --release)
    .venv/bin/python bindings-python/bench/bench_reconcile.py --markdown docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import json
import pathlib
import subprocess
import sys
import time

SECTION = "## Reconcile 10,000 directory users under the write limit"
WRITES_PER_MINUTE = 300

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from bench_vs_duo_client import write_markdown as _write_section  # noqa: E402


def directory(n: int) -> list[dict]:
    return [
        {"id": f"directory_user_{i}", "idp_id": str(i), "directory_id": "directory_bench",
         "email": f"bench{i}@example.com", "first_name": f"First{i}", "last_name": f"Last{i}",
         "state": "active", "created_at": "", "updated_at": ""}
        for i in range(n)
    ]


def worker(lib: str, cfg: dict) -> dict:
    users = directory(cfg["users"])
    t0 = time.perf_counter()
    if lib == "duo_directory":
        import duo_directory

        client = duo_directory.Client(cfg["ikey"], cfg["skey"], cfg["host"], ca_certs=cfg["ca"])
        plan = client.plan_reconcile([duo_directory.DirectoryUser.from_json(json.dumps(u)) for u in users])
        report = client.apply(plan)
        ok = report.counts["done"]
    else:
        import duo_client

        port = int(cfg["host"].rsplit(":", 1)[1])
        client = duo_client.Admin(ikey=cfg["ikey"], skey=cfg["skey"], host="localhost", port=port, ca_certs=cfg["ca"])
        ok = 0
        for u in users:
            client.add_user(u["email"], realname=f"{u['first_name']} {u['last_name']}", email=u["email"],
                            firstname=u["first_name"], lastname=u["last_name"])
            ok += 1
    return {"lib": lib, "ok": ok, "wall": time.perf_counter() - t0}


def run(lib: str, args) -> dict:
    from duo_directory.testing import Emulator

    with Emulator(rate_limits=True, latency=args.latency_ms / 1000, time_scale=args.time_scale) as emu:
        cfg = {"host": emu.host, "ikey": emu.ikey, "skey": emu.skey, "ca": emu.ca_cert_path, "users": args.users}
        out = subprocess.run([sys.executable, __file__, "--worker", lib, json.dumps(cfg)],
                             capture_output=True, text=True, check=True)
        result = json.loads(out.stdout.strip().splitlines()[-1])
        reqs = emu.requests()
        result["calls"] = len(reqs)
        result["writes"] = sum(1 for r in reqs if r.method != "GET" and r.status == 200)
        result["throttled"] = sum(1 for r in reqs if r.status == 429)
        result["created"] = emu.user_count
        return result


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--users", type=int, default=10_000)
    p.add_argument("--time-scale", type=float, default=60.0)
    p.add_argument("--latency-ms", type=float, default=5.0)
    p.add_argument("--only", choices=["duo_directory", "duo_client"])
    p.add_argument("--markdown", type=pathlib.Path)
    p.add_argument("--worker", nargs=2)
    args = p.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker[0], json.loads(args.worker[1]))))
        return
    libs = [args.only] if args.only else ["duo_directory", "duo_client"]
    rows = []
    for lib in libs:
        r = run(lib, args)
        floor_minutes = r["writes"] / WRITES_PER_MINUTE
        r["floor"] = floor_minutes * 60 / args.time_scale
        rows.append(r)
        print(json.dumps(r), flush=True)
    minute = 60 / args.time_scale
    lines = [
        SECTION,
        "",
        f"`bindings-python/bench/bench_reconcile.py`: {args.users:,} new directory users into an empty emulator "
        f"with Duo's limits (300 writes a minute, fixed window), time scale {args.time_scale:g} (a Duo minute "
        f"lasts {minute:g} s), {args.latency_ms:g} ms latency a request. Floor: successful writes / 300 a minute, "
        f"scaled. Unscaled, the floor of one-by-one creates is {args.users / WRITES_PER_MINUTE:.1f} minutes; "
        f"of 100-user bulk creates {args.users / 100 / WRITES_PER_MINUTE * 60:.0f} s.",
        "",
        "| library | HTTP calls | writes | 429s | users created | wall (scaled) | floor (scaled) | floor at Duo's real minute |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        name = "duo-directory plan + apply (bulk_create)" if r["lib"] == "duo_directory" else "duo_client 5.7 add_user, one by one"
        real = r["floor"] * args.time_scale
        lines.append(f"| {name} | {r['calls']:,} | {r['writes']:,} | {r['throttled']:,} | {r['created']:,} | "
                     f"{r['wall']:.1f} s | {r['floor']:.1f} s | {real / 60:.1f} min |")
    lines += ["", "Rerun:", "", "```sh", "(cd bindings-python && ../.venv/bin/maturin develop --release)",
              ".venv/bin/python bindings-python/bench/bench_reconcile.py --markdown docs/benchmarks.md", "```"]
    body = "\n".join(lines)
    print(body)
    if args.markdown:
        _write_section(args.markdown, body, SECTION)


if __name__ == "__main__":
    main()
