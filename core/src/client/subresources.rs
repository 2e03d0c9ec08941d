//! The rest of the users surface: batch lookups, enrollment, a user's groups, phones, hardware
//! tokens, U2F tokens, WebAuthn credentials and bypass codes, and the groups themselves.
//! Every id is checked by [`path_id`] and every argument validated before anything is sent.

use super::items::{GroupCursor, ItemCursor};
use super::{Client, PreparedRequest, Preview, path_id, user_path};
use crate::error::{Error, Result};
use crate::models::bypass::valid_secs;
use crate::models::{
    BypassCode, BypassCodeOptions, BypassCodes, DesktopAuthenticator, Group, Phone, Token, U2fToken, User,
    WebauthnCredential,
};
use crate::params::Params;

/// Most usernames or ids Duo takes in one `username_list` / `user_id_list` request; longer
/// lists are sent in chunks of this size.
pub const MAX_BATCH: usize = 100;

/// A user's sub-resource that can be associated and dissociated by id.
#[derive(Debug, Clone, Copy)]
enum Link {
    Groups,
    Phones,
    Tokens,
}

impl Link {
    fn segment(self) -> &'static str {
        match self {
            Link::Groups => "groups",
            Link::Phones => "phones",
            Link::Tokens => "tokens",
        }
    }

    fn field(self) -> &'static str {
        match self {
            Link::Groups => "group_id",
            Link::Phones => "phone_id",
            Link::Tokens => "token_id",
        }
    }
}

fn sub_path(user_id: &str, segment: &str) -> Result<String> {
    Ok(format!("{}/{segment}", user_path(user_id)?))
}

fn lookup_names(field: &str, names: &[String], ids: bool) -> Result<()> {
    for (i, name) in names.iter().enumerate() {
        let field = format!("{field}[{i}]");
        if ids {
            path_id(&field, name)?;
        } else if name.trim().is_empty() {
            return Err(Error::invalid(field, "must not be empty"));
        }
    }
    Ok(())
}

impl Client {
    /// The users with these usernames (or aliases), in input order: `None` where no user
    /// answers to that name. Lists longer than [`MAX_BATCH`] are sent in chunks.
    pub async fn get_users_by_usernames(&self, usernames: &[String]) -> Result<Vec<Option<User>>> {
        lookup_names("usernames", usernames, false)?;
        self.batch("username_list", usernames, |user, wanted| {
            let wanted = wanted.to_lowercase();
            user.username.to_lowercase() == wanted
                || user.aliases.values().any(|a| a.to_lowercase() == wanted)
                || [&user.alias1, &user.alias2, &user.alias3, &user.alias4]
                    .into_iter()
                    .flatten()
                    .any(|a| a.to_lowercase() == wanted)
        })
        .await
    }

    /// The users with these ids, in input order: `None` where there is no such user. Lists
    /// longer than [`MAX_BATCH`] are sent in chunks.
    pub async fn get_users_by_ids(&self, user_ids: &[String]) -> Result<Vec<Option<User>>> {
        lookup_names("user_ids", user_ids, true)?;
        self.batch("user_id_list", user_ids, |user, wanted| user.user_id == wanted).await
    }

    async fn batch(
        &self,
        param: &str,
        keys: &[String],
        matches: impl Fn(&User, &str) -> bool,
    ) -> Result<Vec<Option<User>>> {
        let mut found = Vec::with_capacity(keys.len());
        for chunk in keys.chunks(MAX_BATCH) {
            let list = serde_json::to_string(chunk).map_err(|e| Error::Internal { message: e.to_string() })?;
            let request = self.prepare("GET", "/admin/v1/users", Params::new().with(param, list))?;
            let users = self.decode_users(&request).await?;
            found.extend(chunk.iter().map(|key| users.iter().find(|u| matches(u, key)).cloned()));
        }
        Ok(found)
    }

    /// Creates `username` with `email` and sends them an enrollment email whose link expires
    /// after `valid_secs` (Duo's default 30 days; `0`: never).
    pub async fn enroll_user(&self, username: &str, email: &str, valid_secs: Option<u64>) -> Result<()> {
        let request = self.preview().enroll_user(username, email, valid_secs)?;
        self.execute(&request).await.map(|_| ())
    }

