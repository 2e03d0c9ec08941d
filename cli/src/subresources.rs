//! `duo-directory users groups|phones|tokens|bypass-codes|authenticators|enroll|lookup`
//! and `duo-directory groups list|get`: arguments, then "convert, call core, print", with
//! `--what-if` / `--confirm` on every change.

use crate::args::{ConnectionArgs, OutputArgs, SafetyArgs};
use crate::exit::CliError;
use crate::output::{self, OutputFormat, safe, text};
use crate::users::proceed;
use clap::{ArgGroup, Args, Subcommand};
use duo_directory::{BypassCodeOptions, Client, Group, PreparedRequest};
use serde::Serialize;
use std::io::Write;

/// `users groups`, `users phones`, `users tokens`: list, add, remove.
#[derive(Debug, Subcommand)]
pub enum LinkCommand {
    /// List them.
    List(UserIdArgs),
    /// Associate one with the user.
    Add(LinkArgs),
    /// Dissociate one from the user (the object itself stays).
    Remove(LinkArgs),
}

/// A user id.
#[derive(Debug, Args)]
pub struct UserIdArgs {
    /// The user's id (DU...).
    pub user_id: String,
}

/// A user id, the id of the group, phone or token, and the safety switches.
#[derive(Debug, Args)]
pub struct LinkArgs {
    /// The user's id (DU...).
    pub user_id: String,
    /// The group's (DG...), phone's (DP...) or token's (DH...) id.
    pub id: String,
    /// Preview / confirm.
    #[command(flatten)]
    pub safety: SafetyArgs,
}

/// `users bypass-codes`.
#[derive(Debug, Subcommand)]
pub enum BypassCommand {
    /// List the metadata of a user's bypass codes (never the codes).
    List(UserIdArgs),
    /// Create bypass codes (replacing the existing ones unless --preserve-existing) and print them.
    Create(BypassCreateArgs),
}

/// `users bypass-codes create`.
#[derive(Debug, Args)]
pub struct BypassCreateArgs {
    /// The user's id (DU...).
    pub user_id: String,
    /// How many random codes (1-10) [Duo's default: 10].
    #[arg(long, conflicts_with = "code")]
    pub count: Option<u32>,
    /// An explicit code (digits); may be repeated, up to 10.
    #[arg(long, value_name = "DIGITS")]
    pub code: Vec<String>,
    /// Seconds the codes stay valid (0: never expire) [Duo's default: 0].
    #[arg(long, value_name = "SECONDS")]
    pub valid_secs: Option<u64>,
    /// Uses per code (0: unlimited) [Duo's default: 1].
    #[arg(long, value_name = "N")]
    pub reuse_count: Option<u32>,
    /// Keep the user's existing codes.
    #[arg(long)]
    pub preserve_existing: bool,
    /// Preview / confirm.
    #[command(flatten)]
    pub safety: SafetyArgs,
}

/// `users enroll`.
#[derive(Debug, Args)]
pub struct EnrollArgs {
    /// Username of the new user.
    #[arg(long)]
    pub username: String,
    /// Where the enrollment email goes.
    #[arg(long)]
    pub email: String,
    /// Seconds before the enrollment link expires (0: never) [Duo's default: 30 days].
    #[arg(long, value_name = "SECONDS")]
    pub valid_secs: Option<u64>,
    /// Preview / confirm.
    #[command(flatten)]
    pub safety: SafetyArgs,
}

/// `users lookup`: many users at once, by username or by id.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("keys").required(true).args(["username", "user_id"])))]
pub struct LookupArgs {
    /// A username or alias; may be repeated.
    #[arg(long, conflicts_with = "user_id")]
    pub username: Vec<String>,
    /// A user id (DU...); may be repeated.
    #[arg(long)]
    pub user_id: Vec<String>,
}

/// `duo-directory groups ...`: the connection and output options, then the command.
#[derive(Debug, Args)]
pub struct GroupsArgs {
    /// Where Duo is.
    #[command(flatten)]
    pub connection: ConnectionArgs,
    /// How results are printed.
    #[command(flatten)]
    pub output: OutputArgs,
    /// The command.
    #[command(subcommand)]
    pub command: GroupsCommand,
}

