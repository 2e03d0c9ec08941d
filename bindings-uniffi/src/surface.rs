//! The rest of the users surface on `Client` and `client.preview()`: batch lookups, enrollment,
//! groups (a page-at-a-time `GroupCursor`, wrapped in a `Flow<Group>` by `Flows.kt`), a user's
//! phones, tokens, authenticators and bypass codes. Conversion only: core validates, pages and
//! redacts. The bypass-code options are plain arguments, not a record, so that explicit codes
//! are never printed by a Kotlin data class's `toString()`.

use crate::client::{Client, Preview};
use crate::error::{Result, guard};
use crate::models::{
    BypassCode, DesktopAuthenticator, Group, Phone, PreparedRequest, Token, U2fToken, User, WebauthnCredential,
};
use duo_directory::runtime::run;
use duo_directory::{BypassCodeOptions, GroupCursor as CoreGroupCursor, PageCount, count};
use std::sync::Arc;

fn whole(name: &str, value: Option<i64>) -> Result<Option<u32>> {
    Ok(value.map(|v| count(name, i128::from(v), u32::MAX)).transpose()?)
}

fn bypass_options(
    count: Option<i64>,
    codes: Option<Vec<String>>,
    valid_secs: Option<i64>,
    reuse_count: Option<i64>,
    preserve_existing: Option<bool>,
) -> Result<BypassCodeOptions> {
    Ok(BypassCodeOptions {
        count: whole("count", count)?,
        codes,
        valid_secs: whole("valid_secs", valid_secs)?.map(u64::from),
        reuse_count: whole("reuse_count", reuse_count)?,
        preserve_existing,
    })
}

fn found(users: Vec<Option<duo_directory::User>>) -> Vec<Option<User>> {
    users.into_iter().map(|u| u.map(User::from)).collect()
}

fn all<C, T: From<C>>(items: Vec<C>) -> Vec<T> {
    items.into_iter().map(T::from).collect()
}

/// `(userId, otherId)` calls that return nothing, and their previews.
macro_rules! link_methods {
    ($($name:ident($field:ident), $doc:literal;)*) => {
        #[uniffi::export]
        impl Client {
            $(
                #[doc = $doc]
                pub async fn $name(&self, user_id: String, $field: String) -> Result<()> {
                    let c = self.core()?;
                    Ok(run(async move { c.$name(&user_id, &$field).await }).await?)
                }
            )*
        }

        #[uniffi::export]
        impl Preview {
            $(
                #[doc = $doc]
                pub fn $name(&self, user_id: String, $field: String) -> Result<PreparedRequest> {
                    guard(|| Ok(self.0.preview().$name(&user_id, &$field)?.into()))
                }
            )*
        }
    };
}

link_methods! {
    add_user_group(group_id), "Adds a user to a group.";
    remove_user_group(group_id), "Removes a user from a group.";
    add_user_phone(phone_id), "Associates a phone with a user.";
    remove_user_phone(phone_id), "Dissociates a phone from a user (the phone stays).";
    add_user_token(token_id), "Associates a hardware token with a user.";
    remove_user_token(token_id), "Dissociates a hardware token from a user (the token stays).";
}

/// `(userId) -> List<T>` listings (every page).
macro_rules! list_methods {
    ($($name:ident -> $ty:ty, $doc:literal;)*) => {
        #[uniffi::export]
        impl Client {
            $(
                #[doc = $doc]
                pub async fn $name(&self, user_id: String) -> Result<Vec<$ty>> {
                    let c = self.core()?;
                    Ok(all(run(async move { c.$name(&user_id).await }).await?))
                }
            )*
        }
    };
}

list_methods! {
    list_user_phones -> Phone, "A user's phones (every page).";
    list_user_tokens -> Token, "A user's hardware tokens (every page).";
    list_user_u2f_tokens -> U2fToken, "A user's U2F tokens (every page).";
    list_user_webauthn_credentials -> WebauthnCredential, "A user's WebAuthn credentials (every page).";
    list_user_desktop_authenticators -> DesktopAuthenticator, "A user's Duo Desktop authenticators (every page).";
    list_user_bypass_codes -> BypassCode, "The metadata of a user's bypass codes (never the codes).";
}

#[uniffi::export]
impl Client {
    /// The users with these usernames (or aliases), in input order: null where no user answers
    /// to the name. Sent 100 names a request.
    pub async fn get_users_by_usernames(&self, usernames: Vec<String>) -> Result<Vec<Option<User>>> {
        let c = self.core()?;
        Ok(found(run(async move { c.get_users_by_usernames(&usernames).await }).await?))
    }

    /// The users with these ids, in input order: null where there is no such user.
    pub async fn get_users_by_ids(&self, user_ids: Vec<String>) -> Result<Vec<Option<User>>> {
        let c = self.core()?;
        Ok(found(run(async move { c.get_users_by_ids(&user_ids).await }).await?))
    }

