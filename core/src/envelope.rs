//! Duo's response envelope: `{"stat": "OK", "response": ..., "metadata": {...}}` or
//! `{"stat": "FAIL", "code": ..., "message": ..., "message_detail": ...}`.

use crate::error::{ApiError, Error, Result, excerpt};
use crate::json_scan::ws;
use bytes::Bytes;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;

/// Paging metadata of a list response.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metadata {
    /// Offset of the next page; `None` on the last page.
    pub next_offset: Option<u64>,
    /// Offset of the previous page.
    pub prev_offset: Option<u64>,
    /// Total number of objects across all pages.
    pub total_objects: Option<u64>,
}

/// A successful answer: the raw `response` member (a zero-copy slice of the body) and its metadata.
#[derive(Debug, Clone)]
pub struct Envelope {
    /// The raw JSON of the `response` member.
    pub response: Bytes,
    /// Paging metadata, when present.
    pub metadata: Metadata,
}

#[derive(Deserialize)]
struct Wire<'a> {
    #[serde(borrow)]
    stat: Option<Cow<'a, str>>,
    #[serde(borrow)]
    response: Option<&'a RawValue>,
    #[serde(default)]
    metadata: Option<WireMetadata>,
    #[serde(default)]
    code: Option<serde_json::Value>,
    #[serde(default, borrow)]
    message: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    message_detail: Option<Cow<'a, str>>,
}

#[derive(Deserialize, Default)]
struct WireMetadata {
    #[serde(default)]
    next_offset: Option<serde_json::Value>,
    #[serde(default)]
    prev_offset: Option<serde_json::Value>,
    #[serde(default)]
    total_objects: Option<serde_json::Value>,
}

impl WireMetadata {
    fn into_metadata(self) -> Metadata {
        Metadata {
            next_offset: as_u64(self.next_offset),
            prev_offset: as_u64(self.prev_offset),
            total_objects: as_u64(self.total_objects),
        }
    }
}

/// A successful list answer, split in the same pass that validates it: one raw slice per item.
#[derive(Deserialize)]
struct ListWire<'a> {
    #[serde(borrow)]
    stat: Cow<'a, str>,
    #[serde(borrow)]
    response: Vec<&'a RawValue>,
    #[serde(default)]
    metadata: Option<WireMetadata>,
}

/// Parses a list answer in one pass: the raw JSON of each item (zero-copy slices of `body`) and
/// the paging metadata. Anything else (a FAIL, a non-array `response`) is classified by [`parse`].
pub fn parse_list(status: u16, body: &Bytes) -> Result<(Vec<Bytes>, Metadata)> {
    if status == 200
        && let Ok(wire) = serde_json::from_slice::<ListWire<'_>>(body)
        && wire.stat == "OK"
    {
        let items = split_items(body, &wire.response)?;
        return Ok((items, wire.metadata.unwrap_or_default().into_metadata()));
    }
    // the slow path produces the precise error (or, for an odd but valid answer, the split)
    let envelope = parse(status, body)?;
    let items: Vec<&RawValue> = serde_json::from_slice(&envelope.response).map_err(|e| Error::Decode {
        field: "response".into(),
        reason: format!("expected an array: {}", crate::decode::strip_location(&e)),
        line: e.line(),
        column: e.column(),
        excerpt: Some(excerpt(&envelope.response)),
    })?;
    let out = split_items(&envelope.response, &items)?;
    Ok((out, envelope.metadata))
}

/// One zero-copy slice of `outer` per item (each item borrowed from `outer` while parsing it).
fn split_items(outer: &Bytes, items: &[&RawValue]) -> Result<Vec<Bytes>> {
    items
        .iter()
        .map(|raw| {
            subslice_range(outer, raw.get().as_bytes())
                .map(|range| outer.slice(range))
                .ok_or_else(|| Error::Internal { message: "item slice outside body".into() })
        })
        .collect()
}

/// Each item of a list: its raw slice of the body, and what the item reader made of it.
pub(crate) type Scanned<T> = Vec<(Bytes, T)>;

