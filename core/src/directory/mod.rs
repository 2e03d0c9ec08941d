//! The directory side: a client for the WorkOS Directory Sync API (directories, directory users
//! and groups with cursor paging, the Events API), and its events.
//!
//! The [`DirectoryClient`] sends through the same loop as the Duo [`Client`](crate::Client):
//! the same timeouts, deadline, retry schedules (429 for any method, 502-504 for reads,
//! connection failures) and errors. Pacing uses the same token buckets: one per directory for
//! `GET /directory_users` (the API allows 4 requests a second per directory; the bucket starts
//! at that rate and, in adaptive mode, slows on 429), and one adaptive bucket for every other call.
//!
//! ```no_run
//! # async fn demo() -> duo_directory::Result<()> {
//! use duo_directory::directory::{DirectoryClient, DirectoryConfig, UserQuery};
//! let client = DirectoryClient::new(DirectoryConfig::new("sk_test_..."))?;
//! let mut users = client.list_users(&UserQuery { directory: Some("directory_01ECAZ4NV9QMV47GW873HDCX74".into()), ..Default::default() })?;
//! while let Some(user) = users.next().await? {
//!     println!("{} {:?}", user.id, user.state);
//! }
//! # Ok(()) }
//! ```

mod events;
mod listing;
mod models;
mod paging;

pub use events::{DirectoryEvent, EventKind, parse_event};
pub use listing::{DirectoryItem, DirectoryListing};
pub use models::{Directory, DirectoryToken};
pub use paging::{ListCursor, ListMetadata, Listed, MAX_LIMIT, Paging};

use crate::client::pacing::{Lane, RetryMode};
use crate::client::transport::{self, Endpoint, Outgoing, Settings};
use crate::client::{ClientOptions, HttpSettings, PreparedRequest, Scheme, Transport, is_loopback, validate_host};
use crate::error::{ApiError, Error, Result};
use crate::models::{DirectoryGroup, DirectoryUser};
use crate::params::Params;
use crate::retry::RetryPolicy;
use crate::secret::Secret;
use bytes::Bytes;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

/// The directory API's host.
pub const DEFAULT_HOST: &str = "api.workos.com";
/// Requests a second the API allows on `GET /directory_users` per directory.
pub const USERS_PER_SECOND: u32 = 4;

/// Everything a [`DirectoryClient`] needs. `Debug` prints the API key as `***`.
#[derive(Debug, Clone)]
pub struct DirectoryConfig {
    /// The API key (`sk_...`), sent as `Authorization: Bearer`.
    pub api_key: Secret,
    /// API host, `name[:port]` (default `api.workos.com`).
    pub host: String,
    /// `https` unless talking to a loopback emulator.
    pub scheme: Scheme,
    /// Timeout of each HTTP attempt (default 30 s).
    pub timeout: Duration,
    /// Retry behaviour, as the Duo client's.
    pub retry: RetryPolicy,
    /// Overall budget of one call (default 120 s).
    pub deadline: Option<Duration>,
    /// Most connections to the host at once (default 16).
    pub max_connections: usize,
    /// Prepended to this library's own User-Agent.
    pub user_agent: Option<String>,
    /// Which binding makes the calls, for the User-Agent.
    pub binding: String,
    /// HTTPS proxy URL.
    pub proxy: Option<String>,
    /// Extra CA certificates (PEM bundle) to trust.
    pub ca_certs: Option<Vec<u8>>,
    /// Trust only `ca_certs`.
    pub ca_pinning: bool,
    /// Adaptive pacing (default) or the standard backoff.
    pub retry_mode: RetryMode,
}

