//! The command line, declared with clap's derive API.

use crate::exit::EXIT_CODES_HELP;
use crate::output::OutputFormat;
use clap::{ArgAction, ArgGroup, Args, Parser, Subcommand};
use duo_directory::UserField;
use std::path::PathBuf;
use std::time::Duration;

/// List, create, edit, delete and directory-sync Duo users; run the demo or a local emulator.
#[derive(Debug, Parser)]
#[command(name = "duo-directory", version, after_help = EXIT_CODES_HELP, propagate_version = true)]
pub struct Cli {
    /// Options of every command.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options of every command.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// More detail on stderr: -v INFO, -vv DEBUG, -vvv TRACE. Without it RUST_LOG, when set,
    /// chooses; otherwise only retries that wait a second or more are reported.
    #[arg(short, long, action = ArgAction::Count, global = true, help_heading = "Global options")]
    pub verbose: u8,
}

/// The commands.
#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant, reason = "parsed once per process")]
pub enum Command {
    /// Run the main flows end to end against an embedded emulator (no configuration needed).
    Demo(DemoArgs),
    /// Work with the Duo users of an account (needs credentials).
    Users(UsersArgs),
    /// Read the WorkOS directory: directory users and groups (needs a directory API key).
    Directory(crate::directory::DirectoryArgs),
    /// Pull directory events from the Events API, from a stored cursor.
    Events(crate::directory::EventsArgs),
    /// Verify a WorkOS webhook and print its typed event.
    Webhook(crate::directory::WebhookArgs),
    /// List or show the groups of an account (needs credentials).
    Groups(crate::subresources::GroupsArgs),
    /// Reconcile a directory into Duo: plan, review (show), apply (resumable with a journal).
    Reconcile(crate::reconcile::ReconcileArgs),
    /// Run a local Duo-compatible Admin API emulator until interrupted.
    #[command(after_long_help = SEED_FILE_HELP)]
    Emulator(EmulatorArgs),
    /// Print the shell completion script for bash, zsh, fish, elvish or powershell.
    Completions(crate::completions::CompletionsArgs),
    /// Print the manual page (or write one per command with --out-dir).
    Man(crate::completions::ManArgs),
}

