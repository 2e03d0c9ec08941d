"""Batch lookups, enrollment, groups, phones, tokens, authenticators and bypass codes: Client,
AsyncClient and previews against the in-process emulator (one small emulator per test)."""

import asyncio
import json

import pytest

from duo_directory import (
    AsyncGroupIterator,
    BypassCode,
    DesktopAuthenticator,
    DuoApiError,
    Group,
    GroupIterator,
    InvalidInputError,
    NotFoundError,
    Phone,
    Token,
    User,
)

NO_USER = "DUNOSUCHUSER00000000"


def make(client, path, **params):
    made = client.call("POST", path, params)
    return next(made[k] for k in ("group_id", "phone_id", "token_id") if k in made)


def test_batch_lookups_keep_order_and_report_missing(fresh_emu):
    with fresh_emu.client() as client:
        anna = client.create_user("anna", alias1="ann")
        bob = client.create_user("bob")
        found = client.get_users_by_usernames(["bob", "nobody", "ANN"])
        assert [u.username if u else None for u in found] == ["bob", None, "anna"]
        assert all(isinstance(u, User) for u in found if u)
        by_id = client.get_users_by_ids([anna.user_id, NO_USER, bob.user_id])
        assert [u.user_id if u else None for u in by_id] == [anna.user_id, None, bob.user_id]

        fresh_emu.generate_users(150, 3)
        ids = [u.user_id for u in fresh_emu.users()]
        fresh_emu.clear_requests()
        assert [u.user_id for u in client.get_users_by_ids(ids)] == ids
        assert len(fresh_emu.requests()) == 2  # 100 + 52

        before = fresh_emu.request_count
        with pytest.raises(InvalidInputError) as info:
            client.get_users_by_usernames("bob")
        assert info.value.field == "usernames"
        with pytest.raises(InvalidInputError) as info:
            client.get_users_by_ids(["DU1", ".."])
        assert info.value.field == "user_ids[1]"
        assert fresh_emu.request_count == before


def test_enroll_user(fresh_emu):
    with fresh_emu.client() as client:
        preview = client.preview.enroll_user("enrollee", "e@example.com", valid_secs=60)
        assert (preview.method, preview.path, preview.params["valid_secs"]) == ("POST", "/admin/v1/users/enroll", "60")
        assert fresh_emu.request_count == 0
        assert client.enroll_user("enrollee", "e@example.com", valid_secs=60) is None
        user = client.get_user_by_username("enrollee")
        assert user.email == "e@example.com" and user.is_enrolled is False
        with pytest.raises(DuoApiError) as info:
            client.enroll_user("enrollee", "other@example.com")
        assert (info.value.status, info.value.code, info.value.message_detail) == (400, 40002, "username")
        before = fresh_emu.request_count
        with pytest.raises(InvalidInputError) as info:
            client.enroll_user("x", "not an email")
        assert info.value.field == "email"
        with pytest.raises(InvalidInputError) as info:
            client.enroll_user("x", "x@example.com", valid_secs=-1)
        assert info.value.field == "valid_secs"
        assert fresh_emu.request_count == before


def test_groups(fresh_emu):
    with fresh_emu.client() as client:
        user = client.create_user("grouped")
        groups = [make(client, "/admin/v1/groups", name=n, desc="d") for n in ("alpha", "beta", "gamma")]
        client.add_user_group(user.user_id, groups[0])
        client.add_user_group(user.user_id, groups[2])
        it = client.list_user_groups(user.user_id, page_size=1)
        assert isinstance(it, GroupIterator) and it.pages_fetched == 0
        mine = list(it)
        assert [g.group_id for g in mine] == [groups[0], groups[2]] and it.pages_fetched == 2
        assert isinstance(mine[0], Group) and mine[0].name == "alpha"
        assert [g.group_id for g in client.list_groups(page_size=2)] == groups
        beta = client.get_group(groups[1])
        assert (beta.name, beta.desc, beta.status) == ("beta", "d", "Active")
        assert Group.from_json(beta.to_json()) == beta
        assert [g.group_id for g in client.get_user(user.user_id).groups] == [groups[0], groups[2]]

        client.remove_user_group(user.user_id, groups[0])
        assert [g.group_id for g in client.list_user_groups(user.user_id)] == [groups[2]]

        with pytest.raises(DuoApiError) as info:
            client.add_user_group(user.user_id, "DGNOSUCHGROUP0000000")
        assert (info.value.status, info.value.code, info.value.message_detail) == (400, 40002, "group_id")
        with pytest.raises(NotFoundError) as info:
            client.remove_user_group(user.user_id, "DGNOSUCHGROUP0000000")
        assert info.value.code == 40401
        with pytest.raises(NotFoundError):
            client.get_group("DGNOSUCHGROUP0000000")
        with pytest.raises(NotFoundError):
            next(client.list_user_groups(NO_USER))
        before = fresh_emu.request_count
        with pytest.raises(InvalidInputError) as info:
            client.add_user_group(user.user_id, "DG/1")
        assert info.value.field == "group_id"
        with pytest.raises(InvalidInputError) as info:
            client.list_groups(page_size=101)
        assert info.value.field == "page_size"
        preview = client.preview.add_user_group(user.user_id, groups[1])
        assert (preview.method, preview.path, preview.params["group_id"]) == (
            "POST",
            f"/admin/v1/users/{user.user_id}/groups",
            groups[1],
        )
        assert client.preview.remove_user_group(user.user_id, groups[1]).method == "DELETE"
        assert fresh_emu.request_count == before


