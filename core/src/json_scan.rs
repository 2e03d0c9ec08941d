//! Finding where a JSON value ends without decoding it, as strictly as `serde_json` would accept
//! it: the syntax of every string, number, literal, object and array is checked; nothing is
//! allocated. Strings, most of a Duo page's bytes, are crossed eight bytes at a time.
//!
//! Every function answers `None` for anything it does not accept (malformed JSON, or nesting
//! deeper than 128). A caller treats `None` as "let serde_json decide": this scanner is a fast
//! path that may decline, never one that accepts what serde_json rejects.

/// Nesting deeper than this is left to serde_json (its own recursion limit is 128 too).
const MAX_DEPTH: u32 = 128;

/// The offset of the first non-whitespace byte at or after `i`.
pub(crate) fn ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\n' | b'\r' | b'\t')) {
        i += 1;
    }
    i
}

/// The string whose opening quote is at `i`: the offset just past its closing quote, and whether
/// it has escapes (its text is then not its bytes).
pub(crate) fn string_end(b: &[u8], i: usize) -> Option<(usize, bool)> {
    if b.get(i) != Some(&b'"') {
        return None;
    }
    let mut j = i + 1;
    let mut escaped = false;
    loop {
        j = special(b, j)?;
        match b.get(j)? {
            b'"' => return Some((j + 1, escaped)),
            b'\\' => {
                escaped = true;
                j = match b.get(j + 1)? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => j + 2,
                    b'u' if b.get(j + 2..j + 6)?.iter().all(u8::is_ascii_hexdigit) => j + 6,
                    _ => return None,
                };
            }
            // an unescaped control character
            _ => return None,
        }
    }
}

/// The first byte at or after `j` that ends a string's plain run: a quote, a backslash or a
/// control character. Eight bytes at a time (most strings of a Duo user are short, where a
/// SIMD search's set-up costs more than it saves).
fn special(b: &[u8], mut j: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // bytes of `x` that are zero; the lowest flagged byte is always a true one
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    while let Some(chunk) = b.get(j..j + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        let hits = zero(x ^ (ONES * u64::from(b'"')))
            | zero(x ^ (ONES * u64::from(b'\\')))
            | (x.wrapping_sub(ONES * 0x20) & !x & HIGH);
        if hits != 0 {
            return Some(j + (hits.trailing_zeros() / 8) as usize);
        }
        j += 8;
    }
    while !matches!(b.get(j)?, b'"' | b'\\' | 0..0x20) {
        j += 1;
    }
    Some(j)
}

/// The number starting at `i` (`-? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?`): the offset
/// just past it, and whether it is an integer (no fraction, no exponent).
pub(crate) fn number_end(b: &[u8], i: usize) -> Option<(usize, bool)> {
    let digits = |mut j: usize| {
        while b.get(j).is_some_and(u8::is_ascii_digit) {
            j += 1;
        }
        j
    };
    let mut j = i;
    if b.get(j) == Some(&b'-') {
        j += 1;
    }
    j = match b.get(j)? {
        b'0' => j + 1,
        b'1'..=b'9' => digits(j + 1),
        _ => return None,
    };
    let mut integer = true;
    if b.get(j) == Some(&b'.') {
        let start = j + 1;
        j = digits(start);
        if j == start {
            return None;
        }
        integer = false;
    }
    if matches!(b.get(j), Some(b'e' | b'E')) {
        j += 1;
        if matches!(b.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        let start = j;
        j = digits(start);
        if j == start {
            return None;
        }
        integer = false;
    }
    Some((j, integer))
}

/// `true`, `false` or `null` spelled out at `i`: the offset just past it.
pub(crate) fn literal_end(b: &[u8], i: usize, word: &[u8]) -> Option<usize> {
    (b.get(i..i + word.len())? == word).then_some(i + word.len())
}

/// The JSON value starting at `i` (no leading whitespace): the offset just past it.
///
/// ```text
/// skip_value(br#"{"a":[1,"]"]} x"#, 0) == Some(13)
/// ```
pub(crate) fn skip_value(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => string_end(b, i).map(|(end, _)| end),
        b'{' | b'[' => skip_container(b, i),
        b't' => literal_end(b, i, b"true"),
        b'f' => literal_end(b, i, b"false"),
        b'n' => literal_end(b, i, b"null"),
        b'-' | b'0'..=b'9' => number_end(b, i).map(|(end, _)| end),
        _ => None,
    }
}

/// A member's key at `i` and its colon: the offset of the member's value.
pub(crate) fn key_end(b: &[u8], i: usize) -> Option<usize> {
    let (end, _) = string_end(b, i)?;
    let colon = ws(b, end);
    (b.get(colon) == Some(&b':')).then(|| ws(b, colon + 1))
}

