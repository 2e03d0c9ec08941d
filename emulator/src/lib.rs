//! # duo-directory-emulator
//!
//! A local, Duo-compatible Admin API server for tests and demos. It verifies every request's
//! signature (v2 with HMAC-SHA1 or HMAC-SHA512, v5) and date exactly as Duo does, answers with
//! Duo's envelopes and error codes, and serves the users endpoints (list with paging and filters,
//! get, create, modify, delete, directory sync) from an in-memory store. Faults (429, 5xx, delays,
//! dropped connections, malformed bodies) and a steady rate limit can be injected.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use duo_directory_emulator::{Emulator, EmulatorConfig};
//! let emulator = Emulator::start(EmulatorConfig { generated_users: 500, ..EmulatorConfig::default() }).await?;
//! let client = duo_directory::Client::new(emulator.client_config())?;
//! let user = client.get_user_by_username(&emulator.users()[0].username).await?;
//! assert!(user.is_some());
//! emulator.shutdown().await;
//! # Ok(()) }
//! ```
#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic))]

mod auth;
mod bulk;
mod ca_file;
mod control;
mod directory_api;
mod dsync;
mod error;
mod fault;
mod form;
pub mod generator;
mod handlers;
mod ids;
mod limits;
mod listen;
mod objects;
mod reply;
pub mod seed_file;
mod server;
pub mod standalone;
mod store;
mod subresources;
mod tls;
pub mod verify;

pub use error::EmulatorError;
pub use fault::{Fault, FaultKind, FaultOptions};
pub use limits::{MAX_TIME_SCALE, RateWindow};

use ca_file::CaFile;
use control::Control;
use duo_directory::{ClientConfig, DirectoryUser, Scheme, Secret, User};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;
use store::Store;

/// The users of a directory loaded at start (see [`EmulatorConfig::directories`]).
#[derive(Debug, Clone, PartialEq)]
pub enum DirectoryMembers {
    /// Exactly these users.
    Users(Vec<DirectoryUser>),
    /// This many realistic users from [`generator::directory_users`] (with the directory key as
    /// the directory id and [`EmulatorConfig::seed`] as the seed).
    Generated(usize),
}

/// Settings of an emulator. Start from [`EmulatorConfig::default`] and change what you need.
/// `Debug` prints the secret key as `***`.
#[derive(Clone)]
pub struct EmulatorConfig {
    /// Integration key clients must use; default: random `DI` + 18 upper-case alphanumerics.
    pub ikey: String,
    /// Secret key clients must sign with; default: 40 random alphanumerics.
    pub skey: String,
    /// Serve HTTPS with a freshly generated CA and a leaf certificate for `127.0.0.1`, `localhost`
    /// and `::1` (default `true`); `false` serves plain HTTP.
    pub tls: bool,
    /// Address to listen on. The default, `127.0.0.1`, means the loopback of both families:
    /// `127.0.0.1` and `::1` (when this machine has it) on the same port, advertised as
    /// `localhost:PORT`. Any other address is served alone and advertised as `addr:port`.
    pub bind: IpAddr,
    /// Port to listen on; `0` (the default) picks a free port.
    pub port: u16,
    /// Largest accepted difference between the request's `Date` and the clock (default 300 s);
    /// beyond it the request is refused with 401 / 40103.
    pub max_clock_skew: Duration,
    /// The key directory API clients send as `Authorization: Bearer` (default: `sk_test_` and
    /// 24 random alphanumerics).
    pub directory_api_key: String,
    /// Seconds the emulator's clock runs ahead of this machine's (negative: behind), default 0:
    /// used to check request dates and written in every answer's `Date` header, to test how a
    /// client copes with clock skew.
    pub clock_offset: i64,
    /// Verify signatures against this host name only, as Duo verifies against its own API
    /// hostname (default `None`: the `Host` the request came with), to test a misconfigured host.
    pub api_hostname: Option<String>,
    /// Largest accepted request body (default 64 KiB); larger bodies are refused with 413 / 41301.
    pub max_body_bytes: usize,
    /// Realistic users created by [`generator::users`] when the emulator starts (default 0).
    pub generated_users: usize,
    /// Seed of the generator (default 42).
    pub seed: u64,
    /// Directories (key, members) for `POST /admin/v1/users/directorysync/{key}/syncuser`,
    /// loaded at start (default none).
    pub directories: Vec<(String, DirectoryMembers)>,
    /// Explain signature failures (default `false`): a 401 / 40103 for a signature that does not
    /// match also carries the canonical string the emulator expected, as the member
    /// `expected_canonical` and in `message_detail`. Never the secret key or a signature.
    pub debug_signatures: bool,
    /// Duo's rate limits by class of request (default `None`: no limit); past a class's budget
    /// a request gets `429` / `42901`. [`duo_directory::RateLimits::DUO`] has Duo's numbers.
    pub rate_limits: Option<duo_directory::RateLimits>,
    /// How a minute's requests are counted (default [`RateWindow::Fixed`]).
    pub rate_window: RateWindow,
    /// Added before every answer, as a network round trip would (default zero).
    pub latency: Duration,
    /// How many times faster than real time the rate-limit minute runs (default 1; 60 makes a
    /// Duo minute one second). Latency is not scaled.
    pub time_scale: f64,
}

