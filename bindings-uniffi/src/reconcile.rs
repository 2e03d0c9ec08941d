//! The bulk calls and reconcile on `Client` (suspend/async), `Plan` as an object over core's plan
//! and its entries and the `Report` as records. Conversion only: core plans, validates, chunks
//! and applies. The mapping crosses as its JSON text (`mapping`), the file format of core.

use crate::client::{Client, UserFields};
use crate::directory::DirectoryEvent;
use crate::error::{DuoError, Result, guard};
use crate::models::{DirectoryUser, User};
use duo_directory::reconcile::{self, ApplyOptions, Mapping, Plan as CorePlan};
use duo_directory::runtime::run;
use duo_directory::{BulkOptions, Error, count};
use std::collections::HashMap;
use std::sync::Arc;

/// One field's change: its Duo name, the value now (null for a user to create) and after.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FieldChange {
    /// Duo field name.
    pub field: String,
    /// The value now.
    pub before: Option<String>,
    /// The value the plan writes.
    pub after: String,
}

/// One user of a plan.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PlanEntry {
    /// `create`, `update`, `disable`, `trash`, `restore`, `sync_from_directory`, `unchanged` or `conflict`.
    pub action: String,
    /// The Duo username.
    pub username: String,
    /// The directory user's id.
    pub directory_user_id: Option<String>,
    /// The Duo user's id.
    pub duo_user_id: Option<String>,
    /// Field changes.
    pub changes: Vec<FieldChange>,
    /// For a conflict: `duplicate_username`, `shared_email`, `other_directory`, `out_of_scope` or `no_username`.
    pub conflict_reason: Option<String>,
    /// For a conflict: the users involved, in words.
    pub conflict_detail: Option<String>,
}

/// A reconcile plan: per user, what applying it would do. `toJson()` saves it,
/// `planFromJson(text)` loads it.
#[derive(uniffi::Object)]
pub struct Plan(Arc<CorePlan>);

fn wrap(plan: CorePlan) -> Arc<Plan> {
    Arc::new(Plan(Arc::new(plan)))
}

#[uniffi::export]
impl Plan {
    /// The plan as (indented) JSON.
    pub fn to_json(&self) -> String {
        self.0.to_json()
    }
    /// Format version.
    pub fn version(&self) -> u32 {
        self.0.version
    }
    /// The directory reconciled.
    pub fn directory_id(&self) -> String {
        self.0.directory_id.clone()
    }
    /// The mapping the plan was made with, as JSON.
    pub fn mapping(&self) -> String {
        self.0.mapping.to_json()
    }
    /// One entry per user.
    pub fn entries(&self) -> Vec<PlanEntry> {
        self.0
            .entries
            .iter()
            .map(|e| PlanEntry {
                action: e.action.as_str().into(),
                username: e.username.clone(),
                directory_user_id: e.directory_user_id.clone(),
                duo_user_id: e.duo_user_id.clone(),
                changes: e
                    .changes
                    .iter()
                    .map(|c| FieldChange { field: c.field.clone(), before: c.before.clone(), after: c.after.clone() })
                    .collect(),
                conflict_reason: e.conflict_reason().map(Into::into),
                conflict_detail: e.conflict_detail().map(Into::into),
            })
            .collect()
    }
    /// How many entries of each action.
    pub fn summary(&self) -> HashMap<String, u32> {
        self.0.summary().counts().into_iter().map(|(k, n)| (k.as_str().to_string(), n)).collect()
    }
    /// Entries that write to Duo.
    pub fn changes(&self) -> u32 {
        self.0.summary().changes()
    }
}

/// Loads a plan saved with `toJson()`; `DuoException.InvalidInput` (field `plan`) otherwise.
#[uniffi::export]
pub fn plan_from_json(text: String) -> Result<Arc<Plan>> {
    guard(|| Ok(wrap(CorePlan::from_json(&text)?)))
}

/// What happened to one user.
#[derive(Debug, uniffi::Record)]
pub struct Outcome {
    /// Position of the entry in the plan.
    pub entry: u32,
    /// The entry's username.
    pub username: String,
    /// The entry's action.
    pub action: String,
    /// `done`, `failed`, `skipped` or `unchanged`.
    pub status: String,
    /// The Duo user's id (a created user's new id).
    pub duo_user_id: Option<String>,
    /// Why it was skipped, or how it was found done without a write.
    pub reason: Option<String>,
    /// The error, when it failed: the `DuoException` (Swift `DuoError`) the call would have thrown.
    pub error: Option<DuoError>,
}

