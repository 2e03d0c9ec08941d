//! `duo-directory directory users|groups list|get`, `duo-directory events tail` and
//! `duo-directory webhook verify`: the WorkOS directory side. Each command converts its
//! arguments, calls core and prints.

use crate::args::OutputArgs;
use crate::exit::CliError;
use crate::output::{self, OutputFormat};
use clap::{Args, Subcommand};
use duo_directory::directory::{EventQuery, GroupQuery, Paging, UserQuery};
use duo_directory::{DirectoryClient, DirectoryConfig, DirectoryEvent, DirectoryGroup, DirectoryUser, Scheme};
use serde::Serialize;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::time::Duration;

/// Environment variable of the directory API key.
pub const ENV_API_KEY: &str = "WORKOS_API_KEY";
/// Environment variable of the webhook secret.
pub const ENV_WEBHOOK_SECRET: &str = "WORKOS_WEBHOOK_SECRET";

/// Where the directory API is and how to reach it.
#[derive(Debug, Args)]
#[command(next_help_heading = "Directory API options")]
pub struct DirectoryConnection {
    /// API key (sk_...); prefer the WORKOS_API_KEY variable: other local users can read a command line.
    #[arg(long, global = true, value_name = "KEY", env = ENV_API_KEY, hide_env_values = true)]
    pub api_key: Option<String>,
    /// API host [default: api.workos.com], or http://HOST:PORT for a loopback emulator.
    #[arg(long, global = true, value_name = "HOST", env = "WORKOS_API_HOST")]
    pub api_host: Option<String>,
    /// Extra CA certificates to trust (PEM bundle), e.g. the emulator's.
    #[arg(long, global = true, value_name = "PATH", env = "WORKOS_CA_CERTS")]
    pub api_ca_certs: Option<PathBuf>,
}

impl DirectoryConnection {
    pub(crate) fn client(&self) -> Result<DirectoryClient, CliError> {
        let Some(key) = self.api_key.clone().filter(|k| !k.trim().is_empty()) else {
            return Err(CliError::Config(format!("no directory API key: set {ENV_API_KEY} or pass --api-key")));
        };
        let mut config = DirectoryConfig::new(key);
        config.binding = "cli".into();
        if let Some(host) = &self.api_host {
            match host.strip_prefix("http://") {
                Some(rest) => {
                    config.scheme = Scheme::Http;
                    config.host = rest.trim_end_matches('/').to_string();
                }
                None => config.host = host.strip_prefix("https://").unwrap_or(host).trim_end_matches('/').to_string(),
            }
        }
        if let Some(path) = &self.api_ca_certs {
            config.ca_certs = Some(duo_directory::CaSource::Path(path.clone()).load()?);
        }
        Ok(DirectoryClient::new(config)?)
    }
}

/// `directory ...`
#[derive(Debug, Args)]
pub struct DirectoryArgs {
    /// Connection.
    #[command(flatten)]
    pub connection: DirectoryConnection,
    /// Output.
    #[command(flatten)]
    pub output: OutputArgs,
    /// What to read.
    #[command(subcommand)]
    pub command: DirectoryCommand,
}

/// The directory objects.
#[derive(Debug, Subcommand)]
pub enum DirectoryCommand {
    /// Directory users.
    #[command(subcommand)]
    Users(UsersCommand),
    /// Directory groups.
    #[command(subcommand)]
    Groups(GroupsCommand),
}

/// Paging flags.
#[derive(Debug, Args)]
pub struct PagingArgs {
    /// Objects per request (1-100; the API's default is 10).
    #[arg(long, value_name = "N")]
    pub page_size: Option<u32>,
    /// asc, desc (the API's default) or normal.
    #[arg(long)]
    pub order: Option<String>,
    /// Start after this object id.
    #[arg(long, value_name = "ID")]
    pub after: Option<String>,
}

impl PagingArgs {
    fn paging(&self) -> Paging {
        Paging { limit: self.page_size, before: None, after: self.after.clone(), order: self.order.clone() }
    }
}

