#!/usr/bin/env python3
"""Lists N users from a separate emulator process with the Kotlin binding and with duo_client_java
0.7.1, each in fresh JVMs, and prints the medians of CPU time (user + system, every thread) and
peak RSS of each JVM process, measured from outside with wait4(). See docs/benchmarks.md.

Run by bench/run.sh after the release build; needs port 443 (duo_client_java always dials 443 and
pins per host name, so the emulator listens on localhost:443; run as root or grant the port)."""

import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
KOTLIN = os.path.dirname(HERE)
ROOT = os.path.dirname(os.path.dirname(KOTLIN))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
RELEASE = os.path.join(TARGET, "release")
RUNS = int(os.environ.get("RUNS", "3"))
COUNTS = [int(n) for n in os.environ.get("COUNTS", "10000 50000").split()]


def run_jvm(classpath, truststore, args):
    cmd = ["java", "-cp", classpath, f"-Djna.library.path={RELEASE}",
           f"-Djavax.net.ssl.trustStore={truststore}", "-Djavax.net.ssl.trustStorePassword=changeit",
           "com.duosecurity.directory.bench.BenchKt", *args]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE)
    out = proc.stdout.read().decode()
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        sys.exit(f"{cmd} failed: {out}")
    result = json.loads(out.strip().splitlines()[-1])
    result["cpu"] = usage.ru_utime + usage.ru_stime
    result["rss_mib"] = usage.ru_maxrss / 1024
    return result


def main():
    classpath = os.path.join(KOTLIN, "target", "classes") + ":" + open(os.path.join(KOTLIN, "target", "bench.classpath")).read().strip()
    rows = []
    for count in COUNTS:
        emu = subprocess.Popen([os.path.join(RELEASE, "duo-emulator"), "--port", "443", "--users", str(count), "--json"],
                               stdout=subprocess.PIPE)
        info = json.loads(emu.stdout.readline())
        try:
            with tempfile.TemporaryDirectory() as tmp:
                truststore = os.path.join(tmp, "trust.p12")
                subprocess.run(["keytool", "-importcert", "-noprompt", "-alias", "emulator", "-file", info["ca_cert_path"],
                                "-keystore", truststore, "-storepass", "changeit", "-storetype", "PKCS12"],
                               check=True, capture_output=True)
                args = ["localhost", info["ikey"], info["skey"], info["ca_cert_path"]]
                base = [run_jvm(classpath, truststore, ["jvm_only", *args]) for _ in range(RUNS)]
                for impl in ("binding", "duo_client_java"):
                    cold = [run_jvm(classpath, truststore, [impl, *args, "1"]) for _ in range(RUNS)]
                    warm = [run_jvm(classpath, truststore, [impl, *args, "3"]) for _ in range(RUNS)]
                    assert all(r["users"] == count for r in cold + warm), (cold, warm)
                    rows.append({
                        "users": count, "impl": impl,
                        "cpu_s": statistics.median(r["cpu"] for r in cold),
                        "rss_mib": statistics.median(r["rss_mib"] for r in cold),
                        "listing_cpu_cold_s": statistics.median(r["listing_cpu"][0] for r in cold),
                        "listing_cpu_warm_s": statistics.median(r["listing_cpu"][2] for r in warm),
                        "jvm_only_cpu_s": statistics.median(r["cpu"] for r in base),
                    })
                    print(json.dumps(rows[-1]), flush=True)
        finally:
            emu.terminate()
            emu.wait()
    print()
    print("| users | client | JVM process CPU | peak RSS | listing CPU, 1st listing | listing CPU, 3rd listing (warm) |")
    print("| --- | --- | --- | --- | --- | --- |")
    for r in rows:
        print(f"| {r['users']:,} | {r['impl']} | {r['cpu_s']:.2f} s | {r['rss_mib']:.0f} MiB | "
              f"{r['listing_cpu_cold_s']:.2f} s | {r['listing_cpu_warm_s']:.2f} s |")
    print(f"\nA JVM that starts and exits without listing: {rows[0]['jvm_only_cpu_s']:.2f} s CPU.")


if __name__ == "__main__":
    main()
