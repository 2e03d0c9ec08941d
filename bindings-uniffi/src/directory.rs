//! The directory side: `DirectoryClient` (WorkOS Directory Sync API; suspend/async calls on
//! core's runtime, lists page by page through `DirectoryCursor`), `DirectoryEvent` and its
//! objects, and `verifyWebhook` / `parseEvent` / `computeWebhookSignature`. Conversion only.

use crate::client::ClientOptions;
use crate::error::{Result, guard};
use crate::models::{DirectoryGroup, DirectoryUser};
use duo_directory::directory::{DirectoryItem as CoreItem, DirectoryListing, Paging};
use duo_directory::runtime::run;
use duo_directory::{DirectoryConfig, count};
use std::sync::Arc;

fn json(map: &duo_directory::Extra) -> String {
    serde_json::to_string(map).unwrap_or_else(|_| "{}".into())
}

/// A directory (one connection to a provider). `directory_type` (JSON `type`) and `state` keep any value.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Directory {
    /// Always `directory` (JSON `object`).
    pub obj: String,
    /// Unique identifier.
    pub id: String,
    /// The organization the directory belongs to.
    pub organization_id: Option<String>,
    /// Stable external key.
    pub external_key: Option<String>,
    /// Provider type (`okta scim v2.0`, ...), verbatim (JSON `type`).
    pub directory_type: Option<String>,
    /// `linked`/`unlinked`/... (REST) or `active`/`inactive` (events), verbatim.
    pub state: Option<String>,
    /// True for `linked` or `active`.
    pub is_active: bool,
    /// Display name.
    pub name: Option<String>,
    /// Deprecated primary domain.
    pub domain: Option<String>,
    /// Creation timestamp (ISO 8601).
    pub created_at: Option<String>,
    /// Last update timestamp (ISO 8601).
    pub updated_at: Option<String>,
    /// Members this version does not model (`domains`, `metadata`, ...), as a JSON object.
    pub extra: String,
}

impl From<duo_directory::Directory> for Directory {
    fn from(d: duo_directory::Directory) -> Self {
        Directory {
            is_active: d.is_active(),
            extra: json(&d.extra),
            obj: d.object,
            id: d.id,
            organization_id: d.organization_id,
            external_key: d.external_key,
            directory_type: d.directory_type,
            state: d.state,
            name: d.name,
            domain: d.domain,
            created_at: d.created_at,
            updated_at: d.updated_at,
        }
    }
}

/// A directory's SCIM token, as `dsync.token.*` events report it.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct DirectoryToken {
    /// Unique identifier.
    pub id: String,
    /// The directory the token belongs to.
    pub directory_id: Option<String>,
    /// The organization of the directory.
    pub organization_id: Option<String>,
    /// The last characters of the token.
    pub token_suffix: Option<String>,
    /// Creation timestamp (ISO 8601).
    pub created_at: Option<String>,
    /// Members this version does not model, as a JSON object.
    pub extra: String,
}

/// What an event reports, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum EventKind {
    /// `dsync.activated`
    DirectoryActivated,
    /// `dsync.deleted`
    DirectoryDeleted,
    /// `dsync.user.created`
    UserCreated,
    /// `dsync.user.updated`
    UserUpdated,
    /// `dsync.user.deleted`
    UserDeleted,
    /// `dsync.group.created`
    GroupCreated,
    /// `dsync.group.updated`
    GroupUpdated,
    /// `dsync.group.deleted`
    GroupDeleted,
    /// `dsync.group.user_added`
    GroupUserAdded,
    /// `dsync.group.user_removed`
    GroupUserRemoved,
    /// `dsync.token.created`
    TokenCreated,
    /// `dsync.token.revoked`
    TokenRevoked,
    /// Any other event: only `dataJson`.
    Other,
}

impl From<duo_directory::EventKind> for EventKind {
    fn from(k: duo_directory::EventKind) -> Self {
        use duo_directory::EventKind as K;
        match k {
            K::DirectoryActivated => EventKind::DirectoryActivated,
            K::DirectoryDeleted => EventKind::DirectoryDeleted,
            K::UserCreated => EventKind::UserCreated,
            K::UserUpdated => EventKind::UserUpdated,
            K::UserDeleted => EventKind::UserDeleted,
            K::GroupCreated => EventKind::GroupCreated,
            K::GroupUpdated => EventKind::GroupUpdated,
            K::GroupDeleted => EventKind::GroupDeleted,
            K::GroupUserAdded => EventKind::GroupUserAdded,
            K::GroupUserRemoved => EventKind::GroupUserRemoved,
            K::TokenCreated => EventKind::TokenCreated,
            K::TokenRevoked => EventKind::TokenRevoked,
            K::Other => EventKind::Other,
        }
    }
}

