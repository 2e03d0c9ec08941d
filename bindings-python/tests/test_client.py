"""The blocking Client against the in-process emulator: every operation, laziness, previews."""

import threading
import time

import pytest

from duo_directory import (
    Client,
    InvalidInputError,
    NotFoundError,
    PreparedRequest,
    User,
    UserIterator,
    UserStatus,
)
from duo_directory.testing import Emulator


def test_list_users_is_lazy(fresh_emu):
    fresh_emu.generate_users(250, 1)
    # on demand (prefetch=0); test_prefetch.py covers fetching ahead
    with fresh_emu.client(prefetch=0) as client:
        before = fresh_emu.request_count
        it = client.list_users(page_size=100)
        assert isinstance(it, UserIterator)
        assert fresh_emu.request_count == before  # nothing requested yet
        first = next(it)
        assert isinstance(first, User)
        assert fresh_emu.request_count == before + 1
        for _ in range(99):
            next(it)
        assert fresh_emu.request_count == before + 1  # still the first page
        next(it)
        assert fresh_emu.request_count == before + 2
        rest = list(it)
        assert len(rest) == 149
        assert fresh_emu.request_count == before + 3
        assert it.pages_fetched == 3
        assert list(it) == []


def test_list_users_returns_every_user(emu, client):
    listed = list(client.list_users(page_size=300))
    assert [u.user_id for u in listed] == [u.user_id for u in emu.users()]
    assert listed == emu.users()


def test_page_size_is_validated(client):
    with pytest.raises(InvalidInputError) as info:
        client.list_users(page_size=301)
    assert info.value.field == "page_size"


def test_get_user_and_lookups(emu, client):
    target = emu.users()[5]
    got = client.get_user(target.user_id)
    assert got == target
    assert client.get_user_by_username(target.username) == target
    assert client.get_user_by_username("no-such-user-xyz") is None
    if target.email:
        by_email = client.get_users_by_email(target.email)
        assert target in by_email
    with pytest.raises(NotFoundError):
        client.get_user("DUNOSUCHUSER0000000")


def test_create_update_delete(emu, client):
    created = client.create_user(
        "py.create",
        realname="Py Create",
        firstname="Py",
        lastname="Create",
        email="py.create@example.com",
        status="bypass",
        notes="made by test_client",
        alias1="pyc",
    )
    assert created.username == "py.create"
    assert created.status == UserStatus.BYPASS
    assert created.alias1 == "pyc"
    assert emu.user(created.user_id) == created

    updated = client.update_user(created.user_id, realname="Renamed", status=UserStatus.DISABLED, alias1="")
    assert updated.realname == "Renamed"
    assert updated.firstname == "Py"  # None = unchanged
    assert updated.status == "disabled"
    assert updated.alias1 in (None, "")

    renamed = client.update_user(created.user_id, username="py.renamed")
    assert renamed.username == "py.renamed"

    assert client.delete_user(created.user_id) is None
    assert emu.user(created.user_id) is None
    with pytest.raises(NotFoundError):
        client.get_user(created.user_id)


def test_field_validation_happens_before_sending(fresh_emu):
    with fresh_emu.client() as client:
        before = fresh_emu.request_count
        with pytest.raises(InvalidInputError) as info:
            client.create_user("x", status="locked out")
        assert info.value.field == "status"
        with pytest.raises(InvalidInputError) as info:
            client.create_user("x", email="not-an-email")
        assert info.value.field == "email"
        with pytest.raises(InvalidInputError) as info:
            client.create_user("x", shoe_size="42")
        assert info.value.field == "shoe_size"
        with pytest.raises(InvalidInputError) as info:
            client.update_user("DU1")
        assert info.value.field == "update"
        with pytest.raises(InvalidInputError):
            client.create_user("")
        assert fresh_emu.request_count == before


def test_sync_user_from_directory():
    key = "DDKEY0000000000001"
    with Emulator(users=0, directories={key: 3}) as emu:
        with emu.client() as client:
            directory_users = Emulator.generated_directory_users(key, 3, 42)
            username = directory_users[0].extra.get("username") or directory_users[0].email.split("@")[0]
            synced = client.sync_user_from_directory(key, username)
            assert isinstance(synced, User)
            assert synced.username == username
            assert emu.user(synced.user_id) is not None
            with pytest.raises(NotFoundError):
                client.sync_user_from_directory("DDNOSUCHKEY", username)


def test_call_returns_parsed_json(emu, client):
    target = emu.users()[0]
    result = client.call("GET", "/admin/v1/users", {"username": target.username})
    assert isinstance(result, list)
    assert result[0]["user_id"] == target.user_id
    one = client.call("get", f"/admin/v1/users/{target.user_id}")
    assert one["username"] == target.username
    with pytest.raises(InvalidInputError) as info:
        client.call("GET", "/admin/v1/users?x=1")
    assert info.value.field == "path"


