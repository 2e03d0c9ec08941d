//! `sign_request` and `SignedRequest`.

use crate::convert::{Json, params_from_py};
use crate::error::{err, guard, invalid};
use crate::models::nested::arc_model;
use crate::models::{Model, getters};
use duo_directory::{Error, SigVersion, SignOptions, SignedRequest};
use pyo3::prelude::*;
use pyo3::types::PyMapping;
use std::sync::Arc;

fn headers_from_py(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<(String, String)>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else { return Ok(Vec::new()) };
    let items = match obj.cast::<PyMapping>() {
        Ok(m) => m.items()?.into_any(),
        Err(_) => obj.clone(),
    };
    let mut out = Vec::new();
    for item in items.try_iter()? {
        out.push(item?.extract().map_err(|_| invalid("x_duo_headers", "expected a dict of str to str"))?);
    }
    Ok(out)
}

/// Signs one Duo API request, byte-identical to the official `duo_client`.
///
/// `params` is `dict[str, str | list[str]]`; `date` is the exact RFC 2822 `Date` to sign (now when
/// None); `sig_version` is 5 (HMAC-SHA512, JSON body) or 2 (form body; HMAC-SHA512, or HMAC-SHA1
/// with `digest="sha1"`); `x_duo_headers` are extra `X-Duo-*` headers hashed into a v5 signature.
#[pyfunction]
#[pyo3(signature = (ikey, skey, method, host, path, params, *, date = None, sig_version = 5, digest = None, x_duo_headers = None))]
#[allow(clippy::too_many_arguments)]
pub fn sign_request(
    ikey: &str,
    skey: &str,
    method: &str,
    host: &str,
    path: &str,
    params: Option<&Bound<'_, PyAny>>,
    date: Option<String>,
    sig_version: i64,
    digest: Option<&str>,
    x_duo_headers: Option<&Bound<'_, PyAny>>,
) -> PyResult<PySignedRequest> {
    guard(|| {
        let options = SignOptions {
            date,
            sig_version: SigVersion::from_parts(sig_version, digest).map_err(err)?,
            x_duo_headers: headers_from_py(x_duo_headers)?,
        };
        let params = params_from_py(params)?;
        let signed = duo_directory::sign_request(ikey, skey, method, host, path, &params, &options).map_err(err)?;
        Ok(PySignedRequest::wrap(signed))
    })
}

arc_model!(
    /// A signed request: the `Authorization` and `Date` headers to send, the canonical string that
    /// was signed, the query string and the body. `repr()` masks the Authorization value.
    PySignedRequest(SignedRequest) as "SignedRequest"
);

getters!(PySignedRequest, value, |s| {
    /// Value of the `Authorization` header: `Basic base64(ikey:hexsig)`.
    authorization: &str = &s.authorization;
    /// Value of the `Date` header.
    date: &str = &s.date;
    /// The exact string that was HMAC'd.
    canonical: &str = &s.canonical;
    /// Query string (without `?`); empty when the parameters travel in the body.
    query: &str = &s.query;
    /// Request body for POST/PUT/PATCH, else None.
    body: Option<&str> = s.body.as_ref().map(|b| b.text());
    /// `Content-Type` of the body, when there is one.
    content_type: Option<&str> = s.body.as_ref().map(|b| b.content_type());
    /// The `X-Duo-*` headers to send with the request.
    x_duo_headers: Json = Json(s.x_duo_headers.iter().map(|(k, v)| (k.clone(), serde_json::Value::from(v.as_str()))).collect());
});
