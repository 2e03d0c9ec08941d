"""Models: round trips through the shared vectors, laziness, equality, pickling, names."""

import json
import pickle

import pytest

from duo_directory import (
    DecodeError,
    DirectoryGroup,
    DirectoryUser,
    Group,
    InlineRole,
    Phone,
    Token,
    U2fToken,
    User,
    UserStatus,
    WebauthnCredential,
)

from conftest import VECTORS, load_vector


def seed_user_json() -> str:
    return json.dumps(load_vector("seed-002-user.json")["response"])


def test_seed_002_user_round_trip():
    original = load_vector("seed-002-user.json")["response"]
    user = User.from_json(json.dumps(original))
    assert json.loads(user.to_json()) == original
    assert user.to_dict() == original
    assert User.from_dict(original) == user
    assert user.username == "jsmith"
    assert user.firstname == "Joe"
    assert user.aliases == {"alias1": "joe.smith", "alias2": "jsmith@example.com"}
    assert user.alias3 is None
    assert isinstance(user.created, int)


def test_seed_002_nested_objects():
    user = User.from_json(seed_user_json())
    assert all(isinstance(g, Group) for g in user.groups)
    assert all(isinstance(p, Phone) for p in user.phones)
    assert all(isinstance(t, Token) for t in user.tokens)
    assert all(isinstance(t, U2fToken) for t in user.u2ftokens)
    assert all(isinstance(w, WebauthnCredential) for w in user.webauthncredentials)
    assert user.groups[0].name == "token_users"
    assert user.groups[0].push_enabled is False
    phone = user.phones[0]
    assert phone.phone_id.startswith("DP")
    assert phone.type == "Mobile"
    assert isinstance(phone.capabilities, list)
    if user.tokens:
        assert user.tokens[0].type is not None
    # nested tuples are built once and cached
    assert user.groups is user.groups
    assert user.phones is user.phones


def test_seed_002_trailing_comma_rejected_with_line_and_column():
    text = (VECTORS / "seed-002-user-trailing-comma.json").read_text(encoding="utf-8")
    with pytest.raises(DecodeError) as info:
        User.from_json(text)
    e = info.value
    assert e.kind == "decode"
    assert e.line >= 1 and e.column > 0
    assert f"line {e.line} column {e.column}" in str(e)
    assert isinstance(e, ValueError)


def test_seed_001_directory_user_round_trip():
    original = load_vector("seed-001-directory-user.json")
    du = DirectoryUser.from_json(json.dumps(original))
    assert json.loads(du.to_json()) == original
    assert du.to_dict() == original
    assert DirectoryUser.from_dict(original) == du
    assert du.object == "directory_user"
    assert du.id == original["id"]
    assert du.idp_id == original["idp_id"]
    assert du.directory_id == original["directory_id"]
    assert du.organization_id == original["organization_id"]
    assert du.first_name == original["first_name"]
    assert du.last_name == original["last_name"]
    assert du.email == original["email"]
    assert du.state == original["state"]
    assert du.custom_attributes == original["custom_attributes"]
    assert type(du.custom_attributes) is dict
    assert du.created_at == original["created_at"]
    assert du.updated_at == original["updated_at"]
    assert all(isinstance(g, DirectoryGroup) for g in du.groups)
    assert [g.name for g in du.groups] == [g["name"] for g in original["groups"]]
    if "role" in original:
        assert isinstance(du.role, InlineRole)
        assert du.role.slug == original["role"]["slug"]


def test_directory_user_errors_name_the_field():
    original = load_vector("seed-001-directory-user.json")
    original["custom_attributes"] = []
    with pytest.raises(DecodeError) as info:
        DirectoryUser.from_dict(original)
    assert info.value.field == "custom_attributes"


def test_from_json_errors_name_field_line_column():
    with pytest.raises(DecodeError) as info:
        User.from_json('{"user_id": "DU1",\n "username": 7, "status": "active"}')
    e = info.value
    assert e.field == "username"
    assert e.line == 2
    assert e.column > 0
    with pytest.raises(DecodeError) as info:
        User.from_json('{"username": "x", "status": "active"}')
    assert info.value.field == "user_id"
    with pytest.raises(DecodeError):
        User.from_json(b"\xff\xfe")


def test_unknown_fields_and_statuses_are_kept():
    user = User.from_json('{"user_id":"DU1","username":"a","status":"on holiday","future":{"x":1}}')
    assert user.status == "on holiday"
    assert user.status.value == "on holiday"
    assert not user.status.is_known
    assert user.extra == {"future": {"x": 1}}
    assert json.loads(user.to_json())["future"] == {"x": 1}


def test_user_status():
    assert UserStatus("active") == UserStatus.ACTIVE == "active"
    assert UserStatus.LOCKED_OUT.value == "locked out"
    assert UserStatus.PENDING_DELETION.value == "pending deletion"
    assert UserStatus.BYPASS != UserStatus.DISABLED
    assert str(UserStatus.BYPASS) == "bypass"
    assert repr(UserStatus.BYPASS) == "UserStatus('bypass')"
    assert hash(UserStatus.ACTIVE) == hash("active")
    assert UserStatus.ACTIVE.is_known
    assert {UserStatus.ACTIVE: 1}["active"] == 1
    assert pickle.loads(pickle.dumps(UserStatus("new one"))) == "new one"


def test_equality_repr_and_pickle():
    a = User.from_json(seed_user_json())
    b = User.from_json(seed_user_json())
    assert a == b
    assert a != User.from_json('{"user_id":"DU1","username":"a","status":"active"}')
    assert repr(a).startswith("User(user_id='DU")
    assert pickle.loads(pickle.dumps(a)) == a
    du = DirectoryUser.from_dict(load_vector("seed-001-directory-user.json"))
    assert pickle.loads(pickle.dumps(du)) == du
    assert pickle.loads(pickle.dumps(a.groups[0])) == a.groups[0]
    assert "DirectoryUser(id=" in repr(du)


def test_models_are_frozen():
    user = User.from_json(seed_user_json())
    with pytest.raises(AttributeError):
        user.username = "other"  # type: ignore[misc]


def test_nested_models_round_trip():
    user = User.from_json(seed_user_json())
    for obj in (*user.groups, *user.phones, *user.tokens, *user.u2ftokens, *user.webauthncredentials):
        cls = type(obj)
        assert cls.from_json(obj.to_json()) == obj
        assert cls.from_dict(obj.to_dict()) == obj
        assert repr(obj).startswith(cls.__name__ + "(")


def test_minimal_user_defaults():
    user = User.from_json('{"user_id":"DU1","username":"a","status":"active"}')
    assert user.is_enrolled is None
    assert user.realname is None
    assert user.aliases == {}
    assert user.groups == ()


def test_to_json_pretty():
    user = User.from_json('{"user_id":"DU1","username":"a","status":"active"}')
    assert "\n" in user.to_json(pretty=True)
