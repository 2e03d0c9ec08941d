//! The one mapping from core's [`Error`] to `DuoError` (Kotlin `DuoException`, Swift `DuoError`).
//!
//! Fields mirror the Python exception attributes; Duo's own `message` is `duo_message` (Kotlin's
//! `Throwable.message` is taken), and `text` is the full human-readable description. `kind` is
//! core's stable [`Error::code`].

use duo_directory::{ApiError, Error};

/// Every failure of this library, one variant per kind of core error. Every variant has `kind`
/// (core's stable code: `api_error`, `not_found`, `unauthorized`, `rate_limited`,
/// `invalid_input`, `transport`, `timeout`, `decode`, `webhook_verification`, `internal`) and `text` (the description).
/// Duo answers add `status` (HTTP), `code` (Duo's five-digit code), `duo_message`,
/// `message_detail`, `attempts` (requests sent) and `diagnosis` (likely cause of a refused
/// signature); `field`/`reason` name a rejected argument or JSON member; `sent` says whether a
/// failed request may have reached Duo; `line`/`column` (1-based, 0 when unknown) and `excerpt`
/// locate a decode error.
#[allow(missing_docs)]
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum DuoError {
    /// Duo refused the request.
    #[error("{text}")]
    Api {
        kind: String,
        text: String,
        status: i64,
        code: Option<i64>,
        duo_message: String,
        message_detail: Option<String>,
        attempts: i64,
        diagnosis: Option<String>,
    },
    /// The user, directory or other resource does not exist (HTTP 404).
    #[error("{text}")]
    NotFound {
        kind: String,
        text: String,
        status: i64,
        code: Option<i64>,
        duo_message: String,
        message_detail: Option<String>,
        attempts: i64,
        diagnosis: Option<String>,
    },
    /// Credentials were missing, wrong, or lack the API permission (HTTP 401/403).
    #[error("{text}")]
    Auth {
        kind: String,
        text: String,
        status: i64,
        code: Option<i64>,
        duo_message: String,
        message_detail: Option<String>,
        attempts: i64,
        diagnosis: Option<String>,
    },
    /// Duo kept answering 429 after every retry allowed; `retry_after` in seconds.
    #[error("{text}")]
    RateLimited {
        kind: String,
        text: String,
        status: i64,
        code: Option<i64>,
        duo_message: String,
        message_detail: Option<String>,
        attempts: i64,
        diagnosis: Option<String>,
        retry_after: Option<f64>,
    },
    /// An argument was rejected before anything was sent; `field` names it.
    #[error("{text}")]
    InvalidInput { kind: String, text: String, field: String, reason: String },
    /// The connection failed; `sent` is false when the request certainly did not reach Duo.
    #[error("{text}")]
    Transport { kind: String, text: String, sent: bool, attempts: i64 },
    /// No answer within the timeout or deadline; the request may have reached Duo.
    #[error("{text}")]
    Timeout { kind: String, text: String, attempts: i64 },
    /// A document could not be read (malformed JSON, a wrong type, a missing field).
    #[error("{text}")]
    Decode {
        kind: String,
        text: String,
        field: String,
        reason: String,
        line: i64,
        column: i64,
        excerpt: Option<String>,
    },
    /// A webhook failed verification (`reason`: `missing_header`, `malformed_header`,
    /// `timestamp_outside_tolerance`, `signature_mismatch`); never holds the secret.
    #[error("{text}")]
    WebhookVerification { kind: String, text: String, reason: String, detail: String },
    /// A bug in this library (a caught panic, for example), or the process is exiting.
    #[error("{text}")]
    Internal { kind: String, text: String },
}

impl From<Error> for DuoError {
    fn from(e: Error) -> Self {
        let (kind, text) = (e.code().to_string(), e.to_string());
        let api = |a: ApiError| {
            (i64::from(a.status), a.code, a.message, a.message_detail, i64::from(a.attempts), a.diagnosis)
        };
        // Exhaustive on purpose: a new core variant must be given a Kotlin/Swift shape here.
        match e {
            Error::Api(a) => {
                let (status, code, duo_message, message_detail, attempts, diagnosis) = api(a);
                DuoError::Api { kind, text, status, code, duo_message, message_detail, attempts, diagnosis }
            }
            Error::NotFound(a) => {
                let (status, code, duo_message, message_detail, attempts, diagnosis) = api(a);
                DuoError::NotFound { kind, text, status, code, duo_message, message_detail, attempts, diagnosis }
            }
            Error::Unauthorized(a) => {
                let (status, code, duo_message, message_detail, attempts, diagnosis) = api(a);
                DuoError::Auth { kind, text, status, code, duo_message, message_detail, attempts, diagnosis }
            }
            Error::RateLimited { error, retry_after } => {
                let (status, code, duo_message, message_detail, attempts, diagnosis) = api(error);
                let retry_after = retry_after.map(|d| d.as_secs_f64());
                DuoError::RateLimited {
                    kind,
                    text,
                    status,
                    code,
                    duo_message,
                    message_detail,
                    attempts,
                    diagnosis,
                    retry_after,
                }
            }
            Error::InvalidInput { field, reason } => DuoError::InvalidInput { kind, text, field, reason },
            Error::Transport { sent, attempts, .. } => {
                DuoError::Transport { kind, text, sent, attempts: i64::from(attempts) }
            }
            Error::Timeout { attempts, .. } => DuoError::Timeout { kind, text, attempts: i64::from(attempts) },
            Error::Decode { field, reason, line, column, excerpt } => {
                DuoError::Decode { kind, text, field, reason, line: line as i64, column: column as i64, excerpt }
            }
            Error::WebhookVerification { reason, detail } => {
                DuoError::WebhookVerification { kind, text, reason: reason.as_str().to_string(), detail }
            }
            Error::Internal { .. } => DuoError::Internal { kind, text },
        }
    }
}

impl From<duo_directory_emulator::EmulatorError> for DuoError {
    fn from(e: duo_directory_emulator::EmulatorError) -> Self {
        DuoError::from(Error::from(e))
    }
}

/// Result of every exported call.
pub type Result<T, E = DuoError> = std::result::Result<T, E>;

/// Runs `f`, turning a Rust panic into `DuoError::Internal` (uniffi would otherwise raise its own
/// `InternalException`, which is not a `DuoException`).
pub fn guard<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .unwrap_or_else(|payload| Err(Error::from_panic(payload.as_ref()).into()))
}
