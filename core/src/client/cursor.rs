//! The user listing as a cursor: offset paging over `GET /admin/v1/users`. The cursor owns the
//! page buffer and the done/error state, so a binding's iterator is a few lines that call
//! [`UserCursor::next`] (or [`UserCursor::next_blocking`]).
//!
//! **Prefetch.** With `prefetch = n` (default 1, [`crate::ClientConfig::prefetch`]) a task fetches
//! up to `n` pages ahead of the one the caller is reading, so network wait overlaps the caller's
//! work: it takes a slot in a channel of `n` before each request, so no more than `n` pages are
//! ever fetched and not yet handed out. An error travels in order and is returned where the caller
//! reaches it; stopping or dropping the cursor aborts the task (an in-flight request is cancelled).
//! `prefetch = 0` fetches each page only when the caller needs it.

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

/// A cursor over every user, a page of `page_size` at a time, fetched on demand and (by default)
/// one page ahead. After the last user, or after an error (returned once), it yields `None`.
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
    prefetch: u32,
    ahead: Option<Ahead>,
    /// At most this many users are handed out (and pages are not requested past them).
    max_users: Option<u64>,
    delivered: u64,
}

/// The task fetching ahead, and the pages it has fetched.
#[derive(Debug)]
struct Ahead {
    pages: tokio::sync::mpsc::Receiver<Result<UserPage>>,
    task: tokio::task::AbortHandle,
}

impl Drop for UserCursor {
    fn drop(&mut self) {
        self.stop();
    }
}

impl UserCursor {
    pub(crate) fn new(client: Client, page_size: Option<u32>) -> Result<Self> {
        Ok(UserCursor {
            limit: self::page_size(page_size)?,
            next_offset: Some(0),
            pages_fetched: PageCount::default(),
            buffer: Vec::new().into_iter(),
            metadata: Metadata::default(),
            prefetch: client.config().prefetch,
            ahead: None,
            max_users: None,
            delivered: 0,
            client,
        })
    }

    /// Hands out at most `users` users, and requests no page past them (a page size above
    /// `users` is lowered to it), so neither the caller nor the prefetch asks Duo for more.
    ///
    /// ```no_run
    /// # async fn demo(client: duo_directory::Client) -> duo_directory::Result<()> {
    /// let mut first_five = client.list_users(None)?.with_max_users(5);
    /// while let Some(user) = first_five.next().await? { println!("{}", user.summary()?.username); }
    /// # Ok(()) }
    /// ```
    pub fn with_max_users(mut self, users: u64) -> Self {
        self.max_users = Some(users);
        self.limit = self.limit.min(u32::try_from(users.max(1)).unwrap_or(u32::MAX));
        if users == 0 {
            self.next_offset = None;
        }
        self
    }

