//! `PreparedRequest`: what a preview returns (the exact request, without its secret-derived header).

use super::py_repr;
use crate::convert::{params_from_py, params_to_py};
use crate::error::invalid;
use duo_directory::PreparedRequest;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::sync::Arc;

/// The exact request a call would send (method, path, params, query, body, headers), with no
/// `Authorization` header and no secret. Returned by every `client.preview.*` method; sends nothing.
#[pyclass(frozen, eq, module = "duo_directory", name = "PreparedRequest")]
#[derive(PartialEq)]
pub struct PyPreparedRequest(pub Arc<PreparedRequest>);

impl From<PreparedRequest> for PyPreparedRequest {
    fn from(r: PreparedRequest) -> Self {
        PyPreparedRequest(Arc::new(r))
    }
}

fn get_str(d: &Bound<'_, PyDict>, key: &str) -> PyResult<Option<String>> {
    match d.get_item(key)? {
        None => Ok(None),
        Some(v) if v.is_none() => Ok(None),
        Some(v) => Ok(Some(v.extract().map_err(|_| invalid(key, "expected str"))?)),
    }
}

#[pymethods]
impl PyPreparedRequest {
    /// HTTP method, upper-case.
    #[getter]
    fn method(&self) -> &str {
        &self.0.method
    }
    /// Request path (ids percent-encoded), without the query string.
    #[getter]
    fn path(&self) -> &str {
        &self.0.path
    }
    /// The logical parameters: `dict[str, str | list[str]]` (a new dict on each access).
    #[getter]
    fn params<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        params_to_py(py, &self.0.params)
    }
    /// Query string (without `?`); empty when the parameters travel in the body.
    #[getter]
    fn query(&self) -> &str {
        &self.0.query
    }
    /// Request body (v5: JSON; v2: form), or None.
    #[getter]
    fn body(&self) -> Option<&str> {
        self.0.body.as_deref()
    }
    /// Headers that would be sent, secrets excluded (`Host`, `Date`, `Content-Type`, `User-Agent`).
    #[getter]
    fn headers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        for (k, v) in &self.0.headers {
            dict.set_item(k, v)?;
        }
        Ok(dict)
    }
    /// `path?query`, as on the request line.
    #[getter]
    fn target(&self) -> String {
        self.0.target()
    }

    /// `{method, path, params, query, body, headers}` as plain Python objects.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        dict.set_item("method", &self.0.method)?;
        dict.set_item("path", &self.0.path)?;
        dict.set_item("params", self.params(py)?)?;
        dict.set_item("query", &self.0.query)?;
        dict.set_item("body", self.0.body.as_deref())?;
        dict.set_item("headers", self.headers(py)?)?;
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
        let method = get_str(d, "method")?.ok_or_else(|| invalid("method", "missing"))?;
        let path = get_str(d, "path")?.ok_or_else(|| invalid("path", "missing"))?;
        let params = params_from_py(d.get_item("params")?.as_ref())?;
        let mut headers = Vec::new();
        if let Some(h) = d.get_item("headers")?.filter(|h| !h.is_none()) {
            let h = h.cast::<PyDict>().map_err(|_| invalid("headers", "expected a dict"))?;
            for (k, v) in h.iter() {
                headers.push((k.extract()?, v.extract()?));
            }
        }
        Ok(PyPreparedRequest(Arc::new(PreparedRequest {
            idempotent: method.eq_ignore_ascii_case("GET"),
            method,
            path,
            params,
            query: get_str(d, "query")?.unwrap_or_default(),
            body: get_str(d, "body")?,
            headers,
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
        let body = match &self.0.body {
            Some(b) => py_repr(py, b),
            None => "None".into(),
        };
        format!(
            "PreparedRequest(method={}, target={}, body={})",
            py_repr(py, &self.0.method),
            py_repr(py, &self.0.target()),
            body
        )
    }
}
