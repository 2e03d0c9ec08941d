"""AsyncClient: the same operations as awaitables, lazy async iteration, concurrency, panics."""

import asyncio
import os

import pytest

import duo_directory
from duo_directory import (
    AsyncClient,
    AsyncUserIterator,
    DuoError,
    InvalidInputError,
    NotFoundError,
    PreparedRequest,
    RateLimitedError,
    User,
)
from duo_directory.testing import Emulator


def run(coro):
    return asyncio.run(coro)


def test_operations(emu):
    async def main():
        async with emu.async_client() as client:
            assert isinstance(client, AsyncClient)
            target = emu.users()[3]
            assert await client.get_user(target.user_id) == target
            assert await client.get_user_by_username(target.username) == target
            assert await client.get_user_by_username("nobody-here") is None
            if target.email:
                assert target in await client.get_users_by_email(target.email)
            created = await client.create_user("py.async", email="py.async@example.com", status="bypass")
            assert isinstance(created, User) and created.status == "bypass"
            updated = await client.update_user(created.user_id, notes="async note")
            assert updated.notes == "async note"
            listed = await client.call("GET", "/admin/v1/users", {"username": "py.async"})
            assert listed[0]["user_id"] == created.user_id
            preview = client.preview.delete_user(created.user_id)
            assert isinstance(preview, PreparedRequest)
            assert await client.delete_user(created.user_id) is None
            with pytest.raises(NotFoundError):
                await client.get_user(created.user_id)
        assert client.closed
        with pytest.raises(InvalidInputError):
            await client.get_user("DU1")

    run(main())


def test_async_iteration_is_lazy(fresh_emu):
    fresh_emu.generate_users(120, 3)

    async def main():
        client = fresh_emu.async_client(prefetch=0)
        before = fresh_emu.request_count
        it = client.list_users(page_size=50)
        assert isinstance(it, AsyncUserIterator)
        assert fresh_emu.request_count == before
        seen = []
        async for user in it:
            seen.append(user)
            if len(seen) == 50:
                assert fresh_emu.request_count == before + 1
            if len(seen) == 51:
                assert fresh_emu.request_count == before + 2
        assert len(seen) == 120
        assert fresh_emu.request_count == before + 3
        assert it.pages_fetched == 3
        with pytest.raises(StopAsyncIteration):
            await it.__anext__()
        await client.aclose()
        return seen

    seen = run(main())
    assert [u.user_id for u in seen] == [u.user_id for u in fresh_emu.users()]


def test_concurrent_requests(emu):
    async def main():
        async with emu.async_client() as client:
            names = [u.username for u in emu.users()[:30]]
            results = await asyncio.gather(*(client.get_user_by_username(n) for n in names))
            assert [u.username for u in results] == names

    run(main())


def test_errors_are_raised_by_the_awaitable(fresh_emu):
    async def main():
        fresh_emu.inject_fault("rate_limited", 3, retry_after=0)
        async with fresh_emu.async_client(max_retries=1, retry_mode="standard") as client:
            with pytest.raises(RateLimitedError) as info:
                await client.get_user_by_username("x")
            assert info.value.attempts == 2
            fresh_emu.clear_faults()
            fresh_emu.inject_fault("malformed_body", 1)
            it = client.list_users()
            with pytest.raises(duo_directory.DecodeError):
                await it.__anext__()
            with pytest.raises(StopAsyncIteration):  # ends after an error
                await it.__anext__()

    run(main())


def test_panic_in_a_future_becomes_duo_error():
    async def main():
        with pytest.raises(DuoError) as info:
            await duo_directory._native._force_panic_async()
        assert info.value.kind == "internal"

    run(main())


def test_event_loop_stays_responsive(fresh_emu):
    async def main():
        fresh_emu.inject_fault("delay", 1, delay=0.5)
        async with fresh_emu.async_client() as client:
            ticks = 0

            async def ticker():
                nonlocal ticks
                while True:
                    ticks += 1
                    await asyncio.sleep(0.01)

            task = asyncio.ensure_future(ticker())
            await client.get_user_by_username("x")
            task.cancel()
            return ticks

    assert run(main()) > 20


def test_cancellation_does_not_break_the_client(fresh_emu):
    async def main():
        fresh_emu.inject_fault("delay", 1, delay=1.0)
        async with fresh_emu.async_client() as client:
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(client.get_user_by_username("x"), 0.1)
            assert await client.get_user_by_username("x") is None

    run(main())


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_async_client_works_in_a_forked_child():
    with Emulator(users=5, tls=False) as emu:
        async def one():
            async with emu.async_client() as client:
                return len([u async for u in client.list_users()])

        assert run(one()) == 5  # the parent's runtime is up
        pid = os.fork()
        if pid == 0:  # child: a fresh runtime must drive the awaitables
            code = 1
            try:
                code = 0 if run(asyncio.wait_for(one(), 10)) == 5 else 2
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
