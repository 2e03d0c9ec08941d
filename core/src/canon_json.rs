//! JSON exactly as the official Python client writes a v5 body:
//! `json.dumps(params, sort_keys=True, separators=(",", ":"))` with `ensure_ascii=True`.

use crate::params::{ParamValue, Params};
use std::fmt::Write;

/// Canonical JSON of request parameters (keys sorted by code point, no spaces, ASCII only).
///
/// ```
/// use duo_directory::{canon_json::params_to_json, Params};
/// let p = Params::new().with("username", "jöe").with("alias1", "😀");
/// assert_eq!(params_to_json(&p), r#"{"alias1":"\ud83d\ude00","username":"j\u00f6e"}"#);
/// ```
pub fn params_to_json(params: &Params) -> String {
    let mut entries: Vec<(&str, &ParamValue)> = params.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    let mut out = String::with_capacity(64);
    out.push('{');
    for (i, (k, v)) in entries.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_str(&mut out, k);
        out.push(':');
        match v {
            ParamValue::One(s) => write_str(&mut out, s),
            ParamValue::Many(vs) => {
                out.push('[');
                for (j, s) in vs.iter().enumerate() {
                    if j > 0 {
                        out.push(',');
                    }
                    write_str(&mut out, s);
                }
                out.push(']');
            }
            ParamValue::Json(text) => out.push_str(text),
        }
    }
    out.push('}');
    out
}

/// Canonical JSON of any value, written as [`params_to_json`] writes parameters: object keys
/// sorted by code point, no spaces, ASCII only.
///
/// ```
/// use duo_directory::canon_json::value_to_json;
/// let v = serde_json::json!([{"path": "/admin/v1/users", "body": {"username": "jö"}, "method": "POST"}]);
/// assert_eq!(value_to_json(&v), r#"[{"body":{"username":"j\u00f6"},"method":"POST","path":"/admin/v1/users"}]"#);
/// ```
pub fn value_to_json(value: &serde_json::Value) -> String {
    let mut out = String::with_capacity(64);
    write_value(&mut out, value);
    out
}

fn write_value(out: &mut String, value: &serde_json::Value) {
    match value {
        serde_json::Value::Null => out.push_str("null"),
        serde_json::Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        serde_json::Value::Number(n) => out.push_str(&n.to_string()),
        serde_json::Value::String(s) => write_str(out, s),
        serde_json::Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        serde_json::Value::Object(map) => {
            let mut entries: Vec<(&String, &serde_json::Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_str(out, k);
                out.push(':');
                write_value(out, v);
            }
            out.push('}');
        }
    }
}

/// Writes `s` as a JSON string literal with Python's `ensure_ascii` escaping.
pub fn write_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0C}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
}
