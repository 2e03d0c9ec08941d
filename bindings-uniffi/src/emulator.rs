//! `testing.Emulator` (Kotlin `com.duosecurity.directory.testing.Emulator`): the Rust emulator
//! library running in this process on core's shared runtime. Conversion only: faults are parsed,
//! directories loaded, the client configured and errors mapped by the emulator crate.

use crate::client::{Client, ClientOptions};
use crate::error::{Result, guard};
use crate::models::{DirectoryUser, User};
use duo_directory::Error;
use duo_directory_emulator::{DirectoryMembers, EmulatorConfig, Fault, FaultOptions, generator};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Settings of an emulator, each optional (`null` keeps the emulator's default).
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct EmulatorOptions {
    /// Realistic users generated at start (deterministic for `seed`).
    #[uniffi(default)]
    pub users: Option<i64>,
    /// Seed of the generator.
    #[uniffi(default)]
    pub seed: Option<i64>,
    /// HTTPS with a fresh CA (`caCertPath`), else plain HTTP.
    #[uniffi(default)]
    pub tls: Option<bool>,
    /// Directories for `syncUserFromDirectory`: key to its users.
    #[uniffi(default)]
    pub directories: Option<HashMap<String, Vec<DirectoryUser>>>,
    /// Directories of this many generated users each: key to count.
    #[uniffi(default)]
    pub generated_directories: Option<HashMap<String, i64>>,
    /// Integration key clients must use.
    #[uniffi(default)]
    pub ikey: Option<String>,
    /// Secret key clients must sign with.
    #[uniffi(default)]
    pub skey: Option<String>,
    /// Largest accepted clock difference, seconds.
    #[uniffi(default)]
    pub max_clock_skew: Option<f64>,
    /// Largest accepted request body, bytes.
    #[uniffi(default)]
    pub max_body_bytes: Option<i64>,
    /// A bad signature is answered with the canonical string expected.
    #[uniffi(default)]
    pub debug_signatures: Option<bool>,
    /// Seconds the emulator's clock runs ahead of this machine's.
    #[uniffi(default)]
    pub clock_offset: Option<i64>,
    /// Verify signatures against this host name only, as Duo does.
    #[uniffi(default)]
    pub api_hostname: Option<String>,
    /// Duo's per-class limits: `duo` (200 pages, 300 reads, 300 writes a minute) or
    /// `pages=N,reads=N,writes=N`; none by default.
    #[uniffi(default)]
    pub rate_limits: Option<String>,
    /// How `rate_limits` count: `fixed` (a window reset each minute) or `sliding`.
    #[uniffi(default)]
    pub rate_window: Option<String>,
    /// Seconds added to each answer.
    #[uniffi(default)]
    pub latency: Option<f64>,
    /// How many times faster than real time the rate-limit minute runs.
    #[uniffi(default)]
    pub time_scale: Option<f64>,
}

/// One request as the emulator saw it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RecordedRequest {
    /// HTTP method, upper-case.
    pub method: String,
    /// Path as received (percent-encoded).
    pub path: String,
    /// Decoded parameters from the query string and the body, in order.
    pub params: Vec<Vec<String>>,
    /// HTTP status answered (0 for a dropped connection).
    pub status: i64,
}

fn size(field: &str, n: i64) -> Result<usize> {
    usize::try_from(n).map_err(|_| Error::invalid(field, format!("{n} is not a count")).into())
}

fn seed(n: i64) -> Result<u64> {
    u64::try_from(n).map_err(|_| Error::invalid("seed", format!("{n} is negative")).into())
}

/// A local Duo-compatible Admin API server for tests, in this process on `localhost` and a free
/// port. It verifies every signature as Duo does and can inject faults. `shutdown()` (or Kotlin's
/// `close()`/`use {}`, Swift's `deinit`) stops it.
/// `toString()` shows the host and integration key, never the secret.
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct Emulator(Mutex<Option<duo_directory_emulator::Emulator>>);

impl std::fmt::Display for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            Some(e) => write!(f, "Emulator(host={:?}, ikey={:?})", e.host(), e.ikey()),
            None => f.write_str("Emulator(<shut down>)"),
        }
    }
}

impl Emulator {
    fn with<T>(&self, f: impl FnOnce(&duo_directory_emulator::Emulator) -> T) -> Result<T> {
        let guard = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let emulator = guard.as_ref().ok_or_else(|| Error::invalid("emulator", "the emulator has been shut down"))?;
        Ok(f(emulator))
    }
}

