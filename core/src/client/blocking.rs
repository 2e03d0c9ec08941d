//! A blocking facade over the async [`Client`](super::Client), on the process-wide runtime.

use super::{ClientConfig, ItemCursor, PreparedRequest, Preview, UserCursor};
use crate::error::Result;
use crate::listing::UserPage;
use crate::models::{
    BypassCode, BypassCodeOptions, BypassCodes, DesktopAuthenticator, Group, Phone, Token, U2fToken, User, UserCreate,
    UserUpdate, WebauthnCredential,
};
use crate::params::Params;
use crate::runtime::block_on;

/// Blocking Duo Admin API client; the same operations as the async one.
///
/// ```no_run
/// use duo_directory::{blocking, ClientConfig};
/// let client = blocking::Client::new(ClientConfig::new("DI...", "secret", "api-xxxxxxxx.duosecurity.com"))?;
/// for user in client.list_users(None)? {
///     println!("{}", user?.username);
/// }
/// # Ok::<(), duo_directory::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Client {
    inner: super::Client,
}

impl Client {
    /// Builds a client. Sends nothing.
    pub fn new(config: ClientConfig) -> Result<Client> {
        Ok(Client { inner: super::Client::new(config)? })
    }

    /// The async client underneath (sharing the same pool).
    pub fn as_async(&self) -> &super::Client {
        &self.inner
    }

    /// See [`super::Client::list_users`]: an iterator of decoded users, fetching pages on demand.
    pub fn list_users(&self, page_size: Option<u32>) -> Result<UserIter> {
        Ok(UserIter { cursor: self.inner.list_users(page_size)? })
    }

    /// The user listing page by page (each user decoded lazily).
    pub fn user_pages(&self, page_size: Option<u32>) -> Result<UserPages> {
        Ok(UserPages { cursor: self.inner.list_users(page_size)? })
    }

    /// See [`super::Client::get_user`].
    pub fn get_user(&self, user_id: &str) -> Result<User> {
        block_on(self.inner.get_user(user_id))?
    }

    /// See [`super::Client::get_user_by_username`].
    pub fn get_user_by_username(&self, username: &str) -> Result<Option<User>> {
        block_on(self.inner.get_user_by_username(username))?
    }

    /// See [`super::Client::get_users_by_email`].
    pub fn get_users_by_email(&self, email: &str) -> Result<Vec<User>> {
        block_on(self.inner.get_users_by_email(email))?
    }

    /// See [`super::Client::create_user`].
    pub fn create_user(&self, user: &UserCreate) -> Result<User> {
        block_on(self.inner.create_user(user))?
    }

    /// See [`super::Client::update_user`].
    pub fn update_user(&self, user_id: &str, update: &UserUpdate) -> Result<User> {
        block_on(self.inner.update_user(user_id, update))?
    }

    /// See [`super::Client::delete_user`].
    pub fn delete_user(&self, user_id: &str) -> Result<()> {
        block_on(self.inner.delete_user(user_id))?
    }

    /// See [`super::Client::sync_user_from_directory`].
    pub fn sync_user_from_directory(&self, directory_key: &str, username: &str) -> Result<User> {
        block_on(self.inner.sync_user_from_directory(directory_key, username))?
    }

    /// See [`super::Client::get_users_by_usernames`].
    pub fn get_users_by_usernames(&self, usernames: &[String]) -> Result<Vec<Option<User>>> {
        block_on(self.inner.get_users_by_usernames(usernames))?
    }

    /// See [`super::Client::get_users_by_ids`].
    pub fn get_users_by_ids(&self, user_ids: &[String]) -> Result<Vec<Option<User>>> {
        block_on(self.inner.get_users_by_ids(user_ids))?
    }

    /// See [`super::Client::enroll_user`].
    pub fn enroll_user(&self, username: &str, email: &str, valid_secs: Option<u64>) -> Result<()> {
        block_on(self.inner.enroll_user(username, email, valid_secs))?
    }

    /// See [`super::Client::list_groups`]: an iterator of groups, fetching pages on demand.
    pub fn list_groups(&self, page_size: Option<u32>) -> Result<ItemIter<Group>> {
        Ok(ItemIter { cursor: self.inner.list_groups(page_size)? })
    }

    /// See [`super::Client::get_group`].
    pub fn get_group(&self, group_id: &str) -> Result<Group> {
        block_on(self.inner.get_group(group_id))?
    }

    /// See [`super::Client::list_user_groups`].
    pub fn list_user_groups(&self, user_id: &str, page_size: Option<u32>) -> Result<ItemIter<Group>> {
        Ok(ItemIter { cursor: self.inner.list_user_groups(user_id, page_size)? })
    }

    /// See [`super::Client::add_user_group`].
    pub fn add_user_group(&self, user_id: &str, group_id: &str) -> Result<()> {
        block_on(self.inner.add_user_group(user_id, group_id))?
    }

    /// See [`super::Client::remove_user_group`].
    pub fn remove_user_group(&self, user_id: &str, group_id: &str) -> Result<()> {
        block_on(self.inner.remove_user_group(user_id, group_id))?
    }

