//! Models, all records (Kotlin data classes, Swift structs): the Duo `User` with its nested
//! groups, phones and authenticators, the directory user and the requests. Unknown JSON members
//! travel as JSON text (`extra`), so JSON in and out is lossless. A listing's page crosses as one
//! buffer of records: measured against one native object per user (a JNA handle and a call per
//! getter), this is what makes the JVM listing cheaper than duo_client_java (docs/benchmarks.md).

use crate::error::{Result, guard};
use duo_directory::{Error, LazyUser};
use std::collections::HashMap;

fn json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

fn from_json_text<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
    Ok(duo_directory::decode::from_json(text)?)
}

/// A Duo user status; unknown future values are kept as `Other`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum UserStatus {
    /// `active`
    Active,
    /// `bypass`
    Bypass,
    /// `disabled`
    Disabled,
    /// `locked out` (read-only)
    LockedOut,
    /// `pending deletion` (read-only)
    PendingDeletion,
    /// A status this version does not know, verbatim.
    Other {
        /// The API's spelling.
        value: String,
    },
}

impl From<UserStatus> for duo_directory::UserStatus {
    fn from(s: UserStatus) -> Self {
        use duo_directory::UserStatus as S;
        match s {
            UserStatus::Active => S::Active,
            UserStatus::Bypass => S::Bypass,
            UserStatus::Disabled => S::Disabled,
            UserStatus::LockedOut => S::LockedOut,
            UserStatus::PendingDeletion => S::PendingDeletion,
            UserStatus::Other { value } => S::Other(value),
        }
    }
}

impl From<&duo_directory::UserStatus> for UserStatus {
    fn from(s: &duo_directory::UserStatus) -> Self {
        use duo_directory::UserStatus as S;
        match s {
            S::Active => UserStatus::Active,
            S::Bypass => UserStatus::Bypass,
            S::Disabled => UserStatus::Disabled,
            S::LockedOut => UserStatus::LockedOut,
            S::PendingDeletion => UserStatus::PendingDeletion,
            S::Other(value) => UserStatus::Other { value: value.clone() },
        }
    }
}

/// A Duo user: a Kotlin data class / Swift struct with every field of Duo's user object (seed
/// 002/003); `extra` keeps the members this version does not model, as a JSON object, so that
/// `userFromJson` / `userToJson` round-trip losslessly. A listing hands each page across as one
/// buffer of these (decoded in Rust, off the caller's thread), not one native handle per user.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct User {
    /// Duo's id of the user (`DU...`).
    pub user_id: String,
    /// Primary username.
    pub username: String,
    /// Full name.
    pub realname: Option<String>,
    /// Given name.
    pub firstname: Option<String>,
    /// Surname.
    pub lastname: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// Status.
    pub status: UserStatus,
    /// Notes.
    pub notes: Option<String>,
    /// Alias 1.
    pub alias1: Option<String>,
    /// Alias 2.
    pub alias2: Option<String>,
    /// Alias 3.
    pub alias3: Option<String>,
    /// Alias 4.
    pub alias4: Option<String>,
    /// Every alias by position name (`alias1`..`alias8`).
    pub aliases: HashMap<String, String>,
    /// Creation time, UNIX seconds.
    pub created: Option<i64>,
    /// Last login, UNIX seconds.
    pub last_login: Option<i64>,
    /// Last directory sync, UNIX seconds.
    pub last_directory_sync: Option<i64>,
    /// True when the user has at least one authentication method.
    pub is_enrolled: Option<bool>,
    /// Universal Prompt auto-start, when Duo sends it.
    pub enable_auto_prompt: Option<bool>,
    /// The directory's own id of a synced user, when present.
    pub external_id: Option<String>,
    /// Why a `locked out` user is locked, when Duo sends it.
    pub lockout_reason: Option<String>,
    /// Groups.
    pub groups: Vec<Group>,
    /// Phones.
    pub phones: Vec<Phone>,
    /// Hardware tokens.
    pub tokens: Vec<Token>,
    /// Legacy U2F tokens.
    pub u2ftokens: Vec<U2fToken>,
    /// WebAuthn credentials.
    pub webauthncredentials: Vec<WebauthnCredential>,
    /// Members this version does not model, as a JSON object.
    pub extra: String,
}

/// Moves a core conversion over a list.
fn list<C, F: From<C>>(items: Vec<C>) -> Vec<F> {
    items.into_iter().map(F::from).collect()
}

