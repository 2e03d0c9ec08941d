//! The bulk calls and reconcile on `Client`, `Plan` as a class over core's plan, `Report` as a
//! plain object. Conversion only: core plans, validates, chunks and applies.

use crate::client::Client;
use crate::directory::DirectoryEvent;
use crate::error::{promise, promise_in, sync, to_js};
use crate::models::{DirectoryUser, User};
use duo_directory::options::{KeyCase, from_value};
use duo_directory::reconcile::{self, Mapping, Plan as CorePlan};
use duo_directory::{BulkOperation, Error, UserCreate};
use napi::Env;
use napi::bindgen_prelude::PromiseRaw;
use napi_derive::napi;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

/// One field's change: its Duo name, the value now (absent for a user to create) and after.
#[napi(object)]
pub struct FieldChange {
    /// Duo field name.
    pub field: String,
    /// The value now.
    pub before: Option<String>,
    /// The value the plan writes.
    pub after: String,
}

/// One user of a plan.
#[napi(object)]
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

/// A reconcile plan: per user, what applying it would do. `toJSON()` is the saved form
/// (`JSON.stringify(plan)`), `Plan.fromJSON(text)` loads it.
#[napi]
pub struct Plan {
    inner: Arc<CorePlan>,
}

fn wrap(plan: CorePlan) -> Plan {
    Plan { inner: Arc::new(plan) }
}

#[napi]
impl Plan {
    /// Loads a plan from its JSON text or object; `InvalidInputError` (field `plan`) otherwise.
    #[napi(js_name = "fromJSON")]
    pub fn from_json(
        env: Env,
        #[napi(ts_arg_type = "string | Record<string, unknown>")] input: Value,
    ) -> napi::Result<Plan> {
        let text = match input {
            Value::String(s) => s,
            other => other.to_string(),
        };
        sync(&env, || CorePlan::from_json(&text).map(wrap))
    }

    /// The plan as an object in its file format (what `JSON.stringify` writes).
    #[napi(js_name = "toJSON", ts_return_type = "Record<string, unknown>")]
    pub fn to_json(&self) -> Value {
        serde_json::to_value(&*self.inner).unwrap_or_default()
    }

    /// Format version.
    #[napi(getter)]
    pub fn version(&self) -> u32 {
        self.inner.version
    }

    /// The directory reconciled.
    #[napi(getter)]
    pub fn directory_id(&self) -> String {
        self.inner.directory_id.clone()
    }

    /// The mapping the plan was made with (its JSON form).
    #[napi(getter, ts_return_type = "Record<string, unknown>")]
    pub fn mapping(&self) -> Value {
        serde_json::to_value(&self.inner.mapping).unwrap_or_default()
    }

    /// One entry per user.
    #[napi(getter)]
    pub fn entries(&self) -> Vec<PlanEntry> {
        self.inner
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
    #[napi(getter)]
    pub fn summary(&self) -> HashMap<String, u32> {
        self.inner.summary().counts().into_iter().map(|(k, n)| (k.as_str().to_string(), n)).collect()
    }

    /// Entries that write to Duo.
    #[napi(getter)]
    pub fn changes(&self) -> u32 {
        self.inner.summary().changes()
    }
}

/// What happened to one user.
#[napi(object, object_from_js = false)]
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
    /// The error, when it failed: the `DuoError` (subclass) instance the call would have thrown.
    #[napi(ts_type = "DuoError")]
    pub error: Option<napi::Error>,
}

/// Every plan entry's outcome, in plan order.
#[napi(object, object_from_js = false)]
pub struct Report {
    /// One per entry.
    pub outcomes: Vec<Outcome>,
    /// True when no write failed.
    pub ok: bool,
    /// How many are `done`, `failed`, `skipped`, `unchanged`.
    pub counts: HashMap<String, u32>,
}

fn report(env: &Env, r: reconcile::Report) -> Report {
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
                error: o.error.map(|e| to_js(env, e)),
            })
            .collect(),
    }
}

/// The result of one id of a trash or restore call.
#[napi(object)]
pub struct TrashResult {
    /// The user's id.
    pub user_id: String,
    /// Whether Duo moved the user.
    pub success: bool,
}

fn trash(items: Vec<duo_directory::TrashResult>) -> Vec<TrashResult> {
    items.into_iter().map(|r| TrashResult { user_id: r.user_id, success: r.success }).collect()
}

