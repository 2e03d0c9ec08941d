//! Option objects handed over as JSON by a binding (a Python `**kwargs` dict, a JavaScript
//! object): core reads them into its own option types, fills the defaults and names a wrong key.
//!
//! ```
//! use duo_directory::options::{KeyCase, from_value};
//! use duo_directory::{BulkOptions, Error};
//! let o: BulkOptions = from_value(Some(serde_json::json!({"chunkSize": 10})), KeyCase::Camel)?;
//! assert_eq!(o.chunk_size, Some(10));
//! let e = from_value::<BulkOptions>(Some(serde_json::json!({"chunkSize": "x"})), KeyCase::Camel).unwrap_err();
//! assert!(matches!(e, Error::InvalidInput { ref field, .. } if field == "chunkSize"), "{e}");
//! # Ok::<(), Error>(())
//! ```

use crate::error::{Error, Result};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// How the caller spells option keys: core's own `snake_case` (Python) or `camelCase` (Node).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyCase {
    /// `chunk_size`.
    Snake,
    /// `chunkSize`.
    Camel,
}

fn snake_of(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Reads an options object: absent or `null` gives the defaults; anything but an object, an
/// unknown key, a value of the wrong type or out of range is [`Error::InvalidInput`] naming the
/// key as the caller spelled it (`options` itself when it is not an object). Keys spelled in the
/// other case are unknown.
pub fn from_value<T: DeserializeOwned + Default>(value: Option<Value>, case: KeyCase) -> Result<T> {
    let map = match value {
        None | Some(Value::Null) => return Ok(T::default()),
        Some(Value::Object(map)) => map,
        Some(_) => return Err(Error::invalid("options", "expected an object")),
    };
    let mut spelled: Vec<(String, String)> = Vec::with_capacity(map.len());
    let mut core = Map::with_capacity(map.len());
    for (key, v) in map {
        let name = match case {
            KeyCase::Snake => key.clone(),
            // `chunk_size` is not a camelCase spelling.
            KeyCase::Camel if key.contains('_') => {
                return Err(Error::invalid(key, "unknown option (option names are camelCase here)"));
            }
            KeyCase::Camel => snake_of(&key),
        };
        spelled.push((name.clone(), key));
        core.insert(name, v);
    }
    let original = |name: &str| spelled.iter().find(|(n, _)| n == name).map_or(name.to_string(), |(_, k)| k.clone());
    serde_path_to_error::deserialize(Value::Object(core)).map_err(|e| {
        let path = e.path().to_string();
        let reason = crate::decode::strip_location(e.inner());
        let unknown = reason.strip_prefix("unknown field `").and_then(|rest| rest.split_once('`'));
        let field = match unknown {
            Some((name, _)) => original(name),
            None => {
                let (head, rest) = path.split_once('.').map_or((path.as_str(), ""), |(h, r)| (h, r));
                let head = original(head);
                if rest.is_empty() { head } else { format!("{head}.{rest}") }
            }
        };
        let field = if field.is_empty() || field == "." { "options".to_string() } else { field };
        Error::invalid(field, reason)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::BulkOptions;
    use crate::reconcile::ApplyOptions;
    use serde_json::json;

    fn field(e: Error) -> String {
        match e {
            Error::InvalidInput { field, .. } => field,
            other => panic!("not InvalidInput: {other}"),
        }
    }

    #[test]
    fn reads_both_cases_and_fills_defaults() {
        let o: ApplyOptions =
            from_value(Some(json!({"concurrency": 3, "chunkSize": 7, "journal": "j.log"})), KeyCase::Camel).unwrap();
        assert_eq!((o.concurrency, o.chunk_size), (Some(3), Some(7)));
        assert_eq!(o.journal.as_deref(), Some(std::path::Path::new("j.log")));
        let o: ApplyOptions = from_value(Some(json!({"chunk_size": 5})), KeyCase::Snake).unwrap();
        assert_eq!((o.concurrency, o.chunk_size, o.journal), (None, Some(5), None));
        let o: BulkOptions = from_value(None, KeyCase::Camel).unwrap();
        assert_eq!(o, BulkOptions::default());
        let o: BulkOptions = from_value(Some(json!({"encoding": "json_string"})), KeyCase::Snake).unwrap();
        assert_eq!(o.encoding, Some(crate::OperationsEncoding::JsonString));
    }

    #[test]
    fn names_the_wrong_key_as_spelled() {
        let e = from_value::<ApplyOptions>(Some(json!({"chunkSize": -1})), KeyCase::Camel).unwrap_err();
        assert_eq!(field(e), "chunkSize");
        let e = from_value::<ApplyOptions>(Some(json!({"concurency": 1})), KeyCase::Snake).unwrap_err();
        assert_eq!(field(e), "concurency");
        // the other case's spelling is unknown
        let e = from_value::<ApplyOptions>(Some(json!({"chunk_size": 1})), KeyCase::Camel).unwrap_err();
        assert_eq!(field(e), "chunk_size");
        let e = from_value::<ApplyOptions>(Some(json!({"chunkSize": 1})), KeyCase::Snake).unwrap_err();
        assert_eq!(field(e), "chunkSize");
        // a callback is not an option value
        let e = from_value::<ApplyOptions>(Some(json!({"progress": 1})), KeyCase::Snake).unwrap_err();
        assert_eq!(field(e), "progress");
        let e = from_value::<BulkOptions>(Some(json!({"encoding": "xml"})), KeyCase::Camel).unwrap_err();
        assert_eq!(field(e), "encoding");
        let e = from_value::<BulkOptions>(Some(json!([1])), KeyCase::Camel).unwrap_err();
        assert_eq!(field(e), "options");
    }
}