impl DirectoryConfig {
    /// Defaults: `https://api.workos.com`, and the Duo client's timeouts and retries.
    pub fn new(api_key: impl Into<Secret>) -> DirectoryConfig {
        let duo = crate::ClientConfig::new("", "", "");
        DirectoryConfig {
            api_key: api_key.into(),
            host: DEFAULT_HOST.to_string(),
            scheme: Scheme::Https,
            timeout: duo.timeout,
            retry: duo.retry,
            deadline: duo.deadline,
            max_connections: duo.max_connections,
            user_agent: None,
            binding: duo.binding,
            proxy: None,
            ca_certs: None,
            ca_pinning: false,
            retry_mode: duo.retry_mode,
        }
    }

    /// [`DirectoryConfig::new`] with a host (`None`: the default) and the options the Duo client
    /// takes; options that only concern Duo (`sig_version`, `prefetch`, `*_per_minute`) are refused.
    pub fn with_options(
        api_key: impl Into<Secret>,
        host: Option<String>,
        options: ClientOptions,
    ) -> Result<DirectoryConfig> {
        let mut config = DirectoryConfig::new(api_key);
        if let Some(host) = host {
            config.host = host;
        }
        config.apply(options)?;
        config.validate()?;
        Ok(config)
    }

    /// Overrides the settings given in `options` (the Duo client's option set, applied by the
    /// same code), leaving the others; Duo-only options are refused.
    pub fn apply(&mut self, options: ClientOptions) -> Result<()> {
        for (field, given) in [
            ("sig_version", options.sig_version.is_some()),
            ("prefetch", options.prefetch.is_some()),
            ("pages_per_minute", options.pages_per_minute.is_some()),
            ("reads_per_minute", options.reads_per_minute.is_some()),
            ("writes_per_minute", options.writes_per_minute.is_some()),
        ] {
            if given {
                return Err(Error::invalid(field, "does not apply to the directory client"));
            }
        }
        let mut duo = crate::ClientConfig::new("", "", "");
        duo.scheme = self.scheme;
        duo.timeout = self.timeout;
        duo.retry = self.retry.clone();
        duo.deadline = self.deadline;
        duo.max_connections = self.max_connections;
        duo.user_agent = self.user_agent.take();
        duo.binding = std::mem::take(&mut self.binding);
        duo.proxy = self.proxy.take();
        duo.ca_certs = self.ca_certs.take();
        duo.ca_pinning = self.ca_pinning;
        duo.retry_mode = self.retry_mode;
        let applied = duo.apply(options);
        self.scheme = duo.scheme;
        self.timeout = duo.timeout;
        self.retry = duo.retry;
        self.deadline = duo.deadline;
        self.max_connections = duo.max_connections;
        self.user_agent = duo.user_agent;
        self.binding = duo.binding;
        self.proxy = duo.proxy;
        self.ca_certs = duo.ca_certs;
        self.ca_pinning = duo.ca_pinning;
        self.retry_mode = duo.retry_mode;
        applied
    }

    /// Checks the settings without connecting.
    pub fn validate(&self) -> Result<()> {
        if self.api_key.expose().trim().is_empty() {
            return Err(Error::invalid("api_key", "the API key is empty"));
        }
        if self.api_key.expose().chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(Error::invalid("api_key", "the API key holds spaces or control characters"));
        }
        validate_host(&self.host)?;
        if self.scheme == Scheme::Http && !is_loopback(&self.host) {
            return Err(Error::invalid(
                "scheme",
                format!("plain http is only allowed for loopback hosts, not {:?}", self.host),
            ));
        }
        if self.timeout.is_zero() {
            return Err(Error::invalid("timeout", "must be greater than zero"));
        }
        if self.max_connections == 0 {
            return Err(Error::invalid("max_connections", "must be at least 1"));
        }
        if self.ca_pinning && self.ca_certs.is_none() {
            return Err(Error::invalid("ca_certs", "CA pinning needs at least one CA certificate"));
        }
        Ok(())
    }

    fn http(&self) -> HttpSettings<'_> {
        HttpSettings {
            timeout: self.timeout,
            max_connections: self.max_connections,
            scheme: self.scheme,
            ca_certs: self.ca_certs.as_deref(),
            ca_pinning: self.ca_pinning,
            proxy: self.proxy.as_deref(),
        }
    }

    fn user_agent_string(&self) -> String {
        let own = format!("duo-directory/{} ({}; directory)", crate::VERSION, self.binding);
        match &self.user_agent {
            Some(custom) if !custom.trim().is_empty() => format!("{} {own}", custom.trim()),
            _ => own,
        }
    }
}

