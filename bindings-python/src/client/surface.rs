//! The rest of the users surface on `Client`, `AsyncClient` and `client.preview`: batch lookups,
//! enrollment, groups, a user's phones, tokens, authenticators and bypass codes. Conversion only:
//! core validates, pages and redacts.

use super::aio::{PyAsyncClient, Ready, spawn, spawn_py};
use super::{PyClient, PyPreview, interruptible, wait, whole};
use crate::error::{err, guard, invalid};
use crate::models::bypass::PyBypassCode;
use crate::models::nested::{PyDesktopAuthenticator, PyGroup, PyPhone, PyToken, PyU2fToken, PyWebauthnCredential};
use crate::models::request::PyPreparedRequest;
use crate::models::{Model, PyUser};
use crate::sync::lock;
use duo_directory::{BypassCodeOptions, BypassCodes, GroupCursor, PageCount, User};
use pyo3::exceptions::PyStopAsyncIteration;
use pyo3::prelude::*;
use pyo3::types::PyString;
use std::sync::{Arc, Mutex};

/// A list of `str` (a bare `str` is refused, not split into characters).
fn strings(name: &str, value: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    if value.is_instance_of::<PyString>() {
        return Err(invalid(name, "expected a list of str, not a str"));
    }
    let items: Vec<Bound<'_, PyAny>> = value.extract().map_err(|_| invalid(name, "expected a list of str"))?;
    items.iter().enumerate().map(|(i, item)| crate::convert::text(&format!("{name}[{i}]"), item)).collect()
}

fn usernames(value: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    strings("usernames", value)
}

fn user_ids(value: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    strings("user_ids", value)
}

/// A whole number of seconds or uses (core checks the range).
fn number(name: &str, value: Option<&Bound<'_, PyAny>>) -> PyResult<Option<u32>> {
    value.filter(|v| !v.is_none()).map(|v| whole(name, v, u32::MAX)).transpose()
}

/// `create_user_bypass_codes`' keyword arguments as core's options.
fn bypass_options(
    count: Option<&Bound<'_, PyAny>>,
    codes: Option<&Bound<'_, PyAny>>,
    valid_secs: Option<&Bound<'_, PyAny>>,
    reuse_count: Option<&Bound<'_, PyAny>>,
    preserve_existing: Option<bool>,
) -> PyResult<BypassCodeOptions> {
    Ok(BypassCodeOptions {
        count: number("count", count)?,
        codes: codes.filter(|c| !c.is_none()).map(|c| strings("codes", c)).transpose()?,
        valid_secs: number("valid_secs", valid_secs)?.map(u64::from),
        reuse_count: number("reuse_count", reuse_count)?,
        preserve_existing,
    })
}

fn found(users: Vec<Option<User>>) -> Vec<Option<PyUser>> {
    users.into_iter().map(|u| u.map(PyUser::from)).collect()
}

fn wrap_all<W: Model>(items: Vec<W::Core>) -> Vec<W> {
    items.into_iter().map(W::wrap).collect()
}

fn exposed(codes: BypassCodes) -> Vec<String> {
    codes.expose().into_iter().map(String::from).collect()
}

fn item_page_size(value: Option<&Bound<'_, PyAny>>) -> PyResult<Option<u32>> {
    number("page_size", value)
}

type Id = String;

/// `(user_id, other_id)` methods that return nothing: associations and dissociations.
macro_rules! link_methods {
    ($($name:ident($field:ident): $doc:literal;)*) => {
        #[pymethods]
        impl PyClient {
            $(
                #[doc = $doc]
                fn $name(
                    &self,
                    py: Python<'_>,
                    #[pyo3(from_py_with = crate::convert::arg::user_id)] user_id: Id,
                    #[pyo3(from_py_with = crate::convert::arg::$field)] $field: Id,
                ) -> PyResult<()> {
                    let client = self.handle.get()?;
                    wait(py, || interruptible(client.$name(&user_id, &$field)))
                }
            )*
        }

        #[pymethods]
        impl PyAsyncClient {
            $(
                #[doc = $doc]
                fn $name<'py>(
                    &self,
                    py: Python<'py>,
                    #[pyo3(from_py_with = crate::convert::arg::user_id)] user_id: Id,
                    #[pyo3(from_py_with = crate::convert::arg::$field)] $field: Id,
                ) -> PyResult<Bound<'py, PyAny>> {
                    let client = self.handle.get()?;
                    spawn(py, async move { client.$name(&user_id, &$field).await.map(|()| None::<bool>) })
                }
            )*
        }

        #[pymethods]
        impl PyPreview {
            $(
                #[doc = concat!("The request that `", stringify!($name), "` would send.")]
                fn $name(
                    &self,
                    #[pyo3(from_py_with = crate::convert::arg::user_id)] user_id: Id,
                    #[pyo3(from_py_with = crate::convert::arg::$field)] $field: Id,
                ) -> PyResult<PyPreparedRequest> {
                    guard(|| self.client.preview().$name(&user_id, &$field).map(PyPreparedRequest::from).map_err(err))
                }
            )*
        }
    };
}

