//! The apply journal: an append-only file of JSON lines, synced to disk after every record, that
//! makes an interrupted apply resumable. A write is journalled as `intended` before it is sent
//! and as `done` once Duo confirmed it; on resume, `done` entries are not touched again and
//! `intended` ones are checked against Duo (re-read) before anything is repeated.
//!
//! ```text
//! {"journal":1,"plan":"3f0c9a1d2b7e4f60"}
//! {"entry":0,"state":"intended"}
//! {"entry":0,"state":"done","user_id":"DU3RP9I2WOC59VZX672N"}
//! ```

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The state of one entry in a journal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JournalState {
    /// About to be written; the outcome is unknown until a `done` follows.
    Intended,
    /// Written and confirmed by Duo.
    Done,
}

#[derive(Serialize, Deserialize)]
struct Header {
    journal: u32,
    plan: String,
}

#[derive(Serialize, Deserialize)]
struct Record {
    entry: usize,
    state: JournalState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    user_id: Option<String>,
}

/// An open journal. Cheap to share between tasks (records are appended under a lock).
#[derive(Debug)]
pub(crate) struct Journal {
    path: PathBuf,
    file: Option<Mutex<std::fs::File>>,
    known: HashMap<usize, (JournalState, Option<String>)>,
}

fn io_error(path: &Path, e: &std::io::Error) -> Error {
    Error::invalid("journal", format!("{}: {e}", path.display()))
}

impl Journal {
    /// No journal: nothing is recorded.
    pub(crate) fn none() -> Journal {
        Journal { path: PathBuf::new(), file: None, known: HashMap::new() }
    }

    /// Opens (or creates) the journal at `path` for the plan with this fingerprint. A journal of
    /// another plan is [`Error::InvalidInput`] (field `journal`). A torn last line (a crash
    /// mid-write) is ignored.
    pub(crate) fn open(path: &Path, fingerprint: &str) -> Result<Journal> {
        let mut known = HashMap::new();
        let existing = match std::fs::read_to_string(path) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(io_error(path, &e)),
        };
        let mut file =
            std::fs::OpenOptions::new().create(true).append(true).open(path).map_err(|e| io_error(path, &e))?;
        match existing.as_deref().filter(|t| !t.trim().is_empty()) {
            Some(text) => {
                let mut lines = text.lines();
                let header: Option<Header> = lines.next().and_then(|l| serde_json::from_str(l).ok());
                match header {
                    Some(h) if h.plan == fingerprint => {}
                    Some(h) => {
                        return Err(Error::invalid(
                            "journal",
                            format!(
                                "{} belongs to plan {}, not {fingerprint}; use a new journal file for a new plan",
                                path.display(),
                                h.plan
                            ),
                        ));
                    }
                    None => {
                        return Err(Error::invalid(
                            "journal",
                            format!("{} is not a reconcile journal", path.display()),
                        ));
                    }
                }
                for line in lines {
                    if let Ok(record) = serde_json::from_str::<Record>(line) {
                        let slot = known.entry(record.entry).or_insert((record.state, None));
                        if slot.0 != JournalState::Done {
                            slot.0 = record.state;
                        }
                        if record.user_id.is_some() {
                            slot.1 = record.user_id;
                        }
                    }
                }
                if !text.ends_with('\n') {
                    // a torn last line: start the next record on a line of its own
                    file.write_all(b"\n").map_err(|e| io_error(path, &e))?;
                }
            }
            None => {
                let header = serde_json::to_string(&Header { journal: 1, plan: fingerprint.to_string() })
                    .map_err(|e| Error::Internal { message: e.to_string() })?;
                file.write_all(format!("{header}\n").as_bytes()).map_err(|e| io_error(path, &e))?;
                file.sync_data().map_err(|e| io_error(path, &e))?;
            }
        }
        Ok(Journal { path: path.to_path_buf(), file: Some(Mutex::new(file)), known })
    }

    /// What an earlier run recorded for an entry.
    pub(crate) fn state(&self, entry: usize) -> Option<(JournalState, Option<&str>)> {
        self.known.get(&entry).map(|(s, id)| (*s, id.as_deref()))
    }

    /// Appends records (one line each) and syncs them to disk before returning.
    pub(crate) fn record(&self, records: &[(usize, JournalState, Option<&str>)]) -> Result<()> {
        let Some(file) = &self.file else { return Ok(()) };
        let mut text = String::new();
        for (entry, state, user_id) in records {
            let line =
                serde_json::to_string(&Record { entry: *entry, state: *state, user_id: user_id.map(str::to_string) })
                    .map_err(|e| Error::Internal { message: e.to_string() })?;
            text.push_str(&line);
            text.push('\n');
        }
        let mut file = file.lock().unwrap_or_else(|p| p.into_inner());
        file.write_all(text.as_bytes()).map_err(|e| io_error(&self.path, &e))?;
        file.sync_data().map_err(|e| io_error(&self.path, &e))
    }
}
