//! Plain-object forms of the nested models (groups, phones, authenticators, directory groups):
//! napi objects whose fields are the camelCase of the API's names, built from core's structs.

use napi::bindgen_prelude::Either;
use napi_derive::napi;
use serde_json::Value;

/// A group as embedded in a user.
#[napi(object)]
pub struct Group {
    /// Description.
    pub desc: Option<String>,
    /// Group id (`DG...`).
    pub group_id: String,
    /// Legacy flag.
    pub mobile_otp_enabled: Option<bool>,
    /// Name.
    pub name: Option<String>,
    /// Legacy flag.
    pub push_enabled: Option<bool>,
    /// Legacy flag.
    pub sms_enabled: Option<bool>,
    /// Group authentication status.
    pub status: Option<String>,
    /// Legacy flag.
    pub voice_enabled: Option<bool>,
    /// Members this version does not model, in the API's own names.
    #[napi(ts_type = "Record<string, unknown>")]
    pub extra: Value,
}

impl From<&duo_directory::Group> for Group {
    fn from(g: &duo_directory::Group) -> Self {
        Group {
            desc: g.desc.clone(),
            group_id: g.group_id.clone(),
            mobile_otp_enabled: g.mobile_otp_enabled,
            name: g.name.clone(),
            push_enabled: g.push_enabled,
            sms_enabled: g.sms_enabled,
            status: g.status.clone(),
            voice_enabled: g.voice_enabled,
            extra: Value::Object(g.extra.clone()),
        }
    }
}

/// A phone as embedded in a user.
#[napi(object)]
pub struct Phone {
    /// Activated for Duo Mobile.
    pub activated: Option<bool>,
    /// Factors the device supports.
    pub capabilities: Vec<String>,
    /// File-system encryption status.
    pub encrypted: Option<String>,
    /// Extension.
    pub extension: Option<String>,
    /// Biometric status.
    pub fingerprint: Option<String>,
    /// Last contact with Duo Mobile: UNIX seconds or Duo's text.
    pub last_seen: Option<Either<i64, String>>,
    /// Model.
    pub model: Option<String>,
    /// Label.
    pub name: Option<String>,
    /// Number.
    pub number: Option<String>,
    /// Phone id (`DP...`).
    pub phone_id: String,
    /// Platform.
    pub platform: Option<String>,
    /// Seconds to wait after the extension is dialed.
    pub postdelay: Option<String>,
    /// Seconds to wait before dialing the extension.
    pub predelay: Option<String>,
    /// Screen lock status.
    pub screenlock: Option<String>,
    /// SMS passcodes were sent.
    pub sms_passcodes_sent: Option<bool>,
    /// Jailbreak/root status.
    pub tampered: Option<String>,
    /// Phone type (Duo's `type`).
    pub r#type: Option<String>,
    /// Members this version does not model, in the API's own names.
    #[napi(ts_type = "Record<string, unknown>")]
    pub extra: Value,
}

impl From<&duo_directory::Phone> for Phone {
    fn from(p: &duo_directory::Phone) -> Self {
        Phone {
            activated: p.activated,
            capabilities: p.capabilities.clone(),
            encrypted: p.encrypted.clone(),
            extension: p.extension.clone(),
            fingerprint: p.fingerprint.clone(),
            last_seen: p.last_seen.clone().map(|s| match s {
                duo_directory::LastSeen::Unix(n) => Either::A(n),
                duo_directory::LastSeen::Text(t) => Either::B(t),
            }),
            model: p.model.clone(),
            name: p.name.clone(),
            number: p.number.clone(),
            phone_id: p.phone_id.clone(),
            platform: p.platform.clone(),
            postdelay: p.postdelay.clone(),
            predelay: p.predelay.clone(),
            screenlock: p.screenlock.clone(),
            sms_passcodes_sent: p.sms_passcodes_sent,
            tampered: p.tampered.clone(),
            r#type: p.phone_type.clone(),
            extra: Value::Object(p.extra.clone()),
        }
    }
}

/// A hardware token as embedded in a user.
#[napi(object)]
pub struct Token {
    /// Serial number.
    pub serial: Option<String>,
    /// Token id (`DH...`).
    pub token_id: String,
    /// TOTP step.
    pub totp_step: Option<i64>,
    /// Token type (Duo's `type`).
    pub r#type: Option<String>,
    /// Members this version does not model, in the API's own names.
    #[napi(ts_type = "Record<string, unknown>")]
    pub extra: Value,
}

