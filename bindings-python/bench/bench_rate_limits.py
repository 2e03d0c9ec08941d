"""Wall time under Duo's rate limits: duo-directory (adaptive pacing, the default) vs duo_client
5.7.0, against the emulator with Duo's per-class limits (200 pages, 300 single reads and 300
writes a minute, fixed window), a per-request latency and a time scale that shortens the minute.

Workloads, each in a fresh Python process per library, against a fresh emulator (so every run
starts at the beginning of a rate-limit window):

- list-50k/300: list all users in pages of 300 (167 pages: fits one window's 200 pages);
- list-50k/100: list all users in pages of 100 (500 pages: 2.5 windows);
- update-1k:    update 1,000 users one after another (3.3 windows of 300 writes).

Reported: wall time, the floor the limit itself sets (requests / allowed rate), their ratio, and
the 429 answers the emulator gave. `duo_client` backs off 1, 2, 4 ... 32 s in real seconds, which
the time scale does not shorten: its overshoot past each window is real-time, as it would be
against Duo, while the window is shortened; run with `--time-scale 1` for the unscaled picture.

Run from the repository root, after a release build of the binding:

    (cd bindings-python && ../.venv/bin/maturin develop --release)
    .venv/bin/python bindings-python/bench/bench_rate_limits.py --markdown docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import json
import pathlib
import statistics
import subprocess
import sys
import time

SECTION = "## Under Duo's rate limits"

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from bench_vs_duo_client import write_markdown as _write_section  # noqa: E402


def write_markdown(path: pathlib.Path, body: str) -> None:
    _write_section(path, body, SECTION)

LIMITS = {"pages": 200, "reads": 300, "writes": 300}


def worker(lib: str, task: str, cfg: dict) -> dict:
    host, ikey, skey, ca = cfg["host"], cfg["ikey"], cfg["skey"], cfg["ca_cert_path"]
    port = int(host.rsplit(":", 1)[1])
    page = cfg.get("page_size", 300)
    if lib == "duo_directory":
        import duo_directory

        client = duo_directory.Client(ikey, skey, host, ca_certs=ca)
    else:
        import duo_client

        client = duo_client.Admin(ikey=ikey, skey=skey, host="localhost", port=port, ca_certs=ca,
                                  paging_limit=page)
    t0 = time.perf_counter()
    n = 0
    if task.startswith("list"):
        it = client.list_users(page_size=page) if lib == "duo_directory" else client.get_users_iterator()
        for user in it:
            _ = user.username if lib == "duo_directory" else user["username"]
            n += 1
    else:
        for i, user_id in enumerate(cfg["user_ids"]):
            client.update_user(user_id, notes=f"paced {lib} {i}")
            n += 1
    return {"lib": lib, "task": task, "n": n, "wall": time.perf_counter() - t0}


def run(lib: str, task: str, args) -> dict:
    from duo_directory.testing import Emulator

    with Emulator(users=args.users, rate_limits=True, latency=args.latency_ms / 1000,
                  time_scale=args.time_scale) as emu:
        cfg = {"host": emu.host, "ikey": emu.ikey, "skey": emu.skey, "ca_cert_path": emu.ca_cert_path}
        if task.startswith("list"):
            cfg["page_size"] = int(task.split("/")[1])
            requests = -(-args.users // cfg["page_size"])
            per_minute = LIMITS["pages"]
        else:
            cfg["user_ids"] = [u.user_id for u in emu.users()[: args.updates]]
            requests = len(cfg["user_ids"])
            per_minute = LIMITS["writes"]
        emu.clear_requests()
        out = subprocess.run([sys.executable, __file__, "--worker", lib, task], input=json.dumps(cfg),
                             capture_output=True, text=True, check=False)
        if out.returncode != 0:
            raise SystemExit(f"worker {lib} {task} failed:\n{out.stderr}")
        result = json.loads(out.stdout.strip().splitlines()[-1])
        statuses = [r.status for r in emu.requests()]
    result["throttled"] = statuses.count(429)
    result["requests"] = len(statuses)
    result["floor"] = requests / (per_minute * args.time_scale / 60)
    return result


def table(results: list[dict], runs: int) -> str:
    rows = [
        "| workload | library | wall s | floor s | wall / floor | 429 answers | requests |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        rows.append(
            f"| {r['task']} ({r['n']:,}) | {r['lib']} | {r['wall']:.1f} | {r['floor']:.1f} | "
            f"{r['wall'] / r['floor']:.2f} | {r['throttled']} | {r['requests']} |"
        )
    return "\n".join(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--worker", nargs=2, metavar=("LIB", "TASK"), help=argparse.SUPPRESS)
    ap.add_argument("--users", type=int, default=50_000)
    ap.add_argument("--updates", type=int, default=1_000)
    ap.add_argument("--latency-ms", type=float, default=20.0)
    ap.add_argument("--time-scale", type=float, default=6.0, help="a Duo minute lasts 60/X seconds")
    ap.add_argument("--runs", type=int, default=1, help="runs per workload and library (median wall time)")
    ap.add_argument("--tasks", default="list-50k/300,list-50k/100,update-1k")
    ap.add_argument("--markdown", type=pathlib.Path)
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker[0], args.worker[1], json.loads(sys.stdin.read()))))
        return
    results = []
    for task in args.tasks.split(","):
        for lib in ("duo_directory", "duo_client"):
            runs = [run(lib, task, args) for _ in range(args.runs)]
            r = dict(runs[0])
            r["wall"] = statistics.median(x["wall"] for x in runs)
            r["throttled"] = statistics.median(x["throttled"] for x in runs)
            r["requests"] = statistics.median(x["requests"] for x in runs)
            results.append(r)
            print(f"{task:14} {lib:14} n={r['n']:>6} wall={r['wall']:6.1f}s floor={r['floor']:5.1f}s "
                  f"429s={r['throttled']} (each run: {[round(x['wall'], 1) for x in runs]})", flush=True)
    out = table(results, args.runs)
    print()
    print(out)
    if args.markdown:
        body = (
            f"{SECTION}\n\n"
            f"`bindings-python/bench/bench_rate_limits.py`: the emulator with Duo's limits (200 pages, "
            f"300 single reads, 300 writes a minute; fixed window), {args.latency_ms:g} ms latency per "
            f"request, time scale {args.time_scale:g} (a Duo minute lasts {60 / args.time_scale:g} s), "
            f"{args.users:,} users, HTTPS; a fresh emulator and a fresh process per run; median of "
            f"{args.runs} run(s). Floor = requests / the allowed rate.\n\n"
            f"{out}\n\n"
            "Rerun (from the repository root):\n\n"
            "```sh\n"
            "(cd bindings-python && ../.venv/bin/maturin develop --release)\n"
            f".venv/bin/python bindings-python/bench/bench_rate_limits.py --time-scale {args.time_scale:g} "
            f"--runs {args.runs} --markdown docs/benchmarks.md\n"
            "```\n"
        )
        write_markdown(args.markdown, body)
        print(f"\nwrote {args.markdown}")


if __name__ == "__main__":
    main()