def test_phones_tokens_and_authenticators(fresh_emu):
    with fresh_emu.client() as client:
        user = client.create_user("devices")
        phone = make(client, "/admin/v1/phones", number="+15555550100", type="mobile")
        token = make(client, "/admin/v1/tokens", type="h6", serial="0001")
        client.add_user_phone(user.user_id, phone)
        client.add_user_token(user.user_id, token)
        phones = client.list_user_phones(user.user_id)
        assert [(p.phone_id, p.number, p.type) for p in phones] == [(phone, "+15555550100", "Mobile")]
        assert isinstance(phones[0], Phone)
        tokens = client.list_user_tokens(user.user_id)
        assert isinstance(tokens[0], Token) and (tokens[0].token_id, tokens[0].serial) == (token, "0001")
        assert client.preview.remove_user_phone(user.user_id, phone).path.endswith(f"/phones/{phone}")
        assert client.preview.add_user_token(user.user_id, token).params["token_id"] == token
        client.remove_user_phone(user.user_id, phone)
        client.remove_user_token(user.user_id, token)
        assert client.list_user_phones(user.user_id) == [] and client.list_user_tokens(user.user_id) == []
        with pytest.raises(DuoApiError) as info:
            client.add_user_phone(user.user_id, "DPNOSUCHPHONE0000000")
        assert info.value.message_detail == "phone_id"
        with pytest.raises(NotFoundError):
            client.remove_user_token(user.user_id, "DHNOSUCHTOKEN0000000")

        fresh_emu.add_user(
            {
                "user_id": "DUKEYS00000000000000",
                "username": "keys",
                "status": "active",
                "u2ftokens": [{"registration_id": "D2X", "date_added": 1}],
                "webauthncredentials": [{"webauthnkey": "WA1", "label": "Security Key", "aaguid": "x"}],
            }
        )
        assert [t.registration_id for t in client.list_user_u2f_tokens("DUKEYS00000000000000")] == ["D2X"]
        creds = client.list_user_webauthn_credentials("DUKEYS00000000000000")
        assert (creds[0].webauthnkey, creds[0].extra) == ("WA1", {"aaguid": "x"})
        with pytest.raises(NotFoundError):
            client.list_user_webauthn_credentials(NO_USER)


def test_desktop_authenticators_lossless_and_paged(fresh_emu):
    # The emulator keeps a seeded user's `desktopauthenticators` aside (Duo's user has none).
    seeded = [
        {"daid": f"DDA{i}", "dakey": f"K{i}", "device_name": f"laptop-{i}", "os_family": "macOS",
         "duo_desktop_version": "7.1.0", "user": {"user_id": "DUDESK00000000000000"}, "future": i}
        for i in range(120)
    ]
    fresh_emu.add_user(
        {"user_id": "DUDESK00000000000000", "username": "desk", "status": "active", "desktopauthenticators": seeded}
    )
    assert "desktopauthenticators" not in fresh_emu.user("DUDESK00000000000000").extra
    with fresh_emu.client() as client:
        found = client.list_user_desktop_authenticators("DUDESK00000000000000")
        assert [d.to_dict() for d in found] == seeded, "every page (120 > 100), lossless"
        first = found[0]
        assert isinstance(first, DesktopAuthenticator)
        assert (first.daid, first.device_name, first.os_family, first.user, first.extra) == (
            "DDA0", "laptop-0", "macOS", {"user_id": "DUDESK00000000000000"}, {"future": 0})
        assert "DDA0" in repr(first)
        with pytest.raises(NotFoundError):
            client.list_user_desktop_authenticators(NO_USER)
        with pytest.raises(InvalidInputError):
            client.list_user_desktop_authenticators("")