/// Converts a list back to core, naming the failing item (`phones[2].extra`).
fn list_core<F, C>(field: &str, items: Vec<F>, into: impl Fn(F, &str) -> Result<C>) -> Result<Vec<C>> {
    items.into_iter().enumerate().map(|(i, item)| into(item, &format!("{field}[{i}]"))).collect()
}

impl From<duo_directory::User> for User {
    fn from(u: duo_directory::User) -> Self {
        User {
            extra: json(&u.extra),
            status: UserStatus::from(&u.status),
            user_id: u.user_id,
            username: u.username,
            realname: u.realname,
            firstname: u.firstname,
            lastname: u.lastname,
            email: u.email,
            notes: u.notes,
            alias1: u.alias1,
            alias2: u.alias2,
            alias3: u.alias3,
            alias4: u.alias4,
            aliases: u.aliases.into_iter().collect(),
            created: u.created,
            last_login: u.last_login,
            last_directory_sync: u.last_directory_sync,
            is_enrolled: u.is_enrolled,
            enable_auto_prompt: u.enable_auto_prompt,
            external_id: u.external_id,
            lockout_reason: u.lockout_reason,
            groups: list(u.groups),
            phones: list(u.phones),
            tokens: list(u.tokens),
            u2ftokens: list(u.u2ftokens),
            webauthncredentials: list(u.webauthncredentials),
        }
    }
}

impl User {
    /// A listed user, decoded now (a malformed user is a `DuoException.Decode` naming the field).
    pub(crate) fn decode(user: LazyUser) -> Result<User> {
        Ok(User::from(user.into_user()?))
    }

    /// The core user; `extra` members that are not a JSON object are an `InvalidInput` naming them.
    pub(crate) fn into_core(self) -> Result<duo_directory::User> {
        Ok(duo_directory::User {
            extra: object("extra", &self.extra)?,
            status: self.status.into(),
            user_id: self.user_id,
            username: self.username,
            realname: self.realname,
            firstname: self.firstname,
            lastname: self.lastname,
            email: self.email,
            notes: self.notes,
            alias1: self.alias1,
            alias2: self.alias2,
            alias3: self.alias3,
            alias4: self.alias4,
            aliases: self.aliases.into_iter().collect(),
            created: self.created,
            last_login: self.last_login,
            last_directory_sync: self.last_directory_sync,
            is_enrolled: self.is_enrolled,
            enable_auto_prompt: self.enable_auto_prompt,
            external_id: self.external_id,
            lockout_reason: self.lockout_reason,
            groups: list_core("groups", self.groups, Group::into_core)?,
            phones: list_core("phones", self.phones, Phone::into_core)?,
            tokens: list_core("tokens", self.tokens, Token::into_core)?,
            u2ftokens: list_core("u2ftokens", self.u2ftokens, U2fToken::into_core)?,
            webauthncredentials: list_core(
                "webauthncredentials",
                self.webauthncredentials,
                WebauthnCredential::into_core,
            )?,
        })
    }
}

/// Reads a Duo user from JSON in Duo's own field names (`DuoException.Decode` names the field).
#[uniffi::export]
pub fn user_from_json(text: String) -> Result<User> {
    guard(|| Ok(User::from(duo_directory::User::from_json(&text)?)))
}

/// JSON of a Duo user in Duo's own field names; lossless for what `userFromJson` read.
#[uniffi::export]
pub fn user_to_json(user: User) -> Result<String> {
    guard(|| Ok(user.into_core()?.to_json()))
}

/// Same value both ways (`conv!(x)`), or through a conversion (`conv!(x, f)`).
macro_rules! conv {
    ($e:expr) => {
        $e
    };
    ($e:expr, $f:expr) => {
        $f($e)
    };
}

