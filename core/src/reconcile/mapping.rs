//! How directory users map onto Duo users: the Duo username, the fields, what `inactive`
//! means, and which Duo users a plan may touch.

use crate::error::{Error, Result};
use crate::models::{DirectoryUser, User};
use serde::{Deserialize, Serialize};

/// Where a directory user's Duo username comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum UsernameSource {
    /// The full email address (`jsmith@example.com`), the default.
    #[default]
    Email,
    /// The email's local part (`jsmith`).
    EmailLocalPart,
    /// The identity provider's id (`idp_id`).
    IdpId,
    /// A custom attribute, by name (its string value).
    CustomAttribute(String),
}

impl std::fmt::Display for UsernameSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UsernameSource::Email => f.write_str("email"),
            UsernameSource::EmailLocalPart => f.write_str("email_local_part"),
            UsernameSource::IdpId => f.write_str("idp_id"),
            UsernameSource::CustomAttribute(name) => write!(f, "attribute:{name}"),
        }
    }
}

impl std::str::FromStr for UsernameSource {
    type Err = Error;
    /// `email`, `email_local_part`, `idp_id` or `attribute:NAME`.
    ///
    /// ```
    /// use duo_directory::reconcile::UsernameSource;
    /// assert_eq!("attribute:employee_id".parse::<UsernameSource>()?, UsernameSource::CustomAttribute("employee_id".into()));
    /// assert!("phone".parse::<UsernameSource>().is_err());
    /// # Ok::<(), duo_directory::Error>(())
    /// ```
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "email" => Ok(UsernameSource::Email),
            "email_local_part" => Ok(UsernameSource::EmailLocalPart),
            "idp_id" => Ok(UsernameSource::IdpId),
            other => match other.strip_prefix("attribute:") {
                Some(name) if !name.trim().is_empty() => Ok(UsernameSource::CustomAttribute(name.to_string())),
                _ => Err(Error::invalid(
                    "username_from",
                    format!("{other:?} is not email, email_local_part, idp_id or attribute:NAME"),
                )),
            },
        }
    }
}

/// What a directory user whose `state` is `inactive` (or who left the directory) becomes in Duo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InactiveAction {
    /// Sent to the trash (`pending deletion`), as Duo's own directory sync does (the default).
    #[default]
    Trash,
    /// Status `disabled`.
    Disable,
}

impl std::str::FromStr for InactiveAction {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "trash" => Ok(InactiveAction::Trash),
            "disable" => Ok(InactiveAction::Disable),
            other => Err(Error::invalid("inactive", format!("{other:?} is not trash or disable"))),
        }
    }
}

/// Which Duo users a plan may touch besides the ones it creates.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Scope {
    /// Users this directory manages (their `notes` carry [`Mapping::marker`]), and unmarked users
    /// a directory user maps to (adopted: the marker is added). The default.
    #[default]
    Directory,
    /// Members of the Duo group with this name.
    Group(String),
    /// Users whose username matches this pattern (`*` any run, `?` one character; case-insensitive).
    UsernamePattern(String),
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scope::Directory => f.write_str("directory"),
            Scope::Group(name) => write!(f, "group:{name}"),
            Scope::UsernamePattern(p) => write!(f, "pattern:{p}"),
        }
    }
}

impl std::str::FromStr for Scope {
    type Err = Error;
    /// `directory`, `group:NAME` or `pattern:GLOB`.
    fn from_str(s: &str) -> Result<Self> {
        let bad = || Error::invalid("scope", format!("{s:?} is not directory, group:NAME or pattern:GLOB"));
        if s == "directory" {
            return Ok(Scope::Directory);
        }
        if let Some(name) = s.strip_prefix("group:") {
            return if name.trim().is_empty() { Err(bad()) } else { Ok(Scope::Group(name.to_string())) };
        }
        if let Some(p) = s.strip_prefix("pattern:") {
            return if p.trim().is_empty() { Err(bad()) } else { Ok(Scope::UsernamePattern(p.to_string())) };
        }
        Err(bad())
    }
}

macro_rules! string_serde {
    ($ty:ty) => {
        impl Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                s.serialize_str(&self.to_string())
            }
        }
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}
string_serde!(UsernameSource);
string_serde!(Scope);

/// The options of planning a reconcile as a binding's option object (`{"mapping": ...}`), read
/// with [`crate::options::from_value`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PlanOptions {
    /// The mapping, as its JSON object or text (see [`Mapping::from_value`]); none: the default.
    #[serde(deserialize_with = "mapping_of_value")]
    pub mapping: Option<Mapping>,
}