/// `groups list|get`.
#[derive(Debug, Subcommand)]
pub enum GroupsCommand {
    /// List every group (all pages).
    List(GroupListArgs),
    /// Show one group.
    Get(GroupGetArgs),
}

/// `groups list`.
#[derive(Debug, Args)]
pub struct GroupListArgs {
    /// Groups per page (1-100) [default: 100].
    #[arg(long, value_name = "N")]
    pub page_size: Option<u32>,
}

/// `groups get`.
#[derive(Debug, Args)]
pub struct GroupGetArgs {
    /// The group's id (DG...).
    pub group_id: String,
}

/// Which association a [`LinkCommand`] is about.
#[derive(Debug, Clone, Copy)]
pub enum Link {
    /// `users groups`.
    Groups,
    /// `users phones`.
    Phones,
    /// `users tokens`.
    Tokens,
}

/// Any serializable value as a JSON value (`null` if it cannot be).
fn to_value<T: Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or_default()
}

/// JSON text of any serializable value, indented or compact.
fn json_text<T: Serialize + ?Sized>(value: &T, pretty: bool) -> String {
    let text = if pretty { serde_json::to_string_pretty(value) } else { serde_json::to_string(value) };
    text.unwrap_or_default()
}

/// Prints items: a table of `header`, a JSON array, or one JSON object per line.
fn print_items<T: Serialize>(
    out: &mut impl Write,
    format: OutputFormat,
    header: &[&str],
    items: &[T],
    row: impl Fn(&T) -> Vec<String>,
) -> Result<(), CliError> {
    match format {
        OutputFormat::Table => {
            let mut t = output::table(header);
            for item in items {
                t.add_row(row(item));
            }
            output::line(out, t)
        }
        OutputFormat::Json => output::line(out, json_text(items, true)),
        OutputFormat::Jsonl => items.iter().try_for_each(|item| output::line(out, json_text(item, false))),
    }
}

/// The JSON document of an association change: `{"added": true, "user_id": ..., "group_id": ...}`.
fn link_doc(change: &str, user_id: &str, field: &str, id: &str) -> serde_json::Value {
    let mut doc = serde_json::Map::new();
    doc.insert(change.into(), true.into());
    doc.insert("user_id".into(), user_id.into());
    doc.insert(field.into(), id.into());
    serde_json::Value::Object(doc)
}

fn group_row(g: &Group) -> Vec<String> {
    vec![g.group_id.clone(), text(&g.name), text(&g.status), text(&g.desc)]
}

const GROUP_HEADER: [&str; 4] = ["group_id", "name", "status", "desc"];

/// Prints what a change did.
fn done(out: &mut impl Write, format: OutputFormat, message: String, doc: serde_json::Value) -> Result<(), CliError> {
    match format {
        OutputFormat::Table => output::line(out, safe(&message)),
        OutputFormat::Json | OutputFormat::Jsonl => output::line(out, doc),
    }
}

/// Runs `users authenticators USER_ID`: the user's U2F tokens, WebAuthn credentials and Duo
/// Desktop authenticators, as one table (kind, id, name, detail) or one JSON document of the three
/// lists in Duo's names (`jsonl`: one object per authenticator, with its `kind`).
pub async fn authenticators(
    client: &Client,
    args: UserIdArgs,
    format: OutputFormat,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let id = &args.user_id;
    let u2f = client.list_user_u2f_tokens(id).await?;
    let webauthn = client.list_user_webauthn_credentials(id).await?;
    let desktop = client.list_user_desktop_authenticators(id).await?;
    let mut items: Vec<(&str, serde_json::Value, [String; 3])> = Vec::new();
    for t in &u2f {
        items.push((
            "u2f",
            to_value(t),
            [t.registration_id.clone(), String::new(), t.date_added.map(|d| d.to_string()).unwrap_or_default()],
        ));
    }
    for w in &webauthn {
        items.push(("webauthn", to_value(w), [w.webauthnkey.clone(), text(&w.credential_name), text(&w.label)]));
    }
    for d in &desktop {
        let detail = [text(&d.os_family), text(&d.duo_desktop_version)]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>();
        items.push(("desktop", to_value(d), [d.daid.clone(), text(&d.device_name), detail.join(" ")]));
    }
    match format {
        OutputFormat::Table => {
            let mut t = output::table(&["kind", "id", "name", "detail"]);
            for (kind, _, [id, name, detail]) in &items {
                t.add_row(vec![(*kind).to_string(), id.clone(), name.clone(), detail.clone()]);
            }
            output::line(out, t)
        }
        OutputFormat::Json => output::line(
            out,
            json_text(
                &serde_json::json!({"u2ftokens": u2f, "webauthncredentials": webauthn, "desktopauthenticators": desktop}),
                true,
            ),
        ),
        OutputFormat::Jsonl => items.into_iter().try_for_each(|(kind, mut v, _)| {
            if let Some(object) = v.as_object_mut() {
                object.insert("kind".into(), kind.into());
            }
            output::line(out, json_text(&v, false))
        }),
    }
}

