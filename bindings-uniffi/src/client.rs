//! `Client` (every call a suspend/async function on core's runtime), the page-at-a-time
//! `UserCursor` that Kotlin wraps in a `Flow<User>` and Swift in an `AsyncSequence`, and
//! `client.preview()`. Options are forwarded as given; the defaults live in core.

use crate::error::{Result, guard};
use crate::models::{PreparedRequest, User};
use duo_directory::runtime::run;
use duo_directory::{
    CaSource, ClientConfig, Error, Params, SigVersion, UserCreate, UserField, UserUpdate, count, seconds,
};
use std::collections::HashMap;
use std::sync::Arc;

/// One request parameter: a string, or a list sent as repeated pairs (a JSON array in a v5 body).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum ParamValue {
    /// A single value.
    One {
        /// The value.
        value: String,
    },
    /// A list of values.
    Many {
        /// The values, in order.
        values: Vec<String>,
    },
    /// A JSON value sent as is in a v5 body (the `operations` array of `/admin/v1/bulk`).
    Json {
        /// Its JSON text.
        json: String,
    },
}

pub(crate) fn params_from_foreign(params: HashMap<String, ParamValue>) -> Params {
    let mut entries: Vec<_> = params.into_iter().collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    entries.into_iter().fold(Params::new(), |p, (name, value)| match value {
        ParamValue::One { value } => p.with(name, value),
        ParamValue::Many { values } => p.with(name, values),
        ParamValue::Json { json } => match serde_json::from_str::<serde_json::Value>(&json) {
            Ok(value) => {
                p.with(name, duo_directory::ParamValue::Json(duo_directory::canon_json::value_to_json(&value)))
            }
            Err(_) => p.with(name, json),
        },
    })
}

pub(crate) fn params_to_foreign(params: &Params) -> HashMap<String, ParamValue> {
    let convert = |v: &duo_directory::ParamValue| match v {
        duo_directory::ParamValue::One(value) => ParamValue::One { value: value.clone() },
        duo_directory::ParamValue::Many(values) => ParamValue::Many { values: values.clone() },
        duo_directory::ParamValue::Json(json) => ParamValue::Json { json: json.clone() },
    };
    params.iter().map(|(k, v)| (k.to_string(), convert(v))).collect()
}

/// Client settings, each optional: `null`/`nil` keeps core's default (see the README's table).
/// Seconds are floating point; counts are checked by core and errors name the field.
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct ClientOptions {
    /// Timeout of each HTTP attempt, seconds.
    #[uniffi(default)]
    pub timeout: Option<f64>,
    /// Budget of one whole call, seconds.
    #[uniffi(default)]
    pub deadline: Option<f64>,
    /// Most retries of one call (0 turns retrying off).
    #[uniffi(default)]
    pub max_retries: Option<i64>,
    /// Signature version: 5 or 2.
    #[uniffi(default)]
    pub sig_version: Option<i64>,
    /// `sha512` or (v2 only) `sha1`.
    #[uniffi(default)]
    pub digest: Option<String>,
    /// Extra CA certificates: PEM text, or the path of a PEM file.
    #[uniffi(default)]
    pub ca_certs: Option<String>,
    /// Trust only `ca_certs`, not the system roots.
    #[uniffi(default)]
    pub ca_pinning: Option<bool>,
    /// HTTPS proxy URL.
    #[uniffi(default)]
    pub proxy: Option<String>,
    /// Prepended to this library's own User-Agent.
    #[uniffi(default)]
    pub user_agent: Option<String>,
    /// `https` or `http` (loopback hosts only).
    #[uniffi(default)]
    pub scheme: Option<String>,
    /// First throttling backoff, seconds.
    #[uniffi(default)]
    pub retry_base: Option<f64>,
    /// Longest throttling backoff, seconds.
    #[uniffi(default)]
    pub retry_cap: Option<f64>,
    /// Largest jitter added to a backoff, seconds.
    #[uniffi(default)]
    pub retry_jitter: Option<f64>,
    /// Longest single wait, `Retry-After` included, seconds.
    #[uniffi(default)]
    pub max_wait: Option<f64>,
    /// Retries after a connection failure.
    #[uniffi(default)]
    pub connect_retries: Option<i64>,
    /// Most connections to the host at once.
    #[uniffi(default)]
    pub max_connections: Option<i64>,
    /// `standard` (back off and retry) or `adaptive` (pace each class of request, slowing on 429).
    #[uniffi(default)]
    pub retry_mode: Option<String>,
    /// Listing pages fetched ahead while the caller reads one (0: on demand).
    #[uniffi(default)]
    pub prefetch: Option<i64>,
    /// Fixed ceiling on listing pages a minute (from your Duo contract).
    #[uniffi(default)]
    pub pages_per_minute: Option<i64>,
    /// Fixed ceiling on single-object reads a minute.
    #[uniffi(default)]
    pub reads_per_minute: Option<i64>,
    /// Fixed ceiling on writes a minute.
    #[uniffi(default)]
    pub writes_per_minute: Option<i64>,
}

