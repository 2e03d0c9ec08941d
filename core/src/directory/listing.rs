//! One cursor type over every directory list, for the bindings: a binding has one iterator class
//! that calls [`DirectoryListing::next`] and converts the [`DirectoryItem`] it gets.

use super::{Directory, DirectoryEvent, ListCursor};
use crate::error::Result;
use crate::models::{DirectoryGroup, DirectoryUser};

/// One object of a directory list.
#[derive(Debug, Clone, PartialEq)]
pub enum DirectoryItem {
    /// From `list_directories`.
    Directory(Directory),
    /// From `list_users`.
    User(DirectoryUser),
    /// From `list_groups`.
    Group(DirectoryGroup),
    /// From `list_events`.
    Event(Box<DirectoryEvent>),
}

/// Any of the directory client's list cursors.
#[derive(Debug)]
pub enum DirectoryListing {
    /// `list_directories`.
    Directories(ListCursor<Directory>),
    /// `list_users`.
    Users(ListCursor<DirectoryUser>),
    /// `list_groups`.
    Groups(ListCursor<DirectoryGroup>),
    /// `list_events`.
    Events(ListCursor<DirectoryEvent>),
}

macro_rules! each {
    ($self:ident, $c:ident => $e:expr) => {
        match $self {
            DirectoryListing::Directories($c) => $e,
            DirectoryListing::Users($c) => $e,
            DirectoryListing::Groups($c) => $e,
            DirectoryListing::Events($c) => $e,
        }
    };
}

fn wrap<T>(items: Option<Vec<T>>, f: fn(T) -> DirectoryItem) -> Option<Vec<DirectoryItem>> {
    items.map(|v| v.into_iter().map(f).collect())
}

impl DirectoryListing {
    /// The next object, fetching a page when needed; `None` after the last (or after an error).
    pub async fn next(&mut self) -> Result<Option<DirectoryItem>> {
        Ok(match self {
            DirectoryListing::Directories(c) => c.next().await?.map(DirectoryItem::Directory),
            DirectoryListing::Users(c) => c.next().await?.map(DirectoryItem::User),
            DirectoryListing::Groups(c) => c.next().await?.map(DirectoryItem::Group),
            DirectoryListing::Events(c) => c.next().await?.map(|e| DirectoryItem::Event(Box::new(e))),
        })
    }

    /// The rest of the current page, or the next page; `None` after the last.
    pub async fn next_page(&mut self) -> Result<Option<Vec<DirectoryItem>>> {
        Ok(match self {
            DirectoryListing::Directories(c) => wrap(c.next_page().await?, DirectoryItem::Directory),
            DirectoryListing::Users(c) => wrap(c.next_page().await?, DirectoryItem::User),
            DirectoryListing::Groups(c) => wrap(c.next_page().await?, DirectoryItem::Group),
            DirectoryListing::Events(c) => wrap(c.next_page().await?, |e| DirectoryItem::Event(Box::new(e))),
        })
    }

    /// [`DirectoryListing::next`] from synchronous code.
    pub fn next_blocking(&mut self) -> Result<Option<DirectoryItem>> {
        crate::runtime::block_on(self.next())?
    }

    /// The id to resume after (see [`ListCursor::resume_after`]).
    pub fn resume_after(&self) -> Option<String> {
        each!(self, c => c.resume_after().map(str::to_string))
    }

    /// Pages fetched so far.
    pub fn pages_fetched(&self) -> u64 {
        each!(self, c => c.pages_fetched())
    }

    /// Ends the listing (see [`ListCursor::stop`]).
    pub fn stop(&mut self) {
        each!(self, c => c.stop())
    }
}

impl From<ListCursor<Directory>> for DirectoryListing {
    fn from(c: ListCursor<Directory>) -> Self {
        DirectoryListing::Directories(c)
    }
}
impl From<ListCursor<DirectoryUser>> for DirectoryListing {
    fn from(c: ListCursor<DirectoryUser>) -> Self {
        DirectoryListing::Users(c)
    }
}
impl From<ListCursor<DirectoryGroup>> for DirectoryListing {
    fn from(c: ListCursor<DirectoryGroup>) -> Self {
        DirectoryListing::Groups(c)
    }
}
impl From<ListCursor<DirectoryEvent>> for DirectoryListing {
    fn from(c: ListCursor<DirectoryEvent>) -> Self {
        DirectoryListing::Events(c)
    }
}
