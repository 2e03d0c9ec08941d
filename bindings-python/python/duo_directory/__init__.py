"""duo-directory: Duo Admin API users and WorkOS-style directory users.

Typed models, byte-exact request signing, a blocking ``Client`` and an asyncio ``AsyncClient``,
all backed by one Rust core. ``duo_directory.testing.Emulator`` runs a local Duo-compatible server.
"""

import atexit as _atexit

from ._native import (
    AsyncClient,
    AsyncGroupIterator,
    AsyncUserIterator,
    AuthError,
    BypassCode,
    Client,
    DecodeError,
    DirectoryGroup,
    DirectoryUser,
    DuoApiError,
    DuoError,
    DuoTimeoutError,
    Group,
    GroupIterator,
    InlineRole,
    InvalidInputError,
    NotFoundError,
    Phone,
    PreparedRequest,
    Preview,
    RateLimitedError,
    SignedRequest,
    Token,
    TransportError,
    U2fToken,
    User,
    UserIterator,
    UserStatus,
    WebauthnCredential,
    __version__,
    sign_request,
)
from ._native import _shutdown

# Stop the library's runtime while the interpreter is still whole: after this no runtime thread
# touches Python (see docs/runtime-boundary.md). Registered first, so it runs after the user's
# own atexit handlers, which may still use a client.
_atexit.register(_shutdown)

__all__ = [
    "AsyncClient",
    "AsyncGroupIterator",
    "AsyncUserIterator",
    "AuthError",
    "BypassCode",
    "Client",
    "DecodeError",
    "DirectoryGroup",
    "DirectoryUser",
    "DuoApiError",
    "DuoError",
    "DuoTimeoutError",
    "Group",
    "GroupIterator",
    "InlineRole",
    "InvalidInputError",
    "NotFoundError",
    "Phone",
    "PreparedRequest",
    "Preview",
    "RateLimitedError",
    "SignedRequest",
    "Token",
    "TransportError",
    "U2fToken",
    "User",
    "UserIterator",
    "UserStatus",
    "WebauthnCredential",
    "__version__",
    "sign_request",
]
