//! A reviewable plan: per user, what reconciling a directory into Duo would do, as plain data
//! that saves to and loads from JSON.

use super::mapping::{InactiveAction, Mapping, Scope, glob_match, owner_of};
use crate::error::{Error, Result};
use crate::models::{DirectoryUser, DirectoryUserState, User, UserStatus};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The plan format this version writes and reads.
pub const PLAN_VERSION: u32 = 1;

/// What a plan does to one user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// Create the Duo user (`changes` lists every field set).
    Create,
    /// Change fields of the Duo user (`changes`: before and after).
    Update,
    /// Set the Duo user's status to `disabled`.
    Disable,
    /// Send the Duo user to the trash (`pending deletion`).
    Trash,
    /// Take the Duo user out of the trash, then apply `changes` (if any).
    Restore,
    /// Ask Duo's own directory sync to synchronize the user (`Mapping::directory_key`).
    SyncFromDirectory,
    /// Nothing to do.
    Unchanged,
    /// Nothing is done: see `conflict`.
    Conflict,
}

impl ActionKind {
    /// Every kind, in the order tables list them.
    pub const ALL: [ActionKind; 8] = [
        ActionKind::Create,
        ActionKind::Update,
        ActionKind::Disable,
        ActionKind::Trash,
        ActionKind::Restore,
        ActionKind::SyncFromDirectory,
        ActionKind::Unchanged,
        ActionKind::Conflict,
    ];

    /// The snake_case name (`sync_from_directory`), the same in every binding.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Create => "create",
            ActionKind::Update => "update",
            ActionKind::Disable => "disable",
            ActionKind::Trash => "trash",
            ActionKind::Restore => "restore",
            ActionKind::SyncFromDirectory => "sync_from_directory",
            ActionKind::Unchanged => "unchanged",
            ActionKind::Conflict => "conflict",
        }
    }

    /// Whether the action writes to Duo.
    pub fn writes(self) -> bool {
        !matches!(self, ActionKind::Unchanged | ActionKind::Conflict)
    }
}

/// Why a user is left alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConflictReason {
    /// Two or more directory users map to one Duo username (or to a username and an alias of one user).
    DuplicateUsername,
    /// The directory user's email is the email of several Duo users.
    SharedEmail,
    /// The Duo user is managed from another directory (its ownership marker names another one).
    OtherDirectory,
    /// The Duo user is outside the mapping's scope (another group, another username pattern).
    OutOfScope,
    /// The mapping gives this directory user no username (no email, no such attribute).
    NoUsername,
}

impl ConflictReason {
    /// The snake_case name (`duplicate_username`).
    pub fn as_str(self) -> &'static str {
        match self {
            ConflictReason::DuplicateUsername => "duplicate_username",
            ConflictReason::SharedEmail => "shared_email",
            ConflictReason::OtherDirectory => "other_directory",
            ConflictReason::OutOfScope => "out_of_scope",
            ConflictReason::NoUsername => "no_username",
        }
    }
}

/// A conflict: its reason and a sentence naming the users involved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    /// The kind of conflict.
    pub reason: ConflictReason,
    /// The users involved, in words.
    pub detail: String,
}

/// One field's change: its Duo name, its value before (`None`: no user yet) and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    /// Duo field name (`firstname`, `email`, `status`, ...).
    pub field: String,
    /// The value now (`None` for a user to create).
    pub before: Option<String>,
    /// The value the plan writes.
    pub after: String,
}

/// The Duo user's fields when the plan was made; apply re-reads the user and skips it when
/// these changed in the meantime.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observed {
    /// Username.
    pub username: String,
    /// Status (Duo's spelling).
    pub status: String,
    /// Full name.
    pub realname: Option<String>,
    /// Given name.
    pub firstname: Option<String>,
    /// Surname.
    pub lastname: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// Notes.
    pub notes: Option<String>,
    /// Last sync by Duo's own directory sync (Unix seconds).
    pub last_directory_sync: Option<i64>,
}

impl Observed {
    /// The fields of `user` that a plan compares.
    pub fn of(user: &User) -> Observed {
        Observed {
            username: user.username.clone(),
            status: user.status.as_str().to_string(),
            realname: user.realname.clone(),
            firstname: user.firstname.clone(),
            lastname: user.lastname.clone(),
            email: user.email.clone(),
            notes: user.notes.clone(),
            last_directory_sync: user.last_directory_sync,
        }
    }

    /// Whether `user` still has these fields (`last_directory_sync` aside).
    pub fn matches(&self, user: &User) -> bool {
        let now = Observed::of(user);
        Observed { last_directory_sync: None, ..now } == Observed { last_directory_sync: None, ..self.clone() }
    }

