import json
import pathlib

import pytest

from duo_directory.testing import Emulator

REPO = pathlib.Path(__file__).resolve().parents[2]
VECTORS = REPO / "tests" / "vectors"


def load_vector(name: str):
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def emu():
    """One TLS emulator per test module, with 250 generated users."""
    with Emulator(users=250, seed=7) as e:
        yield e


@pytest.fixture
def client(emu):
    with emu.client(max_retries=2) as c:
        yield c


@pytest.fixture
def fresh_emu():
    """A small emulator of its own (for tests that count requests or inject faults)."""
    with Emulator(users=0, tls=False) as e:
        yield e
