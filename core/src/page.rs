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
    decoded: OnceLock<std::result::Result<User, Error>>,
}

impl LazyUser {
    /// Wraps raw JSON of one user.
    pub fn new(raw: Bytes) -> Self {
        LazyUser { raw, decoded: OnceLock::new() }
    }

    /// Wraps a JSON string of one user.
    pub fn from_json(text: &str) -> Self {
        LazyUser::new(Bytes::copy_from_slice(text.as_bytes()))
    }

    /// Wraps an already decoded user.
    pub fn from_user(user: User) -> Self {
        let raw = Bytes::from(serde_json::to_vec(&user).unwrap_or_default());
        let decoded = OnceLock::new();
        let _ = decoded.set(Ok(user));
        LazyUser { raw, decoded }
    }

    /// The user's JSON exactly as the server sent it.
    pub fn raw_json(&self) -> &[u8] {
        &self.raw
    }

    /// The decoded user (decoded once, then cached).
    pub fn get(&self) -> Result<&User> {
        self.decoded.get_or_init(|| crate::decode::from_slice(&self.raw)).as_ref().map_err(Clone::clone)
    }

    /// The decoded user, by value.
    pub fn into_user(self) -> Result<User> {
        match self.decoded.into_inner() {
            Some(r) => r,
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
