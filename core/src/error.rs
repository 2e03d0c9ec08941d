//! The one error type of the crate, shared by every binding.

use std::time::Duration;

/// A Duo `{"stat": "FAIL"}` answer, with the HTTP status it came with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status code of the response (e.g. 400, 404, 429).
    pub status: u16,
    /// Duo's five-digit error code (e.g. 40401), when the body carried one.
    pub code: Option<i64>,
    /// Duo's `message`.
    pub message: String,
    /// Duo's `message_detail` (often the name of the offending parameter).
    pub message_detail: Option<String>,
    /// How many requests were sent in total (more than 1 when the answer came after retries).
    pub attempts: u32,
    /// For a refused signature (401, codes 40101-40105): the likely cause, measured by the client
    /// (clock skew against the answer's `Date`, the host and signature version used). No secret.
    pub diagnosis: Option<String>,
    /// Which API answered: the Duo Admin API or the WorkOS directory API.
    pub service: Service,
}

/// The API behind an [`ApiError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Service {
    /// The Duo Admin API.
    #[default]
    Duo,
    /// The WorkOS directory API.
    Directory,
}

impl Service {
    /// `Duo` or `directory`, as error texts name it.
    pub fn as_str(self) -> &'static str {
        match self {
            Service::Duo => "Duo",
            Service::Directory => "directory",
        }
    }
}

impl std::fmt::Display for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl ApiError {
    /// A Duo answer to the first attempt.
    pub fn new(status: u16, code: Option<i64>, message: impl Into<String>, message_detail: Option<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            message_detail,
            attempts: 1,
            diagnosis: None,
            service: Service::Duo,
        }
    }

    /// A directory API (WorkOS) answer to the first attempt: no numeric code; `message_detail`
    /// carries the API's `code` or the fields its `errors` name.
    pub fn directory(status: u16, message: impl Into<String>, message_detail: Option<String>) -> Self {
        ApiError { service: Service::Directory, ..ApiError::new(status, None, message, message_detail) }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        if let Some(code) = self.code {
            write!(f, ", Duo code {code}")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(detail) = &self.message_detail {
            write!(f, " ({detail})")?;
        }
        write!(f, "{}", attempts_suffix(self.attempts))?;
        if let Some(diagnosis) = &self.diagnosis {
            write!(f, "; likely cause: {diagnosis}")?;
        }
        Ok(())
    }
}

/// Every failure this crate reports. Each variant says what the caller should do about it.
///
/// [`Error::code`] gives a stable string per kind (`"not_found"`, `"rate_limited"`, ...) that every
/// language binding exposes unchanged. No variant ever contains the secret key.
///
/// Deliberately not `#[non_exhaustive]`: every binding maps it with one exhaustive `match`, so a
/// new variant fails to compile everywhere until each language decides how to present it.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// Duo refused the request. Read `code`/`message_detail`; fix the request before retrying.
    #[error("{service} API error: {0}", service = .0.service)]
    Api(ApiError),
    /// The user, directory or other resource does not exist (HTTP 404). Do not retry.
    #[error("not found: {0}")]
    NotFound(ApiError),
    /// Credentials were missing, wrong, or lack the API permission (HTTP 401/403).
    /// Check the integration key, secret key, host, clock and the API application's permissions.
    #[error("unauthorized: {0}")]
    Unauthorized(ApiError),
    /// Duo kept answering 429 after every retry allowed. Slow down or raise `max_retries`.
    #[error("rate limited: {error}")]
    RateLimited {
        /// The last 429 answer; `error.attempts` is how many requests were sent in total.
        error: ApiError,
        /// The server's `Retry-After`, when it sent one.
        retry_after: Option<Duration>,
    },
    /// An argument was rejected before anything was sent. Fix `field`.
    #[error("invalid {field}: {reason}")]
    InvalidInput {
        /// The parameter or JSON field that was wrong (e.g. `status`, `groups[0].name`).
        field: String,
        /// Why it was rejected.
        reason: String,
    },
    /// The connection failed (DNS, TCP, TLS, reset). When `sent` is false the request certainly
    /// never reached Duo and is safe to send again; when true its outcome is unknown, so check
    /// before repeating a write.
    #[error("transport error: {message}{}{}", sent_suffix(*sent), attempts_suffix(*attempts))]
    Transport {
        /// What failed, without secrets.
        message: String,
        /// True when the request may have reached the server (outcome unknown).
        sent: bool,
        /// How many times the request was tried.
        attempts: u32,
    },
    /// No answer within the configured timeout or deadline. The request may have reached Duo.
    #[error("timed out: {message}{}", attempts_suffix(*attempts))]
    Timeout {
        /// What timed out.
        message: String,
        /// How many times the request was tried.
        attempts: u32,
    },
    /// A document could not be read: malformed JSON, a wrong type or a missing field.
    #[error("decode error{}: {reason}{}", location(*line, *column), excerpt_suffix(excerpt))]
    Decode {
        /// Path of the offending field (`user_id`, `groups[0].status`), or empty for the whole document.
        field: String,
        /// What was wrong.
        reason: String,
        /// 1-based line of the error in the document, 0 when unknown.
        line: usize,
        /// 1-based column of the error in the document, 0 when unknown.
        column: usize,
        /// At most 200 bytes of the offending body, for diagnosis.
        excerpt: Option<String>,
    },
    /// A webhook did not pass verification (`reason` says which check failed). Do not process
    /// it; answer the sender with a 4xx. Never holds the secret or the expected signature.
    #[error("webhook verification failed: {reason}: {detail}")]
    WebhookVerification {
        /// Which check failed.
        reason: crate::webhook::WebhookFailure,
        /// What was measured (e.g. how far the timestamp is from now); no secret.
        detail: String,
    },
    /// A bug in this library (for example a caught panic). Please report it.
    #[error("internal error: {message}")]
    Internal {
        /// What went wrong.
        message: String,
    },
}

