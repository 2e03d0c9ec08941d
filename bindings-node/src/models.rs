//! JavaScript classes over core's models. Naming rule: every property is the camelCase of the
//! API's own name (`user_id` → `userId`, `is_enrolled` → `isEnrolled`, `realname` stays
//! `realname`); `toJSON()` gives the object in the API's own names (lossless), and `fromJSON()`
//! reads that object or its JSON text.
//!
//! A listed [`User`] is a small object over core's [`LazyUser`]: a top-level field decodes only
//! the user's scalars (once, cached in core), a nested list decodes the whole user (once).

use crate::error::{sync, to_js};
use duo_directory::columns::Utf16Columns;
use duo_directory::identity::{Identity, render};
use duo_directory::{DirectoryUser as CoreDirectoryUser, Error, LazyUser, User as CoreUser, UserSummary};
use napi::Env;
use napi::bindgen_prelude::{Float64Array, Uint32Array};
use napi_derive::napi;
use serde_json::Value;

pub mod nested;
pub use nested::{
    BypassCode, DesktopAuthenticator, DirectoryGroup, Group, InlineRole, Phone, Token, U2fToken, WebauthnCredential,
};

/// A Duo user status, as Duo spells it. Statuses this version does not know are kept as strings.
#[napi(string_enum)]
pub enum UserStatus {
    /// The user must complete secondary authentication.
    #[napi(value = "active")]
    Active,
    /// The user skips secondary authentication.
    #[napi(value = "bypass")]
    Bypass,
    /// The user cannot authenticate.
    #[napi(value = "disabled")]
    Disabled,
    /// Locked after too many failed attempts (read-only).
    #[napi(value = "locked out")]
    LockedOut,
    /// In the trash for seven days before permanent deletion (read-only).
    #[napi(value = "pending deletion")]
    PendingDeletion,
}

/// A model's JSON text or its object in the API's own names, as core's value.
pub fn parse<T: serde::de::DeserializeOwned>(env: &Env, input: Value) -> napi::Result<T> {
    sync(env, || match input {
        Value::String(text) => duo_directory::decode::from_json(&text),
        value => duo_directory::decode::from_value(value),
    })
}

/// A core value as a plain object in the API's own names.
pub fn plain<T: serde::Serialize>(env: &Env, value: &T) -> napi::Result<Value> {
    serde_json::to_value(value).map_err(|e| to_js(env, Error::Internal { message: e.to_string() }))
}

/// `TypeName(field="value", ...)` from core's identity fields.
pub fn shown<T: Identity + ?Sized>(value: &T) -> String {
    render(value, |s| serde_json::to_string(s).unwrap_or_default())
}

/// A Duo user. Fields are decoded on first access; a malformed user throws `DecodeError` then.
#[napi]
pub struct User {
    user: LazyUser,
}

impl From<LazyUser> for User {
    fn from(user: LazyUser) -> Self {
        User { user }
    }
}

impl From<CoreUser> for User {
    fn from(user: CoreUser) -> Self {
        User { user: LazyUser::from(user) }
    }
}

/// One listed page as the addon hands it to `index.js` (which turns it into `User[]`; callers
/// never receive one): the users' scalars as core's `UserColumns` (one string and three typed
/// arrays, built on the runtime; a field read is a `String.prototype.slice`), and the users,
/// each taken once by the `User` that needs more than its scalars.
#[napi]
pub struct UserRows {
    columns: Option<JsColumns>,
    users: Vec<Option<LazyUser>>,
}

/// The scalars of a listed page (core's `UserColumns`; its `columns` module has the layout),
/// with offsets in UTF-16 code units and numbers as JavaScript numbers.
#[napi(object, js_name = "UserColumns")]
pub struct JsColumns {
    /// Every text field of every user, one after the other.
    pub text: String,
    /// Start and end (UTF-16 offsets into `text`) of the 12 text fields of each user.
    pub bounds: Uint32Array,
    /// Per user: null fields, `isEnrolled` and undecoded bits (core's `FLAG_` constants).
    pub flags: Uint32Array,
    /// `created`, `lastLogin`, `lastDirectorySync` per user, NaN for null.
    pub numbers: Float64Array,
}

