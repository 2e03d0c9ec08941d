//! `duo-directory users ...`: each command converts its arguments, calls the core client and prints.

use crate::args::{
    CreateArgs, DeleteArgs, GetArgs, ListArgs, SafetyArgs, SyncArgs, UpdateArgs, UserFields, UsersArgs, UsersCommand,
};
use crate::exit::CliError;
use crate::listing::UserSink;
use crate::output::{self, OutputFormat};
use crate::subresources as sub;
use duo_directory::{Client, PreparedRequest, UserCreate, UserUpdate};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{BufRead, IsTerminal, Write};

/// Runs one `users` command. What it printed is flushed before any error is reported.
pub async fn run(args: UsersArgs) -> Result<(), CliError> {
    let client = Client::new(crate::config::client_config(&args.connection)?)?;
    let format = args.output.output;
    let mut out = std::io::BufWriter::new(std::io::stdout());
    let result = match args.command {
        UsersCommand::List(args) => list(&client, &args, format, &mut out).await,
        UsersCommand::Get(args) => get(&client, args, format, &mut out).await,
        UsersCommand::Create(args) => create(&client, args, format, &mut out).await,
        UsersCommand::Update(args) => update(&client, args, format, &mut out).await,
        UsersCommand::Delete(args) => delete(&client, args, format, &mut out).await,
        UsersCommand::Sync(args) => sync(&client, args, format, &mut out).await,
        UsersCommand::Groups { command } => sub::link(&client, sub::Link::Groups, command, format, &mut out).await,
        UsersCommand::Phones { command } => sub::link(&client, sub::Link::Phones, command, format, &mut out).await,
        UsersCommand::Tokens { command } => sub::link(&client, sub::Link::Tokens, command, format, &mut out).await,
        UsersCommand::BypassCodes { command } => sub::bypass_codes(&client, command, format, &mut out).await,
        UsersCommand::Authenticators(args) => sub::authenticators(&client, args, format, &mut out).await,
        UsersCommand::Enroll(args) => sub::enroll(&client, args, format, &mut out).await,
        UsersCommand::Lookup(args) => sub::lookup(&client, args, format, &mut out).await,
    };
    let flushed = out.flush();
    result?;
    Ok(flushed?)
}

/// A progress bar on stderr, or `None` when stderr is not a terminal.
pub fn progress_bar() -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {pos}/{len} users")
        .map(|s| s.progress_chars("=> "))
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    Some(bar)
}

/// The page size a listing asks for: `--page-size` (or Duo's default), never more than `--limit`.
pub fn list_page_size(page_size: Option<u32>, limit: Option<u64>) -> Option<u32> {
    let limit = limit.map(|n| u32::try_from(n).unwrap_or(u32::MAX).min(duo_directory::MAX_PAGE_SIZE));
    match (page_size, limit) {
        (Some(size), Some(limit)) => Some(size.min(limit)),
        (None, limit) => limit,
        (size, None) => size,
    }
}

async fn list(client: &Client, args: &ListArgs, format: OutputFormat, out: &mut impl Write) -> Result<(), CliError> {
    let mut pager = client.list_users(list_page_size(args.page_size, args.limit))?;
    if let Some(limit) = args.limit {
        pager = pager.with_max_users(limit);
    }
    let bar = progress_bar();
    let mut sink = UserSink::new(format);
    let limit = args.limit.unwrap_or(u64::MAX);
    let fetched = async {
        // the cursor hands out at most `limit` users and asks Duo for no more
        while let Some(page) = pager.next_page().await? {
            if let (Some(bar), Some(total)) = (&bar, page.metadata.total_objects) {
                bar.set_length(total.min(limit));
            }
            for lazy in page.users {
                sink.push(&lazy.into_user()?);
            }
            if let Some(bar) = &bar {
                bar.set_position(sink.count());
                bar.set_message(format!("page {}", pager.pages_fetched()));
            }
            sink.flush(out, bar.as_ref())?;
        }
        Ok::<(), CliError>(())
    }
    .await;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    match fetched {
        Ok(()) => sink.finish(out),
        Err(e) => {
            sink.abort(out)?;
            Err(e)
        }
    }
}

async fn get(client: &Client, args: GetArgs, format: OutputFormat, out: &mut impl Write) -> Result<(), CliError> {
    if let Some(user_id) = &args.user_id {
        let user = client.get_user(user_id).await?;
        return output::print_user(out, format, &user);
    }
    if let Some(username) = &args.username {
        let user = client
            .get_user_by_username(username)
            .await?
            .ok_or_else(|| CliError::NotFound(format!("no user has the username or alias {username:?}")))?;
        return output::print_user(out, format, &user);
    }
    if let Some(email) = &args.email {
        // A search: no match is an empty list, not a failure.
        let users = client.get_users_by_email(email).await?;
        return output::print_users(out, format, &users);
    }
    Err(CliError::Usage("give a USER_ID, --username or --email".into()))
}

