//! `_Emulator`: the Rust emulator running in-process on core's shared runtime, wrapped by
//! `duo_directory.testing.Emulator`.

use crate::convert::py_to_json;
use crate::error::{err, guard, invalid};
use crate::models::directory::PyDirectoryUser;
use crate::models::{Model, PyUser};
use crate::repr::py_repr;
use crate::sync::lock;
use duo_directory::{DirectoryUser, Error, User};
use duo_directory_emulator::{Emulator, EmulatorConfig, EmulatorError, Fault, RecordedRequest, generator};
use pyo3::prelude::*;
use pyo3::types::PyList;
use std::sync::Mutex;
use std::time::Duration;

fn emulator_error(e: EmulatorError) -> PyErr {
    let message = e.to_string();
    err(match e {
        EmulatorError::Bind { .. } => Error::Transport { message, sent: false, attempts: 1 },
        EmulatorError::Config(reason) => Error::invalid("config", reason),
        _ => Error::Internal { message },
    })
}

fn seconds(field: &str, value: f64) -> PyResult<Duration> {
    Duration::try_from_secs_f64(value).map_err(|_| invalid(field, format!("{value} is not a number of seconds")))
}

fn user_from_py(obj: &Bound<'_, PyAny>) -> PyResult<User> {
    if let Ok(u) = obj.cast::<PyUser>() {
        return u.get().to_core();
    }
    duo_directory::decode::from_value(py_to_json(obj, "")?).map_err(err)
}

fn directory_user_from_py(obj: &Bound<'_, PyAny>) -> PyResult<DirectoryUser> {
    if let Ok(u) = obj.cast::<PyDirectoryUser>() {
        return Ok(u.get().to_core());
    }
    duo_directory::decode::from_value(py_to_json(obj, "")?).map_err(err)
}

/// One request as the emulator saw it.
#[pyclass(frozen, get_all, module = "duo_directory.testing", name = "RecordedRequest")]
pub struct PyRecordedRequest {
    /// HTTP method, upper-case.
    method: String,
    /// Path as received (percent-encoded).
    path: String,
    /// Decoded parameters from the query string and the body, in order (lists as repeated pairs).
    params: Vec<(String, String)>,
    /// HTTP status answered (0 for a dropped connection).
    status: u16,
}

#[pymethods]
impl PyRecordedRequest {
    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "RecordedRequest(method={}, path={}, status={})",
            py_repr(py, &self.method),
            py_repr(py, &self.path),
            self.status
        )
    }
}

impl From<RecordedRequest> for PyRecordedRequest {
    fn from(r: RecordedRequest) -> Self {
        PyRecordedRequest { method: r.method, path: r.path, params: r.params, status: r.status }
    }
}

/// A running Duo-compatible emulator on 127.0.0.1 (a free port). Use `duo_directory.testing.Emulator`.
#[pyclass(frozen, module = "duo_directory._native", name = "_Emulator")]
pub struct PyEmulator {
    inner: Mutex<Option<Emulator>>,
}

impl PyEmulator {
    fn with<T>(&self, f: impl FnOnce(&Emulator) -> T) -> PyResult<T> {
        let guard = lock(&self.inner);
        let emulator = guard.as_ref().ok_or_else(|| invalid("emulator", "the emulator has been shut down"))?;
        Ok(f(emulator))
    }
}

