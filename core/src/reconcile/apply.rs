//! Applying a plan: re-read, compare, write (bulk calls for creates, trash and restore; bounded
//! concurrency for updates), with a per-user report and an optional journal to resume from.
//!
//! Safe to re-run: before writing, every user is re-read; a user already in the state the plan
//! wants is reported done without a write, and one that changed since the plan otherwise is
//! skipped. With a journal, entries confirmed done by an earlier run are not even re-read.
//! Rate limits are the client's business (its adaptive pacing); a write that failed is
//! reported with its typed error and left for the next run.

use super::journal::{Journal, JournalState};
use super::mapping::owner_of;
use super::plan::{ActionKind, FieldChange, Plan, PlanEntry};
use crate::client::Client;
use crate::error::{ApiError, Error, Result};
use crate::models::{User, UserCreate, UserStatus, UserUpdate};
use crate::{BulkOptions, MAX_BULK_CREATE, MAX_BULK_IDS, bulk_chunk_size};
use futures_util::StreamExt;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

/// Updates in flight at once when the caller does not say.
pub const DEFAULT_CONCURRENCY: u32 = 8;
/// Most updates in flight at once.
pub const MAX_CONCURRENCY: u32 = 64;

/// Called with each user's outcome as soon as it is known.
pub type ProgressFn = Arc<dyn Fn(&Outcome) + Send + Sync>;

/// Options of [`apply`]; `None` keeps the default. Bindings read it (all but `progress`) from
/// their option object with [`crate::options::from_value`].
#[derive(Clone, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ApplyOptions {
    /// Updates in flight at once (1..=64, default 8).
    pub concurrency: Option<u32>,
    /// A journal file: created when missing, resumed from when it holds this plan's records.
    pub journal: Option<PathBuf>,
    /// Users per bulk request (default and maximum 100).
    pub chunk_size: Option<u32>,
    /// Progress callback.
    #[serde(skip)]
    pub progress: Option<ProgressFn>,
}

impl std::fmt::Debug for ApplyOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApplyOptions")
            .field("concurrency", &self.concurrency)
            .field("journal", &self.journal)
            .field("chunk_size", &self.chunk_size)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

/// What happened to one user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeStatus {
    /// The plan's change is in Duo (written now, or found already there).
    Done,
    /// The write failed: see `error`. The next run tries again.
    Failed,
    /// Not written: a conflict, or the Duo user changed since the plan (see `reason`).
    Skipped,
    /// Nothing to do.
    Unchanged,
}

impl OutcomeStatus {
    /// Every status, in the order reports list them.
    pub const ALL: [OutcomeStatus; 4] =
        [OutcomeStatus::Done, OutcomeStatus::Failed, OutcomeStatus::Skipped, OutcomeStatus::Unchanged];

    /// `done`, `failed`, `skipped` or `unchanged`.
    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeStatus::Done => "done",
            OutcomeStatus::Failed => "failed",
            OutcomeStatus::Skipped => "skipped",
            OutcomeStatus::Unchanged => "unchanged",
        }
    }
}

/// The outcome of one plan entry.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Position of the entry in the plan.
    pub entry: u32,
    /// The entry's username.
    pub username: String,
    /// The entry's action.
    pub action: ActionKind,
    /// What happened.
    pub status: OutcomeStatus,
    /// The Duo user's id (for a create: the new user's).
    pub duo_user_id: Option<String>,
    /// Why it was skipped, or how it was found done without a write.
    pub reason: Option<String>,
    /// The error, when it failed.
    pub error: Option<Error>,
}

/// Every entry's outcome, in plan order.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// One per plan entry.
    pub outcomes: Vec<Outcome>,
}

impl Report {
    /// How many outcomes have this status.
    pub fn count(&self, status: OutcomeStatus) -> usize {
        self.outcomes.iter().filter(|o| o.status == status).count()
    }

    /// The count of every status, in [`OutcomeStatus::ALL`] order, zeros included.
    ///
    /// ```
    /// use duo_directory::reconcile::{OutcomeStatus, Report};
    /// let counts = Report::default().counts();
    /// assert_eq!(counts.len(), OutcomeStatus::ALL.len());
    /// assert_eq!(counts[0], (OutcomeStatus::Done, 0));
    /// ```
    pub fn counts(&self) -> Vec<(OutcomeStatus, usize)> {
        OutcomeStatus::ALL.iter().map(|s| (*s, self.count(*s))).collect()
    }

    /// True when no write failed.
    pub fn ok(&self) -> bool {
        self.count(OutcomeStatus::Failed) == 0
    }
}

/// What to do with one pending entry after re-reading Duo.
enum Decision {
    /// Send the plan's writes; `restore` false when the user is already out of the trash.
    Write { restore: bool },
    /// Already in the planned state.
    Reached(Option<String>),
    /// Changed since the plan.
    Changed(String),
}

