//! A user's Duo Desktop authenticators (`GET /admin/v1/users/{user_id}/desktopauthenticators`).

use super::Extra;
use super::lossless::lossless_deserialize;
use serde::Serialize;

/// A Duo Desktop installation registered as one of a user's authenticators (read-only in the
/// Admin API). The fields are those Duo documents for the endpoint; members this version does not
/// model are kept in `extra`, so the object is written back as it was read.
///
/// ```
/// use duo_directory::DesktopAuthenticator;
/// let text = r#"{"daid":"DDA1","dakey":"K1","device_name":"laptop-7","duo_desktop_version":"7.1.0","os_family":"macOS","user":{"user_id":"DU1"},"new":1}"#;
/// let authenticator = DesktopAuthenticator::from_json(text)?;
/// assert_eq!(authenticator.os_family.as_deref(), Some("macOS"));
/// assert_eq!(authenticator.extra["new"], 1);
/// assert_eq!(authenticator.to_json(), text);
/// # Ok::<(), duo_directory::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DesktopAuthenticator {
    /// The authenticator's id.
    pub daid: String,
    /// The authenticator's Duo-specific key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dakey: Option<String>,
    /// The endpoint's hostname.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_name: Option<String>,
    /// The version of Duo Desktop installed on the endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duo_desktop_version: Option<String>,
    /// The endpoint's operating system platform.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os_family: Option<String>,
    /// The selected user information Duo attaches, as sent (its members are not documented
    /// field by field, so they are not typed here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<Extra>,
    /// Members this version does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

super::json_methods!(DesktopAuthenticator);

lossless_deserialize!(
    DesktopAuthenticator,
    required: [daid = "daid"],
    optional: [
        dakey = "dakey", device_name = "device_name", duo_desktop_version = "duo_desktop_version",
        os_family = "os_family", user = "user",
    ],
);
