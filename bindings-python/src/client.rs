//! `Client` (blocking: the GIL is released during every network wait, and Ctrl-C interrupts it),
//! the lazy user iterator and `client.preview`. The asyncio `AsyncClient` is in [`aio`].

pub mod aio;
pub mod surface;

use crate::convert::{Json, params_from_py};
use crate::error::{err, guard, invalid};
use crate::models::PyUser;
use crate::models::request::PyPreparedRequest;
use crate::repr::py_repr;
use crate::sync::lock;
use duo_directory::{
    CaSource, Client, ClientConfig, ClientOptions, Error, PageCount, SigVersion, UserCreate, UserCursor, UserUpdate,
};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};
use std::sync::{Mutex, RwLock};

fn seconds(name: &str, value: &Bound<'_, PyAny>, allow_zero: bool) -> PyResult<std::time::Duration> {
    let value: f64 = value.extract().map_err(|_| invalid(name, "expected a number of seconds"))?;
    duo_directory::seconds(name, value, allow_zero).map_err(err)
}

fn whole(name: &str, value: &Bound<'_, PyAny>, max: u32) -> PyResult<u32> {
    let reason = || format!("expected an integer between 0 and {max}");
    let n: i64 = value.extract().map_err(|_| invalid(name, reason()))?;
    duo_directory::count(name, i128::from(n), max).map_err(err)
}

fn text(name: &str, value: &Bound<'_, PyAny>) -> PyResult<String> {
    match value.is_instance_of::<PyString>() {
        true => crate::convert::text(name, value),
        false => Err(invalid(name, "expected str")),
    }
}

/// `ca_certs`: PEM text or bytes, or a path (`str` or `os.PathLike`) of a PEM file.
fn ca_source(value: &Bound<'_, PyAny>) -> PyResult<CaSource> {
    if let Ok(b) = value.cast::<PyBytes>() {
        return Ok(CaSource::Pem(b.as_bytes().to_vec()));
    }
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(CaSource::from_text(&s.to_cow()?));
    }
    let path: std::path::PathBuf =
        value.extract().map_err(|_| invalid("ca_certs", "expected PEM text or the path of a PEM file"))?;
    Ok(CaSource::Path(path))
}

