"""The official Python client (duo_client 5.7.0 from PyPI), unmodified, against the emulator.

Run with DUO_EMULATOR_BIN pointing at the built `duo-emulator` binary (see run.sh).

The client is given exactly the `host` that `duo-emulator --json` prints (`localhost:PORT`),
split the only way duo_client 5.7 takes it, as a name and a `port=` (it does not parse
`name:port` itself and would connect to port 443): `Admin(ikey, skey, name, ca_certs=..., port=PORT)`.
duo_client checks the certificate's DNS names only, so the printed host must be a name:
`127.0.0.1` would fail with "hostname mismatch". duo_client signs the bare name while
http.client sends `Host: localhost:PORT`; the emulator accepts both forms of the canonical host.
"""

import hashlib
import json
import os
import subprocess
import tempfile

import duo_client
import pytest

GENERATED_USERS = 250

DIRECTORY_USERS = [
    {
        "object": "directory_user",
        "id": "directory_user_01E1JG7J09H96KYP8HM9B0G5SJ",
        "idp_id": "2836",
        "directory_id": "directory_01ECAZ4NV9QMV47GW873HDCX74",
        "organization_id": "org_01EZTR6WYX1A0DSE2CYMGXQ24Y",
        "first_name": "Marcelina",
        "last_name": "Davis",
        "email": "marcelina.davis@example.com",
        "username": "marcelina.davis@example.com",
        "groups": [],
        "state": "active",
        "custom_attributes": {"department": "Engineering"},
        "role": {"slug": "member"},
        "created_at": "2021-06-25T19:07:33.155Z",
        "updated_at": "2021-06-25T19:07:33.155Z",
    },
    {
        "object": "directory_user",
        "id": "directory_user_01E1JG7J09H96KYP8HM9B0G5SK",
        "idp_id": "2837",
        "directory_id": "directory_01ECAZ4NV9QMV47GW873HDCX74",
        "first_name": "Ola",
        "last_name": "Nordmann",
        "email": "ola.nordmann@example.com",
        "groups": [],
        "state": "inactive",
        "custom_attributes": {},
        "created_at": "2021-06-25T19:07:33.155Z",
        "updated_at": "2021-06-25T19:07:33.155Z",
    },
]