fn value_of(user: &User, field: &str) -> String {
    match field {
        "status" => user.status.as_str().to_string(),
        "username" => user.username.clone(),
        "realname" => user.realname.clone().unwrap_or_default(),
        "firstname" => user.firstname.clone().unwrap_or_default(),
        "lastname" => user.lastname.clone().unwrap_or_default(),
        "email" => user.email.clone().unwrap_or_default(),
        "notes" => user.notes.clone().unwrap_or_default(),
        _ => String::new(),
    }
}

fn writable(changes: &[FieldChange]) -> impl Iterator<Item = &FieldChange> {
    changes.iter().filter(|c| c.field != "directory_key")
}

fn has_changes(user: &User, changes: &[FieldChange]) -> bool {
    writable(changes).all(|c| value_of(user, &c.field) == c.after)
}

fn decide(plan: &Plan, entry: &PlanEntry, current: Option<&User>) -> Decision {
    let Some(user) = current else {
        return match entry.action {
            ActionKind::Create => Decision::Write { restore: false },
            _ => Decision::Changed("the Duo user no longer exists".into()),
        };
    };
    let observed_matches = entry.observed.as_ref().is_some_and(|o| o.matches(user));
    let changed = || Decision::Changed(format!("Duo user {} changed since the plan was made", user.user_id));
    match entry.action {
        ActionKind::Create => {
            if owner_of(user) == Some(plan.directory_id.as_str()) && has_changes(user, &entry.changes) {
                Decision::Reached(Some(user.user_id.clone()))
            } else {
                Decision::Changed(format!("a Duo user named {:?} appeared since the plan was made", entry.username))
            }
        }
        ActionKind::Update | ActionKind::Disable => {
            if has_changes(user, &entry.changes) {
                Decision::Reached(None)
            } else if observed_matches {
                Decision::Write { restore: false }
            } else {
                changed()
            }
        }
        ActionKind::Trash => {
            if user.status == UserStatus::PendingDeletion {
                Decision::Reached(None)
            } else if observed_matches {
                Decision::Write { restore: false }
            } else {
                changed()
            }
        }
        ActionKind::Restore => {
            if user.status == UserStatus::PendingDeletion {
                if observed_matches { Decision::Write { restore: true } } else { changed() }
            } else if has_changes(user, &entry.changes) {
                Decision::Reached(None)
            } else {
                let same_but_status = entry.observed.as_ref().is_some_and(|o| {
                    let mut o = o.clone();
                    o.status = user.status.as_str().to_string();
                    o.matches(user)
                });
                if same_but_status { Decision::Write { restore: false } } else { changed() }
            }
        }
        ActionKind::SyncFromDirectory => {
            let before = entry.observed.as_ref().and_then(|o| o.last_directory_sync);
            if user.last_directory_sync.is_some() && user.last_directory_sync != before {
                Decision::Reached(None)
            } else if observed_matches {
                Decision::Write { restore: false }
            } else {
                changed()
            }
        }
        ActionKind::Unchanged | ActionKind::Conflict => Decision::Reached(None),
    }
}

fn update_of(changes: &[FieldChange]) -> Result<UserUpdate> {
    let mut update = UserUpdate::default();
    for change in writable(changes) {
        update.set(&change.field, Some(&change.after))?;
    }
    Ok(update)
}

fn create_of(entry: &PlanEntry) -> Result<UserCreate> {
    let mut create = UserCreate::new(entry.username.clone());
    for change in writable(&entry.changes) {
        create.set(&change.field, Some(&change.after))?;
    }
    Ok(create)
}

struct Run<'a> {
    plan: &'a Plan,
    journal: Journal,
    progress: Option<ProgressFn>,
    outcomes: Vec<Option<Outcome>>,
}

impl Run<'_> {
    fn finish(
        &mut self,
        index: usize,
        status: OutcomeStatus,
        duo_user_id: Option<String>,
        reason: Option<String>,
        error: Option<Error>,
    ) {
        let Some(entry) = self.plan.entries.get(index) else { return };
        let outcome = Outcome {
            entry: u32::try_from(index).unwrap_or(u32::MAX),
            username: entry.username.clone(),
            action: entry.action,
            status,
            duo_user_id: duo_user_id.or_else(|| entry.duo_user_id.clone()),
            reason,
            error,
        };
        if let Some(progress) = &self.progress {
            progress(&outcome);
        }
        if let Some(slot) = self.outcomes.get_mut(index) {
            *slot = Some(outcome);
        }
    }

    fn journal(&mut self, records: &[(usize, JournalState, Option<&str>)]) -> Result<()> {
        self.journal.record(records)
    }
}

