#!/usr/bin/env python3
"""Regenerate the Duo signing / canonicalization test vectors in this directory.

Uses only duo_client 5.7.0's own functions to produce expected values:
  duo_client.client.normalize_params, canon_params, canonicalize, sign, Client.canon_json
and cross-checks every signing vector against
  * duo_client.client.Client.api_call (clock frozen, _make_request replaced: no network), and
  * an independent stdlib hmac/hashlib/base64 recomputation.

Deterministic (seeded RNG), no network. Run from the repository root:

    python -m venv .venv-vectors
    .venv-vectors/bin/pip install duo_client==5.7.0
    .venv-vectors/bin/python tests/vectors/generate.py

Inputs outside the repo: $SHARED_DIR (required) vectors/duo-signing.json and
seeds/002_ea40055e422d347f.txt.
"""

import base64
import email.utils
import hashlib
import hmac
import json
import os
import random
import sys

import duo_client
import duo_client.client as dc

EXPECTED_VERSION = "5.7.0"
if dc.__version__ != EXPECTED_VERSION:
    sys.exit("need duo_client==%s, found %s" % (EXPECTED_VERSION, dc.__version__))

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED_DIR = os.environ.get("SHARED_DIR")
if not SHARED_DIR:
    sys.exit("set SHARED_DIR to the research folder holding vectors/duo-signing.json and seeds/ "
             "(the team's shared/ folder); the generated files are then self-contained in tests/vectors/")
SHARED_VECTORS = os.path.join(SHARED_DIR, "vectors", "duo-signing.json")
SEED_002 = os.path.join(SHARED_DIR, "seeds", "002_ea40055e422d347f.txt")

SEED = 20120821
SHA512_EMPTY = hashlib.sha512(b"").hexdigest()
DIGESTS = {"sha1": hashlib.sha1, "sha512": hashlib.sha512}
MODES = {  # name -> (sig_version, digest)
    "v2-sha1": (2, "sha1"),
    "v2-sha512": (2, "sha512"),
    "v5": (5, "sha512"),
}


def write_json(path, obj, indent=2):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(obj, ensure_ascii=False, indent=indent))
        f.write("\n")


# ---------------------------------------------------------------------------
# Signing vectors
# ---------------------------------------------------------------------------

def duo_sign(ikey, skey, host, date, sig_version, digest, method, path, params, x_duo_headers=None):
    """Mirror exactly what Client.api_call does before calling sign()."""
    params_go_in_body = method in ("POST", "PUT", "PATCH")
    if sig_version == 2:
        sparams = dc.normalize_params(params)
        body = None
    else:
        if params_go_in_body:
            body = dc.Client.canon_json(params)
            sparams = {}
        else:
            body = ""
            sparams = dc.normalize_params(params)
    canonical = dc.canonicalize(method, host, path, sparams, date, sig_version,
                                body=body, additional_headers=x_duo_headers)
    auth = dc.sign(ikey, skey, method, host, path, date, sig_version, sparams,
                   body=body, digestmod=DIGESTS[digest], additional_headers=x_duo_headers)
    return canonical, body, auth


def independent_auth(ikey, skey, canonical, digest):
    sig = hmac.new(skey.encode("utf-8"), canonical.encode("utf-8"), DIGESTS[digest]).hexdigest()
    return "Basic " + base64.b64encode(("%s:%s" % (ikey, sig)).encode("utf-8")).decode("ascii")


class _Recorder(dc.Client):
    """duo_client Client whose transport only records what would be sent."""

    def _make_request(self, method, uri, body, headers):
        self.recorded = (method, uri, body, headers)
        return None, None


def api_call_auth(ikey, skey, host, date, sig_version, digest, method, path, params, x_duo_headers):
    """Authorization header (and body) produced by Client.api_call itself, clock frozen."""
    orig = email.utils.formatdate
    email.utils.formatdate = lambda *a, **k: date
    try:
        client = _Recorder(ikey, skey, host, digestmod=DIGESTS[digest], sig_version=sig_version)
        client.api_call(method, path, params, additional_headers=dict(x_duo_headers or {}) or None,
                        sig_version=sig_version)
    finally:
        email.utils.formatdate = orig
    _, _, body, headers = client.recorded
    assert headers[b"Date"] == date.encode("ascii")
    return headers[b"Authorization"].decode("ascii"), body


