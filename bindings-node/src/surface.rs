//! The rest of the users surface on `Client` and `client.preview`: batch lookups, enrollment,
//! groups (with a `GroupIterator` listing), a user's phones, tokens, authenticators and bypass
//! codes. Conversion only: core validates, pages and redacts.

use crate::client::{Client, Preview};
use crate::error::{promise, sync};
use crate::models::{BypassCode, DesktopAuthenticator, Group, Phone, Token, U2fToken, User, WebauthnCredential};
use crate::sign::PreparedRequest;
use duo_directory::{BypassCodeOptions as CoreBypassOptions, Error, GroupCursor, PageCount};
use napi::Env;
use napi::bindgen_prelude::PromiseRaw;
use napi_derive::napi;
use serde_json::Value;
use std::sync::Arc;

/// A string argument; anything else is an `InvalidInputError` naming it.
fn text(name: &str, value: Value) -> duo_directory::Result<String> {
    match value {
        Value::String(s) => Ok(s),
        _ => Err(Error::invalid(name, "expected a string")),
    }
}

/// An array of strings; anything else is an `InvalidInputError` naming the argument (or item).
fn strings(name: &str, value: Value) -> duo_directory::Result<Vec<String>> {
    match value {
        Value::Array(items) => {
            items.into_iter().enumerate().map(|(i, item)| text(&format!("{name}[{i}]"), item)).collect()
        }
        _ => Err(Error::invalid(name, "expected an array of strings")),
    }
}

/// An options object read into `T`; a wrong type or unknown key is an `InvalidInputError`.
fn object<T: serde::de::DeserializeOwned + Default>(value: Option<Value>) -> duo_directory::Result<T> {
    match value {
        None | Some(Value::Null) => Ok(T::default()),
        Some(value) => duo_directory::decode::from_value(value).map_err(|e| match e {
            Error::Decode { field, reason, .. } => {
                Error::invalid(if field.is_empty() { "options".into() } else { field }, reason)
            }
            other => other,
        }),
    }
}

fn whole(name: &str, value: Option<i64>) -> duo_directory::Result<Option<u32>> {
    value.map(|v| duo_directory::count(name, i128::from(v), u32::MAX)).transpose()
}

/// Options of `enrollUser`.
#[napi(object)]
#[derive(Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EnrollOptions {
    /// Seconds before the enrollment link expires (0: never; Duo's default 30 days).
    pub valid_secs: Option<i64>,
}

fn valid_secs(options: Option<Value>) -> duo_directory::Result<Option<u64>> {
    Ok(whole("validSecs", object::<EnrollOptions>(options)?.valid_secs)?.map(u64::from))
}

/// Options of `createUserBypassCodes`: `count` random codes or the explicit `codes`, never both.
#[napi(object)]
#[derive(Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BypassCodeOptions {
    /// How many random codes (1..10; Duo's default 10).
    pub count: Option<i64>,
    /// Explicit codes (digits), at most 10.
    pub codes: Option<Vec<String>>,
    /// Seconds the codes stay valid (0: no expiry, the default).
    pub valid_secs: Option<i64>,
    /// Uses per code (0: unlimited; Duo's default 1).
    pub reuse_count: Option<i64>,
    /// Keep the user's existing codes (default: they are replaced).
    pub preserve_existing: Option<bool>,
}

fn bypass_options(options: Option<Value>) -> duo_directory::Result<CoreBypassOptions> {
    let o: BypassCodeOptions = object(options)?;
    Ok(CoreBypassOptions {
        count: whole("count", o.count)?,
        codes: o.codes,
        valid_secs: whole("validSecs", o.valid_secs)?.map(u64::from),
        reuse_count: whole("reuseCount", o.reuse_count)?,
        preserve_existing: o.preserve_existing,
    })
}

/// Options of `listGroups` / `listUserGroups`.
#[napi(object)]
#[derive(Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GroupListOptions {
    /// Groups per page, 1..100 (default 100).
    pub page_size: Option<i64>,
}

fn page_size(options: Option<Value>) -> duo_directory::Result<Option<u32>> {
    whole("pageSize", object::<GroupListOptions>(options)?.page_size)
}

fn found(users: Vec<Option<duo_directory::User>>) -> Vec<Option<User>> {
    users.into_iter().map(|u| u.map(User::from)).collect()
}

fn all<C, T: for<'a> From<&'a C>>(items: Vec<C>) -> Vec<T> {
    items.iter().map(T::from).collect()
}

