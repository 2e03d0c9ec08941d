#!/usr/bin/env bash
# The command as a user installs it: `cargo install --path cli` into a throw-away root (debug
# profile and the workspace's target/, so it links what the test run already compiled; --locked,
# as a user installing from this tree should), then the installed binary's --version (the
# workspace version), its completions for bash, zsh and fish (bash -n; zsh -n / fish -n where those
# shells exist) and its manual pages.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
version=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' "$root/Cargo.toml")
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cargo install --quiet --locked --debug --path "$root/cli" --root "$dest" \
  --target-dir "${CARGO_TARGET_DIR:-$root/target}"
bin=$dest/bin/duo-directory
[ -x "$bin" ] || fail "cargo install put no duo-directory in $dest/bin"
[ "$("$bin" --version)" = "duo-directory $version" ] || fail "installed --version: $("$bin" --version)"

for shell in bash zsh fish; do
  "$bin" completions "$shell" > "$dest/completion.$shell"
  for word in users groups emulator completions bypass-codes page-size; do
    grep -q -- "$word" "$dest/completion.$shell" || fail "$shell completion lacks $word"
  done
done
bash -n "$dest/completion.bash" || fail "bash -n rejects the bash completion"
if command -v zsh >/dev/null; then zsh -n "$dest/completion.zsh" || fail "zsh -n"; fi
if command -v fish >/dev/null; then fish --no-execute "$dest/completion.fish" || fail "fish -n"; fi

"$bin" man --out-dir "$dest/man"
for page in duo-directory duo-directory-users duo-directory-users-list duo-directory-completions; do
  grep -q '^\.TH ' "$dest/man/$page.1" || fail "no manual page $page.1"
done
echo "cargo install OK: duo-directory $version, completions (bash, zsh, fish), $(ls "$dest/man" | wc -l) manual pages"
