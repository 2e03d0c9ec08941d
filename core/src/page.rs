//! Pages of users, split once and decoded lazily: listing 50,000 users costs one validation
//! pass per page, and a user's fields are decoded only when first read.

use crate::envelope::{Metadata, subslice_range};
use crate::error::{Error, Result};
use crate::models::User;
use bytes::Bytes;
use serde_json::value::RawValue;
use std::sync::OnceLock;

/// One user's JSON, sharing the page buffer it came in (no copy), decoded on first access.
///
/// ```
/// use duo_directory::LazyUser;
/// let lazy = LazyUser::from_json(r#"{"user_id":"DU1","username":"jsmith","status":"active"}"#);
/// assert_eq!(lazy.get().unwrap().username, "jsmith");
/// ```
#[derive(Debug, Clone)]
pub struct LazyUser {
    raw: Bytes,
    // boxed so that an undecoded user (the common case while listing) stays small
    summary: OnceLock<Box<std::result::Result<UserSummary, Error>>>,
    decoded: OnceLock<Box<std::result::Result<User, Error>>>,
}

/// A user's top-level scalar fields, decoded without touching its groups, phones and
/// authenticators (several times cheaper than a full [`User`]). See [`LazyUser::summary`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct UserSummary {
    /// See [`User::user_id`].
    pub user_id: String,
    /// See [`User::username`].
    pub username: String,
    /// See [`User::status`].
    pub status: crate::models::UserStatus,
    /// See [`User::realname`].
    #[serde(default)]
    pub realname: Option<String>,
    /// See [`User::firstname`].
    #[serde(default)]
    pub firstname: Option<String>,
    /// See [`User::lastname`].
    #[serde(default)]
    pub lastname: Option<String>,
    /// See [`User::email`].
    #[serde(default)]
    pub email: Option<String>,
    /// See [`User::notes`].
    #[serde(default)]
    pub notes: Option<String>,
    /// See [`User::alias1`].
    #[serde(default)]
    pub alias1: Option<String>,
    /// See [`User::alias2`].
    #[serde(default)]
    pub alias2: Option<String>,
    /// See [`User::alias3`].
    #[serde(default)]
    pub alias3: Option<String>,
    /// See [`User::alias4`].
    #[serde(default)]
    pub alias4: Option<String>,
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
            user_id: u.user_id.clone(),
            username: u.username.clone(),
            status: u.status.clone(),
            realname: u.realname.clone(),
            firstname: u.firstname.clone(),
            lastname: u.lastname.clone(),
            email: u.email.clone(),
            notes: u.notes.clone(),
            alias1: u.alias1.clone(),
            alias2: u.alias2.clone(),
            alias3: u.alias3.clone(),
            alias4: u.alias4.clone(),
            created: u.created,
            last_login: u.last_login,
            last_directory_sync: u.last_directory_sync,
            is_enrolled: u.is_enrolled,
        }
    }
}

impl LazyUser {
    /// Wraps raw JSON of one user.
    pub fn new(raw: Bytes) -> Self {
        LazyUser { raw, summary: OnceLock::new(), decoded: OnceLock::new() }
    }

    /// Wraps a JSON string of one user.
    pub fn from_json(text: &str) -> Self {
        LazyUser::new(Bytes::copy_from_slice(text.as_bytes()))
    }

    /// Wraps an already decoded user.
    pub fn from_user(user: User) -> Self {
        let raw = Bytes::from(serde_json::to_vec(&user).unwrap_or_default());
        let decoded = OnceLock::new();
        let _ = decoded.set(Box::new(Ok(user)));
        LazyUser { raw, summary: OnceLock::new(), decoded }
    }

    /// The user's JSON exactly as the server sent it.
    pub fn raw_json(&self) -> &[u8] {
        &self.raw
    }

    /// The user's top-level scalars (decoded once, then cached). Uses the full user when it is
    /// already decoded; otherwise decodes only the scalars, skipping nested lists.
    pub fn summary(&self) -> Result<&UserSummary> {
        self.summary
            .get_or_init(|| {
                Box::new(match self.decoded.get().map(|d| d.as_ref()) {
                    Some(Ok(user)) => Ok(UserSummary::from(user)),
                    _ => self.decode_summary(),
                })
            })
            .as_ref()
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Decodes the top-level scalars afresh (no caching), for callers that keep their own cache.
    pub fn decode_summary(&self) -> Result<UserSummary> {
        crate::decode::from_slice(&self.raw)
    }

    /// The decoded user (decoded once, then cached).
    pub fn get(&self) -> Result<&User> {
        self.decoded
            .get_or_init(|| Box::new(crate::decode::from_slice(&self.raw)))
            .as_ref()
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The decoded user, by value.
    pub fn into_user(self) -> Result<User> {
        match self.decoded.into_inner() {
            Some(r) => *r,
            None => crate::decode::from_slice(&self.raw),
        }
    }
}

/// One page of a user listing.
#[derive(Debug, Clone)]
pub struct UserPage {
    /// The users of the page, in order.
    pub users: Vec<LazyUser>,
    /// The page's paging metadata.
    pub metadata: Metadata,
}

impl UserPage {
    /// Reads a `GET /admin/v1/users` answer: validates the envelope and splits the users in one pass.
    pub fn from_response(status: u16, body: Bytes) -> Result<UserPage> {
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

    /// Splits the raw JSON array of a `response` member into lazily decoded users.
    pub fn split(response: Bytes, metadata: Metadata) -> Result<UserPage> {
        let items: Vec<&RawValue> = serde_json::from_slice(&response).map_err(|e| Error::Decode {
            field: "response".into(),
            reason: format!("expected an array of users: {}", crate::envelope::strip_location(&e)),
            line: e.line(),
            column: e.column(),
            excerpt: Some(crate::error::excerpt(&response)),
        })?;
        let mut users = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let text = item.get().as_bytes();
            if text.first() != Some(&b'{') {
                return Err(Error::Decode {
                    field: format!("response[{i}]"),
                    reason: "expected a user object".into(),
                    line: 0,
                    column: 0,
                    excerpt: Some(crate::error::excerpt(text)),
                });
            }
            let range = subslice_range(&response, text)
                .ok_or_else(|| Error::Internal { message: "user slice outside page".into() })?;
            users.push(LazyUser::new(response.slice(range)));
        }
        Ok(UserPage { users, metadata })
    }
}
