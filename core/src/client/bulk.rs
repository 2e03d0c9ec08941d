//! Duo's bulk and trash calls (`../shared/reference/duo-bulk.md`): `bulk_create` (up to 100
//! users a call, all-or-nothing per call), `bulk_send_to_trash` / `bulk_restore` (per-item
//! results), the generic `/admin/v1/bulk` and the `pending_deletion_days` setting.
//!
//! Every list is validated completely before anything is sent, and sent in chunks no larger
//! than Duo takes ([`MAX_BULK_CREATE`], [`MAX_BULK_IDS`], [`MAX_BULK_OPERATIONS`]); a smaller
//! `chunk_size` may be asked for, a larger one is refused. The four bulk endpoints are always
//! signed with v5 (the only version Duo's own collection uses for them; nested JSON cannot be
//! form-encoded).

use super::{Client, PreparedRequest, Preview, path_id};
use crate::error::{Error, Result};
use crate::models::{User, UserCreate};
use crate::params::{ParamValue, Params};
use crate::sign::SigVersion;
use serde::{Deserialize, Serialize};

/// Most users in one `POST /admin/v1/users/bulk_create` (Duo's documented 100).
pub const MAX_BULK_CREATE: u32 = 100;
/// Most ids in one `bulk_send_to_trash` / `bulk_restore` (not published by Duo; 100 assumed,
/// as for every other `user_id_list`).
pub const MAX_BULK_IDS: u32 = 100;
/// Most operations in one `POST /admin/v1/bulk` (50, from Duo's own client comments).
pub const MAX_BULK_OPERATIONS: u32 = 50;

/// The per-user fields `bulk_create` accepts (Duo's Ruby client 1.5.0 documents exactly these).
pub const BULK_CREATE_FIELDS: [&str; 7] = ["username", "realname", "firstname", "lastname", "email", "status", "notes"];

/// How the `operations` of `/admin/v1/bulk` travel: Duo's Postman collection sends a JSON
/// array, its Ruby and (unreleased) Python clients a JSON-encoded string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OperationsEncoding {
    /// `{"operations": [{...}, ...]}` (the default).
    #[default]
    Array,
    /// `{"operations": "[{...}, ...]"}`.
    JsonString,
}

impl OperationsEncoding {
    /// `array` or `json_string`.
    pub fn as_str(self) -> &'static str {
        match self {
            OperationsEncoding::Array => "array",
            OperationsEncoding::JsonString => "json_string",
        }
    }
}

impl std::str::FromStr for OperationsEncoding {
    type Err = Error;
    /// ```
    /// use duo_directory::OperationsEncoding;
    /// assert_eq!("json_string".parse::<OperationsEncoding>()?, OperationsEncoding::JsonString);
    /// assert!("xml".parse::<OperationsEncoding>().is_err());
    /// # Ok::<(), duo_directory::Error>(())
    /// ```
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "array" => Ok(OperationsEncoding::Array),
            "json_string" => Ok(OperationsEncoding::JsonString),
            other => Err(Error::invalid("encoding", format!("{other:?} is not array or json_string"))),
        }
    }
}

/// Options of the bulk calls; `None` keeps the default. Bindings read it from their option
/// object with [`crate::options::from_value`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BulkOptions {
    /// Items per request (default and maximum: the call's Duo limit).
    pub chunk_size: Option<u32>,
    /// Encoding of `operations` for [`Client::bulk`] (default [`OperationsEncoding::Array`]).
    pub encoding: Option<OperationsEncoding>,
}

/// Checks a chunk size against the call's limit.
///
/// ```
/// use duo_directory::bulk_chunk_size;
/// assert_eq!(bulk_chunk_size(None, 100)?, 100);
/// assert_eq!(bulk_chunk_size(Some(10), 100)?, 10);
/// assert!(bulk_chunk_size(Some(101), 100).is_err());
/// assert!(bulk_chunk_size(Some(0), 100).is_err());
/// # Ok::<(), duo_directory::Error>(())
/// ```
pub fn bulk_chunk_size(requested: Option<u32>, max: u32) -> Result<usize> {
    match requested {
        None => Ok(max as usize),
        Some(n) if (1..=max).contains(&n) => Ok(n as usize),
        Some(n) => {
            Err(Error::invalid("chunk_size", format!("{n} is outside 1..={max}, the most Duo takes in one call")))
        }
    }
}

