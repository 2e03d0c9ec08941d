//! Reading JSON into models with errors that name the field, line and column.

use crate::error::Error;
use serde::de::DeserializeOwned;

/// Parses `text` into `T`. Errors name the offending field path, line and column.
///
/// ```
/// use duo_directory::{decode::from_json, User};
/// let err = from_json::<User>(r#"{"user_id": "DU1", "username": 7}"#).unwrap_err();
/// assert!(err.to_string().contains("username"), "{err}");
/// ```
pub fn from_json<T: DeserializeOwned>(text: &str) -> Result<T, Error> {
    from_slice(text.as_bytes())
}

/// Like [`from_json`], over bytes (which must be UTF-8).
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
    // Fast path: plain serde_json. Only a failing document pays for path tracking.
    if let Ok(value) = serde_json::from_slice(bytes) {
        return Ok(value);
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let result: Result<T, serde_path_to_error::Error<serde_json::Error>> = serde_path_to_error::deserialize(&mut de);
    let value = result.map_err(|e| path_error(e, bytes))?;
    de.end().map_err(|e| json_error(String::new(), &e, bytes))?;
    // Unreachable in practice (the fast path accepted nothing), but stay total.
    Ok(value)
}

/// Converts a serde_json value into `T` with the same field-naming errors.
pub fn from_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, Error> {
    serde_path_to_error::deserialize(value).map_err(|e| path_error(e, b""))
}

fn path_error(e: serde_path_to_error::Error<serde_json::Error>, bytes: &[u8]) -> Error {
    let path = e.path().to_string();
    let inner = e.into_inner();
    let message = inner.to_string();
    // serde reports a missing field against the enclosing object: name the field itself.
    let field = match message.split_once("missing field `").and_then(|(_, rest)| rest.split_once('`')) {
        Some((name, _)) if path == "." || path.is_empty() => name.to_string(),
        Some((name, _)) => format!("{path}.{name}"),
        None if path == "." => String::new(),
        None => path,
    };
    json_error(field, &inner, bytes)
}

fn json_error(field: String, e: &serde_json::Error, bytes: &[u8]) -> Error {
    Error::Decode {
        field,
        reason: strip_location(e),
        line: e.line(),
        column: e.column(),
        excerpt: if bytes.is_empty() { None } else { Some(crate::error::excerpt(bytes)) },
    }
}

/// A serde_json error's text without the " at line L column C" it appends (carried as numbers).
pub(crate) fn strip_location(e: &serde_json::Error) -> String {
    let mut reason = e.to_string();
    if let Some(idx) = reason.rfind(" at line ") {
        reason.truncate(idx);
    }
    reason
}