/// Converts keyword options; an unknown name is an `InvalidInputError` naming it.
pub fn options(kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<ClientOptions> {
    let mut o = ClientOptions { binding: Some("python".into()), ..ClientOptions::default() };
    let (mut version, mut digest) = (None, None);
    for (key, value) in kwargs.map(|k| k.iter()).into_iter().flatten() {
        let name: String = key.extract()?;
        if value.is_none() {
            continue;
        }
        let v = &value;
        match name.as_str() {
            "timeout" => o.timeout = Some(seconds(&name, v, false)?),
            "deadline" => o.deadline = Some(seconds(&name, v, false)?),
            "retry_base" => o.retry_base = Some(seconds(&name, v, false)?),
            "retry_cap" => o.retry_cap = Some(seconds(&name, v, false)?),
            "retry_jitter" => o.retry_jitter = Some(seconds(&name, v, true)?),
            "max_wait" => o.max_wait = Some(seconds(&name, v, true)?),
            "max_retries" => o.max_retries = Some(whole(&name, v, 100)?),
            "connect_retries" => o.connect_retries = Some(whole(&name, v, 100)?),
            "max_connections" => o.max_connections = Some(whole(&name, v, 1024)? as usize),
            "sig_version" => version = Some(v.extract::<i64>().map_err(|_| invalid(&name, "expected 2 or 5"))?),
            "digest" => digest = Some(text(&name, v)?),
            "ca_certs" => o.ca_certs = Some(ca_source(v)?),
            "ca_pinning" => o.ca_pinning = Some(v.extract().map_err(|_| invalid(&name, "expected a bool"))?),
            "proxy" => o.proxy = Some(text(&name, v)?),
            "user_agent" => o.user_agent = Some(text(&name, v)?),
            "scheme" => o.scheme = Some(text(&name, v)?.parse().map_err(err)?),
            "retry_mode" => o.retry_mode = Some(text(&name, v)?.parse().map_err(err)?),
            "prefetch" => o.prefetch = Some(whole(&name, v, duo_directory::MAX_PREFETCH)?),
            "pages_per_minute" => o.pages_per_minute = Some(whole(&name, v, u32::MAX)?),
            "reads_per_minute" => o.reads_per_minute = Some(whole(&name, v, u32::MAX)?),
            "writes_per_minute" => o.writes_per_minute = Some(whole(&name, v, u32::MAX)?),
            _ => return Err(invalid(name, "is not a client option")),
        }
    }
    if version.is_some() || digest.is_some() {
        o.sig_version = Some(SigVersion::from_parts(version.unwrap_or(5), digest.as_deref()).map_err(err)?);
    }
    Ok(o)
}

/// The core client behind a Python client; `None` once closed.
pub struct Handle(RwLock<Option<Client>>);

impl Handle {
    /// Builds the core client (validating the settings) without holding the GIL.
    pub fn new(
        py: Python<'_>,
        ikey: String,
        skey: String,
        host: String,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Handle> {
        let options = options(kwargs)?;
        Handle::from_config(py, ClientConfig::with_options(ikey, skey, host, options).map_err(err)?)
    }

    /// A handle over a client built from `config`.
    pub fn from_config(py: Python<'_>, config: ClientConfig) -> PyResult<Handle> {
        let client = guard(|| py.detach(|| Client::new(config)).map_err(err))?;
        Ok(Handle(RwLock::new(Some(client))))
    }

    /// A clone of the core client (sharing its pool), or an error once closed.
    pub fn get(&self) -> PyResult<Client> {
        let guard = self.0.read().unwrap_or_else(|p| p.into_inner());
        guard.clone().ok_or_else(|| invalid("client", "this client is closed; create a new one"))
    }

    /// Drops the core client and with it the connection pool.
    pub fn close(&self) {
        *self.0.write().unwrap_or_else(|p| p.into_inner()) = None;
    }

    /// True once closed.
    pub fn is_closed(&self) -> bool {
        self.0.read().map(|g| g.is_none()).unwrap_or(true)
    }

    /// `Client(host=..., ikey=...)` (never the secret).
    pub fn repr(&self, py: Python<'_>, class: &str) -> String {
        match self.get() {
            Ok(c) => format!("{class}(host={}, ikey={})", py_repr(py, &c.config().host), py_repr(py, &c.config().ikey)),
            Err(_) => format!("{class}(<closed>)"),
        }
    }
}

/// Keyword user fields through core's field table (`None` leaves a field unchanged, `""` empties it).
pub(crate) fn fields<T>(
    mut target: T,
    kwargs: Option<&Bound<'_, PyDict>>,
    set: fn(&mut T, &str, Option<&str>) -> Result<(), Error>,
) -> PyResult<T> {
    for (key, value) in kwargs.map(|k| k.iter()).into_iter().flatten() {
        let name: String = key.extract()?;
        let value: Option<String> = match value.cast::<crate::models::PyUserStatus>() {
            Ok(status) => Some(status.get().0.as_str().to_owned()),
            Err(_) if value.is_none() => None,
            Err(_) if value.is_instance_of::<PyString>() => Some(crate::convert::text(&name, &value)?),
            Err(_) => return Err(invalid(name.as_str(), "expected str or None")),
        };
        set(&mut target, &name, value.as_deref()).map_err(err)?;
    }
    Ok(target)
}

/// `create_user`'s fields as a core [`UserCreate`].
pub fn create_fields(username: String, kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<UserCreate> {
    fields(UserCreate::new(username), kwargs, UserCreate::set)
}

/// `update_user`'s fields as a core [`UserUpdate`].
pub fn update_fields(kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<UserUpdate> {
    fields(UserUpdate::default(), kwargs, UserUpdate::set)
}

/// Waits for a core future on the shared runtime with the GIL released, checking for signals
/// every few milliseconds: Ctrl-C cancels the request and raises `KeyboardInterrupt`.
pub(crate) fn wait<T: Send>(
    py: Python<'_>,
    work: impl FnOnce() -> Result<Result<Result<T, Error>, PyErr>, Error> + Send,
) -> PyResult<T> {
    guard(|| match py.detach(work) {
        Ok(Ok(Ok(value))) => Ok(value),
        Ok(Ok(Err(e))) | Err(e) => Err(err(e)),
        Ok(Err(interrupt)) => Err(interrupt),
    })
}

pub(crate) fn interruptible<T>(
    fut: impl std::future::Future<Output = Result<T, Error>>,
) -> Result<Result<Result<T, Error>, PyErr>, Error> {
    duo_directory::runtime::block_on_interruptible(fut, || Python::attach(|py| py.check_signals()))
}

impl From<Handle> for PyClient {
    fn from(handle: Handle) -> Self {
        PyClient { handle }
    }
}

/// A blocking Duo Admin API client. Network waits release the GIL; Ctrl-C interrupts them.
///
/// Every option is keyword-only and optional (the defaults live in the core library): `timeout`
/// (per attempt, 30 s), `deadline` (per call, 120 s), `max_retries` (6), `sig_version` (5) and
/// `digest`, `ca_certs` (PEM text/bytes or a path) and `ca_pinning`, `proxy`, `user_agent`,
/// `scheme`, `retry_base`/`retry_cap`/`retry_jitter`/`max_wait`, `connect_retries`,
/// `max_connections`, `retry_mode` (`"adaptive"`: pace each class of request, slowing on 429;
/// `"standard"`: back off and retry), `prefetch` (listing pages fetched ahead, 1),
/// `pages_per_minute`/`reads_per_minute`/`writes_per_minute` (fixed ceilings from your contract).
/// Use as a context manager to close its pool.
#[pyclass(frozen, module = "duo_directory", name = "Client")]
pub struct PyClient {
    pub(crate) handle: Handle,
}

#[pymethods]
impl PyClient {
    #[new]
    #[pyo3(signature = (ikey, skey, host, **options), text_signature = "(ikey, skey, host, *, timeout=None, max_retries=None, deadline=None, sig_version=None, digest=None, ca_certs=None, ca_pinning=None, proxy=None, user_agent=None, scheme=None, retry_base=None, retry_cap=None, retry_jitter=None, max_wait=None, connect_retries=None, max_connections=None, retry_mode=None, prefetch=None, pages_per_minute=None, reads_per_minute=None, writes_per_minute=None)")]
    fn new(
        py: Python<'_>,
        #[pyo3(from_py_with = crate::convert::arg::ikey)] ikey: String,
        #[pyo3(from_py_with = crate::convert::arg::skey)] skey: String,
        #[pyo3(from_py_with = crate::convert::arg::host)] host: String,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        Ok(PyClient { handle: Handle::new(py, ikey, skey, host, options)? })
    }

    /// Every user, as a lazy iterator: a page of `page_size` (1..300, default 100) is requested
    /// only when the previous one is used up.
    #[pyo3(signature = (*, page_size = None))]
    fn list_users(&self, page_size: Option<&Bound<'_, PyAny>>) -> PyResult<PyUserIterator> {
        let cursor = self.handle.get()?.list_users(page_size_arg(page_size)?).map_err(err)?;
        Ok(PyUserIterator { pages: cursor.page_count(), cursor: Mutex::new(cursor) })
    }

    /// One user by id; `NotFoundError` when there is none.
    fn get_user(
        &self,
        py: Python<'_>,
        #[pyo3(from_py_with = crate::convert::arg::user_id)] user_id: String,
    ) -> PyResult<PyUser> {
        let client = self.handle.get()?;
        wait(py, || interruptible(client.get_user(&user_id))).map(PyUser::from)
    }

    /// The user with this username (or alias), or None.
    fn get_user_by_username(
        &self,
        py: Python<'_>,
        #[pyo3(from_py_with = crate::convert::arg::username)] username: String,
    ) -> PyResult<Option<PyUser>> {
        let client = self.handle.get()?;
        Ok(wait(py, || interruptible(client.get_user_by_username(&username)))?.map(PyUser::from))
    }

    /// The users with this email address.
    fn get_users_by_email(
        &self,
        py: Python<'_>,
        #[pyo3(from_py_with = crate::convert::arg::email)] email: String,
    ) -> PyResult<Vec<PyUser>> {
        let client = self.handle.get()?;
        Ok(wait(py, || interruptible(client.get_users_by_email(&email)))?.into_iter().map(PyUser::from).collect())
    }

    /// Creates a user. Keyword fields: realname, firstname, lastname, email, status, notes, alias1..alias4.
    #[pyo3(signature = (username, **fields))]
    fn create_user(
        &self,
        py: Python<'_>,
        #[pyo3(from_py_with = crate::convert::arg::username)] username: String,
        fields: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<PyUser> {
        let create = create_fields(username, fields)?;
        let client = self.handle.get()?;
        wait(py, || interruptible(client.create_user(&create))).map(PyUser::from)
    }

    /// Changes a user: None leaves a field unchanged, "" sets it empty.
    #[pyo3(signature = (user_id, **fields))]
    fn update_user(
        &self,
        py: Python<'_>,
        #[pyo3(from_py_with = crate::convert::arg::user_id)] user_id: String,
        fields: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<PyUser> {
        let update = update_fields(fields)?;
        let client = self.handle.get()?;
        wait(py, || interruptible(client.update_user(&user_id, &update))).map(PyUser::from)
    }

    /// Deletes a user permanently.
    fn delete_user(
        &self,
        py: Python<'_>,
        #[pyo3(from_py_with = crate::convert::arg::user_id)] user_id: String,
    ) -> PyResult<()> {
        let client = self.handle.get()?;
        wait(py, || interruptible(client.delete_user(&user_id)))
    }

    /// Creates, updates or marks for deletion `username` from the directory `directory_key`.
    fn sync_user_from_directory(
        &self,
        py: Python<'_>,
        #[pyo3(from_py_with = crate::convert::arg::directory_key)] directory_key: String,
        #[pyo3(from_py_with = crate::convert::arg::username)] username: String,
    ) -> PyResult<PyUser> {
        let client = self.handle.get()?;
        wait(py, || interruptible(client.sync_user_from_directory(&directory_key, &username))).map(PyUser::from)
    }

    /// Calls any Admin API endpoint, signed the same way; returns the parsed `response` member.
    #[pyo3(signature = (method, path, params = None))]
    fn call(
        &self,
        py: Python<'_>,
        #[pyo3(from_py_with = crate::convert::arg::method)] method: String,
        #[pyo3(from_py_with = crate::convert::arg::path)] path: String,
        params: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Json> {
        let params = params_from_py(params)?;
        let client = self.handle.get()?;
        wait(py, || interruptible(client.call(&method, &path, params))).map(Json)
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

/// `page_size` as core takes it; a negative or huge number is an `InvalidInputError`.
pub fn page_size_arg(value: Option<&Bound<'_, PyAny>>) -> PyResult<Option<u32>> {
    match value.filter(|v| !v.is_none()) {
        None => Ok(None),
        Some(v) => Ok(Some(whole("page_size", v, duo_directory::MAX_PAGE_SIZE)?)),
    }
}

/// The lazy iterator returned by `Client.list_users()`, over core's user cursor. Ends after an
/// error is raised.
#[pyclass(frozen, module = "duo_directory", name = "UserIterator")]
pub struct PyUserIterator {
    cursor: Mutex<UserCursor>,
    pages: PageCount,
}

#[pymethods]
impl PyUserIterator {
    fn __iter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<PyUser>> {
        // Only ever wait for the lock with the GIL released: its holder may need the GIL.
        if let Ok(mut cursor) = self.cursor.try_lock()
            && let Some(user) = cursor.next_buffered()
        {
            return Ok(Some(PyUser::from(user)));
        }
        Ok(wait(py, || interruptible(lock(&self.cursor).next()))?.map(PyUser::from))
    }

    /// How many pages have been requested so far.
    #[getter]
    fn pages_fetched(&self) -> u64 {
        self.pages.get()
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
    fn create_user(
        &self,
        #[pyo3(from_py_with = crate::convert::arg::username)] username: String,
        fields: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<PyPreparedRequest> {
        let create = create_fields(username, fields)?;
        guard(|| self.client.preview().create_user(&create).map(PyPreparedRequest::from).map_err(err))
    }

    /// The `POST /admin/v1/users/{user_id}` that `update_user` would send.
    #[pyo3(signature = (user_id, **fields))]
    fn update_user(
        &self,
        #[pyo3(from_py_with = crate::convert::arg::user_id)] user_id: String,
        fields: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<PyPreparedRequest> {
        let update = update_fields(fields)?;
        guard(|| self.client.preview().update_user(&user_id, &update).map(PyPreparedRequest::from).map_err(err))
    }

    /// The `DELETE /admin/v1/users/{user_id}` that `delete_user` would send.
    fn delete_user(
        &self,
        #[pyo3(from_py_with = crate::convert::arg::user_id)] user_id: String,
    ) -> PyResult<PyPreparedRequest> {
        guard(|| self.client.preview().delete_user(&user_id).map(PyPreparedRequest::from).map_err(err))
    }

    /// The request that `sync_user_from_directory` would send.
    fn sync_user_from_directory(
        &self,
        #[pyo3(from_py_with = crate::convert::arg::directory_key)] directory_key: String,
        #[pyo3(from_py_with = crate::convert::arg::username)] username: String,
    ) -> PyResult<PyPreparedRequest> {
        let preview = self.client.preview();
        guard(|| preview.sync_user_from_directory(&directory_key, &username).map(PyPreparedRequest::from).map_err(err))
    }

    /// The request that `call` would send.
    #[pyo3(signature = (method, path, params = None))]
    fn call(
        &self,
        #[pyo3(from_py_with = crate::convert::arg::method)] method: String,
        #[pyo3(from_py_with = crate::convert::arg::path)] path: String,
        params: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyPreparedRequest> {
        let params = params_from_py(params)?;
        guard(|| self.client.preview().call(&method, &path, params).map(PyPreparedRequest::from).map_err(err))
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!("Preview(host={})", py_repr(py, &self.client.config().host))
    }
}