def test_bypass_codes_are_secret(fresh_emu):
    with fresh_emu.client() as client:
        user = client.create_user("bypassed")
        codes = client.create_user_bypass_codes(user.user_id, count=3, valid_secs=600, reuse_count=2)
        assert len(codes) == 3 and all(c.isdigit() and len(c) == 9 for c in codes)
        listed = client.list_user_bypass_codes(user.user_id)
        assert len(listed) == 3 and isinstance(listed[0], BypassCode)
        assert listed[0].reuse_count == 2 and listed[0].expiration > listed[0].created
        assert listed[0].extra["user"]["user_id"] == user.user_id
        assert not any(code in repr(listed) + listed[0].to_json() for code in codes)

        preview = client.preview.create_user_bypass_codes(user.user_id, codes=["123456789"], preserve_existing=True)
        assert preview.params["codes"] == "***"
        assert "123456789" not in repr(preview) + json.dumps(preview.to_dict())
        made = client.create_user_bypass_codes(user.user_id, codes=["123456789"], preserve_existing=True)
        assert made == ["123456789"]
        assert len(client.list_user_bypass_codes(user.user_id)) == 4

        before = fresh_emu.request_count
        for kwargs, field in [
            ({"count": 11}, "count"),
            ({"count": 1, "codes": ["1"]}, "codes"),
            ({"codes": ["12a456"]}, "codes[0]"),
            ({"codes": "123"}, "codes"),
            ({"reuse_count": -1}, "reuse_count"),
        ]:
            with pytest.raises(InvalidInputError) as info:
                client.create_user_bypass_codes(user.user_id, **kwargs)
            assert info.value.field == field
            assert "12a456" not in str(info.value)
        assert fresh_emu.request_count == before
        with pytest.raises(NotFoundError):
            client.create_user_bypass_codes(NO_USER, count=1)


def test_async_client_covers_the_surface(fresh_emu):
    async def main():
        async with fresh_emu.async_client() as client:
            user = await client.create_user("asyncy")
            group = (await client.call("POST", "/admin/v1/groups", {"name": "g"}))["group_id"]
            phone = (await client.call("POST", "/admin/v1/phones", {"number": "+15555550101"}))["phone_id"]
            token = (await client.call("POST", "/admin/v1/tokens", {"type": "t6", "serial": "9"}))["token_id"]
            assert await client.add_user_group(user.user_id, group) is None
            await client.add_user_phone(user.user_id, phone)
            await client.add_user_token(user.user_id, token)
            it = client.list_user_groups(user.user_id)
            assert isinstance(it, AsyncGroupIterator)
            assert [g.group_id async for g in it] == [group]
            assert [g.group_id async for g in client.list_groups(page_size=1)] == [group]
            assert (await client.get_group(group)).name == "g"
            assert [p.phone_id for p in await client.list_user_phones(user.user_id)] == [phone]
            assert [t.token_id for t in await client.list_user_tokens(user.user_id)] == [token]
            assert await client.list_user_u2f_tokens(user.user_id) == []
            assert await client.list_user_webauthn_credentials(user.user_id) == []
            assert await client.list_user_desktop_authenticators(user.user_id) == []
            found = await client.get_users_by_usernames(["asyncy", "nobody"])
            assert [u.user_id if u else None for u in found] == [user.user_id, None]
            assert [u.username for u in await client.get_users_by_ids([user.user_id])] == ["asyncy"]
            await client.enroll_user("async.enrollee", "ae@example.com")
            codes = await client.create_user_bypass_codes(user.user_id, count=1)
            assert len(codes) == 1 and len(await client.list_user_bypass_codes(user.user_id)) == 1
            await client.remove_user_group(user.user_id, group)
            await client.remove_user_phone(user.user_id, phone)
            await client.remove_user_token(user.user_id, token)
            assert [g async for g in client.list_user_groups(user.user_id)] == []
            with pytest.raises(NotFoundError):
                await client.list_user_phones(NO_USER)

    asyncio.run(main())