// The option objects (`BulkOptions`, `ApplyOptions`, `PlanOptions`) are declared for TypeScript in
// dts-header.d.ts: core reads them (`duo_directory::options::from_value`), naming a wrong key.
fn options<T: serde::de::DeserializeOwned + Default>(value: Option<Value>) -> duo_directory::Result<T> {
    from_value(value, KeyCase::Camel)
}

fn mapping(value: Option<Value>) -> duo_directory::Result<Option<Mapping>> {
    Mapping::from_value(value.unwrap_or_default())
}

fn creates(users: Value) -> duo_directory::Result<Vec<UserCreate>> {
    let Value::Array(items) = users else { return Err(Error::invalid("users", "expected an array of objects")) };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let Value::Object(map) = item else {
                return Err(Error::invalid(format!("users[{i}]"), "expected an object"));
            };
            let mut create = UserCreate::default();
            for (name, value) in map {
                let value = match value {
                    Value::String(s) => Some(s),
                    Value::Null => None,
                    _ => return Err(Error::invalid(format!("users[{i}].{name}"), "expected a string")),
                };
                create.set(&name, value.as_deref()).map_err(|e| match e {
                    Error::InvalidInput { field, reason } => Error::invalid(format!("users[{i}].{field}"), reason),
                    other => other,
                })?;
            }
            Ok(create)
        })
        .collect()
}

fn ids(value: Value) -> duo_directory::Result<Vec<String>> {
    let Value::Array(items) = value else { return Err(Error::invalid("userIds", "expected an array of strings")) };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| match item {
            Value::String(s) => Ok(s),
            _ => Err(Error::invalid(format!("userIds[{i}]"), "expected a string")),
        })
        .collect()
}

fn core_users(env: &Env, users: &[&User]) -> napi::Result<Vec<duo_directory::User>> {
    users.iter().map(|u| u.full(env).cloned()).collect()
}

/// Plans the reconcile of `directoryUsers` into `duoUsers` (pure: sends nothing).
#[napi(
    js_name = "plan",
    ts_args_type = "directoryUsers: DirectoryUser[], duoUsers: User[], mapping?: Record<string, unknown> | string | null"
)]
pub fn plan(
    env: Env,
    directory_users: Vec<&DirectoryUser>,
    duo_users: Vec<&User>,
    mapping: Option<Value>,
) -> napi::Result<Plan> {
    let directory: Vec<_> = directory_users.iter().map(|u| u.core_clone()).collect();
    let duo = core_users(&env, &duo_users)?;
    sync(&env, || reconcile::plan(&directory, &duo, self::mapping(mapping)?.as_ref()).map(wrap))
}

/// Plans the users that directory `events` touch against `duoUsers` (pure: sends nothing).
#[napi(
    js_name = "planEvents",
    ts_args_type = "events: DirectoryEvent[], duoUsers: User[], mapping?: Record<string, unknown> | string | null"
)]
pub fn plan_events(
    env: Env,
    events: Vec<&DirectoryEvent>,
    duo_users: Vec<&User>,
    mapping: Option<Value>,
) -> napi::Result<Plan> {
    let events: Vec<_> = events.iter().map(|e| e.core().clone()).collect();
    let duo = core_users(&env, &duo_users)?;
    sync(&env, || reconcile::plan_events(&events, &duo, self::mapping(mapping)?.as_ref()).map(wrap))
}

