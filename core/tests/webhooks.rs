//! The webhook vectors (tests/vectors/workos-webhooks.json, made and judged with the official
//! `workos` packages): this library's verdict on every case is the one the file records.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use common::vector_file;
use duo_directory::{DirectoryEvent, Error, EventKind, compute_webhook_signature, verify_webhook};
use serde_json::Value;

/// (payload, header, secret, now in seconds, expected verdict) of every case.
fn cases() -> Vec<(String, String, String, String, f64, String)> {
    let file: Value = serde_json::from_str(&vector_file("workos-webhooks.json")).unwrap();
    let vectors = file["vectors"].as_array().unwrap();
    file["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|case| {
            let v = vectors.iter().find(|v| v["name"] == case["vector"]).unwrap();
            let pick = |key: &str| case.get(key).unwrap_or(&v[key]).as_str().unwrap().to_string();
            let now = case["now_ms"].as_f64().unwrap() / 1000.0;
            (
                case["case"].as_str().unwrap().to_string(),
                pick("payload"),
                pick("header"),
                pick("secret"),
                now,
                case["ours"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn verdict(result: duo_directory::Result<DirectoryEvent>) -> String {
    match result {
        Ok(event) => format!("pass: {}", event.kind.as_str()),
        Err(Error::Decode { field, .. }) => format!("pass: decode {field}"),
        Err(Error::WebhookVerification { reason, .. }) => format!("fail: {reason}"),
        Err(other) => format!("error: {other}"),
    }
}

#[test]
fn every_vector_case_gets_the_recorded_verdict() {
    let cases = cases();
    assert!(cases.len() >= 26, "{} cases", cases.len());
    for (name, payload, header, secret, now, ours) in &cases {
        let got = verdict(verify_webhook(payload.as_bytes(), header, secret, None, Some(*now)));
        assert_eq!(&got, ours, "{name}");
    }
}

#[test]
fn the_signatures_of_the_vectors_are_recomputed() {
    let file: Value = serde_json::from_str(&vector_file("workos-webhooks.json")).unwrap();
    for v in file["vectors"].as_array().unwrap() {
        let t: i64 = v["timestamp"].as_str().unwrap().parse().unwrap();
        let sig = compute_webhook_signature(v["payload"].as_str().unwrap(), v["secret"].as_str().unwrap(), t).unwrap();
        assert_eq!(sig, v["signature"].as_str().unwrap(), "{}", v["name"]);
    }
}

#[test]
fn typed_events_keep_previous_attributes_deprecated_members_and_unknown_data() {
    let file: Value = serde_json::from_str(&vector_file("workos-webhooks.json")).unwrap();
    let payload = |name: &str| {
        file["vectors"].as_array().unwrap().iter().find(|v| v["name"] == name).unwrap()["payload"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let updated = DirectoryEvent::from_json(&payload("v9_user_updated_deprecated_members")).unwrap();
    assert_eq!(updated.kind, EventKind::UserUpdated);
    let user = updated.user.as_ref().unwrap();
    assert_eq!(user.state.as_str(), "suspended", "an unknown state is kept");
    assert_eq!(user.extra["job_title"], "Engineer");
    assert_eq!(user.extra["emails"][0]["value"], "ada@example.com");
    assert_eq!(user.username(), Some("ada"));
    assert_eq!(user.extra["a_future_member"]["kept"], true);
    assert!(!user.extra.contains_key("previous_attributes"), "previous_attributes belongs to the event");
    let previous = updated.previous_attributes.as_ref().unwrap();
    assert_eq!(previous["state"], "active");
    assert_eq!(updated.directory_id.as_deref(), Some("directory_01J8X00000000000000000000D"));
    // written back as read
    let again: Value = serde_json::from_str(&updated.to_json()).unwrap();
    assert_eq!(again, serde_json::from_str::<Value>(&payload("v9_user_updated_deprecated_members")).unwrap());

    let other = DirectoryEvent::from_json(&payload("v8_unknown_event")).unwrap();
    assert_eq!(other.kind, EventKind::Other);
    assert_eq!(other.data["anything"][2]["x"], Value::Null);
    assert!(other.user.is_none() && other.group.is_none() && other.directory.is_none());

    let activated = DirectoryEvent::from_json(&payload("v6_directory_activated")).unwrap();
    let directory = activated.directory.unwrap();
    assert!(directory.is_active());
    assert_eq!(directory.extra["domains"][0]["domain"], "example.com");
    let token = DirectoryEvent::from_json(&payload("v7_token_created")).unwrap().token.unwrap();
    assert_eq!(token.token_suffix.as_deref(), Some("a1b2"));
}

#[test]
fn a_verified_body_that_is_not_an_event_is_a_decode_error() {
    let t = 1_700_000_000_000;
    for body in
        ["not json", r#"{"event":"dsync.user.created"}"#, r#"{"id":"e","event":"dsync.user.created","data":[]}"#]
    {
        let header = format!("t={t}, v1={}", compute_webhook_signature(body, "s", t).unwrap());
        let err = verify_webhook(body.as_bytes(), &header, "s", None, Some(1_700_000_000.0)).unwrap_err();
        assert_eq!(err.code(), "decode", "{body}: {err}");
    }
}
