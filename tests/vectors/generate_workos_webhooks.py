"""Builds tests/vectors/workos-webhooks.json: the shared vectors (made and judged with the official
`workos` 10.8 and `@workos-inc/node` packages) plus our own, signed with the stdlib HMAC and judged
with the official `workos` Python package (`verify_header`, `time.time` patched), and the verdict
this library gives for every case (`ours`, with the event kind when the body parses).

usage: python generate_workos_webhooks.py SHARED_VECTORS.json > workos-webhooks.json
"""

import hashlib
import hmac
import json
import sys
from unittest import mock

from importlib.metadata import version
from workos import WorkOSClient

USER = {
    "object": "directory_user", "id": "directory_user_01J8X0000000000000000000A1",
    "directory_id": "directory_01J8X00000000000000000000D", "organization_id": "org_01J8X0000000000000000000OR",
    "idp_id": "00u1abcd", "email": "ada@example.com", "first_name": "Ada", "last_name": "Lovelace",
    "name": "Ada Lovelace", "emails": [{"primary": True, "type": "work", "value": "ada@example.com"}],
    "username": "ada", "job_title": "Engineer", "state": "suspended", "raw_attributes": {},
    "custom_attributes": {"department": "R&D", "manager_email": None}, "roles": [{"slug": "admin"}],
    "role": {"slug": "admin"}, "created_at": "2025-01-01T00:00:00.000Z", "updated_at": "2025-02-01T00:00:00.000Z",
    "a_future_member": {"kept": True},
}
GROUP = {
    "object": "directory_group", "id": "directory_group_01J8X000000000000000000G1", "idp_id": "grp1",
    "directory_id": "directory_01J8X00000000000000000000D", "organization_id": "org_01J8X0000000000000000000OR",
    "name": "Engineering", "created_at": "2025-01-01T00:00:00.000Z", "updated_at": "2025-02-01T00:00:00.000Z",
}
OWN = [
    ("v5_group_updated_previous_attributes", "whsec_own_epsilon", 1760000000000, {
        "id": "event_01J8X00000000000000000005", "event": "dsync.group.updated",
        "data": {**GROUP, "previous_attributes": {"name": "Eng"}}, "created_at": "2025-02-01T00:00:00.000Z"}),
    ("v6_directory_activated", "whsec_own_zeta", 1760000001000, {
        "object": "event", "id": "event_01J8X00000000000000000006", "event": "dsync.activated",
        "data": {"object": "directory", "id": "directory_01J8X00000000000000000000D", "organization_id":
                 "org_01J8X0000000000000000000OR", "type": "okta scim v2.0", "state": "active", "name": "Okta",
                 "domains": [{"object": "organization_domain", "id": "org_domain_1", "domain": "example.com"}],
                 "created_at": "2025-01-01T00:00:00.000Z", "updated_at": "2025-01-01T00:00:00.000Z"},
        "created_at": "2025-01-01T00:00:00.000Z"}),
    ("v7_token_created", "whsec_own_eta", 1760000002000, {
        "id": "event_01J8X00000000000000000007", "event": "dsync.token.created",
        "data": {"object": "directory_token", "id": "directory_token_1", "directory_id":
                 "directory_01J8X00000000000000000000D", "organization_id": "org_01J8X0000000000000000000OR",
                 "token_suffix": "a1b2", "created_at": "2025-01-01T00:00:00.000Z"},
        "created_at": "2025-01-01T00:00:00.000Z"}),
    ("v8_unknown_event", "whsec_own_theta", 1760000003000, {
        "id": "event_01J8X00000000000000000008", "event": "dsync.something.new",
        "data": {"anything": [1, 2, {"x": None}]}, "created_at": "2025-01-01T00:00:00.000Z"}),
    ("v9_user_updated_deprecated_members", "whsec_own_iota", 1760000004000, {
        "id": "event_01J8X00000000000000000009", "event": "dsync.user.updated",
        "data": {**USER, "previous_attributes": {"state": "active", "custom_attributes": {"department": None}}},
        "created_at": "2025-02-01T00:00:00.000Z"}),
]

