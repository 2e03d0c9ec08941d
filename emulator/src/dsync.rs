//! Directory events: recorded for `GET /events` when a directory changes through the emulator's
//! API, and POSTed to a webhook URL (when one is set) signed as WorkOS signs them:
//! `WorkOS-Signature: t=<unix ms>, v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.

use duo_directory::{DirectoryUser, Secret};
use serde_json::{Map, Value, json};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};
use tokio::sync::mpsc;

/// Most events kept for `GET /events`.
const EVENT_LIMIT: usize = 10_000;

/// The event log and the webhook target.
#[derive(Default)]
pub(crate) struct Dsync {
    events: Mutex<Vec<Value>>,
    counter: AtomicU64,
    webhook: Mutex<Option<mpsc::UnboundedSender<(Value, SystemTime)>>>,
    deliveries: std::sync::Arc<Deliveries>,
}

/// What the webhook sender has done, for tests.
#[derive(Default)]
pub(crate) struct Deliveries {
    /// (event id, HTTP status, or 0 when the POST failed).
    log: Mutex<Vec<(String, u16)>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn iso(at: SystemTime) -> String {
    let at = time::OffsetDateTime::from(at);
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    at.format(&format).unwrap_or_default()
}

fn millis(at: SystemTime) -> i64 {
    i64::try_from(at.duration_since(UNIX_EPOCH).unwrap_or_default().as_millis()).unwrap_or(i64::MAX)
}

impl Dsync {
    /// Every event recorded, oldest first.
    pub(crate) fn events(&self) -> Vec<Value> {
        lock(&self.events).clone()
    }

    /// (event id, status) of each webhook POST so far.
    pub(crate) fn deliveries(&self) -> Vec<(String, u16)> {
        lock(&self.deliveries.log).clone()
    }

    /// Records an event and sends it to the webhook, if one is set.
    pub(crate) fn record(&self, name: &str, data: Value, now: SystemTime) {
        let n = self.counter.fetch_add(1, Ordering::Relaxed) + 1;
        let event = json!({
            "object": "event",
            "id": format!("event_{:026}", n),
            "event": name,
            "data": data,
            "created_at": iso(now),
        });
        {
            let mut events = lock(&self.events);
            if events.len() >= EVENT_LIMIT {
                events.remove(0);
            }
            events.push(event.clone());
        }
        if let Some(tx) = lock(&self.webhook).as_ref() {
            let _ = tx.send((event, now));
        }
    }

    /// The events a directory's change from `old` to `new` stands for: created, updated (with
    /// `previous_attributes`) and deleted users.
    pub(crate) fn record_changes(&self, old: &[DirectoryUser], new: &[DirectoryUser], now: SystemTime) {
        for user in new {
            match old.iter().find(|o| o.id == user.id) {
                None => self.record("dsync.user.created", event_user(user, None), now),
                Some(before) if before != user => {
                    self.record("dsync.user.updated", event_user(user, Some(before)), now);
                }
                Some(_) => {}
            }
        }
        for user in old.iter().filter(|o| !new.iter().any(|n| n.id == o.id)) {
            self.record("dsync.user.deleted", event_user(user, None), now);
        }
    }

    /// Sends every later event to `url` signed with `secret` (`None`: stop sending). The POSTs
    /// run one at a time, in order, on the shared runtime; `clock` gives the signing time.
    pub(crate) fn set_webhook(
        &self,
        target: Option<(String, Secret)>,
        clock: impl Fn() -> SystemTime + Send + 'static,
    ) {
        let mut slot = lock(&self.webhook);
        *slot = None;
        let Some((url, secret)) = target else { return };
        let (tx, mut rx) = mpsc::unbounded_channel::<(Value, SystemTime)>();
        let deliveries = self.deliveries.clone();
        duo_directory::install_crypto_provider();
        let http = reqwest::Client::builder().timeout(std::time::Duration::from_secs(10)).build().ok();
        let sender = async move {
            let Some(http) = http else { return };
            while let Some((event, _)) = rx.recv().await {
                let body = serde_json::to_vec(&event).unwrap_or_default();
                let t = millis(clock());
                let id = event.get("id").and_then(Value::as_str).unwrap_or_default().to_string();
                let status = match duo_directory::compute_webhook_signature(&body, secret.expose(), t) {
                    Ok(signature) => http
                        .post(&url)
                        .header("Content-Type", "application/json")
                        .header("WorkOS-Signature", format!("t={t}, v1={signature}"))
                        .body(body)
                        .send()
                        .await
                        .map(|r| r.status().as_u16())
                        .unwrap_or(0),
                    Err(_) => 0,
                };
                lock(&deliveries.log).push((id, status));
            }
        };
        if duo_directory::runtime::spawn(sender).is_ok() {
            *slot = Some(tx);
        }
    }
}

/// A user as events carry it (no `groups`), with `previous_attributes` for an update: the
/// top-level members and `custom_attributes` members that changed, with their earlier values
/// (`null` when absent before).
fn event_user(user: &DirectoryUser, before: Option<&DirectoryUser>) -> Value {
    let mut data = match crate::directory_api::user_json(user) {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    data.remove("groups");
    if let Some(before) = before {
        let old = match crate::directory_api::user_json(before) {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        let mut previous = Map::new();
        for (key, value) in &data {
            if key == "custom_attributes" {
                let (Some(Value::Object(now)), Some(Value::Object(was))) = (Some(value), old.get(key)) else {
                    continue;
                };
                let mut changed = Map::new();
                for (k, v) in now {
                    if was.get(k) != Some(v) {
                        changed.insert(k.clone(), was.get(k).cloned().unwrap_or(Value::Null));
                    }
                }
                if !changed.is_empty() {
                    previous.insert(key.clone(), Value::Object(changed));
                }
            } else if key != "updated_at" && old.get(key) != Some(value) {
                previous.insert(key.clone(), old.get(key).cloned().unwrap_or(Value::Null));
            }
        }
        data.insert("previous_attributes".into(), Value::Object(previous));
    }
    Value::Object(data)
}