/// Runs `users groups|phones|tokens ...`.
pub async fn link(
    client: &Client,
    link: Link,
    command: LinkCommand,
    format: OutputFormat,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let (noun, field) = match link {
        Link::Groups => ("group", "group_id"),
        Link::Phones => ("phone", "phone_id"),
        Link::Tokens => ("token", "token_id"),
    };
    match command {
        LinkCommand::List(args) => match link {
            Link::Groups => {
                let groups = client.list_user_groups(&args.user_id, None)?.collect_all().await?;
                print_items(out, format, &GROUP_HEADER, &groups, group_row)
            }
            Link::Phones => {
                let phones = client.list_user_phones(&args.user_id).await?;
                let row = |p: &duo_directory::Phone| {
                    vec![p.phone_id.clone(), text(&p.number), text(&p.phone_type), text(&p.platform), text(&p.name)]
                };
                print_items(out, format, &["phone_id", "number", "type", "platform", "name"], &phones, row)
            }
            Link::Tokens => {
                let tokens = client.list_user_tokens(&args.user_id).await?;
                let row = |t: &duo_directory::Token| vec![t.token_id.clone(), text(&t.token_type), text(&t.serial)];
                print_items(out, format, &["token_id", "type", "serial"], &tokens, row)
            }
        },
        LinkCommand::Add(args) => {
            let preview = client.preview();
            let request = match link {
                Link::Groups => preview.add_user_group(&args.user_id, &args.id)?,
                Link::Phones => preview.add_user_phone(&args.user_id, &args.id)?,
                Link::Tokens => preview.add_user_token(&args.user_id, &args.id)?,
            };
            let operation = format!("Add {noun} to user");
            if !ask(out, format, &args, &operation, &request)? {
                return Ok(());
            }
            match link {
                Link::Groups => client.add_user_group(&args.user_id, &args.id).await?,
                Link::Phones => client.add_user_phone(&args.user_id, &args.id).await?,
                Link::Tokens => client.add_user_token(&args.user_id, &args.id).await?,
            }
            let doc = link_doc("added", &args.user_id, field, &args.id);
            done(out, format, format!("Added {noun} {} to user {}.", args.id, args.user_id), doc)
        }
        LinkCommand::Remove(args) => {
            let preview = client.preview();
            let request = match link {
                Link::Groups => preview.remove_user_group(&args.user_id, &args.id)?,
                Link::Phones => preview.remove_user_phone(&args.user_id, &args.id)?,
                Link::Tokens => preview.remove_user_token(&args.user_id, &args.id)?,
            };
            let operation = format!("Remove {noun} from user");
            if !ask(out, format, &args, &operation, &request)? {
                return Ok(());
            }
            match link {
                Link::Groups => client.remove_user_group(&args.user_id, &args.id).await?,
                Link::Phones => client.remove_user_phone(&args.user_id, &args.id).await?,
                Link::Tokens => client.remove_user_token(&args.user_id, &args.id).await?,
            }
            let doc = link_doc("removed", &args.user_id, field, &args.id);
            done(out, format, format!("Removed {noun} {} from user {}.", args.id, args.user_id), doc)
        }
    }
}

fn ask(
    out: &mut impl Write,
    format: OutputFormat,
    args: &LinkArgs,
    operation: &str,
    request: &PreparedRequest,
) -> Result<bool, CliError> {
    proceed(out, format, args.safety, false, operation, &format!("{} of user {}", args.id, args.user_id), request)
}

