//! The Duo Admin API client for users: async, with a blocking facade in [`blocking`].

pub mod blocking;
pub mod bulk;
mod config;
mod cursor;
pub mod diagnosis;
mod items;
mod options;
pub(crate) mod pacing;
mod preview;
mod request;
pub mod retry;
mod subresources;
pub(crate) mod transport;

pub(crate) use config::validate_host;
pub use config::{
    ClientConfig, DEFAULT_DEADLINE, DEFAULT_MAX_CONNECTIONS, DEFAULT_PREFETCH, MAX_PREFETCH, Scheme, is_loopback,
};
pub use cursor::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, PageCount, UserCursor, page_size};
pub use items::{DEFAULT_ITEM_PAGE_SIZE, GroupCursor, ItemCursor, MAX_ITEM_PAGE_SIZE, item_page_size};
pub use options::{CaSource, ClientOptions, MAX_SECONDS, count, seconds};
pub use pacing::RetryMode;
pub use preview::Preview;
pub use request::PreparedRequest;
pub use subresources::MAX_BATCH;

use crate::error::{Error, Result};
use crate::models::{User, UserCreate, UserUpdate};
use crate::params::Params;
use crate::sign::{SignOptions, Signer};
use std::sync::{Arc, RwLock};

/// An async Duo Admin API client. Cheap to clone; clones share one connection pool.
///
/// ```no_run
/// # async fn demo() -> duo_directory::Result<()> {
/// use duo_directory::{Client, ClientConfig, UserUpdate, WritableStatus};
/// use futures_util::TryStreamExt;
/// let client = Client::new(ClientConfig::new("DI...", "secret", "api-xxxxxxxx.duosecurity.com"))?;
/// let users: Vec<_> = client.list_users(Some(300))?.into_stream().try_collect().await?;
/// let update = UserUpdate { status: Some(WritableStatus::Disabled), ..Default::default() };
/// println!("{:?}", client.preview().update_user(&users[0].user_id, &update)?);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    config: ClientConfig,
    signer: Signer,
    transport: RwLock<Arc<Transport>>,
    base_url: String,
    user_agent: String,
    pacer: pacing::Pacer,
}

/// One process's HTTP client and its connection gate.
pub(crate) struct Transport {
    pub(crate) pid: u32,
    pub(crate) http: reqwest::Client,
    pub(crate) gate: transport::Gate,
}

/// What a connection pool is built from (the Duo and the directory clients alike).
pub(crate) struct HttpSettings<'a> {
    pub(crate) timeout: std::time::Duration,
    pub(crate) max_connections: usize,
    pub(crate) scheme: Scheme,
    pub(crate) ca_certs: Option<&'a [u8]>,
    pub(crate) ca_pinning: bool,
    pub(crate) proxy: Option<&'a str>,
}

impl ClientConfig {
    pub(crate) fn http(&self) -> HttpSettings<'_> {
        HttpSettings {
            timeout: self.timeout,
            max_connections: self.max_connections,
            scheme: self.scheme,
            ca_certs: self.ca_certs.as_deref(),
            ca_pinning: self.ca_pinning,
            proxy: self.proxy.as_deref(),
        }
    }
}

impl Transport {
    pub(crate) fn new(config: &HttpSettings<'_>, user_agent: &str) -> Result<Transport> {
        install_crypto_provider();
        let mut builder = reqwest::Client::builder()
            .user_agent(user_agent)
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(CONNECT_TIMEOUT))
            .pool_max_idle_per_host(config.max_connections)
            .pool_idle_timeout(std::time::Duration::from_secs(60));
        if config.scheme == Scheme::Https {
            builder = builder.https_only(true);
        }
        if let Some(pem) = config.ca_certs {
            let certs = reqwest::Certificate::from_pem_bundle(pem)
                .map_err(|e| Error::invalid("ca_certs", format!("not a PEM certificate bundle: {e}")))?;
            if certs.is_empty() {
                return Err(Error::invalid("ca_certs", "the PEM bundle holds no certificate"));
            }
            builder = if config.ca_pinning { builder.tls_certs_only(certs) } else { builder.tls_certs_merge(certs) };
        }
        if let Some(proxy) = config.proxy {
            let proxy = reqwest::Proxy::https(proxy).map_err(|_| {
                Error::invalid("proxy", format!("{proxy:?} is not a proxy URL such as http://proxy:3128"))
            })?;
            builder = builder.proxy(proxy);
        }
        let http =
            builder.build().map_err(|e| Error::invalid("config", format!("cannot build the HTTP client: {e}")))?;
        Ok(Transport { pid: std::process::id(), http, gate: transport::Gate::new(config.max_connections) })
    }
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("host", &self.inner.config.host).field("ikey", &self.inner.config.ikey).finish()
    }
}

