//! WorkOS-style directory users and groups, with seed 001's Python names.

use super::{Model, json_methods, opt_repr, py_repr};
use crate::convert::map_to_py;
use duo_directory::{DirectoryGroup, DirectoryRole, DirectoryUser, Error};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple};
use std::sync::Arc;

/// A user as a directory provider reports it (WorkOS Directory Sync shape).
#[pyclass(frozen, eq, module = "duo_directory", name = "DirectoryUser")]
pub struct PyDirectoryUser {
    inner: Arc<DirectoryUser>,
    groups: PyOnceLock<Py<PyTuple>>,
}

impl PartialEq for PyDirectoryUser {
    fn eq(&self, other: &Self) -> bool {
        self.inner == other.inner
    }
}

impl Model for PyDirectoryUser {
    type Core = DirectoryUser;
    fn core(&self) -> Result<&DirectoryUser, Error> {
        Ok(&self.inner)
    }
    fn wrap(core: DirectoryUser) -> Self {
        PyDirectoryUser { inner: Arc::new(core), groups: PyOnceLock::new() }
    }
}

impl PyDirectoryUser {
    /// The core directory user, cloned.
    pub fn to_core(&self) -> DirectoryUser {
        (*self.inner).clone()
    }
}

json_methods!(PyDirectoryUser, PyDirectoryGroup, PyInlineRole);

#[pymethods]
impl PyDirectoryUser {
    /// Always `directory_user`.
    #[getter]
    fn object(&self) -> &str {
        &self.inner.object
    }
    /// Unique identifier of the directory user.
    #[getter]
    fn id(&self) -> &str {
        &self.inner.id
    }
    /// Identifier assigned by the directory provider.
    #[getter]
    fn idp_id(&self) -> &str {
        &self.inner.idp_id
    }
    /// The directory the user belongs to.
    #[getter]
    fn directory_id(&self) -> &str {
        &self.inner.directory_id
    }
    /// The organization the directory belongs to.
    #[getter]
    fn organization_id(&self) -> Option<&str> {
        self.inner.organization_id.as_deref()
    }
    /// First name.
    #[getter]
    fn first_name(&self) -> Option<&str> {
        self.inner.first_name.as_deref()
    }
    /// Last name.
    #[getter]
    fn last_name(&self) -> Option<&str> {
        self.inner.last_name.as_deref()
    }
    /// Email address.
    #[getter]
    fn email(&self) -> Option<&str> {
        self.inner.email.as_deref()
    }
    /// Groups the user is a member of.
    #[getter]
    fn groups<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let tuple = self.groups.get_or_try_init(py, || {
            let items: Vec<PyDirectoryGroup> =
                self.inner.groups.iter().map(|g| PyDirectoryGroup(Arc::new(g.clone()))).collect();
            PyTuple::new(py, items).map(Bound::unbind)
        })?;
        Ok(tuple.bind(py).clone())
    }
    /// `active` or `inactive` (an unknown state is kept verbatim).
    #[getter]
    fn state(&self) -> &str {
        self.inner.state.as_str()
    }
    /// The provider's custom attribute mapping, as a plain dict (a new one on each access).
    #[getter]
    fn custom_attributes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        map_to_py(py, &self.inner.custom_attributes)
    }
    /// The user's role, when roles are configured.
    #[getter]
    fn role(&self) -> Option<PyInlineRole> {
        self.inner.role.clone().map(|r| PyInlineRole(Arc::new(r)))
    }
    /// Creation timestamp (ISO 8601).
    #[getter]
    fn created_at(&self) -> &str {
        &self.inner.created_at
    }
    /// Last update timestamp (ISO 8601).
    #[getter]
    fn updated_at(&self) -> &str {
        &self.inner.updated_at
    }
    /// Members this version does not model (deprecated fields such as `emails`, `username`).
    #[getter]
    fn extra<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        map_to_py(py, &self.inner.extra)
    }
    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "DirectoryUser(id={}, email={}, state={})",
            py_repr(py, &self.inner.id),
            opt_repr(py, self.inner.email.as_deref()),
            py_repr(py, self.inner.state.as_str())
        )
    }
}

/// A directory group as embedded in a directory user.
#[pyclass(frozen, eq, module = "duo_directory", name = "DirectoryGroup")]
#[derive(PartialEq)]
pub struct PyDirectoryGroup(pub Arc<DirectoryGroup>);

impl Model for PyDirectoryGroup {
    type Core = DirectoryGroup;
    fn core(&self) -> Result<&DirectoryGroup, Error> {
        Ok(&self.0)
    }
    fn wrap(core: DirectoryGroup) -> Self {
        PyDirectoryGroup(Arc::new(core))
    }
}

#[pymethods]
impl PyDirectoryGroup {
    /// Always `directory_group`.
    #[getter]
    fn object(&self) -> &str {
        &self.0.object
    }
    /// Unique identifier of the group.
    #[getter]
    fn id(&self) -> &str {
        &self.0.id
    }
    /// Identifier assigned by the directory provider.
    #[getter]
    fn idp_id(&self) -> Option<&str> {
        self.0.idp_id.as_deref()
    }
    /// The directory the group belongs to.
    #[getter]
    fn directory_id(&self) -> Option<&str> {
        self.0.directory_id.as_deref()
    }
    /// The organization the directory belongs to.
    #[getter]
    fn organization_id(&self) -> Option<&str> {
        self.0.organization_id.as_deref()
    }
    /// Group name.
    #[getter]
    fn name(&self) -> &str {
        &self.0.name
    }
    /// Creation timestamp.
    #[getter]
    fn created_at(&self) -> Option<&str> {
        self.0.created_at.as_deref()
    }
    /// Last update timestamp.
    #[getter]
    fn updated_at(&self) -> Option<&str> {
        self.0.updated_at.as_deref()
    }
    /// Members this version does not model.
    #[getter]
    fn extra<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        map_to_py(py, &self.0.extra)
    }
    fn __repr__(&self, py: Python<'_>) -> String {
        format!("DirectoryGroup(id={}, name={})", py_repr(py, &self.0.id), py_repr(py, &self.0.name))
    }
}

/// A directory user's role (`InlineRole` in the WorkOS Python SDK).
#[pyclass(frozen, eq, module = "duo_directory", name = "InlineRole")]
#[derive(PartialEq)]
pub struct PyInlineRole(pub Arc<DirectoryRole>);

impl Model for PyInlineRole {
    type Core = DirectoryRole;
    fn core(&self) -> Result<&DirectoryRole, Error> {
        Ok(&self.0)
    }
    fn wrap(core: DirectoryRole) -> Self {
        PyInlineRole(Arc::new(core))
    }
}

#[pymethods]
impl PyInlineRole {
    /// The unique role identifier.
    #[getter]
    fn slug(&self) -> &str {
        &self.0.slug
    }
    fn __repr__(&self, py: Python<'_>) -> String {
        format!("InlineRole(slug={})", py_repr(py, &self.0.slug))
    }
}