/// `directory users ...`
#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// List directory users (every page).
    List {
        /// Only this directory's users.
        #[arg(long, value_name = "ID")]
        directory: Option<String>,
        /// Only this group's members.
        #[arg(long, value_name = "ID")]
        group: Option<String>,
        /// The user with this provider id (needs --directory).
        #[arg(long, value_name = "ID")]
        idp_id: Option<String>,
        /// Users with this primary email (needs --directory).
        #[arg(long)]
        email: Option<String>,
        /// Paging.
        #[command(flatten)]
        paging: PagingArgs,
    },
    /// One directory user by id.
    Get {
        /// The directory user's id.
        id: String,
    },
}

/// `directory groups ...`
#[derive(Debug, Subcommand)]
pub enum GroupsCommand {
    /// List directory groups (every page).
    List {
        /// Only this directory's groups.
        #[arg(long, value_name = "ID")]
        directory: Option<String>,
        /// Only the groups of this directory user.
        #[arg(long, value_name = "ID")]
        user: Option<String>,
        /// Paging.
        #[command(flatten)]
        paging: PagingArgs,
    },
    /// One directory group by id.
    Get {
        /// The group's id.
        id: String,
    },
}

/// `events ...`
#[derive(Debug, Args)]
pub struct EventsArgs {
    /// Connection.
    #[command(flatten)]
    pub connection: DirectoryConnection,
    /// Output.
    #[command(flatten)]
    pub output: OutputArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: EventsCommand,
}

/// The Events API.
#[derive(Debug, Subcommand)]
pub enum EventsCommand {
    /// Print the events after a stored cursor (the id of the last event processed), then store
    /// the new cursor; with --follow, keep polling.
    Tail {
        /// Event names, comma-separated [default: every dsync.* event].
        #[arg(long, value_delimiter = ',')]
        events: Vec<String>,
        /// Start after this event id (wins over --cursor-file).
        #[arg(long, value_name = "ID")]
        after: Option<String>,
        /// A file holding the cursor: read at start, rewritten after each event printed.
        #[arg(long, value_name = "PATH")]
        cursor_file: Option<PathBuf>,
        /// Keep polling for new events.
        #[arg(long)]
        follow: bool,
        /// Seconds between polls with --follow.
        #[arg(long, value_name = "SECONDS", default_value_t = 5.0)]
        interval: f64,
        /// Stop after this many polls (with --follow; default: until interrupted).
        #[arg(long, value_name = "N")]
        polls: Option<u64>,
    },
}

/// `webhook ...`
#[derive(Debug, Args)]
pub struct WebhookArgs {
    /// Output.
    #[command(flatten)]
    pub output: OutputArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: WebhookCommand,
}

/// Webhooks.
#[derive(Debug, Subcommand)]
pub enum WebhookCommand {
    /// Verify a webhook body (a file, or stdin) against its WorkOS-Signature header and print the
    /// typed event, or why it failed.
    Verify {
        /// The raw body, as received (`-` or absent: stdin).
        file: Option<PathBuf>,
        /// The WorkOS-Signature header value (`t=..., v1=...`).
        #[arg(long, value_name = "HEADER")]
        signature: String,
        /// The webhook secret; prefer the WORKOS_WEBHOOK_SECRET variable.
        #[arg(long, env = ENV_WEBHOOK_SECRET, hide_env_values = true)]
        secret: String,
        /// Seconds the timestamp may be from now, either way [default: 180].
        #[arg(long, value_name = "SECONDS")]
        tolerance: Option<f64>,
        /// The time to check against, in Unix seconds [default: now].
        #[arg(long, value_name = "SECONDS")]
        now: Option<f64>,
    },
}

fn print_json(out: &mut impl Write, value: &impl Serialize) -> Result<(), CliError> {
    let text = serde_json::to_string(value).map_err(|e| CliError::Check(e.to_string()))?;
    output::line(out, text)
}