impl From<duo_directory::UserPage> for UserRows {
    fn from(page: duo_directory::UserPage) -> Self {
        let (users, columns) = page.into_parts();
        let Utf16Columns { text, bounds, flags, numbers } = columns.into_utf16();
        let columns = JsColumns {
            text,
            bounds: Uint32Array::new(bounds),
            flags: Uint32Array::new(flags),
            numbers: Float64Array::new(numbers),
        };
        UserRows { columns: Some(columns), users: users.into_iter().map(Some).collect() }
    }
}

#[napi]
impl UserRows {
    /// The page's columns (once; later calls give empty columns).
    #[napi]
    pub fn take_columns(&mut self) -> JsColumns {
        self.columns.take().unwrap_or_else(|| JsColumns {
            text: String::new(),
            bounds: Uint32Array::new(Vec::new()),
            flags: Uint32Array::new(Vec::new()),
            numbers: Float64Array::new(Vec::new()),
        })
    }

    /// The native `User` at `index` (once: the JavaScript `User` keeps it).
    #[napi]
    pub fn take_user(&mut self, env: Env, index: u32) -> napi::Result<User> {
        let slot = usize::try_from(index).ok().and_then(|i| self.users.get_mut(i)).and_then(Option::take);
        slot.map(User::from).ok_or_else(|| {
            to_js(&env, Error::Internal { message: format!("listed user {index} was already taken or does not exist") })
        })
    }
}

/// The layout of `UserRows` columns: the fields in Duo's names (text fields first), how many are
/// text, how many numbers, and the flag bits (index.js names its getters after them).
#[napi(js_name = "_userColumnLayout", skip_typescript)]
pub fn user_column_layout() -> Value {
    use duo_directory::columns;
    serde_json::json!({
        "fields": UserSummary::ROW_FIELDS,
        "textFields": columns::TEXT_FIELDS,
        "numberFields": columns::NUMBER_FIELDS,
        "textNull": columns::FLAG_TEXT_NULL,
        "numberNull": columns::FLAG_NUMBER_NULL,
        "enrolledPresent": columns::FLAG_ENROLLED_PRESENT,
        "enrolled": columns::FLAG_ENROLLED,
        "undecoded": columns::FLAG_UNDECODED,
    })
}

impl User {
    fn summary(&self, env: &Env) -> napi::Result<&UserSummary> {
        self.user.summary().map_err(|e| to_js(env, e))
    }

    /// The fully decoded core user.
    pub fn full(&self, env: &Env) -> napi::Result<&CoreUser> {
        self.user.user().map_err(|e| to_js(env, e))
    }
}

#[napi]
impl User {
    /// Reads a user from JSON text or an object in Duo's own field names; `DecodeError` names the field.
    #[napi(js_name = "fromJSON")]
    pub fn from_json(
        env: Env,
        #[napi(ts_arg_type = "string | Record<string, unknown>")] input: Value,
    ) -> napi::Result<User> {
        parse::<CoreUser>(&env, input).map(User::from)
    }

    /// The user as an object in Duo's own field names (unknown fields included): what
    /// `JSON.stringify` writes, and what `fromJSON` reads back without loss.
    #[napi(js_name = "toJSON", ts_return_type = "Record<string, unknown>")]
    pub fn to_json(&self, env: Env) -> napi::Result<Value> {
        plain(&env, self.full(&env)?)
    }

    /// `User(user_id="...", username="...", status="...")`.
    #[napi(js_name = "toString")]
    pub fn to_js_string(&self) -> String {
        match self.user.summary() {
            Ok(s) => shown(s),
            Err(_) => "User(<undecodable>)".into(),
        }
    }
}

