//! The bulk calls and reconcile on `Client` / `AsyncClient`, and `Plan` / `Report` as frozen
//! objects over core's types. Conversion only: core plans, validates, chunks and applies.

use crate::client::aio::{PyAsyncClient, spawn};
use crate::client::{PyClient, interruptible, wait};
use crate::convert::{Json, py_to_json};
use crate::error::{err, guard, invalid};
use crate::models::directory::PyDirectoryUser;
use crate::models::{Model, PyUser};
use duo_directory::options::{KeyCase, from_value};
use duo_directory::reconcile::{self, ApplyOptions, FieldChange, Mapping, Outcome, Plan, PlanEntry, Report};
use duo_directory::{BulkOperation, BulkOperationResult, BulkOptions, DirectoryEvent, TrashResult, User, UserCreate};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use std::sync::Arc;

/// A reconcile plan: per user, what applying it would do. Plain data: `to_json()` saves it,
/// `Plan.from_json(text)` loads it.
#[pyclass(frozen, eq, module = "duo_directory", name = "Plan")]
#[derive(PartialEq)]
pub struct PyPlan(pub Arc<Plan>);

#[pymethods]
impl PyPlan {
    /// Loads a plan saved with `to_json()`; `InvalidInputError` (field `plan`) for anything else.
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<PyPlan> {
        Plan::from_json(text).map(|p| PyPlan(Arc::new(p))).map_err(err)
    }

    /// The plan as (indented) JSON.
    fn to_json(&self) -> String {
        self.0.to_json()
    }

    /// Format version.
    #[getter]
    fn version(&self) -> u32 {
        self.0.version
    }

    /// The directory reconciled.
    #[getter]
    fn directory_id(&self) -> &str {
        &self.0.directory_id
    }

    /// The mapping the plan was made with, as a dict.
    #[getter]
    fn mapping(&self) -> PyResult<Json> {
        serde_json::to_value(&self.0.mapping)
            .map(Json)
            .map_err(|e| err(duo_directory::Error::Internal { message: e.to_string() }))
    }

    /// One entry per user.
    #[getter]
    fn entries(&self) -> Vec<PyPlanEntry> {
        self.0.entries.iter().cloned().map(|e| PyPlanEntry(Arc::new(e))).collect()
    }

    /// How many entries of each action (`create`, `update`, ..., `conflict`).
    #[getter]
    fn summary(&self) -> std::collections::BTreeMap<&'static str, u32> {
        self.0.summary().counts().into_iter().map(|(k, n)| (k.as_str(), n)).collect()
    }

    /// Entries that write to Duo.
    #[getter]
    fn changes(&self) -> u32 {
        self.0.summary().changes()
    }

    fn __len__(&self) -> usize {
        self.0.entries.len()
    }

    fn __repr__(&self) -> String {
        let counts: Vec<String> = self
            .0
            .summary()
            .counts()
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(k, n)| format!("{}={n}", k.as_str()))
            .collect();
        format!("Plan(directory_id={:?}, {})", self.0.directory_id, counts.join(", "))
    }
}

/// One user of a plan.
#[pyclass(frozen, module = "duo_directory", name = "PlanEntry")]
pub struct PyPlanEntry(Arc<PlanEntry>);

#[pymethods]
impl PyPlanEntry {
    /// `create`, `update`, `disable`, `trash`, `restore`, `sync_from_directory`, `unchanged` or `conflict`.
    #[getter]
    fn action(&self) -> &'static str {
        self.0.action.as_str()
    }
    /// The Duo username.
    #[getter]
    fn username(&self) -> &str {
        &self.0.username
    }
    /// The directory user's id, if any.
    #[getter]
    fn directory_user_id(&self) -> Option<&str> {
        self.0.directory_user_id.as_deref()
    }
    /// The Duo user's id, if any.
    #[getter]
    fn duo_user_id(&self) -> Option<&str> {
        self.0.duo_user_id.as_deref()
    }
    /// Field changes (before is None for a user to create).
    #[getter]
    fn changes(&self) -> Vec<PyFieldChange> {
        self.0.changes.iter().cloned().map(PyFieldChange).collect()
    }
    /// For a conflict: `duplicate_username`, `shared_email`, `other_directory`, `out_of_scope` or `no_username`.
    #[getter]
    fn conflict_reason(&self) -> Option<&'static str> {
        self.0.conflict_reason()
    }
    /// For a conflict: the users involved, in words.
    #[getter]
    fn conflict_detail(&self) -> Option<&str> {
        self.0.conflict_detail()
    }
    fn __repr__(&self) -> String {
        format!("PlanEntry(action={:?}, username={:?})", self.0.action.as_str(), self.0.username)
    }
}

