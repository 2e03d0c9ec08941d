//! `duo-directory reconcile plan|show|apply`: plan the reconcile of a directory into Duo, review
//! it as a table (the `-WhatIf` of a whole directory), apply it with a progress bar, a summary
//! table and an optional journal to resume from. Each command converts its arguments, calls core
//! and prints.

use crate::args::ConnectionArgs;
use crate::exit::CliError;
use crate::output;
use clap::{Args, Subcommand};
use duo_directory::reconcile::{
    ActionKind, ApplyOptions, InactiveAction, Mapping, OutcomeStatus, Plan, Report, Scope, UsernameSource,
};
use duo_directory::{Client, DirectoryUser};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// `reconcile ...`
#[derive(Debug, Args)]
pub struct ReconcileArgs {
    /// The command.
    #[command(subcommand)]
    pub command: ReconcileCommand,
}

/// The reconcile commands.
#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant, reason = "parsed once per process")]
pub enum ReconcileCommand {
    /// Plan the reconcile of a directory into Duo and save the plan (sends no write).
    Plan(PlanArgs),
    /// Print a saved plan as a table of what would change.
    Show {
        /// The plan file.
        plan: PathBuf,
    },
    /// Apply a saved plan: re-read each user, write what still differs, report every user.
    Apply(ApplyArgs),
}

/// `reconcile plan`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("source").required(true).args(["directory", "workos_directory"])))]
pub struct PlanArgs {
    /// Where Duo is.
    #[command(flatten)]
    pub connection: ConnectionArgs,
    /// Where the directory API is (for --workos-directory).
    #[command(flatten)]
    pub directory_api: crate::directory::DirectoryConnection,
    /// Directory users from a file: a JSON array, or a directory API list (`{"data": [...]}`).
    #[arg(long, value_name = "FILE")]
    pub directory: Option<PathBuf>,
    /// Directory users from the directory API: the directory's id (directory_...).
    #[arg(long, value_name = "ID")]
    pub workos_directory: Option<String>,
    /// Where to write the plan (JSON).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: PathBuf,
    /// The mapping as a JSON file (the flags below override its members).
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// Duo username from: email, email_local_part, idp_id or attribute:NAME [default: email].
    #[arg(long, value_name = "SOURCE", value_parser = parse::<UsernameSource>)]
    pub username_from: Option<UsernameSource>,
    /// What an inactive (or removed) directory user becomes: trash or disable [default: trash].
    #[arg(long, value_name = "ACTION", value_parser = parse::<InactiveAction>)]
    pub inactive: Option<InactiveAction>,
    /// Which Duo users the plan may touch: directory, group:NAME or pattern:GLOB [default: directory].
    #[arg(long, value_name = "SCOPE", value_parser = parse::<Scope>)]
    pub scope: Option<Scope>,
    /// Realname template [default: "{first_name} {last_name}"].
    #[arg(long, value_name = "TEMPLATE")]
    pub realname: Option<String>,
    /// The directory id written into the ownership marker [default: the users' directory_id].
    #[arg(long, value_name = "ID")]
    pub directory_id: Option<String>,
    /// Duo directory key: users Duo's own sync manages are synced instead of written.
    #[arg(long, value_name = "KEY")]
    pub directory_key: Option<String>,
}

/// `reconcile apply`.
#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// Where Duo is.
    #[command(flatten)]
    pub connection: ConnectionArgs,
    /// The plan file.
    pub plan: PathBuf,
    /// Updates in flight at once [default: 8, at most 64].
    #[arg(long, value_name = "N")]
    pub concurrency: Option<u32>,
    /// Journal file: an interrupted apply run again with the same journal resumes where it stopped.
    #[arg(long, value_name = "FILE")]
    pub journal: Option<PathBuf>,
    /// Users per bulk request [default and most: 100].
    #[arg(long, value_name = "N")]
    pub chunk_size: Option<u32>,
    /// Show the plan and ask y/N (from stdin) before applying.
    #[arg(long)]
    pub confirm: bool,
}

