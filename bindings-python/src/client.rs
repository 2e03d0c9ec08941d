//! `Client` (blocking: the GIL is released during every network wait), the lazy user iterator and
//! `client.preview`. The asyncio `AsyncClient` is in [`aio`].

pub mod aio;

use crate::convert::{Json, params_from_py};
use crate::error::{err, guard, invalid};
use crate::models::request::PyPreparedRequest;
use crate::models::{PyUser, PyUserStatus, py_repr};
use duo_directory::{
    Client, ClientConfig, Error, LazyUser, RetryPolicy, UserCreate, UserPager, UserUpdate, WritableStatus,
};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};
use std::collections::VecDeque;
use std::future::Future;
use std::sync::{Mutex, MutexGuard, RwLock};
use std::time::Duration;

/// Locks a mutex, ignoring poisoning (the state stays usable after a caught panic).
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// `ca_certs` as PEM bytes: PEM text (`str` or `bytes` holding `-----BEGIN`) or a path to a PEM file.
fn ca_bytes(obj: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(b.as_bytes().to_vec());
    }
    if let Ok(s) = obj.cast::<PyString>() {
        let s = s.to_cow()?;
        if s.contains("-----BEGIN") {
            return Ok(s.as_bytes().to_vec());
        }
    }
    let path: std::path::PathBuf =
        obj.extract().map_err(|_| invalid("ca_certs", "expected PEM text or the path of a PEM file"))?;
    std::fs::read(&path).map_err(|e| invalid("ca_certs", format!("cannot read {}: {e}", path.display())))
}

/// The keyword arguments shared by `Client` and `AsyncClient`, as a core [`ClientConfig`].
#[allow(clippy::too_many_arguments)]
pub fn config(
    ikey: String,
    skey: String,
    host: String,
    timeout: f64,
    max_retries: u32,
    sig_version: u8,
    ca_certs: Option<&Bound<'_, PyAny>>,
    proxy: Option<String>,
    user_agent: Option<String>,
    scheme: &str,
    ca_pinning: bool,
) -> PyResult<ClientConfig> {
    let mut config = ClientConfig::new(ikey, skey, host);
    config.timeout = Duration::try_from_secs_f64(timeout)
        .map_err(|_| invalid("timeout", format!("{timeout} is not a number of seconds")))?;
    config.retry = RetryPolicy { max_retries, ..RetryPolicy::default() };
    config.sig_version = crate::sign::sig_version(sig_version, None)?;
    config.ca_certs = match ca_certs {
        Some(obj) if !obj.is_none() => Some(ca_bytes(obj)?),
        _ => None,
    };
    config.ca_pinning = ca_pinning;
    config.proxy = proxy;
    config.user_agent = user_agent;
    config.scheme = scheme.parse().map_err(err)?;
    config.binding = "python".into();
    Ok(config)
}

/// The core client behind a Python client; `None` once closed.
pub struct Handle(RwLock<Option<Client>>);

impl Handle {
    /// Builds the core client (validating the settings) without holding the GIL.
    pub fn new(py: Python<'_>, config: ClientConfig) -> PyResult<Handle> {
        guard(|| {
            let client = py.detach(|| Client::new(config)).map_err(err)?;
            Ok(Handle(RwLock::new(Some(client))))
        })
    }

    /// A clone of the core client (sharing its pool), or an error once closed.
    pub fn get(&self) -> PyResult<Client> {
        let guard = self.0.read().unwrap_or_else(|p| p.into_inner());
        guard.clone().ok_or_else(|| invalid("client", "this client is closed; create a new one"))
    }

    /// Drops the core client and with it the connection pool.
    pub fn close(&self) {
        let mut guard = self.0.write().unwrap_or_else(|p| p.into_inner());
        *guard = None;
    }

    /// True once closed.
    pub fn is_closed(&self) -> bool {
        self.0.read().map(|g| g.is_none()).unwrap_or(true)
    }

    /// `Client(host=..., ikey=...)` (never the secret).
    pub fn repr(&self, py: Python<'_>, class: &str) -> String {
        match self.0.read().ok().and_then(|g| g.clone()) {
            Some(c) => {
                format!("{class}(host={}, ikey={})", py_repr(py, &c.config().host), py_repr(py, &c.config().ikey))
            }
            None => format!("{class}(<closed>)"),
        }
    }
}

