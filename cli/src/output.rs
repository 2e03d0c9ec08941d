//! Rendering: readable tables (comfy-table), one JSON document, or JSON lines.

use crate::exit::CliError;
use comfy_table::{ContentArrangement, Table, presets};
use duo_directory::{PreparedRequest, User};
use indicatif::ProgressBar;
use std::io::Write;

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Readable tables.
    Table,
    /// One JSON document (a list is an array).
    Json,
    /// One JSON object per line, streamed.
    Jsonl,
}

/// A table in the house style.
pub fn table<S: ToString>(header: &[S]) -> Table {
    let mut t = Table::new();
    t.load_preset(presets::UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic);
    if !header.is_empty() {
        t.set_header(header.iter().map(ToString::to_string).collect::<Vec<_>>());
    }
    t
}

/// `""` for `None`.
pub fn text(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

/// A UNIX time as `YYYY-MM-DD HH:MM:SS UTC`, or empty.
pub fn timestamp(value: Option<i64>) -> String {
    let Some(seconds) = value else { return String::new() };
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
    time::OffsetDateTime::from_unix_timestamp(seconds)
        .ok()
        .and_then(|t| t.format(format).ok())
        .unwrap_or_else(|| seconds.to_string())
}

/// The aliases of a user, `alias1=..., alias2=...`, from the `aliases` map (or the legacy fields).
pub fn aliases(user: &User) -> String {
    if !user.aliases.is_empty() {
        return user.aliases.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", ");
    }
    [("alias1", &user.alias1), ("alias2", &user.alias2), ("alias3", &user.alias3), ("alias4", &user.alias4)]
        .into_iter()
        .filter_map(|(k, v)| v.as_deref().filter(|v| !v.is_empty()).map(|v| format!("{k}={v}")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Column titles of a user listing.
pub const LIST_HEADER: [&str; 6] = ["user_id", "username", "realname", "email", "status", "aliases"];

/// One row of a user listing.
pub fn list_row(user: &User) -> Vec<String> {
    vec![
        user.user_id.clone(),
        user.username.clone(),
        text(&user.realname),
        text(&user.email),
        user.status.to_string(),
        aliases(user),
    ]
}

/// A listing of users.
pub fn list_table<'a>(users: impl IntoIterator<Item = &'a User>) -> Table {
    let mut t = table(&LIST_HEADER);
    for user in users {
        t.add_row(list_row(user));
    }
    t
}

/// The fields shown for one user, in order, with their values.
pub fn user_fields(user: &User) -> Vec<(&'static str, String)> {
    let names = |items: Vec<String>| items.join(", ");
    vec![
        ("user_id", user.user_id.clone()),
        ("username", user.username.clone()),
        ("realname", text(&user.realname)),
        ("firstname", text(&user.firstname)),
        ("lastname", text(&user.lastname)),
        ("email", text(&user.email)),
        ("status", user.status.to_string()),
        ("aliases", aliases(user)),
        ("notes", text(&user.notes)),
        ("is_enrolled", user.is_enrolled.map(|b| b.to_string()).unwrap_or_default()),
        ("created", timestamp(user.created)),
        ("last_login", timestamp(user.last_login)),
        ("last_directory_sync", timestamp(user.last_directory_sync)),
        ("groups", names(user.groups.iter().map(|g| g.name.clone().unwrap_or_else(|| g.group_id.clone())).collect())),
        ("phones", names(user.phones.iter().map(|p| text(&p.name).or_if_empty(&p.phone_id)).collect())),
        ("tokens", names(user.tokens.iter().map(|t| t.token_id.clone()).collect())),
        ("webauthn", names(user.webauthncredentials.iter().map(|w| text(&w.credential_name)).collect())),
    ]
}

trait OrIfEmpty {
    fn or_if_empty(self, other: &str) -> String;
}

impl OrIfEmpty for String {
    fn or_if_empty(self, other: &str) -> String {
        if self.is_empty() { other.to_string() } else { self }
    }
}

/// One user as a two-column table.
pub fn user_table(user: &User) -> Table {
    let mut t = table(&["field", "value"]);
    for (name, value) in user_fields(user) {
        t.add_row(vec![name.to_string(), value]);
    }
    t
}

/// Before and after of one user; changed rows are marked with `*`.
pub fn diff_table(before: &User, after: &User) -> (Table, usize) {
    let mut t = table(&["", "field", "before", "after"]);
    let mut changed = 0;
    for ((name, old), (_, new)) in user_fields(before).into_iter().zip(user_fields(after)) {
        let mark = if old == new {
            ""
        } else {
            changed += 1;
            "*"
        };
        t.add_row(vec![mark.to_string(), name.to_string(), old, new]);
    }
    (t, changed)
}

/// Only the fields that differ between two versions of a user.
pub fn changes_table(before: &User, after: &User) -> Table {
    let mut t = table(&["field", "before", "after"]);
    for ((name, old), (_, new)) in user_fields(before).into_iter().zip(user_fields(after)) {
        if old != new {
            t.add_row(vec![name.to_string(), old, new]);
        }
    }
    t
}

/// A prepared (unsent) request as a table: method, path, query, body and every header.
pub fn request_table(request: &PreparedRequest) -> Table {
    let mut t = table(&["part", "value"]);
    t.add_row(vec!["method".to_string(), request.method.clone()]);
    t.add_row(vec!["path".to_string(), request.path.clone()]);
    if !request.query.is_empty() {
        t.add_row(vec!["query".to_string(), request.query.clone()]);
    }
    t.add_row(vec!["body".to_string(), request.body.as_ref().map(|b| b.text().to_owned()).unwrap_or_default()]);
    for (name, value) in &request.headers {
        t.add_row(vec![format!("header {name}"), value.clone()]);
    }
    t
}

/// Writes a line to stdout.
pub fn line(out: &mut impl Write, text: impl std::fmt::Display) -> Result<(), CliError> {
    writeln!(out, "{text}")?;
    Ok(())
}

/// Prints one user in the chosen format.
pub fn print_user(out: &mut impl Write, format: OutputFormat, user: &User) -> Result<(), CliError> {
    match format {
        OutputFormat::Table => line(out, user_table(user)),
        OutputFormat::Json => line(out, user.to_json_pretty()),
        OutputFormat::Jsonl => line(out, user.to_json()),
    }
}

/// Prints a short list of users (already fetched) in the chosen format.
pub fn print_users(out: &mut impl Write, format: OutputFormat, users: &[User]) -> Result<(), CliError> {
    let mut sink = UserSink::new(format);
    for user in users {
        sink.push(user);
    }
    sink.finish(out, None)
}

/// Prints a `--what-if` preview: the request that was not sent.
pub fn print_preview(
    out: &mut impl Write,
    format: OutputFormat,
    operation: &str,
    target: &str,
    request: &PreparedRequest,
) -> Result<(), CliError> {
    match format {
        OutputFormat::Table => {
            line(out, format!("What if: performing the operation \"{operation}\" on target \"{target}\"."))?;
            line(out, request_table(request))?;
            line(out, "Not sent: --what-if only shows the request.")
        }
        OutputFormat::Json | OutputFormat::Jsonl => {
            let doc = serde_json::json!({
                "what_if": true,
                "sent": false,
                "operation": operation,
                "target": target,
                "request": request,
            });
            let text = if format == OutputFormat::Json {
                serde_json::to_string_pretty(&doc)
            } else {
                serde_json::to_string(&doc)
            };
            line(out, text.map_err(|e| CliError::Check(format!("cannot write the preview as JSON: {e}")))?)
        }
    }
}

/// Collects or streams a listing: JSON lines and the JSON array are written page by page,
/// a table is printed once complete (its column widths need every row).
pub struct UserSink {
    format: OutputFormat,
    buffer: String,
    rows: Vec<Vec<String>>,
    count: u64,
}

impl UserSink {
    /// An empty listing.
    pub fn new(format: OutputFormat) -> Self {
        UserSink { format, buffer: String::new(), rows: Vec::new(), count: 0 }
    }

    /// How many users were pushed.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Adds one user.
    pub fn push(&mut self, user: &User) {
        match self.format {
            OutputFormat::Table => self.rows.push(list_row(user)),
            OutputFormat::Json => {
                self.buffer.push_str(if self.count == 0 { "[\n  " } else { ",\n  " });
                self.buffer.push_str(&user.to_json());
            }
            OutputFormat::Jsonl => {
                self.buffer.push_str(&user.to_json());
                self.buffer.push('\n');
            }
        }
        self.count += 1;
    }

    /// Writes what is buffered (above the progress bar, if one is drawn).
    pub fn flush(&mut self, out: &mut impl Write, bar: Option<&ProgressBar>) -> Result<(), CliError> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let text = std::mem::take(&mut self.buffer);
        let mut write = || -> std::io::Result<()> {
            out.write_all(text.as_bytes())?;
            out.flush()
        };
        match bar {
            Some(bar) => bar.suspend(write)?,
            None => write()?,
        }
        Ok(())
    }

    /// Ends the listing.
    pub fn finish(mut self, out: &mut impl Write, bar: Option<&ProgressBar>) -> Result<(), CliError> {
        match self.format {
            OutputFormat::Table => {
                let mut t = table(&LIST_HEADER);
                t.add_rows(std::mem::take(&mut self.rows));
                let plural = if self.count == 1 { "" } else { "s" };
                self.buffer = format!("{t}\n{} user{plural}\n", self.count);
            }
            OutputFormat::Json => self.buffer.push_str(if self.count == 0 { "[]\n" } else { "\n]\n" }),
            OutputFormat::Jsonl => {}
        }
        self.flush(out, bar)
    }
}