#[napi]
impl Client {
    /// Creates users with `bulk_create` (100 a request, all-or-nothing per request): objects of
    /// `username`, `realname`, `firstname`, `lastname`, `email`, `status`, `notes`.
    #[napi(ts_return_type = "Promise<User[]>")]
    pub fn bulk_create_users<'e>(
        &self,
        env: &'e Env,
        #[napi(ts_arg_type = "Array<Record<string, string>>")] users: Value,
        #[napi(ts_arg_type = "BulkOptions")] options: Option<Value>,
    ) -> napi::Result<PromiseRaw<'e, Vec<User>>> {
        let client = self.get();
        promise(
            env,
            async move { client?.bulk_create_users(&creates(users)?, &self::options(options)?).await },
            |users| users.into_iter().map(User::from).collect(),
        )
    }

    /// Moves users to the trash (`pending deletion`); one result per id.
    #[napi(ts_return_type = "Promise<TrashResult[]>")]
    pub fn send_users_to_trash<'e>(
        &self,
        env: &'e Env,
        #[napi(ts_arg_type = "string[]")] user_ids: Value,
        #[napi(ts_arg_type = "BulkOptions")] options: Option<Value>,
    ) -> napi::Result<PromiseRaw<'e, Vec<TrashResult>>> {
        let client = self.get();
        promise(env, async move { client?.send_users_to_trash(&ids(user_ids)?, &self::options(options)?).await }, trash)
    }

    /// Takes users out of the trash; one result per id.
    #[napi(ts_return_type = "Promise<TrashResult[]>")]
    pub fn restore_users_from_trash<'e>(
        &self,
        env: &'e Env,
        #[napi(ts_arg_type = "string[]")] user_ids: Value,
        #[napi(ts_arg_type = "BulkOptions")] options: Option<Value>,
    ) -> napi::Result<PromiseRaw<'e, Vec<TrashResult>>> {
        let client = self.get();
        promise(
            env,
            async move { client?.restore_users_from_trash(&ids(user_ids)?, &self::options(options)?).await },
            trash,
        )
    }

    /// Runs `{method, path, body}` operations with `/admin/v1/bulk` (50 a request); one result
    /// object (`{stat, response}` or `{stat, code, message}`) per operation.
    #[napi(ts_return_type = "Promise<Array<Record<string, unknown>>>")]
    pub fn bulk<'e>(
        &self,
        env: &'e Env,
        #[napi(ts_arg_type = "Array<{ method: string; path: string; body?: Record<string, unknown> }>")]
        operations: Value,
        #[napi(ts_arg_type = "BulkOptions")] options: Option<Value>,
    ) -> napi::Result<PromiseRaw<'e, Vec<Value>>> {
        let client = self.get();
        promise(
            env,
            async move { client?.bulk(&BulkOperation::list_from_value(operations)?, &self::options(options)?).await },
            |items| items.into_iter().map(|r| serde_json::to_value(r).unwrap_or_default()).collect(),
        )
    }

    /// Days a trashed user stays `pending deletion` (null when Duo does not say).
    #[napi(ts_return_type = "Promise<number | null>")]
    pub fn pending_deletion_days<'e>(&self, env: &'e Env) -> napi::Result<PromiseRaw<'e, Option<u32>>> {
        let client = self.get();
        promise(env, async move { client?.pending_deletion_days().await }, |d| d)
    }

    /// Lists every Duo user and plans the reconcile of `directoryUsers` against them.
    #[napi(ts_return_type = "Promise<Plan>")]
    pub fn plan_reconcile<'e>(
        &self,
        env: &'e Env,
        directory_users: Vec<&DirectoryUser>,
        #[napi(ts_arg_type = "PlanOptions")] options: Option<Value>,
    ) -> napi::Result<PromiseRaw<'e, Plan>> {
        let users: Vec<_> = directory_users.iter().map(|u| u.core_clone()).collect();
        let client = self.get();
        promise(
            env,
            async move {
                let o: reconcile::PlanOptions = self::options(options)?;
                client?.plan_reconcile(&users, o.mapping.as_ref()).await
            },
            wrap,
        )
    }

    /// Plans the users that directory `events` touch (one batch lookup per 100 users).
    #[napi(ts_return_type = "Promise<Plan>")]
    pub fn plan_events<'e>(
        &self,
        env: &'e Env,
        events: Vec<&DirectoryEvent>,
        #[napi(ts_arg_type = "PlanOptions")] options: Option<Value>,
    ) -> napi::Result<PromiseRaw<'e, Plan>> {
        let events: Vec<_> = events.iter().map(|e| e.core().clone()).collect();
        let client = self.get();
        promise(
            env,
            async move {
                let o: reconcile::PlanOptions = self::options(options)?;
                client?.plan_events(&events, o.mapping.as_ref()).await
            },
            wrap,
        )
    }

    /// Applies a plan: re-reads each user, writes what still differs (bulk creates, trash and
    /// restore; `concurrency` updates at a time), and reports every user.
    #[napi(ts_return_type = "Promise<Report>")]
    pub fn apply<'e>(
        &self,
        env: &'e Env,
        plan: &Plan,
        #[napi(ts_arg_type = "ApplyOptions")] options: Option<Value>,
    ) -> napi::Result<PromiseRaw<'e, Report>> {
        let plan = plan.inner.clone();
        let client = self.get();
        promise_in(env, async move { client?.apply(&plan, &self::options(options)?).await }, report)
    }
}