impl std::fmt::Debug for EmulatorConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorConfig")
            .field("ikey", &self.ikey)
            .field("skey", &"***")
            .field("directory_api_key", &"***")
            .field("tls", &self.tls)
            .field("bind", &self.bind)
            .field("port", &self.port)
            .field("max_clock_skew", &self.max_clock_skew)
            .field("clock_offset", &self.clock_offset)
            .field("api_hostname", &self.api_hostname)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("generated_users", &self.generated_users)
            .field("seed", &self.seed)
            .field("directories", &self.directories)
            .field("debug_signatures", &self.debug_signatures)
            .field("rate_limits", &self.rate_limits)
            .field("rate_window", &self.rate_window)
            .field("latency", &self.latency)
            .field("time_scale", &self.time_scale)
            .finish()
    }
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            ikey: ids::random_ikey(),
            skey: ids::random_skey(),
            directory_api_key: format!("sk_test_{}", ids::random_skey().chars().take(24).collect::<String>()),
            tls: true,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            max_clock_skew: Duration::from_secs(300),
            clock_offset: 0,
            api_hostname: None,
            max_body_bytes: 64 * 1024,
            generated_users: 0,
            seed: 42,
            directories: Vec::new(),
            debug_signatures: false,
            rate_limits: None,
            rate_window: RateWindow::Fixed,
            latency: Duration::ZERO,
            time_scale: 1.0,
        }
    }
}

/// One request as the emulator saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// HTTP method, upper-case.
    pub method: String,
    /// Request path as received (still percent-encoded).
    pub path: String,
    /// Decoded parameters from the query string and the body, in the order received (lists
    /// appear as repeated pairs).
    pub params: Vec<(String, String)>,
    /// HTTP status answered; `0` when the connection was dropped on purpose ([`Fault::DropConnection`]).
    pub status: u16,
}

/// State shared by the handle and the server tasks.
pub(crate) struct Shared {
    pub(crate) ikey: String,
    pub(crate) skey: Secret,
    pub(crate) directory_api_key: Secret,
    pub(crate) dsync: dsync::Dsync,
    pub(crate) max_clock_skew: Duration,
    pub(crate) clock_offset: i64,
    pub(crate) api_hostname: Option<String>,
    pub(crate) max_body_bytes: usize,
    pub(crate) debug_signatures: bool,
    pub(crate) limiter: Option<limits::Limiter>,
    pub(crate) rate_limits: Option<duo_directory::RateLimits>,
    pub(crate) latency: Duration,
    pub(crate) store: RwLock<Store>,
    pub(crate) control: Control,
    pub(crate) request_count: AtomicU64,
}

impl Shared {
    /// The emulator's clock: this machine's, moved by `clock_offset`.
    pub(crate) fn now(&self) -> std::time::SystemTime {
        let offset = Duration::from_secs(self.clock_offset.unsigned_abs());
        let now = std::time::SystemTime::now();
        if self.clock_offset >= 0 { now + offset } else { now - offset }
    }