impl ClientOptions {
    /// Core's options, each value checked by core's validators.
    pub(crate) fn into_core(self) -> Result<duo_directory::ClientOptions> {
        let secs = |name: &str, v: Option<f64>, zero| v.map(|v| seconds(name, v, zero)).transpose();
        let whole = |name: &str, v: Option<i64>, max| v.map(|v| count(name, i128::from(v), max)).transpose();
        let sig_version = match (self.sig_version, self.digest.as_deref()) {
            (None, None) => None,
            (version, digest) => Some(SigVersion::from_parts(version.unwrap_or(5), digest)?),
        };
        Ok(duo_directory::ClientOptions {
            timeout: secs("timeout", self.timeout, false)?,
            deadline: secs("deadline", self.deadline, false)?,
            max_retries: whole("max_retries", self.max_retries, 100)?,
            retry_base: secs("retry_base", self.retry_base, false)?,
            retry_cap: secs("retry_cap", self.retry_cap, false)?,
            retry_jitter: secs("retry_jitter", self.retry_jitter, true)?,
            max_wait: secs("max_wait", self.max_wait, true)?,
            connect_retries: whole("connect_retries", self.connect_retries, 100)?,
            max_connections: whole("max_connections", self.max_connections, 1024)?.map(|n| n as usize),
            sig_version,
            scheme: self.scheme.map(|s| s.parse()).transpose()?,
            proxy: self.proxy,
            user_agent: self.user_agent,
            ca_certs: self.ca_certs.as_deref().map(CaSource::from_text),
            ca_pinning: self.ca_pinning,
            binding: Some("kotlin-swift".into()),
            retry_mode: self.retry_mode.map(|m| m.parse()).transpose()?,
            prefetch: whole("prefetch", self.prefetch, duo_directory::MAX_PREFETCH)?,
            pages_per_minute: whole("pages_per_minute", self.pages_per_minute, u32::MAX)?,
            reads_per_minute: whole("reads_per_minute", self.reads_per_minute, u32::MAX)?,
            writes_per_minute: whole("writes_per_minute", self.writes_per_minute, u32::MAX)?,
        })
    }
}

/// User fields for `createUser` / `updateUser`, by Duo's names: `null` leaves a field as it is,
/// `""` empties it (an alias: removes it). Set through core's field table.
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct UserFields {
    /// Primary username.
    #[uniffi(default)]
    pub username: Option<String>,
    /// Full name.
    #[uniffi(default)]
    pub realname: Option<String>,
    /// Given name.
    #[uniffi(default)]
    pub firstname: Option<String>,
    /// Surname.
    #[uniffi(default)]
    pub lastname: Option<String>,
    /// Email address.
    #[uniffi(default)]
    pub email: Option<String>,
    /// `active`, `bypass` or `disabled`.
    #[uniffi(default)]
    pub status: Option<String>,
    /// Notes.
    #[uniffi(default)]
    pub notes: Option<String>,
    /// Alias 1.
    #[uniffi(default)]
    pub alias1: Option<String>,
    /// Alias 2.
    #[uniffi(default)]
    pub alias2: Option<String>,
    /// Alias 3.
    #[uniffi(default)]
    pub alias3: Option<String>,
    /// Alias 4.
    #[uniffi(default)]
    pub alias4: Option<String>,
}

