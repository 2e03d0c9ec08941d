//! `repr()` of every class, from core's identity fields (a leaf module).

use duo_directory::identity::{Identity, render};
use pyo3::prelude::*;
use pyo3::types::PyString;

/// Python `repr` of a string (single-quoted, escaped as Python does).
pub fn py_repr(py: Python<'_>, s: &str) -> String {
    PyString::new(py, s).repr().map(|r| r.to_string()).unwrap_or_else(|_| format!("{s:?}"))
}

/// `TypeName(field='value', ...)` from core's [`Identity`] of `value`.
pub fn identity<T: Identity + ?Sized>(py: Python<'_>, value: &T) -> String {
    render(value, |s| py_repr(py, s))
}
