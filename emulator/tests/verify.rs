//! Server-side verification (moved from core): the official vectors verify, tampering does not,
//! and the debug mode explains a mismatch without leaking secrets.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use common::{RawRequest, assert_fail, raw};
use duo_directory::{Params, Secret, SignOptions, sign_request};
use duo_directory_emulator::verify::verify_authorization;
use duo_directory_emulator::{Emulator, EmulatorConfig};
use serde_json::Value;
use std::time::{Duration, SystemTime};

#[test]
fn every_official_signing_vector_verifies() {
    let path = format!("{}/../tests/vectors/duo-signing.json", env!("CARGO_MANIFEST_DIR"));
    let file: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let ikey = file["ikey"].as_str().unwrap();
    let skey = Secret::new(file["skey"].as_str().unwrap());
    let vectors = file["vectors"].as_array().unwrap();
    assert!(vectors.len() >= 34);
    for v in vectors {
        let (auth, canonical) = (v["authorization"].as_str().unwrap(), v["canonical"].as_str().unwrap());
        assert_eq!(verify_authorization(auth, canonical, &skey).as_deref(), Some(ikey), "{}", v["name"]);
    }
}

#[test]
fn a_tampered_signature_is_refused() {
    let signed = sign_request(
        "DIWJ8X6AEYOR5OMC6TQ1",
        "Zh5eGmUq9zpfQnyUIu5OL9iWoMMv5ZNmk3zLJ4Ep",
        "GET",
        "api-3f2a91c4.duosecurity.com",
        "/admin/v1/users",
        &Default::default(),
        &SignOptions::default(),
    )
    .unwrap();
    let skey = Secret::new("Zh5eGmUq9zpfQnyUIu5OL9iWoMMv5ZNmk3zLJ4Ep");
    assert!(verify_authorization(&signed.authorization, &signed.canonical, &skey).is_some());
    let other = signed.canonical.replace("/admin/v1/users", "/admin/v1/userz");
    assert!(verify_authorization(&signed.authorization, &other, &skey).is_none());
    assert!(verify_authorization(&signed.authorization, &signed.canonical, &Secret::new("wrong")).is_none());
}

async fn emulator(debug_signatures: bool) -> Emulator {
    Emulator::start(EmulatorConfig { tls: false, debug_signatures, ..EmulatorConfig::default() }).await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn debug_mode_shows_the_expected_canonical_string_and_no_secret() {
    let emulator = emulator(true).await;
    let wrong = "0".repeat(40);
    let req = RawRequest {
        skey: Some(&wrong),
        ..RawRequest::new("GET", "/admin/v1/users", Params::new().with("limit", "1"))
    };
    let r = raw(&emulator, req).await;
    assert_fail(&r, 401, 40103);
    let expected = r.body["expected_canonical"].as_str().unwrap();
    let lines: Vec<&str> = expected.split('\n').collect();
    assert_eq!(lines[1..5], ["GET", emulator.host().as_str(), "/admin/v1/users", "limit=1"], "{expected}");
    let detail = r.body["message_detail"].as_str().unwrap();
    assert_eq!(detail, format!("expected canonical string: {}", expected.replace('\n', "\\n")));
    let text = r.body.to_string();
    assert!(!text.contains(emulator.skey()), "{text}");
    // what the client sent as signature is not echoed either
    let sent = sign_request(
        emulator.ikey(),
        &wrong,
        "GET",
        &emulator.host(),
        "/admin/v1/users",
        &Params::new().with("limit", "1"),
        &SignOptions::default(),
    )
    .unwrap();
    assert!(!text.contains(&sent.authorization));
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn without_debug_mode_a_mismatch_says_only_that() {
    let emulator = emulator(false).await;
    let wrong = "0".repeat(40);
    let req = RawRequest { skey: Some(&wrong), ..RawRequest::new("GET", "/admin/v1/users", Params::new()) };
    let r = raw(&emulator, req).await;
    assert_fail(&r, 401, 40103);
    assert!(r.body.get("expected_canonical").is_none(), "{}", r.body);
    assert_eq!(r.body["message_detail"], "the signature does not match the request");
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stale_date_keeps_its_code_in_both_modes() {
    for debug in [false, true] {
        let emulator = emulator(debug).await;
        let old = duo_directory::date::rfc2822_date(SystemTime::now() - Duration::from_secs(3600));
        let req = RawRequest { date: Some(old), ..RawRequest::new("GET", "/admin/v1/users", Params::new()) };
        let r = raw(&emulator, req).await;
        assert_fail(&r, 401, 40103);
        assert!(r.body.get("expected_canonical").is_none(), "{}", r.body);
        assert!(r.body["message_detail"].as_str().unwrap().contains("away from the server's clock"), "{}", r.body);
        emulator.shutdown().await;
    }
}
