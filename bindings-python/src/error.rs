//! The Python exception classes, created in this one place, and the one mapping from core's
//! [`Error`] to them.
//!
//! ```text
//! DuoError(Exception)                      .kind (core's stable code string)
//! ├── DuoApiError                          .status .code (Duo's numeric code) .message .message_detail .attempts
//! │   ├── NotFoundError
//! │   ├── AuthError
//! │   └── RateLimitedError                 + .retry_after (seconds or None)
//! ├── InvalidInputError(DuoError, ValueError)   .field .reason
//! ├── TransportError                       .sent (may have reached Duo) .attempts
//! ├── DuoTimeoutError(DuoError, TimeoutError)   .attempts
//! └── DecodeError(DuoError, ValueError)    .field .reason .line .column .excerpt
//! ```
//! The classes are built with `type(name, bases, namespace)` because two of them have two bases,
//! which `create_exception!` cannot express. Attributes live in the instance `__dict__`, so the
//! standard `BaseException.__reduce__` pickles them.

use duo_directory::{ApiError, Error};
use pyo3::exceptions::{PyException, PyTimeoutError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};

/// The classes, in [`SPECS`] order.
#[derive(Clone, Copy)]
enum Class {
    Duo,
    Api,
    NotFound,
    Auth,
    RateLimited,
    InvalidInput,
    Transport,
    Timeout,
    Decode,
}

/// A base of a class: one of ours (by position in [`SPECS`]) or a Python built-in.
enum Base {
    Ours(Class),
    Exception,
    ValueError,
    TimeoutError,
}

const SPECS: [(&str, &[Base], &str); 9] = [
    (
        "DuoError",
        &[Base::Exception],
        "Base of every duo_directory error. `kind` is a stable, language-neutral name of the error kind \
         ('api_error', 'not_found', 'unauthorized', 'rate_limited', 'invalid_input', 'transport', 'timeout', \
         'decode', 'internal'). The secret key never appears in any error text.",
    ),
    (
        "DuoApiError",
        &[Base::Ours(Class::Duo)],
        "Duo refused the request. `status` is the HTTP status, `code` Duo's numeric error code (or None), \
         `message` and `message_detail` Duo's texts, `attempts` how many requests were sent. Fix the request \
         before retrying.",
    ),
    ("NotFoundError", &[Base::Ours(Class::Api)], "The user, directory or resource does not exist (HTTP 404)."),
    (
        "AuthError",
        &[Base::Ours(Class::Api)],
        "Credentials were missing, wrong or lack the permission (HTTP 401/403): check ikey, skey, host and clock.",
    ),
    (
        "RateLimitedError",
        &[Base::Ours(Class::Api)],
        "Duo kept answering 429 after every allowed retry. `attempts` is how many requests were sent, \
         `retry_after` the server's Retry-After in seconds (or None).",
    ),
    (
        "InvalidInputError",
        &[Base::Ours(Class::Duo), Base::ValueError],
        "An argument was rejected before anything was sent: `field` names it, `reason` says why.",
    ),
    (
        "TransportError",
        &[Base::Ours(Class::Duo)],
        "The connection failed (DNS, TCP, TLS, reset). `sent` is False when the request certainly did not reach \
         Duo (safe to send again) and True when its outcome is unknown; `attempts` is how many tries were made.",
    ),
    (
        "DuoTimeoutError",
        &[Base::Ours(Class::Duo), Base::TimeoutError],
        "No answer within the configured timeout or deadline (the request may have reached Duo).",
    ),
    (
        "DecodeError",
        &[Base::Ours(Class::Duo), Base::ValueError],
        "A document could not be read. `field` is the offending field path ('' for the whole document), \
         `line`/`column` are 1-based (0 when unknown), `excerpt` is the start of the body (or None).",
    ),
];

static CLASSES: PyOnceLock<Vec<Py<PyType>>> = PyOnceLock::new();

fn classes(py: Python<'_>) -> PyResult<&'static [Py<PyType>]> {
    let classes = CLASSES.get_or_try_init(py, || {
        let mut made: Vec<Py<PyType>> = Vec::with_capacity(SPECS.len());
        for (name, bases, doc) in SPECS {
            let mut resolved = Vec::new();
            for base in bases {
                resolved.push(match base {
                    Base::Ours(c) => made.get(*c as usize).map(|t| t.bind(py).clone()).ok_or_else(|| internal(name))?,
                    Base::Exception => py.get_type::<PyException>(),
                    Base::ValueError => py.get_type::<PyValueError>(),
                    Base::TimeoutError => py.get_type::<PyTimeoutError>(),
                });
            }
            let namespace = PyDict::new(py);
            namespace.set_item("__module__", "duo_directory")?;
            namespace.set_item("__doc__", doc)?;
            let class = py.get_type::<PyType>().call1((name, PyTuple::new(py, resolved)?, namespace))?;
            made.push(class.cast_into::<PyType>()?.unbind());
        }
        Ok::<_, PyErr>(made)
    })?;
    Ok(classes)
}

/// Adds the exception classes to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    for class in classes(m.py())? {
        let class = class.bind(m.py());
        m.add(class.name()?, class)?;
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
    ])
}

fn to_pyerr(py: Python<'_>, e: Error) -> PyResult<PyErr> {
    // Exhaustive on purpose: a new core variant must be given a Python class here.
    let (class, attrs) = match &e {
        Error::Api(api) => (Class::Api, api_attrs(py, api)?),
        Error::NotFound(api) => (Class::NotFound, api_attrs(py, api)?),
        Error::Unauthorized(api) => (Class::Auth, api_attrs(py, api)?),
        Error::RateLimited { error, retry_after } => {
            let mut attrs = api_attrs(py, error)?;
            attrs.push(("retry_after", retry_after.map(|d| d.as_secs_f64()).into_pyobject(py)?.into_any()));
            (Class::RateLimited, attrs)
        }
        Error::InvalidInput { field, reason } => (
            Class::InvalidInput,
            vec![("field", field.into_pyobject(py)?.into_any()), ("reason", reason.into_pyobject(py)?.into_any())],
        ),
        Error::Transport { sent, attempts, .. } => (
            Class::Transport,
            vec![
                ("sent", sent.into_pyobject(py)?.to_owned().into_any()),
                ("attempts", attempts.into_pyobject(py)?.into_any()),
            ],
        ),
        Error::Timeout { attempts, .. } => (Class::Timeout, vec![("attempts", attempts.into_pyobject(py)?.into_any())]),
        Error::Decode { field, reason, line, column, excerpt } => (
            Class::Decode,
            vec![
                ("field", field.into_pyobject(py)?.into_any()),
                ("reason", reason.into_pyobject(py)?.into_any()),
                ("line", line.into_pyobject(py)?.into_any()),
                ("column", column.into_pyobject(py)?.into_any()),
                ("excerpt", excerpt.as_deref().into_pyobject(py)?.into_any()),
            ],
        ),
        Error::Internal { .. } => (Class::Duo, Vec::new()),
    };
    let class = classes(py)?.get(class as usize).ok_or_else(|| PyException::new_err("missing error class"))?;
    let exc = class.bind(py).call1((e.to_string(),))?;
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