impl Client {
    /// Builds a client (and its connection pool) from validated settings. Sends nothing.
    pub fn new(config: ClientConfig) -> Result<Client> {
        config.validate()?;
        let signer = Signer::new(&config.ikey, &config.skey)?;
        let user_agent = config.user_agent_string();
        let transport = Transport::new(&config.http(), &user_agent)?;
        let base_url = format!("{}://{}", config.scheme.as_str(), config.host);
        let pacer = pacing::Pacer::new(
            config.retry_mode,
            [config.pages_per_minute, config.reads_per_minute, config.writes_per_minute],
        );
        Ok(Client {
            inner: Arc::new(Inner {
                config,
                signer,
                transport: RwLock::new(Arc::new(transport)),
                base_url,
                user_agent,
                pacer,
            }),
        })
    }

    /// This process's connection pool. After a `fork()` the child builds its own: the parent's
    /// connections and the tasks driving them do not exist there.
    pub(crate) fn transport(&self) -> Result<Arc<Transport>> {
        let current = self.inner.transport.read().unwrap_or_else(|p| p.into_inner()).clone();
        if current.pid == std::process::id() {
            return Ok(current);
        }
        let fresh = Arc::new(Transport::new(&self.inner.config.http(), &self.inner.user_agent)?);
        *self.inner.transport.write().unwrap_or_else(|p| p.into_inner()) = fresh.clone();
        Ok(fresh)
    }

    /// The rate `class` is paced at now, in requests per minute (`None`: not paced). In adaptive
    /// mode it appears after the first 429 and follows what Duo lets through.
    pub fn paced_per_minute(&self, class: crate::RequestClass) -> Option<f64> {
        self.inner.pacer.per_minute(class)
    }

    /// The settings this client was built with.
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// Validates and prepares a request without sending it (the basis of every preview).
    pub fn prepare(&self, method: &str, path: &str, params: Params) -> Result<PreparedRequest> {
        self.prepare_signed(method, path, params, self.inner.config.sig_version)
    }

