"""duo-directory (this package) vs duo_client 5.7.0 (PyPI), against the same local emulator.

Workloads, each run in a fresh Python process per library (so CPU time and peak RSS belong to that
workload alone):

- sign:     sign N v5 GET requests (`sign_request` vs `duo_client.client.sign`), no network;
- list-10k: iterate the first 10,000 users of a listing, reading `username` and `status`;
- list-50k: the same over all 50,000 users;
- scan-50k: iterate all 50,000 users without reading any field (what a lazy listing costs);
- hold-50k: list all 50,000 users into a Python list (`list(client.list_users())` vs
            `admin.get_users()`), then read `username` of each;
- update:   update 1,000 users one after another (`notes`);
- first-call: build a client and get one user (runtime start, root store, TLS handshake: the
            fixed cost every other workload pays once, reported on its own).

Each workload runs `--runs` times (default 3) in a fresh process per library; the table shows
the median of each figure.

The emulator runs in its own process (the `duo-emulator` binary from
`cargo build --release -p duo-directory-emulator`, else a `python -c` process running
`duo_directory.testing.Emulator`), so "client CPU" is the worker process's own CPU (user + system,
all its threads), with nothing of the server in it. Both clients use pages of 300 and HTTPS with the
emulator's CA (duo_client connects as `localhost`, since it checks only DNS names).

Run from the repository root, after a release build of the binding:

    .venv/bin/pip install -r bindings-python/requirements-dev.txt
    (cd bindings-python && ../.venv/bin/maturin develop --release)
    cargo build --release -p duo-directory-emulator --bin duo-emulator
    .venv/bin/python bindings-python/bench/bench_vs_duo_client.py --markdown docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import resource
import subprocess
import sys
import time

REPO = pathlib.Path(__file__).resolve().parents[2]
EMULATOR_BIN = REPO / "target" / "release" / "duo-emulator"
SECTION = "## Python binding vs duo_client"

# --------------------------------------------------------------------------------------------------
# worker side: one workload, one library, one process
# --------------------------------------------------------------------------------------------------


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def worker(lib: str, task: str, cfg: dict) -> dict:
    host, ikey, skey, ca = cfg["host"], cfg["ikey"], cfg["skey"], cfg["ca_cert_path"]
    port = int(host.rsplit(":", 1)[1])
    if lib == "duo_directory":
        import duo_directory

        def make():
            return duo_directory.Client(ikey, skey, host, ca_certs=ca, scheme=cfg["scheme"], max_retries=0)
    else:
        import duo_client
        import duo_client.client as dc

        def make():
            return duo_client.Admin(ikey=ikey, skey=skey, host="localhost", port=port,
                                    ca_certs=ca if ca else "HTTP", paging_limit=300)
    # first-call builds its client inside the measurement
    client = make() if task != "first-call" else None
    user_ids = cfg.get("user_ids", [])
    baseline = rss_mb()
    t0, c0 = time.perf_counter(), time.process_time()
    n = 0
    if task == "first-call":
        fresh = make()
        if lib == "duo_directory":
            fresh.get_user(user_ids[0])
        else:
            fresh.get_user_by_id(user_ids[0])
        n = 1
    elif task == "sign":
        params = {"limit": "300", "offset": "0", "username": "jsmith"}
        date = "Tue, 21 Aug 2012 17:29:18 -0000"
        count = cfg["signs"]
        if lib == "duo_directory":
            sign = duo_directory.sign_request
            for _ in range(count):
                sign(ikey, skey, "GET", "api-3f2a91c4.duosecurity.com", "/admin/v1/users", params, date=date)
        else:
            sign = dc.sign
            for _ in range(count):
                # what Client.api_call does for a v5 GET: normalize, then sign with an empty body
                sign(ikey, skey, "GET", "api-3f2a91c4.duosecurity.com", "/admin/v1/users", date, 5,
                     dc.normalize_params(params), body="")
        n = count
    elif task == "scan-50k":
        it = client.list_users(page_size=300) if lib == "duo_directory" else client.get_users_iterator()
        for _ in it:
            n += 1
    elif task.startswith("list-"):
        limit = cfg["list_" + task.split("-")[1]]
        it = client.list_users(page_size=300) if lib == "duo_directory" else client.get_users_iterator()
        if lib == "duo_directory":
            for user in it:
                _ = (user.username, user.status)
                n += 1
                if n == limit:
                    break
        else:
            for user in it:
                _ = (user["username"], user["status"])
                n += 1
                if n == limit:
                    break
    elif task == "hold-50k":
        users = list(client.list_users(page_size=300)) if lib == "duo_directory" else client.get_users()
        if lib == "duo_directory":
            n = sum(1 for u in users if u.username)
        else:
            n = sum(1 for u in users if u["username"])
    elif task == "update":
        for i, user_id in enumerate(user_ids):
            if lib == "duo_directory":
                client.update_user(user_id, notes=f"bench {lib} {i}")
            else:
                client.update_user(user_id, notes=f"bench {lib} {i}")
            n += 1
    else:
        raise SystemExit(f"unknown task {task}")
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1000
    return {"lib": lib, "task": task, "n": n, "wall": wall, "cpu": cpu, "peak_rss_mb": peak,
            "baseline_rss_mb": baseline}


# --------------------------------------------------------------------------------------------------
# driver side
# --------------------------------------------------------------------------------------------------


def start_emulator(users: int, tls: bool) -> tuple[subprocess.Popen, dict]:
    if EMULATOR_BIN.exists():
        cmd = [str(EMULATOR_BIN), "--users", str(users)] + ([] if tls else ["--http"])
        how = "target/release/duo-emulator"
    else:
        code = (
            "import json,sys\n"
            "from duo_directory.testing import Emulator\n"
            f"e=Emulator(users={users}, tls={tls})\n"
            "print(json.dumps({'host':e.host,'ikey':e.ikey,'skey':e.skey,'ca_cert_path':e.ca_cert_path,"
            "'scheme':e.scheme}), flush=True)\n"
            "sys.stdin.read()\n"
        )
        cmd = [sys.executable, "-c", code]
        how = "python -c 'duo_directory.testing.Emulator(...)'"
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if not line:
        proc.kill()
        raise SystemExit(f"the emulator ({how}) did not start")
    cfg = json.loads(line)
    cfg.setdefault("scheme", "https" if tls else "http")
    cfg["emulator"] = how
    return proc, cfg


def run_worker(lib: str, task: str, cfg: dict) -> dict:
    out = subprocess.run([sys.executable, __file__, "--worker", lib, task], input=json.dumps(cfg),
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"worker {lib} {task} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def user_ids(cfg: dict, count: int) -> list[str]:
    import duo_directory

    with duo_directory.Client(cfg["ikey"], cfg["skey"], cfg["host"], ca_certs=cfg["ca_cert_path"],
                              scheme=cfg["scheme"]) as client:
        ids = []
        for user in client.list_users(page_size=300):
            ids.append(user.user_id)
            if len(ids) == count:
                return ids
    return ids


def median_of(runs: list[dict]) -> dict:
    """The median of each figure over the runs of one workload and library."""
    import statistics

    out = dict(runs[0])
    for key in ("wall", "cpu", "peak_rss_mb", "baseline_rss_mb"):
        out[key] = statistics.median(r[key] for r in runs)
    out["runs"] = len(runs)
    return out


def table(results: list[dict]) -> str:
    by = {(r["task"], r["lib"]): r for r in results}
    rows = [
        "| workload | library | wall s | client CPU s | peak RSS MB (after imports) "
        "| CPU: duo_client / ours | peak RSS: duo_client / ours |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for task in dict.fromkeys(r["task"] for r in results):
        ours, theirs = by[(task, "duo_directory")], by[(task, "duo_client")]
        for r in (ours, theirs):
            ratio_cpu = ratio_rss = ""
            if r is ours:
                ratio_cpu = f"{theirs['cpu'] / max(ours['cpu'], 1e-9):.1f}x"
                ratio_rss = f"{theirs['peak_rss_mb'] / max(ours['peak_rss_mb'], 1e-9):.2f}x"
            rows.append(
                f"| {task} ({r['n']:,}) | {r['lib']} | {r['wall']:.3f} | {r['cpu']:.3f} | "
                f"{r['peak_rss_mb']:.0f} ({r['baseline_rss_mb']:.0f}) | {ratio_cpu} | {ratio_rss} |"
            )
    return "\n".join(rows)


def write_markdown(path: pathlib.Path, body: str, section: str = SECTION) -> None:
    """Replaces `section` of the markdown file with `body` (keeping its "### Analysis")."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if section in text:
        head, rest = text.split(section, 1)
        nxt = rest.find("\n## ")
        old, tail = (rest[:nxt], rest[nxt:]) if nxt >= 0 else (rest, "")
        # a hand-written "### Analysis" subsection survives reruns
        analysis = old[old.find("\n### Analysis"):] if "\n### Analysis" in old else ""
        text = head + body.rstrip() + "\n" + analysis.rstrip("\n") + ("\n" if analysis else "") + tail
    else:
        text = text.rstrip() + "\n\n" + body.rstrip() + "\n"
    path.write_text(text, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--worker", nargs=2, metavar=("LIB", "TASK"), help=argparse.SUPPRESS)
    ap.add_argument("--users", type=int, default=50_000, help="users in the emulator (list-50k lists all)")
    ap.add_argument("--list-small", type=int, default=10_000)
    ap.add_argument("--signs", type=int, default=100_000)
    ap.add_argument("--updates", type=int, default=1_000)
    ap.add_argument("--http", action="store_true", help="plain HTTP instead of HTTPS")
    ap.add_argument("--tasks", default="first-call,sign,list-10k,list-50k,scan-50k,hold-50k,update")
    ap.add_argument("--runs", type=int, default=3, help="fresh processes per workload and library (median)")
    ap.add_argument("--markdown", type=pathlib.Path, help="write the results into this file's section")
    args = ap.parse_args()

    if args.worker:
        cfg = json.loads(sys.stdin.read())
        print(json.dumps(worker(args.worker[0], args.worker[1], cfg)))
        return

    proc, cfg = start_emulator(args.users, not args.http)
    try:
        cfg.update(signs=args.signs, list_10k=args.list_small, list_50k=args.users)
        tasks = args.tasks.split(",")
        if "update" in tasks or "first-call" in tasks:
            cfg["user_ids"] = user_ids(cfg, args.updates)
        results = []
        for task in tasks:
            for lib in ("duo_directory", "duo_client"):
                runs = [run_worker(lib, task, cfg) for _ in range(args.runs)]
                r = median_of(runs)
                results.append(r)
                cpus = " ".join(f"{x['cpu']:.3f}" for x in runs)
                print(f"{task:10} {lib:14} n={r['n']:>7} wall={r['wall']:7.2f}s cpu={r['cpu']:7.3f}s "
                      f"peak_rss={r['peak_rss_mb']:6.0f}MB  (cpu of each run: {cpus})", flush=True)
    finally:
        proc.kill()
        proc.wait()

    import duo_client
    import duo_directory

    out = table(results)
    print()
    print(out)
    if args.markdown:
        import platform

        body = (
            f"{SECTION}\n\n"
            f"`bindings-python/bench/bench_vs_duo_client.py`: duo-directory {duo_directory.__version__} "
            f"(release build) vs duo_client {getattr(duo_client, '__version__', '5.7.0')}, same emulator "
            f"({cfg['emulator']}, {args.users:,} generated users, {'HTTP' if args.http else 'HTTPS'}), "
            f"each workload in {args.runs} fresh processes per library (medians). Client CPU = the worker process's user+system "
            f"time (all threads); the emulator runs in another process. Python {platform.python_version()}, "
            f"{os.cpu_count()} cores.\n\n"
            f"{out}\n\n"
            "Rerun (from the repository root):\n\n"
            "```sh\n"
            ".venv/bin/pip install -r bindings-python/requirements-dev.txt\n"
            "(cd bindings-python && ../.venv/bin/maturin develop --release)\n"
            "cargo build --release -p duo-directory-emulator --bin duo-emulator\n"
            ".venv/bin/python bindings-python/bench/bench_vs_duo_client.py --markdown docs/benchmarks.md\n"
            "```\n"
        )
        write_markdown(args.markdown, body)
        print(f"\nwrote {args.markdown}")


if __name__ == "__main__":
    main()