fn per_item_failure(action: &str, user_id: &str) -> Error {
    Error::Api(ApiError::new(200, None, format!("Duo did not {action} {user_id}"), Some("success: false".into())))
}

/// Applies a plan (see the module documentation). Returns `Err` only for unusable options or
/// journal; every user's own failure is in the [`Report`].
pub async fn apply(plan: &Plan, client: &Client, options: &ApplyOptions) -> Result<Report> {
    let concurrency = match options.concurrency {
        None => DEFAULT_CONCURRENCY as usize,
        Some(n) if (1..=MAX_CONCURRENCY).contains(&n) => n as usize,
        Some(n) => return Err(Error::invalid("concurrency", format!("{n} is outside 1..={MAX_CONCURRENCY}"))),
    };
    let create_chunk = bulk_chunk_size(options.chunk_size, MAX_BULK_CREATE)?;
    let id_chunk = bulk_chunk_size(options.chunk_size, MAX_BULK_IDS)?;
    for (i, entry) in plan.entries.iter().enumerate() {
        if entry.action == ActionKind::Create {
            create_of(entry).map_err(|e| match e {
                Error::InvalidInput { field, reason } => Error::invalid(format!("entries[{i}].{field}"), reason),
                other => other,
            })?;
        } else if entry.action.writes() {
            if let Some(id) = &entry.duo_user_id {
                crate::path_id(&format!("entries[{i}].duo_user_id"), id)?;
            } else {
                return Err(Error::invalid(format!("entries[{i}].duo_user_id"), "a change to a Duo user needs its id"));
            }
        }
    }
    let journal = match &options.journal {
        Some(path) => Journal::open(path, &plan.fingerprint())?,
        None => Journal::none(),
    };
    let mut run = Run { plan, journal, progress: options.progress.clone(), outcomes: vec![None; plan.entries.len()] };

    let mut pending: Vec<usize> = Vec::new();
    for (i, entry) in plan.entries.iter().enumerate() {
        match entry.action {
            ActionKind::Unchanged => run.finish(i, OutcomeStatus::Unchanged, None, None, None),
            ActionKind::Conflict => {
                let reason = entry.conflict.as_ref().map(|c| format!("{}: {}", c.reason.as_str(), c.detail));
                run.finish(i, OutcomeStatus::Skipped, None, reason, None);
            }
            _ => match run.journal.state(i) {
                Some((JournalState::Done, id)) => {
                    let id = id.map(str::to_string);
                    run.finish(i, OutcomeStatus::Done, id, Some("done in an earlier run (journal)".into()), None);
                }
                _ => pending.push(i),
            },
        }
    }

    // Re-read every pending user: by id, and by username for creates.
    let (creates, others): (Vec<usize>, Vec<usize>) =
        pending.iter().partition(|i| plan.entries.get(**i).is_some_and(|e| e.action == ActionKind::Create));
    let mut current: HashMap<usize, Option<User>> = HashMap::new();
    let ids: Vec<String> = others.iter().filter_map(|i| plan.entries.get(*i)?.duo_user_id.clone()).collect();
    match client.get_users_by_ids(&ids).await {
        Ok(found) => current.extend(others.iter().copied().zip(found)),
        Err(e) => {
            for i in &others {
                run.finish(*i, OutcomeStatus::Failed, None, Some("could not re-read the user".into()), Some(e.clone()));
            }
        }
    }
    let names: Vec<String> = creates.iter().filter_map(|i| plan.entries.get(*i).map(|e| e.username.clone())).collect();
    match client.get_users_by_usernames(&names).await {
        Ok(found) => current.extend(creates.iter().copied().zip(found)),
        Err(e) => {
            for i in &creates {
                run.finish(*i, OutcomeStatus::Failed, None, Some("could not re-read the user".into()), Some(e.clone()));
            }
        }
    }

    let mut to_create = Vec::new();
    let mut to_trash = Vec::new();
    let mut to_restore = Vec::new();
    let mut to_update = Vec::new();
    let mut sorted: Vec<(usize, Option<User>)> = current.into_iter().collect();
    sorted.sort_by_key(|(i, _)| *i);
    for (i, user) in sorted {
        let Some(entry) = plan.entries.get(i) else { continue };
        match decide(plan, entry, user.as_ref()) {
            Decision::Reached(id) => {
                let id = id.or_else(|| user.as_ref().map(|u| u.user_id.clone()));
                run.journal(&[(i, JournalState::Done, id.as_deref())])?;
                run.finish(i, OutcomeStatus::Done, id, Some("already as planned; nothing sent".into()), None);
            }
            Decision::Changed(reason) => run.finish(i, OutcomeStatus::Skipped, None, Some(reason), None),
            Decision::Write { restore } => match entry.action {
                ActionKind::Create => to_create.push(i),
                ActionKind::Trash => to_trash.push(i),
                ActionKind::Restore if restore => to_restore.push(i),
                _ => to_update.push(i),
            },
        }
    }

    // Creates, in bulk: all-or-nothing per request.
    for chunk in to_create.chunks(create_chunk) {
        let users: Vec<UserCreate> =
            chunk.iter().filter_map(|i| plan.entries.get(*i).and_then(|e| create_of(e).ok())).collect();
        let intended: Vec<_> = chunk.iter().map(|i| (*i, JournalState::Intended, None)).collect();
        run.journal(&intended)?;
        match client.bulk_create_users(&users, &BulkOptions::default()).await {
            Ok(created) => {
                let by_name: HashMap<String, String> =
                    created.into_iter().map(|u| (u.username.to_lowercase(), u.user_id)).collect();
                for i in chunk {
                    let name = plan.entries.get(*i).map(|e| e.username.to_lowercase()).unwrap_or_default();
                    let id = by_name.get(&name).cloned();
                    run.journal(&[(*i, JournalState::Done, id.as_deref())])?;
                    run.finish(*i, OutcomeStatus::Done, id, None, None);
                }
            }
            Err(e) => {
                for i in chunk {
                    run.finish(*i, OutcomeStatus::Failed, None, None, Some(e.clone()));
                }
            }
        }
    }

    // Trash and restore, in bulk: per-item results.
    let mut restored = Vec::new();
    for (indexes, restore) in [(&to_trash, false), (&to_restore, true)] {
        for chunk in indexes.chunks(id_chunk) {
            let ids: Vec<String> = chunk.iter().filter_map(|i| plan.entries.get(*i)?.duo_user_id.clone()).collect();
            let intended: Vec<_> = chunk.iter().map(|i| (*i, JournalState::Intended, None)).collect();
            run.journal(&intended)?;
            let result = if restore {
                client.restore_users_from_trash(&ids, &BulkOptions::default()).await
            } else {
                client.send_users_to_trash(&ids, &BulkOptions::default()).await
            };
            match result {
                Ok(items) => {
                    for (i, id) in chunk.iter().zip(&ids) {
                        let success = items.iter().any(|r| r.user_id == *id && r.success);
                        let needs_update =
                            restore && plan.entries.get(*i).is_some_and(|e| writable(&e.changes).next().is_some());
                        if success && needs_update {
                            restored.push(*i);
                        } else if success {
                            run.journal(&[(*i, JournalState::Done, Some(id))])?;
                            run.finish(*i, OutcomeStatus::Done, None, None, None);
                        } else {
                            let verb = if restore { "restore" } else { "trash" };
                            run.finish(*i, OutcomeStatus::Failed, None, None, Some(per_item_failure(verb, id)));
                        }
                    }
                }
                Err(e) => {
                    for i in chunk {
                        run.finish(*i, OutcomeStatus::Failed, None, None, Some(e.clone()));
                    }
                }
            }
        }
    }
    to_update.extend(restored);

    // Updates, disables and directory syncs: one request each, `concurrency` at a time.
    let intended: Vec<_> = to_update.iter().map(|i| (*i, JournalState::Intended, None)).collect();
    run.journal(&intended)?;
    let mut results = futures_util::stream::iter(to_update.into_iter().map(|i| async move {
        let Some(entry) = plan.entries.get(i) else { return (i, Ok(())) };
        let id = entry.duo_user_id.clone().unwrap_or_default();
        let result = match entry.action {
            ActionKind::SyncFromDirectory => match &plan.mapping.directory_key {
                Some(key) => client.sync_user_from_directory(key, &entry.username).await.map(|_| ()),
                None => Err(Error::invalid(
                    "mapping.directory_key",
                    "a sync_from_directory entry needs the mapping's directory key",
                )),
            },
            _ => match update_of(&entry.changes) {
                Ok(update) if update.is_empty() => Ok(()),
                Ok(update) => client.update_user(&id, &update).await.map(|_| ()),
                Err(e) => Err(e),
            },
        };
        (i, result)
    }))
    .buffer_unordered(concurrency);
    while let Some((i, result)) = results.next().await {
        match result {
            Ok(()) => {
                let id = plan.entries.get(i).and_then(|e| e.duo_user_id.clone());
                run.journal(&[(i, JournalState::Done, id.as_deref())])?;
                run.finish(i, OutcomeStatus::Done, None, None, None);
            }
            Err(e) => run.finish(i, OutcomeStatus::Failed, None, None, Some(e)),
        }
    }
    drop(results);

    let outcomes = run.outcomes.into_iter().flatten().collect();
    Ok(Report { outcomes })
}