    /// The value of a Duo field by name.
    pub fn field(&self, name: &str) -> Option<&str> {
        match name {
            "username" => Some(&self.username),
            "status" => Some(&self.status),
            "realname" => self.realname.as_deref(),
            "firstname" => self.firstname.as_deref(),
            "lastname" => self.lastname.as_deref(),
            "email" => self.email.as_deref(),
            "notes" => self.notes.as_deref(),
            _ => None,
        }
    }
}

/// One user of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanEntry {
    /// What to do.
    pub action: ActionKind,
    /// The Duo username (the mapped one; for a Duo user without a directory user, its own).
    pub username: String,
    /// The directory user's id, when there is one.
    pub directory_user_id: Option<String>,
    /// The Duo user's id, when there is one.
    pub duo_user_id: Option<String>,
    /// Field changes (create: every field set; update / restore / disable: what differs).
    #[serde(default)]
    pub changes: Vec<FieldChange>,
    /// Why nothing is done, for [`ActionKind::Conflict`].
    #[serde(default)]
    pub conflict: Option<Conflict>,
    /// The Duo user as the plan saw it.
    #[serde(default)]
    pub observed: Option<Observed>,
}

impl PlanEntry {
    /// For a conflict, its reason's name (`duplicate_username`, ...); `None` otherwise.
    pub fn conflict_reason(&self) -> Option<&'static str> {
        self.conflict.as_ref().map(|c| c.reason.as_str())
    }

    /// For a conflict, the users involved, in words; `None` otherwise.
    pub fn conflict_detail(&self) -> Option<&str> {
        self.conflict.as_ref().map(|c| c.detail.as_str())
    }
}

/// How many entries of each kind a plan has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanSummary {
    /// Users to create.
    pub create: u32,
    /// Users to update.
    pub update: u32,
    /// Users to disable.
    pub disable: u32,
    /// Users to trash.
    pub trash: u32,
    /// Users to restore.
    pub restore: u32,
    /// Users to sync from Duo's directory.
    pub sync_from_directory: u32,
    /// Users left as they are.
    pub unchanged: u32,
    /// Users in conflict.
    pub conflict: u32,
}

impl PlanSummary {
    /// The count of one kind.
    pub fn count(&self, kind: ActionKind) -> u32 {
        match kind {
            ActionKind::Create => self.create,
            ActionKind::Update => self.update,
            ActionKind::Disable => self.disable,
            ActionKind::Trash => self.trash,
            ActionKind::Restore => self.restore,
            ActionKind::SyncFromDirectory => self.sync_from_directory,
            ActionKind::Unchanged => self.unchanged,
            ActionKind::Conflict => self.conflict,
        }
    }

    /// The count of every kind, in [`ActionKind::ALL`] order, zeros included.
    ///
    /// ```
    /// use duo_directory::reconcile::{ActionKind, PlanSummary};
    /// let s = PlanSummary { trash: 2, ..PlanSummary::default() };
    /// assert_eq!(s.counts().len(), ActionKind::ALL.len());
    /// assert!(s.counts().contains(&(ActionKind::Trash, 2)));
    /// ```
    pub fn counts(&self) -> Vec<(ActionKind, u32)> {
        ActionKind::ALL.iter().map(|k| (*k, self.count(*k))).collect()
    }

    /// Entries that write to Duo.
    pub fn changes(&self) -> u32 {
        self.create + self.update + self.disable + self.trash + self.restore + self.sync_from_directory
    }
}

/// A reconcile plan: plain data, saved with [`Plan::to_json`] and loaded with [`Plan::from_json`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// Format version ([`PLAN_VERSION`]).
    pub version: u32,
    /// The directory reconciled (the ownership marker's id).
    pub directory_id: String,
    /// The mapping the plan was made with.
    pub mapping: Mapping,
    /// One entry per user, directory users first (in input order), then Duo users the
    /// directory no longer has.
    pub entries: Vec<PlanEntry>,
}