/// The fast path of a list answer: one pass over the body that validates it, records each item's
/// raw slice and reads the item with `item`, which gives the offset just past the item (or
/// `None` when it is not valid JSON). For users, [`crate::user_scan::scan_user`] decodes the
/// top-level scalars and crosses nested lists undecoded, where [`parse_list`] would scan each item
/// once to split the page and again to decode it. Anything unusual (not `stat: "OK"`, a
/// non-object item, an escaped key, malformed JSON) gives `None`: the caller falls back to
/// [`parse_list`] for the precise answer.
pub(crate) fn scan_list<T>(
    body: &Bytes,
    mut item: impl FnMut(&[u8], usize) -> Option<(usize, T)>,
) -> Option<(Scanned<T>, Metadata)> {
    let b: &[u8] = body;
    let mut i = ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    i = ws(b, i + 1);
    let (mut ok, mut items, mut metadata) = (false, None, None);
    if b.get(i) != Some(&b'}') {
        loop {
            let (key, next) = one::<&str>(b, i)?;
            i = ws(b, next);
            if b.get(i) != Some(&b':') {
                return None;
            }
            i = ws(b, i + 1);
            i = match key {
                "stat" => {
                    let (stat, next) = one::<&str>(b, i)?;
                    ok = stat == "OK";
                    next
                }
                "metadata" => {
                    let (wire, next) = one::<WireMetadata>(b, i)?;
                    metadata = Some(wire);
                    next
                }
                "response" => {
                    let (list, next) = scan_items(body, i, &mut item)?;
                    items = Some(list);
                    next
                }
                _ => crate::json_scan::skip_value(b, i)?,
            };
            i = ws(b, i);
            match b.get(i)? {
                b',' => i = ws(b, i + 1),
                b'}' => break,
                _ => return None,
            }
        }
    }
    if !ok || ws(b, i + 1) != b.len() {
        return None;
    }
    Some((items?, metadata.unwrap_or_default().into_metadata()))
}

/// Reads an item with serde, for [`scan_list`]: its decoding, `None` when it does not decode.
#[cfg(test)]
pub(crate) fn serde_item<T: serde::de::DeserializeOwned>(b: &[u8], i: usize) -> Option<(usize, Option<T>)> {
    match one::<T>(b, i) {
        Some((value, end)) => Some((end, Some(value))),
        None => Some((crate::json_scan::skip_value(b, i)?, None)),
    }
}

/// The items of the array at `i`: each one's slice of `body` and its decoding.
fn scan_items<T>(
    body: &Bytes,
    mut i: usize,
    item: &mut impl FnMut(&[u8], usize) -> Option<(usize, T)>,
) -> Option<(Scanned<T>, usize)> {
    let b: &[u8] = body;
    if b.get(i) != Some(&b'[') {
        return None;
    }
    let mut items = Vec::new();
    i = ws(b, i + 1);
    if b.get(i) == Some(&b']') {
        return Some((items, i + 1));
    }
    loop {
        if b.get(i) != Some(&b'{') {
            return None;
        }
        let (end, value) = item(b, i)?;
        items.push((body.slice(i..end), value));
        i = ws(b, end);
        match b.get(i)? {
            b',' => i = ws(b, i + 1),
            b']' => return Some((items, i + 1)),
            _ => return None,
        }
    }
}

/// One JSON value of type `T` starting at `at`, and the offset just past it.
fn one<'de, T: serde::Deserialize<'de>>(b: &'de [u8], at: usize) -> Option<(T, usize)> {
    let mut values = serde_json::Deserializer::from_slice(b.get(at..)?).into_iter::<T>();
    let value = values.next()?.ok()?;
    Some((value, at + values.byte_offset()))
}

