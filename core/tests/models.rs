//! Models: lossless round trips of the seeds, and typed errors naming the field for bad input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use common::vector_file;
use duo_directory::{DirectoryUser, DirectoryUserState, Error, LastSeen, User, UserStatus};
use serde_json::Value;

fn seed_user_json() -> String {
    let envelope: Value = serde_json::from_str(&vector_file("seed-002-user.json")).unwrap();
    serde_json::to_string(&envelope["response"]).unwrap()
}

#[test]
fn seed_002_user_reads_every_field() {
    let user = User::from_json(&seed_user_json()).unwrap();
    assert_eq!(user.user_id, "DU3RP9I2WOC59VZX672N");
    assert_eq!(user.username, "jsmith");
    assert_eq!(user.alias1.as_deref(), Some("joe.smith"));
    assert_eq!(user.alias3, None);
    assert_eq!(user.aliases.get("alias2").map(String::as_str), Some("jsmith@example.com"));
    assert_eq!(user.created, Some(1489612729));
    assert_eq!(user.last_directory_sync, Some(1508789163));
    assert_eq!(user.last_login, Some(1343921403));
    assert_eq!(user.is_enrolled, Some(true));
    assert_eq!(user.status, UserStatus::Active);
    assert_eq!(user.groups[0].group_id, "DGXXXXXXXXXXXXXXXXX");
    assert_eq!(user.groups[0].status.as_deref(), Some("Active"));
    let phone = &user.phones[0];
    assert_eq!(phone.capabilities, ["auto", "push", "sms", "phone", "mobile_otp"]);
    assert_eq!(phone.last_seen, Some(LastSeen::Text("2019-11-18T15:51:13".into())));
    assert_eq!(phone.phone_type.as_deref(), Some("Mobile"));
    assert_eq!(user.tokens[0].token_type.as_deref(), Some("d1"));
    assert!(user.u2ftokens.is_empty());
    assert_eq!(user.webauthncredentials.len(), 2);
    assert_eq!(user.webauthncredentials[1].label.as_deref(), Some("Security Key"));
    assert!(user.extra.is_empty());
}

#[test]
fn seed_002_user_round_trips_byte_for_byte() {
    // the corrected document, compact, with Duo's (alphabetical) key order
    let text = seed_user_json();
    let user = User::from_json(&text).unwrap();
    assert_eq!(user.to_json(), text);
    assert_eq!(User::from_json(&user.to_json()).unwrap(), user);
}