    pub(crate) fn read(&self) -> std::sync::RwLockReadGuard<'_, Store> {
        self.store.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn write(&self) -> std::sync::RwLockWriteGuard<'_, Store> {
        self.store.write().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A running emulator. Dropping it (or calling [`Emulator::shutdown`]) stops the server.
/// `Send + Sync`: share it by reference or in an `Arc`.
pub struct Emulator {
    shared: Arc<Shared>,
    addr: SocketAddr,
    host: String,
    scheme: Scheme,
    ca: Option<CaFile>,
    server: server::ServerHandle,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("host", &self.host())
            .field("ikey", &self.shared.ikey)
            .field("skey", &"***")
            .field("scheme", &self.scheme)
            .finish()
    }
}

impl Emulator {
    /// Binds the socket(s), spawns the server on the current tokio runtime and returns at once.
    /// (From code that is not async, use [`Emulator::start_blocking`].)
    pub async fn start(config: EmulatorConfig) -> Result<Emulator, EmulatorError> {
        if config.ikey.trim().is_empty() {
            return Err(EmulatorError::Config("the integration key is empty".into()));
        }
        if config.skey.is_empty() {
            return Err(EmulatorError::Config("the secret key is empty".into()));
        }
        let mut store = Store::default();
        if config.generated_users > 0 {
            store.append_generated(generator::users(config.generated_users, config.seed));
        }
        for (key, members) in &config.directories {
            let users = match members {
                DirectoryMembers::Users(users) => users.clone(),
                DirectoryMembers::Generated(count) => generator::directory_users(key, *count, config.seed),
            };
            store.set_directory(key, users);
        }
        let shared = Arc::new(Shared {
            ikey: config.ikey.clone(),
            skey: Secret::new(config.skey.clone()),
            directory_api_key: Secret::new(config.directory_api_key.clone()),
            dsync: dsync::Dsync::default(),
            max_clock_skew: config.max_clock_skew,
            clock_offset: config.clock_offset,
            api_hostname: config.api_hostname.clone(),
            max_body_bytes: config.max_body_bytes,
            debug_signatures: config.debug_signatures,
            limiter: match config.rate_limits {
                Some(rates) => Some(limits::Limiter::new(rates, config.rate_window, config.time_scale)?),
                None => None,
            },
            rate_limits: config.rate_limits,
            latency: config.latency,
            store: RwLock::new(store),
            control: Control::default(),
            request_count: AtomicU64::new(0),
        });
        let listening = listen::listen(config.bind, config.port).await?;
        let (acceptor, ca) = if config.tls {
            ca_file::sweep_stale();
            let material = tls::generate(config.bind)?;
            (Some(material.acceptor), Some(CaFile::new(material.ca_pem)))
        } else {
            (None, None)
        };
        let server = server::spawn(listening.listeners, acceptor, shared.clone());
        Ok(Emulator {
            shared,
            addr: listening.addr,
            host: listening.host,
            scheme: if config.tls { Scheme::Https } else { Scheme::Http },
            ca,
            server,
        })
    }

