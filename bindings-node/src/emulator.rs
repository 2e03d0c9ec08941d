//! `testing.Emulator`: the Rust emulator library running in this process, on core's shared
//! runtime. Conversion only: faults are parsed, directories loaded, the client configured and
//! errors mapped by the emulator crate.

use crate::client::{Client, options};
use crate::error::{sync, to_js};
use crate::models::{DirectoryUser, User};
use duo_directory::{DirectoryUser as CoreDirectoryUser, Error, User as CoreUser};
use duo_directory_emulator::{DirectoryMembers, Emulator as Core, EmulatorConfig, Fault, FaultOptions, generator};
use napi::Env;
use napi::bindgen_prelude::{Either, Unknown};
use napi_derive::napi;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Mutex;

/// Settings of an emulator; all optional.
#[napi(object)]
#[derive(serde::Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EmulatorOptions {
    /// Realistic users generated at start (default 0), deterministic for `seed` (default 42).
    pub users: Option<u32>,
    /// Seed of the generator.
    pub seed: Option<u32>,
    /// HTTPS with a fresh CA (default true), else plain HTTP.
    pub tls: Option<bool>,
    /// Directory key → its users (objects in the API's own names) or a number to generate.
    #[napi(ts_type = "Record<string, number | Record<string, unknown>[]>")]
    pub directories: Option<HashMap<String, Value>>,
    /// Integration key clients must use (random by default).
    pub ikey: Option<String>,
    /// Secret key clients must sign with (random by default).
    pub skey: Option<String>,
    /// Largest accepted clock difference, seconds (default 300).
    pub max_clock_skew: Option<f64>,
    /// Largest accepted request body, bytes (default 65536).
    pub max_body_bytes: Option<u32>,
    /// Answer a bad signature with the canonical string expected.
    pub debug_signatures: Option<bool>,
    /// Seconds the emulator's clock runs ahead of this machine's (to test skew).
    pub clock_offset: Option<i64>,
    /// Verify signatures against this host name only, as Duo does.
    pub api_hostname: Option<String>,
    /// Duo's rate limits by class of request (`'duo'` for Duo's published numbers); none by default.
    #[napi(ts_type = "'duo' | RateLimits")]
    pub rate_limits: Option<Value>,
    /// How a minute's requests are counted: `fixed` (default) or `sliding`.
    #[napi(ts_type = "'fixed' | 'sliding'")]
    pub rate_window: Option<String>,
    /// Seconds added before every answer, as a network round trip would (default 0).
    pub latency: Option<f64>,
    /// How many times faster than real time the rate-limit minute runs (default 1).
    pub time_scale: Option<f64>,
}

/// Requests per minute by class, for `EmulatorOptions.rateLimits`.
#[napi(object)]
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RateLimits {
    /// Pages of objects per minute (Duo: 200).
    pub pages_per_minute: u32,
    /// Single-object reads per minute (Duo: 300).
    pub reads_per_minute: u32,
    /// Writes per minute (Duo: 300).
    pub writes_per_minute: u32,
}

fn config(value: Option<Value>) -> duo_directory::Result<EmulatorConfig> {
    let o: EmulatorOptions = match value {
        None | Some(Value::Null) => EmulatorOptions::default(),
        Some(v) => duo_directory::decode::from_value(v).map_err(|e| match e {
            Error::Decode { field, reason, .. } => {
                Error::invalid(if field.is_empty() { "options".into() } else { field }, reason)
            }
            other => other,
        })?,
    };
    let mut directories = Vec::new();
    for (key, members) in o.directories.unwrap_or_default() {
        directories.push(match members {
            Value::Number(n) => (key, DirectoryMembers::Generated(n.as_u64().unwrap_or(0) as usize)),
            users => (key, DirectoryMembers::Users(duo_directory::decode::from_value(users)?)),
        });
    }
    let rate_limits = match o.rate_limits {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s == "duo" => Some(duo_directory::RateLimits::DUO),
        Some(v) => {
            let r: RateLimits = duo_directory::decode::from_value(v)?;
            let (pages_per_minute, reads_per_minute, writes_per_minute) =
                (r.pages_per_minute, r.reads_per_minute, r.writes_per_minute);
            Some(duo_directory::RateLimits { pages_per_minute, reads_per_minute, writes_per_minute })
        }
    };
    let emulator = |e: duo_directory_emulator::EmulatorError| Error::from(e);
    let d = EmulatorConfig::default();
    let skew = o.max_clock_skew.map(|s| duo_directory::seconds("maxClockSkew", s, true)).transpose()?;
    Ok(EmulatorConfig {
        ikey: o.ikey.unwrap_or(d.ikey),
        skey: o.skey.unwrap_or(d.skey),
        tls: o.tls.unwrap_or(d.tls),
        max_clock_skew: skew.unwrap_or(d.max_clock_skew),
        max_body_bytes: o.max_body_bytes.map_or(d.max_body_bytes, |n| n as usize),
        generated_users: o.users.map_or(d.generated_users, |n| n as usize),
        seed: o.seed.map_or(d.seed, u64::from),
        directories,
        debug_signatures: o.debug_signatures.unwrap_or(d.debug_signatures),
        clock_offset: o.clock_offset.unwrap_or(d.clock_offset),
        api_hostname: o.api_hostname.or(d.api_hostname),
        rate_limits: rate_limits.or(d.rate_limits),
        rate_window: o.rate_window.map(|w| w.parse()).transpose().map_err(emulator)?.unwrap_or(d.rate_window),
        latency: o.latency.map(|s| duo_directory::seconds("latency", s, true)).transpose()?.unwrap_or(d.latency),
        time_scale: o.time_scale.unwrap_or(d.time_scale),
        ..d
    })
}

