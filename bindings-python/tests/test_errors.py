"""Errors: each kind maps to its exception class with its attributes; pickling; no secret in text;
no panic crosses the boundary."""

import pickle
import socket

import pytest

import duo_directory
from duo_directory import (
    AuthError,
    Client,
    DecodeError,
    DuoApiError,
    DuoError,
    DuoTimeoutError,
    InvalidInputError,
    NotFoundError,
    RateLimitedError,
    TransportError,
    User,
)
from duo_directory.testing import Emulator

SECRET = "Zh5eGmUq9zpfQnyUIu5OL9iWoMMv5ZNmk3zLJ4Ep"


def assert_clean(exc: BaseException, *secrets: str):
    text = str(exc) + repr(exc) + repr(exc.__dict__)
    for secret in secrets:
        assert secret not in text


def roundtrip(exc):
    copy = pickle.loads(pickle.dumps(exc))
    assert type(copy) is type(exc)
    assert copy.args == exc.args
    assert copy.__dict__ == exc.__dict__
    return copy


def test_hierarchy():
    assert issubclass(DuoApiError, DuoError)
    for cls in (NotFoundError, AuthError, RateLimitedError):
        assert issubclass(cls, DuoApiError)
    assert issubclass(InvalidInputError, ValueError) and issubclass(InvalidInputError, DuoError)
    assert issubclass(DecodeError, ValueError) and issubclass(DecodeError, DuoError)
    assert issubclass(DuoTimeoutError, TimeoutError) and issubclass(DuoTimeoutError, DuoError)
    assert issubclass(TransportError, DuoError)
    for cls in (DuoError, DuoApiError, NotFoundError, AuthError, RateLimitedError, InvalidInputError,
                TransportError, DuoTimeoutError, DecodeError):
        assert cls.__module__ == "duo_directory"
        assert getattr(duo_directory, cls.__name__) is cls


def test_api_error(fresh_emu):
    with fresh_emu.client() as client:
        client.create_user("dup.user")
        with pytest.raises(DuoApiError) as info:
            client.create_user("dup.user")
    e = info.value
    assert type(e) is DuoApiError
    assert e.kind == "api_error"
    assert e.status == 400
    assert e.code == 40003
    assert e.message == "Duplicate resource"
    assert e.message_detail == "username"
    assert roundtrip(e).code == 40003
    assert_clean(e, fresh_emu.skey)


def test_not_found(fresh_emu):
    with fresh_emu.client() as client, pytest.raises(NotFoundError) as info:
        client.get_user("DUNOSUCHUSER0000000")
    e = info.value
    assert (e.kind, e.status, e.code) == ("not_found", 404, 40401)
    roundtrip(e)


def test_unauthorized_and_secret_never_shown(fresh_emu):
    wrong = SECRET
    client = Client(fresh_emu.ikey, wrong, fresh_emu.host, scheme="http")
    assert wrong not in repr(client)
    with pytest.raises(AuthError) as info:
        client.get_user_by_username("x")
    e = info.value
    assert e.kind == "unauthorized" and e.status == 401
    assert_clean(e, wrong, fresh_emu.skey)
    roundtrip(e)
    assert fresh_emu.skey not in repr(fresh_emu)


def test_rate_limited(fresh_emu):
    fresh_emu.inject_fault("rate_limited", 5, retry_after=0)
    # the standard mode gives up after max_retries (the adaptive one waits until the deadline)
    with fresh_emu.client(max_retries=2, retry_mode="standard") as client, pytest.raises(RateLimitedError) as info:
        client.get_user_by_username("x")
    e = info.value
    assert e.kind == "rate_limited"
    assert e.status == 429
    assert e.attempts == 3
    assert e.retry_after == 0.0
    copy = roundtrip(e)
    assert copy.attempts == 3


def test_rate_limit_retried_then_succeeds(fresh_emu):
    fresh_emu.inject_fault("rate_limited", 2, retry_after=0)
    with fresh_emu.client(max_retries=3) as client:
        assert client.get_user_by_username("x") is None


def test_invalid_input():
    with pytest.raises(InvalidInputError) as info:
        Client("DIXXXXXXXXXXXXXXXXXX", "", "api-x.duosecurity.com")
    e = info.value
    assert (e.kind, e.field) == ("invalid_input", "skey")
    assert e.reason
    roundtrip(e)
    with pytest.raises(InvalidInputError) as info:
        Client("DI", SECRET, "https://api-x.duosecurity.com")
    assert info.value.field == "host"
    assert_clean(info.value, SECRET)
    with pytest.raises(InvalidInputError) as info:
        Client("DI", SECRET, "api-x.duosecurity.com", timeout=-1)
    assert info.value.field == "timeout"


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_transport_error():
    client = Client("DIXXXXXXXXXXXXXXXXXX", SECRET, f"127.0.0.1:{free_port()}", scheme="http", max_retries=0)
    with pytest.raises(TransportError) as info:
        client.get_user("DU1")
    e = info.value
    assert e.kind == "transport"
    assert_clean(e, SECRET)
    roundtrip(e)


def test_dropped_connection_is_transport_error(fresh_emu):
    fresh_emu.inject_fault("drop_connection", 1)
    with fresh_emu.client(max_retries=0) as client, pytest.raises(TransportError):
        client.get_user_by_username("x")


def test_timeout(fresh_emu):
    fresh_emu.inject_fault("delay", 1, delay=2.0)
    with fresh_emu.client(timeout=0.3, max_retries=0) as client, pytest.raises(DuoTimeoutError) as info:
        client.get_user_by_username("x")
    e = info.value
    assert e.kind == "timeout"
    assert isinstance(e, TimeoutError)
    roundtrip(e)


def test_server_error(fresh_emu):
    fresh_emu.inject_fault("server_error", 1, status=500)
    with fresh_emu.client(max_retries=0) as client, pytest.raises(DuoApiError) as info:
        client.get_user_by_username("x")
    assert info.value.status == 500


def test_decode_error_from_a_malformed_body(fresh_emu):
    fresh_emu.inject_fault("malformed_body", 1)
    with fresh_emu.client(max_retries=0) as client, pytest.raises(DecodeError) as info:
        client.get_user_by_username("x")
    e = info.value
    assert e.kind == "decode"
    assert isinstance(e.line, int) and isinstance(e.column, int)
    roundtrip(e)


def test_decode_error_attributes():
    with pytest.raises(DecodeError) as info:
        User.from_json('{"user_id": 1}')
    e = info.value
    assert (e.field, e.line) == ("user_id", 1)
    assert e.column > 0
    assert e.reason
    copy = roundtrip(e)
    assert (copy.field, copy.line, copy.column) == (e.field, e.line, e.column)


def test_panic_becomes_duo_error():
    with pytest.raises(DuoError) as info:
        duo_directory._native._force_panic()
    e = info.value
    assert type(e) is DuoError
    assert e.kind == "internal"
    assert "panic" in str(e)


def test_secret_not_in_any_repr():
    with Emulator(users=2, skey=SECRET) as emu:
        with emu.client() as client:
            user = client.list_users().__next__()
            texts = [repr(emu), repr(client), repr(client.preview), repr(user), user.to_json(),
                     repr(client.preview.update_user(user.user_id, notes="n")),
                     client.preview.update_user(user.user_id, notes="n").to_json()]
            for text in texts:
                assert SECRET not in text