fn mapping_of_value<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Option<Mapping>, D::Error> {
    Mapping::from_value(serde_json::Value::deserialize(d)?).map_err(serde::de::Error::custom)
}

/// A Duo field a plan keeps equal to the directory.
pub const MAPPED_FIELDS: [&str; 4] = ["firstname", "lastname", "email", "realname"];

/// The default realname template.
pub const DEFAULT_REALNAME: &str = "{first_name} {last_name}";

/// Prefix of the ownership marker written into a managed user's `notes`.
pub const MARKER_PREFIX: &str = "duo-directory:";

/// How directory users map onto Duo users. Its JSON form (every member optional) is what the
/// bindings and the CLI take:
/// `{"username_from": "email_local_part", "fields": ["firstname", "lastname", "email", "realname"],
/// "realname": "{first_name} {last_name}", "inactive": "trash", "scope": "directory",
/// "directory_id": null, "directory_key": null}`.
///
/// ```
/// use duo_directory::reconcile::{Mapping, UsernameSource};
/// let mapping = Mapping::from_json(r#"{"username_from": "email_local_part"}"#)?;
/// assert_eq!(mapping.username_from, UsernameSource::EmailLocalPart);
/// assert_eq!(mapping.realname, "{first_name} {last_name}");
/// # Ok::<(), duo_directory::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Mapping {
    /// Where the Duo username comes from (default: the email).
    pub username_from: UsernameSource,
    /// Which Duo fields follow the directory, among [`MAPPED_FIELDS`] (default: all four):
    /// `first_name` -> `firstname`, `last_name` -> `lastname`, `email`, and `realname` from the template.
    pub fields: Vec<String>,
    /// The realname template: `{first_name}`, `{last_name}`, `{email}`, `{idp_id}`, `{username}`
    /// and `{custom_attributes.NAME}` are replaced; runs of spaces collapse.
    pub realname: String,
    /// What `state: inactive` (or leaving the directory) becomes (default: trash).
    pub inactive: InactiveAction,
    /// Which Duo users the plan may touch (default: this directory's).
    pub scope: Scope,
    /// The directory's id, written into the ownership marker (default: the directory users' `directory_id`).
    pub directory_id: Option<String>,
    /// A Duo directory key: users Duo's own directory sync manages (`last_directory_sync` set)
    /// are synchronized with `sync_user_from_directory` instead of being written field by field.
    pub directory_key: Option<String>,
}

impl Default for Mapping {
    fn default() -> Self {
        Mapping {
            username_from: UsernameSource::Email,
            fields: MAPPED_FIELDS.iter().map(|f| f.to_string()).collect(),
            realname: DEFAULT_REALNAME.to_string(),
            inactive: InactiveAction::Trash,
            scope: Scope::Directory,
            directory_id: None,
            directory_key: None,
        }
    }
}

impl Mapping {
    /// Reads the JSON form (every member optional); an unknown member or value is
    /// [`Error::InvalidInput`] naming it.
    pub fn from_json(text: &str) -> Result<Mapping> {
        let mapping: Mapping = serde_json::from_str(text).map_err(|e| Error::invalid("mapping", e.to_string()))?;
        mapping.validate()?;
        Ok(mapping)
    }

    /// Reads a mapping a binding was handed as its JSON object or JSON text; `null` is none
    /// (the default mapping). Anything else is [`Error::InvalidInput`] (field `mapping`).
    ///
    /// ```
    /// use duo_directory::reconcile::{Mapping, Scope};
    /// let m = Mapping::from_value(serde_json::json!({"scope": "group:staff"}))?;
    /// assert_eq!(m.map(|m| m.scope), Some(Scope::Group("staff".into())));
    /// assert_eq!(Mapping::from_value(serde_json::Value::Null)?, None);
    /// assert!(Mapping::from_value(serde_json::json!(7)).is_err());
    /// # Ok::<(), duo_directory::Error>(())
    /// ```
    pub fn from_value(value: serde_json::Value) -> Result<Option<Mapping>> {
        match value {
            serde_json::Value::Null => Ok(None),
            serde_json::Value::String(text) => Mapping::from_json(&text).map(Some),
            v @ serde_json::Value::Object(_) => Mapping::from_json(&v.to_string()).map(Some),
            _ => Err(Error::invalid("mapping", "expected an object, its JSON text or null")),
        }
    }

