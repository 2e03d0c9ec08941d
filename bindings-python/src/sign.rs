//! `sign_request` and `SignedRequest`.

use crate::convert::params_from_py;
use crate::error::{err, guard, invalid};
use crate::models::py_repr;
use duo_directory::{SigVersion, SignOptions, SignedRequest};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyMapping};
use std::sync::Arc;

/// The core signature scheme for Python's `sig_version` (2 or 5) and `digest` (`sha1`/`sha512`).
/// As in `duo_client` 5.x, `sig_version=2` signs with HMAC-SHA512 unless `digest="sha1"`.
pub fn sig_version(version: u8, digest: Option<&str>) -> PyResult<SigVersion> {
    let digest = digest.map(str::to_ascii_lowercase);
    match (version, digest.as_deref()) {
        (5, None | Some("sha512")) => Ok(SigVersion::V5),
        (2, None | Some("sha512")) => Ok(SigVersion::V2Sha512),
        (2, Some("sha1")) => Ok(SigVersion::V2),
        (5, Some(d)) | (2, Some(d)) => {
            Err(invalid("digest", format!("{d:?} is not available with sig_version={version}")))
        }
        (v, _) => Err(invalid("sig_version", format!("{v} is not supported; use 2 or 5"))),
    }
}

fn headers_from_py(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<(String, String)>> {
    let Some(obj) = obj else { return Ok(Vec::new()) };
    if obj.is_none() {
        return Ok(Vec::new());
    }
    let items = match obj.cast::<PyMapping>() {
        Ok(m) => m.items()?.into_any(),
        Err(_) => obj.clone(),
    };
    let mut out = Vec::new();
    for item in items.try_iter()? {
        let pair: (String, String) =
            item?.extract().map_err(|_| invalid("x_duo_headers", "expected a dict of str to str"))?;
        out.push(pair);
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
    py: Python<'_>,
    ikey: &str,
    skey: &str,
    method: &str,
    host: &str,
    path: &str,
    params: Option<&Bound<'_, PyAny>>,
    date: Option<String>,
    sig_version: u8,
    digest: Option<&str>,
    x_duo_headers: Option<&Bound<'_, PyAny>>,
) -> PyResult<PySignedRequest> {
    guard(|| {
        let params = params_from_py(params)?;
        let options = SignOptions {
            date,
            sig_version: self::sig_version(sig_version, digest)?,
            x_duo_headers: headers_from_py(x_duo_headers)?,
        };
        let _ = py;
        let signed = duo_directory::sign_request(ikey, skey, method, host, path, &params, &options).map_err(err)?;
        Ok(PySignedRequest(Arc::new(signed)))
    })
}

/// A signed request: the `Authorization` and `Date` headers to send, the canonical string that was
/// signed, the query string and the body. `repr()` masks the Authorization value.
#[pyclass(frozen, eq, module = "duo_directory", name = "SignedRequest")]
#[derive(PartialEq)]
pub struct PySignedRequest(pub Arc<SignedRequest>);

#[pymethods]
impl PySignedRequest {
    /// Value of the `Authorization` header: `Basic base64(ikey:hexsig)`.
    #[getter]
    fn authorization(&self) -> &str {
        &self.0.authorization
    }
    /// Value of the `Date` header.
    #[getter]
    fn date(&self) -> &str {
        &self.0.date
    }
    /// The exact string that was HMAC'd.
    #[getter]
    fn canonical(&self) -> &str {
        &self.0.canonical
    }
    /// Query string (without `?`); empty when the parameters travel in the body.
    #[getter]
    fn query(&self) -> &str {
        &self.0.query
    }
    /// Request body for POST/PUT/PATCH, else None.
    #[getter]
    fn body(&self) -> Option<&str> {
        self.0.body.as_deref()
    }
    /// `Content-Type` of the body, when there is one.
    #[getter]
    fn content_type(&self) -> Option<&str> {
        self.0.content_type
    }
    /// The `X-Duo-*` headers to send with the request.
    #[getter]
    fn x_duo_headers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        for (k, v) in &self.0.x_duo_headers {
            dict.set_item(k, v)?;
        }
        Ok(dict)
    }

    /// Every field as a plain dict (including the Authorization value).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        dict.set_item("authorization", &self.0.authorization)?;
        dict.set_item("date", &self.0.date)?;
        dict.set_item("canonical", &self.0.canonical)?;
        dict.set_item("query", &self.0.query)?;
        dict.set_item("body", self.0.body.as_deref())?;
        dict.set_item("content_type", self.0.content_type)?;
        dict.set_item("x_duo_headers", self.x_duo_headers(py)?)?;
        Ok(dict)
    }

    /// JSON of `to_dict()`.
    #[pyo3(signature = (*, pretty = false))]
    fn to_json(&self, py: Python<'_>, pretty: bool) -> PyResult<String> {
        crate::convert::dumps(&self.to_dict(py)?, pretty)
    }

    /// The inverse of `to_dict()`.
    #[staticmethod]
    fn from_dict(data: &Bound<'_, PyAny>) -> PyResult<Self> {
        let d = data.cast::<PyDict>().map_err(|_| invalid("data", "expected a dict"))?;
        let text = |key: &str| -> PyResult<Option<String>> {
            match d.get_item(key)? {
                Some(v) if !v.is_none() => Ok(Some(v.extract().map_err(|_| invalid(key, "expected str"))?)),
                _ => Ok(None),
            }
        };
        let required = |key: &str| -> PyResult<String> { text(key)?.ok_or_else(|| invalid(key, "missing")) };
        let content_type = match text("content_type")?.as_deref() {
            None => None,
            Some("application/json") => Some("application/json"),
            Some("application/x-www-form-urlencoded") => Some("application/x-www-form-urlencoded"),
            Some(other) => return Err(invalid("content_type", format!("{other:?} is not a Duo request body type"))),
        };
        Ok(PySignedRequest(Arc::new(SignedRequest {
            authorization: required("authorization")?,
            date: required("date")?,
            canonical: required("canonical")?,
            query: text("query")?.unwrap_or_default(),
            body: text("body")?,
            content_type,
            x_duo_headers: headers_from_py(d.get_item("x_duo_headers")?.as_ref())?,
        })))
    }

    /// The inverse of `to_json()`.
    #[staticmethod]
    fn from_json(text: &Bound<'_, PyAny>) -> PyResult<Self> {
        Self::from_dict(&crate::convert::loads(text)?)
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let text = slf.get().to_json(slf.py(), false)?;
        Ok((slf.get_type().getattr("from_json")?, (text,)))
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "SignedRequest(authorization='Basic ***', date={}, query={}, body={})",
            py_repr(py, &self.0.date),
            py_repr(py, &self.0.query),
            self.0.body.as_deref().map_or_else(|| "None".to_string(), |b| py_repr(py, b))
        )
    }
}