fn opt_text(field: &str, value: Bound<'_, PyAny>) -> PyResult<Option<String>> {
    if value.is_none() {
        return Ok(None);
    }
    value.extract().map(Some).map_err(|_| invalid(field, "expected str or None"))
}

fn writable_status(value: Bound<'_, PyAny>) -> PyResult<Option<WritableStatus>> {
    if value.is_none() {
        return Ok(None);
    }
    let text = if let Ok(s) = value.cast::<PyUserStatus>() {
        s.get().0.as_str().to_owned()
    } else {
        value.extract::<String>().map_err(|_| invalid("status", "expected str, UserStatus or None"))?
    };
    text.parse().map(Some).map_err(err)
}

/// The user fields given as keyword arguments (`None` = leave unchanged, `""` = set empty).
#[derive(Default)]
pub struct Fields {
    username: Option<String>,
    realname: Option<String>,
    firstname: Option<String>,
    lastname: Option<String>,
    email: Option<String>,
    status: Option<WritableStatus>,
    notes: Option<String>,
    aliases: [Option<String>; 4],
}

impl Fields {
    /// Reads the keyword arguments; an unknown name is an `InvalidInputError`.
    pub fn parse(kwargs: Option<&Bound<'_, PyDict>>, allow_username: bool) -> PyResult<Fields> {
        let mut f = Fields::default();
        let Some(kwargs) = kwargs else { return Ok(f) };
        for (k, v) in kwargs.iter() {
            let key: String = k.extract()?;
            match key.as_str() {
                "username" if allow_username => f.username = opt_text(&key, v)?,
                "realname" => f.realname = opt_text(&key, v)?,
                "firstname" => f.firstname = opt_text(&key, v)?,
                "lastname" => f.lastname = opt_text(&key, v)?,
                "email" => f.email = opt_text(&key, v)?,
                "status" => f.status = writable_status(v)?,
                "notes" => f.notes = opt_text(&key, v)?,
                "alias1" => f.aliases[0] = opt_text(&key, v)?,
                "alias2" => f.aliases[1] = opt_text(&key, v)?,
                "alias3" => f.aliases[2] = opt_text(&key, v)?,
                "alias4" => f.aliases[3] = opt_text(&key, v)?,
                _ => return Err(invalid(key.as_str(), "is not a user field that can be set")),
            }
        }
        Ok(f)
    }

    /// The core create request.
    pub fn create(self, username: String) -> UserCreate {
        let [alias1, alias2, alias3, alias4] = self.aliases;
        UserCreate {
            username,
            realname: self.realname,
            firstname: self.firstname,
            lastname: self.lastname,
            email: self.email,
            status: self.status,
            notes: self.notes,
            alias1,
            alias2,
            alias3,
            alias4,
        }
    }

    /// The core update request.
    pub fn update(self) -> UserUpdate {
        let [alias1, alias2, alias3, alias4] = self.aliases;
        UserUpdate {
            username: self.username,
            realname: self.realname,
            firstname: self.firstname,
            lastname: self.lastname,
            email: self.email,
            status: self.status,
            notes: self.notes,
            alias1,
            alias2,
            alias3,
            alias4,
        }
    }
}

/// Runs a core future on the shared runtime with the GIL released; panics become `DuoError`.
fn run<T: Send>(py: Python<'_>, fut: impl Future<Output = Result<T, Error>> + Send) -> PyResult<T> {
    guard(|| py.detach(|| duo_directory::runtime::block_on(fut)).map_err(err)?.map_err(err))
}

/// A blocking Duo Admin API client. Network waits release the GIL.
///
/// `Client(ikey, skey, host, *, timeout=30.0, max_retries=5, sig_version=5, ca_certs=None,
/// proxy=None, user_agent=None, scheme="https", ca_pinning=False)`. Use as a context manager to
/// close its connection pool; a closed client raises `InvalidInputError`.
#[pyclass(frozen, module = "duo_directory", name = "Client")]
pub struct PyClient {
    handle: Handle,
}

