//! `duo-emulator`: a standalone Duo Admin API emulator for tests in any language.
//!
//! ```text
//! duo-emulator [--port N] [--users N] [--seed FILE] [--http] [--text] [--debug-signatures]
//! ```
//! Prints one JSON line `{"host","ikey","skey","ca_cert_path",...}` on stdout (unless `--text`),
//! then serves until Ctrl-C or SIGTERM.

use duo_directory_emulator::standalone::{self, Options};
use std::process::ExitCode;

const USAGE: &str = "usage: duo-emulator [--port N] [--users N] [--seed FILE] [--http] [--text] [--debug-signatures]\n                    [--rate-limit [duo|pages=N,reads=N,writes=N]] [--rate-window fixed|sliding] [--latency-ms N] [--time-scale X]";

fn parse(args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options { json: true, ..Options::default() };
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value =
            |what: &str| inline.clone().or_else(|| args.next()).ok_or_else(|| format!("{name} needs {what}"));
        match name.as_str() {
            "--port" => {
                options.port =
                    value("a port number")?.parse().map_err(|_| "--port needs a number 0-65535".to_string())?
            }
            "--users" => options.users = value("a count")?.parse().map_err(|_| "--users needs a count".to_string())?,
            "--seed" | "--seed-file" => options.seed_file = Some(value("a file")?.into()),
            "--http" => options.tls = false,
            "--text" => options.json = false,
            "--json" => options.json = true,
            "--debug-signatures" => options.debug_signatures = true,
            "--rate-limit" => {
                let spec = inline.clone().or_else(|| args.next_if(|a| !a.starts_with("--"))).unwrap_or_default();
                options.rate_limits = Some(spec.parse().map_err(|e| format!("--rate-limit: {e}"))?);
            }
            "--rate-window" => {
                options.rate_window = value("fixed or sliding")?.parse().map_err(|e| format!("--rate-window: {e}"))?
            }
            "--latency-ms" => {
                let ms: u64 =
                    value("milliseconds")?.parse().map_err(|_| "--latency-ms needs a whole number".to_string())?;
                options.latency = std::time::Duration::from_millis(ms);
            }
            "--time-scale" => {
                options.time_scale =
                    value("a factor")?.parse().map_err(|_| "--time-scale needs a number such as 60".to_string())?
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(options)
}

fn main() -> ExitCode {
    let options = match parse(std::env::args().skip(1)) {
        Ok(o) => o,
        Err(message) => {
            if message.is_empty() {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            eprintln!("duo-emulator: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match duo_directory::runtime::shared() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("duo-emulator: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(standalone::run(options)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("duo-emulator: {e}");
            ExitCode::FAILURE
        }
    }
}