impl From<&duo_directory::Token> for Token {
    fn from(t: &duo_directory::Token) -> Self {
        Token {
            serial: t.serial.clone(),
            token_id: t.token_id.clone(),
            totp_step: t.totp_step,
            r#type: t.token_type.clone(),
            extra: Value::Object(t.extra.clone()),
        }
    }
}

/// A legacy U2F token as embedded in a user.
#[napi(object)]
pub struct U2fToken {
    /// Registration time, UNIX seconds.
    pub date_added: Option<i64>,
    /// Registration id.
    pub registration_id: String,
    /// Members this version does not model, in the API's own names.
    #[napi(ts_type = "Record<string, unknown>")]
    pub extra: Value,
}

impl From<&duo_directory::U2fToken> for U2fToken {
    fn from(t: &duo_directory::U2fToken) -> Self {
        U2fToken {
            date_added: t.date_added,
            registration_id: t.registration_id.clone(),
            extra: Value::Object(t.extra.clone()),
        }
    }
}

/// A WebAuthn credential as embedded in a user.
#[napi(object)]
pub struct WebauthnCredential {
    /// Name given to the credential.
    pub credential_name: Option<String>,
    /// Registration time, UNIX seconds.
    pub date_added: Option<i64>,
    /// Kind.
    pub label: Option<String>,
    /// Registration id (`WA...`).
    pub webauthnkey: String,
    /// Members this version does not model, in the API's own names.
    #[napi(ts_type = "Record<string, unknown>")]
    pub extra: Value,
}

impl From<&duo_directory::WebauthnCredential> for WebauthnCredential {
    fn from(w: &duo_directory::WebauthnCredential) -> Self {
        WebauthnCredential {
            credential_name: w.credential_name.clone(),
            date_added: w.date_added,
            label: w.label.clone(),
            webauthnkey: w.webauthnkey.clone(),
            extra: Value::Object(w.extra.clone()),
        }
    }
}

/// A Duo Desktop installation registered as one of a user's authenticators.
#[napi(object)]
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
    /// The user information Duo attaches, as sent.
    #[napi(ts_type = "Record<string, unknown> | null")]
    pub user: Option<Value>,
    /// Members this version does not model, in the API's own names.
    #[napi(ts_type = "Record<string, unknown>")]
    pub extra: Value,
}

impl From<&duo_directory::DesktopAuthenticator> for DesktopAuthenticator {
    fn from(d: &duo_directory::DesktopAuthenticator) -> Self {
        DesktopAuthenticator {
            daid: d.daid.clone(),
            dakey: d.dakey.clone(),
            device_name: d.device_name.clone(),
            duo_desktop_version: d.duo_desktop_version.clone(),
            os_family: d.os_family.clone(),
            user: d.user.clone().map(Value::Object),
            extra: Value::Object(d.extra.clone()),
        }
    }
}

/// A directory group as embedded in a directory user.
#[napi(object)]
pub struct DirectoryGroup {
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
    /// Members this version does not model, in the API's own names.
    #[napi(ts_type = "Record<string, unknown>")]
    pub extra: Value,
}

impl From<&duo_directory::DirectoryGroup> for DirectoryGroup {
    fn from(g: &duo_directory::DirectoryGroup) -> Self {
        DirectoryGroup {
            id: g.id.clone(),
            idp_id: g.idp_id.clone(),
            directory_id: g.directory_id.clone(),
            organization_id: g.organization_id.clone(),
            name: g.name.clone(),
            created_at: g.created_at.clone(),
            updated_at: g.updated_at.clone(),
            extra: Value::Object(g.extra.clone()),
        }
    }
}

/// A directory user's role.
#[napi(object)]
pub struct InlineRole {
    /// The unique role identifier.
    pub slug: String,
}

/// A bypass code as Duo lists it: its metadata, never the code itself.
#[napi(object)]
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
    /// Members this version does not model (such as `user`), in the API's own names.
    #[napi(ts_type = "Record<string, unknown>")]
    pub extra: Value,
}

impl From<&duo_directory::BypassCode> for BypassCode {
    fn from(c: &duo_directory::BypassCode) -> Self {
        BypassCode {
            admin_email: c.admin_email.clone(),
            bypass_code_id: c.bypass_code_id.clone(),
            created: c.created,
            expiration: c.expiration,
            reuse_count: c.reuse_count,
            extra: Value::Object(c.extra.clone()),
        }
    }
}
