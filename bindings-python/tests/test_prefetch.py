"""Listing fetches one page ahead by default (bounded), and stops when the caller stops."""

import asyncio
import time

import pytest

from duo_directory import InvalidInputError
from duo_directory.testing import Emulator


def settle(emu, at_least, timeout=10.0):
    """Waits until the emulator has served `at_least` requests, then a little more (to see
    whether anything beyond is fetched), and returns the count."""
    deadline = time.monotonic() + timeout
    while emu.request_count < at_least and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.3)
    return emu.request_count


@pytest.mark.parametrize("prefetch", [1, 3])
def test_prefetch_holds_at_most_the_configured_pages(fresh_emu, prefetch):
    fresh_emu.generate_users(1000, 5)
    with fresh_emu.client(prefetch=prefetch) as client:
        it = client.list_users(page_size=100)
        assert settle(fresh_emu, 0) == 0, "nothing before the first user is asked for"
        next(it)
        assert settle(fresh_emu, 1 + prefetch) == 1 + prefetch
        for _ in range(199):  # the rest of page 1 and all of page 2
            next(it)
        assert settle(fresh_emu, 2 + prefetch) == 2 + prefetch
        assert len(list(it)) == 800
        assert it.pages_fetched == 10


def test_breaking_out_stops_fetching(fresh_emu):
    fresh_emu.generate_users(1000, 5)
    with fresh_emu.client(prefetch=2) as client:
        it = client.list_users(page_size=100)
        for _ in range(150):
            next(it)
        assert settle(fresh_emu, 4) == 4, "page 2 in hand, 3 and 4 fetched ahead"
        del it  # as a `break` out of a for loop drops the iterator
        assert settle(fresh_emu, 4) == 4, "no page after the iterator is gone"


def test_async_prefetch_overlaps_and_stops(fresh_emu):
    fresh_emu.generate_users(600, 5)

    async def main():
        async with fresh_emu.async_client() as client:  # prefetch=1, the default
            seen = 0
            async for _ in client.list_users(page_size=100):
                seen += 1
                if seen == 1:
                    await asyncio.sleep(0.3)
                    assert fresh_emu.request_count == 2, "page 2 fetched while page 1 is read"
                if seen == 150:
                    break
        await asyncio.sleep(0.3)
        assert fresh_emu.request_count == 3

    asyncio.run(main())


def test_an_error_ahead_is_raised_where_it_is_reached(fresh_emu):
    fresh_emu.generate_users(300, 5)
    with fresh_emu.client(prefetch=1, max_retries=0) as client:
        it = client.list_users(page_size=100)
        next(it)
        settle(fresh_emu, 2)
        fresh_emu.inject_fault("server_error", count=1, status=500)
        got = 1
        with pytest.raises(Exception) as raised:
            for _ in it:
                got += 1
        assert got == 200, "both pages fetched before the fault arrive first"
        assert raised.value.status == 500


def test_prefetch_is_validated(fresh_emu):
    with pytest.raises(InvalidInputError) as e:
        fresh_emu.client(prefetch=17)
    assert e.value.field == "prefetch"
    with pytest.raises(InvalidInputError):
        fresh_emu.client(prefetch=-1)