fn parse<T: std::str::FromStr<Err = duo_directory::Error>>(text: &str) -> Result<T, String> {
    text.parse().map_err(|e: duo_directory::Error| e.to_string())
}

/// Runs one `reconcile` command.
pub async fn run(args: ReconcileArgs) -> Result<(), CliError> {
    let mut out = std::io::BufWriter::new(std::io::stdout());
    let result = match args.command {
        ReconcileCommand::Plan(args) => plan(args, &mut out).await,
        ReconcileCommand::Show { plan } => show(&read_plan(&plan)?, &mut out),
        ReconcileCommand::Apply(args) => apply(args, &mut out).await,
    };
    let flushed = out.flush();
    result?;
    Ok(flushed?)
}

fn read_plan(path: &Path) -> Result<Plan, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::Usage(format!("cannot read the plan {}: {e}", path.display())))?;
    Ok(Plan::from_json(&text)?)
}

/// Directory users from a JSON array or a `{"data": [...]}` list.
pub fn directory_users_from_json(text: &str) -> Result<Vec<DirectoryUser>, CliError> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| CliError::Usage(format!("the directory file is not JSON: {e}")))?;
    let items = match value {
        serde_json::Value::Array(items) => items,
        serde_json::Value::Object(mut map) => match map.remove("data") {
            Some(serde_json::Value::Array(items)) => items,
            _ => return Err(CliError::Usage("the directory file is an object without a `data` array".into())),
        },
        _ => return Err(CliError::Usage("the directory file is not a JSON array of directory users".into())),
    };
    items.iter().map(|item| Ok(DirectoryUser::from_json(&item.to_string())?)).collect()
}

fn mapping_of(args: &PlanArgs) -> Result<Mapping, CliError> {
    let mut mapping = match &args.mapping {
        Some(path) => Mapping::from_json(
            &std::fs::read_to_string(path)
                .map_err(|e| CliError::Usage(format!("cannot read the mapping {}: {e}", path.display())))?,
        )?,
        None => Mapping::default(),
    };
    if let Some(v) = &args.username_from {
        mapping.username_from = v.clone();
    }
    if let Some(v) = args.inactive {
        mapping.inactive = v;
    }
    if let Some(v) = &args.scope {
        mapping.scope = v.clone();
    }
    if let Some(v) = &args.realname {
        mapping.realname = v.clone();
    }
    if let Some(v) = &args.directory_id {
        mapping.directory_id = Some(v.clone());
    }
    if let Some(v) = &args.directory_key {
        mapping.directory_key = Some(v.clone());
    }
    mapping.validate()?;
    Ok(mapping)
}

async fn plan(args: PlanArgs, out: &mut impl Write) -> Result<(), CliError> {
    let mapping = mapping_of(&args)?;
    let users = match (&args.directory, &args.workos_directory) {
        (Some(path), _) => directory_users_from_json(
            &std::fs::read_to_string(path)
                .map_err(|e| CliError::Usage(format!("cannot read the directory {}: {e}", path.display())))?,
        )?,
        (None, Some(id)) => {
            let client = args.directory_api.client()?;
            let query = duo_directory::directory::UserQuery { directory: Some(id.clone()), ..Default::default() };
            let mut cursor = client.list_users(&query)?;
            let mut users = Vec::new();
            while let Some(user) = cursor.next().await? {
                users.push(user);
            }
            users
        }
        (None, None) => return Err(CliError::Usage("give --directory FILE or --workos-directory ID".into())),
    };
    let client = Client::new(crate::config::client_config(&args.connection)?)?;
    let plan = client.plan_reconcile(&users, Some(&mapping)).await?;
    std::fs::write(&args.output, plan.to_json())
        .map_err(|e| CliError::Usage(format!("cannot write the plan {}: {e}", args.output.display())))?;
    write_summary(out, &plan)?;
    output::line(out, format!("plan written to {}", args.output.display()))
}