def check_vector(shared, v):
    canonical, body, auth = duo_sign(shared["ikey"], shared["skey"], v["host"], v["date"],
                                     v["sig_version"], v["digest"], v["method"], v["path"],
                                     v["params"], v.get("x_duo_headers"))
    assert canonical == v["canonical"], (v["name"], canonical, v["canonical"])
    assert body == v["body"], (v["name"], body, v["body"])
    assert auth == v["authorization"], v["name"]
    assert independent_auth(shared["ikey"], shared["skey"], canonical, v["digest"]) == auth, v["name"]
    auth2, sent_body = api_call_auth(shared["ikey"], shared["skey"], v["host"], v["date"],
                                     v["sig_version"], v["digest"], v["method"], v["path"],
                                     v["params"], v.get("x_duo_headers"))
    assert auth2 == auth, v["name"]
    if v["sig_version"] == 5 and v["method"] in ("POST", "PUT", "PATCH"):
        assert sent_body == body, v["name"]
    # Independent checks of the v5 hash lines.
    if v["sig_version"] == 5:
        lines = canonical.split("\n")
        assert len(lines) == 7
        assert lines[5] == hashlib.sha512(body.encode("utf-8")).hexdigest()
        hdrs = v.get("x_duo_headers") or {}
        flat = []
        for k in sorted(h.lower() for h in hdrs):
            flat += [k, next(val for h, val in hdrs.items() if h.lower() == k)]
        assert lines[6] == hashlib.sha512("\x00".join(flat).encode("utf-8")).hexdigest()
    else:
        assert len(canonical.split("\n")) == 5


PRINTABLE = "".join(chr(c) for c in range(0x20, 0x7F))
USER = "/admin/v1/users/DU3RP9I2WOC59VZX672N"

# (case name, method, path, params, modes, x_duo_headers)
NEW_CASES = [
    ("astral_get", "GET", "/admin/v1/users",
     {"username": "smile\U0001F600", "\U0001F600": "\U0001D11E clef", "k\U0001D11E": "\U0001F600\U0001D11E"},
     ["v2-sha1", "v2-sha512", "v5"], None),
    ("astral_post", "POST", USER,
     {"realname": "Grin \U0001F600 \U0001D11E", "notes": "\U0001F600", "\U0001F600key": "v\U0001D11E"},
     ["v2-sha1", "v2-sha512", "v5"], None),
    ("empty_value_get", "GET", "/admin/v1/users",
     {"username": "", "email": "a@example.com", "z": [""]},
     ["v2-sha1", "v2-sha512", "v5"], None),
    ("empty_value_post", "POST", USER,
     {"notes": "", "realname": "Joe Smith"},
     ["v2-sha1", "v2-sha512", "v5"], None),
    ("empty_list_get", "GET", "/admin/v1/users",
     {"user_id_list": [], "limit": "10"},
     ["v2-sha1", "v2-sha512", "v5"], None),
    ("empty_list_only_get", "GET", "/admin/v1/users",
     {"user_id_list": []},
     ["v2-sha1", "v2-sha512", "v5"], None),
    ("empty_list_post", "POST", USER,
     {"tags": [], "status": "active"},
     ["v2-sha1", "v2-sha512", "v5"], None),
    ("empty_key_get", "GET", "/admin/v1/users",
     {"": "v", "a": "1"},
     ["v2-sha1", "v2-sha512", "v5"], None),
    ("empty_key_empty_value_get", "GET", "/admin/v1/users",
     {"": ""},
     ["v2-sha1", "v2-sha512", "v5"], None),
    ("empty_key_post", "POST", USER,
     {"": "v", "a": "1"},
     ["v2-sha1", "v2-sha512", "v5"], None),
    ("all_printable_ascii_get", "GET", "/admin/v1/users",
     {"p": PRINTABLE, PRINTABLE: "k"},
     ["v2-sha1", "v2-sha512", "v5"], None),
    ("all_printable_ascii_post", "POST", USER,
     {"notes": PRINTABLE},
     ["v2-sha1", "v2-sha512", "v5"], None),
    ("control_chars_post", "POST", USER,
     {"notes": "line1\nline2\ttab\u0001soh\u007fdel\rcr\u001fus\u0000nul\u0080c1", "realname": "a\u0008b\u000cc"},
     ["v2-sha1", "v2-sha512", "v5"], None),
    ("control_chars_get", "GET", "/admin/v1/users",
     {"notes": "line1\nline2\ttab\u0001soh\u007fdel"},
     ["v2-sha1", "v2-sha512", "v5"], None),
    ("repeated_keys_get", "GET", "/admin/v1/users",
     {"tag": ["b", "a", "b", "A", "a", "", "a b", "a+b"], "user_id_list": ["DU2", "DU1", "DU2"]},
     ["v2-sha1", "v2-sha512", "v5"], None),
    ("repeated_keys_post", "POST", USER,
     {"tag": ["b", "a", "b", "A"], "x": "1"},
     ["v2-sha1", "v2-sha512", "v5"], None),
    ("mixed_case_keys_get", "GET", "/admin/v1/users",
     {"b": "1", "B": "2", "a": "3", "A": "4", "Ab": "5", "aB": "6", "a_": "7", "a-": "8", "a~": "9", "a.": "10"},
     ["v2-sha1", "v2-sha512", "v5"], None),
    ("mixed_case_keys_post", "POST", USER,
     {"b": "1", "B": "2", "a": "3", "A": "4", "Ab": "5", "aB": "6"},
     ["v2-sha1", "v2-sha512", "v5"], None),
    ("unicode_post", "POST", USER,
     {"username": "j\u00f6rg", "realname": "J\u00f6rg Sch\u00e4fer \u4e2d\u6587 \U0001F600",
      "notes": "\u00e9\u00df\u00ff\u00d7\u00a0nbsp", "email": "j\u00f6rg+duo@example.com"},
     ["v2-sha1", "v2-sha512", "v5"], None),
    ("unicode_nfc_vs_nfd_get", "GET", "/admin/v1/users",
     {"nfc": "\u00e9", "nfd": "e\u0301", "caf\u00e9": "1", "cafe\u0301": "2"},
     ["v2-sha1", "v2-sha512", "v5"], None),
    ("latin1_cjk_keys_get", "GET", "/admin/v1/users",
     {"\u00e9": "1", "\u4e2d": "2", "E": "3", "\u00ff": "4"},
     ["v2-sha1", "v2-sha512", "v5"], None),
    ("x_duo_headers_get", "GET", "/admin/v1/users",
     {"limit": "100", "offset": "0"},
     ["v5"], {"X-Duo-Request-Id": "req-7", "x-duo-a": "first", "X-DUO-Z": "last value"}),
    ("x_duo_headers_post_astral", "POST", USER,
     {"notes": "\U0001F600"},
     ["v5"], {"X-Duo-Trace": "abc123"}),
    ("x_duo_headers_empty_value_get", "GET", USER,
     {},
     ["v5"], {"X-Duo-Empty": ""}),
    ("delete_with_params", "DELETE", USER,
     {"force": "true", "\U0001F600": ""},
     ["v2-sha1", "v2-sha512", "v5"], None),
]