/// Runs `users bypass-codes ...`.
pub async fn bypass_codes(
    client: &Client,
    command: BypassCommand,
    format: OutputFormat,
    out: &mut impl Write,
) -> Result<(), CliError> {
    match command {
        BypassCommand::List(args) => {
            let codes = client.list_user_bypass_codes(&args.user_id).await?;
            let row = |c: &duo_directory::BypassCode| {
                let reuse = c.reuse_count.map(|n| n.to_string()).unwrap_or_default();
                vec![c.bypass_code_id.clone(), output::timestamp(c.created), output::timestamp(c.expiration), reuse]
            };
            print_items(out, format, &["bypass_code_id", "created", "expiration", "reuse_count"], &codes, row)
        }
        BypassCommand::Create(args) => {
            let options = BypassCodeOptions {
                count: args.count,
                codes: (!args.code.is_empty()).then(|| args.code.clone()),
                valid_secs: args.valid_secs,
                reuse_count: args.reuse_count,
                preserve_existing: args.preserve_existing.then_some(true),
            };
            let request = client.preview().create_user_bypass_codes(&args.user_id, &options)?;
            if !proceed(out, format, args.safety, false, "Create bypass codes", &args.user_id, &request)? {
                return Ok(());
            }
            let codes = client.create_user_bypass_codes(&args.user_id, &options).await?;
            // The codes are the result: printed once, here, and nowhere else.
            let codes: Vec<&str> = codes.expose();
            match format {
                OutputFormat::Table => codes.iter().try_for_each(|c| output::line(out, c)),
                OutputFormat::Json | OutputFormat::Jsonl => {
                    output::line(out, serde_json::json!({ "user_id": args.user_id, "codes": codes }))
                }
            }
        }
    }
}

/// Runs `users enroll`.
pub async fn enroll(
    client: &Client,
    args: EnrollArgs,
    format: OutputFormat,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let request = client.preview().enroll_user(&args.username, &args.email, args.valid_secs)?;
    if !proceed(out, format, args.safety, false, "Enroll user", &args.username, &request)? {
        return Ok(());
    }
    client.enroll_user(&args.username, &args.email, args.valid_secs).await?;
    let doc = serde_json::json!({ "enrolled": true, "username": args.username, "email": args.email });
    done(out, format, format!("Enrollment email sent to {} for {}.", args.email, args.username), doc)
}

/// Runs `users lookup`: the users found, in the order asked; names with no user are reported
/// on stderr (and in JSON as `"missing"`), and make the command exit with code 3 (not found).
pub async fn lookup(
    client: &Client,
    args: LookupArgs,
    format: OutputFormat,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let (keys, found) = if args.user_id.is_empty() {
        let found = client.get_users_by_usernames(&args.username).await?;
        (args.username, found)
    } else {
        let found = client.get_users_by_ids(&args.user_id).await?;
        (args.user_id, found)
    };
    let missing: Vec<&String> = keys.iter().zip(&found).filter(|(_, u)| u.is_none()).map(|(k, _)| k).collect();
    let users: Vec<duo_directory::User> = found.iter().flatten().cloned().collect();
    output::print_users(out, format, &users)?;
    if missing.is_empty() {
        return Ok(());
    }
    let names: Vec<String> = missing.iter().map(|m| format!("{:?}", safe(m))).collect();
    Err(CliError::NotFound(format!("no user for {}", names.join(", "))))
}

/// Runs `groups list|get`.
pub async fn groups(args: GroupsArgs) -> Result<(), CliError> {
    let client = Client::new(crate::config::client_config(&args.connection)?)?;
    let format = args.output.output;
    let mut out = std::io::BufWriter::new(std::io::stdout());
    let result = match args.command {
        GroupsCommand::List(list) => {
            async {
                let mut cursor = client.list_groups(list.page_size)?;
                let mut groups = Vec::new();
                while let Some(page) = cursor.next_page().await? {
                    groups.extend(page);
                }
                print_items(&mut out, format, &GROUP_HEADER, &groups, group_row)
            }
            .await
        }
        GroupsCommand::Get(get) => match client.get_group(&get.group_id).await {
            Ok(group) => print_items(&mut out, format, &GROUP_HEADER, std::slice::from_ref(&group), group_row),
            Err(e) => Err(e.into()),
        },
    };
    let flushed = out.flush();
    result?;
    Ok(flushed?)
}
