//! Conversions between Python objects and JSON values / request parameters.

use crate::error::invalid;
use duo_directory::Params;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple};
use serde_json::Value;

/// A JSON value handed to Python as plain objects (dict, list, str, int, float, bool, None).
pub struct Json(pub Value);

impl<'py> IntoPyObject<'py> for Json {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_to_py(py, &self.0)
    }
}

/// JSON value → Python object.
pub fn json_to_py<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(json_to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => map_to_py(py, map)?.into_any(),
    })
}

/// JSON object → Python dict.
pub fn map_to_py<'py>(py: Python<'py>, map: &serde_json::Map<String, Value>) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (k, v) in map {
        dict.set_item(k, json_to_py(py, v)?)?;
    }
    Ok(dict)
}

/// Python object → JSON value. Errors name the offending path (`groups[0].name`).
pub fn py_to_json(obj: &Bound<'_, PyAny>, path: &str) -> PyResult<Value> {
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        if let Ok(i) = obj.extract::<i64>() {
            return Ok(Value::from(i));
        }
        if let Ok(u) = obj.extract::<u64>() {
            return Ok(Value::from(u));
        }
        return Err(invalid(name(path), "integer does not fit in 64 bits"));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return serde_json::Number::from_f64(f.value())
            .map(Value::Number)
            .ok_or_else(|| invalid(name(path), "NaN and infinity are not JSON"));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::String(s.to_cow()?.into_owned()));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut map = serde_json::Map::with_capacity(d.len());
        for (k, v) in d.iter() {
            let key = k.cast::<PyString>().map_err(|_| invalid(name(path), "dict keys must be str"))?;
            let key = key.to_cow()?.into_owned();
            let child = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
            let value = py_to_json(&v, &child)?;
            map.insert(key, value);
        }
        return Ok(Value::Object(map));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let mut items = Vec::new();
        for (i, item) in obj.try_iter()?.enumerate() {
            items.push(py_to_json(&item?, &format!("{path}[{i}]"))?);
        }
        return Ok(Value::Array(items));
    }
    if let Ok(m) = obj.cast::<PyMapping>() {
        let dict = PyDict::new(obj.py());
        for item in m.items()?.iter() {
            let (k, v): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract()?;
            dict.set_item(k, v)?;
        }
        return py_to_json(dict.as_any(), path);
    }
    let type_name = obj.get_type().name().map(|n| n.to_string()).unwrap_or_default();
    Err(invalid(name(path), format!("a {type_name} cannot be represented in JSON")))
}

fn name(path: &str) -> String {
    if path.is_empty() { "value".into() } else { path.into() }
}

/// `str` or `bytes` → owned bytes (for `from_json`).
pub fn text_bytes(obj: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(s.to_cow()?.as_bytes().to_vec());
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(b.as_bytes().to_vec());
    }
    Err(invalid("text", "expected str or bytes"))
}

/// `dict[str, str | list[str]]` (or None) → core [`Params`].
pub fn params_from_py(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Params> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else { return Ok(Params::new()) };
    if !obj.is_instance_of::<PyMapping>() && !obj.is_instance_of::<PyDict>() {
        return Err(invalid("params", "expected a dict of str to str or list[str]"));
    }
    duo_directory::decode::from_value(py_to_json(obj, "params")?).map_err(|e| match e {
        duo_directory::Error::Decode { field, reason, .. } => invalid(format!("params[{field:?}]"), reason),
        other => crate::error::err(other),
    })
}

/// Any serde value as plain Python objects (through its JSON form).
pub fn to_py<'py, T: serde::Serialize + ?Sized>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    let value = serde_json::to_value(value).map_err(|e| crate::error::internal(e.to_string()))?;
    json_to_py(py, &value)
}

impl Json {
    /// A JSON object (a map of unknown members, custom attributes) for Python.
    pub fn object(map: &serde_json::Map<String, Value>) -> Json {
        Json(Value::Object(map.clone()))
    }

    /// Any serde value, through its JSON form.
    pub fn of<T: serde::Serialize>(value: &T) -> Json {
        Json(serde_json::to_value(value).unwrap_or(Value::Null))
    }
}

/// A `str` argument as Rust text; a lone surrogate is an `InvalidInputError` naming `name`.
pub fn text(name: &str, obj: &Bound<'_, PyAny>) -> PyResult<String> {
    let s = obj.cast::<PyString>().map_err(|_| {
        let type_name = obj.get_type().name().map(|n| n.to_string()).unwrap_or_default();
        pyo3::exceptions::PyTypeError::new_err(format!("{name} must be str, not {type_name}"))
    })?;
    s.to_cow()
        .map(std::borrow::Cow::into_owned)
        .map_err(|_| invalid(name, "is not valid text: it holds a lone surrogate (U+D800-U+DFFF)"))
}

/// `from_py_with` extractors for the string arguments, each naming its argument.
pub mod arg {
    use pyo3::prelude::*;
    macro_rules! text_args {
        ($($name:ident),*) => {$(
            /// The argument of this name as text (see [`super::text`]).
            pub fn $name(obj: &Bound<'_, PyAny>) -> PyResult<String> {
                super::text(stringify!($name), obj)
            }
        )*};
    }
    text_args!(
        user_id,
        username,
        email,
        directory_key,
        method,
        path,
        ikey,
        skey,
        host,
        group_id,
        phone_id,
        token_id,
        api_key,
        secret,
        signature_header
    );
}
