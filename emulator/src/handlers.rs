//! The users endpoints: list (paging, filters), get, create, modify, delete, directory sync.
//! Every change is validated completely before the store is touched, under one write lock.

use crate::Shared;
use crate::ids::{now_unix, random_user_id};
use crate::reply::{Reply, fail};
use crate::store::{Store, directory_user_matches};
use bytes::{Bytes, BytesMut};
use duo_directory::{DirectoryUser, DirectoryUserState, MAX_FIELD_LEN, MAX_NOTES_LEN, User, UserStatus};
use std::collections::BTreeMap;

type Pairs = [(String, String)];

const USERS: &str = "/admin/v1/users";
const USERS_PREFIX: &str = "/admin/v1/users/";
const SYNC_PREFIX: &str = "/admin/v1/users/directorysync/";
/// Default page size.
const DEFAULT_LIMIT: usize = 100;
/// Largest page.
const MAX_LIMIT: usize = 300;
/// Most ids or names in `user_id_list` / `username_list`.
const MAX_LIST: usize = 100;

const LIST_PARAMS: &[&str] = &["limit", "offset", "username", "email", "user_id_list", "username_list"];
const WRITE_PARAMS: &[&str] = &[
    "username",
    "realname",
    "firstname",
    "lastname",
    "email",
    "status",
    "notes",
    "alias1",
    "alias2",
    "alias3",
    "alias4",
    "aliases",
];

pub(crate) fn invalid(name: &str) -> Reply {
    fail(40002, "Invalid request parameters", Some(name))
}

pub(crate) fn missing(name: &str) -> Reply {
    fail(40001, "Missing required request parameters", Some(name))
}

pub(crate) fn not_found(detail: Option<&str>) -> Reply {
    fail(40401, "Resource not found", detail)
}

pub(crate) fn method_not_allowed() -> Reply {
    fail(40501, "Method not allowed", None)
}

/// Percent-decodes a path segment (`+` is a space, as `quote_plus` writes it).
pub(crate) fn decode_segment(segment: &str) -> String {
    let spaced = segment.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced).decode_utf8_lossy().into_owned()
}

/// Routes a verified request.
pub(crate) fn dispatch(shared: &Shared, method: &str, path: &str, params: &Pairs) -> Reply {
    let result = if let Some(result) = crate::bulk::dispatch(shared, method, path, params) {
        result
    } else if let Some(result) = crate::subresources::dispatch(shared, method, path, params) {
        result
    } else if path == USERS {
        match method {
            "GET" => list_users(shared, params),
            "POST" => create_user(shared, params),
            _ => Err(method_not_allowed()),
        }
    } else if let Some(rest) = path.strip_prefix(SYNC_PREFIX) {
        match rest.strip_suffix("/syncuser") {
            Some(key) if !key.is_empty() && !key.contains('/') => match method {
                "POST" => sync_user(shared, &decode_segment(key), params),
                _ => Err(method_not_allowed()),
            },
            _ => Err(not_found(None)),
        }
    } else if let Some(id) = path.strip_prefix(USERS_PREFIX).filter(|id| !id.is_empty() && !id.contains('/')) {
        let id = decode_segment(id);
        match method {
            "GET" => get_user(shared, &id, params),
            "POST" => modify_user(shared, &id, params),
            "DELETE" => delete_user(shared, &id, params),
            _ => Err(method_not_allowed()),
        }
    } else {
        Err(not_found(None))
    };
    result.unwrap_or_else(|reply| reply)
}

/// Checked access to decoded parameters.
pub(crate) struct Form<'a>(pub(crate) &'a Pairs);

impl<'a> Form<'a> {
    pub(crate) fn get(&self, name: &str) -> Option<&'a str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Refuses names outside `allowed`, and names given twice.
    pub(crate) fn check(&self, allowed: &[&str]) -> Result<(), Reply> {
        for (i, (name, _)) in self.0.iter().enumerate() {
            if !allowed.contains(&name.as_str()) || self.0.iter().take(i).any(|(k, _)| k == name) {
                return Err(invalid(name));
            }
        }
        Ok(())
    }
}

