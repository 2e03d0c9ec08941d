//! The directory side: `DirectoryClient` (WorkOS Directory Sync API; every call a Promise, lists
//! crossing into Rust once per page), `DirectoryEvent` and its objects, and `verifyWebhook` /
//! `parseEvent` / `computeWebhookSignature`. Conversion only: queries, paging, verification and
//! events are core's.

use crate::client::options;
use crate::error::{promise, sync, to_js};
use crate::models::{DirectoryGroup, DirectoryUser, plain, shown};
use duo_directory::directory::{
    DirectoryItem, DirectoryListing, DirectoryQuery as CoreDirectoryQuery, EventQuery as CoreEventQuery,
    GroupQuery as CoreGroupQuery, Paging, UserQuery as CoreUserQuery,
};
use duo_directory::{DirectoryClient as CoreClient, DirectoryConfig, DirectoryEvent as CoreEvent, Error};
use napi::Env;
use napi::bindgen_prelude::{Buffer, Either, Either4, PromiseRaw};
use napi_derive::napi;
use serde_json::Value;
use std::sync::{Arc, RwLock};

/// A directory (one connection to a provider). `type` and `state` keep any value.
#[napi(object)]
pub struct Directory {
    /// Unique identifier.
    pub id: String,
    /// The organization the directory belongs to.
    pub organization_id: Option<String>,
    /// Stable external key.
    pub external_key: Option<String>,
    /// Provider type (`okta scim v2.0`, ...), verbatim.
    #[napi(js_name = "type")]
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
    /// Members this version does not model (`domains`, `metadata`, ...), in the API's own names.
    #[napi(ts_type = "Record<string, unknown>")]
    pub extra: Value,
}

impl From<&duo_directory::Directory> for Directory {
    fn from(d: &duo_directory::Directory) -> Self {
        Directory {
            id: d.id.clone(),
            organization_id: d.organization_id.clone(),
            external_key: d.external_key.clone(),
            directory_type: d.directory_type.clone(),
            state: d.state.clone(),
            is_active: d.is_active(),
            name: d.name.clone(),
            domain: d.domain.clone(),
            created_at: d.created_at.clone(),
            updated_at: d.updated_at.clone(),
            extra: Value::Object(d.extra.clone()),
        }
    }
}

/// A directory's SCIM token, as `dsync.token.*` events report it.
#[napi(object)]
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
    /// Members this version does not model.
    #[napi(ts_type = "Record<string, unknown>")]
    pub extra: Value,
}

/// A directory event (a verified webhook, or one from the Events API): `kind` from its name, the
/// typed object it carries, `previousAttributes` on updates, and `data` as sent.
#[napi]
pub struct DirectoryEvent {
    inner: CoreEvent,
}

impl DirectoryEvent {
    /// The core event.
    pub(crate) fn core(&self) -> &CoreEvent {
        &self.inner
    }
}

#[napi]
impl DirectoryEvent {
    /// Reads an event from JSON text or an object in the API's own names (no signature check).
    #[napi(js_name = "fromJSON")]
    pub fn from_json(
        env: Env,
        #[napi(ts_arg_type = "string | Record<string, unknown>")] input: Value,
    ) -> napi::Result<DirectoryEvent> {
        crate::models::parse::<CoreEvent>(&env, input).map(|inner| DirectoryEvent { inner })
    }

    /// The event in the API's own names, as it was read.
    #[napi(js_name = "toJSON", ts_return_type = "Record<string, unknown>")]
    pub fn to_json(&self, env: Env) -> napi::Result<Value> {
        plain(&env, &self.inner)
    }

    /// `DirectoryEvent(id="...", event="...")`.
    #[napi(js_name = "toString")]
    pub fn to_js_string(&self) -> String {
        shown(&self.inner)
    }