def test_preview_sends_nothing(fresh_emu):
    with fresh_emu.client() as client:
        before = fresh_emu.request_count
        p = client.preview.create_user("jsmith", email="jsmith@example.com", status="active")
        assert isinstance(p, PreparedRequest)
        assert (p.method, p.path) == ("POST", "/admin/v1/users")
        assert p.params == {"username": "jsmith", "email": "jsmith@example.com", "status": "active"}
        assert p.body == '{"email":"jsmith@example.com","status":"active","username":"jsmith"}'
        assert p.headers["Content-Type"] == "application/json"
        assert "Authorization" not in p.headers
        u = client.preview.update_user("DU1", notes="")
        assert u.path == "/admin/v1/users/DU1" and u.params == {"notes": ""}
        d = client.preview.delete_user("DU1")
        assert (d.method, d.path, d.body) == ("DELETE", "/admin/v1/users/DU1", None)
        s = client.preview.sync_user_from_directory("DDKEY", "jsmith")
        assert s.path == "/admin/v1/users/directorysync/DDKEY/syncuser"
        c = client.preview.call("GET", "/admin/v1/users", {"username": ["a", "b"]})
        assert c.query == "username=a&username=b"
        assert c.target == "/admin/v1/users?username=a&username=b"
        assert PreparedRequest.from_dict(p.to_dict()) == p
        assert PreparedRequest.from_json(p.to_json()) == p
        assert fresh_emu.request_count == before
        assert fresh_emu.skey not in repr(p) + p.to_json()


def test_context_manager_closes(fresh_emu):
    with fresh_emu.client() as client:
        assert not client.closed
    assert client.closed
    with pytest.raises(InvalidInputError) as info:
        client.get_user("DU1")
    assert info.value.field == "client"
    assert "closed" in str(info.value)
    assert repr(client) == "Client(<closed>)"


def test_tls_options(emu):
    # CA given as a path; as PEM text; pinned; and refused without it.
    with Client(emu.ikey, emu.skey, emu.host, ca_certs=emu.ca_cert_path) as c:
        assert c.get_user_by_username(emu.users()[0].username) is not None
    with Client(emu.ikey, emu.skey, emu.host, ca_certs=emu.ca_cert_pem.encode(), ca_pinning=True) as c:
        assert c.get_user_by_username(emu.users()[0].username) is not None
    with pytest.raises(InvalidInputError):
        Client(emu.ikey, emu.skey, emu.host, ca_certs="/no/such/file.pem")
    with pytest.raises(InvalidInputError):
        Client(emu.ikey, emu.skey, emu.host, ca_pinning=True)
    with pytest.raises(InvalidInputError) as info:
        Client(emu.ikey, emu.skey, "api-x.duosecurity.com", scheme="http")
    assert info.value.field == "scheme"


def test_sig_version_2_client(emu):
    with emu.client(sig_version=2) as c:
        created = c.create_user("py.v2", realname="V Two")
        assert c.get_user(created.user_id).realname == "V Two"
        c.delete_user(created.user_id)


def test_gil_is_released_during_network_waits(fresh_emu):
    ticks = []
    stop = threading.Event()

    def ticker():
        while not stop.is_set():
            ticks.append(1)
            time.sleep(0.005)

    with fresh_emu.client() as client:
        fresh_emu.inject_fault("delay", 1, delay=0.5)
        thread = threading.Thread(target=ticker)
        thread.start()
        try:
            client.get_user_by_username("nobody")
        finally:
            stop.set()
            thread.join()
    assert len(ticks) > 20


def test_client_in_threads(emu):
    with emu.client() as client:
        names = [u.username for u in emu.users()[:20]]
        results = {}

        def work(name):
            results[name] = client.get_user_by_username(name)

        threads = [threading.Thread(target=work, args=(n,)) for n in names]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert all(results[n].username == n for n in names)


@pytest.mark.parametrize("bad", [".", "..", "DU 1", "DU1/..", "a%2F", "DU1?x", ""])
def test_ids_that_a_path_could_reinterpret_are_refused(fresh_emu, bad):
    with fresh_emu.client() as client:
        before = fresh_emu.request_count
        for call in (client.delete_user, client.get_user, client.preview.delete_user,
                     lambda i: client.update_user(i, notes="x")):
            with pytest.raises(InvalidInputError) as info:
                call(bad)
            assert info.value.field == "user_id"
        with pytest.raises(InvalidInputError) as info:
            client.sync_user_from_directory(bad, "jsmith")
        assert info.value.field == "directory_key"
        assert fresh_emu.request_count == before


@pytest.mark.parametrize("path", ["/admin/v1/users/..", "/admin/v1/./users", "/admin//v1/users"])
def test_call_refuses_dot_segments(fresh_emu, path):
    with fresh_emu.client() as client:
        with pytest.raises(InvalidInputError) as info:
            client.call("DELETE", path)
        assert info.value.field == "path"
