//! The objects nested in a Duo user: groups, phones, tokens, U2F tokens, WebAuthn credentials.

use super::{Model, json_methods, opt_repr, py_repr};
use crate::convert::map_to_py;
use duo_directory::{Error, Group, LastSeen, Phone, Token, U2fToken, WebauthnCredential};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::sync::Arc;

macro_rules! arc_model {
    ($class:ident, $core:ty) => {
        impl Model for $class {
            type Core = $core;
            fn core(&self) -> Result<&$core, Error> {
                Ok(&self.0)
            }
            fn wrap(core: $core) -> Self {
                $class(Arc::new(core))
            }
        }
        json_methods!($class);
    };
}

/// A group as embedded in a user.
#[pyclass(frozen, eq, module = "duo_directory", name = "Group")]
#[derive(PartialEq)]
pub struct PyGroup(pub Arc<Group>);
arc_model!(PyGroup, Group);

#[pymethods]
impl PyGroup {
    /// Description.
    #[getter]
    fn desc(&self) -> Option<&str> {
        self.0.desc.as_deref()
    }
    /// Group id (`DG...`).
    #[getter]
    fn group_id(&self) -> &str {
        &self.0.group_id
    }
    /// Legacy flag.
    #[getter]
    fn mobile_otp_enabled(&self) -> Option<bool> {
        self.0.mobile_otp_enabled
    }
    /// Name.
    #[getter]
    fn name(&self) -> Option<&str> {
        self.0.name.as_deref()
    }
    /// Legacy flag.
    #[getter]
    fn push_enabled(&self) -> Option<bool> {
        self.0.push_enabled
    }
    /// Legacy flag.
    #[getter]
    fn sms_enabled(&self) -> Option<bool> {
        self.0.sms_enabled
    }
    /// Group authentication status (`Active`, `Bypass`, `Disabled`).
    #[getter]
    fn status(&self) -> Option<&str> {
        self.0.status.as_deref()
    }
    /// Legacy flag.
    #[getter]
    fn voice_enabled(&self) -> Option<bool> {
        self.0.voice_enabled
    }
    /// Members this version does not model.
    #[getter]
    fn extra<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        map_to_py(py, &self.0.extra)
    }
    fn __repr__(&self, py: Python<'_>) -> String {
        format!("Group(group_id={}, name={})", py_repr(py, &self.0.group_id), opt_repr(py, self.0.name.as_deref()))
    }
}

/// A phone as embedded in a user.
#[pyclass(frozen, eq, module = "duo_directory", name = "Phone")]
#[derive(PartialEq)]
pub struct PyPhone(pub Arc<Phone>);
arc_model!(PyPhone, Phone);

#[pymethods]
impl PyPhone {
    /// Activated for Duo Mobile.
    #[getter]
    fn activated(&self) -> Option<bool> {
        self.0.activated
    }
    /// Factors the device supports (`auto`, `push`, `phone`, `sms`, `mobile_otp`).
    #[getter]
    fn capabilities(&self) -> Vec<String> {
        self.0.capabilities.clone()
    }
    /// File-system encryption status.
    #[getter]
    fn encrypted(&self) -> Option<&str> {
        self.0.encrypted.as_deref()
    }
    /// Extension.
    #[getter]
    fn extension(&self) -> Option<&str> {
        self.0.extension.as_deref()
    }
    /// Biometric status.
    #[getter]
    fn fingerprint(&self) -> Option<&str> {
        self.0.fingerprint.as_deref()
    }
    /// Last contact with Duo Mobile: UNIX seconds or the text Duo sent.
    #[getter]
    fn last_seen<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        Ok(match &self.0.last_seen {
            None => None,
            Some(LastSeen::Unix(t)) => Some(t.into_pyobject(py)?.into_any()),
            Some(LastSeen::Text(s)) => Some(s.into_pyobject(py)?.into_any()),
        })
    }
    /// Model.
    #[getter]
    fn model(&self) -> Option<&str> {
        self.0.model.as_deref()
    }
    /// Label.
    #[getter]
    fn name(&self) -> Option<&str> {
        self.0.name.as_deref()
    }
    /// Number.
    #[getter]
    fn number(&self) -> Option<&str> {
        self.0.number.as_deref()
    }
    /// Phone id (`DP...`).
    #[getter]
    fn phone_id(&self) -> &str {
        &self.0.phone_id
    }
    /// Platform.
    #[getter]
    fn platform(&self) -> Option<&str> {
        self.0.platform.as_deref()
    }
    /// Seconds to wait after the extension is dialed.
    #[getter]
    fn postdelay(&self) -> Option<&str> {
        self.0.postdelay.as_deref()
    }
    /// Seconds to wait before dialing the extension.
    #[getter]
    fn predelay(&self) -> Option<&str> {
        self.0.predelay.as_deref()
    }
    /// Screen lock status.
    #[getter]
    fn screenlock(&self) -> Option<&str> {
        self.0.screenlock.as_deref()
    }
    /// SMS passcodes were sent.
    #[getter]
    fn sms_passcodes_sent(&self) -> Option<bool> {
        self.0.sms_passcodes_sent
    }
    /// Jailbreak/root status.
    #[getter]
    fn tampered(&self) -> Option<&str> {
        self.0.tampered.as_deref()
    }
    /// Phone type (`Mobile`, `Landline`, `Unknown`).
    #[getter]
    fn r#type(&self) -> Option<&str> {
        self.0.phone_type.as_deref()
    }
    /// Members this version does not model.
    #[getter]
    fn extra<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        map_to_py(py, &self.0.extra)
    }
    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Phone(phone_id={}, number={}, type={})",
            py_repr(py, &self.0.phone_id),
            opt_repr(py, self.0.number.as_deref()),
            opt_repr(py, self.0.phone_type.as_deref())
        )
    }
}

