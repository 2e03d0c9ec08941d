//! Directory events, as webhooks deliver them and as `GET /events` lists them: one typed shape
//! for every event name, the raw `data` always kept.

use super::models::{Directory, DirectoryToken};
use crate::error::{Error, Result};
use crate::models::{DirectoryGroup, DirectoryUser, Extra};
use serde::{Deserialize, Serialize};

/// What an event reports, from its name (`dsync.user.updated` is [`EventKind::UserUpdated`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// `dsync.activated`: a directory was connected ([`DirectoryEvent::directory`]).
    DirectoryActivated,
    /// `dsync.deleted`: a directory was deleted, with all its users and groups (no per-user events follow).
    DirectoryDeleted,
    /// `dsync.user.created` ([`DirectoryEvent::user`]).
    UserCreated,
    /// `dsync.user.updated` ([`DirectoryEvent::user`], [`DirectoryEvent::previous_attributes`]).
    UserUpdated,
    /// `dsync.user.deleted` ([`DirectoryEvent::user`]).
    UserDeleted,
    /// `dsync.group.created` ([`DirectoryEvent::group`]).
    GroupCreated,
    /// `dsync.group.updated` ([`DirectoryEvent::group`], [`DirectoryEvent::previous_attributes`]).
    GroupUpdated,
    /// `dsync.group.deleted` ([`DirectoryEvent::group`]); its memberships are gone.
    GroupDeleted,
    /// `dsync.group.user_added` ([`DirectoryEvent::user`], [`DirectoryEvent::group`]).
    GroupUserAdded,
    /// `dsync.group.user_removed` ([`DirectoryEvent::user`], [`DirectoryEvent::group`]).
    GroupUserRemoved,
    /// `dsync.token.created` ([`DirectoryEvent::token`]).
    TokenCreated,
    /// `dsync.token.revoked` ([`DirectoryEvent::token`]).
    TokenRevoked,
    /// Any other event: nothing typed, [`DirectoryEvent::data`] as sent.
    Other,
}

impl EventKind {
    /// The kind of the event named `name`.
    pub fn of(name: &str) -> EventKind {
        match name {
            "dsync.activated" => EventKind::DirectoryActivated,
            "dsync.deleted" => EventKind::DirectoryDeleted,
            "dsync.user.created" => EventKind::UserCreated,
            "dsync.user.updated" => EventKind::UserUpdated,
            "dsync.user.deleted" => EventKind::UserDeleted,
            "dsync.group.created" => EventKind::GroupCreated,
            "dsync.group.updated" => EventKind::GroupUpdated,
            "dsync.group.deleted" => EventKind::GroupDeleted,
            "dsync.group.user_added" => EventKind::GroupUserAdded,
            "dsync.group.user_removed" => EventKind::GroupUserRemoved,
            "dsync.token.created" => EventKind::TokenCreated,
            "dsync.token.revoked" => EventKind::TokenRevoked,
            _ => EventKind::Other,
        }
    }

    /// A stable snake_case name (`user_updated`, `other`), the same in every binding.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::DirectoryActivated => "directory_activated",
            EventKind::DirectoryDeleted => "directory_deleted",
            EventKind::UserCreated => "user_created",
            EventKind::UserUpdated => "user_updated",
            EventKind::UserDeleted => "user_deleted",
            EventKind::GroupCreated => "group_created",
            EventKind::GroupUpdated => "group_updated",
            EventKind::GroupDeleted => "group_deleted",
            EventKind::GroupUserAdded => "group_user_added",
            EventKind::GroupUserRemoved => "group_user_removed",
            EventKind::TokenCreated => "token_created",
            EventKind::TokenRevoked => "token_revoked",
            EventKind::Other => "other",
        }
    }
}

/// One directory event: `{"id", "event", "data", "created_at", ...}` with its `data` decoded by
/// kind. `data` is also kept as sent, and [`DirectoryEvent::to_json`] writes the event back
/// unchanged (members this version does not model included).
///
/// ```
/// use duo_directory::{DirectoryEvent, EventKind};
/// let e = DirectoryEvent::from_json(r#"{"id":"event_1","event":"dsync.group.user_added","data":{"directory_id":"directory_1",
///   "user":{"id":"directory_user_1","idp_id":"2836","directory_id":"directory_1","state":"active","created_at":"","updated_at":""},
///   "group":{"id":"directory_group_1","name":"Developers"}},"created_at":"2024-07-01T00:00:00.000Z"}"#)?;
/// assert_eq!(e.kind, EventKind::GroupUserAdded);
/// assert_eq!(e.group.as_ref().map(|g| g.name.as_str()), Some("Developers"));
/// assert_eq!(e.directory_id.as_deref(), Some("directory_1"));
/// # Ok::<(), duo_directory::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct DirectoryEvent {
    /// Event id (`event_01...`); the same in a webhook and in the Events API. Dedupe on it.
    pub id: String,
    /// The event's name as sent (`dsync.user.updated`).
    pub event: String,
    /// The kind, from the name.
    pub kind: EventKind,
    /// When the event happened (ISO 8601).
    pub created_at: Option<String>,
    /// The directory, for `dsync.activated` / `dsync.deleted`.
    pub directory: Option<Directory>,
    /// The user, for `dsync.user.*` and `dsync.group.user_*`.
    pub user: Option<DirectoryUser>,
    /// The group, for `dsync.group.*`.
    pub group: Option<DirectoryGroup>,
    /// The token, for `dsync.token.*`.
    pub token: Option<DirectoryToken>,
    /// The directory concerned, when the event names one.
    pub directory_id: Option<String>,
    /// For `*.updated`: the attributes that changed, with their earlier values (`null` when absent before).
    pub previous_attributes: Option<Extra>,
    /// The `data` member as sent.
    pub data: Extra,
    /// Envelope members other than `id`, `event`, `data`, `created_at` (`object`, `context`, ...).
    pub extra: Extra,
}

