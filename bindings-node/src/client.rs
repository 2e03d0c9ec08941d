//! `Client` (every call a Promise whose I/O runs on core's shared runtime), the user listing
//! (`nextPage()` crosses into Rust once per page; `index.js` adds `for await`) and `client.preview`.

use crate::error::{promise, sync};
use crate::models::{User, UserRows};
use crate::sign::{PreparedRequest, params};
use duo_directory::{
    CaSource, Client as CoreClient, ClientConfig, ClientOptions as CoreOptions, Error, PageCount, UserCreate,
    UserCursor, UserUpdate,
};
use napi::Env;
use napi::bindgen_prelude::PromiseRaw;
use napi_derive::napi;
use serde_json::Value;
use std::sync::{Arc, RwLock};

/// Client options; every one optional (the defaults live in the core library, see the README).
#[napi(object)]
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClientOptions {
    /// Seconds per HTTP attempt (default 30).
    pub timeout: Option<f64>,
    /// Seconds for a whole call, retries and waits included (default 120).
    pub deadline: Option<f64>,
    /// Most retries of one call, whatever the cause (default 6; 0 never retries).
    pub max_retries: Option<i64>,
    /// Signature version: 5 (default) or 2.
    #[napi(ts_type = "2 | 5")]
    pub sig_version: Option<i64>,
    /// With `sigVersion: 2`: `sha1` for HMAC-SHA1, `sha512` (default) otherwise.
    #[napi(ts_type = "'sha1' | 'sha512'")]
    pub digest: Option<String>,
    /// Extra CA certificates to trust: PEM text, or the path of a PEM file.
    pub ca_certs: Option<String>,
    /// Trust only `caCerts`, not the system roots (default false).
    pub ca_pinning: Option<bool>,
    /// HTTPS proxy URL, e.g. `http://proxy:3128`.
    pub proxy: Option<String>,
    /// Prepended to this library's own User-Agent.
    pub user_agent: Option<String>,
    /// `https` (default) or `http` (loopback hosts only).
    #[napi(ts_type = "'https' | 'http'")]
    pub scheme: Option<String>,
    /// First throttling backoff, seconds (default 1).
    pub retry_base: Option<f64>,
    /// Longest throttling backoff, seconds (default 32).
    pub retry_cap: Option<f64>,
    /// Largest jitter added to a backoff, seconds (default 1).
    pub retry_jitter: Option<f64>,
    /// Longest single wait, `Retry-After` included, seconds (default 60).
    pub max_wait: Option<f64>,
    /// Retries after a connection failure (default 2).
    pub connect_retries: Option<i64>,
    /// Most connections to the host (default 16).
    pub max_connections: Option<i64>,
    /// `adaptive` (default: pace by class of request, slowing on 429) or `standard`.
    #[napi(ts_type = "'adaptive' | 'standard'")]
    pub retry_mode: Option<String>,
    /// Pages a listing fetches ahead of the caller (default 1, at most 16; 0 = on demand).
    pub prefetch: Option<i64>,
    /// Fixed ceiling on list pages per minute.
    pub pages_per_minute: Option<i64>,
    /// Fixed ceiling on single-object reads per minute.
    pub reads_per_minute: Option<i64>,
    /// Fixed ceiling on writes per minute.
    pub writes_per_minute: Option<i64>,
}