/// The result of one id in a trash or restore call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrashResult {
    /// The user's id.
    pub user_id: String,
    /// Whether Duo moved this user (into the trash, or out of it).
    pub success: bool,
}

/// One operation of [`Client::bulk`]: a method, an Admin API path and its parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BulkOperation {
    /// `POST` or `DELETE`.
    pub method: String,
    /// The operation's path (`/admin/v1/users`, `/admin/v1/users/{user_id}`, ...).
    pub path: String,
    /// Its parameters, as the single endpoint takes them.
    #[serde(default)]
    pub body: serde_json::Map<String, serde_json::Value>,
}

impl BulkOperation {
    /// Reads the operations a binding was handed as JSON (an array of `{method, path, body}`
    /// objects); anything else is [`Error::InvalidInput`] (field `operations`).
    ///
    /// ```
    /// use duo_directory::BulkOperation;
    /// let ops = BulkOperation::list_from_value(serde_json::json!([{"method": "DELETE", "path": "/admin/v1/users/DU1"}]))?;
    /// assert_eq!(ops[0].method, "DELETE");
    /// assert!(BulkOperation::list_from_value(serde_json::json!([{"method": "POST"}])).is_err());
    /// # Ok::<(), duo_directory::Error>(())
    /// ```
    pub fn list_from_value(value: serde_json::Value) -> Result<Vec<BulkOperation>> {
        serde_json::from_value(value).map_err(|e| {
            Error::invalid("operations", format!("expected a list of {{method, path, body}} objects: {e}"))
        })
    }
}

/// The answer to one operation of [`Client::bulk`], in the order of the operations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BulkOperationResult {
    /// `OK` or `FAIL`.
    #[serde(default)]
    pub stat: String,
    /// The operation's `response`, when it succeeded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<serde_json::Value>,
    /// Duo's error code, when it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<i64>,
    /// Duo's message, when it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Duo's detail, when it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_detail: Option<String>,
}

impl BulkOperationResult {
    /// Whether the operation succeeded (`stat` is `OK`).
    pub fn ok(&self) -> bool {
        self.stat == "OK"
    }
}

/// The JSON objects `bulk_create` takes for these users (validated; aliases refused).
fn create_objects(users: &[UserCreate]) -> Result<Vec<serde_json::Value>> {
    let mut seen: Vec<(String, usize)> = Vec::with_capacity(users.len());
    let mut objects = Vec::with_capacity(users.len());
    for (i, user) in users.iter().enumerate() {
        let at = |field: &str| format!("users[{i}].{field}");
        for (name, value) in
            [("alias1", &user.alias1), ("alias2", &user.alias2), ("alias3", &user.alias3), ("alias4", &user.alias4)]
        {
            if value.is_some() {
                return Err(Error::invalid(
                    at(name),
                    format!(
                        "bulk_create accepts only {}; create the user, then set aliases with update_user",
                        BULK_CREATE_FIELDS.join(", ")
                    ),
                ));
            }
        }
        let params = user.to_params().map_err(|e| match e {
            Error::InvalidInput { field, reason } => Error::InvalidInput { field: at(&field), reason },
            other => other,
        })?;
        let lower = user.username.to_lowercase();
        if let Some((_, first)) = seen.iter().find(|(name, _)| *name == lower) {
            return Err(Error::invalid(at("username"), format!("{:?} is also users[{first}]", user.username)));
        }
        seen.push((lower, i));
        let mut object = serde_json::Map::new();
        for (name, value) in params.iter() {
            if let ParamValue::One(v) = value {
                object.insert(name.to_string(), serde_json::Value::String(v.clone()));
            }
        }
        objects.push(serde_json::Value::Object(object));
    }
    Ok(objects)
}

fn check_ids(user_ids: &[String]) -> Result<()> {
    for (i, id) in user_ids.iter().enumerate() {
        path_id(&format!("user_ids[{i}]"), id)?;
    }
    Ok(())
}