#[napi]
impl User {
    /// Duo's id of the user (`DU` + 18 characters).
    #[napi(getter)]
    pub fn user_id(&self, env: Env) -> napi::Result<String> {
        let s = self.summary(&env)?;
        Ok(s.user_id.to_string())
    }
    /// Primary username.
    #[napi(getter)]
    pub fn username(&self, env: Env) -> napi::Result<String> {
        let s = self.summary(&env)?;
        Ok(s.username.to_string())
    }
    /// Full name.
    #[napi(getter)]
    pub fn realname(&self, env: Env) -> napi::Result<Option<String>> {
        let s = self.summary(&env)?;
        Ok(s.realname.as_deref().map(str::to_owned))
    }
    /// Given name.
    #[napi(getter)]
    pub fn firstname(&self, env: Env) -> napi::Result<Option<String>> {
        let s = self.summary(&env)?;
        Ok(s.firstname.as_deref().map(str::to_owned))
    }
    /// Surname.
    #[napi(getter)]
    pub fn lastname(&self, env: Env) -> napi::Result<Option<String>> {
        let s = self.summary(&env)?;
        Ok(s.lastname.as_deref().map(str::to_owned))
    }
    /// Email address (`''` when unset).
    #[napi(getter)]
    pub fn email(&self, env: Env) -> napi::Result<Option<String>> {
        let s = self.summary(&env)?;
        Ok(s.email.as_deref().map(str::to_owned))
    }
    /// Status as Duo spells it (see `UserStatus`); unknown future values are kept.
    #[napi(getter, ts_return_type = "UserStatus | (string & {})")]
    pub fn status(&self, env: Env) -> napi::Result<String> {
        let s = self.summary(&env)?;
        Ok(s.status.as_str().to_owned())
    }
    /// Free-text notes.
    #[napi(getter)]
    pub fn notes(&self, env: Env) -> napi::Result<Option<String>> {
        let s = self.summary(&env)?;
        Ok(s.notes.as_deref().map(str::to_owned))
    }
    /// Legacy positional alias 1.
    #[napi(getter)]
    pub fn alias1(&self, env: Env) -> napi::Result<Option<String>> {
        let s = self.summary(&env)?;
        Ok(s.alias1.as_deref().map(str::to_owned))
    }
    /// Legacy positional alias 2.
    #[napi(getter)]
    pub fn alias2(&self, env: Env) -> napi::Result<Option<String>> {
        let s = self.summary(&env)?;
        Ok(s.alias2.as_deref().map(str::to_owned))
    }
    /// Legacy positional alias 3.
    #[napi(getter)]
    pub fn alias3(&self, env: Env) -> napi::Result<Option<String>> {
        let s = self.summary(&env)?;
        Ok(s.alias3.as_deref().map(str::to_owned))
    }
    /// Legacy positional alias 4.
    #[napi(getter)]
    pub fn alias4(&self, env: Env) -> napi::Result<Option<String>> {
        let s = self.summary(&env)?;
        Ok(s.alias4.as_deref().map(str::to_owned))
    }
    /// Creation time, UNIX seconds.
    #[napi(getter)]
    pub fn created(&self, env: Env) -> napi::Result<Option<i64>> {
        let s = self.summary(&env)?;
        Ok(s.created)
    }
    /// Last login, UNIX seconds; null if never.
    #[napi(getter)]
    pub fn last_login(&self, env: Env) -> napi::Result<Option<i64>> {
        let s = self.summary(&env)?;
        Ok(s.last_login)
    }
    /// Last update by directory sync, UNIX seconds; null if never synced.
    #[napi(getter)]
    pub fn last_directory_sync(&self, env: Env) -> napi::Result<Option<i64>> {
        let s = self.summary(&env)?;
        Ok(s.last_directory_sync)
    }
    /// True when the user has at least one authentication device or method.
    #[napi(getter)]
    pub fn is_enrolled(&self, env: Env) -> napi::Result<Option<bool>> {
        let s = self.summary(&env)?;
        Ok(s.is_enrolled)
    }
}

