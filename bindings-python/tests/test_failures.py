"""Failing fast and clearly at the edges (issue "Fail fast, fail clearly"): typed errors for bad
options, key shapes, fork safety, logging of retries without secrets, capped waits."""

import multiprocessing
import os
import subprocess
import sys
import textwrap
import time

import pytest

from duo_directory import AuthError, Client, InvalidInputError, RateLimitedError
from duo_directory.testing import Emulator

SECRET = "Zh5eGmUq9zpfQnyUIu5OL9iWoMMv5ZNmk3zLJ4Ep"
IKEY = "DIWJ8X6AEYOR5OMC6TQ1"
HOST = "api-3f2a91c4.duosecurity.com"


@pytest.mark.parametrize(
    "option, value",
    [
        ("max_retries", -1),
        ("max_retries", 10**30),
        ("connect_retries", -5),
        ("max_connections", 0),
        ("timeout", -1.0),
        ("timeout", 10**300),
        ("timeout", float("nan")),
        ("deadline", 0),
        ("retry_jitter", -0.5),
        ("proxy", "http://[not a proxy"),
        ("sig_version", 3),
        ("digest", "md5"),
        ("scheme", "ftp"),
        ("ca_certs", "/no/such/ca.pem"),
        ("timeot", 1.0),
    ],
)
def test_bad_options_are_typed_errors_naming_the_option(option, value):
    with pytest.raises(InvalidInputError) as info:
        Client(IKEY, SECRET, HOST, **{option: value})
    assert info.value.field == option
    text = str(info.value)
    assert "0" * 20 not in text and SECRET not in text, text


@pytest.mark.parametrize("page_size", [-1, 0, 301, 10**30])
def test_bad_page_sizes_are_typed_errors(page_size):
    with Client(IKEY, SECRET, HOST) as client, pytest.raises(InvalidInputError) as info:
        client.list_users(page_size=page_size)
    assert info.value.field == "page_size" and "0" * 20 not in str(info.value)


def test_swapped_keys_are_refused_without_printing_the_secret():
    with pytest.raises(InvalidInputError) as info:
        Client(SECRET, IKEY, HOST)
    assert info.value.field == "ikey" and "swapped" in str(info.value)
    assert SECRET not in str(info.value) + repr(info.value)
    with pytest.raises(InvalidInputError) as info:
        Client("not-an-ikey", SECRET, HOST)
    assert info.value.field == "ikey" and "not-an-ikey" not in str(info.value)


def test_a_status_has_one_spelling():
    with Client(IKEY, SECRET, HOST) as client:
        assert client.preview.update_user("DU3RP9I2WOC59VZX672N", status="disabled").params == {"status": "disabled"}
        with pytest.raises(InvalidInputError) as info:
            client.preview.update_user("DU3RP9I2WOC59VZX672N", status="DISABLED")
        assert info.value.field == "status"


def test_unknown_user_fields_are_refused_by_name():
    with Client(IKEY, SECRET, HOST) as client, pytest.raises(InvalidInputError) as info:
        client.preview.update_user("DU3RP9I2WOC59VZX672N", colour="red")
    assert info.value.field == "colour"


def test_retry_after_is_capped_by_max_wait():
    with Emulator(users=1, tls=False) as emu, emu.client(max_wait=0.2) as client:
        emu.inject_fault("rate_limited", count=1, retry_after=120)
        started = time.monotonic()
        assert client.get_user(emu.users()[0].user_id)
        assert time.monotonic() - started < 2.0


def test_the_deadline_bounds_a_call():
    with Emulator(users=1, tls=False) as emu, emu.client(deadline=1.0) as client:
        emu.inject_fault("rate_limited", count=100, retry_after=5)
        started = time.monotonic()
        with pytest.raises(RateLimitedError) as info:
            client.get_user(emu.users()[0].user_id)
        assert time.monotonic() - started < 1.5 and info.value.attempts == 1