fn write_summary(out: &mut impl Write, plan: &Plan) -> Result<(), CliError> {
    let summary = plan.summary();
    let parts: Vec<String> =
        summary.counts().into_iter().filter(|(_, n)| *n > 0).map(|(k, n)| format!("{n} {}", k.as_str())).collect();
    let parts = if parts.is_empty() { "no user".to_string() } else { parts.join(", ") };
    output::line(out, format!("{} users: {parts} ({} changes)", plan.entries.len(), summary.changes()))
}

fn changes_text(entry: &duo_directory::reconcile::PlanEntry) -> String {
    if let Some(conflict) = &entry.conflict {
        return format!("{}: {}", conflict.reason.as_str(), conflict.detail);
    }
    entry
        .changes
        .iter()
        .map(|c| match &c.before {
            Some(before) => format!("{}: {:?} -> {:?}", c.field, before, c.after),
            None => format!("{}: {:?}", c.field, c.after),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The readable table of a plan: every user that changes or conflicts, then a summary line.
pub fn show(plan: &Plan, out: &mut impl Write) -> Result<(), CliError> {
    let mut table = output::table(&["action", "username", "duo user", "changes"]);
    for entry in plan.entries.iter().filter(|e| e.action != ActionKind::Unchanged) {
        table.add_row([
            entry.action.as_str().to_string(),
            entry.username.clone(),
            entry.duo_user_id.clone().unwrap_or_default(),
            changes_text(entry),
        ]);
    }
    if plan.entries.iter().any(|e| e.action != ActionKind::Unchanged) {
        output::line(out, &table)?;
    }
    write_summary(out, plan)
}

/// The summary table of a report: per action, how many were done, failed, skipped, unchanged.
pub fn report_table(report: &Report, out: &mut impl Write) -> Result<(), CliError> {
    let statuses = OutcomeStatus::ALL;
    let mut header = vec!["action"];
    header.extend(statuses.iter().map(|s| s.as_str()));
    let mut table = output::table(&header);
    for kind in ActionKind::ALL {
        let of_kind: Vec<_> = report.outcomes.iter().filter(|o| o.action == kind).collect();
        if of_kind.is_empty() {
            continue;
        }
        let mut row = vec![kind.as_str().to_string()];
        row.extend(statuses.iter().map(|s| of_kind.iter().filter(|o| o.status == *s).count().to_string()));
        table.add_row(row);
    }
    output::line(out, &table)?;
    for o in report.outcomes.iter().filter(|o| matches!(o.status, OutcomeStatus::Failed | OutcomeStatus::Skipped)) {
        let why = match (&o.error, &o.reason) {
            (Some(e), _) => e.to_string(),
            (None, Some(r)) => r.clone(),
            (None, None) => String::new(),
        };
        output::line(out, format!("{} {} {}: {why}", o.status.as_str(), o.action.as_str(), output::safe(&o.username)))?;
    }
    Ok(())
}

async fn apply(args: ApplyArgs, out: &mut impl Write) -> Result<(), CliError> {
    let plan = read_plan(&args.plan)?;
    let client = Client::new(crate::config::client_config(&args.connection)?)?;
    if args.confirm {
        show(&plan, out)?;
        out.flush()?;
        let mut err = std::io::stderr();
        write!(err, "Apply these {} changes to Duo? [y] Yes  [N] No (default is \"N\"): ", plan.summary().changes())?;
        err.flush()?;
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        if !matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
            return Err(CliError::Declined("cancelled: nothing was sent".into()));
        }
    }
    let bar = crate::users::progress_bar();
    if let Some(bar) = &bar {
        bar.set_length(plan.entries.len() as u64);
        bar.set_message("reconcile");
    }
    let progress_bar = bar.clone();
    let options = ApplyOptions {
        concurrency: args.concurrency,
        journal: args.journal.clone(),
        chunk_size: args.chunk_size,
        progress: Some(Arc::new(move |_outcome| {
            if let Some(bar) = &progress_bar {
                bar.inc(1);
            }
        })),
    };
    let report = client.apply(&plan, &options).await?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    report_table(&report, out)?;
    match report.outcomes.iter().find_map(|o| o.error.clone()) {
        Some(error) => {
            out.flush()?;
            Err(CliError::Duo(error))
        }
        None => Ok(()),
    }
}
