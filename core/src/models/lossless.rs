//! `Deserialize` for models that keep unknown members, without `#[serde(flatten)]`.
//!
//! `flatten` buffers every member of the object before matching fields, which made decoding a
//! full Duo user about twice as slow. The visitor generated here matches known keys directly and
//! keeps only the unknown ones as `serde_json::Value`s.

/// Implements `Deserialize` for `$ty`, whose unknown members go to its `extra` field.
/// `required` fields fail with serde's "missing field" error when absent; `optional` ones default.
macro_rules! lossless_deserialize {
    (
        $ty:ident,
        required: [$($req:ident = $req_key:literal),* $(,)?],
        optional: [$($opt:ident = $opt_key:literal),* $(,)?] $(,)?
    ) => {
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct FieldVisitor;

                impl<'de> serde::de::Visitor<'de> for FieldVisitor {
                    type Value = $ty;

                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(concat!("a ", stringify!($ty), " object"))
                    }

                    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<$ty, A::Error> {
                        use serde::de::Error as _;
                        $(let mut $req = None;)*
                        $(let mut $opt = None;)*
                        let mut extra = $crate::models::Extra::new();
                        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                            match key.as_ref() {
                                $($req_key => {
                                    if $req.is_some() {
                                        return Err(A::Error::duplicate_field($req_key));
                                    }
                                    $req = Some(map.next_value()?);
                                })*
                                $($opt_key => {
                                    if $opt.is_some() {
                                        return Err(A::Error::duplicate_field($opt_key));
                                    }
                                    $opt = Some(map.next_value()?);
                                })*
                                _ => {
                                    let value: serde_json::Value = map.next_value()?;
                                    extra.insert(key.into_owned(), value);
                                }
                            }
                        }
                        Ok($ty {
                            $($req: $req.ok_or_else(|| A::Error::missing_field($req_key))?,)*
                            $($opt: $opt.unwrap_or_default(),)*
                            extra,
                        })
                    }
                }

                deserializer.deserialize_map(FieldVisitor)
            }
        }
    };
}
pub(crate) use lossless_deserialize;
