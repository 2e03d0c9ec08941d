//! `duo_directory.testing.Emulator`: the Rust emulator library running in-process on core's
//! shared runtime. Conversion only: faults are parsed, directories loaded, the client configured
//! and errors mapped by the emulator crate.

use crate::client::aio::PyAsyncClient;
use crate::client::{Handle, PyClient, options};
use crate::directory::PyDirectoryClient;
use crate::error::{err, guard, invalid};
use crate::models::directory::PyDirectoryUser;
use crate::models::{Model, PyUser, from_py};
use crate::repr::py_repr;
use crate::sync::lock;
use duo_directory::{DirectoryUser, Error, RateLimits};
use duo_directory_emulator::{
    DirectoryMembers, Emulator, EmulatorConfig, EmulatorError, Fault, FaultOptions, RecordedRequest, generator,
};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyInt, PyList};
use std::sync::Mutex;

fn directory_users(users: &Bound<'_, PyAny>) -> PyResult<Vec<DirectoryUser>> {
    users.try_iter()?.map(|item| from_py::<PyDirectoryUser>(&item?)).collect()
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
        let (method, path) = (py_repr(py, &self.method), py_repr(py, &self.path));
        format!("RecordedRequest(method={method}, path={path}, status={})", self.status)
    }
}

/// A local Duo-compatible Admin API server for tests, running inside this process on
/// `localhost` and a free port; a context manager that shuts it down on exit.
///
/// It verifies every request's signature as Duo does, serves the users endpoints from memory and
/// can inject faults. `users`: realistic users generated at start (deterministic for `seed`);
/// `tls`: HTTPS with a fresh CA (`ca_cert_path`/`ca_cert_pem`), else HTTP; `directories`:
/// `{directory_key: [DirectoryUser | dict, ...] | count}` for `sync_user_from_directory`;
/// `debug_signatures`: a bad signature is answered with the canonical string expected;
/// `clock_offset`: seconds the emulator's clock runs ahead of this machine's (to test skew);
/// `api_hostname`: verify signatures against this name only, as Duo does (to test a wrong host);
/// `rate_limits`: Duo's per-class limits (`True` for Duo's 200 pages, 300 reads and 300 writes a
/// minute, or `"pages=N,reads=N,writes=N"`), counted in a `rate_window` (`"fixed"` or
/// `"sliding"`) of a minute run `time_scale` times faster; `latency`: seconds added to each answer.
#[pyclass(frozen, module = "duo_directory.testing", name = "Emulator")]
pub struct PyEmulator {
    inner: Mutex<Option<Emulator>>,
}

impl PyEmulator {
    fn with<T>(&self, f: impl FnOnce(&Emulator) -> T) -> PyResult<T> {
        let guard = lock(&self.inner);
        let emulator = guard.as_ref().ok_or_else(|| invalid("emulator", "the emulator has been shut down"))?;
        Ok(f(emulator))
    }

    fn client_handle(&self, py: Python<'_>, kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<Handle> {
        let mut config = self.with(Emulator::client_config)?;
        config.apply(options(kwargs)?).map_err(err)?;
        Handle::from_config(py, config)
    }
}

