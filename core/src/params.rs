//! Request parameters: an insertion-ordered map from names to one value or a list of values.

use serde::ser::{Serialize, SerializeMap, Serializer};

/// One parameter value: a string, or a list of strings sent as repeated `key=value` pairs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamValue {
    /// A single value.
    One(String),
    /// A list; signed as repeated pairs (sorted), sent as a JSON array in a v5 body.
    Many(Vec<String>),
    /// Any JSON value, held as its canonical text ([`crate::canon_json::value_to_json`]): sent
    /// as that value in a v5 body (e.g. the `operations` array of `/admin/v1/bulk`), as its text
    /// in a query string or a form.
    Json(String),
}

impl ParamValue {
    /// The values, one or many.
    pub fn values(&self) -> &[String] {
        match self {
            ParamValue::One(v) | ParamValue::Json(v) => std::slice::from_ref(v),
            ParamValue::Many(vs) => vs,
        }
    }
}

impl From<&str> for ParamValue {
    fn from(v: &str) -> Self {
        ParamValue::One(v.to_string())
    }
}

impl From<String> for ParamValue {
    fn from(v: String) -> Self {
        ParamValue::One(v)
    }
}

impl From<Vec<String>> for ParamValue {
    fn from(v: Vec<String>) -> Self {
        ParamValue::Many(v)
    }
}

/// Request parameters, in insertion order, one entry per name (setting a name again replaces it).
///
/// ```
/// use duo_directory::Params;
/// let mut p = Params::new();
/// p.insert("username", "jsmith");
/// p.insert("limit", "300");
/// assert_eq!(p.get("username"), Some("jsmith"));
/// assert_eq!(p.len(), 2);
/// ```
#[derive(Debug, Clone, Default, Eq)]
pub struct Params {
    entries: Vec<(String, ParamValue)>,
}

impl Params {
    /// No parameters.
    pub fn new() -> Self {
        Params::default()
    }

    /// Sets `name` to `value`, replacing an earlier value of the same name.
    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<ParamValue>) -> &mut Self {
        let name = name.into();
        let value = value.into();
        match self.entries.iter_mut().find(|(k, _)| *k == name) {
            Some(entry) => entry.1 = value,
            None => self.entries.push((name, value)),
        }
        self
    }

    /// Removes `name`; true when it was set.
    pub fn remove(&mut self, name: &str) -> bool {
        let before = self.entries.len();
        self.entries.retain(|(k, _)| k != name);
        self.entries.len() != before
    }

    /// Builder form of [`Params::insert`].
    pub fn with(mut self, name: impl Into<String>, value: impl Into<ParamValue>) -> Self {
        self.insert(name, value);
        self
    }

    /// The single value of `name` (the first one of a list).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.entries.iter().find(|(k, _)| k == name).and_then(|(_, v)| v.values().first()).map(String::as_str)
    }

    /// Every entry, in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &ParamValue)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Number of names.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when there are no parameters.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl PartialEq for Params {
    /// Equal as maps: the same names with the same values, in any order (the order does not
    /// change what is signed or sent).
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len()
            && self.entries.iter().all(|(k, v)| other.entries.iter().any(|(k2, v2)| k == k2 && v == v2))
    }
}

impl<K: Into<String>, V: Into<ParamValue>> FromIterator<(K, V)> for Params {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut p = Params::new();
        for (k, v) in iter {
            p.insert(k, v);
        }
        p
    }
}

impl Serialize for Params {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.entries.len()))?;
        for (k, v) in &self.entries {
            match v {
                ParamValue::One(s) => map.serialize_entry(k, s)?,
                ParamValue::Many(vs) => map.serialize_entry(k, vs)?,
                ParamValue::Json(text) => {
                    let value: serde_json::Value = serde_json::from_str(text).map_err(serde::ser::Error::custom)?;
                    map.serialize_entry(k, &value)?
                }
            }
        }
        map.end()
    }
}

impl<'de> serde::Deserialize<'de> for ParamValue {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(untagged, expecting = "a string or a list of strings")]
        enum Wire {
            One(String),
            Many(Vec<String>),
            Json(serde_json::Value),
        }
        Ok(match Wire::deserialize(deserializer)? {
            Wire::One(s) => ParamValue::One(s),
            Wire::Many(v) => ParamValue::Many(v),
            // only an array of objects (`operations` of `/admin/v1/bulk`) is a JSON value;
            // numbers, booleans, null and nested objects stay refused
            Wire::Json(v @ serde_json::Value::Array(_))
                if v.as_array().is_some_and(|a| a.iter().any(|i| i.is_object())) =>
            {
                ParamValue::Json(crate::canon_json::value_to_json(&v))
            }
            Wire::Json(_) => return Err(serde::de::Error::custom("expected a string or a list of strings")),
        })
    }
}

impl<'de> serde::Deserialize<'de> for Params {
    /// A JSON object of strings or lists of strings, in document order.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let entries: Vec<(String, ParamValue)> = crate::pairs::deserialize(deserializer)?;
        Ok(entries.into_iter().collect())
    }
}
