//! Adaptive pacing against the emulator's Duo limits (time-scaled): the client finds the rate,
//! stays under it, and a fixed rate from the contract avoids 429s altogether.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use duo_directory::{Client, RateLimits, RequestClass, RetryMode, UserUpdate};
use duo_directory_emulator::{Emulator, EmulatorConfig, RateWindow};

/// Writes allowed per emulated minute, and how much faster than real time that minute runs.
const WRITES: u32 = 120;
const SCALE: f64 = 60.0;

async fn limited(users: usize, limits: RateLimits, window: RateWindow) -> Emulator {
    Emulator::start(EmulatorConfig {
        generated_users: users,
        rate_limits: Some(limits),
        rate_window: window,
        time_scale: SCALE,
        ..EmulatorConfig::default()
    })
    .await
    .unwrap()
}

fn throttled(emu: &Emulator) -> usize {
    emu.requests().iter().filter(|r| r.status == 429).count()
}

#[tokio::test(flavor = "multi_thread")]
async fn adaptive_writes_find_the_limit_and_stay_under_it() {
    for window in [RateWindow::Fixed, RateWindow::Sliding] {
        let limits = RateLimits { writes_per_minute: WRITES, ..RateLimits::DUO };
        let emu = limited(5, limits, window).await;
        let mut config = emu.client_config();
        config.retry_mode = RetryMode::Adaptive;
        let client = Client::new(config).unwrap();
        let id = emu.users()[0].user_id.clone();
        let update = UserUpdate { notes: Some("paced".into()), ..Default::default() };
        for _ in 0..(WRITES * 4) {
            client.update_user(&id, &update).await.unwrap();
        }
        // a few probes per episode; the rate found swings around the limit (it rises 10 % a quiet
        // cycle, then an episode sets it back), so the bounds are loose
        let refused = throttled(&emu);
        assert!((1..=40).contains(&refused), "{window:?}: {refused} x 429");
        let real_per_minute = f64::from(WRITES) * SCALE;
        let paced = client.paced_per_minute(RequestClass::Writes).unwrap();
        assert!(
            (0.6 * real_per_minute..=1.35 * real_per_minute).contains(&paced),
            "{window:?}: paced at {paced:.0}/min, the limit is {real_per_minute:.0}/min"
        );
        assert!(client.paced_per_minute(RequestClass::Pages).is_none(), "pages were never throttled");
        emu.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fixed_rate_from_the_contract_is_never_throttled() {
    let limits = RateLimits { writes_per_minute: WRITES, ..RateLimits::DUO };
    let emu = limited(5, limits, RateWindow::Sliding).await;
    let mut config = emu.client_config();
    config.retry_mode = RetryMode::Standard;
    // 90 % of the limit, in real time
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let rate = (f64::from(WRITES) * SCALE * 0.9) as u32;
    config.writes_per_minute = Some(rate);
    let client = Client::new(config).unwrap();
    let id = emu.users()[0].user_id.clone();
    let update = UserUpdate { notes: Some("contract".into()), ..Default::default() };
    for _ in 0..(WRITES * 2) {
        client.update_user(&id, &update).await.unwrap();
    }
    assert_eq!(throttled(&emu), 0);
    let paced = client.paced_per_minute(RequestClass::Writes).unwrap();
    assert!((f64::from(rate) - paced).abs() < 1.0, "{paced}");
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_adaptive_listing_gets_every_user_under_a_page_limit() {
    let limits = RateLimits { pages_per_minute: 10, ..RateLimits::DUO };
    let emu = limited(600, limits, RateWindow::Fixed).await;
    let client = Client::new(emu.client_config()).unwrap(); // adaptive is the default
    assert_eq!(client.config().retry_mode, RetryMode::Adaptive);
    let mut cursor = client.list_users(Some(20)).unwrap();
    let mut seen = std::collections::HashSet::new();
    while let Some(page) = cursor.next_page().await.unwrap() {
        seen.extend(page.users.iter().map(|u| u.summary().unwrap().user_id.to_string()));
    }
    assert_eq!(seen.len(), 600, "every user once");
    let refused = throttled(&emu);
    assert!((1..=30).contains(&refused), "{refused} x 429 for 30 pages at 10 a window");
    emu.shutdown().await;
}