#[pymethods]
impl PyEmulator {
    #[new]
    #[pyo3(signature = (*, users = 0, seed = 42, tls = true, ikey = None, skey = None, port = 0, max_clock_skew = 300.0, max_body_bytes = 65536))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        users: usize,
        seed: u64,
        tls: bool,
        ikey: Option<String>,
        skey: Option<String>,
        port: u16,
        max_clock_skew: f64,
        max_body_bytes: usize,
    ) -> PyResult<Self> {
        let defaults = EmulatorConfig::default();
        let config = EmulatorConfig {
            ikey: ikey.unwrap_or(defaults.ikey),
            skey: skey.unwrap_or(defaults.skey),
            tls,
            port,
            max_clock_skew: seconds("max_clock_skew", max_clock_skew)?,
            max_body_bytes,
            generated_users: users,
            seed,
            ..defaults
        };
        guard(|| {
            let emulator = py.detach(|| {
                let runtime = duo_directory::runtime::shared().map_err(err)?;
                runtime.block_on(Emulator::start(config)).map_err(emulator_error)
            })?;
            Ok(PyEmulator { inner: Mutex::new(Some(emulator)) })
        })
    }

    /// `127.0.0.1:PORT`.
    #[getter]
    fn host(&self) -> PyResult<String> {
        self.with(Emulator::host)
    }
    /// The integration key clients must use.
    #[getter]
    fn ikey(&self) -> PyResult<String> {
        self.with(|e| e.ikey().to_owned())
    }
    /// The secret key clients must sign with (never shown by `repr`).
    #[getter]
    fn skey(&self) -> PyResult<String> {
        self.with(|e| e.skey().to_owned())
    }
    /// `https` (TLS) or `http`.
    #[getter]
    fn scheme(&self) -> PyResult<&'static str> {
        self.with(|e| e.scheme().as_str())
    }
    /// PEM of the generated CA (TLS only).
    #[getter]
    fn ca_cert_pem(&self) -> PyResult<Option<String>> {
        self.with(|e| e.ca_cert_pem().map(str::to_owned))
    }
    /// Path of a temporary file holding the CA (TLS only), deleted at shutdown.
    #[getter]
    fn ca_cert_path(&self) -> PyResult<Option<String>> {
        self.with(|e| e.ca_cert_path().map(|p| p.display().to_string()))
    }

    /// Inserts (or replaces, by `user_id`) a user given as a `User` or a dict in Duo's field names.
    fn add_user(&self, user: &Bound<'_, PyAny>) -> PyResult<()> {
        let user = user_from_py(user)?;
        self.with(|e| e.add_user(user))
    }
    /// Every user, in listing order.
    fn users(&self) -> PyResult<Vec<PyUser>> {
        self.with(|e| e.users().into_iter().map(PyUser::from).collect())
    }
    /// One user by id, or None.
    fn user(&self, user_id: &str) -> PyResult<Option<PyUser>> {
        self.with(|e| e.user(user_id).map(PyUser::from))
    }
    /// Number of users.
    #[getter]
    fn user_count(&self) -> PyResult<usize> {
        self.with(Emulator::user_count)
    }
    /// Appends `count` realistic generated users.
    fn generate_users(&self, count: usize, seed: u64) -> PyResult<()> {
        self.with(|e| e.generate_users(count, seed))
    }
    /// Sets the users of a directory (`DirectoryUser` objects or dicts), for `sync_user_from_directory`.
    fn add_directory(&self, directory_key: &str, users: &Bound<'_, PyAny>) -> PyResult<()> {
        let mut list = Vec::new();
        for item in users.try_iter()? {
            list.push(directory_user_from_py(&item?)?);
        }
        self.with(|e| e.add_directory(directory_key, list))
    }
    /// Removes `username` from a directory; True when one was removed.
    fn remove_directory_user(&self, directory_key: &str, username: &str) -> PyResult<bool> {
        self.with(|e| e.remove_directory_user(directory_key, username))
    }
    /// Queues a fault for the next `count` requests: `rate_limited` (`retry_after` seconds),
    /// `server_error` (`status`, default 500), `delay` (`delay` seconds), `drop_connection`,
    /// `malformed_body`.
    #[pyo3(signature = (kind, count = 1, *, status = None, retry_after = None, delay = None))]
    fn inject_fault(
        &self,
        kind: &str,
        count: u32,
        status: Option<u16>,
        retry_after: Option<u64>,
        delay: Option<f64>,
    ) -> PyResult<()> {
        let fault = match kind {
            "rate_limited" => Fault::RateLimited { count, retry_after },
            "server_error" => Fault::ServerError { count, status: status.unwrap_or(500) },
            "delay" => Fault::Delay { count, delay: seconds("delay", delay.unwrap_or(1.0))? },
            "drop_connection" => Fault::DropConnection { count },
            "malformed_body" => Fault::MalformedBody { count },
            other => {
                return Err(invalid(
                    "kind",
                    format!(
                        "{other:?} is not one of rate_limited, server_error, delay, drop_connection, malformed_body"
                    ),
                ));
            }
        };
        self.with(|e| e.inject_fault(fault))
    }
    /// Drops every queued fault.
    fn clear_faults(&self) -> PyResult<()> {
        self.with(Emulator::clear_faults)
    }
    /// A steady rate limit in requests per second (None removes it).
    #[pyo3(signature = (rps))]
    fn set_rate_limit(&self, rps: Option<f64>) -> PyResult<()> {
        self.with(|e| e.set_rate_limit(rps))
    }
    /// Requests received so far.
    #[getter]
    fn request_count(&self) -> PyResult<u64> {
        self.with(Emulator::request_count)
    }
    /// The recorded requests, oldest first.
    fn requests(&self) -> PyResult<Vec<PyRecordedRequest>> {
        self.with(|e| e.requests().into_iter().map(PyRecordedRequest::from).collect())
    }
    /// Forgets the recorded requests (the count is kept).
    fn clear_requests(&self) -> PyResult<()> {
        self.with(Emulator::clear_requests)
    }
    /// Stops the server and waits for it; idempotent.
    fn shutdown(&self, py: Python<'_>) -> PyResult<()> {
        let Some(emulator) = lock(&self.inner).take() else { return Ok(()) };
        guard(|| {
            py.detach(|| {
                let runtime = duo_directory::runtime::shared().map_err(err)?;
                runtime.block_on(emulator.shutdown());
                Ok(())
            })
        })
    }
    /// True until `shutdown()`.
    #[getter]
    fn running(&self) -> bool {
        lock(&self.inner).is_some()
    }

    /// `count` realistic Duo users from the emulator's generator (deterministic for a seed).
    #[staticmethod]
    fn generated_users(py: Python<'_>, count: usize, seed: u64) -> PyResult<Bound<'_, PyList>> {
        let users = py.detach(|| generator::users(count, seed));
        PyList::new(py, users.into_iter().map(PyUser::from))
    }
    /// `count` realistic directory users of `directory_id` (deterministic for a seed).
    #[staticmethod]
    fn generated_directory_users<'py>(
        py: Python<'py>,
        directory_id: &str,
        count: usize,
        seed: u64,
    ) -> PyResult<Bound<'py, PyList>> {
        let users = py.detach(|| generator::directory_users(directory_id, count, seed));
        PyList::new(py, users.into_iter().map(<PyDirectoryUser as Model>::wrap))
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        match lock(&self.inner).as_ref() {
            Some(e) => format!("Emulator(host={}, ikey={})", py_repr(py, &e.host()), py_repr(py, e.ikey())),
            None => "Emulator(<shut down>)".into(),
        }
    }
}

/// Adds the emulator classes to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyEmulator>()?;
    m.add_class::<PyRecordedRequest>()?;
    Ok(())
}