impl Plan {
    /// Pretty JSON of the plan.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Reads a plan. A newer format version, or a document that is not a plan, is
    /// [`Error::InvalidInput`] (field `plan`).
    pub fn from_json(text: &str) -> Result<Plan> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| Error::invalid("plan", format!("not JSON: {e}")))?;
        let version = value.get("version").and_then(serde_json::Value::as_u64);
        if version != Some(u64::from(PLAN_VERSION)) {
            return Err(Error::invalid(
                "plan",
                format!("format version {version:?} is not {PLAN_VERSION}, the one this version reads"),
            ));
        }
        let plan: Plan = serde_json::from_value(value).map_err(|e| Error::invalid("plan", e.to_string()))?;
        plan.mapping.validate()?;
        Ok(plan)
    }

    /// Counts by action.
    pub fn summary(&self) -> PlanSummary {
        let mut s = PlanSummary::default();
        for entry in &self.entries {
            let slot = match entry.action {
                ActionKind::Create => &mut s.create,
                ActionKind::Update => &mut s.update,
                ActionKind::Disable => &mut s.disable,
                ActionKind::Trash => &mut s.trash,
                ActionKind::Restore => &mut s.restore,
                ActionKind::SyncFromDirectory => &mut s.sync_from_directory,
                ActionKind::Unchanged => &mut s.unchanged,
                ActionKind::Conflict => &mut s.conflict,
            };
            *slot += 1;
        }
        s
    }

    /// A fingerprint of the plan (16 hex digits), naming it in journals.
    pub fn fingerprint(&self) -> String {
        use sha2::Digest;
        let text = serde_json::to_string(self).unwrap_or_default();
        hex::encode(sha2::Sha512::digest(text.as_bytes())).chars().take(16).collect()
    }
}

/// Plans the reconcile of `directory_users` into `duo_users` (every Duo user, or at least every
/// one the scope holds) under `mapping` (default: [`Mapping::default`]). Pure: sends nothing.
/// Duo users in scope that no directory user maps to are de-provisioned (`mapping.inactive`).
pub fn plan(directory_users: &[DirectoryUser], duo_users: &[User], mapping: Option<&Mapping>) -> Result<Plan> {
    plan_users(directory_users, duo_users, mapping, true)
}

/// [`plan`] for some directory users only: Duo users that none of them maps to are left alone.
pub(crate) fn plan_users(
    directory_users: &[DirectoryUser],
    duo_users: &[User],
    mapping: Option<&Mapping>,
    complete: bool,
) -> Result<Plan> {
    let mapping = mapping.cloned().unwrap_or_default();
    mapping.validate()?;
    let directory_id = match &mapping.directory_id {
        Some(id) => id.clone(),
        None => {
            let mut ids: Vec<&str> = directory_users.iter().map(|u| u.directory_id.as_str()).collect();
            ids.sort_unstable();
            ids.dedup();
            match ids.as_slice() {
                [one] if !one.trim().is_empty() => one.to_string(),
                [] => {
                    return Err(Error::invalid(
                        "directory_id",
                        "no directory user, so no directory: set mapping.directory_id",
                    ));
                }
                _ => {
                    return Err(Error::invalid(
                        "directory_users",
                        "the users come from several directories (or none says which): set mapping.directory_id",
                    ));
                }
            }
        }
    };
    let marker = Mapping::marker(&directory_id);
    let mut planner = Planner::new(duo_users, &mapping, &directory_id, &marker);
    let usernames: Vec<Option<String>> = directory_users.iter().map(|u| mapping.username_for(u)).collect();
    let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, name) in usernames.iter().enumerate() {
        if let Some(name) = name {
            by_name.entry(name.as_str()).or_default().push(i);
        }
    }
    let mut entries = Vec::with_capacity(directory_users.len());
    for (i, (user, name)) in directory_users.iter().zip(&usernames).enumerate() {
        let entry = match name {
            None => conflict(
                String::new(),
                user,
                None,
                ConflictReason::NoUsername,
                format!("the mapping ({}) gives directory user {} no username", mapping.username_from, user.id),
            ),
            Some(name) => {
                let others: Vec<&str> = by_name
                    .get(name.as_str())
                    .map(|v| {
                        v.iter()
                            .filter(|j| **j != i)
                            .filter_map(|j| directory_users.get(*j))
                            .map(|u| u.id.as_str())
                            .collect()
                    })
                    .unwrap_or_default();
                if !others.is_empty() {
                    conflict(
                        name.clone(),
                        user,
                        None,
                        ConflictReason::DuplicateUsername,
                        format!(
                            "directory users {} and {} map to the Duo username {name:?}",
                            user.id,
                            others.join(", ")
                        ),
                    )
                } else {
                    planner.entry(user, name)
                }
            }
        };
        entries.push(entry);
    }
    // a Duo user claimed by two directory users (username of one, alias of another)
    let mut claims: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        if e.action != ActionKind::Conflict
            && let Some(id) = &e.duo_user_id
        {
            claims.entry(id.as_str()).or_default().push(i);
        }
    }
    let doubled: Vec<(String, Vec<usize>)> =
        claims.into_iter().filter(|(_, v)| v.len() > 1).map(|(k, v)| (k.to_string(), v)).collect();
    for (duo_id, indexes) in doubled {
        let names: Vec<String> = indexes.iter().filter_map(|i| entries.get(*i)).map(|e| e.username.clone()).collect();
        for i in indexes {
            if let Some(e) = entries.get_mut(i) {
                e.action = ActionKind::Conflict;
                e.changes.clear();
                e.conflict = Some(Conflict {
                    reason: ConflictReason::DuplicateUsername,
                    detail: format!("{} all name the Duo user {duo_id} (a username or an alias)", names.join(", ")),
                });
            }
        }
    }
    if complete {
        entries.extend(planner.leftovers());
    }
    Ok(Plan { version: PLAN_VERSION, directory_id, mapping, entries })
}

