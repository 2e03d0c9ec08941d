//! The create and update parameter sets for Duo users.
//!
//! `None` leaves a field unchanged; `Some(String::new())` sets it to empty (for an alias: removes it).

use super::WritableStatus;
use crate::error::{Error, Result};
use crate::params::Params;

/// Longest value accepted for names, email and aliases, in characters.
pub const MAX_FIELD_LEN: usize = 512;
/// Longest value accepted for notes, in characters.
pub const MAX_NOTES_LEN: usize = 4096;

/// Fields of a new user (`POST /admin/v1/users`). Only `username` is required.
///
/// ```
/// use duo_directory::{UserCreate, WritableStatus};
/// let create = UserCreate { email: Some("jsmith@example.com".into()), status: Some(WritableStatus::Bypass), ..UserCreate::new("jsmith") };
/// let params = create.to_params().unwrap();
/// assert_eq!(params.get("status"), Some("bypass"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserCreate {
    /// Primary username (required, non-empty).
    pub username: String,
    /// Full name.
    pub realname: Option<String>,
    /// Given name.
    pub firstname: Option<String>,
    /// Surname.
    pub lastname: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// Initial status (`active` when omitted).
    pub status: Option<WritableStatus>,
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
}

impl UserCreate {
    /// A new user with just a username.
    pub fn new(username: impl Into<String>) -> Self {
        UserCreate { username: username.into(), ..Default::default() }
    }

    /// Validates the fields and returns the request parameters.
    pub fn to_params(&self) -> Result<Params> {
        let mut p = Params::new();
        check_username(&self.username)?;
        p.insert("username", self.username.as_str());
        common(
            &mut p,
            [
                ("realname", &self.realname),
                ("firstname", &self.firstname),
                ("lastname", &self.lastname),
                ("email", &self.email),
                ("notes", &self.notes),
                ("alias1", &self.alias1),
                ("alias2", &self.alias2),
                ("alias3", &self.alias3),
                ("alias4", &self.alias4),
            ],
        )?;
        if let Some(s) = self.status {
            p.insert("status", s.as_str());
        }
        Ok(p)
    }
}

/// Changes to an existing user (`POST /admin/v1/users/{user_id}`, Duo's "modify user").
///
/// ```
/// use duo_directory::UserUpdate;
/// let update = UserUpdate { alias2: Some(String::new()), notes: Some("moved to Paris".into()), ..Default::default() };
/// let params = update.to_params().unwrap();
/// assert_eq!(params.get("alias2"), Some(""));     // set to empty: removes alias 2
/// assert_eq!(params.get("realname"), None);       // left unchanged: not sent
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserUpdate {
    /// New username (must not be empty when given).
    pub username: Option<String>,
    /// Full name.
    pub realname: Option<String>,
    /// Given name.
    pub firstname: Option<String>,
    /// Surname.
    pub lastname: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// Status: only `active`, `bypass` or `disabled` can be set.
    pub status: Option<WritableStatus>,
    /// Notes.
    pub notes: Option<String>,
    /// Alias 1 (`Some("")` removes it).
    pub alias1: Option<String>,
    /// Alias 2.
    pub alias2: Option<String>,
    /// Alias 3.
    pub alias3: Option<String>,
    /// Alias 4.
    pub alias4: Option<String>,
}

impl UserUpdate {
    /// True when nothing would change.
    pub fn is_empty(&self) -> bool {
        *self == UserUpdate::default()
    }

    /// Validates the fields and returns the request parameters (only the fields that change).
    pub fn to_params(&self) -> Result<Params> {
        let mut p = Params::new();
        if let Some(u) = &self.username {
            check_username(u)?;
            p.insert("username", u.as_str());
        }
        common(
            &mut p,
            [
                ("realname", &self.realname),
                ("firstname", &self.firstname),
                ("lastname", &self.lastname),
                ("email", &self.email),
                ("notes", &self.notes),
                ("alias1", &self.alias1),
                ("alias2", &self.alias2),
                ("alias3", &self.alias3),
                ("alias4", &self.alias4),
            ],
        )?;
        if let Some(s) = self.status {
            p.insert("status", s.as_str());
        }
        Ok(p)
    }
}

fn check_username(username: &str) -> Result<()> {
    if username.trim().is_empty() {
        return Err(Error::invalid("username", "must not be empty"));
    }
    check_text("username", username, MAX_FIELD_LEN)
}

fn check_text(field: &str, value: &str, max: usize) -> Result<()> {
    let len = value.chars().count();
    if len > max {
        return Err(Error::invalid(field, format!("is {len} characters long; the limit is {max}")));
    }
    if value.contains('\0') {
        return Err(Error::invalid(field, "contains a NUL character"));
    }
    if field != "notes" && value.chars().any(char::is_control) {
        return Err(Error::invalid(field, "contains a control character"));
    }
    Ok(())
}

fn common(p: &mut Params, fields: [(&'static str, &Option<String>); 9]) -> Result<()> {
    for (name, value) in fields {
        if let Some(v) = value {
            let max = if name == "notes" { MAX_NOTES_LEN } else { MAX_FIELD_LEN };
            check_text(name, v, max)?;
            if name == "email" && !v.is_empty() && !v.contains('@') {
                return Err(Error::invalid("email", format!("{v:?} is not an email address")));
            }
            p.insert(name, v.as_str());
        }
    }
    Ok(())
}
