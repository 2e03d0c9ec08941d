//! The in-memory store: users in listing order with their JSON cached, indexes, directories.

use bytes::Bytes;
use duo_directory::{DirectoryUser, User};
use std::collections::{HashMap, HashSet};

/// One stored user and its serialized JSON (re-serialized only when the user changes).
pub(crate) struct Entry {
    pub(crate) user: User,
    pub(crate) json: Bytes,
}

/// Users in listing order, indexed by id and by (lower-cased) username and aliases.
#[derive(Default)]
pub(crate) struct Store {
    entries: Vec<Entry>,
    by_id: HashMap<String, usize>,
    by_name: HashMap<String, String>,
    directories: HashMap<String, Vec<DirectoryUser>>,
    /// Groups, phones, tokens and bypass codes.
    pub(crate) objects: crate::objects::Objects,
}

/// The JSON of a user, as served.
pub(crate) fn user_json(user: &User) -> Bytes {
    Bytes::from(serde_json::to_vec(user).unwrap_or_else(|_| b"{}".to_vec()))
}

/// Every name a user answers to: the username and the aliases, lower-cased, without duplicates.
pub(crate) fn names_of(user: &User) -> Vec<String> {
    let mut names: Vec<String> = Vec::with_capacity(1 + user.aliases.len());
    let mut push = |name: &str| {
        if !name.is_empty() {
            let lower = name.to_lowercase();
            if !names.contains(&lower) {
                names.push(lower);
            }
        }
    };
    push(&user.username);
    for alias in user.aliases.values() {
        push(alias);
    }
    for alias in [&user.alias1, &user.alias2, &user.alias3, &user.alias4].into_iter().flatten() {
        push(alias);
    }
    names
}

impl Store {
    /// Number of users.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Clones of every user, in listing order.
    pub(crate) fn users(&self) -> Vec<User> {
        self.entries.iter().map(|e| e.user.clone()).collect()
    }

    /// The user with this id.
    pub(crate) fn get(&self, user_id: &str) -> Option<&Entry> {
        self.by_id.get(user_id).and_then(|&i| self.entries.get(i))
    }

    /// The user whose username or alias is `name` (case-insensitive).
    pub(crate) fn find_by_name(&self, name: &str) -> Option<&Entry> {
        self.by_name.get(&name.to_lowercase()).and_then(|id| self.get(id))
    }

    /// The id of the user answering to `name`, other than `except`.
    pub(crate) fn name_taken_by_other(&self, name: &str, except: Option<&str>) -> bool {
        match self.by_name.get(&name.to_lowercase()) {
            Some(owner) => Some(owner.as_str()) != except,
            None => false,
        }
    }

    /// Users whose email equals `email` (case-insensitive), as cached JSON.
    pub(crate) fn by_email(&self, email: &str) -> Vec<Bytes> {
        self.entries
            .iter()
            .filter(|e| e.user.email.as_deref().is_some_and(|m| m.eq_ignore_ascii_case(email)))
            .map(|e| e.json.clone())
            .collect()
    }

    /// A page of cached JSON documents and the total number of users.
    pub(crate) fn page(&self, offset: usize, limit: usize) -> (Vec<Bytes>, usize) {
        let total = self.entries.len();
        let page = self.entries.iter().skip(offset).take(limit).map(|e| e.json.clone()).collect();
        (page, total)
    }

    /// Inserts or replaces (by `user_id`, keeping the listing position) a user; returns its JSON.
    pub(crate) fn upsert(&mut self, mut user: User) -> Bytes {
        self.objects.take_desktop_authenticators(&mut user);
        let json = user_json(&user);
        self.objects.register_embedded(&user);
        match self.by_id.get(&user.user_id).copied() {
            Some(i) => {
                if let Some(old) = self.entries.get(i).map(|e| names_of(&e.user)) {
                    self.unindex_names(&old, &user.user_id);
                }
                self.index_names(&user);
                if let Some(slot) = self.entries.get_mut(i) {
                    *slot = Entry { user, json: json.clone() };
                }
            }
            None => {
                self.index_names(&user);
                self.by_id.insert(user.user_id.clone(), self.entries.len());
                self.entries.push(Entry { user, json: json.clone() });
            }
        }
        json
    }