    /// Creates `username` and emails them an enrollment link that expires after `validSecs`.
    #[uniffi::method(default(valid_secs = None))]
    pub async fn enroll_user(&self, username: String, email: String, valid_secs: Option<i64>) -> Result<()> {
        let (c, secs) = (self.core()?, whole("valid_secs", valid_secs)?.map(u64::from));
        Ok(run(async move { c.enroll_user(&username, &email, secs).await }).await?)
    }

    /// Every group, page by page on demand (`pageSize` 1..100, default 100). Sends nothing yet.
    #[uniffi::method(default(page_size = None))]
    pub fn list_groups(&self, page_size: Option<i64>) -> Result<Arc<GroupCursor>> {
        Ok(GroupCursor::new(self.core()?.list_groups(whole("page_size", page_size)?)?))
    }

    /// One group by id; `DuoError.NotFound` when there is none.
    pub async fn get_group(&self, group_id: String) -> Result<Group> {
        let c = self.core()?;
        Ok(Group::from(run(async move { c.get_group(&group_id).await }).await?))
    }

    /// A user's groups, page by page on demand. Sends nothing yet.
    #[uniffi::method(default(page_size = None))]
    pub fn list_user_groups(&self, user_id: String, page_size: Option<i64>) -> Result<Arc<GroupCursor>> {
        Ok(GroupCursor::new(self.core()?.list_user_groups(&user_id, whole("page_size", page_size)?)?))
    }

    /// Creates bypass codes (`count` random ones, or the explicit `codes`) and returns them: the
    /// codes appear only in this list, never in a `toString()`, log or error.
    #[uniffi::method(default(count = None, codes = None, valid_secs = None, reuse_count = None, preserve_existing = None))]
    pub async fn create_user_bypass_codes(
        &self,
        user_id: String,
        count: Option<i64>,
        codes: Option<Vec<String>>,
        valid_secs: Option<i64>,
        reuse_count: Option<i64>,
        preserve_existing: Option<bool>,
    ) -> Result<Vec<String>> {
        let c = self.core()?;
        let options = bypass_options(count, codes, valid_secs, reuse_count, preserve_existing)?;
        let codes = run(async move { c.create_user_bypass_codes(&user_id, &options).await }).await?;
        Ok(codes.expose().into_iter().map(String::from).collect())
    }
}

#[uniffi::export]
impl Preview {
    /// The `POST /admin/v1/users/enroll` that `enrollUser` would send.
    #[uniffi::method(default(valid_secs = None))]
    pub fn enroll_user(&self, username: String, email: String, valid_secs: Option<i64>) -> Result<PreparedRequest> {
        guard(|| {
            let secs = whole("valid_secs", valid_secs)?.map(u64::from);
            Ok(self.0.preview().enroll_user(&username, &email, secs)?.into())
        })
    }

    /// The request `createUserBypassCodes` would send (explicit codes shown as `***`).
    #[uniffi::method(default(count = None, codes = None, valid_secs = None, reuse_count = None, preserve_existing = None))]
    pub fn create_user_bypass_codes(
        &self,
        user_id: String,
        count: Option<i64>,
        codes: Option<Vec<String>>,
        valid_secs: Option<i64>,
        reuse_count: Option<i64>,
        preserve_existing: Option<bool>,
    ) -> Result<PreparedRequest> {
        guard(|| {
            let options = bypass_options(count, codes, valid_secs, reuse_count, preserve_existing)?;
            Ok(self.0.preview().create_user_bypass_codes(&user_id, &options)?.into())
        })
    }
}

/// A group listing: `nextPage()` crosses into Rust once per page (the Kotlin `Flow` hands the
/// page's groups out); cancelling a `nextPage()` cancels its request.
#[derive(uniffi::Object)]
pub struct GroupCursor {
    cursor: Arc<tokio::sync::Mutex<CoreGroupCursor>>,
    pages: PageCount,
}

impl GroupCursor {
    fn new(cursor: CoreGroupCursor) -> Arc<Self> {
        Arc::new(GroupCursor { pages: cursor.page_count(), cursor: Arc::new(tokio::sync::Mutex::new(cursor)) })
    }
}

#[uniffi::export]
impl GroupCursor {
    /// The next page of groups (fetched now), or null after the last one.
    pub async fn next_page(&self) -> Result<Option<Vec<Group>>> {
        let cursor = self.cursor.clone();
        Ok(run(async move { cursor.lock().await.next_page().await }).await?.map(all))
    }

    /// How many pages have been fetched.
    pub fn pages_fetched(&self) -> i64 {
        i64::try_from(self.pages.get()).unwrap_or(i64::MAX)
    }

    /// Ends the listing: later `nextPage()` calls return null.
    pub async fn stop(&self) {
        let cursor = self.cursor.clone();
        let _ = run(async move {
            cursor.lock().await.stop();
            Ok(())
        })
        .await;
    }
}