    /// Fetches up to `pages` pages ahead of the caller (0: only on demand), overriding the
    /// client's `prefetch` for this listing; see the [module documentation](self).
    pub fn with_prefetch(mut self, pages: u32) -> Result<Self> {
        if pages > super::MAX_PREFETCH {
            return Err(Error::invalid("prefetch", format!("{pages} is more than {} pages", super::MAX_PREFETCH)));
        }
        self.prefetch = pages;
        Ok(self)
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
        self.next_offset.is_none() && self.ahead.is_none() && self.buffer.len() == 0
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

    /// Ends the listing: later calls yield `None`, and fetching ahead stops.
    pub fn stop(&mut self) {
        self.buffer = Vec::new().into_iter();
        self.stop_fetching();
    }

    /// No page is requested any more; the users already handed over stay.
    fn stop_fetching(&mut self) {
        self.next_offset = None;
        if let Some(ahead) = self.ahead.take() {
            ahead.task.abort();
        }
    }

    /// The next page: from the task fetching ahead, or requested now; on error the cursor ends.
    async fn fetch(&mut self) -> Result<Option<UserPage>> {
        if self.prefetch > 0
            && self.ahead.is_none()
            && let Some(offset) = self.next_offset.take()
        {
            self.ahead = Some(self.start_ahead(offset)?);
        }
        let result = match &mut self.ahead {
            Some(ahead) => ahead.pages.recv().await.transpose(),
            None => match self.next_offset {
                None => Ok(None),
                Some(offset) => Pages::request(&self.client, self.limit, offset).await.map(|page| {
                    let max = self.max_users;
                    self.next_offset = page.next_offset(offset).filter(|next| max.is_none_or(|max| *next < max));
                    self.pages_fetched.add();
                    Some(page)
                }),
            },
        };
        match result {
            Ok(Some(mut page)) => {
                self.metadata = page.metadata.clone();
                if let Some(max) = self.max_users {
                    let room = usize::try_from(max.saturating_sub(self.delivered)).unwrap_or(usize::MAX);
                    page.users.truncate(room);
                    if page.users.len() == room {
                        self.stop_fetching();
                    }
                }
                self.delivered += page.users.len() as u64;
                if page.users.is_empty() {
                    self.stop();
                    return Ok(None);
                }
                Ok(Some(page))
            }
            Ok(None) => {
                self.stop();
                Ok(None)
            }
            Err(e) => {
                self.stop();
                Err(e)
            }
        }
    }

    /// Spawns the task that fetches ahead from `offset` (on the caller's runtime, or the shared one).
    fn start_ahead(&self, offset: u64) -> Result<Ahead> {
        let (sender, pages) = tokio::sync::mpsc::channel(usize::try_from(self.prefetch).unwrap_or(1).max(1));
        let source = Pages {
            client: self.client.clone(),
            limit: self.limit,
            count: self.pages_fetched.clone(),
            max_users: self.max_users,
        };
        let fut = source.run(offset, sender);
        let task = match tokio::runtime::Handle::try_current() {
            Ok(handle) => handle.spawn(fut),
            Err(_) => crate::runtime::spawn(fut)?,
        };
        Ok(Ahead { pages, task: task.abort_handle() })
    }
}

/// What the task fetching ahead needs.
struct Pages {
    client: Client,
    limit: u32,
    count: PageCount,
    max_users: Option<u64>,
}

impl Pages {
    /// Fetches pages from `offset` until the last, an error, or the cursor is gone; takes a slot
    /// in the channel before each request, so at most its capacity is fetched ahead.
    async fn run(self, mut offset: u64, sender: tokio::sync::mpsc::Sender<Result<UserPage>>) {
        loop {
            let Ok(slot) = sender.reserve().await else { return };
            match Pages::request(&self.client, self.limit, offset).await {
                Ok(page) => {
                    self.count.add();
                    let next = page.next_offset(offset).filter(|next| self.max_users.is_none_or(|max| *next < max));
                    slot.send(Ok(page));
                    match next {
                        Some(next) => offset = next,
                        None => return,
                    }
                }
                Err(e) => {
                    slot.send(Err(e));
                    return;
                }
            }
        }
    }

    async fn request(client: &Client, limit: u32, offset: u64) -> Result<UserPage> {
        let params = Params::new().with("limit", limit.to_string()).with("offset", offset.to_string());
        let request = client.prepare("GET", "/admin/v1/users", params)?;
        let sent = client.send(&request).await?;
        UserPage::from_response(sent.status, sent.body.clone()).map_err(|e| client.explain(e, &sent, &request))
    }
}

impl UserPage {
    /// The offset of the page after this one (fetched at `offset`), `None` after the last.
    fn next_offset(&self, offset: u64) -> Option<u64> {
        match self.metadata.next_offset {
            Some(next) if next > offset && !self.users.is_empty() => Some(next),
            _ => None,
        }
    }
}

/// How many pages a [`UserCursor`] has fetched; shared with the cursor, readable from anywhere.
#[derive(Debug, Clone, Default)]
pub struct PageCount(std::sync::Arc<std::sync::atomic::AtomicU64>);

impl PageCount {
    pub(crate) fn add(&self) {
        self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// The current count.
    pub fn get(&self) -> u64 {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }
}