#[pymethods]
impl PyEmulator {
    #[new]
    #[pyo3(signature = (users = 0, seed = 42, tls = true, directories = None, *, ikey = None, skey = None, max_clock_skew = 300.0, max_body_bytes = 65536, debug_signatures = false, clock_offset = 0, api_hostname = None, rate_limits = None, rate_window = "fixed", latency = 0.0, time_scale = 1.0))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        users: usize,
        seed: u64,
        tls: bool,
        directories: Option<&Bound<'_, PyDict>>,
        ikey: Option<String>,
        skey: Option<String>,
        max_clock_skew: f64,
        max_body_bytes: usize,
        debug_signatures: bool,
        clock_offset: i64,
        api_hostname: Option<String>,
        rate_limits: Option<&Bound<'_, PyAny>>,
        rate_window: &str,
        latency: f64,
        time_scale: f64,
    ) -> PyResult<Self> {
        let rate_limits = match rate_limits {
            None => None,
            Some(v) if v.is_instance_of::<pyo3::types::PyBool>() => v.extract::<bool>()?.then_some(RateLimits::DUO),
            Some(v) => Some(crate::convert::text("rate_limits", v)?.parse::<RateLimits>().map_err(err)?),
        };
        let mut members = Vec::new();
        for (key, value) in directories.map(|d| d.iter()).into_iter().flatten() {
            let key: String = key.extract().map_err(|_| invalid("directories", "keys must be str"))?;
            members.push(match value.cast::<PyInt>() {
                Ok(n) => (key, DirectoryMembers::Generated(n.extract()?)),
                Err(_) => (key, DirectoryMembers::Users(directory_users(&value)?)),
            });
        }
        let defaults = EmulatorConfig::default();
        let config = EmulatorConfig {
            ikey: ikey.unwrap_or(defaults.ikey),
            skey: skey.unwrap_or(defaults.skey),
            tls,
            max_clock_skew: duo_directory::seconds("max_clock_skew", max_clock_skew, true).map_err(err)?,
            max_body_bytes,
            generated_users: users,
            seed,
            directories: members,
            debug_signatures,
            clock_offset,
            api_hostname,
            rate_limits,
            rate_window: rate_window.parse().map_err(|e: EmulatorError| err(Error::from(e)))?,
            latency: duo_directory::seconds("latency", latency, true).map_err(err)?,
            time_scale,
            ..defaults
        };
        let emulator = guard(|| py.detach(|| Emulator::start_blocking(config)).map_err(|e| err(Error::from(e))))?;
        Ok(PyEmulator { inner: Mutex::new(Some(emulator)) })
    }

    /// `localhost:PORT`, usable as is by every client (the official `duo_client` included).
    #[getter]
    fn host(&self) -> PyResult<String> {
        self.with(Emulator::host)
    }
    /// The port served (on 127.0.0.1 and ::1).
    #[getter]
    fn port(&self) -> PyResult<u16> {
        self.with(Emulator::port)
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
    /// PEM text of the generated CA (TLS only).
    #[getter]
    fn ca_cert_pem(&self) -> PyResult<Option<String>> {
        self.with(|e| e.ca_cert_pem().map(str::to_owned))
    }
    /// Path of a file holding the CA (TLS only), written on first use and removed at shutdown.
    #[getter]
    fn ca_cert_path(&self) -> PyResult<Option<String>> {
        self.with(|e| e.ca_cert_path().map(|p| p.display().to_string()))
    }
    /// A `Client` for this emulator (its CA pinned); keyword options go to `Client`.
    #[pyo3(signature = (**options))]
    fn client(&self, py: Python<'_>, options: Option<&Bound<'_, PyDict>>) -> PyResult<PyClient> {
        Ok(PyClient::from(self.client_handle(py, options)?))
    }
    /// An `AsyncClient` for this emulator; keyword options go to `AsyncClient`.
    #[pyo3(signature = (**options))]
    fn async_client(&self, py: Python<'_>, options: Option<&Bound<'_, PyDict>>) -> PyResult<PyAsyncClient> {
        Ok(PyAsyncClient::from(self.client_handle(py, options)?))
    }

    /// Inserts (or replaces, by `user_id`) a user given as a `User` or a dict in Duo's field names.
    fn add_user(&self, user: &Bound<'_, PyAny>) -> PyResult<()> {
        let user = from_py::<PyUser>(user)?;
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
    #[pyo3(signature = (count, seed = 42))]
    fn generate_users(&self, count: usize, seed: u64) -> PyResult<()> {
        self.with(|e| e.generate_users(count, seed))
    }
    /// Sets the users of a directory (`DirectoryUser` objects or dicts), for `sync_user_from_directory`.
    fn add_directory(&self, directory_key: &str, users: &Bound<'_, PyAny>) -> PyResult<()> {
        let users = directory_users(users)?;
        self.with(|e| e.add_directory(directory_key, users))
    }
    /// The users of a directory, or None when there is no such directory.
    fn directory_users(&self, directory_key: &str) -> PyResult<Option<Vec<PyDirectoryUser>>> {
        self.with(|e| e.directory_users(directory_key).map(|u| u.into_iter().map(PyDirectoryUser::wrap).collect()))
    }

    /// The key directory API clients must send (`Authorization: Bearer`).
    #[getter]
    fn directory_api_key(&self) -> PyResult<String> {
        self.with(|e| e.directory_api_key().to_string())
    }

    /// A `DirectoryClient` for this emulator's directory API (CA pinned); options as `DirectoryClient`'s.
    #[pyo3(signature = (**options))]
    fn directory_client(&self, py: Python<'_>, options: Option<&Bound<'_, PyDict>>) -> PyResult<PyDirectoryClient> {
        let mut config = self.with(Emulator::directory_client_config)?;
        config.apply(crate::client::options(options)?).map_err(err)?;
        PyDirectoryClient::build(py, config)
    }

    /// Adds a user to a directory or replaces the one with its `id`: records `dsync.user.created`
    /// or `dsync.user.updated` (with `previous_attributes`) and sends it to the webhook.
    fn put_directory_user(&self, directory_key: &str, user: &Bound<'_, PyAny>) -> PyResult<()> {
        let user = from_py::<PyDirectoryUser>(user)?;
        self.with(|e| e.put_directory_user(directory_key, user))
    }

    /// POSTs every later directory event to `url`, signed with `secret` (`None` stops).
    #[pyo3(signature = (url, secret = ""))]
    fn set_webhook(&self, url: Option<String>, secret: &str) -> PyResult<()> {
        self.with(|e| e.set_webhook(url.as_deref(), secret))
    }

    /// Each webhook POST so far: `(event_id, status)` (status 0 when the POST failed).
    fn webhook_deliveries(&self) -> PyResult<Vec<(String, u16)>> {
        self.with(Emulator::webhook_deliveries)
    }

    /// Removes `username` from a directory; True when one was removed.
    fn remove_directory_user(&self, directory_key: &str, username: &str) -> PyResult<bool> {
        self.with(|e| e.remove_directory_user(directory_key, username))
    }
    /// Queues a fault for the next `count` requests: `rate_limited` (`retry_after` seconds),
    /// `server_error` (`status`, default 500), `delay` (`delay` seconds, default 1),
    /// `drop_connection`, `malformed_body`.
    #[pyo3(signature = (kind, count = 1, *, status = None, retry_after = None, delay = None))]
    fn inject_fault(
        &self,
        kind: &str,
        count: u32,
        status: Option<u16>,
        retry_after: Option<u64>,
        delay: Option<f64>,
    ) -> PyResult<()> {
        let delay = delay.map(|d| duo_directory::seconds("delay", d, true)).transpose().map_err(err)?;
        let fault =
            Fault::parse(kind, count, FaultOptions { status, retry_after, delay }).map_err(|e| err(e.into()))?;
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
    /// Requests received so far (including refused ones).
    #[getter]
    fn request_count(&self) -> PyResult<u64> {
        self.with(Emulator::request_count)
    }
    /// The recorded requests, oldest first.
    fn requests(&self) -> PyResult<Vec<PyRecordedRequest>> {
        let convert = |r: RecordedRequest| PyRecordedRequest {
            method: r.method,
            path: r.path,
            params: r.params,
            status: r.status,
        };
        self.with(|e| e.requests().into_iter().map(convert).collect())
    }
    /// Forgets the recorded requests (the count is kept).
    fn clear_requests(&self) -> PyResult<()> {
        self.with(Emulator::clear_requests)
    }
    /// Stops the server, waits for it and removes its CA file; idempotent.
    fn shutdown(&self, py: Python<'_>) {
        if let Some(emulator) = lock(&self.inner).take() {
            py.detach(|| emulator.shutdown_blocking());
        }
    }
    /// True until `shutdown()`.
    #[getter]
    fn running(&self) -> bool {
        lock(&self.inner).is_some()
    }
    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }
    #[pyo3(signature = (*_args))]
    fn __exit__(&self, py: Python<'_>, _args: &Bound<'_, pyo3::types::PyTuple>) -> bool {
        self.shutdown(py);
        false
    }

    /// `count` realistic Duo users from the emulator's generator (deterministic for a seed).
    #[staticmethod]
    #[pyo3(signature = (count, seed = 42))]
    fn generated_users(py: Python<'_>, count: usize, seed: u64) -> PyResult<Bound<'_, PyList>> {
        let users = py.detach(|| generator::users(count, seed));
        PyList::new(py, users.into_iter().map(PyUser::from))
    }
    /// `count` realistic directory users of `directory_id` (deterministic for a seed).
    #[staticmethod]
    #[pyo3(signature = (directory_id, count, seed = 42))]
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
