//! Python classes over core's models: frozen wrappers around an `Arc` of the core struct (or a
//! core [`LazyUser`], which owns its own lazy states). Nested lists are built once, on first
//! access, and cached as tuples. Dicts, JSON, pickling and `repr` come from one generic path
//! (serde and core's identity fields), in [`json_methods!`].

pub mod bypass;
pub mod directory;
pub mod nested;
pub mod request;

use crate::convert::Json;
use crate::error::err;
use duo_directory::{Error, LazyUser, User, UserStatus, UserSummary};
use nested::{PyGroup, PyPhone, PyToken, PyU2fToken, PyWebauthnCredential};
use pyo3::basic::CompareOp;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyString, PyTuple};

/// Glue between a Python class and the core value it wraps (used by [`json_methods!`]).
pub trait Model: Sized {
    /// The core type.
    type Core: serde::Serialize + serde::de::DeserializeOwned + duo_directory::identity::Identity;
    /// The core value (decoding it first when it is lazy).
    fn core(&self) -> Result<&Self::Core, Error>;
    /// Wraps a core value.
    fn wrap(core: Self::Core) -> Self;
    /// [`Model::core`] as a Python result.
    fn value(&self) -> PyResult<&Self::Core> {
        self.core().map_err(err)
    }
}

/// Adds `to_dict`, `to_json`, `from_dict`, `from_json`, pickling and `repr` to [`Model`] classes.
macro_rules! json_methods {
    ($($class:ty),* $(,)?) => {$(
        #[pymethods]
        impl $class {
            /// A plain dict in the API's own field names (unknown fields included).
            fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                crate::convert::to_py(py, crate::models::Model::value(self)?)
            }

            /// JSON text in the API's own field names; lossless for what `from_json` read.
            #[pyo3(signature = (*, pretty = false))]
            fn to_json(&self, pretty: bool) -> PyResult<String> {
                let core = crate::models::Model::value(self)?;
                let text = if pretty { serde_json::to_string_pretty(core) } else { serde_json::to_string(core) };
                text.map_err(|e| crate::error::internal(e.to_string()))
            }

            /// Builds an instance from a dict in the API's field names; `DecodeError` names the bad field.
            #[staticmethod]
            fn from_dict(data: &Bound<'_, PyAny>) -> PyResult<Self> {
                crate::error::guard(|| {
                    let core = duo_directory::decode::from_value(crate::convert::py_to_json(data, "")?);
                    Ok(<$class as crate::models::Model>::wrap(core.map_err(crate::error::err)?))
                })
            }

            /// Parses JSON text (`str` or `bytes`); `DecodeError` names the field, line and column.
            #[staticmethod]
            fn from_json(text: &Bound<'_, PyAny>) -> PyResult<Self> {
                crate::error::guard(|| {
                    let bytes = crate::convert::text_bytes(text)?;
                    let core = text.py().detach(|| duo_directory::decode::from_slice(&bytes));
                    Ok(<$class as crate::models::Model>::wrap(core.map_err(crate::error::err)?))
                })
            }

            fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
                let text = slf.get().to_json(false)?;
                Ok((slf.get_type().getattr("from_json")?, (text,)))
            }

            fn __repr__(&self, py: Python<'_>) -> String {
                match crate::models::Model::core(self) {
                    Ok(core) => crate::repr::identity(py, core),
                    Err(_) => format!("{}(<undecodable>)", <<$class as crate::models::Model>::Core as duo_directory::identity::Identity>::TYPE_NAME),
                }
            }
        }
    )*};
}
pub(crate) use json_methods;