/// Every plan entry's outcome, in plan order.
#[derive(Debug, uniffi::Record)]
pub struct Report {
    /// One per entry.
    pub outcomes: Vec<Outcome>,
    /// True when no write failed.
    pub ok: bool,
    /// How many are `done`, `failed`, `skipped`, `unchanged`.
    pub counts: HashMap<String, u32>,
}

fn report(r: reconcile::Report) -> Report {
    let counts =
        r.counts().into_iter().map(|(s, n)| (s.as_str().to_string(), u32::try_from(n).unwrap_or(u32::MAX))).collect();
    Report {
        ok: r.ok(),
        counts,
        outcomes: r
            .outcomes
            .into_iter()
            .map(|o| Outcome {
                entry: o.entry,
                username: o.username,
                action: o.action.as_str().into(),
                status: o.status.as_str().into(),
                duo_user_id: o.duo_user_id,
                reason: o.reason,
                error: o.error.map(DuoError::from),
            })
            .collect(),
    }
}

/// The result of one id of a trash or restore call.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TrashResult {
    /// The user's id.
    pub user_id: String,
    /// Whether Duo moved the user.
    pub success: bool,
}

fn trash(items: Vec<duo_directory::TrashResult>) -> Vec<TrashResult> {
    items.into_iter().map(|r| TrashResult { user_id: r.user_id, success: r.success }).collect()
}

/// One operation of `bulk`: method, Admin API path and its parameters as a JSON object.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BulkOperation {
    /// `POST` or `DELETE`.
    pub method: String,
    /// The operation's path.
    pub path: String,
    /// Its parameters, a JSON object (`{}` when none).
    pub body_json: String,
}

/// The answer to one operation of `bulk`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BulkOperationResult {
    /// `OK` or `FAIL`.
    pub stat: String,
    /// The operation's `response`, as JSON, when it succeeded.
    pub response_json: Option<String>,
    /// Duo's error code, when it failed.
    pub code: Option<i64>,
    /// Duo's message, when it failed.
    pub text: Option<String>,
}

fn chunk(value: Option<i64>) -> Result<Option<u32>> {
    Ok(value.map(|v| count("chunk_size", i128::from(v), u32::MAX)).transpose()?)
}

fn mapping(text: Option<String>) -> Result<Option<Mapping>> {
    Ok(text.map(|t| Mapping::from_json(&t)).transpose()?)
}

fn directory_users(users: Vec<DirectoryUser>) -> Result<Vec<duo_directory::DirectoryUser>> {
    users.into_iter().map(DirectoryUser::into_core).collect()
}

fn duo_users(users: Vec<User>) -> Result<Vec<duo_directory::User>> {
    users.into_iter().map(User::into_core).collect()
}

fn events(events: Vec<DirectoryEvent>) -> Result<Vec<duo_directory::DirectoryEvent>> {
    events.into_iter().map(|e| Ok(duo_directory::DirectoryEvent::from_json(&e.json)?)).collect()
}

/// Plans the reconcile of `directoryUsers` into `duoUsers` (pure: sends nothing).
#[uniffi::export(default(mapping = None))]
pub fn plan(directory_users: Vec<DirectoryUser>, duo_users: Vec<User>, mapping: Option<String>) -> Result<Arc<Plan>> {
    guard(|| {
        let (d, u, m) = (self::directory_users(directory_users)?, self::duo_users(duo_users)?, self::mapping(mapping)?);
        Ok(wrap(reconcile::plan(&d, &u, m.as_ref())?))
    })
}

/// Plans the users that directory `events` touch against `duoUsers` (pure: sends nothing).
#[uniffi::export(default(mapping = None))]
pub fn plan_events(events: Vec<DirectoryEvent>, duo_users: Vec<User>, mapping: Option<String>) -> Result<Arc<Plan>> {
    guard(|| {
        let (e, u, m) = (self::events(events)?, self::duo_users(duo_users)?, self::mapping(mapping)?);
        Ok(wrap(reconcile::plan_events(&e, &u, m.as_ref())?))
    })
}

#[uniffi::export]
impl Client {
    /// Creates users with `bulk_create` (100 a request, all-or-nothing per request); each
    /// `UserFields` needs `username`; aliases are refused (`InvalidInput`, `users[i].aliasN`).
    #[uniffi::method(default(chunk_size = None))]
    pub async fn bulk_create_users(&self, users: Vec<UserFields>, chunk_size: Option<i64>) -> Result<Vec<User>> {
        let mut creates = Vec::with_capacity(users.len());
        for fields in users {
            creates.push(fields.apply(duo_directory::UserCreate::default(), duo_directory::UserCreate::set)?);
        }
        let (c, options) = (self.core()?, BulkOptions { chunk_size: chunk(chunk_size)?, encoding: None });
        let made = run(async move { c.bulk_create_users(&creates, &options).await }).await?;
        Ok(made.into_iter().map(User::from).collect())
    }

