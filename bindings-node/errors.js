'use strict'
// The error classes, in one place. The addon builds them (mapping core's one error type with one
// exhaustive match, bindings-node/src/error.rs) through `makeError`, registered by index.js.
// No error text ever contains the secret key.

/**
 * Base of every duo-directory error. `code` is core's stable, language-neutral kind:
 * 'api_error', 'not_found', 'unauthorized', 'rate_limited', 'invalid_input', 'transport',
 * 'timeout', 'decode', 'webhook_verification' or 'internal'. `status`, `duoCode` and `messageDetail` come from Duo's
 * answer (null otherwise); `field` names the rejected argument or JSON field (null otherwise).
 */
class DuoError extends Error {
  constructor (message, properties = {}) {
    super(message)
    this.code = 'internal'
    this.status = null
    this.duoCode = null
    this.messageDetail = null
    this.field = null
    Object.assign(this, properties)
  }

  get name () { return this.constructor.name }
}

/** Duo refused the request: `status`, `duoCode`, `duoMessage`, `messageDetail`, `attempts`, `diagnosis`. */
class DuoApiError extends DuoError {}
/** The user, directory or resource does not exist (HTTP 404). */
class NotFoundError extends DuoApiError {}
/** Credentials missing, wrong or without the permission (HTTP 401/403): check ikey, skey, host, clock. */
class AuthError extends DuoApiError {}
/** Duo kept answering 429 after every allowed retry; `retryAfter` is its Retry-After in seconds (or null). */
class RateLimitedError extends DuoApiError {}
/** An argument was rejected before anything was sent: `field` names it, `reason` says why. */
class InvalidInputError extends DuoError {}
/** The connection failed; `sent` is false when the request certainly did not reach Duo. */
class TransportError extends DuoError {}
/** No answer within the timeout or deadline (the request may have reached Duo). */
class DuoTimeoutError extends DuoError {}
/** A document could not be read: `field` path, `reason`, 1-based `line`/`column` (0 unknown), `excerpt`. */
class DecodeError extends DuoError {}
/**
 * A webhook failed verification; do not process it. `reason` names the check: 'missing_header',
 * 'malformed_header', 'timestamp_outside_tolerance' or 'signature_mismatch'; `detail` what was
 * measured. Neither ever holds the secret or the expected signature.
 */
class WebhookVerificationError extends DuoError {}

const classes = {
  DuoError, DuoApiError, NotFoundError, AuthError, RateLimitedError, InvalidInputError, TransportError, DuoTimeoutError, DecodeError, WebhookVerificationError
}

/** Used by the addon only: builds the error of `className`. */
function makeError (className, message, properties) {
  const Class = classes[className] ?? DuoError
  const error = new Class(message, properties)
  Error.captureStackTrace?.(error, makeError)
  return error
}

module.exports = { ...classes, makeError }
