"""A local Duo-compatible Admin API server for tests: ``Emulator``.

The Rust emulator runs inside this process (on the library's own runtime thread pool) on
127.0.0.1 and a free port. It verifies every request's signature as Duo does, serves the users
endpoints from memory, and can inject faults (429, 5xx, delays, dropped connections, malformed
bodies).

>>> from duo_directory.testing import Emulator
>>> with Emulator(users=3) as emu:
...     with emu.client() as client:
...         len(list(client.list_users()))
3
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Optional, Union

from . import AsyncClient, Client, DirectoryUser, User
from ._native import RecordedRequest, _Emulator

__all__ = ["Emulator", "RecordedRequest"]

FaultKind = str
UserLike = Union[User, Mapping[str, Any]]
DirectoryUserLike = Union[DirectoryUser, Mapping[str, Any]]


class Emulator:
    """A running emulator; a context manager that shuts it down on exit.

    ``users``: realistic users generated at start (deterministic for ``seed``).
    ``tls``: serve HTTPS with a freshly generated CA (``ca_cert_path``/``ca_cert_pem``), else HTTP.
    ``directories``: ``{directory_key: [DirectoryUser | dict, ...]}`` or ``{directory_key: count}``
    (generated directory users) for ``sync_user_from_directory``.
    """

    def __init__(
        self,
        users: int = 0,
        seed: int = 42,
        tls: bool = True,
        directories: Optional[Mapping[str, Union[int, Iterable[DirectoryUserLike]]]] = None,
        *,
        ikey: Optional[str] = None,
        skey: Optional[str] = None,
        max_clock_skew: float = 300.0,
        max_body_bytes: int = 65536,
    ) -> None:
        self._native = _Emulator(
            users=users,
            seed=seed,
            tls=tls,
            ikey=ikey,
            skey=skey,
            max_clock_skew=max_clock_skew,
            max_body_bytes=max_body_bytes,
        )
        for key, members in (directories or {}).items():
            if isinstance(members, int):
                self.add_directory(key, _Emulator.generated_directory_users(key, members, seed))
            else:
                self.add_directory(key, members)

    # -- connection details -------------------------------------------------------------------
    @property
    def host(self) -> str:
        """``127.0.0.1:PORT``."""
        return self._native.host

    @property
    def ikey(self) -> str:
        """The integration key clients must use."""
        return self._native.ikey

    @property
    def skey(self) -> str:
        """The secret key clients must sign with."""
        return self._native.skey

    @property
    def scheme(self) -> str:
        """``https`` or ``http``."""
        return self._native.scheme

    @property
    def ca_cert_path(self) -> Optional[str]:
        """Path of the generated CA certificate (TLS only); deleted at shutdown."""
        return self._native.ca_cert_path

    @property
    def ca_cert_pem(self) -> Optional[str]:
        """PEM text of the generated CA certificate (TLS only)."""
        return self._native.ca_cert_pem

    def client(self, **kwargs: Any) -> Client:
        """A ``Client`` for this emulator (extra keyword arguments go to ``Client``)."""
        return Client(self.ikey, self.skey, self.host, **self._client_kwargs(kwargs))

    def async_client(self, **kwargs: Any) -> AsyncClient:
        """An ``AsyncClient`` for this emulator."""
        return AsyncClient(self.ikey, self.skey, self.host, **self._client_kwargs(kwargs))

    def _client_kwargs(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        options: dict[str, Any] = {"scheme": self.scheme}
        if self.ca_cert_pem is not None:
            options["ca_certs"] = self.ca_cert_pem
            options["ca_pinning"] = True
        options.update(kwargs)
        return options

    # -- data ---------------------------------------------------------------------------------
    def add_user(self, user: UserLike) -> None:
        """Inserts (or replaces, by ``user_id``) a user given as a ``User`` or a dict."""
        self._native.add_user(user)

    def users(self) -> list[User]:
        """Every user, in listing order."""
        return self._native.users()

    def user(self, user_id: str) -> Optional[User]:
        """One user by id, or None."""
        return self._native.user(user_id)

    @property
    def user_count(self) -> int:
        """Number of users."""
        return self._native.user_count

    def generate_users(self, n: int, seed: int = 42) -> None:
        """Appends ``n`` realistic generated users."""
        self._native.generate_users(n, seed)

    def add_directory(self, directory_key: str, users: Iterable[DirectoryUserLike]) -> None:
        """Sets the users of a directory (``DirectoryUser`` objects or dicts)."""
        self._native.add_directory(directory_key, list(users))

    def remove_directory_user(self, directory_key: str, username: str) -> bool:
        """Removes ``username`` from a directory; True when one was removed."""
        return self._native.remove_directory_user(directory_key, username)

    # -- faults and observation ---------------------------------------------------------------
    def inject_fault(
        self,
        kind: FaultKind,
        count: int = 1,
        *,
        status: Optional[int] = None,
        retry_after: Optional[int] = None,
        delay: Optional[float] = None,
    ) -> None:
        """Queues a fault for the next ``count`` requests.

        ``kind``: ``rate_limited`` (``retry_after`` seconds), ``server_error`` (``status``,
        default 500), ``delay`` (``delay`` seconds, default 1), ``drop_connection``,
        ``malformed_body``.
        """
        self._native.inject_fault(kind, count, status=status, retry_after=retry_after, delay=delay)

    def clear_faults(self) -> None:
        """Drops every queued fault."""
        self._native.clear_faults()

    def set_rate_limit(self, rps: Optional[float]) -> None:
        """A steady rate limit in requests per second; None removes it."""
        self._native.set_rate_limit(rps)

    @property
    def request_count(self) -> int:
        """Requests received so far (including refused ones)."""
        return self._native.request_count

    def requests(self) -> list[RecordedRequest]:
        """The recorded requests, oldest first."""
        return self._native.requests()

    def clear_requests(self) -> None:
        """Forgets the recorded requests (the count is kept)."""
        self._native.clear_requests()

    # -- lifecycle ----------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Stops the server; idempotent."""
        self._native.shutdown()

    def __enter__(self) -> "Emulator":
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

    def __repr__(self) -> str:
        return repr(self._native)

    @staticmethod
    def generated_users(count: int, seed: int = 42) -> list[User]:
        """``count`` realistic Duo users (the generator the emulator uses)."""
        return _Emulator.generated_users(count, seed)

    @staticmethod
    def generated_directory_users(directory_id: str, count: int, seed: int = 42) -> list[DirectoryUser]:
        """``count`` realistic directory users of ``directory_id``."""
        return _Emulator.generated_directory_users(directory_id, count, seed)