    /// Moves users to the trash (`pending deletion`); one result per id.
    #[uniffi::method(default(chunk_size = None))]
    pub async fn send_users_to_trash(
        &self,
        user_ids: Vec<String>,
        chunk_size: Option<i64>,
    ) -> Result<Vec<TrashResult>> {
        let (c, options) = (self.core()?, BulkOptions { chunk_size: chunk(chunk_size)?, encoding: None });
        Ok(trash(run(async move { c.send_users_to_trash(&user_ids, &options).await }).await?))
    }

    /// Takes users out of the trash; one result per id.
    #[uniffi::method(default(chunk_size = None))]
    pub async fn restore_users_from_trash(
        &self,
        user_ids: Vec<String>,
        chunk_size: Option<i64>,
    ) -> Result<Vec<TrashResult>> {
        let (c, options) = (self.core()?, BulkOptions { chunk_size: chunk(chunk_size)?, encoding: None });
        Ok(trash(run(async move { c.restore_users_from_trash(&user_ids, &options).await }).await?))
    }

    /// Runs operations with `/admin/v1/bulk` (50 a request); one result per operation.
    /// `encoding`: `array` (default) or `json_string`.
    #[uniffi::method(default(encoding = None, chunk_size = None))]
    pub async fn bulk(
        &self,
        operations: Vec<BulkOperation>,
        encoding: Option<String>,
        chunk_size: Option<i64>,
    ) -> Result<Vec<BulkOperationResult>> {
        let mut ops = Vec::with_capacity(operations.len());
        for (i, op) in operations.into_iter().enumerate() {
            let body = match serde_json::from_str(&op.body_json) {
                Ok(serde_json::Value::Object(map)) => map,
                _ => return Err(Error::invalid(format!("operations[{i}].body_json"), "not a JSON object").into()),
            };
            ops.push(duo_directory::BulkOperation { method: op.method, path: op.path, body });
        }
        let encoding = encoding.map(|e| e.parse()).transpose()?;
        let (c, options) = (self.core()?, BulkOptions { chunk_size: chunk(chunk_size)?, encoding });
        let results = run(async move { c.bulk(&ops, &options).await }).await?;
        Ok(results
            .into_iter()
            .map(|r| BulkOperationResult {
                stat: r.stat,
                response_json: r.response.map(|v| v.to_string()),
                code: r.code,
                text: r.message,
            })
            .collect())
    }

    /// Days a trashed user stays `pending deletion` (null when Duo does not say).
    pub async fn pending_deletion_days(&self) -> Result<Option<u32>> {
        let c = self.core()?;
        Ok(run(async move { c.pending_deletion_days().await }).await?)
    }

    /// Lists every Duo user and plans the reconcile of `directoryUsers` against them.
    #[uniffi::method(default(mapping = None))]
    pub async fn plan_reconcile(
        &self,
        directory_users: Vec<DirectoryUser>,
        mapping: Option<String>,
    ) -> Result<Arc<Plan>> {
        let (c, users, m) = (self.core()?, self::directory_users(directory_users)?, self::mapping(mapping)?);
        Ok(wrap(run(async move { c.plan_reconcile(&users, m.as_ref()).await }).await?))
    }

    /// Plans the users that directory `events` touch (one batch lookup per 100 users).
    #[uniffi::method(default(mapping = None))]
    pub async fn plan_events(&self, events: Vec<DirectoryEvent>, mapping: Option<String>) -> Result<Arc<Plan>> {
        let (c, events, m) = (self.core()?, self::events(events)?, self::mapping(mapping)?);
        Ok(wrap(run(async move { c.plan_events(&events, m.as_ref()).await }).await?))
    }

    /// Applies a plan: re-reads each user, writes what still differs (bulk creates, trash and
    /// restore; `concurrency` updates at a time), and reports every user. With `journal` (a file
    /// path) an interrupted apply resumes where it stopped.
    #[uniffi::method(default(concurrency = None, journal = None, chunk_size = None))]
    pub async fn apply(
        &self,
        plan: Arc<Plan>,
        concurrency: Option<i64>,
        journal: Option<String>,
        chunk_size: Option<i64>,
    ) -> Result<Report> {
        let concurrency = concurrency.map(|v| count("concurrency", i128::from(v), u32::MAX)).transpose()?;
        let options = ApplyOptions {
            concurrency,
            journal: journal.map(Into::into),
            chunk_size: chunk(chunk_size)?,
            progress: None,
        };
        let (c, plan) = (self.core()?, plan.0.clone());
        Ok(report(run(async move { c.apply(&plan, &options).await }).await?))
    }
}