/// Filters of `GET /directory_users` (plus paging). `idp_id` and `email` need `directory`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserQuery {
    /// Only this directory's users.
    pub directory: Option<String>,
    /// Only this group's members.
    pub group: Option<String>,
    /// The user with this provider id (needs `directory`).
    pub idp_id: Option<String>,
    /// Users with this primary email (needs `directory`).
    pub email: Option<String>,
    /// Paging.
    pub paging: Paging,
}

/// Filters of `GET /directory_groups` (plus paging).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupQuery {
    /// Only this directory's groups.
    pub directory: Option<String>,
    /// Only the groups of this directory user.
    pub user: Option<String>,
    /// Paging.
    pub paging: Paging,
}

/// Filters of `GET /directories` (plus paging).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DirectoryQuery {
    /// Only this organization's directories.
    pub organization_id: Option<String>,
    /// Directories whose name contains this.
    pub search: Option<String>,
    /// Paging.
    pub paging: Paging,
}

/// Filters of `GET /events` (plus paging; `after` is the stored cursor: the id of the last event
/// processed, see [`ListCursor::resume_after`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventQuery {
    /// Event names (default: every `dsync.*` event this version types).
    pub events: Vec<String>,
    /// Only this organization's events.
    pub organization_id: Option<String>,
    /// Events from this time on (ISO 8601).
    pub range_start: Option<String>,
    /// Events up to this time (ISO 8601).
    pub range_end: Option<String>,
    /// Paging.
    pub paging: Paging,
}

/// The event names [`EventQuery`] asks for when it names none.
pub const DIRECTORY_EVENTS: [&str; 12] = [
    "dsync.activated",
    "dsync.deleted",
    "dsync.user.created",
    "dsync.user.updated",
    "dsync.user.deleted",
    "dsync.group.created",
    "dsync.group.updated",
    "dsync.group.deleted",
    "dsync.group.user_added",
    "dsync.group.user_removed",
    "dsync.token.created",
    "dsync.token.revoked",
];

/// Checks an object id that goes into a path or a query: letters, digits and `_`/`-`
/// (`directory_user_01E1JG7J09H96KYP8HM9B0G5SJ`), at most 128 characters.
pub fn object_id<'a>(field: &str, id: &'a str) -> Result<&'a str> {
    if id.is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    if id.len() > 128 || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
        return Err(Error::invalid(
            field,
            format!(
                "{id:?}: an object id has only letters, digits, _ and - (e.g. directory_user_01E1JG7J09H96KYP8HM9B0G5SJ)"
            ),
        ));
    }
    Ok(id)
}

fn text_filter(params: &mut Params, field: &str, value: &Option<String>) -> Result<()> {
    if let Some(value) = value {
        if value.is_empty() {
            return Err(Error::invalid(field, "must not be empty"));
        }
        params.insert(field, value.as_str());
    }
    Ok(())
}

fn id_filter(params: &mut Params, field: &str, value: &Option<String>) -> Result<()> {
    if let Some(value) = value {
        params.insert(field, object_id(field, value)?);
    }
    Ok(())
}

/// An async client for the WorkOS directory API. Cheap to clone; clones share one connection pool.
#[derive(Clone)]
pub struct DirectoryClient {
    inner: Arc<Inner>,
}

struct Inner {
    config: DirectoryConfig,
    transport: RwLock<Arc<Transport>>,
    base_url: String,
    user_agent: String,
    general: Arc<Lane>,
    per_directory: Mutex<HashMap<String, Arc<Lane>>>,
}

