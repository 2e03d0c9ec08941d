"""The boundary between the library's Rust runtime and the interpreter (docs/runtime-boundary.md):
no death at exit with requests in flight, Ctrl-C that interrupts a blocking call at once,
cancellation that stays contained, bounded connections and threads, no litter."""

import asyncio
import concurrent.futures
import glob
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time

import psutil
import pytest

from duo_directory import DuoApiError, DuoTimeoutError, TransportError
from duo_directory.testing import Emulator

# Each exit variant runs this many times (missing a 1-in-20 crash in 60 runs: 4.6 %), half with
# RUST_BACKTRACE set; four processes at a time.
RUNS = 60

PRELUDE = """
import asyncio, os, sys, threading, time
from duo_directory.testing import Emulator
emu = Emulator(users=20, tls=True)
user_id = emu.users()[0].user_id
"""

# Each variant keeps answers arriving while the interpreter exits (without the runtime shutdown
# at exit, the daemon-thread variant died of SIGABRT in 2 of 16 runs here).
EXIT_VARIANTS = {
    # asyncio.run() cancels what is pending when main returns; half were cancelled before
    "cancel_then_exit": """
async def main():
    client = emu.async_client()
    end = time.monotonic() + 0.15
    while time.monotonic() < end:
        tasks = [asyncio.ensure_future(client.get_user(user_id)) for _ in range(20)]
        await asyncio.sleep(0.01)
        for t in tasks[::2]:
            t.cancel()
asyncio.run(main())
""",
    # the loop is abandoned with requests in flight, and the interpreter exits under it
    "exit_in_flight": """
async def start():
    client = emu.async_client()
    end = time.monotonic() + 0.15
    tasks = []
    while time.monotonic() < end:
        tasks += [asyncio.ensure_future(client.get_user(user_id)) for _ in range(10)]
        await asyncio.sleep(0.01)
    return tasks
loop = asyncio.new_event_loop()
pending = loop.run_until_complete(start())
sys.exit(0)
""",
    # a daemon thread runs its own loop, with requests in flight, when the main thread ends
    "daemon_thread_loop": """
def worker():
    async def go():
        client = emu.async_client()
        while True:
            await asyncio.gather(*(client.get_user(user_id) for _ in range(20)))
    asyncio.run(go())
threading.Thread(target=worker, daemon=True).start()
threading.Event().wait(0.15)
""",
    # daemon threads blocked in the sync client when the main thread ends
    "daemon_thread_blocking": """
def worker():
    with emu.client() as client:
        while True:
            client.get_user(user_id)
for _ in range(4):
    threading.Thread(target=worker, daemon=True).start()
threading.Event().wait(0.15)
""",
}


def run_script(code: str, backtrace: bool) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("RUST_BACKTRACE", None)
    if backtrace:
        env["RUST_BACKTRACE"] = "1"
    return subprocess.run([sys.executable, "-c", PRELUDE + code], env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("variant", sorted(EXIT_VARIANTS))
def test_the_process_never_dies_at_exit(variant):
    code = textwrap.dedent(EXIT_VARIANTS[variant])
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda i: run_script(code, backtrace=i % 2 == 1), range(RUNS)))
    deaths = [(r.returncode, r.stderr[-400:]) for r in results if r.returncode != 0 or "Fatal Python error" in r.stderr]
    assert deaths == [], f"{len(deaths)} of {RUNS} runs died: {deaths[:2]}"


def test_ctrl_c_interrupts_a_blocking_call_at_once():
    with Emulator(users=1, tls=False) as emu, emu.client(timeout=30.0) as client:
        user_id = emu.users()[0].user_id
        emu.inject_fault("delay", count=1, delay=6.0)
        sent = threading.Event()

        def interrupt():
            while emu.request_count == 0:
                time.sleep(0.01)
            time.sleep(0.3)  # the request is being served (and delayed) now
            sent.set()
            os.kill(os.getpid(), signal.SIGINT)

        threading.Thread(target=interrupt, daemon=True).start()
        started = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            client.get_user(user_id)
        waited = time.monotonic() - started
        assert sent.is_set() and waited < 0.3 + 0.5 + 0.5, f"KeyboardInterrupt after {waited:.2f} s"
        emu.clear_faults()
        assert client.get_user(user_id).user_id == user_id, "the client stays usable"


def test_ctrl_c_interrupts_the_retry_schedule_too():
    with Emulator(users=1, tls=False) as emu, emu.client(timeout=1.0) as client:
        user_id = emu.users()[0].user_id
        emu.inject_fault("rate_limited", count=100, retry_after=30)
        timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
        timer.start()
        started = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            client.get_user(user_id)
        assert time.monotonic() - started < 1.5
        emu.clear_faults()
        assert client.get_user(user_id).user_id == user_id