impl UserFields {
    fn get(&self, field: UserField) -> Option<&str> {
        match field {
            UserField::Username => self.username.as_deref(),
            UserField::Realname => self.realname.as_deref(),
            UserField::Firstname => self.firstname.as_deref(),
            UserField::Lastname => self.lastname.as_deref(),
            UserField::Email => self.email.as_deref(),
            UserField::Status => self.status.as_deref(),
            UserField::Notes => self.notes.as_deref(),
            UserField::Alias1 => self.alias1.as_deref(),
            UserField::Alias2 => self.alias2.as_deref(),
            UserField::Alias3 => self.alias3.as_deref(),
            UserField::Alias4 => self.alias4.as_deref(),
        }
    }

    pub(crate) fn apply<T>(
        &self,
        mut target: T,
        set: fn(&mut T, &str, Option<&str>) -> Result<(), Error>,
    ) -> Result<T> {
        for field in UserField::ALL {
            set(&mut target, field.name(), self.get(field))?;
        }
        Ok(target)
    }

    fn create(username: String, fields: Option<UserFields>) -> Result<UserCreate> {
        let fields = UserFields { username: Some(username), ..fields.unwrap_or_default() };
        fields.apply(UserCreate::default(), UserCreate::set)
    }

    fn update(&self) -> Result<UserUpdate> {
        self.apply(UserUpdate::default(), UserUpdate::set)
    }
}

/// A Duo Admin API client. Its connection pool is reused by every call; Kotlin's `close()`
/// (`use {}`) or Swift's `deinit` drops it.
/// `toString()` shows the host and integration key, never the secret.
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct Client(duo_directory::Client);

impl std::fmt::Display for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Client(host={:?}, ikey={:?})", self.0.config().host, self.0.config().ikey)
    }
}

impl Client {
    pub(crate) fn from_config(config: ClientConfig) -> Result<Arc<Client>> {
        guard(|| Ok(Arc::new(Client(duo_directory::Client::new(config)?))))
    }

    pub(crate) fn core(&self) -> Result<duo_directory::Client> {
        Ok(self.0.clone())
    }
}

#[uniffi::export]
impl Client {
    /// Builds a client (validating every setting); sends nothing.
    #[uniffi::constructor(default(options = None))]
    pub fn new(ikey: String, skey: String, host: String, options: Option<ClientOptions>) -> Result<Arc<Client>> {
        let options = options.unwrap_or_default().into_core()?;
        Client::from_config(ClientConfig::with_options(ikey, skey, host, options)?)
    }

    /// Every user, page by page on demand (`pageSize` 1..300, default core's 100). Sends nothing yet.
    #[uniffi::method(default(page_size = None))]
    pub fn list_users(&self, page_size: Option<i64>) -> Result<Arc<UserCursor>> {
        let page_size =
            page_size.map(|n| count("page_size", i128::from(n), duo_directory::MAX_PAGE_SIZE)).transpose()?;
        let cursor = self.core()?.list_users(page_size)?;
        let pages = cursor.page_count();
        Ok(Arc::new(UserCursor { cursor: Arc::new(tokio::sync::Mutex::new(cursor)), pages }))
    }

    /// One user by id; `DuoError.NotFound` when there is none.
    pub async fn get_user(&self, user_id: String) -> Result<User> {
        let c = self.core()?;
        Ok(User::from(run(async move { c.get_user(&user_id).await }).await?))
    }

    /// The user with this username (or alias), or null.
    pub async fn get_user_by_username(&self, username: String) -> Result<Option<User>> {
        let c = self.core()?;
        Ok(run(async move { c.get_user_by_username(&username).await }).await?.map(User::from))
    }

    /// The users with this email address.
    pub async fn get_users_by_email(&self, email: String) -> Result<Vec<User>> {
        let c = self.core()?;
        Ok(run(async move { c.get_users_by_email(&email).await }).await?.into_iter().map(User::from).collect())
    }

    /// Creates a user.
    #[uniffi::method(default(fields = None))]
    pub async fn create_user(&self, username: String, fields: Option<UserFields>) -> Result<User> {
        let (c, create) = (self.core()?, UserFields::create(username, fields)?);
        Ok(User::from(run(async move { c.create_user(&create).await }).await?))
    }

    /// Changes a user (Duo's "modify user").
    pub async fn update_user(&self, user_id: String, fields: UserFields) -> Result<User> {
        let (c, update) = (self.core()?, fields.update()?);
        Ok(User::from(run(async move { c.update_user(&user_id, &update).await }).await?))
    }

