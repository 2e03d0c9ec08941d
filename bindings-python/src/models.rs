//! Python classes over core's models: frozen wrappers around an `Arc` (or a [`LazyUser`]) of the
//! core struct. Nested lists are built once, on first access, and cached as tuples.

pub mod directory;
pub mod nested;
pub mod request;

use crate::client::lock;
use crate::convert::map_to_py;
use crate::error::err;
use duo_directory::{Error, LazyUser, User, UserStatus, UserSummary};
use nested::{PyGroup, PyPhone, PyToken, PyU2fToken, PyWebauthnCredential};
use pyo3::basic::CompareOp;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyString, PyTuple};
use std::sync::{Mutex, OnceLock};

/// Glue between a Python class and the core struct it wraps (used by [`json_methods!`]).
pub trait Model: Sized {
    /// The core type.
    type Core: serde::Serialize + serde::de::DeserializeOwned;
    /// The core value (decoding it first when it is lazy).
    fn core(&self) -> Result<&Self::Core, Error>;
    /// Wraps a core value.
    fn wrap(core: Self::Core) -> Self;
}

/// Python `repr` of a string (single-quoted, escaped as Python does).
pub fn py_repr(py: Python<'_>, s: &str) -> String {
    PyString::new(py, s).repr().map(|r| r.to_string()).unwrap_or_else(|_| format!("{s:?}"))
}

/// `repr` of an optional string: `None` or `'text'`.
pub fn opt_repr(py: Python<'_>, s: Option<&str>) -> String {
    s.map_or_else(|| "None".to_string(), |s| py_repr(py, s))
}

/// Adds `to_dict`, `to_json`, `from_dict`, `from_json` and pickling to a [`Model`] class.
macro_rules! json_methods {
    ($($class:ty),* $(,)?) => {$(
        #[pymethods]
        impl $class {
            /// A plain dict in the API's own field names (unknown fields included).
            fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                let value = serde_json::to_value(self.core().map_err(crate::error::err)?)
                    .map_err(|e| crate::error::internal(e.to_string()))?;
                crate::convert::json_to_py(py, &value)
            }

            /// JSON text in the API's own field names; lossless for what `from_json` read.
            #[pyo3(signature = (*, pretty = false))]
            fn to_json(&self, pretty: bool) -> PyResult<String> {
                let core = self.core().map_err(crate::error::err)?;
                let text = if pretty { serde_json::to_string_pretty(core) } else { serde_json::to_string(core) };
                text.map_err(|e| crate::error::internal(e.to_string()))
            }

            /// Builds an instance from a dict in the API's field names; `DecodeError` names the bad field.
            #[staticmethod]
            fn from_dict(data: &Bound<'_, PyAny>) -> PyResult<Self> {
                crate::error::guard(|| {
                    let value = crate::convert::py_to_json(data, "")?;
                    let core = duo_directory::decode::from_value(value).map_err(crate::error::err)?;
                    Ok(<$class as crate::models::Model>::wrap(core))
                })
            }

            /// Parses JSON text (`str` or `bytes`); `DecodeError` names the field, line and column.
            #[staticmethod]
            fn from_json(text: &Bound<'_, PyAny>) -> PyResult<Self> {
                crate::error::guard(|| {
                    let bytes = crate::convert::text_bytes(text)?;
                    let core = text.py()
                        .detach(|| duo_directory::decode::from_slice(&bytes))
                        .map_err(crate::error::err)?;
                    Ok(<$class as crate::models::Model>::wrap(core))
                })
            }

            fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
                let text = slf.get().to_json(false)?;
                Ok((slf.get_type().getattr("from_json")?, (text,)))
            }
        }
    )*};
}
pub(crate) use json_methods;

/// A Duo user's status. `value` is Duo's string; unknown future statuses are kept, not rejected.
///
/// Compares equal to another `UserStatus` or to a `str` with the same value, and hashes like that str.
#[pyclass(frozen, module = "duo_directory", name = "UserStatus")]
#[derive(Clone)]
pub struct PyUserStatus(pub UserStatus);