    /// Every group, page by page on demand (`page_size` 1..=100, default 100). Sends nothing yet.
    pub fn list_groups(&self, page_size: Option<u32>) -> Result<GroupCursor> {
        ItemCursor::new(self.clone(), "/admin/v1/groups".into(), page_size)
    }

    /// One group by id (`GET /admin/v2/groups/{group_id}`); [`Error::NotFound`] when there is none.
    pub async fn get_group(&self, group_id: &str) -> Result<Group> {
        let path = format!("/admin/v2/groups/{}", path_id("group_id", group_id)?);
        let request = self.prepare("GET", &path, Params::new())?;
        let envelope = self.execute(&request).await?;
        crate::decode::from_slice(&envelope.response)
    }

    /// The groups of a user, page by page on demand. Sends nothing yet.
    pub fn list_user_groups(&self, user_id: &str, page_size: Option<u32>) -> Result<GroupCursor> {
        ItemCursor::new(self.clone(), sub_path(user_id, "groups")?, page_size)
    }

    /// Adds a user to a group.
    pub async fn add_user_group(&self, user_id: &str, group_id: &str) -> Result<()> {
        self.send_link(self.preview().add_user_group(user_id, group_id)?).await
    }

    /// Removes a user from a group.
    pub async fn remove_user_group(&self, user_id: &str, group_id: &str) -> Result<()> {
        self.send_link(self.preview().remove_user_group(user_id, group_id)?).await
    }

    /// A user's phones (every page).
    pub async fn list_user_phones(&self, user_id: &str) -> Result<Vec<Phone>> {
        self.list_all(user_id, "phones").await
    }

    /// Associates a phone with a user.
    pub async fn add_user_phone(&self, user_id: &str, phone_id: &str) -> Result<()> {
        self.send_link(self.preview().add_user_phone(user_id, phone_id)?).await
    }

    /// Dissociates a phone from a user (the phone itself stays).
    pub async fn remove_user_phone(&self, user_id: &str, phone_id: &str) -> Result<()> {
        self.send_link(self.preview().remove_user_phone(user_id, phone_id)?).await
    }

    /// A user's hardware OTP tokens (every page).
    pub async fn list_user_tokens(&self, user_id: &str) -> Result<Vec<Token>> {
        self.list_all(user_id, "tokens").await
    }

    /// Associates a hardware token with a user.
    pub async fn add_user_token(&self, user_id: &str, token_id: &str) -> Result<()> {
        self.send_link(self.preview().add_user_token(user_id, token_id)?).await
    }

    /// Dissociates a hardware token from a user (the token itself stays).
    pub async fn remove_user_token(&self, user_id: &str, token_id: &str) -> Result<()> {
        self.send_link(self.preview().remove_user_token(user_id, token_id)?).await
    }

    /// A user's U2F tokens (every page).
    pub async fn list_user_u2f_tokens(&self, user_id: &str) -> Result<Vec<U2fToken>> {
        self.list_all(user_id, "u2ftokens").await
    }

    /// A user's WebAuthn credentials (every page).
    pub async fn list_user_webauthn_credentials(&self, user_id: &str) -> Result<Vec<WebauthnCredential>> {
        self.list_all(user_id, "webauthncredentials").await
    }

    /// A user's Duo Desktop authenticators (every page).
    pub async fn list_user_desktop_authenticators(&self, user_id: &str) -> Result<Vec<DesktopAuthenticator>> {
        self.list_all(user_id, "desktopauthenticators").await
    }

    /// The metadata of a user's bypass codes (every page; never the codes themselves).
    pub async fn list_user_bypass_codes(&self, user_id: &str) -> Result<Vec<BypassCode>> {
        self.list_all(user_id, "bypass_codes").await
    }

    /// Creates bypass codes for a user (replacing the existing ones unless
    /// `preserve_existing`) and returns them: they are secrets, shown only by
    /// [`BypassCodes::expose`].
    pub async fn create_user_bypass_codes(&self, user_id: &str, options: &BypassCodeOptions) -> Result<BypassCodes> {
        let request = self.bypass_request(user_id, options)?;
        let envelope = self.execute(&request).await?;
        crate::decode::from_slice(&envelope.response)
    }

