//! The WorkOS-style Directory User and Directory Group (seed 001's JSON table).

use super::Extra;
use super::user::json_methods;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

fn directory_user_object() -> String {
    "directory_user".to_string()
}

fn directory_group_object() -> String {
    "directory_group".to_string()
}

/// A user as a directory provider reports it (WorkOS Directory Sync shape).
///
/// Deprecated members the API still sends (`emails`, `username`, `job_title`, `raw_attributes`, ...)
/// are kept in `extra` and written back unchanged.
///
/// ```
/// use duo_directory::DirectoryUser;
/// let err = DirectoryUser::from_json(r#"{"id":"u","idp_id":"i","directory_id":"d","state":"active",
///     "custom_attributes":[],"created_at":"","updated_at":""}"#).unwrap_err();
/// assert!(err.to_string().contains("custom_attributes"), "{err}");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DirectoryUser {
    /// Always `directory_user`.
    #[serde(default = "directory_user_object")]
    pub object: String,
    /// Unique identifier of the directory user.
    pub id: String,
    /// Identifier assigned by the directory provider.
    pub idp_id: String,
    /// The directory the user belongs to.
    pub directory_id: String,
    /// The organization the directory belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    /// First name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default)]
    pub last_name: Option<String>,
    /// Email address.
    #[serde(default)]
    pub email: Option<String>,
    /// Groups the user is a member of.
    #[serde(default)]
    pub groups: Vec<DirectoryGroup>,
    /// `active` or `inactive`.
    pub state: DirectoryUserState,
    /// The provider's custom attribute mapping: any JSON object.
    #[serde(default)]
    pub custom_attributes: serde_json::Map<String, serde_json::Value>,
    /// The user's role, when roles are configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<DirectoryRole>,
    /// Creation timestamp (ISO 8601).
    pub created_at: String,
    /// Last update timestamp (ISO 8601).
    pub updated_at: String,
    /// Members this version does not model (deprecated fields included).
    #[serde(flatten)]
    pub extra: Extra,
}

/// A directory user's role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryRole {
    /// The unique role identifier.
    pub slug: String,
}

/// A directory group as embedded in a directory user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DirectoryGroup {
    /// Always `directory_group`.
    #[serde(default = "directory_group_object")]
    pub object: String,
    /// Unique identifier of the group.
    pub id: String,
    /// Identifier assigned by the directory provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idp_id: Option<String>,
    /// The directory the group belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directory_id: Option<String>,
    /// The organization the directory belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    /// Group name.
    pub name: String,
    /// Creation timestamp.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// Last update timestamp.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    /// Members this version does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A directory user's state.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DirectoryUserState {
    /// `active`
    Active,
    /// `inactive`
    Inactive,
    /// A state this version does not know, kept verbatim.
    Other(String),
}

impl DirectoryUserState {
    /// The API's spelling.
    pub fn as_str(&self) -> &str {
        match self {
            DirectoryUserState::Active => "active",
            DirectoryUserState::Inactive => "inactive",
            DirectoryUserState::Other(s) => s,
        }
    }
}

impl From<&str> for DirectoryUserState {
    fn from(s: &str) -> Self {
        match s {
            "active" => DirectoryUserState::Active,
            "inactive" => DirectoryUserState::Inactive,
            other => DirectoryUserState::Other(other.to_string()),
        }
    }
}

impl Serialize for DirectoryUserState {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for DirectoryUserState {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
        Ok(DirectoryUserState::from(s.as_ref()))
    }
}

json_methods!(DirectoryUser, DirectoryGroup);

impl DirectoryUser {
    /// The `username` the directory reports (deprecated member kept in `extra`), else the email's local part.
    pub fn username(&self) -> Option<&str> {
        self.extra
            .get("username")
            .and_then(|v| v.as_str())
            .or_else(|| self.email.as_deref().and_then(|e| e.split('@').next()))
    }
}