fn conflict(
    username: String,
    user: &DirectoryUser,
    duo: Option<&User>,
    reason: ConflictReason,
    detail: String,
) -> PlanEntry {
    PlanEntry {
        action: ActionKind::Conflict,
        username,
        directory_user_id: Some(user.id.clone()),
        duo_user_id: duo.map(|d| d.user_id.clone()),
        changes: Vec::new(),
        conflict: Some(Conflict { reason, detail }),
        observed: duo.map(Observed::of),
    }
}

struct Planner<'a> {
    duo: &'a [User],
    mapping: &'a Mapping,
    directory_id: &'a str,
    marker: &'a str,
    names: HashMap<String, usize>,
    emails: HashMap<String, Vec<usize>>,
    claimed: Vec<bool>,
}

impl<'a> Planner<'a> {
    fn new(duo: &'a [User], mapping: &'a Mapping, directory_id: &'a str, marker: &'a str) -> Self {
        let mut names = HashMap::new();
        let mut emails: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, u) in duo.iter().enumerate() {
            let aliases = u.aliases.values().chain([&u.alias1, &u.alias2, &u.alias3, &u.alias4].into_iter().flatten());
            for name in std::iter::once(&u.username).chain(aliases) {
                if !name.is_empty() {
                    names.entry(name.to_lowercase()).or_insert(i);
                }
            }
            if let Some(email) = u.email.as_deref().filter(|e| !e.is_empty()) {
                emails.entry(email.to_lowercase()).or_default().push(i);
            }
        }
        Planner { duo, mapping, directory_id, marker, names, emails, claimed: vec![false; duo.len()] }
    }

    fn in_scope(&self, user: &User) -> bool {
        match &self.mapping.scope {
            Scope::Directory => owner_of(user).is_none_or(|owner| owner == self.directory_id),
            Scope::Group(name) => {
                user.groups.iter().any(|g| g.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(name)))
            }
            Scope::UsernamePattern(p) => glob_match(p, &user.username),
        }
    }

    /// Managed by this plan even when no directory user maps to it.
    fn owned(&self, user: &User) -> bool {
        match &self.mapping.scope {
            Scope::Directory => owner_of(user) == Some(self.directory_id),
            Scope::Group(_) | Scope::UsernamePattern(_) => self.in_scope(user),
        }
    }

    fn desired(&self, user: &DirectoryUser, username: &str, before: Option<&User>) -> Vec<(&'static str, String)> {
        let mut fields: Vec<(&'static str, String)> = Vec::new();
        if self.mapping.maps("firstname") {
            fields.push(("firstname", user.first_name.clone().unwrap_or_default()));
        }
        if self.mapping.maps("lastname") {
            fields.push(("lastname", user.last_name.clone().unwrap_or_default()));
        }
        if self.mapping.maps("email") {
            fields.push(("email", user.email.clone().unwrap_or_default()));
        }
        if self.mapping.maps("realname") {
            fields.push(("realname", self.mapping.realname_for(user, username)));
        }
        let notes = before.and_then(|u| u.notes.clone()).unwrap_or_default();
        if super::mapping::owner_in_notes(&notes) != Some(self.directory_id) {
            let notes =
                if notes.trim().is_empty() { self.marker.to_string() } else { format!("{notes}\n{}", self.marker) };
            fields.push(("notes", notes));
        }
        fields
    }

    fn entry(&mut self, user: &DirectoryUser, username: &str) -> PlanEntry {
        let duo = self.names.get(username).copied();
        let email_holders: Vec<usize> =
            user.email.as_deref().and_then(|e| self.emails.get(&e.to_lowercase())).cloned().unwrap_or_default();
        let found = duo.and_then(|i| self.duo.get(i));
        if email_holders.len() > 1 {
            let ids: Vec<&str> =
                email_holders.iter().filter_map(|i| self.duo.get(*i)).map(|u| u.user_id.as_str()).collect();
            return conflict(
                username.to_string(),
                user,
                found,
                ConflictReason::SharedEmail,
                format!(
                    "the email {:?} belongs to several Duo users: {}",
                    user.email.as_deref().unwrap_or_default(),
                    ids.join(", ")
                ),
            );
        }
        if let Some(i) = duo
            && let Some(slot) = self.claimed.get_mut(i)
        {
            *slot = true;
        }
        let active = user.state == DirectoryUserState::Active;
        let Some(existing) = found else {
            let action = if active { ActionKind::Create } else { ActionKind::Unchanged };
            let mut changes = vec![FieldChange { field: "username".into(), before: None, after: username.to_string() }];
            if active {
                changes.extend(
                    self.desired(user, username, None)
                        .into_iter()
                        .filter(|(_, v)| !v.is_empty())
                        .map(|(f, v)| FieldChange { field: f.into(), before: None, after: v }),
                );
            } else {
                changes.clear();
            }
            return PlanEntry {
                action,
                username: username.to_string(),
                directory_user_id: Some(user.id.clone()),
                duo_user_id: None,
                changes,
                conflict: None,
                observed: None,
            };
        };
        if let Some(owner) = owner_of(existing).filter(|o| *o != self.directory_id) {
            return conflict(
                username.to_string(),
                user,
                Some(existing),
                ConflictReason::OtherDirectory,
                format!("Duo user {} is managed from directory {owner}", existing.user_id),
            );
        }
        if !self.in_scope(existing) {
            return conflict(
                username.to_string(),
                user,
                Some(existing),
                ConflictReason::OutOfScope,
                format!("Duo user {} is outside the scope {}", existing.user_id, self.mapping.scope),
            );
        }
        let mut entry = PlanEntry {
            action: ActionKind::Unchanged,
            username: username.to_string(),
            directory_user_id: Some(user.id.clone()),
            duo_user_id: Some(existing.user_id.clone()),
            changes: Vec::new(),
            conflict: None,
            observed: Some(Observed::of(existing)),
        };
        if !active {
            self.deprovision(&mut entry, existing);
            return entry;
        }
        let observed = Observed::of(existing);
        entry.changes = self
            .desired(user, username, Some(existing))
            .into_iter()
            .filter(|(f, v)| observed.field(f).unwrap_or_default() != v.as_str())
            .map(|(f, v)| FieldChange { field: f.into(), before: observed.field(f).map(str::to_string), after: v })
            .collect();
        match existing.status {
            UserStatus::PendingDeletion => entry.action = ActionKind::Restore,
            UserStatus::Disabled => {
                entry.changes.push(FieldChange {
                    field: "status".into(),
                    before: Some("disabled".into()),
                    after: "active".into(),
                });
                entry.action = ActionKind::Update;
            }
            _ if !entry.changes.is_empty() => entry.action = ActionKind::Update,
            _ => {}
        }
        if let Some(key) = &self.mapping.directory_key
            && existing.last_directory_sync.is_some()
            && matches!(entry.action, ActionKind::Update | ActionKind::Restore)
        {
            entry.action = ActionKind::SyncFromDirectory;
            entry.changes.push(FieldChange { field: "directory_key".into(), before: None, after: key.clone() });
        }
        entry
    }

    fn deprovision(&self, entry: &mut PlanEntry, existing: &User) {
        match (self.mapping.inactive, &existing.status) {
            (InactiveAction::Trash, UserStatus::PendingDeletion) | (InactiveAction::Disable, UserStatus::Disabled) => {}
            (InactiveAction::Trash, status) => {
                entry.action = ActionKind::Trash;
                entry.changes = vec![FieldChange {
                    field: "status".into(),
                    before: Some(status.as_str().into()),
                    after: UserStatus::PendingDeletion.as_str().into(),
                }];
            }
            (InactiveAction::Disable, status) => {
                entry.action = ActionKind::Disable;
                entry.changes = vec![FieldChange {
                    field: "status".into(),
                    before: Some(status.as_str().into()),
                    after: "disabled".into(),
                }];
            }
        }
    }

    fn leftovers(&self) -> Vec<PlanEntry> {
        let mut out = Vec::new();
        for (user, claimed) in self.duo.iter().zip(&self.claimed) {
            if *claimed || !self.owned(user) {
                continue;
            }
            let mut entry = PlanEntry {
                action: ActionKind::Unchanged,
                username: user.username.clone(),
                directory_user_id: None,
                duo_user_id: Some(user.user_id.clone()),
                changes: Vec::new(),
                conflict: None,
                observed: Some(Observed::of(user)),
            };
            self.deprovision(&mut entry, user);
            out.push(entry);
        }
        out
    }
}
