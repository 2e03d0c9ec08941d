"""The official `workos` Python package (PyPI), unmodified, against this project.

(a) Webhooks: every case of tests/vectors/workos-webhooks.json through the official
    `webhooks.verify_header` (with `time.time` patched to the case's clock); its verdict must be
    the one recorded for it, and where it agrees with @workos-inc/node's recorded verdict, this
    library's verdict (`ours`, asserted by every binding's suite) must agree too.
(b) Directory Sync: `directory_sync.list_users` / `list_groups` / `get_user` against the
    emulator binary's directory API. The client is pointed at the emulator with its public
    options only: `base_url` and `http_client` (an `httpx2.Client` trusting the emulator's CA,
    since the default client trusts the certifi bundle alone).
"""

import json
import os
import pathlib
import ssl
import subprocess
import tempfile
from unittest import mock

import httpx2
import pytest
from workos import WorkOSClient

VECTORS = json.loads(
    (pathlib.Path(__file__).resolve().parents[3] / "tests" / "vectors" / "workos-webhooks.json").read_text("utf-8"))
BY_NAME = {v["name"]: v for v in VECTORS["vectors"]}
KEY = "DKTEST"


def official_verdict(case):
    vector = BY_NAME[case["vector"]]
    pick = lambda key: case.get(key, vector[key])  # noqa: E731
    client = WorkOSClient(api_key="sk_test_vectors", client_id="client_vectors")
    with mock.patch("time.time", return_value=case["now_ms"] / 1000):
        try:
            client.webhooks.verify_header(
                event_body=pick("payload").encode("utf-8"), event_signature=pick("header"), secret=pick("secret"))
        except ValueError:
            return "fail"
    return "pass"


@pytest.mark.parametrize("case", VECTORS["cases"], ids=[c["case"] for c in VECTORS["cases"]])
def test_official_python_verifier_agrees_with_the_vectors(case):
    got = official_verdict(case)
    assert got == case["expect"]["python_10_8"].split(":")[0], "the recorded Python verdict"
    node = case["expect"].get("node_11_raw_string")
    ours = case["ours"].split(":")[0]
    if node is not None and node == got:
        assert ours == got, f"{case['case']}: both official SDKs say {got}, we say {case['ours']}"


@pytest.fixture(scope="module")
def emulator():
    binary = os.environ.get("DUO_EMULATOR_BIN")
    if not binary:
        pytest.fail("set DUO_EMULATOR_BIN to the built duo-emulator binary")
    users = [
        {"object": "directory_user", "id": f"directory_user_01HW{i:022d}", "idp_id": str(1000 + i),
         "directory_id": "directory_01HW0000000000000000000000", "organization_id": "org_01HW0000000000000000000000",
         "email": f"user{i}@example.com", "first_name": f"First{i}", "last_name": "Last", "state": "active",
         "custom_attributes": {"department": "Engineering"}, "raw_attributes": {}, "role": {"slug": "member"},
         "username": f"user{i}", "emails": [{"primary": True, "type": "work", "value": f"user{i}@example.com"}],
         "groups": [{"object": "directory_group", "id": "directory_group_01HW000000000000000000000E",
                     "idp_id": "eng", "directory_id": "directory_01HW0000000000000000000000",
                     "organization_id": "org_01HW0000000000000000000000", "name": "Engineering",
                     "created_at": "2024-01-01T00:00:00.000Z", "updated_at": "2024-01-01T00:00:00.000Z"}],
         "created_at": "2024-01-01T00:00:00.000Z", "updated_at": "2024-01-01T00:00:00.000Z"}
        for i in range(5)
    ]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as seed:
        json.dump({"directories": {KEY: users}}, seed)
    proc = subprocess.Popen([binary, "--json", "--seed", seed.name], stdout=subprocess.PIPE, text=True)
    try:
        info = json.loads(proc.stdout.readline())
        yield info, users
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        os.unlink(seed.name)


@pytest.fixture(scope="module")
def workos(emulator):
    info, _ = emulator
    context = ssl.create_default_context(cafile=info["ca_cert_path"])
    http = httpx2.Client(verify=context)
    client = WorkOSClient(api_key=info["directory_api_key"], client_id="client_emulator",
                          base_url=f"https://{info['host']}", http_client=http)
    yield client
    http.close()


def test_list_users_pages_through_every_user(workos, emulator):
    _, users = emulator
    page = workos.directory_sync.list_users(directory="directory_01HW0000000000000000000000", limit=2, order="asc")
    assert len(page.data) == 2
    listed = list(page.auto_paging_iter())
    assert [u.id for u in listed] == [u["id"] for u in users]
    first = listed[0]
    assert (first.email, first.first_name, first.state.value) == ("user0@example.com", "First0", "active")
    assert first.custom_attributes == {"department": "Engineering"}
    assert [g.name for g in first.groups] == ["Engineering"]


def test_list_groups_and_get_user(workos, emulator):
    _, users = emulator
    groups = workos.directory_sync.list_groups(user=users[2]["id"])
    assert [g.name for g in groups.data] == ["Engineering"]
    user = workos.directory_sync.get_user(users[3]["id"])
    assert (user.id, user.idp_id, user.email) == (users[3]["id"], "1003", "user3@example.com")


def test_a_wrong_key_is_refused(emulator):
    info, users = emulator
    http = httpx2.Client(verify=ssl.create_default_context(cafile=info["ca_cert_path"]))
    client = WorkOSClient(api_key="sk_test_wrong", client_id="c", base_url=f"https://{info['host']}",
                          http_client=http, max_retries=0)
    with pytest.raises(Exception) as excinfo:
        client.directory_sync.get_user(users[0]["id"])
    assert "401" in str(excinfo.value) or type(excinfo.value).__name__.startswith("Authentication")
    http.close()