/// How results are printed (the `users` commands and `demo`).
#[derive(Debug, Args, Clone, Copy)]
#[command(next_help_heading = "Output options")]
pub struct OutputArgs {
    /// How results are printed: readable tables, one JSON document, or one JSON object per line.
    /// With json or jsonl a failure is printed on stdout too, as {"error": {...}}.
    #[arg(long, short = 'o', global = true, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

/// Where Duo is and how to reach it (the `users` commands).
#[derive(Debug, Args)]
#[command(next_help_heading = "Connection options")]
pub struct ConnectionArgs {
    /// Credentials file (TOML or JSON: ikey, skey, host, optional ca_certs); wins over DUO_* variables.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Integration key; wins over --config and DUO_IKEY.
    #[arg(long, global = true, value_name = "IKEY")]
    pub ikey: Option<String>,
    /// Secret key; wins over --config and DUO_SKEY. Prefer DUO_SKEY or --config: other local
    /// users can read a command line.
    #[arg(long, global = true, value_name = "SKEY")]
    pub skey: Option<String>,
    /// API host (api-XXXXXXXX.duosecurity.com, or http://HOST:PORT for a loopback emulator);
    /// wins over --config and DUO_HOST.
    #[arg(long, global = true, value_name = "HOST")]
    pub host: Option<String>,
    /// Extra CA certificates to trust (PEM bundle), e.g. the emulator's.
    #[arg(long, global = true, value_name = "PATH", env = "DUO_CA_CERTS")]
    pub ca_certs: Option<PathBuf>,
    /// Timeout of each HTTP attempt, in seconds [default: 30]; a whole call (retries and waits
    /// included) stops after 120 s.
    #[arg(long, global = true, value_name = "SECONDS", value_parser = parse_seconds)]
    pub timeout: Option<Duration>,
    /// Most retries of one call [default: 6; 0 turns retrying off]. Retried: a 429 (any command;
    /// with --retry-mode standard waiting Retry-After, at most 60 s, or 1 s doubling to 32 s; in
    /// the adaptive mode until the 120 s deadline, paced); 502/503/504, a broken
    /// connection and (once) a timeout for reads only; a connection that could not be made, for
    /// any command, at most twice within a second. A create, update, delete or sync that may have
    /// reached Duo is never sent again.
    #[arg(long, global = true, value_name = "N")]
    pub max_retries: Option<u32>,
    /// `adaptive` [default]: pace each class of request (pages, single reads, writes), slowing
    /// down on 429 to the rate Duo allows and speeding up again; `standard`: back off and retry.
    #[arg(long, global = true, value_name = "MODE", value_parser = parse_retry_mode)]
    pub retry_mode: Option<duo_directory::RetryMode>,
    /// Pages `users list` fetches ahead of the one being printed [default: 1; 0 = on demand].
    #[arg(long, global = true, value_name = "N")]
    pub prefetch: Option<u32>,
    /// Never request more list pages a minute than this (from your Duo contract; Duo's default is 200).
    #[arg(long, global = true, value_name = "N")]
    pub pages_per_minute: Option<u32>,
    /// Never request more single users a minute than this (Duo's default is 300).
    #[arg(long, global = true, value_name = "N")]
    pub reads_per_minute: Option<u32>,
    /// Never send more writes a minute than this (Duo's default is 300).
    #[arg(long, global = true, value_name = "N")]
    pub writes_per_minute: Option<u32>,
}

fn parse_retry_mode(mode: &str) -> Result<duo_directory::RetryMode, String> {
    mode.parse().map_err(|e: duo_directory::Error| e.to_string())
}

/// `duo-directory users ...`: the connection and output options, then the command.
#[derive(Debug, Args)]
pub struct UsersArgs {
    /// Where Duo is.
    #[command(flatten)]
    pub connection: ConnectionArgs,
    /// How results are printed.
    #[command(flatten)]
    pub output: OutputArgs,
    /// The command.
    #[command(subcommand)]
    pub command: UsersCommand,
}

/// `duo-directory demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// How many Duo users to seed the emulator's account with.
    #[arg(long, default_value_t = 250, value_name = "N")]
    pub users: usize,
    /// Seed (a number) of the generated users and directory.
    #[arg(long, default_value_t = 7, value_name = "N")]
    pub seed: u64,
    /// How the summary is printed.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// The seed file's format, shown by `duo-directory emulator --help`.
pub const SEED_FILE_HELP: &str = "\
Seed file (--seed-file FILE): one JSON object; both members are optional and no other is allowed.