#[pymethods]
impl PyClient {
    #[new]
    #[pyo3(signature = (ikey, skey, host, *, timeout = 30.0, max_retries = 5, sig_version = 5, ca_certs = None, proxy = None, user_agent = None, scheme = "https", ca_pinning = false))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        ikey: String,
        skey: String,
        host: String,
        timeout: f64,
        max_retries: u32,
        sig_version: u8,
        ca_certs: Option<&Bound<'_, PyAny>>,
        proxy: Option<String>,
        user_agent: Option<String>,
        scheme: &str,
        ca_pinning: bool,
    ) -> PyResult<Self> {
        let config = config(
            ikey,
            skey,
            host,
            timeout,
            max_retries,
            sig_version,
            ca_certs,
            proxy,
            user_agent,
            scheme,
            ca_pinning,
        )?;
        Ok(PyClient { handle: Handle::new(py, config)? })
    }

    /// Every user, as a lazy iterator: a page of `page_size` (1..300, default 100) is requested
    /// only when the previous one is used up.
    #[pyo3(signature = (*, page_size = None))]
    fn list_users(&self, page_size: Option<u32>) -> PyResult<PyUserIterator> {
        let pager = self.handle.get()?.user_pages(page_size).map_err(err)?;
        Ok(PyUserIterator { state: Mutex::new(IterState { pager, buffer: VecDeque::new(), done: false }) })
    }

    /// One user by id; `NotFoundError` when there is none.
    fn get_user(&self, py: Python<'_>, user_id: &str) -> PyResult<PyUser> {
        let client = self.handle.get()?;
        run(py, client.get_user(user_id)).map(PyUser::from)
    }

    /// The user with this username (or alias), or None.
    fn get_user_by_username(&self, py: Python<'_>, username: &str) -> PyResult<Option<PyUser>> {
        let client = self.handle.get()?;
        Ok(run(py, client.get_user_by_username(username))?.map(PyUser::from))
    }

    /// The users with this email address.
    fn get_users_by_email(&self, py: Python<'_>, email: &str) -> PyResult<Vec<PyUser>> {
        let client = self.handle.get()?;
        Ok(run(py, client.get_users_by_email(email))?.into_iter().map(PyUser::from).collect())
    }

    /// Creates a user. Keyword fields: realname, firstname, lastname, email, status, notes, alias1..alias4.
    #[pyo3(signature = (username, **fields))]
    fn create_user(&self, py: Python<'_>, username: String, fields: Option<&Bound<'_, PyDict>>) -> PyResult<PyUser> {
        let create = Fields::parse(fields, false)?.create(username);
        let client = self.handle.get()?;
        run(py, client.create_user(&create)).map(PyUser::from)
    }

    /// Changes a user: None leaves a field unchanged, "" sets it empty.
    #[pyo3(signature = (user_id, **fields))]
    fn update_user(&self, py: Python<'_>, user_id: &str, fields: Option<&Bound<'_, PyDict>>) -> PyResult<PyUser> {
        let update = Fields::parse(fields, true)?.update();
        let client = self.handle.get()?;
        run(py, client.update_user(user_id, &update)).map(PyUser::from)
    }

    /// Deletes a user permanently.
    fn delete_user(&self, py: Python<'_>, user_id: &str) -> PyResult<()> {
        let client = self.handle.get()?;
        run(py, client.delete_user(user_id))
    }

    /// Creates, updates or marks for deletion `username` from the directory `directory_key`.
    fn sync_user_from_directory(&self, py: Python<'_>, directory_key: &str, username: &str) -> PyResult<PyUser> {
        let client = self.handle.get()?;
        run(py, client.sync_user_from_directory(directory_key, username)).map(PyUser::from)
    }

    /// Calls any Admin API endpoint, signed the same way; returns the parsed `response` member.
    #[pyo3(signature = (method, path, params = None))]
    fn call(&self, py: Python<'_>, method: &str, path: &str, params: Option<&Bound<'_, PyAny>>) -> PyResult<Json> {
        let params = params_from_py(params)?;
        let client = self.handle.get()?;
        run(py, client.call(method, path, params)).map(Json)
    }

    /// Previews of the mutating calls: each returns the `PreparedRequest` it would send, sending nothing.
    #[getter]
    fn preview(&self) -> PyResult<PyPreview> {
        Ok(PyPreview { client: self.handle.get()? })
    }

    /// True once `close()` was called (or the `with` block ended).
    #[getter]
    fn closed(&self) -> bool {
        self.handle.is_closed()
    }

    /// Closes the connection pool; later calls raise `InvalidInputError`.
    fn close(&self) {
        self.handle.close();
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_args))]
    fn __exit__(&self, _args: &Bound<'_, pyo3::types::PyTuple>) -> bool {
        self.handle.close();
        false
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        self.handle.repr(py, "Client")
    }
}

