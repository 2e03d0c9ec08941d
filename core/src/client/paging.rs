//! Offset paging over `GET /admin/v1/users`, one page at a time, on demand.

use super::Client;
use crate::error::{Error, Result};
use crate::models::User;
use crate::page::UserPage;
use crate::params::Params;
use futures_core::Stream;

/// Default page size, as Duo's.
pub const DEFAULT_PAGE_SIZE: u32 = 100;
/// Largest page Duo serves.
pub const MAX_PAGE_SIZE: u32 = 300;

/// Checks a requested page size (1..=300; `None` means 100).
pub fn page_size(requested: Option<u32>) -> Result<u32> {
    match requested {
        None => Ok(DEFAULT_PAGE_SIZE),
        Some(n) if (1..=MAX_PAGE_SIZE).contains(&n) => Ok(n),
        Some(n) => Err(Error::invalid("page_size", format!("{n} is outside 1..={MAX_PAGE_SIZE}"))),
    }
}

/// Fetches the pages of a user listing one by one, following `metadata.next_offset`.
#[derive(Debug, Clone)]
pub struct UserPager {
    client: Client,
    limit: u32,
    next_offset: Option<u64>,
    pages_fetched: u64,
}

impl UserPager {
    pub(crate) fn new(client: Client, page_size: Option<u32>) -> Result<Self> {
        Ok(UserPager { client, limit: self::page_size(page_size)?, next_offset: Some(0), pages_fetched: 0 })
    }

    /// The next page, or `None` after the last one. Nothing is requested before this is called.
    pub async fn next_page(&mut self) -> Result<Option<UserPage>> {
        let Some(offset) = self.next_offset else { return Ok(None) };
        let params = Params::new().with("limit", self.limit.to_string()).with("offset", offset.to_string());
        let request = self.client.prepare("GET", "/admin/v1/users", params)?;
        let (status, body) = self.client.send(&request).await?;
        let page = UserPage::from_response(status, body)?;
        self.pages_fetched += 1;
        self.next_offset = match page.metadata.next_offset {
            Some(next) if next > offset && !page.users.is_empty() => Some(next),
            _ => None,
        };
        Ok(Some(page))
    }

    /// How many pages have been fetched so far.
    pub fn pages_fetched(&self) -> u64 {
        self.pages_fetched
    }

    /// True once the last page has been fetched.
    pub fn is_done(&self) -> bool {
        self.next_offset.is_none()
    }

    /// All remaining users as a stream, decoded as they are yielded.
    pub fn into_stream(self) -> impl Stream<Item = Result<User>> + Send {
        let state = (self, std::collections::VecDeque::new());
        futures_util::stream::try_unfold(state, |(mut pager, mut buffered)| async move {
            loop {
                if let Some(lazy) = buffered.pop_front() {
                    let user = crate::page::LazyUser::into_user(lazy)?;
                    return Ok(Some((user, (pager, buffered))));
                }
                match pager.next_page().await? {
                    Some(page) => buffered.extend(page.users),
                    None => return Ok(None),
                }
            }
        })
    }
}

impl UserPager {
    /// Ends the listing: later calls to [`UserPager::next_page`] return `None`.
    pub fn stop(&mut self) {
        self.next_offset = None;
    }
}
