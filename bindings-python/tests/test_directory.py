"""The directory client against the emulator's directory API, and the whole webhook path: a
directory change, a signed webhook received, verified and parsed, the user read back."""

import http.server
import threading
import time

import pytest

from duo_directory import (
    AuthError,
    DirectoryClient,
    InvalidInputError,
    NotFoundError,
    RateLimitedError,
    verify_webhook,
)
from duo_directory.testing import Emulator

KEY = "DKTEST"


@pytest.fixture(scope="module")
def demu():
    with Emulator(directories={KEY: 7}) as e:
        yield e


def test_lists_follow_cursors_and_filters_narrow(demu):
    stored = demu.directory_users(KEY)
    with demu.directory_client(max_retries=2) as c:
        users = list(c.list_users(directory=KEY, limit=3, order="asc"))
        assert [u.id for u in users] == [u.id for u in stored]
        assert users == stored
        listing = c.list_users(directory=KEY, limit=4)
        desc = list(listing)
        assert [u.id for u in desc] == [u.id for u in reversed(stored)]
        assert listing.pages_fetched == 2 and listing.resume_after == stored[0].id
        target = stored[3]
        assert list(c.list_users(directory=KEY, email=target.email)) == [target]
        assert list(c.list_users(directory=KEY, idp_id=target.idp_id)) == [target]
        group = target.groups[0]
        assert all(group in u.groups for u in c.list_users(group=group.id))
        assert [g.name for g in c.list_groups(user=target.id)] == [g.name for g in target.groups]
        assert c.get_user(target.id) == target
        assert c.get_group(group.id).name == group.name
        (directory,) = list(c.list_directories())
        assert directory.id == KEY and directory.is_active
        assert c.get_directory(KEY).external_key == KEY


def test_errors_retries_and_bad_input(demu):
    with demu.directory_client(max_retries=2) as c:
        with pytest.raises(NotFoundError) as info:
            c.get_user("directory_user_missing")
        assert info.value.status == 404
        before = demu.request_count
        with pytest.raises(InvalidInputError) as info:
            c.list_users(email="a@example.com")
        assert info.value.field == "email"
        with pytest.raises(InvalidInputError) as info:
            c.list_users(limit=101)
        assert info.value.field == "limit"
        with pytest.raises(InvalidInputError):
            c.get_user("../admin")
        assert demu.request_count == before, "nothing sent"
        demu.inject_fault("rate_limited", 1)
        assert c.get_user(demu.directory_users(KEY)[0].id).id
    with demu.directory_client(max_retries=1, retry_mode="standard", retry_base=0.01) as c:
        demu.inject_fault("rate_limited", 5)
        with pytest.raises(RateLimitedError) as info:
            c.get_user(demu.directory_users(KEY)[0].id)
        assert info.value.attempts == 2
        demu.clear_faults()
    wrong = DirectoryClient("sk_test_wrong", host=demu.host, ca_certs=demu.ca_cert_pem, ca_pinning=True)
    with pytest.raises(AuthError) as info:
        wrong.get_user("directory_user_x")
    assert "sk_test_wrong" not in str(info.value) and "sk_test_wrong" not in repr(wrong)
    with pytest.raises(InvalidInputError) as info:
        DirectoryClient("sk_test_1", prefetch=2)
    assert info.value.field == "prefetch"


class _Receiver(http.server.BaseHTTPRequestHandler):
    received: list = []
    arrived = threading.Event()

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((body, self.headers["workos-signature"]))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()
        type(self).arrived.set()

    def log_message(self, *args):
        pass


def test_a_directory_change_arrives_as_a_signed_webhook_and_reads_back():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with Emulator(directories={KEY: 3}) as emu, emu.directory_client() as c:
            emu.set_webhook(f"http://127.0.0.1:{server.server_address[1]}/hook", "whsec_py")
            user = emu.directory_users(KEY)[1].to_dict()
            old_state = user["state"]
            user["state"] = "inactive" if old_state == "active" else "active"
            user["custom_attributes"]["department"] = "Moved"
            emu.put_directory_user(KEY, user)
            assert _Receiver.arrived.wait(10), "no webhook"
            body, signature = _Receiver.received[0]
            event = verify_webhook(body, signature, "whsec_py")
            assert event.kind == "user_updated"
            assert event.previous_attributes["state"] == old_state
            assert "department" in event.previous_attributes["custom_attributes"]
            back = c.get_user(event.user.id)
            assert back.state == user["state"] and back.custom_attributes["department"] == "Moved"
            # the emulator records the POST once it has the answer, after the receiver saw it
            deadline = time.monotonic() + 2
            while not emu.webhook_deliveries() and time.monotonic() < deadline:
                time.sleep(0.01)
            assert emu.webhook_deliveries() == [(event.id, 200)]
            events = c.list_events()
            assert [e.id for e in events] == [event.id]
            cursor = events.resume_after
            emu.set_webhook(None)
            assert emu.remove_directory_user(KEY, back.email)
            newer = list(c.list_events(after=cursor))
            assert [(e.kind, e.user.id) for e in newer] == [("user_deleted", back.id)]
    finally:
        server.shutdown()
