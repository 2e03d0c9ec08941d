//! The Duo Admin API user object and its nested groups, phones and authenticators.
//!
//! Fields are declared in alphabetical order, the order Duo sends them, so that writing a user
//! back produces the same document. Members this version does not know are kept in `extra`.

use super::lossless::lossless_deserialize;
use super::{Extra, UserStatus};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A Duo user, with every field of the Admin API's user object.
///
/// ```
/// use duo_directory::User;
/// let user = User::from_json(r#"{"user_id":"DU1","username":"jsmith","status":"locked out","future_field":1}"#).unwrap();
/// assert_eq!(user.status.as_str(), "locked out");
/// assert!(user.to_json().contains(r#""future_field":1"#));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct User {
    /// Legacy positional alias 1 (`null` when unset).
    #[serde(default)]
    pub alias1: Option<String>,
    /// Legacy positional alias 2.
    #[serde(default)]
    pub alias2: Option<String>,
    /// Legacy positional alias 3.
    #[serde(default)]
    pub alias3: Option<String>,
    /// Legacy positional alias 4.
    #[serde(default)]
    pub alias4: Option<String>,
    /// All aliases by position name (`alias1`..`alias8`); only set positions are present.
    #[serde(default)]
    pub aliases: BTreeMap<String, String>,
    /// Creation time, UNIX seconds.
    #[serde(default)]
    pub created: Option<i64>,
    /// Email address (`""` when unset).
    #[serde(default)]
    pub email: Option<String>,
    /// Universal Prompt auto-start of the last used method, when Duo sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_auto_prompt: Option<bool>,
    /// The directory's own id of a synced user (Entra ID `id`, AD `objectGUID`), when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// Given name.
    #[serde(default)]
    pub firstname: Option<String>,
    /// Groups the user belongs to.
    #[serde(default)]
    pub groups: Vec<Group>,
    /// True when the user has at least one authentication device or method.
    #[serde(default)]
    pub is_enrolled: Option<bool>,
    /// Last update by directory sync, UNIX seconds; `None` if never synced.
    #[serde(default)]
    pub last_directory_sync: Option<i64>,
    /// Last login, UNIX seconds; `None` if never.
    #[serde(default)]
    pub last_login: Option<i64>,
    /// Surname.
    #[serde(default)]
    pub lastname: Option<String>,
    /// Why a `locked out` user is locked, when Duo sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lockout_reason: Option<String>,
    /// Free-text notes.
    #[serde(default)]
    pub notes: Option<String>,
    /// Phones.
    #[serde(default)]
    pub phones: Vec<Phone>,
    /// Full name.
    #[serde(default)]
    pub realname: Option<String>,
    /// Status (open-ended: unknown values are kept).
    pub status: UserStatus,
    /// Hardware OTP tokens.
    #[serde(default)]
    pub tokens: Vec<Token>,
    /// Legacy U2F tokens.
    #[serde(default)]
    pub u2ftokens: Vec<U2fToken>,
    /// Duo's id of the user (`DU` + 18 characters).
    pub user_id: String,
    /// Primary username.
    pub username: String,
    /// WebAuthn credentials (security keys, platform authenticators).
    #[serde(default)]
    pub webauthncredentials: Vec<WebauthnCredential>,
    /// Members this version does not model, kept for lossless round trips.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A group as embedded in a user.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    /// Description.
    #[serde(default)]
    pub desc: Option<String>,
    /// Group id (`DG...`).
    pub group_id: String,
    /// Legacy flag, always false.
    #[serde(default)]
    pub mobile_otp_enabled: Option<bool>,
    /// Name (directory-synced names include their source).
    #[serde(default)]
    pub name: Option<String>,
    /// Legacy flag, always false.
    #[serde(default)]
    pub push_enabled: Option<bool>,
    /// Legacy flag, always false.
    #[serde(default)]
    pub sms_enabled: Option<bool>,
    /// Group authentication status (`Active`, `Bypass`, `Disabled`).
    #[serde(default)]
    pub status: Option<String>,
    /// Legacy flag, always false.
    #[serde(default)]
    pub voice_enabled: Option<bool>,
    /// Members this version does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

/// When a phone was last seen: Duo documents a timestamp but sends an ISO-like string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum LastSeen {
    /// UNIX seconds.
    Unix(i64),
    /// Text as Duo sent it, e.g. `2019-11-18T15:51:13`.
    Text(String),
}