def test_retries_are_logged_through_logging_without_the_secret():
    code = textwrap.dedent(
        """
        import logging, sys
        logging.basicConfig(level=logging.DEBUG, stream=sys.stdout, format="%(name)s %(levelname)s %(message)s")
        from duo_directory.testing import Emulator
        with Emulator(users=1, tls=False) as emu, emu.client() as client:
            emu.inject_fault("rate_limited", count=1, retry_after=0)
            client.get_user(emu.users()[0].user_id)
            print("SKEY", emu.skey, file=sys.stderr)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    skey = out.stderr.split("SKEY ", 1)[1].split()[0]
    retries = [line for line in out.stdout.splitlines() if line.startswith("duo_directory.retry ")]
    assert len(retries) == 1, out.stdout
    assert "retrying" in retries[0] and 'reason="rate limited"' in retries[0] and "attempt=1" in retries[0]
    assert skey not in out.stdout


def use_in_child(client, user_id, conn):
    try:
        conn.send(client.get_user(user_id).user_id)
    except Exception as e:  # reported to the parent, which fails the test
        conn.send(repr(e))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork() is POSIX")
def test_a_client_made_before_fork_works_in_the_child():
    with Emulator(users=1, tls=True) as emu, emu.client(timeout=5.0) as client:
        user_id = emu.users()[0].user_id
        assert client.get_user(user_id).user_id == user_id  # the parent's pool is warm
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: the emulator is the parent's, the pool must be new
            try:
                ok = client.get_user(user_id).user_id == user_id
            except BaseException:
                ok = False
            os.write(write, b"ok" if ok else b"no")
            os._exit(0)
        os.close(write)
        deadline = time.monotonic() + 20
        answer = b""
        while time.monotonic() < deadline and not answer:
            answer = os.read(read, 2)
        os.waitpid(pid, 0)
        assert answer == b"ok"
        ctx = multiprocessing.get_context("fork")
        parent, child = ctx.Pipe()
        process = ctx.Process(target=use_in_child, args=(client, user_id, child))
        process.start()
        assert parent.poll(20), "the child answered"
        assert parent.recv() == user_id
        process.join(10)
        assert client.get_user(user_id).user_id == user_id, "the parent is unaffected"


def test_a_refused_signature_says_why_without_the_secret():
    with Emulator(users=1, tls=False) as emu:
        wrong = "W" * 40
        with Client(emu.ikey, wrong, emu.host, scheme="http") as client, pytest.raises(AuthError) as info:
            client.get_user(emu.users()[0].user_id)
        e = info.value
        assert (e.status, e.code) == (401, 40103)
        assert "secret key most likely does not belong to integration key" in e.diagnosis
        assert f"for host {emu.host!r}".replace("'", '"') in e.diagnosis and "signature v5" in e.diagnosis
        assert "clocks agree" in e.diagnosis and "likely cause:" in str(e)
        assert wrong not in str(e) + repr(e.__dict__) and emu.skey not in str(e)
        with Client(emu.ikey, emu.skey, emu.host, scheme="http", sig_version=2, digest="sha1") as good:
            assert good.get_user(emu.users()[0].user_id)  # the same host and keys, signed right, pass


@pytest.mark.parametrize("offset, way", [(3600, "behind"), (-900, "ahead of")])
def test_clock_skew_is_diagnosed_from_the_answers_date(offset, way):
    with Emulator(users=1, tls=False, clock_offset=offset) as emu, emu.client() as client:
        with pytest.raises(AuthError) as info:
            client.get_user(emu.users()[0].user_id)
        e = info.value
        assert (e.status, e.code) == (401, 40103)
        n = abs(offset)
        assert any(f"clock is {m} s {way} Duo's" in e.diagnosis for m in (n - 1, n, n + 1)), e.diagnosis
        assert emu.skey not in str(e)


def test_debug_signatures_show_the_expected_canonical_string():
    with Emulator(users=1, tls=False, debug_signatures=True) as emu:
        with Client(emu.ikey, "W" * 40, emu.host, scheme="http") as client, pytest.raises(AuthError) as info:
            client.get_user(emu.users()[0].user_id)
        detail = info.value.message_detail
        assert detail.startswith("expected canonical string: ") and emu.host.lower() in detail
        assert emu.skey not in detail and "W" * 40 not in detail


def test_a_lone_surrogate_is_an_invalid_input_naming_the_argument():
    with Client(IKEY, SECRET, HOST) as client:
        for call, field in [
            (lambda: client.get_user("DU\ud800"), "user_id"),
            (lambda: client.get_user_by_username("a\udfff"), "username"),
            (lambda: client.preview.sync_user_from_directory("DK1", "b\ud800"), "username"),
            (lambda: client.preview.update_user("DU1", notes="a\ud800"), "notes"),
            (lambda: Client(IKEY, SECRET, "h\ud800"), "host"),
        ]:
            with pytest.raises(InvalidInputError) as info:
                call()
            assert info.value.field == field
        with pytest.raises(TypeError):
            client.get_user(42)  # type: ignore[arg-type]


def test_a_wrong_host_is_diagnosed_with_the_host_signed():
    with Emulator(users=1, tls=False, api_hostname="api-3f2a91c4.duosecurity.com") as emu, emu.client() as client:
        with pytest.raises(AuthError) as info:
            client.get_user(emu.users()[0].user_id)
        e = info.value
        assert (e.status, e.code) == (401, 40103)
        assert f'for host "{emu.host}"' in e.diagnosis and "API hostname" in e.diagnosis, e.diagnosis
        assert emu.skey not in str(e)