#[derive(Deserialize)]
struct Wire {
    id: String,
    event: String,
    data: Extra,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    created_at: Option<String>,
    #[serde(flatten)]
    extra: Extra,
}

fn typed<T: serde::de::DeserializeOwned>(value: serde_json::Value, prefix: &str) -> Result<T> {
    crate::decode::from_value(value).map_err(|e| match e {
        Error::Decode { field, reason, line, column, excerpt } => {
            let field = if field.is_empty() { prefix.to_string() } else { format!("{prefix}.{field}") };
            Error::Decode { field, reason, line, column, excerpt }
        }
        other => other,
    })
}

fn member(data: &Extra, name: &str) -> Result<serde_json::Value> {
    data.get(name).cloned().ok_or_else(|| Error::Decode {
        field: format!("data.{name}"),
        reason: format!("missing field `{name}`"),
        line: 0,
        column: 0,
        excerpt: None,
    })
}

impl DirectoryEvent {
    /// Reads an event from JSON text (a webhook body, or one item of `GET /events`).
    pub fn from_json(text: &str) -> Result<DirectoryEvent> {
        DirectoryEvent::from_slice(text.as_bytes())
    }

    /// Reads an event from JSON bytes.
    pub fn from_slice(bytes: &[u8]) -> Result<DirectoryEvent> {
        DirectoryEvent::from_wire(crate::decode::from_slice(bytes)?)
    }

    fn from_wire(wire: Wire) -> Result<DirectoryEvent> {
        let Wire { id, event, data, created_at, extra } = wire;
        let kind = EventKind::of(&event);
        let mut out = DirectoryEvent {
            id,
            event,
            kind,
            created_at,
            directory: None,
            user: None,
            group: None,
            token: None,
            directory_id: data.get("directory_id").and_then(|v| v.as_str()).map(str::to_string),
            previous_attributes: None,
            data,
            extra,
        };
        // the object itself, without the event's own `previous_attributes`
        let object = || {
            let mut object = out.data.clone();
            object.remove("previous_attributes");
            serde_json::Value::Object(object)
        };
        match kind {
            EventKind::DirectoryActivated | EventKind::DirectoryDeleted => {
                let directory: Directory = typed(object(), "data")?;
                out.directory_id = Some(directory.id.clone());
                out.directory = Some(directory);
            }
            EventKind::UserCreated | EventKind::UserUpdated | EventKind::UserDeleted => {
                out.user = Some(typed(object(), "data")?);
            }
            EventKind::GroupCreated | EventKind::GroupUpdated | EventKind::GroupDeleted => {
                out.group = Some(typed(object(), "data")?);
            }
            EventKind::GroupUserAdded | EventKind::GroupUserRemoved => {
                out.user = Some(typed(member(&out.data, "user")?, "data.user")?);
                out.group = Some(typed(member(&out.data, "group")?, "data.group")?);
            }
            EventKind::TokenCreated | EventKind::TokenRevoked => {
                out.token = Some(typed(object(), "data")?);
            }
            EventKind::Other => {}
        }
        if matches!(kind, EventKind::UserUpdated | EventKind::GroupUpdated) {
            out.previous_attributes = match out.data.get("previous_attributes") {
                Some(serde_json::Value::Object(map)) => Some(map.clone()),
                _ => Some(Extra::new()),
            };
        }
        if out.directory_id.is_none() {
            out.directory_id = out
                .user
                .as_ref()
                .map(|u| u.directory_id.clone())
                .or_else(|| out.group.as_ref().and_then(|g| g.directory_id.clone()))
                .or_else(|| out.token.as_ref().and_then(|t| t.directory_id.clone()));
        }
        Ok(out)
    }

    /// Writes the event back as JSON, as it was read.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The `data` member as JSON text.
    pub fn data_json(&self) -> String {
        serde_json::to_string(&self.data).unwrap_or_default()
    }
}

impl Serialize for DirectoryEvent {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let wire = WireRef {
            id: &self.id,
            event: &self.event,
            data: &self.data,
            created_at: self.created_at.as_deref(),
            extra: &self.extra,
        };
        wire.serialize(s)
    }
}

#[derive(Serialize)]
struct WireRef<'a> {
    id: &'a str,
    event: &'a str,
    data: &'a Extra,
    #[serde(skip_serializing_if = "Option::is_none")]
    created_at: Option<&'a str>,
    #[serde(flatten)]
    extra: &'a Extra,
}

impl<'de> Deserialize<'de> for DirectoryEvent {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let wire = Wire::deserialize(d)?;
        DirectoryEvent::from_wire(wire).map_err(serde::de::Error::custom)
    }
}

/// Parses an event pulled from the Events API (or any event JSON) without a signature check.
pub fn parse_event(payload: &[u8]) -> Result<DirectoryEvent> {
    DirectoryEvent::from_slice(payload)
}