pub(crate) fn envelope_object(json: &Bytes) -> Reply {
    let mut buf = BytesMut::with_capacity(json.len() + 32);
    buf.extend_from_slice(br#"{"stat":"OK","response":"#);
    buf.extend_from_slice(json);
    buf.extend_from_slice(b"}");
    Reply::ok(buf.freeze())
}

pub(crate) fn envelope_list(items: &[Bytes], metadata: &str) -> Reply {
    let size: usize = items.iter().map(Bytes::len).sum::<usize>() + items.len() + metadata.len() + 48;
    let mut buf = BytesMut::with_capacity(size);
    buf.extend_from_slice(br#"{"stat":"OK","response":["#);
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            buf.extend_from_slice(b",");
        }
        buf.extend_from_slice(item);
    }
    buf.extend_from_slice(br#"],"metadata":"#);
    buf.extend_from_slice(metadata.as_bytes());
    buf.extend_from_slice(b"}");
    Reply::ok(buf.freeze())
}

fn parse_json_list(form: &Form<'_>, name: &str) -> Result<Vec<String>, Reply> {
    let text = form.get(name).unwrap_or_default();
    let list: Vec<String> = serde_json::from_str(text).map_err(|_| invalid(name))?;
    if list.is_empty() || list.len() > MAX_LIST {
        return Err(invalid(name));
    }
    Ok(list)
}

fn list_users(shared: &Shared, params: &Pairs) -> Result<Reply, Reply> {
    let form = Form(params);
    form.check(LIST_PARAMS)?;
    let limit = match form.get("limit") {
        None => DEFAULT_LIMIT,
        Some(v) => {
            v.trim().parse::<usize>().ok().filter(|n| (1..=MAX_LIMIT).contains(n)).ok_or_else(|| invalid("limit"))?
        }
    };
    let offset = match form.get("offset") {
        None => 0,
        Some(v) => v.trim().parse::<usize>().map_err(|_| invalid("offset"))?,
    };
    let filters: Vec<&str> =
        ["username", "email", "user_id_list", "username_list"].into_iter().filter(|f| form.get(f).is_some()).collect();
    if let Some(second) = filters.get(1) {
        return Err(invalid(second));
    }
    let store = shared.read();
    let items: Vec<Bytes> = match filters.first().copied() {
        Some("username") => {
            let name = form.get("username").filter(|n| !n.is_empty()).ok_or_else(|| invalid("username"))?;
            store.find_by_name(name).map(|e| e.json.clone()).into_iter().collect()
        }
        Some("email") => {
            let email = form.get("email").filter(|n| !n.is_empty()).ok_or_else(|| invalid("email"))?;
            store.by_email(email)
        }
        Some(list @ ("user_id_list" | "username_list")) => {
            let wanted = parse_json_list(&form, list)?;
            let mut seen: Vec<&str> = Vec::new();
            let mut items = Vec::new();
            for key in &wanted {
                let entry = if list == "user_id_list" { store.get(key) } else { store.find_by_name(key) };
                if let Some(entry) = entry
                    && !seen.contains(&entry.user.user_id.as_str())
                {
                    seen.push(&entry.user.user_id);
                    items.push(entry.json.clone());
                }
            }
            items
        }
        _ => {
            let (items, total) = store.page(offset, limit);
            drop(store);
            let mut metadata = format!("{{\"total_objects\":{total}");
            if offset.saturating_add(limit) < total {
                metadata.push_str(&format!(",\"next_offset\":{}", offset + limit));
            }
            if offset > 0 {
                metadata.push_str(&format!(",\"prev_offset\":{}", offset.saturating_sub(limit)));
            }
            metadata.push('}');
            return Ok(envelope_list(&items, &metadata));
        }
    };
    drop(store);
    Ok(envelope_list(&items, &format!("{{\"total_objects\":{}}}", items.len())))
}

fn get_user(shared: &Shared, id: &str, params: &Pairs) -> Result<Reply, Reply> {
    Form(params).check(&[])?;
    let store = shared.read();
    let entry = store.get(id).ok_or_else(|| not_found(Some("user_id")))?;
    Ok(envelope_object(&entry.json))
}

fn delete_user(shared: &Shared, id: &str, params: &Pairs) -> Result<Reply, Reply> {
    Form(params).check(&[])?;
    shared.write().remove(id).ok_or_else(|| not_found(Some("user_id")))?;
    Ok(Reply::ok(Bytes::from_static(br#"{"stat":"OK","response":""}"#)))
}

/// Validated writable fields of a create or modify request.
#[derive(Default)]
pub(crate) struct Changes {
    username: Option<String>,
    realname: Option<String>,
    firstname: Option<String>,
    lastname: Option<String>,
    email: Option<String>,
    notes: Option<String>,
    status: Option<UserStatus>,
    /// (`aliasN`, value); an empty value removes the alias.
    aliases: Vec<(String, String)>,
}

fn alias_position(name: &str, max: u8) -> bool {
    name.strip_prefix("alias").and_then(|n| n.parse::<u8>().ok()).is_some_and(|n| (1..=max).contains(&n))
        && !name.starts_with("alias0")
        && !name.contains('+')
}

pub(crate) fn parse_changes(form: &Form<'_>) -> Result<Changes, Reply> {
    let mut changes = Changes::default();
    for (name, value) in form.0 {
        let max = if name == "notes" { MAX_NOTES_LEN } else { MAX_FIELD_LEN };
        if value.chars().count() > max || value.contains('\0') {
            return Err(invalid(name));
        }
        if name != "notes" && value.chars().any(char::is_control) {
            return Err(invalid(name));
        }
        match name.as_str() {
            "username" => {
                if value.trim().is_empty() {
                    return Err(invalid("username"));
                }
                changes.username = Some(value.clone());
            }
            "realname" => changes.realname = Some(value.clone()),
            "firstname" => changes.firstname = Some(value.clone()),
            "lastname" => changes.lastname = Some(value.clone()),
            "email" => {
                if !value.is_empty() && (!value.contains('@') || value.chars().any(char::is_whitespace)) {
                    return Err(invalid("email"));
                }
                changes.email = Some(value.clone());
            }
            "notes" => changes.notes = Some(value.clone()),
            "status" => {
                changes.status = Some(match value.to_ascii_lowercase().as_str() {
                    "active" => UserStatus::Active,
                    "bypass" => UserStatus::Bypass,
                    "disabled" => UserStatus::Disabled,
                    _ => return Err(invalid("status")),
                });
            }
            "aliases" => {
                if form.0.iter().any(|(k, _)| alias_position(k, 4)) {
                    return Err(invalid("aliases"));
                }
                for (key, alias) in form_urlencoded::parse(value.as_bytes()) {
                    if !alias_position(&key, 8)
                        || alias.chars().count() > MAX_FIELD_LEN
                        || alias.chars().any(char::is_control)
                    {
                        return Err(invalid("aliases"));
                    }
                    if changes.aliases.iter().any(|(k, _)| *k == key) {
                        return Err(invalid("aliases"));
                    }
                    changes.aliases.push((key.into_owned(), alias.into_owned()));
                }
            }
            alias if alias_position(alias, 4) => changes.aliases.push((alias.to_string(), value.clone())),
            other => return Err(invalid(other)),
        }
    }
    Ok(changes)
}

/// Keeps `alias1`..`alias4` equal to the `aliases` map.
fn sync_alias_fields(user: &mut User) {
    user.alias1 = user.aliases.get("alias1").cloned();
    user.alias2 = user.aliases.get("alias2").cloned();
    user.alias3 = user.aliases.get("alias3").cloned();
    user.alias4 = user.aliases.get("alias4").cloned();
}

pub(crate) fn apply(user: &mut User, changes: Changes) {
    if let Some(v) = changes.username {
        user.username = v;
    }
    for (field, value) in [
        (&mut user.realname, changes.realname),
        (&mut user.firstname, changes.firstname),
        (&mut user.lastname, changes.lastname),
        (&mut user.email, changes.email),
        (&mut user.notes, changes.notes),
    ] {
        if let Some(v) = value {
            *field = Some(v);
        }
    }
    if let Some(status) = changes.status {
        user.status = status;
    }
    for (key, value) in changes.aliases {
        if value.is_empty() {
            user.aliases.remove(&key);
        } else {
            user.aliases.insert(key, value);
        }
    }
    sync_alias_fields(user);
}

/// Username and aliases must not clash with another user's username or aliases.
pub(crate) fn check_unique(store: &Store, user: &User, self_id: Option<&str>) -> Result<(), Reply> {
    if store.name_taken_by_other(&user.username, self_id) {
        return Err(fail(40003, "Duplicate resource", Some("username")));
    }
    let mut seen: Vec<String> = vec![user.username.to_lowercase()];
    for (key, alias) in &user.aliases {
        let lower = alias.to_lowercase();
        if seen.contains(&lower) || store.name_taken_by_other(alias, self_id) {
            return Err(invalid(key));
        }
        seen.push(lower);
    }
    Ok(())
}

pub(crate) fn blank_user(store: &Store, username: &str, now: i64) -> User {
    let mut user_id = random_user_id();
    while store.get(&user_id).is_some() {
        user_id = random_user_id();
    }
    User {
        alias1: None,
        alias2: None,
        alias3: None,
        alias4: None,
        aliases: BTreeMap::new(),
        created: Some(now),
        email: Some(String::new()),
        enable_auto_prompt: None,
        external_id: None,
        firstname: Some(String::new()),
        groups: Vec::new(),
        is_enrolled: Some(false),
        last_directory_sync: None,
        last_login: None,
        lastname: Some(String::new()),
        lockout_reason: None,
        notes: Some(String::new()),
        phones: Vec::new(),
        realname: Some(String::new()),
        status: UserStatus::Active,
        tokens: Vec::new(),
        u2ftokens: Vec::new(),
        user_id,
        username: username.to_string(),
        webauthncredentials: Vec::new(),
        extra: Default::default(),
    }
}

fn create_user(shared: &Shared, params: &Pairs) -> Result<Reply, Reply> {
    let form = Form(params);
    form.check(WRITE_PARAMS)?;
    if form.get("username").is_none_or(|u| u.trim().is_empty()) {
        return Err(missing("username"));
    }
    let changes = parse_changes(&form)?;
    let mut store = shared.write();
    let mut user = blank_user(&store, "", now_unix());
    apply(&mut user, changes);
    check_unique(&store, &user, None)?;
    let json = store.upsert(user);
    Ok(envelope_object(&json))
}

fn modify_user(shared: &Shared, id: &str, params: &Pairs) -> Result<Reply, Reply> {
    let form = Form(params);
    form.check(WRITE_PARAMS)?;
    let changes = parse_changes(&form)?;
    let mut store = shared.write();
    let entry = store.get(id).ok_or_else(|| not_found(Some("user_id")))?;
    let mut user = entry.user.clone();
    apply(&mut user, changes);
    if user == entry.user {
        return Ok(envelope_object(&entry.json));
    }
    check_unique(&store, &user, Some(id))?;
    let json = store.upsert(user);
    Ok(envelope_object(&json))
}

/// Copies what the directory knows onto a Duo user.
fn apply_directory(user: &mut User, source: &DirectoryUser, creating: bool) {
    if let Some(first) = &source.first_name {
        user.firstname = Some(first.clone());
    }
    if let Some(last) = &source.last_name {
        user.lastname = Some(last.clone());
    }
    let full = [source.first_name.as_deref(), source.last_name.as_deref()]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if !full.is_empty() {
        user.realname = Some(full);
    }
    if let Some(email) = &source.email {
        user.email = Some(email.clone());
    }
    match source.state {
        DirectoryUserState::Active => {
            if creating || matches!(user.status, UserStatus::Disabled | UserStatus::PendingDeletion) {
                user.status = UserStatus::Active;
            }
        }
        DirectoryUserState::Inactive | DirectoryUserState::Other(_) => user.status = UserStatus::Disabled,
    }
}

fn sync_user(shared: &Shared, directory_key: &str, params: &Pairs) -> Result<Reply, Reply> {
    let form = Form(params);
    form.check(&["username"])?;
    let username = form.get("username").filter(|u| !u.trim().is_empty()).ok_or_else(|| missing("username"))?;
    let mut store = shared.write();
    let directory = store.directory(directory_key).ok_or_else(|| not_found(Some("directory_key")))?;
    let source = directory.iter().find(|u| directory_user_matches(u, username)).cloned();
    let existing = store.find_by_name(username).map(|e| e.user.clone());
    let now = now_unix();
    let user = match (source, existing) {
        (Some(source), Some(mut user)) => {
            apply_directory(&mut user, &source, false);
            user.last_directory_sync = Some(now);
            user
        }
        (Some(source), None) => {
            let mut user = blank_user(&store, username, now);
            apply_directory(&mut user, &source, true);
            user.last_directory_sync = Some(now);
            user
        }
        (None, Some(mut user)) => {
            user.status = UserStatus::PendingDeletion;
            user.last_directory_sync = Some(now);
            user
        }
        (None, None) => return Err(not_found(Some("username"))),
    };
    let json = store.upsert(user);
    Ok(envelope_object(&json))
}
