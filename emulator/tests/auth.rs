//! Request verification: every signature scheme accepted, every bad credential refused with
//! Duo's envelope and without any change of state.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use common::*;
use duo_directory::{Params, SigVersion, UserCreate, date::rfc2822_date};
use duo_directory_emulator::{Emulator, EmulatorConfig};
use std::time::{Duration, SystemTime};

async fn create_and_read(emulator: &Emulator, version: SigVersion, username: &str) {
    let client = client_with(emulator, version);
    let created = client
        .create_user(&UserCreate { realname: Some("Zoë O'Neil".into()), ..UserCreate::new(username) })
        .await
        .unwrap();
    assert_eq!(created.username, username);
    assert_eq!(created.realname.as_deref(), Some("Zoë O'Neil"));
    let fetched = client.get_user(&created.user_id).await.unwrap();
    assert_eq!(fetched, created);
    let by_name = client.get_user_by_username(username).await.unwrap().unwrap();
    assert_eq!(by_name.user_id, created.user_id);
    client.delete_user(&created.user_id).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn v2_sha1_v2_sha512_and_v5_are_accepted() {
    let emulator = http_emulator(0).await;
    create_and_read(&emulator, SigVersion::V2, "v2.sha1 user+x@example.com").await;
    create_and_read(&emulator, SigVersion::V2Sha512, "v2.sha512").await;
    create_and_read(&emulator, SigVersion::V5, "v5 user~ö").await;
    assert_eq!(emulator.user_count(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn x_duo_date_and_x_duo_headers_are_signed_under_v5() {
    let emulator = http_emulator(3).await;
    // duo_hmac sends only X-Duo-Date, and (as an X-Duo header) it is part of the v5 header hash
    let date = rfc2822_date(SystemTime::now());
    let mut req = RawRequest::new("GET", "/admin/v1/users", Params::new().with("limit", "2"));
    req.x_duo_date = true;
    req.date = Some(date.clone());
    req.x_duo_headers = vec![("X-Duo-Trace".into(), "abc 123".into()), ("x-duo-date".into(), date)];
    let r = raw(&emulator, req).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["response"].as_array().unwrap().len(), 2);

    // a v5 signature over headers that are then not sent is refused
    let mut req = RawRequest::new("GET", "/admin/v1/users", Params::new());
    req.x_duo_headers = vec![("X-Duo-Trace".into(), "abc".into())];
    let signed = duo_directory::sign_request(
        emulator.ikey(),
        emulator.skey(),
        "GET",
        &emulator.host(),
        "/admin/v1/users",
        &Params::new(),
        &duo_directory::SignOptions { x_duo_headers: req.x_duo_headers.clone(), ..Default::default() },
    )
    .unwrap();
    let mut plain = RawRequest::new("GET", "/admin/v1/users", Params::new());
    plain.authorization = Some(signed.authorization);
    plain.date = Some(signed.date);
    assert_fail(&raw(&emulator, plain).await, 401, 40103);
}

#[tokio::test(flavor = "multi_thread")]
async fn v5_post_with_params_in_the_query_is_accepted() {
    // The official Postman collection signs v5 POSTs with the parameters in the query string
    // and an empty body.
    use base64::Engine;
    use hmac::{Hmac, KeyInit, Mac};
    let emulator = http_emulator(0).await;
    let params = Params::new().with("username", "postman user");
    let query = duo_directory::sign::canon_params(&params);
    let date = rfc2822_date(SystemTime::now());
    let canonical = duo_directory_emulator::verify::server_canonical(
        5,
        &date,
        "POST",
        &emulator.host(),
        "/admin/v1/users",
        &query,
        b"",
        &[],
    )
    .unwrap();
    let mut mac = <Hmac<sha2::Sha512> as KeyInit>::new_from_slice(emulator.skey().as_bytes()).unwrap();
    mac.update(canonical.as_bytes());
    let sig = hex::encode(mac.finalize().into_bytes());
    let auth =
        format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{}:{sig}", emulator.ikey())));
    duo_directory::install_crypto_provider();
    let response = reqwest::Client::new()
        .post(format!("http://{}/admin/v1/users?{query}", emulator.host()))
        .header("Date", date)
        .header("Authorization", auth)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200, "{:?}", response.text().await);
    assert!(emulator.user_by_username("postman user").is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_credentials_are_refused_without_state_change() {
    let emulator = http_emulator(5).await;
    let before = emulator.users();
    let create = || Params::new().with("username", "mallory");

    // wrong secret key
    let mut req = RawRequest::new("POST", "/admin/v1/users", create());
    req.skey = Some("0000000000000000000000000000000000000000");
    let r = raw(&emulator, req).await;
    assert_fail(&r, 401, 40103);
    assert_eq!(r.body["message"], "Invalid signature in request credentials");

    // same, v2
    let mut req = RawRequest::new("POST", "/admin/v1/users", create());
    req.skey = Some("0000000000000000000000000000000000000000");
    req.sig_version = SigVersion::V2;
    assert_fail(&raw(&emulator, req).await, 401, 40103);

    // unknown integration key
    let mut req = RawRequest::new("POST", "/admin/v1/users", create());
    req.ikey = Some("DIXXXXXXXXXXXXXXXXXX");
    let r = raw(&emulator, req).await;
    assert_fail(&r, 401, 40102);
    assert_eq!(r.body["message"], "Invalid integration key in request credentials");

    // missing / garbled credentials
    for auth in ["", "Bearer abc", "Basic !!!notbase64", "Basic bm9jb2xvbg=="] {
        let mut req = RawRequest::new("POST", "/admin/v1/users", create());
        req.authorization = Some(auth.into());
        let r = raw(&emulator, req).await;
        assert_fail(&r, 401, 40101);
        assert_eq!(r.body["message"], "Missing request credentials");
    }

    // stale and future dates
    for offset in [-301i64, 301, -86_400] {
        let at = if offset < 0 {
            SystemTime::now() - Duration::from_secs(offset.unsigned_abs())
        } else {
            SystemTime::now() + Duration::from_secs(offset as u64)
        };
        let mut req = RawRequest::new("POST", "/admin/v1/users", create());
        req.date = Some(rfc2822_date(at));
        let r = raw(&emulator, req).await;
        assert_fail(&r, 401, 40103);
        assert!(r.body["message_detail"].as_str().unwrap().contains("Date"), "{:?}", r.body);
    }

    // unparsable date
    let mut req = RawRequest::new("POST", "/admin/v1/users", create());
    req.date = Some("yesterday at noon".into());
    let r = raw(&emulator, req).await;
    assert_fail(&r, 401, 40103);
    assert!(r.body["message_detail"].as_str().unwrap().contains("RFC 2822"), "{:?}", r.body);

    // body tampered after signing (v5 body hash)
    let mut req = RawRequest::new("POST", "/admin/v1/users", create());
    req.body_override = Some(br#"{"username":"eve"}"#.to_vec());
    assert_fail(&raw(&emulator, req).await, 401, 40103);

    // signed for another path
    let mut req = RawRequest::new("GET", "/admin/v1/users", Params::new());
    let signed = duo_directory::sign_request(
        emulator.ikey(),
        emulator.skey(),
        "GET",
        &emulator.host(),
        "/admin/v1/users/DUXXXXXXXXXXXXXXXXXX",
        &Params::new(),
        &Default::default(),
    )
    .unwrap();
    req.authorization = Some(signed.authorization);
    req.date = Some(signed.date);
    assert_fail(&raw(&emulator, req).await, 401, 40103);

    assert_eq!(emulator.users(), before);
    assert!(emulator.requests().iter().all(|r| r.status == 401));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_with_the_wrong_secret_gets_unauthorized() {
    let emulator = http_emulator(1).await;
    let mut config = fast_config(&emulator);
    config.skey = "wrong-secret-wrong-secret-wrong-secret-00".into();
    let client = duo_directory::Client::new(config).unwrap();
    let err = client.get_user(&emulator.users()[0].user_id).await.unwrap_err();
    assert_eq!(err.code(), "unauthorized");
    assert_api_error(&err, 401, 40103);
}

#[tokio::test(flavor = "multi_thread")]
async fn clock_skew_is_configurable() {
    let emulator =
        Emulator::start(EmulatorConfig { tls: false, max_clock_skew: Duration::from_secs(5), ..Default::default() })
            .await
            .unwrap();
    let mut req = RawRequest::new("GET", "/admin/v1/users", Params::new());
    req.date = Some(rfc2822_date(SystemTime::now() - Duration::from_secs(30)));
    assert_fail(&raw(&emulator, req).await, 401, 40103);
    let mut req = RawRequest::new("GET", "/admin/v1/users", Params::new());
    req.date = Some(rfc2822_date(SystemTime::now() - Duration::from_secs(2)));
    assert_eq!(raw(&emulator, req).await.status, 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn oversized_bodies_are_refused_without_state_change() {
    let emulator =
        Emulator::start(EmulatorConfig { tls: false, max_body_bytes: 1024, ..Default::default() }).await.unwrap();
    let notes = "n".repeat(2000);
    for version in [SigVersion::V5, SigVersion::V2] {
        let mut req = RawRequest::new(
            "POST",
            "/admin/v1/users",
            Params::new().with("username", "big").with("notes", notes.as_str()),
        );
        req.sig_version = version;
        let r = raw(&emulator, req).await;
        assert_fail(&r, 413, 41301);
    }
    assert_eq!(emulator.user_count(), 0);
    // and through the client
    let client = client(&emulator);
    let err = client
        .create_user(&duo_directory::UserCreate {
            notes: Some("x".repeat(2000)),
            ..duo_directory::UserCreate::new("big")
        })
        .await
        .unwrap_err();
    assert_api_error(&err, 413, 41301);
    assert_eq!(emulator.user_count(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_paths_and_methods() {
    let emulator = http_emulator(1).await;
    let r = raw(&emulator, RawRequest::new("GET", "/admin/v1/nothing", Params::new())).await;
    assert_fail(&r, 404, 40401);
    let r = raw(&emulator, RawRequest::new("DELETE", "/admin/v1/users", Params::new())).await;
    assert_fail(&r, 405, 40501);
    let r = raw(&emulator, RawRequest::new("PUT", "/admin/v1/users/DUXXXXXXXXXXXXXXXXXX", Params::new())).await;
    assert_fail(&r, 405, 40501);
    // an unsigned request to an unknown path is refused for its credentials first
    let mut req = RawRequest::new("GET", "/nowhere", Params::new());
    req.authorization = Some(String::new());
    assert_fail(&raw(&emulator, req).await, 401, 40101);
}

#[tokio::test(flavor = "multi_thread")]
async fn request_log_records_decoded_params_and_status() {
    let emulator = http_emulator(2).await;
    let client = client(&emulator);
    client.get_user_by_username("no such+user").await.unwrap();
    let log = emulator.requests();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].method, "GET");
    assert_eq!(log[0].path, "/admin/v1/users");
    assert_eq!(log[0].params, vec![("username".to_string(), "no such+user".to_string())]);
    assert_eq!(log[0].status, 200);
    assert_eq!(emulator.request_count(), 1);
    emulator.clear_requests();
    assert!(emulator.requests().is_empty());
    assert_eq!(emulator.request_count(), 1);
}