#[napi]
impl User {
    /// All aliases by position name (`alias1`..`alias8`).
    #[napi(getter)]
    pub fn aliases(&self, env: Env) -> napi::Result<std::collections::HashMap<String, String>> {
        let u = self.full(&env)?;
        Ok(u.aliases.clone().into_iter().collect())
    }
    /// Universal Prompt auto-start of the last used method, when Duo sends it.
    #[napi(getter)]
    pub fn enable_auto_prompt(&self, env: Env) -> napi::Result<Option<bool>> {
        let u = self.full(&env)?;
        Ok(u.enable_auto_prompt)
    }
    /// The directory's own id of a synced user, when present.
    #[napi(getter)]
    pub fn external_id(&self, env: Env) -> napi::Result<Option<String>> {
        let u = self.full(&env)?;
        Ok(u.external_id.clone())
    }
    /// Why a `locked out` user is locked, when Duo sends it.
    #[napi(getter)]
    pub fn lockout_reason(&self, env: Env) -> napi::Result<Option<String>> {
        let u = self.full(&env)?;
        Ok(u.lockout_reason.clone())
    }
    /// Members this version does not model, in Duo's names.
    #[napi(getter, ts_return_type = "Record<string, unknown>")]
    pub fn extra(&self, env: Env) -> napi::Result<Value> {
        let u = self.full(&env)?;
        Ok(Value::Object(u.extra.clone()))
    }
    /// Groups the user belongs to.
    #[napi(getter)]
    pub fn groups(&self, env: Env) -> napi::Result<Vec<Group>> {
        let u = self.full(&env)?;
        Ok(u.groups.iter().map(Group::from).collect())
    }
    /// Phones.
    #[napi(getter)]
    pub fn phones(&self, env: Env) -> napi::Result<Vec<Phone>> {
        let u = self.full(&env)?;
        Ok(u.phones.iter().map(Phone::from).collect())
    }
    /// Hardware OTP tokens.
    #[napi(getter)]
    pub fn tokens(&self, env: Env) -> napi::Result<Vec<Token>> {
        let u = self.full(&env)?;
        Ok(u.tokens.iter().map(Token::from).collect())
    }
    /// Legacy U2F tokens.
    #[napi(getter)]
    pub fn u2ftokens(&self, env: Env) -> napi::Result<Vec<U2fToken>> {
        let u = self.full(&env)?;
        Ok(u.u2ftokens.iter().map(U2fToken::from).collect())
    }
    /// WebAuthn credentials.
    #[napi(getter)]
    pub fn webauthncredentials(&self, env: Env) -> napi::Result<Vec<WebauthnCredential>> {
        let u = self.full(&env)?;
        Ok(u.webauthncredentials.iter().map(WebauthnCredential::from).collect())
    }
}

/// A user as a directory provider reports it: exactly the properties of WorkOS's JavaScript
/// `DirectoryUser` (seed 001's js table).
#[napi]
pub struct DirectoryUser {
    inner: CoreDirectoryUser,
}

impl DirectoryUser {
    fn core(&self, _env: &Env) -> napi::Result<&CoreDirectoryUser> {
        Ok(&self.inner)
    }
}

impl From<CoreDirectoryUser> for DirectoryUser {
    fn from(inner: CoreDirectoryUser) -> Self {
        DirectoryUser { inner }
    }
}

#[napi]
impl DirectoryUser {
    /// Reads a directory user from JSON text or an object in the API's own field names.
    #[napi(js_name = "fromJSON")]
    pub fn from_json(
        env: Env,
        #[napi(ts_arg_type = "string | Record<string, unknown>")] input: Value,
    ) -> napi::Result<DirectoryUser> {
        parse::<CoreDirectoryUser>(&env, input).map(DirectoryUser::from)
    }

