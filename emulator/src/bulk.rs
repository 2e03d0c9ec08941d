//! The bulk endpoints (`../shared/reference/duo-bulk.md`): `bulk_create` (all-or-nothing,
//! at most 100 users, only the fields Duo's Ruby client documents), `bulk_send_to_trash` and
//! `bulk_restore` (per-item `{"user_id", "success"}`), `/admin/v1/bulk` (operations run
//! serially, one result envelope per operation, continuing after a failure) and the
//! `pending_deletion_days` setting (`GET`/`POST /admin/v1/settings`).
//!
//! Rate limits: Duo publishes none for these endpoints. The emulator counts each bulk request
//! as ONE write, whatever the number of users or operations it carries (the server's limiter
//! counts HTTP requests by class before dispatch); that is the assumption the client's
//! chunking is designed around, and the benchmark's floor in `docs/benchmarks.md` says so.

use crate::Shared;
use crate::handlers::{Form, apply, blank_user, check_unique, invalid, method_not_allowed, missing, parse_changes};
use crate::ids::now_unix;
use crate::reply::{Reply, fail};
use bytes::Bytes;
use duo_directory::{User, UserStatus};

type Answer = Result<Reply, Reply>;
type Pairs = [(String, String)];

/// Most users in one `bulk_create`, and ids in one trash / restore.
const MAX_ITEMS: usize = 100;
/// Most operations in one `/admin/v1/bulk`.
const MAX_OPERATIONS: usize = 50;
/// The fields `bulk_create` accepts per user.
const CREATE_FIELDS: [&str; 7] = ["username", "realname", "firstname", "lastname", "email", "status", "notes"];
/// Duo's default trash window.
const DEFAULT_PENDING_DELETION_DAYS: u32 = 7;

/// Answers the bulk and settings paths; `None` for any other.
pub(crate) fn dispatch(shared: &Shared, method: &str, path: &str, params: &Pairs) -> Option<Answer> {
    let post = |f: &dyn Fn() -> Answer| if method == "POST" { f() } else { Err(method_not_allowed()) };
    Some(match path {
        "/admin/v1/users/bulk_create" => post(&|| bulk_create(shared, params)),
        "/admin/v1/users/bulk_send_to_trash" => post(&|| trash(shared, params, true)),
        "/admin/v1/users/bulk_restore" => post(&|| trash(shared, params, false)),
        "/admin/v1/bulk" => post(&|| operations(shared, params)),
        "/admin/v1/settings" => match method {
            "GET" => settings(shared, params),
            "POST" => update_settings(shared, params),
            _ => Err(method_not_allowed()),
        },
        _ => return None,
    })
}

fn list_envelope(items: &[Bytes]) -> Reply {
    let mut body = Vec::with_capacity(items.iter().map(Bytes::len).sum::<usize>() + 32);
    body.extend_from_slice(br#"{"stat":"OK","response":["#);
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            body.push(b',');
        }
        body.extend_from_slice(item);
    }
    body.extend_from_slice(b"]}");
    Reply::ok(Bytes::from(body))
}

/// A JSON object's members as decoded pairs (strings, numbers and booleans as text).
fn object_pairs(
    object: &serde_json::Map<String, serde_json::Value>,
    name: &str,
) -> Result<Vec<(String, String)>, Reply> {
    let bytes = serde_json::to_vec(object).map_err(|_| invalid(name))?;
    crate::form::decode_json_body(&bytes)
}

fn bulk_create(shared: &Shared, params: &Pairs) -> Answer {
    let form = Form(params);
    form.check(&["users"])?;
    let text = form.get("users").ok_or_else(|| missing("users"))?;
    let items: Vec<serde_json::Map<String, serde_json::Value>> =
        serde_json::from_str(text).map_err(|_| invalid("users"))?;
    if items.is_empty() || items.len() > MAX_ITEMS {
        return Err(invalid("users"));
    }
    let mut store = shared.write();
    let now = now_unix();
    let mut created: Vec<User> = Vec::with_capacity(items.len());
    for item in &items {
        let pairs = object_pairs(item, "users")?;
        let form = Form(&pairs);
        form.check(&CREATE_FIELDS)?;
        if form.get("username").is_none_or(|u| u.trim().is_empty()) {
            return Err(missing("username"));
        }
        let changes = parse_changes(&form)?;
        let mut user = blank_user(&store, "", now);
        while created.iter().any(|c| c.user_id == user.user_id) {
            user = blank_user(&store, "", now);
        }
        apply(&mut user, changes);
        check_unique(&store, &user, None)?;
        if created.iter().any(|c| c.username.eq_ignore_ascii_case(&user.username)) {
            return Err(fail(40003, "Duplicate resource", Some("username")));
        }
        created.push(user);
    }
    // every user checked: only now is anything stored (all-or-nothing)
    let json: Vec<Bytes> = created.into_iter().map(|u| store.upsert(u)).collect();
    Ok(list_envelope(&json))
}

