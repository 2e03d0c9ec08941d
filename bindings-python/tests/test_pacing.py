"""Adaptive pacing and fixed rates against the emulator's Duo limits (time-scaled)."""

import pytest

from duo_directory import InvalidInputError
from duo_directory.testing import Emulator

SCALE = 60.0  # a Duo minute per second


def throttled(emu):
    return sum(1 for r in emu.requests() if r.status == 429)


@pytest.mark.parametrize("window", ["fixed", "sliding"])
def test_adaptive_updates_all_succeed_with_few_429(window):
    with Emulator(users=3, tls=False, rate_limits="writes=60", rate_window=window, time_scale=SCALE) as emu:
        user = emu.users()[0]
        with emu.client() as client:  # adaptive is the default
            for i in range(180):
                client.update_user(user.user_id, notes=f"n{i}")
        assert 1 <= throttled(emu) <= 40
        assert emu.user(user.user_id).notes == "n179"


def test_a_fixed_rate_avoids_429(fresh_emu):
    with Emulator(users=3, tls=False, rate_limits="writes=60", rate_window="sliding", time_scale=SCALE) as emu:
        user = emu.users()[0]
        # 90 % of 60 a (scaled) minute, in real time: 3,240 a minute
        with emu.client(retry_mode="standard", writes_per_minute=3240) as client:
            for i in range(120):
                client.update_user(user.user_id, notes=f"n{i}")
        assert throttled(emu) == 0


def test_the_standard_mode_gives_up_after_max_retries(fresh_emu):
    fresh_emu.generate_users(1, 1)
    with fresh_emu.client(retry_mode="standard", max_retries=1, retry_base=0.01, retry_jitter=0) as client:
        fresh_emu.inject_fault("rate_limited", count=5)
        with pytest.raises(Exception) as e:
            client.get_user(fresh_emu.users()[0].user_id)
        assert e.value.kind == "rate_limited"
        fresh_emu.clear_faults()


def test_limits_and_modes_are_validated():
    with pytest.raises(InvalidInputError) as e:
        Emulator(rate_limits="pages=0")
    assert e.value.field == "rate_limits"
    with pytest.raises(InvalidInputError) as e:
        Emulator(rate_limits=True, time_scale=0)
    assert e.value.field == "time_scale"
    with pytest.raises(InvalidInputError) as e:
        Emulator(rate_window="hourly")
    assert e.value.field == "rate_window"
    with Emulator(tls=False) as emu:
        with pytest.raises(InvalidInputError) as e:
            emu.client(retry_mode="fast")
        assert e.value.field == "retry_mode"
        with pytest.raises(InvalidInputError) as e:
            emu.client(writes_per_minute=0)
        assert e.value.field == "writes_per_minute"
