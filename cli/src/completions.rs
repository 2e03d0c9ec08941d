//! `duo-directory completions SHELL` and `duo-directory man`: shell completions and manual pages
//! generated from the clap definitions, so they name exactly the commands and options this
//! binary accepts.

use crate::args::Cli;
use crate::exit::CliError;
use clap::{Args, CommandFactory};
use clap_complete::Shell;
use std::io::Write;
use std::path::PathBuf;

/// `duo-directory completions SHELL`.
#[derive(Debug, Args)]
#[command(after_help = COMPLETIONS_HELP)]
pub struct CompletionsArgs {
    /// The shell to write the completion script for.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// `duo-directory man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write one page per command (duo-directory.1, duo-directory-users.1, ...) into DIR
    /// instead of printing the top-level page on stdout.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

/// Where each shell looks for completions, shown by `duo-directory completions --help`.
const COMPLETIONS_HELP: &str = "\
Install:
  bash  duo-directory completions bash > ~/.local/share/bash-completion/completions/duo-directory
  zsh   duo-directory completions zsh > \"${fpath[1]}/_duo-directory\"
  fish  duo-directory completions fish > ~/.config/fish/completions/duo-directory.fish";

/// The binary's name as the completions and pages spell it.
const BIN: &str = "duo-directory";

/// Prints the completion script for `args.shell` on stdout.
pub fn completions(args: &CompletionsArgs) -> Result<(), CliError> {
    let mut buffer = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), BIN, &mut buffer);
    if args.shell == Shell::Bash {
        buffer = fix_bash_state_labels(&buffer).into_bytes();
    }
    write_stdout(&buffer)
}

/// clap_complete 4.6 spells a hyphenated binary's state `duo__directory__subcmd__users` where its
/// bash script sets it and `duo__subcmd__directory__subcmd__users` in the `case` arms that read it,
/// so nothing after the first word completes (clap-rs/clap#6421, unfixed in 4.6.12). This spells
/// the arms like the loop; `tests/completions.rs` runs the script in bash to keep it honest.
fn fix_bash_state_labels(script: &[u8]) -> String {
    String::from_utf8_lossy(script).replace("duo__subcmd__directory", "duo__directory")
}

/// Prints the top-level manual page, or writes every command's page into `--out-dir`.
pub fn man(args: &ManArgs) -> Result<(), CliError> {
    let command = Cli::command();
    match &args.out_dir {
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(CliError::Io)?;
            clap_mangen::generate_to(command, dir).map_err(CliError::Io)
        }
        None => {
            let mut buffer = Vec::new();
            clap_mangen::Man::new(command).render(&mut buffer).map_err(CliError::Io)?;
            write_stdout(&buffer)
        }
    }
}

fn write_stdout(bytes: &[u8]) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes).and_then(|()| out.flush()).map_err(CliError::Io)
}
