//! `duo-directory`: the Duo users command line, its demo and a local emulator.

mod args;
mod completions;
mod config;
mod demo;
mod directory;
mod exit;
mod listing;
mod logging;
mod output;
mod reconcile;
mod sanitize;
mod subresources;
mod users;

use args::{Cli, Command, EmulatorArgs};
use clap::Parser;
use duo_directory_emulator::EmulatorError;
use exit::CliError;
use output::OutputFormat;
use std::process::ExitCode;

fn main() -> ExitCode {
    // clap prints usage errors itself and exits with 2 (0 for --help and --version).
    let cli = Cli::parse();
    logging::init(cli.global.verbose);
    let format = match &cli.command {
        Command::Demo(args) => Some(args.output.output),
        Command::Users(args) => Some(args.output.output),
        Command::Directory(args) => Some(args.output.output),
        Command::Events(args) => Some(args.output.output),
        Command::Webhook(args) => Some(args.output.output),
        Command::Groups(args) => Some(args.output.output),
        Command::Reconcile(_) | Command::Emulator(_) | Command::Completions(_) | Command::Man(_) => None,
    };
    let json = matches!(format, Some(OutputFormat::Json | OutputFormat::Jsonl));
    exit::report(run(cli), json)
}

fn run(cli: Cli) -> Result<(), CliError> {
    // The one runtime of the process, the same the core's blocking client uses.
    let runtime = duo_directory::runtime::shared()?;
    runtime.block_on(async move {
        match cli.command {
            Command::Demo(args) => {
                let format = args.output.output;
                demo::run(args, format).await
            }
            Command::Users(args) => users::run(args).await,
            Command::Directory(args) => directory::run(args).await,
            Command::Events(args) => directory::run_events(args).await,
            Command::Webhook(args) => directory::run_webhook(args),
            Command::Groups(args) => subresources::groups(args).await,
            Command::Reconcile(args) => reconcile::run(args).await,
            Command::Emulator(args) => emulator(args).await,
            // Generated from the clap definitions alone: no request, no configuration.
            Command::Completions(args) => completions::completions(&args),
            Command::Man(args) => completions::man(&args),
        }
    })
}

async fn emulator(args: EmulatorArgs) -> Result<(), CliError> {
    let options = duo_directory_emulator::standalone::Options {
        port: args.port,
        seed_file: args.seed_file,
        users: args.users,
        json: args.json,
        tls: !args.http,
        debug_signatures: args.debug_signatures,
        rate_limits: args.rate_limit,
        rate_window: args.rate_window,
        latency: std::time::Duration::from_millis(args.latency_ms),
        time_scale: args.time_scale,
    };
    duo_directory_emulator::standalone::run(options).await.map_err(|e| match e {
        // The file named on the command line is wrong: a usage error.
        EmulatorError::SeedFile { .. } | EmulatorError::InvalidInput { .. } => CliError::Usage(e.to_string()),
        other => CliError::Emulator(other.to_string()),
    })
}