/// One field's change.
#[pyclass(frozen, module = "duo_directory", name = "FieldChange")]
pub struct PyFieldChange(FieldChange);

#[pymethods]
impl PyFieldChange {
    /// Duo field name.
    #[getter]
    fn field(&self) -> &str {
        &self.0.field
    }
    /// The value now (None for a user to create).
    #[getter]
    fn before(&self) -> Option<&str> {
        self.0.before.as_deref()
    }
    /// The value the plan writes.
    #[getter]
    fn after(&self) -> &str {
        &self.0.after
    }
    fn __repr__(&self) -> String {
        format!("FieldChange(field={:?}, before={:?}, after={:?})", self.0.field, self.0.before, self.0.after)
    }
}

/// Every plan entry's outcome, in plan order.
#[pyclass(frozen, module = "duo_directory", name = "Report")]
pub struct PyReport(Arc<Report>);

#[pymethods]
impl PyReport {
    /// One outcome per plan entry.
    #[getter]
    fn outcomes(&self) -> Vec<PyOutcome> {
        self.0.outcomes.iter().cloned().map(PyOutcome).collect()
    }
    /// How many outcomes are `done`, `failed`, `skipped` and `unchanged`.
    #[getter]
    fn counts(&self) -> std::collections::BTreeMap<&'static str, usize> {
        self.0.counts().into_iter().map(|(s, n)| (s.as_str(), n)).collect()
    }
    /// True when no write failed.
    #[getter]
    fn ok(&self) -> bool {
        self.0.ok()
    }
    fn __len__(&self) -> usize {
        self.0.outcomes.len()
    }
    fn __repr__(&self) -> String {
        let counts: Vec<String> = self.0.counts().into_iter().map(|(s, n)| format!("{}={n}", s.as_str())).collect();
        format!("Report({})", counts.join(", "))
    }
}

/// What happened to one user.
#[pyclass(frozen, module = "duo_directory", name = "Outcome")]
pub struct PyOutcome(Outcome);

#[pymethods]
impl PyOutcome {
    /// Position of the entry in the plan.
    #[getter]
    fn entry(&self) -> u32 {
        self.0.entry
    }
    /// The entry's username.
    #[getter]
    fn username(&self) -> &str {
        &self.0.username
    }
    /// The entry's action.
    #[getter]
    fn action(&self) -> &'static str {
        self.0.action.as_str()
    }
    /// `done`, `failed`, `skipped` or `unchanged`.
    #[getter]
    fn status(&self) -> &'static str {
        self.0.status.as_str()
    }
    /// The Duo user's id (a created user's new id).
    #[getter]
    fn duo_user_id(&self) -> Option<&str> {
        self.0.duo_user_id.as_deref()
    }
    /// Why it was skipped, or how it was found done without a write.
    #[getter]
    fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
    /// The error (a `DuoError` subclass instance) when it failed.
    #[getter]
    fn error(&self, py: Python<'_>) -> Option<Py<pyo3::exceptions::PyBaseException>> {
        self.0.error.clone().map(|e| err(e).into_value(py))
    }
    fn __repr__(&self) -> String {
        format!(
            "Outcome(username={:?}, action={:?}, status={:?})",
            self.0.username,
            self.0.action.as_str(),
            self.0.status.as_str()
        )
    }
}

/// The result of one id of a trash or restore call.
#[pyclass(frozen, get_all, module = "duo_directory", name = "TrashResult")]
pub struct PyTrashResult {
    /// The user's id.
    user_id: String,
    /// Whether Duo moved the user.
    success: bool,
}

fn trash_results(items: Vec<TrashResult>) -> Vec<PyTrashResult> {
    items.into_iter().map(|r| PyTrashResult { user_id: r.user_id, success: r.success }).collect()
}

fn operation_results(items: Vec<BulkOperationResult>) -> Vec<Json> {
    items.into_iter().map(|r| Json(serde_json::to_value(r).unwrap_or_default())).collect()
}

fn users(items: Vec<User>) -> Vec<PyUser> {
    items.into_iter().map(PyUser::from).collect()
}

