//! `duo-directory completions SHELL` and `duo-directory man`: generated from the clap definitions,
//! they name the commands the binary really has, and the bash script completes them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, missing_docs)]

mod common;

use common::{bare, stdout_of};
use std::process::Command as Process;

/// The subcommands `--help` lists for `args` (the "Commands:" section, `help` left out).
fn subcommands(args: &[&str]) -> Vec<String> {
    let help = stdout_of(bare().args(args).arg("--help"));
    let section = help.split("Commands:\n").nth(1).unwrap_or_else(|| panic!("no Commands: in {help}"));
    let names: Vec<String> = section
        .lines()
        .take_while(|line| line.starts_with("  "))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect();
    assert!(names.len() >= 2, "{help}");
    names
}

fn completion(shell: &str) -> String {
    stdout_of(bare().args(["completions", shell]))
}

#[test]
fn every_shell_script_names_every_command_and_nested_options() {
    let top = subcommands(&[]);
    for expected in ["users", "groups", "emulator", "completions", "man"] {
        assert!(top.iter().any(|c| c == expected), "{expected} not in {top:?}");
    }
    let users = subcommands(&["users"]);
    assert!(users.iter().any(|c| c == "bypass-codes"), "{users:?}");
    for shell in ["bash", "zsh", "fish"] {
        let script = completion(shell);
        for name in top.iter().chain(&users) {
            assert!(script.contains(name.as_str()), "{shell} completion lacks {name}");
        }
        // options of nested commands, and the completions command's own values
        for option in ["page-size", "seed-file", "what-if", "out-dir"] {
            assert!(script.contains(option), "{shell} completion lacks --{option}");
        }
        assert!(script.contains("powershell"), "{shell} completion lacks the shells of `completions`");
    }
}

#[test]
fn the_scripts_are_for_their_shell() {
    assert!(
        completion("bash").contains("complete -F _duo__directory -o nosort -o bashdefault -o default duo-directory")
    );
    assert!(completion("zsh").starts_with("#compdef duo-directory"));
    assert!(completion("fish").contains("complete -c duo-directory"));
}

#[test]
fn the_bash_script_parses_and_completes_commands_and_options() {
    let script = completion("bash");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("duo-directory.bash");
    std::fs::write(&path, &script).unwrap();
    let function = script
        .lines()
        .find_map(|line| line.trim().strip_prefix("complete -F "))
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no `complete -F` in {script}"))
        .to_owned();
    let syntax = Process::new("bash").arg("-n").arg(&path).output().unwrap();
    assert!(syntax.status.success(), "bash -n: {}", String::from_utf8_lossy(&syntax.stderr));
    // What bash does on TAB: call the completion function with the words typed so far.
    let complete = |words: &str| {
        let program = format!(
            "source {path}; COMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); \
             COMP_LINE=\"${{COMP_WORDS[*]}}\"; COMP_POINT=${{#COMP_LINE}}; \
             {function} duo-directory \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"; \
             printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            path = path.display()
        );
        let out = Process::new("bash").arg("-c").arg(program).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().lines().map(str::to_owned).collect::<Vec<_>>()
    };
    assert_eq!(complete("duo-directory us"), ["users"]);
    let users = complete("duo-directory users ''");
    for command in subcommands(&["users"]) {
        assert!(users.contains(&command), "{command} not offered after `users`: {users:?}");
    }
    assert!(complete("duo-directory users list --page").contains(&"--page-size".to_owned()));
    let mut shells: Vec<String> =
        complete("duo-directory completions ''").into_iter().filter(|word| !word.starts_with('-')).collect();
    shells.sort();
    assert_eq!(shells, ["bash", "elvish", "fish", "powershell", "zsh"]);
}

#[test]
fn zsh_and_fish_parse_where_those_shells_are_installed() {
    for (shell, check) in [("zsh", &["-n"][..]), ("fish", &["--no-execute"][..])] {
        let Ok(status) = Process::new(shell).arg("--version").output() else {
            eprintln!("{shell} is not installed: its script was checked for content only");
            continue;
        };
        assert!(status.status.success());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(format!("duo-directory.{shell}"));
        std::fs::write(&path, completion(shell)).unwrap();
        let out = Process::new(shell).args(check).arg(&path).output().unwrap();
        assert!(out.status.success(), "{shell}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    bare().args(["completions", "tcsh"]).assert().code(2).stdout("");
}

#[test]
fn the_man_page_is_roff_and_documents_the_commands() {
    let page = stdout_of(bare().arg("man"));
    assert!(page.contains(".TH duo-directory 1"), "{page}");
    for name in subcommands(&[]) {
        assert!(page.contains(&format!("duo\\-directory\\-{}", name.replace('-', "\\-"))), "man page lacks {name}");
    }
    let version = env!("CARGO_PKG_VERSION");
    assert!(page.contains(&format!(".TH duo-directory 1  \"duo-directory {version}\"")), "no version in the page");
}

#[test]
fn man_out_dir_writes_one_page_per_command() {
    let dir = tempfile::tempdir().unwrap();
    bare().args(["man", "--out-dir"]).arg(dir.path()).assert().success().stdout("");
    for page in
        ["duo-directory.1", "duo-directory-users.1", "duo-directory-users-list.1", "duo-directory-completions.1"]
    {
        let text = std::fs::read_to_string(dir.path().join(page)).unwrap_or_else(|e| panic!("{page}: {e}"));
        assert!(text.contains(".TH "), "{page} is not a manual page");
    }
    // groff renders it without warnings where it is installed (man-db's own check)
    if let Ok(out) = Process::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .arg(dir.path().join("duo-directory-users.1"))
        .output()
    {
        assert!(out.status.success() && out.stderr.is_empty(), "groff: {}", String::from_utf8_lossy(&out.stderr));
    }
}