fn check_operations(operations: &[BulkOperation]) -> Result<()> {
    for (i, op) in operations.iter().enumerate() {
        let method = op.method.to_ascii_uppercase();
        if !matches!(method.as_str(), "POST" | "DELETE") {
            return Err(Error::invalid(
                format!("operations[{i}].method"),
                format!("{:?} is not POST or DELETE", op.method),
            ));
        }
        let path = &op.path;
        let clean = path.starts_with("/admin/")
            && !path.contains(['?', '#'])
            && !path.contains("//")
            && !path.split('/').any(|s| matches!(s, "." | ".."))
            && !path.chars().any(|c| c.is_whitespace() || c.is_control());
        if !clean {
            return Err(Error::invalid(
                format!("operations[{i}].path"),
                format!("{path:?} is not an Admin API path such as /admin/v1/users/DU3RP9I2WOC59VZX672N"),
            ));
        }
    }
    Ok(())
}

fn to_text<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::Internal { message: e.to_string() })
}

impl Preview<'_> {
    /// The `POST /admin/v1/users/bulk_create` requests (one per chunk) that
    /// [`Client::bulk_create_users`] would send.
    pub fn bulk_create_users(&self, users: &[UserCreate], options: &BulkOptions) -> Result<Vec<PreparedRequest>> {
        let size = bulk_chunk_size(options.chunk_size, MAX_BULK_CREATE)?;
        let objects = create_objects(users)?;
        objects
            .chunks(size)
            .map(|chunk| {
                let params = Params::new().with("users", to_text(&chunk)?);
                self.client.prepare_signed("POST", "/admin/v1/users/bulk_create", params, SigVersion::V5)
            })
            .collect()
    }

    /// The `POST /admin/v1/users/bulk_send_to_trash` requests of [`Client::send_users_to_trash`].
    pub fn send_users_to_trash(&self, user_ids: &[String], options: &BulkOptions) -> Result<Vec<PreparedRequest>> {
        self.id_lists("/admin/v1/users/bulk_send_to_trash", user_ids, options)
    }

    /// The `POST /admin/v1/users/bulk_restore` requests of [`Client::restore_users_from_trash`].
    pub fn restore_users_from_trash(&self, user_ids: &[String], options: &BulkOptions) -> Result<Vec<PreparedRequest>> {
        self.id_lists("/admin/v1/users/bulk_restore", user_ids, options)
    }

    fn id_lists(&self, path: &str, user_ids: &[String], options: &BulkOptions) -> Result<Vec<PreparedRequest>> {
        let size = bulk_chunk_size(options.chunk_size, MAX_BULK_IDS)?;
        check_ids(user_ids)?;
        user_ids
            .chunks(size)
            .map(|chunk| {
                let params = Params::new().with("user_id_list", to_text(&chunk)?);
                self.client.prepare_signed("POST", path, params, SigVersion::V5)
            })
            .collect()
    }

    /// The `POST /admin/v1/bulk` requests (one per chunk) of [`Client::bulk`].
    pub fn bulk(&self, operations: &[BulkOperation], options: &BulkOptions) -> Result<Vec<PreparedRequest>> {
        let size = bulk_chunk_size(options.chunk_size, MAX_BULK_OPERATIONS)?;
        check_operations(operations)?;
        let encoding = options.encoding.unwrap_or_default();
        operations
            .chunks(size)
            .map(|chunk| {
                let ops: Vec<serde_json::Value> = chunk
                    .iter()
                    .map(|op| {
                        serde_json::json!({"method": op.method.to_ascii_uppercase(), "path": op.path, "body": op.body})
                    })
                    .collect();
                let canonical = crate::canon_json::value_to_json(&serde_json::Value::Array(ops));
                let value = match encoding {
                    OperationsEncoding::Array => ParamValue::Json(canonical),
                    OperationsEncoding::JsonString => ParamValue::One(canonical),
                };
                self.client.prepare_signed(
                    "POST",
                    "/admin/v1/bulk",
                    Params::new().with("operations", value),
                    SigVersion::V5,
                )
            })
            .collect()
    }
}

