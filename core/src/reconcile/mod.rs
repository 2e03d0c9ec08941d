//! Reconcile a directory into Duo: a reviewable [`Plan`] (pure, plain data, JSON), then
//! [`apply`] it with bulk writes, bounded concurrency, a per-user [`Report`] and an optional
//! journal that makes an interrupted apply resumable.
//!
//! ```
//! use duo_directory::{DirectoryUser, reconcile};
//! let ann = DirectoryUser::from_json(r#"{"id":"u1","idp_id":"1","directory_id":"d1","email":"ann@example.com",
//!   "first_name":"Ann","last_name":"Lee","state":"active","created_at":"","updated_at":""}"#)?;
//! let plan = reconcile::plan(&[ann], &[], None)?;
//! assert_eq!(plan.entries[0].action, reconcile::ActionKind::Create);
//! assert_eq!(reconcile::Plan::from_json(&plan.to_json())?, plan);
//! # Ok::<(), duo_directory::Error>(())
//! ```

mod apply;
mod events;
mod journal;
mod mapping;
mod plan;

pub use apply::{
    ApplyOptions, DEFAULT_CONCURRENCY, MAX_CONCURRENCY, Outcome, OutcomeStatus, ProgressFn, Report, apply,
};
pub use events::{plan_events, users_of_events};
pub use journal::JournalState;
pub use mapping::{
    DEFAULT_REALNAME, InactiveAction, MAPPED_FIELDS, MARKER_PREFIX, Mapping, PlanOptions, Scope, UsernameSource,
    glob_match, owner_of,
};
pub use plan::{
    ActionKind, Conflict, ConflictReason, FieldChange, Observed, PLAN_VERSION, Plan, PlanEntry, PlanSummary, plan,
};

use crate::client::Client;
use crate::directory::DirectoryEvent;
use crate::error::Result;
use crate::models::DirectoryUser;
use futures_util::TryStreamExt;

impl Client {
    /// Lists every Duo user and plans the reconcile of `directory_users` against them (see [`plan`]).
    pub async fn plan_reconcile(&self, directory_users: &[DirectoryUser], mapping: Option<&Mapping>) -> Result<Plan> {
        let duo: Vec<crate::User> = self.list_users(None)?.into_stream().try_collect().await?;
        plan(directory_users, &duo, mapping)
    }

    /// Looks up the Duo users that the events' directory users map to and plans them (see
    /// [`plan_events`]): one batch read per 100 users, no full listing.
    pub async fn plan_events(&self, events: &[DirectoryEvent], mapping: Option<&Mapping>) -> Result<Plan> {
        let default = Mapping::default();
        let m = mapping.unwrap_or(&default);
        let mut names: Vec<String> = users_of_events(events).iter().filter_map(|u| m.username_for(u)).collect();
        names.sort();
        names.dedup();
        let duo: Vec<crate::User> = self.get_users_by_usernames(&names).await?.into_iter().flatten().collect();
        plan_events(events, &duo, mapping)
    }

    /// Applies a plan (see [`apply`]).
    pub async fn apply(&self, plan: &Plan, options: &ApplyOptions) -> Result<Report> {
        apply::apply(plan, self, options).await
    }
}

impl crate::blocking::Client {
    /// See [`Client::plan_reconcile`].
    pub fn plan_reconcile(&self, directory_users: &[DirectoryUser], mapping: Option<&Mapping>) -> Result<Plan> {
        crate::runtime::block_on(self.as_async().plan_reconcile(directory_users, mapping))?
    }

    /// See [`Client::plan_events`].
    pub fn plan_events(&self, events: &[DirectoryEvent], mapping: Option<&Mapping>) -> Result<Plan> {
        crate::runtime::block_on(self.as_async().plan_events(events, mapping))?
    }

    /// See [`Client::apply`].
    pub fn apply(&self, plan: &Plan, options: &ApplyOptions) -> Result<Report> {
        crate::runtime::block_on(self.as_async().apply(plan, options))?
    }
}

#[cfg(test)]
mod tests;
