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
mod control;
pub mod generator;
mod handlers;
mod ids;
pub mod seed_file;
mod server;
pub mod standalone;
mod store;
mod tls;

use control::Control;
use duo_directory::{ClientConfig, DirectoryUser, Scheme, Secret, User};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;
use store::Store;

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
    /// Address to listen on (default `127.0.0.1`).
    pub bind: IpAddr,
    /// Port to listen on; `0` (the default) picks a free port.
    pub port: u16,
    /// Largest accepted difference between the request's `Date` and the clock (default 300 s);
    /// beyond it the request is refused with 401 / 40103.
    pub max_clock_skew: Duration,
    /// Largest accepted request body (default 64 KiB); larger bodies are refused with 413 / 41301.
    pub max_body_bytes: usize,
    /// Realistic users created by [`generator::users`] when the emulator starts (default 0).
    pub generated_users: usize,
    /// Seed of the generator (default 42).
    pub seed: u64,
}

impl std::fmt::Debug for EmulatorConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorConfig")
            .field("ikey", &self.ikey)
            .field("skey", &"***")
            .field("tls", &self.tls)
            .field("bind", &self.bind)
            .field("port", &self.port)
            .field("max_clock_skew", &self.max_clock_skew)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("generated_users", &self.generated_users)
            .field("seed", &self.seed)
            .finish()
    }
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            ikey: ids::random_ikey(),
            skey: ids::random_skey(),
            tls: true,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            max_clock_skew: Duration::from_secs(300),
            max_body_bytes: 64 * 1024,
            generated_users: 0,
            seed: 42,
        }
    }
}

/// A fault to inject: the next `count` requests (of any kind, in order of arrival) get it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer 429 `{"stat":"FAIL","code":42901,"message":"Too Many Requests"}`, with a
    /// `Retry-After: <seconds>` header when `retry_after` is given.
    RateLimited {
        /// How many requests get this answer.
        count: u32,
        /// Seconds to announce in `Retry-After`, if any.
        retry_after: Option<u64>,
    },
    /// Answer with this HTTP status (e.g. 500, 502, 503) and a Duo FAIL envelope whose code is
    /// `status * 100 + 1`.
    ServerError {
        /// How many requests get this answer.
        count: u32,
        /// The HTTP status to answer.
        status: u16,
    },
    /// Wait `delay`, then handle the request normally.
    Delay {
        /// How many requests are delayed.
        count: u32,
        /// How long each waits.
        delay: Duration,
    },
    /// Start a 200 response and abort the connection before the body is complete.
    DropConnection {
        /// How many requests are dropped.
        count: u32,
    },
    /// Answer 200 with a truncated, invalid JSON body.
    MalformedBody {
        /// How many requests get this answer.
        count: u32,
    },
}