fn user_row(u: &DirectoryUser) -> Vec<String> {
    vec![
        output::safe(&u.id),
        output::safe(u.email.as_deref().unwrap_or_default()),
        output::safe(u.first_name.as_deref().unwrap_or_default()),
        output::safe(u.last_name.as_deref().unwrap_or_default()),
        output::safe(u.state.as_str()),
        output::safe(&u.directory_id),
    ]
}

fn group_row(g: &DirectoryGroup) -> Vec<String> {
    vec![output::safe(&g.id), output::safe(&g.name), output::safe(g.directory_id.as_deref().unwrap_or_default())]
}

/// Prints objects as a table (after the last), one JSON array, or JSON lines (as they come).
struct Sink<T> {
    format: OutputFormat,
    rows: Vec<T>,
}

impl<T: Serialize> Sink<T> {
    fn push(&mut self, out: &mut impl Write, item: T) -> Result<(), CliError> {
        if self.format == OutputFormat::Jsonl {
            return print_json(out, &item);
        }
        self.rows.push(item);
        Ok(())
    }

    fn finish(self, out: &mut impl Write, header: &[&str], row: fn(&T) -> Vec<String>) -> Result<(), CliError> {
        match self.format {
            OutputFormat::Jsonl => Ok(()),
            OutputFormat::Json => print_json(out, &self.rows),
            OutputFormat::Table => {
                let mut table = output::table(header);
                for item in &self.rows {
                    table.add_row(row(item));
                }
                output::line(out, table)
            }
        }
    }
}

const USER_HEADER: &[&str] = &["id", "email", "first_name", "last_name", "state", "directory_id"];
const GROUP_HEADER: &[&str] = &["id", "name", "directory_id"];

/// Runs one `directory` command.
pub async fn run(args: DirectoryArgs) -> Result<(), CliError> {
    let client = args.connection.client()?;
    let format = args.output.output;
    let mut out = std::io::BufWriter::new(std::io::stdout());
    let result = match args.command {
        DirectoryCommand::Users(UsersCommand::List { directory, group, idp_id, email, paging }) => {
            let query = UserQuery { directory, group, idp_id, email, paging: paging.paging() };
            let mut cursor = client.list_users(&query)?;
            let mut sink = Sink { format, rows: Vec::new() };
            while let Some(user) = cursor.next().await? {
                sink.push(&mut out, user)?;
            }
            sink.finish(&mut out, USER_HEADER, user_row)
        }
        DirectoryCommand::Users(UsersCommand::Get { id }) => {
            let user = client.get_user(&id).await?;
            print_one(&mut out, format, &user, USER_HEADER, user_row)
        }
        DirectoryCommand::Groups(GroupsCommand::List { directory, user, paging }) => {
            let query = GroupQuery { directory, user, paging: paging.paging() };
            let mut cursor = client.list_groups(&query)?;
            let mut sink = Sink { format, rows: Vec::new() };
            while let Some(group) = cursor.next().await? {
                sink.push(&mut out, group)?;
            }
            sink.finish(&mut out, GROUP_HEADER, group_row)
        }
        DirectoryCommand::Groups(GroupsCommand::Get { id }) => {
            let group = client.get_group(&id).await?;
            print_one(&mut out, format, &group, GROUP_HEADER, group_row)
        }
    };
    let flushed = out.flush();
    result?;
    Ok(flushed?)
}

/// One object: a one-row table, or the object itself (not an array of one).
fn print_one<T: Serialize>(
    out: &mut impl Write,
    format: OutputFormat,
    item: &T,
    header: &[&str],
    row: fn(&T) -> Vec<String>,
) -> Result<(), CliError> {
    match format {
        OutputFormat::Json | OutputFormat::Jsonl => print_json(out, item),
        OutputFormat::Table => {
            let mut table = output::table(header);
            table.add_row(row(item));
            output::line(out, table)
        }
    }
}