    fn bypass_request(&self, user_id: &str, options: &BypassCodeOptions) -> Result<PreparedRequest> {
        self.prepare("POST", &sub_path(user_id, "bypass_codes")?, options.to_params()?)
    }

    async fn list_all<T: serde::de::DeserializeOwned + Send + 'static>(
        &self,
        user_id: &str,
        segment: &str,
    ) -> Result<Vec<T>> {
        ItemCursor::new(self.clone(), sub_path(user_id, segment)?, None)?.collect_all().await
    }

    async fn send_link(&self, request: PreparedRequest) -> Result<()> {
        self.execute(&request).await.map(|_| ())
    }
}

impl Preview<'_> {
    /// The `POST /admin/v1/users/enroll` that [`Client::enroll_user`] would send.
    pub fn enroll_user(&self, username: &str, email: &str, valid_secs: Option<u64>) -> Result<PreparedRequest> {
        if username.trim().is_empty() {
            return Err(Error::invalid("username", "must not be empty"));
        }
        if email.is_empty() || !email.contains('@') || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(Error::invalid("email", format!("{email:?} is not an email address")));
        }
        let mut params = Params::new().with("username", username).with("email", email);
        if let Some(secs) = valid_secs {
            params.insert("valid_secs", self::valid_secs(secs)?.to_string());
        }
        self.client.prepare("POST", "/admin/v1/users/enroll", params)
    }

    fn link(&self, link: Link, user_id: &str, id: &str) -> Result<PreparedRequest> {
        let path = sub_path(user_id, link.segment())?;
        let id = path_id(link.field(), id)?;
        self.client.prepare("POST", &path, Params::new().with(link.field(), id))
    }

    fn unlink(&self, link: Link, user_id: &str, id: &str) -> Result<PreparedRequest> {
        let path = format!("{}/{}", sub_path(user_id, link.segment())?, path_id(link.field(), id)?);
        self.client.prepare("DELETE", &path, Params::new())
    }

    /// The `POST /admin/v1/users/{user_id}/groups` that [`Client::add_user_group`] would send.
    pub fn add_user_group(&self, user_id: &str, group_id: &str) -> Result<PreparedRequest> {
        self.link(Link::Groups, user_id, group_id)
    }

    /// The `DELETE /admin/v1/users/{user_id}/groups/{group_id}` of [`Client::remove_user_group`].
    pub fn remove_user_group(&self, user_id: &str, group_id: &str) -> Result<PreparedRequest> {
        self.unlink(Link::Groups, user_id, group_id)
    }

    /// The `POST /admin/v1/users/{user_id}/phones` that [`Client::add_user_phone`] would send.
    pub fn add_user_phone(&self, user_id: &str, phone_id: &str) -> Result<PreparedRequest> {
        self.link(Link::Phones, user_id, phone_id)
    }

    /// The `DELETE /admin/v1/users/{user_id}/phones/{phone_id}` of [`Client::remove_user_phone`].
    pub fn remove_user_phone(&self, user_id: &str, phone_id: &str) -> Result<PreparedRequest> {
        self.unlink(Link::Phones, user_id, phone_id)
    }

    /// The `POST /admin/v1/users/{user_id}/tokens` that [`Client::add_user_token`] would send.
    pub fn add_user_token(&self, user_id: &str, token_id: &str) -> Result<PreparedRequest> {
        self.link(Link::Tokens, user_id, token_id)
    }

    /// The `DELETE /admin/v1/users/{user_id}/tokens/{token_id}` of [`Client::remove_user_token`].
    pub fn remove_user_token(&self, user_id: &str, token_id: &str) -> Result<PreparedRequest> {
        self.unlink(Link::Tokens, user_id, token_id)
    }

    /// The `POST /admin/v1/users/{user_id}/bypass_codes` that [`Client::create_user_bypass_codes`]
    /// would send, with explicit codes shown as `***` (they are secrets; nothing else differs).
    pub fn create_user_bypass_codes(&self, user_id: &str, options: &BypassCodeOptions) -> Result<PreparedRequest> {
        let mut params = options.to_params()?;
        if params.get("codes").is_some() {
            params.insert("codes", "***");
        }
        self.client.prepare("POST", &sub_path(user_id, "bypass_codes")?, params)
    }
}
