//! The directory side: `DirectoryClient` (WorkOS Directory Sync API), its lazy iterator, the
//! event/directory models, and `verify_webhook` / `parse_event` / `compute_webhook_signature`.
//! Conversion only: queries, paging, verification and events are core's.

use crate::client::{interruptible, options, wait};
use crate::convert::Json;
use crate::error::{err, guard, invalid};
use crate::models::directory::{PyDirectoryGroup, PyDirectoryUser};
use crate::models::nested::arc_model;
use crate::models::{Model, getters};
use crate::repr::py_repr;
use crate::sync::lock;
use duo_directory::directory::{
    DirectoryItem, DirectoryListing, DirectoryQuery, EventQuery, GroupQuery, Paging, UserQuery,
};
use duo_directory::{Directory, DirectoryClient, DirectoryConfig, DirectoryEvent, DirectoryToken, Error};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyFloat, PyInt};
use std::sync::{Arc, Mutex, RwLock};

arc_model!(
    /// A directory (one connection to a provider). `type` and `state` keep any value.
    PyDirectory(Directory) as "Directory"
);
getters!(PyDirectory, value, |d| {
    /// Always `directory`.
    object: &str = &d.object;
    /// Unique identifier.
    id: &str = &d.id;
    /// The organization the directory belongs to.
    organization_id: Option<&str> = d.organization_id.as_deref();
    /// Stable external key.
    external_key: Option<&str> = d.external_key.as_deref();
    /// Provider type (`okta scim v2.0`, ...), verbatim.
    r#type: Option<&str> = d.directory_type.as_deref();
    /// `linked`/`unlinked`/... (REST) or `active`/`inactive` (events), verbatim.
    state: Option<&str> = d.state.as_deref();
    /// True for `linked` or `active`.
    is_active: bool = d.is_active();
    /// Display name.
    name: Option<&str> = d.name.as_deref();
    /// Deprecated primary domain.
    domain: Option<&str> = d.domain.as_deref();
    /// Creation timestamp (ISO 8601).
    created_at: Option<&str> = d.created_at.as_deref();
    /// Last update timestamp (ISO 8601).
    updated_at: Option<&str> = d.updated_at.as_deref();
    /// Members this version does not model (`domains`, `metadata`, ...).
    extra: Json = Json::object(&d.extra);
});

arc_model!(
    /// A directory's SCIM token, as `dsync.token.*` events report it.
    PyDirectoryToken(DirectoryToken) as "DirectoryToken"
);
getters!(PyDirectoryToken, value, |t| {
    /// Always `directory_token`.
    object: &str = &t.object;
    /// Unique identifier.
    id: &str = &t.id;
    /// The directory the token belongs to.
    directory_id: Option<&str> = t.directory_id.as_deref();
    /// The organization of the directory.
    organization_id: Option<&str> = t.organization_id.as_deref();
    /// The last characters of the token.
    token_suffix: Option<&str> = t.token_suffix.as_deref();
    /// Creation timestamp (ISO 8601).
    created_at: Option<&str> = t.created_at.as_deref();
    /// Members this version does not model.
    extra: Json = Json::object(&t.extra);
});