    /// Removes a user; returns it.
    pub(crate) fn remove(&mut self, user_id: &str) -> Option<User> {
        let i = self.by_id.remove(user_id)?;
        if i >= self.entries.len() {
            return None;
        }
        let entry = self.entries.remove(i);
        self.objects.desktop_authenticators.remove(user_id);
        self.unindex_names(&names_of(&entry.user), user_id);
        for (j, e) in self.entries.iter().enumerate().skip(i) {
            if let Some(slot) = self.by_id.get_mut(&e.user.user_id) {
                *slot = j;
            }
        }
        Some(entry.user)
    }

    /// Removes every user.
    pub(crate) fn clear_users(&mut self) {
        self.entries.clear();
        self.by_id.clear();
        self.by_name.clear();
        self.objects.desktop_authenticators.clear();
    }

    /// Appends users, giving a fresh id to one whose id is taken and a numeric suffix to a
    /// username (or dropping an alias) that another user already answers to.
    pub(crate) fn append_generated(&mut self, users: Vec<User>) {
        self.entries.reserve(users.len());
        for mut user in users {
            while self.by_id.contains_key(&user.user_id) {
                user.user_id = crate::ids::random_user_id();
            }
            if self.by_name.contains_key(&user.username.to_lowercase()) {
                let mut n = 2u64;
                let base = user.username.clone();
                loop {
                    let candidate = format!("{base}{n}");
                    if !self.by_name.contains_key(&candidate.to_lowercase()) {
                        user.username = candidate;
                        break;
                    }
                    n += 1;
                }
            }
            let taken: HashSet<String> = user
                .aliases
                .iter()
                .filter(|(_, v)| self.by_name.contains_key(&v.to_lowercase()) || v.eq_ignore_ascii_case(&user.username))
                .map(|(k, _)| k.clone())
                .collect();
            for key in taken {
                user.aliases.remove(&key);
                match key.as_str() {
                    "alias1" => user.alias1 = None,
                    "alias2" => user.alias2 = None,
                    "alias3" => user.alias3 = None,
                    "alias4" => user.alias4 = None,
                    _ => {}
                }
            }
            self.upsert(user);
        }
    }

    fn index_names(&mut self, user: &User) {
        for name in names_of(user) {
            self.by_name.insert(name, user.user_id.clone());
        }
    }

    fn unindex_names(&mut self, names: &[String], user_id: &str) {
        for name in names {
            if self.by_name.get(name).is_some_and(|owner| owner == user_id) {
                self.by_name.remove(name);
            }
        }
    }

    /// Replaces a directory's users; returns the earlier ones.
    pub(crate) fn set_directory(&mut self, key: &str, users: Vec<DirectoryUser>) -> Option<Vec<DirectoryUser>> {
        self.directories.insert(key.to_string(), users)
    }

    /// Every directory (key, users), by key.
    pub(crate) fn directories(&self) -> Vec<(String, Vec<DirectoryUser>)> {
        let mut all: Vec<_> = self.directories.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all
    }

    /// Inserts or replaces (by id, keeping its place) a directory user, creating the directory
    /// when needed; returns the user it replaced.
    pub(crate) fn put_directory_user(&mut self, key: &str, user: DirectoryUser) -> Option<DirectoryUser> {
        let users = self.directories.entry(key.to_string()).or_default();
        match users.iter_mut().find(|u| u.id == user.id) {
            Some(slot) => Some(std::mem::replace(slot, user)),
            None => {
                users.push(user);
                None
            }
        }
    }

    /// A directory's users.
    pub(crate) fn directory(&self, key: &str) -> Option<&[DirectoryUser]> {
        self.directories.get(key).map(Vec::as_slice)
    }

    /// Removes the users `username` names from a directory; returns them.
    pub(crate) fn remove_directory_user(&mut self, key: &str, username: &str) -> Vec<DirectoryUser> {
        let Some(users) = self.directories.get_mut(key) else { return Vec::new() };
        let (removed, kept) = std::mem::take(users).into_iter().partition(|u| directory_user_matches(u, username));
        *users = kept;
        removed
    }
}

/// True when `username` names this directory user (case-insensitive): its reported username
/// ([`DirectoryUser::username`]), its full email, or its email's local part.
pub(crate) fn directory_user_matches(user: &DirectoryUser, username: &str) -> bool {
    user.username().is_some_and(|u| u.eq_ignore_ascii_case(username))
        || user.email.as_deref().is_some_and(|e| {
            e.eq_ignore_ascii_case(username)
                || e.split('@').next().is_some_and(|local| local.eq_ignore_ascii_case(username))
        })
}
