//! One user of a listed page in one pass: where its object ends (its whole syntax checked by
//! [`crate::json_scan`]) and its top-level scalars, written into the page's [`UserColumns`] on
//! the way without serde's per-token machinery or an allocation per field; nested lists are
//! crossed, not decoded.
//!
//! The scalars are kept only when they are exactly what `serde_json` would decode into a
//! [`crate::UserSummary`]. Anything unusual (an escaped key, a repeated field, a wrong type, a
//! float timestamp, a missing required field) leaves the user flagged undecoded, and
//! [`crate::LazyUser::summary`] then asks serde_json, which says why.

use crate::columns::{ColumnsUser, NUMBER_FIELDS, TEXT_FIELDS, UserColumns};
use crate::json_scan::{literal_end, number_end, skip_value, string_end, ws};

/// The column of a key in [`crate::UserSummary::ROW_FIELDS`], when it is a summary field (a
/// test checks the two agree).
fn column(key: &[u8]) -> Option<usize> {
    Some(match key {
        b"user_id" => 0,
        b"username" => 1,
        b"status" => 2,
        b"realname" => 3,
        b"firstname" => 4,
        b"lastname" => 5,
        b"email" => 6,
        b"notes" => 7,
        b"alias1" => 8,
        b"alias2" => 9,
        b"alias3" => 10,
        b"alias4" => 11,
        b"created" => 12,
        b"last_login" => 13,
        b"last_directory_sync" => 14,
        b"is_enrolled" => 15,
        _ => return None,
    })
}

/// The user object at `i` of `text` (a page already known to be UTF-8): the offset just past
/// it, and whether its scalars went into `columns` (see the module docs). `None` when the object
/// itself is not valid JSON.
pub(crate) fn scan_user(text: &str, i: usize, columns: &mut UserColumns) -> Option<(usize, bool)> {
    let b = text.as_bytes();
    if b.get(i) != Some(&b'{') {
        return None;
    }
    let mut user = columns.begin();
    let mut seen = 0u32; // one bit per column
    let mut exact = true;
    let mut j = ws(b, i + 1);
    if b.get(j) == Some(&b'}') {
        user.abandon();
        return Some((j + 1, false));
    }
    loop {
        let (key_end, escaped) = string_end(b, j)?;
        let key = b.get(j + 1..key_end - 1)?;
        let colon = ws(b, key_end);
        if b.get(colon) != Some(&b':') {
            return None;
        }
        let at = ws(b, colon + 1);
        // serde would unescape the key before matching it: leave such a user to serde
        exact &= !escaped;
        let end = match column(key).filter(|_| exact) {
            Some(c) => {
                let (end, ok) = fill(&mut user, text, at, c)?;
                // a repeated field is an error to serde
                exact &= ok && seen & (1 << c) == 0;
                seen |= 1 << c;
                end
            }
            None => skip_value(b, at)?,
        };
        j = ws(b, end);
        match b.get(j)? {
            b',' => j = ws(b, j + 1),
            b'}' => break,
            _ => return None,
        }
    }
    // user_id, username and status are required
    exact &= seen & 0b111 == 0b111;
    if exact {
        user.finish();
    } else {
        user.abandon();
    }
    Some((j + 1, exact))
}

