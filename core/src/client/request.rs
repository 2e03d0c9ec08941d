//! A request before it is sent: what a preview returns and what the transport signs.

use crate::params::Params;
use serde::Serialize;

/// The exact request a call would send, without its `Authorization` header.
///
/// This is what every preview (`-WhatIf`) returns: nothing is sent to Duo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PreparedRequest {
    /// HTTP method, upper-case.
    pub method: String,
    /// Request path, ids already percent-encoded, without the query string.
    pub path: String,
    /// The logical parameters.
    pub params: Params,
    /// Query string (without `?`), empty when the parameters travel in the body.
    pub query: String,
    /// Request body (v5 JSON or v2 form), for POST/PUT/PATCH.
    pub body: Option<String>,
    /// Headers that would be sent, secrets excluded (`Host`, `Date`, `Content-Type`, `User-Agent`).
    pub headers: Vec<(String, String)>,
    /// Whether the request may be retried after it could have reached the server.
    #[serde(skip)]
    pub idempotent: bool,
}

impl PreparedRequest {
    /// `path?query`, as it appears on the request line.
    pub fn target(&self) -> String {
        if self.query.is_empty() { self.path.clone() } else { format!("{}?{}", self.path, self.query) }
    }

    /// JSON of the request (method, path, params, query, body, headers).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}