    /// Event id; dedupe on it.
    #[napi(getter)]
    pub fn id(&self) -> String {
        self.inner.id.clone()
    }
    /// The event's name as sent (`dsync.user.updated`).
    #[napi(getter)]
    pub fn event(&self) -> String {
        self.inner.event.clone()
    }
    /// `user_created`, `user_updated`, ..., or `other` for an event this version does not type.
    #[napi(
        getter,
        ts_return_type = "'directory_activated' | 'directory_deleted' | 'user_created' | 'user_updated' | 'user_deleted' | 'group_created' | 'group_updated' | 'group_deleted' | 'group_user_added' | 'group_user_removed' | 'token_created' | 'token_revoked' | 'other'"
    )]
    pub fn kind(&self) -> &'static str {
        self.inner.kind.as_str()
    }
    /// When the event happened (ISO 8601).
    #[napi(getter)]
    pub fn created_at(&self) -> Option<String> {
        self.inner.created_at.clone()
    }
    /// The directory, for `dsync.activated` / `dsync.deleted`.
    #[napi(getter)]
    pub fn directory(&self) -> Option<Directory> {
        self.inner.directory.as_ref().map(Directory::from)
    }
    /// The user, for `dsync.user.*` and `dsync.group.user_*`.
    #[napi(getter)]
    pub fn user(&self) -> Option<DirectoryUser> {
        self.inner.user.clone().map(DirectoryUser::from)
    }
    /// The group, for `dsync.group.*`.
    #[napi(getter)]
    pub fn group(&self) -> Option<DirectoryGroup> {
        self.inner.group.as_ref().map(DirectoryGroup::from)
    }
    /// The token, for `dsync.token.*`.
    #[napi(getter)]
    pub fn token(&self) -> Option<DirectoryToken> {
        self.inner.token.as_ref().map(|t| DirectoryToken {
            id: t.id.clone(),
            directory_id: t.directory_id.clone(),
            organization_id: t.organization_id.clone(),
            token_suffix: t.token_suffix.clone(),
            created_at: t.created_at.clone(),
            extra: Value::Object(t.extra.clone()),
        })
    }
    /// The directory concerned, when the event names one.
    #[napi(getter)]
    pub fn directory_id(&self) -> Option<String> {
        self.inner.directory_id.clone()
    }
    /// For updates: the changed attributes with their earlier values (null when absent before).
    #[napi(getter, ts_return_type = "Record<string, unknown> | undefined")]
    pub fn previous_attributes(&self) -> Option<Value> {
        self.inner.previous_attributes.clone().map(Value::Object)
    }
    /// The `data` member as sent.
    #[napi(getter, ts_return_type = "Record<string, unknown>")]
    pub fn data(&self) -> Value {
        Value::Object(self.inner.data.clone())
    }
}

/// Options of `verifyWebhook`, in seconds.
#[napi(object)]
pub struct VerifyOptions {
    /// Seconds the signature's timestamp may be from now, either way (default 180).
    pub tolerance: Option<f64>,
    /// The time to check against, in Unix seconds (default: now).
    pub now: Option<f64>,
}

fn body(payload: Either<Buffer, String>) -> Vec<u8> {
    match payload {
        Either::A(buffer) => buffer.to_vec(),
        Either::B(text) => text.into_bytes(),
    }
}

/// Verifies a WorkOS webhook and returns its typed `DirectoryEvent`. `payload` is the raw body
/// (a Buffer or string, never re-serialized JSON), `signatureHeader` the `WorkOS-Signature`
/// value; `tolerance` and `now` are seconds (defaults 180 and now), the window symmetric.
/// Throws `WebhookVerificationError` (`reason` says which check failed) or `DecodeError`.
#[napi]
pub fn verify_webhook(
    env: Env,
    payload: Either<Buffer, String>,
    signature_header: String,
    secret: String,
    options: Option<VerifyOptions>,
) -> napi::Result<DirectoryEvent> {
    let (tolerance, now) = options.map(|o| (o.tolerance, o.now)).unwrap_or_default();
    let bytes = body(payload);
    sync(&env, || duo_directory::verify_webhook(&bytes, &signature_header, &secret, tolerance, now))
        .map(|inner| DirectoryEvent { inner })
}