/// `mapping`: None, a dict of the mapping's members, or its JSON text (core reads either).
fn mapping(value: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Mapping>> {
    let Some(value) = value else { return Ok(None) };
    Mapping::from_value(py_to_json(value, "mapping")?).map_err(err)
}

/// A call's keyword options, read by core (unknown key or wrong type: `InvalidInputError` naming it).
fn options<T: serde::de::DeserializeOwned + Default>(kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<T> {
    let value = kwargs.map(|d| py_to_json(d.as_any(), "")).transpose()?;
    from_value(value, KeyCase::Snake).map_err(err)
}

fn list<'py>(name: &str, value: &Bound<'py, PyAny>) -> PyResult<Vec<Bound<'py, PyAny>>> {
    if value.is_instance_of::<PyString>() {
        return Err(invalid(name, "expected a list, not a str"));
    }
    value.extract().map_err(|_| invalid(name, "expected a list"))
}

fn directory_users(value: &Bound<'_, PyAny>) -> PyResult<Vec<duo_directory::DirectoryUser>> {
    list("directory_users", value)?
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let user = item
                .cast::<PyDirectoryUser>()
                .map_err(|_| invalid(format!("directory_users[{i}]"), "expected a DirectoryUser"))?;
            user.get().core().cloned().map_err(err)
        })
        .collect()
}

fn duo_users(value: &Bound<'_, PyAny>) -> PyResult<Vec<User>> {
    list("duo_users", value)?
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let user = item.cast::<PyUser>().map_err(|_| invalid(format!("duo_users[{i}]"), "expected a User"))?;
            user.get().core().cloned().map_err(err)
        })
        .collect()
}

fn events(value: &Bound<'_, PyAny>) -> PyResult<Vec<DirectoryEvent>> {
    list("events", value)?
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let event = item
                .cast::<crate::directory::PyDirectoryEvent>()
                .map_err(|_| invalid(format!("events[{i}]"), "expected a DirectoryEvent"))?;
            event.get().core().cloned().map_err(err)
        })
        .collect()
}

/// `bulk_create_users`' list of dicts (each with `username` and the other bulk fields).
fn creates(value: &Bound<'_, PyAny>) -> PyResult<Vec<UserCreate>> {
    list("users", value)?
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let dict =
                item.cast::<PyDict>().map_err(|_| invalid(format!("users[{i}]"), "expected a dict of fields"))?;
            crate::client::fields(UserCreate::default(), Some(dict), UserCreate::set).map_err(|e| {
                Python::attach(|py| match e.value(py).getattr("field").and_then(|f| f.extract::<String>()) {
                    Ok(field) => invalid(format!("users[{i}].{field}"), e.value(py).to_string()),
                    Err(_) => e,
                })
            })
        })
        .collect()
}

fn ids(name: &str, value: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    list(name, value)?.iter().enumerate().map(|(i, item)| crate::convert::text(&format!("{name}[{i}]"), item)).collect()
}

fn operations(value: &Bound<'_, PyAny>) -> PyResult<Vec<BulkOperation>> {
    BulkOperation::list_from_value(py_to_json(value, "operations")?).map_err(err)
}

