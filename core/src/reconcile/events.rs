//! Webhook-driven reconcile: directory events turned into the same plan, for the users they touch.

use super::mapping::Mapping;
use super::plan::{Plan, plan_users};
use crate::directory::{DirectoryEvent, EventKind};
use crate::error::Result;
use crate::models::{DirectoryUser, DirectoryUserState, User};

/// The directory users a batch of events leaves behind, latest state last: created, updated
/// and group-membership events carry the user as it is now; `dsync.user.deleted` makes it
/// `inactive` (so the mapping's `inactive` action de-provisions it). Other events touch no user.
pub fn users_of_events(events: &[DirectoryEvent]) -> Vec<DirectoryUser> {
    let mut users: Vec<DirectoryUser> = Vec::new();
    for event in events {
        let Some(user) = &event.user else { continue };
        let mut user = user.clone();
        match event.kind {
            EventKind::UserDeleted => user.state = DirectoryUserState::Inactive,
            EventKind::UserCreated
            | EventKind::UserUpdated
            | EventKind::GroupUserAdded
            | EventKind::GroupUserRemoved => {}
            _ => continue,
        }
        match users.iter_mut().find(|u| u.id == user.id) {
            Some(slot) => *slot = user,
            None => users.push(user),
        }
    }
    users
}

/// Plans the users that `events` touch (see [`users_of_events`]) against `duo_users` (at least
/// the Duo users those directory users map to). Duo users no event names are left alone.
pub fn plan_events(events: &[DirectoryEvent], duo_users: &[User], mapping: Option<&Mapping>) -> Result<Plan> {
    plan_users(&users_of_events(events), duo_users, mapping, false)
}