async fn create(client: &Client, args: CreateArgs, format: OutputFormat, out: &mut impl Write) -> Result<(), CliError> {
    let mut create = UserCreate::new(args.username);
    for (field, value) in &args.fields.0 {
        create.set(field.name(), Some(value))?;
    }
    let request = client.preview().create_user(&create)?;
    if !proceed(out, format, args.safety, false, "Create user", &create.username, &request)? {
        return Ok(());
    }
    let user = client.create_user(&create).await?;
    output::print_user(out, format, &user)
}

/// The update the flags describe; `--clear-alias N` sets alias N to empty, which removes it.
pub fn user_update(username: Option<String>, fields: UserFields, clear_alias: &[u8]) -> Result<UserUpdate, CliError> {
    let mut update = UserUpdate { username, ..UserUpdate::default() };
    for (field, value) in &fields.0 {
        update.set(field.name(), Some(value))?;
    }
    for &n in clear_alias {
        let slot = match n {
            1 => &mut update.alias1,
            2 => &mut update.alias2,
            3 => &mut update.alias3,
            4 => &mut update.alias4,
            _ => return Err(CliError::Usage(format!("--clear-alias {n}: aliases are numbered 1 to 4"))),
        };
        if slot.as_deref().is_some_and(|v| !v.is_empty()) {
            return Err(CliError::Usage(format!("--alias{n} and --clear-alias {n} contradict each other")));
        }
        *slot = Some(String::new());
    }
    Ok(update)
}

async fn update(client: &Client, args: UpdateArgs, format: OutputFormat, out: &mut impl Write) -> Result<(), CliError> {
    let update = user_update(args.username, args.fields, &args.clear_alias)?;
    let request = client.preview().update_user(&args.user_id, &update)?;
    if !proceed(out, format, args.safety, false, "Update user", &args.user_id, &request)? {
        return Ok(());
    }
    let user = client.update_user(&args.user_id, &update).await?;
    output::print_user(out, format, &user)
}

async fn delete(client: &Client, args: DeleteArgs, format: OutputFormat, out: &mut impl Write) -> Result<(), CliError> {
    let request = client.preview().delete_user(&args.user_id)?;
    // Deleting is permanent (PowerShell's ConfirmImpact High): ask unless --yes.
    if !proceed(out, format, args.safety, !args.yes, "Delete user", &args.user_id, &request)? {
        return Ok(());
    }
    client.delete_user(&args.user_id).await?;
    match format {
        OutputFormat::Table => output::line(out, format!("Deleted user {}.", args.user_id)),
        OutputFormat::Json | OutputFormat::Jsonl => {
            output::line(out, serde_json::json!({ "deleted": true, "user_id": args.user_id }))
        }
    }
}

async fn sync(client: &Client, args: SyncArgs, format: OutputFormat, out: &mut impl Write) -> Result<(), CliError> {
    let request = client.preview().sync_user_from_directory(&args.directory_key, &args.username)?;
    let target = format!("{} from directory {}", args.username, args.directory_key);
    // A sync may mark the user for deletion: ask unless --yes.
    if !proceed(out, format, args.safety, !args.yes, "Synchronize user from directory", &target, &request)? {
        return Ok(());
    }
    let user = client.sync_user_from_directory(&args.directory_key, &args.username).await?;
    output::print_user(out, format, &user)
}

/// `-WhatIf` prints the request and stops (`Ok(false)`). `--confirm` asks first, reading the answer
/// from stdin whatever it is; `ask_by_default` (delete, sync without `--yes`) asks only on a
/// terminal and otherwise refuses with a usage error, so that a script never blocks on a prompt.
pub(crate) fn proceed(
    out: &mut impl Write,
    format: OutputFormat,
    safety: SafetyArgs,
    ask_by_default: bool,
    operation: &str,
    target: &str,
    request: &PreparedRequest,
) -> Result<bool, CliError> {
    if safety.what_if {
        output::print_preview(out, format, operation, target, request)?;
        return Ok(false);
    }
    if safety.confirm {
        confirm(operation, target)?;
    } else if ask_by_default {
        if !std::io::stdin().is_terminal() {
            return Err(CliError::Usage(format!(
                "refusing to {} without confirmation: stdin is not a terminal; pass --yes to proceed \
                 (or --what-if to see the request)",
                operation.to_lowercase()
            )));
        }
        confirm(operation, target)?;
    }
    Ok(true)
}

/// Asks on stderr, reads `y`/`N` from stdin. Anything but yes (including end of input) declines.
fn confirm(operation: &str, target: &str) -> Result<(), CliError> {
    let mut err = std::io::stderr();
    write!(
        err,
        "Confirm\nAre you sure you want to perform this action?\n\
         Performing the operation \"{operation}\" on target \"{}\".\n\
         [y] Yes  [N] No (default is \"N\"): ",
        crate::sanitize::for_terminal(target)
    )?;
    err.flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        Err(CliError::Declined("cancelled: nothing was sent".into()))
    }
}
