"""The exception classes, in one place. The native module raises them (mapping core's one error
type with one exhaustive match) and sets their attributes; attributes live in the instance
``__dict__``, so the standard ``BaseException.__reduce__`` pickles them."""

__all__ = [
    "DuoError",
    "DuoApiError",
    "NotFoundError",
    "AuthError",
    "RateLimitedError",
    "InvalidInputError",
    "TransportError",
    "DuoTimeoutError",
    "DecodeError",
    "WebhookVerificationError",
]


class DuoError(Exception):
    """Base of every duo_directory error. ``kind`` is a stable, language-neutral name of the error
    kind ('api_error', 'not_found', 'unauthorized', 'rate_limited', 'invalid_input', 'transport',
    'timeout', 'decode', 'webhook_verification', 'internal'). The secret key never appears in any error text."""


class DuoApiError(DuoError):
    """Duo refused the request. ``status`` is the HTTP status, ``code`` Duo's numeric error code
    (or None), ``message`` and ``message_detail`` Duo's texts, ``attempts`` how many requests were
    sent. Fix the request before retrying."""


class NotFoundError(DuoApiError):
    """The user, directory or resource does not exist (HTTP 404)."""


class AuthError(DuoApiError):
    """Credentials were missing, wrong or lack the permission (HTTP 401/403): check ikey, skey,
    host and clock."""


class RateLimitedError(DuoApiError):
    """Duo kept answering 429 after every allowed retry. ``attempts`` is how many requests were
    sent, ``retry_after`` the server's Retry-After in seconds (or None)."""


class InvalidInputError(DuoError, ValueError):
    """An argument was rejected before anything was sent: ``field`` names it, ``reason`` says why."""


class TransportError(DuoError):
    """The connection failed (DNS, TCP, TLS, reset). ``sent`` is False when the request certainly
    did not reach Duo (safe to send again) and True when its outcome is unknown; ``attempts`` is
    how many tries were made."""


class DuoTimeoutError(DuoError, TimeoutError):
    """No answer within the configured timeout or deadline (the request may have reached Duo)."""


class DecodeError(DuoError, ValueError):
    """A document could not be read. ``field`` is the offending field path ('' for the whole
    document), ``line``/``column`` are 1-based (0 when unknown), ``excerpt`` is the start of the
    body (or None)."""


class WebhookVerificationError(DuoError, ValueError):
    """A webhook failed verification; do not process it. ``reason`` names the check that failed
    ('missing_header', 'malformed_header', 'timestamp_outside_tolerance', 'signature_mismatch'),
    ``detail`` what was measured. Neither ever holds the secret or the expected signature."""


for _class in (DuoError, DuoApiError, NotFoundError, AuthError, RateLimitedError, InvalidInputError,
               TransportError, DuoTimeoutError, DecodeError, WebhookVerificationError):
    _class.__module__ = "duo_directory"
del _class