/// Options from JS as core's, validated by core; an unknown or ill-typed option is an
/// `InvalidInputError` naming it.
pub fn options(value: Option<Value>) -> duo_directory::Result<CoreOptions> {
    let given = match value {
        None | Some(Value::Null) => return Ok(CoreOptions { binding: Some("node".into()), ..CoreOptions::default() }),
        Some(value) => duo_directory::decode::from_value::<ClientOptions>(value).map_err(|e| match e {
            Error::Decode { field, reason, .. } => {
                Error::invalid(if field.is_empty() { "options".into() } else { field }, reason)
            }
            other => other,
        })?,
    };
    let secs = |name, v: Option<f64>, zero| v.map(|v| duo_directory::seconds(name, v, zero)).transpose();
    let whole = |name, v: Option<i64>, max| v.map(|v| duo_directory::count(name, i128::from(v), max)).transpose();
    let sig = match (given.sig_version, given.digest.as_deref()) {
        (None, None) => None,
        (v, d) => Some(duo_directory::SigVersion::from_parts(v.unwrap_or(5), d)?),
    };
    Ok(CoreOptions {
        timeout: secs("timeout", given.timeout, false)?,
        deadline: secs("deadline", given.deadline, false)?,
        max_retries: whole("maxRetries", given.max_retries, 100)?,
        retry_base: secs("retryBase", given.retry_base, false)?,
        retry_cap: secs("retryCap", given.retry_cap, false)?,
        retry_jitter: secs("retryJitter", given.retry_jitter, true)?,
        max_wait: secs("maxWait", given.max_wait, true)?,
        connect_retries: whole("connectRetries", given.connect_retries, 100)?,
        max_connections: whole("maxConnections", given.max_connections, 1024)?.map(|n| n as usize),
        sig_version: sig,
        scheme: given.scheme.map(|s| s.parse()).transpose()?,
        proxy: given.proxy,
        user_agent: given.user_agent,
        ca_certs: given.ca_certs.as_deref().map(CaSource::from_text),
        ca_pinning: given.ca_pinning,
        binding: Some("node".into()),
        retry_mode: given.retry_mode.map(|m| m.parse()).transpose()?,
        prefetch: whole("prefetch", given.prefetch, u32::MAX)?,
        pages_per_minute: whole("pagesPerMinute", given.pages_per_minute, u32::MAX)?,
        reads_per_minute: whole("readsPerMinute", given.reads_per_minute, u32::MAX)?,
        writes_per_minute: whole("writesPerMinute", given.writes_per_minute, u32::MAX)?,
    })
}

/// A string argument; anything else is an `InvalidInputError` naming it.
fn text(name: &str, value: Value) -> duo_directory::Result<String> {
    match value {
        Value::String(s) => Ok(s),
        _ => Err(Error::invalid(name, "expected a string")),
    }
}

/// User fields (`{ realname: 'Ann', alias2: '' }`) through core's field table: `undefined`/`null`
/// leaves a field unchanged, `''` empties it.
fn fields<T>(
    mut target: T,
    value: Option<Value>,
    set: fn(&mut T, &str, Option<&str>) -> duo_directory::Result<()>,
) -> duo_directory::Result<T> {
    let map = match value {
        None | Some(Value::Null) => return Ok(target),
        Some(Value::Object(map)) => map,
        Some(_) => return Err(Error::invalid("fields", "expected an object of user fields")),
    };
    for (name, value) in map {
        match value {
            Value::String(s) => set(&mut target, &name, Some(&s))?,
            Value::Null => set(&mut target, &name, None)?,
            _ => return Err(Error::invalid(&name, "expected a string, or null to leave it unchanged")),
        }
    }
    Ok(target)
}

fn create(username: Value, f: Option<Value>) -> duo_directory::Result<UserCreate> {
    fields(UserCreate::new(text("username", username)?), f, UserCreate::set)
}

fn update(f: Option<Value>) -> duo_directory::Result<UserUpdate> {
    fields(UserUpdate::default(), f, UserUpdate::set)
}

/// A Duo Admin API client. Every call returns a Promise; the network I/O runs off the JS thread.
#[napi]
pub struct Client {
    inner: RwLock<Option<CoreClient>>,
}

impl Client {
    /// A client from a validated core configuration.
    pub fn from_config(env: &Env, config: ClientConfig) -> napi::Result<Client> {
        let client = sync(env, || CoreClient::new(config))?;
        Ok(Client { inner: RwLock::new(Some(client)) })
    }

    pub(crate) fn get(&self) -> duo_directory::Result<CoreClient> {
        let guard = self.inner.read().unwrap_or_else(|p| p.into_inner());
        guard.clone().ok_or_else(|| Error::invalid("client", "this client is closed; create a new one"))
    }
}

