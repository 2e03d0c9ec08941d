//! `duo-directory`: the Duo users command line, its demo and a local emulator.

mod args;
mod config;
mod demo;
mod exit;
mod output;
mod users;

use args::{Cli, Command, EmulatorArgs};
use clap::Parser;
use exit::CliError;
use std::process::ExitCode;

fn main() -> ExitCode {
    // clap prints usage errors itself and exits with 2 (0 for --help and --version).
    let cli = Cli::parse();
    exit::report(run(cli))
}

fn run(cli: Cli) -> Result<(), CliError> {
    // The one runtime of the process, the same the core's blocking client uses.
    let runtime = duo_directory::runtime::shared()?;
    runtime.block_on(async move {
        match cli.command {
            Command::Demo(args) => demo::run(args, cli.global.output).await,
            Command::Users(command) => users::run(command, &cli.global).await,
            Command::Emulator(args) => emulator(args).await,
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
    };
    duo_directory_emulator::standalone::run(options).await.map_err(|e| CliError::Emulator(e.to_string()))
}
