//! Duo user statuses.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A Duo user's status. Unknown future values are kept as [`UserStatus::Other`], not rejected.
///
/// ```
/// use duo_directory::UserStatus;
/// assert_eq!("locked out".parse::<UserStatus>().unwrap(), UserStatus::LockedOut);
/// assert_eq!(UserStatus::from("on holiday").as_str(), "on holiday");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum UserStatus {
    /// `active`: the user must complete secondary authentication.
    Active,
    /// `bypass`: the user skips secondary authentication.
    Bypass,
    /// `disabled`: the user cannot authenticate.
    Disabled,
    /// `locked out`: locked after too many failed attempts (read-only).
    LockedOut,
    /// `pending deletion`: in the trash for seven days before permanent deletion (read-only).
    PendingDeletion,
    /// A status this version does not know, kept verbatim.
    Other(String),
}

impl UserStatus {
    /// Duo's spelling.
    pub fn as_str(&self) -> &str {
        match self {
            UserStatus::Active => "active",
            UserStatus::Bypass => "bypass",
            UserStatus::Disabled => "disabled",
            UserStatus::LockedOut => "locked out",
            UserStatus::PendingDeletion => "pending deletion",
            UserStatus::Other(s) => s,
        }
    }
}

impl From<&str> for UserStatus {
    fn from(s: &str) -> Self {
        match s {
            "active" => UserStatus::Active,
            "bypass" => UserStatus::Bypass,
            "disabled" => UserStatus::Disabled,
            "locked out" => UserStatus::LockedOut,
            "pending deletion" => UserStatus::PendingDeletion,
            other => UserStatus::Other(other.to_string()),
        }
    }
}

impl std::str::FromStr for UserStatus {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(UserStatus::from(s))
    }
}

impl fmt::Display for UserStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for UserStatus {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for UserStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
        Ok(UserStatus::from(s.as_ref()))
    }
}

/// The statuses an API client may set: `active`, `bypass`, `disabled`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WritableStatus {
    /// `active`
    Active,
    /// `bypass`
    Bypass,
    /// `disabled`
    Disabled,
}

impl WritableStatus {
    /// Duo's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            WritableStatus::Active => "active",
            WritableStatus::Bypass => "bypass",
            WritableStatus::Disabled => "disabled",
        }
    }
}

impl std::str::FromStr for WritableStatus {
    type Err = crate::Error;
    /// Accepts `active`, `bypass` or `disabled`, in Duo's spelling (lower case) only, so that
    /// what is written compares equal to what is read back.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "active" => Ok(WritableStatus::Active),
            "bypass" => Ok(WritableStatus::Bypass),
            "disabled" => Ok(WritableStatus::Disabled),
            _ => Err(crate::Error::invalid(
                "status",
                format!("{s:?} cannot be set; use one of active, bypass, disabled"),
            )),
        }
    }
}

impl fmt::Display for WritableStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<WritableStatus> for UserStatus {
    fn from(s: WritableStatus) -> Self {
        UserStatus::from(s.as_str())
    }
}