/// Options of `injectFault`.
#[napi(object)]
pub struct FaultSettings {
    /// HTTP status of a `server_error` (default 500).
    pub status: Option<u16>,
    /// `Retry-After` seconds of a `rate_limited`.
    pub retry_after: Option<u32>,
    /// Seconds of a `delay` (default 1).
    pub delay: Option<f64>,
}

/// One request as the emulator saw it.
#[napi(object)]
pub struct RecordedRequest {
    /// HTTP method, upper-case.
    pub method: String,
    /// Path as received (percent-encoded).
    pub path: String,
    /// Decoded parameters from the query string and the body, in order, as `[name, value]` pairs.
    pub params: Vec<Vec<String>>,
    /// HTTP status answered (0 for a dropped connection).
    pub status: u16,
}

/// A local Duo-compatible Admin API server for tests, in this process, on `localhost` and a free
/// port. It verifies every signature as Duo does, serves the users endpoints from memory and can
/// inject faults. `close()` stops it.
#[napi]
pub struct Emulator {
    inner: Mutex<Option<Core>>,
}

impl Emulator {
    fn with<T>(&self, env: &Env, f: impl FnOnce(&Core) -> T) -> napi::Result<T> {
        let guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        match guard.as_ref() {
            Some(emulator) => Ok(f(emulator)),
            None => Err(to_js(env, Error::invalid("emulator", "the emulator has been closed"))),
        }
    }
}

/// A model given as its class or as an object in the API's own names.
fn model<T: serde::de::DeserializeOwned>(env: &Env, object: Unknown<'_>) -> napi::Result<T> {
    let value: Value = env.from_js_value(object)?;
    sync(env, || duo_directory::decode::from_value(value))
}

#[napi]
impl Emulator {
    /// Starts the server (it is serving when this returns).
    #[napi(constructor)]
    pub fn new(env: Env, #[napi(ts_arg_type = "EmulatorOptions")] options: Option<Value>) -> napi::Result<Emulator> {
        let emulator = sync(&env, || Core::start_blocking(config(options)?).map_err(Error::from))?;
        Ok(Emulator { inner: Mutex::new(Some(emulator)) })
    }

