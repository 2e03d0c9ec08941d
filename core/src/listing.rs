//! The data side of a user listing, knowing nothing of the client: a page split once into one
//! [`LazyUser`] per user (zero-copy slices of the page buffer), each decoded only when read.
//!
//! Listing 50,000 users costs one validation pass per page; reading `username` decodes only the
//! user's top-level scalars ([`UserSummary`]); reading a nested list decodes the whole [`User`] and
//! lets go of the raw slice, so a page buffer is freed once its users are decoded or dropped.

use crate::envelope::Metadata;
use crate::error::{Error, Result};
use crate::models::User;
use bytes::Bytes;
use std::sync::{Mutex, OnceLock};

/// One user of a listing, decoded on first access. Holds nothing beside its own lazy states:
/// the raw JSON (until fully decoded), the scalar summary and the full user, each cached once.
///
/// ```
/// use duo_directory::LazyUser;
/// let lazy = LazyUser::from_json(r#"{"user_id":"DU1","username":"jsmith","status":"active"}"#);
/// assert_eq!(&*lazy.summary()?.username, "jsmith");  // scalars only
/// assert!(lazy.user()?.groups.is_empty());           // the full user; the raw slice is released
/// assert!(lazy.raw_json().is_none());
/// # Ok::<(), duo_directory::Error>(())
/// ```
pub struct LazyUser {
    /// The user's JSON as sent, a slice of the page buffer; emptied once the full user is decoded.
    raw: Mutex<Option<Bytes>>,
    /// Boxed so that an unread user (the common case while listing) stays small.
    cache: OnceLock<Box<Cache>>,
}

#[derive(Default)]
struct Cache {
    summary: OnceLock<Result<UserSummary>>,
    /// Both sides boxed: the cache of every held user carries this slot, decoded or not, and an
    /// inline `Error` would be 112 bytes of it.
    user: OnceLock<std::result::Result<Box<User>, Box<Error>>>,
}

/// A user's top-level scalar fields, decoded without touching its groups, phones and
/// authenticators (several times cheaper than a full [`User`]). See [`LazyUser::summary`].
/// Text is `Box<str>`, not `String`: a listing keeps one summary per user it holds, and the
/// capacity word of eleven strings is 4 MB over 50,000 users.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct UserSummary {
    /// See [`User::user_id`].
    pub user_id: Box<str>,
    /// See [`User::username`].
    pub username: Box<str>,
    /// See [`User::status`].
    pub status: crate::models::UserStatus,
    /// See [`User::realname`].
    #[serde(default)]
    pub realname: Option<Box<str>>,
    /// See [`User::firstname`].
    #[serde(default)]
    pub firstname: Option<Box<str>>,
    /// See [`User::lastname`].
    #[serde(default)]
    pub lastname: Option<Box<str>>,
    /// See [`User::email`].
    #[serde(default)]
    pub email: Option<Box<str>>,
    /// See [`User::notes`].
    #[serde(default)]
    pub notes: Option<Box<str>>,
    /// See [`User::alias1`].
    #[serde(default)]
    pub alias1: Option<Box<str>>,
    /// See [`User::alias2`].
    #[serde(default)]
    pub alias2: Option<Box<str>>,
    /// See [`User::alias3`].
    #[serde(default)]
    pub alias3: Option<Box<str>>,
    /// See [`User::alias4`].
    #[serde(default)]
    pub alias4: Option<Box<str>>,
    /// See [`User::created`].
    #[serde(default)]
    pub created: Option<i64>,
    /// See [`User::last_login`].
    #[serde(default)]
    pub last_login: Option<i64>,
    /// See [`User::last_directory_sync`].
    #[serde(default)]
    pub last_directory_sync: Option<i64>,
    /// See [`User::is_enrolled`].
    #[serde(default)]
    pub is_enrolled: Option<bool>,
}

impl From<&User> for UserSummary {
    fn from(u: &User) -> Self {
        UserSummary {
            user_id: u.user_id.as_str().into(),
            username: u.username.as_str().into(),
            status: u.status.clone(),
            realname: text(&u.realname),
            firstname: text(&u.firstname),
            lastname: text(&u.lastname),
            email: text(&u.email),
            notes: text(&u.notes),
            alias1: text(&u.alias1),
            alias2: text(&u.alias2),
            alias3: text(&u.alias3),
            alias4: text(&u.alias4),
            created: u.created,
            last_login: u.last_login,
            last_directory_sync: u.last_directory_sync,
            is_enrolled: u.is_enrolled,
        }
    }
}

fn text(value: &Option<String>) -> Option<Box<str>> {
    value.as_deref().map(Box::from)
}

