//! WorkOS-style directory users and groups, with seed 001's Python names.

use super::nested::arc_model;
use super::{Model, cached_tuple, getters, json_methods};
use crate::convert::Json;
use duo_directory::{DirectoryGroup, DirectoryRole, DirectoryUser, Error};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyTuple;
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

json_methods!(PyDirectoryUser);

getters!(PyDirectoryUser, value, |u| {
    /// Always `directory_user`.
    object: &str = &u.object;
    /// Unique identifier of the directory user.
    id: &str = &u.id;
    /// Identifier assigned by the directory provider.
    idp_id: &str = &u.idp_id;
    /// The directory the user belongs to.
    directory_id: &str = &u.directory_id;
    /// The organization the directory belongs to.
    organization_id: Option<&str> = u.organization_id.as_deref();
    /// First name.
    first_name: Option<&str> = u.first_name.as_deref();
    /// Last name.
    last_name: Option<&str> = u.last_name.as_deref();
    /// Email address.
    email: Option<&str> = u.email.as_deref();
    /// The username to give Duo: the deprecated `username` member, else the local part of `email`.
    username: Option<&str> = u.username();
    /// `active` or `inactive` (an unknown state is kept verbatim).
    state: &str = u.state.as_str();
    /// The provider's custom attribute mapping, as a plain dict (a new one on each access).
    custom_attributes: Json = Json::object(&u.custom_attributes);
    /// The user's role, when roles are configured.
    role: Option<PyInlineRole> = u.role.clone().map(PyInlineRole::wrap);
    /// Creation timestamp (ISO 8601).
    created_at: &str = &u.created_at;
    /// Last update timestamp (ISO 8601).
    updated_at: &str = &u.updated_at;
    /// Members this version does not model (deprecated fields such as `emails`, `username`).
    extra: Json = Json::object(&u.extra);
});

#[pymethods]
impl PyDirectoryUser {
    /// Groups the user is a member of.
    #[getter]
    fn groups<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        cached_tuple(py, &self.groups, &self.inner.groups, PyDirectoryGroup::wrap)
    }
}

arc_model!(
    /// A directory group as embedded in a directory user.
    PyDirectoryGroup(DirectoryGroup) as "DirectoryGroup"
);
getters!(PyDirectoryGroup, value, |g| {
    /// Always `directory_group`.
    object: &str = &g.object;
    /// Unique identifier of the group.
    id: &str = &g.id;
    /// Identifier assigned by the directory provider.
    idp_id: Option<&str> = g.idp_id.as_deref();
    /// The directory the group belongs to.
    directory_id: Option<&str> = g.directory_id.as_deref();
    /// The organization the directory belongs to.
    organization_id: Option<&str> = g.organization_id.as_deref();
    /// Name.
    name: &str = &g.name;
    /// Creation timestamp (ISO 8601).
    created_at: Option<&str> = g.created_at.as_deref();
    /// Last update timestamp (ISO 8601).
    updated_at: Option<&str> = g.updated_at.as_deref();
    /// Members this version does not model.
    extra: Json = Json::object(&g.extra);
});

arc_model!(
    /// A directory user's role (`slug`).
    PyInlineRole(DirectoryRole) as "InlineRole"
);
getters!(PyInlineRole, value, |r| {
    /// The role's slug.
    slug: &str = &r.slug;
});
