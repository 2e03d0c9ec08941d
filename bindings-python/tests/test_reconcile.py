"""Bulk calls and reconcile from Python: plan, review, apply against the emulator (with faults),
a re-run that converges, the plan's JSON round trip, and bad input refused before sending."""

import asyncio
import json

import pytest

import duo_directory
from duo_directory import InvalidInputError, Plan
from duo_directory.reconcile import plan as make_plan


def directory_user(i, last="Lee", state="active"):
    return duo_directory.DirectoryUser.from_json(
        json.dumps(
            {
                "id": f"directory_user_{i}",
                "idp_id": str(i),
                "directory_id": "directory_py",
                "email": f"py{i}@example.com",
                "first_name": f"Py{i}",
                "last_name": last,
                "state": state,
                "created_at": "",
                "updated_at": "",
            }
        )
    )


def ok_writes(emu):
    return [r for r in emu.requests() if r.method != "GET" and r.status == 200]


def test_plan_is_pure_and_round_trips_through_json():
    users = [directory_user(1), directory_user(2, state="inactive")]
    plan = make_plan(users, [], {"username_from": "email_local_part"})
    assert [(e.action, e.username) for e in plan.entries] == [("create", "py1"), ("unchanged", "py2")]
    changes = {c.field: (c.before, c.after) for c in plan.entries[0].changes}
    assert changes["realname"] == (None, "Py1 Lee")
    assert changes["notes"] == (None, "duo-directory:directory_py")
    assert plan.summary["create"] == 1 and plan.changes == 1
    again = Plan.from_json(plan.to_json())
    assert again == plan and again.mapping["username_from"] == "email_local_part"
    with pytest.raises(InvalidInputError) as e:
        make_plan(users, [], {"inactive": "explode"})
    assert e.value.field == "mapping"
    with pytest.raises(InvalidInputError):
        Plan.from_json('{"version": 99}')


def test_conflicts_carry_their_reason():
    twins = [directory_user(1), directory_user(2)]
    none = make_plan(twins, [], {"username_from": "attribute:missing"})
    assert {e.conflict_reason for e in none.entries} == {"no_username"}
    same = make_plan(twins, [], {"username_from": "idp_id", "directory_id": "directory_py"})
    assert [e.action for e in same.entries] == ["create", "create"]


def test_apply_with_faults_then_rerun_converges(fresh_emu, tmp_path):
    with fresh_emu.client(max_retries=2) as client:
        directory = [directory_user(i) for i in range(7)]
        plan = client.plan_reconcile(directory)
        assert plan.summary["create"] == 7
        journal = tmp_path / "apply.journal"
        # the first request (the re-read) passes; the first two bulk writes meet a 503 and a
        # dropped connection
        fresh_emu.inject_fault("delay", 1, delay=0.0)
        fresh_emu.inject_fault("server_error", 1, status=503)
        fresh_emu.inject_fault("drop_connection", 1)
        first = client.apply(plan, journal=str(journal), chunk_size=2)
        failed = [o for o in first.outcomes if o.status == "failed"]
        assert len(failed) == 4 and first.ok is False
        assert all(isinstance(o.error, duo_directory.DuoError) for o in failed)
        assert first.counts["done"] == 3
        fresh_emu.inject_fault("delay", 1, delay=0.0)
        fresh_emu.inject_fault("rate_limited", 1)
        second = client.apply(plan, journal=journal, chunk_size=2)
        assert second.ok, second.outcomes
        assert sum(1 for o in second.outcomes if o.reason == "done in an earlier run (journal)") == 3
        assert fresh_emu.user_count == 7
        created = [
            u["username"]
            for r in ok_writes(fresh_emu)
            if r.path.endswith("bulk_create")
            for u in json.loads(dict(r.params)["users"])
        ]
        assert sorted(created) == sorted(f"py{i}@example.com" for i in range(7)), "each created once"
        fresh_emu.clear_requests()
        directory[0] = directory_user(0, last="Changed")
        directory[1] = directory_user(1, state="inactive")
        plan2 = client.plan_reconcile(directory)
        assert plan2.summary["update"] == 1 and plan2.summary["trash"] == 1
        report = client.apply(plan2, concurrency=2)
        assert report.counts["done"] == 2 and report.counts["unchanged"] == 5 and report.ok
        assert client.plan_reconcile(directory).changes == 0


def test_bulk_calls_and_bad_input(fresh_emu):
    with fresh_emu.client() as client:
        made = client.bulk_create_users([{"username": "b1", "email": "b1@example.com"}, {"username": "b2"}])
        assert [u.username for u in made] == ["b1", "b2"]
        results = client.send_users_to_trash([made[0].user_id, "DUNOSUCHUSER00000000"])
        assert [(r.user_id, r.success) for r in results] == [(made[0].user_id, True), ("DUNOSUCHUSER00000000", False)]
        assert client.restore_users_from_trash([made[0].user_id])[0].success
        ops = [{"method": "POST", "path": f"/admin/v1/users/{made[1].user_id}", "body": {"notes": "via bulk"}}]
        for encoding in ("array", "json_string"):
            assert client.bulk(ops, encoding=encoding)[0]["stat"] == "OK"
        assert fresh_emu.user(made[1].user_id).notes == "via bulk"
        assert client.pending_deletion_days() == 7
        fresh_emu.clear_requests()
        with pytest.raises(InvalidInputError) as e:
            client.bulk_create_users([{"username": "x", "alias1": "y"}])
        assert e.value.field == "users[0].alias1"
        with pytest.raises(InvalidInputError) as e:
            client.send_users_to_trash(["DU1"], chunk_size=101)
        assert e.value.field == "chunk_size"
        with pytest.raises(InvalidInputError) as e:
            client.bulk(ops, encoding="xml")
        assert e.value.field == "encoding"
        # keyword options are read by core: an unknown keyword or a wrong type names the key
        with pytest.raises(InvalidInputError) as e:
            client.send_users_to_trash(["DU1"], chunk_size="10")
        assert e.value.field == "chunk_size"
        with pytest.raises(InvalidInputError) as e:
            client.bulk([{"method": "POST"}])
        assert e.value.field == "operations"
        plan = make_plan([directory_user(1)], [])
        for bad, key in (({"concurency": 2}, "concurency"), ({"concurrency": "2"}, "concurrency"), ({"chunkSize": 2}, "chunkSize")):
            with pytest.raises(InvalidInputError) as e:
                client.apply(plan, **bad)
            assert e.value.field == key
        assert fresh_emu.requests() == []


def test_async_apply(fresh_emu):
    async def main():
        async with fresh_emu.async_client() as client:
            plan = await client.plan_reconcile([directory_user(9)])
            report = await client.apply(plan)
            assert report.ok and report.outcomes[0].status == "done"
            assert (await client.plan_reconcile([directory_user(9)])).changes == 0

    asyncio.run(main())