#[pymethods]
impl PyUserStatus {
    #[new]
    fn new(value: &str) -> Self {
        PyUserStatus(UserStatus::from(value))
    }

    /// Duo's spelling: `active`, `bypass`, `disabled`, `locked out`, `pending deletion`, or an unknown value.
    #[getter]
    fn value(&self) -> &str {
        self.0.as_str()
    }

    /// False for a status this version does not know.
    #[getter]
    fn is_known(&self) -> bool {
        !matches!(self.0, UserStatus::Other(_))
    }

    /// `active`
    #[classattr]
    #[allow(non_snake_case)]
    fn ACTIVE() -> Self {
        PyUserStatus(UserStatus::Active)
    }
    /// `bypass`
    #[classattr]
    #[allow(non_snake_case)]
    fn BYPASS() -> Self {
        PyUserStatus(UserStatus::Bypass)
    }
    /// `disabled`
    #[classattr]
    #[allow(non_snake_case)]
    fn DISABLED() -> Self {
        PyUserStatus(UserStatus::Disabled)
    }
    /// `locked out`
    #[classattr]
    #[allow(non_snake_case)]
    fn LOCKED_OUT() -> Self {
        PyUserStatus(UserStatus::LockedOut)
    }
    /// `pending deletion`
    #[classattr]
    #[allow(non_snake_case)]
    fn PENDING_DELETION() -> Self {
        PyUserStatus(UserStatus::PendingDeletion)
    }

    fn __str__(&self) -> &str {
        self.0.as_str()
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!("UserStatus({})", py_repr(py, self.0.as_str()))
    }

    fn __hash__(&self, py: Python<'_>) -> PyResult<isize> {
        PyString::new(py, self.0.as_str()).hash()
    }

    fn __richcmp__(&self, other: &Bound<'_, PyAny>, op: CompareOp) -> PyResult<Py<PyAny>> {
        let py = other.py();
        let other_value = if let Ok(s) = other.cast::<PyUserStatus>() {
            s.get().0.as_str().to_owned()
        } else if let Ok(s) = other.cast::<PyString>() {
            s.to_cow()?.into_owned()
        } else {
            return Ok(py.NotImplemented());
        };
        let equal = self.0.as_str() == other_value;
        Ok(match op {
            CompareOp::Eq => equal.into_pyobject(py)?.to_owned().into_any().unbind(),
            CompareOp::Ne => (!equal).into_pyobject(py)?.to_owned().into_any().unbind(),
            _ => py.NotImplemented(),
        })
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((slf.get_type().into_any(), (slf.get().0.as_str().to_owned(),)))
    }
}

/// A Duo user. Listing hands out one small object per user over the page buffer; the fields are
/// decoded on first access (a malformed user raises `DecodeError` then) and nested lists are
/// built once.
///
/// Until its first field access the object holds the core [`LazyUser`] (a slice of the shared
/// page buffer); the first access decodes it and lets go of the slice, so a page's buffer is
/// freed once all its users are decoded or dropped (no user is kept twice, raw and decoded).
#[pyclass(frozen, eq, module = "duo_directory", name = "User")]
pub struct PyUser {
    lazy: Mutex<Option<Box<LazyUser>>>,
    summary: OnceLock<Result<UserSummary, Error>>,
    decoded: OnceLock<Result<Box<User>, Error>>,
    groups: PyOnceLock<Py<PyTuple>>,
    phones: PyOnceLock<Py<PyTuple>>,
    tokens: PyOnceLock<Py<PyTuple>>,
    u2ftokens: PyOnceLock<Py<PyTuple>>,
    webauthncredentials: PyOnceLock<Py<PyTuple>>,
}

impl PartialEq for PyUser {
    fn eq(&self, other: &Self) -> bool {
        match (self.decode(), other.decode()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        }
    }
}

