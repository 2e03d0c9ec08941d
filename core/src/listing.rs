//! The data side of a user listing, knowing nothing of the client: a page split once into one
//! [`LazyUser`] per user (zero-copy slices of the page buffer), each decoded only when read.
//!
//! Listing 50,000 users costs one validation pass per page; reading `username` decodes only the
//! user's top-level scalars ([`UserSummary`]); reading a nested list decodes the whole [`User`] and
//! lets go of the raw slice, so a page buffer is freed once its users are decoded or dropped.

use crate::columns::UserColumns;
use crate::envelope::Metadata;
use crate::error::{Error, Result};
use crate::models::User;
use bytes::Bytes;
use std::sync::{Arc, Mutex, OnceLock};

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
    /// The scalars of the user's page as its one pass decoded them, and the user's index there.
    page: Option<(Arc<UserColumns>, usize)>,
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
    /// The summary's fields in Duo's names, in the order of [`crate::UserColumns`].
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

impl LazyUser {
    /// Wraps the raw JSON of one user (nothing is decoded yet).
    pub fn new(raw: Bytes) -> Self {
        LazyUser { raw: Mutex::new(Some(raw)), page: None, cache: OnceLock::new() }
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
                _ => match self.page.as_ref().and_then(|(columns, i)| columns.summary(*i)) {
                    Some(summary) => Ok(summary),
                    None => self.decode_summary(),
                },
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The summary from the raw JSON (or from the full user, once the raw JSON is released).
    fn decode_summary(&self) -> Result<UserSummary> {
        match self.raw() {
            Some(raw) => crate::decode::from_slice(&raw),
            None => self.user().map(UserSummary::from),
        }
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
        LazyUser { raw: Mutex::new(None), page: None, cache: OnceLock::from(Box::new(cache)) }
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

/// The columns `users` were decoded into, when they are exactly the users of one page pass, in
/// order (see [`UserColumns::of_page`]).
pub(crate) fn shared_columns(users: &[LazyUser]) -> Option<&UserColumns> {
    let (first, _) = users.first()?.page.as_ref()?;
    let all = users.len() == first.len()
        && users.iter().enumerate().all(|(i, user)| {
            user.page.as_ref().is_some_and(|(columns, index)| Arc::ptr_eq(columns, first) && *index == i)
        });
    all.then_some(&**first)
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
    /// The page's users and their scalars as columns, apart: for a binding that hands the columns
    /// across its language boundary whole and reads scalars from them there. The columns the page
    /// pass filled are moved out, not copied; a user then decodes its own summary from its JSON
    /// if asked.
    ///
    /// ```
    /// use duo_directory::UserPage;
    /// let body = r#"{"stat":"OK","response":[{"user_id":"DU1","username":"jo","status":"active"}]}"#;
    /// let (users, columns) = UserPage::from_response(200, body.into())?.into_parts();
    /// assert_eq!(columns.text_field(0, 1), Some("jo"));
    /// assert_eq!(&*users[0].summary()?.username, "jo");
    /// # Ok::<(), duo_directory::Error>(())
    /// ```
    pub fn into_parts(self) -> (Vec<LazyUser>, UserColumns) {
        let mut users = self.users;
        let Some(shared) =
            shared_columns(&users).is_some().then(|| users.first().and_then(|u| u.page.clone())).flatten()
        else {
            let columns = UserColumns::from_users(&users);
            return (users, columns);
        };
        for user in &mut users {
            user.page = None;
        }
        let columns = Arc::try_unwrap(shared.0).unwrap_or_else(|still_shared| (*still_shared).clone());
        (users, columns)
    }

    /// Reads a `GET /admin/v1/users` answer: validates the envelope and splits the users in one
    /// pass; every item must be a JSON object.
    pub fn from_response(status: u16, body: Bytes) -> Result<UserPage> {
        // One pass: each user's slice and its scalars at once (the common case).
        if status == 200
            && let Ok(text) = std::str::from_utf8(&body)
        {
            let mut columns = UserColumns::default();
            let scan = crate::envelope::scan_list(&body, |_, i| crate::user_scan::scan_user(text, i, &mut columns));
            if let Some((items, metadata)) = scan {
                let columns = Arc::new(columns);
                let users = items
                    .into_iter()
                    .enumerate()
                    .map(|(i, (raw, _))| LazyUser {
                        raw: Mutex::new(Some(raw)),
                        page: Some((Arc::clone(&columns), i)),
                        cache: OnceLock::new(),
                    })
                    .collect();
                return Ok(UserPage { users, metadata });
            }
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
    use std::borrow::Cow;

    const PAGE: &str = r#"{"stat":"OK","response":[
        {"user_id":"DU1","username":"a","status":"active","groups":[{"name":"x"}],"created":5},
        {"user_id":"DU2","username":"b\u00e9","status":"bypass","realname":"Bé"},
        {"username":"no id"}
    ],"metadata":{"total_objects":3}}"#;

    /// The page pass fills one set of columns that its users read their scalars from, and that
    /// a binding can take whole.
    #[test]
    fn a_page_pass_fills_the_columns_its_users_read() {
        let page = UserPage::from_response(200, Bytes::from(PAGE)).unwrap();
        assert!(matches!(UserColumns::of_page(&page.users), Cow::Borrowed(c) if c.len() == 3));
        assert!(matches!(UserColumns::of_page(&page.users[1..]), Cow::Owned(c) if c.len() == 2));
        assert_eq!(page.users[0].summary().unwrap().created, Some(5));
        assert_eq!(&*page.users[1].summary().unwrap().username, "bé");
        assert_eq!(page.users[1].summary().unwrap().realname.as_deref(), Some("Bé"));
        // the user that does not decode says why, from serde
        let err = page.users[2].summary().unwrap_err();
        assert!(err.to_string().contains("user_id"), "{err}");
        // reading the full user still works, and agrees
        assert_eq!(UserSummary::from(page.users[1].user().unwrap()), *page.users[1].summary().unwrap());
    }

    /// A page that is not UTF-8 is left to serde_json, which refuses it with a decode error.
    #[test]
    fn a_page_that_is_not_utf8_is_refused_as_serde_refuses_it() {
        let bad = PAGE.replace("\"a\"", "\"\u{0}\"").into_bytes();
        let bad: Vec<u8> = bad.into_iter().map(|b| if b == 0 { 0xff } else { b }).collect();
        let err = UserPage::from_response(200, Bytes::from(bad)).unwrap_err();
        assert!(matches!(err, Error::Decode { .. }), "{err}");
    }
}