#[test]
fn seed_002_trailing_comma_is_rejected_with_line_and_column() {
    let text = vector_file("seed-002-user-trailing-comma.json");
    let envelope_err = duo_directory::decode::from_json::<Value>(&text).unwrap_err();
    match &envelope_err {
        Error::Decode { line, column, reason, .. } => {
            assert_eq!(*line, 1);
            // the comma sits just before the closing "}}"
            let comma = text.rfind(", }").unwrap();
            assert!(*column > comma && *column <= comma + 4, "column {column}, comma at {}", comma + 1);
            assert!(reason.contains("trailing comma"), "{reason}");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert!(envelope_err.to_string().contains("line 1 column"), "{envelope_err}");
}

#[test]
fn unknown_fields_and_statuses_are_kept() {
    let text = r#"{"user_id":"DU1","username":"a","status":"archived","desktoptokens":[{"id":1}],"enable_auto_prompt":true,"external_id":"g-1","lockout_reason":"Failed Attempts"}"#;
    let user = User::from_json(text).unwrap();
    assert_eq!(user.status, UserStatus::Other("archived".into()));
    assert_eq!(user.enable_auto_prompt, Some(true));
    let back: Value = serde_json::from_str(&user.to_json()).unwrap();
    assert_eq!(back["desktoptokens"][0]["id"], 1);
    assert_eq!(back["status"], "archived");
    assert_eq!(back["lockout_reason"], "Failed Attempts");
    for status in ["active", "bypass", "disabled", "locked out", "pending deletion"] {
        let parsed: UserStatus = status.parse().unwrap();
        assert!(!matches!(parsed, UserStatus::Other(_)), "{status}");
        assert_eq!(parsed.as_str(), status);
    }
}

#[test]
fn seed_001_directory_user_round_trips_losslessly() {
    let text = vector_file("seed-001-directory-user.json");
    let user = DirectoryUser::from_json(&text).unwrap();
    assert_eq!(user.object, "directory_user");
    assert_eq!(user.state, DirectoryUserState::Active);
    assert_eq!(user.role.as_ref().map(|r| r.slug.as_str()), Some("member"));
    assert_eq!(user.groups[0].name, "Developers");
    assert!(user.custom_attributes.contains_key("department"));
    // deprecated members are kept
    for deprecated in ["emails", "username", "job_title"] {
        assert!(user.extra.contains_key(deprecated), "{deprecated} kept");
    }
    let original: Value = serde_json::from_str(&text).unwrap();
    let written: Value = serde_json::from_str(&user.to_json()).unwrap();
    assert_eq!(written, original);
}

fn decode_field(err: &Error) -> String {
    match err {
        Error::Decode { field, .. } => field.clone(),
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[test]
fn bad_documents_name_the_field() {
    let cases: &[(&str, &str)] = &[
        (r#"{"username":"a","status":"active"}"#, "user_id"),
        (r#"{"user_id":"DU1","status":"active"}"#, "username"),
        (r#"{"user_id":"DU1","username":["a"],"status":"active"}"#, "username"),
        (r#"{"user_id":"DU1","username":"a","status":"active","created":"yesterday"}"#, "created"),
        (
            r#"{"user_id":"DU1","username":"a","status":"active","groups":[{"group_id":"DG1","name":3}]}"#,
            "groups[0].name",
        ),
        (r#"{"user_id":"DU1","username":"a","status":"active","phones":[{"name":"x"}]}"#, "phones[0].phone_id"),
        (r#"{"user_id":"DU1","username":"a","status":"active","is_enrolled":"yes"}"#, "is_enrolled"),
    ];
    for (text, field) in cases {
        let err = User::from_json(text).unwrap_err();
        assert_eq!(decode_field(&err), *field, "{text}: {err}");
        assert_eq!(err.code(), "decode");
        assert!(err.to_string().contains(field.split('.').next_back().unwrap().split('[').next().unwrap()), "{err}");
    }
    let base = r#""id":"u","idp_id":"i","directory_id":"d","state":"active","created_at":"c","updated_at":"u""#;
    for (attr, field) in [
        (r#""custom_attributes":[]"#, "custom_attributes"),
        (r#""custom_attributes":"x""#, "custom_attributes"),
        (r#""custom_attributes":{},"role":{"name":"x"}"#, "role.slug"),
        (r#""custom_attributes":{},"groups":[{"id":"g"}]"#, "groups[0].name"),
    ] {
        let err = DirectoryUser::from_json(&format!("{{{base},{attr}}}")).unwrap_err();
        assert_eq!(decode_field(&err), field, "{attr}: {err}");
    }
    let err = DirectoryUser::from_json(r#"{"id":"u"}"#).unwrap_err();
    assert_eq!(decode_field(&err), "idp_id");
    let err = User::from_json("[1,2]").unwrap_err();
    assert_eq!(err.code(), "decode");
    let err = User::from_json(r#"{"user_id":"DU1","username":"a","status":"active"} trailing"#).unwrap_err();
    assert_eq!(err.code(), "decode");
}

#[test]
fn truncated_and_mutated_seed_documents_never_panic() {
    let user_text = seed_user_json();
    let dir_text = vector_file("seed-001-directory-user.json");
    for text in [&user_text, &dir_text] {
        let bytes = text.as_bytes();
        // every truncation
        for end in 0..bytes.len() {
            let _ = duo_directory::decode::from_slice::<User>(&bytes[..end]);
            let _ = duo_directory::decode::from_slice::<DirectoryUser>(&bytes[..end]);
        }
        // byte mutations, deterministic pseudo-random
        let mut state: u64 = 0x9E3779B97F4A7C15;
        for _ in 0..4000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let mut mutated = bytes.to_vec();
            let pos = (state as usize) % mutated.len();
            let alphabet = b"{}[]\",:0a\\\x00\xff";
            mutated[pos] = alphabet[(state >> 32) as usize % alphabet.len()];
            let user = duo_directory::decode::from_slice::<User>(&mutated);
            let _ = duo_directory::decode::from_slice::<DirectoryUser>(&mutated);
            if let Err(e) = user {
                assert!(!e.to_string().is_empty());
            }
        }
    }
}

#[test]
fn non_utf8_input_is_a_decode_error() {
    let err =
        duo_directory::decode::from_slice::<User>(b"{\"user_id\":\"DU\xff\",\"username\":\"a\",\"status\":\"active\"}")
            .unwrap_err();
    assert_eq!(err.code(), "decode");
}

#[test]
fn lazy_users_decode_a_summary_or_the_whole_user_on_demand() {
    let text = seed_user_json();
    let lazy = duo_directory::LazyUser::from_json(&text);
    let summary = lazy.summary().unwrap().clone();
    assert_eq!(&*summary.username, "jsmith");
    assert_eq!(summary.status, UserStatus::Active);
    assert_eq!(summary.alias2.as_deref(), Some("jsmith@example.com"));
    assert_eq!(summary.last_directory_sync, Some(1508789163));
    assert_eq!(lazy.raw_json().as_deref(), Some(text.as_bytes()), "the raw slice is kept until the full decode");
    let full = lazy.user().unwrap();
    assert_eq!(duo_directory::UserSummary::from(full), summary);
    assert_eq!(lazy.raw_json(), None, "the full decode releases the raw slice");
    assert!(lazy.is_decoded());
    // the summary skips nested lists, so a broken phone only fails the full decode
    let broken = text.replace(r#""phone_id":"DPFZRS9FB0D46QFTM899""#, r#""phone_id":17"#);
    let lazy = duo_directory::LazyUser::from_json(&broken);
    assert_eq!(&*lazy.summary().unwrap().user_id, "DU3RP9I2WOC59VZX672N");
    let err = lazy.user().unwrap_err();
    assert!(matches!(err, Error::Decode { ref field, .. } if field == "phones[0].phone_id"), "{err:?}");
    // raw slice + lock, the cache pointer, and the link to its page's columns (16 bytes)
    let size = std::mem::size_of::<duo_directory::LazyUser>();
    assert!(size <= 80, "an undecoded user stays small: {size} bytes");
}
