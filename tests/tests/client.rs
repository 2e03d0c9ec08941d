//! The core client against the emulator: every operation, paging, errors, retries, previews.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use duo_directory::{
    Body, Client, DirectoryUser, Error, RequestClass, RetryMode, SigVersion, UserCreate, UserStatus, UserUpdate,
    WritableStatus, blocking,
};
use duo_directory_conformance::{client, config, emulator, fast_retry};
use duo_directory_emulator::{Fault, generator};
use futures_util::{StreamExt, TryStreamExt};
use std::collections::HashSet;
use std::time::{Duration, Instant};

fn jane() -> UserCreate {
    UserCreate {
        realname: Some("Jane Doe".into()),
        firstname: Some("Jane".into()),
        lastname: Some("Doe".into()),
        email: Some("jane.doe@example.com".into()),
        status: Some(WritableStatus::Bypass),
        notes: Some("created by a test ✓".into()),
        alias1: Some("jdoe".into()),
        alias2: Some("jane@example.com".into()),
        ..UserCreate::new("jane.doe")
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn create_get_lookup_update_delete() {
    let emu = emulator(0).await;
    let c = client(&emu);
    let created = c.create_user(&jane()).await.unwrap();
    assert_eq!(created.username, "jane.doe");
    assert_eq!(created.status, UserStatus::Bypass);
    assert_eq!(created.alias1.as_deref(), Some("jdoe"));
    assert_eq!(created.aliases.get("alias2").map(String::as_str), Some("jane@example.com"));
    assert!(created.user_id.starts_with("DU") && created.user_id.len() == 20);

    assert_eq!(c.get_user(&created.user_id).await.unwrap(), created);
    assert_eq!(c.get_user_by_username("jane.doe").await.unwrap().unwrap().user_id, created.user_id);
    assert_eq!(c.get_user_by_username("jdoe").await.unwrap().unwrap().user_id, created.user_id, "alias lookup");
    assert!(c.get_user_by_username("nobody").await.unwrap().is_none());
    let by_email = c.get_users_by_email("jane.doe@example.com").await.unwrap();
    assert_eq!(by_email.len(), 1);

    let update = UserUpdate {
        realname: Some("Jane Q. Doe".into()),
        email: Some("jq@example.com".into()),
        status: Some(WritableStatus::Disabled),
        notes: Some(String::new()),
        alias2: Some(String::new()),
        alias3: Some("jqd".into()),
        ..Default::default()
    };
    let updated = c.update_user(&created.user_id, &update).await.unwrap();
    assert_eq!(updated.realname.as_deref(), Some("Jane Q. Doe"));
    assert_eq!(updated.email.as_deref(), Some("jq@example.com"));
    assert_eq!(updated.status, UserStatus::Disabled);
    assert_eq!(updated.notes.as_deref(), Some(""));
    assert_eq!(updated.alias2, None, "empty alias removes it");
    assert_eq!(updated.alias3.as_deref(), Some("jqd"));
    assert_eq!(updated.firstname.as_deref(), Some("Jane"), "unchanged fields stay");
    assert_eq!(emu.user(&created.user_id).unwrap(), updated);

    c.delete_user(&created.user_id).await.unwrap();
    assert!(emu.user(&created.user_id).is_none());
    let err = c.get_user(&created.user_id).await.unwrap_err();
    assert!(matches!(err, Error::NotFound(ref e) if e.code == Some(40401)), "{err:?}");
    assert_eq!(c.delete_user(&created.user_id).await.unwrap_err().code(), "not_found");
}

#[tokio::test(flavor = "multi_thread")]
async fn duplicate_username_is_an_api_error_and_changes_nothing() {
    let emu = emulator(0).await;
    let c = client(&emu);
    c.create_user(&jane()).await.unwrap();
    let before = emu.users();
    let err = c.create_user(&UserCreate::new("jane.doe")).await.unwrap_err();
    let api = err.api_error().unwrap();
    assert_eq!((api.status, api.code), (400, Some(40003)), "{err}");
    assert_eq!(emu.users(), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn sync_user_from_directory_creates_updates_and_marks_for_deletion() {
    let emu = emulator(0).await;
    let c = client(&emu);
    let mut people = generator::directory_users("directory_01TEST", 3, 7);
    let username = |u: &DirectoryUser| u.username().unwrap().to_string();
    let (alice, bob) = (username(&people[0]), username(&people[1]));
    emu.add_directory("DKTEST", people.clone());

    let synced = c.sync_user_from_directory("DKTEST", &alice).await.unwrap();
    assert_eq!(synced.username, alice);
    assert_eq!(synced.firstname, people[0].first_name);
    assert_eq!(synced.email, people[0].email);
    assert!(synced.last_directory_sync.is_some());

    people[0].last_name = Some("Renamed".into());
    emu.add_directory("DKTEST", people.clone());
    let resynced = c.sync_user_from_directory("DKTEST", &alice).await.unwrap();
    assert_eq!(resynced.user_id, synced.user_id, "updated, not created again");
    assert_eq!(resynced.lastname.as_deref(), Some("Renamed"));

    c.sync_user_from_directory("DKTEST", &bob).await.unwrap();
    assert!(emu.remove_directory_user("DKTEST", &bob));
    let gone = c.sync_user_from_directory("DKTEST", &bob).await.unwrap();
    assert_eq!(gone.status, UserStatus::PendingDeletion);

    let err = c.sync_user_from_directory("DKNOPE", &alice).await.unwrap_err();
    assert_eq!(err.code(), "not_found", "{err}");
    let err = c.sync_user_from_directory("DKTEST", "nobody-at-all").await.unwrap_err();
    assert_eq!(err.code(), "not_found", "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn listing_pages_lazily_across_several_pages() {
    let emu = emulator(250).await;
    let c = client(&emu);
    emu.clear_requests();
    // on demand (prefetch 0): see prefetch.rs for fetching ahead
    let mut stream = Box::pin(c.list_users(Some(100)).unwrap().with_prefetch(0).unwrap().into_stream());
    assert_eq!(emu.request_count(), 0, "nothing is requested before the stream is polled");
    let first: Vec<_> = stream.by_ref().take(10).try_collect().await.unwrap();
    assert_eq!(first.len(), 10);
    assert_eq!(emu.requests().len(), 1, "one page for the first ten users");
    let rest: Vec<_> = stream.try_collect().await.unwrap();
    assert_eq!(first.len() + rest.len(), 250);
    let ids: HashSet<_> = first.iter().chain(&rest).map(|u| u.user_id.clone()).collect();
    assert_eq!(ids.len(), 250);
    let offsets: Vec<String> =
        emu.requests().iter().map(|r| r.params.iter().find(|(k, _)| k == "offset").unwrap().1.clone()).collect();
    assert_eq!(offsets, ["0", "100", "200"]);
    // page size is validated before anything is sent
    assert_eq!(c.list_users(Some(301)).err().unwrap().code(), "invalid_input");
    assert_eq!(c.list_users(Some(0)).err().unwrap().code(), "invalid_input");
    // the pager reports metadata
    let mut pager = c.list_users(Some(300)).unwrap();
    let page = pager.next_page().await.unwrap().unwrap();
    assert_eq!(page.users.len(), 250);
    assert_eq!(page.metadata.total_objects, Some(250));
    assert!(pager.next_page().await.unwrap().is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn call_reaches_any_endpoint_signed_the_same_way() {
    let emu = emulator(5).await;
    let c = client(&emu);
    let users = c.call("GET", "/admin/v1/users", duo_directory::Params::new().with("limit", "2")).await.unwrap();
    assert_eq!(users.as_array().unwrap().len(), 2);
    let err = c.call("GET", "/admin/v1/nothing/here", Default::default()).await.unwrap_err();
    assert_eq!(err.code(), "not_found");
    assert_eq!(c.call("TRACE", "/admin/v1/users", Default::default()).await.unwrap_err().code(), "invalid_input");
}

#[tokio::test(flavor = "multi_thread")]
async fn every_signature_version_is_accepted() {
    let emu = emulator(3).await;
    for version in [SigVersion::V2, SigVersion::V2Sha512, SigVersion::V5] {
        let mut cfg = config(&emu);
        cfg.sig_version = version;
        let c = Client::new(cfg).unwrap();
        let all: Vec<_> = c.list_users(None).unwrap().into_stream().try_collect().await.unwrap();
        assert_eq!(all.len(), emu.user_count(), "{version:?}");
        let created = c
            .create_user(&UserCreate::new(format!("user-{}", version.number()) + &format!("{version:?}")))
            .await
            .unwrap();
        c.update_user(&created.user_id, &UserUpdate { notes: Some("ü ✓ 😀".into()), ..Default::default() })
            .await
            .unwrap();
        assert_eq!(emu.user(&created.user_id).unwrap().notes.as_deref(), Some("ü ✓ 😀"), "{version:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_credentials_are_unauthorized_and_change_nothing() {
    let emu = emulator(2).await;
    let mut wrong_skey = config(&emu);
    wrong_skey.skey = "0000000000000000000000000000000000000000".into();
    let err = Client::new(wrong_skey).unwrap().create_user(&UserCreate::new("mallory")).await.unwrap_err();
    assert!(matches!(err, Error::Unauthorized(ref e) if e.code == Some(40103)), "{err:?}");
    let mut wrong_ikey = config(&emu);
    wrong_ikey.ikey = "DIAAAAAAAAAAAAAAAAAA".into();
    let err = Client::new(wrong_ikey).unwrap().get_user("DU1").await.unwrap_err();
    assert!(matches!(err, Error::Unauthorized(ref e) if e.code == Some(40102)), "{err:?}");
    assert_eq!(emu.user_count(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn client_side_validation_sends_nothing() {
    let emu = emulator(1).await;
    let c = client(&emu);
    emu.clear_requests();
    let cases = [
        c.create_user(&UserCreate::new("  ")).await.unwrap_err(),
        c.create_user(&UserCreate { email: Some("not-an-email".into()), ..UserCreate::new("x") }).await.unwrap_err(),
        c.create_user(&UserCreate { realname: Some("x".repeat(600)), ..UserCreate::new("x") }).await.unwrap_err(),
        c.update_user("DU1", &UserUpdate::default()).await.unwrap_err(),
        c.update_user("", &UserUpdate { notes: Some("n".into()), ..Default::default() }).await.unwrap_err(),
        c.get_user(" ").await.unwrap_err(),
        c.sync_user_from_directory("", "x").await.unwrap_err(),
    ];
    let fields: Vec<&str> = cases
        .iter()
        .map(|e| match e {
            Error::InvalidInput { field, .. } => field.as_str(),
            other => panic!("expected invalid input, got {other:?}"),
        })
        .collect();
    assert_eq!(fields, ["username", "email", "realname", "update", "user_id", "user_id", "directory_key"]);
    assert!("disabled".parse::<WritableStatus>().is_ok());
    let err = "locked out".parse::<WritableStatus>().unwrap_err();
    assert!(matches!(err, Error::InvalidInput { ref field, .. } if field == "status"));
    assert_eq!(emu.request_count(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn previews_send_nothing_and_match_what_is_sent() {
    let emu = emulator(1).await;
    let c = client(&emu);
    let target = emu.users()[0].clone();
    emu.clear_requests();
    let update = UserUpdate { status: Some(WritableStatus::Disabled), alias1: Some("x".into()), ..Default::default() };
    let p = c.preview().update_user(&target.user_id, &update).unwrap();
    assert_eq!(p.method, "POST");
    assert_eq!(p.path, format!("/admin/v1/users/{}", target.user_id));
    assert_eq!(p.body.as_ref().map(Body::text), Some(r#"{"alias1":"x","status":"disabled"}"#));
    assert!(p.headers.iter().any(|(k, v)| k == "Content-Type" && v == "application/json"));
    assert!(p.headers.iter().any(|(k, v)| k == "User-Agent" && v.starts_with("duo-directory/")));
    let d = c.preview().delete_user(&target.user_id).unwrap();
    assert_eq!((d.method.as_str(), d.body.as_ref().map(Body::text)), ("DELETE", None));
    let s = c.preview().sync_user_from_directory("DKWITHOUTSPACE", "mbolton").unwrap();
    assert_eq!(s.path, "/admin/v1/users/directorysync/DKWITHOUTSPACE/syncuser");
    // an id a path could reinterpret is refused, so the request sent is the one previewed
    for bad in ["DK/with space", "..", ".", "DK%2F"] {
        let err = c.preview().sync_user_from_directory(bad, "mbolton").unwrap_err();
        assert!(matches!(&err, Error::InvalidInput { field, .. } if field == "directory_key"), "{err:?}");
        let err = c.preview().delete_user(bad).unwrap_err();
        assert!(matches!(&err, Error::InvalidInput { field, .. } if field == "user_id"), "{err:?}");
    }
    let cr = c.preview().create_user(&jane()).unwrap();
    assert_eq!(cr.path, "/admin/v1/users");
    assert_eq!(emu.request_count(), 0, "previews reach nothing");
    assert_eq!(emu.users(), vec![target.clone()]);
    // the real call sends exactly the previewed parameters
    c.update_user(&target.user_id, &update).await.unwrap();
    let sent = &emu.requests()[0];
    let mut params = sent.params.clone();
    params.sort();
    assert_eq!(params, [("alias1".to_string(), "x".to_string()), ("status".to_string(), "disabled".to_string())]);
}

#[tokio::test(flavor = "multi_thread")]
async fn rate_limits_back_off_then_succeed_or_give_up() {
    let emu = emulator(3).await;
    let c = client(&emu);
    emu.clear_requests();
    emu.inject_fault(Fault::RateLimited { count: 2, retry_after: None });
    let users: Vec<_> = c.list_users(None).unwrap().into_stream().try_collect().await.unwrap();
    assert_eq!(users.len(), 3);
    assert_eq!(emu.requests().iter().map(|r| r.status).collect::<Vec<_>>(), [429, 429, 200]);

    // POST is retried on 429 too: the server refused it before doing anything
    emu.inject_fault(Fault::RateLimited { count: 1, retry_after: None });
    c.create_user(&UserCreate::new("after-429")).await.unwrap();

    // the standard mode gives up after max_retries
    let mut cfg = config(&emu);
    cfg.retry = fast_retry(1);
    cfg.retry_mode = RetryMode::Standard;
    let strict = Client::new(cfg.clone()).unwrap();
    emu.inject_fault(Fault::RateLimited { count: 5, retry_after: None });
    match strict.get_user(&users[0].user_id).await.unwrap_err() {
        Error::RateLimited { error, .. } => {
            assert_eq!(error.attempts, 2);
            assert_eq!(error.code, Some(42901));
        }
        other => panic!("expected rate limited, got {other:?}"),
    }
    emu.clear_faults();

    // the adaptive mode waits its turn in the reads bucket instead, until the deadline
    cfg.retry_mode = RetryMode::Adaptive;
    let adaptive = Client::new(cfg).unwrap();
    emu.clear_requests();
    emu.inject_fault(Fault::RateLimited { count: 5, retry_after: None });
    adaptive.get_user(&users[0].user_id).await.unwrap();
    assert_eq!(emu.requests().iter().filter(|r| r.status == 429).count(), 5);
    assert!(adaptive.paced_per_minute(RequestClass::Reads).is_none(), "no success before the episode: nothing learned");
    assert!(adaptive.paced_per_minute(RequestClass::Writes).is_none(), "classes are paced apart");
}

#[tokio::test(flavor = "multi_thread")]
async fn retry_after_is_honoured_and_the_deadline_bounds_everything() {
    let emu = emulator(1).await;
    let c = client(&emu);
    emu.inject_fault(Fault::RateLimited { count: 1, retry_after: Some(1) });
    let started = Instant::now();
    c.get_user(&emu.users()[0].user_id).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(950), "waited {:?}", started.elapsed());

    let mut cfg = config(&emu);
    cfg.retry = fast_retry(50);
    cfg.deadline = Some(Duration::from_millis(300));
    let bounded = Client::new(cfg).unwrap();
    emu.inject_fault(Fault::RateLimited { count: 1000, retry_after: Some(5) });
    let started = Instant::now();
    let err = bounded.get_user("DU1").await.unwrap_err();
    assert_eq!(err.code(), "rate_limited", "{err}");
    // without the deadline the first wait alone would be the 5 s Retry-After: 4 s holds on a loaded machine
    assert!(started.elapsed() < Duration::from_secs(4), "deadline respected: {:?}", started.elapsed());
    emu.clear_faults();
}

#[tokio::test(flavor = "multi_thread")]
async fn server_errors_retry_only_idempotent_requests() {
    let emu = emulator(1).await;
    let c = client(&emu);
    let id = emu.users()[0].user_id.clone();
    emu.clear_requests();
    emu.inject_fault(Fault::ServerError { count: 1, status: 503 });
    c.get_user(&id).await.unwrap();
    assert_eq!(emu.requests().len(), 2);

    emu.clear_requests();
    emu.inject_fault(Fault::ServerError { count: 1, status: 503 });
    let err = c.update_user(&id, &UserUpdate { notes: Some("n".into()), ..Default::default() }).await.unwrap_err();
    assert_eq!(err.api_error().map(|e| e.status), Some(503), "{err}");
    assert_eq!(emu.requests().len(), 1, "a POST is never sent twice");

    emu.inject_fault(Fault::ServerError { count: 1, status: 500 });
    let err = c.get_user(&id).await.unwrap_err();
    assert_eq!(err.api_error().map(|e| e.status), Some(500), "500 is not retried: {err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn timeouts_and_dropped_connections() {
    let emu = emulator(1).await;
    let id = emu.users()[0].user_id.clone();
    let mut cfg = config(&emu);
    cfg.timeout = Duration::from_millis(300);
    let c = Client::new(cfg).unwrap();

    let before = emu.request_count();
    emu.inject_fault(Fault::Delay { count: 1, delay: Duration::from_secs(2) });
    let err = c.update_user(&id, &UserUpdate { notes: Some("late".into()), ..Default::default() }).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert_eq!(emu.request_count() - before, 1, "not retried");

    emu.inject_fault(Fault::Delay { count: 1, delay: Duration::from_secs(2) });
    c.get_user(&id).await.unwrap(); // an idempotent GET is retried after its timeout

    emu.clear_requests();
    emu.inject_fault(Fault::DropConnection { count: 1 });
    c.get_user(&id).await.unwrap();
    assert_eq!(emu.requests().len(), 2, "GET retried after the reset");

    emu.inject_fault(Fault::DropConnection { count: 1 });
    let err = c.create_user(&UserCreate::new("dropped")).await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_json_is_a_decode_error_with_an_excerpt() {
    let emu = emulator(1).await;
    let c = client(&emu);
    emu.inject_fault(Fault::MalformedBody { count: 1 });
    match c.get_user(&emu.users()[0].user_id).await.unwrap_err() {
        Error::Decode { excerpt: Some(excerpt), .. } => {
            assert!(!excerpt.is_empty() && excerpt.len() <= duo_directory::EXCERPT_LIMIT);
            assert!(!excerpt.contains(emu.skey()));
        }
        other => panic!("expected decode error, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn tls_is_verified_for_real() {
    let emu = emulator(1).await;
    let mut cfg = config(&emu);
    cfg.ca_certs = None;
    cfg.ca_pinning = false;
    cfg.retry = fast_retry(0);
    let err = Client::new(cfg).unwrap().get_user("DU1").await.unwrap_err();
    assert_eq!(err.code(), "transport", "an unknown CA is refused: {err}");
    let mut cfg = config(&emu);
    cfg.ca_certs = Some(b"-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n".to_vec());
    assert_eq!(Client::new(cfg).unwrap_err().code(), "invalid_input");
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_requests_share_one_client() {
    let emu = emulator(0).await;
    let c = client(&emu);
    let tasks: Vec<_> = (0..40)
        .map(|i| {
            let c = c.clone();
            tokio::spawn(async move { c.create_user(&UserCreate::new(format!("parallel-{i}"))).await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(emu.user_count(), 40);
    let n = c.list_users(Some(7)).unwrap().into_stream().count().await;
    assert_eq!(n, 40);
}

#[test]
fn the_blocking_client_does_the_same() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let emu = rt.block_on(emulator(120));
    let c = blocking::Client::new(config(&emu)).unwrap();
    let mut iter = c.list_users(Some(50)).unwrap();
    assert_eq!(iter.pages_fetched(), 0);
    let first = iter.next().unwrap().unwrap();
    assert_eq!(iter.pages_fetched(), 1);
    assert_eq!(iter.count() + 1, 120);
    assert_eq!(c.get_user(&first.user_id).unwrap().username, first.username);
    let created = c.create_user(&UserCreate::new("blocking")).unwrap();
    c.delete_user(&created.user_id).unwrap();
    assert_eq!(c.get_user(&created.user_id).unwrap_err().code(), "not_found");
    // from inside an async context the blocking client refuses instead of panicking
    let err = rt.block_on(async { c.get_user(&first.user_id) }).unwrap_err();
    assert_eq!(err.code(), "internal");
}
