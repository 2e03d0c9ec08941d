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

/// The text field `$field` of a create or update (the nine fields both have), by reference.
macro_rules! text_slot {
    ($self:ident, $field:expr, $($mut:tt)?) => {
        match $field {
            UserField::Realname => Some(&$($mut)? $self.realname),
            UserField::Firstname => Some(&$($mut)? $self.firstname),
            UserField::Lastname => Some(&$($mut)? $self.lastname),
            UserField::Email => Some(&$($mut)? $self.email),
            UserField::Notes => Some(&$($mut)? $self.notes),
            UserField::Alias1 => Some(&$($mut)? $self.alias1),
            UserField::Alias2 => Some(&$($mut)? $self.alias2),
            UserField::Alias3 => Some(&$($mut)? $self.alias3),
            UserField::Alias4 => Some(&$($mut)? $self.alias4),
            UserField::Username | UserField::Status => None,
        }
    };
}

/// Sets `status` (parsed) or the text `slot` of `field` to `value`.
fn assign(
    field: UserField,
    value: &str,
    status: &mut Option<WritableStatus>,
    slot: Option<&mut Option<String>>,
) -> Result<()> {
    match slot {
        Some(slot) => *slot = Some(value.to_owned()),
        None if field == UserField::Status => *status = Some(value.parse()?),
        None => {}
    }
    Ok(())
}

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
        if self.username.trim().is_empty() {
            return Err(Error::invalid("username", "must not be empty"));
        }
        to_params(|field| match field {
            UserField::Username => Some(self.username.as_str()),
            UserField::Status => self.status.map(WritableStatus::as_str),
            other => text_slot!(self, other,).and_then(|v| v.as_deref()),
        })
    }

    /// Sets a field by its Duo name (see [`UserField`]): `None` leaves it unchanged, `Some("")`
    /// sets it empty. An unknown name or a bad status is [`Error::InvalidInput`] naming the field.
    ///
    /// ```
    /// use duo_directory::UserCreate;
    /// let mut create = UserCreate::new("jsmith");
    /// create.set("status", Some("bypass"))?;
    /// assert_eq!(create.set("color", Some("red")).unwrap_err().to_string().split(':').next(), Some("invalid color"));
    /// # Ok::<(), duo_directory::Error>(())
    /// ```
    pub fn set(&mut self, name: &str, value: Option<&str>) -> Result<()> {
        let field = UserField::from_name(name)?;
        match (field, value) {
            (_, None) => Ok(()),
            (UserField::Username, Some(v)) => {
                self.username = v.to_owned();
                Ok(())
            }
            (field, Some(v)) => assign(field, v, &mut self.status, text_slot!(self, field, mut)),
        }
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
        if self.username.as_deref().is_some_and(|u| u.trim().is_empty()) {
            return Err(Error::invalid("username", "must not be empty"));
        }
        to_params(|field| match field {
            UserField::Username => self.username.as_deref(),
            UserField::Status => self.status.map(WritableStatus::as_str),
            other => text_slot!(self, other,).and_then(|v| v.as_deref()),
        })
    }

    /// Sets a field by its Duo name (see [`UserField`]): `None` leaves it unchanged, `Some("")`
    /// sets it empty. An unknown name or a bad status is [`Error::InvalidInput`] naming the field.
    ///
    /// ```
    /// use duo_directory::UserUpdate;
    /// let mut update = UserUpdate::default();
    /// update.set("alias2", Some(""))?;   // set to empty: removes alias 2
    /// update.set("realname", None)?;     // left unchanged
    /// assert_eq!(update.to_params()?.get("alias2"), Some(""));
    /// assert_eq!(update.to_params()?.get("realname"), None);
    /// # Ok::<(), duo_directory::Error>(())
    /// ```
    pub fn set(&mut self, name: &str, value: Option<&str>) -> Result<()> {
        let field = UserField::from_name(name)?;
        match (field, value) {
            (_, None) => Ok(()),
            (UserField::Username, Some(v)) => {
                self.username = Some(v.to_owned());
                Ok(())
            }
            (field, Some(v)) => assign(field, v, &mut self.status, text_slot!(self, field, mut)),
        }
    }
}

