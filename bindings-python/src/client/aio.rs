//! `AsyncClient`: the same operations as awaitables, driven by core's one process-wide tokio
//! runtime (`duo_directory::runtime`, fork-aware, shut down at interpreter exit) through
//! pyo3-async-runtimes.

use super::{Handle, PyPreview, create_fields, page_size_arg, update_fields};
use crate::convert::{Json, params_from_py};
use crate::error::{err, internal, panic_message};
use crate::models::PyUser;
use crate::sync::lock;
use duo_directory::{Error, PageCount, UserCursor};
use futures_util::FutureExt;
use pyo3::exceptions::{PyStopAsyncIteration, PyStopIteration};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};
use pyo3_async_runtimes::TaskLocals;
use pyo3_async_runtimes::generic::{ContextExt, Runtime};
use std::cell::OnceCell;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

/// pyo3-async-runtimes' view of core's shared runtime: it follows `runtime::shared()` into a
/// forked child, and after `runtime::shutdown()` (at interpreter exit) a late task is dropped
/// instead of ever touching the interpreter.
struct CoreRuntime;

tokio::task_local! {
    static TASK_LOCALS: OnceCell<TaskLocals>;
}

impl Runtime for CoreRuntime {
    type JoinError = tokio::task::JoinError;
    type JoinHandle = tokio::task::JoinHandle<()>;

    fn spawn<F>(fut: F) -> Self::JoinHandle
    where
        F: Future<Output = ()> + Send + 'static,
    {
        // `spawn_py` checked that a runtime exists, so the fallback is never taken.
        duo_directory::runtime::spawn(fut).unwrap_or_else(|_| pyo3_async_runtimes::tokio::get_runtime().spawn(async {}))
    }

    fn spawn_blocking<F>(f: F) -> Self::JoinHandle
    where
        F: FnOnce() + Send + 'static,
    {
        Self::spawn(async move { f() })
    }
}

impl ContextExt for CoreRuntime {
    fn scope<F, R>(locals: TaskLocals, fut: F) -> Pin<Box<dyn Future<Output = R> + Send>>
    where
        F: Future<Output = R> + Send + 'static,
    {
        let cell = OnceCell::new();
        let _ = cell.set(locals);
        Box::pin(TASK_LOCALS.scope(cell, fut))
    }

    fn get_task_locals() -> Option<TaskLocals> {
        TASK_LOCALS.try_with(|c| c.get().cloned()).unwrap_or_default()
    }
}

/// Wraps a future as a Python awaitable; a panic inside becomes a `DuoError`.
pub(super) fn spawn_py<'py, T>(
    py: Python<'py>,
    fut: impl Future<Output = PyResult<T>> + Send + 'static,
) -> PyResult<Bound<'py, PyAny>>
where
    T: for<'a> IntoPyObject<'a> + Send + 'static,
{
    duo_directory::runtime::shared().map_err(err)?;
    let fut = async move {
        match AssertUnwindSafe(fut).catch_unwind().await {
            Ok(result) => result,
            Err(payload) => Err(internal(panic_message(payload.as_ref()))),
        }
    };
    pyo3_async_runtimes::generic::future_into_py::<CoreRuntime, _, T>(py, fut)
}

/// [`spawn_py`] for a core future.
pub(crate) fn spawn<'py, T>(
    py: Python<'py>,
    fut: impl Future<Output = Result<T, Error>> + Send + 'static,
) -> PyResult<Bound<'py, PyAny>>
where
    T: for<'a> IntoPyObject<'a> + Send + 'static,
{
    spawn_py(py, async move { fut.await.map_err(err) })
}

/// An awaitable that is already complete (no trip through the event loop).
#[pyclass(module = "duo_directory._native", name = "Ready")]
pub struct Ready {
    value: Mutex<Option<Py<PyAny>>>,
}

impl Ready {
    pub(super) fn new(value: Py<PyAny>) -> Self {
        Ready { value: Mutex::new(Some(value)) }
    }
}

#[pymethods]
impl Ready {
    fn __await__(slf: Py<Self>) -> Py<Self> {
        slf
    }
    fn __iter__(slf: Py<Self>) -> Py<Self> {
        slf
    }
    fn __next__(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        let value = lock(&self.value).take().unwrap_or_else(|| py.None());
        Err(PyStopIteration::new_err((value,)))
    }
}