struct IterState {
    pager: UserPager,
    buffer: VecDeque<LazyUser>,
    done: bool,
}

/// The lazy iterator returned by `Client.list_users()`. Ends after an error is raised.
#[pyclass(module = "duo_directory", name = "UserIterator")]
pub struct PyUserIterator {
    state: Mutex<IterState>,
}

#[pymethods]
impl PyUserIterator {
    fn __iter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<PyUser>> {
        loop {
            {
                let mut state = lock(&self.state);
                if let Some(user) = state.buffer.pop_front() {
                    return Ok(Some(PyUser::from(user)));
                }
                if state.done {
                    return Ok(None);
                }
            }
            // The request and the split of the page happen with the GIL released.
            guard(|| {
                py.detach(|| {
                    let mut state = lock(&self.state);
                    let page = duo_directory::runtime::block_on(state.pager.next_page()).and_then(|r| r);
                    match page {
                        Ok(Some(page)) => state.buffer.extend(page.users),
                        Ok(None) => state.done = true,
                        Err(e) => {
                            state.done = true;
                            return Err(e);
                        }
                    }
                    Ok(())
                })
                .map_err(err)
            })?;
        }
    }

    /// How many pages have been requested so far.
    #[getter]
    fn pages_fetched(&self) -> u64 {
        lock(&self.state).pager.pages_fetched()
    }
}

/// `client.preview`: builds and validates requests without sending them.
#[pyclass(frozen, module = "duo_directory", name = "Preview")]
pub struct PyPreview {
    client: Client,
}

#[pymethods]
impl PyPreview {
    /// The `POST /admin/v1/users` that `create_user` would send.
    #[pyo3(signature = (username, **fields))]
    fn create_user(&self, username: String, fields: Option<&Bound<'_, PyDict>>) -> PyResult<PyPreparedRequest> {
        let create = Fields::parse(fields, false)?.create(username);
        guard(|| self.client.preview().create_user(&create).map(PyPreparedRequest::from).map_err(err))
    }

    /// The `POST /admin/v1/users/{user_id}` that `update_user` would send.
    #[pyo3(signature = (user_id, **fields))]
    fn update_user(&self, user_id: &str, fields: Option<&Bound<'_, PyDict>>) -> PyResult<PyPreparedRequest> {
        let update = Fields::parse(fields, true)?.update();
        guard(|| self.client.preview().update_user(user_id, &update).map(PyPreparedRequest::from).map_err(err))
    }

    /// The `DELETE /admin/v1/users/{user_id}` that `delete_user` would send.
    fn delete_user(&self, user_id: &str) -> PyResult<PyPreparedRequest> {
        guard(|| self.client.preview().delete_user(user_id).map(PyPreparedRequest::from).map_err(err))
    }

    /// The request that `sync_user_from_directory` would send.
    fn sync_user_from_directory(&self, directory_key: &str, username: &str) -> PyResult<PyPreparedRequest> {
        guard(|| {
            self.client
                .preview()
                .sync_user_from_directory(directory_key, username)
                .map(PyPreparedRequest::from)
                .map_err(err)
        })
    }

    /// The request that `call` would send.
    #[pyo3(signature = (method, path, params = None))]
    fn call(&self, method: &str, path: &str, params: Option<&Bound<'_, PyAny>>) -> PyResult<PyPreparedRequest> {
        let params = params_from_py(params)?;
        guard(|| self.client.preview().call(method, path, params).map(PyPreparedRequest::from).map_err(err))
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!("Preview(host={})", py_repr(py, &self.client.config().host))
    }
}