    /// See [`super::Client::list_user_phones`].
    pub fn list_user_phones(&self, user_id: &str) -> Result<Vec<Phone>> {
        block_on(self.inner.list_user_phones(user_id))?
    }

    /// See [`super::Client::add_user_phone`].
    pub fn add_user_phone(&self, user_id: &str, phone_id: &str) -> Result<()> {
        block_on(self.inner.add_user_phone(user_id, phone_id))?
    }

    /// See [`super::Client::remove_user_phone`].
    pub fn remove_user_phone(&self, user_id: &str, phone_id: &str) -> Result<()> {
        block_on(self.inner.remove_user_phone(user_id, phone_id))?
    }

    /// See [`super::Client::list_user_tokens`].
    pub fn list_user_tokens(&self, user_id: &str) -> Result<Vec<Token>> {
        block_on(self.inner.list_user_tokens(user_id))?
    }

    /// See [`super::Client::add_user_token`].
    pub fn add_user_token(&self, user_id: &str, token_id: &str) -> Result<()> {
        block_on(self.inner.add_user_token(user_id, token_id))?
    }

    /// See [`super::Client::remove_user_token`].
    pub fn remove_user_token(&self, user_id: &str, token_id: &str) -> Result<()> {
        block_on(self.inner.remove_user_token(user_id, token_id))?
    }

    /// See [`super::Client::list_user_u2f_tokens`].
    pub fn list_user_u2f_tokens(&self, user_id: &str) -> Result<Vec<U2fToken>> {
        block_on(self.inner.list_user_u2f_tokens(user_id))?
    }

    /// See [`super::Client::list_user_webauthn_credentials`].
    pub fn list_user_webauthn_credentials(&self, user_id: &str) -> Result<Vec<WebauthnCredential>> {
        block_on(self.inner.list_user_webauthn_credentials(user_id))?
    }

    /// See [`super::Client::list_user_desktop_authenticators`].
    pub fn list_user_desktop_authenticators(&self, user_id: &str) -> Result<Vec<DesktopAuthenticator>> {
        block_on(self.inner.list_user_desktop_authenticators(user_id))?
    }

    /// See [`super::Client::list_user_bypass_codes`].
    pub fn list_user_bypass_codes(&self, user_id: &str) -> Result<Vec<BypassCode>> {
        block_on(self.inner.list_user_bypass_codes(user_id))?
    }

    /// See [`super::Client::create_user_bypass_codes`].
    pub fn create_user_bypass_codes(&self, user_id: &str, options: &BypassCodeOptions) -> Result<BypassCodes> {
        block_on(self.inner.create_user_bypass_codes(user_id, options))?
    }

    /// See [`super::Client::call`].
    pub fn call(&self, method: &str, path: &str, params: Params) -> Result<serde_json::Value> {
        block_on(self.inner.call(method, path, params))?
    }

    /// See [`super::Client::preview`].
    pub fn preview(&self) -> Preview<'_> {
        self.inner.preview()
    }

    /// See [`super::Client::prepare`].
    pub fn prepare(&self, method: &str, path: &str, params: Params) -> Result<PreparedRequest> {
        self.inner.prepare(method, path, params)
    }
}

/// Blocking page iterator over a [`UserCursor`].
#[derive(Debug)]
pub struct UserPages {
    cursor: UserCursor,
}

impl UserPages {
    /// How many pages have been fetched so far.
    pub fn pages_fetched(&self) -> u64 {
        self.cursor.pages_fetched()
    }
}

impl Iterator for UserPages {
    type Item = Result<UserPage>;
    fn next(&mut self) -> Option<Self::Item> {
        block_on(self.cursor.next_page()).and_then(|r| r).transpose()
    }
}

/// Blocking iterator of decoded users over a [`UserCursor`]; ends after an error.
#[derive(Debug)]
pub struct UserIter {
    cursor: UserCursor,
}

impl UserIter {
    /// How many pages have been fetched so far.
    pub fn pages_fetched(&self) -> u64 {
        self.cursor.pages_fetched()
    }
}

impl Iterator for UserIter {
    type Item = Result<User>;
    fn next(&mut self) -> Option<Self::Item> {
        self.cursor.next_blocking().transpose().map(|r| r.and_then(crate::listing::LazyUser::into_user))
    }
}

/// Blocking iterator over an [`ItemCursor`] (groups); ends after an error.
#[derive(Debug)]
pub struct ItemIter<T> {
    cursor: ItemCursor<T>,
}

impl<T: serde::de::DeserializeOwned + Send + 'static> ItemIter<T> {
    /// How many pages have been fetched so far.
    pub fn pages_fetched(&self) -> u64 {
        self.cursor.pages_fetched()
    }
}

impl<T: serde::de::DeserializeOwned + Send + 'static> Iterator for ItemIter<T> {
    type Item = Result<T>;
    fn next(&mut self) -> Option<Self::Item> {
        self.cursor.next_blocking().transpose()
    }
}