impl From<Handle> for PyAsyncClient {
    fn from(handle: Handle) -> Self {
        PyAsyncClient { handle }
    }
}

/// The asyncio Duo Admin API client: the methods of `Client` as awaitables, the same options.
///
/// Use `async with AsyncClient(...) as client:` to close its pool at the end.
#[pyclass(frozen, module = "duo_directory", name = "AsyncClient")]
pub struct PyAsyncClient {
    pub(crate) handle: Handle,
}

#[pymethods]
impl PyAsyncClient {
    #[new]
    #[pyo3(signature = (ikey, skey, host, **options), text_signature = "(ikey, skey, host, *, timeout=None, max_retries=None, deadline=None, sig_version=None, digest=None, ca_certs=None, ca_pinning=None, proxy=None, user_agent=None, scheme=None, retry_base=None, retry_cap=None, retry_jitter=None, max_wait=None, connect_retries=None, max_connections=None, retry_mode=None, prefetch=None, pages_per_minute=None, reads_per_minute=None, writes_per_minute=None)")]
    fn new(
        py: Python<'_>,
        #[pyo3(from_py_with = crate::convert::arg::ikey)] ikey: String,
        #[pyo3(from_py_with = crate::convert::arg::skey)] skey: String,
        #[pyo3(from_py_with = crate::convert::arg::host)] host: String,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        Ok(PyAsyncClient { handle: Handle::new(py, ikey, skey, host, options)? })
    }

    /// Every user, as a lazy async iterator (`async for`): pages are requested on demand.
    #[pyo3(signature = (*, page_size = None))]
    fn list_users(&self, page_size: Option<&Bound<'_, PyAny>>) -> PyResult<PyAsyncUserIterator> {
        let cursor = self.handle.get()?.list_users(page_size_arg(page_size)?).map_err(err)?;
        Ok(PyAsyncUserIterator { pages: cursor.page_count(), cursor: Arc::new(tokio::sync::Mutex::new(cursor)) })
    }