    /// The JSON form.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Checks the fields and the directory key.
    pub fn validate(&self) -> Result<()> {
        for (i, field) in self.fields.iter().enumerate() {
            if !MAPPED_FIELDS.contains(&field.as_str()) {
                return Err(Error::invalid(
                    format!("fields[{i}]"),
                    format!("{field:?} is not one of {}", MAPPED_FIELDS.join(", ")),
                ));
            }
        }
        if let Some(key) = &self.directory_key {
            crate::path_id("directory_key", key)?;
        }
        if let Some(id) = &self.directory_id
            && (id.trim().is_empty() || id.chars().any(char::is_whitespace))
        {
            return Err(Error::invalid("directory_id", "must be a non-empty id without spaces"));
        }
        Ok(())
    }

    /// The Duo username a directory user maps to (`None` when the source is empty or missing).
    ///
    /// ```
    /// use duo_directory::{DirectoryUser, reconcile::Mapping};
    /// let user = DirectoryUser::from_json(r#"{"id":"u1","idp_id":"1","directory_id":"d1","email":"Ann@Example.com","state":"active","created_at":"","updated_at":""}"#)?;
    /// assert_eq!(Mapping::default().username_for(&user).as_deref(), Some("ann@example.com"));
    /// # Ok::<(), duo_directory::Error>(())
    /// ```
    pub fn username_for(&self, user: &DirectoryUser) -> Option<String> {
        let name = match &self.username_from {
            UsernameSource::Email => user.email.clone(),
            UsernameSource::EmailLocalPart => {
                user.email.as_deref().and_then(|e| e.split('@').next()).map(str::to_string)
            }
            UsernameSource::IdpId => Some(user.idp_id.clone()),
            UsernameSource::CustomAttribute(name) => user.custom_attributes.get(name).and_then(|v| match v {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                _ => None,
            }),
        }?;
        let name = name.trim().to_lowercase();
        (!name.is_empty()).then_some(name)
    }

    /// The realname the template gives for a directory user.
    pub fn realname_for(&self, user: &DirectoryUser, username: &str) -> String {
        let mut out = String::with_capacity(self.realname.len() + 16);
        let mut rest = self.realname.as_str();
        while let Some(open) = rest.find('{') {
            out.push_str(rest.get(..open).unwrap_or_default());
            let after = rest.get(open + 1..).unwrap_or_default();
            let Some(close) = after.find('}') else {
                out.push_str(rest.get(open..).unwrap_or_default());
                rest = "";
                break;
            };
            let name = after.get(..close).unwrap_or_default();
            let value = match name {
                "first_name" => user.first_name.clone().unwrap_or_default(),
                "last_name" => user.last_name.clone().unwrap_or_default(),
                "email" => user.email.clone().unwrap_or_default(),
                "idp_id" => user.idp_id.clone(),
                "username" => username.to_string(),
                other => match other.strip_prefix("custom_attributes.") {
                    Some(attr) => match user.custom_attributes.get(attr) {
                        Some(serde_json::Value::String(s)) => s.clone(),
                        Some(serde_json::Value::Number(n)) => n.to_string(),
                        _ => String::new(),
                    },
                    None => format!("{{{other}}}"),
                },
            };
            out.push_str(&value);
            rest = after.get(close + 1..).unwrap_or_default();
        }
        out.push_str(rest);
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// Whether the mapping keeps `field` equal to the directory.
    pub fn maps(&self, field: &str) -> bool {
        self.fields.iter().any(|f| f == field)
    }

    /// The ownership marker of a directory: `duo-directory:{directory_id}`.
    pub fn marker(directory_id: &str) -> String {
        format!("{MARKER_PREFIX}{directory_id}")
    }
}

/// The directory a Duo user's `notes` say manages it, if any.
pub fn owner_of(user: &User) -> Option<&str> {
    owner_in_notes(user.notes.as_deref()?)
}

/// The directory id of the first ownership marker in `notes`.
pub(crate) fn owner_in_notes(notes: &str) -> Option<&str> {
    let start = notes.find(MARKER_PREFIX)? + MARKER_PREFIX.len();
    let rest = notes.get(start..)?;
    let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    rest.get(..end).filter(|id| !id.is_empty())
}

/// Case-insensitive glob match (`*` any run, `?` one character).
///
/// ```
/// use duo_directory::reconcile::glob_match;
/// assert!(glob_match("contractor-*", "Contractor-ann"));
/// assert!(!glob_match("contractor-?", "contractor-ann"));
/// ```
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let t: Vec<char> = text.to_lowercase().chars().collect();
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(c) if *c == '?' || Some(c) == t.get(ti) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p.get(pi..).unwrap_or_default().iter().all(|c| *c == '*')
}