impl Client {
    /// Creates users with `POST /admin/v1/users/bulk_create`, [`MAX_BULK_CREATE`] (or
    /// `chunk_size`) a request; returns the created users in input order. Each request is
    /// all-or-nothing, as Duo documents it; when a later request fails, the users of the
    /// earlier ones exist (send one chunk at a time to know exactly). Per user, only
    /// [`BULK_CREATE_FIELDS`] are accepted: an alias is [`Error::InvalidInput`] naming
    /// `users[i].aliasN`, and nothing is sent.
    pub async fn bulk_create_users(&self, users: &[UserCreate], options: &BulkOptions) -> Result<Vec<User>> {
        let mut created = Vec::with_capacity(users.len());
        for request in self.preview().bulk_create_users(users, options)? {
            let envelope = self.execute(&request).await?;
            let chunk: Vec<User> = crate::decode::from_slice(&envelope.response)?;
            created.extend(chunk);
        }
        Ok(created)
    }

    /// Moves users to the trash (`pending deletion`, permanently deleted after
    /// [`Client::pending_deletion_days`]); Duo's soft delete. One result per id, in input order.
    pub async fn send_users_to_trash(&self, user_ids: &[String], options: &BulkOptions) -> Result<Vec<TrashResult>> {
        self.send_id_lists(self.preview().send_users_to_trash(user_ids, options)?).await
    }

    /// Takes users out of the trash. One result per id, in input order.
    pub async fn restore_users_from_trash(
        &self,
        user_ids: &[String],
        options: &BulkOptions,
    ) -> Result<Vec<TrashResult>> {
        self.send_id_lists(self.preview().restore_users_from_trash(user_ids, options)?).await
    }

    async fn send_id_lists(&self, requests: Vec<PreparedRequest>) -> Result<Vec<TrashResult>> {
        let mut results = Vec::new();
        for request in requests {
            let envelope = self.execute(&request).await?;
            let chunk: Vec<TrashResult> = crate::decode::from_slice(&envelope.response)?;
            results.extend(chunk);
        }
        Ok(results)
    }

    /// Runs operations with `POST /admin/v1/bulk`, [`MAX_BULK_OPERATIONS`] (or `chunk_size`)
    /// a request, serially on Duo's side; one result per operation, in order.
    pub async fn bulk(&self, operations: &[BulkOperation], options: &BulkOptions) -> Result<Vec<BulkOperationResult>> {
        let mut results = Vec::with_capacity(operations.len());
        for request in self.preview().bulk(operations, options)? {
            let envelope = self.execute(&request).await?;
            let chunk: Vec<BulkOperationResult> = crate::decode::from_slice(&envelope.response)?;
            results.extend(chunk);
        }
        Ok(results)
    }

    /// Days a trashed user stays `pending deletion` before Duo deletes it for good (the
    /// `pending_deletion_days` of `GET /admin/v1/settings`); `None` when Duo does not say.
    pub async fn pending_deletion_days(&self) -> Result<Option<u32>> {
        let settings = self.call("GET", "/admin/v1/settings", Params::new()).await?;
        Ok(match settings.get("pending_deletion_days") {
            Some(serde_json::Value::Number(n)) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
            Some(serde_json::Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        })
    }
}

impl super::blocking::Client {
    /// See [`Client::bulk_create_users`].
    pub fn bulk_create_users(&self, users: &[UserCreate], options: &BulkOptions) -> Result<Vec<User>> {
        crate::runtime::block_on(self.as_async().bulk_create_users(users, options))?
    }

    /// See [`Client::send_users_to_trash`].
    pub fn send_users_to_trash(&self, user_ids: &[String], options: &BulkOptions) -> Result<Vec<TrashResult>> {
        crate::runtime::block_on(self.as_async().send_users_to_trash(user_ids, options))?
    }

    /// See [`Client::restore_users_from_trash`].
    pub fn restore_users_from_trash(&self, user_ids: &[String], options: &BulkOptions) -> Result<Vec<TrashResult>> {
        crate::runtime::block_on(self.as_async().restore_users_from_trash(user_ids, options))?
    }

    /// See [`Client::bulk`].
    pub fn bulk(&self, operations: &[BulkOperation], options: &BulkOptions) -> Result<Vec<BulkOperationResult>> {
        crate::runtime::block_on(self.as_async().bulk(operations, options))?
    }

