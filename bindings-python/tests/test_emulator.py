"""duo_directory.testing.Emulator: lifecycle, data, faults, recording, and duo_client against it."""

import json

import duo_client
import pytest

from duo_directory import DecodeError, DirectoryUser, DuoApiError, InvalidInputError, User
from duo_directory.testing import Emulator, RecordedRequest

from conftest import load_vector


def test_lifecycle_and_connection_details():
    with Emulator(users=3, seed=1) as emu:
        assert emu.host == f"localhost:{emu.port}"
        assert emu.ikey.startswith("DI") and len(emu.ikey) == 20
        assert emu.skey and emu.skey not in repr(emu)
        assert emu.scheme == "https"
        assert emu.ca_cert_path and open(emu.ca_cert_path).read().startswith("-----BEGIN CERTIFICATE-----")
        assert emu.user_count == 3
        path = emu.ca_cert_path
    with pytest.raises(InvalidInputError):
        emu.users()
    import os
    assert not os.path.exists(path)
    emu.shutdown()  # idempotent


def test_plain_http():
    with Emulator(tls=False) as emu:
        assert emu.scheme == "http" and emu.ca_cert_path is None
        with emu.client() as c:
            assert list(c.list_users()) == []


def test_generated_users_are_deterministic():
    a = Emulator.generated_users(5, 9)
    b = Emulator.generated_users(5, 9)
    assert a == b
    with Emulator(users=5, seed=9) as emu:
        assert emu.users() == a


def test_add_user_from_dict_and_model():
    seed_user = load_vector("seed-002-user.json")["response"]
    with Emulator() as emu:
        emu.add_user(seed_user)
        emu.add_user(User.from_dict({**seed_user, "user_id": "DUSECONDUSER0000000", "username": "second"}))
        assert [u.username for u in emu.users()] == ["jsmith", "second"]
        with emu.client() as c:
            got = c.get_user(seed_user["user_id"])
            assert json.loads(got.to_json()) == seed_user
        with pytest.raises(DecodeError) as info:
            emu.add_user({"username": "no id", "status": "active"})
        assert info.value.field == "user_id"


def test_directories():
    du = load_vector("seed-001-directory-user.json")
    key = "DDSEEDDIRECTORY0001"
    with Emulator(directories={key: [du]}) as emu:
        username = DirectoryUser.from_dict(du).extra.get("username") or du["emails"][0]["value"].split("@")[0]
        with emu.client() as c:
            synced = c.sync_user_from_directory(key, username)
            assert synced.username == username
            assert synced.firstname == du["first_name"]
        assert emu.remove_directory_user(key, username) is True
        assert emu.remove_directory_user(key, username) is False


def test_faults_and_rate_limit():
    with Emulator(tls=False) as emu:
        with emu.client(max_retries=0) as c:
            emu.inject_fault("server_error", 1, status=503)
            with pytest.raises(DuoApiError) as info:
                c.get_user_by_username("x")
            assert info.value.status == 503
            assert c.get_user_by_username("x") is None
            with pytest.raises(InvalidInputError):
                emu.inject_fault("meteor_strike")
            emu.set_rate_limit(1.0)
            statuses = []
            for _ in range(5):
                try:
                    c.get_user_by_username("x")
                    statuses.append(200)
                except Exception as e:  # RateLimitedError
                    statuses.append(e.status)
            assert 429 in statuses
            emu.set_rate_limit(None)


def test_requests_are_recorded():
    with Emulator(tls=False) as emu:
        with emu.client() as c:
            c.create_user("rec.user", realname="Rec")
        requests = emu.requests()
        assert len(requests) == emu.request_count == 1
        r = requests[0]
        assert isinstance(r, RecordedRequest)
        assert (r.method, r.path, r.status) == ("POST", "/admin/v1/users", 200)
        assert ("username", "rec.user") in r.params
        emu.clear_requests()
        assert emu.requests() == [] and emu.request_count == 1


def test_official_duo_client_against_the_emulator():
    with Emulator(users=120, seed=3) as emu:
        # duo_client checks only DNS names in certificates: connect as localhost.
        port = int(emu.host.rsplit(":", 1)[1])
        admin = duo_client.Admin(ikey=emu.ikey, skey=emu.skey, host="localhost", port=port, ca_certs=emu.ca_cert_path)
        users = admin.get_users()
        assert len(users) == 120
        assert [u["user_id"] for u in users] == [u.user_id for u in emu.users()]
        created = admin.add_user("official.client", realname="Official")
        assert created["username"] == "official.client"
        modified = admin.update_user(created["user_id"], notes="via duo_client")
        assert modified["notes"] == "via duo_client"
        admin.delete_user(created["user_id"])
        assert emu.user(created["user_id"]) is None