fn as_u64(v: Option<serde_json::Value>) -> Option<u64> {
    match v? {
        serde_json::Value::Number(n) => n.as_u64(),
        serde_json::Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// Byte range of `inner` within `outer`, when `inner` is a sub-slice of it.
fn subslice_range(outer: &[u8], inner: &[u8]) -> Option<std::ops::Range<usize>> {
    let start = (inner.as_ptr() as usize).checked_sub(outer.as_ptr() as usize)?;
    let end = start.checked_add(inner.len())?;
    (end <= outer.len()).then_some(start..end)
}

/// Unwraps an envelope. A FAIL body, or a non-2xx status, becomes the matching [`Error`].
pub fn parse(status: u16, body: &Bytes) -> Result<Envelope> {
    let wire: Wire<'_> = match serde_json::from_slice(body) {
        Ok(w) => w,
        Err(e) if status >= 400 => {
            let _ = e;
            let message = format!("HTTP {status} with a body that is not a Duo envelope: {:?}", excerpt(body));
            return Err(Error::from_api(ApiError::new(status, None, message, None)));
        }
        Err(e) => {
            return Err(Error::Decode {
                field: String::new(),
                reason: format!("response is not a Duo envelope: {}", crate::decode::strip_location(&e)),
                line: e.line(),
                column: e.column(),
                excerpt: Some(excerpt(body)),
            });
        }
    };
    let ok = wire.stat.as_deref() == Some("OK");
    if !ok || status >= 400 {
        let code = match &wire.code {
            Some(serde_json::Value::Number(n)) => n.as_i64(),
            Some(serde_json::Value::String(s)) => s.parse().ok(),
            _ => None,
        };
        let status = if status >= 400 {
            status
        } else {
            // a 200 with stat FAIL: Duo codes start with the HTTP status
            code.and_then(|c| u16::try_from(c / 100).ok()).filter(|s| (400..600).contains(s)).unwrap_or(400)
        };
        let message = wire.message.map(Cow::into_owned).unwrap_or_else(|| format!("HTTP {status}"));
        return Err(Error::from_api(ApiError::new(status, code, message, wire.message_detail.map(Cow::into_owned))));
    }
    let raw = wire.response.ok_or_else(|| Error::decode_body("the envelope has no `response` member", body))?;
    let range = subslice_range(body, raw.get().as_bytes())
        .ok_or_else(|| Error::Internal { message: "response slice outside body".into() })?;
    Ok(Envelope { response: body.slice(range), metadata: wire.metadata.unwrap_or_default().into_metadata() })
}

#[cfg(test)]
mod scan_tests {
    use super::*;

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Item {
        id: String,
    }

    type Both = (Option<(Scanned<Option<Item>>, Metadata)>, Result<(Vec<Bytes>, Metadata)>);

    fn both(body: &str) -> Both {
        let body = Bytes::copy_from_slice(body.as_bytes());
        (scan_list(&body, serde_item::<Item>), parse_list(200, &body))
    }

    #[test]
    fn the_one_pass_scan_agrees_with_the_split_or_defers_to_it() {
        let agreeing = [
            r#"{"stat":"OK","response":[{"id":"a"},{"id":"b","n":[1,{"x":"]}"}]}],"metadata":{"next_offset":2,"total_objects":9}}"#,
            r#" { "metadata" : { "total_objects" : "3" } , "response" : [ { "id" : "a\"b" } ] , "stat" : "OK" } "#,
            r#"{"stat":"OK","response":[],"extra":{"k":[true,null]}}"#,
            r#"{"stat":"OK","response":[{"no_id":1},{"id":"c"}]}"#,
        ];
        for body in agreeing {
            let (scan, split) = both(body);
            let (scanned, meta) = scan.unwrap_or_else(|| panic!("fast path refused {body}"));
            let (items, split_meta) = split.unwrap();
            assert_eq!(meta, split_meta, "{body}");
            let raws: Vec<&Bytes> = scanned.iter().map(|(raw, _)| raw).collect();
            assert_eq!(raws, items.iter().collect::<Vec<_>>(), "{body}");
            for (raw, item) in &scanned {
                let direct = serde_json::from_slice::<Item>(raw).ok();
                assert_eq!(item, &direct, "{body}");
            }
        }
        // the slow path answers these (with its precise error, or a split of an odd but valid page)
        for body in [
            r#"{"stat":"FAIL","code":40301,"message":"no"}"#,
            r#"{"stat":"OK","response":[1,2]}"#,
            r#"{"stat":"OK","response":[{"id":"a"}] "x":1}"#,
            r#"{"stat":"OK","response":[{"id":"a"},]}"#,
            r#"{"st\u0061t":"OK","response":[]}"#,
            r#"{"stat":"OK","response":[{"id":"a"}]} trailing"#,
            r#"{"stat":"OK","response":[{"id":"a"}"#,
        ] {
            assert!(both(body).0.is_none(), "fast path accepted {body}");
        }
    }
}