    /// [`Client::prepare`] with the signature version given (the bulk endpoints take only v5).
    pub(crate) fn prepare_signed(
        &self,
        method: &str,
        path: &str,
        params: Params,
        sig_version: crate::SigVersion,
    ) -> Result<PreparedRequest> {
        let method = method.to_ascii_uppercase();
        if !matches!(method.as_str(), "GET" | "POST" | "PUT" | "PATCH" | "DELETE") {
            return Err(Error::invalid("method", format!("{method:?} is not GET, POST, PUT, PATCH or DELETE")));
        }
        if !path.starts_with('/')
            || path.contains(['?', '#'])
            || path.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(Error::invalid("path", format!("{path:?} must start with / and carry no query string")));
        }
        if path.split('/').any(|segment| matches!(segment, "." | "..")) || path.contains("//") {
            return Err(Error::invalid("path", format!("{path:?} has an empty, `.` or `..` segment")));
        }
        let config = &self.inner.config;
        let signed = self.inner.signer.sign(
            &method,
            &config.host,
            path,
            &params,
            &SignOptions { date: None, sig_version, x_duo_headers: Vec::new() },
        )?;
        let mut headers = vec![("Host".to_string(), config.host.clone()), ("Date".to_string(), signed.date.clone())];
        if let Some(body) = &signed.body {
            headers.push(("Content-Type".into(), body.content_type().into()));
        }
        headers.push(("User-Agent".into(), self.inner.user_agent.clone()));
        Ok(PreparedRequest { method, path: path.to_string(), params, query: signed.query, body: signed.body, headers })
    }

    /// Calls any Admin API endpoint with the same signing, envelope handling and retries;
    /// returns the envelope's `response` member.
    pub async fn call(&self, method: &str, path: &str, params: Params) -> Result<serde_json::Value> {
        let request = self.prepare(method, path, params)?;
        let envelope = self.execute(&request).await?;
        crate::decode::from_slice(&envelope.response)
    }

    /// Every user, as a [`UserCursor`]: pages of `page_size` (default 100, max 300) are fetched
    /// only as the cursor is advanced (user by user or page by page). Sends nothing yet.
    pub fn list_users(&self, page_size: Option<u32>) -> Result<UserCursor> {
        UserCursor::new(self.clone(), page_size)
    }

    /// One user by id; [`Error::NotFound`] when there is none.
    pub async fn get_user(&self, user_id: &str) -> Result<User> {
        let request = self.prepare("GET", &user_path(user_id)?, Params::new())?;
        self.decode_user(&request).await
    }

    /// The user with this username (or alias), if any.
    pub async fn get_user_by_username(&self, username: &str) -> Result<Option<User>> {
        if username.is_empty() {
            return Err(Error::invalid("username", "must not be empty"));
        }
        let request = self.prepare("GET", "/admin/v1/users", Params::new().with("username", username))?;
        Ok(self.decode_users(&request).await?.into_iter().next())
    }

    /// The users with this email address.
    pub async fn get_users_by_email(&self, email: &str) -> Result<Vec<User>> {
        if email.is_empty() {
            return Err(Error::invalid("email", "must not be empty"));
        }
        let request = self.prepare("GET", "/admin/v1/users", Params::new().with("email", email))?;
        self.decode_users(&request).await
    }

    /// Creates a user.
    pub async fn create_user(&self, user: &UserCreate) -> Result<User> {
        let request = self.preview().create_user(user)?;
        self.decode_user(&request).await
    }

    /// Changes a user (Duo's "modify user": `POST /admin/v1/users/{user_id}`).
    pub async fn update_user(&self, user_id: &str, update: &UserUpdate) -> Result<User> {
        let request = self.preview().update_user(user_id, update)?;
        self.decode_user(&request).await
    }

    /// Deletes a user permanently (no trash).
    pub async fn delete_user(&self, user_id: &str) -> Result<()> {
        let request = self.preview().delete_user(user_id)?;
        self.execute(&request).await.map(|_| ())
    }

    /// Creates, updates or marks for deletion `username` from the directory `directory_key`.
    pub async fn sync_user_from_directory(&self, directory_key: &str, username: &str) -> Result<User> {
        let request = self.preview().sync_user_from_directory(directory_key, username)?;
        self.decode_user(&request).await
    }

    /// Previews of the mutating calls: each returns the request it would send, sending nothing.
    pub fn preview(&self) -> Preview<'_> {
        Preview { client: self }
    }

    async fn decode_user(&self, request: &PreparedRequest) -> Result<User> {
        let envelope = self.execute(request).await?;
        crate::decode::from_slice(&envelope.response)
    }

    async fn decode_users(&self, request: &PreparedRequest) -> Result<Vec<User>> {
        let envelope = self.execute(request).await?;
        crate::decode::from_slice(&envelope.response)
    }
}

/// Makes ring rustls's process-wide crypto provider, unless the application installed one (then
/// its choice stands). Every [`Client`] calls it; call it yourself before building your own
/// `reqwest`/`rustls` client in a process that uses this crate, since the crate's `reqwest`
/// carries no provider of its own. ring takes its randomness from the OS; aws-lc-rs would first
/// seed a CPU-jitter DRBG, ~45 ms of CPU per process before the first handshake.
pub fn install_crypto_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// How long to wait for a TCP + TLS connection, at most (the attempt's timeout when shorter).
const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// `/admin/v1/users/{user_id}`, the id checked by [`path_id`].
pub(crate) fn user_path(user_id: &str) -> Result<String> {
    Ok(format!("/admin/v1/users/{}", path_id("user_id", user_id)?))
}

/// Checks an id that goes into a path. Duo ids (`DU...`, directory keys) are letters and digits
/// (20 upper-case for users); anything a path could reinterpret (`.`, `..`, `/`, `%`, spaces) is
/// refused, so the request sent is always the one previewed.
///
/// ```
/// assert!(duo_directory::path_id("user_id", "DU3RP9I2WOC59VZX672N").is_ok());
/// let err = duo_directory::path_id("user_id", "..").unwrap_err();
/// assert_eq!(err.to_string(), r#"invalid user_id: "..": a Duo id has only letters and digits (e.g. DU3RP9I2WOC59VZX672N)"#);
/// ```
pub fn path_id<'a>(field: &str, id: &'a str) -> Result<&'a str> {
    if id.is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    if id.len() > 64 || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(Error::invalid(
            field,
            format!("{id:?}: a Duo id has only letters and digits (e.g. DU3RP9I2WOC59VZX672N)"),
        ));
    }
    Ok(id)
}