  {
    \"users\": [ Duo user objects, as GET /admin/v1/users returns them; each needs
               a unique, non-empty \"user_id\" and a non-empty \"username\" ],
    \"directories\": { \"DIRECTORY_KEY\": [ directory users, in the WorkOS Directory Sync
               shape: \"id\", \"idp_id\", \"directory_id\", \"state\" (active or inactive),
               \"created_at\", \"updated_at\", and optionally \"first_name\", \"last_name\",
               \"email\", \"groups\", \"custom_attributes\", \"username\", ... ] }
  }

For example:
  {\"users\": [{\"user_id\": \"DU3RP9I2WOC59VZX672N\", \"username\": \"jsmith\",
              \"realname\": \"Joe Smith\", \"email\": \"jsmith@example.com\", \"status\": \"active\"}]}

Users are added (or replace the generated user with the same user_id); each directory named
replaces any of that key. A file that cannot be read or is not valid is a usage error (exit 2).";

/// `duo-directory emulator`: only the options that apply to it (no credentials, no output format).
#[derive(Debug, Args)]
pub struct EmulatorArgs {
    /// Port to listen on (0 picks a free one; the address is printed).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// JSON file of users and directories to load at start (format: see --help).
    #[arg(long, value_name = "FILE")]
    pub seed_file: Option<PathBuf>,
    /// How many generated users to start with.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub users: usize,
    /// Print the connection details as one JSON line.
    #[arg(long)]
    pub json: bool,
    /// Serve plain HTTP instead of HTTPS (loopback only).
    #[arg(long)]
    pub http: bool,
    /// Answer a request whose signature does not match with the canonical string the emulator
    /// expected (in `message_detail` and `expected_canonical`), to diff against your own.
    #[arg(long)]
    pub debug_signatures: bool,
    /// Apply Duo's rate limits by class of request: `duo` (200 pages, 300 single reads and 300
    /// writes a minute, the default when no value is given) or `pages=N,reads=N,writes=N`
    /// (classes not named keep Duo's number). Past a budget: 429 / 42901.
    #[arg(long, value_name = "LIMITS", num_args = 0..=1, default_missing_value = "duo", value_parser = parse_rate_limits)]
    pub rate_limit: Option<duo_directory::RateLimits>,
    /// How the rate limit counts a minute: `fixed` (reset every minute) or `sliding` (the last minute).
    #[arg(long, value_name = "WINDOW", default_value = "fixed", value_parser = parse_rate_window)]
    pub rate_window: duo_directory_emulator::RateWindow,
    /// Delay every answer by this many milliseconds, as a network round trip would.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub latency_ms: u64,
    /// Run the rate limit's minute this many times faster (60: a Duo minute per second).
    #[arg(long, value_name = "X", default_value_t = 1.0)]
    pub time_scale: f64,
}

fn parse_rate_limits(spec: &str) -> Result<duo_directory::RateLimits, String> {
    spec.parse().map_err(|e: duo_directory::Error| e.to_string())
}

fn parse_rate_window(spec: &str) -> Result<duo_directory_emulator::RateWindow, String> {
    spec.parse().map_err(|e: duo_directory_emulator::EmulatorError| e.to_string())
}

/// The `users` commands.
#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// List users, fetching pages as they are printed.
    List(ListArgs),
    /// Show one user, by id, username or email.
    Get(GetArgs),
    /// Create a user.
    Create(CreateArgs),
    /// Change a user's fields (Duo's "modify user").
    Update(UpdateArgs),
    /// Delete a user permanently (asks first unless --yes).
    Delete(DeleteArgs),
    /// Create, update or mark for deletion a user from a directory (Sync-DuoUserFromDirectory;
    /// asks first unless --yes).
    Sync(SyncArgs),
    /// A user's groups: list, add, remove.
    Groups {
        /// What to do.
        #[command(subcommand)]
        command: crate::subresources::LinkCommand,
    },
    /// A user's phones: list, add (associate), remove (dissociate).
    Phones {
        /// What to do.
        #[command(subcommand)]
        command: crate::subresources::LinkCommand,
    },
    /// A user's hardware tokens: list, add (associate), remove (dissociate).
    Tokens {
        /// What to do.
        #[command(subcommand)]
        command: crate::subresources::LinkCommand,
    },
    /// A user's bypass codes: list their metadata, create new ones.
    BypassCodes {
        /// What to do.
        #[command(subcommand)]
        command: crate::subresources::BypassCommand,
    },
    /// A user's U2F tokens, WebAuthn credentials and Duo Desktop authenticators (read-only).
    Authenticators(crate::subresources::UserIdArgs),
    /// Create a user and send them an enrollment email.
    Enroll(crate::subresources::EnrollArgs),
    /// Look up many users at once by username or id (in the order given; missing ones reported).
    Lookup(crate::subresources::LookupArgs),
}

/// `users list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Users per page (1-300) [default: 100, or --limit when smaller].
    #[arg(long, value_name = "N")]
    pub page_size: Option<u32>,
    /// Ask Duo for at most this many users (pages of at most N) and stop after N.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub limit: Option<u64>,
}