def build_signing(shared):
    base = shared["vectors"][0]
    host, date = base["host"], base["date"]
    assert all(v["host"] == host and v["date"] == date for v in shared["vectors"])
    out = []
    for i, v in enumerate(shared["vectors"]):
        mode = "v5" if v["sig_version"] == 5 else "v2-" + v["digest"]
        tail = v["path"].rstrip("/").rsplit("/", 1)[-1]
        nv = {"name": "shared_%02d/%s/%s_%s" % (i, mode, v["method"], tail)}
        nv.update(v)
        check_vector(shared, nv)
        out.append(nv)
    for case, method, path, params, modes, xh in NEW_CASES:
        for mode in modes:
            sv, digest = MODES[mode]
            canonical, body, auth = duo_sign(shared["ikey"], shared["skey"], host, date, sv, digest,
                                             method, path, params, xh)
            nv = {"name": "%s/%s" % (case, mode), "sig_version": sv, "digest": digest,
                  "method": method, "host": host, "path": path, "params": params, "body": body,
                  "date": date}
            if xh is not None:
                nv["x_duo_headers"] = xh
            nv["canonical"] = canonical
            nv["authorization"] = auth
            check_vector(shared, nv)
            out.append(nv)
    names = [v["name"] for v in out]
    assert len(names) == len(set(names))
    # Spot checks of documented behaviour.
    by = {v["name"]: v for v in out}
    assert "\\ud83d\\ude00" in by["astral_post/v5"]["body"]
    assert by["empty_list_only_get/v2-sha1"]["canonical"].endswith("/admin/v1/users\n")
    assert by["empty_key_empty_value_get/v2-sha1"]["canonical"].endswith("\n=")
    assert "\\u0001" in by["control_chars_post/v5"]["body"] and "\\n" in by["control_chars_post/v5"]["body"]
    return {
        "generated_with": ("duo_client 5.7.0 (PyPI): client.normalize_params, client.canonicalize, "
                           "client.sign, Client.canon_json; every vector re-checked against "
                           "Client.api_call (frozen clock, no network) and stdlib hmac "
                           "(tests/vectors/generate.py)"),
        "ikey": shared["ikey"],
        "skey": shared["skey"],
        "vectors": out,
    }