/// A phone as embedded in a user.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Phone {
    /// Activated for Duo Mobile.
    #[serde(default)]
    pub activated: Option<bool>,
    /// Factors the device supports (`auto`, `push`, `phone`, `sms`, `mobile_otp`).
    #[serde(default)]
    pub capabilities: Vec<String>,
    /// File-system encryption status (`Encrypted`, `Unencrypted`, `Unknown`, blank).
    #[serde(default)]
    pub encrypted: Option<String>,
    /// Extension.
    #[serde(default)]
    pub extension: Option<String>,
    /// Biometric status (`Configured`, `Disabled`, `Unknown`, blank).
    #[serde(default)]
    pub fingerprint: Option<String>,
    /// Last contact with Duo Mobile.
    #[serde(default)]
    pub last_seen: Option<LastSeen>,
    /// Model.
    #[serde(default)]
    pub model: Option<String>,
    /// Label.
    #[serde(default)]
    pub name: Option<String>,
    /// Number (no number: a tablet).
    #[serde(default)]
    pub number: Option<String>,
    /// Phone id (`DP...`).
    pub phone_id: String,
    /// Platform (e.g. `Apple iOS`).
    #[serde(default)]
    pub platform: Option<String>,
    /// Seconds to wait after the extension is dialed.
    #[serde(default)]
    pub postdelay: Option<String>,
    /// Seconds to wait before dialing the extension.
    #[serde(default)]
    pub predelay: Option<String>,
    /// Screen lock status (`Locked`, `Unlocked`, `Unknown`, blank).
    #[serde(default)]
    pub screenlock: Option<String>,
    /// SMS passcodes were sent.
    #[serde(default)]
    pub sms_passcodes_sent: Option<bool>,
    /// Jailbreak/root status (`Not tampered`, `Tampered`, `Unknown`, blank).
    #[serde(default)]
    pub tampered: Option<String>,
    /// Phone type (`Mobile`, `Landline`, `Unknown`).
    #[serde(default, rename = "type")]
    pub phone_type: Option<String>,
    /// Members this version does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A hardware token as embedded in a user.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Token {
    /// Serial number.
    #[serde(default)]
    pub serial: Option<String>,
    /// Token id (`DH...`).
    pub token_id: String,
    /// TOTP step, null for supported types.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totp_step: Option<i64>,
    /// Token type (`h6`, `h8`, `t6`, `t8`, `yk`, `d1`).
    #[serde(default, rename = "type")]
    pub token_type: Option<String>,
    /// Members this version does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A legacy U2F token as embedded in a user.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct U2fToken {
    /// Registration time, UNIX seconds.
    #[serde(default)]
    pub date_added: Option<i64>,
    /// Registration id.
    pub registration_id: String,
    /// Members this version does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A WebAuthn credential as embedded in a user.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WebauthnCredential {
    /// Name given to the credential.
    #[serde(default)]
    pub credential_name: Option<String>,
    /// Registration time, UNIX seconds.
    #[serde(default)]
    pub date_added: Option<i64>,
    /// Kind (`Security Key`, `Touch ID`, `Windows Hello`).
    #[serde(default)]
    pub label: Option<String>,
    /// Registration id (`WA...`).
    pub webauthnkey: String,
    /// Members this version does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

macro_rules! json_methods {
    ($($t:ty),*) => {$(
        impl $t {
            /// Reads one object from JSON text; errors name the field, line and column.
            pub fn from_json(text: &str) -> crate::Result<Self> {
                crate::decode::from_json(text)
            }

            /// Writes compact JSON in the API's own field names.
            pub fn to_json(&self) -> String {
                serde_json::to_string(self).unwrap_or_default()
            }

            /// Writes indented JSON in the API's own field names.
            pub fn to_json_pretty(&self) -> String {
                serde_json::to_string_pretty(self).unwrap_or_default()
            }
        }
    )*};
}
pub(crate) use json_methods;

json_methods!(User, Group, Phone, Token, U2fToken, WebauthnCredential);

lossless_deserialize!(
    User,
    required: [status = "status", user_id = "user_id", username = "username"],
    optional: [
        alias1 = "alias1", alias2 = "alias2", alias3 = "alias3", alias4 = "alias4", aliases = "aliases",
        created = "created", email = "email", enable_auto_prompt = "enable_auto_prompt",
        external_id = "external_id", firstname = "firstname", groups = "groups", is_enrolled = "is_enrolled",
        last_directory_sync = "last_directory_sync", last_login = "last_login", lastname = "lastname",
        lockout_reason = "lockout_reason", notes = "notes", phones = "phones", realname = "realname",
        tokens = "tokens", u2ftokens = "u2ftokens", webauthncredentials = "webauthncredentials",
    ],
);
lossless_deserialize!(
    Group,
    required: [group_id = "group_id"],
    optional: [
        desc = "desc", mobile_otp_enabled = "mobile_otp_enabled", name = "name", push_enabled = "push_enabled",
        sms_enabled = "sms_enabled", status = "status", voice_enabled = "voice_enabled",
    ],
);
lossless_deserialize!(
    Phone,
    required: [phone_id = "phone_id"],
    optional: [
        activated = "activated", capabilities = "capabilities", encrypted = "encrypted", extension = "extension",
        fingerprint = "fingerprint", last_seen = "last_seen", model = "model", name = "name", number = "number",
        platform = "platform", postdelay = "postdelay", predelay = "predelay", screenlock = "screenlock",
        sms_passcodes_sent = "sms_passcodes_sent", tampered = "tampered", phone_type = "type",
    ],
);
lossless_deserialize!(
    Token,
    required: [token_id = "token_id"],
    optional: [serial = "serial", totp_step = "totp_step", token_type = "type"],
);
lossless_deserialize!(U2fToken, required: [registration_id = "registration_id"], optional: [date_added = "date_added"]);
lossless_deserialize!(
    WebauthnCredential,
    required: [webauthnkey = "webauthnkey"],
    optional: [credential_name = "credential_name", date_added = "date_added", label = "label"],
);
