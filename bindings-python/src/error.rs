//! The Python exception classes, created in this one place, and the one mapping from core's
//! [`Error`] to them.
//!
//! ```text
//! DuoError(Exception)                      .kind (core's stable code string)
//! ├── DuoApiError                          .status .code (Duo's numeric code) .message .message_detail
//! │   ├── NotFoundError
//! │   ├── AuthError
//! │   └── RateLimitedError                 + .attempts .retry_after (seconds or None)
//! ├── InvalidInputError(DuoError, ValueError)   .field .reason
//! ├── TransportError
//! ├── DuoTimeoutError(DuoError, TimeoutError)
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

struct Classes {
    duo: Py<PyType>,
    api: Py<PyType>,
    not_found: Py<PyType>,
    auth: Py<PyType>,
    rate_limited: Py<PyType>,
    invalid_input: Py<PyType>,
    transport: Py<PyType>,
    timeout: Py<PyType>,
    decode: Py<PyType>,
}

static CLASSES: PyOnceLock<Classes> = PyOnceLock::new();

fn new_class(py: Python<'_>, name: &str, bases: &[&Bound<'_, PyType>], doc: &str) -> PyResult<Py<PyType>> {
    let namespace = PyDict::new(py);
    namespace.set_item("__module__", "duo_directory")?;
    namespace.set_item("__doc__", doc)?;
    let bases = PyTuple::new(py, bases)?;
    let class = py.get_type::<PyType>().call1((name, bases, namespace))?;
    Ok(class.cast_into::<PyType>()?.unbind())
}

fn classes(py: Python<'_>) -> PyResult<&'static Classes> {
    CLASSES.get_or_try_init(py, || {
        let exception = py.get_type::<PyException>();
        let value_error = py.get_type::<PyValueError>();
        let timeout_error = py.get_type::<PyTimeoutError>();
        let duo = new_class(
            py,
            "DuoError",
            &[&exception],
            "Base of every duo_directory error. `kind` is a stable, language-neutral name of the error kind \
             ('api_error', 'not_found', 'unauthorized', 'rate_limited', 'invalid_input', 'transport', \
             'timeout', 'decode', 'internal'). The secret key never appears in any error text.",
        )?;
        let duo_b = duo.bind(py);
        let api = new_class(
            py,
            "DuoApiError",
            &[duo_b],
            "Duo refused the request. `status` is the HTTP status, `code` Duo's numeric error code (or None), \
             `message` and `message_detail` Duo's texts. Fix the request before retrying.",
        )?;
        let api_b = api.bind(py);
        let not_found =
            new_class(py, "NotFoundError", &[api_b], "The user, directory or resource does not exist (HTTP 404).")?;
        let auth = new_class(
            py,
            "AuthError",
            &[api_b],
            "Credentials were missing, wrong or lack the permission (HTTP 401/403): check ikey, skey, host and clock.",
        )?;
        let rate_limited = new_class(
            py,
            "RateLimitedError",
            &[api_b],
            "Duo kept answering 429 after every allowed retry. `attempts` is how many requests were sent, \
             `retry_after` the server's Retry-After in seconds (or None).",
        )?;
        let invalid_input = new_class(
            py,
            "InvalidInputError",
            &[duo_b, &value_error],
            "An argument was rejected before anything was sent: `field` names it, `reason` says why.",
        )?;
        let transport = new_class(
            py,
            "TransportError",
            &[duo_b],
            "The connection failed (DNS, TCP, TLS, reset). Usually safe to retry idempotent calls later.",
        )?;
        let timeout =
            new_class(py, "DuoTimeoutError", &[duo_b, &timeout_error], "No answer within the configured timeout.")?;
        let decode = new_class(
            py,
            "DecodeError",
            &[duo_b, &value_error],
            "A document could not be read. `field` is the offending field path ('' for the whole document), \
             `line`/`column` are 1-based (0 when unknown), `excerpt` is the start of the body (or None).",
        )?;
        Ok::<_, PyErr>(Classes { duo, api, not_found, auth, rate_limited, invalid_input, transport, timeout, decode })
    })
}

/// Adds the exception classes to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let c = classes(py)?;
    for class in
        [&c.duo, &c.api, &c.not_found, &c.auth, &c.rate_limited, &c.invalid_input, &c.transport, &c.timeout, &c.decode]
    {
        let class = class.bind(py);
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

fn to_pyerr(py: Python<'_>, e: Error) -> PyResult<PyErr> {
    let c = classes(py)?;
    let message = e.to_string();
    let kind = e.code();
    let make = |class: &Py<PyType>| -> PyResult<Bound<'_, PyAny>> {
        let exc = class.bind(py).call1((message.as_str(),))?;
        exc.setattr("kind", kind)?;
        Ok(exc)
    };
    let set_api = |exc: &Bound<'_, PyAny>, api: &ApiError| -> PyResult<()> {
        exc.setattr("status", api.status)?;
        exc.setattr("code", api.code)?;
        exc.setattr("message", api.message.as_str())?;
        exc.setattr("message_detail", api.message_detail.as_deref())
    };
    // Exhaustive on purpose: a new core variant must be given a Python class here.
    let exc = match &e {
        Error::Api(api) => {
            let exc = make(&c.api)?;
            set_api(&exc, api)?;
            exc
        }
        Error::NotFound(api) => {
            let exc = make(&c.not_found)?;
            set_api(&exc, api)?;
            exc
        }
        Error::Unauthorized(api) => {
            let exc = make(&c.auth)?;
            set_api(&exc, api)?;
            exc
        }
        Error::RateLimited { error, attempts, retry_after } => {
            let exc = make(&c.rate_limited)?;
            set_api(&exc, error)?;
            exc.setattr("attempts", *attempts)?;
            exc.setattr("retry_after", retry_after.map(|d| d.as_secs_f64()))?;
            exc
        }
        Error::InvalidInput { field, reason } => {
            let exc = make(&c.invalid_input)?;
            exc.setattr("field", field.as_str())?;
            exc.setattr("reason", reason.as_str())?;
            exc
        }
        Error::Transport { .. } => make(&c.transport)?,
        Error::Timeout { .. } => make(&c.timeout)?,
        Error::Decode { field, reason, line, column, excerpt } => {
            let exc = make(&c.decode)?;
            exc.setattr("field", field.as_str())?;
            exc.setattr("reason", reason.as_str())?;
            exc.setattr("line", *line)?;
            exc.setattr("column", *column)?;
            exc.setattr("excerpt", excerpt.as_deref())?;
            exc
        }
        Error::Internal { .. } => make(&c.duo)?,
    };
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
    let text = if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    };
    format!("a bug in duo_directory (Rust panic: {text}); please report it")
}