/// A directory event (a verified webhook, or one from the Events API): `kind` from its name, the
/// typed object it carries, `previousAttributesJson` on updates, and the `data` as sent.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct DirectoryEvent {
    /// Event id; dedupe on it.
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
    /// For updates: the changed attributes with their earlier values, as a JSON object.
    pub previous_attributes_json: Option<String>,
    /// The `data` member as sent, as JSON.
    pub data_json: String,
    /// The whole event as JSON, as it was read.
    pub json: String,
}

impl From<duo_directory::DirectoryEvent> for DirectoryEvent {
    fn from(e: duo_directory::DirectoryEvent) -> Self {
        let json_text = e.to_json();
        let group = e.group.map(DirectoryGroup::from);
        DirectoryEvent {
            json: json_text,
            data_json: json(&e.data),
            previous_attributes_json: e.previous_attributes.as_ref().map(json),
            kind: e.kind.into(),
            directory: e.directory.map(Directory::from),
            user: e.user.map(DirectoryUser::from),
            group,
            token: e.token.map(|t| DirectoryToken {
                extra: json(&t.extra),
                id: t.id,
                directory_id: t.directory_id,
                organization_id: t.organization_id,
                token_suffix: t.token_suffix,
                created_at: t.created_at,
            }),
            directory_id: e.directory_id,
            created_at: e.created_at,
            id: e.id,
            event: e.event,
        }
    }
}

/// Verifies a WorkOS webhook and returns its typed event. `payload` is the raw body (never
/// re-serialized JSON), `signatureHeader` the `WorkOS-Signature` value; `tolerance` and `now` are
/// seconds (defaults 180 and now), the window symmetric. Throws `DuoException.WebhookVerification`
/// (`reason` says which check failed) or `DuoException.Decode`.
#[uniffi::export(default(tolerance = None, now = None))]
pub fn verify_webhook(
    payload: Vec<u8>,
    signature_header: String,
    secret: String,
    tolerance: Option<f64>,
    now: Option<f64>,
) -> Result<DirectoryEvent> {
    guard(|| Ok(duo_directory::verify_webhook(&payload, &signature_header, &secret, tolerance, now)?.into()))
}

/// Parses an event (from the Events API, or a body already verified) without a signature check.
#[uniffi::export]
pub fn parse_event(payload: Vec<u8>) -> Result<DirectoryEvent> {
    guard(|| Ok(duo_directory::parse_event(&payload)?.into()))
}

/// The `v1` signature of `payload` at `timestamp` (Unix milliseconds, as `t=` carries it), for
/// your own tests: the header is `t=<timestamp>, v1=<signature>`.
#[uniffi::export]
pub fn compute_webhook_signature(payload: Vec<u8>, secret: String, timestamp: i64) -> Result<String> {
    guard(|| Ok(duo_directory::compute_webhook_signature(&payload, &secret, timestamp)?))
}

fn paging(limit: Option<i64>, before: Option<String>, after: Option<String>, order: Option<String>) -> Result<Paging> {
    let limit = limit.map(|n| count("limit", i128::from(n), u32::MAX)).transpose()?;
    Ok(Paging { limit, before, after, order })
}

/// `listUsers` filters and paging (`idpId` and `email` need `directory`).
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct UserQuery {
    /// Only this directory's users.
    #[uniffi(default)]
    pub directory: Option<String>,
    /// Only this group's members.
    #[uniffi(default)]
    pub group: Option<String>,
    /// The user with this provider id.
    #[uniffi(default)]
    pub idp_id: Option<String>,
    /// Users with this primary email.
    #[uniffi(default)]
    pub email: Option<String>,
    /// Objects per page, 1..100.
    #[uniffi(default)]
    pub limit: Option<i64>,
    /// Start before this id.
    #[uniffi(default)]
    pub before: Option<String>,
    /// Start after this id.
    #[uniffi(default)]
    pub after: Option<String>,
    /// `asc`, `desc` or `normal`.
    #[uniffi(default)]
    pub order: Option<String>,
}