#[uniffi::export]
impl Emulator {
    /// Starts an emulator (blocking until it listens).
    #[uniffi::constructor(default(options = None))]
    pub fn new(options: Option<EmulatorOptions>) -> Result<Arc<Emulator>> {
        guard(|| {
            let o = options.unwrap_or_default();
            let d = EmulatorConfig::default();
            let mut directories = Vec::new();
            for (key, users) in o.directories.unwrap_or_default() {
                let users = users.into_iter().map(DirectoryUser::into_core).collect::<Result<_>>()?;
                directories.push((key, DirectoryMembers::Users(users)));
            }
            for (key, n) in o.generated_directories.unwrap_or_default() {
                directories.push((key, DirectoryMembers::Generated(size("generated_directories", n)?)));
            }
            let config = EmulatorConfig {
                ikey: o.ikey.unwrap_or(d.ikey),
                skey: o.skey.unwrap_or(d.skey),
                tls: o.tls.unwrap_or(d.tls),
                max_clock_skew: match o.max_clock_skew {
                    Some(s) => duo_directory::seconds("max_clock_skew", s, true)?,
                    None => d.max_clock_skew,
                },
                max_body_bytes: o
                    .max_body_bytes
                    .map(|n| size("max_body_bytes", n))
                    .transpose()?
                    .unwrap_or(d.max_body_bytes),
                generated_users: o.users.map(|n| size("users", n)).transpose()?.unwrap_or(d.generated_users),
                seed: o.seed.map(seed).transpose()?.unwrap_or(d.seed),
                directories,
                debug_signatures: o.debug_signatures.unwrap_or(d.debug_signatures),
                clock_offset: o.clock_offset.unwrap_or(d.clock_offset),
                api_hostname: o.api_hostname.or(d.api_hostname),
                rate_limits: o.rate_limits.map(|r| r.parse()).transpose()?.or(d.rate_limits),
                rate_window: o.rate_window.map(|w| w.parse()).transpose()?.unwrap_or(d.rate_window),
                latency: match o.latency {
                    Some(s) => duo_directory::seconds("latency", s, true)?,
                    None => d.latency,
                },
                time_scale: o.time_scale.unwrap_or(d.time_scale),
                ..d
            };
            let emulator = duo_directory_emulator::Emulator::start_blocking(config)?;
            Ok(Arc::new(Emulator(Mutex::new(Some(emulator)))))
        })
    }

