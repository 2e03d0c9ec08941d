//! The directory API's own objects besides [`DirectoryUser`](crate::DirectoryUser) and
//! [`DirectoryGroup`](crate::DirectoryGroup): the directory itself and a directory token.

use crate::models::Extra;
use serde::{Deserialize, Serialize};

fn directory_object() -> String {
    "directory".to_string()
}

fn token_object() -> String {
    "directory_token".to_string()
}

/// A directory (one connection to a provider), from `GET /directories` or a `dsync.activated` /
/// `dsync.deleted` event. `type` and `state` keep any value (new providers appear often; REST
/// says `linked`/`unlinked` where events say `active`/`inactive`); members this version does not
/// model (`domains`, `metadata`, ...) are kept in `extra`.
///
/// ```
/// use duo_directory::Directory;
/// let d = Directory::from_json(r#"{"object":"directory","id":"directory_1","type":"okta scim v2.0","state":"linked","name":"Okta","metadata":{"groups":2}}"#)?;
/// assert!(d.is_active());
/// assert_eq!(d.extra["metadata"]["groups"], 2);
/// # Ok::<(), duo_directory::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Directory {
    /// Always `directory`.
    #[serde(default = "directory_object")]
    pub object: String,
    /// Unique identifier (`directory_01...`).
    pub id: String,
    /// The organization the directory belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    /// Stable external key of the directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_key: Option<String>,
    /// Provider type (`okta scim v2.0`, `gsuite directory`, ...), verbatim.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub directory_type: Option<String>,
    /// `linked`, `validating`, `invalid_credentials`, `unlinked`, `deleting` (REST) or
    /// `active`/`inactive` (events), verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Deprecated primary domain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// Creation timestamp (ISO 8601).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// Last update timestamp (ISO 8601).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    /// Members this version does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Directory {
    /// True for `linked` (REST) or `active` (events).
    pub fn is_active(&self) -> bool {
        matches!(self.state.as_deref(), Some("linked" | "active"))
    }
}

/// A directory's SCIM bearer token, as `dsync.token.created` / `dsync.token.revoked` report it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DirectoryToken {
    /// Always `directory_token`.
    #[serde(default = "token_object")]
    pub object: String,
    /// Unique identifier.
    pub id: String,
    /// The directory the token belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directory_id: Option<String>,
    /// The organization of the directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    /// The last characters of the token (never the token).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_suffix: Option<String>,
    /// Creation timestamp (ISO 8601).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// Members this version does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::models::json_methods!(Directory, DirectoryToken);
