//! `signRequest` and the request records it and the previews return.

use crate::error::sync;
use crate::models::{plain, shown};
use duo_directory::{Params, PreparedRequest as CorePrepared, SigVersion, SignOptions, SignedRequest as CoreSigned};
use napi::Env;
use napi_derive::napi;
use serde_json::Value;
use std::collections::HashMap;

/// `Record<string, string | string[]>` (or nothing) as core [`Params`]; errors name the parameter.
pub fn params(value: Option<Value>) -> duo_directory::Result<Params> {
    use duo_directory::Error;
    match value {
        None | Some(Value::Null) => Ok(Params::new()),
        Some(value @ Value::Object(_)) => duo_directory::decode::from_value(value).map_err(|e| match e {
            Error::Decode { field, reason, .. } => Error::invalid(format!("params[{field:?}]"), reason),
            other => other,
        }),
        Some(_) => Err(Error::invalid("params", "expected an object of string to string or string[]")),
    }
}

/// Options of [`sign_request`].
#[napi(object)]
pub struct SignRequestOptions {
    /// The exact RFC 2822 `Date` to sign (now when omitted).
    pub date: Option<String>,
    /// 5 (default: HMAC-SHA512, JSON body) or 2 (form body).
    #[napi(ts_type = "2 | 5")]
    pub sig_version: Option<i64>,
    /// With `sigVersion: 2`: `sha1` for the classic HMAC-SHA1, `sha512` (default) otherwise.
    #[napi(ts_type = "'sha1' | 'sha512'")]
    pub digest: Option<String>,
    /// Extra `X-Duo-*` headers hashed into a v5 signature.
    pub x_duo_headers: Option<HashMap<String, String>>,
}

/// Signs one Duo API request, byte-identical to the official clients.
#[napi]
#[allow(clippy::too_many_arguments)]
pub fn sign_request(
    env: Env,
    ikey: String,
    skey: String,
    method: String,
    host: String,
    path: String,
    #[napi(ts_arg_type = "Record<string, string | string[]> | null")] params: Option<Value>,
    options: Option<SignRequestOptions>,
) -> napi::Result<SignedRequest> {
    let o = options.unwrap_or(SignRequestOptions { date: None, sig_version: None, digest: None, x_duo_headers: None });
    sync(&env, || {
        let options = SignOptions {
            date: o.date,
            sig_version: SigVersion::from_parts(o.sig_version.unwrap_or(5), o.digest.as_deref())?,
            x_duo_headers: o.x_duo_headers.unwrap_or_default().into_iter().collect(),
        };
        duo_directory::sign_request(&ikey, &skey, &method, &host, &path, &self::params(params)?, &options)
    })
    .map(|inner| SignedRequest { inner })
}

/// A signed request: the `Authorization` and `Date` headers to send, the canonical string that
/// was signed, the query string and the body. `toString()` masks the Authorization value.
#[napi]
pub struct SignedRequest {
    inner: CoreSigned,
}

#[napi]
impl SignedRequest {
    /// Value of the `Authorization` header: `Basic base64(ikey:hexsig)`.
    #[napi(getter)]
    pub fn authorization(&self) -> String {
        self.inner.authorization.clone()
    }
    /// Value of the `Date` header.
    #[napi(getter)]
    pub fn date(&self) -> String {
        self.inner.date.clone()
    }
    /// The exact string that was HMAC'd.
    #[napi(getter)]
    pub fn canonical(&self) -> String {
        self.inner.canonical.clone()
    }
    /// Query string (without `?`); empty when the parameters travel in the body.
    #[napi(getter)]
    pub fn query(&self) -> String {
        self.inner.query.clone()
    }
    /// Request body for POST/PUT/PATCH, else null.
    #[napi(getter)]
    pub fn body(&self) -> Option<String> {
        self.inner.body.as_ref().map(|b| b.text().to_owned())
    }
    /// `Content-Type` of the body, when there is one.
    #[napi(getter)]
    pub fn content_type(&self) -> Option<String> {
        self.inner.body.as_ref().map(|b| b.content_type().to_owned())
    }
    /// The `X-Duo-*` headers to send with the request.
    #[napi(getter)]
    pub fn x_duo_headers(&self) -> HashMap<String, String> {
        self.inner.x_duo_headers.iter().cloned().collect()
    }
    /// Every field, in core's JSON form.
    #[napi(js_name = "toJSON", ts_return_type = "Record<string, unknown>")]
    pub fn to_json(&self, env: Env) -> napi::Result<Value> {
        plain(&env, &self.inner)
    }
    /// `SignedRequest(authorization="Basic ***", ...)`.
    #[napi(js_name = "toString")]
    pub fn to_js_string(&self) -> String {
        shown(&self.inner)
    }
}

/// The exact request a call would send, without its Authorization header (nothing is sent).
#[napi]
pub struct PreparedRequest {
    inner: CorePrepared,
}

impl From<CorePrepared> for PreparedRequest {
    fn from(inner: CorePrepared) -> Self {
        PreparedRequest { inner }
    }
}

#[napi]
impl PreparedRequest {
    /// HTTP method, upper-case.
    #[napi(getter)]
    pub fn method(&self) -> String {
        self.inner.method.clone()
    }
    /// Request path, without the query string.
    #[napi(getter)]
    pub fn path(&self) -> String {
        self.inner.path.clone()
    }
    /// The logical parameters.
    #[napi(getter, ts_return_type = "Record<string, string | string[]>")]
    pub fn params(&self, env: Env) -> napi::Result<Value> {
        plain(&env, &self.inner.params)
    }
    /// Query string (without `?`), empty when the parameters travel in the body.
    #[napi(getter)]
    pub fn query(&self) -> String {
        self.inner.query.clone()
    }
    /// Request body (v5 JSON or v2 form), else null.
    #[napi(getter)]
    pub fn body(&self) -> Option<String> {
        self.inner.body.as_ref().map(|b| b.text().to_owned())
    }
    /// Headers that would be sent, secrets excluded.
    #[napi(getter)]
    pub fn headers(&self) -> HashMap<String, String> {
        self.inner.headers.iter().cloned().collect()
    }
    /// `path?query`, as on the request line.
    #[napi(getter)]
    pub fn target(&self) -> String {
        self.inner.target()
    }
    /// `{method, path, params, query, body, headers}` (core's JSON form).
    #[napi(js_name = "toJSON", ts_return_type = "Record<string, unknown>")]
    pub fn to_json(&self, env: Env) -> napi::Result<Value> {
        plain(&env, &self.inner)
    }
    /// Reads the JSON form (text or object) back.
    #[napi(js_name = "fromJSON")]
    pub fn from_json(
        env: Env,
        #[napi(ts_arg_type = "string | Record<string, unknown>")] input: Value,
    ) -> napi::Result<PreparedRequest> {
        crate::models::parse::<CorePrepared>(&env, input).map(PreparedRequest::from)
    }
    /// `PreparedRequest(method="...", path="...", ...)`.
    #[napi(js_name = "toString")]
    pub fn to_js_string(&self) -> String {
        shown(&self.inner)
    }
}