fn trash(shared: &Shared, params: &Pairs, into: bool) -> Answer {
    let form = Form(params);
    form.check(&["user_id_list"])?;
    let text = form.get("user_id_list").ok_or_else(|| missing("user_id_list"))?;
    let ids: Vec<String> = serde_json::from_str(text).map_err(|_| invalid("user_id_list"))?;
    if ids.is_empty() || ids.len() > MAX_ITEMS {
        return Err(invalid("user_id_list"));
    }
    let mut store = shared.write();
    let mut results = Vec::with_capacity(ids.len());
    for id in &ids {
        let success = match store.get(id).map(|e| e.user.clone()) {
            None => false,
            Some(mut user) if into => {
                if user.status != UserStatus::PendingDeletion {
                    store.trash.insert(id.clone(), user.status.clone());
                    user.status = UserStatus::PendingDeletion;
                    store.upsert(user);
                }
                true
            }
            Some(mut user) if user.status == UserStatus::PendingDeletion => {
                user.status = store.trash.remove(id).unwrap_or(UserStatus::Active);
                store.upsert(user);
                true
            }
            Some(_) => false,
        };
        let item = serde_json::json!({"user_id": id, "success": success});
        results.push(Bytes::from(serde_json::to_vec(&item).unwrap_or_default()));
    }
    Ok(list_envelope(&results))
}

fn operations(shared: &Shared, params: &Pairs) -> Answer {
    let form = Form(params);
    form.check(&["operations"])?;
    let text = form.get("operations").ok_or_else(|| missing("operations"))?;
    let ops: Vec<serde_json::Map<String, serde_json::Value>> =
        serde_json::from_str(text).map_err(|_| invalid("operations"))?;
    if ops.is_empty() || ops.len() > MAX_OPERATIONS {
        return Err(invalid("operations"));
    }
    let mut parsed = Vec::with_capacity(ops.len());
    for op in &ops {
        let method = op.get("method").and_then(|m| m.as_str()).map(str::to_ascii_uppercase);
        let path = op.get("path").and_then(|p| p.as_str());
        let (Some(method), Some(path)) = (method, path) else { return Err(invalid("operations")) };
        if !matches!(method.as_str(), "POST" | "DELETE") || !path.starts_with("/admin/v1/users") {
            return Err(invalid("operations"));
        }
        let body = match op.get("body") {
            None | Some(serde_json::Value::Null) => Vec::new(),
            Some(serde_json::Value::Object(body)) => object_pairs(body, "operations")?,
            Some(_) => return Err(invalid("operations")),
        };
        parsed.push((method, path.to_string(), body));
    }
    let mut results = Vec::with_capacity(parsed.len());
    for (method, path, body) in parsed {
        let reply = crate::handlers::dispatch(shared, &method, &path, &body);
        results.push(reply.body);
    }
    Ok(list_envelope(&results))
}

fn settings(shared: &Shared, params: &Pairs) -> Answer {
    Form(params).check(&[])?;
    let days = shared.read().pending_deletion_days.unwrap_or(DEFAULT_PENDING_DELETION_DAYS);
    let body = serde_json::json!({"stat": "OK", "response": {"pending_deletion_days": days}});
    Ok(Reply::ok(Bytes::from(serde_json::to_vec(&body).unwrap_or_default())))
}

fn update_settings(shared: &Shared, params: &Pairs) -> Answer {
    let form = Form(params);
    form.check(&["pending_deletion_days"])?;
    if let Some(text) = form.get("pending_deletion_days") {
        let days: u32 = text
            .trim()
            .parse()
            .ok()
            .filter(|d| (1..=365).contains(d))
            .ok_or_else(|| invalid("pending_deletion_days"))?;
        shared.write().pending_deletion_days = Some(days);
    }
    settings(shared, &[])
}