fn attempts_suffix(attempts: u32) -> String {
    if attempts > 1 { format!(" (after {attempts} attempts)") } else { String::new() }
}

fn sent_suffix(sent: bool) -> &'static str {
    if sent { "; the request may have reached Duo" } else { "; the request did not reach Duo" }
}

fn location(line: usize, column: usize) -> String {
    if line == 0 { String::new() } else { format!(" at line {line} column {column}") }
}

fn excerpt_suffix(excerpt: &Option<String>) -> String {
    match excerpt {
        Some(e) => format!(" (body starts: {e:?})"),
        None => String::new(),
    }
}

/// Longest body excerpt kept in a [`Error::Decode`].
pub const EXCERPT_LIMIT: usize = 200;

impl Error {
    /// A stable, language-neutral name for the kind of error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Api(_) => "api_error",
            Error::NotFound(_) => "not_found",
            Error::Unauthorized(_) => "unauthorized",
            Error::RateLimited { .. } => "rate_limited",
            Error::InvalidInput { .. } => "invalid_input",
            Error::Transport { .. } => "transport",
            Error::Timeout { .. } => "timeout",
            Error::Decode { .. } => "decode",
            Error::WebhookVerification { .. } => "webhook_verification",
            Error::Internal { .. } => "internal",
        }
    }

    /// The Duo answer behind an API, not-found, unauthorized or rate-limited error.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) | Error::NotFound(e) | Error::Unauthorized(e) => Some(e),
            Error::RateLimited { error, .. } => Some(error),
            _ => None,
        }
    }

    /// How many times the request was tried, for errors that come from sending one.
    pub fn attempts(&self) -> Option<u32> {
        match self {
            Error::Transport { attempts, .. } | Error::Timeout { attempts, .. } => Some(*attempts),
            other => other.api_error().map(|e| e.attempts),
        }
    }

    /// Records how many attempts led to this error.
    pub(crate) fn with_attempts(mut self, n: u32) -> Self {
        match &mut self {
            Error::Transport { attempts, .. } | Error::Timeout { attempts, .. } => *attempts = n,
            Error::Api(e) | Error::NotFound(e) | Error::Unauthorized(e) | Error::RateLimited { error: e, .. } => {
                e.attempts = n
            }
            Error::InvalidInput { .. }
            | Error::Decode { .. }
            | Error::WebhookVerification { .. }
            | Error::Internal { .. } => {}
        }
        self
    }

    /// A caught panic as [`Error::Internal`], with the panic's text (every binding catches panics
    /// at its boundary and reports them this way).
    ///
    /// ```
    /// let payload = std::panic::catch_unwind(|| panic!("boom")).unwrap_err();
    /// let e = duo_directory::Error::from_panic(payload.as_ref());
    /// assert_eq!(e.to_string(), "internal error: a bug in duo-directory (Rust panic: boom); please report it");
    /// ```
    pub fn from_panic(payload: &(dyn std::any::Any + Send)) -> Self {
        let text = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        Error::Internal { message: format!("a bug in duo-directory (Rust panic: {text}); please report it") }
    }

    /// Shorthand for [`Error::InvalidInput`].
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::InvalidInput { field: field.into(), reason: reason.into() }
    }

    /// Classifies a Duo failure answer by its HTTP status.
    pub fn from_api(error: ApiError) -> Self {
        match error.status {
            404 => Error::NotFound(error),
            401 | 403 => Error::Unauthorized(error),
            _ => Error::Api(error),
        }
    }

    /// A decode error with an excerpt of the body that could not be read.
    pub fn decode_body(reason: impl Into<String>, body: &[u8]) -> Self {
        Error::Decode { field: String::new(), reason: reason.into(), line: 0, column: 0, excerpt: Some(excerpt(body)) }
    }
}

/// The first [`EXCERPT_LIMIT`] bytes of `body` as text, cut on a character boundary.
pub fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body.get(..body.len().min(EXCERPT_LIMIT)).unwrap_or(body));
    text.trim_end_matches('\u{FFFD}').to_string()
}

/// Result alias used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