/// An object or array at `i`, iteratively (an explicit stack of open containers, one bit each).
fn skip_container(b: &[u8], mut i: usize) -> Option<usize> {
    let mut objects: u128 = 0; // bit 0: is the innermost open container an object?
    let mut depth = 0u32;
    loop {
        // `i` is at a value.
        match b.get(i)? {
            &c @ (b'{' | b'[') => {
                if depth == MAX_DEPTH {
                    return None;
                }
                let object = c == b'{';
                objects = (objects << 1) | u128::from(object);
                depth += 1;
                i = ws(b, i + 1);
                if b.get(i) == Some(if object { &b'}' } else { &b']' }) {
                    objects >>= 1;
                    depth -= 1;
                    i += 1;
                } else {
                    if object {
                        i = key_end(b, i)?;
                    }
                    continue;
                }
            }
            _ => i = skip_value(b, i)?,
        }
        // Just past a value: a separator, or the end of its container (and maybe of more).
        loop {
            if depth == 0 {
                return Some(i);
            }
            let object = objects & 1 == 1;
            i = ws(b, i);
            match b.get(i)? {
                b',' => {
                    i = ws(b, i + 1);
                    if object {
                        i = key_end(b, i)?;
                    }
                    break;
                }
                b'}' if object => {}
                b']' if !object => {}
                _ => return None,
            }
            objects >>= 1;
            depth -= 1;
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// serde_json's answer: the offset past the first value at `i`, if it accepts one.
    fn serde_end(b: &[u8], i: usize) -> Option<usize> {
        let mut values = serde_json::Deserializer::from_slice(&b[i..]).into_iter::<serde::de::IgnoredAny>();
        values.next()?.ok()?;
        Some(i + values.byte_offset())
    }

    #[test]
    fn accepts_what_serde_accepts_and_ends_where_it_ends() {
        for text in [
            r#"{}"#,
            r#"[]"#,
            r#"{"a":[1,"]",{"b":null}],"c":{"d":[[],{}]},"e":-0.5e+3}"#,
            r#" [ 1 , 2 , { "x" : "y\"\\\/\b\f\n\r\t\u00e9" } ] "#,
            r#""plain""#,
            "\"caf\u{e9} \u{1f600}\"",
            r#"[true,false,null,0,-0,10,1.25,1E9,2e-3]"#,
        ] {
            let b = text.trim_start().as_bytes();
            assert_eq!(skip_value(b, 0), serde_end(b, 0), "{text}");
            assert!(skip_value(b, 0).is_some(), "{text}");
        }
    }

    #[test]
    fn declines_what_serde_rejects() {
        for text in [
            r#"{"a":1,}"#,
            r#"[1,]"#,
            r#"{"a" 1}"#,
            r#"{"a":1 "b":2}"#,
            r#"{1:2}"#,
            r#"[01]"#,
            r#"[1.]"#,
            r#"[1e]"#,
            r#"[-]"#,
            r#"["\x"]"#,
            r#"["\u12G4"]"#,
            "[\"tab\there\"]",
            r#"[tru]"#,
            r#"{"a":[}"#,
            r#"[{]}"#,
            r#"["unterminated]"#,
            r#"[1 2]"#,
        ] {
            let b = text.as_bytes();
            assert_eq!(skip_value(b, 0), None, "accepted {text}");
            assert_eq!(serde_end(b, 0), None, "serde accepts {text}");
        }
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert_eq!(skip_value(deep.as_bytes(), 0), None, "deeper than 128 is left to serde_json");
        let limit = format!("{}{}", "[".repeat(128), "]".repeat(128));
        assert_eq!(skip_value(limit.as_bytes(), 0), Some(256));
    }

    fn json() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(serde_json::Value::from),
            ".{0,12}".prop_map(serde_json::Value::from),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
                prop::collection::vec((".{0,6}", inner), 0..6)
                    .prop_map(|members| serde_json::Value::Object(members.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// On any valid JSON, compact or pretty, the scan ends exactly where serde_json does.
        #[test]
        fn valid_json_ends_where_serde_ends(value in json(), pretty in any::<bool>()) {
            // in a list, as on a page (serde_json's stream reader wants a delimiter after a number)
            let value = serde_json::Value::Array(vec![value]);
            let text = if pretty { serde_json::to_string_pretty(&value) } else { serde_json::to_string(&value) };
            let b = text.unwrap().into_bytes();
            prop_assert_eq!(skip_value(&b, 0), Some(b.len()));
        }

        /// After any one-byte change, cut or insertion, the scan never accepts what serde_json
        /// rejects, and when it accepts it ends where serde_json ends.
        #[test]
        fn damaged_json_is_never_accepted_beyond_serde(value in json(), at in any::<prop::sample::Index>(), byte in any::<u8>(), edit in 0..3u8) {
            let mut b = serde_json::to_vec(&[value]).unwrap();
            let at = at.index(b.len());
            match edit {
                0 => b[at] = byte,
                1 => b.truncate(at),
                _ => b.insert(at, byte),
            }
            if let Some(end) = skip_value(&b, 0) {
                prop_assert_eq!(Some(end), serde_end(&b, 0), "{}", String::from_utf8_lossy(&b));
            }
        }
    }
}