#[napi]
impl Client {
    /// `new Client(ikey, skey, host, options?)`, the argument order of `@duosecurity/duo_api`.
    /// Sends nothing; bad settings throw `InvalidInputError` naming the setting.
    #[napi(constructor)]
    pub fn new(
        env: Env,
        ikey: String,
        skey: String,
        host: String,
        #[napi(ts_arg_type = "ClientOptions")] options: Option<Value>,
    ) -> napi::Result<Client> {
        let config = sync(&env, || ClientConfig::with_options(ikey, skey, host, self::options(options)?))?;
        Client::from_config(&env, config)
    }

    /// Every user, as an async iterable (`for await (const user of client.listUsers())`): a page
    /// of `pageSize` users (1..300, default 100) is requested only when the previous one is used up.
    #[napi]
    pub fn list_users(&self, env: Env, options: Option<ListOptions>) -> napi::Result<UserIterator> {
        let size = options.and_then(|o| o.page_size).map(|n| duo_directory::count("pageSize", i128::from(n), u32::MAX));
        let cursor = sync(&env, || self.get()?.list_users(size.transpose()?))?;
        Ok(UserIterator { pages: cursor.page_count(), cursor: Arc::new(tokio::sync::Mutex::new(cursor)) })
    }

    /// One user by id; rejects with `NotFoundError` when there is none.
    #[napi(ts_return_type = "Promise<User>")]
    pub fn get_user<'e>(
        &self,
        env: &'e Env,
        #[napi(ts_arg_type = "string")] user_id: Value,
    ) -> napi::Result<PromiseRaw<'e, User>> {
        let client = self.get();
        promise(env, async move { client?.get_user(&text("user_id", user_id)?).await }, User::from)
    }

    /// The user with this username (or alias), or null.
    #[napi(ts_return_type = "Promise<User | null>")]
    pub fn get_user_by_username<'e>(
        &self,
        env: &'e Env,
        #[napi(ts_arg_type = "string")] username: Value,
    ) -> napi::Result<PromiseRaw<'e, Option<User>>> {
        let client = self.get();
        promise(env, async move { client?.get_user_by_username(&text("username", username)?).await }, |u| {
            u.map(User::from)
        })
    }

    /// The users with this email address.
    #[napi(ts_return_type = "Promise<User[]>")]
    pub fn get_users_by_email<'e>(
        &self,
        env: &'e Env,
        #[napi(ts_arg_type = "string")] email: Value,
    ) -> napi::Result<PromiseRaw<'e, Vec<User>>> {
        let client = self.get();
        promise(env, async move { client?.get_users_by_email(&text("email", email)?).await }, |v| {
            v.into_iter().map(User::from).collect()
        })
    }

    /// Creates a user: `createUser('jsmith', { realname: 'Jo Smith', status: 'bypass' })`.
    #[napi(ts_return_type = "Promise<User>")]
    pub fn create_user<'e>(
        &self,
        env: &'e Env,
        #[napi(ts_arg_type = "string")] username: Value,
        #[napi(ts_arg_type = "UserFields")] fields: Option<Value>,
    ) -> napi::Result<PromiseRaw<'e, User>> {
        let client = self.get();
        promise(env, async move { client?.create_user(&create(username, fields)?).await }, User::from)
    }

    /// Changes a user: an omitted or null field is left as is, `''` empties it.
    #[napi(ts_return_type = "Promise<User>")]
    pub fn update_user<'e>(
        &self,
        env: &'e Env,
        #[napi(ts_arg_type = "string")] user_id: Value,
        #[napi(ts_arg_type = "UserFields")] fields: Option<Value>,
    ) -> napi::Result<PromiseRaw<'e, User>> {
        let client = self.get();
        promise(env, async move { client?.update_user(&text("user_id", user_id)?, &update(fields)?).await }, User::from)
    }

    /// Deletes a user permanently.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn delete_user<'e>(
        &self,
        env: &'e Env,
        #[napi(ts_arg_type = "string")] user_id: Value,
    ) -> napi::Result<PromiseRaw<'e, ()>> {
        let client = self.get();
        promise(env, async move { client?.delete_user(&text("user_id", user_id)?).await }, |()| ())
    }

    /// Creates, updates or marks for deletion `username` from the directory `directoryKey`.
    #[napi(ts_return_type = "Promise<User>")]
    pub fn sync_user_from_directory<'e>(
        &self,
        env: &'e Env,
        #[napi(ts_arg_type = "string")] directory_key: Value,
        #[napi(ts_arg_type = "string")] username: Value,
    ) -> napi::Result<PromiseRaw<'e, User>> {
        let client = self.get();
        promise(
            env,
            async move {
                client?
                    .sync_user_from_directory(&text("directory_key", directory_key)?, &text("username", username)?)
                    .await
            },
            User::from,
        )
    }

    /// Any other Admin API endpoint, signed the same way; resolves to the envelope's `response`.
    #[napi(ts_return_type = "Promise<unknown>")]
    pub fn call<'e>(
        &self,
        env: &'e Env,
        #[napi(ts_arg_type = "string")] method: Value,
        #[napi(ts_arg_type = "string")] path: Value,
        #[napi(ts_arg_type = "Record<string, string | string[]>")] params: Option<Value>,
    ) -> napi::Result<PromiseRaw<'e, Value>> {
        let client = self.get();
        promise(
            env,
            async move { client?.call(&text("method", method)?, &text("path", path)?, crate::sign::params(params)?).await },
            |v| v,
        )
    }

    /// Previews: each method returns the `PreparedRequest` the call would send, sending nothing.
    #[napi(getter)]
    pub fn preview(&self, env: Env) -> napi::Result<Preview> {
        sync(&env, || self.get()).map(|client| Preview { client })
    }

    /// True once `close()` was called.
    #[napi(getter)]
    pub fn closed(&self) -> bool {
        self.inner.read().map(|g| g.is_none()).unwrap_or(true)
    }

    /// Drops the connection pool; later calls reject with `InvalidInputError` (`client`).
    #[napi]
    pub fn close(&self) {
        *self.inner.write().unwrap_or_else(|p| p.into_inner()) = None;
    }

    /// `Client(host="...", ikey="...")`, never the secret.
    #[napi(js_name = "toString")]
    pub fn to_js_string(&self) -> String {
        match self.get() {
            Ok(c) => format!("Client(host={:?}, ikey={:?})", c.config().host, c.config().ikey),
            Err(_) => "Client(<closed>)".into(),
        }
    }
}