impl UserSummary {
    /// The columns of a summary row ([`summary_rows_json`]), in Duo's names and in row order.
    pub const ROW_FIELDS: [&'static str; 16] = [
        "user_id",
        "username",
        "status",
        "realname",
        "firstname",
        "lastname",
        "email",
        "notes",
        "alias1",
        "alias2",
        "alias3",
        "alias4",
        "created",
        "last_login",
        "last_directory_sync",
        "is_enrolled",
    ];
}

/// A summary as a row: the fields of [`UserSummary::ROW_FIELDS`] as one JSON array, in that order.
struct Row<'a>(&'a UserSummary);

impl serde::Serialize for Row<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeTuple;
        let Row(summary) = self;
        let mut row = s.serialize_tuple(UserSummary::ROW_FIELDS.len())?;
        row.serialize_element(&*summary.user_id)?;
        row.serialize_element(&*summary.username)?;
        row.serialize_element(&summary.status)?;
        for text in [&summary.realname, &summary.firstname, &summary.lastname, &summary.email, &summary.notes] {
            row.serialize_element(&text.as_deref())?;
        }
        for alias in [&summary.alias1, &summary.alias2, &summary.alias3, &summary.alias4] {
            row.serialize_element(&alias.as_deref())?;
        }
        row.serialize_element(&summary.created)?;
        row.serialize_element(&summary.last_login)?;
        row.serialize_element(&summary.last_directory_sync)?;
        row.serialize_element(&summary.is_enrolled)?;
        row.end()
    }
}

/// The scalars of a page's users as one JSON text: an array with one row per user (see
/// [`UserSummary::ROW_FIELDS`]), or `null` for a user whose scalars do not decode (reading that
/// user's full form then says why). A binding hands a whole page across a language boundary
/// this way, in one string, instead of one object and one call per user and field.
///
/// ```
/// use duo_directory::{LazyUser, summary_rows_json};
/// let users = [
///     LazyUser::from_json(r#"{"user_id":"DU1","username":"jsmith","status":"active","created":1}"#),
///     LazyUser::from_json(r#"{"user_id":3}"#),
/// ];
/// let rows = summary_rows_json(&users);
/// assert!(rows.starts_with(r#"[["DU1","jsmith","active",null,"#));
/// assert!(rows.ends_with(",1,null,null,null],null]"));
/// ```
pub fn summary_rows_json(users: &[LazyUser]) -> String {
    let mut out = Vec::with_capacity(users.len() * 160 + 2);
    out.push(b'[');
    for (i, user) in users.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        match user.summary() {
            // Serializing strings, numbers and booleans into a Vec cannot fail.
            Ok(summary) => {
                if serde_json::to_writer(&mut out, &Row(summary)).is_err() {
                    out.extend_from_slice(b"null");
                }
            }
            Err(_) => out.extend_from_slice(b"null"),
        }
    }
    out.push(b']');
    // serde_json writes UTF-8 and the rest is ASCII.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

impl LazyUser {
    /// Wraps the raw JSON of one user (nothing is decoded yet).
    pub fn new(raw: Bytes) -> Self {
        LazyUser { raw: Mutex::new(Some(raw)), cache: OnceLock::new() }
    }

    /// Wraps the raw JSON of one user whose scalars were decoded in the same pass (`None`: they
    /// did not decode, and [`LazyUser::summary`] will say why when asked).
    fn with_summary(raw: Bytes, summary: Option<UserSummary>) -> Self {
        let Some(summary) = summary else { return LazyUser::new(raw) };
        let cache = Cache::default();
        let _ = cache.summary.set(Ok(summary));
        LazyUser { raw: Mutex::new(Some(raw)), cache: OnceLock::from(Box::new(cache)) }
    }

    /// Wraps a JSON string of one user.
    pub fn from_json(text: &str) -> Self {
        LazyUser::new(Bytes::copy_from_slice(text.as_bytes()))
    }

    fn cache(&self) -> &Cache {
        self.cache.get_or_init(Box::default)
    }

