//! The user listing as a cursor: offset paging over `GET /admin/v1/users`, one page at a time,
//! on demand. The cursor owns the page buffer and the done/error state, so a binding's iterator
//! is a few lines that call [`UserCursor::next`] (or [`UserCursor::next_blocking`]).

use super::Client;
use crate::envelope::Metadata;
use crate::error::{Error, Result};
use crate::listing::{LazyUser, UserPage};
use crate::models::User;
use crate::params::Params;

/// Default page size, as Duo's.
pub const DEFAULT_PAGE_SIZE: u32 = 100;
/// Largest page Duo serves.
pub const MAX_PAGE_SIZE: u32 = 300;

/// Checks a requested page size (1..=300; `None` means 100).
///
/// ```
/// assert_eq!(duo_directory::page_size(None)?, 100);
/// assert!(duo_directory::page_size(Some(301)).is_err());
/// # Ok::<(), duo_directory::Error>(())
/// ```
pub fn page_size(requested: Option<u32>) -> Result<u32> {
    match requested {
        None => Ok(DEFAULT_PAGE_SIZE),
        Some(n) if (1..=MAX_PAGE_SIZE).contains(&n) => Ok(n),
        Some(n) => Err(Error::invalid("page_size", format!("{n} is outside 1..={MAX_PAGE_SIZE}"))),
    }
}

/// A cursor over every user: pages of `page_size` are requested only when the users already
/// fetched are used up. After the last user, or after an error (returned once), it yields `None`.
///
/// ```no_run
/// # async fn demo(client: duo_directory::Client) -> duo_directory::Result<()> {
/// let mut cursor = client.list_users(Some(300))?;
/// while let Some(user) = cursor.next().await? {
///     println!("{}", user.summary()?.username);
/// }
/// println!("{} pages", cursor.pages_fetched());
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct UserCursor {
    client: Client,
    limit: u32,
    /// `None` once the last page was fetched, or after an error.
    next_offset: Option<u64>,
    pages_fetched: PageCount,
    buffer: std::vec::IntoIter<LazyUser>,
    metadata: Metadata,
}

impl UserCursor {
    pub(crate) fn new(client: Client, page_size: Option<u32>) -> Result<Self> {
        Ok(UserCursor {
            client,
            limit: self::page_size(page_size)?,
            next_offset: Some(0),
            pages_fetched: PageCount::default(),
            buffer: Vec::new().into_iter(),
            metadata: Metadata::default(),
        })
    }

    /// The next user, fetching the next page when the current one is used up.
    pub async fn next(&mut self) -> Result<Option<LazyUser>> {
        loop {
            if let Some(user) = self.buffer.next() {
                return Ok(Some(user));
            }
            match self.fetch().await? {
                Some(page) => self.buffer = page.users.into_iter(),
                None => return Ok(None),
            }
        }
    }

    /// [`UserCursor::next`] from synchronous code, on the process-wide runtime.
    pub fn next_blocking(&mut self) -> Result<Option<LazyUser>> {
        match self.next_buffered() {
            Some(user) => Ok(Some(user)),
            None => crate::runtime::block_on(self.next())?,
        }
    }

    /// The next user of the page already fetched, without any I/O (`None` when a page must be
    /// fetched first, or at the end). Lets an async binding hand out users without a trip
    /// through its event loop.
    pub fn next_buffered(&mut self) -> Option<LazyUser> {
        self.buffer.next()
    }

    /// The rest of the current page, or else the next page; `None` after the last one. Lets a
    /// binding cross its language boundary once per page rather than once per user.
    pub async fn next_page(&mut self) -> Result<Option<UserPage>> {
        let rest: Vec<LazyUser> = self.buffer.by_ref().collect();
        if !rest.is_empty() {
            return Ok(Some(UserPage { users: rest, metadata: self.metadata.clone() }));
        }
        self.fetch().await
    }

    /// How many pages have been fetched so far.
    pub fn pages_fetched(&self) -> u64 {
        self.pages_fetched.get()
    }

    /// A handle that reads [`UserCursor::pages_fetched`] while the cursor is busy elsewhere
    /// (for example locked by a task that is fetching the next page).
    pub fn page_count(&self) -> PageCount {
        self.pages_fetched.clone()
    }

    /// True once every user has been handed out (or after an error).
    pub fn is_done(&self) -> bool {
        self.next_offset.is_none() && self.buffer.len() == 0
    }

    /// The remaining users as a stream of decoded [`User`]s.
    pub fn into_stream(self) -> impl futures_core::Stream<Item = Result<User>> + Send {
        futures_util::stream::try_unfold(self, |mut cursor| async move {
            match cursor.next().await? {
                Some(lazy) => Ok(Some((lazy.into_user()?, cursor))),
                None => Ok(None),
            }
        })
    }

    /// Ends the listing: later calls yield `None`.
    pub fn stop(&mut self) {
        self.next_offset = None;
        self.buffer = Vec::new().into_iter();
    }

    /// Requests the page at `next_offset`; on error the cursor ends.
    async fn fetch(&mut self) -> Result<Option<UserPage>> {
        let Some(offset) = self.next_offset else { return Ok(None) };
        let result = self.request(offset).await;
        let page = match result {
            Ok(page) => page,
            Err(e) => {
                self.stop();
                return Err(e);
            }
        };
        self.pages_fetched.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.next_offset = match page.metadata.next_offset {
            Some(next) if next > offset && !page.users.is_empty() => Some(next),
            _ => None,
        };
        self.metadata = page.metadata.clone();
        Ok(Some(page))
    }

    async fn request(&self, offset: u64) -> Result<UserPage> {
        let params = Params::new().with("limit", self.limit.to_string()).with("offset", offset.to_string());
        let request = self.client.prepare("GET", "/admin/v1/users", params)?;
        let sent = self.client.send(&request).await?;
        UserPage::from_response(sent.status, sent.body.clone()).map_err(|e| self.client.explain(e, &sent, &request))
    }
}

/// How many pages a [`UserCursor`] has fetched; shared with the cursor, readable from anywhere.
#[derive(Debug, Clone, Default)]
pub struct PageCount(std::sync::Arc<std::sync::atomic::AtomicU64>);

impl PageCount {
    /// The current count.
    pub fn get(&self) -> u64 {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }
}