impl std::fmt::Debug for DirectoryClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DirectoryClient").field("host", &self.inner.config.host).finish_non_exhaustive()
    }
}

impl DirectoryClient {
    /// Builds a client (and its connection pool) from validated settings. Sends nothing.
    pub fn new(config: DirectoryConfig) -> Result<DirectoryClient> {
        config.validate()?;
        let user_agent = config.user_agent_string();
        let transport = Transport::new(&config.http(), &user_agent)?;
        let base_url = format!("{}://{}", config.scheme.as_str(), config.host);
        let general = Arc::new(Lane::new(config.retry_mode, None));
        Ok(DirectoryClient {
            inner: Arc::new(Inner {
                transport: RwLock::new(Arc::new(transport)),
                base_url,
                user_agent,
                general,
                per_directory: Mutex::new(HashMap::new()),
                config,
            }),
        })
    }

    /// The settings this client was built with.
    pub fn config(&self) -> &DirectoryConfig {
        &self.inner.config
    }

    /// The rate `GET /directory_users` of `directory` is paced at now, in requests per minute.
    pub fn users_paced_per_minute(&self, directory: &str) -> Option<f64> {
        self.users_lane(directory).per_minute()
    }

    fn users_lane(&self, directory: &str) -> Arc<Lane> {
        let mut lanes = self.inner.per_directory.lock().unwrap_or_else(|p| p.into_inner());
        lanes
            .entry(directory.to_string())
            .or_insert_with(|| Arc::new(Lane::new(self.inner.config.retry_mode, Some(USERS_PER_SECOND * 60))))
            .clone()
    }

    /// Directories, page by page as the cursor advances. Sends nothing yet.
    pub fn list_directories(&self, query: &DirectoryQuery) -> Result<ListCursor<Directory>> {
        let mut params = Params::new();
        id_filter(&mut params, "organization_id", &query.organization_id)?;
        text_filter(&mut params, "search", &query.search)?;
        query.paging.apply(&mut params)?;
        Ok(ListCursor::new(self.clone(), "/directories", params))
    }

    /// Directory users, page by page as the cursor advances. Sends nothing yet.
    pub fn list_users(&self, query: &UserQuery) -> Result<ListCursor<DirectoryUser>> {
        let mut params = Params::new();
        id_filter(&mut params, "directory", &query.directory)?;
        id_filter(&mut params, "group", &query.group)?;
        for (field, value) in [("idp_id", &query.idp_id), ("email", &query.email)] {
            if value.is_some() && query.directory.is_none() {
                return Err(Error::invalid(field, "filtering by idp_id or email needs directory"));
            }
            text_filter(&mut params, field, value)?;
        }
        query.paging.apply(&mut params)?;
        Ok(ListCursor::new(self.clone(), "/directory_users", params))
    }

    /// Directory groups, page by page as the cursor advances. Sends nothing yet.
    pub fn list_groups(&self, query: &GroupQuery) -> Result<ListCursor<DirectoryGroup>> {
        let mut params = Params::new();
        id_filter(&mut params, "directory", &query.directory)?;
        id_filter(&mut params, "user", &query.user)?;
        query.paging.apply(&mut params)?;
        Ok(ListCursor::new(self.clone(), "/directory_groups", params))
    }

    /// Events from the Events API, oldest first after `paging.after` (the stored cursor).
    pub fn list_events(&self, query: &EventQuery) -> Result<ListCursor<DirectoryEvent>> {
        let mut params = Params::new();
        let names: Vec<String> = if query.events.is_empty() {
            DIRECTORY_EVENTS.iter().map(|s| (*s).to_string()).collect()
        } else {
            query.events.clone()
        };
        for name in &names {
            if name.is_empty() || !name.bytes().all(|b| b.is_ascii_lowercase() || b == b'.' || b == b'_') {
                return Err(Error::invalid(
                    "events",
                    format!("{name:?} is not an event name such as dsync.user.created"),
                ));
            }
        }
        params.insert("events", names.join(","));
        id_filter(&mut params, "organization_id", &query.organization_id)?;
        text_filter(&mut params, "range_start", &query.range_start)?;
        text_filter(&mut params, "range_end", &query.range_end)?;
        query.paging.apply(&mut params)?;
        Ok(ListCursor::new(self.clone(), "/events", params))
    }