@pytest.fixture(scope="module")
def emulator():
    binary = os.environ.get("DUO_EMULATOR_BIN")
    if not binary:
        pytest.fail("set DUO_EMULATOR_BIN to the built duo-emulator binary")
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as seed:
        json.dump({"directories": {"DKTEST": DIRECTORY_USERS}}, seed)
    proc = subprocess.Popen(
        [binary, "--users", str(GENERATED_USERS), "--seed", seed.name],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        assert line, "the emulator printed nothing (did it fail to start?)"
        info = json.loads(line)
        yield info
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        os.unlink(seed.name)


def admin(info, **kwargs):
    name, port = info["host"].rsplit(":", 1)
    return duo_client.Admin(info["ikey"], info["skey"], name, ca_certs=info["ca_cert_path"], port=int(port), **kwargs)


def test_the_printed_host_is_a_name(emulator):
    assert emulator["host"].startswith("localhost:"), emulator["host"]


@pytest.fixture(
    params=[
        {},
        {"sig_version": 2},
        {"sig_version": 2, "digestmod": hashlib.sha1},
    ],
    ids=["v5", "v2-sha512", "v2-sha1"],
)
def client(request, emulator):
    return admin(emulator, **request.param)


def test_get_users_pages_through_everything(client):
    users = client.get_users()  # json_paging_api_call: limit 100, follows next_offset
    assert len(users) >= GENERATED_USERS
    ids = [u["user_id"] for u in users]
    assert len(set(ids)) == len(ids)
    page = client.get_users(limit=100, offset=200)
    assert [u["user_id"] for u in page] == ids[200:300]
    first = users[0]
    assert first["user_id"].startswith("DU") and len(first["user_id"]) == 20
    for key in ("username", "status", "aliases", "groups", "phones", "tokens", "webauthncredentials", "created"):
        assert key in first


def test_get_user_by_id_and_by_name(client):
    some = client.get_users(limit=5, offset=10)[3]
    assert client.get_user_by_id(some["user_id"]) == some
    assert client.get_users_by_name(some["username"]) == [some]
    assert client.get_users_by_name("no.such.user") == []
    by_ids = list(client.get_users_by_ids([some["user_id"]]))
    assert [u["user_id"] for u in by_ids] == [some["user_id"]]
    with pytest.raises(RuntimeError) as err:
        client.get_user_by_id("DUNOSUCHUSER00000000")
    assert err.value.status == 404


def test_add_update_delete(client):
    name = "py.user." + hashlib.sha1(repr(client.sig_version).encode() + repr(client.digestmod).encode()).hexdigest()[:8]
    created = client.add_user(
        name,
        realname="Zoë O'Neil",
        email=name + "@example.com",
        status="bypass",
        notes="from duo_client",
        firstname="Zoë",
        lastname="O'Neil",
        alias1=name + ".alias",
    )
    assert created["username"] == name
    assert created["status"] == "bypass"
    assert created["realname"] == "Zoë O'Neil"
    assert created["alias1"] == name + ".alias"
    assert created["aliases"] == {"alias1": name + ".alias"}

    with pytest.raises(RuntimeError) as err:
        client.add_user(name)
    assert err.value.status == 400

    updated = client.update_user(created["user_id"], status="disabled", alias1="", alias2=name + "@corp.example.com")
    assert updated["status"] == "disabled"
    assert updated["alias1"] is None
    assert updated["aliases"] == {"alias2": name + "@corp.example.com"}
    assert client.get_users_by_name(name + "@corp.example.com")[0]["user_id"] == created["user_id"]

    with pytest.raises(RuntimeError) as err:
        client.update_user(created["user_id"], status="locked out")
    assert err.value.status == 400

    assert client.delete_user(created["user_id"]) == ""
    with pytest.raises(RuntimeError) as err:
        client.get_user_by_id(created["user_id"])
    assert err.value.status == 404


def test_sync_user(client):
    synced = client.sync_user("marcelina.davis", "DKTEST")
    assert synced["username"] == "marcelina.davis"
    assert synced["realname"] == "Marcelina Davis"
    assert synced["status"] == "active"
    assert synced["last_directory_sync"] is not None
    inactive = client.sync_user("ola.nordmann@example.com", "DKTEST")
    assert inactive["status"] == "disabled"
    with pytest.raises(RuntimeError) as err:
        client.sync_user("marcelina.davis", "DKMISSING")
    assert err.value.status == 404
    with pytest.raises(RuntimeError) as err:
        client.sync_user("nobody.at.all", "DKTEST")
    assert err.value.status == 404


def test_wrong_secret_is_refused(emulator):
    info = dict(emulator, skey="0" * 40)
    with pytest.raises(RuntimeError) as err:
        admin(info).get_users(limit=1)
    assert err.value.status == 401


def test_users_surface(client):
    """duo_client's typed helpers for a user's groups, phones, bypass codes and enrollment,
    unmodified, against the emulator: the requests they build are accepted, and what they return
    is what the emulator holds."""
    tag = hashlib.sha1(repr(client.sig_version).encode() + repr(client.digestmod).encode()).hexdigest()[:8]
    user = client.add_user("surface." + tag)
    group = client.create_group("group." + tag, desc="made by duo_client", push_enabled=True)
    assert group["group_id"].startswith("DG") and group["push_enabled"] is True

    assert client.add_user_group(user["user_id"], group["group_id"]) == ""
    groups = client.get_user_groups(user["user_id"])  # json_paging_api_call: limit/offset paging
    assert [g["group_id"] for g in groups] == [group["group_id"]]
    assert groups[0]["name"] == "group." + tag
    assert client.get_user_groups(user["user_id"], limit=1, offset=0) == groups
    assert client.get_group(group["group_id"], api_version=2) == group
    assert client.get_user_by_id(user["user_id"])["groups"] == groups

    phone = client.add_phone(number="+15555550123", type="mobile", platform="apple ios")
    assert client.add_user_phone(user["user_id"], phone["phone_id"]) == ""
    phones = client.get_user_phones(user["user_id"])
    assert [(p["phone_id"], p["number"], p["type"]) for p in phones] == [(phone["phone_id"], "+15555550123", "Mobile")]

    codes = client.add_user_bypass_codes(user["user_id"], count=2, valid_secs=3600, remaining_uses=3)
    assert len(codes) == 2 and all(c.isdigit() for c in codes)
    listed = client.get_user_bypass_codes(user["user_id"])
    assert len(listed) == 2
    assert {c["reuse_count"] for c in listed} == {3}
    assert all(c["user"]["user_id"] == user["user_id"] for c in listed)
    assert not any(code in json.dumps(listed) for code in codes), "the listing never carries a code"

    assert client.enroll_user("enrolled." + tag, "enrolled." + tag + "@example.com", valid_secs=600) == ""
    enrolled = client.get_users_by_name("enrolled." + tag)
    assert [u["email"] for u in enrolled] == ["enrolled." + tag + "@example.com"]
    with pytest.raises(RuntimeError) as err:
        client.enroll_user("enrolled." + tag, "again@example.com")
    assert err.value.status == 400

    with pytest.raises(RuntimeError) as err:
        client.add_user_group(user["user_id"], "DGNOSUCHGROUP0000000")
    assert err.value.status == 400
    with pytest.raises(RuntimeError) as err:
        client.get_user_phones("DUNOSUCHUSER00000000")
    assert err.value.status == 404
    assert client.delete_user_group(user["user_id"], group["group_id"]) == ""
    assert client.get_user_groups(user["user_id"]) == []


def test_bulk_endpoints_as_duo_clients_call_them(emulator):
    """The bulk endpoints with the wire forms Duo's own code uses (duo-bulk.md): `users` and
    `user_id_list` as JSON-encoded strings (PY256, PY299, Postman), `operations` as a real array
    (PY300, Postman) and as a JSON string (Ruby 1.5, PY256); v5-signed through json_api_call."""
    c = admin(emulator)
    made = c.json_api_call(
        "POST", "/admin/v1/users/bulk_create",
        {"users": json.dumps([{"username": "official-bulk-1", "email": "ob1@example.com"}, {"username": "official-bulk-2"}])},
    )
    assert [u["username"] for u in made] == ["official-bulk-1", "official-bulk-2"]
    ids = [u["user_id"] for u in made]
    with pytest.raises(RuntimeError) as dup:  # all-or-nothing: one taken name, nobody created
        c.json_api_call("POST", "/admin/v1/users/bulk_create", {"users": json.dumps([{"username": "ob-new"}, {"username": "official-bulk-1"}])})
    assert "400" in str(dup.value)
    assert c.get_users_by_name("ob-new") == []
    trashed = c.json_api_call("POST", "/admin/v1/users/bulk_send_to_trash", {"user_id_list": json.dumps(ids)})
    assert [(r["user_id"], r["success"]) for r in trashed] == [(i, True) for i in ids]
    assert c.get_user_by_id(ids[0])["status"] == "pending deletion"
    restored = c.json_api_call("POST", "/admin/v1/users/bulk_restore", {"user_id_list": json.dumps(ids)})
    assert all(r["success"] for r in restored)
    op = {"method": "POST", "path": f"/admin/v1/users/{ids[1]}", "body": {"notes": "bulk op"}}
    for operations in ([op], json.dumps([op])):
        results = c.json_api_call("POST", "/admin/v1/bulk", {"operations": operations})
        assert results[0]["stat"] == "OK"
    assert c.get_user_by_id(ids[1])["notes"] == "bulk op"
    assert c.get_settings()["pending_deletion_days"] == 7
