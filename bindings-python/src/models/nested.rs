//! The objects nested in a Duo user: groups, phones, tokens, U2F tokens, WebAuthn credentials.

use super::{Model, getters};
use crate::convert::Json;
use duo_directory::{DesktopAuthenticator, Error, Group, Phone, Token, U2fToken, WebauthnCredential};
use pyo3::prelude::*;
use std::sync::Arc;

/// A frozen Python class over an `Arc` of a core model, with the [`json_methods!`].
macro_rules! arc_model {
    ($(#[$meta:meta])* $class:ident($core:ty) as $name:literal) => {
        $(#[$meta])*
        #[pyclass(frozen, eq, module = "duo_directory", name = $name)]
        #[derive(PartialEq)]
        pub struct $class(pub Arc<$core>);
        impl crate::models::Model for $class {
            type Core = $core;
            fn core(&self) -> Result<&$core, Error> {
                Ok(&self.0)
            }
            fn wrap(core: $core) -> Self {
                $class(Arc::new(core))
            }
        }
        crate::models::json_methods!($class);
    };
}
pub(crate) use arc_model;

arc_model!(
    /// A group as embedded in a user.
    PyGroup(Group) as "Group"
);
getters!(PyGroup, value, |g| {
    /// Description.
    desc: Option<&str> = g.desc.as_deref();
    /// Group id (`DG...`).
    group_id: &str = &g.group_id;
    /// Legacy flag.
    mobile_otp_enabled: Option<bool> = g.mobile_otp_enabled;
    /// Name.
    name: Option<&str> = g.name.as_deref();
    /// Legacy flag.
    push_enabled: Option<bool> = g.push_enabled;
    /// Legacy flag.
    sms_enabled: Option<bool> = g.sms_enabled;
    /// Group authentication status (`Active`, `Bypass`, `Disabled`).
    status: Option<&str> = g.status.as_deref();
    /// Legacy flag.
    voice_enabled: Option<bool> = g.voice_enabled;
    /// Members this version does not model.
    extra: Json = Json::object(&g.extra);
});

arc_model!(
    /// A phone as embedded in a user.
    PyPhone(Phone) as "Phone"
);
getters!(PyPhone, value, |p| {
    /// Activated for Duo Mobile.
    activated: Option<bool> = p.activated;
    /// Factors the device supports (`auto`, `push`, `phone`, `sms`, `mobile_otp`).
    capabilities: Vec<String> = p.capabilities.clone();
    /// File-system encryption status.
    encrypted: Option<&str> = p.encrypted.as_deref();
    /// Extension.
    extension: Option<&str> = p.extension.as_deref();
    /// Biometric status.
    fingerprint: Option<&str> = p.fingerprint.as_deref();
    /// Last contact with Duo Mobile: UNIX seconds or the text Duo sent.
    last_seen: Json = Json::of(&p.last_seen);
    /// Model.
    model: Option<&str> = p.model.as_deref();
    /// Name.
    name: Option<&str> = p.name.as_deref();
    /// Number, E.164.
    number: Option<&str> = p.number.as_deref();
    /// Phone id (`DP...`).
    phone_id: &str = &p.phone_id;
    /// Platform.
    platform: Option<&str> = p.platform.as_deref();
    /// Post-dial delay.
    postdelay: Option<&str> = p.postdelay.as_deref();
    /// Pre-dial delay.
    predelay: Option<&str> = p.predelay.as_deref();
    /// Screen lock status.
    screenlock: Option<&str> = p.screenlock.as_deref();
    /// SMS passcodes sent.
    sms_passcodes_sent: Option<bool> = p.sms_passcodes_sent;
    /// Tamper status.
    tampered: Option<&str> = p.tampered.as_deref();
    /// Type (`Mobile`, `Landline`).
    r#type: Option<&str> = p.phone_type.as_deref();
    /// Members this version does not model.
    extra: Json = Json::object(&p.extra);
});

arc_model!(
    /// A hardware token as embedded in a user.
    PyToken(Token) as "Token"
);
getters!(PyToken, value, |t| {
    /// Serial number.
    serial: Option<&str> = t.serial.as_deref();
    /// Token id (`DH...`).
    token_id: &str = &t.token_id;
    /// TOTP step, seconds.
    totp_step: Option<i64> = t.totp_step;
    /// Type (`h6`, `t6`, `yk`, ...).
    r#type: Option<&str> = t.token_type.as_deref();
    /// Members this version does not model.
    extra: Json = Json::object(&t.extra);
});

arc_model!(
    /// A legacy U2F token as embedded in a user.
    PyU2fToken(U2fToken) as "U2fToken"
);
getters!(PyU2fToken, value, |t| {
    /// When it was registered, UNIX seconds.
    date_added: Option<i64> = t.date_added;
    /// Registration id.
    registration_id: &str = &t.registration_id;
    /// Members this version does not model.
    extra: Json = Json::object(&t.extra);
});

arc_model!(
    /// A WebAuthn credential as embedded in a user.
    PyWebauthnCredential(WebauthnCredential) as "WebauthnCredential"
);
getters!(PyWebauthnCredential, value, |w| {
    /// Name the user gave it.
    credential_name: Option<&str> = w.credential_name.as_deref();
    /// When it was registered, UNIX seconds.
    date_added: Option<i64> = w.date_added;
    /// Label.
    label: Option<&str> = w.label.as_deref();
    /// Key id.
    webauthnkey: &str = &w.webauthnkey;
    /// Members this version does not model.
    extra: Json = Json::object(&w.extra);
});

arc_model!(
    /// A Duo Desktop installation registered as one of a user's authenticators.
    PyDesktopAuthenticator(DesktopAuthenticator) as "DesktopAuthenticator"
);
getters!(PyDesktopAuthenticator, value, |d| {
    /// Authenticator id.
    daid: &str = &d.daid;
    /// Duo-specific key.
    dakey: Option<&str> = d.dakey.as_deref();
    /// The endpoint's hostname.
    device_name: Option<&str> = d.device_name.as_deref();
    /// Version of Duo Desktop on the endpoint.
    duo_desktop_version: Option<&str> = d.duo_desktop_version.as_deref();
    /// The endpoint's operating system platform.
    os_family: Option<&str> = d.os_family.as_deref();
    /// The user information Duo attaches, as sent.
    user: Option<Json> = d.user.as_ref().map(Json::object);
    /// Members this version does not model.
    extra: Json = Json::object(&d.extra);
});
