//! `signRequest` and `SignedRequest`.

use crate::client::{ParamValue, params_from_foreign};
use crate::error::{Result, guard};
use duo_directory::{SigVersion, SignOptions};
use std::collections::HashMap;

/// A signed request: the `Authorization` and `Date` headers to send, the canonical string that
/// was signed, the query string and the body.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SignedRequest {
    /// Value of the `Authorization` header: `Basic base64(ikey:hexsig)`.
    pub authorization: String,
    /// Value of the `Date` header.
    pub date: String,
    /// The exact string that was HMAC'd.
    pub canonical: String,
    /// Query string (without `?`); empty when the parameters travel in the body.
    pub query: String,
    /// Request body for POST/PUT/PATCH.
    pub body: Option<String>,
    /// `Content-Type` of the body, when there is one.
    pub content_type: Option<String>,
    /// The `X-Duo-*` headers to send with the request.
    pub x_duo_headers: HashMap<String, String>,
}

/// Signs one Duo API request, byte-identical to the official clients. `date`: the exact RFC 2822
/// `Date` to sign (now when null); `sigVersion` 5 (default) or 2; `digest` `sha512` or (v2) `sha1`;
/// `xDuoHeaders`: extra `X-Duo-*` headers hashed into a v5 signature.
#[allow(clippy::too_many_arguments)]
#[uniffi::export(default(params = None, date = None, sig_version = None, digest = None, x_duo_headers = None))]
pub fn sign_request(
    ikey: String,
    skey: String,
    method: String,
    host: String,
    path: String,
    params: Option<HashMap<String, ParamValue>>,
    date: Option<String>,
    sig_version: Option<i64>,
    digest: Option<String>,
    x_duo_headers: Option<HashMap<String, String>>,
) -> Result<SignedRequest> {
    guard(|| {
        let mut x_duo_headers: Vec<(String, String)> = x_duo_headers.unwrap_or_default().into_iter().collect();
        x_duo_headers.sort();
        let options = SignOptions {
            date,
            sig_version: SigVersion::from_parts(sig_version.unwrap_or(5), digest.as_deref())?,
            x_duo_headers,
        };
        let params = params_from_foreign(params.unwrap_or_default());
        let s = duo_directory::sign_request(&ikey, &skey, &method, &host, &path, &params, &options)?;
        Ok(SignedRequest {
            content_type: s.body.as_ref().map(|b| b.content_type().to_string()),
            body: s.body.map(|b| b.text().to_string()),
            authorization: s.authorization,
            date: s.date,
            canonical: s.canonical,
            query: s.query,
            x_duo_headers: s.x_duo_headers.into_iter().collect(),
        })
    })
}
