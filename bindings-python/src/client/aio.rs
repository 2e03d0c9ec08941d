//! `AsyncClient`: the same operations as awaitables, driven by core's one process-wide tokio
//! runtime (`duo_directory::runtime::shared()`, fork-aware) through pyo3-async-runtimes.

use super::{Fields, Handle, PyPreview, config, lock};
use crate::convert::{Json, params_from_py};
use crate::error::{err, internal, panic_message};
use crate::models::PyUser;
use duo_directory::{Error, LazyUser, UserPager};
use futures_util::FutureExt;
use pyo3::exceptions::{PyStopAsyncIteration, PyStopIteration};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};
use pyo3_async_runtimes::TaskLocals;
use pyo3_async_runtimes::generic::{ContextExt, Runtime};
use std::cell::OnceCell;
use std::collections::VecDeque;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

/// pyo3-async-runtimes' view of core's shared runtime. Unlike a runtime registered once with
/// `pyo3_async_runtimes::tokio::init_with_runtime`, this one follows `runtime::shared()` into a
/// forked child (whose parent runtime has no worker threads).
struct CoreRuntime;

tokio::task_local! {
    static TASK_LOCALS: OnceCell<TaskLocals>;
}

fn runtime() -> &'static tokio::runtime::Runtime {
    match duo_directory::runtime::shared() {
        Ok(rt) => rt,
        // Only when no runtime can be built at all (checked before every spawn, see `spawn_py`).
        Err(_) => pyo3_async_runtimes::tokio::get_runtime(),
    }
}

impl Runtime for CoreRuntime {
    type JoinError = tokio::task::JoinError;
    type JoinHandle = tokio::task::JoinHandle<()>;

    fn spawn<F>(fut: F) -> Self::JoinHandle
    where
        F: Future<Output = ()> + Send + 'static,
    {
        runtime().spawn(fut)
    }

    fn spawn_blocking<F>(f: F) -> Self::JoinHandle
    where
        F: FnOnce() + Send + 'static,
    {
        runtime().spawn_blocking(f)
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
fn spawn_py<'py, T>(
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
fn spawn<'py, T>(
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
    fn new(value: Py<PyAny>) -> Self {
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

/// The asyncio Duo Admin API client: the methods of `Client` as awaitables.
///
/// Use `async with AsyncClient(...) as client:` to close its pool at the end.
#[pyclass(frozen, module = "duo_directory", name = "AsyncClient")]
pub struct PyAsyncClient {
    handle: Handle,
}

#[pymethods]
impl PyAsyncClient {
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
        Ok(PyAsyncClient { handle: Handle::new(py, config)? })
    }

    /// Every user, as a lazy async iterator (`async for`): pages are requested on demand.
    #[pyo3(signature = (*, page_size = None))]
    fn list_users(&self, page_size: Option<u32>) -> PyResult<PyAsyncUserIterator> {
        let pager = self.handle.get()?.user_pages(page_size).map_err(err)?;
        let state = AsyncIterState { pager: Some(pager), buffer: VecDeque::new(), done: false };
        Ok(PyAsyncUserIterator { state: Arc::new(Mutex::new(state)) })
    }

    /// One user by id; raises `NotFoundError` when there is none.
    fn get_user<'py>(&self, py: Python<'py>, user_id: String) -> PyResult<Bound<'py, PyAny>> {
        let client = self.handle.get()?;
        spawn(py, async move { client.get_user(&user_id).await.map(PyUser::from) })
    }

    /// The user with this username (or alias), or None.
    fn get_user_by_username<'py>(&self, py: Python<'py>, username: String) -> PyResult<Bound<'py, PyAny>> {
        let client = self.handle.get()?;
        spawn(py, async move { Ok(client.get_user_by_username(&username).await?.map(PyUser::from)) })
    }

    /// The users with this email address.
    fn get_users_by_email<'py>(&self, py: Python<'py>, email: String) -> PyResult<Bound<'py, PyAny>> {
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
        username: String,
        fields: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let create = Fields::parse(fields, false)?.create(username);
        let client = self.handle.get()?;
        spawn(py, async move { client.create_user(&create).await.map(PyUser::from) })
    }

    /// Changes a user: None leaves a field unchanged, "" sets it empty.
    #[pyo3(signature = (user_id, **fields))]
    fn update_user<'py>(
        &self,
        py: Python<'py>,
        user_id: String,
        fields: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let update = Fields::parse(fields, true)?.update();
        let client = self.handle.get()?;
        spawn(py, async move { client.update_user(&user_id, &update).await.map(PyUser::from) })
    }

    /// Deletes a user permanently.
    fn delete_user<'py>(&self, py: Python<'py>, user_id: String) -> PyResult<Bound<'py, PyAny>> {
        let client = self.handle.get()?;
        // `()` would become an empty tuple in Python: resolve to None.
        spawn(py, async move { client.delete_user(&user_id).await.map(|()| None::<bool>) })
    }

    /// Creates, updates or marks for deletion `username` from the directory `directory_key`.
    fn sync_user_from_directory<'py>(
        &self,
        py: Python<'py>,
        directory_key: String,
        username: String,
    ) -> PyResult<Bound<'py, PyAny>> {
        let client = self.handle.get()?;
        spawn(py, async move { client.sync_user_from_directory(&directory_key, &username).await.map(PyUser::from) })
    }

    /// Calls any Admin API endpoint; resolves to the parsed `response` member.
    #[pyo3(signature = (method, path, params = None))]
    fn call<'py>(
        &self,
        py: Python<'py>,
        method: String,
        path: String,
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

struct AsyncIterState {
    /// Taken out while a page is being fetched.
    pager: Option<UserPager>,
    buffer: VecDeque<LazyUser>,
    done: bool,
}

/// The lazy async iterator returned by `AsyncClient.list_users()`. Users of a page already fetched
/// are handed out without a trip through the event loop.
#[pyclass(frozen, module = "duo_directory", name = "AsyncUserIterator")]
pub struct PyAsyncUserIterator {
    state: Arc<Mutex<AsyncIterState>>,
}

#[pymethods]
impl PyAsyncUserIterator {
    fn __aiter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __anext__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let pager = {
            let mut state = lock(&self.state);
            if let Some(user) = state.buffer.pop_front() {
                let user = Bound::new(py, PyUser::from(user))?.into_any().unbind();
                return Ok(Bound::new(py, Ready::new(user))?.into_any());
            }
            if state.done {
                return Err(PyStopAsyncIteration::new_err(()));
            }
            state
                .pager
                .take()
                .ok_or_else(|| crate::error::invalid("list_users", "another __anext__ is still waiting for a page"))?
        };
        let shared = Arc::clone(&self.state);
        spawn_py(py, async move {
            let mut pager = pager;
            let page = pager.next_page().await;
            let mut state = lock(&shared);
            state.pager = Some(pager);
            match page {
                Ok(Some(page)) => state.buffer.extend(page.users),
                Ok(None) => state.done = true,
                Err(e) => {
                    state.done = true;
                    drop(state);
                    return Err(err(e));
                }
            }
            match state.buffer.pop_front() {
                Some(user) => Ok(PyUser::from(user)),
                None => {
                    state.done = true;
                    Err(PyStopAsyncIteration::new_err(()))
                }
            }
        })
    }

    /// How many pages have been requested so far.
    #[getter]
    fn pages_fetched(&self) -> u64 {
        lock(&self.state).pager.as_ref().map_or(0, UserPager::pages_fetched)
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