    /// See [`Client::pending_deletion_days`].
    pub fn pending_deletion_days(&self) -> Result<Option<u32>> {
        crate::runtime::block_on(self.as_async().pending_deletion_days())?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client() -> Client {
        Client::new(crate::ClientConfig::new("DIXXXXXXXXXXXXXXXXXX", "secret", "api-x.duosecurity.com")).unwrap()
    }

    #[test]
    fn aliases_are_refused_by_bulk_create() {
        let users = vec![UserCreate::new("a"), UserCreate { alias1: Some("x".into()), ..UserCreate::new("b") }];
        let err = client().preview().bulk_create_users(&users, &BulkOptions::default()).unwrap_err();
        assert!(matches!(&err, Error::InvalidInput { field, .. } if field == "users[1].alias1"), "{err}");
    }

    #[test]
    fn bulk_create_chunks_and_encodes_users_as_a_json_string() {
        let users: Vec<UserCreate> = (0..205).map(|i| UserCreate::new(format!("u{i}"))).collect();
        let requests = client().preview().bulk_create_users(&users, &BulkOptions::default()).unwrap();
        assert_eq!(requests.len(), 3);
        let body = requests[2].body.as_ref().unwrap().text().to_string();
        assert_eq!(
            body,
            r#"{"users":"[{\"username\":\"u200\"},{\"username\":\"u201\"},{\"username\":\"u202\"},{\"username\":\"u203\"},{\"username\":\"u204\"}]"}"#
        );
        let small = BulkOptions { chunk_size: Some(50), ..Default::default() };
        assert_eq!(client().preview().bulk_create_users(&users, &small).unwrap().len(), 5);
        let big = BulkOptions { chunk_size: Some(101), ..Default::default() };
        assert!(
            matches!(client().preview().bulk_create_users(&users, &big), Err(Error::InvalidInput { field, .. }) if field == "chunk_size")
        );
    }

    #[test]
    fn duplicate_usernames_in_one_bulk_create_are_refused() {
        let users = vec![UserCreate::new("Ann"), UserCreate::new("ann")];
        let err = client().preview().bulk_create_users(&users, &BulkOptions::default()).unwrap_err();
        assert!(matches!(&err, Error::InvalidInput { field, .. } if field == "users[1].username"), "{err}");
    }

    #[test]
    fn operations_encoding_switches_between_array_and_string() {
        let ops = vec![BulkOperation {
            method: "post".into(),
            path: "/admin/v1/users".into(),
            body: serde_json::json!({"username": "n1"}).as_object().unwrap().clone(),
        }];
        let array = client().preview().bulk(&ops, &BulkOptions::default()).unwrap();
        assert_eq!(
            array[0].body.as_ref().unwrap().text(),
            r#"{"operations":[{"body":{"username":"n1"},"method":"POST","path":"/admin/v1/users"}]}"#
        );
        let string = BulkOptions { encoding: Some(OperationsEncoding::JsonString), ..Default::default() };
        let string = client().preview().bulk(&ops, &string).unwrap();
        assert_eq!(
            string[0].body.as_ref().unwrap().text(),
            r#"{"operations":"[{\"body\":{\"username\":\"n1\"},\"method\":\"POST\",\"path\":\"/admin/v1/users\"}]"}"#
        );
        let bad =
            vec![BulkOperation { method: "GET".into(), path: "/admin/v1/users".into(), body: Default::default() }];
        assert!(client().preview().bulk(&bad, &BulkOptions::default()).is_err());
    }

    #[test]
    fn trash_ids_are_checked_and_always_signed_v5() {
        let mut config = crate::ClientConfig::new("DIXXXXXXXXXXXXXXXXXX", "secret", "api-x.duosecurity.com");
        config.sig_version = SigVersion::V2;
        let client = Client::new(config).unwrap();
        let ids = vec!["DU1".to_string(), "../x".to_string()];
        assert!(client.preview().send_users_to_trash(&ids, &BulkOptions::default()).is_err());
        let ids = vec!["DU1".to_string(), "DU2".to_string()];
        let requests = client.preview().restore_users_from_trash(&ids, &BulkOptions::default()).unwrap();
        assert_eq!(requests[0].body.as_ref().unwrap().text(), r#"{"user_id_list":"[\"DU1\",\"DU2\"]"}"#);
    }
}