fn event_line(e: &DirectoryEvent) -> String {
    let subject = e
        .user
        .as_ref()
        .map(|u| u.id.clone())
        .or_else(|| e.group.as_ref().map(|g| g.id.clone()))
        .or_else(|| e.directory.as_ref().map(|d| d.id.clone()))
        .or_else(|| e.token.as_ref().map(|t| t.id.clone()))
        .unwrap_or_default();
    let when = e.created_at.as_deref().unwrap_or_default();
    output::safe(&format!("{when}  {}  {}  {subject}", e.id, e.event))
}

fn print_event(out: &mut impl Write, format: OutputFormat, event: &DirectoryEvent) -> Result<(), CliError> {
    match format {
        OutputFormat::Table => output::line(out, event_line(event)),
        OutputFormat::Json | OutputFormat::Jsonl => output::line(out, event.to_json()),
    }
}

/// Runs one `events` command.
pub async fn run_events(args: EventsArgs) -> Result<(), CliError> {
    let client = args.connection.client()?;
    let format = args.output.output;
    let EventsCommand::Tail { events, after, cursor_file, follow, interval, polls } = args.command;
    if !(interval.is_finite() && interval > 0.0 && interval <= 86_400.0) {
        return Err(CliError::Usage(format!("--interval {interval} must be more than 0 and at most 86400 seconds")));
    }
    let mut cursor = match (&after, &cursor_file) {
        (Some(after), _) => Some(after.clone()),
        (None, Some(path)) => match std::fs::read_to_string(path) {
            Ok(text) => Some(text.trim().to_string()).filter(|t| !t.is_empty()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(CliError::Io(e)),
        },
        (None, None) => None,
    };
    let mut out = std::io::stdout();
    let mut done = 0u64;
    loop {
        let query = EventQuery {
            events: events.clone(),
            paging: Paging { after: cursor.clone(), ..Paging::default() },
            ..EventQuery::default()
        };
        let mut listing = client.list_events(&query)?;
        while let Some(event) = listing.next().await? {
            print_event(&mut out, format, &event)?;
            out.flush()?;
            cursor = Some(event.id.clone());
            if let Some(path) = &cursor_file {
                std::fs::write(path, format!("{}\n", event.id))?;
            }
        }
        done += 1;
        if !follow || polls.is_some_and(|n| done >= n) {
            break;
        }
        tokio::time::sleep(Duration::from_secs_f64(interval)).await;
    }
    if let Some(cursor) = &cursor {
        eprintln!("cursor: {}", output::safe(cursor));
    }
    Ok(())
}

/// Runs one `webhook` command.
pub fn run_webhook(args: WebhookArgs) -> Result<(), CliError> {
    let WebhookCommand::Verify { file, signature, secret, tolerance, now } = args.command;
    let mut body = Vec::new();
    match file.as_deref().filter(|p| p.as_os_str() != "-") {
        Some(path) => body = std::fs::read(path)?,
        None => {
            std::io::stdin().read_to_end(&mut body)?;
        }
    }
    let event = duo_directory::verify_webhook(&body, &signature, &secret, tolerance, now)?;
    let mut out = std::io::stdout();
    match args.output.output {
        OutputFormat::Table => {
            let mut table = output::table(&["field", "value"]);
            table.add_row(["verified", "yes"]);
            table.add_row(["id", &output::safe(&event.id)]);
            table.add_row(["event", &output::safe(&event.event)]);
            table.add_row(["kind", event.kind.as_str()]);
            table.add_row(["directory_id", &output::safe(event.directory_id.as_deref().unwrap_or_default())]);
            if let Some(user) = &event.user {
                table.add_row(["user", &output::safe(&format!("{} {}", user.id, user.email.as_deref().unwrap_or("")))]);
            }
            if let Some(group) = &event.group {
                table.add_row(["group", &output::safe(&format!("{} {}", group.id, group.name))]);
            }
            if let Some(previous) = &event.previous_attributes {
                let text = serde_json::to_string(previous).unwrap_or_default();
                table.add_row(["previous_attributes", &output::safe(&text)]);
            }
            output::line(&mut out, table)
        }
        OutputFormat::Json | OutputFormat::Jsonl => output::line(&mut out, event.to_json()),
    }
}
