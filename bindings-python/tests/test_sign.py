"""Signing: the shared vectors, the generated canonicalization cases, and duo_client as a live oracle."""

import hashlib
import json

import duo_client.client as dc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from duo_directory import InvalidInputError, SignedRequest, sign_request

from conftest import load_vector

SIGNING = load_vector("duo-signing.json")
DIGESTS = {"sha1": hashlib.sha1, "sha512": hashlib.sha512}
IKEY, SKEY = SIGNING["ikey"], SIGNING["skey"]
DATE = "Tue, 21 Aug 2012 17:29:18 -0000"


@pytest.mark.parametrize("vector", SIGNING["vectors"], ids=[v["name"] for v in SIGNING["vectors"]])
def test_signing_vector(vector):
    signed = sign_request(
        IKEY,
        SKEY,
        vector["method"],
        vector["host"],
        vector["path"],
        vector["params"],
        date=vector["date"],
        sig_version=vector["sig_version"],
        digest=vector["digest"],
        x_duo_headers=vector.get("x_duo_headers"),
    )
    assert signed.canonical == vector["canonical"]
    assert signed.authorization == vector["authorization"]
    assert signed.date == vector["date"]
    if vector["body"]:
        assert signed.body == vector["body"]


CANON = load_vector("canonicalize-generated.json")["cases"]


def test_canonicalize_generated():
    for case in CANON:
        signed = sign_request(IKEY, SKEY, "GET", "h", "/p", case["params"], date="d", sig_version=2)
        assert signed.canonical.split("\n", 4)[4] == case["canonical"], case["params"]
        assert signed.query == case["canonical"]
        if "json_body" in case:
            posted = sign_request(IKEY, SKEY, "POST", "h", "/p", case["params"], date="d", sig_version=5)
            assert posted.body == case["json_body"], case["params"]


def test_signed_request_object():
    signed = sign_request(IKEY, SKEY, "POST", "api-x.duosecurity.com", "/admin/v1/users", {"username": "a"}, date=DATE)
    assert isinstance(signed, SignedRequest)
    assert signed.content_type == "application/json"
    assert signed.query == ""
    assert signed.body == '{"username":"a"}'
    assert "Basic ***" in repr(signed)
    assert signed.authorization not in repr(signed)
    assert SKEY not in repr(signed) and SKEY not in str(signed)
    assert SignedRequest.from_dict(signed.to_dict()) == signed
    assert SignedRequest.from_json(signed.to_json()) == signed
    now = sign_request(IKEY, SKEY, "GET", "h", "/p", None)
    assert now.date.endswith(" -0000")


def test_bad_arguments_are_invalid_input():
    with pytest.raises(InvalidInputError) as info:
        sign_request(IKEY, SKEY, "GET", "h", "/p", {}, sig_version=3)
    assert info.value.field == "sig_version"
    with pytest.raises(InvalidInputError) as info:
        sign_request(IKEY, SKEY, "GET", "h", "/p", {}, sig_version=5, digest="sha1")
    assert info.value.field == "digest"
    with pytest.raises(InvalidInputError):
        sign_request(IKEY, SKEY, "GET", "h", "/p", {"a": 1})  # type: ignore[dict-item]
    with pytest.raises(InvalidInputError) as info:
        sign_request(IKEY, SKEY, "GET", "h", "/p", {}, x_duo_headers={"Not-Duo": "x"})
    assert info.value.field == "x_duo_headers"
    with pytest.raises(InvalidInputError) as info:
        sign_request(IKEY, "", "GET", "h", "/p", {})
    assert info.value.field == "skey"


# --- duo_client as the live oracle --------------------------------------------------------------

def duo_client_sign(ikey, skey, host, date, sig_version, digest, method, path, params, x_duo_headers=None):
    """What duo_client's Client.api_call does before sign() (see tests/vectors/generate.py)."""
    if sig_version == 2:
        sparams, body = dc.normalize_params(params), None
    elif method in ("POST", "PUT", "PATCH"):
        sparams, body = {}, dc.Client.canon_json(params)
    else:
        sparams, body = dc.normalize_params(params), ""
    canonical = dc.canonicalize(method, host, path, sparams, date, sig_version, body=body, additional_headers=x_duo_headers)
    auth = dc.sign(ikey, skey, method, host, path, date, sig_version, sparams, body=body,
                   digestmod=DIGESTS[digest], additional_headers=x_duo_headers)
    return canonical, body, auth


def test_default_v2_digest_matches_duo_client():
    # duo_client 5.x signs sig_version=2 with HMAC-SHA512 unless told otherwise.
    params = {"username": "jsmith", "limit": "10"}
    _, _, expected = duo_client_sign(IKEY, SKEY, "h", DATE, 2, "sha512", "GET", "/p", params)
    assert sign_request(IKEY, SKEY, "GET", "h", "/p", params, date=DATE, sig_version=2).authorization == expected


text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
values = st.one_of(text, st.lists(text, max_size=4))
params_maps = st.dictionaries(text, values, max_size=6)
plain_maps = st.dictionaries(text, text, max_size=6)


@settings(max_examples=300, deadline=None)
@given(
    params=params_maps,
    method=st.sampled_from(["GET", "DELETE"]),
    version=st.sampled_from([(2, "sha1"), (2, "sha512"), (5, "sha512")]),
    path=st.sampled_from(["/admin/v1/users", "/admin/v1/users/DU%20X", "/auth/v2/check"]),
)
def test_query_signatures_match_duo_client(params, method, version, path):
    sig_version, digest = version
    canonical, _, auth = duo_client_sign(IKEY, SKEY, "API-Host.duosecurity.com", DATE, sig_version, digest, method, path, params)
    signed = sign_request(IKEY, SKEY, method, "API-Host.duosecurity.com", path, params, date=DATE,
                          sig_version=sig_version, digest=digest)
    assert signed.canonical == canonical
    assert signed.authorization == auth


@settings(max_examples=300, deadline=None)
@given(
    params=plain_maps,
    method=st.sampled_from(["POST", "PUT", "PATCH"]),
    version=st.sampled_from([(2, "sha1"), (2, "sha512"), (5, "sha512")]),
    headers=st.one_of(st.none(), st.dictionaries(st.sampled_from(["X-Duo-A", "x-duo-zeta", "X-DUO-Mid"]),
                                                 st.text(alphabet="abc XYZ-012", max_size=8), min_size=1)),
)
def test_body_signatures_match_duo_client(params, method, version, headers):
    sig_version, digest = version
    if sig_version == 2:
        headers = None
    canonical, body, auth = duo_client_sign(IKEY, SKEY, "h.example", DATE, sig_version, digest, method, "/p", params, headers)
    signed = sign_request(IKEY, SKEY, method, "h.example", "/p", params, date=DATE, sig_version=sig_version,
                          digest=digest, x_duo_headers=headers)
    assert signed.canonical == canonical
    assert signed.authorization == auth
    if sig_version == 5:
        assert signed.body == body