/// `listGroups` filters and paging.
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct GroupQuery {
    /// Only this directory's groups.
    #[uniffi(default)]
    pub directory: Option<String>,
    /// Only the groups of this directory user.
    #[uniffi(default)]
    pub user: Option<String>,
    /// Objects per page, 1..100.
    #[uniffi(default)]
    pub limit: Option<i64>,
    /// Start before this id.
    #[uniffi(default)]
    pub before: Option<String>,
    /// Start after this id.
    #[uniffi(default)]
    pub after: Option<String>,
    /// `asc`, `desc` or `normal`.
    #[uniffi(default)]
    pub order: Option<String>,
}

/// `listDirectories` filters and paging.
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct DirectoryQuery {
    /// Only this organization's directories.
    #[uniffi(default)]
    pub organization_id: Option<String>,
    /// Directories whose name contains this.
    #[uniffi(default)]
    pub search: Option<String>,
    /// Objects per page, 1..100.
    #[uniffi(default)]
    pub limit: Option<i64>,
    /// Start before this id.
    #[uniffi(default)]
    pub before: Option<String>,
    /// Start after this id.
    #[uniffi(default)]
    pub after: Option<String>,
    /// `asc`, `desc` or `normal`.
    #[uniffi(default)]
    pub order: Option<String>,
}

/// `listEvents` filters; `after` is the stored cursor (the id of the last event processed).
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct EventQuery {
    /// Event names (empty: every `dsync.*` event).
    #[uniffi(default)]
    pub events: Vec<String>,
    /// Only this organization's events.
    #[uniffi(default)]
    pub organization_id: Option<String>,
    /// Events from this time on (ISO 8601).
    #[uniffi(default)]
    pub range_start: Option<String>,
    /// Events up to this time (ISO 8601).
    #[uniffi(default)]
    pub range_end: Option<String>,
    /// Objects per page, 1..100.
    #[uniffi(default)]
    pub limit: Option<i64>,
    /// Start after this event id.
    #[uniffi(default)]
    pub after: Option<String>,
}

/// One object of a directory list.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
#[allow(clippy::large_enum_variant, reason = "lowered across the FFI by value, a page at a time")]
pub enum DirectoryItem {
    /// From `listDirectories`.
    Directory {
        /// The directory.
        directory: Directory,
    },
    /// From `listUsers`.
    User {
        /// The user.
        user: DirectoryUser,
    },
    /// From `listGroups`.
    Group {
        /// The group.
        group: DirectoryGroup,
    },
    /// From `listEvents`.
    Event {
        /// The event.
        event: DirectoryEvent,
    },
}

impl From<CoreItem> for DirectoryItem {
    fn from(item: CoreItem) -> Self {
        match item {
            CoreItem::Directory(d) => DirectoryItem::Directory { directory: d.into() },
            CoreItem::User(u) => DirectoryItem::User { user: u.into() },
            CoreItem::Group(g) => DirectoryItem::Group { group: g.into() },
            CoreItem::Event(e) => DirectoryItem::Event { event: (*e).into() },
        }
    }
}

/// A WorkOS directory API client (`api.workos.com` unless `host` says otherwise), with the
/// `Client`'s options, retries and errors.
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct DirectoryClient(duo_directory::DirectoryClient);

impl std::fmt::Display for DirectoryClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DirectoryClient(host={:?})", self.0.config().host)
    }
}

impl DirectoryClient {
    pub(crate) fn from_config(config: DirectoryConfig) -> Result<Arc<DirectoryClient>> {
        guard(|| Ok(Arc::new(DirectoryClient(duo_directory::DirectoryClient::new(config)?))))
    }

    fn cursor(listing: duo_directory::Result<DirectoryListing>) -> Result<Arc<DirectoryCursor>> {
        Ok(Arc::new(DirectoryCursor { cursor: Arc::new(tokio::sync::Mutex::new(listing?)) }))
    }
}

#[uniffi::export]
impl DirectoryClient {
    /// Builds a client (validating every setting); sends nothing. `host` defaults to `api.workos.com`.
    #[uniffi::constructor(default(host = None, options = None))]
    pub fn new(api_key: String, host: Option<String>, options: Option<ClientOptions>) -> Result<Arc<DirectoryClient>> {
        let options = options.unwrap_or_default().into_core()?;
        DirectoryClient::from_config(DirectoryConfig::with_options(api_key, host, options)?)
    }