/// Options of `listUsers`.
#[napi(object)]
pub struct ListOptions {
    /// Users per page, 1..300 (default 100).
    pub page_size: Option<i64>,
}

/// The listing returned by `listUsers()`, over core's cursor. Iterate it with `for await`;
/// `nextPage()` is the page-at-a-time form. Ends after an error is thrown.
#[napi]
pub struct UserIterator {
    cursor: Arc<tokio::sync::Mutex<UserCursor>>,
    pages: PageCount,
}

#[napi]
impl UserIterator {
    /// The rest of the current page, or else the next page fetched; null after the last one.
    // Natively a `UserRows` (the page's scalars as one JSON text, built on the runtime, and its
    // users): `index.js` turns it into the `User[]` that callers receive.
    #[napi(ts_return_type = "Promise<User[] | null>")]
    pub fn next_page<'e>(&self, env: &'e Env) -> napi::Result<PromiseRaw<'e, Option<UserRows>>> {
        let cursor = self.cursor.clone();
        promise(env, async move { Ok(cursor.lock().await.next_page().await?.map(UserRows::from)) }, |page| page)
    }

    /// Like `nextPage()`, as the page's JSON array text in Duo's own field names (for `JSON.parse`).
    #[napi(ts_return_type = "Promise<string | null>")]
    pub fn next_page_json<'e>(&self, env: &'e Env) -> napi::Result<PromiseRaw<'e, Option<String>>> {
        let cursor = self.cursor.clone();
        promise(
            env,
            async move { cursor.lock().await.next_page().await?.map(|p| page_json(&p.users)).transpose() },
            |t| t,
        )
    }

    /// How many pages have been requested so far.
    #[napi(getter)]
    pub fn pages_fetched(&self) -> i64 {
        i64::try_from(self.pages.get()).unwrap_or(i64::MAX)
    }

    /// Ends the listing (what `break` in `for await` does): no further page is requested.
    #[napi]
    pub fn stop(&self) {
        if let Ok(mut cursor) = self.cursor.try_lock() {
            cursor.stop();
        }
    }
}

