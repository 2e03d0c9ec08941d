#!/usr/bin/env bash
# `cargo` for the napi CLI (CARGO=this script). The CLI always passes `--target <host triple>`,
# which builds every dependency a second time under target/<triple>/ (toolchain.md, "One target
# dir"). When the triple is the host's, this drops the flag, so the addon shares target/<profile>/
# with every other cargo build, and links the library where the CLI then looks for it.
set -euo pipefail
host=$(rustc -vV | sed -n 's/^host: //p')
args=() triple='' profile=debug
while [ $# -gt 0 ]; do
  case "$1" in
    --target) triple=$2; shift 2; continue ;;
    --release) profile=release ;;
  esac
  args+=("$1"); shift
done
if [ -n "$triple" ] && [ "$triple" != "$host" ]; then args+=(--target "$triple"); triple=''; fi
cargo "${args[@]}"
if [ -n "$triple" ] && [ "${args[0]:-}" = build ]; then
  dir=${CARGO_TARGET_DIR:-$(cargo metadata --no-deps --format-version 1 | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')}
  mkdir -p "$dir/$triple/$profile"
  ln -f "$dir/$profile/libduo_directory_node.so" "$dir/$triple/$profile/libduo_directory_node.so"
fi