    /// One directory; [`Error::NotFound`] when there is none.
    pub async fn get_directory(&self, directory_id: &str) -> Result<Directory> {
        let path = format!("/directories/{}", object_id("directory_id", directory_id)?);
        crate::decode::from_slice(&self.get(&path, Params::new()).await?)
    }

    /// One directory user; [`Error::NotFound`] when there is none.
    pub async fn get_user(&self, user_id: &str) -> Result<DirectoryUser> {
        let path = format!("/directory_users/{}", object_id("user_id", user_id)?);
        crate::decode::from_slice(&self.get(&path, Params::new()).await?)
    }

    /// One directory group; [`Error::NotFound`] when there is none.
    pub async fn get_group(&self, group_id: &str) -> Result<DirectoryGroup> {
        let path = format!("/directory_groups/{}", object_id("group_id", group_id)?);
        crate::decode::from_slice(&self.get(&path, Params::new()).await?)
    }

    /// `GET path?params`, the body of a 2xx answer; any other answer as an [`Error`].
    pub(crate) async fn get(&self, path: &str, params: Params) -> Result<Bytes> {
        let query = encode_query(&params);
        let request = PreparedRequest {
            method: "GET".into(),
            path: path.to_string(),
            params,
            query,
            body: None,
            headers: Vec::new(),
        };
        let sent = transport::send(self, &request).await?;
        if (200..300).contains(&sent.status) {
            return Ok(sent.body);
        }
        Err(self.failure(sent.status, &sent.body).with_attempts(sent.attempts))
    }

    fn transport(&self) -> Result<Arc<Transport>> {
        let current = self.inner.transport.read().unwrap_or_else(|p| p.into_inner()).clone();
        if current.pid == std::process::id() {
            return Ok(current);
        }
        let fresh = Arc::new(Transport::new(&self.inner.config.http(), &self.inner.user_agent)?);
        *self.inner.transport.write().unwrap_or_else(|p| p.into_inner()) = fresh.clone();
        Ok(fresh)
    }
}

fn encode_query(params: &Params) -> String {
    let mut out = String::new();
    for (name, value) in params.iter() {
        for v in value.values() {
            if !out.is_empty() {
                out.push('&');
            }
            out.extend(percent_encoding::utf8_percent_encode(name, crate::sign::ENCODE_SET));
            out.push('=');
            out.extend(percent_encoding::utf8_percent_encode(v, crate::sign::ENCODE_SET));
        }
    }
    out
}

impl Endpoint for DirectoryClient {
    fn settings(&self) -> Settings<'_> {
        let config = &self.inner.config;
        Settings {
            retry: &config.retry,
            retry_mode: config.retry_mode,
            deadline: config.deadline,
            timeout: config.timeout,
        }
    }

    fn transport(&self) -> Result<Arc<Transport>> {
        DirectoryClient::transport(self)
    }

    fn lane(&self, request: &PreparedRequest) -> (Arc<Lane>, &'static str) {
        if request.path == "/directory_users" {
            (self.users_lane(request.params.get("directory").unwrap_or("")), "directory users")
        } else {
            (self.inner.general.clone(), "directory API calls")
        }
    }

    fn authorize(&self, request: &PreparedRequest) -> Result<Outgoing> {
        let inner = &self.inner;
        let mut url = String::with_capacity(inner.base_url.len() + request.path.len() + request.query.len() + 1);
        url.push_str(&inner.base_url);
        url.push_str(&request.path);
        if !request.query.is_empty() {
            url.push('?');
            url.push_str(&request.query);
        }
        let authorization = format!("Bearer {}", inner.config.api_key.expose());
        Ok(Outgoing { url, headers: vec![("Authorization", authorization)], body: None })
    }

    fn failure(&self, status: u16, body: &Bytes) -> Error {
        failure(status, body)
    }
}

