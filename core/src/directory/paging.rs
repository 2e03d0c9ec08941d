//! Cursor paging over the directory API's lists: `{"object":"list","data":[...],
//! "list_metadata":{"before","after"}}`. A [`ListCursor`] fetches a page when the caller needs
//! one and follows `list_metadata.after` until it is `null`, as every official SDK's auto-pager
//! does. It owns its state, so a binding's iterator only calls `next`.

use super::DirectoryClient;
use crate::error::{Error, Result};
use crate::params::Params;
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// Largest page the directory API serves (`limit` 1-100).
pub const MAX_LIMIT: u32 = 100;

/// The paging options every list takes: `limit` (1-100), `before`/`after` (object ids) and
/// `order` (`asc`, `desc`, `normal`). Unset members are not sent (the API's defaults apply:
/// 10 per page, `desc`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Paging {
    /// Objects per page, 1-100.
    pub limit: Option<u32>,
    /// Start before this object id (the previous page).
    pub before: Option<String>,
    /// Start after this object id (the next page; what auto-paging follows).
    pub after: Option<String>,
    /// `asc`, `desc` or `normal`.
    pub order: Option<String>,
}

impl Paging {
    /// Checks the options and writes them into `params`.
    pub(crate) fn apply(&self, params: &mut Params) -> Result<()> {
        if let Some(limit) = self.limit {
            if !(1..=MAX_LIMIT).contains(&limit) {
                return Err(Error::invalid("limit", format!("{limit} is outside 1..={MAX_LIMIT}")));
            }
            params.insert("limit", limit.to_string());
        }
        if self.before.is_some() && self.after.is_some() {
            return Err(Error::invalid("before", "give before or after, not both"));
        }
        if let Some(before) = &self.before {
            params.insert("before", super::object_id("before", before)?);
        }
        if let Some(after) = &self.after {
            params.insert("after", super::object_id("after", after)?);
        }
        if let Some(order) = &self.order {
            if !matches!(order.as_str(), "asc" | "desc" | "normal") {
                return Err(Error::invalid("order", format!("{order:?} is not asc, desc or normal")));
            }
            params.insert("order", order.as_str());
        }
        Ok(())
    }
}

#[derive(Deserialize)]
struct ListWire<T> {
    data: Vec<T>,
    #[serde(default)]
    list_metadata: Option<ListMetadata>,
}

/// A list page's `list_metadata`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ListMetadata {
    /// Id to pass as `before` for the previous page (`None`: this is the first).
    #[serde(default)]
    pub before: Option<String>,
    /// Id to pass as `after` for the next page (`None`: this is the last).
    #[serde(default)]
    pub after: Option<String>,
}

/// The objects a cursor can hand out: each has an id, which [`ListCursor::resume_after`] reports.
pub trait Listed: DeserializeOwned + Send + 'static {
    /// The object's id.
    fn object_id(&self) -> &str;
}

impl Listed for crate::DirectoryUser {
    fn object_id(&self) -> &str {
        &self.id
    }
}
impl Listed for crate::DirectoryGroup {
    fn object_id(&self) -> &str {
        &self.id
    }
}
impl Listed for super::Directory {
    fn object_id(&self) -> &str {
        &self.id
    }
}
impl Listed for super::DirectoryEvent {
    fn object_id(&self) -> &str {
        &self.id
    }
}

/// A lazy, auto-paging cursor over one list. After the last object, or after an error (returned
/// once), it yields `None`.
///
/// ```no_run
/// # async fn demo(client: duo_directory::DirectoryClient) -> duo_directory::Result<()> {
/// use duo_directory::directory::UserQuery;
/// let mut users = client.list_users(&UserQuery { directory: Some("directory_1".into()), ..Default::default() })?;
/// while let Some(user) = users.next().await? {
///     println!("{} {:?}", user.id, user.email);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct ListCursor<T> {
    client: DirectoryClient,
    path: &'static str,
    params: Params,
    /// `Some(after)` while there is a page to fetch (`Some(None)`: the first, as configured).
    next: Option<Option<String>>,
    buffer: std::vec::IntoIter<T>,
    last_id: Option<String>,
    pages: u64,
}

impl<T: Listed> ListCursor<T> {
    pub(crate) fn new(client: DirectoryClient, path: &'static str, params: Params) -> ListCursor<T> {
        let last_id = params.get("after").map(str::to_string);
        ListCursor { client, path, params, next: Some(None), buffer: Vec::new().into_iter(), last_id, pages: 0 }
    }

    /// The next object, fetching the next page when the current one is used up.
    pub async fn next(&mut self) -> Result<Option<T>> {
        loop {
            if let Some(item) = self.buffer.next() {
                self.last_id = Some(item.object_id().to_string());
                return Ok(Some(item));
            }
            match self.fetch().await? {
                Some(page) => self.buffer = page.into_iter(),
                None => return Ok(None),
            }
        }
    }

    /// The rest of the current page, or the next page; `None` after the last.
    pub async fn next_page(&mut self) -> Result<Option<Vec<T>>> {
        let rest: Vec<T> = std::mem::replace(&mut self.buffer, Vec::new().into_iter()).collect();
        let page = if rest.is_empty() { self.fetch().await? } else { Some(rest) };
        if let Some(last) = page.as_ref().and_then(|p| p.last()) {
            self.last_id = Some(last.object_id().to_string());
        }
        Ok(page)
    }

    /// [`ListCursor::next`] from synchronous code (on the shared runtime).
    pub fn next_blocking(&mut self) -> Result<Option<T>> {
        crate::runtime::block_on(self.next())?
    }

    /// [`ListCursor::next_page`] from synchronous code (on the shared runtime).
    pub fn next_page_blocking(&mut self) -> Result<Option<Vec<T>>> {
        crate::runtime::block_on(self.next_page())?
    }

    /// Pages fetched so far.
    pub fn pages_fetched(&self) -> u64 {
        self.pages
    }

    /// Ends the listing: what is buffered is dropped and no further page is requested.
    pub fn stop(&mut self) {
        self.next = None;
        self.buffer = Vec::new().into_iter();
    }

    /// The id of the last object handed out (else the `after` the cursor started from): store it
    /// and pass it as `after` to resume where this cursor stopped (the Events API's cursor).
    pub fn resume_after(&self) -> Option<&str> {
        self.last_id.as_deref()
    }

    async fn fetch(&mut self) -> Result<Option<Vec<T>>> {
        let Some(after) = self.next.take() else { return Ok(None) };
        let mut params = self.params.clone();
        if let Some(after) = after {
            params.remove("before");
            params.insert("after", after);
        }
        let body = self.client.get(self.path, params).await?;
        let wire: ListWire<T> = crate::decode::from_slice(&body)?;
        self.pages += 1;
        let after = wire.list_metadata.and_then(|m| m.after).filter(|a| !a.is_empty());
        // without a next id, or on an empty page, the list is over
        if !wire.data.is_empty() {
            self.next = after.map(Some);
        }
        Ok(Some(wire.data).filter(|d| !d.is_empty()))
    }
}