impl Fault {
    /// How many requests this fault applies to.
    pub fn count(&self) -> u32 {
        match self {
            Fault::RateLimited { count, .. }
            | Fault::ServerError { count, .. }
            | Fault::Delay { count, .. }
            | Fault::DropConnection { count }
            | Fault::MalformedBody { count } => *count,
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

/// Why the emulator could not start or load its data.
#[derive(thiserror::Error, Debug)]
#[non_exhaustive]
pub enum EmulatorError {
    /// The listening socket could not be opened (address in use, permission denied, ...).
    #[error("cannot listen on {addr}: {message}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The operating system's reason.
        message: String,
    },
    /// The TLS certificates or configuration could not be built.
    #[error("cannot set up TLS: {0}")]
    Tls(String),
    /// A seed file could not be read or is not valid.
    #[error("seed file {path}: {message}")]
    SeedFile {
        /// The seed file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// The configuration is not usable (empty keys, ...).
    #[error("invalid emulator configuration: {0}")]
    Config(String),
    /// Any other I/O failure (writing the CA file, waiting for signals, printing, ...).
    #[error("{0}")]
    Io(String),
}

/// State shared by the handle and the server tasks.
pub(crate) struct Shared {
    pub(crate) ikey: String,
    pub(crate) skey: Secret,
    pub(crate) max_clock_skew: Duration,
    pub(crate) max_body_bytes: usize,
    pub(crate) store: RwLock<Store>,
    pub(crate) control: Control,
    pub(crate) request_count: AtomicU64,
}

impl Shared {
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
    scheme: Scheme,
    ca_pem: Option<String>,
    ca_file: Option<tempfile::NamedTempFile>,
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
    /// Binds the socket, spawns the server on the current tokio runtime and returns at once.
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
        let shared = Arc::new(Shared {
            ikey: config.ikey.clone(),
            skey: Secret::new(config.skey.clone()),
            max_clock_skew: config.max_clock_skew,
            max_body_bytes: config.max_body_bytes,
            store: RwLock::new(store),
            control: Control::default(),
            request_count: AtomicU64::new(0),
        });
        let requested = SocketAddr::new(config.bind, config.port);
        let listener = tokio::net::TcpListener::bind(requested)
            .await
            .map_err(|e| EmulatorError::Bind { addr: requested, message: e.to_string() })?;
        let addr =
            listener.local_addr().map_err(|e| EmulatorError::Bind { addr: requested, message: e.to_string() })?;
        let (acceptor, ca_pem, ca_file) = if config.tls {
            let material = tls::generate(config.bind)?;
            let ca_file = tls::write_ca_file(&material.ca_pem)?;
            (Some(material.acceptor), Some(material.ca_pem), Some(ca_file))
        } else {
            (None, None, None)
        };
        let server = server::spawn(listener, acceptor, shared.clone());
        Ok(Emulator {
            shared,
            addr,
            scheme: if config.tls { Scheme::Https } else { Scheme::Http },
            ca_pem,
            ca_file,
            server,
        })
    }

    /// `127.0.0.1:PORT` (what clients put in `host`; IPv6 addresses are bracketed).
    pub fn host(&self) -> String {
        self.addr.to_string()
    }

    /// The socket address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
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

    /// The base URL, e.g. `https://127.0.0.1:41234`.
    pub fn base_url(&self) -> String {
        format!("{}://{}", self.scheme.as_str(), self.host())
    }

    /// The PEM of the generated CA (TLS only).
    pub fn ca_cert_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// A temporary file holding [`Emulator::ca_cert_pem`], deleted when the emulator is dropped.
    pub fn ca_cert_path(&self) -> Option<&Path> {
        self.ca_file.as_ref().map(|f| f.path())
    }

    /// A client configuration ready to use: host, keys, scheme, and (TLS) the CA pinned.
    pub fn client_config(&self) -> ClientConfig {
        let mut config = ClientConfig::new(self.shared.ikey.clone(), self.shared.skey.clone(), self.host());
        config.scheme = self.scheme;
        if let Some(pem) = &self.ca_pem {
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
    /// `POST /admin/v1/users/directorysync/{directory_key}/syncuser`.
    pub fn add_directory(&self, directory_key: &str, users: Vec<DirectoryUser>) {
        self.shared.write().set_directory(directory_key, users);
    }

    /// The users of a directory, if it exists.
    pub fn directory_users(&self, directory_key: &str) -> Option<Vec<DirectoryUser>> {
        self.shared.read().directory(directory_key).map(<[DirectoryUser]>::to_vec)
    }

    /// Removes the user `username` (as [`DirectoryUser::username`] reports it, or its email) from a
    /// directory; true when one was removed.
    pub fn remove_directory_user(&self, directory_key: &str, username: &str) -> bool {
        self.shared.write().remove_directory_user(directory_key, username)
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

    /// Stops accepting connections, closes the open ones and waits for the server task to end.
    pub async fn shutdown(mut self) {
        self.server.shutdown().await;
    }
}

const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<Emulator>();
    send_sync::<EmulatorConfig>();
};

impl Drop for Emulator {
    fn drop(&mut self) {
        self.server.signal();
    }
}