/// `(userId, otherId) -> Promise<void>` calls and their previews.
macro_rules! link_methods {
    ($($name:ident($field:ident, $js:literal), $doc:literal;)*) => {
        #[napi]
        impl Client {
            $(
                #[doc = $doc]
                #[napi(ts_return_type = "Promise<void>")]
                pub fn $name<'e>(
                    &self,
                    env: &'e Env,
                    #[napi(ts_arg_type = "string")] user_id: Value,
                    #[napi(ts_arg_type = "string")] $field: Value,
                ) -> napi::Result<PromiseRaw<'e, ()>> {
                    let client = self.get();
                    promise(env, async move {
                        client?.$name(&text("user_id", user_id)?, &text($js, $field)?).await
                    }, |()| ())
                }
            )*
        }

        #[napi]
        impl Preview {
            $(
                #[doc = $doc]
                #[napi]
                pub fn $name(
                    &self,
                    env: Env,
                    #[napi(ts_arg_type = "string")] user_id: Value,
                    #[napi(ts_arg_type = "string")] $field: Value,
                ) -> napi::Result<PreparedRequest> {
                    sync(&env, || self.client.preview().$name(&text("user_id", user_id)?, &text($js, $field)?))
                        .map(PreparedRequest::from)
                }
            )*
        }
    };
}

link_methods! {
    add_user_group(group_id, "group_id"), "Adds a user to a group.";
    remove_user_group(group_id, "group_id"), "Removes a user from a group.";
    add_user_phone(phone_id, "phone_id"), "Associates a phone with a user.";
    remove_user_phone(phone_id, "phone_id"), "Dissociates a phone from a user (the phone stays).";
    add_user_token(token_id, "token_id"), "Associates a hardware token with a user.";
    remove_user_token(token_id, "token_id"), "Dissociates a hardware token from a user (the token stays).";
}

/// `(userId) -> Promise<T[]>` listings (every page).
macro_rules! list_methods {
    ($($name:ident -> $ty:ident, $ts:literal, $doc:literal;)*) => {
        #[napi]
        impl Client {
            $(
                #[doc = $doc]
                #[napi(ts_return_type = $ts)]
                pub fn $name<'e>(
                    &self,
                    env: &'e Env,
                    #[napi(ts_arg_type = "string")] user_id: Value,
                ) -> napi::Result<PromiseRaw<'e, Vec<$ty>>> {
                    let client = self.get();
                    promise(env, async move { client?.$name(&text("user_id", user_id)?).await }, all)
                }
            )*
        }
    };
}

list_methods! {
    list_user_phones -> Phone, "Promise<Phone[]>", "A user's phones (every page).";
    list_user_tokens -> Token, "Promise<Token[]>", "A user's hardware tokens (every page).";
    list_user_u2f_tokens -> U2fToken, "Promise<U2FToken[]>", "A user's U2F tokens (every page).";
    list_user_webauthn_credentials -> WebauthnCredential, "Promise<WebauthnCredential[]>", "A user's WebAuthn credentials (every page).";
    list_user_desktop_authenticators -> DesktopAuthenticator, "Promise<DesktopAuthenticator[]>", "A user's Duo Desktop authenticators (every page).";
    list_user_bypass_codes -> BypassCode, "Promise<BypassCode[]>", "The metadata of a user's bypass codes (never the codes).";
}