    /// The directory user as an object in the API's own field names (lossless).
    #[napi(js_name = "toJSON", ts_return_type = "Record<string, unknown>")]
    pub fn to_json(&self, env: Env) -> napi::Result<Value> {
        plain(&env, &self.inner)
    }

    /// `DirectoryUser(id="...", email="...", state="...")`.
    #[napi(js_name = "toString")]
    pub fn to_js_string(&self) -> String {
        shown(&self.inner)
    }
}

#[napi]
impl DirectoryUser {
    /// Unique identifier of the directory user.
    #[napi(getter)]
    pub fn id(&self, env: Env) -> napi::Result<String> {
        let u = self.core(&env)?;
        Ok(u.id.clone())
    }
    /// Identifier assigned by the directory provider.
    #[napi(getter)]
    pub fn idp_id(&self, env: Env) -> napi::Result<String> {
        let u = self.core(&env)?;
        Ok(u.idp_id.clone())
    }
    /// The directory the user belongs to.
    #[napi(getter)]
    pub fn directory_id(&self, env: Env) -> napi::Result<String> {
        let u = self.core(&env)?;
        Ok(u.directory_id.clone())
    }
    /// The organization the directory belongs to.
    #[napi(getter)]
    pub fn organization_id(&self, env: Env) -> napi::Result<Option<String>> {
        let u = self.core(&env)?;
        Ok(u.organization_id.clone())
    }
    /// First name.
    #[napi(getter)]
    pub fn first_name(&self, env: Env) -> napi::Result<Option<String>> {
        let u = self.core(&env)?;
        Ok(u.first_name.clone())
    }
    /// Last name.
    #[napi(getter)]
    pub fn last_name(&self, env: Env) -> napi::Result<Option<String>> {
        let u = self.core(&env)?;
        Ok(u.last_name.clone())
    }
    /// Email address.
    #[napi(getter)]
    pub fn email(&self, env: Env) -> napi::Result<Option<String>> {
        let u = self.core(&env)?;
        Ok(u.email.clone())
    }
    /// Groups the user is a member of.
    #[napi(getter)]
    pub fn groups(&self, env: Env) -> napi::Result<Vec<DirectoryGroup>> {
        let u = self.core(&env)?;
        Ok(u.groups.iter().map(DirectoryGroup::from).collect())
    }
    /// `active` or `inactive` (unknown states are kept).
    #[napi(getter, ts_return_type = "'active' | 'inactive' | (string & {})")]
    pub fn state(&self, env: Env) -> napi::Result<String> {
        let u = self.core(&env)?;
        Ok(u.state.as_str().to_owned())
    }
    /// The provider's custom attribute mapping.
    #[napi(getter, ts_return_type = "Record<string, unknown>")]
    pub fn custom_attributes(&self, env: Env) -> napi::Result<Value> {
        let u = self.core(&env)?;
        Ok(Value::Object(u.custom_attributes.clone()))
    }
    /// The user's role, when roles are configured.
    #[napi(getter)]
    pub fn role(&self, env: Env) -> napi::Result<Option<InlineRole>> {
        let u = self.core(&env)?;
        Ok(u.role.as_ref().map(|r| InlineRole { slug: r.slug.clone() }))
    }
    /// Creation timestamp (ISO 8601).
    #[napi(getter)]
    pub fn created_at(&self, env: Env) -> napi::Result<String> {
        let u = self.core(&env)?;
        Ok(u.created_at.clone())
    }
    /// Last update timestamp (ISO 8601).
    #[napi(getter)]
    pub fn updated_at(&self, env: Env) -> napi::Result<String> {
        let u = self.core(&env)?;
        Ok(u.updated_at.clone())
    }
}

impl DirectoryUser {
    /// A copy of the core value.
    pub fn core_clone(&self) -> CoreDirectoryUser {
        self.inner.clone()
    }
}