arc_model!(
    /// A directory event (a verified webhook, or one from the Events API): `kind` from its name,
    /// the typed object it carries (`directory`, `user`, `group`, `token`), `previous_attributes`
    /// on updates, and `data` as sent.
    PyDirectoryEvent(DirectoryEvent) as "DirectoryEvent"
);
getters!(PyDirectoryEvent, value, |e| {
    /// Event id; dedupe on it.
    id: &str = &e.id;
    /// The event's name as sent (`dsync.user.updated`).
    event: &str = &e.event;
    /// `directory_activated`, `directory_deleted`, `user_created`, `user_updated`, `user_deleted`,
    /// `group_created`, `group_updated`, `group_deleted`, `group_user_added`,
    /// `group_user_removed`, `token_created`, `token_revoked` or `other`.
    kind: &str = e.kind.as_str();
    /// When the event happened (ISO 8601).
    created_at: Option<&str> = e.created_at.as_deref();
    /// The directory, for `dsync.activated` / `dsync.deleted`.
    directory: Option<PyDirectory> = e.directory.clone().map(PyDirectory::wrap);
    /// The user, for `dsync.user.*` and `dsync.group.user_*`.
    user: Option<PyDirectoryUser> = e.user.clone().map(PyDirectoryUser::wrap);
    /// The group, for `dsync.group.*`.
    group: Option<PyDirectoryGroup> = e.group.clone().map(PyDirectoryGroup::wrap);
    /// The token, for `dsync.token.*`.
    token: Option<PyDirectoryToken> = e.token.clone().map(PyDirectoryToken::wrap);
    /// The directory concerned, when the event names one.
    directory_id: Option<&str> = e.directory_id.as_deref();
    /// For updates: the changed attributes with their earlier values.
    previous_attributes: Option<Json> = e.previous_attributes.as_ref().map(Json::object);
    /// The `data` member as sent (a new dict on each access).
    data: Json = Json::object(&e.data);
});

fn payload_bytes(payload: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    crate::convert::text_bytes(payload).map_err(|_| invalid("payload", "expected the raw body as bytes or str"))
}

fn number(name: &str, value: Option<&Bound<'_, PyAny>>) -> PyResult<Option<f64>> {
    match value.filter(|v| !v.is_none()) {
        None => Ok(None),
        Some(v) if v.is_instance_of::<PyFloat>() || v.is_instance_of::<PyInt>() => {
            v.extract().map(Some).map_err(|_| invalid(name, "expected a number of seconds"))
        }
        Some(_) => Err(invalid(name, "expected a number of seconds")),
    }
}

