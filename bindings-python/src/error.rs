//! The one mapping from core's [`Error`] to the Python exception classes, which are defined in
//! `duo_directory/_errors.py` (in one place, with their docs):
//!
//! ```text
//! DuoError(Exception)                      .kind (core's stable code string)
//! ├── DuoApiError                          .status .code (Duo's numeric code) .message .message_detail .attempts .diagnosis
//! │   ├── NotFoundError
//! │   ├── AuthError
//! │   └── RateLimitedError                 + .retry_after (seconds or None)
//! ├── InvalidInputError(DuoError, ValueError)   .field .reason
//! ├── TransportError                       .sent (may have reached Duo) .attempts
//! ├── DuoTimeoutError(DuoError, TimeoutError)   .attempts
//! ├── DecodeError(DuoError, ValueError)    .field .reason .line .column .excerpt
//! └── WebhookVerificationError(DuoError, ValueError)  .reason (which check failed) .detail
//! ```

use duo_directory::{ApiError, Error};
use pyo3::prelude::*;

/// Re-exports the exception classes from the native module too.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let errors = m.py().import("duo_directory._errors")?;
    for name in errors.getattr("__all__")?.try_iter()? {
        let name = name?;
        m.add(name.extract::<String>()?, errors.getattr(name.cast::<pyo3::types::PyString>()?)?)?;
    }
    Ok(())
}

/// Converts a core error into the matching Python exception.
pub fn err(e: Error) -> PyErr {
    Python::attach(|py| to_pyerr(py, e).unwrap_or_else(|fallback| fallback))
}

/// A core [`Error::Internal`] as a Python exception.
pub fn internal(message: impl Into<String>) -> PyErr {
    err(Error::Internal { message: message.into() })
}

/// A core [`Error::InvalidInput`] as a Python exception.
pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> PyErr {
    err(Error::invalid(field, reason))
}

fn api_attrs<'py>(py: Python<'py>, e: &ApiError) -> PyResult<Vec<(&'static str, Bound<'py, PyAny>)>> {
    Ok(vec![
        ("status", e.status.into_pyobject(py)?.into_any()),
        ("code", e.code.into_pyobject(py)?.into_any()),
        ("message", e.message.as_str().into_pyobject(py)?.into_any()),
        ("message_detail", e.message_detail.as_deref().into_pyobject(py)?.into_any()),
        ("attempts", e.attempts.into_pyobject(py)?.into_any()),
        ("diagnosis", e.diagnosis.as_deref().into_pyobject(py)?.into_any()),
    ])
}

fn to_pyerr(py: Python<'_>, e: Error) -> PyResult<PyErr> {
    // Exhaustive on purpose: a new core variant must be given a Python class here.
    let (class, attrs) = match &e {
        Error::Api(api) => ("DuoApiError", api_attrs(py, api)?),
        Error::NotFound(api) => ("NotFoundError", api_attrs(py, api)?),
        Error::Unauthorized(api) => ("AuthError", api_attrs(py, api)?),
        Error::RateLimited { error, retry_after } => {
            let mut attrs = api_attrs(py, error)?;
            attrs.push(("retry_after", retry_after.map(|d| d.as_secs_f64()).into_pyobject(py)?.into_any()));
            ("RateLimitedError", attrs)
        }
        Error::InvalidInput { field, reason } => (
            "InvalidInputError",
            vec![("field", field.into_pyobject(py)?.into_any()), ("reason", reason.into_pyobject(py)?.into_any())],
        ),
        Error::Transport { sent, attempts, .. } => (
            "TransportError",
            vec![
                ("sent", sent.into_pyobject(py)?.to_owned().into_any()),
                ("attempts", attempts.into_pyobject(py)?.into_any()),
            ],
        ),
        Error::Timeout { attempts, .. } => {
            ("DuoTimeoutError", vec![("attempts", attempts.into_pyobject(py)?.into_any())])
        }
        Error::Decode { field, reason, line, column, excerpt } => (
            "DecodeError",
            vec![
                ("field", field.into_pyobject(py)?.into_any()),
                ("reason", reason.into_pyobject(py)?.into_any()),
                ("line", line.into_pyobject(py)?.into_any()),
                ("column", column.into_pyobject(py)?.into_any()),
                ("excerpt", excerpt.as_deref().into_pyobject(py)?.into_any()),
            ],
        ),
        Error::WebhookVerification { reason, detail } => (
            "WebhookVerificationError",
            vec![
                ("reason", reason.as_str().into_pyobject(py)?.into_any()),
                ("detail", detail.into_pyobject(py)?.into_any()),
            ],
        ),
        Error::Internal { .. } => ("DuoError", Vec::new()),
    };
    let exc = py.import("duo_directory._errors")?.getattr(class)?.call1((e.to_string(),))?;
    exc.setattr("kind", e.code())?;
    for (name, value) in attrs {
        exc.setattr(name, value)?;
    }
    Ok(PyErr::from_value(exc))
}

/// Runs `f`, turning a Rust panic into a `DuoError` (kind `internal`) instead of letting it
/// reach Python as `PanicException`.
pub fn guard<T>(f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(payload) => Err(internal(panic_message(payload.as_ref()))),
    }
}

/// The text of a panic payload, for [`Error::Internal`].
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string());
    format!("a bug in duo_directory (Rust panic: {text}); please report it")
}
