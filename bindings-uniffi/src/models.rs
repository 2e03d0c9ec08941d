//! Models. The Duo `User` is an object over core's [`LazyUser`] (a listed user is decoded only
//! when a getter is called; scalars from the summary, nested lists from the full user); its
//! nested groups, phones and authenticators are records. The directory user and the requests are
//! records. Unknown JSON members travel as JSON text (`extra`), so JSON in and out is lossless.

use crate::error::{Result, guard};
use duo_directory::{Error, LazyUser};
use std::collections::HashMap;
use std::sync::Arc;

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

/// A Duo user; fields are decoded on first access (`DuoError.Decode` if the user is malformed).
/// `toString()` shows its id and username.
#[derive(uniffi::Object, PartialEq)]
#[uniffi::export(Display, Eq)]
pub struct User(pub(crate) LazyUser);

impl std::fmt::Display for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.summary() {
            Ok(s) => write!(f, "User(userId={:?}, username={:?})", s.user_id, s.username),
            Err(_) => f.write_str("User(<undecodable>)"),
        }
    }
}

impl User {
    pub(crate) fn wrap(user: impl Into<LazyUser>) -> Arc<User> {
        Arc::new(User(user.into()))
    }

    pub(crate) fn core(&self) -> Result<duo_directory::User> {
        Ok(self.0.user()?.clone())
    }
}

