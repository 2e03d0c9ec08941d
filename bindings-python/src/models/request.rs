//! `PreparedRequest`: what a preview returns (the exact request, without its secret-derived header).

use super::nested::arc_model;
use super::{Model, getters};
use crate::convert::Json;
use duo_directory::{Error, PreparedRequest};
use pyo3::prelude::*;
use std::sync::Arc;

arc_model!(
    /// The exact request a call would send (method, path, params, query, body, headers), with no
    /// `Authorization` header and no secret. Returned by every `client.preview.*` method; sends nothing.
    PyPreparedRequest(PreparedRequest) as "PreparedRequest"
);

impl From<PreparedRequest> for PyPreparedRequest {
    fn from(r: PreparedRequest) -> Self {
        PyPreparedRequest::wrap(r)
    }
}

getters!(PyPreparedRequest, value, |r| {
    /// HTTP method, upper-case.
    method: &str = &r.method;
    /// Request path (ids checked), without the query string.
    path: &str = &r.path;
    /// The logical parameters: `dict[str, str | list[str]]` (a new dict on each access).
    params: Json = Json::of(&r.params);
    /// Query string (without `?`); empty when the parameters travel in the body.
    query: &str = &r.query;
    /// Request body (v5: JSON; v2: form), or None.
    body: Option<&str> = r.body.as_ref().map(|b| b.text());
    /// Headers that would be sent, secrets excluded (`Host`, `Date`, `Content-Type`, `User-Agent`).
    headers: Json = Json(r.headers.iter().map(|(k, v)| (k.clone(), serde_json::Value::from(v.as_str()))).collect());
    /// `path?query`, as on the request line.
    target: String = r.target();
});