/// `users get`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("key").required(true).args(["user_id", "username", "email"])))]
pub struct GetArgs {
    /// The user's id (DU...).
    pub user_id: Option<String>,
    /// Look the user up by username (or alias).
    #[arg(long)]
    pub username: Option<String>,
    /// Look users up by email address.
    #[arg(long)]
    pub email: Option<String>,
}

/// The `-WhatIf` / `-Confirm` switches of every mutating command.
#[derive(Debug, Args, Clone, Copy)]
pub struct SafetyArgs {
    /// Print the exact request that would be sent, and send nothing.
    #[arg(long, visible_alias = "wi")]
    pub what_if: bool,
    /// Ask for confirmation before sending, reading y/N from stdin (even when it is not a terminal,
    /// so that an answer can be piped).
    #[arg(long, visible_alias = "cf")]
    pub confirm: bool,
}

/// Help of `--yes`, shared by delete and sync.
const YES_HELP: &str = "Skip the confirmation. Without --yes (or --confirm) the command asks on the terminal, \
and refuses with exit code 2 when stdin is not a terminal";

/// Writable user fields, shared by create and update: one `--NAME VALUE` flag per entry of core's
/// field table ([`UserField`]; `username` is declared by each command), in table order.
#[derive(Debug, Clone, Default)]
pub struct UserFields(pub Vec<(UserField, String)>);

fn field_flags() -> impl Iterator<Item = UserField> {
    UserField::ALL.into_iter().filter(|f| *f != UserField::Username)
}

impl clap::FromArgMatches for UserFields {
    fn from_arg_matches(matches: &clap::ArgMatches) -> Result<Self, clap::Error> {
        let given = field_flags().filter_map(|f| matches.get_one::<String>(f.name()).map(|v| (f, v.clone())));
        Ok(UserFields(given.collect()))
    }

    fn update_from_arg_matches(&mut self, matches: &clap::ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

impl clap::Args for UserFields {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        field_flags().fold(cmd, |cmd, f| {
            cmd.arg(clap::Arg::new(f.name()).long(f.name()).value_name("TEXT").help(f.description()))
        })
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

/// `users create`.
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Primary username.
    #[arg(long)]
    pub username: String,
    /// The other fields.
    #[command(flatten)]
    pub fields: UserFields,
    /// Preview / confirm.
    #[command(flatten)]
    pub safety: SafetyArgs,
}

/// `users update`.
#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// The user's id (DU...).
    pub user_id: String,
    /// New primary username.
    #[arg(long)]
    pub username: Option<String>,
    /// The other fields.
    #[command(flatten)]
    pub fields: UserFields,
    /// Remove alias N (1-4); may be repeated.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=4))]
    pub clear_alias: Vec<u8>,
    /// Preview / confirm.
    #[command(flatten)]
    pub safety: SafetyArgs,
}

/// `users delete`.
#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// The user's id (DU...).
    pub user_id: String,
    #[arg(long, short = 'y', conflicts_with = "confirm", help = YES_HELP)]
    pub yes: bool,
    /// Preview / confirm.
    #[command(flatten)]
    pub safety: SafetyArgs,
}

/// `users sync`.
#[derive(Debug, Args)]
pub struct SyncArgs {
    /// The directory's key (Users > Directory Sync in the Duo Admin Panel).
    #[arg(long, visible_alias = "directory_key")]
    pub directory_key: String,
    /// The user's username in the directory.
    #[arg(long)]
    pub username: String,
    #[arg(long, short = 'y', conflicts_with = "confirm", help = YES_HELP)]
    pub yes: bool,
    /// Preview / confirm.
    #[command(flatten)]
    pub safety: SafetyArgs,
}

fn parse_seconds(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text.parse().map_err(|_| format!("{text:?} is not a number of seconds"))?;
    if !(seconds.is_finite() && seconds > 0.0 && seconds <= 86_400.0) {
        return Err(format!("{text} must be more than 0 and at most 86400 seconds"));
    }
    Ok(Duration::from_secs_f64(seconds))
}