macro_rules! nested {
    ($(#[$doc:meta])* $name:ident { $($(#[$fdoc:meta])* $field:ident: $ty:ty $(=> $to:expr, $from:expr)?;)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, uniffi::Record)]
        pub struct $name {
            $($(#[$fdoc])* pub $field: $ty,)*
            /// Members this version does not model, as a JSON object.
            pub extra: String,
        }
        impl From<duo_directory::$name> for $name {
            fn from(c: duo_directory::$name) -> Self {
                $name { extra: json(&c.extra), $($field: conv!(c.$field $(, $to)?),)* }
            }
        }
        impl $name {
            fn into_core(self, field: &str) -> Result<duo_directory::$name> {
                Ok(duo_directory::$name {
                    extra: object(&format!("{field}.extra"), &self.extra)?,
                    $($field: conv!(self.$field $(, $from)?),)*
                })
            }
        }
    };
}

/// When a phone was last seen, as Duo sent it: UNIX seconds or text.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum LastSeen {
    /// UNIX seconds.
    Unix {
        /// The seconds.
        seconds: i64,
    },
    /// Text as Duo sent it, e.g. `2019-11-18T15:51:13`.
    Text {
        /// The text.
        value: String,
    },
}

fn last_seen(value: Option<duo_directory::LastSeen>) -> Option<LastSeen> {
    value.map(|l| match l {
        duo_directory::LastSeen::Unix(seconds) => LastSeen::Unix { seconds },
        duo_directory::LastSeen::Text(value) => LastSeen::Text { value },
    })
}

fn last_seen_core(value: Option<LastSeen>) -> Option<duo_directory::LastSeen> {
    value.map(|l| match l {
        LastSeen::Unix { seconds } => duo_directory::LastSeen::Unix(seconds),
        LastSeen::Text { value } => duo_directory::LastSeen::Text(value),
    })
}

nested!(/// A group as embedded in a user.
Group {
    /// Description.
    desc: Option<String>;
    /// Duo's id of the group.
    group_id: String;
    /// Mobile OTP allowed (legacy).
    mobile_otp_enabled: Option<bool>;
    /// Name.
    name: Option<String>;
    /// Push allowed (legacy).
    push_enabled: Option<bool>;
    /// SMS allowed (legacy).
    sms_enabled: Option<bool>;
    /// Group status.
    status: Option<String>;
    /// Voice allowed (legacy).
    voice_enabled: Option<bool>;
});

nested!(/// A phone as embedded in a user.
Phone {
    /// Duo Mobile activated.
    activated: Option<bool>;
    /// What the phone can do (`push`, `sms`, ...).
    capabilities: Vec<String>;
    /// Encryption status.
    encrypted: Option<String>;
    /// Extension.
    extension: Option<String>;
    /// Fingerprint status.
    fingerprint: Option<String>;
    /// When last seen.
    last_seen: Option<LastSeen> => last_seen, last_seen_core;
    /// Model.
    model: Option<String>;
    /// Name.
    name: Option<String>;
    /// Number.
    number: Option<String>;
    /// Duo's id of the phone.
    phone_id: String;
    /// Platform.
    platform: Option<String>;
    /// Post-dial delay.
    postdelay: Option<String>;
    /// Pre-dial delay.
    predelay: Option<String>;
    /// Screen lock status.
    screenlock: Option<String>;
    /// SMS passcodes sent.
    sms_passcodes_sent: Option<bool>;
    /// Tamper status.
    tampered: Option<String>;
    /// Phone type (`type` in Duo's JSON).
    phone_type: Option<String>;
});

nested!(/// A hardware token as embedded in a user.
Token {
    /// Serial number.
    serial: Option<String>;
    /// Duo's id of the token.
    token_id: String;
    /// TOTP step, seconds.
    totp_step: Option<i64>;
    /// Token type (`type` in Duo's JSON).
    token_type: Option<String>;
});

nested!(/// A legacy U2F token as embedded in a user.
U2fToken {
    /// When added, UNIX seconds.
    date_added: Option<i64>;
    /// Registration id.
    registration_id: String;
});

nested!(/// A WebAuthn credential as embedded in a user.
WebauthnCredential {
    /// Name.
    credential_name: Option<String>;
    /// When added, UNIX seconds.
    date_added: Option<i64>;
    /// Label.
    label: Option<String>;
    /// Key id.
    webauthnkey: String;
});

/// A bypass code as Duo lists it: its metadata, never the code itself.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct BypassCode {
    /// Email of the administrator who created it.
    pub admin_email: Option<String>,
    /// The code's id.
    pub bypass_code_id: String,
    /// Creation time, UNIX seconds.
    pub created: Option<i64>,
    /// Expiry, UNIX seconds; null when it never expires.
    pub expiration: Option<i64>,
    /// Uses left (0: unlimited).
    pub reuse_count: Option<i64>,
    /// Members this version does not model (such as `user`), as a JSON object.
    pub extra: String,
}

impl From<duo_directory::BypassCode> for BypassCode {
    fn from(c: duo_directory::BypassCode) -> Self {
        BypassCode {
            extra: json(&c.extra),
            admin_email: c.admin_email,
            bypass_code_id: c.bypass_code_id,
            created: c.created,
            expiration: c.expiration,
            reuse_count: c.reuse_count,
        }
    }
}

/// A Duo Desktop installation registered as one of a user's authenticators (read-only).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct DesktopAuthenticator {
    /// Authenticator id.
    pub daid: String,
    /// Duo-specific key.
    pub dakey: Option<String>,
    /// The endpoint's hostname.
    pub device_name: Option<String>,
    /// Version of Duo Desktop on the endpoint.
    pub duo_desktop_version: Option<String>,
    /// The endpoint's operating system platform.
    pub os_family: Option<String>,
    /// The user information Duo attaches, as JSON object text.
    pub user: Option<String>,
    /// Members this version does not model, as a JSON object.
    pub extra: String,
}

