//! Decoding request parameters: form-encoded text (bodies and query strings), v5 JSON bodies,
//! and grouping decoded pairs into core's [`Params`]. A leaf module (it imports only `reply`).

use crate::reply::{Reply, fail};
use axum::http::{HeaderMap, header};
use duo_directory::{ParamValue, Params};

/// Decodes `application/x-www-form-urlencoded` text (or a query string): `+` is a space.
pub(crate) fn decode_form(input: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(input).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

/// Whether the request says its body is JSON.
pub(crate) fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.trim_start().to_ascii_lowercase().starts_with("application/json"))
}

/// Decodes a v5 JSON object body: values are strings, lists of strings, numbers or booleans
/// (and, for `aliases` only, an object of strings).
pub(crate) fn decode_json_body(body: &[u8]) -> Result<Vec<(String, String)>, Reply> {
    let invalid = |detail: &str| fail(40002, "Invalid request parameters", Some(detail));
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|_| invalid("body"))?;
    let serde_json::Value::Object(map) = value else { return Err(invalid("body")) };
    let mut pairs = Vec::with_capacity(map.len());
    for (key, value) in map {
        match value {
            serde_json::Value::String(s) => pairs.push((key, s)),
            serde_json::Value::Number(n) => pairs.push((key, n.to_string())),
            serde_json::Value::Bool(b) => pairs.push((key, b.to_string())),
            // `/admin/v1/bulk` takes `operations` as a JSON array of objects (or as its text)
            serde_json::Value::Array(items) if key == "operations" => {
                pairs.push((key, duo_directory::canon_json::value_to_json(&serde_json::Value::Array(items))));
            }
            serde_json::Value::Array(items) => {
                for item in items {
                    match item {
                        serde_json::Value::String(s) => pairs.push((key.clone(), s)),
                        serde_json::Value::Number(n) => pairs.push((key.clone(), n.to_string())),
                        serde_json::Value::Bool(b) => pairs.push((key.clone(), b.to_string())),
                        _ => return Err(invalid(&key)),
                    }
                }
            }
            // `aliases` as an object (`{"alias1": "a"}`) is the JSON form of `alias1=a`
            serde_json::Value::Object(inner) if key == "aliases" => {
                let mut form = form_urlencoded::Serializer::new(String::new());
                for (name, alias) in inner {
                    let serde_json::Value::String(alias) = alias else { return Err(invalid(&key)) };
                    form.append_pair(&name, &alias);
                }
                pairs.push((key, form.finish()));
            }
            serde_json::Value::Null | serde_json::Value::Object(_) => return Err(invalid(&key)),
        }
    }
    Ok(pairs)
}

/// Groups decoded pairs into core's [`Params`] (repeated names become lists).
pub(crate) fn to_params(pairs: &[(String, String)]) -> Params {
    let mut grouped: Vec<(&str, Vec<String>)> = Vec::new();
    for (k, v) in pairs {
        match grouped.iter_mut().find(|(name, _)| *name == k.as_str()) {
            Some((_, values)) => values.push(v.clone()),
            None => grouped.push((k.as_str(), vec![v.clone()])),
        }
    }
    let mut params = Params::new();
    for (name, mut values) in grouped {
        if values.len() == 1 {
            params.insert(name, ParamValue::One(values.pop().unwrap_or_default()));
        } else {
            params.insert(name, ParamValue::Many(values));
        }
    }
    params
}
