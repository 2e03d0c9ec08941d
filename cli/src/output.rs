//! Rendering: readable tables (comfy-table), one JSON document, or JSON lines.

use crate::exit::CliError;
use crate::listing::UserSink;
use crate::sanitize::for_terminal;
use comfy_table::{ContentArrangement, Table, presets};
use duo_directory::{PreparedRequest, User};
use serde::ser::{Serialize, SerializeMap, Serializer};
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

/// A table whose every cell is made [safe for a terminal](crate::sanitize) as it is added.
pub struct SafeTable(Table);

impl SafeTable {
    /// Adds one row; control and bidirectional characters are shown escaped.
    pub fn add_row<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = S>) -> &mut Self {
        let cells: Vec<String> = cells.into_iter().map(|c| for_terminal(c.as_ref()).into_owned()).collect();
        self.0.add_row(cells);
        self
    }
}

impl std::fmt::Display for SafeTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// A table in the house style.
pub fn table<S: AsRef<str>>(header: &[S]) -> SafeTable {
    let mut t = Table::new();
    t.load_preset(presets::UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic);
    if !header.is_empty() {
        t.set_header(header.iter().map(|h| for_terminal(h.as_ref()).into_owned()).collect::<Vec<_>>());
    }
    SafeTable(t)
}

/// `""` for `None`.
pub fn text(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

/// A value from the server, made safe for a terminal (see [`crate::sanitize`]).
pub fn safe(value: &str) -> String {
    for_terminal(value).into_owned()
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

/// One row of a user listing, safe for a terminal.
pub fn list_row(user: &User) -> Vec<String> {
    [
        user.user_id.clone(),
        user.username.clone(),
        text(&user.realname),
        text(&user.email),
        user.status.to_string(),
        aliases(user),
    ]
    .iter()
    .map(|cell| safe(cell))
    .collect()
}

/// A listing of users.
pub fn list_table<'a>(users: impl IntoIterator<Item = &'a User>) -> SafeTable {
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
pub fn user_table(user: &User) -> SafeTable {
    let mut t = table(&["field", "value"]);
    for (name, value) in user_fields(user) {
        t.add_row(vec![name.to_string(), value]);
    }
    t
}

/// Before and after of one user; changed rows are marked with `*`.
pub fn diff_table(before: &User, after: &User) -> (SafeTable, usize) {
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
pub fn changes_table(before: &User, after: &User) -> SafeTable {
    let mut t = table(&["field", "before", "after"]);
    for ((name, old), (_, new)) in user_fields(before).into_iter().zip(user_fields(after)) {
        if old != new {
            t.add_row(vec![name.to_string(), old, new]);
        }
    }
    t
}

/// A prepared (unsent) request as a table: method, path, query, body and every header.
pub fn request_table(request: &PreparedRequest) -> SafeTable {
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
    sink.finish(out)
}

/// Prints a `--what-if` preview: the request that was not sent.
///
/// In JSON the request's `headers` are one object (`{"Host": ..., "Date": ...}`, in the order they
/// would be sent), the shape of the Python binding's `PreparedRequest.headers`.
pub fn print_preview(
    out: &mut impl Write,
    format: OutputFormat,
    operation: &str,
    target: &str,
    request: &PreparedRequest,
) -> Result<(), CliError> {
    match format {
        OutputFormat::Table => {
            line(out, format!("What if: performing the operation \"{}\" on target \"{}\".", operation, safe(target)))?;
            line(out, request_table(request))?;
            line(out, "Not sent: --what-if only shows the request.")
        }
        OutputFormat::Json | OutputFormat::Jsonl => {
            let doc = PreviewDoc {
                what_if: true,
                sent: false,
                operation,
                target,
                request: RequestDoc {
                    method: &request.method,
                    path: &request.path,
                    params: &request.params,
                    query: &request.query,
                    body: request.body.as_ref().map(duo_directory::Body::text),
                    headers: HeaderObject(&request.headers),
                },
            };
            let text = if format == OutputFormat::Json {
                serde_json::to_string_pretty(&doc)
            } else {
                serde_json::to_string(&doc)
            };
            line(out, text.map_err(|e| CliError::Check(format!("cannot write the preview as JSON: {e}")))?)
        }
    }
}

/// The JSON document of a `--what-if` preview.
#[derive(serde::Serialize)]
struct PreviewDoc<'a> {
    what_if: bool,
    sent: bool,
    operation: &'a str,
    target: &'a str,
    request: RequestDoc<'a>,
}

/// A prepared request in JSON: [`PreparedRequest`]'s fields, headers as one object.
#[derive(serde::Serialize)]
struct RequestDoc<'a> {
    method: &'a str,
    path: &'a str,
    params: &'a duo_directory::Params,
    query: &'a str,
    body: Option<&'a str>,
    headers: HeaderObject<'a>,
}

/// Header pairs as a JSON object, in order.
struct HeaderObject<'a>(&'a [(String, String)]);

impl Serialize for HeaderObject<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}