# ---------------------------------------------------------------------------
# Random canonicalization cases
# ---------------------------------------------------------------------------

ASCII_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
UNRESERVED = "-_.~"
RESERVED = "!*'();:@&=+$,/?#[]%\"<>\\^`{|}"
LATIN1 = "\u00a0\u00c0\u00c9\u00d6\u00d7\u00df\u00e0\u00e9\u00f6\u00f7\u00fc\u00ff"
CJK = "\u4e2d\u6587\u65e5\u672c\u8a9e\ud55c\uae00"
ASTRAL = ["\U0001F600", "\U0001D11E", "\U0001F389", "\U0001F44D\U0001F3FD", "\U00010348"]
POOLS = [
    (ASCII_ALNUM, 10),
    (UNRESERVED, 3),
    (RESERVED, 3),
    (" ", 2),
    (LATIN1, 2),
    (CJK, 2),
]


def rand_string(rng, maxlen, empty_p=0.12):
    if rng.random() < empty_p:
        return ""
    n = rng.randint(1, maxlen)
    out = []
    total = sum(w for _, w in POOLS) + 2
    for _ in range(n):
        r = rng.uniform(0, total)
        if r >= total - 2:
            out.append(rng.choice(ASTRAL))
            continue
        for pool, w in POOLS:
            if r < w:
                out.append(rng.choice(pool))
                break
            r -= w
        else:
            out.append(rng.choice(ASCII_ALNUM))
    return "".join(out)


def rand_params(rng, plain_strings):
    params = {}
    nkeys = rng.randint(0, 6)
    tries = 0
    while len(params) < nkeys and tries < 50:
        tries += 1
        k = rand_string(rng, 6, empty_p=0.04)
        if k in params:
            continue
        if plain_strings or rng.random() < 0.6:
            params[k] = rand_string(rng, 8)
        else:
            vals = [rand_string(rng, 5) for _ in range(rng.randint(0, 4))]
            if vals and rng.random() < 0.3:
                vals.append(rng.choice(vals))  # duplicate value
            params[k] = vals
    return params


def build_canonicalize(n=3000, json_every=10):
    rng = random.Random(SEED)
    cases = []
    for i in range(n):
        plain = i % json_every == 0
        params = rand_params(rng, plain)
        canonical = dc.canon_params(dc.normalize_params(params))
        # Same result as line 5 of a v2 canonical string.
        full = dc.canonicalize("GET", "h", "/p", dc.normalize_params(params), "d", 2)
        assert full.split("\n", 4)[4] == canonical
        case = {"params": params, "canonical": canonical}
        if plain:
            body = dc.Client.canon_json(params)
            assert json.loads(body) == params
            case["json_body"] = body
        cases.append(case)
    return {
        "generated_with": ("duo_client 5.7.0 (PyPI): canonical = "
                           "client.canon_params(client.normalize_params(params)) (line 5 of the "
                           "v2 canonical string / the params line of v5 GET/DELETE); json_body = "
                           "client.Client.canon_json(params) (the v5 POST/PUT/PATCH body)"),
        "seed": SEED,
        "cases": cases,
    }


# ---------------------------------------------------------------------------
# Seed fixtures
# ---------------------------------------------------------------------------