impl From<duo_directory::DesktopAuthenticator> for DesktopAuthenticator {
    fn from(d: duo_directory::DesktopAuthenticator) -> Self {
        DesktopAuthenticator {
            extra: json(&d.extra),
            user: d.user.as_ref().map(json),
            daid: d.daid,
            dakey: d.dakey,
            device_name: d.device_name,
            duo_desktop_version: d.duo_desktop_version,
            os_family: d.os_family,
        }
    }
}

/// A directory user's state.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum UserState {
    /// `active`
    Active,
    /// `inactive`
    Inactive,
    /// A state this version does not know, verbatim.
    Other {
        /// The API's spelling.
        value: String,
    },
}

/// A directory user's role.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DirectoryRole {
    /// The unique role identifier.
    pub slug: String,
}

/// A directory group as embedded in a directory user.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct DirectoryGroup {
    /// Always `directory_group` (JSON `object`).
    pub obj: String,
    /// Unique identifier of the group.
    pub id: String,
    /// Identifier assigned by the directory provider.
    pub idp_id: Option<String>,
    /// The directory the group belongs to.
    pub directory_id: Option<String>,
    /// The organization the directory belongs to.
    pub organization_id: Option<String>,
    /// Group name.
    pub name: String,
    /// Creation timestamp.
    pub created_at: Option<String>,
    /// Last update timestamp.
    pub updated_at: Option<String>,
    /// Members this version does not model, as a JSON object.
    pub extra: String,
}

/// A user as a directory provider reports it (WorkOS Directory Sync); Kotlin's
/// `directorysync.User`. `customAttributes` (Kotlin) reads `custom_attributes_json`.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct DirectoryUser {
    /// Always `directory_user` (JSON `object`).
    pub obj: String,
    /// Unique identifier of the directory user.
    pub id: String,
    /// The directory the user belongs to.
    pub directory_id: String,
    /// The organization the directory belongs to.
    pub organization_id: Option<String>,
    /// Identifier assigned by the directory provider.
    pub idp_id: String,
    /// Email address.
    pub email: Option<String>,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Creation timestamp (ISO 8601).
    pub created_at: String,
    /// Last update timestamp (ISO 8601).
    pub updated_at: String,
    /// Groups the user is a member of.
    pub groups: Vec<DirectoryGroup>,
    /// `active` or `inactive`.
    pub state: UserState,
    /// The provider's custom attributes, as a JSON object.
    pub custom_attributes_json: String,
    /// The user's role, when roles are configured.
    pub role: Option<DirectoryRole>,
    /// Members this version does not model (deprecated ones included), as a JSON object.
    pub extra: String,
}

fn object(field: &str, text: &str) -> Result<duo_directory::Extra> {
    duo_directory::decode::from_json(text).map_err(|e| match e {
        Error::Decode { reason, .. } => Error::invalid(field, format!("is not a JSON object: {reason}")).into(),
        other => other.into(),
    })
}

impl From<duo_directory::DirectoryGroup> for DirectoryGroup {
    fn from(g: duo_directory::DirectoryGroup) -> Self {
        DirectoryGroup {
            extra: json(&g.extra),
            obj: g.object,
            id: g.id,
            idp_id: g.idp_id,
            directory_id: g.directory_id,
            organization_id: g.organization_id,
            name: g.name,
            created_at: g.created_at,
            updated_at: g.updated_at,
        }
    }
}