link_methods! {
    add_user_group(group_id): "Adds a user to a group.";
    remove_user_group(group_id): "Removes a user from a group.";
    add_user_phone(phone_id): "Associates a phone with a user.";
    remove_user_phone(phone_id): "Dissociates a phone from a user (the phone stays).";
    add_user_token(token_id): "Associates a hardware token with a user.";
    remove_user_token(token_id): "Dissociates a hardware token from a user (the token stays).";
}

/// `(user_id) -> list[Model]` listings (every page).
macro_rules! list_methods {
    ($($name:ident -> $class:ty: $doc:literal;)*) => {
        #[pymethods]
        impl PyClient {
            $(
                #[doc = $doc]
                fn $name(
                    &self,
                    py: Python<'_>,
                    #[pyo3(from_py_with = crate::convert::arg::user_id)] user_id: Id,
                ) -> PyResult<Vec<$class>> {
                    let client = self.handle.get()?;
                    wait(py, || interruptible(client.$name(&user_id))).map(wrap_all::<$class>)
                }
            )*
        }

        #[pymethods]
        impl PyAsyncClient {
            $(
                #[doc = $doc]
                fn $name<'py>(
                    &self,
                    py: Python<'py>,
                    #[pyo3(from_py_with = crate::convert::arg::user_id)] user_id: Id,
                ) -> PyResult<Bound<'py, PyAny>> {
                    let client = self.handle.get()?;
                    spawn(py, async move { client.$name(&user_id).await.map(wrap_all::<$class>) })
                }
            )*
        }
    };
}

list_methods! {
    list_user_phones -> PyPhone: "A user's phones (every page).";
    list_user_tokens -> PyToken: "A user's hardware tokens (every page).";
    list_user_u2f_tokens -> PyU2fToken: "A user's U2F tokens (every page).";
    list_user_webauthn_credentials -> PyWebauthnCredential: "A user's WebAuthn credentials (every page).";
    list_user_desktop_authenticators -> PyDesktopAuthenticator: "A user's Duo Desktop authenticators (every page).";
    list_user_bypass_codes -> PyBypassCode: "The metadata of a user's bypass codes (never the codes).";
}

#[pymethods]
impl PyClient {
    /// The users with these usernames (or aliases), in input order: None where no user answers
    /// to the name. Sent 100 names a request.
    fn get_users_by_usernames(
        &self,
        py: Python<'_>,
        #[pyo3(from_py_with = usernames)] usernames: Vec<String>,
    ) -> PyResult<Vec<Option<PyUser>>> {
        let client = self.handle.get()?;
        wait(py, || interruptible(client.get_users_by_usernames(&usernames))).map(found)
    }

    /// The users with these ids, in input order: None where there is no such user.
    fn get_users_by_ids(
        &self,
        py: Python<'_>,
        #[pyo3(from_py_with = user_ids)] user_ids: Vec<String>,
    ) -> PyResult<Vec<Option<PyUser>>> {
        let client = self.handle.get()?;
        wait(py, || interruptible(client.get_users_by_ids(&user_ids))).map(found)
    }

    /// Creates `username` and emails them an enrollment link that expires after `valid_secs`.
    #[pyo3(signature = (username, email, *, valid_secs = None))]
    fn enroll_user(
        &self,
        py: Python<'_>,
        #[pyo3(from_py_with = crate::convert::arg::username)] username: String,
        #[pyo3(from_py_with = crate::convert::arg::email)] email: String,
        valid_secs: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let valid_secs = number("valid_secs", valid_secs)?.map(u64::from);
        let client = self.handle.get()?;
        wait(py, || interruptible(client.enroll_user(&username, &email, valid_secs)))
    }

    /// Every group, as a lazy iterator (pages of `page_size`, 1..100, on demand).
    #[pyo3(signature = (*, page_size = None))]
    fn list_groups(&self, page_size: Option<&Bound<'_, PyAny>>) -> PyResult<PyGroupIterator> {
        Ok(PyGroupIterator::new(self.handle.get()?.list_groups(item_page_size(page_size)?).map_err(err)?))
    }

    /// One group by id; `NotFoundError` when there is none.
    fn get_group(
        &self,
        py: Python<'_>,
        #[pyo3(from_py_with = crate::convert::arg::group_id)] group_id: String,
    ) -> PyResult<PyGroup> {
        let client = self.handle.get()?;
        wait(py, || interruptible(client.get_group(&group_id))).map(PyGroup::wrap)
    }

