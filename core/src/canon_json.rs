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
        }
    }
    out.push('}');
    out
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