fn page_json(users: &[duo_directory::LazyUser]) -> duo_directory::Result<String> {
    let mut out = Vec::with_capacity(users.iter().map(|u| u.raw_json().map_or(0, |r| r.len() + 1)).sum::<usize>() + 2);
    out.push(b'[');
    for (i, user) in users.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        match user.raw_json() {
            Some(raw) => out.extend_from_slice(&raw),
            None => out.extend_from_slice(user.user()?.to_json().as_bytes()),
        }
    }
    out.push(b']');
    String::from_utf8(out).map_err(|_| Error::decode_body("the page is not UTF-8", &[]))
}

/// `client.preview`: builds and validates requests without sending them.
#[napi]
pub struct Preview {
    pub(crate) client: CoreClient,
}

#[napi]
impl Preview {
    /// The `POST /admin/v1/users` that `createUser` would send.
    #[napi]
    pub fn create_user(
        &self,
        env: Env,
        #[napi(ts_arg_type = "string")] username: Value,
        #[napi(ts_arg_type = "UserFields")] fields: Option<Value>,
    ) -> napi::Result<PreparedRequest> {
        sync(&env, || self.client.preview().create_user(&create(username, fields)?)).map(PreparedRequest::from)
    }

    /// The `POST /admin/v1/users/{user_id}` that `updateUser` would send.
    #[napi]
    pub fn update_user(
        &self,
        env: Env,
        #[napi(ts_arg_type = "string")] user_id: Value,
        #[napi(ts_arg_type = "UserFields")] fields: Option<Value>,
    ) -> napi::Result<PreparedRequest> {
        sync(&env, || self.client.preview().update_user(&text("user_id", user_id)?, &update(fields)?))
            .map(PreparedRequest::from)
    }

    /// The `DELETE /admin/v1/users/{user_id}` that `deleteUser` would send.
    #[napi]
    pub fn delete_user(
        &self,
        env: Env,
        #[napi(ts_arg_type = "string")] user_id: Value,
    ) -> napi::Result<PreparedRequest> {
        sync(&env, || self.client.preview().delete_user(&text("user_id", user_id)?)).map(PreparedRequest::from)
    }

    /// The request that `syncUserFromDirectory` would send.
    #[napi]
    pub fn sync_user_from_directory(
        &self,
        env: Env,
        #[napi(ts_arg_type = "string")] directory_key: Value,
        #[napi(ts_arg_type = "string")] username: Value,
    ) -> napi::Result<PreparedRequest> {
        sync(&env, || {
            self.client
                .preview()
                .sync_user_from_directory(&text("directory_key", directory_key)?, &text("username", username)?)
        })
        .map(PreparedRequest::from)
    }

    /// The request that `call` would send.
    #[napi]
    pub fn call(
        &self,
        env: Env,
        #[napi(ts_arg_type = "string")] method: Value,
        #[napi(ts_arg_type = "string")] path: Value,
        #[napi(ts_arg_type = "Record<string, string | string[]>")] params: Option<Value>,
    ) -> napi::Result<PreparedRequest> {
        sync(&env, || self.client.preview().call(&text("method", method)?, &text("path", path)?, self::params(params)?))
            .map(PreparedRequest::from)
    }
}

/// The writable user fields, in Duo's own names (see `createUser` / `updateUser`).
#[allow(dead_code)] // only its TypeScript interface is used: the fields go through core's field table
#[napi(object)]
pub struct UserFields {
    /// Primary username (update only).
    pub username: Option<String>,
    /// Full name.
    pub realname: Option<String>,
    /// Given name.
    pub firstname: Option<String>,
    /// Surname.
    pub lastname: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// `active`, `bypass` or `disabled`.
    #[napi(ts_type = "'active' | 'bypass' | 'disabled' | UserStatus.Active | UserStatus.Bypass | UserStatus.Disabled")]
    pub status: Option<String>,
    /// Free-text notes.
    pub notes: Option<String>,
    /// Alias 1 (`''` removes it).
    pub alias1: Option<String>,
    /// Alias 2.
    pub alias2: Option<String>,
    /// Alias 3.
    pub alias3: Option<String>,
    /// Alias 4.
    pub alias4: Option<String>,
}
