//! Injected faults and the steady rate limit, seen through the core client (with tiny retry waits).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use common::*;
use duo_directory::{Params, UserCreate};
use duo_directory_emulator::{Emulator, EmulatorConfig, EmulatorError, Fault, RateWindow};
use std::time::{Duration, Instant};

fn statuses(emulator: &duo_directory_emulator::Emulator) -> Vec<u16> {
    emulator.requests().iter().map(|r| r.status).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn rate_limited_then_recovers() {
    let emulator = http_emulator(3).await;
    let client = client(&emulator);
    emulator.inject_fault(Fault::RateLimited { count: 2, retry_after: None });
    let user = client.get_user(&emulator.users()[0].user_id).await.unwrap();
    assert_eq!(user, emulator.users()[0]);
    assert_eq!(statuses(&emulator), vec![429, 429, 200]);

    // raw: Duo's exact body and the Retry-After header
    emulator.inject_fault(Fault::RateLimited { count: 1, retry_after: Some(7) });
    let r = raw(&emulator, RawRequest::new("GET", "/admin/v1/users", Params::new())).await;
    assert_eq!(r.status, 429);
    assert_eq!(r.body, serde_json::json!({"stat": "FAIL", "code": 42901, "message": "Too Many Requests"}));
    assert_eq!(r.headers["retry-after"], "7");

    // more 429s than retries: RateLimited after 1 + 3 attempts
    emulator.inject_fault(Fault::RateLimited { count: 10, retry_after: None });
    let err = client.get_user(&emulator.users()[0].user_id).await.unwrap_err();
    assert_eq!(err.code(), "rate_limited");
    match &err {
        duo_directory::Error::RateLimited { error, .. } => {
            assert_eq!(error.attempts, 4);
            assert_eq!(error.code, Some(42901));
        }
        other => panic!("{other:?}"),
    }
    emulator.clear_faults();
    assert!(client.get_user(&emulator.users()[0].user_id).await.is_ok());
}

#[tokio::test(flavor = "multi_thread")]
async fn server_errors() {
    let emulator = http_emulator(3).await;
    let client = client(&emulator);
    // 503 on a GET is retried by the client
    emulator.inject_fault(Fault::ServerError { count: 1, status: 503 });
    assert!(client.get_user(&emulator.users()[0].user_id).await.is_ok());
    assert_eq!(statuses(&emulator), vec![503, 200]);
    // 500 is not
    emulator.inject_fault(Fault::ServerError { count: 1, status: 500 });
    let err = client.get_user(&emulator.users()[0].user_id).await.unwrap_err();
    assert_api_error(&err, 500, 50001);
    // a POST is never retried, and a faulted request changes nothing
    emulator.inject_fault(Fault::ServerError { count: 1, status: 502 });
    let err = client.create_user(&UserCreate::new("never")).await.unwrap_err();
    assert_api_error(&err, 502, 50201);
    assert_eq!(emulator.user_count(), 3);
    let r = {
        emulator.inject_fault(Fault::ServerError { count: 1, status: 504 });
        raw(&emulator, RawRequest::new("GET", "/admin/v1/users", Params::new())).await
    };
    assert_fail(&r, 504, 50401);
}

#[tokio::test(flavor = "multi_thread")]
async fn delay_then_normal_answer_and_client_timeout() {
    let emulator = http_emulator(3).await;
    let client = client(&emulator);
    emulator.inject_fault(Fault::Delay { count: 1, delay: Duration::from_millis(300) });
    let started = Instant::now();
    assert!(client.get_user(&emulator.users()[0].user_id).await.is_ok());
    assert!(started.elapsed() >= Duration::from_millis(300));

    let mut config = fast_config(&emulator);
    config.timeout = Duration::from_millis(100);
    config.retry.max_retries = 0;
    config.retry.connect_retries = 0;
    let impatient = duo_directory::Client::new(config).unwrap();
    emulator.inject_fault(Fault::Delay { count: 1, delay: Duration::from_millis(500) });
    let err = impatient.get_user(&emulator.users()[0].user_id).await.unwrap_err();
    assert_eq!(err.code(), "timeout", "{err:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn dropped_connections() {
    let emulator = http_emulator(3).await;
    let mut config = fast_config(&emulator);
    config.retry.max_retries = 0;
    config.retry.connect_retries = 0;
    let once = duo_directory::Client::new(config).unwrap();
    emulator.inject_fault(Fault::DropConnection { count: 1 });
    let err = once.get_user(&emulator.users()[0].user_id).await.unwrap_err();
    assert_eq!(err.code(), "transport", "{err:?}");
    assert_eq!(statuses(&emulator), vec![0]);

    // an idempotent GET is retried over a new connection
    let client = client(&emulator);
    emulator.inject_fault(Fault::DropConnection { count: 2 });
    assert!(client.get_user(&emulator.users()[0].user_id).await.is_ok());

    // a POST is not, and nothing was created
    emulator.inject_fault(Fault::DropConnection { count: 1 });
    let err = client.create_user(&UserCreate::new("dropped")).await.unwrap_err();
    assert_eq!(err.code(), "transport", "{err:?}");
    assert_eq!(emulator.user_count(), 3);

    // the same over HTTPS
    let tls = duo_directory_emulator::Emulator::start(Default::default()).await.unwrap();
    let mut config = tls.client_config();
    config.retry.max_retries = 0;
    config.retry.connect_retries = 0;
    let client = duo_directory::Client::new(config).unwrap();
    tls.inject_fault(Fault::DropConnection { count: 1 });
    let err = client.get_user_by_username("x").await.unwrap_err();
    assert_eq!(err.code(), "transport", "{err:?}");
    assert!(client.get_user_by_username("x").await.unwrap().is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_body() {
    let emulator = http_emulator(3).await;
    let client = client(&emulator);
    emulator.inject_fault(Fault::MalformedBody { count: 1 });
    let err = client.get_user(&emulator.users()[0].user_id).await.unwrap_err();
    assert_eq!(err.code(), "decode", "{err:?}");
    assert_eq!(statuses(&emulator), vec![200]);
}

#[tokio::test(flavor = "multi_thread")]
async fn faults_apply_in_order() {
    let emulator = http_emulator(1).await;
    emulator.inject_fault(Fault::ServerError { count: 1, status: 500 });
    emulator.inject_fault(Fault::RateLimited { count: 2, retry_after: None });
    emulator.inject_fault(Fault::MalformedBody { count: 0 }); // count 0: ignored
    for _ in 0..4 {
        raw(&emulator, RawRequest::new("GET", "/admin/v1/users", Params::new())).await;
    }
    assert_eq!(statuses(&emulator), vec![500, 429, 429, 200]);
}

#[tokio::test(flavor = "multi_thread")]
async fn steady_rate_limit() {
    let emulator = http_emulator(1).await;
    emulator.set_rate_limit(Some(5.0));
    let mut ok = 0;
    let mut limited = 0;
    for _ in 0..20 {
        let r = raw(&emulator, RawRequest::new("GET", "/admin/v1/users", Params::new())).await;
        match r.status {
            200 => ok += 1,
            429 => {
                assert_fail(&r, 429, 42901);
                limited += 1;
            }
            other => panic!("{other}"),
        }
    }
    assert!((5..=7).contains(&ok), "{ok} admitted");
    assert_eq!(ok + limited, 20);
    // the bucket refills at the steady rate
    tokio::time::sleep(Duration::from_millis(450)).await;
    assert_eq!(raw(&emulator, RawRequest::new("GET", "/admin/v1/users", Params::new())).await.status, 200);
    // the client backs off and gets through
    let client = client(&emulator);
    assert!(client.get_user_by_username("x").await.is_ok());
    emulator.set_rate_limit(None);
    for _ in 0..20 {
        assert_eq!(raw(&emulator, RawRequest::new("GET", "/admin/v1/users", Params::new())).await.status, 200);
    }
    assert_eq!(emulator.request_count() as usize, emulator.requests().len());
}

async fn limited_emulator(limits: duo_directory::RateLimits, window: RateWindow, time_scale: f64) -> Emulator {
    Emulator::start(EmulatorConfig {
        tls: false,
        generated_users: 3,
        rate_limits: Some(limits),
        rate_window: window,
        time_scale,
        ..EmulatorConfig::default()
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn duo_limits_per_class_answer_42901_past_the_budget_and_recover_after_the_window() {
    let limits = duo_directory::RateLimits { pages_per_minute: 4, reads_per_minute: 3, writes_per_minute: 2 };
    for window in [RateWindow::Fixed, RateWindow::Sliding] {
        // a minute in 500 ms
        let emulator = limited_emulator(limits, window, 120.0).await;
        let id = emulator.users()[0].user_id.clone();
        let page = || RawRequest::new("GET", "/admin/v1/users", Params::new());
        let user_path = format!("/admin/v1/users/{id}");
        let read = || RawRequest::new("GET", &user_path, Params::new());
        let by_name = || RawRequest::new("GET", "/admin/v1/users", Params::new().with("username", "nobody"));
        let write = || RawRequest::new("POST", &user_path, Params::new().with("notes", "n"));
        let mut seen = Vec::new();
        for _ in 0..5 {
            seen.push(raw(&emulator, page()).await.status);
        }
        assert_eq!(seen, [200, 200, 200, 200, 429], "{window:?}: pages");
        // reads (by id or by a unique filter) have their own budget, untouched by the pages
        let reads = [raw(&emulator, read()).await, raw(&emulator, by_name()).await, raw(&emulator, read()).await];
        assert!(reads.iter().all(|r| r.status == 200), "{window:?}: reads");
        let refused = raw(&emulator, read()).await;
        assert_fail(&refused, 429, 42901);
        assert_eq!(raw(&emulator, write()).await.status, 200);
        assert_eq!(raw(&emulator, write()).await.status, 200);
        let refused = raw(&emulator, write()).await;
        assert_fail(&refused, 429, 42901);
        assert!(refused.headers.get("retry-after").is_none(), "Duo sends no Retry-After");
        // a refused write changed nothing; after the window every class is served again
        tokio::time::sleep(Duration::from_millis(550)).await;
        assert_eq!(raw(&emulator, page()).await.status, 200, "{window:?}");
        assert_eq!(raw(&emulator, read()).await.status, 200, "{window:?}");
        assert_eq!(raw(&emulator, write()).await.status, 200, "{window:?}");
        emulator.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn latency_delays_every_answer_and_limits_are_validated() {
    let emulator =
        Emulator::start(EmulatorConfig { tls: false, latency: Duration::from_millis(80), ..EmulatorConfig::default() })
            .await
            .unwrap();
    let started = Instant::now();
    raw(&emulator, RawRequest::new("GET", "/admin/v1/users", Params::new())).await;
    assert!(started.elapsed() >= Duration::from_millis(80));
    emulator.shutdown().await;
    for scale in [0.0, -1.0, f64::INFINITY, 5000.0] {
        let config = EmulatorConfig {
            rate_limits: Some(duo_directory::RateLimits::DUO),
            time_scale: scale,
            ..Default::default()
        };
        match Emulator::start(config).await {
            Err(EmulatorError::InvalidInput { field, .. }) => assert_eq!(field, "time_scale"),
            Err(other) => panic!("{other}"),
            Ok(_) => panic!("time_scale {scale} accepted"),
        }
    }
}