/// Verifies a WorkOS webhook and returns its typed `DirectoryEvent`. `payload` is the raw body
/// (bytes or str, never re-serialized JSON), `signature_header` the `WorkOS-Signature` value,
/// `tolerance` and `now` seconds (defaults: 180 and `time.time()`); the window is symmetric.
/// Raises `WebhookVerificationError` (`.reason` says which check failed) or `DecodeError`.
#[pyfunction]
#[pyo3(signature = (payload, signature_header, secret, *, tolerance = None, now = None))]
pub fn verify_webhook(
    py: Python<'_>,
    payload: &Bound<'_, PyAny>,
    #[pyo3(from_py_with = crate::convert::arg::signature_header)] signature_header: String,
    #[pyo3(from_py_with = crate::convert::arg::secret)] secret: String,
    tolerance: Option<&Bound<'_, PyAny>>,
    now: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyDirectoryEvent> {
    let body = payload_bytes(payload)?;
    let (tolerance, now) = (number("tolerance", tolerance)?, number("now", now)?);
    guard(|| {
        py.detach(|| duo_directory::verify_webhook(&body, &signature_header, &secret, tolerance, now))
            .map(PyDirectoryEvent::wrap)
            .map_err(err)
    })
}

/// Parses an event (from the Events API, or a body already verified) without a signature check.
#[pyfunction]
pub fn parse_event(payload: &Bound<'_, PyAny>) -> PyResult<PyDirectoryEvent> {
    let body = payload_bytes(payload)?;
    guard(|| duo_directory::parse_event(&body).map(PyDirectoryEvent::wrap).map_err(err))
}

/// The `v1` signature of `payload` at `timestamp` (Unix milliseconds, as `t=` carries it), for
/// your own tests: the header is `f"t={timestamp}, v1={signature}"`.
#[pyfunction]
pub fn compute_webhook_signature(
    payload: &Bound<'_, PyAny>,
    #[pyo3(from_py_with = crate::convert::arg::secret)] secret: String,
    timestamp: &Bound<'_, PyAny>,
) -> PyResult<String> {
    let body = payload_bytes(payload)?;
    let t: i64 = timestamp.extract().map_err(|_| invalid("timestamp", "expected Unix milliseconds (int)"))?;
    guard(|| duo_directory::compute_webhook_signature(&body, &secret, t).map_err(err))
}

/// A blocking client for the WorkOS directory API (`https://api.workos.com` unless `host` says
/// otherwise), with the `Client`'s options, timeouts, retries and errors. Lists are lazy
/// iterators that follow the API's cursors; `GET /directory_users` is paced per directory.
#[pyclass(frozen, module = "duo_directory", name = "DirectoryClient")]
pub struct PyDirectoryClient {
    client: RwLock<Option<DirectoryClient>>,
}

impl PyDirectoryClient {
    /// A Python client over a core one built from `config`.
    pub fn build(py: Python<'_>, config: DirectoryConfig) -> PyResult<PyDirectoryClient> {
        let client = guard(|| py.detach(|| DirectoryClient::new(config)).map_err(err))?;
        Ok(PyDirectoryClient { client: RwLock::new(Some(client)) })
    }

    fn get(&self) -> PyResult<DirectoryClient> {
        let guard = self.client.read().unwrap_or_else(|p| p.into_inner());
        guard.clone().ok_or_else(|| invalid("client", "this client is closed; create a new one"))
    }

    fn listing(
        &self,
        make: impl FnOnce(&DirectoryClient) -> Result<DirectoryListing, Error>,
    ) -> PyResult<PyDirectoryIterator> {
        let client = self.get()?;
        Ok(PyDirectoryIterator { cursor: Mutex::new(make(&client).map_err(err)?) })
    }
}

fn paging(limit: Option<u32>, before: Option<String>, after: Option<String>, order: Option<String>) -> Paging {
    Paging { limit, before, after, order }
}

#[pymethods]
impl PyDirectoryClient {
    #[new]
    #[pyo3(signature = (api_key, *, host = None, **options), text_signature = "(api_key, *, host=None, timeout=None, max_retries=None, deadline=None, ca_certs=None, ca_pinning=None, proxy=None, user_agent=None, scheme=None, retry_base=None, retry_cap=None, retry_jitter=None, max_wait=None, connect_retries=None, max_connections=None, retry_mode=None)")]
    fn new(
        py: Python<'_>,
        #[pyo3(from_py_with = crate::convert::arg::api_key)] api_key: String,
        host: Option<String>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let config = DirectoryConfig::with_options(api_key, host, self::options_of(options)?).map_err(err)?;
        PyDirectoryClient::build(py, config)
    }

    /// Directories, lazily.
    #[pyo3(signature = (*, organization_id = None, search = None, limit = None, before = None, after = None, order = None))]
    fn list_directories(
        &self,
        organization_id: Option<String>,
        search: Option<String>,
        limit: Option<u32>,
        before: Option<String>,
        after: Option<String>,
        order: Option<String>,
    ) -> PyResult<PyDirectoryIterator> {
        let query = DirectoryQuery { organization_id, search, paging: paging(limit, before, after, order) };
        self.listing(|c| c.list_directories(&query).map(Into::into))
    }

    /// Directory users, lazily; `idp_id` and `email` need `directory`.
    #[pyo3(signature = (*, directory = None, group = None, idp_id = None, email = None, limit = None, before = None, after = None, order = None))]
    #[allow(clippy::too_many_arguments)]
    fn list_users(
        &self,
        directory: Option<String>,
        group: Option<String>,
        idp_id: Option<String>,
        email: Option<String>,
        limit: Option<u32>,
        before: Option<String>,
        after: Option<String>,
        order: Option<String>,
    ) -> PyResult<PyDirectoryIterator> {
        let query = UserQuery { directory, group, idp_id, email, paging: paging(limit, before, after, order) };
        self.listing(|c| c.list_users(&query).map(Into::into))
    }

    /// Directory groups, lazily.
    #[pyo3(signature = (*, directory = None, user = None, limit = None, before = None, after = None, order = None))]
    fn list_groups(
        &self,
        directory: Option<String>,
        user: Option<String>,
        limit: Option<u32>,
        before: Option<String>,
        after: Option<String>,
        order: Option<String>,
    ) -> PyResult<PyDirectoryIterator> {
        let query = GroupQuery { directory, user, paging: paging(limit, before, after, order) };
        self.listing(|c| c.list_groups(&query).map(Into::into))
    }

    /// Events from the Events API, oldest first after `after` (your stored cursor; the
    /// iterator's `resume_after` is the next one to store).
    #[pyo3(signature = (*, events = None, organization_id = None, range_start = None, range_end = None, limit = None, after = None))]
    fn list_events(
        &self,
        events: Option<Vec<String>>,
        organization_id: Option<String>,
        range_start: Option<String>,
        range_end: Option<String>,
        limit: Option<u32>,
        after: Option<String>,
    ) -> PyResult<PyDirectoryIterator> {
        let query = EventQuery {
            events: events.unwrap_or_default(),
            organization_id,
            range_start,
            range_end,
            paging: paging(limit, None, after, None),
        };
        self.listing(|c| c.list_events(&query).map(Into::into))
    }

    /// One directory; `NotFoundError` when there is none.
    fn get_directory(&self, py: Python<'_>, directory_id: String) -> PyResult<PyDirectory> {
        let client = self.get()?;
        wait(py, || interruptible(client.get_directory(&directory_id))).map(PyDirectory::wrap)
    }

    /// One directory user; `NotFoundError` when there is none.
    fn get_user(&self, py: Python<'_>, user_id: String) -> PyResult<PyDirectoryUser> {
        let client = self.get()?;
        wait(py, || interruptible(client.get_user(&user_id))).map(PyDirectoryUser::wrap)
    }

    /// One directory group; `NotFoundError` when there is none.
    fn get_group(&self, py: Python<'_>, group_id: String) -> PyResult<PyDirectoryGroup> {
        let client = self.get()?;
        wait(py, || interruptible(client.get_group(&group_id))).map(PyDirectoryGroup::wrap)
    }

    /// Closes the connection pool; later calls raise `InvalidInputError`.
    fn close(&self) {
        *self.client.write().unwrap_or_else(|p| p.into_inner()) = None;
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_args))]
    fn __exit__(&self, _args: &Bound<'_, pyo3::types::PyTuple>) -> bool {
        self.close();
        false
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        match self.get() {
            Ok(c) => format!("DirectoryClient(host={})", py_repr(py, &c.config().host)),
            Err(_) => "DirectoryClient(<closed>)".into(),
        }
    }
}