impl From<LazyUser> for PyUser {
    fn from(lazy: LazyUser) -> Self {
        PyUser {
            lazy: Mutex::new(Some(Box::new(lazy))),
            summary: OnceLock::new(),
            decoded: OnceLock::new(),
            groups: PyOnceLock::new(),
            phones: PyOnceLock::new(),
            tokens: PyOnceLock::new(),
            u2ftokens: PyOnceLock::new(),
            webauthncredentials: PyOnceLock::new(),
        }
    }
}

impl From<User> for PyUser {
    fn from(user: User) -> Self {
        let decoded = OnceLock::new();
        let _ = decoded.set(Ok(Box::new(user)));
        PyUser { lazy: Mutex::new(None), decoded, ..PyUser::from(LazyUser::new(bytes::Bytes::new())) }
    }
}

impl Model for PyUser {
    type Core = User;
    fn core(&self) -> Result<&User, Error> {
        self.decode()
    }
    fn wrap(core: User) -> Self {
        PyUser::from(core)
    }
}

impl PyUser {
    /// The decoded user (decoding it on first use, then releasing the raw slice).
    fn decode(&self) -> Result<&User, Error> {
        let decoded = self.decoded.get_or_init(|| match lock(&self.lazy).take() {
            Some(lazy) => lazy.into_user().map(Box::new),
            None => Err(Error::Internal { message: "user without data".into() }),
        });
        decoded.as_deref().map_err(Clone::clone)
    }

    fn user(&self) -> PyResult<&User> {
        self.decode().map_err(err)
    }

    /// The top-level scalars: from the decoded user when there is one, else decoded on their own
    /// (skipping groups, phones and authenticators), so reading `username` stays cheap.
    fn summary(&self) -> PyResult<&UserSummary> {
        self.summary
            .get_or_init(|| {
                if let Some(Ok(user)) = self.decoded.get() {
                    return Ok(UserSummary::from(&**user));
                }
                let from_raw = lock(&self.lazy).as_ref().map(|lazy| lazy.decode_summary());
                match from_raw {
                    Some(result) => result,
                    None => self.decode().map(UserSummary::from),
                }
            })
            .as_ref()
            .map_err(|e| err(e.clone()))
    }

    /// The core user, cloned.
    pub fn to_core(&self) -> PyResult<User> {
        Ok(self.user()?.clone())
    }
}

fn cached_tuple<'py, T, W>(
    py: Python<'py>,
    cell: &PyOnceLock<Py<PyTuple>>,
    items: &[T],
    wrap: impl Fn(&T) -> W,
) -> PyResult<Bound<'py, PyTuple>>
where
    W: for<'a> IntoPyObject<'a>,
{
    let tuple = cell.get_or_try_init(py, || {
        let objects: Vec<W> = items.iter().map(wrap).collect();
        PyTuple::new(py, objects).map(Bound::unbind)
    })?;
    Ok(tuple.bind(py).clone())
}

json_methods!(PyUser);