/// Parses an event (from the Events API, or a body already verified) without a signature check.
#[napi]
pub fn parse_event(env: Env, payload: Either<Buffer, String>) -> napi::Result<DirectoryEvent> {
    let bytes = body(payload);
    sync(&env, || duo_directory::parse_event(&bytes)).map(|inner| DirectoryEvent { inner })
}

/// The `v1` signature of `payload` at `timestamp` (Unix milliseconds, as `t=` carries it), for
/// your own tests: the header is `` `t=${timestamp}, v1=${signature}` ``.
#[napi]
pub fn compute_webhook_signature(
    env: Env,
    payload: Either<Buffer, String>,
    secret: String,
    timestamp: i64,
) -> napi::Result<String> {
    let bytes = body(payload);
    sync(&env, || duo_directory::compute_webhook_signature(&bytes, &secret, timestamp))
}

/// Paging of every directory list.
fn paging(
    limit: Option<i64>,
    before: Option<String>,
    after: Option<String>,
    order: Option<String>,
) -> duo_directory::Result<Paging> {
    let limit = limit.map(|n| duo_directory::count("limit", i128::from(n), u32::MAX)).transpose()?;
    Ok(Paging { limit, before, after, order })
}

/// `listDirectories` filters and paging.
#[napi(object)]
#[derive(Default)]
pub struct DirectoryQuery {
    /// Only this organization's directories.
    pub organization_id: Option<String>,
    /// Directories whose name contains this.
    pub search: Option<String>,
    /// Objects per page, 1..100.
    pub limit: Option<i64>,
    /// Start before this id.
    pub before: Option<String>,
    /// Start after this id.
    pub after: Option<String>,
    /// `asc`, `desc` or `normal`.
    pub order: Option<String>,
}

/// `listUsers` filters and paging (`idpId` and `email` need `directory`).
#[napi(object)]
#[derive(Default)]
pub struct UserQuery {
    /// Only this directory's users.
    pub directory: Option<String>,
    /// Only this group's members.
    pub group: Option<String>,
    /// The user with this provider id.
    pub idp_id: Option<String>,
    /// Users with this primary email.
    pub email: Option<String>,
    /// Objects per page, 1..100.
    pub limit: Option<i64>,
    /// Start before this id.
    pub before: Option<String>,
    /// Start after this id.
    pub after: Option<String>,
    /// `asc`, `desc` or `normal`.
    pub order: Option<String>,
}

/// `listGroups` filters and paging.
#[napi(object)]
#[derive(Default)]
pub struct GroupQuery {
    /// Only this directory's groups.
    pub directory: Option<String>,
    /// Only the groups of this directory user.
    pub user: Option<String>,
    /// Objects per page, 1..100.
    pub limit: Option<i64>,
    /// Start before this id.
    pub before: Option<String>,
    /// Start after this id.
    pub after: Option<String>,
    /// `asc`, `desc` or `normal`.
    pub order: Option<String>,
}

/// `listEvents` filters; `after` is the stored cursor (the id of the last event processed).
#[napi(object)]
#[derive(Default)]
pub struct EventQuery {
    /// Event names (default: every `dsync.*` event).
    pub events: Option<Vec<String>>,
    /// Only this organization's events.
    pub organization_id: Option<String>,
    /// Events from this time on (ISO 8601).
    pub range_start: Option<String>,
    /// Events up to this time (ISO 8601).
    pub range_end: Option<String>,
    /// Objects per page, 1..100.
    pub limit: Option<i64>,
    /// Start after this event id.
    pub after: Option<String>,
}

/// A WorkOS directory API client (`api.workos.com` unless `options.host` says otherwise), with
/// the `Client`'s options, retries and errors. Every call returns a Promise.
#[napi]
pub struct DirectoryClient {
    inner: RwLock<Option<CoreClient>>,
}

impl DirectoryClient {
    /// A client from a validated core configuration.
    pub fn from_config(env: &Env, config: DirectoryConfig) -> napi::Result<DirectoryClient> {
        let client = sync(env, || CoreClient::new(config))?;
        Ok(DirectoryClient { inner: RwLock::new(Some(client)) })
    }

