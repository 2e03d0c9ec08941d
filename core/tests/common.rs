//! Helpers shared by the core's integration tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use duo_directory::{ParamValue, Params};
use serde_json::Value;

/// Reads a file of the repository's shared `tests/vectors/` folder.
pub fn vector_file(name: &str) -> String {
    let path = format!("{}/../tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

/// Vector params (`{"k": "v" | ["v", ...]}`) as core `Params`, in the file's order.
pub fn params_from_json(value: &Value) -> Params {
    let mut params = Params::new();
    for (k, v) in value.as_object().expect("params object") {
        let pv = match v {
            Value::String(s) => ParamValue::One(s.clone()),
            Value::Array(items) => {
                ParamValue::Many(items.iter().map(|i| i.as_str().expect("string item").to_string()).collect())
            }
            other => panic!("unexpected param value {other}"),
        };
        params.insert(k.clone(), pv);
    }
    params
}