    /// `localhost:PORT`, usable as is by every client.
    #[napi(getter)]
    pub fn host(&self, env: Env) -> napi::Result<String> {
        self.with(&env, Core::host)
    }
    /// The port served.
    #[napi(getter)]
    pub fn port(&self, env: Env) -> napi::Result<u16> {
        self.with(&env, Core::port)
    }
    /// The integration key clients must use.
    #[napi(getter)]
    pub fn ikey(&self, env: Env) -> napi::Result<String> {
        self.with(&env, |e| e.ikey().to_owned())
    }
    /// The secret key clients must sign with.
    #[napi(getter)]
    pub fn skey(&self, env: Env) -> napi::Result<String> {
        self.with(&env, |e| e.skey().to_owned())
    }
    /// `https` or `http`.
    #[napi(getter, ts_return_type = "'https' | 'http'")]
    pub fn scheme(&self, env: Env) -> napi::Result<String> {
        self.with(&env, |e| e.scheme().as_str().to_owned())
    }
    /// PEM text of the generated CA (TLS only).
    #[napi(getter)]
    pub fn ca_cert_pem(&self, env: Env) -> napi::Result<Option<String>> {
        self.with(&env, |e| e.ca_cert_pem().map(str::to_owned))
    }
    /// Path of a file holding the CA (TLS only), removed when the emulator closes.
    #[napi(getter)]
    pub fn ca_cert_path(&self, env: Env) -> napi::Result<Option<String>> {
        self.with(&env, |e| e.ca_cert_path().map(|p| p.display().to_string()))
    }
    /// A `Client` for this emulator (its CA pinned); options as for `new Client`.
    #[napi]
    pub fn client(
        &self,
        env: Env,
        #[napi(ts_arg_type = "ClientOptions")] options: Option<Value>,
    ) -> napi::Result<Client> {
        let mut config = self.with(&env, Core::client_config)?;
        sync(&env, || config.apply(self::options(options)?))?;
        Client::from_config(&env, config)
    }
    /// Inserts (or replaces, by `user_id`) a user: a `User` or an object in Duo's field names.
    #[napi(ts_args_type = "user: User | Record<string, unknown>")]
    pub fn add_user(&self, env: Env, user: Either<&User, Unknown<'_>>) -> napi::Result<()> {
        let user: CoreUser = match user {
            Either::A(user) => user.full(&env)?.clone(),
            Either::B(object) => model(&env, object)?,
        };
        self.with(&env, |e| e.add_user(user))
    }
    /// Every user, in listing order.
    #[napi]
    pub fn users(&self, env: Env) -> napi::Result<Vec<User>> {
        self.with(&env, |e| e.users().into_iter().map(User::from).collect())
    }
    /// One user by id, or null.
    #[napi]
    pub fn user(&self, env: Env, user_id: String) -> napi::Result<Option<User>> {
        self.with(&env, |e| e.user(&user_id).map(User::from))
    }
    /// Number of users.
    #[napi(getter)]
    pub fn user_count(&self, env: Env) -> napi::Result<u32> {
        self.with(&env, |e| u32::try_from(e.user_count()).unwrap_or(u32::MAX))
    }
    /// Appends `count` realistic generated users.
    #[napi]
    pub fn generate_users(&self, env: Env, count: u32, seed: Option<u32>) -> napi::Result<()> {
        self.with(&env, |e| e.generate_users(count as usize, u64::from(seed.unwrap_or(42))))
    }
    /// Sets the users of a directory (`DirectoryUser`s or objects in the API's names).
    #[napi(ts_args_type = "directoryKey: string, users: Array<DirectoryUser | Record<string, unknown>>")]
    pub fn add_directory(
        &self,
        env: Env,
        directory_key: String,
        users: Vec<Either<&DirectoryUser, Unknown<'_>>>,
    ) -> napi::Result<()> {
        let mut members: Vec<CoreDirectoryUser> = Vec::with_capacity(users.len());
        for user in users {
            members.push(match user {
                Either::A(u) => u.core_clone(),
                Either::B(object) => model(&env, object)?,
            });
        }
        self.with(&env, |e| e.add_directory(&directory_key, members))
    }
    /// The users of a directory, or null when there is no such directory.
    #[napi]
    pub fn directory_users(&self, env: Env, directory_key: String) -> napi::Result<Option<Vec<DirectoryUser>>> {
        self.with(&env, |e| e.directory_users(&directory_key).map(|u| u.into_iter().map(DirectoryUser::from).collect()))
    }
    /// The key directory API clients must send (`Authorization: Bearer`).
    #[napi(getter)]
    pub fn directory_api_key(&self, env: Env) -> napi::Result<String> {
        self.with(&env, |e| e.directory_api_key().to_owned())
    }
    /// A `DirectoryClient` for this emulator's directory API (its CA pinned); the `Client`'s options.
    #[napi]
    pub fn directory_client(
        &self,
        env: Env,
        #[napi(ts_arg_type = "ClientOptions")] options: Option<Value>,
    ) -> napi::Result<crate::directory::DirectoryClient> {
        let mut config = self.with(&env, Core::directory_client_config)?;
        sync(&env, || config.apply(self::options(options)?))?;
        crate::directory::DirectoryClient::from_config(&env, config)
    }
    /// Adds a user to a directory or replaces the one with its `id`: records `dsync.user.created`
    /// or `dsync.user.updated` (with `previous_attributes`) and sends it to the webhook.
    #[napi(ts_args_type = "directoryKey: string, user: DirectoryUser | Record<string, unknown>")]
    pub fn put_directory_user(
        &self,
        env: Env,
        directory_key: String,
        user: Either<&DirectoryUser, Unknown<'_>>,
    ) -> napi::Result<()> {
        let user: CoreDirectoryUser = match user {
            Either::A(u) => u.core_clone(),
            Either::B(object) => model(&env, object)?,
        };
        self.with(&env, |e| e.put_directory_user(&directory_key, user))
    }
    /// POSTs every later directory event to `url`, signed with `secret` (null stops).
    #[napi]
    pub fn set_webhook(&self, env: Env, url: Option<String>, secret: Option<String>) -> napi::Result<()> {
        self.with(&env, |e| e.set_webhook(url.as_deref(), secret.as_deref().unwrap_or("")))
    }
    /// Each webhook POST so far: `[eventId, status]` (status 0 when the POST failed).
    #[napi(ts_return_type = "Array<[string, number]>")]
    pub fn webhook_deliveries(&self, env: Env) -> napi::Result<Vec<Value>> {
        self.with(&env, |e| e.webhook_deliveries().into_iter().map(|(id, s)| serde_json::json!([id, s])).collect())
    }
    /// Removes `username` from a directory; true when one was removed.
    #[napi]
    pub fn remove_directory_user(&self, env: Env, directory_key: String, username: String) -> napi::Result<bool> {
        self.with(&env, |e| e.remove_directory_user(&directory_key, &username))
    }
    /// Queues a fault for the next `count` requests (default 1).
    #[napi]
    pub fn inject_fault(
        &self,
        env: Env,
        #[napi(ts_arg_type = "'rate_limited' | 'server_error' | 'delay' | 'drop_connection' | 'malformed_body'")] kind: String,
        count: Option<u32>,
        settings: Option<FaultSettings>,
    ) -> napi::Result<()> {
        let s = settings.unwrap_or(FaultSettings { status: None, retry_after: None, delay: None });
        let fault = sync(&env, || {
            let delay = s.delay.map(|d| duo_directory::seconds("delay", d, true)).transpose()?;
            let options = FaultOptions { status: s.status, retry_after: s.retry_after.map(u64::from), delay };
            Fault::parse(&kind, count.unwrap_or(1), options).map_err(Error::from)
        })?;
        self.with(&env, |e| e.inject_fault(fault))
    }
    /// Drops every queued fault.
    #[napi]
    pub fn clear_faults(&self, env: Env) -> napi::Result<()> {
        self.with(&env, Core::clear_faults)
    }
    /// A steady rate limit in requests per second (null removes it).
    #[napi]
    pub fn set_rate_limit(&self, env: Env, rps: Option<f64>) -> napi::Result<()> {
        self.with(&env, |e| e.set_rate_limit(rps))
    }
    /// Requests received so far (refused ones included).
    #[napi(getter)]
    pub fn request_count(&self, env: Env) -> napi::Result<i64> {
        self.with(&env, |e| i64::try_from(e.request_count()).unwrap_or(i64::MAX))
    }
    /// The recorded requests, oldest first.
    #[napi]
    pub fn requests(&self, env: Env) -> napi::Result<Vec<RecordedRequest>> {
        self.with(&env, |e| {
            let convert = |r: duo_directory_emulator::RecordedRequest| RecordedRequest {
                method: r.method,
                path: r.path,
                params: r.params.into_iter().map(|(k, v)| vec![k, v]).collect(),
                status: r.status,
            };
            e.requests().into_iter().map(convert).collect()
        })
    }
    /// Forgets the recorded requests (the count is kept).
    #[napi]
    pub fn clear_requests(&self, env: Env) -> napi::Result<()> {
        self.with(&env, Core::clear_requests)
    }
    /// Stops the server, waits for it and removes its CA file; idempotent.
    #[napi]
    pub fn close(&self) {
        let taken = self.inner.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(emulator) = taken {
            emulator.shutdown_blocking();
        }
    }
    /// True until `close()`.
    #[napi(getter)]
    pub fn running(&self) -> bool {
        self.inner.lock().map(|g| g.is_some()).unwrap_or(false)
    }
    /// `count` realistic Duo users from the emulator's generator (deterministic for a seed).
    #[napi]
    pub fn generated_users(count: u32, seed: Option<u32>) -> Vec<User> {
        generator::users(count as usize, u64::from(seed.unwrap_or(42))).into_iter().map(User::from).collect()
    }
    /// `count` realistic directory users of `directoryId` (deterministic for a seed).
    #[napi]
    pub fn generated_directory_users(directory_id: String, count: u32, seed: Option<u32>) -> Vec<DirectoryUser> {
        let users = generator::directory_users(&directory_id, count as usize, u64::from(seed.unwrap_or(42)));
        users.into_iter().map(DirectoryUser::from).collect()
    }
    /// `Emulator(host="...", ikey="...")`, never the secret.
    #[napi(js_name = "toString")]
    pub fn to_js_string(&self) -> String {
        match self.inner.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            Some(e) => format!("Emulator(host={:?}, ikey={:?})", e.host(), e.ikey()),
            None => "Emulator(<closed>)".into(),
        }
    }
}