    /// Directories, page by page on demand. Sends nothing yet.
    #[uniffi::method(default(query = None))]
    pub fn list_directories(&self, query: Option<DirectoryQuery>) -> Result<Arc<DirectoryCursor>> {
        let q = query.unwrap_or_default();
        let paging = paging(q.limit, q.before, q.after, q.order)?;
        let query =
            duo_directory::directory::DirectoryQuery { organization_id: q.organization_id, search: q.search, paging };
        DirectoryClient::cursor(self.0.list_directories(&query).map(Into::into))
    }

    /// Directory users, page by page on demand. Sends nothing yet.
    #[uniffi::method(default(query = None))]
    pub fn list_users(&self, query: Option<UserQuery>) -> Result<Arc<DirectoryCursor>> {
        let q = query.unwrap_or_default();
        let paging = paging(q.limit, q.before, q.after, q.order)?;
        let query = duo_directory::directory::UserQuery {
            directory: q.directory,
            group: q.group,
            idp_id: q.idp_id,
            email: q.email,
            paging,
        };
        DirectoryClient::cursor(self.0.list_users(&query).map(Into::into))
    }

    /// Directory groups, page by page on demand. Sends nothing yet.
    #[uniffi::method(default(query = None))]
    pub fn list_groups(&self, query: Option<GroupQuery>) -> Result<Arc<DirectoryCursor>> {
        let q = query.unwrap_or_default();
        let paging = paging(q.limit, q.before, q.after, q.order)?;
        let query = duo_directory::directory::GroupQuery { directory: q.directory, user: q.user, paging };
        DirectoryClient::cursor(self.0.list_groups(&query).map(Into::into))
    }

    /// Events from the Events API, oldest first after `after`; the cursor's `resumeAfter()` is
    /// the next cursor to store.
    #[uniffi::method(default(query = None))]
    pub fn list_events(&self, query: Option<EventQuery>) -> Result<Arc<DirectoryCursor>> {
        let q = query.unwrap_or_default();
        let query = duo_directory::directory::EventQuery {
            events: q.events,
            organization_id: q.organization_id,
            range_start: q.range_start,
            range_end: q.range_end,
            paging: paging(q.limit, None, q.after, None)?,
        };
        DirectoryClient::cursor(self.0.list_events(&query).map(Into::into))
    }

    /// One directory; `DuoException.NotFound` when there is none.
    pub async fn get_directory(&self, directory_id: String) -> Result<Directory> {
        let c = self.0.clone();
        Ok(run(async move { c.get_directory(&directory_id).await }).await?.into())
    }

    /// One directory user; `DuoException.NotFound` when there is none.
    pub async fn get_user(&self, user_id: String) -> Result<DirectoryUser> {
        let c = self.0.clone();
        Ok(run(async move { c.get_user(&user_id).await }).await?.into())
    }

    /// One directory group; `DuoException.NotFound` when there is none.
    pub async fn get_group(&self, group_id: String) -> Result<DirectoryGroup> {
        let c = self.0.clone();
        Ok(run(async move { c.get_group(&group_id).await }).await?.into())
    }
}

/// A directory list: `nextPage()` crosses into Rust once per page (Kotlin's `Flow` helpers hand
/// the page out); cancelling a `nextPage()` cancels its request.
#[derive(uniffi::Object)]
pub struct DirectoryCursor {
    cursor: Arc<tokio::sync::Mutex<DirectoryListing>>,
}

#[uniffi::export]
impl DirectoryCursor {
    /// The next page (fetched now), or null after the last one.
    pub async fn next_page(&self) -> Result<Option<Vec<DirectoryItem>>> {
        let cursor = self.cursor.clone();
        let page = run(async move { cursor.lock().await.next_page().await }).await?;
        Ok(page.map(|p| p.into_iter().map(DirectoryItem::from).collect()))
    }

    /// The id of the last object handed out (else the `after` given): store it and pass it as
    /// `after` to resume (the Events API's cursor).
    pub async fn resume_after(&self) -> Option<String> {
        let cursor = self.cursor.clone();
        run(async move { Ok(cursor.lock().await.resume_after()) }).await.ok().flatten()
    }

    /// Ends the listing: later `nextPage()` calls return null.
    pub async fn stop(&self) {
        let cursor = self.cursor.clone();
        let _ = run(async move {
            cursor.lock().await.stop();
            Ok(())
        })
        .await;
    }
}