/// The core value of an instance of `W`, or of a dict in the API's field names.
pub fn from_py<W>(obj: &Bound<'_, PyAny>) -> PyResult<W::Core>
where
    W: Model + pyo3::PyClass<Frozen = pyo3::pyclass::boolean_struct::True> + Sync,
    W::Core: Clone,
{
    match obj.cast::<W>() {
        Ok(model) => model.get().value().cloned(),
        Err(_) => duo_directory::decode::from_value(crate::convert::py_to_json(obj, "")?).map_err(err),
    }
}

/// Read-only properties: `name: Type = expression;` with `$v` bound to `self.$access()?`.
macro_rules! getters {
    ($class:ty, $access:ident, |$v:ident| { $($(#[$meta:meta])* $name:ident: $ty:ty = $expr:expr;)* }) => {
        #[pymethods]
        impl $class {
            $(
                $(#[$meta])*
                #[getter]
                fn $name(&self) -> PyResult<$ty> {
                    let $v = self.$access()?;
                    Ok($expr)
                }
            )*
        }
    };
}
pub(crate) use getters;

/// A cached tuple of wrapped nested models, built on first access.
pub fn cached_tuple<'py, T: Clone, W>(
    py: Python<'py>,
    cell: &PyOnceLock<Py<PyTuple>>,
    items: &[T],
    wrap: impl Fn(T) -> W,
) -> PyResult<Bound<'py, PyTuple>>
where
    W: for<'a> IntoPyObject<'a>,
{
    let tuple = cell.get_or_try_init(py, || PyTuple::new(py, items.iter().cloned().map(wrap)).map(Bound::unbind))?;
    Ok(tuple.bind(py).clone())
}

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
    #[classattr]
    #[pyo3(name = "ACTIVE")]
    fn active() -> Self {
        PyUserStatus(UserStatus::Active)
    }
    #[classattr]
    #[pyo3(name = "BYPASS")]
    fn bypass() -> Self {
        PyUserStatus(UserStatus::Bypass)
    }
    #[classattr]
    #[pyo3(name = "DISABLED")]
    fn disabled() -> Self {
        PyUserStatus(UserStatus::Disabled)
    }
    #[classattr]
    #[pyo3(name = "LOCKED_OUT")]
    fn locked_out() -> Self {
        PyUserStatus(UserStatus::LockedOut)
    }
    #[classattr]
    #[pyo3(name = "PENDING_DELETION")]
    fn pending_deletion() -> Self {
        PyUserStatus(UserStatus::PendingDeletion)
    }
    fn __str__(&self) -> &str {
        self.0.as_str()
    }
    fn __repr__(&self, py: Python<'_>) -> String {
        format!("UserStatus({})", crate::repr::py_repr(py, self.0.as_str()))
    }
    fn __hash__(&self, py: Python<'_>) -> PyResult<isize> {
        PyString::new(py, self.0.as_str()).hash()
    }
    fn __richcmp__(&self, other: &Bound<'_, PyAny>, op: CompareOp) -> PyResult<Py<PyAny>> {
        let py = other.py();
        let other = match other.cast::<PyUserStatus>() {
            Ok(s) => s.get().0.as_str().to_owned(),
            Err(_) => match other.cast::<PyString>() {
                Ok(s) => s.to_cow()?.into_owned(),
                Err(_) => return Ok(py.NotImplemented()),
            },
        };
        match op {
            CompareOp::Eq => Ok((self.0.as_str() == other).into_pyobject(py)?.to_owned().into_any().unbind()),
            CompareOp::Ne => Ok((self.0.as_str() != other).into_pyobject(py)?.to_owned().into_any().unbind()),
            _ => Ok(py.NotImplemented()),
        }
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((slf.get_type().into_any(), (slf.get().0.as_str().to_owned(),)))
    }
}

/// A Duo user. Listing hands out one small object per user over the page buffer: reading a
/// top-level field decodes only the user's scalars; reading a nested list (or `to_dict`) decodes
/// the whole user once, releases the raw slice, and builds the list once. A malformed user raises
/// `DecodeError` on access.
#[pyclass(frozen, eq, module = "duo_directory", name = "User")]
pub struct PyUser {
    user: LazyUser,
    lists: [PyOnceLock<Py<PyTuple>>; 5],
}

impl PartialEq for PyUser {
    fn eq(&self, other: &Self) -> bool {
        self.user == other.user
    }
}

impl From<LazyUser> for PyUser {
    fn from(user: LazyUser) -> Self {
        PyUser { user, lists: std::array::from_fn(|_| PyOnceLock::new()) }
    }
}

impl From<User> for PyUser {
    fn from(user: User) -> Self {
        PyUser::from(LazyUser::from(user))
    }
}

impl Model for PyUser {
    type Core = User;
    fn core(&self) -> Result<&User, Error> {
        self.user.user()
    }
    fn wrap(core: User) -> Self {
        PyUser::from(core)
    }
}

impl PyUser {
    fn summary(&self) -> PyResult<&UserSummary> {
        self.user.summary().map_err(err)
    }
}

json_methods!(PyUser);

getters!(PyUser, summary, |s| {
    /// Duo's id of the user (`DU` + 18 characters).
    user_id: &str = &s.user_id;
    /// Primary username.
    username: &str = &s.username;
    /// Full name.
    realname: Option<&str> = s.realname.as_deref();
    /// Given name.
    firstname: Option<&str> = s.firstname.as_deref();
    /// Surname.
    lastname: Option<&str> = s.lastname.as_deref();
    /// Email address (`''` when unset).
    email: Option<&str> = s.email.as_deref();
    /// Status; unknown future values are kept.
    status: PyUserStatus = PyUserStatus(s.status.clone());
    /// Free-text notes.
    notes: Option<&str> = s.notes.as_deref();
    /// Legacy positional alias 1.
    alias1: Option<&str> = s.alias1.as_deref();
    /// Legacy positional alias 2.
    alias2: Option<&str> = s.alias2.as_deref();
    /// Legacy positional alias 3.
    alias3: Option<&str> = s.alias3.as_deref();
    /// Legacy positional alias 4.
    alias4: Option<&str> = s.alias4.as_deref();
    /// Creation time, UNIX seconds.
    created: Option<i64> = s.created;
    /// Last login, UNIX seconds; None if never.
    last_login: Option<i64> = s.last_login;
    /// Last update by directory sync, UNIX seconds; None if never synced.
    last_directory_sync: Option<i64> = s.last_directory_sync;
    /// True when the user has at least one authentication device or method.
    is_enrolled: Option<bool> = s.is_enrolled;
});

getters!(PyUser, value, |u| {
    /// All aliases by position name (`alias1`..`alias8`); a new dict on each access.
    aliases: std::collections::BTreeMap<String, String> = u.aliases.clone();
    /// Universal Prompt auto-start of the last used method, when Duo sends it.
    enable_auto_prompt: Option<bool> = u.enable_auto_prompt;
    /// The directory's own id of a synced user, when present.
    external_id: Option<&str> = u.external_id.as_deref();
    /// Why a `locked out` user is locked, when Duo sends it.
    lockout_reason: Option<&str> = u.lockout_reason.as_deref();
    /// Members this version does not model (a new dict on each access).
    extra: Json = Json::object(&u.extra);
});

#[pymethods]
impl PyUser {
    /// Groups the user belongs to.
    #[getter]
    fn groups<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let [cell, ..] = &self.lists;
        cached_tuple(py, cell, &self.value()?.groups, PyGroup::wrap)
    }
    /// Phones.
    #[getter]
    fn phones<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let [_, cell, ..] = &self.lists;
        cached_tuple(py, cell, &self.value()?.phones, PyPhone::wrap)
    }
    /// Hardware OTP tokens.
    #[getter]
    fn tokens<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let [_, _, cell, ..] = &self.lists;
        cached_tuple(py, cell, &self.value()?.tokens, PyToken::wrap)
    }
    /// Legacy U2F tokens.
    #[getter]
    fn u2ftokens<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let [_, _, _, cell, _] = &self.lists;
        cached_tuple(py, cell, &self.value()?.u2ftokens, PyU2fToken::wrap)
    }
    /// WebAuthn credentials.
    #[getter]
    fn webauthncredentials<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let [.., cell] = &self.lists;
        cached_tuple(py, cell, &self.value()?.webauthncredentials, PyWebauthnCredential::wrap)
    }
}