    /// `localhost:PORT`.
    pub fn host(&self) -> Result<String> {
        self.with(|e| e.host())
    }
    /// The port served.
    pub fn port(&self) -> Result<i64> {
        self.with(|e| i64::from(e.port()))
    }
    /// The integration key clients must use.
    pub fn ikey(&self) -> Result<String> {
        self.with(|e| e.ikey().to_owned())
    }
    /// The secret key clients must sign with (never in `toString()`).
    pub fn skey(&self) -> Result<String> {
        self.with(|e| e.skey().to_owned())
    }
    /// `https` or `http`.
    pub fn scheme(&self) -> Result<String> {
        self.with(|e| e.scheme().as_str().to_owned())
    }
    /// PEM text of the generated CA (TLS only).
    pub fn ca_cert_pem(&self) -> Result<Option<String>> {
        self.with(|e| e.ca_cert_pem().map(str::to_owned))
    }
    /// Path of a file holding the CA (TLS only), removed at shutdown.
    pub fn ca_cert_path(&self) -> Result<Option<String>> {
        self.with(|e| e.ca_cert_path().map(|p| p.display().to_string()))
    }
    /// A `Client` for this emulator (its CA pinned), with these options on top.
    #[uniffi::method(default(options = None))]
    pub fn client(&self, options: Option<ClientOptions>) -> Result<Arc<Client>> {
        let mut config = self.with(|e| e.client_config())?;
        config.apply(options.unwrap_or_default().into_core()?)?;
        Client::from_config(config)
    }
    /// Inserts (or replaces, by id) a user.
    pub fn add_user(&self, user: User) -> Result<()> {
        let user = user.into_core()?;
        self.with(|e| e.add_user(user))
    }
    /// Every user, in listing order.
    pub fn users(&self) -> Result<Vec<User>> {
        self.with(|e| e.users().into_iter().map(User::from).collect())
    }
    /// One user by id, or null.
    pub fn user(&self, user_id: String) -> Result<Option<User>> {
        self.with(|e| e.user(&user_id).map(User::from))
    }
    /// Number of users.
    pub fn user_count(&self) -> Result<i64> {
        self.with(|e| e.user_count() as i64)
    }
    /// Appends `count` realistic generated users.
    #[uniffi::method(default(seed = 42))]
    pub fn generate_users(&self, count: i64, seed: i64) -> Result<()> {
        let (count, seed) = (size("count", count)?, self::seed(seed)?);
        self.with(|e| e.generate_users(count, seed))
    }
    /// Sets the users of a directory, for `syncUserFromDirectory`.
    pub fn add_directory(&self, directory_key: String, users: Vec<DirectoryUser>) -> Result<()> {
        let users = users.into_iter().map(DirectoryUser::into_core).collect::<Result<_>>()?;
        self.with(|e| e.add_directory(&directory_key, users))
    }
    /// Removes `username` from a directory; true when one was removed.
    pub fn remove_directory_user(&self, directory_key: String, username: String) -> Result<bool> {
        self.with(|e| e.remove_directory_user(&directory_key, &username))
    }
    /// Queues a fault for the next `count` requests: `rate_limited` (`retryAfter` seconds),
    /// `server_error` (`status`), `delay` (`delay` seconds), `drop_connection`, `malformed_body`.
    #[uniffi::method(default(count = 1, status = None, retry_after = None, delay = None))]
    pub fn inject_fault(
        &self,
        kind: String,
        count: i64,
        status: Option<i64>,
        retry_after: Option<i64>,
        delay: Option<f64>,
    ) -> Result<()> {
        let count = duo_directory::count("count", i128::from(count), u32::MAX)?;
        let status = status
            .map(|s| u16::try_from(s).map_err(|_| Error::invalid("status", format!("{s} is not an HTTP status"))))
            .transpose()?;
        let retry_after = retry_after
            .map(|s| u64::try_from(s).map_err(|_| Error::invalid("retry_after", format!("{s} is negative"))))
            .transpose()?;
        let delay = delay.map(|d| duo_directory::seconds("delay", d, true)).transpose()?;
        let fault = Fault::parse(&kind, count, FaultOptions { status, retry_after, delay })?;
        self.with(|e| e.inject_fault(fault))
    }
    /// Drops every queued fault.
    pub fn clear_faults(&self) -> Result<()> {
        self.with(|e| e.clear_faults())
    }
    /// A steady rate limit in requests per second (null removes it).
    pub fn set_rate_limit(&self, rps: Option<f64>) -> Result<()> {
        self.with(|e| e.set_rate_limit(rps))
    }
    /// Requests received so far (refused ones included).
    pub fn request_count(&self) -> Result<i64> {
        self.with(|e| e.request_count() as i64)
    }
    /// The recorded requests, oldest first.
    pub fn requests(&self) -> Result<Vec<RecordedRequest>> {
        let convert = |r: duo_directory_emulator::RecordedRequest| RecordedRequest {
            method: r.method,
            path: r.path,
            params: r.params.into_iter().map(|(k, v)| vec![k, v]).collect(),
            status: i64::from(r.status),
        };
        self.with(|e| e.requests().into_iter().map(convert).collect())
    }
    /// Forgets the recorded requests.
    pub fn clear_requests(&self) -> Result<()> {
        self.with(|e| e.clear_requests())
    }
    /// Stops the server and removes its CA file; idempotent.
    pub fn shutdown(&self) {
        let emulator = self.0.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(emulator) = emulator {
            emulator.shutdown_blocking();
        }
    }
    /// True until `shutdown()`.
    pub fn running(&self) -> bool {
        self.0.lock().map(|g| g.is_some()).unwrap_or(false)
    }
}

/// `count` realistic Duo users from the emulator's generator (deterministic for a seed).
#[uniffi::export(default(seed = 42))]
pub fn generated_users(count: i64, seed: i64) -> Result<Vec<User>> {
    Ok(generator::users(size("count", count)?, self::seed(seed)?).into_iter().map(User::from).collect())
}

/// `count` realistic directory users of `directoryId` (deterministic for a seed).
#[uniffi::export(default(seed = 42))]
pub fn generated_directory_users(directory_id: String, count: i64, seed: i64) -> Result<Vec<DirectoryUser>> {
    let users = generator::directory_users(&directory_id, size("count", count)?, self::seed(seed)?);
    Ok(users.into_iter().map(DirectoryUser::from).collect())
}