    fn get(&self) -> duo_directory::Result<CoreClient> {
        let guard = self.inner.read().unwrap_or_else(|p| p.into_inner());
        guard.clone().ok_or_else(|| Error::invalid("client", "this client is closed; create a new one"))
    }

    fn listing(
        &self,
        env: &Env,
        make: impl FnOnce(&CoreClient) -> duo_directory::Result<DirectoryListing>,
    ) -> napi::Result<DirectoryIterator> {
        let listing = sync(env, || make(&self.get()?))?;
        Ok(DirectoryIterator { cursor: Arc::new(tokio::sync::Mutex::new(listing)) })
    }
}

/// `options` without `host`, and `host`.
fn split_host(options: Option<Value>) -> duo_directory::Result<(Option<String>, Option<Value>)> {
    match options {
        Some(Value::Object(mut map)) => {
            let host = match map.remove("host") {
                None | Some(Value::Null) => None,
                Some(Value::String(host)) => Some(host),
                Some(_) => return Err(Error::invalid("host", "expected a string")),
            };
            Ok((host, Some(Value::Object(map))))
        }
        other => Ok((None, other)),
    }
}

#[napi]
impl DirectoryClient {
    /// `new DirectoryClient(apiKey, options?)`: `options.host` (default `api.workos.com`) and the
    /// `Client`'s options (`timeout`, `maxRetries`, `caCerts`, ...). Sends nothing.
    #[napi(constructor)]
    pub fn new(
        env: Env,
        api_key: String,
        #[napi(ts_arg_type = "ClientOptions & { host?: string }")] options: Option<Value>,
    ) -> napi::Result<DirectoryClient> {
        let config = sync(&env, || {
            let (host, rest) = split_host(options)?;
            DirectoryConfig::with_options(api_key, host, self::options(rest)?)
        })?;
        DirectoryClient::from_config(&env, config)
    }

    /// Directories, as an async iterable.
    #[napi]
    pub fn list_directories(&self, env: Env, query: Option<DirectoryQuery>) -> napi::Result<DirectoryIterator> {
        let q = query.unwrap_or_default();
        self.listing(&env, |c| {
            let paging = paging(q.limit, q.before, q.after, q.order)?;
            let query = CoreDirectoryQuery { organization_id: q.organization_id, search: q.search, paging };
            c.list_directories(&query).map(Into::into)
        })
    }

    /// Directory users, as an async iterable.
    #[napi]
    pub fn list_users(&self, env: Env, query: Option<UserQuery>) -> napi::Result<DirectoryIterator> {
        let q = query.unwrap_or_default();
        self.listing(&env, |c| {
            let paging = paging(q.limit, q.before, q.after, q.order)?;
            let query =
                CoreUserQuery { directory: q.directory, group: q.group, idp_id: q.idp_id, email: q.email, paging };
            c.list_users(&query).map(Into::into)
        })
    }

    /// Directory groups, as an async iterable.
    #[napi]
    pub fn list_groups(&self, env: Env, query: Option<GroupQuery>) -> napi::Result<DirectoryIterator> {
        let q = query.unwrap_or_default();
        self.listing(&env, |c| {
            let paging = paging(q.limit, q.before, q.after, q.order)?;
            c.list_groups(&CoreGroupQuery { directory: q.directory, user: q.user, paging }).map(Into::into)
        })
    }

    /// Events from the Events API, oldest first after `after`; the iterator's `resumeAfter` is
    /// the next cursor to store.
    #[napi]
    pub fn list_events(&self, env: Env, query: Option<EventQuery>) -> napi::Result<DirectoryIterator> {
        let q = query.unwrap_or_default();
        self.listing(&env, |c| {
            let query = CoreEventQuery {
                events: q.events.unwrap_or_default(),
                organization_id: q.organization_id,
                range_start: q.range_start,
                range_end: q.range_end,
                paging: paging(q.limit, None, q.after, None)?,
            };
            c.list_events(&query).map(Into::into)
        })
    }