/// The writable user fields, in the order Duo documents them: the one table behind
/// [`UserCreate::set`], [`UserUpdate::set`], the CLI's flags and every binding's keywords.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UserField {
    /// `username`
    Username,
    /// `realname`
    Realname,
    /// `firstname`
    Firstname,
    /// `lastname`
    Lastname,
    /// `email`
    Email,
    /// `status` (`active`, `bypass` or `disabled`)
    Status,
    /// `notes`
    Notes,
    /// `alias1`
    Alias1,
    /// `alias2`
    Alias2,
    /// `alias3`
    Alias3,
    /// `alias4`
    Alias4,
}

impl UserField {
    /// Every writable field.
    pub const ALL: [UserField; 11] = [
        UserField::Username,
        UserField::Realname,
        UserField::Firstname,
        UserField::Lastname,
        UserField::Email,
        UserField::Status,
        UserField::Notes,
        UserField::Alias1,
        UserField::Alias2,
        UserField::Alias3,
        UserField::Alias4,
    ];

    /// Duo's parameter name.
    pub fn name(self) -> &'static str {
        match self {
            UserField::Username => "username",
            UserField::Realname => "realname",
            UserField::Firstname => "firstname",
            UserField::Lastname => "lastname",
            UserField::Email => "email",
            UserField::Status => "status",
            UserField::Notes => "notes",
            UserField::Alias1 => "alias1",
            UserField::Alias2 => "alias2",
            UserField::Alias3 => "alias3",
            UserField::Alias4 => "alias4",
        }
    }

    /// One line describing the field (CLI help, binding docs).
    pub fn description(self) -> &'static str {
        match self {
            UserField::Username => "Primary username",
            UserField::Realname => "Full name",
            UserField::Firstname => "Given name",
            UserField::Lastname => "Surname",
            UserField::Email => "Email address",
            UserField::Status => "Status: active, bypass or disabled",
            UserField::Notes => "Free-text notes",
            UserField::Alias1 => "Alias 1 (\"\" removes it)",
            UserField::Alias2 => "Alias 2 (\"\" removes it)",
            UserField::Alias3 => "Alias 3 (\"\" removes it)",
            UserField::Alias4 => "Alias 4 (\"\" removes it)",
        }
    }

    /// The field with this Duo name; [`Error::InvalidInput`] naming it otherwise.
    ///
    /// ```
    /// use duo_directory::UserField;
    /// assert_eq!(UserField::from_name("alias3")?, UserField::Alias3);
    /// assert_eq!(UserField::from_name("colour").unwrap_err().to_string(),
    ///     "invalid colour: is not a user field that can be set (username, realname, firstname, lastname, email, status, notes, alias1, alias2, alias3, alias4)");
    /// # Ok::<(), duo_directory::Error>(())
    /// ```
    pub fn from_name(name: &str) -> Result<UserField> {
        UserField::ALL.into_iter().find(|f| f.name() == name).ok_or_else(|| {
            let names: Vec<&str> = UserField::ALL.iter().map(|f| f.name()).collect();
            Error::invalid(name, format!("is not a user field that can be set ({})", names.join(", ")))
        })
    }

    fn max_len(self) -> usize {
        if self == UserField::Notes { MAX_NOTES_LEN } else { MAX_FIELD_LEN }
    }
}

/// Validates every field that is set (in table order) and collects the parameters.
fn to_params<'a>(value: impl Fn(UserField) -> Option<&'a str>) -> Result<Params> {
    let mut p = Params::new();
    for field in UserField::ALL {
        if let Some(v) = value(field) {
            check_text(field, v)?;
            p.insert(field.name(), v);
        }
    }
    Ok(p)
}

fn check_text(field: UserField, value: &str) -> Result<()> {
    let (name, max) = (field.name(), field.max_len());
    let len = value.chars().count();
    if len > max {
        return Err(Error::invalid(name, format!("is {len} characters long; the limit is {max}")));
    }
    if value.contains('\0') {
        return Err(Error::invalid(name, "contains a NUL character"));
    }
    if field != UserField::Notes && value.chars().any(char::is_control) {
        return Err(Error::invalid(name, "contains a control character"));
    }
    if field == UserField::Email && !value.is_empty() && !value.contains('@') {
        return Err(Error::invalid(name, format!("{value:?} is not an email address")));
    }
    Ok(())
}
