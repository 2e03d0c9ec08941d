//! Groups, phones and hardware tokens as objects of their own (a user embeds copies of those it
//! is associated with), and each user's bypass codes. Objects embedded in seeded or generated
//! users are registered when the user is stored, so they can be looked up and associated.

use duo_directory::{DesktopAuthenticator, Group, Phone, Token};
use std::collections::HashMap;

/// Objects of one kind in creation order, indexed by id.
pub(crate) struct Registry<T> {
    items: Vec<T>,
    index: HashMap<String, usize>,
    id: fn(&T) -> &str,
}

impl<T: Clone> Registry<T> {
    fn new(id: fn(&T) -> &str) -> Self {
        Registry { items: Vec::new(), index: HashMap::new(), id }
    }

    /// The object with this id.
    pub(crate) fn get(&self, id: &str) -> Option<&T> {
        self.index.get(id).and_then(|&i| self.items.get(i))
    }

    /// Every object, in creation order.
    pub(crate) fn all(&self) -> &[T] {
        &self.items
    }

    /// Adds an object unless one with its id exists.
    pub(crate) fn register(&mut self, item: &T) {
        let id = (self.id)(item);
        if !self.index.contains_key(id) {
            self.index.insert(id.to_string(), self.items.len());
            self.items.push(item.clone());
        }
    }
}

/// One bypass code's metadata (the code itself is shown once, at creation, and never kept).
#[derive(Clone)]
pub(crate) struct BypassRecord {
    pub(crate) bypass_code_id: String,
    pub(crate) created: i64,
    pub(crate) expiration: Option<i64>,
    pub(crate) reuse_count: u64,
}

/// Everything besides users.
pub(crate) struct Objects {
    pub(crate) groups: Registry<Group>,
    pub(crate) phones: Registry<Phone>,
    pub(crate) tokens: Registry<Token>,
    pub(crate) bypass_codes: HashMap<String, Vec<BypassRecord>>,
    /// Each user's Duo Desktop authenticators, by user id (see [`Objects::take_desktop_authenticators`]).
    pub(crate) desktop_authenticators: HashMap<String, Vec<DesktopAuthenticator>>,
}

impl Default for Objects {
    fn default() -> Self {
        Objects {
            groups: Registry::new(|g: &Group| g.group_id.as_str()),
            phones: Registry::new(|p: &Phone| p.phone_id.as_str()),
            tokens: Registry::new(|t: &Token| t.token_id.as_str()),
            bypass_codes: HashMap::new(),
            desktop_authenticators: HashMap::new(),
        }
    }
}

impl Objects {
    /// Duo's user object has no desktop authenticators; a user handed to the emulator may carry
    /// them in a `desktopauthenticators` member, which is moved here (replacing the user's
    /// previous ones) and served only by `GET /admin/v1/users/{id}/desktopauthenticators`.
    /// A member that is not a list of authenticators stays in the user, untouched.
    pub(crate) fn take_desktop_authenticators(&mut self, user: &mut duo_directory::User) {
        let Some(value) = user.extra.get("desktopauthenticators") else { return };
        if let Ok(list) = serde_json::from_value::<Vec<DesktopAuthenticator>>(value.clone()) {
            user.extra.remove("desktopauthenticators");
            self.desktop_authenticators.insert(user.user_id.clone(), list);
        }
    }

    /// Registers the groups, phones and tokens a user embeds.
    pub(crate) fn register_embedded(&mut self, user: &duo_directory::User) {
        for group in &user.groups {
            self.groups.register(group);
        }
        for phone in &user.phones {
            self.phones.register(phone);
        }
        for token in &user.tokens {
            self.tokens.register(token);
        }
    }
}