def seed_002_fixtures():
    with open(SEED_002, encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = lines.index("Example Output")
    raw = lines[i + 1]
    assert raw.startswith('{ "stat": "OK"') and raw.endswith("}}"), raw[-20:]
    assert raw.count("], }}") == 1
    try:
        json.loads(raw)
        raise AssertionError("seed 002 example unexpectedly parses")
    except json.JSONDecodeError:
        pass
    fixed = json.loads(raw.replace("], }}", "] }}"))
    assert list(fixed) == ["stat", "response"] and fixed["stat"] == "OK"
    with open(os.path.join(HERE, "seed-002-user.json"), "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(fixed, indent=2) + "\n")
    with open(os.path.join(HERE, "seed-002-user-trailing-comma.json"), "w", encoding="utf-8",
              newline="\n") as f:
        f.write(raw + "\n")


# Realistic WorkOS Directory User ("with groups" variant, as returned by GET /directory_users/{id}):
# every property of seed 001's curl table plus `object`, the newer `name`/`roles`, and the
# deprecated `emails`, `username`, `job_title`, `raw_attributes` (workos-directory-sync.md 1.3).
# IDs reuse the ones in /work/shared/vectors/workos-webhooks.json.
SEED_001_DIRECTORY_USER = {
    "object": "directory_user",
    "id": "directory_user_01E1JG7J09H96KYP8HM9B0G5SJ",
    "idp_id": "2836",
    "directory_id": "directory_01ECAZ4NV9QMV47GW873HDCX74",
    "organization_id": "org_01EZTR6WYX1A0DSE2CYMGXQ24Y",
    "first_name": "Marcelina",
    "last_name": "Davis",
    "name": "Marcelina Davis",
    "email": "marcelina.davis@example.com",
    "emails": [
        {"primary": True, "type": "work", "value": "marcelina.davis@example.com"},
        {"primary": False, "type": "home", "value": None},
    ],
    "username": "marcelina.davis@example.com",
    "job_title": "Software Engineer",
    "groups": [
        {
            "object": "directory_group",
            "id": "directory_group_01E1JJS84MFPPQ3G655FHTKX6Z",
            "idp_id": "02grqrue4294w24",
            "directory_id": "directory_01ECAZ4NV9QMV47GW873HDCX74",
            "organization_id": "org_01EZTR6WYX1A0DSE2CYMGXQ24Y",
            "name": "Developers",
            "created_at": "2021-06-25T19:07:33.155Z",
            "updated_at": "2021-06-25T19:07:33.155Z",
            "raw_attributes": {},
        }
    ],
    "state": "active",
    "custom_attributes": {
        "department": "Engineering",
        "job_title": "Software Engineer",
        "username": "marcelina.davis@example.com",
        "emails": [{"primary": True, "type": "work", "value": "marcelina.davis@example.com"}],
        "employment_start_date": "2020-03-02",
        "manager_email": "kathleen.hill@example.com",
        "addresses": [{"primary": True, "locality": "Berlin", "country": "DE", "postal_code": "10115"}],
        "cost_center_name": None,
        "tags": ["oncall", 3, True],
    },
    "raw_attributes": {
        "id": "2836",
        "userName": "marcelina.davis@example.com",
        "active": True,
        "name": {"givenName": "Marcelina", "familyName": "Davis", "formatted": "Marcelina Davis"},
        "emails": [{"primary": True, "type": "work", "value": "marcelina.davis@example.com"}],
        "title": "Software Engineer",
    },
    "role": {"slug": "member"},
    "roles": [{"slug": "member"}, {"slug": "developer"}],
    "created_at": "2021-06-25T19:07:33.155Z",
    "updated_at": "2021-06-25T19:07:33.155Z",
}


def main():
    with open(SHARED_VECTORS, encoding="utf-8") as f:
        shared = json.load(f)
    assert len(shared["vectors"]) == 34
    signing = build_signing(shared)
    write_json(os.path.join(HERE, "duo-signing.json"), signing)

    canon = build_canonicalize()
    # One case per line keeps the file small and diffable.
    with open(os.path.join(HERE, "canonicalize-generated.json"), "w", encoding="utf-8",
              newline="\n") as f:
        f.write("{\n")
        f.write('  "generated_with": %s,\n' % json.dumps(canon["generated_with"]))
        f.write('  "seed": %d,\n' % canon["seed"])
        f.write('  "cases": [\n')
        f.write(",\n".join("    " + json.dumps(c, ensure_ascii=False) for c in canon["cases"]))
        f.write("\n  ]\n}\n")
    with open(os.path.join(HERE, "canonicalize-generated.json"), encoding="utf-8") as f:
        assert json.load(f) == canon

    seed_002_fixtures()
    write_json(os.path.join(HERE, "seed-001-directory-user.json"), SEED_001_DIRECTORY_USER)

    print("duo-signing.json: %d vectors (%d shared + %d new)"
          % (len(signing["vectors"]), len(shared["vectors"]),
             len(signing["vectors"]) - len(shared["vectors"])))
    print("canonicalize-generated.json: %d cases (%d with json_body)"
          % (len(canon["cases"]), sum("json_body" in c for c in canon["cases"])))


if __name__ == "__main__":
    main()
