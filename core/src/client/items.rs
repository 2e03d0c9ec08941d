//! A cursor over any offset-paged Admin API collection other than the user listing (a user's
//! groups, every group, a user's phones, tokens, authenticators and bypass codes): the page
//! buffer and the done/error state live here, so a binding's iterator only calls
//! [`ItemCursor::next`] or [`ItemCursor::next_page`].
//!
//! Unlike [`super::UserCursor`] (whose pages are large and fetched ahead), these collections are
//! small: each page is requested when the caller reaches it, never ahead.

use super::Client;
use crate::error::{Error, Result};
use crate::models::Group;
use crate::params::Params;
use serde::de::DeserializeOwned;

/// Default page of a sub-resource listing, as Duo's.
pub const DEFAULT_ITEM_PAGE_SIZE: u32 = 100;
/// Largest page asked of a sub-resource listing (Duo serves at most 100 groups a page).
pub const MAX_ITEM_PAGE_SIZE: u32 = 100;

/// Checks a requested page size of a sub-resource listing (1..=100; `None` means 100).
///
/// ```
/// assert_eq!(duo_directory::item_page_size(None)?, 100);
/// assert!(duo_directory::item_page_size(Some(0)).is_err());
/// # Ok::<(), duo_directory::Error>(())
/// ```
pub fn item_page_size(requested: Option<u32>) -> Result<u32> {
    match requested {
        None => Ok(DEFAULT_ITEM_PAGE_SIZE),
        Some(n) if (1..=MAX_ITEM_PAGE_SIZE).contains(&n) => Ok(n),
        Some(n) => Err(Error::invalid("page_size", format!("{n} is outside 1..={MAX_ITEM_PAGE_SIZE}"))),
    }
}

/// Groups, page by page: [`Client::list_groups`] and [`Client::list_user_groups`].
pub type GroupCursor = ItemCursor<Group>;

/// A lazy cursor over an offset-paged collection of `T`. After the last item, or after an error
/// (returned once), it yields `None`.
///
/// ```no_run
/// # async fn demo(client: duo_directory::Client) -> duo_directory::Result<()> {
/// let mut groups = client.list_user_groups("DU3RP9I2WOC59VZX672N", None)?;
/// while let Some(group) = groups.next().await? {
///     println!("{} {:?}", group.group_id, group.name);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct ItemCursor<T> {
    client: Client,
    path: String,
    limit: u32,
    /// `None` once the last page was fetched, or after an error.
    next_offset: Option<u64>,
    buffer: std::vec::IntoIter<T>,
    pages_fetched: super::PageCount,
}

impl<T: DeserializeOwned + Send + 'static> ItemCursor<T> {
    /// A cursor over `path` (already validated); sends nothing.
    pub(crate) fn new(client: Client, path: String, page_size: Option<u32>) -> Result<Self> {
        Ok(ItemCursor {
            limit: item_page_size(page_size)?,
            client,
            path,
            next_offset: Some(0),
            buffer: Vec::new().into_iter(),
            pages_fetched: super::PageCount::default(),
        })
    }

    /// The next item, fetching the next page when the current one is used up.
    pub async fn next(&mut self) -> Result<Option<T>> {
        loop {
            if let Some(item) = self.buffer.next() {
                return Ok(Some(item));
            }
            match self.fetch().await? {
                Some(page) => self.buffer = page.into_iter(),
                None => return Ok(None),
            }
        }
    }

    /// The next item of the page already fetched, without any I/O (`None` when a page must be
    /// fetched first, or at the end).
    pub fn next_buffered(&mut self) -> Option<T> {
        self.buffer.next()
    }

    /// [`ItemCursor::next`] from synchronous code, on the process-wide runtime.
    pub fn next_blocking(&mut self) -> Result<Option<T>> {
        match self.next_buffered() {
            Some(item) => Ok(Some(item)),
            None => crate::runtime::block_on(self.next())?,
        }
    }

    /// The rest of the current page, or else the next page; `None` after the last one.
    pub async fn next_page(&mut self) -> Result<Option<Vec<T>>> {
        let rest: Vec<T> = self.buffer.by_ref().collect();
        if !rest.is_empty() {
            return Ok(Some(rest));
        }
        self.fetch().await
    }

    /// Every remaining item, fetching the remaining pages.
    pub async fn collect_all(mut self) -> Result<Vec<T>> {
        let mut all = Vec::new();
        while let Some(page) = self.next_page().await? {
            all.extend(page);
        }
        Ok(all)
    }

    /// How many pages have been fetched so far.
    pub fn pages_fetched(&self) -> u64 {
        self.pages_fetched.get()
    }

    /// A handle reading [`ItemCursor::pages_fetched`] while the cursor is busy elsewhere.
    pub fn page_count(&self) -> super::PageCount {
        self.pages_fetched.clone()
    }

    /// True once every item has been handed out (or after an error).
    pub fn is_done(&self) -> bool {
        self.next_offset.is_none() && self.buffer.len() == 0
    }

    /// Ends the listing: later calls yield `None`.
    pub fn stop(&mut self) {
        self.buffer = Vec::new().into_iter();
        self.next_offset = None;
    }

    async fn fetch(&mut self) -> Result<Option<Vec<T>>> {
        let Some(offset) = self.next_offset.take() else { return Ok(None) };
        let params = Params::new().with("limit", self.limit.to_string()).with("offset", offset.to_string());
        let request = self.client.prepare("GET", &self.path, params)?;
        let envelope = self.client.execute(&request).await?;
        let items: Vec<T> = crate::decode::from_slice(&envelope.response)?;
        self.pages_fetched.add();
        self.next_offset = match envelope.metadata.next_offset {
            Some(next) if next > offset && !items.is_empty() => Some(next),
            _ => None,
        };
        if items.is_empty() {
            self.stop();
            return Ok(None);
        }
        Ok(Some(items))
    }
}