def test_a_cancellation_storm_fails_no_neighbour():
    async def storm(emu, client, user_ids):
        emu.inject_fault("delay", count=500, delay=0.3)
        tasks = [asyncio.ensure_future(client.update_user(user_ids[i % len(user_ids)], notes=f"n{i}")) for i in range(500)]
        await asyncio.sleep(0.02)
        for t in tasks[::2]:
            t.cancel()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        kept = results[1::2]
        failures = [r for r in kept if isinstance(r, BaseException)]
        assert failures == [], f"{len(failures)} uncancelled requests failed, e.g. {failures[:3]!r}"

    with Emulator(users=50) as emu:
        user_ids = [u.user_id for u in emu.users()]

        async def main():
            async with emu.async_client(max_retries=0) as client:
                await storm(emu, client, user_ids)

        asyncio.run(main())


def connections_to(port: int) -> int:
    return sum(
        1
        for c in psutil.Process().net_connections(kind="tcp")
        if c.raddr and c.raddr.port == port and c.status == psutil.CONN_ESTABLISHED
    )


def test_a_burst_opens_few_connections_and_threads():
    with Emulator(users=5) as emu:
        user_id = emu.users()[0].user_id
        threads = []

        async def main():
            async with emu.async_client() as client:
                stop = asyncio.Event()

                async def sample():
                    while not stop.is_set():
                        threads.append(psutil.Process().num_threads())
                        await asyncio.sleep(0.005)

                sampler = asyncio.ensure_future(sample())
                users = await asyncio.gather(*(client.get_user(user_id) for _ in range(200)))
                stop.set()
                await sampler
                assert {u.user_id for u in users} == {user_id}
                return connections_to(emu.port)

        opened = asyncio.run(main())
        assert 1 <= opened <= 2, f"{opened} connections for 200 concurrent calls (HTTP/2 multiplexes on one)"
        assert max(threads) - min(threads) <= 4, f"threads went from {min(threads)} to {max(threads)}"


def test_errors_say_how_many_attempts_they_took():
    with Emulator(users=1, tls=False) as emu, emu.client(retry_base=0.01, retry_jitter=0.0, max_retries=2) as client:
        user_id = emu.users()[0].user_id
        emu.inject_fault("server_error", count=10, status=503)
        with pytest.raises(DuoApiError) as info:
            client.get_user(user_id)
        assert (info.value.kind, info.value.status, info.value.attempts) == ("api_error", 503, 3)
        assert "after 3 attempts" in str(info.value)
        emu.clear_faults()


def test_a_refused_connection_is_transport_error_fast_and_says_it_was_not_sent():
    with Emulator(tls=False) as emu:
        host, ikey, skey = emu.host, emu.ikey, emu.skey
    from duo_directory import Client

    with Client(ikey, skey, host, scheme="http") as client:
        started = time.monotonic()
        with pytest.raises(TransportError) as info:
            client.delete_user("DU3RP9I2WOC59VZX672N")
        assert time.monotonic() - started < 5.0
        assert info.value.sent is False and info.value.attempts == 3
        assert "did not reach Duo" in str(info.value)


def test_a_silent_host_times_out_within_the_timeout():
    import socket

    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)  # accepts (in the kernel) and never answers
        from duo_directory import Client

        with Client("DIWJ8X6AEYOR5OMC6TQ1", "x" * 40, f"127.0.0.1:{server.getsockname()[1]}", scheme="http", timeout=1.0) as c:
            started = time.monotonic()
            with pytest.raises(DuoTimeoutError) as info:
                c.delete_user("DU3RP9I2WOC59VZX672N")  # a write that may have arrived: not sent again
            assert time.monotonic() - started < 2.0 and info.value.attempts == 1
            started = time.monotonic()
            with pytest.raises(DuoTimeoutError) as info:
                c.get_user("DU3RP9I2WOC59VZX672N")  # a read: sent once more
            assert time.monotonic() - started < 3.5 and info.value.attempts == 2


def test_no_ca_file_is_left_behind_at_exit():
    pattern = os.path.join(tempfile.gettempdir(), "duo-emulator-ca-*.pem")
    before = set(glob.glob(pattern))
    code = "from duo_directory.testing import Emulator\nemu = Emulator()\nprint(emu.ca_cert_path)\nimport sys; sys.exit(0)\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    path = out.stdout.strip()
    assert path.startswith(tempfile.gettempdir()) and not os.path.exists(path)
    assert set(glob.glob(pattern)) - before == set()
