"""duo-directory: Duo Admin API users and WorkOS-style directory users.

Typed models, byte-exact request signing, a blocking ``Client`` and an asyncio ``AsyncClient``,
all backed by one Rust core. ``duo_directory.testing.Emulator`` runs a local Duo-compatible server.
"""

import atexit as _atexit

from ._native import (
    AsyncClient,
    AsyncUserIterator,
    AuthError,
    Client,
    DecodeError,
    Directory,
    DirectoryClient,
    DirectoryEvent,
    DirectoryGroup,
    DirectoryIterator,
    DirectoryToken,
    DirectoryUser,
    DuoApiError,
    DuoError,
    DuoTimeoutError,
    Group,
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
    WebhookVerificationError,
    __version__,
    compute_webhook_signature,
    parse_event,
    sign_request,
    verify_webhook,
)
from ._native import _shutdown

# Stop the library's runtime while the interpreter is still whole: after this no runtime thread
# touches Python (see docs/runtime-boundary.md). Registered first, so it runs after the user's
# own atexit handlers, which may still use a client.
_atexit.register(_shutdown)

__all__ = [
    "AsyncClient",
    "AsyncUserIterator",
    "AuthError",
    "Client",
    "DecodeError",
    "Directory",
    "DirectoryClient",
    "DirectoryEvent",
    "DirectoryGroup",
    "DirectoryIterator",
    "DirectoryToken",
    "DirectoryUser",
    "DuoApiError",
    "DuoError",
    "DuoTimeoutError",
    "Group",
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
    "WebhookVerificationError",
    "__version__",
    "compute_webhook_signature",
    "parse_event",
    "sign_request",
    "verify_webhook",
]