    /// One user by id; raises `NotFoundError` when there is none.
    fn get_user<'py>(
        &self,
        py: Python<'py>,
        #[pyo3(from_py_with = crate::convert::arg::user_id)] user_id: String,
    ) -> PyResult<Bound<'py, PyAny>> {
        let client = self.handle.get()?;
        spawn(py, async move { client.get_user(&user_id).await.map(PyUser::from) })
    }

    /// The user with this username (or alias), or None.
    fn get_user_by_username<'py>(
        &self,
        py: Python<'py>,
        #[pyo3(from_py_with = crate::convert::arg::username)] username: String,
    ) -> PyResult<Bound<'py, PyAny>> {
        let client = self.handle.get()?;
        spawn(py, async move { Ok(client.get_user_by_username(&username).await?.map(PyUser::from)) })
    }

    /// The users with this email address.
    fn get_users_by_email<'py>(
        &self,
        py: Python<'py>,
        #[pyo3(from_py_with = crate::convert::arg::email)] email: String,
    ) -> PyResult<Bound<'py, PyAny>> {
        let client = self.handle.get()?;
        spawn(py, async move {
            Ok(client.get_users_by_email(&email).await?.into_iter().map(PyUser::from).collect::<Vec<_>>())
        })
    }

    /// Creates a user (same keyword fields as `Client.create_user`).
    #[pyo3(signature = (username, **fields))]
    fn create_user<'py>(
        &self,
        py: Python<'py>,
        #[pyo3(from_py_with = crate::convert::arg::username)] username: String,
        fields: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let create = create_fields(username, fields)?;
        let client = self.handle.get()?;
        spawn(py, async move { client.create_user(&create).await.map(PyUser::from) })
    }

    /// Changes a user: None leaves a field unchanged, "" sets it empty.
    #[pyo3(signature = (user_id, **fields))]
    fn update_user<'py>(
        &self,
        py: Python<'py>,
        #[pyo3(from_py_with = crate::convert::arg::user_id)] user_id: String,
        fields: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let update = update_fields(fields)?;
        let client = self.handle.get()?;
        spawn(py, async move { client.update_user(&user_id, &update).await.map(PyUser::from) })
    }

    /// Deletes a user permanently.
    fn delete_user<'py>(
        &self,
        py: Python<'py>,
        #[pyo3(from_py_with = crate::convert::arg::user_id)] user_id: String,
    ) -> PyResult<Bound<'py, PyAny>> {
        let client = self.handle.get()?;
        // `()` would become an empty tuple in Python: resolve to None.
        spawn(py, async move { client.delete_user(&user_id).await.map(|()| None::<bool>) })
    }

    /// Creates, updates or marks for deletion `username` from the directory `directory_key`.
    fn sync_user_from_directory<'py>(
        &self,
        py: Python<'py>,
        #[pyo3(from_py_with = crate::convert::arg::directory_key)] directory_key: String,
        #[pyo3(from_py_with = crate::convert::arg::username)] username: String,
    ) -> PyResult<Bound<'py, PyAny>> {
        let client = self.handle.get()?;
        spawn(py, async move { client.sync_user_from_directory(&directory_key, &username).await.map(PyUser::from) })
    }

    /// Calls any Admin API endpoint; resolves to the parsed `response` member.
    #[pyo3(signature = (method, path, params = None))]
    fn call<'py>(
        &self,
        py: Python<'py>,
        #[pyo3(from_py_with = crate::convert::arg::method)] method: String,
        #[pyo3(from_py_with = crate::convert::arg::path)] path: String,
        params: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let params = params_from_py(params)?;
        let client = self.handle.get()?;
        spawn(py, async move { client.call(&method, &path, params).await.map(Json) })
    }

    /// Previews of the mutating calls (synchronous: nothing is sent).
    #[getter]
    fn preview(&self) -> PyResult<PyPreview> {
        Ok(PyPreview { client: self.handle.get()? })
    }

    /// True once closed.
    #[getter]
    fn closed(&self) -> bool {
        self.handle.is_closed()
    }

    /// Closes the connection pool; later calls raise `InvalidInputError`.
    fn close(&self) {
        self.handle.close();
    }

    /// Awaitable form of `close()`.
    fn aclose(&self, py: Python<'_>) -> Ready {
        self.handle.close();
        Ready::new(py.None())
    }

    fn __aenter__(slf: Py<Self>) -> Ready {
        Ready::new(slf.into_any())
    }

    #[pyo3(signature = (*_args))]
    fn __aexit__(&self, py: Python<'_>, _args: &Bound<'_, PyTuple>) -> PyResult<Ready> {
        self.handle.close();
        Ok(Ready::new(false.into_pyobject(py)?.to_owned().into_any().unbind()))
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        self.handle.repr(py, "AsyncClient")
    }
}

/// The lazy async iterator returned by `AsyncClient.list_users()`, over core's user cursor.
/// Users of a page already fetched are handed out without a trip through the event loop;
/// concurrent `__anext__` calls are served in order.
#[pyclass(frozen, module = "duo_directory", name = "AsyncUserIterator")]
pub struct PyAsyncUserIterator {
    cursor: Arc<tokio::sync::Mutex<UserCursor>>,
    pages: PageCount,
}

#[pymethods]
impl PyAsyncUserIterator {
    fn __aiter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __anext__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        if let Ok(mut cursor) = self.cursor.try_lock()
            && let Some(user) = cursor.next_buffered()
        {
            let user = Bound::new(py, PyUser::from(user))?.into_any().unbind();
            return Ok(Bound::new(py, Ready::new(user))?.into_any());
        }
        let cursor = Arc::clone(&self.cursor);
        spawn_py(py, async move {
            match cursor.lock().await.next().await.map_err(err)? {
                Some(user) => Ok(PyUser::from(user)),
                None => Err(PyStopAsyncIteration::new_err(())),
            }
        })
    }

    /// How many pages have been requested so far.
    #[getter]
    fn pages_fetched(&self) -> u64 {
        self.pages.get()
    }
}

/// An awaitable whose future panics (for the panic test).
pub fn force_panic(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    spawn_py(py, async {
        #[allow(clippy::panic)]
        if std::hint::black_box(true) {
            panic!("forced panic in a future (test)");
        }
        Ok(())
    })
}
