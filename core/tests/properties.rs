//! Property tests: canonicalisation invariants, and (with the official client available) the
//! same output as `duo_client` for arbitrary parameter maps.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use duo_directory::canon_json::params_to_json;
use duo_directory::date::{parse_rfc2822_date, rfc2822_date};
use duo_directory::sign::canon_params;
use duo_directory::{ParamValue, Params};
use proptest::prelude::*;
use std::io::{BufRead, BufReader, Write};
use std::time::{Duration, UNIX_EPOCH};

fn text() -> impl Strategy<Value = String> {
    // ASCII (reserved and unreserved), Latin-1, CJK, astral, controls, and plain any-char
    prop_oneof![
        "[a-zA-Z0-9 _.~+*/=&?%!'()@:-]{0,8}",
        "[éüÖ中日글 😀𝄞\u{1}\u{7f}\n\t]{0,5}",
        any::<String>().prop_map(|s| s.chars().take(6).collect()),
    ]
}

fn params() -> impl Strategy<Value = Params> {
    prop::collection::vec(
        (
            text(),
            prop_oneof![
                text().prop_map(ParamValue::One),
                prop::collection::vec(text(), 0..4).prop_map(ParamValue::Many)
            ],
        ),
        0..6,
    )
    .prop_map(|entries| entries.into_iter().collect())
}

fn decode(s: &str) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn canonical_params_encode_sort_and_keep_every_pair(p in params()) {
        let canonical = canon_params(&p);
        prop_assert!(canonical.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~%=&".contains(&b)));
        let mut expected: Vec<(Vec<u8>, Vec<u8>)> = p
            .iter()
            .flat_map(|(k, v)| v.values().iter().map(move |x| (k.as_bytes().to_vec(), x.as_bytes().to_vec())))
            .collect();
        let pairs: Vec<(&str, &str)> = if canonical.is_empty() {
            vec![]
        } else {
            canonical.split('&').map(|pair| pair.split_once('=').unwrap()).collect()
        };
        let mut sorted = pairs.clone();
        sorted.sort();
        prop_assert_eq!(&pairs, &sorted, "pairs are sorted by encoded key then value");
        for (k, v) in &pairs {
            for part in [k, v] {
                // hex digits after % are upper case
                for (i, _) in part.match_indices('%') {
                    prop_assert!(part[i + 1..i + 3].chars().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()));
                }
            }
        }
        let mut decoded: Vec<(Vec<u8>, Vec<u8>)> = pairs.iter().map(|(k, v)| (decode(k), decode(v))).collect();
        decoded.sort();
        expected.sort();
        prop_assert_eq!(decoded, expected);
    }

    #[test]
    fn canonical_json_is_ascii_sorted_and_parses_back(p in params()) {
        let body = params_to_json(&p);
        prop_assert!(body.is_ascii());
        let parsed: serde_json::Value = serde_json::from_str(&body).unwrap();
        let object = parsed.as_object().unwrap();
        prop_assert_eq!(object.len(), p.len());
        for (k, v) in p.iter() {
            match v {
                ParamValue::One(s) => prop_assert_eq!(object[k].as_str(), Some(s.as_str())),
                ParamValue::Many(items) => {
                    let got: Vec<&str> = object[k].as_array().unwrap().iter().map(|i| i.as_str().unwrap()).collect();
                    prop_assert_eq!(got, items.iter().map(String::as_str).collect::<Vec<_>>());
                }
                ParamValue::Json(text) => {
                    prop_assert_eq!(&object[k], &serde_json::from_str::<serde_json::Value>(text).unwrap())
                }
            }
        }
    }

    #[test]
    fn dates_round_trip(secs in 0u64..4_102_444_800) {
        let at = UNIX_EPOCH + Duration::from_secs(secs);
        let text = rfc2822_date(at);
        prop_assert!(text.ends_with(" -0000"));
        prop_assert_eq!(parse_rfc2822_date(&text), Some(at));
    }
}

/// The official client as an oracle, through `tests/vectors/oracle.py`. Needs a Python with
/// `duo_client` installed: the repository's test command (`scripts/test.sh`) sets
/// `DUO_DIRECTORY_ORACLE_PYTHON` and runs this with `--include-ignored`.
#[test]
#[ignore = "needs duo_client: run through scripts/test.sh (sets DUO_DIRECTORY_ORACLE_PYTHON)"]
fn arbitrary_params_canonicalise_exactly_as_duo_client() {
    let python = std::env::var("DUO_DIRECTORY_ORACLE_PYTHON")
        .expect("set DUO_DIRECTORY_ORACLE_PYTHON to a python with duo_client==5.7.0 installed");
    let script = format!("{}/../tests/vectors/oracle.py", env!("CARGO_MANIFEST_DIR"));
    let mut child = std::process::Command::new(python)
        .arg(script)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("start the oracle");
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let oracle = std::cell::RefCell::new((&mut stdin, &mut stdout));
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(2000));
    runner
        .run(&params(), |p| {
            let mut io = oracle.borrow_mut();
            let request = serde_json::json!({ "params": serde_json::to_value(&p).unwrap() });
            writeln!(io.0, "{request}").unwrap();
            io.0.flush().unwrap();
            let mut line = String::new();
            io.1.read_line(&mut line).unwrap();
            let answer: serde_json::Value = serde_json::from_str(&line).unwrap();
            prop_assert_eq!(canon_params(&p), answer["canonical"].as_str().unwrap());
            prop_assert_eq!(params_to_json(&p), answer["json_body"].as_str().unwrap());
            Ok(())
        })
        .unwrap();
    drop(stdin);
    let _ = child.wait();
}