/// Decodes the value at `at` into column `c`: its end, and whether it decoded as serde would.
fn fill(user: &mut ColumnsUser<'_>, text: &str, at: usize, c: usize) -> Option<(usize, bool)> {
    let b = text.as_bytes();
    let required = c < 3;
    match (b.get(at)?, c) {
        (b'"', 0..TEXT_FIELDS) => {
            let (end, escaped) = string_end(b, at)?;
            if escaped {
                match serde_json::from_slice::<std::borrow::Cow<'_, str>>(b.get(at..end)?) {
                    Ok(value) => user.text(c, &value),
                    Err(_) => return Some((end, false)),
                }
            } else {
                user.text(c, text.get(at + 1..end - 1)?);
            }
            Some((end, true))
        }
        (b'-' | b'0'..=b'9', TEXT_FIELDS..16) if c < TEXT_FIELDS + NUMBER_FIELDS => {
            let (end, integer) = number_end(b, at)?;
            match text.get(at..end)?.parse::<i64>() {
                Ok(n) if integer => {
                    user.number(c - TEXT_FIELDS, n);
                    Some((end, true))
                }
                // a fraction, an exponent or an overflow does not decode as `i64`
                _ => Some((end, false)),
            }
        }
        (b't' | b'f', 15) => {
            let value = b.get(at) == Some(&b't');
            user.enrolled(value);
            Some((literal_end(b, at, if value { b"true" } else { b"false" })?, true))
        }
        (b'n', _) => Some((literal_end(b, at, b"null")?, !required)),
        _ => Some((skip_value(b, at)?, false)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::UserSummary;
    use proptest::prelude::*;
    use serde_json::{Value, json};

    fn serde_summary(b: &[u8]) -> Option<UserSummary> {
        serde_json::from_slice(b).ok()
    }

    /// The object's end and, when the pass decoded them, its scalars.
    fn scan_user(b: &[u8], i: usize) -> Option<(usize, Option<UserSummary>)> {
        let text = std::str::from_utf8(b).expect("pages are checked to be UTF-8 before the pass");
        let mut columns = UserColumns::default();
        let (end, decoded) = super::scan_user(text, i, &mut columns)?;
        assert_eq!(columns.len(), 1);
        let summary = columns.summary(0);
        assert_eq!(decoded, summary.is_some());
        if !decoded {
            assert!(columns.text.is_empty(), "an undecoded user leaves no text behind");
        }
        Some((end, summary))
    }

    #[test]
    fn columns_are_the_row_fields() {
        for (i, name) in UserSummary::ROW_FIELDS.iter().enumerate() {
            assert_eq!(column(name.as_bytes()), Some(i), "{name}");
        }
        assert_eq!(column(b"groups"), None);
    }

    #[test]
    fn a_typical_user_decodes_in_the_pass_exactly_as_serde_decodes_it() {
        let user = json!({
            "alias1": "a\"1", "alias2": null, "created": 1_700_000_000, "email": "jo@example.com",
            "firstname": "Jo", "groups": [{"desc": "x", "name": "g]"}], "is_enrolled": true,
            "last_directory_sync": null, "last_login": -5, "lastname": "Sm\u{ef}th \u{1f600}",
            "notes": "line\nnext", "phones": [{"capabilities": ["push", "sms"], "number": "+1"}],
            "realname": "Jo Smith", "status": "locked out", "user_id": "DU1", "username": "jo",
            "webauthncredentials": [], "x_unknown": {"deep": [[[]]]}
        });
        for text in [user.to_string(), serde_json::to_string_pretty(&user).unwrap()] {
            let (end, summary) = scan_user(text.as_bytes(), 0).unwrap();
            assert_eq!(end, text.len());
            assert_eq!(summary, serde_summary(text.as_bytes()));
            assert!(summary.is_some());
        }
    }

    #[test]
    fn anything_unusual_is_left_to_serde() {
        for text in [
            r#"{"user_id":"DU1","username":"jo"}"#,
            r#"{"user_id":"DU1","username":null,"status":"active"}"#,
            r#"{"user_id":"DU1","username":"jo","status":"active","created":1.5}"#,
            r#"{"user_id":"DU1","username":"jo","status":"active","created":1e3}"#,
            r#"{"user_id":"DU1","username":"jo","status":"active","created":99999999999999999999}"#,
            r#"{"user_id":"DU1","username":"jo","status":"active","is_enrolled":1}"#,
            r#"{"user_id":"DU1","username":"jo","status":"active","email":7}"#,
            r#"{"user_id":"DU1","username":"jo","username":"jo","status":"active"}"#,
            r#"{"user_id":"DU1","user\u006eame":"jo","status":"active"}"#,
            r#"{"user_id":"DU1","username":"\ud800","status":"active"}"#,
            r#"{}"#,
        ] {
            let (end, summary) = scan_user(text.as_bytes(), 0).unwrap_or_else(|| panic!("valid JSON refused: {text}"));
            assert_eq!(end, text.len());
            assert_eq!(summary, None, "{text}");
        }
        for text in [r#"{"user_id":"DU1",}"#, r#"{"user_id" "DU1"}"#, r#"{"groups":[}"#, r#"["DU1"]"#] {
            assert!(scan_user(text.as_bytes(), 0).is_none(), "accepted {text}");
        }
    }

    fn field_value() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            (-1e12f64..1e12).prop_map(Value::from),
            "\\PC{0,10}".prop_map(Value::from),
            "[a-z\"\\\\\n\u{e9}\u{1f600}]{0,8}".prop_map(Value::from),
            prop::collection::vec("[a-z]{0,3}".prop_map(Value::from), 0..3).prop_map(Value::Array),
        ]
    }

    fn user() -> impl Strategy<Value = Value> {
        let keys: Vec<&'static str> =
            UserSummary::ROW_FIELDS.iter().copied().chain(["groups", "phones", "x"]).collect();
        (
            prop::collection::vec((prop::sample::select(keys), field_value()), 0..20),
            "[a-z]{1,6}",
            "[a-z]{1,6}",
            prop::sample::select(vec!["active", "bypass", "locked out", "something new"]),
            any::<bool>(),
        )
            .prop_map(|(fields, user_id, username, status, required)| {
                let mut object = serde_json::Map::new();
                if required {
                    object.insert("user_id".into(), user_id.into());
                    object.insert("username".into(), username.into());
                    object.insert("status".into(), status.into());
                }
                object.extend(fields.into_iter().map(|(k, v)| (k.to_string(), v)));
                Value::Object(object)
            })
    }

    proptest! {
        /// When the pass gives a summary, it is serde's; it ends where the object ends.
        #[test]
        fn the_summary_is_serdes(user in user(), pretty in any::<bool>()) {
            let text = if pretty { serde_json::to_string_pretty(&user).unwrap() } else { user.to_string() };
            let (end, summary) = scan_user(text.as_bytes(), 0).unwrap();
            prop_assert_eq!(end, text.len());
            if summary.is_some() {
                prop_assert_eq!(&summary, &serde_summary(text.as_bytes()));
            }
            // the common shape (required fields, right types) is decoded in the pass
            if serde_summary(text.as_bytes()).is_some() && !text.contains("\\u") {
                prop_assert!(summary.is_some(), "{}", text);
            }
        }

        /// A damaged user is never given a summary serde would not give, nor accepted as JSON
        /// where serde rejects it.
        #[test]
        fn a_damaged_user_is_never_accepted_beyond_serde(user in user(), at in any::<prop::sample::Index>(), byte in any::<u8>()) {
            let mut b = user.to_string().into_bytes();
            let at = at.index(b.len());
            b[at] = byte;
            // a page that is not UTF-8 is left to serde before the pass
            if std::str::from_utf8(&b).is_err() {
                return Ok(());
            }
            if let Some((end, summary)) = scan_user(&b, 0) {
                let mut values = serde_json::Deserializer::from_slice(&b).into_iter::<serde::de::IgnoredAny>();
                prop_assert!(values.next().is_some_and(|v| v.is_ok()), "{}", String::from_utf8_lossy(&b));
                prop_assert_eq!(end, values.byte_offset());
                if summary.is_some() {
                    prop_assert_eq!(summary, serde_summary(&b[..end]));
                }
            }
        }
    }
}