    fn raw(&self) -> Option<Bytes> {
        self.raw.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    /// The user's JSON exactly as the server sent it, until the full user is decoded
    /// (then `None`: the slice of the page buffer has been released).
    pub fn raw_json(&self) -> Option<Bytes> {
        self.raw()
    }

    /// True once the full user has been decoded (successfully or not).
    pub fn is_decoded(&self) -> bool {
        self.cache.get().is_some_and(|c| c.user.get().is_some())
    }

    /// The user's top-level scalars, decoded once. From the full user when it is already decoded,
    /// otherwise from the raw JSON, skipping nested lists.
    pub fn summary(&self) -> Result<&UserSummary> {
        let cache = self.cache();
        cache
            .summary
            .get_or_init(|| match cache.user.get() {
                Some(Ok(user)) => Ok(UserSummary::from(&**user)),
                _ => match self.raw() {
                    Some(raw) => crate::decode::from_slice(&raw),
                    None => self.user().map(UserSummary::from),
                },
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The full user, decoded once; the raw slice is released afterwards. A malformed user gives
    /// [`Error::Decode`] (every time it is asked for).
    pub fn user(&self) -> Result<&User> {
        let cache = self.cache();
        cache
            .user
            .get_or_init(|| {
                let raw = self.raw.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
                match raw {
                    Some(raw) => crate::decode::from_slice(&raw).map(Box::new).map_err(Box::new),
                    None => Err(Box::new(Error::Internal { message: "a lazy user without data".into() })),
                }
            })
            .as_deref()
            .map_err(|e| (**e).clone())
    }

    /// The full user, by value.
    pub fn into_user(self) -> Result<User> {
        if let Some(cache) = self.cache.into_inner()
            && let Some(user) = cache.user.into_inner()
        {
            return user.map(|u| *u).map_err(|e| *e);
        }
        match self.raw.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner()) {
            Some(raw) => crate::decode::from_slice(&raw),
            None => Err(Error::Internal { message: "a lazy user without data".into() }),
        }
    }
}

impl From<User> for LazyUser {
    /// An already decoded user (no raw JSON is kept or made).
    fn from(user: User) -> Self {
        let cache = Cache::default();
        let _ = cache.user.set(Ok(Box::new(user)));
        LazyUser { raw: Mutex::new(None), cache: OnceLock::from(Box::new(cache)) }
    }
}

impl PartialEq for LazyUser {
    /// Equal when both decode to equal users.
    fn eq(&self, other: &Self) -> bool {
        matches!((self.user(), other.user()), (Ok(a), Ok(b)) if a == b)
    }
}

impl std::fmt::Debug for LazyUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.summary() {
            Ok(s) => f.debug_struct("LazyUser").field("user_id", &s.user_id).field("username", &s.username).finish(),
            Err(_) => f.write_str("LazyUser(<undecodable>)"),
        }
    }
}

/// One page of a user listing.
#[derive(Debug)]
pub struct UserPage {
    /// The users of the page, in order.
    pub users: Vec<LazyUser>,
    /// The page's paging metadata.
    pub metadata: Metadata,
}

impl UserPage {
    /// Reads a `GET /admin/v1/users` answer: validates the envelope and splits the users in one
    /// pass; every item must be a JSON object.
    pub fn from_response(status: u16, body: Bytes) -> Result<UserPage> {
        // One pass: each user's slice and its scalars at once (the common case).
        if status == 200
            && let Some((items, metadata)) = crate::envelope::scan_list::<UserSummary>(&body)
        {
            let users = items.into_iter().map(|(raw, summary)| LazyUser::with_summary(raw, summary)).collect();
            return Ok(UserPage { users, metadata });
        }
        let (items, metadata) = crate::envelope::parse_list(status, &body)?;
        let mut users = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            if item.first() != Some(&b'{') {
                return Err(Error::Decode {
                    field: format!("response[{i}]"),
                    reason: "expected a user object".into(),
                    line: 0,
                    column: 0,
                    excerpt: Some(crate::error::excerpt(&item)),
                });
            }
            users.push(LazyUser::new(item));
        }
        Ok(UserPage { users, metadata })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every column of a row holds the value of the Duo field `ROW_FIELDS` names at its index.
    #[test]
    fn rows_follow_row_fields() {
        let user = serde_json::json!({
            "user_id": "DUABCDEFGHIJKLMNOPQR", "username": "jsmith", "status": "locked out",
            "realname": "Jo \"JS\" Smith", "firstname": "Jo", "lastname": "Smith", "email": "jo@example.com",
            "notes": "n\u{e9}e", "alias1": "a1", "alias2": "a2", "alias3": "a3", "alias4": "a4",
            "created": 1_700_000_001, "last_login": 1_700_000_002, "last_directory_sync": 1_700_000_003,
            "is_enrolled": false, "groups": [{"name": "g"}], "phones": []
        });
        let users = [LazyUser::from_json(&user.to_string()), LazyUser::from_json(r#"{"username":"no id"}"#)];
        let rows: serde_json::Value = serde_json::from_str(&summary_rows_json(&users)).unwrap();
        let rows = rows.as_array().unwrap();
        assert_eq!(rows.len(), 2);
        let row = rows[0].as_array().unwrap();
        assert_eq!(row.len(), UserSummary::ROW_FIELDS.len());
        for (i, field) in UserSummary::ROW_FIELDS.iter().enumerate() {
            assert_eq!(row[i], user[field], "column {i} ({field})");
        }
        assert!(rows[1].is_null(), "a user whose scalars do not decode is a null row");
        let absent = summary_rows_json(&[LazyUser::from_json(r#"{"user_id":"DU1","username":"u","status":"active"}"#)]);
        assert_eq!(
            absent,
            r#"[["DU1","u","active",null,null,null,null,null,null,null,null,null,null,null,null,null]]"#
        );
        assert_eq!(summary_rows_json(&[]), "[]");
    }
}
