//! The WorkOS-style directory API, served by the same process from the same directories that
//! Duo's directory sync reads: `GET /directories[/{id}]`, `/directory_users[/{id}]`,
//! `/directory_groups[/{id}]` and `/events`, with `Authorization: Bearer <directory API key>`
//! and cursor paging (`limit` 1-100, `before`, `after`, `order`).
//!
//! A directory is named by its key (`DKTEST`) and by the `directory_id` its users carry; its
//! groups are the groups its users list. Changes made through the emulator's API
//! ([`crate::Emulator::add_directory`], [`crate::Emulator::put_directory_user`],
//! [`crate::Emulator::remove_directory_user`]) are recorded as events (`GET /events`) and, when a
//! webhook is set ([`crate::Emulator::set_webhook`]), POSTed signed to it.

use crate::Shared;
use crate::reply::Reply;
use bytes::Bytes;
use duo_directory::{DirectoryGroup, DirectoryUser};
use serde_json::{Value, json};
use std::collections::BTreeMap;

type Pairs = [(String, String)];

const DEFAULT_LIMIT: usize = 10;
const MAX_LIMIT: usize = 100;

/// True for the paths this module serves.
pub(crate) fn serves(path: &str) -> bool {
    ["/directories", "/directory_users", "/directory_groups", "/events"]
        .iter()
        .any(|p| path == *p || path.strip_prefix(p).is_some_and(|rest| rest.starts_with('/')))
}

fn answer(status: u16, body: &Value) -> Reply {
    let mut reply = Reply::ok(Bytes::from(serde_json::to_vec(body).unwrap_or_default()));
    reply.status = status;
    reply
}

fn message(status: u16, text: &str) -> Reply {
    answer(status, &json!({ "message": text }))
}

/// Answers one directory API request (`authorization`: the request's header, if any).
pub(crate) fn handle(shared: &Shared, method: &str, path: &str, authorization: Option<&str>, params: &Pairs) -> Reply {
    let key = shared.directory_api_key.expose();
    let given = authorization.and_then(|a| a.strip_prefix("Bearer ")).map(str::trim);
    if given.is_none_or(|g| !constant_eq(g.as_bytes(), key.as_bytes())) {
        return answer(401, &json!({ "message": "Unauthorized", "code": "unauthorized" }));
    }
    if method != "GET" {
        return message(405, "Method Not Allowed");
    }
    let param = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let store = shared.read();
    let directories = store.directories();
    let mut segments = path.trim_start_matches('/').splitn(2, '/');
    let collection = segments.next().unwrap_or("");
    let id = segments.next();
    match (collection, id) {
        ("directories", Some(id)) => match directories.iter().find(|(key, users)| directory_id(key, users) == id) {
            Some((key, users)) => answer(200, &directory_json(key, users)),
            None => message(404, "Not Found"),
        },
        ("directories", None) => {
            let items: Vec<(String, Value)> =
                directories.iter().map(|(key, users)| (directory_id(key, users), directory_json(key, users))).collect();
            list(items, params)
        }
        ("directory_users", Some(id)) => {
            match directories.iter().flat_map(|(_, users)| users.iter()).find(|u| u.id == id) {
                Some(user) => answer(200, &user_json(user)),
                None => message(404, "Not Found"),
            }
        }
        ("directory_users", None) => {
            if (param("idp_id").is_some() || param("email").is_some()) && param("directory").is_none() {
                return answer(
                    422,
                    &json!({"message": "Validation failed.", "errors": [{"code": "required", "field": "directory"}]}),
                );
            }
            let items = directories
                .iter()
                .filter(|(key, users)| param("directory").is_none_or(|d| d == directory_id(key, users) || d == *key))
                .flat_map(|(_, users)| users.iter())
                .filter(|u| param("group").is_none_or(|g| u.groups.iter().any(|group| group.id == g)))
                .filter(|u| param("idp_id").is_none_or(|i| u.idp_id == i))
                .filter(|u| {
                    param("email").is_none_or(|e| u.email.as_deref().is_some_and(|m| m.eq_ignore_ascii_case(e)))
                })
                .map(|u| (u.id.clone(), user_json(u)))
                .collect();
            list(items, params)
        }
        ("directory_groups", Some(id)) => match groups(&directories, None, None).into_iter().find(|g| g.id == id) {
            Some(group) => answer(200, &group_json(&group)),
            None => message(404, "Not Found"),
        },
        ("directory_groups", None) => {
            let items = groups(&directories, param("directory"), param("user"))
                .into_iter()
                .map(|g| (g.id.clone(), group_json(&g)))
                .collect();
            list(items, params)
        }
        ("events", None) => {
            let Some(names) = param("events").filter(|e| !e.is_empty()) else {
                return answer(
                    422,
                    &json!({"message": "Validation failed.", "errors": [{"code": "required", "field": "events"}]}),
                );
            };
            let names: Vec<&str> = names.split(',').map(str::trim).collect();
            let items = shared
                .dsync
                .events()
                .into_iter()
                .filter(|e| e.get("event").and_then(Value::as_str).is_some_and(|n| names.contains(&n)))
                .map(|e| (e.get("id").and_then(Value::as_str).unwrap_or_default().to_string(), e))
                .collect();
            // events are listed oldest first; `after` is the stored cursor
            let mut params = params.to_vec();
            if !params.iter().any(|(k, _)| k == "order") {
                params.push(("order".into(), "asc".into()));
            }
            list(items, &params)
        }
        _ => message(404, "Not Found"),
    }
}

fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The id of the directory `key`: the `directory_id` its users carry, else the key.
pub(crate) fn directory_id(key: &str, users: &[DirectoryUser]) -> String {
    users.first().map(|u| u.directory_id.clone()).filter(|d| !d.is_empty()).unwrap_or_else(|| key.to_string())
}

fn directory_json(key: &str, users: &[DirectoryUser]) -> Value {
    let organization = users.iter().find_map(|u| u.organization_id.clone());
    json!({
        "object": "directory",
        "id": directory_id(key, users),
        "organization_id": organization,
        "external_key": key,
        "type": "generic scim v2.0",
        "state": "linked",
        "name": key,
        "created_at": "2024-01-01T00:00:00.000Z",
        "updated_at": "2024-01-01T00:00:00.000Z",
    })
}

/// A user as the API serves it (`DirectoryUserWithGroups`), `object` set.
pub(crate) fn user_json(user: &DirectoryUser) -> Value {
    let mut value = serde_json::to_value(user).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        map.insert("object".into(), "directory_user".into());
        map.entry("organization_id").or_insert(Value::Null);
    }
    value
}

fn group_json(group: &DirectoryGroup) -> Value {
    let mut value = serde_json::to_value(group).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        map.insert("object".into(), "directory_group".into());
        for member in ["idp_id", "directory_id", "organization_id", "created_at", "updated_at"] {
            map.entry(member).or_insert_with(|| match member {
                "created_at" | "updated_at" => "2024-01-01T00:00:00.000Z".into(),
                _ => "".into(),
            });
        }
    }
    value
}

/// The groups of the directories (optionally one directory, or one user's), each once, in order.
fn groups(
    directories: &[(String, Vec<DirectoryUser>)],
    directory: Option<&str>,
    user: Option<&str>,
) -> Vec<DirectoryGroup> {
    let mut seen = BTreeMap::new();
    let mut out = Vec::new();
    for (key, users) in directories {
        let id = directory_id(key, users);
        if directory.is_some_and(|d| d != id && d != key) {
            continue;
        }
        for u in users.iter().filter(|u| user.is_none_or(|want| u.id == want)) {
            for g in &u.groups {
                if seen.insert(g.id.clone(), ()).is_none() {
                    let mut g = g.clone();
                    g.directory_id.get_or_insert_with(|| id.clone());
                    if g.organization_id.is_none() {
                        g.organization_id = u.organization_id.clone();
                    }
                    out.push(g);
                }
            }
        }
    }
    out
}

/// One page of `items` (in creation order) by `limit`, `before`, `after` and `order`.
fn list(mut items: Vec<(String, Value)>, params: &Pairs) -> Reply {
    let param = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let limit = match param("limit").map(str::parse::<usize>) {
        None => DEFAULT_LIMIT,
        Some(Ok(n)) if (1..=MAX_LIMIT).contains(&n) => n,
        Some(_) => {
            return answer(
                422,
                &json!({"message": "Validation failed.", "errors": [{"code": "invalid", "field": "limit"}]}),
            );
        }
    };
    match param("order") {
        None | Some("desc" | "normal") => items.reverse(),
        Some("asc") => {}
        Some(_) => {
            return answer(
                422,
                &json!({"message": "Validation failed.", "errors": [{"code": "invalid", "field": "order"}]}),
            );
        }
    }
    let position = |id: &str| items.iter().position(|(i, _)| i == id);
    let (start, end) = if let Some(after) = param("after") {
        let start = position(after).map_or(items.len(), |p| p + 1);
        (start, (start + limit).min(items.len()))
    } else if let Some(before) = param("before") {
        let end = position(before).unwrap_or(0);
        (end.saturating_sub(limit), end)
    } else {
        (0, limit.min(items.len()))
    };
    let page: Vec<Value> = items.get(start..end).unwrap_or_default().iter().map(|(_, v)| v.clone()).collect();
    let after = (end < items.len()).then(|| items.get(end.saturating_sub(1)).map(|(id, _)| id.clone())).flatten();
    let before = (start > 0).then(|| items.get(start).map(|(id, _)| id.clone())).flatten();
    answer(200, &json!({ "object": "list", "data": page, "list_metadata": { "before": before, "after": after } }))
}