/// The directory client's options: the `Client`'s, through the same conversion.
fn options_of(kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<duo_directory::ClientOptions> {
    options(kwargs)
}

/// The lazy iterator of a directory list (directories, users, groups or events), over core's
/// cursor: a page is requested only when the previous one is used up.
#[pyclass(frozen, module = "duo_directory", name = "DirectoryIterator")]
pub struct PyDirectoryIterator {
    cursor: Mutex<DirectoryListing>,
}

fn item(py: Python<'_>, item: DirectoryItem) -> PyResult<Py<PyAny>> {
    Ok(match item {
        DirectoryItem::Directory(d) => Py::new(py, PyDirectory(Arc::new(d)))?.into_any(),
        DirectoryItem::User(u) => Py::new(py, PyDirectoryUser::wrap(u))?.into_any(),
        DirectoryItem::Group(g) => Py::new(py, PyDirectoryGroup(Arc::new(g)))?.into_any(),
        DirectoryItem::Event(e) => Py::new(py, PyDirectoryEvent(Arc::new(*e)))?.into_any(),
    })
}

#[pymethods]
impl PyDirectoryIterator {
    fn __iter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        let next = wait(py, || interruptible(lock(&self.cursor).next()))?;
        next.map(|i| item(py, i)).transpose()
    }

    /// The id of the last object handed out (else the `after` given): store it and pass it as
    /// `after` to resume (the Events API's cursor).
    #[getter]
    fn resume_after(&self) -> Option<String> {
        lock(&self.cursor).resume_after()
    }

    /// Pages requested so far.
    #[getter]
    fn pages_fetched(&self) -> u64 {
        lock(&self.cursor).pages_fetched()
    }
}
