//! A burst of cancelled requests on one HTTP/2 connection must not fail the others.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use duo_directory::{Params, SignOptions, sign_request};
use duo_directory_emulator::{Emulator, EmulatorConfig, Fault};
use std::time::Duration;

const REQUESTS: usize = 500;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_half_of_500_streams_leaves_the_rest_answered() {
    let emulator = Emulator::start(EmulatorConfig { generated_users: 3, ..EmulatorConfig::default() }).await.unwrap();
    duo_directory::install_crypto_provider();
    let http = reqwest::Client::builder()
        .tls_certs_only(reqwest::Certificate::from_pem_bundle(emulator.ca_cert_pem().unwrap().as_bytes()).unwrap())
        .http2_prior_knowledge()
        .pool_max_idle_per_host(1)
        .build()
        .unwrap();
    // one warm-up request opens the single HTTP/2 connection every later request shares
    let warm = send(&http, &emulator).await.unwrap();
    assert_eq!(warm.version(), reqwest::Version::HTTP_2);
    // every request waits 300 ms in the server, so none is answered before the cancellations
    emulator.inject_fault(Fault::Delay { count: u32::MAX, delay: Duration::from_millis(300) });

    let mut kept = Vec::new();
    let mut cancelled = Vec::new();
    for i in 0..REQUESTS {
        let http = http.clone();
        let signed = signed_request(&emulator);
        let task = tokio::spawn(async move { http.execute(signed).await.map(|r| r.status().as_u16()) });
        if i % 2 == 0 { kept.push(task) } else { cancelled.push(task) }
    }
    // a few ms: many streams are still being opened and accepted when their resets arrive,
    // which is what trips hyper's default limit (20 pending-accept resets) into a GOAWAY
    tokio::time::sleep(Duration::from_millis(3)).await;
    for task in &cancelled {
        task.abort();
    }
    for (i, task) in kept.into_iter().enumerate() {
        let status = tokio::time::timeout(Duration::from_secs(60), task).await.unwrap().unwrap();
        assert_eq!(status.map_err(|e| format!("{e:?}")), Ok(200), "kept request {i}");
    }
    emulator.clear_faults();
    // and the connection is still good
    assert_eq!(send(&http, &emulator).await.unwrap().status().as_u16(), 200);
    emulator.shutdown().await;
}

fn signed_request(emulator: &Emulator) -> reqwest::Request {
    let params = Params::new().with("limit", "1");
    let signed = sign_request(
        emulator.ikey(),
        emulator.skey(),
        "GET",
        &emulator.host(),
        "/admin/v1/users",
        &params,
        &SignOptions::default(),
    )
    .unwrap();
    let url = format!("https://{}/admin/v1/users?{}", emulator.host(), signed.query);
    let mut request = reqwest::Request::new(reqwest::Method::GET, url.parse().unwrap());
    let headers = request.headers_mut();
    headers.insert("Date", signed.date.parse().unwrap());
    headers.insert("Authorization", signed.authorization.parse().unwrap());
    request
}

async fn send(http: &reqwest::Client, emulator: &Emulator) -> reqwest::Result<reqwest::Response> {
    http.execute(signed_request(emulator)).await
}
