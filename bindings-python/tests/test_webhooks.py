"""Webhooks: the shared vectors (made and judged with the official workos packages) get the
verdict recorded for this library; typed events; errors that never show the secret."""

import json
import pickle

import pytest

import duo_directory
from duo_directory import (
    DecodeError,
    DirectoryEvent,
    InvalidInputError,
    WebhookVerificationError,
    compute_webhook_signature,
    parse_event,
    verify_webhook,
)
from conftest import load_vector

VECTORS = load_vector("workos-webhooks.json")
BY_NAME = {v["name"]: v for v in VECTORS["vectors"]}


def resolve(case):
    vector = BY_NAME[case["vector"]]
    pick = lambda key: case.get(key, vector[key])  # noqa: E731
    return pick("payload"), pick("header"), pick("secret"), case["now_ms"] / 1000


def verdict(payload, header, secret, now):
    try:
        event = verify_webhook(payload.encode("utf-8"), header, secret, now=now)
    except WebhookVerificationError as e:
        return f"fail: {e.reason}"
    except DecodeError as e:
        return f"pass: decode {e.field}"
    return f"pass: {event.kind}"


@pytest.mark.parametrize("case", VECTORS["cases"], ids=[c["case"] for c in VECTORS["cases"]])
def test_vector_case(case):
    assert verdict(*resolve(case)) == case["ours"]


@pytest.mark.parametrize("vector", VECTORS["vectors"], ids=[v["name"] for v in VECTORS["vectors"]])
def test_signature_recomputed(vector):
    assert compute_webhook_signature(vector["payload"], vector["secret"], int(vector["timestamp"])) == vector["signature"]


def test_str_and_bytes_bodies_verify_alike_and_the_window_is_symmetric():
    v = BY_NAME["v1_user_created_compact"]
    t = int(v["timestamp"]) / 1000
    assert verify_webhook(v["payload"], v["header"], v["secret"], now=t + 180).kind == "user_created"
    assert verify_webhook(v["payload"].encode(), v["header"], v["secret"], now=t - 180).kind == "user_created"
    with pytest.raises(WebhookVerificationError) as info:
        verify_webhook(v["payload"], v["header"], v["secret"], now=t - 181)
    assert info.value.reason == "timestamp_outside_tolerance" and "future" in str(info.value)
    assert verify_webhook(v["payload"], v["header"], v["secret"], tolerance=3600, now=t + 3000).id


def test_errors_never_show_the_secret_or_the_expected_signature():
    v = BY_NAME["v2_user_updated_previous_attributes"]
    tampered = v["payload"].replace("inactive", "active")
    with pytest.raises(WebhookVerificationError) as info:
        verify_webhook(tampered, v["header"], v["secret"], now=int(v["timestamp"]) / 1000)
    err = info.value
    assert err.kind == "webhook_verification" and err.reason == "signature_mismatch"
    expected = compute_webhook_signature(tampered, v["secret"], int(v["timestamp"]))
    for text in (str(err), repr(err), err.detail):
        assert v["secret"] not in text and expected not in text
    again = pickle.loads(pickle.dumps(err))
    assert again.reason == "signature_mismatch" and isinstance(again, duo_directory.DuoError)


def test_bad_arguments_are_invalid_input():
    v = BY_NAME["v1_user_created_compact"]
    for kwargs, field in [({"tolerance": -1}, "tolerance"), ({"now": float("nan")}, "now")]:
        with pytest.raises(InvalidInputError) as info:
            verify_webhook(v["payload"], v["header"], v["secret"], **kwargs)
        assert info.value.field == field
    with pytest.raises(InvalidInputError):
        verify_webhook(v["payload"], v["header"], "")
    with pytest.raises(InvalidInputError):
        verify_webhook(123, v["header"], v["secret"])  # type: ignore[arg-type]


def test_typed_events_keep_everything():
    updated = parse_event(BY_NAME["v9_user_updated_deprecated_members"]["payload"])
    assert isinstance(updated, DirectoryEvent)
    assert (updated.kind, updated.event) == ("user_updated", "dsync.user.updated")
    assert updated.previous_attributes == {"state": "active", "custom_attributes": {"department": None}}
    user = updated.user
    assert user.state == "suspended" and user.username == "ada"
    assert user.extra["job_title"] == "Engineer" and user.extra["emails"][0]["value"] == "ada@example.com"
    assert "previous_attributes" not in user.extra
    assert updated.directory_id == user.directory_id
    assert json.loads(updated.to_json()) == json.loads(BY_NAME["v9_user_updated_deprecated_members"]["payload"])
    assert pickle.loads(pickle.dumps(updated)) == updated
    assert repr(updated) == "DirectoryEvent(id='event_01J8X00000000000000000009', event='dsync.user.updated')"

    other = parse_event(BY_NAME["v8_unknown_event"]["payload"])
    assert other.kind == "other" and other.user is None and other.data == {"anything": [1, 2, {"x": None}]}
    activated = parse_event(BY_NAME["v6_directory_activated"]["payload"])
    assert activated.directory.is_active and activated.directory.type == "okta scim v2.0"
    assert activated.directory.extra["domains"][0]["domain"] == "example.com"
    token = parse_event(BY_NAME["v7_token_created"]["payload"]).token
    assert token.token_suffix == "a1b2"
    group = parse_event(BY_NAME["v5_group_updated_previous_attributes"]["payload"])
    assert group.group.name == "Engineering" and group.previous_attributes == {"name": "Eng"}
    with pytest.raises(DecodeError) as info:
        parse_event('{"id": "e", "event": "dsync.user.created", "data": {"id": "u"}}')
    assert info.value.field == "data.idp_id"