    /// One directory; rejects with `NotFoundError` when there is none.
    #[napi(ts_return_type = "Promise<Directory>")]
    pub fn get_directory<'e>(&self, env: &'e Env, directory_id: String) -> napi::Result<PromiseRaw<'e, Directory>> {
        let client = self.get();
        promise(env, async move { client?.get_directory(&directory_id).await }, |d| Directory::from(&d))
    }

    /// One directory user; rejects with `NotFoundError` when there is none.
    #[napi(ts_return_type = "Promise<DirectoryUser>")]
    pub fn get_user<'e>(&self, env: &'e Env, user_id: String) -> napi::Result<PromiseRaw<'e, DirectoryUser>> {
        let client = self.get();
        promise(env, async move { client?.get_user(&user_id).await }, DirectoryUser::from)
    }

    /// One directory group; rejects with `NotFoundError` when there is none.
    #[napi(ts_return_type = "Promise<DirectoryGroup>")]
    pub fn get_group<'e>(&self, env: &'e Env, group_id: String) -> napi::Result<PromiseRaw<'e, DirectoryGroup>> {
        let client = self.get();
        promise(env, async move { client?.get_group(&group_id).await }, |g| DirectoryGroup::from(&g))
    }

    /// Drops the connection pool; later calls reject with `InvalidInputError` (`client`).
    #[napi]
    pub fn close(&self) {
        *self.inner.write().unwrap_or_else(|p| p.into_inner()) = None;
    }

    /// `DirectoryClient(host="...")`, never the key.
    #[napi(js_name = "toString")]
    pub fn to_js_string(&self) -> String {
        match self.get() {
            Ok(c) => format!("DirectoryClient(host={:?})", c.config().host),
            Err(_) => "DirectoryClient(<closed>)".into(),
        }
    }
}

type Item = Either4<Directory, DirectoryUser, DirectoryGroup, DirectoryEvent>;

fn item(item: DirectoryItem) -> Item {
    match item {
        DirectoryItem::Directory(d) => Either4::A(Directory::from(&d)),
        DirectoryItem::User(u) => Either4::B(DirectoryUser::from(u)),
        DirectoryItem::Group(g) => Either4::C(DirectoryGroup::from(&g)),
        DirectoryItem::Event(e) => Either4::D(DirectoryEvent { inner: *e }),
    }
}

/// A directory list over core's cursor: iterate it with `for await`; `nextPage()` is the
/// page-at-a-time form. Ends after an error is thrown.
#[napi]
pub struct DirectoryIterator {
    cursor: Arc<tokio::sync::Mutex<DirectoryListing>>,
}

#[napi]
impl DirectoryIterator {
    /// The rest of the current page, or else the next page fetched; null after the last one.
    #[napi(ts_return_type = "Promise<Array<Directory | DirectoryUser | DirectoryGroup | DirectoryEvent> | null>")]
    pub fn next_page<'e>(&self, env: &'e Env) -> napi::Result<PromiseRaw<'e, Option<Vec<Item>>>> {
        let cursor = self.cursor.clone();
        promise(env, async move { cursor.lock().await.next_page().await }, |page| {
            page.map(|p| p.into_iter().map(item).collect())
        })
    }

    /// The id of the last object handed out by `nextPage()` (else the `after` given): store it
    /// and pass it as `after` to resume (the Events API's cursor).
    #[napi(getter)]
    pub fn resume_after(&self, env: Env) -> napi::Result<Option<String>> {
        match self.cursor.try_lock() {
            Ok(cursor) => Ok(cursor.resume_after()),
            Err(_) => Err(to_js(&env, Error::invalid("listing", "a page is being fetched; await it first"))),
        }
    }

    /// How many pages have been requested so far.
    #[napi(getter)]
    pub fn pages_fetched(&self) -> i64 {
        self.cursor.try_lock().map(|c| i64::try_from(c.pages_fetched()).unwrap_or(i64::MAX)).unwrap_or(0)
    }

    /// Ends the listing (what `break` in `for await` does): no further page is requested.
    #[napi]
    pub fn stop(&self) {
        if let Ok(mut cursor) = self.cursor.try_lock() {
            cursor.stop();
        }
    }
}