    /// Deletes a user permanently.
    pub async fn delete_user(&self, user_id: String) -> Result<()> {
        let c = self.core()?;
        Ok(run(async move { c.delete_user(&user_id).await }).await?)
    }

    /// Creates, updates or marks for deletion `username` from the directory `directoryKey`.
    pub async fn sync_user_from_directory(&self, directory_key: String, username: String) -> Result<User> {
        let c = self.core()?;
        Ok(User::from(run(async move { c.sync_user_from_directory(&directory_key, &username).await }).await?))
    }

    /// Any other Admin API endpoint, signed the same way; the envelope's `response` as JSON text.
    #[uniffi::method(default(params = None))]
    pub async fn call(
        &self,
        method: String,
        path: String,
        params: Option<HashMap<String, ParamValue>>,
    ) -> Result<String> {
        let (c, params) = (self.core()?, params_from_foreign(params.unwrap_or_default()));
        let value = run(async move { c.call(&method, &path, params).await }).await?;
        Ok(serde_json::to_string(&value).unwrap_or_default())
    }

    /// The requests the mutating calls would send; sends nothing.
    pub fn preview(&self) -> Result<Arc<Preview>> {
        Ok(Arc::new(Preview(self.core()?)))
    }
}

/// The listing: `nextPage()` crosses into Rust once per page (the Kotlin `Flow` and Swift
/// `AsyncSequence` hand the page's users out); cancelling a `nextPage()` cancels its request.
#[derive(uniffi::Object)]
pub struct UserCursor {
    cursor: Arc<tokio::sync::Mutex<duo_directory::UserCursor>>,
    pages: duo_directory::PageCount,
}

#[uniffi::export]
impl UserCursor {
    /// The next page of users (fetched now), or null after the last one.
    pub async fn next_page(&self) -> Result<Option<Vec<User>>> {
        let cursor = self.cursor.clone();
        let page = run(async move { cursor.lock().await.next_page().await }).await?;
        page.map(|p| p.users.into_iter().map(User::decode).collect()).transpose()
    }

    /// How many pages have been fetched.
    pub fn pages_fetched(&self) -> i64 {
        self.pages.get() as i64
    }

    /// Ends the listing: later `nextPage()` calls return null.
    pub async fn stop(&self) {
        let cursor = self.cursor.clone();
        let stop = async move {
            cursor.lock().await.stop();
            Ok(())
        };
        let _ = run(stop).await;
    }
}

/// `client.preview()`: the request each mutating call would send (PowerShell's `-WhatIf`).
#[derive(uniffi::Object)]
pub struct Preview(pub(crate) duo_directory::Client);

#[uniffi::export]
impl Preview {
    /// The `POST /admin/v1/users` that `createUser` would send.
    #[uniffi::method(default(fields = None))]
    pub fn create_user(&self, username: String, fields: Option<UserFields>) -> Result<PreparedRequest> {
        guard(|| Ok(self.0.preview().create_user(&UserFields::create(username, fields)?)?.into()))
    }

    /// The `POST /admin/v1/users/{userId}` that `updateUser` would send.
    pub fn update_user(&self, user_id: String, fields: UserFields) -> Result<PreparedRequest> {
        guard(|| Ok(self.0.preview().update_user(&user_id, &fields.update()?)?.into()))
    }

    /// The `DELETE /admin/v1/users/{userId}` that `deleteUser` would send.
    pub fn delete_user(&self, user_id: String) -> Result<PreparedRequest> {
        guard(|| Ok(self.0.preview().delete_user(&user_id)?.into()))
    }

    /// The request `syncUserFromDirectory` would send.
    pub fn sync_user_from_directory(&self, directory_key: String, username: String) -> Result<PreparedRequest> {
        guard(|| Ok(self.0.preview().sync_user_from_directory(&directory_key, &username)?.into()))
    }

    /// Any call, as `call` would send it.
    #[uniffi::method(default(params = None))]
    pub fn call(
        &self,
        method: String,
        path: String,
        params: Option<HashMap<String, ParamValue>>,
    ) -> Result<PreparedRequest> {
        let params = params_from_foreign(params.unwrap_or_default());
        guard(|| Ok(self.0.preview().call(&method, &path, params)?.into()))
    }
}