/// `apply`'s options: the journal (a path, `os.PathLike` too) explicit, the rest read by core.
fn apply_options(journal: Option<std::path::PathBuf>, kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<ApplyOptions> {
    Ok(ApplyOptions { journal, ..options(kwargs)? })
}

fn wrap_plan(plan: Plan) -> PyPlan {
    PyPlan(Arc::new(plan))
}

fn wrap_report(report: Report) -> PyReport {
    PyReport(Arc::new(report))
}

/// Plans the reconcile of `directory_users` into `duo_users` (pure: sends nothing).
#[pyfunction]
#[pyo3(signature = (directory_users, duo_users, mapping = None))]
pub fn plan(
    directory_users: &Bound<'_, PyAny>,
    duo_users: &Bound<'_, PyAny>,
    mapping: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyPlan> {
    let (d, u, m) = (self::directory_users(directory_users)?, self::duo_users(duo_users)?, self::mapping(mapping)?);
    guard(|| reconcile::plan(&d, &u, m.as_ref()).map(wrap_plan).map_err(err))
}

/// Plans the users that directory `events` touch against `duo_users` (pure: sends nothing).
#[pyfunction]
#[pyo3(signature = (events, duo_users, mapping = None))]
pub fn plan_events(
    events: &Bound<'_, PyAny>,
    duo_users: &Bound<'_, PyAny>,
    mapping: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyPlan> {
    let (e, u, m) = (self::events(events)?, self::duo_users(duo_users)?, self::mapping(mapping)?);
    guard(|| reconcile::plan_events(&e, &u, m.as_ref()).map(wrap_plan).map_err(err))
}

#[pymethods]
impl PyClient {
    /// Creates users with `bulk_create` (100 a request, all-or-nothing per request): each a dict
    /// of `username`, `realname`, `firstname`, `lastname`, `email`, `status`, `notes`.
    #[pyo3(signature = (users, **options), text_signature = "($self, users, *, chunk_size=None)")]
    fn bulk_create_users(
        &self,
        py: Python<'_>,
        users: &Bound<'_, PyAny>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Vec<PyUser>> {
        let (users, options) = (creates(users)?, self::options::<BulkOptions>(options)?);
        let client = self.handle.get()?;
        wait(py, || interruptible(client.bulk_create_users(&users, &options))).map(self::users)
    }

    /// Moves users to the trash (`pending deletion`); one `TrashResult` per id.
    #[pyo3(signature = (user_ids, **options), text_signature = "($self, user_ids, *, chunk_size=None)")]
    fn send_users_to_trash(
        &self,
        py: Python<'_>,
        user_ids: &Bound<'_, PyAny>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Vec<PyTrashResult>> {
        let (ids, options) = (ids("user_ids", user_ids)?, self::options::<BulkOptions>(options)?);
        let client = self.handle.get()?;
        wait(py, || interruptible(client.send_users_to_trash(&ids, &options))).map(trash_results)
    }

    /// Takes users out of the trash; one `TrashResult` per id.
    #[pyo3(signature = (user_ids, **options), text_signature = "($self, user_ids, *, chunk_size=None)")]
    fn restore_users_from_trash(
        &self,
        py: Python<'_>,
        user_ids: &Bound<'_, PyAny>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Vec<PyTrashResult>> {
        let (ids, options) = (ids("user_ids", user_ids)?, self::options::<BulkOptions>(options)?);
        let client = self.handle.get()?;
        wait(py, || interruptible(client.restore_users_from_trash(&ids, &options))).map(trash_results)
    }

    /// Runs `{method, path, body}` operations with `/admin/v1/bulk` (50 a request); one result
    /// dict per operation. `encoding`: `array` (default) or `json_string`.
    #[pyo3(signature = (operations, **options), text_signature = "($self, operations, *, encoding=None, chunk_size=None)")]
    fn bulk(
        &self,
        py: Python<'_>,
        operations: &Bound<'_, PyAny>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Vec<Json>> {
        let (ops, options) = (self::operations(operations)?, self::options::<BulkOptions>(options)?);
        let client = self.handle.get()?;
        wait(py, || interruptible(client.bulk(&ops, &options))).map(operation_results)
    }

    /// Days a trashed user stays `pending deletion` (None when Duo does not say).
    fn pending_deletion_days(&self, py: Python<'_>) -> PyResult<Option<u32>> {
        let client = self.handle.get()?;
        wait(py, || interruptible(client.pending_deletion_days()))
    }

    /// Lists every Duo user and plans the reconcile of `directory_users` against them.
    #[pyo3(signature = (directory_users, *, mapping = None))]
    fn plan_reconcile(
        &self,
        py: Python<'_>,
        directory_users: &Bound<'_, PyAny>,
        mapping: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyPlan> {
        let (users, mapping) = (self::directory_users(directory_users)?, self::mapping(mapping)?);
        let client = self.handle.get()?;
        wait(py, || interruptible(client.plan_reconcile(&users, mapping.as_ref()))).map(wrap_plan)
    }

    /// Plans the users that directory `events` touch (one batch lookup per 100 users).
    #[pyo3(signature = (events, *, mapping = None))]
    fn plan_events(
        &self,
        py: Python<'_>,
        events: &Bound<'_, PyAny>,
        mapping: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyPlan> {
        let (events, mapping) = (self::events(events)?, self::mapping(mapping)?);
        let client = self.handle.get()?;
        wait(py, || interruptible(client.plan_events(&events, mapping.as_ref()))).map(wrap_plan)
    }

    /// Applies a plan: re-reads each user, writes what still differs (bulk creates, trash and
    /// restore; `concurrency` updates at a time), and reports every user. With `journal` (a
    /// file path) an interrupted apply resumes where it stopped.
    #[pyo3(signature = (plan, *, journal = None, **options), text_signature = "($self, plan, *, concurrency=None, journal=None, chunk_size=None)")]
    fn apply(
        &self,
        py: Python<'_>,
        plan: PyRef<'_, PyPlan>,
        journal: Option<std::path::PathBuf>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<PyReport> {
        let (plan, options) = (plan.0.clone(), apply_options(journal, options)?);
        let client = self.handle.get()?;
        wait(py, || interruptible(client.apply(&plan, &options))).map(wrap_report)
    }
}

#[pymethods]
impl PyAsyncClient {
    /// Creates users with `bulk_create` (see `Client.bulk_create_users`).
    #[pyo3(signature = (users, **options), text_signature = "($self, users, *, chunk_size=None)")]
    fn bulk_create_users<'py>(
        &self,
        py: Python<'py>,
        users: &Bound<'_, PyAny>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (users, options) = (creates(users)?, self::options::<BulkOptions>(options)?);
        let client = self.handle.get()?;
        spawn(py, async move { client.bulk_create_users(&users, &options).await.map(self::users) })
    }

    /// Moves users to the trash (see `Client.send_users_to_trash`).
    #[pyo3(signature = (user_ids, **options), text_signature = "($self, user_ids, *, chunk_size=None)")]
    fn send_users_to_trash<'py>(
        &self,
        py: Python<'py>,
        user_ids: &Bound<'_, PyAny>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (ids, options) = (ids("user_ids", user_ids)?, self::options::<BulkOptions>(options)?);
        let client = self.handle.get()?;
        spawn(py, async move { client.send_users_to_trash(&ids, &options).await.map(trash_results) })
    }

    /// Takes users out of the trash (see `Client.restore_users_from_trash`).
    #[pyo3(signature = (user_ids, **options), text_signature = "($self, user_ids, *, chunk_size=None)")]
    fn restore_users_from_trash<'py>(
        &self,
        py: Python<'py>,
        user_ids: &Bound<'_, PyAny>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (ids, options) = (ids("user_ids", user_ids)?, self::options::<BulkOptions>(options)?);
        let client = self.handle.get()?;
        spawn(py, async move { client.restore_users_from_trash(&ids, &options).await.map(trash_results) })
    }

    /// Runs operations with `/admin/v1/bulk` (see `Client.bulk`).
    #[pyo3(signature = (operations, **options), text_signature = "($self, operations, *, encoding=None, chunk_size=None)")]
    fn bulk<'py>(
        &self,
        py: Python<'py>,
        operations: &Bound<'_, PyAny>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (ops, options) = (self::operations(operations)?, self::options::<BulkOptions>(options)?);
        let client = self.handle.get()?;
        spawn(py, async move { client.bulk(&ops, &options).await.map(operation_results) })
    }

    /// Days a trashed user stays `pending deletion`.
    fn pending_deletion_days<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let client = self.handle.get()?;
        spawn(py, async move { client.pending_deletion_days().await })
    }

    /// Lists every Duo user and plans the reconcile (see `Client.plan_reconcile`).
    #[pyo3(signature = (directory_users, *, mapping = None))]
    fn plan_reconcile<'py>(
        &self,
        py: Python<'py>,
        directory_users: &Bound<'_, PyAny>,
        mapping: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (users, mapping) = (self::directory_users(directory_users)?, self::mapping(mapping)?);
        let client = self.handle.get()?;
        spawn(py, async move { client.plan_reconcile(&users, mapping.as_ref()).await.map(wrap_plan) })
    }

    /// Plans the users that directory `events` touch (see `Client.plan_events`).
    #[pyo3(signature = (events, *, mapping = None))]
    fn plan_events<'py>(
        &self,
        py: Python<'py>,
        events: &Bound<'_, PyAny>,
        mapping: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (events, mapping) = (self::events(events)?, self::mapping(mapping)?);
        let client = self.handle.get()?;
        spawn(py, async move { client.plan_events(&events, mapping.as_ref()).await.map(wrap_plan) })
    }

    /// Applies a plan (see `Client.apply`).
    #[pyo3(signature = (plan, *, journal = None, **options), text_signature = "($self, plan, *, concurrency=None, journal=None, chunk_size=None)")]
    fn apply<'py>(
        &self,
        py: Python<'py>,
        plan: PyRef<'_, PyPlan>,
        journal: Option<std::path::PathBuf>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (plan, options) = (plan.0.clone(), apply_options(journal, options)?);
        let client = self.handle.get()?;
        spawn(py, async move { client.apply(&plan, &options).await.map(wrap_report) })
    }
}

/// Registers the classes and functions.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyPlan>()?;
    m.add_class::<PyPlanEntry>()?;
    m.add_class::<PyFieldChange>()?;
    m.add_class::<PyReport>()?;
    m.add_class::<PyOutcome>()?;
    m.add_class::<PyTrashResult>()?;
    m.add_function(wrap_pyfunction!(plan, m)?)?;
    m.add_function(wrap_pyfunction!(plan_events, m)?)?;
    Ok(())
}