#[napi]
impl Client {
    /// The users with these usernames (or aliases), in input order: null where no user answers
    /// to the name. Sent 100 names a request.
    #[napi(ts_return_type = "Promise<Array<User | null>>")]
    pub fn get_users_by_usernames<'e>(
        &self,
        env: &'e Env,
        #[napi(ts_arg_type = "string[]")] usernames: Value,
    ) -> napi::Result<PromiseRaw<'e, Vec<Option<User>>>> {
        let client = self.get();
        promise(env, async move { client?.get_users_by_usernames(&strings("usernames", usernames)?).await }, found)
    }

    /// The users with these ids, in input order: null where there is no such user.
    #[napi(ts_return_type = "Promise<Array<User | null>>")]
    pub fn get_users_by_ids<'e>(
        &self,
        env: &'e Env,
        #[napi(ts_arg_type = "string[]")] user_ids: Value,
    ) -> napi::Result<PromiseRaw<'e, Vec<Option<User>>>> {
        let client = self.get();
        promise(env, async move { client?.get_users_by_ids(&strings("user_ids", user_ids)?).await }, found)
    }

    /// Creates `username` and emails them an enrollment link that expires after `validSecs`.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn enroll_user<'e>(
        &self,
        env: &'e Env,
        #[napi(ts_arg_type = "string")] username: Value,
        #[napi(ts_arg_type = "string")] email: Value,
        #[napi(ts_arg_type = "EnrollOptions")] options: Option<Value>,
    ) -> napi::Result<PromiseRaw<'e, ()>> {
        let client = self.get();
        promise(
            env,
            async move {
                let secs = valid_secs(options)?;
                client?.enroll_user(&text("username", username)?, &text("email", email)?, secs).await
            },
            |()| (),
        )
    }

    /// Every group, as an async iterable (`for await`): pages of `pageSize` fetched on demand.
    #[napi]
    pub fn list_groups(
        &self,
        env: Env,
        #[napi(ts_arg_type = "GroupListOptions")] options: Option<Value>,
    ) -> napi::Result<GroupIterator> {
        sync(&env, || self.get()?.list_groups(page_size(options)?)).map(GroupIterator::new)
    }

    /// One group by id; rejects with `NotFoundError` when there is none.
    #[napi(ts_return_type = "Promise<Group>")]
    pub fn get_group<'e>(
        &self,
        env: &'e Env,
        #[napi(ts_arg_type = "string")] group_id: Value,
    ) -> napi::Result<PromiseRaw<'e, Group>> {
        let client = self.get();
        promise(env, async move { client?.get_group(&text("group_id", group_id)?).await }, |g| Group::from(&g))
    }

    /// A user's groups, as an async iterable.
    #[napi]
    pub fn list_user_groups(
        &self,
        env: Env,
        #[napi(ts_arg_type = "string")] user_id: Value,
        #[napi(ts_arg_type = "GroupListOptions")] options: Option<Value>,
    ) -> napi::Result<GroupIterator> {
        sync(&env, || self.get()?.list_user_groups(&text("user_id", user_id)?, page_size(options)?))
            .map(GroupIterator::new)
    }

    /// Creates bypass codes and resolves to them: the codes appear only in this array, never in
    /// an inspect, log or error.
    #[napi(ts_return_type = "Promise<string[]>")]
    pub fn create_user_bypass_codes<'e>(
        &self,
        env: &'e Env,
        #[napi(ts_arg_type = "string")] user_id: Value,
        #[napi(ts_arg_type = "BypassCodeOptions")] options: Option<Value>,
    ) -> napi::Result<PromiseRaw<'e, Vec<String>>> {
        let client = self.get();
        promise(
            env,
            async move { client?.create_user_bypass_codes(&text("user_id", user_id)?, &bypass_options(options)?).await },
            |codes| codes.expose().into_iter().map(String::from).collect(),
        )
    }
}

#[napi]
impl Preview {
    /// The `POST /admin/v1/users/enroll` that `enrollUser` would send.
    #[napi]
    pub fn enroll_user(
        &self,
        env: Env,
        #[napi(ts_arg_type = "string")] username: Value,
        #[napi(ts_arg_type = "string")] email: Value,
        #[napi(ts_arg_type = "EnrollOptions")] options: Option<Value>,
    ) -> napi::Result<PreparedRequest> {
        sync(&env, || {
            let secs = valid_secs(options)?;
            self.client.preview().enroll_user(&text("username", username)?, &text("email", email)?, secs)
        })
        .map(PreparedRequest::from)
    }

    /// The request `createUserBypassCodes` would send (explicit codes shown as `***`).
    #[napi]
    pub fn create_user_bypass_codes(
        &self,
        env: Env,
        #[napi(ts_arg_type = "string")] user_id: Value,
        #[napi(ts_arg_type = "BypassCodeOptions")] options: Option<Value>,
    ) -> napi::Result<PreparedRequest> {
        sync(&env, || {
            self.client.preview().create_user_bypass_codes(&text("user_id", user_id)?, &bypass_options(options)?)
        })
        .map(PreparedRequest::from)
    }
}

/// The listing returned by `listGroups()` / `listUserGroups()`, over core's cursor. Iterate it
/// with `for await`; `nextPage()` is the page-at-a-time form. Ends after an error is thrown.
#[napi]
pub struct GroupIterator {
    cursor: Arc<tokio::sync::Mutex<GroupCursor>>,
    pages: PageCount,
}

impl GroupIterator {
    fn new(cursor: GroupCursor) -> Self {
        GroupIterator { pages: cursor.page_count(), cursor: Arc::new(tokio::sync::Mutex::new(cursor)) }
    }
}

#[napi]
impl GroupIterator {
    /// The rest of the current page, or else the next page fetched; null after the last one.
    #[napi(ts_return_type = "Promise<Group[] | null>")]
    pub fn next_page<'e>(&self, env: &'e Env) -> napi::Result<PromiseRaw<'e, Option<Vec<Group>>>> {
        let cursor = self.cursor.clone();
        promise(env, async move { cursor.lock().await.next_page().await }, |page| page.map(all))
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
