//! A request before it is sent: what a preview returns and what the transport signs.

use crate::params::Params;
use crate::sign::Body;
use serde::{Deserialize, Serialize};

/// The exact request a call would send, without its `Authorization` header.
///
/// This is what every preview (`-WhatIf`) returns: nothing is sent to Duo. Its JSON form
/// (serde) is `{"method", "path", "params", "query", "body", "headers"}` with `headers` an object.
///
/// ```
/// use duo_directory::PreparedRequest;
/// let text = r#"{"method":"DELETE","path":"/admin/v1/users/DU1","params":{},"query":"","body":null,"headers":{"Host":"h"}}"#;
/// let request: PreparedRequest = serde_json::from_str(text)?;
/// assert!(!request.idempotent());
/// assert_eq!(serde_json::to_string(&request)?, text);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    pub body: Option<Body>,
    /// Headers that would be sent, secrets excluded (`Host`, `Date`, `Content-Type`, `User-Agent`).
    #[serde(with = "crate::pairs")]
    pub headers: Vec<(String, String)>,
}

impl PreparedRequest {
    /// `path?query`, as it appears on the request line.
    pub fn target(&self) -> String {
        if self.query.is_empty() { self.path.clone() } else { format!("{}?{}", self.path, self.query) }
    }

    /// Whether the request may be sent again after it could have reached the server: only reads
    /// (`GET`). Writes are retried only when they certainly did not reach Duo (a refused
    /// connection, or a 429, which Duo answers before doing anything).
    pub fn idempotent(&self) -> bool {
        self.method == "GET"
    }

    /// Which of Duo's rate limits counts this request.
    pub fn class(&self) -> crate::RequestClass {
        crate::RequestClass::of(&self.method, &self.path, |name| self.params.get(name).is_some())
    }

    /// JSON of the request (see the type's documentation).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}