/// Getters over the summary (`s`) or the full user (`u`), each decoding once.
macro_rules! getters {
    ($($(#[$doc:meta])* $name:ident($via:ident): $ty:ty = |$v:ident| $e:expr;)*) => {
        #[uniffi::export]
        impl User {
            $($(#[$doc])* pub fn $name(&self) -> Result<$ty> {
                let $v = self.0.$via()?;
                Ok($e)
            })*
        }
    };
}

getters! {
    /// Duo's id of the user (`DU...`).
    user_id(summary): String = |s| s.user_id.clone();
    /// Primary username.
    username(summary): String = |s| s.username.clone();
    /// Full name.
    realname(summary): Option<String> = |s| s.realname.clone();
    /// Given name.
    firstname(summary): Option<String> = |s| s.firstname.clone();
    /// Surname.
    lastname(summary): Option<String> = |s| s.lastname.clone();
    /// Email address.
    email(summary): Option<String> = |s| s.email.clone();
    /// Status.
    status(summary): UserStatus = |s| UserStatus::from(&s.status);
    /// Notes.
    notes(summary): Option<String> = |s| s.notes.clone();
    /// Alias 1.
    alias1(summary): Option<String> = |s| s.alias1.clone();
    /// Alias 2.
    alias2(summary): Option<String> = |s| s.alias2.clone();
    /// Alias 3.
    alias3(summary): Option<String> = |s| s.alias3.clone();
    /// Alias 4.
    alias4(summary): Option<String> = |s| s.alias4.clone();
    /// Creation time, UNIX seconds.
    created(summary): Option<i64> = |s| s.created;
    /// Last login, UNIX seconds.
    last_login(summary): Option<i64> = |s| s.last_login;
    /// Last directory sync, UNIX seconds.
    last_directory_sync(summary): Option<i64> = |s| s.last_directory_sync;
    /// True when the user has at least one authentication method.
    is_enrolled(summary): Option<bool> = |s| s.is_enrolled;
    /// Every alias by position name (`alias1`..`alias8`).
    aliases(user): HashMap<String, String> = |u| u.aliases.clone().into_iter().collect();
    /// Universal Prompt auto-start, when Duo sends it.
    enable_auto_prompt(user): Option<bool> = |u| u.enable_auto_prompt;
    /// The directory's own id of a synced user, when present.
    external_id(user): Option<String> = |u| u.external_id.clone();
    /// Why a `locked out` user is locked, when Duo sends it.
    lockout_reason(user): Option<String> = |u| u.lockout_reason.clone();
    /// Members this version does not model, as a JSON object.
    extra(user): String = |u| json(&u.extra);
    /// Groups.
    groups(user): Vec<Group> = |u| u.groups.iter().map(Group::from).collect();
    /// Phones.
    phones(user): Vec<Phone> = |u| u.phones.iter().map(Phone::from).collect();
    /// Hardware tokens.
    tokens(user): Vec<Token> = |u| u.tokens.iter().map(Token::from).collect();
    /// Legacy U2F tokens.
    u2ftokens(user): Vec<U2fToken> = |u| u.u2ftokens.iter().map(U2fToken::from).collect();
    /// WebAuthn credentials.
    webauthncredentials(user): Vec<WebauthnCredential> = |u| u.webauthncredentials.iter().map(WebauthnCredential::from).collect();
}

#[uniffi::export]
impl User {
    /// Parses a user from JSON in Duo's field names; `DuoError.Decode` names the bad field.
    #[uniffi::constructor]
    pub fn from_json(text: String) -> Result<Arc<User>> {
        guard(|| Ok(User::wrap(duo_directory::User::from_json(&text)?)))
    }

    /// JSON in Duo's field names: for a listed user not yet decoded, exactly what Duo sent.
    pub fn to_json(&self) -> Result<String> {
        match self.0.raw_json() {
            Some(raw) => String::from_utf8(raw.to_vec()).map_err(|e| Error::decode_body(e.to_string(), &[]).into()),
            None => Ok(self.0.user()?.to_json()),
        }
    }
}

/// Declares a record converted field by field from the core struct of the same name.
macro_rules! nested {
    ($(#[$doc:meta])* $name:ident { $($(#[$fdoc:meta])* $field:ident: $ty:ty = |$v:ident| $e:expr;)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, uniffi::Record)]
        pub struct $name {
            $($(#[$fdoc])* pub $field: $ty,)*
            /// Members this version does not model, as a JSON object.
            pub extra: String,
        }
        impl From<&duo_directory::$name> for $name {
            fn from(c: &duo_directory::$name) -> Self {
                $name { $($field: { let $v = c; $e },)* extra: json(&c.extra) }
            }
        }
    };
}

nested!(/// A group as embedded in a user.
Group {
    /// Description.
    desc: Option<String> = |c| c.desc.clone();
    /// Group id (`DG...`).
    group_id: String = |c| c.group_id.clone();
    /// Legacy flag.
    mobile_otp_enabled: Option<bool> = |c| c.mobile_otp_enabled;
    /// Name.
    name: Option<String> = |c| c.name.clone();
    /// Legacy flag.
    push_enabled: Option<bool> = |c| c.push_enabled;
    /// Legacy flag.
    sms_enabled: Option<bool> = |c| c.sms_enabled;
    /// Group authentication status.
    status: Option<String> = |c| c.status.clone();
    /// Legacy flag.
    voice_enabled: Option<bool> = |c| c.voice_enabled;
});

nested!(/// A phone as embedded in a user.
Phone {
    /// Activated for Duo Mobile.
    activated: Option<bool> = |c| c.activated;
    /// Factors the device supports.
    capabilities: Vec<String> = |c| c.capabilities.clone();
    /// File-system encryption status.
    encrypted: Option<String> = |c| c.encrypted.clone();
    /// Extension.
    extension: Option<String> = |c| c.extension.clone();
    /// Biometric status.
    fingerprint: Option<String> = |c| c.fingerprint.clone();
    /// Last contact with Duo Mobile, as Duo sent it (UNIX seconds or text).
    last_seen: Option<String> = |c| c.last_seen.as_ref().map(|l| match l { duo_directory::LastSeen::Unix(n) => n.to_string(), duo_directory::LastSeen::Text(t) => t.clone() });
    /// Model.
    model: Option<String> = |c| c.model.clone();
    /// Label.
    name: Option<String> = |c| c.name.clone();
    /// Number.
    number: Option<String> = |c| c.number.clone();
    /// Phone id (`DP...`).
    phone_id: String = |c| c.phone_id.clone();
    /// Platform.
    platform: Option<String> = |c| c.platform.clone();
    /// Seconds to wait after the extension is dialed.
    postdelay: Option<String> = |c| c.postdelay.clone();
    /// Seconds to wait before dialing the extension.
    predelay: Option<String> = |c| c.predelay.clone();
    /// Screen lock status.
    screenlock: Option<String> = |c| c.screenlock.clone();
    /// SMS passcodes were sent.
    sms_passcodes_sent: Option<bool> = |c| c.sms_passcodes_sent;
    /// Jailbreak/root status.
    tampered: Option<String> = |c| c.tampered.clone();
    /// Phone type (JSON `type`).
    phone_type: Option<String> = |c| c.phone_type.clone();
});

nested!(/// A hardware token as embedded in a user.
Token {
    /// Serial number.
    serial: Option<String> = |c| c.serial.clone();
    /// Token id (`DH...`).
    token_id: String = |c| c.token_id.clone();
    /// TOTP step.
    totp_step: Option<i64> = |c| c.totp_step;
    /// Token type (JSON `type`).
    token_type: Option<String> = |c| c.token_type.clone();
});

nested!(/// A legacy U2F token as embedded in a user.
U2fToken {
    /// Registration time, UNIX seconds.
    date_added: Option<i64> = |c| c.date_added;
    /// Registration id.
    registration_id: String = |c| c.registration_id.clone();
});

nested!(/// A WebAuthn credential as embedded in a user.
WebauthnCredential {
    /// Name given to the credential.
    credential_name: Option<String> = |c| c.credential_name.clone();
    /// Registration time, UNIX seconds.
    date_added: Option<i64> = |c| c.date_added;
    /// Kind (`Security Key`, `Touch ID`, ...).
    label: Option<String> = |c| c.label.clone();
    /// Registration id (`WA...`).
    webauthnkey: String = |c| c.webauthnkey.clone();
});

nested!(/// A bypass code as Duo lists it: its metadata, never the code itself.
BypassCode {
    /// Email of the administrator who created it.
    admin_email: Option<String> = |c| c.admin_email.clone();
    /// The code's id.
    bypass_code_id: String = |c| c.bypass_code_id.clone();
    /// Creation time, UNIX seconds.
    created: Option<i64> = |c| c.created;
    /// Expiry, UNIX seconds; null when it never expires.
    expiration: Option<i64> = |c| c.expiration;
    /// Uses left (0: unlimited).
    reuse_count: Option<i64> = |c| c.reuse_count;
});

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

impl From<duo_directory::DirectoryUser> for DirectoryUser {
    fn from(c: duo_directory::DirectoryUser) -> Self {
        let state = match c.state {
            duo_directory::DirectoryUserState::Active => UserState::Active,
            duo_directory::DirectoryUserState::Inactive => UserState::Inactive,
            duo_directory::DirectoryUserState::Other(value) => UserState::Other { value },
        };
        let group = |g: duo_directory::DirectoryGroup| DirectoryGroup {
            extra: json(&g.extra),
            obj: g.object,
            id: g.id,
            idp_id: g.idp_id,
            directory_id: g.directory_id,
            organization_id: g.organization_id,
            name: g.name,
            created_at: g.created_at,
            updated_at: g.updated_at,
        };
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