/// A failure answer of the directory API: `{"message"}`, `{"error", "error_description"}`,
/// `{"code"}`, `{"errors": [{"code","field"}]}` or a bare string, classified by status.
fn failure(status: u16, body: &Bytes) -> Error {
    let json: Option<serde_json::Value> = serde_json::from_slice(body).ok();
    let text = |key: &str| json.as_ref().and_then(|j| j.get(key)).and_then(|v| v.as_str()).map(str::to_string);
    let message = text("message")
        .or_else(|| text("error_description"))
        .or_else(|| text("error"))
        .or_else(|| json.as_ref().and_then(|j| j.as_str()).map(str::to_string))
        .unwrap_or_else(|| if body.is_empty() { format!("HTTP {status}") } else { crate::error::excerpt(body) });
    let fields: Vec<String> = json
        .as_ref()
        .and_then(|j| j.get("errors"))
        .and_then(|v| v.as_array())
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| {
                    let field = e.get("field").and_then(|f| f.as_str())?;
                    let code = e.get("code").and_then(|c| c.as_str()).unwrap_or("invalid");
                    Some(format!("{field}: {code}"))
                })
                .collect()
        })
        .unwrap_or_default();
    let detail = if fields.is_empty() { text("code") } else { Some(fields.join(", ")) };
    if (200..300).contains(&status) {
        return Error::decode_body("the answer is not the directory API's JSON", body);
    }
    Error::from_api(ApiError::directory(status, message, detail))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_read_every_error_shape() {
        let cases: [(u16, &str, &str); 4] = [
            (404, r#"{"message":"Not Found"}"#, "not found: HTTP 404: Not Found"),
            (
                422,
                r#"{"message":"Validation failed.","errors":[{"code":"required","field":"events"}]}"#,
                "directory API error: HTTP 422: Validation failed. (events: required)",
            ),
            (
                401,
                r#"{"error":"invalid_client","error_description":"Invalid API key"}"#,
                "unauthorized: HTTP 401: Invalid API key",
            ),
            (429, r#""Ratelimited""#, "directory API error: HTTP 429: Ratelimited"),
        ];
        for (status, body, want) in cases {
            assert_eq!(failure(status, &Bytes::from(body)).to_string(), want);
        }
    }

    #[test]
    fn bad_queries_are_refused_before_sending() {
        let client = DirectoryClient::new(DirectoryConfig::new("sk_test_1")).unwrap();
        let bad_limit = UserQuery { paging: Paging { limit: Some(101), ..Default::default() }, ..Default::default() };
        let email_alone = UserQuery { email: Some("a@b.c".into()), ..Default::default() };
        let bad_id = UserQuery { directory: Some("../x".into()), ..Default::default() };
        for (query, field) in [(bad_limit, "limit"), (email_alone, "email"), (bad_id, "directory")] {
            let err = client.list_users(&query).unwrap_err();
            assert!(matches!(&err, Error::InvalidInput { field: f, .. } if f == field), "{err:?}");
        }
        let order =
            GroupQuery { paging: Paging { order: Some("up".into()), ..Default::default() }, ..Default::default() };
        assert!(client.list_groups(&order).is_err());
    }

    #[test]
    fn the_api_key_never_shows() {
        let config = DirectoryConfig::new("sk_test_topsecret");
        let client = DirectoryClient::new(config.clone()).unwrap();
        assert!(!format!("{config:?} {client:?}").contains("topsecret"));
        let err = DirectoryConfig::with_options("sk_test_topsecret", Some("a b".into()), ClientOptions::default())
            .unwrap_err();
        assert!(!err.to_string().contains("topsecret"));
    }
}