/// A hardware token as embedded in a user.
#[pyclass(frozen, eq, module = "duo_directory", name = "Token")]
#[derive(PartialEq)]
pub struct PyToken(pub Arc<Token>);
arc_model!(PyToken, Token);

#[pymethods]
impl PyToken {
    /// Serial number.
    #[getter]
    fn serial(&self) -> Option<&str> {
        self.0.serial.as_deref()
    }
    /// Token id (`DH...`).
    #[getter]
    fn token_id(&self) -> &str {
        &self.0.token_id
    }
    /// TOTP step.
    #[getter]
    fn totp_step(&self) -> Option<i64> {
        self.0.totp_step
    }
    /// Token type (`h6`, `h8`, `t6`, `t8`, `yk`, `d1`).
    #[getter]
    fn r#type(&self) -> Option<&str> {
        self.0.token_type.as_deref()
    }
    /// Members this version does not model.
    #[getter]
    fn extra<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        map_to_py(py, &self.0.extra)
    }
    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Token(token_id={}, type={}, serial={})",
            py_repr(py, &self.0.token_id),
            opt_repr(py, self.0.token_type.as_deref()),
            opt_repr(py, self.0.serial.as_deref())
        )
    }
}

/// A legacy U2F token as embedded in a user.
#[pyclass(frozen, eq, module = "duo_directory", name = "U2fToken")]
#[derive(PartialEq)]
pub struct PyU2fToken(pub Arc<U2fToken>);
arc_model!(PyU2fToken, U2fToken);

#[pymethods]
impl PyU2fToken {
    /// Registration time, UNIX seconds.
    #[getter]
    fn date_added(&self) -> Option<i64> {
        self.0.date_added
    }
    /// Registration id.
    #[getter]
    fn registration_id(&self) -> &str {
        &self.0.registration_id
    }
    /// Members this version does not model.
    #[getter]
    fn extra<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        map_to_py(py, &self.0.extra)
    }
    fn __repr__(&self, py: Python<'_>) -> String {
        format!("U2fToken(registration_id={})", py_repr(py, &self.0.registration_id))
    }
}

/// A WebAuthn credential as embedded in a user.
#[pyclass(frozen, eq, module = "duo_directory", name = "WebauthnCredential")]
#[derive(PartialEq)]
pub struct PyWebauthnCredential(pub Arc<WebauthnCredential>);
arc_model!(PyWebauthnCredential, WebauthnCredential);

#[pymethods]
impl PyWebauthnCredential {
    /// Name given to the credential.
    #[getter]
    fn credential_name(&self) -> Option<&str> {
        self.0.credential_name.as_deref()
    }
    /// Registration time, UNIX seconds.
    #[getter]
    fn date_added(&self) -> Option<i64> {
        self.0.date_added
    }
    /// Kind (`Security Key`, `Touch ID`, `Windows Hello`).
    #[getter]
    fn label(&self) -> Option<&str> {
        self.0.label.as_deref()
    }
    /// Registration id (`WA...`).
    #[getter]
    fn webauthnkey(&self) -> &str {
        &self.0.webauthnkey
    }
    /// Members this version does not model.
    #[getter]
    fn extra<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        map_to_py(py, &self.0.extra)
    }
    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "WebauthnCredential(webauthnkey={}, label={})",
            py_repr(py, &self.0.webauthnkey),
            opt_repr(py, self.0.label.as_deref())
        )
    }
}