impl From<duo_directory::DirectoryUser> for DirectoryUser {
    fn from(c: duo_directory::DirectoryUser) -> Self {
        let state = match c.state {
            duo_directory::DirectoryUserState::Active => UserState::Active,
            duo_directory::DirectoryUserState::Inactive => UserState::Inactive,
            duo_directory::DirectoryUserState::Other(value) => UserState::Other { value },
        };
        let group = DirectoryGroup::from;
        DirectoryUser {
            custom_attributes_json: json(&c.custom_attributes),
            extra: json(&c.extra),
            obj: c.object,
            id: c.id,
            directory_id: c.directory_id,
            organization_id: c.organization_id,
            idp_id: c.idp_id,
            email: c.email,
            first_name: c.first_name,
            last_name: c.last_name,
            created_at: c.created_at,
            updated_at: c.updated_at,
            groups: c.groups.into_iter().map(group).collect(),
            state,
            role: c.role.map(|r| DirectoryRole { slug: r.slug }),
        }
    }
}

impl DirectoryUser {
    pub(crate) fn into_core(self) -> Result<duo_directory::DirectoryUser> {
        let state = match self.state {
            UserState::Active => duo_directory::DirectoryUserState::Active,
            UserState::Inactive => duo_directory::DirectoryUserState::Inactive,
            UserState::Other { value } => duo_directory::DirectoryUserState::Other(value),
        };
        let mut groups = Vec::with_capacity(self.groups.len());
        for (i, g) in self.groups.into_iter().enumerate() {
            groups.push(duo_directory::DirectoryGroup {
                extra: object(&format!("groups[{i}].extra"), &g.extra)?,
                object: g.obj,
                id: g.id,
                idp_id: g.idp_id,
                directory_id: g.directory_id,
                organization_id: g.organization_id,
                name: g.name,
                created_at: g.created_at,
                updated_at: g.updated_at,
            });
        }
        Ok(duo_directory::DirectoryUser {
            custom_attributes: object("custom_attributes", &self.custom_attributes_json)?,
            extra: object("extra", &self.extra)?,
            object: self.obj,
            id: self.id,
            idp_id: self.idp_id,
            directory_id: self.directory_id,
            organization_id: self.organization_id,
            first_name: self.first_name,
            last_name: self.last_name,
            email: self.email,
            groups,
            state,
            role: self.role.map(|r| duo_directory::DirectoryRole { slug: r.slug }),
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

/// Parses a directory user from JSON in the API's field names (`DuoError.Decode` names the field).
#[uniffi::export]
pub fn directory_user_from_json(text: String) -> Result<DirectoryUser> {
    guard(|| Ok(DirectoryUser::from(from_json_text::<duo_directory::DirectoryUser>(&text)?)))
}

/// JSON of a directory user in the API's field names; lossless for what `directoryUserFromJson` read.
#[uniffi::export]
pub fn directory_user_to_json(user: DirectoryUser) -> Result<String> {
    guard(|| Ok(user.into_core()?.to_json()))
}

/// The exact request a call would send, without `Authorization` (nothing is sent).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PreparedRequest {
    /// HTTP method, upper-case.
    pub method: String,
    /// Request path, without the query string.
    pub path: String,
    /// The logical parameters.
    pub params: HashMap<String, crate::client::ParamValue>,
    /// Query string (without `?`), empty when the parameters travel in the body.
    pub query: String,
    /// Request body (v5 JSON or v2 form), for POST/PUT/PATCH.
    pub body: Option<String>,
    /// Headers that would be sent, secrets excluded (`Host`, `Date`, `Content-Type`, `User-Agent`).
    pub headers: HashMap<String, String>,
    /// `path?query`, as on the request line.
    pub target: String,
    /// The request's JSON form (core's serde): `{"method", "path", "params", "query", "body", "headers"}`.
    pub json: String,
}

impl From<duo_directory::PreparedRequest> for PreparedRequest {
    fn from(r: duo_directory::PreparedRequest) -> Self {
        PreparedRequest {
            json: r.to_json(),
            target: r.target(),
            method: r.method,
            path: r.path,
            params: crate::client::params_to_foreign(&r.params),
            query: r.query,
            body: r.body.map(|b| b.text().to_string()),
            headers: r.headers.into_iter().collect(),
        }
    }
}