# this library's verdicts on the shared cases (symmetric tolerance, optional space)
OURS = {
    "v1_user_created_compact/valid_now_plus_60s": "pass: user_created",
    "v2_user_updated_previous_attributes/valid_now_plus_60s": "pass: user_updated",
    "v3_group_user_added/valid_now_plus_60s": "pass: decode data.user.directory_id",
    "v4_user_deleted_utf8_pretty/valid_now_plus_60s": "pass: decode data.idp_id",
    "v1/boundary_exactly_180000ms_old": "pass: user_created",
    "v1/too_old_180001ms": "fail: timestamp_outside_tolerance",
    "v1/too_old_1h": "fail: timestamp_outside_tolerance",
    "v1/tampered_body": "fail: signature_mismatch",
    "v1/wrong_secret": "fail: signature_mismatch",
    "v1/future_timestamp_5min_ahead": "fail: timestamp_outside_tolerance",
    "v1/header_without_space": "pass: user_created",
    "v1/uppercase_hex_signature": "fail: signature_mismatch",
    "v4/body_reserialized_compact": "fail: signature_mismatch",
    "v4/body_reserialized_ascii_escaped": "fail: signature_mismatch",
}


def sign(secret, t, payload):
    return hmac.new(secret.encode(), f"{t}.{payload}".encode(), hashlib.sha256).hexdigest()


def python_verdict(payload, header, secret, now_ms):
    client = WorkOSClient(api_key="sk_test_vectors", client_id="client_vectors")
    with mock.patch("time.time", return_value=now_ms / 1000):
        try:
            client.webhooks.verify_header(event_body=payload.encode(), event_signature=header, secret=secret)
        except ValueError as e:
            return f"fail: {e.args[0]}"
    return "pass"


def main():
    doc = json.load(open(sys.argv[1], encoding="utf-8"))
    doc["generated_with"]["own_vectors"] = (
        f"tests/vectors/generate_workos_webhooks.py: stdlib HMAC-SHA256, judged with workos {version('workos')} "
        "verify_header (time.time patched); node verdicts added by emulator/tests/official (run live)")
    for case in doc["cases"]:
        case["ours"] = OURS[case["case"]]
    kinds = {"v5": "group_updated", "v6": "directory_activated", "v7": "token_created", "v8": "other", "v9": "user_updated"}
    for name, secret, t, event in OWN:
        payload = json.dumps(event, separators=(",", ":"))
        signature = sign(secret, t, payload)
        doc["vectors"].append({"name": name, "secret": secret, "timestamp": str(t), "payload": payload,
                               "signature": signature, "header": f"t={t}, v1={signature}", "source": "duo-directory"})
        kind = kinds[name[:2]]
        cases = [
            (f"{name}/valid_now_plus_60s", t + 60_000, {}, f"pass: {kind}"),
        ]
        if name.startswith("v5"):
            cases += [
                (f"{name}/future_179s", t - 179_000, {}, "pass: group_updated"),
                (f"{name}/future_181s", t - 181_000, {}, "fail: timestamp_outside_tolerance"),
                (f"{name}/header_name_mixed_case", t, {"header": f"WorkOS-Signature: t={t}, v1={signature}"},
                 "pass: group_updated"),
                (f"{name}/header_two_signatures", t, {"header": f"t={t}, v1={'0' * 64}, v1={signature}"},
                 "fail: malformed_header"),
                (f"{name}/header_missing_t", t, {"header": f"v1={signature}"}, "fail: malformed_header"),
                (f"{name}/header_empty", t, {"header": ""}, "fail: missing_header"),
                (f"{name}/timestamp_in_seconds", t, {"header": f"t={t // 1000}, v1={sign(secret, t // 1000, payload)}"},
                 "fail: timestamp_outside_tolerance"),
            ]
        for case_name, now_ms, extra, ours in cases:
            header = extra.get("header", f"t={t}, v1={signature}")
            entry = {"case": case_name, "vector": name, "now_ms": now_ms, **extra,
                     "expect": {"python_10_8": python_verdict(payload, header, secret, now_ms)}, "ours": ours}
            doc["cases"].append(entry)
    json.dump(doc, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
