"""A local Duo-compatible Admin API server for tests: ``Emulator``.

The Rust emulator runs inside this process (on the library's own runtime thread pool) on
``localhost`` and a free port. It verifies every request's signature as Duo does, serves the
users endpoints from memory, and can inject faults (429, 5xx, delays, dropped connections,
malformed bodies). ``Emulator`` is the native class itself; nothing here re-implements it.

>>> from duo_directory.testing import Emulator
>>> with Emulator(users=3) as emu:
...     with emu.client() as client:
...         len(list(client.list_users()))
3
"""

from ._native import Emulator, RecordedRequest

__all__ = ["Emulator", "RecordedRequest"]