#[pymethods]
impl PyUser {
    /// Duo's id of the user (`DU` + 18 characters).
    #[getter]
    fn user_id(&self) -> PyResult<&str> {
        Ok(&self.summary()?.user_id)
    }
    /// Primary username.
    #[getter]
    fn username(&self) -> PyResult<&str> {
        Ok(&self.summary()?.username)
    }
    /// Full name.
    #[getter]
    fn realname(&self) -> PyResult<Option<&str>> {
        Ok(self.summary()?.realname.as_deref())
    }
    /// Given name.
    #[getter]
    fn firstname(&self) -> PyResult<Option<&str>> {
        Ok(self.summary()?.firstname.as_deref())
    }
    /// Surname.
    #[getter]
    fn lastname(&self) -> PyResult<Option<&str>> {
        Ok(self.summary()?.lastname.as_deref())
    }
    /// Email address (`''` when unset).
    #[getter]
    fn email(&self) -> PyResult<Option<&str>> {
        Ok(self.summary()?.email.as_deref())
    }
    /// Status; unknown future values are kept.
    #[getter]
    fn status(&self) -> PyResult<PyUserStatus> {
        Ok(PyUserStatus(self.summary()?.status.clone()))
    }
    /// Free-text notes.
    #[getter]
    fn notes(&self) -> PyResult<Option<&str>> {
        Ok(self.summary()?.notes.as_deref())
    }
    /// Legacy positional alias 1.
    #[getter]
    fn alias1(&self) -> PyResult<Option<&str>> {
        Ok(self.summary()?.alias1.as_deref())
    }
    /// Legacy positional alias 2.
    #[getter]
    fn alias2(&self) -> PyResult<Option<&str>> {
        Ok(self.summary()?.alias2.as_deref())
    }
    /// Legacy positional alias 3.
    #[getter]
    fn alias3(&self) -> PyResult<Option<&str>> {
        Ok(self.summary()?.alias3.as_deref())
    }
    /// Legacy positional alias 4.
    #[getter]
    fn alias4(&self) -> PyResult<Option<&str>> {
        Ok(self.summary()?.alias4.as_deref())
    }
    /// All aliases by position name (`alias1`..`alias8`); a new dict on each access.
    #[getter]
    fn aliases<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        for (k, v) in &self.user()?.aliases {
            dict.set_item(k, v)?;
        }
        Ok(dict)
    }
    /// Creation time, UNIX seconds.
    #[getter]
    fn created(&self) -> PyResult<Option<i64>> {
        Ok(self.summary()?.created)
    }
    /// Last login, UNIX seconds; None if never.
    #[getter]
    fn last_login(&self) -> PyResult<Option<i64>> {
        Ok(self.summary()?.last_login)
    }
    /// Last update by directory sync, UNIX seconds; None if never synced.
    #[getter]
    fn last_directory_sync(&self) -> PyResult<Option<i64>> {
        Ok(self.summary()?.last_directory_sync)
    }
    /// True when the user has at least one authentication device or method.
    #[getter]
    fn is_enrolled(&self) -> PyResult<Option<bool>> {
        Ok(self.summary()?.is_enrolled)
    }
    /// Universal Prompt auto-start of the last used method, when Duo sends it.
    #[getter]
    fn enable_auto_prompt(&self) -> PyResult<Option<bool>> {
        Ok(self.user()?.enable_auto_prompt)
    }
    /// The directory's own id of a synced user, when present.
    #[getter]
    fn external_id(&self) -> PyResult<Option<&str>> {
        Ok(self.user()?.external_id.as_deref())
    }
    /// Why a `locked out` user is locked, when Duo sends it.
    #[getter]
    fn lockout_reason(&self) -> PyResult<Option<&str>> {
        Ok(self.user()?.lockout_reason.as_deref())
    }
    /// Members this version does not model (a new dict on each access).
    #[getter]
    fn extra<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        map_to_py(py, &self.user()?.extra)
    }
    /// Groups the user belongs to.
    #[getter]
    fn groups<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        cached_tuple(py, &self.groups, &self.user()?.groups, |g| PyGroup::wrap(g.clone()))
    }
    /// Phones.
    #[getter]
    fn phones<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        cached_tuple(py, &self.phones, &self.user()?.phones, |p| PyPhone::wrap(p.clone()))
    }
    /// Hardware OTP tokens.
    #[getter]
    fn tokens<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        cached_tuple(py, &self.tokens, &self.user()?.tokens, |t| PyToken::wrap(t.clone()))
    }
    /// Legacy U2F tokens.
    #[getter]
    fn u2ftokens<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        cached_tuple(py, &self.u2ftokens, &self.user()?.u2ftokens, |t| PyU2fToken::wrap(t.clone()))
    }
    /// WebAuthn credentials.
    #[getter]
    fn webauthncredentials<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        cached_tuple(py, &self.webauthncredentials, &self.user()?.webauthncredentials, |w| {
            PyWebauthnCredential::wrap(w.clone())
        })
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        match self.decode() {
            Ok(u) => format!(
                "User(user_id={}, username={}, status={})",
                py_repr(py, &u.user_id),
                py_repr(py, &u.username),
                py_repr(py, u.status.as_str())
            ),
            Err(_) => "User(<undecodable>)".to_string(),
        }
    }
}