    /// [`Emulator::start`] for code that is not async: the server runs on core's process-wide
    /// runtime ([`duo_directory::runtime::shared`]) and keeps serving after this returns.
    /// Called from inside a tokio runtime it refuses with [`EmulatorError::Config`] (use
    /// [`Emulator::start`] there).
    pub fn start_blocking(config: EmulatorConfig) -> Result<Emulator, EmulatorError> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(EmulatorError::Config(
                "start_blocking was called inside a tokio runtime; use Emulator::start there".into(),
            ));
        }
        let runtime = duo_directory::runtime::shared()
            .map_err(|e| EmulatorError::Io(format!("cannot start the shared runtime: {e}")))?;
        runtime.block_on(Emulator::start(config))
    }

    /// [`Emulator::shutdown`] for code that is not async: stops the server and waits until it
    /// has stopped. Inside a tokio runtime it cannot wait: it asks the server to stop and returns.
    pub fn shutdown_blocking(self) {
        if tokio::runtime::Handle::try_current().is_ok() {
            drop(self);
            return;
        }
        match duo_directory::runtime::shared() {
            Ok(runtime) => runtime.block_on(self.shutdown()),
            Err(_) => drop(self),
        }
    }

    /// The per-class rate limits applied, if any.
    pub fn rate_limits(&self) -> Option<duo_directory::RateLimits> {
        self.shared.rate_limits
    }

    /// What clients put in `host`: `localhost:PORT` by default (see [`EmulatorConfig::bind`]),
    /// else the bound `addr:port` (IPv6 addresses are bracketed).
    pub fn host(&self) -> String {
        self.host.clone()
    }

    /// The socket address the server listens on (the IPv4 one in the default loopback mode).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The port the server listens on (the same on every address it serves).
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The integration key clients must use.
    pub fn ikey(&self) -> &str {
        &self.shared.ikey
    }

    /// The secret key clients must sign with.
    pub fn skey(&self) -> &str {
        self.shared.skey.expose()
    }

    /// [`Scheme::Https`] when TLS is on, else [`Scheme::Http`].
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The base URL, e.g. `https://localhost:41234`.
    pub fn base_url(&self) -> String {
        format!("{}://{}", self.scheme.as_str(), self.host())
    }

    /// The PEM of the generated CA (TLS only).
    pub fn ca_cert_pem(&self) -> Option<&str> {
        self.ca.as_ref().map(CaFile::pem)
    }

    /// A file holding [`Emulator::ca_cert_pem`] (TLS only), written on the first call as
    /// `duo-emulator-ca-<pid>-<random>.pem` in the temp dir and removed on shutdown or drop.
    /// Files left by a process that died are removed when the next emulator starts (Linux).
    /// `None` without TLS, or when the file cannot be written.
    pub fn ca_cert_path(&self) -> Option<&Path> {
        self.ca.as_ref().and_then(CaFile::path)
    }

    /// A client configuration ready to use: host, keys, scheme, and (TLS) the CA pinned.
    pub fn client_config(&self) -> ClientConfig {
        let mut config = ClientConfig::new(self.shared.ikey.clone(), self.shared.skey.clone(), self.host());
        config.scheme = self.scheme;
        if let Some(pem) = self.ca_cert_pem() {
            config.ca_certs = Some(pem.as_bytes().to_vec());
            config.ca_pinning = true;
        }
        config
    }

    /// Inserts a user, or replaces the one with the same `user_id` (keeping its place in the listing).
    pub fn add_user(&self, user: User) {
        self.shared.write().upsert(user);
    }

    /// Every user, in listing order.
    pub fn users(&self) -> Vec<User> {
        self.shared.read().users()
    }

    /// One user by id.
    pub fn user(&self, user_id: &str) -> Option<User> {
        self.shared.read().get(user_id).map(|e| e.user.clone())
    }

    /// The user whose username or alias is `name` (case-insensitive).
    pub fn user_by_username(&self, name: &str) -> Option<User> {
        self.shared.read().find_by_name(name).map(|e| e.user.clone())
    }

    /// Number of users.
    pub fn user_count(&self) -> usize {
        self.shared.read().len()
    }

    /// Removes every user (directories are kept).
    pub fn clear_users(&self) {
        self.shared.write().clear_users();
    }

    /// Appends `count` realistic users from [`generator::users`]; usernames or ids that clash with
    /// existing users get a numeric suffix / a fresh id.
    pub fn generate_users(&self, count: usize, seed: u64) {
        let users = generator::users(count, seed);
        self.shared.write().append_generated(users);
    }

    /// Sets the users of the directory `directory_key` (replacing any earlier ones), for
    /// `POST /admin/v1/users/directorysync/{directory_key}/syncuser` and the directory API.
    /// Replacing a directory records (and sends to the webhook) an event per user created,
    /// updated or deleted.
    pub fn add_directory(&self, directory_key: &str, users: Vec<DirectoryUser>) {
        let old = self.shared.write().set_directory(directory_key, users.clone());
        if let Some(old) = old {
            self.shared.dsync.record_changes(&old, &users, self.shared.now());
        }
    }

    /// Adds a user to a directory, or replaces the one with the same `id`: records (and sends to
    /// the webhook) `dsync.user.created` or `dsync.user.updated` with `previous_attributes`.
    pub fn put_directory_user(&self, directory_key: &str, user: DirectoryUser) {
        let old = self.shared.write().put_directory_user(directory_key, user.clone());
        let old: Vec<DirectoryUser> = old.into_iter().collect();
        self.shared.dsync.record_changes(&old, std::slice::from_ref(&user), self.shared.now());
    }

    /// The key directory API clients must send (`Authorization: Bearer`).
    pub fn directory_api_key(&self) -> &str {
        self.shared.directory_api_key.expose()
    }

    /// A directory client configuration ready to use: host, API key, scheme, and (TLS) the CA pinned.
    pub fn directory_client_config(&self) -> duo_directory::DirectoryConfig {
        let mut config = duo_directory::DirectoryConfig::new(self.shared.directory_api_key.clone());
        config.host = self.host();
        config.scheme = self.scheme;
        if let Some(pem) = self.ca_cert_pem() {
            config.ca_certs = Some(pem.as_bytes().to_vec());
            config.ca_pinning = true;
        }
        config
    }

    /// POSTs every later directory event to `url`, signed with `secret` as WorkOS signs webhooks
    /// (`None` stops). POSTs go one at a time, in order, signed at the emulator's clock.
    pub fn set_webhook(&self, url: Option<&str>, secret: &str) {
        let shared = Arc::downgrade(&self.shared);
        let clock = move || shared.upgrade().map(|s| s.now()).unwrap_or_else(std::time::SystemTime::now);
        self.shared.dsync.set_webhook(url.map(|u| (u.to_string(), Secret::new(secret))), clock);
    }

    /// Each webhook POST so far: (event id, HTTP status answered, or 0 when the POST failed).
    pub fn webhook_deliveries(&self) -> Vec<(String, u16)> {
        self.shared.dsync.deliveries()
    }

    /// Every directory event recorded so far (as `GET /events` serves them), oldest first, as JSON.
    pub fn directory_events(&self) -> Vec<String> {
        self.shared.dsync.events().iter().map(|e| e.to_string()).collect()
    }

    /// The users of a directory, if it exists.
    pub fn directory_users(&self, directory_key: &str) -> Option<Vec<DirectoryUser>> {
        self.shared.read().directory(directory_key).map(<[DirectoryUser]>::to_vec)
    }

    /// Removes the user `username` (as [`DirectoryUser::username`] reports it, or its email) from a
    /// directory; true when one was removed.
    pub fn remove_directory_user(&self, directory_key: &str, username: &str) -> bool {
        let removed = self.shared.write().remove_directory_user(directory_key, username);
        self.shared.dsync.record_changes(&removed, &[], self.shared.now());
        !removed.is_empty()
    }

    /// Queues a fault; queued faults apply to the next requests in order.
    pub fn inject_fault(&self, fault: Fault) {
        self.shared.control.push_fault(fault);
    }

    /// Drops every queued fault.
    pub fn clear_faults(&self) {
        self.shared.control.clear_faults();
    }

    /// Sets (or with `None` removes) a steady rate limit: requests beyond it get 429 / 42901.
    /// The burst allowance is one second's worth of requests (at least one).
    pub fn set_rate_limit(&self, requests_per_second: Option<f64>) {
        self.shared.control.set_rate_limit(requests_per_second);
    }

    /// Requests received so far (all of them, including refused ones).
    pub fn request_count(&self) -> u64 {
        self.shared.request_count.load(Ordering::Relaxed)
    }

    /// The recorded requests (the most recent 100,000), oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.control.requests()
    }

    /// Forgets the recorded requests (the request count is kept).
    pub fn clear_requests(&self) {
        self.shared.control.clear_requests();
    }

    /// Stops accepting connections, closes the open ones, waits for the server tasks to end and
    /// removes the CA file.
    pub async fn shutdown(mut self) {
        self.server.shutdown().await;
        if let Some(ca) = self.ca.as_mut() {
            ca.remove();
        }
    }
}

/// Removes the CA files of every emulator of this process, for a host that exits without
/// dropping its emulators (Python's `atexit`); emulators still running keep their CA in memory.
pub fn remove_ca_files_at_exit() {
    ca_file::remove_own();
}

const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<Emulator>();
    send_sync::<EmulatorConfig>();
};

impl Drop for Emulator {
    fn drop(&mut self) {
        self.server.signal();
        if let Some(ca) = self.ca.as_mut() {
            ca.remove();
        }
    }
}