    /// A user's groups, as a lazy iterator.
    #[pyo3(signature = (user_id, *, page_size = None))]
    fn list_user_groups(
        &self,
        #[pyo3(from_py_with = crate::convert::arg::user_id)] user_id: String,
        page_size: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyGroupIterator> {
        let cursor = self.handle.get()?.list_user_groups(&user_id, item_page_size(page_size)?).map_err(err)?;
        Ok(PyGroupIterator::new(cursor))
    }

    /// Creates bypass codes (`count` random ones, or the explicit `codes`) and returns them: the
    /// codes appear only in this returned list, never in a repr, log or error.
    #[pyo3(signature = (user_id, *, count = None, codes = None, valid_secs = None, reuse_count = None, preserve_existing = None))]
    #[allow(clippy::too_many_arguments, reason = "the keyword arguments of the Python signature")]
    fn create_user_bypass_codes(
        &self,
        py: Python<'_>,
        #[pyo3(from_py_with = crate::convert::arg::user_id)] user_id: String,
        count: Option<&Bound<'_, PyAny>>,
        codes: Option<&Bound<'_, PyAny>>,
        valid_secs: Option<&Bound<'_, PyAny>>,
        reuse_count: Option<&Bound<'_, PyAny>>,
        preserve_existing: Option<bool>,
    ) -> PyResult<Vec<String>> {
        let options = bypass_options(count, codes, valid_secs, reuse_count, preserve_existing)?;
        let client = self.handle.get()?;
        wait(py, || interruptible(client.create_user_bypass_codes(&user_id, &options))).map(exposed)
    }
}

#[pymethods]
impl PyAsyncClient {
    /// The users with these usernames (or aliases), in input order: None where none answers.
    fn get_users_by_usernames<'py>(
        &self,
        py: Python<'py>,
        #[pyo3(from_py_with = usernames)] usernames: Vec<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let client = self.handle.get()?;
        spawn(py, async move { client.get_users_by_usernames(&usernames).await.map(found) })
    }

    /// The users with these ids, in input order: None where there is no such user.
    fn get_users_by_ids<'py>(
        &self,
        py: Python<'py>,
        #[pyo3(from_py_with = user_ids)] user_ids: Vec<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let client = self.handle.get()?;
        spawn(py, async move { client.get_users_by_ids(&user_ids).await.map(found) })
    }

    /// Creates `username` and emails them an enrollment link.
    #[pyo3(signature = (username, email, *, valid_secs = None))]
    fn enroll_user<'py>(
        &self,
        py: Python<'py>,
        #[pyo3(from_py_with = crate::convert::arg::username)] username: String,
        #[pyo3(from_py_with = crate::convert::arg::email)] email: String,
        valid_secs: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let valid_secs = number("valid_secs", valid_secs)?.map(u64::from);
        let client = self.handle.get()?;
        spawn(py, async move { client.enroll_user(&username, &email, valid_secs).await.map(|()| None::<bool>) })
    }

    /// Every group, as a lazy async iterator.
    #[pyo3(signature = (*, page_size = None))]
    fn list_groups(&self, page_size: Option<&Bound<'_, PyAny>>) -> PyResult<PyAsyncGroupIterator> {
        Ok(PyAsyncGroupIterator::new(self.handle.get()?.list_groups(item_page_size(page_size)?).map_err(err)?))
    }

    /// One group by id.
    fn get_group<'py>(
        &self,
        py: Python<'py>,
        #[pyo3(from_py_with = crate::convert::arg::group_id)] group_id: String,
    ) -> PyResult<Bound<'py, PyAny>> {
        let client = self.handle.get()?;
        spawn(py, async move { client.get_group(&group_id).await.map(PyGroup::wrap) })
    }

    /// A user's groups, as a lazy async iterator.
    #[pyo3(signature = (user_id, *, page_size = None))]
    fn list_user_groups(
        &self,
        #[pyo3(from_py_with = crate::convert::arg::user_id)] user_id: String,
        page_size: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyAsyncGroupIterator> {
        let cursor = self.handle.get()?.list_user_groups(&user_id, item_page_size(page_size)?).map_err(err)?;
        Ok(PyAsyncGroupIterator::new(cursor))
    }

    /// Creates bypass codes and resolves to them (see `Client.create_user_bypass_codes`).
    #[pyo3(signature = (user_id, *, count = None, codes = None, valid_secs = None, reuse_count = None, preserve_existing = None))]
    #[allow(clippy::too_many_arguments, reason = "the keyword arguments of the Python signature")]
    fn create_user_bypass_codes<'py>(
        &self,
        py: Python<'py>,
        #[pyo3(from_py_with = crate::convert::arg::user_id)] user_id: String,
        count: Option<&Bound<'_, PyAny>>,
        codes: Option<&Bound<'_, PyAny>>,
        valid_secs: Option<&Bound<'_, PyAny>>,
        reuse_count: Option<&Bound<'_, PyAny>>,
        preserve_existing: Option<bool>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let options = bypass_options(count, codes, valid_secs, reuse_count, preserve_existing)?;
        let client = self.handle.get()?;
        spawn(py, async move { client.create_user_bypass_codes(&user_id, &options).await.map(exposed) })
    }
}

