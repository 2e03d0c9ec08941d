//! Fetching ahead while the caller reads: bounded, ordered errors, stopped with the cursor.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use duo_directory::Client;
use duo_directory_conformance::{config, emulator};
use duo_directory_emulator::{Emulator, Fault};
use std::time::Duration;

/// Pages the emulator served, once the fetching ahead has had time to run as far as it may.
async fn settled_pages(emu: &Emulator) -> usize {
    tokio::time::sleep(Duration::from_millis(300)).await;
    emu.requests().len()
}

#[tokio::test(flavor = "multi_thread")]
async fn prefetch_never_holds_more_than_the_configured_pages() {
    let emu = emulator(1000).await;
    for prefetch in [1u32, 2, 4] {
        let mut cfg = config(&emu);
        cfg.prefetch = prefetch;
        let client = Client::new(cfg).unwrap();
        emu.clear_requests();
        let mut cursor = client.list_users(Some(100)).unwrap();
        assert_eq!(settled_pages(&emu).await, 0, "nothing before the first call");
        let ahead = usize::try_from(prefetch).unwrap();
        for consumed in 1..=3usize {
            let page = cursor.next_page().await.unwrap().unwrap();
            assert_eq!(page.users.len(), 100);
            // the page in hand plus at most `prefetch` more, and the task does go that far
            assert_eq!(settled_pages(&emu).await, consumed + ahead, "prefetch {prefetch}, {consumed} pages read");
            assert_eq!(cursor.pages_fetched(), u64::try_from(consumed + ahead).unwrap());
        }
        let mut rest = 0;
        while let Some(page) = cursor.next_page().await.unwrap() {
            rest += page.users.len();
        }
        assert_eq!(rest, 700, "every user once, in order");
        let offsets: Vec<String> =
            emu.requests().iter().map(|r| r.params.iter().find(|(k, _)| k == "offset").unwrap().1.clone()).collect();
        let expected: Vec<String> = (0..10).map(|p| (p * 100).to_string()).collect();
        assert_eq!(offsets, expected, "prefetch {prefetch}: each page once, in order");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn stopping_or_dropping_the_cursor_stops_fetching() {
    let emu = emulator(1000).await;
    let mut cfg = config(&emu);
    cfg.prefetch = 2;
    let client = Client::new(cfg).unwrap();
    emu.clear_requests();
    let mut cursor = client.list_users(Some(100)).unwrap();
    cursor.next().await.unwrap().unwrap();
    assert_eq!(settled_pages(&emu).await, 3);
    drop(cursor);
    assert_eq!(settled_pages(&emu).await, 3, "nothing after the cursor is dropped");

    // a slow page in flight is cancelled by stop()
    emu.clear_requests();
    let mut cursor = client.list_users(Some(100)).unwrap().with_prefetch(1).unwrap();
    cursor.next().await.unwrap().unwrap();
    emu.inject_fault(Fault::Delay { count: 1, delay: Duration::from_secs(30) });
    cursor.next_page().await.unwrap().unwrap(); // the rest of page 1; page 2 is on its way
    let _ = cursor.next_page().await; // page 2 (fetched before the delay was queued, or delayed)
    settled_pages(&emu).await; // the request for page 3 has reached the server (and is delayed)
    cursor.stop();
    // counted on arrival (the log records a request when it is answered, and one in flight at
    // stop() may still be answered)
    let arrived = emu.request_count();
    assert!(cursor.next().await.unwrap().is_none());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(emu.request_count(), arrived, "stop() sends nothing more");
    emu.clear_faults();
}

#[tokio::test(flavor = "multi_thread")]
async fn an_error_ahead_is_raised_where_the_caller_reaches_it() {
    let emu = emulator(1000).await;
    let mut cfg = config(&emu);
    cfg.prefetch = 1;
    cfg.retry = duo_directory_conformance::fast_retry(0);
    let client = Client::new(cfg).unwrap();
    emu.clear_requests();
    let mut cursor = client.list_users(Some(100)).unwrap();
    let first = cursor.next_page().await.unwrap().unwrap();
    assert_eq!(settled_pages(&emu).await, 2, "page 2 fetched ahead");
    emu.inject_fault(Fault::ServerError { count: 1, status: 500 });
    // page 2 was fetched before the fault: it arrives; page 3 fails while the caller reads page 2
    let second = cursor.next_page().await.unwrap().unwrap();
    assert_eq!(first.users.len() + second.users.len(), 200);
    assert_eq!(settled_pages(&emu).await, 3);
    let err = cursor.next_page().await.unwrap_err();
    assert_eq!(err.code(), "api_error", "{err}");
    assert!(cursor.next_page().await.unwrap().is_none(), "an error is returned once, then the end");
    assert_eq!(settled_pages(&emu).await, 3, "nothing fetched after the error");
}

#[test]
fn the_blocking_cursor_fetches_ahead_on_the_shared_runtime() {
    let emu =
        Emulator::start_blocking(duo_directory_emulator::EmulatorConfig { generated_users: 500, ..Default::default() })
            .unwrap();
    let client = duo_directory::blocking::Client::new(emu.client_config()).unwrap();
    let mut users = client.list_users(Some(100)).unwrap();
    assert!(users.next().is_some());
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(emu.requests().len(), 2, "page 2 fetched while page 1 is read");
    assert_eq!(users.count(), 499);
    emu.shutdown_blocking();
}