#[pymethods]
impl PyPreview {
    /// The `POST /admin/v1/users/enroll` that `enroll_user` would send.
    #[pyo3(signature = (username, email, *, valid_secs = None))]
    fn enroll_user(
        &self,
        #[pyo3(from_py_with = crate::convert::arg::username)] username: String,
        #[pyo3(from_py_with = crate::convert::arg::email)] email: String,
        valid_secs: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyPreparedRequest> {
        let valid_secs = number("valid_secs", valid_secs)?.map(u64::from);
        guard(|| {
            self.client.preview().enroll_user(&username, &email, valid_secs).map(PyPreparedRequest::from).map_err(err)
        })
    }

    /// The request that `create_user_bypass_codes` would send (explicit codes shown as `***`).
    #[pyo3(signature = (user_id, *, count = None, codes = None, valid_secs = None, reuse_count = None, preserve_existing = None))]
    fn create_user_bypass_codes(
        &self,
        #[pyo3(from_py_with = crate::convert::arg::user_id)] user_id: String,
        count: Option<&Bound<'_, PyAny>>,
        codes: Option<&Bound<'_, PyAny>>,
        valid_secs: Option<&Bound<'_, PyAny>>,
        reuse_count: Option<&Bound<'_, PyAny>>,
        preserve_existing: Option<bool>,
    ) -> PyResult<PyPreparedRequest> {
        let options = bypass_options(count, codes, valid_secs, reuse_count, preserve_existing)?;
        let preview = self.client.preview();
        guard(|| preview.create_user_bypass_codes(&user_id, &options).map(PyPreparedRequest::from).map_err(err))
    }
}

/// The lazy iterator of `list_groups()` / `list_user_groups()`, over core's group cursor.
#[pyclass(frozen, module = "duo_directory", name = "GroupIterator")]
pub struct PyGroupIterator {
    cursor: Mutex<GroupCursor>,
    pages: PageCount,
}

impl PyGroupIterator {
    fn new(cursor: GroupCursor) -> Self {
        PyGroupIterator { pages: cursor.page_count(), cursor: Mutex::new(cursor) }
    }
}

#[pymethods]
impl PyGroupIterator {
    fn __iter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<PyGroup>> {
        if let Ok(mut cursor) = self.cursor.try_lock()
            && let Some(group) = cursor.next_buffered()
        {
            return Ok(Some(PyGroup::wrap(group)));
        }
        Ok(wait(py, || interruptible(lock(&self.cursor).next()))?.map(PyGroup::wrap))
    }

    /// How many pages have been requested so far.
    #[getter]
    fn pages_fetched(&self) -> u64 {
        self.pages.get()
    }
}

/// The lazy async iterator of `AsyncClient.list_groups()` / `list_user_groups()`.
#[pyclass(frozen, module = "duo_directory", name = "AsyncGroupIterator")]
pub struct PyAsyncGroupIterator {
    cursor: Arc<tokio::sync::Mutex<GroupCursor>>,
    pages: PageCount,
}

impl PyAsyncGroupIterator {
    fn new(cursor: GroupCursor) -> Self {
        PyAsyncGroupIterator { pages: cursor.page_count(), cursor: Arc::new(tokio::sync::Mutex::new(cursor)) }
    }
}

#[pymethods]
impl PyAsyncGroupIterator {
    fn __aiter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __anext__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        if let Ok(mut cursor) = self.cursor.try_lock()
            && let Some(group) = cursor.next_buffered()
        {
            let group = Bound::new(py, PyGroup::wrap(group))?.into_any().unbind();
            return Ok(Bound::new(py, Ready::new(group))?.into_any());
        }
        let cursor = Arc::clone(&self.cursor);
        spawn_py(py, async move {
            match cursor.lock().await.next().await.map_err(err)? {
                Some(group) => Ok(PyGroup::wrap(group)),
                None => Err(PyStopAsyncIteration::new_err(())),
            }
        })
    }

    /// How many pages have been requested so far.
    #[getter]
    fn pages_fetched(&self) -> u64 {
        self.pages.get()
    }
}
